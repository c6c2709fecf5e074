// fault_proxy: runs the fault-injecting DynamoDB proxy of the tests (tests/support/fault_proxy.h)
// from the command line, to try a sink against throttling and failures by hand.
//
//   fault_proxy --upstream http://127.0.0.1:8000 [--unprocessed P] [--throttle P]
//               [--server-error P] [--drop-before P] [--drop-after P] [--delay P]
//               [--max-delay-ms N] [--all-operations] [--seed N]
//
// Probabilities are per BatchWriteItem call (per call of any operation with --all-operations).
// Prints the proxy's URL ("http://127.0.0.1:<port>") on stdout, then serves until SIGINT or
// SIGTERM, and prints what it injected on exit. Exit code 2 on bad arguments.
#include "support/fault_proxy.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int Usage(const char* why) {
  std::fprintf(stderr,
               "fault_proxy: %s\n"
               "usage: fault_proxy --upstream URL [--unprocessed P] [--throttle P] "
               "[--server-error P] [--drop-before P] [--drop-after P] [--delay P] "
               "[--max-delay-ms N] [--all-operations] [--seed N]\n",
               why);
  return 2;
}

bool ParseProbability(const char* text, double* out) {
  char* end = nullptr;
  double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || v < 0 || v > 1) return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string upstream;
  dynasink::test::FaultOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--all-operations") {
      options.all_operations = true;
      continue;
    }
    if (i + 1 >= argc) return Usage(("missing value for " + a).c_str());
    const char* v = argv[++i];
    double* p = nullptr;
    if (a == "--upstream") {
      upstream = v;
    } else if (a == "--unprocessed") {
      p = &options.unprocessed;
    } else if (a == "--throttle") {
      p = &options.throttle;
    } else if (a == "--server-error") {
      p = &options.server_error;
    } else if (a == "--drop-before") {
      p = &options.drop_before;
    } else if (a == "--drop-after") {
      p = &options.drop_after;
    } else if (a == "--delay") {
      p = &options.delay;
    } else if (a == "--max-delay-ms") {
      options.max_delay = std::chrono::milliseconds(std::atoll(v));
    } else if (a == "--seed") {
      options.seed = std::strtoull(v, nullptr, 10);
    } else {
      return Usage(("unknown argument " + a).c_str());
    }
    if (p != nullptr && !ParseProbability(v, p)) {
      return Usage(("probability for " + a + " must be between 0 and 1").c_str());
    }
  }
  if (upstream.empty()) return Usage("--upstream is required");

  // Block the signals before any thread starts, then wait for one.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  dynasink::test::FaultProxy proxy(upstream, options);
  std::printf("%s\n", proxy.url().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);

  dynasink::test::FaultCounts c = proxy.counts();
  std::fprintf(
      stderr,
      "fault_proxy: %llu requests, %llu forwarded; injected %llu unprocessed calls "
      "(%llu items), %llu throttles, %llu 500s, %llu drops before, %llu drops after, "
      "%llu delays\n",
      static_cast<unsigned long long>(c.requests), static_cast<unsigned long long>(c.forwarded),
      static_cast<unsigned long long>(c.unprocessed_calls),
      static_cast<unsigned long long>(c.unprocessed_items),
      static_cast<unsigned long long>(c.throttles),
      static_cast<unsigned long long>(c.server_errors),
      static_cast<unsigned long long>(c.drops_before),
      static_cast<unsigned long long>(c.drops_after), static_cast<unsigned long long>(c.delays));
  return 0;
}
