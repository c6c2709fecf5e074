// The type grammar: every spelling of every type, modifiers, arrays, structs, and errors.
#include <gtest/gtest.h>

#include "sql/ast_printer.h"
#include "sql/parser.h"

namespace dynasink::sql {
namespace {

using types::DataType;
using types::TypeId;

TEST(ParserTypeTest, EverySpellingResolves) {
  struct Case {
    const char* sql;
    const char* display;  // DataType::ToString(), RisingWave's DESCRIBE name
    const char* printed;  // PrintTypeName(), what SHOW CREATE writes
  } cases[] = {
      {"boolean", "boolean", "BOOLEAN"},
      {"BOOL", "boolean", "BOOLEAN"},
      {"smallint", "smallint", "SMALLINT"},
      {"int2", "smallint", "SMALLINT"},
      {"integer", "integer", "INT"},
      {"INT", "integer", "INT"},
      {"int4", "integer", "INT"},
      {"bigint", "bigint", "BIGINT"},
      {"int8", "bigint", "BIGINT"},
      {"serial", "serial", "SERIAL"},
      {"numeric", "numeric", "NUMERIC"},
      {"decimal", "numeric", "NUMERIC"},
      {"dec(5)", "numeric", "NUMERIC(5)"},
      {"numeric(10, 2)", "numeric", "NUMERIC(10,2)"},
      {"numeric(5,-2)", "numeric", "NUMERIC(5,-2)"},
      {"real", "real", "REAL"},
      {"float4", "real", "REAL"},
      {"float(24)", "real", "REAL"},
      {"float(25)", "double precision", "DOUBLE PRECISION"},
      {"float", "double precision", "DOUBLE PRECISION"},
      {"float8", "double precision", "DOUBLE PRECISION"},
      {"double precision", "double precision", "DOUBLE PRECISION"},
      {"DOUBLE PRECISION", "double precision", "DOUBLE PRECISION"},
      {"varchar", "character varying", "CHARACTER VARYING"},
      {"varchar(255)", "character varying", "CHARACTER VARYING(255)"},
      {"character varying", "character varying", "CHARACTER VARYING"},
      {"character varying(10)", "character varying", "CHARACTER VARYING(10)"},
      {"char varying(3)", "character varying", "CHARACTER VARYING(3)"},
      {"char(5)", "character varying", "CHARACTER VARYING(5)"},
      {"character", "character varying", "CHARACTER VARYING"},
      {"text", "character varying", "CHARACTER VARYING"},
      {"string", "character varying", "CHARACTER VARYING"},
      {"bytea", "bytea", "BYTEA"},
      {"date", "date", "DATE"},
      {"time", "time without time zone", "TIME"},
      {"time(3)", "time without time zone", "TIME(3)"},
      {"time without time zone", "time without time zone", "TIME"},
      {"timestamp", "timestamp without time zone", "TIMESTAMP"},
      {"timestamp(6) without time zone", "timestamp without time zone", "TIMESTAMP(6)"},
      {"timestamp with time zone", "timestamp with time zone", "TIMESTAMP WITH TIME ZONE"},
      {"TIMESTAMP(3) WITH TIME ZONE", "timestamp with time zone", "TIMESTAMP(3) WITH TIME ZONE"},
      {"timestamptz", "timestamp with time zone", "TIMESTAMP WITH TIME ZONE"},
      {"timestamptz(0)", "timestamp with time zone", "TIMESTAMP(0) WITH TIME ZONE"},
      {"interval", "interval", "INTERVAL"},
      {"jsonb", "jsonb", "JSONB"},
      {"pg_catalog.int4", "integer", "INT"},
      {"INT[]", "integer[]", "INT[]"},
      {"int[][]", "integer[][]", "INT[][]"},
      {"int[3]", "integer[]", "INT[]"},
      {"int ARRAY", "integer[]", "INT[]"},
      {"int ARRAY[4]", "integer[]", "INT[]"},
      {"VARCHAR[]", "character varying[]", "CHARACTER VARYING[]"},
      {"varchar(10)[]", "character varying[]", "CHARACTER VARYING(10)[]"},
      {"STRUCT<a INT, b VARCHAR>", "struct<a integer, b character varying>",
       "STRUCT<a INT, b CHARACTER VARYING>"},
      {"struct<a int, b struct<c double precision, d int[]>>",
       "struct<a integer, b struct<c double precision, d integer[]>>",
       "STRUCT<a INT, b STRUCT<c DOUBLE PRECISION, d INT[]>>"},
      {"STRUCT<\"Key\" INT, \"select\" TEXT>[]", "struct<Key integer, select character varying>[]",
       "STRUCT<\"Key\" INT, select CHARACTER VARYING>[]"},
      {"struct<year int, from varchar>", "struct<year integer, from character varying>",
       "STRUCT<year INT, from CHARACTER VARYING>"},
      {"STRUCT<>", "struct<>", "STRUCT<>"},
  };
  for (const auto& c : cases) {
    auto type = ParseTypeName(c.sql);
    ASSERT_TRUE(type.ok()) << c.sql << " -> " << type.status().ToString();
    EXPECT_EQ(type->type.ToString(), c.display) << c.sql;
    EXPECT_EQ(PrintTypeName(*type), c.printed) << c.sql;
    // The printed spelling reads back as the same type.
    auto again = ParseTypeName(PrintTypeName(*type));
    ASSERT_TRUE(again.ok()) << PrintTypeName(*type);
    EXPECT_EQ(again->type, type->type) << c.sql;
    EXPECT_EQ(again->modifiers, type->modifiers) << c.sql;
  }
}

TEST(ParserTypeTest, StructureOfNestedTypes) {
  auto type = ParseTypeName("STRUCT<a INT, b STRUCT<c VARCHAR>[]>[]");
  ASSERT_TRUE(type.ok());
  const DataType& list = type->type;
  ASSERT_EQ(list.id(), TypeId::kList);
  const DataType& outer = list.element();
  ASSERT_EQ(outer.id(), TypeId::kStruct);
  ASSERT_EQ(outer.fields().size(), 2u);
  EXPECT_EQ(outer.fields()[0].name, "a");
  EXPECT_EQ(outer.fields()[0].type->id(), TypeId::kInt32);
  EXPECT_EQ(outer.fields()[1].name, "b");
  ASSERT_EQ(outer.fields()[1].type->id(), TypeId::kList);
  const DataType& inner = outer.fields()[1].type->element();
  ASSERT_EQ(inner.id(), TypeId::kStruct);
  EXPECT_EQ(inner.fields()[0].name, "c");
  EXPECT_EQ(inner.fields()[0].type->id(), TypeId::kVarchar);
  EXPECT_EQ(type->pos, 0u);
}

TEST(ParserTypeTest, Errors) {
  struct Case {
    const char* sql;
    const char* sqlstate;
    const char* message;
    int position;
  } cases[] = {
      {"foo", "42704", "type \"foo\" does not exist", 1},
      {"uuid", "42704", "type \"uuid\" does not exist", 1},
      {"\"int\"", "42704", "type \"int\" does not exist", 1},
      {"json", "0A000", "type json is not supported; use jsonb", 1},
      {"time with time zone", "0A000",
       "type time with time zone is not supported; use time or timestamp with time zone", 1},
      {"double", "42601", "syntax error at end of input", 7},
      {"int(4)", "42601", "type modifier is not allowed for type \"integer\"", 4},
      {"jsonb(1)", "42601", "type modifier is not allowed for type \"jsonb\"", 6},
      {"numeric(0)", "22023", "NUMERIC precision 0 must be between 1 and 1000", 1},
      {"numeric(1001)", "22023", "NUMERIC precision 1001 must be between 1 and 1000", 1},
      {"numeric(10, 2000)", "22023", "NUMERIC scale 2000 must be between -1000 and 1000", 1},
      {"numeric(1,2,3)", "42601", "invalid type modifier for type \"numeric\"", 1},
      {"varchar(0)", "22023", "length for type varchar must be at least 1", 1},
      {"varchar(1, 2)", "42601", "invalid type modifier for type \"character varying\"", 1},
      {"float(0)", "22023", "precision for type float must be at least 1 bit", 1},
      {"float(54)", "22023", "precision for type float must be less than 54 bits", 1},
      {"timestamp(-1)", "22023", "timestamp(-1) precision must not be negative", 1},
      {"varchar(x)", "42601", "syntax error at or near \"x\"", 9},
      {"varchar(99999999999)", "22023", "type modifier 99999999999 is out of range", 9},
      {"STRUCT<a>", "42601", "syntax error at or near \">\"", 9},
      {"STRUCT<a INT", "42601", "syntax error at end of input", 13},
      {"STRUCT<a foo>", "42704", "type \"foo\" does not exist", 10},
      {"select", "42601", "syntax error at or near \"select\"", 1},
      {"int[", "42601", "syntax error at or near \"[\"", 4},
  };
  for (const auto& c : cases) {
    auto type = ParseTypeName(c.sql);
    ASSERT_FALSE(type.ok()) << c.sql;
    EXPECT_EQ(type.status().sqlstate(), c.sqlstate) << c.sql;
    EXPECT_EQ(type.status().message(), c.message) << c.sql;
    EXPECT_EQ(type.status().position(), c.position) << c.sql;
  }
}

TEST(ParserTypeTest, PrintTypeCoversEveryId) {
  EXPECT_EQ(PrintType(DataType(TypeId::kInt16)), "SMALLINT");
  EXPECT_EQ(PrintType(DataType::List(DataType::List(TypeId::kJsonb))), "JSONB[][]");
  EXPECT_EQ(PrintType(DataType::Struct({{"Mixed Case", TypeId::kBytea}})),
            "STRUCT<\"Mixed Case\" BYTEA>");
  EXPECT_EQ(PrintType(DataType(TypeId::kTimestamptz)), "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(PrintType(DataType(TypeId::kInterval)), "INTERVAL");
}

}  // namespace
}  // namespace dynasink::sql
