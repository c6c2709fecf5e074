#include "support/dynamodb_local.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "support/locate.h"

namespace dynasink::test {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

bool HasJar(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "DynamoDBLocal.jar", ec) &&
         fs::is_directory(dir / "DynamoDBLocal_lib", ec);
}

// java from $JAVA_HOME, else the first on PATH. Resolved before fork: exec in the child must not
// search or allocate.
std::string FindJava() {
  std::string home = Env("JAVA_HOME");
  if (!home.empty() && access((home + "/bin/java").c_str(), X_OK) == 0) return home + "/bin/java";
  std::string path = Env("PATH");
  if (path.empty()) path = "/usr/bin:/bin";
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/java";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// Sends a ListTables request over a plain socket and reports whether HTTP 200 came back within
// `timeout`. Deliberately independent of the DynamoDB client under test. DynamoDB Local does not
// check signatures, only that an Authorization header of the right shape is present.
bool AnswersListTables(int port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto wait = [&](short events) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    return poll(&p, 1, static_cast<int>(left.count())) == 1 && !(p.revents & (POLLERR | POLLNVAL));
  };
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 || errno == EINPROGRESS) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (wait(POLLOUT) && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
      const std::string body = "{}";
      const std::string request = fmt::format(
          "POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-amz-json-1.0\r\n"
          "X-Amz-Target: DynamoDB_20120810.ListTables\r\nX-Amz-Date: 20240101T000000Z\r\n"
          "Authorization: AWS4-HMAC-SHA256 Credential=fixture/20240101/us-east-1/dynamodb/"
          "aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n"
          "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
          port, body.size(), body);
      size_t sent = 0;
      while (sent < request.size() && wait(POLLOUT)) {
        ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      std::string response;
      char buf[512];
      while (sent == request.size() && response.size() < 12 && wait(POLLIN)) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        response.append(buf, static_cast<size_t>(n));
      }
      ok = response.rfind("HTTP/1.1 200", 0) == 0;
    }
  }
  close(fd);
  return ok;
}

}  // namespace

Result<int> PickFreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    close(fd);
    return Status::IOError(fmt::format("cannot bind a loopback port: {}", std::strerror(err)));
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

Result<std::string> DynamoDbLocal::FindJarDir(const std::string& hint) {
  std::vector<fs::path> candidates;
  if (!hint.empty()) candidates.emplace_back(hint);
  if (std::string cache = Env("DYNASINK_CACHE"); !cache.empty()) {
    candidates.push_back(fs::path(cache) / "dynamodb-local");
  }
  if (std::string src = Env("DYNASINK_SOURCE_DIR"); !src.empty()) {
    candidates.push_back(fs::path(src) / ".cache" / "dynamodb-local");
  }
  for (fs::path& p : UnderAncestorsOfSelf(fs::path(".cache") / "dynamodb-local"))
    candidates.push_back(std::move(p));
  std::string looked;
  if (auto found = FirstMatching(candidates, HasJar, &looked)) return *found;
  return Status::NotFound(fmt::format(
      "DynamoDB Local not found (looked for DynamoDBLocal.jar and DynamoDBLocal_lib/ in {}); "
      "run scripts/install-deps",
      looked));
}

Result<std::unique_ptr<DynamoDbLocal>> DynamoDbLocal::Start(DynamoDbLocalOptions options) {
  std::unique_ptr<DynamoDbLocal> ddb(new DynamoDbLocal());
  DS_ASSIGN_OR_RETURN(ddb->jar_dir_, FindJarDir(options.jar_dir));
  std::string tmpl = (fs::temp_directory_path() / "dynasink-ddblocal-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return Status::IOError(fmt::format("mkdtemp {}: {}", tmpl, std::strerror(errno)));
  }
  ddb->temp_dir_ = tmpl;
  ddb->log_path_ = tmpl + "/dynamodb-local.log";
  if (!options.db_path.empty()) {
    std::error_code ec;
    fs::create_directories(options.db_path, ec);
    if (ec) {
      return Status::IOError(fmt::format("cannot create DynamoDB Local directory {}: {}",
                                         options.db_path, ec.message()));
    }
  }
  const bool pick_port = options.port == 0;
  ddb->options_ = std::move(options);
  // A port picked here can be taken by another process before the JVM binds it; try again with
  // a new one in that case.
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (pick_port) {
      DS_ASSIGN_OR_RETURN(ddb->port_, PickFreeLoopbackPort());
    } else {
      ddb->port_ = ddb->options_.port;
    }
    last = ddb->Launch();
    if (last.ok()) return ddb;
    if (!pick_port || ddb->LogTail().find("Address already in use") == std::string::npos) break;
  }
  return last;
}

DynamoDbLocal::~DynamoDbLocal() {
  (void)Stop();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
  }
}

std::string DynamoDbLocal::endpoint() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

Status DynamoDbLocal::Launch() {
  const std::string java = FindJava();
  if (java.empty()) {
    return Status::NotFound("java not found (JAVA_HOME or PATH); run scripts/install-deps");
  }
  std::vector<std::string> args = {
      java,
      "-Xmx" + options_.max_heap,
      // Little to gain from a parallel collector or a long JIT warm-up in tests; fewer threads
      // on a 2-core machine.
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-Djava.library.path=" + jar_dir_ + "/DynamoDBLocal_lib",
      "-jar",
      jar_dir_ + "/DynamoDBLocal.jar",
      "-sharedDb",
      "-disableTelemetry",
      "-port",
      std::to_string(port_),
  };
  if (options_.db_path.empty()) {
    args.push_back("-inMemory");
  } else {
    args.push_back("-dbPath");
    args.push_back(options_.db_path);
  }
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0)
    return Status::IOError(fmt::format("open {}: {}", log_path_, std::strerror(errno)));
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  const std::string cwd = jar_dir_;

  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(log_fd);
    if (null_fd >= 0) close(null_fd);
    return Status::IOError(fmt::format("fork: {}", std::strerror(err)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    setpgid(0, 0);  // a Ctrl-C in the terminal goes to the parent, which stops us in order
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    // Inherit no other descriptor (sockets and pipes of the test process).
    syscall(SYS_close_range, 3U, ~0U, 0U);
    // DynamoDB Local resolves some paths relative to its working directory.
    if (chdir(cwd.c_str()) != 0) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  if (null_fd >= 0) close(null_fd);
  pid_ = pid;
  Status ready = WaitUntilReady();
  if (!ready.ok()) (void)Stop();
  return ready;
}

Status DynamoDbLocal::WaitUntilReady() {
  const auto deadline = Clock::now() + options_.startup_timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = 0;
      std::string how = WIFEXITED(status)
                            ? fmt::format("exited with code {}", WEXITSTATUS(status))
                            : fmt::format("was killed by signal {}", WTERMSIG(status));
      return Status::Unavailable(fmt::format(
          "DynamoDB Local on port {} {} during start-up; its log:\n{}", port_, how, LogTail()));
    }
    if (AnswersListTables(port_, std::chrono::milliseconds(2000))) return Status::OK();
    if (Clock::now() >= deadline) {
      return Status::Timeout(fmt::format(
          "DynamoDB Local on port {} did not answer ListTables within {} s; its log:\n{}", port_,
          options_.startup_timeout.count(), LogTail()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Status DynamoDbLocal::Stop() {
  if (pid_ <= 0) return Status::OK();
  const pid_t pid = pid_;
  pid_ = 0;
  kill(pid, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (Clock::now() < deadline) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return Status::OK();
}

bool DynamoDbLocal::Alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    pid_ = 0;
    return false;
  }
  return true;
}

Status DynamoDbLocal::Restart() {
  DS_RETURN_IF_ERROR(Stop());
  return Launch();
}

std::string DynamoDbLocal::LogTail() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  constexpr size_t kTail = 3000;
  if (text.size() > kTail) text = "..." + text.substr(text.size() - kTail);
  return text;
}

}  // namespace dynasink::test
