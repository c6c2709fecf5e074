// The sqllogictest tooling itself: the parser (every directive, the SQLSTATE/position extension,
// includes, and its error messages) and the executor, which runs against the pgwire server over
// its in-test FakeBackend (tests/unit/pgwire/fake_backend.h: one table t(id, name), a few
// statement forms) so that it is checked without the SQL engine: passing records pass, and each
// kind of wrong expectation is reported once, with file:line and expected versus actual.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/pg_client.h"
#include "support/slt_executor.h"
#include "support/slt_parser.h"
#include "unit/pgwire/test_server.h"

namespace dynasink::test::slt {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<Record> MustParse(std::string_view text, const std::string& name = "mem.slt") {
  auto r = ParseText(text, name);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : std::vector<Record>();
}

std::string ParseError(std::string_view text) {
  auto r = ParseText(text, "bad.slt");
  return r.ok() ? "parsed" : r.status().message();
}

TEST(SltParserTest, StatementsAndQueries) {
  auto records = MustParse(R"(# a comment
statement ok
CREATE TABLE t (a int)

statement count 3
INSERT INTO t
VALUES (1), (2), (3)

query IT rowsort lbl
SELECT a, b
FROM t
----
1 x
2 NULL

query R valuesort
SELECT 1.5
----
1.5

query I
SELECT a FROM t WHERE false
----

query T
SELECT 'no separator means no rows'
)");
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0].kind, RecordKind::kStatement);
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[0].sql, "CREATE TABLE t (a int)");
  EXPECT_FALSE(records[0].expected_count);
  EXPECT_FALSE(records[0].error);
  EXPECT_EQ(records[1].expected_count, 3);
  EXPECT_EQ(records[1].sql, "INSERT INTO t\nVALUES (1), (2), (3)");
  EXPECT_EQ(records[2].kind, RecordKind::kQuery);
  EXPECT_EQ(records[2].types, "IT");
  EXPECT_EQ(records[2].sort, SortMode::kRowSort);
  EXPECT_EQ(records[2].label, "lbl");
  EXPECT_EQ(records[2].sql, "SELECT a, b\nFROM t");
  EXPECT_EQ(records[2].expected_rows, (std::vector<std::string>{"1 x", "2 NULL"}));
  EXPECT_EQ(records[2].directive, "query IT rowsort lbl");
  EXPECT_EQ(records[3].sort, SortMode::kValueSort);
  EXPECT_TRUE(records[4].expected_rows.empty());
  EXPECT_EQ(records[4].line, 21);
  EXPECT_TRUE(records[5].expected_rows.empty());
  EXPECT_EQ(records[5].sql, "SELECT 'no separator means no rows'");
  EXPECT_EQ(records[5].line, 25);
}

TEST(SltParserTest, ErrorRecordsWithSqlstateAndPosition) {
  auto records = MustParse(R"(statement error
SELECT 1

statement error 22P02 invalid input syntax for type integer: "abc"
SELECT 'abc'::int

query error 42601 @8 syntax error at or near "FORM"
SELECT * FORM t

statement error 42P01
SELECT * FROM missing
----
relation "missing" does not exist
DETAIL: second line

statement error (?i)DIVISION
SELECT 1/0

statement error 12345 @3
x

statement error ERROR 1 not a sqlstate
y
)");
  ASSERT_EQ(records.size(), 7u);
  ASSERT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error->sqlstate, "");
  EXPECT_EQ(records[0].error->regex, "");
  EXPECT_EQ(records[1].error->sqlstate, "22P02");
  EXPECT_EQ(records[1].error->regex, "invalid input syntax for type integer: \"abc\"");
  EXPECT_FALSE(records[1].error->position);
  EXPECT_EQ(records[2].kind, RecordKind::kQuery);
  EXPECT_EQ(records[2].error->sqlstate, "42601");
  EXPECT_EQ(records[2].error->position, 8);
  EXPECT_EQ(records[2].error->regex, "syntax error at or near \"FORM\"");
  EXPECT_EQ(records[3].error->exact_message,
            "relation \"missing\" does not exist\nDETAIL: second line");
  EXPECT_EQ(records[3].error->regex, "");
  EXPECT_TRUE(records[4].error->icase);
  EXPECT_EQ(records[4].error->regex, "DIVISION");
  EXPECT_EQ(records[5].error->sqlstate, "12345");
  EXPECT_EQ(records[5].error->position, 3);
  EXPECT_EQ(records[6].error->sqlstate, "");
  EXPECT_EQ(records[6].error->regex, "ERROR 1 not a sqlstate");
}

TEST(SltParserTest, ConditionsConnectionsHaltSleep) {
  auto records = MustParse(R"(skipif postgres
onlyif dynasink
statement ok
SELECT 1

connection second
query I
SELECT 2
----
2

hash-threshold 8

sleep 250ms

onlyif postgres
halt

statement ok
SELECT 3
)");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_TRUE(records[0].RunsOn("dynasink"));
  EXPECT_FALSE(records[0].RunsOn("postgres"));
  EXPECT_FALSE(records[0].RunsOn("sqlite"));
  EXPECT_EQ(records[0].connection, "");
  EXPECT_EQ(records[1].connection, "second");
  EXPECT_TRUE(records[1].RunsOn("anything"));
  EXPECT_EQ(records[2].kind, RecordKind::kSleep);
  EXPECT_EQ(records[2].sleep, 250ms);
  EXPECT_EQ(records[3].kind, RecordKind::kHalt);
  EXPECT_TRUE(records[3].RunsOn("postgres"));
  EXPECT_FALSE(records[3].RunsOn("dynasink"));
  EXPECT_EQ(records[4].sql, "SELECT 3");
  EXPECT_TRUE(records[4].conditions.empty());
}

TEST(SltParserTest, IncludesExpandRelativeGlobsInOrder) {
  fs::path dir = fs::temp_directory_path() / ("slt-include-" + std::to_string(getpid()));
  fs::create_directories(dir / "parts");
  auto write = [&](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
  write(dir / "parts" / "b.slt.part", "statement ok\nSELECT 'b'\n");
  write(dir / "parts" / "a.slt.part", "statement ok\nSELECT 'a'\n\ninclude ../leaf.part\n");
  write(dir / "leaf.part", "statement ok\nSELECT 'leaf'\n");
  write(dir / "main.slt", "statement ok\nSELECT 0\n\ninclude parts/*.slt.part\n");
  auto records = ParseFile((dir / "main.slt").string());
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 4u);
  EXPECT_EQ((*records)[1].sql, "SELECT 'a'");
  EXPECT_EQ((*records)[2].sql, "SELECT 'leaf'");
  EXPECT_EQ((*records)[2].file, (dir / "parts" / "../leaf.part").string());
  EXPECT_EQ((*records)[3].sql, "SELECT 'b'");
  write(dir / "loop.slt", "include loop.slt\n");
  auto loop = ParseFile((dir / "loop.slt").string());
  EXPECT_NE(loop.status().message().find("nested deeper than 16"), std::string::npos)
      << loop.status().ToString();
  fs::remove_all(dir);
}

TEST(SltParserTest, MistakesAreReportedWithTheirLine) {
  EXPECT_EQ(ParseError("statement ok\n\n"), "bad.slt:1: the record has no SQL");
  EXPECT_EQ(ParseError("\n\nstatemnt ok\nSELECT 1\n"),
            "bad.slt:3: unknown directive `statemnt` (expected statement, query, halt, sleep, "
            "include, skipif, onlyif or connection)");
  EXPECT_EQ(ParseError("statement ok\nSELECT 1\n----\n1\n"),
            "bad.slt:1: `----` after a statement that expects no result");
  EXPECT_EQ(ParseError("statement maybe\nSELECT 1\n"),
            "bad.slt:1: unknown statement kind `maybe` (ok, error, count)");
  EXPECT_EQ(ParseError("statement count many\nSELECT 1\n"),
            "bad.slt:1: statement count needs a number, not `many`");
  EXPECT_EQ(ParseError("query it\nSELECT 1\n"),
            "bad.slt:1: query types `it`: one upper-case letter per column (I integer, T text, "
            "R float, ...)");
  EXPECT_EQ(ParseError("query I rowsort label extra\nSELECT 1\n"),
            "bad.slt:1: usage: query TYPES [nosort|rowsort|valuesort] [LABEL]");
  EXPECT_EQ(ParseError("statement error x(\nSELECT 1\n").substr(0, 31),
            "bad.slt:1: invalid regex `x(`: ");
  EXPECT_EQ(ParseError("statement error 42601 syntax\nSELECT\n----\nsyntax error\n"),
            "bad.slt:1: an error record has either a regex or a `----` message, not both");
  EXPECT_EQ(ParseError("statement ok\nSELECT 1\n\nskipif postgres\n"),
            "bad.slt:5: skipif/onlyif/connection at the end of the file, with no record after "
            "it");
  EXPECT_EQ(ParseError("sleep 5\n"),
            "bad.slt:1: bad duration `5`: give a unit (ms, s or m), e.g. 500ms");
  EXPECT_EQ(ParseError("include nothing/here/*.slt\n").substr(0, 34),
            "bad.slt:1: include: nothing matche");
}

TEST(SltParserTest, HelpersSqlstateAndDuration) {
  EXPECT_TRUE(LooksLikeSqlState("22P02"));
  EXPECT_TRUE(LooksLikeSqlState("42601"));
  EXPECT_FALSE(LooksLikeSqlState("ERROR"));
  EXPECT_FALSE(LooksLikeSqlState("22p02"));
  EXPECT_FALSE(LooksLikeSqlState("2260"));
  EXPECT_EQ(*ParseDuration("1.5s"), 1500ms);
  EXPECT_EQ(*ParseDuration("2m"), 120000ms);
  EXPECT_FALSE(ParseDuration("-1s").ok());
}

TEST(SltFormatTest, RowsPrintAsTheFilesWriteThem) {
  EXPECT_EQ(FormatRow({std::string("1"), std::nullopt, std::string(""), std::string("a b")}),
            "1 NULL (empty) a b");
  EXPECT_EQ(FormatRow({}), "");
}

// The executor against the pgwire server with its FakeBackend.
class SltExecutorTest : public ::testing::Test {
 protected:
  Summary Run(std::string_view text, ExecutorOptions options = {}) {
    auto records = ParseText(text, "exec.slt");
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    if (options.engine.empty()) options.engine = "dynasink";
    const std::string conninfo = server_.ConnInfo();
    options.connect = [conninfo] { return PgConnection::Connect(conninfo); };
    std::ostringstream out;
    Executor executor(options, out);
    Summary s = executor.Run(*records);
    output_ = out.str();
    return s;
  }

  pgwire::testing::TestServer server_;
  std::string output_;
};

constexpr char kPassing[] = R"(statement count 3
INSERT INTO t VALUES (2, 'b'), (1, 'a'), (3, '')

query IT rowsort
SELECT * FROM t
----
1 a
3 (empty)
2 b

query IT valuesort
SELECT * FROM t
----
1 2 3
a b (empty)

query IT nosort same
SELECT * FROM t WHERE id = 2
----
2 b

query IT nosort same
SELECT * FROM t WHERE id = 2
----
2 b

statement error 42P01 @15 relation "nowhere" does not exist
SELECT * FROM nowhere

query error 42601
bogus statement
----
syntax error at or near "bogus"

statement error (?i)^DIVISION BY ZERO$
SELECT fail_after(1)

statement count 3
DELETE FROM t

onlyif postgres
statement ok
this would fail on dynasink

connection other
statement ok
SET application_name = 'other'

query T
SHOW application_name
----
(empty)

connection other
query T
SHOW application_name
----
other

statement ok
SELECT generate_series(1, 3)

halt

statement ok
this is never run
)";

TEST_F(SltExecutorTest, PassingRecordsPass) {
  Summary s = Run(kPassing);
  EXPECT_EQ(s.failed, 0) << output_;
  EXPECT_EQ(s.records, 14);
  EXPECT_EQ(s.skipped, 1);
  EXPECT_EQ(s.ran, 13);
  EXPECT_TRUE(s.halted);
  EXPECT_FALSE(s.aborted);
  EXPECT_EQ(output_, "");
}

TEST_F(SltExecutorTest, EachWrongExpectationFailsOnceWithDetails) {
  Summary s = Run(R"(statement count 2
INSERT INTO t VALUES (1, 'a')

query IT
SELECT * FROM t
----
1 b

query I
SELECT * FROM t
----
1 a

statement error 22012
SELECT * FROM nowhere

statement error 42P01 @16
SELECT * FROM nowhere

statement error 42P01 no such thing
SELECT * FROM nowhere

statement error 42P01
SELECT * FROM nowhere
----
relation "elsewhere" does not exist

statement error
SELECT * FROM t

statement ok
SELECT * FROM nowhere

query IT rowsort
SELECT * FROM t
----
1 a
2 b

query IT nosort lbl
SELECT * FROM t
----
1 a

statement count 1
INSERT INTO t VALUES (2, 'b')

query IT rowsort lbl
SELECT * FROM t
----
1 a
2 b

statement ok
SELECT * FROM t WHERE id = 5
)");
  EXPECT_EQ(s.failed, 11) << output_;
  EXPECT_EQ(s.ran, 14);
  auto has = [&](const std::string& text) { return output_.find(text) != std::string::npos; };
  EXPECT_TRUE(has("FAIL exec.slt:1: expected 2 rows affected, got 1 (command tag `INSERT 0 1`)"))
      << output_;
  EXPECT_TRUE(
      has("FAIL exec.slt:4: query result differs\n    query IT\n      SELECT * FROM t\n"
          "    expected (1 rows):\n    > 1 b\n    actual (1 rows):\n    > 1 a\n"))
      << output_;
  EXPECT_TRUE(has("FAIL exec.slt:9: the query returned 2 columns, the record declares 1 (`I`)"))
      << output_;
  EXPECT_TRUE(
      has("FAIL exec.slt:14: expected SQLSTATE 22012, got 42P01\n"
          "    statement error 22012\n      SELECT * FROM nowhere\n"
          "    actual error: 42P01: relation \"nowhere\" does not exist (at position 15)"))
      << output_;
  EXPECT_TRUE(has("FAIL exec.slt:17: expected the error at position 16, got 15")) << output_;
  EXPECT_TRUE(has("FAIL exec.slt:20: the error message does not match /no such thing/")) << output_;
  EXPECT_TRUE(
      has("FAIL exec.slt:23: the error message differs\n    statement error 42P01\n"
          "      SELECT * FROM nowhere\n    expected:\n"
          "      relation \"elsewhere\" does not exist\n    actual:\n"
          "      relation \"nowhere\" does not exist\n"))
      << output_;
  EXPECT_TRUE(has("FAIL exec.slt:28: expected an error, but the statement succeeded")) << output_;
  EXPECT_TRUE(
      has("FAIL exec.slt:31: statement failed: 42P01: relation \"nowhere\" does not "
          "exist (at position 15)"))
      << output_;
  EXPECT_TRUE(has("FAIL exec.slt:34: query result differs (rows sorted)")) << output_;
  EXPECT_TRUE(
      has("FAIL exec.slt:48: the rows differ from those of the earlier query labelled "
          "`lbl`"))
      << output_;
}

TEST_F(SltExecutorTest, RequireSqlstateFailFastAndTimeouts) {
  ExecutorOptions strict;
  strict.require_sqlstate = true;
  Summary s =
      Run("statement error\nSELECT * FROM nowhere\n\nstatement error 42P01\nSELECT * "
          "FROM nowhere\n",
          strict);
  EXPECT_EQ(s.failed, 1) << output_;
  EXPECT_NE(output_.find("FAIL exec.slt:1: the error record names no SQLSTATE (every error "
                         "record must; the server said 42P01)"),
            std::string::npos)
      << output_;

  ExecutorOptions fast;
  fast.fail_fast = true;
  s = Run("statement ok\nSELECT * FROM nowhere\n\nstatement ok\nSELECT * FROM nowhere\n", fast);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.ran, 1);
  EXPECT_TRUE(s.aborted);

  // A statement over its time limit is cancelled and reported; the run goes on.
  ExecutorOptions quick;
  quick.statement_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  s = Run("statement ok\nSELECT pg_sleep(20)\n\nquery IT\nSELECT * FROM t WHERE id = 5\n----\n",
          quick);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(s.failed, 1) << output_;
  EXPECT_EQ(s.ran, 2);
  EXPECT_NE(output_.find("FAIL exec.slt:1: statement failed: 57014: the statement did not "
                         "finish within 300 ms and was cancelled"),
            std::string::npos)
      << output_;
}

TEST_F(SltExecutorTest, SkipsForOtherEngines) {
  ExecutorOptions pg;
  pg.engine = "postgres";
  Summary s =
      Run("onlyif dynasink\nstatement ok\nnot sql at all\n\nskipif postgres\nstatement "
          "ok\nnot sql either\n\nonlyif postgres\nquery IT\nSELECT * FROM t WHERE id = "
          "5\n----\n",
          pg);
  EXPECT_EQ(s.failed, 0) << output_;
  EXPECT_EQ(s.skipped, 2);
  EXPECT_EQ(s.ran, 1);
}

}  // namespace
}  // namespace dynasink::test::slt
