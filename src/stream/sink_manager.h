// SinkManager: every sink of the database: creates them (checking options, schema and
// destination before anything is written), starts them when the server starts, stops and drops
// them, pauses, resumes and alters them, answers FLUSH, and provides the sink views
// (rw_catalog.rw_sinks, rw_catalog.rw_sink_status, rw_catalog.rw_sink_errors).
//
// The SQL layer above binds statements and hands over bound requests; the manager never parses
// SQL. To rebuild a sink query's program after a restart it calls the ProgramFactory the SQL
// layer gives it (the binder lives above this layer).
//
// Thread-safe. DDL on sinks is serialized by one mutex; FLUSH waits and view reads do not take
// it while they wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/metrics.h"
#include "common/result.h"
#include "connector/connector.h"
#include "exec/cancel.h"
#include "exec/row_program.h"
#include "storage/storage.h"
#include "stream/error_table.h"
#include "stream/sink_runner.h"

namespace dynasink::stream {

// Rebuilds a sink's program from its definition (the table's columns, or the bound AS query).
using ProgramFactory =
    std::function<Result<std::unique_ptr<exec::RowProgram>>(const catalog::SinkDefinition&)>;

struct SinkManagerOptions {
  metrics::Registry* metrics = nullptr;  // null: metrics::Registry::Default()
  size_t buffer_bytes_per_sink = size_t{32} << 20;
  // How long FLUSH waits when statement_timeout is 0.
  std::chrono::milliseconds default_flush_timeout = std::chrono::seconds(60);
};

struct CreateSinkRequest {
  std::string name;
  bool if_not_exists = false;
  catalog::TableDefPtr table;
  std::unique_ptr<exec::RowProgram> program;
  std::string query_sql;  // the AS query as written; empty for FROM
  connector::SinkOptionList with_options;
  std::optional<connector::FormatEncodeClause> format_encode;
  // The statement as written with secret values already replaced (it is shown as is).
  std::string redacted_definition;
};

class SinkManager {
 public:
  // Registers the sink views and starts every sink of the catalog (a sink that cannot start is
  // listed in the status view with the reason, and the others start regardless).
  static Result<std::unique_ptr<SinkManager>> Open(storage::Storage* storage,
                                                   catalog::Catalog* catalog,
                                                   ProgramFactory programs,
                                                   SinkManagerOptions options = {});
  ~SinkManager();
  SinkManager(const SinkManager&) = delete;
  SinkManager& operator=(const SinkManager&) = delete;

  // Stops every sink (their cursors persisted) and removes the views. Idempotent. Call before
  // the storage shuts down.
  void Close();

  // CREATE SINK. Returns the notices for the client. Errors carry SQLSTATEs and RisingWave's
  // messages; nothing is written unless every check (destination included) passed.
  Result<std::vector<std::string>> CreateSink(CreateSinkRequest request);
  // DROP SINK: stops the sink (promptly, even while it delivers) and removes its definition,
  // cursor, error-table rows and index. 42704 when unknown.
  Status DropSink(std::string_view name);
  // ALTER SINK name PAUSE | RESUME.
  Status PauseSink(std::string_view name);
  Status ResumeSink(std::string_view name);
  // ALTER SINK name SET (k = 'v', ...): sink.error_policy and the connector's delivery tuning
  // (connector::AlterableSinkOptions). The sink restarts from its cursor with the new options.
  // `rewrite_definition`, when given, turns the stored CREATE SINK text into one with the changes
  // applied (SHOW CREATE SINK and rw_sinks show the sink as it is); it runs before anything
  // changes, so its error leaves the sink as it was.
  using DefinitionRewrite = std::function<Result<std::string>(const std::string& definition)>;
  Status AlterSinkOptions(std::string_view name, const connector::SinkOptionList& changes,
                          const DefinitionRewrite& rewrite_definition = nullptr);

  // FLUSH: waits until every running sink acknowledged every change with seq <= `seq` (see
  // SinkRunner::WaitFlushed).
  Status WaitFlushed(uint64_t seq, const exec::CancelToken& cancel);

 private:
  SinkManager(storage::Storage* storage, catalog::Catalog* catalog, ProgramFactory programs,
              SinkManagerOptions options)
      : storage_(storage), catalog_(catalog), programs_(std::move(programs)), options_(options) {}

  struct Entry {
    std::shared_ptr<SinkRunner> runner;  // null when the sink could not start
    std::string start_error;
  };

  // Builds and starts the runner of `def` from its durable cursor.
  Result<std::shared_ptr<SinkRunner>> StartRunner(
      const catalog::SinkDefPtr& def, std::unique_ptr<exec::RowProgram> program,
      std::shared_ptr<const storage::Snapshot> snapshot);
  void SaveState(uint32_t sink_id, const SinkRuntimeState& state);
  // Opens a throwaway sink with `parsed`'s options and validation on (reachable, credentials
  // accepted, table present and ACTIVE, keys matching), then closes it: what CREATE SINK, and an
  // ALTER that changes credentials, check before anything changes.
  static Status ProbeDestination(const std::string& sink_name,
                                 const connector::SinkConnector& connector,
                                 const connector::ParsedSinkOptions& parsed,
                                 const connector::SinkSchema& schema);
  Result<catalog::SinkDefPtr> FindSinkOrError(std::string_view name) const;
  std::shared_ptr<SinkRunner> RunnerOf(uint32_t sink_id) const;
  Status RegisterViews();

  Result<std::vector<types::Row>> SinkRows() const;
  Result<std::vector<types::Row>> StatusRows() const;
  Result<std::vector<types::Row>> ErrorRows() const;

  storage::Storage* storage_;
  catalog::Catalog* catalog_;
  ProgramFactory programs_;
  SinkManagerOptions options_;
  std::unique_ptr<ErrorTable> errors_;

  std::mutex ddl_mu_;            // serializes sink DDL
  mutable std::mutex state_mu_;  // serializes runtime-state saves; never held while waiting
  mutable std::mutex mu_;        // guards entries_
  std::map<uint32_t, Entry> entries_;
  bool closed_ = false;
};

// The source description the generic option rules need, from a definition.
connector::SinkOptionList SinkOptionsOf(const catalog::SinkDefinition& def);

}  // namespace dynasink::stream
