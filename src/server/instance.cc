#include "server/instance.h"

#include <filesystem>

#include "common/logging.h"
#include "common/metrics.h"
#include "sql/sink_statements.h"

namespace dynasink::server {

Result<std::unique_ptr<Instance>> Instance::Open(InstanceOptions options) {
  if (options.data_dir.empty()) return Status::InvalidArgument("--data-dir is required");
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return Status::IOError("cannot create data directory " + options.data_dir + ": " +
                           ec.message());
  }
  std::unique_ptr<Instance> instance(new Instance());
  options.storage.path = options.data_dir + "/db";
  DS_ASSIGN_OR_RETURN(instance->storage_, storage::Storage::Open(options.storage));
  instance->storage_metrics_ =
      std::make_unique<StorageMetrics>(*instance->storage_, metrics::Registry::Default());
  DS_ASSIGN_OR_RETURN(instance->catalog_, catalog::Catalog::Open(instance->storage_.get()));
  instance->engine_ =
      std::make_unique<sql::Engine>(instance->storage_.get(), instance->catalog_.get());
  catalog::Catalog* catalog = instance->catalog_.get();
  DS_ASSIGN_OR_RETURN(instance->sinks_,
                      stream::SinkManager::Open(instance->storage_.get(), catalog,
                                                [catalog](const catalog::SinkDefinition& def) {
                                                  return sql::MakeSinkProgram(*catalog, def);
                                                }));
  sql::RegisterSinkStatements(instance->engine_.get(), instance->sinks_.get());
  return instance;
}

Instance::~Instance() {
  Close();
}

void Instance::Close() {
  // The sinks stop first (their cursors persisted), while storage is still open.
  if (engine_ != nullptr) engine_->SetFlushHook(nullptr);
  sinks_.reset();
  engine_.reset();
  catalog_.reset();
  storage_metrics_.reset();  // its series read the storage
  if (storage_ != nullptr) {
    storage_->Shutdown();
    storage_.reset();
    DS_LOG_INFO("server", "database closed");
  }
}

}  // namespace dynasink::server
