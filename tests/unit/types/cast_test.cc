// Casts: which exist in which context, their values and errors (checked against PostgreSQL 15).
#include "types/cast.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "types/text_format.h"

namespace dynasink::types {
namespace {

// Casts the text `in` (read as `from`) to `to` and prints the result or the error.
std::string Cast(std::string_view in, const DataType& from, const DataType& to) {
  auto v = ParseValue(in, from);
  if (!v.ok()) return "bad input: " + v.status().message();
  auto r = CastValue(*v, from, to);
  if (!r.ok()) return r.status().sqlstate() + ": " + r.status().message();
  return FormatValue(*r, to);
}

const DataType kBool = TypeId::kBoolean, kI2 = TypeId::kInt16, kI4 = TypeId::kInt32,
               kI8 = TypeId::kInt64, kNum = TypeId::kDecimal, kF4 = TypeId::kFloat32,
               kF8 = TypeId::kFloat64, kText = TypeId::kVarchar, kBytea = TypeId::kBytea,
               kDate = TypeId::kDate, kTime = TypeId::kTime, kTs = TypeId::kTimestamp,
               kTstz = TypeId::kTimestamptz, kIv = TypeId::kInterval, kJson = TypeId::kJsonb,
               kUnknown = TypeId::kUnknown, kSerial = TypeId::kSerial;

TEST(CastTest, Contexts) {
  auto ctx = [](const DataType& a, const DataType& b) { return CastContextFor(a, b); };
  EXPECT_EQ(ctx(kI4, kI8), CastContext::kImplicit);
  EXPECT_EQ(ctx(kI2, kNum), CastContext::kImplicit);
  EXPECT_EQ(ctx(kI8, kF4), CastContext::kImplicit);
  EXPECT_EQ(ctx(kNum, kF8), CastContext::kImplicit);
  EXPECT_EQ(ctx(kF4, kF8), CastContext::kImplicit);
  EXPECT_EQ(ctx(kI8, kI4), CastContext::kAssignment);
  EXPECT_EQ(ctx(kNum, kI4), CastContext::kAssignment);
  EXPECT_EQ(ctx(kF8, kNum), CastContext::kAssignment);
  EXPECT_EQ(ctx(kF8, kF4), CastContext::kAssignment);
  EXPECT_EQ(ctx(kI4, kText), CastContext::kAssignment);
  EXPECT_EQ(ctx(kJson, kText), CastContext::kAssignment);
  EXPECT_EQ(ctx(kText, kI4), CastContext::kExplicit);
  EXPECT_EQ(ctx(kText, kJson), CastContext::kExplicit);
  EXPECT_EQ(ctx(kI4, kBool), CastContext::kExplicit);
  EXPECT_EQ(ctx(kBool, kI4), CastContext::kExplicit);
  EXPECT_EQ(ctx(kI8, kBool), std::nullopt);  // PostgreSQL: cannot cast type bigint to boolean
  EXPECT_EQ(ctx(kUnknown, kJson), CastContext::kImplicit);
  EXPECT_EQ(ctx(kDate, kTs), CastContext::kImplicit);
  EXPECT_EQ(ctx(kTs, kTstz), CastContext::kImplicit);
  EXPECT_EQ(ctx(kTstz, kTs), CastContext::kAssignment);
  EXPECT_EQ(ctx(kTs, kDate), CastContext::kAssignment);
  EXPECT_EQ(ctx(kTs, kTime), CastContext::kAssignment);
  EXPECT_EQ(ctx(kTime, kIv), CastContext::kImplicit);
  EXPECT_EQ(ctx(kIv, kTime), CastContext::kAssignment);
  EXPECT_EQ(ctx(kDate, kTime), std::nullopt);
  EXPECT_EQ(ctx(kJson, kNum), CastContext::kExplicit);
  EXPECT_EQ(ctx(kJson, kDate), std::nullopt);
  EXPECT_EQ(ctx(kSerial, kI8), CastContext::kImplicit);
  EXPECT_EQ(ctx(DataType::List(kI4), DataType::List(kI8)), CastContext::kImplicit);
  EXPECT_EQ(ctx(DataType::List(kI8), DataType::List(kI4)), CastContext::kAssignment);
  EXPECT_EQ(ctx(DataType::List(kDate), DataType::List(kTime)), std::nullopt);
  DataType s1 = DataType::Struct({{"a", kI4}, {"b", kText}});
  DataType s2 = DataType::Struct({{"x", kI8}, {"y", kText}});
  EXPECT_EQ(ctx(s1, s2), CastContext::kAssignment);
  EXPECT_EQ(ctx(s1, DataType::Struct({{"a", kI4}})), std::nullopt);
  EXPECT_TRUE(CanCast(kI4, kI8, CastContext::kImplicit));
  EXPECT_FALSE(CanCast(kI8, kI4, CastContext::kImplicit));
  EXPECT_TRUE(CanCast(kI8, kI4, CastContext::kAssignment));
  EXPECT_TRUE(CanCast(kText, kI4, CastContext::kExplicit));
  EXPECT_FALSE(CanCast(kText, kI4, CastContext::kAssignment));
}

TEST(CastTest, Integers) {
  EXPECT_EQ(Cast("70000", kI4, kI2), "22003: smallint out of range");
  EXPECT_EQ(Cast("3000000000", kI8, kI4), "22003: integer out of range");
  EXPECT_EQ(Cast("-32768", kI8, kI2), "-32768");
  EXPECT_EQ(Cast("7", kI2, kI8), "7");
  EXPECT_EQ(Cast("7", kSerial, kI4), "7");
  EXPECT_EQ(Cast("3000000000", kI8, kF4), "3000000000");  // RisingWave: fixed up to 13 digits
  EXPECT_EQ(Cast("16777217", kI4, kF4), "16777216");
  EXPECT_EQ(Cast("9007199254740993", kI8, kF8), "9007199254740992");
  EXPECT_EQ(Cast("-12", kI4, kNum), "-12");
}

TEST(CastTest, FloatToIntRoundsHalfToEven) {
  EXPECT_EQ(Cast("2.5", kF8, kI4), "2");
  EXPECT_EQ(Cast("3.5", kF8, kI4), "4");
  EXPECT_EQ(Cast("-2.5", kF8, kI4), "-2");
  EXPECT_EQ(Cast("2.5", kF4, kI2), "2");
  EXPECT_EQ(Cast("1e10", kF8, kI4), "22003: integer out of range");
  EXPECT_EQ(Cast("NaN", kF8, kI4), "22003: integer out of range");
  EXPECT_EQ(Cast("Infinity", kF4, kI8), "22003: bigint out of range");
  EXPECT_EQ(Cast("9223372036854775807", kF8, kI8), "22003: bigint out of range");  // 2^63
  EXPECT_EQ(Cast("-9223372036854775808", kF8, kI8), "-9223372036854775808");
}

TEST(CastTest, NumericToIntRoundsHalfAwayFromZero) {
  EXPECT_EQ(Cast("2.5", kNum, kI4), "3");
  EXPECT_EQ(Cast("-2.5", kNum, kI4), "-3");
  EXPECT_EQ(Cast("2.49", kNum, kI2), "2");
  EXPECT_EQ(Cast("1e20", kNum, kI8), "22003: bigint out of range");
  EXPECT_EQ(Cast("32767.5", kNum, kI2), "22003: smallint out of range");
  EXPECT_EQ(Cast("NaN", kNum, kI4), "0A000: cannot convert NaN to integer");
  EXPECT_EQ(Cast("NaN", kNum, kI8), "0A000: cannot convert NaN to bigint");
  EXPECT_EQ(Cast("Infinity", kNum, kI4), "0A000: cannot convert infinity to integer");
}

TEST(CastTest, Floats) {
  EXPECT_EQ(Cast("Infinity", kF8, kNum), "Infinity");
  EXPECT_EQ(Cast("NaN", kF8, kNum), "NaN");
  EXPECT_EQ(Cast("0.1", kF8, kNum), "0.1");
  EXPECT_EQ(Cast("1.5", kF4, kNum), "1.5");
  EXPECT_EQ(Cast("0.1", kF4, kF8), "0.10000000149011612");
  EXPECT_EQ(Cast("1e300", kF8, kF4), "22003: value out of range: overflow");
  EXPECT_EQ(Cast("1e-300", kF8, kF4), "22003: value out of range: underflow");
  EXPECT_EQ(Cast("NaN", kF8, kF4), "NaN");
  EXPECT_EQ(Cast("1e400", kNum, kF8), "22003: \"1" + std::string(400, '0').substr(0, 116) +
                                          "...\" is out of range for type double precision");
  EXPECT_EQ(Cast("1e40", kNum, kF4),
            "22003: \"1" + std::string(40, '0') + "\" is out of range for type real");
  EXPECT_EQ(Cast("Infinity", kNum, kF8), "Infinity");
  EXPECT_EQ(Cast("0.1", kNum, kF4), "0.1");
  EXPECT_EQ(Cast("123.456", kNum, kF8), "123.456");
}

TEST(CastTest, BooleanAndText) {
  EXPECT_EQ(Cast("t", kBool, kI4), "1");
  EXPECT_EQ(Cast("5", kI4, kBool), "t");
  EXPECT_EQ(Cast("0", kI4, kBool), "f");
  EXPECT_EQ(Cast("t", kBool, kText), "true");  // PostgreSQL's bool -> text spells it out
  EXPECT_EQ(Cast("1", kI8, kBool), "42846: cannot cast type bigint to boolean");
  EXPECT_EQ(Cast("abc", kText, kI4), "22P02: invalid input syntax for type integer: \"abc\"");
  EXPECT_EQ(Cast("1.5", kText, kI4), "22P02: invalid input syntax for type integer: \"1.5\"");
  EXPECT_EQ(Cast(" 42 ", kText, kI4), "42");
  EXPECT_EQ(Cast("1e16", kF8, kText), "1e+16");
  EXPECT_EQ(Cast("123.45", kNum, kText), "123.45");
  EXPECT_EQ(Cast("{\"b\":1,\"a\":2}", kJson, kText), "{\"a\": 2, \"b\": 1}");
  EXPECT_EQ(Cast("\\x0102", kBytea, kText), "\\x0102");
  EXPECT_EQ(Cast("\\x0102", kText, kBytea), "\\x0102");
  EXPECT_EQ(Cast("{1,2}", kText, DataType::List(kI4)), "{1,2}");
  EXPECT_EQ(Cast("2024-01-01 00:00:00+08:00", kUnknown, kTstz), "2023-12-31 16:00:00+00:00");
  EXPECT_EQ(Cast("x", kText, kText), "x");
}

TEST(CastTest, Datetimes) {
  EXPECT_EQ(Cast("2001-05-16 12:34:56.5", kTs, kDate), "2001-05-16");
  EXPECT_EQ(Cast("2001-05-16 12:34:56.5", kTs, kTime), "12:34:56.500");
  EXPECT_EQ(Cast("1969-12-31 23:00:00", kTs, kDate), "1969-12-31");
  EXPECT_EQ(Cast("2001-05-16", kDate, kTstz), "2001-05-16 00:00:00+00:00");
  EXPECT_EQ(Cast("2001-05-16", kDate, kTs), "2001-05-16 00:00:00");
  EXPECT_EQ(Cast("2001-05-16 10:00:00+02", kTstz, kTs), "2001-05-16 08:00:00");
  EXPECT_EQ(Cast("2001-05-16 10:00:00", kTs, kTstz), "2001-05-16 10:00:00+00:00");
  EXPECT_EQ(Cast("5874897-12-31", kDate, kTs), "22008: date out of range for timestamp");
  EXPECT_EQ(Cast("1 day 25:00", kIv, kTime), "01:00:00");
  EXPECT_EQ(Cast("-01:00", kIv, kTime), "23:00:00");
  EXPECT_EQ(Cast("12:30", kTime, kIv), "12:30:00");
}

TEST(CastTest, Jsonb) {
  EXPECT_EQ(Cast("1.5", kJson, kI4), "2");
  EXPECT_EQ(Cast("2.5", kJson, kI4), "3");
  EXPECT_EQ(Cast("1.5", kJson, kF8), "1.5");
  EXPECT_EQ(Cast("true", kJson, kBool), "t");
  EXPECT_EQ(Cast("1e2", kJson, kNum), "100");
  EXPECT_EQ(Cast("\"x\"", kJson, kBool), "22023: cannot cast jsonb string to type boolean");
  EXPECT_EQ(Cast("null", kJson, kI4), "22023: cannot cast jsonb null to type integer");
  EXPECT_EQ(Cast("{}", kJson, kNum), "22023: cannot cast jsonb object to type numeric");
  EXPECT_EQ(Cast("[1]", kJson, kF4), "22023: cannot cast jsonb array to type real");
  EXPECT_EQ(Cast("1e10", kJson, kI4), "22003: integer out of range");
}

TEST(CastTest, NestedAndNull) {
  EXPECT_EQ(Cast("{1,NULL,3}", DataType::List(kI4), DataType::List(kNum)), "{1,NULL,3}");
  EXPECT_EQ(Cast("{1.5,2.5}", DataType::List(kNum), DataType::List(kI4)), "{2,3}");
  EXPECT_EQ(Cast("{{1},{70000}}", DataType::List(DataType::List(kI4)),
                 DataType::List(DataType::List(kI2))),
            "22003: smallint out of range");
  DataType s1 = DataType::Struct({{"a", kI4}, {"b", kNum}});
  DataType s2 = DataType::Struct({{"x", kI8}, {"y", kText}});
  EXPECT_EQ(Cast("(1,2.50)", s1, s2), "(1,2.50)");
  EXPECT_EQ(Cast("(1,2.50)", s1, kText), "(1,2.50)");
  auto r = CastValue(Value::Null(), kI8, kBool);  // NULL casts even where values cannot
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_null());
  EXPECT_TRUE(CastValue(Value::Null(), kText, kI4)->is_null());
}

TEST(CastTest, CommonSupertype) {
  auto common = [](const DataType& a, const DataType& b) {
    auto r = CommonSupertype(a, b);
    return r.ok() ? r->ToString() : r.status().sqlstate() + ": " + r.status().message();
  };
  EXPECT_EQ(common(kI4, kNum), "numeric");
  EXPECT_EQ(common(kI4, kF4), "real");
  EXPECT_EQ(common(kNum, kF4), "real");
  EXPECT_EQ(common(kI2, kI8), "bigint");
  EXPECT_EQ(common(kF4, kF8), "double precision");
  EXPECT_EQ(common(kSerial, kI4), "serial");
  EXPECT_EQ(common(kSerial, kI8), "bigint");
  EXPECT_EQ(common(kDate, kTs), "timestamp without time zone");
  EXPECT_EQ(common(kTs, kTstz), "timestamp with time zone");
  EXPECT_EQ(common(kUnknown, kJson), "jsonb");
  EXPECT_EQ(common(kText, kUnknown), "character varying");
  EXPECT_EQ(common(DataType::List(kI4), DataType::List(kI8)), "bigint[]");
  EXPECT_EQ(common(kI4, kBool), "42804: types integer and boolean cannot be matched");
  EXPECT_EQ(common(kTime, kIv),
            "42804: types time without time zone and interval cannot be matched");
  EXPECT_EQ(common(kText, kI4), "42804: types character varying and integer cannot be matched");
}

TEST(CastTest, ArithmeticOperandType) {
  auto arith = [](const DataType& a, const DataType& b) {
    auto r = ArithmeticOperandType(a, b);
    return r.ok() ? r->ToString() : r.status().sqlstate();
  };
  EXPECT_EQ(arith(kI4, kNum), "numeric");
  EXPECT_EQ(arith(kI4, kF8), "double precision");
  EXPECT_EQ(arith(kI2, kF4), "double precision");  // PostgreSQL picks float8 here
  EXPECT_EQ(arith(kNum, kF4), "double precision");
  EXPECT_EQ(arith(kF4, kF4), "real");
  EXPECT_EQ(arith(kI2, kI2), "smallint");
  EXPECT_EQ(arith(kI2, kI4), "integer");
  EXPECT_EQ(arith(kSerial, kI4), "bigint");
  EXPECT_EQ(arith(kUnknown, kI4), "integer");
  EXPECT_EQ(arith(kText, kI4), "42883");
}

}  // namespace
}  // namespace dynasink::types
