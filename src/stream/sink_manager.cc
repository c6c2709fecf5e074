#include "stream/sink_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/logging.h"
#include "stream/key_groups.h"

namespace dynasink::stream {

namespace {

using Clock = std::chrono::steady_clock;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<connector::FormatEncodeClause> FormatEncodeOf(const catalog::SinkDefinition& def) {
  if (def.format.empty() && def.encode.empty()) return std::nullopt;
  connector::FormatEncodeClause clause;
  clause.format = def.format;
  clause.encode = def.encode;
  clause.options.assign(def.format_options.begin(), def.format_options.end());
  return clause;
}

// True when every upstream key column reaches the destination key unchanged: then each item
// comes from exactly one upstream row and no index is needed.
bool KeyCoversUpstream(const exec::RowProgram& program, const catalog::TableDef& table,
                       const std::vector<int>& key_columns) {
  for (uint32_t pk : table.primary_key) {
    bool found = false;
    for (int k : key_columns) {
      if (k >= 0 && static_cast<size_t>(k) < program.columns().size() &&
          program.columns()[k].source_column == static_cast<int>(pk)) {
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

std::string Upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

types::Value Text(std::string s) {
  return types::Value::Varchar(std::move(s));
}
types::Value OptText(const std::string& s) {
  return s.empty() ? types::Value::Null() : types::Value::Varchar(s);
}
types::Value Int(int64_t v) {
  return types::Value::Int64(v);
}
types::Value Ts(int64_t micros) {
  return types::Value::TimestamptzV(types::Timestamptz{micros});
}

constexpr int32_t kPublicSchemaId = 2200;
constexpr int32_t kRootUserId = 1;
constexpr const char* kClusterVersion = "dynasink-0.1.0";

}  // namespace

connector::SinkOptionList SinkOptionsOf(const catalog::SinkDefinition& def) {
  return connector::SinkOptionList(def.options.begin(), def.options.end());
}

Result<std::unique_ptr<SinkManager>> SinkManager::Open(storage::Storage* storage,
                                                       catalog::Catalog* catalog,
                                                       ProgramFactory programs,
                                                       SinkManagerOptions options) {
  std::unique_ptr<SinkManager> manager(
      new SinkManager(storage, catalog, std::move(programs), options));
  DS_ASSIGN_OR_RETURN(manager->errors_, ErrorTable::Open(storage));
  // Key indexes of sinks dropped just before a crash.
  DS_RETURN_IF_ERROR(KeyGroups::DropMarked(storage));
  DS_RETURN_IF_ERROR(manager->RegisterViews());
  for (const catalog::SinkDefPtr& def : catalog->ListSinks()) {
    auto runner = manager->StartRunner(def, nullptr, nullptr);
    Entry entry;
    if (runner.ok()) {
      entry.runner = std::move(runner).value();
    } else {
      entry.start_error = runner.status().message();
      DS_LOG_ERROR("stream", "sink {} cannot start: {}", def->name, entry.start_error);
    }
    std::lock_guard<std::mutex> lock(manager->mu_);
    manager->entries_[def->id] = std::move(entry);
  }
  return manager;
}

SinkManager::~SinkManager() {
  Close();
}

void SinkManager::Close() {
  std::map<uint32_t, Entry> entries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    entries.swap(entries_);
  }
  for (auto& [id, entry] : entries) {
    if (entry.runner != nullptr) entry.runner->Stop();
  }
  for (const char* view : {"rw_sinks", "rw_sink_status", "rw_sink_errors"}) {
    catalog_->system_tables().Unregister("rw_catalog", view);
  }
}

Result<std::shared_ptr<SinkRunner>> SinkManager::StartRunner(
    const catalog::SinkDefPtr& def, std::unique_ptr<exec::RowProgram> program,
    std::shared_ptr<const storage::Snapshot> snapshot) {
  DS_ASSIGN_OR_RETURN(SinkRuntimeState state, SinkRuntimeState::Decode(def->state));
  catalog::TableDefPtr table = catalog_->FindTableById(def->from_table_id);
  if (table == nullptr) {
    return Status::Corruption(
        fmt::format("the table of sink {} (id {}) is missing", def->name, def->from_table_id));
  }
  if (program == nullptr) {
    DS_ASSIGN_OR_RETURN(program, programs_(*def));
  }
  connector::SinkSource source{.from_relation = def->query_sql.empty(),
                               .input_append_only = table->append_only};
  DS_ASSIGN_OR_RETURN(
      connector::ParsedSinkOptions parsed,
      connector::ParseSinkOptions(SinkOptionsOf(*def), FormatEncodeOf(*def), source));
  const connector::SinkConnector* connector =
      connector::FindSinkConnector(parsed.generic.connector);
  if (connector == nullptr) {
    return Status::NotSupported("unsupported sink connector '" + parsed.generic.connector + "'");
  }
  connector::SinkSchema schema{def->column_names, def->column_types};
  DS_ASSIGN_OR_RETURN(std::vector<int> key_columns,
                      connector->KeyColumns(parsed.connector_options, schema));
  DS_ASSIGN_OR_RETURN(storage::CursorInfo cursor, storage_->GetCursor(def->id));
  if (state.backfill_pending) state.backfill_seq = cursor.acked_seq;

  RunnerConfig config;
  config.def = def;
  config.table = table;
  config.use_key_groups = parsed.generic.type == connector::SinkType::kUpsert &&
                          !KeyCoversUpstream(*program, *table, key_columns);
  config.program = std::move(program);
  config.connector = connector;
  config.connector_options = parsed.connector_options;
  config.generic = parsed.generic;
  config.key_columns = std::move(key_columns);
  config.cursor = cursor.acked_seq;
  config.state = state;
  config.snapshot = std::move(snapshot);
  config.metrics = options_.metrics;
  config.buffer_bytes = options_.buffer_bytes_per_sink;
  const uint32_t id = def->id;
  config.save_state = [this, id](const SinkRuntimeState& s) { SaveState(id, s); };
  auto runner = std::make_shared<SinkRunner>(storage_, errors_.get(), std::move(config));
  DS_RETURN_IF_ERROR(runner->Start());
  DS_LOG_INFO("stream", "sink {} started at seq {}{}", def->name, cursor.acked_seq,
              state.backfill_pending ? " (backfill pending)" : "");
  return runner;
}

void SinkManager::SaveState(uint32_t sink_id, const SinkRuntimeState& state) {
  std::lock_guard<std::mutex> lock(state_mu_);
  catalog::SinkDefPtr def = catalog_->FindSinkById(sink_id);
  if (def == nullptr) return;
  catalog::SinkDefinition next = *def;
  next.state = state.Encode();
  if (next.state == def->state) return;
  Status s = catalog_->UpdateSink(std::move(next));
  if (!s.ok()) DS_LOG_WARN("stream", "sink {}: cannot save its state: {}", def->name, s.message());
}

Result<catalog::SinkDefPtr> SinkManager::FindSinkOrError(std::string_view name) const {
  catalog::SinkDefPtr def = catalog_->FindSink(name);
  if (def == nullptr) {
    return Status::Sql("42704", fmt::format("sink \"{}\" does not exist", name));
  }
  return def;
}

std::shared_ptr<SinkRunner> SinkManager::RunnerOf(uint32_t sink_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(sink_id);
  return it == entries_.end() ? nullptr : it->second.runner;
}

// ---------------------------------------------------------------- DDL

Result<std::vector<std::string>> SinkManager::CreateSink(CreateSinkRequest request) {
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  std::vector<std::string> notices;
  switch (catalog_->FindRelation(request.name)) {
    case catalog::RelationKind::kSink:
      if (request.if_not_exists) {
        notices.push_back(fmt::format("relation \"{}\" already exists, skipping", request.name));
        return notices;
      }
      return Status::Sql("42P07", fmt::format("sink with name {} exists", request.name));
    case catalog::RelationKind::kTable:
      return Status::Sql("42P07", fmt::format("relation \"{}\" already exists", request.name));
    case catalog::RelationKind::kNone:
      break;
  }
  const catalog::TableDef& table = *request.table;
  connector::SinkSource source{.from_relation = request.query_sql.empty(),
                               .input_append_only = table.append_only};
  DS_ASSIGN_OR_RETURN(
      connector::ParsedSinkOptions parsed,
      connector::ParseSinkOptions(request.with_options, request.format_encode, source));
  const connector::SinkConnector* connector =
      connector::FindSinkConnector(parsed.generic.connector);
  if (connector == nullptr) {
    return Status::NotSupported("unsupported sink connector '" + parsed.generic.connector + "'");
  }
  notices.insert(notices.end(), parsed.notices.begin(), parsed.notices.end());
  notices.insert(notices.end(), request.program->notices().begin(),
                 request.program->notices().end());
  connector::SinkSchema schema{request.program->column_names(), request.program->column_types()};
  DS_RETURN_IF_ERROR(connector->CheckSchema(parsed.connector_options, schema));

  DS_RETURN_IF_ERROR(ProbeDestination(request.name, *connector, parsed, schema));

  catalog::SinkDefinition def;
  DS_ASSIGN_OR_RETURN(def.id, catalog_->AllocateObjectId());
  def.name = request.name;
  def.from_table_id = table.id;
  def.column_names = schema.names;
  def.column_types = schema.types;
  def.query_sql = request.query_sql;
  for (const auto& [k, v] : request.with_options)
    def.options[k] = v;
  if (request.format_encode.has_value()) {
    def.format = request.format_encode->format;
    def.encode = request.format_encode->encode;
    for (const auto& [k, v] : request.format_encode->options)
      def.format_options[k] = v;
  }
  def.definition = std::move(request.redacted_definition);
  def.created_at_us = NowMicros();
  SinkRuntimeState state;
  state.backfill_pending = parsed.generic.snapshot;
  def.state = state.Encode();

  const uint32_t id = def.id;
  const bool snapshot = parsed.generic.snapshot;
  std::shared_ptr<const storage::Snapshot> snap;
  DS_ASSIGN_OR_RETURN(
      catalog::SinkDefPtr created,
      catalog_->CreateSink(std::move(def), [&](const storage::WriteBatch& meta) -> Status {
        if (snapshot) {
          DS_ASSIGN_OR_RETURN(snap, storage_->RegisterCursorWithSnapshot(id, table.id, &meta));
          return Status::OK();
        }
        return storage_->RegisterCursorAtLatest(id, table.id, &meta).status();
      }));
  Entry entry;
  auto runner = StartRunner(created, std::move(request.program), std::move(snap));
  if (runner.ok()) {
    entry.runner = std::move(runner).value();
  } else {
    entry.start_error = runner.status().message();
    notices.push_back(
        fmt::format("sink {} was created but cannot start: {}", created->name, entry.start_error));
  }
  std::lock_guard<std::mutex> lock(mu_);
  entries_[id] = std::move(entry);
  return notices;
}

Status SinkManager::ProbeDestination(const std::string& sink_name,
                                     const connector::SinkConnector& connector,
                                     const connector::ParsedSinkOptions& parsed,
                                     const connector::SinkSchema& schema) {
  metrics::Registry probe_metrics;  // the probe's series stay out of the served metrics
  connector::SinkContext probe;
  probe.sink_name = sink_name;
  probe.schema = schema;
  probe.options = parsed.generic;
  probe.on_rejection = [](const connector::SinkRejection&) { return Status::OK(); };
  probe.metrics = &probe_metrics;
  probe.validate = true;
  DS_ASSIGN_OR_RETURN(std::unique_ptr<connector::Sink> sink,
                      connector.Open(parsed.connector_options, std::move(probe)));
  sink->Close();
  return Status::OK();
}

Status SinkManager::DropSink(std::string_view name) {
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  DS_ASSIGN_OR_RETURN(catalog::SinkDefPtr def, FindSinkOrError(name));
  const uint32_t id = def->id;
  std::shared_ptr<SinkRunner> runner;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end()) {
      runner = std::move(it->second.runner);
      entries_.erase(it);
    }
  }
  if (runner != nullptr) runner->Stop();
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    const bool has_cursor = storage_->GetCursor(id).ok();
    DS_RETURN_IF_ERROR(catalog_->DropSink(id, [&](const storage::WriteBatch& meta) -> Status {
      // The definition, the cursor and the error-table rows go in one write.
      storage::WriteBatch with = meta;
      errors_->DeleteSinkRecords(id, &with);
      KeyGroups::MarkForDrop(id, &with);
      if (has_cursor) return storage_->DeleteCursor(id, &with);
      return storage_->Commit(with).status();
    }));
  }
  errors_->ForgetSink(id);
  // The key index (rows under the sink's id) goes after the catalog's write; if this fails or a
  // crash comes first, the next start removes it (KeyGroups::DropMarked).
  Status s = KeyGroups::DropMarked(storage_);
  if (!s.ok()) DS_LOG_WARN("stream", "sink {}: cannot remove its key index: {}", name, s.message());
  DS_LOG_INFO("stream", "dropped sink {} (id {})", name, id);
  return Status::OK();
}

Status SinkManager::PauseSink(std::string_view name) {
  DS_ASSIGN_OR_RETURN(catalog::SinkDefPtr def, FindSinkOrError(name));
  std::shared_ptr<SinkRunner> runner = RunnerOf(def->id);
  if (runner == nullptr) return Status::Sql("55000", fmt::format("sink {} is not running", name));
  runner->Pause();
  return Status::OK();
}

Status SinkManager::ResumeSink(std::string_view name) {
  DS_ASSIGN_OR_RETURN(catalog::SinkDefPtr def, FindSinkOrError(name));
  std::shared_ptr<SinkRunner> runner = RunnerOf(def->id);
  if (runner == nullptr) return Status::Sql("55000", fmt::format("sink {} is not running", name));
  return runner->Resume();
}

Status SinkManager::AlterSinkOptions(std::string_view name,
                                     const connector::SinkOptionList& changes,
                                     const DefinitionRewrite& rewrite_definition) {
  std::lock_guard<std::mutex> ddl(ddl_mu_);
  DS_ASSIGN_OR_RETURN(catalog::SinkDefPtr def, FindSinkOrError(name));
  catalog::SinkDefinition next = *def;
  auto connector_option = def->options.find(std::string(connector::kConnectorOption));
  const std::string connector_name =
      connector_option == def->options.end() ? "" : connector_option->second;
  const std::vector<std::string_view> alterable = connector::AlterableSinkOptions(connector_name);
  bool credentials_change = false;
  for (const auto& [k, v] : changes) {
    // An option may be given under an alias (access_key for aws.credentials.access_key_id):
    // it replaces the option whatever name the sink was created with.
    const std::string_view main = connector::MainSinkOptionName(connector_name, k);
    if (std::find(alterable.begin(), alterable.end(), main) == alterable.end()) {
      return Status::Sql("0A000",
                         fmt::format("ALTER SINK ... SET can change {} only, not {}\nHINT: to "
                                     "change {}, drop the sink and create it again",
                                     fmt::join(alterable, ", "), k, k));
    }
    std::erase_if(next.options, [&](const auto& option) {
      return connector::MainSinkOptionName(connector_name, option.first) == main;
    });
    next.options[k] = v;
    credentials_change =
        credentials_change || connector::IsCredentialSinkOption(connector_name, main);
  }
  catalog::TableDefPtr table = catalog_->FindTableById(def->from_table_id);
  if (table == nullptr) return Status::Corruption("the table of sink " + def->name + " is missing");
  connector::SinkSource source{.from_relation = def->query_sql.empty(),
                               .input_append_only = table->append_only};
  DS_ASSIGN_OR_RETURN(
      connector::ParsedSinkOptions parsed,
      connector::ParseSinkOptions(SinkOptionsOf(next), FormatEncodeOf(next), source));
  if (credentials_change) {
    // New keys must work before the running sink gives up the old ones: a refused key (or a
    // typo in it) leaves the sink as it was, with the error of CREATE SINK.
    const connector::SinkConnector* connector =
        connector::FindSinkConnector(parsed.generic.connector);
    if (connector == nullptr) {
      return Status::NotSupported("unsupported sink connector '" + parsed.generic.connector + "'");
    }
    DS_RETURN_IF_ERROR(
        ProbeDestination(def->name, *connector, parsed, {def->column_names, def->column_types}));
  }
  if (rewrite_definition) {
    DS_ASSIGN_OR_RETURN(next.definition, rewrite_definition(def->definition));
  }

  // Restart from the durable cursor with the new options: a change the old policy held is
  // read again and handled by the new one.
  std::shared_ptr<SinkRunner> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(def->id);
    if (it != entries_.end()) old = std::move(it->second.runner);
  }
  if (old != nullptr) old->Stop();
  catalog::SinkDefPtr updated;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    catalog::SinkDefPtr current = catalog_->FindSinkById(def->id);
    catalog::SinkDefinition write = *current;
    write.options = next.options;
    write.definition = next.definition;
    DS_RETURN_IF_ERROR(catalog_->UpdateSink(std::move(write)));
    updated = catalog_->FindSinkById(def->id);
  }
  Entry entry;
  auto runner = StartRunner(updated, nullptr, nullptr);
  if (runner.ok()) {
    entry.runner = std::move(runner).value();
  } else {
    entry.start_error = runner.status().message();
  }
  Status result = runner.status();
  std::lock_guard<std::mutex> lock(mu_);
  entries_[def->id] = std::move(entry);
  return result;
}

Status SinkManager::WaitFlushed(uint64_t seq, const exec::CancelToken& cancel) {
  const Clock::time_point deadline =
      cancel.has_deadline() ? cancel.deadline() : Clock::now() + options_.default_flush_timeout;
  std::vector<std::pair<uint32_t, Entry>> entries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries.assign(entries_.begin(), entries_.end());
  }
  for (const auto& [id, entry] : entries) {
    if (entry.runner == nullptr) {
      catalog::SinkDefPtr def = catalog_->FindSinkById(id);
      return Status::Sql(
          "55000", fmt::format("sink {} is not running: {}", def ? def->name : std::to_string(id),
                               entry.start_error));
    }
    DS_RETURN_IF_ERROR(entry.runner->WaitFlushed(seq, cancel, deadline));
  }
  return Status::OK();
}

// ---------------------------------------------------------------- views

Status SinkManager::RegisterViews() {
  using types::TypeId;
  catalog::SystemTableRegistry& registry = catalog_->system_tables();
  DS_RETURN_IF_ERROR(registry.Register(catalog::SystemTable{
      .schema = "rw_catalog",
      .name = "rw_sinks",
      .columns = {{"id", TypeId::kInt32},
                  {"name", TypeId::kVarchar},
                  {"schema_id", TypeId::kInt32},
                  {"owner", TypeId::kInt32},
                  {"connector", TypeId::kVarchar},
                  {"sink_type", TypeId::kVarchar},
                  {"connection_id", TypeId::kInt32},
                  {"definition", TypeId::kVarchar},
                  {"append_only", TypeId::kBoolean},
                  {"created_at", TypeId::kTimestamptz},
                  {"initialized_at", TypeId::kTimestamptz},
                  {"created_at_cluster_version", TypeId::kVarchar},
                  {"initialized_at_cluster_version", TypeId::kVarchar}},
      .rows = [this] { return SinkRows(); },
      .description = "one row per sink, with RisingWave's columns; secrets redacted"}));
  DS_RETURN_IF_ERROR(registry.Register(catalog::SystemTable{
      .schema = "rw_catalog",
      .name = "rw_sink_status",
      .columns = {{"sink_id", TypeId::kInt32},
                  {"sink_name", TypeId::kVarchar},
                  {"state", TypeId::kVarchar},
                  {"backfill_rows_done", TypeId::kInt64},
                  {"backfill_rows_total", TypeId::kInt64},
                  {"changes_acked", TypeId::kInt64},
                  {"acked_seq", TypeId::kInt64},
                  {"lag_changes", TypeId::kInt64},
                  {"lag_seconds", TypeId::kFloat64},
                  {"error_rows", TypeId::kInt64},
                  {"rows_per_second", TypeId::kFloat64},
                  {"last_error", TypeId::kVarchar},
                  {"paused_reason", TypeId::kVarchar},
                  {"updated_at", TypeId::kTimestamptz}},
      .rows = [this] { return StatusRows(); },
      .description = "one row per sink: state, backfill progress, acknowledged changes, lag, "
                     "error-table rows, throughput, last error"}));
  return registry.Register(catalog::SystemTable{
      .schema = "rw_catalog",
      .name = "rw_sink_errors",
      .columns = {{"sink_id", TypeId::kInt32},
                  {"sink_name", TypeId::kVarchar},
                  {"seq", TypeId::kInt64},
                  {"op", TypeId::kVarchar},
                  {"key", TypeId::kVarchar},
                  {"item", TypeId::kVarchar},
                  {"column_name", TypeId::kVarchar},
                  {"reason", TypeId::kVarchar},
                  {"error_type", TypeId::kVarchar},
                  {"recorded_at", TypeId::kTimestamptz}},
      .rows = [this] { return ErrorRows(); },
      .description = "one row per change a sink's destination refused (error_policy = "
                     "'error_table')"});
}

Result<std::vector<types::Row>> SinkManager::SinkRows() const {
  std::vector<types::Row> rows;
  for (const catalog::SinkDefPtr& def : catalog_->ListSinks()) {
    std::string connector_name;
    auto it = def->options.find(std::string(connector::kConnectorOption));
    if (it != def->options.end()) connector_name = Upper(it->second);
    std::string type = "UPSERT";
    catalog::TableDefPtr table = catalog_->FindTableById(def->from_table_id);
    if (table != nullptr) {
      connector::SinkSource source{.from_relation = def->query_sql.empty(),
                                   .input_append_only = table->append_only};
      auto parsed = connector::ParseSinkOptions(SinkOptionsOf(*def), FormatEncodeOf(*def), source);
      if (parsed.ok()) type = std::string(connector::SinkTypeName(parsed->generic.type));
    }
    rows.push_back(
        types::Row{types::Value::Int32(static_cast<int32_t>(def->id)), Text(def->name),
                   types::Value::Int32(kPublicSchemaId), types::Value::Int32(kRootUserId),
                   Text(connector_name), Text(type), types::Value::Null(), Text(def->definition),
                   types::Value::Boolean(type != "UPSERT"), Ts(def->created_at_us),
                   Ts(def->created_at_us), Text(kClusterVersion), Text(kClusterVersion)});
  }
  return rows;
}

Result<std::vector<types::Row>> SinkManager::StatusRows() const {
  std::vector<types::Row> rows;
  const int64_t now = NowMicros();
  for (const catalog::SinkDefPtr& def : catalog_->ListSinks()) {
    std::shared_ptr<SinkRunner> runner;
    std::string start_error;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(def->id);
      if (it == entries_.end()) continue;
      runner = it->second.runner;
      start_error = it->second.start_error;
    }
    RunnerStatus st;
    if (runner != nullptr) {
      st = runner->GetStatus();
    } else {
      st.state = "retrying";
      st.last_error = "cannot start: " + start_error;
    }
    rows.push_back(types::Row{
        types::Value::Int32(static_cast<int32_t>(def->id)), Text(def->name), Text(st.state),
        Int(static_cast<int64_t>(st.backfill_rows_done)),
        st.backfill_rows_total ? Int(static_cast<int64_t>(*st.backfill_rows_total))
                               : types::Value::Null(),
        Int(static_cast<int64_t>(st.changes_acked)), Int(static_cast<int64_t>(st.acked_seq)),
        Int(static_cast<int64_t>(st.lag_changes)), types::Value::Float64(st.lag_seconds),
        Int(static_cast<int64_t>(errors_->Count(def->id))),
        types::Value::Float64(st.rows_per_second), OptText(st.last_error),
        st.state == "paused" ? OptText(st.paused_reason) : types::Value::Null(), Ts(now)});
  }
  return rows;
}

Result<std::vector<types::Row>> SinkManager::ErrorRows() const {
  DS_ASSIGN_OR_RETURN(std::vector<ErrorRecord> records, errors_->List());
  std::vector<types::Row> rows;
  rows.reserve(records.size());
  for (ErrorRecord& r : records) {
    catalog::SinkDefPtr def = catalog_->FindSinkById(r.sink_id);
    bool is_delete = r.op == connector::ChangeOp::kDelete;
    rows.push_back(
        types::Row{types::Value::Int32(static_cast<int32_t>(r.sink_id)),
                   def ? Text(def->name) : types::Value::Null(), Int(static_cast<int64_t>(r.seq)),
                   Text(is_delete ? "delete" : "put"), Text(std::move(r.key_json)),
                   is_delete ? types::Value::Null() : OptText(r.item_json), OptText(r.column),
                   Text(std::move(r.reason)), Text(std::move(r.error_type)), Ts(r.recorded_at_us)});
  }
  return rows;
}

}  // namespace dynasink::stream
