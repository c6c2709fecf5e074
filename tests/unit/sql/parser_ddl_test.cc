// CREATE TABLE, DROP, SHOW, DESCRIBE.
#include <gtest/gtest.h>

#include "sql_test_util.h"

namespace dynasink::sql {
namespace {

using testing::Normalized;
using testing::ParseAs;
using testing::ParseError;

TEST(ParserDdlTest, CreateTableOfTheSinkGuide) {
  const char* sql =
      "CREATE TABLE IF NOT EXISTS movies (\n"
      "    year integer,\n"
      "    title varchar,\n"
      "    description varchar,\n"
      "    primary key (year, title)\n"
      ")";
  auto stmt = ParseAs<CreateTableStmt>(sql);
  ASSERT_NE(stmt, nullptr);
  EXPECT_TRUE(stmt->if_not_exists);
  EXPECT_EQ(stmt->name.ToString(), "movies");
  ASSERT_EQ(stmt->columns.size(), 3u);
  EXPECT_EQ(stmt->columns[0].name.name, "year");
  EXPECT_EQ(stmt->columns[0].type.type.id(), types::TypeId::kInt32);
  EXPECT_EQ(stmt->columns[1].name.name, "title");
  EXPECT_EQ(stmt->columns[1].type.type.id(), types::TypeId::kVarchar);
  EXPECT_EQ(stmt->columns[2].name.name, "description");
  EXPECT_EQ(stmt->PrimaryKey(), (std::vector<std::string>{"year", "title"}));
  EXPECT_EQ(stmt->table_primary_key.size(), 2u);
  EXPECT_EQ(stmt->on_conflict, OnConflictBehavior::kDefault);
  EXPECT_EQ(stmt->definition, sql);
  EXPECT_EQ(stmt->span.begin, 0u);
  EXPECT_EQ(stmt->span.end, std::string_view(sql).size());
  EXPECT_EQ(Normalized(sql),
            "CREATE TABLE IF NOT EXISTS movies (year INT, title CHARACTER VARYING, description "
            "CHARACTER VARYING, PRIMARY KEY (year, title))");
}

TEST(ParserDdlTest, ColumnConstraints) {
  auto stmt = ParseAs<CreateTableStmt>(
      "create table t (id bigint primary key, name text not null default 'x', "
      "n int null, d timestamptz default now(), c int constraint c_nn not null)");
  ASSERT_NE(stmt, nullptr);
  ASSERT_EQ(stmt->columns.size(), 5u);
  EXPECT_TRUE(stmt->columns[0].primary_key);
  EXPECT_EQ(stmt->PrimaryKey(), (std::vector<std::string>{"id"}));
  EXPECT_EQ(stmt->columns[1].nullability, Nullability::kNotNull);
  ASSERT_NE(stmt->columns[1].default_value, nullptr);
  EXPECT_EQ(PrintExpr(*stmt->columns[1].default_value), "'x'");
  EXPECT_EQ(stmt->columns[2].nullability, Nullability::kNull);
  EXPECT_EQ(PrintExpr(*stmt->columns[3].default_value), "now()");
  EXPECT_EQ(stmt->columns[4].nullability, Nullability::kNotNull);
  EXPECT_EQ(stmt->columns[0].pos, 16u);
  EXPECT_EQ(stmt->columns[0].name.pos, 16u);
  EXPECT_EQ(stmt->columns[0].type.pos, 19u);
  // DEFAULT takes a full expression and stops before the next constraint.
  auto d = ParseAs<CreateTableStmt>("CREATE TABLE t (a INT DEFAULT 1 + 2 NOT NULL PRIMARY KEY)");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(PrintExpr(*d->columns[0].default_value), "1 + 2");
  EXPECT_EQ(d->columns[0].nullability, Nullability::kNotNull);
  EXPECT_TRUE(d->columns[0].primary_key);
}

TEST(ParserDdlTest, EveryTypeAsAColumn) {
  auto stmt = ParseAs<CreateTableStmt>(
      "CREATE TABLE every (b boolean, s smallint, i integer, g bigint, n numeric, r real, "
      "d double precision, sr serial, v varchar, cv character varying(20), by bytea, dt date, "
      "tm time without time zone, ts timestamp without time zone, tz timestamp with time zone, "
      "iv interval, j jsonb, st STRUCT<a INT, b VARCHAR>, ns struct<x struct<y int>>, "
      "ai INT[], aai INT[][], av VARCHAR[], PRIMARY KEY (i))");
  ASSERT_NE(stmt, nullptr);
  std::vector<std::string> types;
  for (const auto& column : stmt->columns)
    types.push_back(column.type.type.ToString());
  EXPECT_EQ(types, (std::vector<std::string>{"boolean",
                                             "smallint",
                                             "integer",
                                             "bigint",
                                             "numeric",
                                             "real",
                                             "double precision",
                                             "serial",
                                             "character varying",
                                             "character varying",
                                             "bytea",
                                             "date",
                                             "time without time zone",
                                             "timestamp without time zone",
                                             "timestamp with time zone",
                                             "interval",
                                             "jsonb",
                                             "struct<a integer, b character varying>",
                                             "struct<x struct<y integer>>",
                                             "integer[]",
                                             "integer[][]",
                                             "character varying[]"}));
  EXPECT_EQ(stmt->columns[9].type.modifiers, (std::vector<int32_t>{20}));
}

TEST(ParserDdlTest, OnConflictAndTrailingClauses) {
  struct Case {
    const char* sql;
    OnConflictBehavior behavior;
  } cases[] = {
      {"CREATE TABLE t (a INT PRIMARY KEY) ON CONFLICT DO NOTHING", OnConflictBehavior::kDoNothing},
      {"CREATE TABLE t (a INT PRIMARY KEY) ON CONFLICT IGNORE", OnConflictBehavior::kDoNothing},
      {"CREATE TABLE t (a INT PRIMARY KEY) ON CONFLICT OVERWRITE", OnConflictBehavior::kOverwrite},
      {"CREATE TABLE t (a INT PRIMARY KEY) ON CONFLICT DO UPDATE FULL",
       OnConflictBehavior::kOverwrite},
      {"CREATE TABLE t (a INT PRIMARY KEY) ON CONFLICT DO UPDATE IF NOT NULL",
       OnConflictBehavior::kDoUpdateIfNotNull},
      {"CREATE TABLE t (a INT PRIMARY KEY)", OnConflictBehavior::kDefault},
  };
  for (const auto& c : cases) {
    auto stmt = ParseAs<CreateTableStmt>(c.sql);
    ASSERT_NE(stmt, nullptr) << c.sql;
    EXPECT_EQ(stmt->on_conflict, c.behavior) << c.sql;
  }
  auto stmt = ParseAs<CreateTableStmt>(
      "CREATE TABLE t (a INT) APPEND ONLY ON CONFLICT DO NOTHING WITH (retention = '1d', n = 3)");
  ASSERT_NE(stmt, nullptr);
  EXPECT_TRUE(stmt->append_only);
  ASSERT_EQ(stmt->with_options.size(), 2u);
  EXPECT_EQ(stmt->with_options[0].key, "retention");
  EXPECT_EQ(stmt->with_options[0].value.text, "1d");
  EXPECT_EQ(stmt->with_options[1].value.kind, ConstValue::Kind::kNumber);
  EXPECT_EQ(Normalized("create table t (a int) append only on conflict do nothing with (x='y')"),
            "CREATE TABLE t (a INT) APPEND ONLY ON CONFLICT DO NOTHING WITH (x = 'y')");
}

TEST(ParserDdlTest, NamesAndQuoting) {
  auto stmt = ParseAs<CreateTableStmt>(
      "CREATE TABLE \"Public\".\"My Table\" (\"Key\" INT, \"select\" TEXT, year INT, "
      "CONSTRAINT pk PRIMARY KEY (\"Key\"))");
  ASSERT_NE(stmt, nullptr);
  ASSERT_EQ(stmt->name.parts.size(), 2u);
  EXPECT_EQ(stmt->name.parts[0].name, "Public");
  EXPECT_EQ(stmt->name.name(), "My Table");
  EXPECT_EQ(stmt->columns[0].name.name, "Key");
  EXPECT_EQ(stmt->columns[1].name.name, "select");
  EXPECT_EQ(stmt->primary_key_constraint_name, "pk");
  EXPECT_EQ(stmt->PrimaryKey(), (std::vector<std::string>{"Key"}));
  EXPECT_EQ(PrintStatement(*stmt),
            "CREATE TABLE \"Public\".\"My Table\" (\"Key\" INT, \"select\" CHARACTER VARYING, "
            "year INT, CONSTRAINT pk PRIMARY KEY (\"Key\"))");
  // Unreserved keywords are fine as names.
  EXPECT_NE(ParseAs<CreateTableStmt>("CREATE TABLE sink (sinks INT, flush TEXT, key INT, "
                                     "value INT, type INT, format INT, date DATE, time TIME)"),
            nullptr);
  // "if" is a table name unless NOT EXISTS follows.
  auto if_table = ParseAs<CreateTableStmt>("CREATE TABLE if (a INT)");
  ASSERT_NE(if_table, nullptr);
  EXPECT_EQ(if_table->name.name(), "if");
  EXPECT_FALSE(if_table->if_not_exists);
}

TEST(ParserDdlTest, CreateTableErrors) {
  struct Case {
    const char* sql;
    const char* sqlstate;
    const char* message;
    int position;
  } cases[] = {
      {"CREATE TABLE t (a INT PRIMARY KEY, b INT PRIMARY KEY)", "42P16",
       "multiple primary keys for table \"t\" are not allowed", 42},
      {"CREATE TABLE t (a INT PRIMARY KEY, PRIMARY KEY (a))", "42P16",
       "multiple primary keys for table \"t\" are not allowed", 36},
      {"CREATE TABLE t (a INT, PRIMARY KEY (a), b INT PRIMARY KEY)", "42P16",
       "multiple primary keys for table \"t\" are not allowed", 47},
      {"CREATE TABLE t (a INT NULL NOT NULL)", "42601",
       "conflicting NULL/NOT NULL declarations for column \"a\" of table \"t\"", 28},
      {"CREATE TABLE t (a INT PRIMARY KEY NULL)", "42601",
       "conflicting NULL/NOT NULL declarations for column \"a\" of table \"t\"", 35},
      {"CREATE TABLE t (a INT DEFAULT 1 DEFAULT 2)", "42601",
       "multiple default values specified for column \"a\" of table \"t\"", 33},
      {"CREATE TABLE t ()", "42601", "a table must have at least one column", 17},
      {"CREATE TABLE t (a INT UNIQUE)", "0A000",
       "UNIQUE constraints are not supported; only PRIMARY KEY, NOT NULL and DEFAULT are", 23},
      {"CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES u (b))", "0A000",
       "FOREIGN KEY constraints are not supported; only PRIMARY KEY, NOT NULL and DEFAULT are", 24},
      {"CREATE TABLE t (a INT CHECK (a > 0))", "0A000",
       "CHECK constraints are not supported; only PRIMARY KEY, NOT NULL and DEFAULT are", 23},
      {"CREATE TABLE t (a INT GENERATED ALWAYS AS (1) STORED)", "0A000",
       "generated columns are not supported", 23},
      {"CREATE TABLE t AS SELECT 1", "0A000",
       "CREATE TABLE ... AS is not supported; create the table, then INSERT ... SELECT", 16},
      {"CREATE TABLE t (a INT) FORMAT PLAIN ENCODE JSON", "0A000",
       "CREATE TABLE with a connector (FORMAT ... ENCODE ...) is not supported; dynasink "
       "tables hold their own data",
       24},
      {"CREATE TABLE t (a foo)", "42704", "type \"foo\" does not exist", 19},
      {"CREATE TABLE t (select INT)", "42601", "syntax error at or near \"select\"", 17},
      {"CREATE TABLE t (a INT,)", "42601", "syntax error at or near \")\"", 23},
      {"CREATE TABLE t (a INT", "42601", "syntax error at end of input", 22},
      {"CREATE TABLE t (a INT) ON CONFLICT DO SOMETHING", "42601",
       "syntax error at or near \"SOMETHING\"", 39},
      {"CREATE TABLE (a INT)", "42601", "syntax error at or near \"(\"", 14},
      {"CREATE MATERIALIZED VIEW v AS SELECT 1", "0A000",
       "CREATE MATERIALIZED VIEW is not supported; dynasink supports CREATE TABLE and CREATE "
       "SINK",
       8},
      {"CREATE SOURCE s", "0A000",
       "CREATE SOURCE is not supported; dynasink supports CREATE TABLE and CREATE SINK", 8},
      {"CREATE OR REPLACE TABLE t (a INT)", "0A000",
       "CREATE OR REPLACE is not supported; drop and create instead", 8},
      {"CREATE THING", "42601", "syntax error at or near \"THING\"", 8},
  };
  for (const auto& c : cases) {
    Status s = ParseError(c.sql);
    EXPECT_EQ(s.sqlstate(), c.sqlstate) << c.sql;
    EXPECT_EQ(s.message(), c.message) << c.sql;
    EXPECT_EQ(s.position(), c.position) << c.sql;
  }
}

TEST(ParserDdlTest, Drop) {
  auto stmt = ParseAs<DropStmt>("DROP TABLE IF EXISTS a, s.b CASCADE");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->object_type, ObjectType::kTable);
  EXPECT_TRUE(stmt->if_exists);
  ASSERT_EQ(stmt->names.size(), 2u);
  EXPECT_EQ(stmt->names[1].ToString(), "s.b");
  EXPECT_EQ(stmt->behavior, DropBehavior::kCascade);

  stmt = ParseAs<DropStmt>("drop sink s");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->object_type, ObjectType::kSink);
  EXPECT_FALSE(stmt->if_exists);
  EXPECT_EQ(stmt->behavior, DropBehavior::kDefault);
  EXPECT_EQ(ParseAs<DropStmt>("DROP TABLE t RESTRICT")->behavior, DropBehavior::kRestrict);
  EXPECT_EQ(ParseAs<DropStmt>("DROP TABLE if")->names[0].name(), "if");

  EXPECT_EQ(ParseError("DROP VIEW v").message(),
            "DROP VIEW is not supported; dynasink supports DROP TABLE and DROP SINK");
  EXPECT_EQ(ParseError("DROP TABLE").message(), "syntax error at end of input");
  EXPECT_EQ(ParseError("DROP TABLE IF EXISTS").message(), "syntax error at end of input");
  EXPECT_EQ(ParseError("DROP t").message(), "syntax error at or near \"t\"");
}

TEST(ParserDdlTest, ShowObjects) {
  struct Case {
    const char* sql;
    ShowObjectsKind what;
    const char* from;
    const char* like;
    const char* printed;
  } cases[] = {
      {"SHOW TABLES", ShowObjectsKind::kTables, nullptr, nullptr, "SHOW TABLES"},
      {"show sinks", ShowObjectsKind::kSinks, nullptr, nullptr, "SHOW SINKS"},
      {"SHOW TABLES FROM public", ShowObjectsKind::kTables, "public", nullptr,
       "SHOW TABLES FROM public"},
      {"SHOW SINKS IN public LIKE 'm%'", ShowObjectsKind::kSinks, "public", "m%",
       "SHOW SINKS FROM public LIKE 'm%'"},
      {"SHOW TABLES LIKE 'mov%'", ShowObjectsKind::kTables, nullptr, "mov%",
       "SHOW TABLES LIKE 'mov%'"},
      {"SHOW MATERIALIZED VIEWS", ShowObjectsKind::kMaterializedViews, nullptr, nullptr,
       "SHOW MATERIALIZED VIEWS"},
      {"SHOW VIEWS", ShowObjectsKind::kViews, nullptr, nullptr, "SHOW VIEWS"},
      {"SHOW SOURCES", ShowObjectsKind::kSources, nullptr, nullptr, "SHOW SOURCES"},
      {"SHOW DATABASES", ShowObjectsKind::kDatabases, nullptr, nullptr, "SHOW DATABASES"},
      {"SHOW SCHEMAS", ShowObjectsKind::kSchemas, nullptr, nullptr, "SHOW SCHEMAS"},
      {"SHOW COLUMNS FROM movies", ShowObjectsKind::kColumns, "movies", nullptr,
       "SHOW COLUMNS FROM movies"},
  };
  for (const auto& c : cases) {
    auto stmt = ParseAs<ShowObjectsStmt>(c.sql);
    ASSERT_NE(stmt, nullptr) << c.sql;
    EXPECT_EQ(stmt->what, c.what) << c.sql;
    EXPECT_EQ(stmt->from.has_value(), c.from != nullptr) << c.sql;
    if (c.from) {
      EXPECT_EQ(stmt->from->ToString(), c.from) << c.sql;
    }
    EXPECT_EQ(stmt->like_pattern.has_value(), c.like != nullptr) << c.sql;
    if (c.like) {
      EXPECT_EQ(*stmt->like_pattern, c.like) << c.sql;
    }
    EXPECT_EQ(PrintStatement(*stmt), c.printed) << c.sql;
  }
  EXPECT_EQ(ParseError("SHOW COLUMNS").message(), "syntax error at end of input");
  EXPECT_EQ(ParseError("SHOW TABLES LIKE x").message(), "syntax error at or near \"x\"");
}

TEST(ParserDdlTest, ShowCreateAndDescribe) {
  auto show = ParseAs<ShowCreateStmt>("SHOW CREATE SINK s");
  ASSERT_NE(show, nullptr);
  EXPECT_EQ(show->object_type, ObjectType::kSink);
  EXPECT_EQ(show->name.ToString(), "s");
  show = ParseAs<ShowCreateStmt>("show create table public.movies");
  ASSERT_NE(show, nullptr);
  EXPECT_EQ(show->object_type, ObjectType::kTable);
  EXPECT_EQ(show->name.ToString(), "public.movies");
  EXPECT_EQ(ParseError("SHOW CREATE VIEW v").sqlstate(), "0A000");
  EXPECT_EQ(ParseError("SHOW CREATE t").message(), "syntax error at or near \"t\"");

  auto describe = ParseAs<DescribeStmt>("DESCRIBE movies");
  ASSERT_NE(describe, nullptr);
  EXPECT_EQ(describe->name.ToString(), "movies");
  describe = ParseAs<DescribeStmt>("desc \"Movies\"");
  ASSERT_NE(describe, nullptr);
  EXPECT_EQ(describe->name.ToString(), "Movies");
  EXPECT_EQ(PrintStatement(*describe), "DESCRIBE \"Movies\"");
  EXPECT_EQ(ParseError("DESCRIBE").message(), "syntax error at end of input");
}

}  // namespace
}  // namespace dynasink::sql
