#include "support/dynasink_server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "support/dynamodb_local.h"  // PickFreeLoopbackPort
#include "support/locate.h"

extern char** environ;

namespace dynasink::test {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

bool IsExecutable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status),
                       strsignal(WTERMSIG(status)));
  }
  return fmt::format("ended with wait status {}", status);
}

// True once a libpq connection to the server succeeds. Uses libpq directly (not PgConnection)
// so that readiness means exactly "a client can connect".
bool AcceptsConnection(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  bool ok = c != nullptr && PQstatus(c) == CONNECTION_OK;
  PQfinish(c);
  return ok;
}

}  // namespace

Result<std::string> DynasinkServer::FindBinary(const std::string& hint) {
  std::vector<fs::path> candidates;
  if (!hint.empty()) {
    if (IsExecutable(hint)) return fs::absolute(hint).string();
    return Status::NotFound(
        fmt::format("the dynasink binary {} does not exist or is not "
                    "executable; build the `dynasink` target",
                    hint));
  }
  if (std::string binary = Env("DYNASINK_SERVER_BINARY"); !binary.empty()) {
    if (IsExecutable(binary)) return fs::absolute(binary).string();
    return Status::NotFound(
        fmt::format("DYNASINK_SERVER_BINARY={} does not exist or is not executable", binary));
  }
  if (std::string dir = Env("DYNASINK_BINARY_DIR"); !dir.empty()) {
    candidates.push_back(fs::path(dir) / "src" / "dynasink");
  }
  for (fs::path& p : UnderAncestorsOfSelf(fs::path("src") / "dynasink"))
    candidates.push_back(std::move(p));
  std::string looked;
  if (auto found = FirstMatching(candidates, IsExecutable, &looked)) return *found;
  return Status::NotFound(fmt::format(
      "the dynasink server binary was not found (looked at {}); build the `dynasink` target",
      looked.empty() ? "nothing: DYNASINK_BINARY_DIR is unset" : looked));
}

Result<std::unique_ptr<DynasinkServer>> DynasinkServer::Start(DynasinkServerOptions options) {
  std::unique_ptr<DynasinkServer> server(new DynasinkServer());
  DS_ASSIGN_OR_RETURN(server->binary_, FindBinary(options.binary));
  std::string tmpl = (fs::temp_directory_path() / "dynasink-server-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return Status::IOError(fmt::format("mkdtemp {}: {}", tmpl, std::strerror(errno)));
  }
  server->temp_dir_ = tmpl;
  server->log_path_ = tmpl + "/dynasink.log";
  server->data_dir_ = options.data_dir.empty() ? tmpl + "/data" : options.data_dir;
  std::error_code ec;
  fs::create_directories(server->data_dir_, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("cannot create the data directory {}: {}", server->data_dir_, ec.message()));
  }
  server->options_ = std::move(options);
  // A port picked here may be taken by someone else before the server binds it: try again.
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    DS_ASSIGN_OR_RETURN(server->port_, PickFreeLoopbackPort());
    if (server->options_.metrics) {
      DS_ASSIGN_OR_RETURN(server->metrics_port_, PickFreeLoopbackPort());
    }
    last = server->Launch();
    if (last.ok()) return server;
    if (!server->LastLaunchFailedOnPort()) break;
  }
  return last;
}

DynasinkServer::~DynasinkServer() {
  if (running()) {
    Status s = Stop();
    if (!s.ok()) std::cerr << "DynasinkServer: " << s.message() << "\n";
  }
  const bool failed = ::testing::Test::HasFailure();
  if (options_.print_log_on_test_failure && failed && !log_path_.empty()) {
    std::cerr << "---- dynasink server log (" << log_path_ << "), last part ----\n"
              << LogTail() << "\n---- end of dynasink server log ----\n";
  }
  if (!temp_dir_.empty()) {
    if (!Env("DYNASINK_KEEP_TEST_DATA").empty()) {
      std::cerr << "DynasinkServer: keeping " << temp_dir_ << " (DYNASINK_KEEP_TEST_DATA)\n";
    } else {
      std::error_code ec;
      fs::remove_all(temp_dir_, ec);
    }
  }
}

std::string DynasinkServer::ConnInfo(const std::string& extra) const {
  std::string info =
      fmt::format("host={} port={} dbname=dev user=root connect_timeout=10", host_, port_);
  if (!extra.empty()) info += " " + extra;
  return info;
}

Status DynasinkServer::Launch() {
  std::vector<std::string> args = {binary_,       "serve",
                                   "--data-dir",  data_dir_,
                                   "--listen",    fmt::format("{}:{}", host_, port_),
                                   "--log-level", options_.log_level};
  if (options_.metrics) {
    args.push_back("--metrics");
    args.push_back(fmt::format("{}:{}", host_, metrics_port_));
  }
  for (const std::string& a : options_.extra_args)
    args.push_back(a);

  // Everything exec needs is built before fork: the child may only make async-signal-safe calls.
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage(options_.extra_env);
  std::vector<char*> envp;
  for (char** e = environ; e && *e; ++e)
    envp.push_back(*e);
  for (std::string& e : env_storage)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Status::IOError(fmt::format("open {}: {}", log_path_, std::strerror(errno)));
  }
  std::string banner = fmt::format("==== fixture: launch {}: {}\n", ++launches_,
                                   fmt::join(args.begin(), args.end(), " "));
  if (write(log_fd, banner.data(), banner.size()) < 0) {
    // The banner only helps reading the log; the launch does not depend on it.
  }
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(log_fd);
    if (null_fd >= 0) close(null_fd);
    return Status::IOError(fmt::format("fork: {}", std::strerror(err)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    setpgid(0, 0);  // a terminal's Ctrl-C reaches the test, which then stops the server in order
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    syscall(SYS_close_range, 3U, ~0U, 0U);  // no sockets or pipes of the test process
    execve(argv[0], argv.data(), envp.data());
    static const char kMsg[] = "fixture: execve of the dynasink binary failed\n";
    if (write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1) < 0) _exit(127);
    _exit(127);
  }
  close(log_fd);
  if (null_fd >= 0) close(null_fd);
  pid_ = pid;
  exit_description_.clear();
  Status ready = WaitUntilReady();
  if (!ready.ok() && running()) (void)Kill();
  return ready;
}

Status DynasinkServer::WaitUntilReady() {
  const auto deadline = Clock::now() + options_.startup_timeout;
  const std::string conninfo = fmt::format(
      "host={} port={} dbname=dev user=root connect_timeout=2 application_name=fixture-probe",
      host_, port_);
  while (true) {
    if (!Alive()) {
      return Status::Unavailable(fmt::format("dynasink (port {}) {} during start-up; its log:\n{}",
                                             port_, exit_description_, LogTail()));
    }
    if (AcceptsConnection(conninfo)) return Status::OK();
    if (Clock::now() >= deadline) {
      return Status::Timeout(
          fmt::format("dynasink did not accept a connection on port {} within {} ms; its log:\n{}",
                      port_, options_.startup_timeout.count(), LogTail()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void DynasinkServer::Reaped(int wait_status) {
  pid_ = 0;
  exit_description_ = DescribeWaitStatus(wait_status);
}

bool DynasinkServer::Alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    Reaped(status);
    return false;
  }
  if (r < 0 && errno == ECHILD) {
    pid_ = 0;
    exit_description_ = "ended (already reaped elsewhere)";
    return false;
  }
  return true;
}

bool DynasinkServer::WaitForExit(std::chrono::milliseconds timeout, int* wait_status) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    pid_t r = waitpid(pid_, wait_status, WNOHANG);
    if (r == pid_) {
      Reaped(*wait_status);
      return true;
    }
    if (r < 0 && errno == ECHILD) {
      pid_ = 0;
      exit_description_ = "ended (already reaped elsewhere)";
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status DynasinkServer::Stop() {
  if (!Alive()) return Status::OK();
  kill(pid_, SIGTERM);
  int status = 0;
  if (!WaitForExit(options_.stop_timeout, &status)) {
    (void)Kill();
    return Status::Timeout(fmt::format(
        "dynasink did not exit within {} ms of SIGTERM (killed with SIGKILL); its log:\n{}",
        options_.stop_timeout.count(), LogTail()));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal(
        fmt::format("dynasink {} after SIGTERM (expected exit code 0); its "
                    "log:\n{}",
                    exit_description_, LogTail()));
  }
  return Status::OK();
}

Status DynasinkServer::Kill() {
  if (!Alive()) return Status::OK();
  // The whole process group (the server is its leader): a crash takes every process with it.
  if (kill(-pid_, SIGKILL) != 0) kill(pid_, SIGKILL);
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  const pid_t group = pid_;
  if (r == pid_) {
    Reaped(status);
  } else {
    pid_ = 0;
  }
  // Children the server may have had are no longer ours to reap; wait until the kernel has
  // removed them, so that a restart does not meet the remains of the old process.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (kill(-group, 0) == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Status::OK();
}

Status DynasinkServer::Restart() {
  DS_RETURN_IF_ERROR(Stop());
  Status s = Launch();
  if (s.ok() || !LastLaunchFailedOnPort()) return s;
  // Someone took the port while the server was down: move to a free one.
  DS_ASSIGN_OR_RETURN(port_, PickFreeLoopbackPort());
  if (options_.metrics) {
    DS_ASSIGN_OR_RETURN(metrics_port_, PickFreeLoopbackPort());
  }
  return Launch();
}

bool DynasinkServer::LastLaunchFailedOnPort() const {
  std::string log = ReadLog();
  size_t banner = log.rfind("==== fixture: launch ");
  if (banner != std::string::npos) log.erase(0, banner);
  return log.find("in use") != std::string::npos;
}

std::string DynasinkServer::ReadLog() const {
  std::ifstream in(log_path_, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string DynasinkServer::LogTail(size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary | std::ios::ate);
  if (!in) return "(no log)";
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > static_cast<std::streamoff>(max_bytes)
                                   ? size - static_cast<std::streamoff>(max_bytes)
                                   : 0;
  in.seekg(start);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (start > 0) text = "..." + text;
  return text;
}

}  // namespace dynasink::test
