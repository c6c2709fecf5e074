// Engine: the SQL engine of one database, shared by all sessions: the storage, the catalog,
// the row locks of DML, the statement handlers, and the hooks the sink runtime fills in.
//
//   auto storage = storage::Storage::Open(...);
//   auto catalog = catalog::Catalog::Open(storage.get());
//   sql::Engine engine(storage.get(), catalog.get());
//   engine.SetFlushHook([&](const sql::FlushRequest& r) { return sinks.WaitAcked(r); });
//   auto session = engine.NewSession({.user = "root", .database = "dev"}, &listener);
//
// FLUSH and implicit_flush. FLUSH calls the flush hook with the last committed sequence number;
// with `SET implicit_flush = true` every DML statement calls it with its own commit's sequence
// number after committing. The hook returns once every change up to that sequence number has
// been acknowledged by every running sink, or fails when the request's CancelToken fires
// (cancel, or statement_timeout: the message names the sink that is behind). Without a hook
// FLUSH only checks the statement was not cancelled: statements are durable when they return.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "catalog/catalog.h"
#include "common/result.h"
#include "exec/cancel.h"
#include "exec/table_locks.h"
#include "sql/statement.h"
#include "storage/storage.h"

namespace dynasink::sql {

struct FlushRequest {
  // Every change with a sequence number <= seq must be acknowledged.
  uint64_t seq = 0;
  // Cancel and deadline (statement_timeout) of the waiting statement; never null.
  const exec::CancelToken* cancel = nullptr;
  bool implicit = false;  // after a DML statement (implicit_flush) rather than FLUSH
};
using FlushHook = std::function<Status(const FlushRequest&)>;

struct EngineOptions {
  // What version() returns.
  std::string version_string;
  // The server_version reported to clients and by SHOW server_version.
  std::string server_version = "13.14.0";
};

// The default version() text: "PostgreSQL 13.14.0-RisingWave-compatible dynasink 0.1.0 ...".
std::string DefaultVersionString();

struct SessionInfo {
  std::string user = "root";
  std::string database = "dev";
  std::string application_name;
  // Startup parameters, applied like SET (unknown ones are ignored, as RisingWave does).
  std::vector<std::pair<std::string, std::string>> parameters;
  int32_t backend_pid = 0;
  std::string remote_address;
};

// How a session talks to its client outside of results (the server adapter implements it).
class SessionListener {
 public:
  virtual void OnNotice(const Notice& notice) = 0;
  // A reported parameter changed (ParameterStatus).
  virtual void OnParameterChanged(std::string_view name, std::string_view value) = 0;

 protected:
  ~SessionListener() = default;
};

class Engine {
 public:
  // `storage` and `catalog` must outlive the engine and its sessions.
  Engine(storage::Storage* storage, catalog::Catalog* catalog, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  storage::Storage& storage() { return *storage_; }
  catalog::Catalog& catalog() { return *catalog_; }
  exec::TableLocks& locks() { return locks_; }
  StatementRegistry& statements() { return statements_; }
  const EngineOptions& options() const { return options_; }

  // Thread-safe; may be set or replaced while sessions run.
  void SetFlushHook(FlushHook hook);
  // Calls the hook (see the file comment).
  Status Flush(const FlushRequest& request);

  // A session; `listener` (may be null) must outlive it. 22023 for a bad startup parameter
  // value (for instance an unsupported client_encoding).
  Result<std::unique_ptr<Session>> NewSession(SessionInfo info, SessionListener* listener);

  // Sessions currently open (for metrics and tests).
  int64_t session_count() const { return sessions_.load(); }

 private:
  friend class Session;
  storage::Storage* storage_;
  catalog::Catalog* catalog_;
  EngineOptions options_;
  exec::TableLocks locks_;
  StatementRegistry statements_;
  std::mutex hook_mu_;
  std::shared_ptr<FlushHook> flush_hook_;
  std::atomic<int64_t> sessions_{0};
};

}  // namespace dynasink::sql
