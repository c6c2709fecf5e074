// Instance: one open dynasink database directory with everything that runs over it, started
// and stopped in order: storage -> catalog -> SQL engine (-> the sink runtime, which hooks
// into the engine: its statements, its FLUSH hook, its system tables).
//
// `dynasink serve` puts the wire-protocol server in front of an Instance; `dynasink sql` runs
// statements against one in-process. Close() (and the destructor) stops the layers in reverse
// order; callers stop their own users of the engine (the pgwire server) first.
#pragma once

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "common/result.h"
#include "server/storage_metrics.h"
#include "sql/engine.h"
#include "storage/storage.h"
#include "stream/sink_manager.h"

namespace dynasink::server {

struct InstanceOptions {
  std::string data_dir;
  // Background change-log truncation and the other storage knobs (path is set from data_dir).
  storage::StorageOptions storage;
};

class Instance {
 public:
  // Opens (or creates) the database in options.data_dir. IOError when another process has it
  // open.
  static Result<std::unique_ptr<Instance>> Open(InstanceOptions options);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  storage::Storage& storage() { return *storage_; }
  catalog::Catalog& catalog() { return *catalog_; }
  sql::Engine& engine() { return *engine_; }
  stream::SinkManager& sinks() { return *sinks_; }

  // Stops everything in reverse order of Open. Idempotent.
  void Close();

 private:
  Instance() = default;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<StorageMetrics> storage_metrics_;  // on the metrics endpoint, while storage_ is
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<sql::Engine> engine_;
  std::unique_ptr<stream::SinkManager> sinks_;
};

}  // namespace dynasink::server
