// DynasinkServer: runs the `dynasink serve` binary for tests, tools and benchmarks, on a free
// loopback port and a temporary data directory, and stops, kills and restarts it.
//
//   auto server = DynasinkServer::Start();                   // ready for connections
//   ASSERT_TRUE(server.ok()) << server.status().ToString();
//   auto conn = PgConnection::Connect((*server)->ConnInfo()); // support/pg_client.h
//   ...
//   ASSERT_TRUE((*server)->Kill().ok());                      // SIGKILL: a crash
//   ASSERT_TRUE((*server)->Restart().ok());                   // same data dir (and port)
//   ASSERT_TRUE((*server)->Stop().ok());                      // SIGTERM; fails unless exit 0
//
// The command is `dynasink serve --data-dir DIR --listen 127.0.0.1:PORT --log-level LEVEL
// [--metrics 127.0.0.1:MPORT] [extra args]`. The server speaks to user root, database dev,
// with trust authentication (COMPATIBILITY.md section 1).
//
// The binary is options.binary, else $DYNASINK_SERVER_BINARY, else
// $DYNASINK_BINARY_DIR/src/dynasink (ctest sets it), else <ancestor>/src/dynasink for the
// nearest ancestor directory of the running executable that has one (build trees keep tests in
// <build>/tests, tools in <build>/tools). tests/support/postgres_as_dynasink.sh stands in for
// it to validate tests against PostgreSQL.
//
// Start() returns once the server accepts a libpq connection, or fails (after killing it) when
// the process exits or startup_timeout passes, with the tail of its log in the message. The
// data directory is <temp>/data unless options.data_dir is set; it survives Stop/Kill/Restart
// and the temporary directory is removed by the destructor (set DYNASINK_KEEP_TEST_DATA=1 to
// keep it for inspection). The process's stdout and stderr go to log_path(); each launch is
// preceded there by a "==== fixture: launch N ..." line. When a GoogleTest test has failed, the
// destructor prints the log's tail to stderr.
//
// The server is a direct child (fork/exec) in its own process group, with PR_SET_PDEATHSIG, so it
// dies with the thread that started it: a crashed or aborted test never leaks a server. Start
// and restart it from a thread that outlives it (the main thread in tests and tools). Not
// thread-safe: one thread drives a DynasinkServer.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace dynasink::test {

struct DynasinkServerOptions {
  std::string binary;    // empty: found as described above
  std::string data_dir;  // empty: a fresh <temp>/data, removed by the destructor
  std::string log_level = "info";
  bool metrics = false;                 // also serve --metrics on a free port (metrics_port())
  std::vector<std::string> extra_args;  // appended to the command line
  std::vector<std::string> extra_env;   // "NAME=value", added to the inherited environment
  std::chrono::milliseconds startup_timeout{60'000};
  std::chrono::milliseconds stop_timeout{30'000};  // SIGTERM to exit before Stop() fails
  bool print_log_on_test_failure = true;
};

class DynasinkServer {
 public:
  static Result<std::unique_ptr<DynasinkServer>> Start(DynasinkServerOptions options = {});
  // Stops the server if it runs (SIGTERM, then SIGKILL), prints the log tail if the current
  // test failed, and removes the temporary directory.
  ~DynasinkServer();
  DynasinkServer(const DynasinkServer&) = delete;
  DynasinkServer& operator=(const DynasinkServer&) = delete;

  const std::string& host() const { return host_; }  // "127.0.0.1"
  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }  // 0 without options.metrics
  // "host=127.0.0.1 port=P dbname=dev user=root connect_timeout=10 <extra>"
  std::string ConnInfo(const std::string& extra = {}) const;
  const std::string& data_dir() const { return data_dir_; }
  const std::string& binary() const { return binary_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  // Whether the process is still alive; reaps it if it exited on its own (pid() becomes 0 and
  // exit_description() says how it ended).
  bool Alive();
  // How the last process ended, e.g. "exited with code 0", "was killed by signal 9".
  const std::string& exit_description() const { return exit_description_; }

  // SIGTERM and wait up to stop_timeout. OK only if the process exited with code 0; otherwise
  // (or on timeout, after a SIGKILL) an error that names the outcome and shows the log tail.
  // OK if not running.
  Status Stop();
  // SIGKILL to the server's process group, and reap: a crash. OK if not running.
  Status Kill();
  // Stops the server if it runs (an unclean stop is an error and nothing is restarted), then
  // starts it again on the same data directory, on the same port when that port is still free.
  // Use port()/ConnInfo() afterwards.
  Status Restart();

  const std::string& log_path() const { return log_path_; }
  // The whole log / its last `max_bytes` bytes.
  std::string ReadLog() const;
  std::string LogTail(size_t max_bytes = 4000) const;

  // The server binary, found as described above.
  static Result<std::string> FindBinary(const std::string& hint = {});

 private:
  DynasinkServer() = default;
  Status Launch();
  Status WaitUntilReady();
  // Waits for the process to exit, up to `timeout`; true if it did (reaped, pid_ cleared).
  bool WaitForExit(std::chrono::milliseconds timeout, int* wait_status);
  void Reaped(int wait_status);
  // Whether the log of the last launch says its address was in use (then another port helps).
  bool LastLaunchFailedOnPort() const;

  DynasinkServerOptions options_;
  std::string binary_;
  std::string host_ = "127.0.0.1";
  std::string temp_dir_;  // holds the log and, by default, the data directory
  std::string data_dir_;
  std::string log_path_;
  std::string exit_description_;
  int port_ = 0;
  int metrics_port_ = 0;
  int launches_ = 0;
  pid_t pid_ = 0;
};

}  // namespace dynasink::test
