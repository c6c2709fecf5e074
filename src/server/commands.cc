#include "server/commands.h"

#include <signal.h>
#include <string.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "common/logging.h"
#include "common/memory_allocator.h"
#include "pgwire/auth.h"
#include "pgwire/server.h"
#include "server/instance.h"
#include "server/metrics_http.h"
#include "server/pg_backend.h"
#include "server/sql_runner.h"

namespace dynasink::server {

namespace {

constexpr const char* kVersion = "dynasink 0.1.0";

Status ApplyLogLevel(const std::string& level) {
  std::string l = level;
  if (l.empty()) {
    const char* env = getenv("DYNASINK_LOG_LEVEL");
    l = env != nullptr ? env : "";
  }
  if (l.empty()) return Status::OK();
  log::Level parsed;
  if (!log::ParseLevel(l, &parsed)) {
    return Status::InvalidArgument("unknown log level \"" + l +
                                   "\" (trace, debug, info, warn, error, off)");
  }
  log::SetLevel(parsed);
  return Status::OK();
}

}  // namespace

std::string Usage() {
  return "usage:\n"
         "  dynasink serve --data-dir DIR [--listen 127.0.0.1:4566] [--metrics HOST:PORT]\n"
         "                 [--log-level trace|debug|info|warn|error]\n"
         "                 [--auth trust|scram-sha-256|md5 --password-file FILE]\n"
         "                 [--change-log with-sinks|always]\n"
         "  dynasink sql --data-dir DIR (-f FILE | -c SQL) [--log-level LEVEL]\n"
         "  dynasink version\n";
}

Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  if (args.empty()) return Status::InvalidArgument("no command given\n" + Usage());
  cl.command = args[0];
  if (cl.command == "--help" || cl.command == "-h") cl.command = "help";
  if (cl.command == "--version") cl.command = "version";
  if (cl.command != "serve" && cl.command != "sql" && cl.command != "version" &&
      cl.command != "help") {
    return Status::InvalidArgument("unknown command \"" + cl.command + "\"\n" + Usage());
  }
  for (size_t i = 1; i < args.size(); ++i) {
    std::string flag = args[i], value;
    bool has_value = false;
    size_t eq = flag.find('=');
    if (flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
      has_value = true;
    }
    auto take = [&](std::string* out) -> Status {
      if (!has_value) {
        if (i + 1 >= args.size()) return Status::InvalidArgument(flag + " needs a value");
        value = args[++i];
      }
      *out = value;
      return Status::OK();
    };
    if (flag == "--data-dir" || flag == "-D") {
      DS_RETURN_IF_ERROR(take(&cl.data_dir));
    } else if (flag == "--listen" && cl.command == "serve") {
      DS_RETURN_IF_ERROR(take(&cl.listen));
    } else if (flag == "--metrics" && cl.command == "serve") {
      DS_RETURN_IF_ERROR(take(&cl.metrics));
    } else if (flag == "--log-level") {
      DS_RETURN_IF_ERROR(take(&cl.log_level));
    } else if (flag == "--auth" && cl.command == "serve") {
      DS_RETURN_IF_ERROR(take(&cl.auth));
    } else if (flag == "--change-log" && cl.command == "serve") {
      DS_RETURN_IF_ERROR(take(&value));
      if (value != "with-sinks" && value != "always") {
        return Status::InvalidArgument("--change-log must be with-sinks or always, not \"" + value +
                                       "\"");
      }
      cl.change_log_always = value == "always";
    } else if (flag == "--password-file" && cl.command == "serve") {
      DS_RETURN_IF_ERROR(take(&cl.password_file));
    } else if ((flag == "-f" || flag == "--file") && cl.command == "sql") {
      DS_RETURN_IF_ERROR(take(&cl.file));
    } else if ((flag == "-c" || flag == "--command") && cl.command == "sql") {
      std::string text;
      DS_RETURN_IF_ERROR(take(&text));
      cl.command_text = text;
    } else if (flag == "--help" || flag == "-h") {
      cl.command = "help";
    } else {
      return Status::InvalidArgument("unknown option \"" + args[i] + "\" for " + cl.command + "\n" +
                                     Usage());
    }
  }
  if ((cl.command == "serve" || cl.command == "sql") && cl.data_dir.empty()) {
    return Status::InvalidArgument("--data-dir is required\n" + Usage());
  }
  if (cl.command == "sql" && cl.file.empty() == !cl.command_text.has_value()) {
    return Status::InvalidArgument("dynasink sql needs exactly one of -f FILE and -c SQL\n" +
                                   Usage());
  }
  return cl;
}

int Serve(const CommandLine& cl) {
  if (Status s = ApplyLogLevel(cl.log_level); !s.ok()) {
    std::cerr << "dynasink: " << s.message() << "\n";
    return 2;
  }
  pgwire::ServerOptions options;
  if (Status s = ParseHostPort(cl.listen, &options.host, &options.port); !s.ok()) {
    std::cerr << "dynasink: --listen: " << s.message() << "\n";
    return 2;
  }
  auto method = pgwire::ParseAuthMethod(cl.auth);
  if (!method.ok()) {
    std::cerr << "dynasink: --auth: " << method.status().message() << "\n";
    return 2;
  }
  options.auth_method = *method;
  if (options.auth_method != pgwire::AuthMethod::kTrust) {
    if (cl.password_file.empty()) {
      std::cerr << "dynasink: --auth " << cl.auth << " needs --password-file FILE (user:password"
                << " lines)\n";
      return 2;
    }
    auto users = pgwire::UserStore::LoadFile(cl.password_file);
    if (!users.ok()) {
      std::cerr << "dynasink: --password-file: " << users.status().message() << "\n";
      return 2;
    }
    options.users = std::make_shared<pgwire::UserStore>(std::move(users).value());
  }
  std::string metrics_host;
  uint16_t metrics_port = 0;
  if (!cl.metrics.empty()) {
    if (Status s = ParseHostPort(cl.metrics, &metrics_host, &metrics_port); !s.ok()) {
      std::cerr << "dynasink: --metrics: " << s.message() << "\n";
      return 2;
    }
  }

  InstanceOptions io;
  io.data_dir = cl.data_dir;
  io.storage.log_tables_without_cursors = cl.change_log_always;
  auto instance = Instance::Open(io);
  if (!instance.ok()) {
    DS_LOG_ERROR("server", "cannot open {}: {}", cl.data_dir, instance.status().ToString());
    return 1;
  }
  MetricsServer metrics;
  if (!cl.metrics.empty()) {
    if (Status s = metrics.Start(metrics_host, metrics_port); !s.ok()) {
      DS_LOG_ERROR("server", "{}", s.ToString());
      return 1;
    }
  }
  auto backend = std::make_shared<PgBackend>(&(*instance)->engine());
  pgwire::Server server(options, backend);
  if (Status s = server.Start(); !s.ok()) {
    DS_LOG_ERROR("server", "cannot listen on {}: {}", cl.listen, s.ToString());
    return 1;
  }
  DS_LOG_INFO("server",
              "{} ready: database dev on {}:{}, data in {}, {} authentication, memory allocator {}",
              kVersion, options.host, server.port(), cl.data_dir,
              pgwire::AuthMethodName(options.auth_method), MemoryAllocator());

  // SIGTERM and SIGINT were blocked in every thread by RunMain; wait for one here.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  DS_LOG_INFO("server", "received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Shutdown();
  metrics.Stop();
  (*instance)->Close();
  DS_LOG_INFO("server", "shutdown complete");
  return 0;
}

int RunSql(const CommandLine& cl) {
  // Quiet unless asked: the output is the point.
  log::SetLevel(log::Level::kWarn);
  if (Status s = ApplyLogLevel(cl.log_level); !s.ok()) {
    std::cerr << "dynasink: " << s.message() << "\n";
    return 2;
  }
  std::string text;
  if (!cl.file.empty()) {
    std::ifstream in(cl.file, std::ios::binary);
    if (!in) {
      std::cerr << "dynasink: cannot read " << cl.file << ": " << strerror(errno) << "\n";
      return 2;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  } else {
    text = *cl.command_text;
  }
  InstanceOptions io;
  io.data_dir = cl.data_dir;
  io.storage.truncate_interval = std::chrono::milliseconds(0);
  auto instance = Instance::Open(io);
  if (!instance.ok()) {
    std::cerr << "dynasink: cannot open " << cl.data_dir << ": " << instance.status().message()
              << "\n";
    return 2;
  }
  auto runner = ScriptRunner::Create(&(*instance)->engine(), std::cout, std::cerr);
  if (!runner.ok()) {
    std::cerr << "dynasink: " << runner.status().message() << "\n";
    return 2;
  }
  bool ok = cl.command_text.has_value() ? (*runner)->RunCommand(text) : (*runner)->RunScript(text);
  std::cout.flush();
  runner->reset();
  (*instance)->Close();
  return ok ? 0 : 1;
}

int RunMain(int argc, char** argv) {
  // Block the shutdown signals before any thread starts, so that every thread inherits the
  // mask and only Serve's sigwait sees them; a closed client socket must not kill us either.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args(argv + 1, argv + argc);
  auto cl = ParseCommandLine(args);
  if (!cl.ok()) {
    std::cerr << "dynasink: " << cl.status().message() << "\n";
    return 2;
  }
  if (cl->command == "help") {
    std::cout << Usage();
    return 0;
  }
  if (cl->command == "version") {
    std::cout << kVersion << " (PostgreSQL 13.14.0 wire protocol, RisingWave-compatible SQL)\n"
              << "memory allocator: " << MemoryAllocator() << "\n";
    return 0;
  }
  if (cl->command == "serve") return Serve(*cl);
  // `sql` stops on SIGINT like any command-line tool.
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  return RunSql(*cl);
}

}  // namespace dynasink::server
