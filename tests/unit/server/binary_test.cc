// The dynasink binary: `dynasink sql -c/-f` prints what psql would and exits non-zero after an
// error; `dynasink serve` answers libpq, keeps its data across a restart, serves /metrics, and
// exits cleanly on SIGTERM; `dynasink version`; bad command lines.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "support/dynasink_server.h"
#include "support/pg_client.h"
#include "unit/catalog/test_db.h"

namespace dynasink::server {
namespace {

using dynasink::test::DynasinkServer;
using dynasink::test::DynasinkServerOptions;
using dynasink::test::PgConnection;

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the binary with `args`, capturing stdout and stderr (through files: no pipe deadlock).
Output RunBinary(const std::vector<std::string>& args, const std::string& tmp) {
  auto binary = DynasinkServer::FindBinary();
  EXPECT_TRUE(binary.ok()) << binary.status().ToString();
  Output o;
  if (!binary.ok()) return o;
  std::string out_path = tmp + "/out.txt", err_path = tmp + "/err.txt";
  pid_t pid = fork();
  if (pid == 0) {
    FILE* out = freopen(out_path.c_str(), "w", stdout);
    FILE* err = freopen(err_path.c_str(), "w", stderr);
    (void)out;
    (void)err;
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary->c_str()));
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary->c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  o.out = slurp(out_path);
  o.err = slurp(err_path);
  return o;
}

TEST(BinaryTest, SqlCommandPrintsLikePsql) {
  dynasink::testing::EngineTempDir dir;
  std::string data = dir.path() + "/data";
  Output o = RunBinary({"sql", "--data-dir", data, "-c",
                        "CREATE TABLE t (id int PRIMARY KEY, name varchar, note varchar); "
                        "INSERT INTO t VALUES (1, 'apple', NULL), (22, 'kiwi', 'two\nlines'); "
                        "SELECT id, name, note FROM t ORDER BY id"},
                       dir.path());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out,
            "CREATE_TABLE\n"
            "INSERT 0 2\n"
            " id | name  | note  \n"
            "----+-------+-------\n"
            "  1 | apple | \n"
            " 22 | kiwi  | two  +\n"
            "    |       | lines\n"
            "(2 rows)\n"
            "\n");
  // The data is durable: a second run sees it.
  o = RunBinary({"sql", "--data-dir", data, "-c", "SELECT count(*) FROM t"}, dir.path());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, " count \n-------\n     2\n(1 row)\n\n");
}

TEST(BinaryTest, SqlStopsAtTheFirstErrorOfACommandAndReportsIt) {
  dynasink::testing::EngineTempDir dir;
  std::string data = dir.path() + "/data";
  Output o = RunBinary(
      {"sql", "--data-dir", data, "-c",
       "CREATE TABLE t (id int PRIMARY KEY); SELECT * FROM nope; INSERT INTO t VALUES (1)"},
      dir.path());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "CREATE_TABLE\n");
  EXPECT_EQ(o.err, "ERROR:  relation \"nope\" does not exist\n");
  o = RunBinary({"sql", "--data-dir", data, "-c", "SELECT count(*) FROM t"}, dir.path());
  EXPECT_NE(o.out.find("     0"), std::string::npos);  // the INSERT after the error never ran
}

TEST(BinaryTest, SqlFileGoesOnAfterErrors) {
  dynasink::testing::EngineTempDir dir;
  std::string file = dir.path() + "/script.sql";
  std::ofstream(file) << "-- a script\n"
                         "CREATE TABLE t (id int PRIMARY KEY, v varchar);\n"
                         "INSERT INTO t VALUES (1, 'a;b');\n"
                         "INSERT INTO t VALUES (NULL, 'x');\n"
                         "CREATE TABLE IF NOT EXISTS t (x int);\n"
                         "SELECT v FROM t;\n";
  Output o = RunBinary({"sql", "--data-dir", dir.path() + "/data", "-f", file}, dir.path());
  EXPECT_EQ(o.exit_code, 1);  // one statement failed
  EXPECT_EQ(o.out, "CREATE_TABLE\nINSERT 0 1\nCREATE_TABLE\n  v  \n-----\n a;b\n(1 row)\n\n");
  EXPECT_NE(o.err.find("ERROR:  null value in column \"id\" of relation \"t\" violates not-null "
                       "constraint\nDETAIL:  Failing row contains (null, x).\n"),
            std::string::npos);
  EXPECT_NE(o.err.find("NOTICE:  relation \"t\" already exists, skipping\n"), std::string::npos);
}

TEST(BinaryTest, VersionAndUsage) {
  dynasink::testing::EngineTempDir dir;
  Output o = RunBinary({"version"}, dir.path());
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out.rfind("dynasink 0.1.0", 0), 0u);
  // The allocator line names what the process really runs on (found at run time), so a link
  // that silently lost jemalloc fails here.
#if defined(DYNASINK_EXPECT_JEMALLOC)
  EXPECT_NE(o.out.find("\nmemory allocator: jemalloc 5."), std::string::npos) << o.out;
#elif defined(__SANITIZE_ADDRESS__)
  EXPECT_NE(o.out.find("\nmemory allocator: AddressSanitizer\n"), std::string::npos) << o.out;
#else
  EXPECT_NE(o.out.find("\nmemory allocator: glibc malloc\n"), std::string::npos) << o.out;
#endif
  o = RunBinary({"frobnicate"}, dir.path());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("unknown command \"frobnicate\""), std::string::npos);
  o = RunBinary({"sql", "--data-dir", dir.path()}, dir.path());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("exactly one of -f FILE and -c SQL"), std::string::npos);
  o = RunBinary({"serve"}, dir.path());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("--data-dir is required"), std::string::npos);
  o = RunBinary({"serve", "--data-dir", dir.path(), "--auth", "md5"}, dir.path());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("--password-file"), std::string::npos);
}

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "connect failed";
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  EXPECT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::string resp;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;)
    resp.append(buf, static_cast<size_t>(n));
  close(fd);
  return resp;
}

TEST(BinaryTest, ServeAnswersRestartsAndStopsOnSigterm) {
  DynasinkServerOptions options;
  options.metrics = true;
  auto server = DynasinkServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  {
    auto conn = PgConnection::Connect((*server)->ConnInfo());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(conn->Execute("CREATE TABLE t (id int PRIMARY KEY, v varchar)").ok());
    ASSERT_TRUE(conn->Execute("INSERT INTO t VALUES (1, 'kept')").ok());
    Status s = conn->Execute("SELECT * FROM missing");
    EXPECT_EQ(s.sqlstate(), "42P01");
  }
  std::string metrics = HttpGet((*server)->metrics_port(), "/metrics");
  EXPECT_NE(metrics.find("HTTP/1.1 200 OK"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(HttpGet((*server)->metrics_port(), "/other").find("404"), std::string::npos);
  // The storage's statistics are read at the scrape: the CREATE TABLE and the INSERT committed,
  // each with a synced WAL, and the INSERT took a sequence number.
  auto sample = [&metrics](const std::string& series) -> double {
    size_t at = metrics.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(metrics.substr(at + series.size() + 2));
  };
  EXPECT_NE(metrics.find("# TYPE dynasink_storage_commits_total counter"), std::string::npos);
  EXPECT_GE(sample("dynasink_storage_commits_total"), 2) << metrics;
  EXPECT_GE(sample("dynasink_storage_wal_syncs_total"), 1) << metrics;
  EXPECT_GE(sample("dynasink_storage_commit_groups_total"), 1) << metrics;
  EXPECT_GE(sample("dynasink_storage_last_committed_seq"), 1) << metrics;
  EXPECT_GE(sample("dynasink_storage_bytes_written_total"), 1) << metrics;

  ASSERT_TRUE((*server)->Restart().ok());  // SIGTERM (must exit 0), then start again
  auto conn = PgConnection::Connect((*server)->ConnInfo());
  ASSERT_TRUE(conn.ok());
  auto rows = conn->Query("SELECT v FROM t WHERE id = 1");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], std::optional<std::string>("kept"));
  std::string log = (*server)->ReadLog();
  EXPECT_NE(log.find("received SIGTERM, shutting down"), std::string::npos);
  EXPECT_NE(log.find("shutdown complete"), std::string::npos);
  ASSERT_TRUE((*server)->Stop().ok());
}

TEST(BinaryTest, ServeRefusesASecondServerOnTheSameDirectory) {
  auto server = DynasinkServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  dynasink::testing::EngineTempDir dir;
  Output o = RunBinary({"sql", "--data-dir", (*server)->data_dir(), "-c", "SELECT 1"}, dir.path());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("cannot open"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace dynasink::server
