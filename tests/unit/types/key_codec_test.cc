#include "types/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "random_values.h"

namespace dynasink::types {
namespace {

using testing::RandomValues;
using testing::ScalarTypes;

int Sign(int v) {
  return v < 0 ? -1 : (v > 0 ? 1 : 0);
}

std::string Key(const Value& v, const KeyColumn& c) {
  std::string out;
  Status s = AppendKeyValue(v, c, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// Value order with the column's direction and NULL placement applied.
int ExpectedOrder(const Value& a, const Value& b, const KeyColumn& c, bool nulls_first) {
  if (a.is_null() || b.is_null()) {
    if (a.is_null() && b.is_null()) return 0;
    return a.is_null() == nulls_first ? -1 : 1;
  }
  int r = Sign(a.Compare(b));
  return c.descending ? -r : r;
}

// The property: for random pairs of every scalar type, in both directions and NULL placements,
// the byte order of the keys equals the value order, equal values give equal keys, and
// decoding gives an equal value.
TEST(KeyCodecTest, ByteOrderEqualsValueOrder) {
  RandomValues gen(3);
  for (const DataType& type : ScalarTypes()) {
    for (int variant = 0; variant < 4; ++variant) {
      KeyColumn col;
      col.type = type;
      col.descending = variant & 1;
      col.nulls = (variant & 2) ? KeyColumn::Nulls::kFirst : KeyColumn::Nulls::kDefault;
      bool nulls_first = (variant & 2) ? true : col.descending;
      std::vector<Value> values;
      for (int i = 0; i < 300; ++i)
        values.push_back(gen.MaybeNull(type));
      std::vector<std::string> keys;
      for (const Value& v : values)
        keys.push_back(Key(v, col));
      for (size_t i = 0; i < values.size(); ++i) {
        for (size_t k = i; k < values.size(); k += 1 + gen.Next() % 7) {
          int want = ExpectedOrder(values[i], values[k], col, nulls_first);
          int got = Sign(keys[i].compare(keys[k]));
          ASSERT_EQ(got, want) << type.ToString() << " " << values[i].DebugString() << " vs "
                               << values[k].DebugString() << " desc=" << col.descending;
        }
        std::string_view in = keys[i];
        Value back;
        Status s = ReadKeyValue(&in, col, &back);
        ASSERT_TRUE(s.ok()) << s.ToString();
        EXPECT_TRUE(in.empty());
        EXPECT_EQ(back.Compare(values[i]), 0)
            << values[i].DebugString() << " came back as " << back.DebugString();
      }
    }
  }
}

TEST(KeyCodecTest, TuplesSortLexicographically) {
  RandomValues gen(4);
  std::vector<DataType> types = {TypeId::kVarchar, TypeId::kInt32, TypeId::kDecimal};
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 500; ++i) {
    rows.push_back({gen.MaybeNull(types[0]), gen.MaybeNull(types[1]), gen.MaybeNull(types[2])});
  }
  auto compare_rows = [](const std::vector<Value>& a, const std::vector<Value>& b) {
    for (size_t i = 0; i < a.size(); ++i) {
      int c = a[i].Compare(b[i]);
      if (c != 0) return c;
    }
    return 0;
  };
  std::vector<std::string> keys;
  for (const auto& r : rows) {
    std::string k;
    ASSERT_TRUE(EncodeKey(r, types, &k).ok());
    keys.push_back(k);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t k = 0; k < rows.size(); k += 3) {
      ASSERT_EQ(Sign(keys[i].compare(keys[k])), Sign(compare_rows(rows[i], rows[k])));
    }
    auto back = DecodeKey(keys[i], types);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(compare_rows(*back, rows[i]), 0);
  }
}

TEST(KeyCodecTest, EqualValuesEncodeAlike) {
  auto key = [](const Value& v, TypeId t) {
    std::string k;
    EXPECT_TRUE(EncodeKey({v}, {t}, &k).ok());
    return k;
  };
  auto num = [](const char* s) { return Value::Numeric(*Decimal::Parse(s)); };
  EXPECT_EQ(key(num("1.0"), TypeId::kDecimal), key(num("1.00"), TypeId::kDecimal));
  EXPECT_EQ(key(num("100"), TypeId::kDecimal), key(num("100.000"), TypeId::kDecimal));
  EXPECT_EQ(key(num("0"), TypeId::kDecimal), key(num("-0.000"), TypeId::kDecimal));
  EXPECT_NE(key(num("1"), TypeId::kDecimal), key(num("10"), TypeId::kDecimal));
  EXPECT_EQ(key(Value::Float64(-0.0), TypeId::kFloat64),
            key(Value::Float64(0.0), TypeId::kFloat64));
  EXPECT_EQ(key(Value::Float64(std::nan("1")), TypeId::kFloat64),
            key(Value::Float64(-std::nan("2")), TypeId::kFloat64));
  EXPECT_EQ(key(Value::IntervalV({1, 0, 0}), TypeId::kInterval),
            key(Value::IntervalV({0, 30, 0}), TypeId::kInterval));
  // Decoding gives the canonical form.
  auto back = DecodeKey(key(num("1.500"), TypeId::kDecimal), {TypeId::kDecimal});
  EXPECT_EQ((*back)[0].as_decimal().ToString(), "1.5");
  back = DecodeKey(key(num("-1200"), TypeId::kDecimal), {TypeId::kDecimal});
  EXPECT_EQ((*back)[0].as_decimal().ToString(), "-1200");
  back = DecodeKey(key(Value::IntervalV({0, 45, 25 * 3600 * 1000000LL}), TypeId::kInterval),
                   {TypeId::kInterval});
  EXPECT_EQ((*back)[0].as_interval(), (Interval{1, 16, 3600 * 1000000LL}));
}

TEST(KeyCodecTest, NumericOrderAcrossScalesAndMagnitudes) {
  std::vector<const char*> ascending = {
      "-Infinity", "-1e1000", "-123.45",  "-123.4", "-1.23",  "-1",       "-0.5", "-0.0001",
      "0",         "1e-130",  "0.0001",   "0.5",    "1",      "1.000001", "1.1",  "1.23",
      "123.4",     "123.45",  "9.99e125", "1e126",  "1e1000", "Infinity", "NaN"};
  std::vector<std::string> keys;
  for (const char* s : ascending) {
    std::string k;
    ASSERT_TRUE(EncodeKey({Value::Numeric(*Decimal::Parse(s))}, {TypeId::kDecimal}, &k).ok());
    keys.push_back(k);
  }
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    ASSERT_LT(*Decimal::Parse(ascending[i]), *Decimal::Parse(ascending[i + 1]));
    EXPECT_LT(keys[i], keys[i + 1]) << ascending[i] << " vs " << ascending[i + 1];
  }
}

TEST(KeyCodecTest, StringsWithZeroBytes) {
  std::vector<std::string> ascending = {"",
                                        std::string("\0", 1),
                                        std::string("\0\0", 2),
                                        std::string("\0\x01", 2),
                                        "\x01",
                                        "a",
                                        std::string("a\0", 2),
                                        "a\x01",
                                        "ab",
                                        "\xff",
                                        "\xff\xff"};
  std::string prev;
  for (size_t i = 0; i < ascending.size(); ++i) {
    std::string k;
    ASSERT_TRUE(EncodeKey({Value::Varchar(ascending[i])}, {TypeId::kVarchar}, &k).ok());
    if (i > 0) {
      EXPECT_LT(prev, k) << i;
    }
    auto back = DecodeKey(k, {TypeId::kVarchar});
    ASSERT_TRUE(back.ok());
    EXPECT_EQ((*back)[0].as_string(), ascending[i]);
    prev = k;
  }
}

TEST(KeyCodecTest, NestedAndJsonbAreNotKeys) {
  std::string k;
  DataType s = DataType::Struct({{"a", TypeId::kInt32}});
  Status st = EncodeKey({Value::Struct({Value::Int32(1)})}, {s}, &k);
  EXPECT_EQ(st.code(), StatusCode::kNotSupported);
  EXPECT_NE(st.message().find("struct<a integer>"), std::string::npos);
  EXPECT_EQ(EncodeKey({Value::List({})}, {DataType::List(TypeId::kInt32)}, &k).code(),
            StatusCode::kNotSupported);
  EXPECT_EQ(EncodeKey({Value::JsonbV(Jsonb())}, {TypeId::kJsonb}, &k).code(),
            StatusCode::kNotSupported);
  EXPECT_FALSE(IsKeyableType(TypeId::kJsonb));
  EXPECT_TRUE(IsKeyableType(TypeId::kInterval));
  EXPECT_EQ(EncodeKey({Value::Int64(1)}, {TypeId::kInt32}, &k).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(k.empty());
}

TEST(KeyCodecTest, DecodeRejectsGarbage) {
  RandomValues gen(5);
  std::vector<DataType> types = ScalarTypes();
  std::vector<Value> row;
  for (const DataType& t : types)
    row.push_back(gen.MaybeNull(t));
  std::string key;
  ASSERT_TRUE(EncodeKey(row, types, &key).ok());
  for (size_t n = 0; n < key.size(); ++n) {
    EXPECT_FALSE(DecodeKey(std::string_view(key.data(), n), types).ok());
  }
  EXPECT_EQ(DecodeKey(key + "x", types).status().code(), StatusCode::kCorruption);
  for (int i = 0; i < 20000; ++i) {
    std::string junk(gen.Next() % 30, '\0');
    for (char& c : junk)
      c = static_cast<char>(gen.Next() % 4 == 0 ? 1 : gen.Next());
    auto r = DecodeKey(junk, {types[gen.Next() % types.size()]});
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
}

}  // namespace
}  // namespace dynasink::types
