// Binary formats of values and type OIDs.
#include "pgwire/value_codec.h"

#include <gtest/gtest.h>

#include "unit/pgwire/raw_client.h"

namespace dynasink::pgwire {
namespace {

using testing::I16;
using testing::I32;
using types::DataType;
using types::TypeId;
using types::Value;

std::string Numeric(int ndigits, int weight, int sign, int dscale, std::vector<int> digits) {
  std::string s = I16(ndigits) + I16(weight) + I16(sign) + I16(dscale);
  for (int d : digits)
    s += I16(d);
  return s;
}

TEST(NumericBinary, MatchesPostgresLayout) {
  EXPECT_EQ(*NumericTextToBinary("12345.678"), Numeric(3, 1, 0, 3, {1, 2345, 6780}));
  EXPECT_EQ(*NumericTextToBinary("-0.0001"), Numeric(1, -1, 0x4000, 4, {1}));
  EXPECT_EQ(*NumericTextToBinary("10000"), Numeric(1, 1, 0, 0, {1}));
  EXPECT_EQ(*NumericTextToBinary("0.00"), Numeric(0, 0, 0, 2, {}));
  EXPECT_EQ(*NumericTextToBinary("-0"), Numeric(0, 0, 0, 0, {}));
  EXPECT_EQ(*NumericTextToBinary("NaN"), Numeric(0, 0, 0xC000, 0, {}));
  EXPECT_EQ(*NumericTextToBinary("-Infinity"), Numeric(0, 0, 0xF000, 0, {}));
  EXPECT_FALSE(NumericTextToBinary("1e5").ok());
  EXPECT_FALSE(NumericTextToBinary("").ok());
}

TEST(NumericBinary, RoundTrips) {
  for (const char* text : {"0", "1", "-1", "9999", "10000", "123456789012345678901234567890.12",
                           "0.5", "-0.000001", "100.10", "0.00", "NaN", "Infinity", "-Infinity",
                           "99999999999999999999999999999999999999"}) {
    auto bin = NumericTextToBinary(text);
    ASSERT_TRUE(bin.ok()) << text;
    auto back = NumericBinaryToText(*bin);
    ASSERT_TRUE(back.ok()) << text;
    EXPECT_EQ(*back, text);
  }
  EXPECT_EQ(*NumericBinaryToText(Numeric(2, 3, 0, 0, {12, 3400})), "12340000000000");
}

TEST(NumericBinary, RejectsMalformed) {
  EXPECT_FALSE(NumericBinaryToText("abc").ok());
  EXPECT_FALSE(NumericBinaryToText(Numeric(2, 0, 0, 0, {1})).ok());       // digit missing
  EXPECT_FALSE(NumericBinaryToText(Numeric(1, 0, 0, 0, {10000})).ok());   // digit too big
  EXPECT_FALSE(NumericBinaryToText(Numeric(1, 0, 0x1234, 0, {1})).ok());  // bad sign
}

TEST(TypeOids, FromOid) {
  EXPECT_EQ(*TypeFromOid(0), DataType());
  EXPECT_EQ(*TypeFromOid(23), DataType(TypeId::kInt32));
  EXPECT_EQ(*TypeFromOid(25), DataType(TypeId::kVarchar));
  EXPECT_EQ(*TypeFromOid(114), DataType(TypeId::kJsonb));
  EXPECT_EQ(*TypeFromOid(1007), DataType::List(TypeId::kInt32));
  EXPECT_EQ(TypeFromOid(2950).status().sqlstate(), "42704");
  EXPECT_EQ(WireTypeOid(DataType()), kTextOid);
  EXPECT_EQ(WireTypeOid(DataType(TypeId::kInt64)), 20u);
  EXPECT_EQ(WireTypeLength(DataType(TypeId::kInt64)), 8);
}

TEST(BinaryParams, DecodeAndValidateLengths) {
  EXPECT_EQ(DecodeBinaryParam(I32(-5), TypeId::kInt32)->as_int32(), -5);
  EXPECT_EQ(DecodeBinaryParam(I16(7), TypeId::kInt16)->as_int16(), 7);
  EXPECT_EQ(DecodeBinaryParam(std::string(1, '\1'), TypeId::kBoolean)->as_bool(), true);
  EXPECT_EQ(DecodeBinaryParam(std::string(1, '\2'), TypeId::kBoolean).status().sqlstate(), "22P03");
  EXPECT_EQ(DecodeBinaryParam(I16(7), TypeId::kInt32).status().sqlstate(), "22P03");
  EXPECT_EQ(DecodeBinaryParam(I32(0) + I32(0), TypeId::kDate).status().sqlstate(), "22P03");
  EXPECT_EQ(DecodeBinaryParam(I32(-10957), TypeId::kDate)->as_date().days, 0);  // 1970-01-01
  // time beyond 24:00:00
  EXPECT_EQ(DecodeBinaryParam(I32(0x7fffffff) + I32(0), TypeId::kTime).status().sqlstate(),
            "22008");
  EXPECT_EQ(DecodeBinaryParam(std::string("\2{}"), TypeId::kJsonb).status().sqlstate(), "22P03");
  EXPECT_EQ(DecodeBinaryParam("abc", DataType())->as_string(), "abc");
  // Arrays: element count larger than the data, and two dimensions.
  EXPECT_EQ(DecodeBinaryParam(I32(1) + I32(0) + I32(23) + I32(1000) + I32(1),
                              DataType::List(TypeId::kInt32))
                .status()
                .sqlstate(),
            "22P03");
  EXPECT_EQ(DecodeBinaryParam(I32(2) + I32(0) + I32(23), DataType::List(TypeId::kInt32))
                .status()
                .sqlstate(),
            "0A000");
  auto empty = DecodeBinaryParam(I32(0) + I32(0) + I32(23), DataType::List(TypeId::kInt32));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->as_list().empty());
}

TEST(BinaryOutput, ScalarsArraysAndStructs) {
  std::string out;
  ASSERT_TRUE(AppendBinary(Value::Int64(-2), TypeId::kInt64, &out).ok());
  EXPECT_EQ(out, I32(-1) + I32(-2));
  out.clear();
  DataType list = DataType::List(TypeId::kInt16);
  ASSERT_TRUE(AppendBinary(Value::List({Value::Int16(3), Value::Null()}), list, &out).ok());
  EXPECT_EQ(out, I32(1) + I32(1) + I32(21) + I32(2) + I32(1) + I32(2) + I16(3) + I32(-1));
  out.clear();
  DataType st = DataType::Struct({{"a", TypeId::kInt32}, {"b", TypeId::kVarchar}});
  ASSERT_TRUE(AppendBinary(Value::Struct({Value::Int32(1), Value::Varchar("x")}), st, &out).ok());
  EXPECT_EQ(out, I32(2) + I32(23) + I32(4) + I32(1) + I32(1043) + I32(1) + "x");
  EXPECT_TRUE(SupportsBinaryOutput(st));
  EXPECT_FALSE(SupportsBinaryOutput(DataType::List(DataType::List(TypeId::kInt32))));
  EXPECT_FALSE(SupportsBinaryInput(st));
  // Round trip of a value through its own binary form.
  out.clear();
  types::Interval iv{14, 3, 4000000};
  ASSERT_TRUE(AppendBinary(Value::IntervalV(iv), TypeId::kInterval, &out).ok());
  EXPECT_EQ(DecodeBinaryParam(out, TypeId::kInterval)->as_interval(), iv);
}

}  // namespace
}  // namespace dynasink::pgwire
