// The PostgreSQL wire protocol server (protocol 3.0).
//
// One thread accepts connections; each connection gets its own thread, which runs the startup
// and authentication, then the message loop, calling into the Backend's Session (backend.h).
// A thread per connection keeps the engine's calls simple and blocking; the price is a thread
// (8 MB of reserved, mostly unused stack) per client, and ServerOptions::max_connections bounds
// them (PostgreSQL forks a process per connection, so clients expect this model).
//
// Usage (the dynasink binary):
//   pgwire::ServerOptions options;               // 127.0.0.1:4566, trust
//   options.port = 4566;
//   pgwire::Server server(options, backend);     // backend: std::shared_ptr<pgwire::Backend>
//   DS_RETURN_IF_ERROR(server.Start());          // listening when this returns
//   ... wait for SIGTERM/SIGINT (e.g. sigwait in main) ...
//   server.Shutdown();                           // stops accepting, cancels running
//                                                // statements, sends FATAL 57P01 to every
//                                                // client, closes sockets, joins all threads
// Shutdown() is idempotent, thread-safe, and called by the destructor. It must not be called
// from a signal handler (it takes locks and joins threads): use sigwait or a self-pipe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "pgwire/auth.h"
#include "pgwire/backend.h"

namespace dynasink::pgwire {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address (or "localhost")
  uint16_t port = 4566;            // 0 picks a free port; see Server::port()

  // Authentication. kTrust accepts every user; the other methods need `users`.
  AuthMethod auth_method = AuthMethod::kTrust;
  std::shared_ptr<const UserStore> users;

  // Client connections at once; more are refused with FATAL 53300. Cancel requests do not
  // count.
  int max_connections = 200;
  // Time for a client to send its startup packet and finish authenticating (PostgreSQL's
  // authentication_timeout).
  std::chrono::milliseconds startup_timeout{60'000};
  // Limits on one message's body. Query, Parse, Bind, CopyData and the like may be large; the
  // others (Sync, Execute, Describe, ...) and the startup packet are small, as in PostgreSQL.
  size_t max_message_bytes = size_t{1} << 30;
  size_t max_small_message_bytes = 10'000;
  size_t max_startup_packet_bytes = 10'000;  // the whole packet, length word included
  // Output is sent when ReadyForQuery, Flush, PortalSuspended or CopyInResponse need it, or
  // once this many bytes are buffered.
  size_t output_flush_bytes = 128 * 1024;
  // Rows pulled from a RowSource per call.
  size_t row_batch = 256;
  // COPY rows handed to the CopyInSink per Write(), at most (also bounded by ~4 MB of text).
  size_t copy_batch_rows = 4096;

  // Reported in ParameterStatus. RisingWave reports a PostgreSQL 13 version.
  std::string server_version = "13.14.0";
};

namespace internal {
class Connection;
}

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<Backend> backend);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts accepting. Fails if the address is taken or the options are
  // inconsistent (a password method without users).
  Status Start();
  // The port listened on (after Start()), useful with options.port = 0.
  uint16_t port() const { return port_; }
  void Shutdown();

  // Connections being served (including those still authenticating).
  size_t connection_count() const;

  // For connection threads (internal).
  const ServerOptions& options() const { return options_; }
  Backend& backend() { return *backend_; }
  bool shutting_down() const { return shutting_down_.load(std::memory_order_acquire); }
  // Cancels the running statement of the connection with this key, if any.
  void CancelBackend(int32_t process_id, int32_t secret_key);
  // Claims one of max_connections; false when full.
  bool AcquireSlot();
  void ReleaseSlot();

 private:
  struct Entry {
    std::shared_ptr<internal::Connection> connection;
    std::thread thread;
  };
  void AcceptLoop();
  void ReapFinished();

  ServerOptions options_;
  std::shared_ptr<Backend> backend_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // wakes the accept loop
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> started_{false};
  std::mutex shutdown_mu_;  // serializes Shutdown()

  mutable std::mutex mu_;  // guards connections_, next_pid_
  std::unordered_map<int32_t, Entry> connections_;
  int32_t next_pid_ = 0;
  std::atomic<int> slots_used_{0};
};

}  // namespace dynasink::pgwire
