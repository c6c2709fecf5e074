// One client connection of the pgwire server: startup, authentication, and the message loop of
// protocol 3.0 over a Session (backend.h). Internal to pgwire; Server creates one per accepted
// socket and runs it on its own thread.
//
// The code is split by phase: connection_startup.cc (startup packet, SSL/GSS refusal, cancel
// requests, authentication, session creation), connection.cc (message loop, simple query,
// running portals, output of results and errors), connection_extended.cc (Parse, Bind,
// Describe, Execute, Close, Sync), connection_copy.cc (COPY FROM STDIN).
//
// Errors. A handler returns a non-OK Status for an error the client should see as an
// ErrorResponse (after which the extended protocol skips to Sync). A connection-level failure
// (socket closed, protocol violation answered with FATAL, shutdown) sets dead_ instead, and the
// loop ends.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "pgwire/auth.h"
#include "pgwire/backend.h"
#include "pgwire/transport.h"

namespace dynasink::pgwire {

class Server;

namespace internal {

class Connection final : public SessionEvents {
 public:
  Connection(Server* server, int fd, std::string peer, int32_t process_id, int32_t secret_key);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The connection's thread body; returns when the connection is closed.
  void Run();
  // From another thread: cancel the running statement (CancelRequest with our key).
  void Cancel();
  // From another thread: end the connection with FATAL 57P01 (server shutdown).
  void Terminate();

  int32_t process_id() const { return process_id_; }
  int32_t secret_key() const { return secret_key_; }
  bool finished() const { return finished_.load(std::memory_order_acquire); }

  // SessionEvents
  void SendNotice(const Notice& notice) override;
  void ParameterChanged(std::string_view name, std::string_view value) override;

 private:
  struct StatementEntry {
    std::shared_ptr<PreparedStatement> statement;
    std::vector<types::DataType> param_types;
  };
  // Members are destroyed in reverse order: the row source before its portal, the portal
  // before its statement.
  struct PortalEntry {
    std::shared_ptr<PreparedStatement> statement;
    std::string statement_name;
    std::unique_ptr<Portal> portal;
    ResultShape shape;
    std::vector<int16_t> formats;  // one per column
    enum class State { kReady, kStreaming, kDone } state = State::kReady;
    std::unique_ptr<RowSource> rows;
    std::string tag;  // kStreaming: the verb; kDone: the tag to repeat
    bool append_row_count = true;
  };

  // --- startup (connection_startup.cc) ---
  // Returns false when the connection must close (the reason was sent or logged).
  bool Startup();
  // Reads the startup packet (answering SSL/GSS requests); false when the connection must
  // close, which includes a CancelRequest (served here, then closed without a reply).
  bool ReadStartup(StartupInfo* info);
  bool Authenticate(const std::string& user);
  bool AuthenticateMd5(const std::string& user, const std::string& md5_hash);
  bool AuthenticateScram(const std::string& user, const ScramSecret* secret);
  Result<std::string_view> ReadPasswordMessage();
  void SendStartupParameters(const StartupInfo& info);

  // --- message loop (connection.cc) ---
  void MessageLoop();
  Status HandleQuery(std::string_view body);
  Status HandleParse(std::string_view body);
  Status HandleBind(std::string_view body);
  Status HandleDescribe(std::string_view body);
  Status HandleExecute(std::string_view body);
  Status HandleClose(std::string_view body);
  void HandleSync();
  // Runs (or continues) a portal: up to max_rows rows (0: all), then PortalSuspended or the
  // completion message.
  Status ExecutePortal(PortalEntry& entry, size_t max_rows);
  Status StreamRows(PortalEntry& entry, size_t max_rows);
  Status AppendDataRow(const types::Row& row, const PortalEntry& entry);
  void CloseStatement(const std::string& name);

  // --- COPY (connection_copy.cc) ---
  // Receives CopyData until CopyDone and returns the command tag; on error returns at once
  // (the loop then discards the client's remaining copy messages).
  Result<std::string> RunCopyIn(Execution& execution);

  // --- output ---
  void SendRowDescription(const ResultShape& shape, const std::vector<int16_t>* formats);
  void SendCommandComplete(std::string_view tag);
  void SendReadyForQuery();
  void SendErrorResponse(const Status& status, bool fatal);
  // Sends a FATAL error, flushes, and marks the connection dead.
  void Fatal(const Status& status);
  // Checks a transport result: a failure marks the connection dead.
  Status Io(Status status);
  Status Flush() { return Io(transport_.Flush()); }

  // Brackets a statement's execution, during which Cancel() reaches the session.
  void BeginStatement();
  void EndStatement();
  Status CancelledStatus() const;
  bool cancel_pending() const { return cancel_pending_.load(std::memory_order_acquire); }

  Server* server_;
  std::string peer_;
  const int32_t process_id_;
  const int32_t secret_key_;
  int wake_fd_;
  Transport transport_;
  std::string user_;

  std::mutex mu_;  // guards session_ against Cancel()/Terminate() from other threads
  std::unique_ptr<Session> session_;
  bool in_statement_ = false;  // guarded by mu_
  std::atomic<bool> cancel_pending_{false};
  std::atomic<bool> terminating_{false};
  std::atomic<bool> finished_{false};
  bool holds_slot_ = false;

  bool dead_ = false;
  bool ignore_till_sync_ = false;
  std::unordered_map<std::string, StatementEntry> statements_;
  std::unordered_map<std::string, PortalEntry> portals_;
  std::vector<types::Row> row_batch_;
};

}  // namespace internal
}  // namespace dynasink::pgwire
