#include "aws/attribute_value.h"

#include <gtest/gtest.h>

namespace dynasink::aws {
namespace {

using AV = AttributeValue;

// The sink builds millions of values: keep them small (a tag beside a string-sized variant).
static_assert(sizeof(AttributeValue) <= 48, "AttributeValue grew; it is built per column");
static_assert(std::is_nothrow_move_constructible_v<AttributeValue>);
static_assert(std::is_nothrow_move_constructible_v<AttributeMap>);

TEST(AttributeValueTest, ScalarsKeepTheirTypeAndPayload) {
  EXPECT_TRUE(AV().is_null());
  EXPECT_EQ(AV::Null().type(), AV::Type::kNull);
  EXPECT_EQ(AV::S("héllo").scalar(), "héllo");
  EXPECT_TRUE(AV::S("x").is_s());
  EXPECT_EQ(AV::N("-12.50E3").scalar(), "-12.50E3");  // kept verbatim, never through a double
  EXPECT_EQ(AV::N(int64_t{-9223372036854775807 - 1}).scalar(), "-9223372036854775808");
  EXPECT_EQ(AV::N(int64_t{0}).scalar(), "0");
  std::string bytes("\x00\xff\x10", 3);
  EXPECT_EQ(AV::B(bytes).scalar(), bytes);
  EXPECT_TRUE(AV::B(bytes).is_b());
  EXPECT_TRUE(AV::Bool(true).boolean());
  EXPECT_FALSE(AV::Bool(false).boolean());
}

TEST(AttributeValueTest, ContainersAndSets) {
  AV list = AV::L({AV::N("1"), AV::S("two"), AV::Null()});
  ASSERT_TRUE(list.is_l());
  ASSERT_EQ(list.list().size(), 3u);
  EXPECT_EQ(list.list()[1].scalar(), "two");

  AV map = AV::M({{"a", AV::N("1")}, {"b", AV::L({})}});
  ASSERT_TRUE(map.is_m());
  EXPECT_EQ(map.map().size(), 2u);
  EXPECT_TRUE(map.map().Find("b")->is_l());

  EXPECT_EQ(AV::SS({"x", "y"}).type(), AV::Type::kSS);
  EXPECT_EQ(AV::NS({"1", "2"}).type(), AV::Type::kNS);
  EXPECT_EQ(AV::BS({std::string("\x01", 1)}).type(), AV::Type::kBS);
  EXPECT_TRUE(AV::NS({"1"}).is_set());
  EXPECT_EQ(AV::SS({"x", "y"}).set().size(), 2u);
}

TEST(AttributeValueTest, EqualityComparesTypesAndIgnoresMapAndSetOrder) {
  EXPECT_EQ(AV::S("1"), AV::S("1"));
  EXPECT_NE(AV::S("1"), AV::N("1"));  // same text, different types
  EXPECT_NE(AV::S("1"), AV::B("1"));
  EXPECT_NE(AV::Bool(true), AV::Bool(false));
  EXPECT_EQ(AV::Null(), AV());
  EXPECT_EQ(AV::M({{"a", AV::N("1")}, {"b", AV::S("x")}}),
            AV::M({{"b", AV::S("x")}, {"a", AV::N("1")}}));
  EXPECT_NE(AV::M({{"a", AV::N("1")}}), AV::M({{"a", AV::N("2")}}));
  EXPECT_NE(AV::M({{"a", AV::N("1")}}), AV::M({{"b", AV::N("1")}}));
  EXPECT_NE(AV::L({AV::N("1"), AV::N("2")}), AV::L({AV::N("2"), AV::N("1")}));  // lists keep order
  EXPECT_EQ(AV::SS({"a", "b", "c"}), AV::SS({"c", "a", "b"}));
  EXPECT_NE(AV::SS({"a", "b"}), AV::NS({"a", "b"}));
  EXPECT_NE(AV::SS({"a", "b"}), AV::SS({"a", "c"}));
}

TEST(AttributeValueTest, ItemSetReplacesAppendKeepsOrderEraseRemoves) {
  Item item;
  item.Append("year", AV::N("2020"));
  item.Append("title", AV::S("The Emoji Movie"));
  item.Set("year", AV::N("2021"));
  ASSERT_EQ(item.size(), 2u);
  EXPECT_EQ(item.Find("year")->scalar(), "2021");
  EXPECT_EQ(item.begin()->first, "year");  // replacing keeps the position
  EXPECT_EQ(item.Find("missing"), nullptr);
  item.Set("description", AV::S("a"));
  EXPECT_EQ(item.entries().back().first, "description");
  EXPECT_TRUE(item.Erase("title"));
  EXPECT_FALSE(item.Erase("title"));
  EXPECT_EQ(item.size(), 2u);

  Item same{{"description", AV::S("a")}, {"year", AV::N("2021")}};
  EXPECT_EQ(item, same);
  // The initializer-list constructor deduplicates like Set.
  Item dup{{"a", AV::N("1")}, {"a", AV::N("2")}};
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup.Find("a")->scalar(), "2");
}

TEST(AttributeValueTest, MutableAccessorsEditInPlace) {
  AV m = AV::M({});
  m.map().Set("k", AV::L({}));
  m.map().Find("k")->list().push_back(AV::S("v"));
  EXPECT_EQ(m.ToJson(), R"({"M":{"k":{"L":[{"S":"v"}]}}})");
}

TEST(AttributeValueTest, ToJsonWritesDynamoDbForm) {
  Item item{{"year", AV::N("2020")},
            {"bin", AV::B("hi")},
            {"ok", AV::Bool(true)},
            {"none", AV::Null()},
            {"ss", AV::SS({"a"})}};
  EXPECT_EQ(ItemToJson(item),
            R"({"year":{"N":"2020"},"bin":{"B":"aGk="},"ok":{"BOOL":true},"none":{"NULL":true},)"
            R"("ss":{"SS":["a"]}})");
}

TEST(AttributeValueTest, MovesLeaveCheapShells) {
  AV big = AV::S(std::string(1000, 'x'));
  const char* data = big.scalar().data();
  AV moved = std::move(big);
  EXPECT_EQ(moved.scalar().data(), data);  // the buffer moved, no copy
}

TEST(AttributeValueDeathTest, WrongAccessorAborts) {
  EXPECT_DEATH((void)AV::N("1").boolean(), "accessed as BOOL");
  EXPECT_DEATH((void)AV::S("x").map(), "accessed as M");
}

TEST(AttributeValueTest, TypeNamesAreTheWireNames) {
  EXPECT_EQ(TypeName(AV::Type::kNull), "NULL");
  EXPECT_EQ(TypeName(AV::Type::kBool), "BOOL");
  EXPECT_EQ(TypeName(AV::Type::kBS), "BS");
  EXPECT_EQ(TypeName(AV::Type::kM), "M");
}

}  // namespace
}  // namespace dynasink::aws
