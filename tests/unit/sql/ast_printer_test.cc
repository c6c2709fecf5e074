// The AST printer: parse(print(ast)) == ast over every statement form, minimal parentheses,
// identifier and string quoting.
#include <gtest/gtest.h>

#include <random>

#include "sql_test_util.h"

namespace dynasink::sql {
namespace {

using testing::ExpectRoundTrip;
using testing::Normalized;

// One of every statement and expression form the parser knows.
const char* const kCorpus[] = {
    // Queries.
    "SELECT 1",
    "SELECT version(), current_database(), pg_catalog.current_schema()",
    "SELECT * FROM t",
    "SELECT DISTINCT a, b AS \"B\" FROM s.t AS x WHERE x.a > 1 GROUP BY a, b HAVING count(*) > 1 "
    "ORDER BY a DESC NULLS LAST, b ASC NULLS FIRST LIMIT 10 OFFSET 20",
    "SELECT DISTINCT ON (a) a FROM t",
    "SELECT a FROM t UNION ALL SELECT b FROM u INTERSECT SELECT c FROM v EXCEPT SELECT 1",
    "(SELECT 1) UNION (SELECT 2 ORDER BY 1 LIMIT 1)",
    "VALUES (1, 'a'), (2, 'b') ORDER BY 1",
    "WITH RECURSIVE x (n) AS (SELECT 1), y AS (SELECT 2) SELECT * FROM x, y",
    "SELECT * FROM (SELECT a FROM t) AS s JOIN u ON s.a = u.a LEFT JOIN v USING (a, b) "
    "CROSS JOIN w NATURAL RIGHT JOIN z FULL JOIN q ON TRUE",
    "SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.x = b.x",
    "SELECT count(*), count(DISTINCT a), sum(a) FILTER (WHERE a > 0), "
    "string_agg(b, ',' ORDER BY c DESC) FROM t",
    // Expressions.
    "SELECT a + b * c - d / e % f ^ g, (a + b) * c, -a, +a, - -a, -1, 1 - -1, (-1)::int, -2 ^ 2",
    "SELECT NOT a AND b OR c, NOT (a OR b), a AND (b OR c), (a = b) = c, a = (b = c)",
    "SELECT a IS NULL, a IS NOT NULL, a IS TRUE, a IS NOT FALSE, a IS UNKNOWN, "
    "a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b, (a IS NULL) IS NULL",
    "SELECT a BETWEEN 1 AND 2, a NOT BETWEEN SYMMETRIC b AND c + 1, (a BETWEEN 1 AND 2) = TRUE",
    "SELECT a IN (1, 2), a NOT IN ('x'), a IN (SELECT b FROM u), EXISTS (SELECT 1)",
    "SELECT a LIKE 'x%', a NOT LIKE b ESCAPE '!', a ILIKE 'q', a NOT ILIKE 'q' || 'r'",
    "SELECT a || b, j -> 'k', j ->> 0, j -> 'a' -> 'b', j @> '{}', '{}' <@ j, (a || b) || c, "
    "a || (b || c)",
    "SELECT a::int, CAST(a AS bigint), a::text::int, (a + 1)::numeric(10,2), "
    "'{1,2}'::int[][], x::STRUCT<a INT, b STRUCT<c VARCHAR>[]>, (x::int[])[1]",
    "SELECT a[1], a[1:2], a[:2], a[2:], a[i + 1][j], (s).f, (s).f.g, (s).arr[1].f, "
    "(t.s).\"F\", (ROW(1, 2)).f",
    "SELECT ROW(1, 'x'), ROW(), ROW(1), (1, 2), ARRAY[1, 2], ARRAY[[1], [2, 3]], ARRAY[], "
    "ARRAY[1][1]",
    "SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE a WHEN 1 THEN 'x' END",
    "SELECT coalesce(a, b), nullif(a, 0), greatest(1, 2), least(1, 2), now(), "
    "left('abc', 1), \"MixedCase\"(1), lower(upper(x))",
    "SELECT EXTRACT(YEAR FROM ts), extract('epoch' FROM ts), substring(s FROM 1 FOR 2), "
    "substring(s, 1), POSITION('a' IN s), TRIM(BOTH 'x' FROM s), trim(LEADING FROM s)",
    "SELECT CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP(3), LOCALTIME, LOCALTIMESTAMP(0), "
    "CURRENT_USER, SESSION_USER, USER, CURRENT_ROLE, CURRENT_CATALOG, CURRENT_SCHEMA",
    "SELECT DATE '2020-01-01', TIME '12:00', TIMESTAMP '2020-01-01 00:00', "
    "TIMESTAMPTZ '2020-01-01 00:00+08', INTERVAL '1 day', INTERVAL '1' DAY, "
    "INTERVAL '1:30' HOUR TO MINUTE, JSONB '{}', BYTEA '\\x01', DOUBLE PRECISION '1.5', "
    "character varying(3) 'abc'",
    "SELECT ts AT TIME ZONE 'UTC', $1, $2::int, 'it''s', E'tab\\there', 1e10, .5, 5., NULL, "
    "TRUE, FALSE",
    "SELECT \"select\", \"Col\", t.\"from\", \"row\", \"left\", year, date, \"a\"\"b\"",
    // DML.
    "INSERT INTO movies (year, title, description) VALUES (2020, 'The Emoji Movie', 'a'), "
    "(2019, 'Avengers: Endgame', 'b')",
    "INSERT INTO t VALUES (DEFAULT, ROW(1, 'x'), ARRAY['a'], '{\"a\": 1}'::jsonb, "
    "interval '1 day', '2024-01-01 00:00:00+00:00'::timestamptz, '\\x0102'::bytea)",
    "INSERT INTO t DEFAULT VALUES",
    "INSERT INTO t (a) SELECT b FROM u ON CONFLICT (a) DO UPDATE SET a = 1, (b, c) = (2, 3) "
    "WHERE a > 0 RETURNING *",
    "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING RETURNING a, b AS c",
    "INSERT INTO t (SELECT 1)",
    "UPDATE movies SET description = 'ABC' WHERE year = 2017",
    "UPDATE t AS x SET a = DEFAULT, (b) = ROW(1), (c, d) = (SELECT 1, 2) WHERE x.a IS NULL "
    "RETURNING x.a",
    "DELETE FROM movies WHERE title = 'Beautiful beauty'",
    "DELETE FROM t AS x RETURNING *",
    // DDL.
    "CREATE TABLE IF NOT EXISTS movies (year integer, title varchar, description varchar, "
    "primary key (year, title))",
    "CREATE TABLE t (id BIGINT PRIMARY KEY, s STRUCT<a INT, b VARCHAR>, a INT[][], "
    "n NUMERIC(10,2) NOT NULL DEFAULT 0, v VARCHAR(20) NULL, ts TIMESTAMP(3) WITH TIME ZONE "
    "DEFAULT now(), d DOUBLE PRECISION DEFAULT -1.5) APPEND ONLY ON CONFLICT DO NOTHING "
    "WITH (a = 'b', c = 1)",
    "CREATE TABLE \"T\" (\"K\" INT, CONSTRAINT \"pk\" PRIMARY KEY (\"K\")) ON CONFLICT "
    "DO UPDATE IF NOT NULL",
    "CREATE TABLE t (a serial) ON CONFLICT OVERWRITE",
    "DROP TABLE IF EXISTS a, b.c CASCADE",
    "DROP SINK s RESTRICT",
    "SHOW TABLES",
    "SHOW SINKS FROM public LIKE 'x%'",
    "SHOW MATERIALIZED VIEWS",
    "SHOW COLUMNS FROM t",
    "SHOW CREATE TABLE t",
    "SHOW CREATE SINK s",
    "DESCRIBE t",
    // Sinks.
    "CREATE SINK IF NOT EXISTS s FROM movies WITH (connector = 'dynamodb', table = 'Movies', "
    "primary_key = 'year,title', aws.region = 'us-east-1', "
    "aws.endpoint_url = 'http://localhost:8000', aws.credentials.access_key_id = 'a', "
    "aws.credentials.secret_access_key = 'b', dynamodb.max_batch_item_nums = 25, "
    "snapshot = false, type = upsert, \"Quoted.Key\" = 'x', 'odd..key' = 'y')",
    "CREATE SINK s AS SELECT year AS y, upper(title) AS t FROM movies WHERE year > 2000 "
    "WITH (connector = 'dynamodb') FORMAT PLAIN ENCODE JSON (force_append_only = 'true')",
    "ALTER SINK s PAUSE",
    "ALTER SINK s RESUME",
    "ALTER SINK s SET (error_policy = 'pause')",
    "ALTER SINK s RENAME TO t",
    // Session and utility.
    "SET TimeZone = 'UTC'",
    "SET SESSION search_path TO \"$user\", public",
    "SET LOCAL x = DEFAULT",
    "SET extra_float_digits = -3",
    "SET TIME ZONE LOCAL",
    "RESET ALL",
    "RESET statement_timeout",
    "SHOW ALL",
    "SHOW transaction isolation level",
    "BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY",
    "COMMIT",
    "ROLLBACK",
    "FLUSH",
    "COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER, DELIMITER ',', NULL '', QUOTE '\"', "
    "ESCAPE '\\', ENCODING 'UTF8')",
    "COPY (SELECT * FROM t) TO STDOUT WITH CSV HEADER",
    "EXPLAIN VERBOSE SELECT 1",
    "PREPARE p (int, text) AS UPDATE t SET a = $1 WHERE b = $2",
    "EXECUTE p (1, 'x')",
    "DEALLOCATE ALL",
};

TEST(AstPrinterTest, EveryFormRoundTrips) {
  for (const char* sql : kCorpus)
    ExpectRoundTrip(sql);
}

// Random expressions, written with every compound operand parenthesized (so they are valid
// whatever the precedence), must come back as the same tree after printing with minimal
// parentheses: the printer's precedence rules agree with the parser's.
class RandomExpr {
 public:
  explicit RandomExpr(uint32_t seed) : rng_(seed) {}

  std::string Make(int depth) {
    if (depth == 0) return Pick(kAtoms);
    auto sub = [&] { return Make(depth - 1); };
    switch (Below(16)) {
      case 0:
        return "(" + sub() + " " + Pick(kBinary) + " " + sub() + ")";
      case 1:
        return "(" + sub() + " " + Pick(kBinary) + " " + sub() + ")";
      case 2:
        return "(NOT " + sub() + ")";
      case 3:
        return "(- " + sub() + ")";
      case 4:
        return "(" + sub() + " " + Pick(kIsTests) + ")";
      case 5:
        return "(" + sub() + " IS NOT DISTINCT FROM " + sub() + ")";
      case 6:
        return "(" + sub() + " NOT BETWEEN " + sub() + " AND " + sub() + ")";
      case 7:
        return "(" + sub() + " IN (" + sub() + ", " + sub() + "))";
      case 8:
        return "(" + sub() + " ILIKE " + sub() + " ESCAPE " + sub() + ")";
      case 9:
        return "((" + sub() + ")::" + Pick(kTypes) + ")";
      case 10:
        return "CASE WHEN " + sub() + " THEN " + sub() + " ELSE " + sub() + " END";
      case 11:
        return "f(" + sub() + ", " + sub() + ")";
      case 12:
        return "ARRAY[" + sub() + ", " + sub() + "]";
      case 13:
        return "(" + sub() + ")[" + sub() + "]";
      case 14:
        return "(" + sub() + " AT TIME ZONE " + sub() + ")";
      default:
        return "ROW(" + sub() + ", " + sub() + ")";
    }
  }

 private:
  static constexpr const char* kAtoms[] = {
      "a",  "b",    "1",     "-1", "2.5", "'x'", "NULL",   "TRUE",
      "$1", "x[1]", "(s).f", "-a", "g()", "t.c", "-2.5e3", "DATE '2020-01-01'"};
  static constexpr const char* kBinary[] = {"OR", "AND", "=",   "<>", "<", "<=", ">",
                                            ">=", "+",   "-",   "*",  "/", "%",  "^",
                                            "||", "->",  "->>", "@>", "<@"};
  static constexpr const char* kIsTests[] = {"IS NULL", "IS NOT NULL", "IS TRUE", "IS NOT FALSE",
                                             "IS UNKNOWN"};
  static constexpr const char* kTypes[] = {"INT", "TEXT", "INT[]", "NUMERIC(5,2)", "JSONB"};

  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  template <size_t N>
  std::string Pick(const char* const (&options)[N]) {
    return options[Below(N)];
  }
  std::mt19937 rng_;
};

TEST(AstPrinterTest, RandomExpressionsRoundTrip) {
  RandomExpr generator(20240601);
  PrintOptions tree;
  tree.fully_parenthesized = true;
  for (int i = 0; i < 3000; ++i) {
    const std::string sql = generator.Make(1 + i % 4);
    SCOPED_TRACE(sql);
    auto first = ParseExpression(sql);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    const std::string normalized = PrintExpr(**first);
    auto second = ParseExpression(normalized);
    ASSERT_TRUE(second.ok()) << normalized << " -> " << second.status().ToString();
    EXPECT_EQ(PrintExpr(**second, tree), PrintExpr(**first, tree)) << normalized;
    EXPECT_EQ(PrintExpr(**second), normalized);
  }
}

TEST(AstPrinterTest, NormalizedSpelling) {
  EXPECT_EQ(Normalized("select A, \"B\" from T where x<>1 and not y"),
            "SELECT a, \"B\" FROM t WHERE x <> 1 AND NOT y");
  EXPECT_EQ(Normalized("select a != b"), "SELECT a <> b");
  EXPECT_EQ(Normalized("SELECT (a + b) * c, a + (b * c), (a * b) + c"),
            "SELECT (a + b) * c, a + b * c, a * b + c");
  EXPECT_EQ(Normalized("SELECT a - (b - c), (a - b) - c"), "SELECT a - (b - c), a - b - c");
  EXPECT_EQ(Normalized("SELECT -(1), -(a), - - a, -(-a)"), "SELECT -1, -a, - -a, - -a");
  EXPECT_EQ(Normalized("SELECT (-1)::int, (-a)::int, -a::int"),
            "SELECT (-1)::INT, (-a)::INT, -a::INT");
  EXPECT_EQ(Normalized("SELECT NOT (a = b), (NOT a) = b"), "SELECT NOT a = b, (NOT a) = b");
  EXPECT_EQ(Normalized("SELECT (a = b) IS TRUE, a = (b IS TRUE)"),
            "SELECT a = b IS TRUE, a = (b IS TRUE)");
  EXPECT_EQ(Normalized("SELECT (s).a, ((s).a).b, (s.t).c"), "SELECT (s).a, (s).a.b, (s.t).c");
  EXPECT_EQ(Normalized("SELECT x :: varchar(10) [ ]"), "SELECT x::CHARACTER VARYING(10)[]");
  EXPECT_EQ(Normalized("SELECT ARRAY[[1,2],[3,4]]"), "SELECT ARRAY[ARRAY[1, 2], ARRAY[3, 4]]");
  EXPECT_EQ(Normalized("select trim(both from s), position('x' in s)"),
            "SELECT btrim(s), POSITION('x' IN s)");
  EXPECT_EQ(Normalized("SELECT a FROM t LIMIT ALL OFFSET 0"), "SELECT a FROM t OFFSET 0");
  EXPECT_EQ(Normalized("create table t (a int4, b float8, c text, d timestamptz, e bool)"),
            "CREATE TABLE t (a INT, b DOUBLE PRECISION, c CHARACTER VARYING, d TIMESTAMP WITH "
            "TIME ZONE, e BOOLEAN)");
  EXPECT_EQ(Normalized("COPY t FROM STDIN WITH CSV HEADER DELIMITER ';'"),
            "COPY t FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')");
}

TEST(AstPrinterTest, Quoting) {
  EXPECT_EQ(QuoteIdent("abc"), "abc");
  EXPECT_EQ(QuoteIdent("a_b$1"), "a_b$1");
  EXPECT_EQ(QuoteIdent("year"), "year");
  EXPECT_EQ(QuoteIdent("sink"), "sink");  // unreserved keyword
  EXPECT_EQ(QuoteIdent("select"), "\"select\"");
  EXPECT_EQ(QuoteIdent("left"), "\"left\"");
  EXPECT_EQ(QuoteIdent("row"), "\"row\"");
  EXPECT_EQ(QuoteIdent("Movies"), "\"Movies\"");
  EXPECT_EQ(QuoteIdent("1abc"), "\"1abc\"");
  EXPECT_EQ(QuoteIdent("a b"), "\"a b\"");
  EXPECT_EQ(QuoteIdent("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(QuoteIdent(""), "\"\"");
  EXPECT_EQ(QuoteIdent("größe"), "\"größe\"");
  EXPECT_EQ(QuoteString("it's"), "'it''s'");
  EXPECT_EQ(QuoteString("a\\b"), "'a\\b'");
  EXPECT_EQ(QuoteString(""), "''");
  EXPECT_EQ(QuoteString("line\nbreak"), "'line\nbreak'");
}

TEST(AstPrinterTest, PrintsPieces) {
  auto expr = ParseExpression("a+b*c");
  ASSERT_TRUE(expr.ok());
  EXPECT_EQ(PrintExpr(**expr), "a + b * c");
  PrintOptions tree;
  tree.fully_parenthesized = true;
  EXPECT_EQ(PrintExpr(**expr, tree), "(a + (b * c))");
  auto stmt = testing::ParseAs<QueryStmt>("select 1 as one");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(PrintQuery(*stmt->query), "SELECT 1 AS one");
}

}  // namespace
}  // namespace dynasink::sql
