// DML execution: INSERT (and COPY), UPDATE and DELETE over storage, each statement one atomic,
// durable storage commit that also carries the statement's change-log entries with full rows.
//
// What reaches the change log (COMPATIBILITY.md section 6):
//  - INSERT of a new key: Insert(row).
//  - INSERT of an existing key into a table with ON CONFLICT OVERWRITE (the default):
//    UpdateBefore(old row), UpdateAfter(new row). Within one statement the last row of a key
//    wins and the log holds one change for it (from the state before the statement).
//  - ON CONFLICT DO NOTHING: the first row of a key wins; nothing is logged for ignored rows.
//  - ON CONFLICT DO UPDATE IF NOT NULL: like overwrite, but NULLs of the new row keep the old
//    values.
//  - UPDATE: UpdateBefore(old), UpdateAfter(new). Assigning a key column is refused, as in
//    RisingWave (0A000 `update modifying the PK column is unsupported`).
//  - DELETE: Delete(old row).
// Storage writes log entries only for tables with a cursor; the executor always appends them.
//
// Concurrency: a statement locks what it reads before writing (TableLocks) from its first read
// until its commit returns. A statement of up to TableLocks::kMaxKeyLocks known keys locks
// those keys; larger ones lock the table.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/result.h"
#include "exec/cancel.h"
#include "exec/expr.h"
#include "exec/operator.h"
#include "exec/table_locks.h"
#include "storage/storage.h"

namespace dynasink::exec {

// What a DML statement needs from its session and the engine.
struct DmlContext {
  storage::Storage* storage = nullptr;
  const catalog::Catalog* catalog = nullptr;  // to recheck the table once locked
  TableLocks* locks = nullptr;
  storage::WriteBatch* batch = nullptr;  // reused by the session; cleared before use
  const CancelToken* cancel = nullptr;
  EvalContext eval;
};

struct DmlResult {
  // The count of the command tag: rows updated or deleted; for INSERT every row given, as
  // RisingWave counts (a row folded into another of the same key, or ignored by DO NOTHING,
  // counts too).
  uint64_t rows = 0;
  storage::CommitResult commit;
};

// Accumulates the rows of one INSERT (or COPY) and commits them as one statement.
//
// Rows are checked and encoded as they are added (Add), so a bad row fails early, and each is
// appended to the write batch at once as an insert: the batch is the only copy of the rows.
// Tables with a hidden row id (and append-only tables) need nothing more. For tables with a
// primary key, Commit() locks, then looks for stored rows with the statement's keys (one seek
// when the keys lie beyond the stored ones, as in a bulk load; else MultiGetRows in batches).
// When no key exists and no key repeated within the statement (the usual bulk load), the batch
// is committed as it is; otherwise it is rebuilt with the right insert / overwrite / ignore
// per key.
class InsertWriter {
 public:
  // `generate[i]` marks serial columns whose value is generated for every row (omitted from
  // the column list); the hidden row id is always generated. With `collect`, the rows that
  // were written are kept for RETURNING.
  InsertWriter(const DmlContext& ctx, catalog::TableDefPtr table, std::vector<bool> generate = {},
               bool collect = false);
  ~InsertWriter();

  // One row with a value per table column (hidden ones included), each NULL or of the
  // column's type. Generated columns are filled in; 23502 for a NULL in a NOT NULL column.
  // `row` may be modified.
  Status Add(types::Row& row);
  // Same, with a per-row override of `generate` (INSERT ... VALUES with DEFAULT in some rows).
  Status Add(types::Row& row, const std::vector<bool>& generate);

  // A hint: about this many rows will be added (sizes the blocks of generated ids).
  void ExpectRows(size_t rows);

  // Locks, resolves conflicts, commits. Call once.
  Result<DmlResult> Commit();

  // Rows actually written (after Commit), when `collect` was set.
  std::vector<types::Row>& written_rows() { return written_; }
  size_t pending_rows() const { return added_; }

 private:
  struct Pending;
  struct Conflict;
  Status Generate(types::Row& row, const std::vector<bool>& generate);
  Status AddKeyed(const types::Row& row);
  void Append();  // key_buf_ and row_buf_ as a new pending entry (and insert in the batch)
  Status CheckNotNull(const types::Row& row) const;
  // A pending entry's key and current row, read from `batch` (the one the entry was appended
  // to) or from the arena (rows replaced by a later row of the same key).
  std::string_view KeyOf(const Pending& p, const storage::WriteBatch& batch) const;
  std::string_view RowOf(const Pending& p, const storage::WriteBatch& batch) const;
  size_t Find(std::string_view key, uint64_t hash) const;
  // Adds pending entry `entry` to the index (its key's hash when the caller has it).
  void Index(size_t entry, std::optional<uint64_t> hash = std::nullopt);
  Status MergeIfNotNull(std::string_view old_row, std::string_view new_row, std::string* out);
  // Commit's steps for keyed tables: whether stored rows may share keys with pending ones, the
  // stored rows of pending keys, and rewriting the batch when it cannot stay as it is.
  Result<bool> MayConflict();
  Status FindConflicts(std::vector<Conflict>* conflicts);
  Status Rebuild(std::vector<Conflict>& conflicts);
  // Appends one change (an update when `before` is given) and remembers the row for RETURNING.
  Status Emit(std::string_view key, std::string_view row, const std::string* before);
  Status Collect(std::string_view row);

  DmlContext ctx_;
  catalog::TableDefPtr table_;
  std::vector<bool> generate_;
  bool collect_;
  bool keyed_;  // the table has a declared key that inserts must check
  size_t added_ = 0;
  std::vector<types::Row> written_;
  // Id blocks allocated ahead: [next, end) per counter, and the size of the next block.
  std::vector<std::pair<uint64_t, uint64_t>> id_blocks_;
  uint64_t next_block_ = 1;
  std::string key_buf_, row_buf_;
  // Keyed tables: the pending entries, one per distinct key, in the order of their first row;
  // their keys and first rows are in the write batch. A later row of the same key replaces
  // the entry's row with a copy in the arena, whose blocks never move, and leaves the batch
  // stale (`rebuild_`).
  class Arena {
   public:
    std::string_view Append(std::string_view bytes);

   private:
    static constexpr size_t kBlockBytes = size_t{1} << 20;
    std::vector<std::unique_ptr<char[]>> blocks_;
    size_t used_ = 0, capacity_ = 0;
  };
  Arena arena_;
  std::vector<Pending> pending_;
  bool rebuild_ = false;
  // Duplicate detection: none while keys arrive sorted; then a linear search for small
  // statements and an open-addressing index by key hash (entry + 1; 0 is empty).
  bool sorted_ = true;
  // A slot holds the upper 32 bits of the key's hash (so that a probe looks at a pending entry
  // only when they match) above entry + 1.
  std::vector<uint64_t> slots_;
  std::string min_key_, max_key_;  // the range of pending keys
};

// UPDATE t SET col = expr, ... WHERE ...
struct UpdateSpec {
  catalog::TableDefPtr table;
  KeyAccess access;  // the rows to visit (the planner narrows it from WHERE)
  ExprPtr where;     // null: every visited row; evaluated over the table row
  // Column index (never a key column) and the new value (of the column's type), evaluated
  // over the old row.
  std::vector<std::pair<int, ExprPtr>> assignments;
};
// With `returned`, the new rows are appended to it.
Result<DmlResult> ExecuteUpdate(const DmlContext& ctx, const UpdateSpec& spec,
                                std::vector<types::Row>* returned = nullptr);

// DELETE FROM t WHERE ...
struct DeleteSpec {
  catalog::TableDefPtr table;
  KeyAccess access;
  ExprPtr where;
};
// With `returned`, the deleted rows are appended to it.
Result<DmlResult> ExecuteDelete(const DmlContext& ctx, const DeleteSpec& spec,
                                std::vector<types::Row>* returned = nullptr);

// 23502 `null value in column "x" of relation "t" violates not-null constraint` with
// PostgreSQL's DETAIL line.
Status NotNullViolation(const catalog::TableDef& table, size_t column, const types::Row& row);

}  // namespace dynasink::exec
