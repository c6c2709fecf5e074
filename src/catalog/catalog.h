// Catalog: the tables and sinks of one dynasink database, persisted in the storage meta
// keyspace and loaded on open.
//
// Reads are cheap and thread-safe: every definition is an immutable shared_ptr, and a lookup
// copies a pointer out of the current, immutable state under a short lock, so a statement keeps
// using the definition it bound to even while DDL replaces it. Changes (DDL) are serialized
// with each other, are one atomic, durable storage write each, and are published only after
// that write succeeded. Every change bumps version(), which prepared statements compare to know
// when to bind again.
//
// Tables and sinks share one namespace of relation names (as in RisingWave, a sink cannot be
// named like a table) and one id space (AllocateObjectId()).
//
// Writing a sink's definition atomically with its cursor. CreateSink/UpdateSink/DropSink take
// an optional `commit` function. The catalog puts the sink's metadata writes into a batch and
// calls commit(batch) instead of Storage::Commit(batch); commit must write that batch durably
// and atomically, typically together with the cursor:
//
//   uint32_t id = catalog.AllocateObjectId().value();
//   std::shared_ptr<const storage::Snapshot> snap;
//   def.id = id;
//   auto created = catalog.CreateSink(std::move(def), [&](const storage::WriteBatch& meta) {
//     DS_ASSIGN_OR_RETURN(snap, storage.RegisterCursorWithSnapshot(id, table_id, &meta));
//     return Status::OK();
//   });
//
// The catalog holds its DDL lock while commit runs, so commit must not call back into the
// catalog's DDL methods (reads are fine).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/sink_def.h"
#include "catalog/system_table.h"
#include "catalog/table_def.h"
#include "common/result.h"
#include "storage/storage.h"

namespace dynasink::catalog {

enum class RelationKind : uint8_t { kNone, kTable, kSink };

class Catalog {
 public:
  // Writes a batch of catalog metadata durably (see the file comment). Null: Storage::Commit.
  using MetaCommit = std::function<Status(const storage::WriteBatch& meta)>;

  // Loads every definition from `storage` (which must outlive the catalog) and registers the
  // built-in system tables (rw_catalog.rw_tables, information_schema.tables and .columns).
  static Result<std::unique_ptr<Catalog>> Open(storage::Storage* storage);

  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;
  ~Catalog();

  storage::Storage& storage() const { return *storage_; }
  // Increases with every change; persisted.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

  // ---------------------------------------------------------------- reads (thread-safe)
  TableDefPtr FindTable(std::string_view name) const;  // nullptr when absent
  TableDefPtr FindTableById(uint32_t id) const;
  std::vector<TableDefPtr> ListTables() const;  // ordered by name

  SinkDefPtr FindSink(std::string_view name) const;
  SinkDefPtr FindSinkById(uint32_t id) const;
  std::vector<SinkDefPtr> ListSinks() const;  // ordered by name
  std::vector<SinkDefPtr> SinksReadingTable(uint32_t table_id) const;

  RelationKind FindRelation(std::string_view name) const;

  SystemTableRegistry& system_tables() { return system_tables_; }
  const SystemTableRegistry& system_tables() const { return system_tables_; }

  // ---------------------------------------------------------------- changes
  // A new id for a table or a sink (never handed out twice once a write using it committed).
  Result<uint32_t> AllocateObjectId();

  // Creates a table from `def` (its id is allocated when 0; created_at_us and catalog_version
  // are set here), after def.Build(). 42P07 `relation "t" already exists` when a table or a
  // sink has the name.
  Result<TableDefPtr> CreateTable(TableDef def);
  // Drops a table with all its rows and change log, in one write. 42P01 when unknown; 2BP01
  // when a sink reads it (the message names the sink and says to drop it first). The caller
  // must keep writers of the table out while this runs (exec::TableLocks).
  Status DropTable(uint32_t table_id);

  // Adds a sink. def.id must come from AllocateObjectId() (0 allocates one); the table
  // def.from_table_id must exist (42P01). 42P07 when the name is taken.
  Result<SinkDefPtr> CreateSink(SinkDefinition def, const MetaCommit& commit = nullptr);
  // Replaces the definition of sink def.id (e.g. its state blob, or a rename). NotFound when
  // unknown; 42P07 when renamed onto a taken name.
  Status UpdateSink(SinkDefinition def, const MetaCommit& commit = nullptr);
  // Removes sink `id`. NotFound when unknown.
  Status DropSink(uint32_t id, const MetaCommit& commit = nullptr);

 private:
  struct State {
    std::map<std::string, TableDefPtr, std::less<>> tables;  // by name
    std::unordered_map<uint32_t, TableDefPtr> tables_by_id;
    std::map<std::string, SinkDefPtr, std::less<>> sinks;
    std::unordered_map<uint32_t, SinkDefPtr> sinks_by_id;
  };

  explicit Catalog(storage::Storage* storage);
  Status Load();
  std::shared_ptr<const State> Current() const;
  // Publishes `next` (under ddl_mu_) with version `version`.
  void Publish(std::shared_ptr<const State> next, uint64_t version);
  // Adds the version record to `batch` and returns the new version.
  uint64_t PutVersion(storage::WriteBatch* batch);
  Status CommitMeta(const storage::WriteBatch& batch, const MetaCommit& commit);
  bool NameTaken(const State& state, std::string_view name) const;

  storage::Storage* storage_;
  SystemTableRegistry system_tables_;
  std::mutex ddl_mu_;  // serializes changes
  mutable std::mutex state_mu_;
  std::shared_ptr<const State> state_;
  std::atomic<uint64_t> version_{0};
};

// Storage meta keys (exposed for tests and tools).
std::string TableMetaKey(uint32_t id);
std::string SinkMetaKey(uint32_t id);

// Registers rw_catalog.rw_tables, rw_catalog.rw_columns, information_schema.tables and
// information_schema.columns over `catalog` (Open() does this).
void RegisterBuiltinSystemTables(Catalog* catalog);

}  // namespace dynasink::catalog
