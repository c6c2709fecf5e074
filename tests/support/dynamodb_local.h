// DynamoDbLocal: starts Amazon DynamoDB Local on a free loopback port for tests, tools and the
// demo, and stops it by PID, also when a test fails or crashes.
//
//   auto ddb = DynamoDbLocal::Start();            // in memory, shared database, free port
//   ASSERT_TRUE(ddb.ok()) << ddb.status().ToString();
//   client_options.endpoint_url = (*ddb)->endpoint();   // "http://127.0.0.1:<port>"
//
// The jar comes from scripts/install-deps: DynamoDBLocal.jar and DynamoDBLocal_lib/ in
// $DYNASINK_CACHE/dynamodb-local, else <source dir>/.cache/dynamodb-local, where the source dir
// is $DYNASINK_SOURCE_DIR (set by ctest) or found by walking up from the running executable
// (build trees live inside the source tree).
//
// It runs `java -Xmx768m -Djava.library.path=<dir>/DynamoDBLocal_lib -jar DynamoDBLocal.jar
// -sharedDb -disableTelemetry -port P` with -inMemory, or -dbPath DIR when a database directory
// is given (so data survives Restart()). -sharedDb makes every access key and region see the same
// tables, so the AWS CLI sees what dynasink wrote; the heap cap keeps the JVM from growing to
// gigabytes. Start() returns once ListTables answers, or fails with the JVM's log.
//
// The JVM is a direct child (fork/exec) in its own process group, with PR_SET_PDEATHSIG so that
// it dies with the thread that started it: a crashed test never leaks a JVM. Start it from a
// thread that outlives it (the main thread in tests and tools). The destructor stops it:
// SIGTERM, then SIGKILL after a grace period.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/result.h"

namespace dynasink::test {

struct DynamoDbLocalOptions {
  std::string db_path;  // empty: -inMemory; otherwise -dbPath (created if missing)
  int port = 0;         // 0: a free ephemeral port on 127.0.0.1
  std::string jar_dir;  // empty: found as described above
  std::string max_heap = "768m";
  std::chrono::seconds startup_timeout{120};
};

class DynamoDbLocal {
 public:
  static Result<std::unique_ptr<DynamoDbLocal>> Start(DynamoDbLocalOptions options = {});
  ~DynamoDbLocal();
  DynamoDbLocal(const DynamoDbLocal&) = delete;
  DynamoDbLocal& operator=(const DynamoDbLocal&) = delete;

  // "http://127.0.0.1:<port>"
  std::string endpoint() const;
  int port() const { return port_; }
  // 0 when stopped.
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  // Checks whether the JVM is still alive, reaping it if it exited by itself (then pid() is 0).
  bool Alive();

  // Stops the JVM (SIGTERM, SIGKILL after 10 s). Idempotent.
  Status Stop();
  // Stops it if running and starts it again on the same port (with -dbPath the data remains).
  Status Restart();

  // The JVM's stdout and stderr, for diagnostics.
  const std::string& log_path() const { return log_path_; }

  // The directory holding DynamoDBLocal.jar, searched as described above.
  static Result<std::string> FindJarDir(const std::string& hint = {});

 private:
  DynamoDbLocal() = default;
  Status Launch();
  Status WaitUntilReady();
  std::string LogTail() const;

  DynamoDbLocalOptions options_;
  std::string jar_dir_;
  std::string temp_dir_;  // holds the log; removed by the destructor
  std::string log_path_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// A free TCP port on 127.0.0.1 (bound and released; a small race with other processes remains).
Result<int> PickFreeLoopbackPort();

}  // namespace dynasink::test
