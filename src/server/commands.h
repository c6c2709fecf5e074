// The dynasink binary's commands:
//
//   dynasink serve --data-dir DIR [--listen 127.0.0.1:4566] [--metrics ADDR]
//                  [--log-level L] [--auth trust|scram-sha-256|md5 --password-file F]
//                  [--change-log with-sinks|always]
//   dynasink sql   --data-dir DIR (-f FILE | -c SQL) [--log-level L]
//   dynasink version
//
// main.cc parses nothing itself: it calls RunMain, which returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace dynasink::server {

struct CommandLine {
  std::string command;  // "serve", "sql", "version", "help"
  std::string data_dir;
  std::string listen = "127.0.0.1:4566";
  std::string metrics;  // empty: off
  std::string log_level;
  std::string auth = "trust";
  std::string password_file;
  // --change-log always: every table writes change-log entries, also without a sink (they are
  // truncated at once); with-sinks (the default) logs only tables a sink reads. For measuring
  // the log's cost.
  bool change_log_always = false;
  std::string file;                    // sql -f
  std::optional<std::string> command_text;  // sql -c
};

// Parses argv (flags as --name value or --name=value). InvalidArgument with a usage hint.
Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args);
std::string Usage();

// `dynasink serve`: runs until SIGTERM or SIGINT (which must be blocked in every thread, as
// RunMain does before anything starts). Returns the exit code.
int Serve(const CommandLine& cl);
// `dynasink sql`: 0 when every statement succeeded, 1 otherwise, 2 for usage/setup errors.
int RunSql(const CommandLine& cl);

int RunMain(int argc, char** argv);

}  // namespace dynasink::server
