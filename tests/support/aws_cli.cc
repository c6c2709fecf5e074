#include "support/aws_cli.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <rapidjson/error/en.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace dynasink::test {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

Result<CommandOutput> RunCommand(const std::vector<std::string>& argv_in,
                                 const std::vector<std::string>& env_in,
                                 std::chrono::milliseconds timeout) {
  std::vector<std::string> args = argv_in;
  std::vector<std::string> envs = env_in;
  std::vector<char*> argv, envp;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : envs)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0)
    return Status::IOError("pipe: " + std::string(strerror(errno)));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Status::IOError("pipe: " + std::string(strerror(errno)));
  }
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], null_fd})
      close(fd);
    return Status::IOError(fmt::format("fork: {}", strerror(err)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    syscall(SYS_close_range, 3U, ~0U, 0U);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (null_fd >= 0) close(null_fd);

  CommandOutput result;
  const auto deadline = Clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool timed_out = false;
  char buf[16384];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    int n = poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof(buf));
      if (got > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return Status::Timeout(
        fmt::format("{} did not finish within {} ms", argv_in.at(0), timeout.count()));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

AwsCli::AwsCli(std::string endpoint_url, std::string region)
    : endpoint_(std::move(endpoint_url)), region_(std::move(region)) {}

Result<rapidjson::Document> AwsCli::Run(const std::vector<std::string>& args,
                                        std::chrono::seconds timeout) const {
  if (access(kPath, X_OK) != 0) {
    return Status::NotFound(
        fmt::format("{} not found; run scripts/install-deps (Debian awscli)", kPath));
  }
  std::vector<std::string> argv = {kPath};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const char* a :
       {"--endpoint-url", endpoint_.c_str(), "--region", region_.c_str(), "--output", "json"}) {
    argv.emplace_back(a);
  }
  const char* home = std::getenv("HOME");
  std::vector<std::string> env = {
      "PATH=/usr/bin:/bin",
      std::string("HOME=") + (home ? home : "/tmp"),
      "LANG=C.UTF-8",
      "AWS_ACCESS_KEY_ID=fakeMyKeyId",
      "AWS_SECRET_ACCESS_KEY=fakeSecretAccessKey",
      "AWS_DEFAULT_REGION=" + region_,
      "AWS_PAGER=",
      "AWS_CONFIG_FILE=/dev/null",
      "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
      "AWS_EC2_METADATA_DISABLED=true",
      "AWS_CLI_AUTO_PROMPT=off",
  };
  DS_ASSIGN_OR_RETURN(CommandOutput out, RunCommand(argv, env, timeout));
  std::string shown;
  for (size_t i = 1; i < args.size() && i < 3; ++i)
    shown += " " + args[i];
  if (out.exit_code != 0) {
    return Status::Internal(fmt::format("aws {}{} exited with code {}: {}",
                                        args.empty() ? "" : args[0], shown, out.exit_code,
                                        out.err));
  }
  rapidjson::Document doc;
  if (out.out.find_first_not_of(" \t\r\n") == std::string::npos) return doc;  // null
  doc.Parse(out.out.data(), out.out.size());
  if (doc.HasParseError()) {
    return Status::Corruption(fmt::format("aws{} printed malformed JSON at offset {}: {}", shown,
                                          doc.GetErrorOffset(),
                                          rapidjson::GetParseError_En(doc.GetParseError())));
  }
  return doc;
}

}  // namespace dynasink::test
