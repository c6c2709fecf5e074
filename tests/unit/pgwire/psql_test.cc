// psql (Debian postgresql-client) against the pgwire server: -c, -f scripts, \copy, errors with
// their position, notices, and password authentication.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "unit/pgwire/test_server.h"

namespace dynasink::pgwire::testing {
namespace {

constexpr char kPsql[] = "/usr/bin/psql";

struct PsqlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& s) {
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

// Runs psql with a time limit; `args` are shell-quoted here.
PsqlRun RunPsql(uint16_t port, const std::vector<std::string>& args,
                const std::string& env = "PGPASSWORD=") {
  std::string dir = ::testing::TempDir();
  std::string out_path = dir + "/psql_out_" + std::to_string(::getpid());
  std::string err_path = dir + "/psql_err_" + std::to_string(::getpid());
  std::string cmd = "env " + env + " PGCONNECT_TIMEOUT=10 timeout 60 " + kPsql +
                    " -X -w -h 127.0.0.1 -p " + std::to_string(port) + " -U root -d dev";
  for (const auto& a : args)
    cmd += " " + Quote(a);
  cmd += " </dev/null >" + out_path + " 2>" + err_path;
  int status = std::system(cmd.c_str());
  PsqlRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadFile(out_path);
  run.err = ReadFile(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return run;
}

class PsqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPsql, X_OK) != 0) GTEST_SKIP() << "psql is not installed";
  }
};

TEST_F(PsqlTest, CommandsAndAlignedOutput) {
  TestServer server;
  auto run = RunPsql(server.port(), {"-c", "INSERT INTO t VALUES (1, 'one'), (2, 'two')", "-c",
                                     "SELECT * FROM t"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "INSERT 0 2\n"
            " id | name \n"
            "----+------\n"
            "  1 | one\n"
            "  2 | two\n"
            "(2 rows)\n"
            "\n");
}

TEST_F(PsqlTest, ScriptWithCopyFromFileAndNotices) {
  TestServer server;
  std::string dir = ::testing::TempDir();
  std::string csv = dir + "/pgwire_psql_rows.csv";
  std::string script = dir + "/pgwire_psql_script.sql";
  {
    std::ofstream f(csv);
    f << "10,ten\n11,\"eleven, with comma\"\n12,\n";
  }
  {
    std::ofstream f(script);
    f << "CREATE TABLE IF NOT EXISTS t (id int, name varchar);\n"
      << "\\copy t from '" << csv << "' with csv\n"
      << "SELECT * FROM t WHERE id = 11;\n"
      << "SELECT * FROM t;\n";
  }
  auto run = RunPsql(server.port(), {"-A", "-t", "-f", script});
  std::remove(csv.c_str());
  std::remove(script.c_str());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "CREATE_TABLE\n"
            "COPY 3\n"
            "11|eleven, with comma\n"
            "10|ten\n"
            "11|eleven, with comma\n"
            "12|\n");
  EXPECT_NE(run.err.find("NOTICE:  relation \"t\" already exists, skipping"), std::string::npos)
      << run.err;
  EXPECT_EQ(server.backend().table_size(), 3u);
}

TEST_F(PsqlTest, ErrorsShowMessageAndPosition) {
  TestServer server;
  auto run = RunPsql(server.port(), {"-c", "SELECT * FROM missing_table"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("ERROR:  relation \"missing_table\" does not exist"), std::string::npos)
      << run.err;
  // psql draws the caret from the error position.
  EXPECT_NE(run.err.find("LINE 1: SELECT * FROM missing_table\n                      ^"),
            std::string::npos)
      << run.err;
}

TEST_F(PsqlTest, OnErrorStopStopsTheScript) {
  TestServer server;
  std::string script = ::testing::TempDir() + "/pgwire_psql_stop.sql";
  {
    std::ofstream f(script);
    f << "INSERT INTO t VALUES (1, 'a');\nbogus;\nINSERT INTO t VALUES (2, 'b');\n";
  }
  auto run = RunPsql(server.port(), {"-v", "ON_ERROR_STOP=1", "-f", script});
  std::remove(script.c_str());
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("syntax error at or near \"bogus\""), std::string::npos) << run.err;
  EXPECT_EQ(server.backend().table_size(), 1u);
}

TEST_F(PsqlTest, PasswordAuthentication) {
  ServerOptions options;
  options.auth_method = AuthMethod::kScramSha256;
  auto users = std::make_shared<UserStore>();
  ASSERT_TRUE(users->AddUser("root", "psql-password").ok());
  options.users = users;
  TestServer server(options);
  auto good = RunPsql(server.port(), {"-A", "-t", "-c", "SELECT generate_series(1, 3)"},
                      "PGPASSWORD=psql-password");
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(good.out, "1\n2\n3\n");
  auto bad = RunPsql(server.port(), {"-c", "SELECT * FROM t"}, "PGPASSWORD=wrong");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("password authentication failed for user \"root\""), std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace dynasink::pgwire::testing
