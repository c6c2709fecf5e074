// The SQL of COMPATIBILITY.md sections 6 and 7 and of sink-to-dynamodb.md, as users write it:
// each script parses, every statement is what it should be, and everything round-trips.
#include <gtest/gtest.h>

#include "sql_test_util.h"

namespace dynasink::sql {
namespace {

using testing::ExpectRoundTrip;
using testing::ParseAs;

std::vector<StatementPtr> ParseScript(std::string_view sql) {
  auto parsed = ParseStatements(sql);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? std::move(parsed).value() : std::vector<StatementPtr>();
}

std::vector<StatementKind> Kinds(const std::vector<StatementPtr>& statements) {
  std::vector<StatementKind> kinds;
  for (const auto& s : statements)
    kinds.push_back(s->kind);
  return kinds;
}

// Section 7: the reference end-to-end case, as one psql script.
constexpr std::string_view kReferenceCase = R"sql(
CREATE TABLE IF NOT EXISTS movies (
    year integer,
    title varchar,
    description varchar,
    primary key (year, title)
);

CREATE SINK dynamodb_sink
FROM movies
WITH (
    connector = 'dynamodb',
    table = 'Movies',
    primary_key = 'year,title',
    endpoint = 'http://localhost:8000',
    region = 'us-east-1',
    access_key = 'ac',
    secret_key = 'sk'
);

INSERT INTO movies (year, title, description)
VALUES
    (2020, 'The Emoji Movie', 'a'),
    (2019, 'Avengers: Endgame', 'b'),
    (2018, 'Black Panther', 'c'),
    (2017, 'Wonder Woman', 'd');
INSERT INTO movies (year, title, description) VALUES (2023, 'Beautiful beauty', 'ABC DUMMY');
FLUSH;

DELETE FROM movies WHERE title = 'Beautiful beauty';
DELETE FROM movies WHERE year = 2017;
FLUSH;

INSERT INTO movies (year, title, description) VALUES (2017, 'Beautiful beauty', 'ABC DUMMY');
FLUSH;

UPDATE movies SET description = 'ABC' WHERE year = 2017;
FLUSH;
)sql";

TEST(CompatTest, ReferenceCaseOfSectionSeven) {
  auto statements = ParseScript(kReferenceCase);
  const std::vector<StatementKind> expected = {
      StatementKind::kCreateTable, StatementKind::kCreateSink, StatementKind::kInsert,
      StatementKind::kInsert,      StatementKind::kFlush,      StatementKind::kDelete,
      StatementKind::kDelete,      StatementKind::kFlush,      StatementKind::kInsert,
      StatementKind::kFlush,       StatementKind::kUpdate,     StatementKind::kFlush};
  ASSERT_EQ(Kinds(statements), expected);

  const auto& table = statements[0]->As<CreateTableStmt>();
  EXPECT_TRUE(table.if_not_exists);
  EXPECT_EQ(table.PrimaryKey(), (std::vector<std::string>{"year", "title"}));
  EXPECT_EQ(table.definition.substr(0, 35), "CREATE TABLE IF NOT EXISTS movies (");
  EXPECT_EQ(table.definition.back(), ')');

  const auto& sink = statements[1]->As<CreateSinkStmt>();
  EXPECT_EQ(sink.name.ToString(), "dynamodb_sink");
  EXPECT_EQ(sink.from->ToString(), "movies");
  EXPECT_EQ(FindOption(sink.with_options, "table")->value.text, "Movies");
  EXPECT_EQ(FindOption(sink.with_options, "primary_key")->value.text, "year,title");
  EXPECT_EQ(FindOption(sink.with_options, "secret_key")->value.text, "sk");

  const auto& insert = statements[2]->As<InsertStmt>();
  const auto& rows = insert.source->body->As<ValuesBody>().rows;
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3][1]->As<LiteralExpr>().value, "Wonder Woman");

  const auto& del = statements[5]->As<DeleteStmt>();
  EXPECT_EQ(PrintExpr(*del.where), "title = 'Beautiful beauty'");

  const auto& update = statements[10]->As<UpdateStmt>();
  EXPECT_EQ(update.assignments[0].columns[0].name, "description");
  EXPECT_EQ(PrintExpr(*update.assignments[0].value), "'ABC'");
  EXPECT_EQ(PrintExpr(*update.where), "year = 2017");

  // Every statement's span is its own text.
  for (const auto& stmt : statements) {
    std::string_view text = kReferenceCase.substr(stmt->span.begin, stmt->span.size());
    EXPECT_NE(text.back(), ';');
    ExpectRoundTrip(text);
  }
}

// Section 6: the SQL that users of this sink write.
TEST(CompatTest, SectionSixStatements) {
  const char* const statements[] = {
      "CREATE TABLE IF NOT EXISTS t (year integer, title varchar, description varchar, "
      "primary key (year, title));",
      "CREATE TABLE nested (id int primary key, s STRUCT<a INT, b VARCHAR>, "
      "n STRUCT<x STRUCT<y INT, z VARCHAR[]>, w INT[]>, ai INT[], av VARCHAR[], aai INT[][], "
      "j jsonb, iv interval, tz timestamptz, b bytea)",
      "INSERT INTO nested VALUES (1, ROW(1, 'x'), ROW(ROW(2, ARRAY['p', 'q']), ARRAY[3]), "
      "ARRAY[1, 2], ARRAY['a', NULL], ARRAY[ARRAY[1], ARRAY[2, 3]], '{\"a\": 1}'::jsonb, "
      "interval '1 day', '2024-01-01 00:00:00+00:00'::timestamptz, '\\x0102'::bytea)",
      "SELECT (s).a, (n).x.y, ai[1], aai[2][1], j -> 'a', j ->> 'a' FROM nested",
      "UPDATE nested SET s = ROW(2, 'y') WHERE (s).a = 1",
      "DELETE FROM nested WHERE ai[1] = 1",
      "FLUSH",
      "CREATE TABLE keep_first (k INT PRIMARY KEY, v TEXT) ON CONFLICT DO NOTHING",
      "SHOW TABLES",
      "SHOW SINKS",
      "SHOW CREATE SINK s",
      "DESCRIBE t",
      "DROP SINK IF EXISTS s",
      "DROP SINK s",
      "DROP TABLE t",
      "SELECT id, name, connector, sink_type, definition FROM rw_catalog.rw_sinks",
  };
  for (const char* sql : statements)
    ExpectRoundTrip(sql);

  auto nested = ParseAs<CreateTableStmt>(statements[1]);
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->columns[2].type.type.ToString(),
            "struct<x struct<y integer, z character varying[]>, w integer[]>");
  EXPECT_EQ(nested->columns[5].type.type.ToString(), "integer[][]");

  auto insert = ParseAs<InsertStmt>(statements[2]);
  ASSERT_NE(insert, nullptr);
  const auto& row = insert->source->body->As<ValuesBody>().rows[0];
  ASSERT_EQ(row.size(), 10u);
  EXPECT_EQ(row[1]->kind, ExprKind::kRow);
  EXPECT_EQ(row[3]->kind, ExprKind::kArray);
  EXPECT_EQ(row[6]->kind, ExprKind::kCast);
  EXPECT_EQ(row[6]->As<CastExpr>().operand->As<LiteralExpr>().value, "{\"a\": 1}");
  EXPECT_EQ(row[7]->kind, ExprKind::kTypedLiteral);
  EXPECT_EQ(row[9]->As<CastExpr>().operand->As<LiteralExpr>().value, "\\x0102");

  auto keep = ParseAs<CreateTableStmt>(statements[7]);
  ASSERT_NE(keep, nullptr);
  EXPECT_EQ(keep->on_conflict, OnConflictBehavior::kDoNothing);
}

// The statements of sink-to-dynamodb.md, with its FORMAT ... ENCODE clause.
TEST(CompatTest, SinkGuideSyntax) {
  const char* sql =
      "CREATE SINK IF NOT EXISTS sink_name\n"
      "FROM sink_from\n"
      "WITH (\n"
      "   connector = 'dynamodb',\n"
      "   table = 'movies',\n"
      "   primary_key = 'title,year',\n"
      "   aws.region = 'us-east-1',\n"
      "   aws.endpoint_url = 'http://localhost:8000',\n"
      "   aws.credentials.access_key_id = 'id',\n"
      "   aws.credentials.secret_access_key = 'secret',\n"
      "   aws.credentials.role.arn = 'arn:aws:iam::123:role/r',\n"
      "   aws.credentials.role.external_id = 'ext',\n"
      "   aws.profile = 'default',\n"
      "   dynamodb.max_batch_rows = '1024'\n"
      ")\n"
      "FORMAT UPSERT ENCODE JSON (\n"
      "    force_append_only = 'false'\n"
      ");";
  auto statements = ParseScript(sql);
  ASSERT_EQ(statements.size(), 1u);
  const auto& sink = statements[0]->As<CreateSinkStmt>();
  EXPECT_EQ(sink.with_options.size(), 11u);
  ASSERT_TRUE(sink.format_encode.has_value());
  EXPECT_EQ(sink.format_encode->format, "upsert");
  EXPECT_EQ(sink.format_encode->encode, "json");
  EXPECT_EQ(sink.format_encode->options[0].key, "force_append_only");
  EXPECT_EQ(sink.definition, std::string_view(sql).substr(0, std::string_view(sql).size() - 1));
  ExpectRoundTrip(sink.definition);
}

}  // namespace
}  // namespace dynasink::sql
