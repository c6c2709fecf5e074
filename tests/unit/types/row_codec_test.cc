#include "types/row_codec.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "random_values.h"

namespace dynasink::types {
namespace {

using testing::AllTypes;
using testing::RandomValues;

// Values must come back identical, not just equal: same representation and scale.
void ExpectIdentical(const Value& a, const Value& b) {
  ASSERT_EQ(a.is_null(), b.is_null());
  if (a.is_null()) return;
  ASSERT_EQ(a.DebugString(), b.DebugString());
  if (a.holds<Decimal>()) {
    EXPECT_TRUE(a.as_decimal().IdenticalTo(b.as_decimal()));
  }
  if (a.holds<double>()) {
    EXPECT_EQ(std::bit_cast<uint64_t>(a.as_float64()) == std::bit_cast<uint64_t>(b.as_float64()) ||
                  (std::isnan(a.as_float64()) && std::isnan(b.as_float64())),
              true);
  }
  if (a.holds<Interval>()) {
    EXPECT_EQ(a.as_interval(), b.as_interval());
  }
  if (a.holds<StructValue>() || a.holds<ListValue>()) {
    const auto& x = a.holds<StructValue>() ? a.as_struct() : a.as_list();
    const auto& y = b.holds<StructValue>() ? b.as_struct() : b.as_list();
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i)
      ExpectIdentical(x[i], y[i]);
  }
  if (a.holds<Jsonb>()) {
    EXPECT_EQ(a.as_jsonb().ToString(), b.as_jsonb().ToString());
  }
}

TEST(RowCodecTest, RoundTripsEveryType) {
  std::vector<DataType> types = AllTypes();
  RandomValues gen(1);
  for (int iter = 0; iter < 3000; ++iter) {
    Row row;
    for (const DataType& t : types)
      row.push_back(gen.MaybeNull(t));
    std::string buf;
    ASSERT_TRUE(EncodeRow(row, types, &buf).ok());
    Row back;
    Status s = DecodeRow(buf, types, &back);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(back.size(), row.size());
    for (size_t i = 0; i < row.size(); ++i)
      ExpectIdentical(row[i], back[i]);
  }
}

TEST(RowCodecTest, CompactForCommonRows) {
  std::vector<DataType> types = {TypeId::kInt32, TypeId::kVarchar, TypeId::kVarchar};
  Row row = {Value::Int32(2020), Value::Varchar("The Emoji Movie"), Value::Varchar("a")};
  std::string buf;
  ASSERT_TRUE(EncodeRow(row, types, &buf).ok());
  // version + count + bitmap + varint(2020) + 1+15 + 1+1
  EXPECT_EQ(buf.size(), 1u + 1 + 1 + 2 + 16 + 2);
  Decimal big = *Decimal::Parse("1234567890.123456789");
  std::string dec;
  ASSERT_TRUE(EncodeRow({Value::Numeric(big)}, {TypeId::kDecimal}, &dec).ok());
  EXPECT_LE(dec.size(), 16u);
}

TEST(RowCodecTest, KeepsExactRepresentations) {
  std::vector<DataType> types = {TypeId::kDecimal, TypeId::kDecimal, TypeId::kFloat64,
                                 TypeId::kInterval};
  Row row = {Value::Numeric(*Decimal::Parse("1.10")),
             Value::Numeric(*Decimal::Parse("1" + std::string(80, '0') + ".000")),
             Value::Float64(-0.0), Value::IntervalV({1, 0, 0})};
  std::string buf;
  ASSERT_TRUE(EncodeRow(row, types, &buf).ok());
  Row back = *DecodeRow(buf, types);
  EXPECT_EQ(back[0].as_decimal().ToString(), "1.10");
  EXPECT_EQ(back[1].as_decimal().ToString(), "1" + std::string(80, '0') + ".000");
  EXPECT_TRUE(std::signbit(back[2].as_float64()));
  EXPECT_EQ(back[3].as_interval(), (Interval{1, 0, 0}));
}

TEST(RowCodecTest, AddedColumnsDecodeAsNull) {
  std::vector<DataType> old_types = {TypeId::kInt32, TypeId::kVarchar};
  std::string buf;
  ASSERT_TRUE(EncodeRow({Value::Int32(1), Value::Varchar("x")}, old_types, &buf).ok());
  std::vector<DataType> new_types = old_types;
  new_types.push_back(TypeId::kJsonb);
  Row back = *DecodeRow(buf, new_types);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].as_string(), "x");
  EXPECT_TRUE(back[2].is_null());
  // The other way round is corruption: the schema lost a column.
  EXPECT_EQ(DecodeRow(buf, {TypeId::kInt32}).status().code(), StatusCode::kCorruption);
}

TEST(RowCodecTest, EncodeRejectsMismatches) {
  std::string buf = "prefix";
  Status s = EncodeRow({Value::Int64(1)}, {TypeId::kInt32}, &buf);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(buf, "prefix");  // nothing appended
  EXPECT_EQ(EncodeRow({Value::Int32(1)}, {TypeId::kInt32, TypeId::kInt32}, &buf).code(),
            StatusCode::kInvalidArgument);
  DataType s2 = DataType::Struct({{"a", TypeId::kInt32}, {"b", TypeId::kInt32}});
  EXPECT_EQ(EncodeRow({Value::Struct({Value::Int32(1)})}, {s2}, &buf).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeRow({Value::List({Value::Varchar("x")})}, {DataType::List(TypeId::kInt32)}, &buf)
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(RowCodecTest, DecodeRejectsTruncationAndGarbage) {
  std::vector<DataType> types = AllTypes();
  RandomValues gen(2);
  for (int iter = 0; iter < 200; ++iter) {
    Row row;
    for (const DataType& t : types)
      row.push_back(gen.MaybeNull(t));
    std::string buf;
    ASSERT_TRUE(EncodeRow(row, types, &buf).ok());
    // Every strict prefix fails cleanly.
    for (size_t n = 0; n < buf.size(); ++n) {
      Row out;
      EXPECT_FALSE(DecodeRow(std::string_view(buf.data(), n), types, &out).ok());
    }
    // A trailing byte is refused.
    EXPECT_EQ(DecodeRow(buf + "x", types).status().code(), StatusCode::kCorruption);
    // Flipped bytes decode or fail, never crash (ASan/UBSan check the "never crash").
    for (int k = 0; k < 50; ++k) {
      std::string bad = buf;
      size_t pos = gen.Next() % bad.size();
      bad[pos] = static_cast<char>(bad[pos] ^ (1 << (gen.Next() % 8)));
      Row out;
      Status s = DecodeRow(bad, types, &out);
      if (!s.ok()) {
        EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
      }
    }
  }
  // Pure random bytes.
  for (int iter = 0; iter < 20000; ++iter) {
    std::string junk(gen.Next() % 40, '\0');
    for (char& c : junk)
      c = static_cast<char>(gen.Next());
    if (!junk.empty() && gen.OneIn(2)) junk[0] = static_cast<char>(kRowFormatVersion);
    Row out;
    Status s = DecodeRow(junk, types, &out);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kCorruption);
    }
  }
  EXPECT_EQ(DecodeRow("", types).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeRow("\x02\x00", {}).status().message(), "bad row: unknown format version 2");
}

TEST(RowCodecTest, HugeCountsDoNotAllocate) {
  // A list claiming 2^60 elements in a few bytes must be refused before allocating.
  std::string buf;
  buf.push_back(static_cast<char>(kRowFormatVersion));
  buf.push_back(1);
  buf.push_back(0);
  for (int i = 0; i < 8; ++i)
    buf.push_back('\xff');
  buf.push_back(0x0f);
  EXPECT_EQ(DecodeRow(buf, {DataType::List(TypeId::kInt32)}).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace dynasink::types
