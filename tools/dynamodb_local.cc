// dynamodb_local: runs DynamoDB Local through the test fixture (tests/support/dynamodb_local.h),
// for scripts and benchmarks.
//
//   dynamodb_local [--port N] [--db-path DIR] [--jar-dir DIR] [--ignore-stdin]
//
// Prints the endpoint URL ("http://127.0.0.1:<port>") on stdout once DynamoDB Local answers,
// then keeps it running until SIGTERM, SIGINT or SIGHUP, or until stdin reaches end of file
// (unless --ignore-stdin). A script holds the write end of a pipe to our stdin, so DynamoDB
// Local stops even when the script is killed outright. Exit code 0 after a clean stop, 1 when
// it could not start, 2 on bad arguments.
#include "support/dynamodb_local.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int Usage(const char* why) {
  std::fprintf(
      stderr,
      "dynamodb_local: %s\n"
      "usage: dynamodb_local [--port N] [--db-path DIR] [--jar-dir DIR] [--ignore-stdin]\n",
      why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  dynasink::test::DynamoDbLocalOptions options;
  bool watch_stdin = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--port") {
      const char* v = value();
      if (v == nullptr) return Usage("--port needs a value");
      char* end = nullptr;
      long port = std::strtol(v, &end, 10);
      if (*end != '\0' || port < 1 || port > 65535) return Usage("--port must be 1..65535");
      options.port = static_cast<int>(port);
    } else if (arg == "--db-path") {
      const char* v = value();
      if (v == nullptr) return Usage("--db-path needs a directory");
      options.db_path = v;
    } else if (arg == "--jar-dir") {
      const char* v = value();
      if (v == nullptr) return Usage("--jar-dir needs a directory");
      options.jar_dir = v;
    } else if (arg == "--ignore-stdin") {
      watch_stdin = false;
    } else if (arg == "--help" || arg == "-h") {
      Usage("runs DynamoDB Local until a signal or end of stdin");
      return 0;
    } else {
      return Usage(("unknown argument " + arg).c_str());
    }
  }

  // Signals are taken through a signalfd, blocked before the JVM is forked (which then resets
  // its mask at exec; Java installs its own handlers).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  int sfd = signalfd(-1, &signals, SFD_CLOEXEC);
  if (sfd < 0) {
    std::fprintf(stderr, "dynamodb_local: signalfd: %s\n", std::strerror(errno));
    return 1;
  }

  auto ddb = dynasink::test::DynamoDbLocal::Start(options);
  if (!ddb.ok()) {
    std::fprintf(stderr, "dynamodb_local: %s\n", ddb.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", (*ddb)->endpoint().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "dynamodb_local: DynamoDB Local (pid %d) at %s%s\n",
               static_cast<int>((*ddb)->pid()), (*ddb)->endpoint().c_str(),
               options.db_path.empty() ? ", in memory" : (", data in " + options.db_path).c_str());

  pollfd fds[2] = {{sfd, POLLIN, 0}, {watch_stdin ? STDIN_FILENO : -1, POLLIN, 0}};
  std::string reason;
  while (reason.empty()) {
    // A periodic wake-up notices a JVM that died by itself.
    int n = poll(fds, 2, 1000);
    if (n < 0 && errno != EINTR) {
      reason = std::string("poll failed: ") + std::strerror(errno);
    } else if (n > 0 && (fds[0].revents & POLLIN)) {
      signalfd_siginfo info{};
      if (read(sfd, &info, sizeof(info)) == sizeof(info)) reason = strsignal(info.ssi_signo);
    } else if (n > 0 && fds[1].revents != 0) {
      char buf[256];
      ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));
      if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) reason = "end of stdin";
    }
    if (reason.empty() && !(*ddb)->Alive()) reason = "DynamoDB Local exited by itself";
  }
  std::fprintf(stderr, "dynamodb_local: stopping (%s)\n", reason.c_str());
  const bool crashed = !(*ddb)->running();
  ddb->reset();
  return crashed ? 1 : 0;
}
