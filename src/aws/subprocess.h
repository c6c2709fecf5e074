// Runs a shell command and captures its output, for credential_process.
//
// The command runs as `/bin/sh -c <command>` in its own process group, with stdin from
// /dev/null and the caller's environment. It is killed (the whole group, SIGKILL) when it outlives
// `timeout` or writes more than `max_output` bytes, so a hung helper cannot stall the caller.
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"

namespace dynasink::aws {

struct SubprocessResult {
  int exit_code = -1;   // the exit status, or -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, if any
  bool timed_out = false;
  bool output_too_large = false;
  std::string out;  // stdout
  std::string err;  // stderr, at most max_output bytes
};

// Internal when the process cannot be started at all (no /bin/sh, out of resources).
Result<SubprocessResult> RunShellCommand(const std::string& command,
                                         std::chrono::milliseconds timeout,
                                         size_t max_output = size_t{1} << 20);

}  // namespace dynasink::aws
