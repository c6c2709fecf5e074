// Session and utility statements: SET, RESET, SHOW name, transactions, FLUSH, COPY, EXPLAIN,
// PREPARE, EXECUTE, DEALLOCATE; and multi-statement texts.
#include <gtest/gtest.h>

#include "sql_test_util.h"

namespace dynasink::sql {
namespace {

using testing::Normalized;
using testing::ParseAs;
using testing::ParseError;

TEST(ParserUtilityTest, SetWhatDriversSend) {
  struct Case {
    const char* sql;
    const char* name;
    std::vector<std::string> values;
    SetScope scope;
    bool to_default;
  } cases[] = {
      {"SET client_encoding = 'UTF8'", "client_encoding", {"UTF8"}, SetScope::kDefault, false},
      {"SET DateStyle = ISO, MDY", "datestyle", {"iso", "mdy"}, SetScope::kDefault, false},
      {"SET DateStyle TO 'ISO'", "datestyle", {"ISO"}, SetScope::kDefault, false},
      {"SET TimeZone = 'UTC'", "timezone", {"UTC"}, SetScope::kDefault, false},
      {"SET TIME ZONE 'America/New_York'",
       "timezone",
       {"America/New_York"},
       SetScope::kDefault,
       false},
      {"SET TIME ZONE LOCAL", "timezone", {}, SetScope::kDefault, true},
      {"SET TIME ZONE DEFAULT", "timezone", {}, SetScope::kDefault, true},
      {"SET TIME ZONE -8", "timezone", {"-8"}, SetScope::kDefault, false},
      {"SET extra_float_digits = 3", "extra_float_digits", {"3"}, SetScope::kDefault, false},
      {"SET extra_float_digits = -1", "extra_float_digits", {"-1"}, SetScope::kDefault, false},
      {"SET application_name = 'psql'", "application_name", {"psql"}, SetScope::kDefault, false},
      {"SET search_path TO \"$user\", public",
       "search_path",
       {"$user", "public"},
       SetScope::kDefault,
       false},
      {"SET SESSION implicit_flush = true", "implicit_flush", {"true"}, SetScope::kSession, false},
      {"SET rw_implicit_flush TO on", "rw_implicit_flush", {"on"}, SetScope::kDefault, false},
      {"SET LOCAL sink_decouple = false", "sink_decouple", {"false"}, SetScope::kLocal, false},
      {"SET statement_timeout = '5s'", "statement_timeout", {"5s"}, SetScope::kDefault, false},
      {"SET statement_timeout TO DEFAULT", "statement_timeout", {}, SetScope::kDefault, true},
      {"SET NAMES 'UTF8'", "client_encoding", {"UTF8"}, SetScope::kDefault, false},
      {"SET my.custom = 1.5", "my.custom", {"1.5"}, SetScope::kDefault, false},
  };
  for (const auto& c : cases) {
    auto stmt = ParseAs<SetStmt>(c.sql);
    ASSERT_NE(stmt, nullptr) << c.sql;
    EXPECT_EQ(stmt->name, c.name) << c.sql;
    std::vector<std::string> values;
    for (const auto& v : stmt->values)
      values.push_back(v.text);
    EXPECT_EQ(values, c.values) << c.sql;
    EXPECT_EQ(stmt->scope, c.scope) << c.sql;
    EXPECT_EQ(stmt->to_default, c.to_default) << c.sql;
  }
  auto stmt = ParseAs<SetStmt>("SET extra_float_digits = 3");
  EXPECT_EQ(stmt->values[0].kind, ConstValue::Kind::kNumber);
  EXPECT_EQ(stmt->name_pos, 4u);
  EXPECT_EQ(ParseAs<SetStmt>("SET x = on")->values[0].kind, ConstValue::Kind::kWord);
  EXPECT_EQ(ParseAs<SetStmt>("SET x = true")->values[0].kind, ConstValue::Kind::kBoolean);
  EXPECT_EQ(ParseAs<SetStmt>("SET x = 'y'")->values[0].kind, ConstValue::Kind::kString);

  EXPECT_EQ(Normalized("set session TimeZone to 'UTC'"), "SET SESSION timezone = 'UTC'");
  EXPECT_EQ(Normalized("SET search_path TO \"$user\", public"),
            "SET search_path = \"$user\", public");
  EXPECT_EQ(Normalized("SET TIME ZONE LOCAL"), "SET timezone = DEFAULT");
  EXPECT_EQ(ParseError("SET x").message(), "syntax error at end of input");
  EXPECT_EQ(ParseError("SET x =").message(), "syntax error at end of input");
  EXPECT_EQ(ParseError("SET x = (1)").message(), "syntax error at or near \"(\"");
  EXPECT_EQ(ParseError("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").sqlstate(), "0A000");
  EXPECT_EQ(ParseError("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY").sqlstate(), "0A000");
  EXPECT_EQ(ParseError("SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE").sqlstate(), "0A000");
}

TEST(ParserUtilityTest, ResetAndShowVariables) {
  auto reset = ParseAs<ResetStmt>("RESET TimeZone");
  ASSERT_NE(reset, nullptr);
  EXPECT_EQ(reset->name, "timezone");
  EXPECT_FALSE(reset->all);
  EXPECT_TRUE(ParseAs<ResetStmt>("RESET ALL")->all);
  EXPECT_EQ(ParseAs<ResetStmt>("RESET TIME ZONE")->name, "timezone");
  EXPECT_EQ(Normalized("reset all"), "RESET ALL");
  EXPECT_EQ(Normalized("reset a.b"), "RESET \"a.b\"");

  struct Case {
    const char* sql;
    const char* name;
    bool all;
  } cases[] = {
      {"SHOW TimeZone", "timezone", false},
      {"SHOW TIME ZONE", "timezone", false},
      {"SHOW search_path", "search_path", false},
      {"SHOW transaction isolation level", "transaction_isolation", false},
      {"SHOW SESSION AUTHORIZATION", "session_authorization", false},
      {"SHOW server_version", "server_version", false},
      {"SHOW ALL", "all", true},
      {"SHOW rw_implicit_flush", "rw_implicit_flush", false},
      {"SHOW \"DateStyle\"", "DateStyle", false},
      {"SHOW a.b", "a.b", false},
  };
  for (const auto& c : cases) {
    auto stmt = ParseAs<ShowVariableStmt>(c.sql);
    ASSERT_NE(stmt, nullptr) << c.sql;
    EXPECT_EQ(stmt->name, c.name) << c.sql;
    EXPECT_EQ(stmt->all, c.all) << c.sql;
  }
  EXPECT_EQ(ParseError("SHOW").message(), "syntax error at end of input");
}

TEST(ParserUtilityTest, Transactions) {
  struct Case {
    const char* sql;
    TransactionKind action;
    std::vector<std::string> modes;
    const char* printed;
  } cases[] = {
      {"BEGIN", TransactionKind::kBegin, {}, "BEGIN"},
      {"begin work", TransactionKind::kBegin, {}, "BEGIN"},
      {"BEGIN TRANSACTION", TransactionKind::kBegin, {}, "BEGIN"},
      {"START TRANSACTION", TransactionKind::kBegin, {}, "BEGIN"},
      {"BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY",
       TransactionKind::kBegin,
       {"isolation level read committed", "read only"},
       "BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY"},
      {"START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ WRITE NOT DEFERRABLE",
       TransactionKind::kBegin,
       {"isolation level repeatable read", "read write", "not deferrable"},
       "BEGIN ISOLATION LEVEL REPEATABLE READ, READ WRITE, NOT DEFERRABLE"},
      {"BEGIN ISOLATION LEVEL SERIALIZABLE, DEFERRABLE",
       TransactionKind::kBegin,
       {"isolation level serializable", "deferrable"},
       "BEGIN ISOLATION LEVEL SERIALIZABLE, DEFERRABLE"},
      {"BEGIN ISOLATION LEVEL READ UNCOMMITTED",
       TransactionKind::kBegin,
       {"isolation level read uncommitted"},
       "BEGIN ISOLATION LEVEL READ UNCOMMITTED"},
      {"COMMIT", TransactionKind::kCommit, {}, "COMMIT"},
      {"commit transaction", TransactionKind::kCommit, {}, "COMMIT"},
      {"END", TransactionKind::kCommit, {}, "COMMIT"},
      {"END WORK", TransactionKind::kCommit, {}, "COMMIT"},
      {"ROLLBACK", TransactionKind::kRollback, {}, "ROLLBACK"},
      {"ABORT", TransactionKind::kRollback, {}, "ROLLBACK"},
      {"rollback work", TransactionKind::kRollback, {}, "ROLLBACK"},
  };
  for (const auto& c : cases) {
    auto stmt = ParseAs<TransactionStmt>(c.sql);
    ASSERT_NE(stmt, nullptr) << c.sql;
    EXPECT_EQ(stmt->action, c.action) << c.sql;
    EXPECT_EQ(stmt->modes, c.modes) << c.sql;
    EXPECT_EQ(PrintStatement(*stmt), c.printed) << c.sql;
  }
  EXPECT_EQ(ParseError("BEGIN READ").message(), "syntax error at end of input");
  EXPECT_EQ(ParseError("BEGIN ISOLATION LEVEL SOMETIMES").message(),
            "syntax error at or near \"SOMETIMES\"");
  EXPECT_EQ(ParseError("START").message(), "syntax error at end of input");
  EXPECT_EQ(ParseError("COMMIT now").message(), "syntax error at or near \"now\"");
}

TEST(ParserUtilityTest, Flush) {
  auto stmt = ParseAs<FlushStmt>("FLUSH");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(PrintStatement(*stmt), "FLUSH");
  EXPECT_EQ(ParseError("FLUSH now").message(), "syntax error at or near \"now\"");
}

TEST(ParserUtilityTest, CopyFromStdin) {
  struct Case {
    const char* sql;
    CopyFormat format;
    bool header;
    const char* delimiter;
    const char* null_string;
    const char* printed;
  } cases[] = {
      {"COPY movies FROM STDIN", CopyFormat::kText, false, nullptr, nullptr,
       "COPY movies FROM STDIN"},
      {"copy movies (year, title) from stdin", CopyFormat::kText, false, nullptr, nullptr,
       "COPY movies (year, title) FROM STDIN"},
      {"COPY t FROM STDIN WITH (FORMAT csv, HEADER, DELIMITER ',', NULL '')", CopyFormat::kCsv,
       true, ",", "", "COPY t FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ',', NULL '')"},
      {"COPY t FROM STDIN (FORMAT 'csv', HEADER false)", CopyFormat::kCsv, false, nullptr, nullptr,
       "COPY t FROM STDIN WITH (FORMAT csv)"},
      {"COPY t FROM STDIN (format text, delimiter E'\\t', null '\\N')", CopyFormat::kText, false,
       "\t", "\\N", "COPY t FROM STDIN WITH (DELIMITER '\t', NULL '\\N')"},
      {"COPY t FROM STDIN (FORMAT binary)", CopyFormat::kBinary, false, nullptr, nullptr,
       "COPY t FROM STDIN WITH (FORMAT binary)"},
      {"COPY t FROM STDIN (HEADER on)", CopyFormat::kText, true, nullptr, nullptr,
       "COPY t FROM STDIN WITH (HEADER true)"},
      {"COPY t FROM STDIN WITH CSV HEADER", CopyFormat::kCsv, true, nullptr, nullptr,
       "COPY t FROM STDIN WITH (FORMAT csv, HEADER true)"},
      {"COPY t FROM STDIN CSV DELIMITER AS '|' NULL AS 'null'", CopyFormat::kCsv, false, "|",
       "null", "COPY t FROM STDIN WITH (FORMAT csv, DELIMITER '|', NULL 'null')"},
      {"COPY t FROM STDIN DELIMITER ';'", CopyFormat::kText, false, ";", nullptr,
       "COPY t FROM STDIN WITH (DELIMITER ';')"},
      {"COPY t FROM STDIN BINARY", CopyFormat::kBinary, false, nullptr, nullptr,
       "COPY t FROM STDIN WITH (FORMAT binary)"},
  };
  for (const auto& c : cases) {
    auto stmt = ParseAs<CopyStmt>(c.sql);
    ASSERT_NE(stmt, nullptr) << c.sql;
    EXPECT_EQ(stmt->direction, CopyDirection::kFrom) << c.sql;
    EXPECT_EQ(stmt->options.format, c.format) << c.sql;
    EXPECT_EQ(stmt->options.header, c.header) << c.sql;
    EXPECT_EQ(stmt->options.delimiter.has_value(), c.delimiter != nullptr) << c.sql;
    if (c.delimiter != nullptr && stmt->options.delimiter) {
      EXPECT_EQ(*stmt->options.delimiter, c.delimiter) << c.sql;
    }
    EXPECT_EQ(stmt->options.null_string.has_value(), c.null_string != nullptr) << c.sql;
    if (c.null_string != nullptr && stmt->options.null_string) {
      EXPECT_EQ(*stmt->options.null_string, c.null_string) << c.sql;
    }
    EXPECT_EQ(PrintStatement(*stmt), c.printed) << c.sql;
  }
  auto stmt = ParseAs<CopyStmt>(
      "COPY t FROM STDIN WITH (FORMAT csv, QUOTE '''', ESCAPE '\\', ENCODING 'UTF8')");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(*stmt->options.quote, "'");
  EXPECT_EQ(*stmt->options.escape, "\\");
  EXPECT_EQ(*stmt->options.encoding, "UTF8");
}

TEST(ParserUtilityTest, CopyToStdoutAndErrors) {
  auto stmt = ParseAs<CopyStmt>("COPY t TO STDOUT WITH (FORMAT csv)");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->direction, CopyDirection::kTo);
  stmt = ParseAs<CopyStmt>("COPY (SELECT a FROM t WHERE b) TO STDOUT");
  ASSERT_NE(stmt, nullptr);
  ASSERT_NE(stmt->query, nullptr);
  EXPECT_EQ(PrintStatement(*stmt), "COPY (SELECT a FROM t WHERE b) TO STDOUT");

  struct Case {
    const char* sql;
    const char* sqlstate;
    const char* message;
  } cases[] = {
      {"COPY t FROM STDIN (FORMAT xml)", "22023", "COPY format \"xml\" not recognized"},
      {"COPY t FROM STDIN (FORMAT csv, FORMAT text)", "42601", "conflicting or redundant options"},
      {"COPY t FROM STDIN CSV CSV", "42601", "conflicting or redundant options"},
      {"COPY t FROM STDIN (HEADER maybe)", "22023", "header requires a Boolean value"},
      {"COPY t FROM STDIN (HEADER match)", "0A000", "COPY HEADER MATCH is not supported"},
      {"COPY t FROM STDIN (DELIMITER)", "42601", "delimiter requires a parameter"},
      {"COPY t FROM STDIN (FORMAT)", "42601", "format requires a parameter"},
      {"COPY t FROM STDIN (bogus 1)", "42601", "option \"bogus\" not recognized"},
      {"COPY t FROM STDIN (FREEZE)", "0A000", "COPY option \"freeze\" is not supported"},
      {"COPY t FROM STDIN FORCE NOT NULL a", "0A000", "COPY option \"force\" is not supported"},
      {"COPY t FROM '/etc/passwd'", "0A000",
       "COPY to or from a server file or program is not supported; use COPY ... FROM STDIN or "
       "TO STDOUT (psql: \\copy)"},
      {"COPY t TO PROGRAM 'ls'", "0A000",
       "COPY to or from a server file or program is not supported; use COPY ... FROM STDIN or "
       "TO STDOUT (psql: \\copy)"},
      {"COPY (SELECT 1) FROM STDIN", "42601", "syntax error at or near \"FROM\""},
      {"COPY t FROM STDIN DELIMITER", "42601", "syntax error at end of input"},
      {"COPY t", "42601", "syntax error at end of input"},
  };
  for (const auto& c : cases) {
    Status s = ParseError(c.sql);
    EXPECT_EQ(s.sqlstate(), c.sqlstate) << c.sql;
    EXPECT_EQ(s.message(), c.message) << c.sql;
    EXPECT_GT(s.position(), 0) << c.sql;
  }
}

TEST(ParserUtilityTest, ExplainPrepareExecuteDeallocate) {
  auto explain = ParseAs<ExplainStmt>("EXPLAIN SELECT 1");
  ASSERT_NE(explain, nullptr);
  EXPECT_FALSE(explain->verbose);
  EXPECT_EQ(explain->statement->kind, StatementKind::kQuery);
  EXPECT_EQ(explain->statement->span.begin, 8u);
  explain = ParseAs<ExplainStmt>("EXPLAIN VERBOSE CREATE SINK s FROM t WITH (a = 'b')");
  ASSERT_NE(explain, nullptr);
  EXPECT_TRUE(explain->verbose);
  ASSERT_EQ(explain->statement->kind, StatementKind::kCreateSink);
  EXPECT_EQ(explain->statement->As<CreateSinkStmt>().definition,
            "CREATE SINK s FROM t WITH (a = 'b')");
  EXPECT_EQ(ParseError("EXPLAIN FLUSH").sqlstate(), "0A000");
  EXPECT_EQ(ParseError("EXPLAIN (ANALYZE) SELECT 1").sqlstate(), "0A000");
  EXPECT_EQ(Normalized("explain (select 1)"), "EXPLAIN (SELECT 1)");

  auto prepare =
      ParseAs<PrepareStmt>("PREPARE ins (int, varchar) AS INSERT INTO t VALUES ($1, $2)");
  ASSERT_NE(prepare, nullptr);
  EXPECT_EQ(prepare->name.name, "ins");
  ASSERT_EQ(prepare->param_types.size(), 2u);
  EXPECT_EQ(prepare->param_types[1].type.id(), types::TypeId::kVarchar);
  EXPECT_EQ(prepare->statement->kind, StatementKind::kInsert);
  EXPECT_EQ(PrintStatement(*prepare),
            "PREPARE ins (INT, CHARACTER VARYING) AS INSERT INTO t VALUES ($1, $2)");
  EXPECT_EQ(ParseAs<PrepareStmt>("PREPARE q AS SELECT 1")->param_types.size(), 0u);
  EXPECT_EQ(ParseError("PREPARE q AS FLUSH").message(), "syntax error at or near \"FLUSH\"");

  auto execute = ParseAs<ExecuteStmt>("EXECUTE ins (1, 'x')");
  ASSERT_NE(execute, nullptr);
  EXPECT_EQ(execute->name.name, "ins");
  EXPECT_EQ(execute->params.size(), 2u);
  EXPECT_EQ(PrintStatement(*execute), "EXECUTE ins (1, 'x')");
  EXPECT_EQ(ParseAs<ExecuteStmt>("EXECUTE q")->params.size(), 0u);

  auto deallocate = ParseAs<DeallocateStmt>("DEALLOCATE PREPARE ins");
  ASSERT_NE(deallocate, nullptr);
  EXPECT_EQ(deallocate->name.name, "ins");
  EXPECT_FALSE(deallocate->all);
  EXPECT_TRUE(ParseAs<DeallocateStmt>("DEALLOCATE ALL")->all);
  EXPECT_EQ(Normalized("deallocate all"), "DEALLOCATE ALL");
}

TEST(ParserUtilityTest, MultipleStatementsAndSpans) {
  const std::string sql =
      "  ;; CREATE TABLE t (a INT);\n"
      "INSERT INTO t VALUES (1); -- done\n"
      "FLUSH ;\n"
      "SELECT * FROM t;;";
  auto parsed = ParseStatements(sql);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 4u);
  std::vector<std::string> texts;
  for (const auto& stmt : *parsed) {
    texts.push_back(sql.substr(stmt->span.begin, stmt->span.size()));
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"CREATE TABLE t (a INT)", "INSERT INTO t VALUES (1)",
                                             "FLUSH", "SELECT * FROM t"}));
  EXPECT_EQ((*parsed)[0]->As<CreateTableStmt>().definition, "CREATE TABLE t (a INT)");

  for (const char* empty : {"", "   ", ";", ";;;", "-- nothing\n", "/* x */ ; ; "}) {
    auto none = ParseStatements(empty);
    ASSERT_TRUE(none.ok()) << empty;
    EXPECT_TRUE(none->empty()) << empty;
  }
  // One bad statement fails the whole text, with the position in the whole text.
  Status s = ParseError("SELECT 1; SELECT FROM; SELECT 2");
  EXPECT_EQ(s.message(), "syntax error at or near \"FROM\"");
  EXPECT_EQ(s.position(), 18);
  // Two statements need a ';' between them.
  EXPECT_EQ(ParseError("SELECT 1 SELECT 2").message(), "syntax error at or near \"SELECT\"");
}

TEST(ParserUtilityTest, SingleStatementForTheExtendedProtocol) {
  auto one = ParseSingleStatement("INSERT INTO t VALUES ($1);");
  ASSERT_TRUE(one.ok());
  ASSERT_NE(*one, nullptr);
  EXPECT_EQ((*one)->kind, StatementKind::kInsert);
  auto empty = ParseSingleStatement(" ; ");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, nullptr);
  auto two = ParseSingleStatement("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().sqlstate(), "42601");
  EXPECT_EQ(two.status().message(), "cannot insert multiple commands into a prepared statement");
  EXPECT_EQ(two.status().position(), 11);
}

}  // namespace
}  // namespace dynasink::sql
