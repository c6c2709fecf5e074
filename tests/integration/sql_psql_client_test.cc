// psql (Debian postgresql-client) against the dynasink server: -c and -f, aligned and -At
// output, \copy from a CSV file and from stdin, errors with their position, ON_ERROR_STOP, and
// DESCRIBE's column names. One server for the whole file; each test uses its own tables.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "shared_server_test.h"
#include "support/dynasink_server.h"
#include "support/pg_client.h"

namespace dynasink::test {
namespace {

namespace fs = std::filesystem;

constexpr char kPsql[] = "/usr/bin/psql";

struct PsqlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

class PsqlClientTest : public SharedServerTest {
 protected:
  void SetUp() override {
    if (access(kPsql, X_OK) != 0) GTEST_SKIP() << "psql is not installed (postgresql-client)";
    RequireServer();
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ = fs::temp_directory_path() / fs::path("dynasink-psql-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }

  void TearDown() override {
    SharedServerTest::TearDown();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Runs psql with `args` (shell-quoted here) and `stdin_path` as standard input, within 60 s.
  PsqlRun Psql(const std::vector<std::string>& args, const std::string& stdin_path = "/dev/null") {
    const std::string out_path = (dir_ / "out").string();
    const std::string err_path = (dir_ / "err").string();
    std::string cmd = "env PGCONNECT_TIMEOUT=10 PGPASSWORD= PGOPTIONS= timeout 60 " +
                      std::string(kPsql) + " -X -w -h 127.0.0.1 -p " +
                      std::to_string(server_->port()) + " -U root -d dev";
    for (const auto& a : args)
      cmd += " " + ShellQuote(a);
    cmd +=
        " <" + ShellQuote(stdin_path) + " >" + ShellQuote(out_path) + " 2>" + ShellQuote(err_path);
    int status = std::system(cmd.c_str());
    PsqlRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ReadFile(out_path);
    run.err = ReadFile(err_path);
    return run;
  }

  // A libpq connection for setting up and checking tables.
  PgConnection Connect() {
    auto c = PgConnection::Connect(server_->ConnInfo());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }

  fs::path dir_;
};

TEST_F(PsqlClientTest, CommandsAndAlignedOutput) {
  auto setup = Psql({"-q", "-c",
                     "CREATE TABLE psql_aligned (id int PRIMARY KEY, name varchar, "
                     "price numeric, ok boolean)"});
  ASSERT_EQ(setup.exit_code, 0) << setup.err;
  EXPECT_EQ(setup.out, "");
  auto run = Psql({"-c",
                   "INSERT INTO psql_aligned VALUES (1, 'apple', 1.50, true), "
                   "(2, NULL, 10, false), (3, 'a longer name', NULL, NULL)",
                   "-c", "SELECT * FROM psql_aligned ORDER BY id", "-c",
                   "SELECT count(*) AS n FROM psql_aligned WHERE id > 5"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "INSERT 0 3\n"
            " id |     name      | price | ok \n"
            "----+---------------+-------+----\n"
            "  1 | apple         |  1.50 | t\n"
            "  2 |               |    10 | f\n"
            "  3 | a longer name |       | \n"
            "(3 rows)\n"
            "\n"
            " n \n"
            "---\n"
            " 0\n"
            "(1 row)\n"
            "\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(PsqlClientTest, TuplesOnlyUnalignedOutput) {
  ASSERT_TRUE(Connect()
                  .Execute("CREATE TABLE psql_at (k varchar PRIMARY KEY, v int, d date, j jsonb)")
                  .ok());
  auto run = Psql({"-At", "-c",
                   "INSERT INTO psql_at VALUES ('x', 1, '2001-05-16', '{\"b\": 1, \"a\": [2]}'), "
                   "('y|z', NULL, NULL, NULL)",
                   "-c", "SELECT k, v, d, j FROM psql_at ORDER BY k", "-c",
                   "UPDATE psql_at SET v = 2 WHERE k = 'x'", "-c", "DELETE FROM psql_at"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // -t drops headers and footers but keeps the command tags of statements without rows.
  EXPECT_EQ(run.out,
            "INSERT 0 2\n"
            "x|1|2001-05-16|{\"a\": [2], \"b\": 1}\n"
            "y|z|||\n"
            "UPDATE 1\n"
            "DELETE 2\n");
  // Another field separator, and a NULL marker.
  auto csvish =
      Psql({"-At", "-F", ",", "-P", "null=<null>", "-c", "SELECT 1, NULL::int, 'a b', 2.50"});
  EXPECT_EQ(csvish.exit_code, 0) << csvish.err;
  EXPECT_EQ(csvish.out, "1,<null>,a b,2.50\n");
}

TEST_F(PsqlClientTest, ScriptFileWithCopyFromCsvFile) {
  const std::string csv = (dir_ / "rows.csv").string();
  WriteFile(csv,
            "id,name,note\n"
            "10,ten,plain\n"
            "11,\"eleven, with comma\",\"quoted \"\"word\"\"\"\n"
            "12,,\"\"\n"
            "13,\"multi\nline\",x\n");
  const std::string script = (dir_ / "script.sql").string();
  WriteFile(script,
            "CREATE TABLE psql_csv (id int PRIMARY KEY, name varchar, note varchar);\n"
            "\\copy psql_csv from '" +
                csv +
                "' with (format csv, header)\n"
                "SELECT id, name, note, name IS NULL AS name_null, note IS NULL AS note_null\n"
                "  FROM psql_csv ORDER BY id;\n");
  auto run = Psql({"-q", "-A", "-t", "-f", script});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "10|ten|plain|f|f\n"
            "11|eleven, with comma|quoted \"word\"|f|f\n"
            "12|||t|f\n"
            "13|multi\nline|x|f|f\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(PsqlClientTest, CopyFromStdinInAScriptAndFromPstdin) {
  const std::string script = (dir_ / "stdin.sql").string();
  WriteFile(script,
            "CREATE TABLE psql_stdin (id int PRIMARY KEY, name varchar, score double precision);\n"
            "\\copy psql_stdin from stdin\n"
            "1\tone\t1.5\n"
            "2\t\\N\t\\N\n"
            "3\twith\\ttab and \\\\ backslash\t-0.25\n"
            "\\.\n"
            "SELECT count(*) FROM psql_stdin;\n");
  auto run = Psql({"-A", "-t", "-f", script});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("COPY 3\n3\n"), std::string::npos) << run.out;

  // \copy ... from pstdin reads psql's own standard input, here CSV.
  const std::string data = (dir_ / "more.csv").string();
  WriteFile(data, "4,four,4\n5,\"five, 5\",\n");
  auto piped = Psql({"-c", "\\copy psql_stdin from pstdin with (format csv)"}, data);
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out, "COPY 2\n");

  PgConnection conn = Connect();
  auto rows = conn.Query("SELECT id, name, score FROM psql_stdin ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::vector<std::string>> expected = {{"1", "one", "1.5"},
                                                    {"2", "NULL", "NULL"},
                                                    {"3", "with\ttab and \\ backslash", "-0.25"},
                                                    {"4", "four", "4"},
                                                    {"5", "five, 5", "NULL"}};
  EXPECT_EQ(*rows, expected);
}

TEST_F(PsqlClientTest, CopyWithBadDataFailsWholeAndNamesTheLine) {
  ASSERT_TRUE(Connect().Execute("CREATE TABLE psql_bad (id int PRIMARY KEY, v int)").ok());
  const std::string csv = (dir_ / "bad.csv").string();
  WriteFile(csv, "1,1\n2,2\n3,three\n4,4\n");
  auto run = Psql({"-c", "\\copy psql_bad from '" + csv + "' with (format csv)"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("ERROR:  invalid input syntax for type integer: \"three\""),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("line 3"), std::string::npos) << run.err;
  auto count = Connect().QueryValue("SELECT count(*) FROM psql_bad");
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, "0") << "a failed COPY must not leave some of its rows behind";
}

TEST_F(PsqlClientTest, ErrorsShowMessageAndPosition) {
  auto run = Psql({"-c", "SELECT * FROM psql_missing_table"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("ERROR:  relation \"psql_missing_table\" does not exist\n"
                         "LINE 1: SELECT * FROM psql_missing_table\n"
                         "                      ^"),
            std::string::npos)
      << run.err;
  auto syntax = Psql({"-c", "SELECT * FORM psql_missing_table"});
  EXPECT_EQ(syntax.exit_code, 1);
  EXPECT_NE(syntax.err.find("ERROR:  syntax error at or near \"FORM\"\n"
                            "LINE 1: SELECT * FORM psql_missing_table\n"
                            "                 ^"),
            std::string::npos)
      << syntax.err;
}

TEST_F(PsqlClientTest, OnErrorStopStopsTheScript) {
  const std::string script = (dir_ / "stop.sql").string();
  WriteFile(script,
            "CREATE TABLE psql_stop (id int PRIMARY KEY);\n"
            "INSERT INTO psql_stop VALUES (1);\n"
            "INSERT INTO psql_stop VALUES (1 / 0);\n"
            "INSERT INTO psql_stop VALUES (3);\n");
  auto run = Psql({"-q", "-v", "ON_ERROR_STOP=1", "-f", script});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("ERROR:  division by zero"), std::string::npos) << run.err;
  auto ids = Connect().Query("SELECT id FROM psql_stop");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<std::vector<std::string>>{{"1"}}));

  // Without ON_ERROR_STOP psql goes on after the error.
  auto goes_on = Psql({"-q", "-c", "DROP TABLE psql_stop", "-f", script});
  EXPECT_EQ(goes_on.exit_code, 0) << goes_on.err;
  auto all = Connect().Query("SELECT id FROM psql_stop ORDER BY id");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, (std::vector<std::vector<std::string>>{{"1"}, {"3"}}));
}

TEST_F(PsqlClientTest, SessionSettingsAndVersion) {
  auto run = Psql({"-At", "-c", "SHOW TimeZone", "-c", "SET extra_float_digits = 3", "-c",
                   "SHOW extra_float_digits", "-c", "SELECT current_database()", "-c",
                   "SHOW application_name", "-c", "SELECT version() LIKE 'PostgreSQL %'"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // The SET's command tag sits between the rows; check the rows around it.
  EXPECT_EQ(run.out.substr(0, 4), "UTC\n") << run.out;
  EXPECT_NE(run.out.find("\n3\ndev\npsql\nt\n"), std::string::npos) << run.out;
}

TEST_F(PsqlClientTest, DescribeHasRisingWavesColumnNames) {
  if (std::getenv("DYNASINK_TEST_PEER") != nullptr) GTEST_SKIP() << "DESCRIBE is RisingWave's";
  auto run = Psql({"-q", "-c", "CREATE TABLE psql_desc (id int PRIMARY KEY, v varchar)", "-c",
                   "DESCRIBE psql_desc"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "       Name        |       Type        | Is Hidden | Description \n"
            "-------------------+-------------------+-----------+-------------\n"
            " id                | integer           | false     | \n"
            " v                 | character varying | false     | \n"
            " primary key       | id                |           | \n"
            " distribution key  | id                |           | \n"
            " table description | psql_desc         |           | \n"
            "(5 rows)\n"
            "\n");
}

TEST_F(PsqlClientTest, LargeCopyFromFile) {
  const std::string csv = (dir_ / "large.csv").string();
  {
    std::ofstream f(csv);
    for (int i = 0; i < 20000; ++i)
      f << i << ",name " << i << "," << (i * 0.5) << "\n";
  }
  ASSERT_TRUE(Connect()
                  .Execute("CREATE TABLE psql_large (id int PRIMARY KEY, name varchar, "
                           "x double precision)")
                  .ok());
  auto run = Psql({"-At", "-c", "\\copy psql_large from '" + csv + "' with (format csv)", "-c",
                   "SELECT count(*), sum(id), max(name), sum(x) FROM psql_large"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "COPY 20000\n20000|199990000|name 9999|99995000\n");
}

}  // namespace
}  // namespace dynasink::test
