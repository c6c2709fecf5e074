// DataType names, parsing, serialization and OIDs; Value order, hashing and sizes.
#include "types/data_type.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "types/value.h"

namespace dynasink::types {
namespace {

DataType P(std::string_view s) {
  auto r = DataType::Parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : DataType();
}

TEST(DataTypeTest, NamesAsRisingWavePrintsThem) {
  EXPECT_EQ(DataType(TypeId::kBoolean).ToString(), "boolean");
  EXPECT_EQ(DataType(TypeId::kInt16).ToString(), "smallint");
  EXPECT_EQ(DataType(TypeId::kInt32).ToString(), "integer");
  EXPECT_EQ(DataType(TypeId::kInt64).ToString(), "bigint");
  EXPECT_EQ(DataType(TypeId::kSerial).ToString(), "serial");
  EXPECT_EQ(DataType(TypeId::kDecimal).ToString(), "numeric");
  EXPECT_EQ(DataType(TypeId::kFloat32).ToString(), "real");
  EXPECT_EQ(DataType(TypeId::kFloat64).ToString(), "double precision");
  EXPECT_EQ(DataType(TypeId::kVarchar).ToString(), "character varying");
  EXPECT_EQ(DataType(TypeId::kBytea).ToString(), "bytea");
  EXPECT_EQ(DataType(TypeId::kDate).ToString(), "date");
  EXPECT_EQ(DataType(TypeId::kTime).ToString(), "time without time zone");
  EXPECT_EQ(DataType(TypeId::kTimestamp).ToString(), "timestamp without time zone");
  EXPECT_EQ(DataType(TypeId::kTimestamptz).ToString(), "timestamp with time zone");
  EXPECT_EQ(DataType(TypeId::kInterval).ToString(), "interval");
  EXPECT_EQ(DataType(TypeId::kJsonb).ToString(), "jsonb");
  EXPECT_EQ(DataType::Struct({{"a", TypeId::kInt32}, {"b", TypeId::kVarchar}}).ToString(),
            "struct<a integer, b character varying>");
  EXPECT_EQ(DataType::List(TypeId::kInt32).ToString(), "integer[]");
  EXPECT_EQ(DataType::List(DataType::List(TypeId::kInt32)).ToString(), "integer[][]");
  EXPECT_EQ(DataType::List(DataType::Struct({{"x", DataType::List(TypeId::kDate)}})).ToString(),
            "struct<x date[]>[]");
}

TEST(DataTypeTest, ParseAliases) {
  struct Case {
    const char* in;
    TypeId id;
  } cases[] = {
      {"bool", TypeId::kBoolean},
      {"BOOLEAN", TypeId::kBoolean},
      {"int2", TypeId::kInt16},
      {"smallint", TypeId::kInt16},
      {"int", TypeId::kInt32},
      {"int4", TypeId::kInt32},
      {"Integer", TypeId::kInt32},
      {"int8", TypeId::kInt64},
      {"bigint", TypeId::kInt64},
      {"serial", TypeId::kSerial},
      {"numeric", TypeId::kDecimal},
      {"decimal", TypeId::kDecimal},
      {"real", TypeId::kFloat32},
      {"float4", TypeId::kFloat32},
      {"float8", TypeId::kFloat64},
      {"float", TypeId::kFloat64},
      {"double", TypeId::kFloat64},
      {"double precision", TypeId::kFloat64},
      {"DOUBLE   PRECISION", TypeId::kFloat64},
      {"float(24)", TypeId::kFloat32},
      {"float(25)", TypeId::kFloat64},
      {"text", TypeId::kVarchar},
      {"varchar", TypeId::kVarchar},
      {"string", TypeId::kVarchar},
      {"character varying", TypeId::kVarchar},
      {"bytea", TypeId::kBytea},
      {"date", TypeId::kDate},
      {"time", TypeId::kTime},
      {"time without time zone", TypeId::kTime},
      {"timestamp", TypeId::kTimestamp},
      {"timestamp without time zone", TypeId::kTimestamp},
      {"timestamptz", TypeId::kTimestamptz},
      {"timestamp with time zone", TypeId::kTimestamptz},
      {"interval", TypeId::kInterval},
      {"jsonb", TypeId::kJsonb},
  };
  for (const auto& c : cases)
    EXPECT_EQ(P(c.in).id(), c.id) << c.in;
}

TEST(DataTypeTest, ParseNested) {
  EXPECT_EQ(P("INT[]"), DataType::List(TypeId::kInt32));
  EXPECT_EQ(P("int[][]"), DataType::List(DataType::List(TypeId::kInt32)));
  EXPECT_EQ(P("integer array"), DataType::List(TypeId::kInt32));
  EXPECT_EQ(P("int[3]"), DataType::List(TypeId::kInt32));
  DataType s = P("STRUCT<a INT, b VARCHAR>");
  EXPECT_EQ(s, DataType::Struct({{"a", TypeId::kInt32}, {"b", TypeId::kVarchar}}));
  DataType nested = P("struct<a struct<b int, \"C d\" double precision>, l varchar[][]>[]");
  EXPECT_EQ(nested.ToString(),
            "struct<a struct<b integer, C d double precision>, l character varying[][]>[]");
  // What ToString prints parses back to the same type.
  for (const char* t : {"struct<a integer, b character varying>", "timestamp with time zone[]",
                        "struct<x struct<y time without time zone>>"}) {
    EXPECT_EQ(P(t).ToString(), t);
  }
}

TEST(DataTypeTest, ParseErrors) {
  auto err = [](std::string_view s) {
    auto r = DataType::Parse(s);
    return r.ok() ? std::string("OK") : r.status().sqlstate() + ": " + r.status().message();
  };
  EXPECT_EQ(err("nosuchtype"), "42704: type \"nosuchtype\" does not exist");
  EXPECT_EQ(err("struct<>").substr(0, 5), "42601");
  EXPECT_EQ(err("struct<a int, a int>").substr(0, 5), "42601");
  EXPECT_EQ(err("struct<a int").substr(0, 5), "42601");
  EXPECT_EQ(err("int[").substr(0, 5), "42601");
  EXPECT_EQ(err("").substr(0, 5), "42601");
  EXPECT_EQ(err("int int").substr(0, 5), "42601");
  EXPECT_EQ(err("numeric(10,2)").substr(0, 5), "0A000");
  EXPECT_EQ(err("varchar(10)").substr(0, 5), "0A000");
  EXPECT_EQ(err("time with time zone").substr(0, 5), "0A000");
  EXPECT_EQ(err("char").substr(0, 5), "0A000");
  EXPECT_EQ(err("float(60)").substr(0, 5), "22023");
  std::string deep;
  for (int i = 0; i < 100; ++i)
    deep += "struct<a ";
  deep += "int";
  for (int i = 0; i < 100; ++i)
    deep += ">";
  EXPECT_EQ(err(deep).substr(0, 5), "42601");
}

TEST(DataTypeTest, SerializeRoundTrip) {
  std::vector<DataType> types = {
      TypeId::kBoolean, TypeId::kSerial, TypeId::kJsonb,
      DataType::List(DataType::List(TypeId::kDecimal)),
      DataType::Struct({{"a", TypeId::kInt32},
                        {"nested", DataType::Struct({{"x", DataType::List(TypeId::kBytea)}})},
                        {"", TypeId::kInterval}})};
  for (const DataType& t : types) {
    std::string buf;
    t.Serialize(&buf);
    buf += "trailing";
    std::string_view in = buf;
    auto back = DataType::Deserialize(&in);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, t);
    EXPECT_EQ(in, "trailing");
  }
}

TEST(DataTypeTest, DeserializeRejectsGarbage) {
  std::string buf;
  DataType::Struct({{"abc", DataType::List(TypeId::kInt32)}}).Serialize(&buf);
  for (size_t n = 0; n < buf.size(); ++n) {
    std::string_view in(buf.data(), n);
    auto r = DataType::Deserialize(&in);
    EXPECT_FALSE(r.ok()) << n;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
  std::string bad(1, static_cast<char>(200));
  std::string_view in = bad;
  EXPECT_EQ(DataType::Deserialize(&in).status().code(), StatusCode::kCorruption);
  // A list of lists nested beyond any real schema is refused, not recursed into.
  std::string deep(10000, static_cast<char>(TypeId::kList));
  in = deep;
  EXPECT_EQ(DataType::Deserialize(&in).status().code(), StatusCode::kCorruption);
  // Random bytes never crash.
  uint64_t state = 99;
  for (int i = 0; i < 5000; ++i) {
    std::string junk;
    for (int k = 0; k < 12; ++k) {
      state = state * 6364136223846793005ULL + 1;
      junk.push_back(static_cast<char>(state >> 56));
    }
    std::string_view j = junk;
    (void)DataType::Deserialize(&j);
  }
}

TEST(DataTypeTest, PgOids) {
  EXPECT_EQ(PgTypeOid(TypeId::kBoolean), 16u);
  EXPECT_EQ(PgTypeOid(TypeId::kInt16), 21u);
  EXPECT_EQ(PgTypeOid(TypeId::kInt32), 23u);
  EXPECT_EQ(PgTypeOid(TypeId::kInt64), 20u);
  EXPECT_EQ(PgTypeOid(TypeId::kSerial), 20u);
  EXPECT_EQ(PgTypeOid(TypeId::kDecimal), 1700u);
  EXPECT_EQ(PgTypeOid(TypeId::kFloat32), 700u);
  EXPECT_EQ(PgTypeOid(TypeId::kFloat64), 701u);
  EXPECT_EQ(PgTypeOid(TypeId::kVarchar), 1043u);
  EXPECT_EQ(PgTypeOid(TypeId::kBytea), 17u);
  EXPECT_EQ(PgTypeOid(TypeId::kDate), 1082u);
  EXPECT_EQ(PgTypeOid(TypeId::kTime), 1083u);
  EXPECT_EQ(PgTypeOid(TypeId::kTimestamp), 1114u);
  EXPECT_EQ(PgTypeOid(TypeId::kTimestamptz), 1184u);
  EXPECT_EQ(PgTypeOid(TypeId::kInterval), 1186u);
  EXPECT_EQ(PgTypeOid(TypeId::kJsonb), 3802u);
  EXPECT_EQ(PgTypeOid(DataType::Struct({{"a", TypeId::kInt32}})), 2249u);
  EXPECT_EQ(PgTypeOid(DataType::List(TypeId::kInt32)), 1007u);
  EXPECT_EQ(PgTypeOid(DataType::List(DataType::List(TypeId::kInt32))), 1007u);
  EXPECT_EQ(PgTypeOid(DataType::List(TypeId::kVarchar)), 1015u);
  EXPECT_EQ(PgTypeOid(DataType::List(TypeId::kJsonb)), 3807u);
  EXPECT_EQ(PgTypeOid(DataType::List(DataType::Struct({{"a", TypeId::kInt32}}))), 2287u);
  EXPECT_EQ(PgTypeLength(TypeId::kInt32), 4);
  EXPECT_EQ(PgTypeLength(TypeId::kInt64), 8);
  EXPECT_EQ(PgTypeLength(TypeId::kInterval), 16);
  EXPECT_EQ(PgTypeLength(TypeId::kVarchar), -1);
  EXPECT_EQ(PgTypeLength(TypeId::kDecimal), -1);
}

TEST(ValueTest, CompareNullsLastAndFloats) {
  EXPECT_LT(Value::Int32(5).Compare(Value::Null()), 0);
  EXPECT_GT(Value::Null().Compare(Value::Int32(5)), 0);
  EXPECT_EQ(Value::Null().Compare(Value::Null()), 0);
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_GT(Value::Float64(nan).Compare(Value::Float64(HUGE_VAL)), 0);
  EXPECT_EQ(Value::Float64(nan), Value::Float64(-nan));
  EXPECT_EQ(Value::Float64(-0.0), Value::Float64(0.0));
  EXPECT_EQ(Value::Float64(-0.0).Hash(), Value::Float64(0.0).Hash());
  EXPECT_EQ(Value::Float64(nan).Hash(), Value::Float64(-nan).Hash());
  EXPECT_LT(Value::Float32(-1.0f).Compare(Value::Float32(0.5f)), 0);
  EXPECT_LT(Value::Varchar("a").Compare(Value::Varchar("ab")), 0);
  EXPECT_LT(Value::Varchar("Z").Compare(Value::Varchar("a")), 0);  // bytewise
  EXPECT_LT(Value::Varchar(std::string("a\0", 2)).Compare(Value::Varchar("a\x01")), 0);
  EXPECT_LT(Value::Bytea("\x01").Compare(Value::Bytea("\xff")), 0);  // unsigned bytes
  EXPECT_LT(Value::Varchar("\x7f").Compare(Value::Varchar("\x80")), 0);
}

TEST(ValueTest, EqualValuesHashAlike) {
  auto d = [](const char* s) { return Value::Numeric(*Decimal::Parse(s)); };
  EXPECT_EQ(d("1.0"), d("1.00"));
  EXPECT_EQ(d("1.0").Hash(), d("1.00").Hash());
  // Intervals are equal by span, as in PostgreSQL: 1 mon = 30 days = 720 hours.
  Value mon = Value::IntervalV({1, 0, 0});
  Value days = Value::IntervalV({0, 30, 0});
  Value hours = Value::IntervalV({0, 0, 720LL * 3600 * 1000000});
  EXPECT_EQ(mon, days);
  EXPECT_EQ(days, hours);
  EXPECT_EQ(mon.Hash(), hours.Hash());
  EXPECT_LT(Value::IntervalV({0, 29, 0}).Compare(mon), 0);
  Value s1 = Value::Struct({Value::Int32(1), d("2.0")});
  Value s2 = Value::Struct({Value::Int32(1), d("2")});
  EXPECT_EQ(s1, s2);
  EXPECT_EQ(s1.Hash(), s2.Hash());
  EXPECT_LT(Value::List({Value::Int32(1)}).Compare(Value::List({Value::Int32(1), Value::Int32(0)})),
            0);
  EXPECT_LT(Value::List({Value::Int32(1), Value::Null()}).Compare(Value::List({Value::Int32(2)})),
            0);
  EXPECT_NE(Value::Int32(1).Hash(), Value::Int32(2).Hash());
}

TEST(ValueTest, SizesAndDebug) {
  EXPECT_EQ(Value::Int32(1).ApproximateSize(), sizeof(Value));
  EXPECT_GE(Value::Varchar(std::string(1000, 'x')).ApproximateSize(), sizeof(Value) + 1000);
  Value list = Value::List({Value::Varchar(std::string(100, 'y')), Value::Int64(1)});
  EXPECT_GE(list.ApproximateSize(), 3 * sizeof(Value) + 100);
  EXPECT_EQ(Value::Int32(7).DebugString(), "Int32(7)");
  EXPECT_EQ(Value::Null().DebugString(), "NULL");
  EXPECT_EQ(list.DebugString(), "List[Varchar(\"" + std::string(100, 'y') + "\"), Int64(1)]");
  EXPECT_EQ(Value::Int16(3).as_integer(), 3);
  EXPECT_LE(sizeof(Value), 48u);  // keep rows compact
}

}  // namespace
}  // namespace dynasink::types
