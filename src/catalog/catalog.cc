#include "catalog/catalog.h"

#include <chrono>

#include "catalog/meta_codec.h"
#include "common/logging.h"

namespace dynasink::catalog {

namespace {

constexpr std::string_view kTablePrefix = "catalog/table/";
constexpr std::string_view kSinkPrefix = "catalog/sink/";
constexpr std::string_view kVersionKey = "catalog/version";
// Object ids come from a storage id counter under a table id no user table ever gets (ids are
// allocated from 1 upwards, and 0xFFFFFFFF is storage's reserved id).
constexpr uint32_t kObjectIdCounterTable = 0xFFFFFFFEu;
constexpr uint32_t kObjectIdCounter = 0;

std::string IdKey(std::string_view prefix, uint32_t id) {
  std::string key(prefix);
  for (int shift = 24; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>(id >> shift));
  return key;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status RelationExistsError(std::string_view name) {
  return Status::Sql("42P07", "relation \"" + std::string(name) + "\" already exists");
}

}  // namespace

std::string TableMetaKey(uint32_t id) {
  return IdKey(kTablePrefix, id);
}
std::string SinkMetaKey(uint32_t id) {
  return IdKey(kSinkPrefix, id);
}

Catalog::Catalog(storage::Storage* storage)
    : storage_(storage), state_(std::make_shared<const State>()) {}

Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::Open(storage::Storage* storage) {
  std::unique_ptr<Catalog> catalog(new Catalog(storage));
  DS_RETURN_IF_ERROR(catalog->Load());
  RegisterBuiltinSystemTables(catalog.get());
  return catalog;
}

Status Catalog::Load() {
  auto next = std::make_shared<State>();
  DS_ASSIGN_OR_RETURN(auto tables, storage_->ScanMeta(kTablePrefix));
  for (const auto& [key, value] : tables) {
    DS_ASSIGN_OR_RETURN(TableDefPtr def, TableDef::Deserialize(value));
    next->tables[def->name] = def;
    next->tables_by_id[def->id] = def;
  }
  DS_ASSIGN_OR_RETURN(auto sinks, storage_->ScanMeta(kSinkPrefix));
  for (const auto& [key, value] : sinks) {
    DS_ASSIGN_OR_RETURN(SinkDefinition def, SinkDefinition::Deserialize(value));
    auto ptr = std::make_shared<const SinkDefinition>(std::move(def));
    next->sinks[ptr->name] = ptr;
    next->sinks_by_id[ptr->id] = ptr;
  }
  uint64_t version = 0;
  DS_ASSIGN_OR_RETURN(auto stored_version, storage_->GetMeta(kVersionKey));
  if (stored_version.has_value()) {
    internal::MetaReader r(*stored_version);
    r.Varint(&version);
    DS_RETURN_IF_ERROR(r.Finish("catalog version"));
  }
  DS_LOG_INFO("catalog", "loaded {} tables and {} sinks, catalog version {}", next->tables.size(),
              next->sinks.size(), version);
  std::lock_guard<std::mutex> lock(ddl_mu_);
  Publish(std::move(next), version);
  return Status::OK();
}

std::shared_ptr<const Catalog::State> Catalog::Current() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return state_;
}

void Catalog::Publish(std::shared_ptr<const State> next, uint64_t version) {
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    state_ = std::move(next);
  }
  version_.store(version, std::memory_order_release);
}

uint64_t Catalog::PutVersion(storage::WriteBatch* batch) {
  uint64_t next = version() + 1;
  std::string value;
  internal::MetaWriter(&value).Varint(next);
  batch->PutMeta(kVersionKey, value);
  return next;
}

Status Catalog::CommitMeta(const storage::WriteBatch& batch, const MetaCommit& commit) {
  if (commit) return commit(batch);
  return storage_->Commit(batch).status();
}

bool Catalog::NameTaken(const State& state, std::string_view name) const {
  return state.tables.find(name) != state.tables.end() ||
         state.sinks.find(name) != state.sinks.end();
}

namespace {

// The definition under `key` in one of the catalog's maps, or null.
template <typename Map, typename Key>
typename Map::mapped_type FindIn(const Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}

// Every definition of a map, in its order.
template <typename Map>
std::vector<typename Map::mapped_type> ValuesOf(const Map& map) {
  std::vector<typename Map::mapped_type> out;
  out.reserve(map.size());
  for (const auto& [key, def] : map)
    out.push_back(def);
  return out;
}

}  // namespace

TableDefPtr Catalog::FindTable(std::string_view name) const {
  return FindIn(Current()->tables, name);
}

TableDefPtr Catalog::FindTableById(uint32_t id) const {
  return FindIn(Current()->tables_by_id, id);
}

std::vector<TableDefPtr> Catalog::ListTables() const {
  return ValuesOf(Current()->tables);
}

SinkDefPtr Catalog::FindSink(std::string_view name) const {
  return FindIn(Current()->sinks, name);
}

SinkDefPtr Catalog::FindSinkById(uint32_t id) const {
  return FindIn(Current()->sinks_by_id, id);
}

std::vector<SinkDefPtr> Catalog::ListSinks() const {
  return ValuesOf(Current()->sinks);
}

std::vector<SinkDefPtr> Catalog::SinksReadingTable(uint32_t table_id) const {
  auto state = Current();
  std::vector<SinkDefPtr> out;
  for (const auto& [name, def] : state->sinks) {
    if (def->from_table_id == table_id) out.push_back(def);
  }
  return out;
}

RelationKind Catalog::FindRelation(std::string_view name) const {
  auto state = Current();
  if (state->tables.find(name) != state->tables.end()) return RelationKind::kTable;
  if (state->sinks.find(name) != state->sinks.end()) return RelationKind::kSink;
  return RelationKind::kNone;
}

Result<uint32_t> Catalog::AllocateObjectId() {
  DS_ASSIGN_OR_RETURN(uint64_t id,
                      storage_->AllocateIds(kObjectIdCounterTable, kObjectIdCounter, 1));
  if (id >= kObjectIdCounterTable) return Status::OutOfRange("catalog object ids exhausted");
  return static_cast<uint32_t>(id);
}

Result<TableDefPtr> Catalog::CreateTable(TableDef def) {
  std::lock_guard<std::mutex> lock(ddl_mu_);
  auto state = Current();
  if (NameTaken(*state, def.name)) return RelationExistsError(def.name);
  if (def.id == 0) {
    DS_ASSIGN_OR_RETURN(def.id, AllocateObjectId());
  }
  def.created_at_us = NowMicros();
  def.catalog_version = version() + 1;
  DS_RETURN_IF_ERROR(def.Build());
  auto ptr = std::make_shared<const TableDef>(std::move(def));

  storage::WriteBatch batch;
  std::string value;
  ptr->Serialize(&value);
  batch.PutMeta(TableMetaKey(ptr->id), value);
  uint64_t version = PutVersion(&batch);
  DS_RETURN_IF_ERROR(storage_->Commit(batch).status());

  auto next = std::make_shared<State>(*state);
  next->tables[ptr->name] = ptr;
  next->tables_by_id[ptr->id] = ptr;
  Publish(std::move(next), version);
  DS_LOG_INFO("catalog", "created table {} (id {})", ptr->name, ptr->id);
  return TableDefPtr(ptr);
}

Status Catalog::DropTable(uint32_t table_id) {
  std::lock_guard<std::mutex> lock(ddl_mu_);
  auto state = Current();
  auto it = state->tables_by_id.find(table_id);
  if (it == state->tables_by_id.end()) {
    return Status::Sql("42P01", "table with id " + std::to_string(table_id) + " does not exist");
  }
  TableDefPtr table = it->second;
  for (const auto& [name, sink] : state->sinks) {
    if (sink->from_table_id != table_id) continue;
    return Status::Sql("2BP01", "cannot drop table " + table->name + " because sink " + name +
                                    " depends on it\nHINT: Drop the sink first: DROP SINK " + name +
                                    ";");
  }
  storage::WriteBatch batch;
  batch.DropTableData(table_id);
  batch.DeleteMeta(TableMetaKey(table_id));
  uint64_t version = PutVersion(&batch);
  DS_RETURN_IF_ERROR(storage_->Commit(batch).status());

  auto next = std::make_shared<State>(*state);
  next->tables.erase(table->name);
  next->tables_by_id.erase(table_id);
  Publish(std::move(next), version);
  DS_LOG_INFO("catalog", "dropped table {} (id {})", table->name, table_id);
  return Status::OK();
}

Result<SinkDefPtr> Catalog::CreateSink(SinkDefinition def, const MetaCommit& commit) {
  std::lock_guard<std::mutex> lock(ddl_mu_);
  auto state = Current();
  if (NameTaken(*state, def.name)) return RelationExistsError(def.name);
  if (state->tables_by_id.count(def.from_table_id) == 0) {
    return Status::Sql("42P01",
                       "table with id " + std::to_string(def.from_table_id) + " does not exist");
  }
  if (def.id == 0) {
    DS_ASSIGN_OR_RETURN(def.id, AllocateObjectId());
  }
  if (state->sinks_by_id.count(def.id) != 0 || state->tables_by_id.count(def.id) != 0) {
    return Status::Internal("catalog object id " + std::to_string(def.id) + " is in use");
  }
  if (def.created_at_us == 0) def.created_at_us = NowMicros();
  auto ptr = std::make_shared<const SinkDefinition>(std::move(def));

  storage::WriteBatch batch;
  std::string value;
  ptr->Serialize(&value);
  batch.PutMeta(SinkMetaKey(ptr->id), value);
  uint64_t version = PutVersion(&batch);
  DS_RETURN_IF_ERROR(CommitMeta(batch, commit));

  auto next = std::make_shared<State>(*state);
  next->sinks[ptr->name] = ptr;
  next->sinks_by_id[ptr->id] = ptr;
  Publish(std::move(next), version);
  DS_LOG_INFO("catalog", "created sink {} (id {})", ptr->name, ptr->id);
  return SinkDefPtr(ptr);
}

Status Catalog::UpdateSink(SinkDefinition def, const MetaCommit& commit) {
  std::lock_guard<std::mutex> lock(ddl_mu_);
  auto state = Current();
  auto it = state->sinks_by_id.find(def.id);
  if (it == state->sinks_by_id.end()) {
    return Status::NotFound("sink with id " + std::to_string(def.id) + " does not exist");
  }
  SinkDefPtr old = it->second;
  if (old->name != def.name && NameTaken(*state, def.name)) return RelationExistsError(def.name);
  auto ptr = std::make_shared<const SinkDefinition>(std::move(def));

  storage::WriteBatch batch;
  std::string value;
  ptr->Serialize(&value);
  batch.PutMeta(SinkMetaKey(ptr->id), value);
  uint64_t version = PutVersion(&batch);
  DS_RETURN_IF_ERROR(CommitMeta(batch, commit));

  auto next = std::make_shared<State>(*state);
  next->sinks.erase(old->name);
  next->sinks[ptr->name] = ptr;
  next->sinks_by_id[ptr->id] = ptr;
  Publish(std::move(next), version);
  return Status::OK();
}

Status Catalog::DropSink(uint32_t id, const MetaCommit& commit) {
  std::lock_guard<std::mutex> lock(ddl_mu_);
  auto state = Current();
  auto it = state->sinks_by_id.find(id);
  if (it == state->sinks_by_id.end()) {
    return Status::NotFound("sink with id " + std::to_string(id) + " does not exist");
  }
  SinkDefPtr old = it->second;
  storage::WriteBatch batch;
  batch.DeleteMeta(SinkMetaKey(id));
  uint64_t version = PutVersion(&batch);
  DS_RETURN_IF_ERROR(CommitMeta(batch, commit));

  auto next = std::make_shared<State>(*state);
  next->sinks.erase(old->name);
  next->sinks_by_id.erase(id);
  Publish(std::move(next), version);
  DS_LOG_INFO("catalog", "dropped sink {} (id {})", old->name, id);
  return Status::OK();
}

}  // namespace dynasink::catalog
