// slt_runner: runs sqllogictest (.slt) files over the PostgreSQL protocol, against a fresh
// dynasink server per file or against a server that is already running (e.g. PostgreSQL 15,
// to validate files and the runner). The format is described in tests/support/slt_parser.h
// and docs/internals/testing.md.
//
//   slt_runner --server-binary build/release/src/dynasink tests/slt
//   slt_runner --engine postgres --host 127.0.0.1 --port 5433 --user root --dbname dev x.slt
//
// Exit status: 0 when every record passed, 1 when any failed, 2 on bad usage or setup errors,
// 77 with --skip-if-no-binary when the server binary does not exist (ctest reports a skip).
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "support/dynasink_server.h"
#include "support/pg_client.h"
#include "support/slt_executor.h"
#include "support/slt_parser.h"

namespace {

namespace fs = std::filesystem;
using dynasink::Result;
using dynasink::Status;
using dynasink::test::DynasinkServer;
using dynasink::test::DynasinkServerOptions;
using dynasink::test::PgConnection;
namespace slt = dynasink::test::slt;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSkipped = 77;

constexpr char kUsage[] = R"(usage: slt_runner [options] FILE|DIR...

Runs sqllogictest files (DIRs: every *.slt below them, sorted) and reports each failure with
file:line, the SQL, and expected versus actual.

Server (one of):
  --server-binary PATH   start a fresh `dynasink serve` (temporary data dir, free port) for
                         each file and stop it with SIGTERM afterwards (it must exit 0)
  --host H --port P [--user U] [--dbname D] [--password W]
                         use a running server (user root, database dev by default)

Options:
  --engine NAME          the engine for skipif/onlyif: dynasink (default) or postgres
  --require-sqlstate     every `statement error`/`query error` must name its SQLSTATE
  --fail-fast            stop at the first failure
  --timeout SECONDS      per statement, then it is cancelled (default 30)
  --server-log-level L   --log-level for the started server (default info)
  --show-server-log      print the server's log after each file, not only on failure
  --skip-if-no-binary    exit 77 (a ctest skip) when --server-binary does not exist
  -v, --verbose          print each record as it runs
)";

struct Args {
  std::string server_binary;
  std::string host, port, user = "root", dbname = "dev", password;
  std::string engine = "dynasink";
  bool require_sqlstate = false, fail_fast = false, verbose = false, show_server_log = false;
  bool skip_if_no_binary = false;
  int timeout_s = 30;
  std::string server_log_level = "info";
  std::vector<std::string> paths;
};

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        std::cerr << "slt_runner: " << a << " needs a value\n";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string timeout;
    if (a == "--server-binary") {
      if (!value(&args->server_binary)) return false;
    } else if (a == "--host") {
      if (!value(&args->host)) return false;
    } else if (a == "--port") {
      if (!value(&args->port)) return false;
    } else if (a == "--user") {
      if (!value(&args->user)) return false;
    } else if (a == "--dbname") {
      if (!value(&args->dbname)) return false;
    } else if (a == "--password") {
      if (!value(&args->password)) return false;
    } else if (a == "--engine") {
      if (!value(&args->engine)) return false;
    } else if (a == "--timeout") {
      if (!value(&timeout)) return false;
      args->timeout_s = std::atoi(timeout.c_str());
      if (args->timeout_s <= 0) {
        std::cerr << "slt_runner: --timeout needs a positive number of seconds\n";
        return false;
      }
    } else if (a == "--server-log-level") {
      if (!value(&args->server_log_level)) return false;
    } else if (a == "--require-sqlstate") {
      args->require_sqlstate = true;
    } else if (a == "--fail-fast") {
      args->fail_fast = true;
    } else if (a == "--show-server-log") {
      args->show_server_log = true;
    } else if (a == "--skip-if-no-binary") {
      args->skip_if_no_binary = true;
    } else if (a == "-v" || a == "--verbose") {
      args->verbose = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "slt_runner: unknown option " << a << "\n";
      return false;
    } else {
      args->paths.push_back(a);
    }
  }
  if (args->paths.empty()) {
    std::cerr << "slt_runner: no files given\n";
    return false;
  }
  if (args->server_binary.empty() == args->host.empty()) {
    std::cerr << "slt_runner: give either --server-binary or --host/--port\n";
    return false;
  }
  if (!args->host.empty() && args->port.empty()) {
    std::cerr << "slt_runner: --host needs --port\n";
    return false;
  }
  return true;
}

// Files in command-line order; directories expand to their *.slt files, sorted.
Result<std::vector<std::string>> ExpandPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); it != fs::end(it); it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file() && it->path().extension() == ".slt") {
          found.push_back(it->path().string());
        }
      }
      if (ec) return Status::IOError("cannot list " + p + ": " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      return Status::NotFound("no such file or directory: " + p);
    }
  }
  return files;
}

std::string QuoteConnValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

struct FileOutcome {
  bool passed = false;
  slt::Summary summary;
};

FileOutcome RunFile(const Args& args, const std::string& file) {
  FileOutcome outcome;
  const auto start = std::chrono::steady_clock::now();
  auto records = slt::ParseFile(file);
  if (!records.ok()) {
    std::cout << "FAIL " << records.status().message() << "\n";
    return outcome;
  }

  std::unique_ptr<DynasinkServer> server;
  std::string conninfo;
  if (!args.server_binary.empty()) {
    DynasinkServerOptions options;
    options.binary = args.server_binary;
    options.log_level = args.server_log_level;
    options.print_log_on_test_failure = false;  // printed below, with the failures
    auto started = DynasinkServer::Start(options);
    if (!started.ok()) {
      std::cout << "FAIL " << file
                << ": cannot start the dynasink server: " << started.status().message() << "\n";
      return outcome;
    }
    server = std::move(*started);
    conninfo = server->ConnInfo("application_name=slt_runner");
  } else {
    conninfo = "host=" + QuoteConnValue(args.host) + " port=" + QuoteConnValue(args.port) +
               " user=" + QuoteConnValue(args.user) + " dbname=" + QuoteConnValue(args.dbname) +
               " application_name=slt_runner";
    if (!args.password.empty()) conninfo += " password=" + QuoteConnValue(args.password);
  }

  slt::ExecutorOptions options;
  options.engine = args.engine;
  options.require_sqlstate = args.require_sqlstate;
  options.fail_fast = args.fail_fast;
  options.verbose = args.verbose;
  options.statement_timeout = std::chrono::seconds(args.timeout_s);
  options.connect = [conninfo] { return PgConnection::Connect(conninfo); };
  slt::Executor executor(options, std::cout);
  outcome.summary = executor.Run(*records);

  bool server_failed = false;
  if (server) {
    if (!server->Alive()) {
      std::cout << "FAIL " << file << ": the dynasink server died during the file ("
                << server->exit_description() << ")\n";
      server_failed = true;
    } else if (Status s = server->Stop(); !s.ok()) {
      std::cout << "FAIL " << file
                << ": the dynasink server did not stop cleanly on SIGTERM: " << s.message() << "\n";
      server_failed = true;
    }
  }
  outcome.passed = outcome.summary.failed == 0 && !outcome.summary.aborted && !server_failed;
  if (server && (!outcome.passed || args.show_server_log)) {
    std::cout << "---- dynasink server log (" << server->log_path() << "), last part ----\n"
              << server->LogTail(6000) << "\n---- end of server log ----\n";
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const slt::Summary& s = outcome.summary;
  std::cout << (outcome.passed ? "PASS " : "FAIL ") << file << ": " << s.records << " records, "
            << s.ran << " ran, " << s.skipped << " skipped, " << s.failed << " failed"
            << (s.halted ? ", halted" : "") << (s.aborted ? ", aborted" : "")
            << (s.connection_lost ? ", connection lost" : "") << " ("
            << static_cast<int>(seconds * 1000) << " ms)\n";
  std::cout.flush();
  return outcome;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  if (!args.server_binary.empty()) {
    auto found = DynasinkServer::FindBinary(args.server_binary);
    if (!found.ok()) {
      std::cerr << "slt_runner: " << found.status().message() << "\n";
      return args.skip_if_no_binary ? kExitSkipped : kExitUsage;
    }
    args.server_binary = *found;
  }
  auto files = ExpandPaths(args.paths);
  if (!files.ok()) {
    std::cerr << "slt_runner: " << files.status().message() << "\n";
    return kExitUsage;
  }
  int failed_files = 0;
  int failed_records = 0;
  for (const std::string& file : *files) {
    FileOutcome o = RunFile(args, file);
    if (!o.passed) ++failed_files;
    failed_records += o.summary.failed;
    if (!o.passed && args.fail_fast) break;
  }
  if (files->size() > 1) {
    std::cout << (failed_files ? "FAILED: " : "passed: ") << files->size() << " files, "
              << failed_files << " failed, " << failed_records << " failed records\n";
  }
  return failed_files ? kExitFailed : 0;
}
