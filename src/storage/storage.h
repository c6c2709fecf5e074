// Storage: dynasink's durable state in one RocksDB database: table rows, the change log,
// sink cursors, id counters and the catalog's metadata. Byte-oriented: it never decodes a key
// or a row. On-disk layout: storage/format.h. Overview: docs/internals/storage.md.
//
// Contracts:
//  - Durable on return. Commit() writes a statement's rows, change-log entries and metadata in
//    one atomic RocksDB write whose WAL is synced before Commit() returns OK. After a crash
//    (kill -9 included) every acknowledged commit is present and no commit is partly present.
//  - Group commit. Concurrent Commit() calls queue up; the first in line leads, takes the queue
//    into one RocksDB write with one WAL sync, and wakes the others. Durability costs one sync
//    per group, not per statement (see GetStats()).
//  - Commit order = sequence order. The leader numbers change-log entries from one global
//    uint64 counter in queue order, so sequence numbers order commits across all tables.
//  - Snapshot then changes. RegisterCursorWithSnapshot() is atomic with respect to commits: the
//    snapshot holds exactly the commits up to its seq(), and the new cursor starts there, so a
//    backfill that scans the snapshot and then tails the log from seq()+1 misses nothing and
//    repeats nothing.
//  - The log is truncated up to the slowest cursor of each table, never past it. A table without
//    cursors writes no log at all (StorageOptions::log_tables_without_cursors), yet its commits
//    take sequence numbers like any other.
//
// Thread-safety: every method may be called from any thread. Concurrent statements are not
// isolated from each other: a statement that reads rows and then writes (UPDATE, an INSERT that
// overwrites) must be serialized by its caller against other writers of the same rows, from its
// first read until Commit() returns, or its change-log before-images may be stale.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "storage/change_log.h"
#include "storage/options.h"
#include "storage/row_iterator.h"
#include "storage/snapshot.h"
#include "storage/write_batch.h"

namespace dynasink::storage {

struct CommitResult {
  // The batch's change-log entries took [first_seq, last_seq]. With no entries, first_seq is 0
  // and last_seq is the last seq committed before this commit.
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
};

// A key range of one table, in primary-key bytes.
struct RowRange {
  std::string_view start;               // inclusive; empty: the table's first row
  std::optional<std::string_view> end;  // exclusive; nullopt: through the table's last row
};

struct CursorInfo {
  uint64_t cursor = 0;
  uint32_t table = 0;
  // The last seq acknowledged: the consumer has processed every entry of `table` up to here.
  uint64_t acked_seq = 0;
};

// Monotonic counters since Open().
struct StorageStats {
  uint64_t commits = 0;              // successful Commit()s (cursor advances included)
  uint64_t commit_groups = 0;        // RocksDB writes issued by group-commit leaders
  uint64_t wal_syncs = 0;            // of those, the ones that synced the WAL
  uint64_t bytes_written = 0;        // RocksDB batch bytes written by the leaders
  uint64_t log_entries_written = 0;  // change-log entries written
  uint64_t log_values_written = 0;   // RocksDB values they took (a pack holds a run of entries)
  uint64_t log_entries_skipped = 0;  // entries of tables without cursors, not written
  uint64_t max_group_commits = 0;    // the largest group seen
  uint64_t log_truncations = 0;      // range deletions of change-log entries
  uint64_t bulk_writes = 0;          // groups written as ingested SST files
  uint64_t last_committed_seq = 0;
};

class Storage {
 public:
  // Opens (or creates) the database, recovers the sequence counter, cursors and id counters,
  // and starts the background truncation thread. IOError if the directory is in use by another
  // process; Corruption or NotSupported for an unreadable or foreign database.
  static Result<std::unique_ptr<Storage>> Open(const StorageOptions& options);

  // Begins closing: stops the background thread, makes every ChangeLogReader::Wait in progress
  // or to come return Aborted, and refuses new commits (Aborted). Call it, then join the threads
  // that use this Storage, then destroy it. Idempotent; the destructor calls it too.
  void Shutdown();
  // Every other call, Commit() included, must have returned; snapshots, iterators and readers
  // must be gone.
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // ---------------------------------------------------------------- writes

  // Commits `batch` atomically and durably (see the contracts above). An empty batch commits
  // nothing and returns at once. InvalidArgument for a batch using table id 0xFFFFFFFF or a
  // key, row or value of 4 GiB or more; Aborted after Shutdown(); IOError when the write fails, in
  // which case nothing of the batch was written (RocksDB then refuses further writes until
  // reopened).
  Result<CommitResult> Commit(const WriteBatch& batch);

  // ---------------------------------------------------------------- rows

  // Point read. *found tells whether the row exists; *row receives it when it does.
  // `snapshot` nullptr reads the latest committed state.
  Status GetRow(uint32_t table, std::string_view pk, std::string* row, bool* found,
                const Snapshot* snapshot = nullptr);
  // Batched point reads (faster than a loop of GetRow for many keys). Resizes rows and found
  // to pks.size().
  Status MultiGetRows(uint32_t table, std::span<const std::string_view> pks,
                      std::vector<std::string>* rows, std::vector<bool>* found,
                      const Snapshot* snapshot = nullptr);
  // An ordered scan of `range`, over `snapshot` or the latest state.
  std::unique_ptr<RowIterator> NewRowIterator(uint32_t table, const RowRange& range = {},
                                              const Snapshot* snapshot = nullptr);

  // A consistent view for reads. With exact = false it is immediate and seq() is a lower bound
  // (commits up to seq() are in it, later ones may be). With exact = true it waits for the
  // commit in progress, if any (up to one WAL sync), and holds precisely the commits up to
  // seq().
  std::shared_ptr<const Snapshot> GetSnapshot(bool exact = false);

  // Approximate bytes of a table's rows on disk and in memtables (for backfill progress).
  uint64_t ApproximateTableBytes(uint32_t table);

  // ---------------------------------------------------------------- catalog metadata

  // The meta column family is the catalog's own keyspace: keys and values are opaque. For
  // writes that must be atomic with rows (DDL), use WriteBatch::PutMeta/DeleteMeta.
  Result<std::optional<std::string>> GetMeta(std::string_view key);
  // Every pair whose key starts with `prefix` (all of them for ""), in key order.
  Result<std::vector<std::pair<std::string, std::string>>> ScanMeta(std::string_view prefix);
  Status PutMeta(std::string_view key, std::string_view value);  // one durable commit
  Status DeleteMeta(std::string_view key);                       // one durable commit

  // ---------------------------------------------------------------- id counters

  // Reserves `count` consecutive ids from counter (table, counter) and returns the first;
  // counters start at 1. For hidden row ids and serial columns (and, with a table id of the
  // catalog's choosing, for catalog ids). In memory and without I/O: the counter's high-water
  // mark is persisted by the next commit group, in the same atomic write, so every id stored by
  // a committed write is below the recovered counter. After a crash, ids handed out but never
  // committed may be handed out again; ids that reached a committed write never are. Ids can
  // skip. OutOfRange when the counter would pass 2^64-1; InvalidArgument for count 0.
  Result<uint64_t> AllocateIds(uint32_t table, uint32_t counter, uint64_t count);

  // ---------------------------------------------------------------- change log

  // The seq of the last durable commit (0 for an empty database). Every entry with a smaller or
  // equal seq is readable.
  uint64_t LastCommittedSeq() const;
  // The seq of the newest entry written to `table`'s log (0 if none since the log was empty).
  uint64_t TableLastSeq(uint32_t table) const;

  // ---------------------------------------------------------------- cursors
  //
  // A cursor is a consumer's durable position in one table's log (one per sink): the last seq
  // it acknowledged. It pins the log: entries after the slowest cursor of a table are kept.
  // Registration and deletion are atomic with respect to commits. `with`, when given, may only
  // hold metadata writes (PutMeta/DeleteMeta), committed in the same write as the cursor, so
  // that a sink's catalog entry and its cursor appear and disappear together (InvalidArgument
  // otherwise).

  // Registers `cursor` on `table` with acked_seq = `acked_seq`; the consumer then reads entries
  // after it. FailedPrecondition when the log no longer holds every entry after acked_seq (it
  // must be >= the slowest existing cursor of the table, or >= LastCommittedSeq() when the table
  // has none); InvalidArgument when acked_seq > LastCommittedSeq(); AlreadyExists.
  Status RegisterCursor(uint64_t cursor, uint32_t table, uint64_t acked_seq,
                        const WriteBatch* with = nullptr);
  // Registers `cursor` at LastCommittedSeq() (changes from now on) and returns that seq.
  Result<uint64_t> RegisterCursorAtLatest(uint64_t cursor, uint32_t table,
                                          const WriteBatch* with = nullptr);
  // Registers `cursor` at LastCommittedSeq() and returns an exact snapshot of that same point:
  // scan `table` in the snapshot, then read the log after snapshot->seq().
  Result<std::shared_ptr<const Snapshot>> RegisterCursorWithSnapshot(
      uint64_t cursor, uint32_t table, const WriteBatch* with = nullptr);

  // Moves the cursor forward to acked_seq (typically ChangeBatch::end_seq() once delivered).
  // With sync, returns once durable (group-committed with other writes); without, the write
  // reaches the WAL but not necessarily the disk: a crash may move the cursor back, which only
  // re-delivers changes. A cursor never moves back: InvalidArgument for acked_seq below the
  // cursor or above LastCommittedSeq(); NotFound for an unknown cursor. One thread per cursor.
  Status AdvanceCursor(uint64_t cursor, uint64_t acked_seq, bool sync = true);
  // Removes the cursor; the table's log may then be truncated further. NotFound if unknown.
  Status DeleteCursor(uint64_t cursor, const WriteBatch* with = nullptr);
  Result<CursorInfo> GetCursor(uint64_t cursor) const;
  std::vector<CursorInfo> ListCursors() const;

  // Truncates every table's log now, up to its slowest cursor (everything committed for a table
  // without cursors), ignoring the background thresholds. The background thread does the same
  // periodically (StorageOptions::truncate_*).
  Status TruncateLogs();

  StorageStats GetStats() const;

 private:
  friend class ChangeLogReader;
  struct Impl;  // defined in storage/storage_impl.h (internal)
  explicit Storage(std::unique_ptr<Impl> impl);

  Result<uint64_t> RegisterCursorImpl(uint64_t cursor, uint32_t table, int mode, uint64_t acked_seq,
                                      const WriteBatch* with,
                                      std::shared_ptr<const Snapshot>* snapshot);

  std::unique_ptr<Impl> impl_;
};

}  // namespace dynasink::storage
