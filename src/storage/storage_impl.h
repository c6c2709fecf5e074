// Storage::Impl: the state behind Storage (internal to src/storage).
//
// Locks, in the order they may nest:
//   write_mu    held by a group-commit leader for its whole group (numbering, RocksDB write,
//               publication) and by cursor registration/deletion and exact snapshots, which
//               must not interleave with a group.
//   queue_mu    the queue of waiting commits.
//   tables_mu, cursors_mu, counters_mu, TableLog::mu, truncate_mu: leaves, held briefly.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/format.h"
#include "storage/storage.h"

namespace dynasink::storage {

// Converts a RocksDB status, prefixing the message with what we were doing.
Status FromRocks(const rocksdb::Status& s, std::string_view context);

// The RocksDB configuration for `options`: database options and the five column families of
// format.h, in the order kSystemCf, kRowsCf, kChangeLogCf, kMetaCf, kCursorsCf.
void BuildRocksOptions(const StorageOptions& options, rocksdb::DBOptions* db_options,
                       std::vector<rocksdb::ColumnFamilyDescriptor>* column_families);

// Per-table change-log state, created on first use and kept until close (so pointers to it
// stay valid for readers).
struct TableLog {
  // Seq of the newest entry written to this table's log (recovered from disk on open).
  std::atomic<uint64_t> last_seq{0};
  // Registered cursors on this table. Written under write_mu only, so a leader holding write_mu
  // sees a stable value while it decides whether to write the table's entries.
  int cursors = 0;
  // Everything up to here has been range-deleted (guarded by truncate_mu).
  uint64_t truncated_upto = 0;
  int64_t last_truncate_us = 0;
  // Waiters (ChangeLogReader::Wait) sleep on cv; the leader notifies after publishing.
  std::mutex mu;
  std::condition_variable cv;
};

struct CursorState {
  uint32_t table = 0;
  uint64_t acked_seq = 0;
};

struct CounterState {
  uint64_t next = 1;   // next id to hand out
  bool dirty = false;  // next - 1 not yet written by a commit group
};

// One Commit() call waiting in the group-commit queue (lives on the caller's stack).
struct Writer {
  const WriteBatch* batch = nullptr;
  bool sync = true;
  bool done = false;
  Status status;
  CommitResult result;
  std::condition_variable cv;
};

struct Storage::Impl {
  StorageOptions options;
  std::unique_ptr<rocksdb::Env> env;  // outlives db (declared before it)
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // owned; destroyed before db
  rocksdb::ColumnFamilyHandle* cf_system = nullptr;
  rocksdb::ColumnFamilyHandle* cf_rows = nullptr;
  rocksdb::ColumnFamilyHandle* cf_log = nullptr;
  rocksdb::ColumnFamilyHandle* cf_meta = nullptr;
  rocksdb::ColumnFamilyHandle* cf_cursors = nullptr;

  // ---- group commit
  std::mutex queue_mu;
  std::deque<Writer*> writers;
  std::mutex write_mu;
  uint64_t next_seq = 1;  // guarded by write_mu
  std::atomic<uint64_t> last_committed_seq{0};
  // Scratch reused by leaders (guarded by write_mu).
  rocksdb::WriteBatch group_batch;
  std::vector<Writer*> group;
  struct Touched {
    TableLog* log;
    uint64_t last_seq;
  };
  std::vector<Touched> touched;
  std::vector<std::pair<uint64_t, uint64_t>> acks;  // cursor, seq
  std::vector<uint32_t> dropped;
  std::vector<std::pair<uint64_t, uint64_t>> counter_writes;  // key, value
  rocksdb::Status emit_status;  // first failure appending to group_batch
  uint64_t bulk_files = 0;      // names the files of bulk writes
  // The run of consecutive entries of one table being gathered into one pack (format.h).
  struct PendingPack {
    uint32_t table = kInvalidTable;
    uint64_t last_seq = 0;
    ChangeOp first_op = ChangeOp::kInsert;  // a run of one is written as a plain entry
    std::string_view first_row;             // points into a batch of the group
    format::LogPackBuilder builder;
  } pack;
  // The group's row writes, gathered so that they reach group_batch in key order: the memtable's
  // skip list inserts a run of ascending keys next to the previous one, while keys in arbitrary
  // order (a COPY of unsorted keys) each cost a search from the top, with a cache miss per level.
  struct RowWrite {
    uint32_t table;
    bool is_delete;
    std::string_view pk;   // point into the group's batches, alive until the group is written
    std::string_view row;  // empty for a delete
  };
  std::vector<RowWrite> row_writes;
  void Check(const rocksdb::Status& s) {
    if (!s.ok() && emit_status.ok()) emit_status = s;
  }

  // ---- per-table log state
  mutable std::shared_mutex tables_mu;
  std::unordered_map<uint32_t, std::unique_ptr<TableLog>> tables;

  // ---- cursors
  mutable std::mutex cursors_mu;
  std::unordered_map<uint64_t, CursorState> cursors;

  // ---- id counters, keyed (table << 32 | counter)
  std::mutex counters_mu;
  std::map<uint64_t, CounterState> counters;
  std::vector<uint64_t> dirty_counters;

  // ---- truncation
  std::mutex truncate_mu;
  std::thread background;
  std::mutex background_mu;
  std::condition_variable background_cv;
  bool stopping = false;  // guarded by background_mu
  std::atomic<bool> closing{false};

  // ---- stats
  std::atomic<uint64_t> stat_commits{0};
  std::atomic<uint64_t> stat_groups{0};
  std::atomic<uint64_t> stat_syncs{0};
  std::atomic<uint64_t> stat_bytes{0};
  std::atomic<uint64_t> stat_log_written{0};
  std::atomic<uint64_t> stat_log_values{0};
  std::atomic<uint64_t> stat_log_skipped{0};
  std::atomic<uint64_t> stat_max_group{0};
  std::atomic<uint64_t> stat_truncations{0};
  std::atomic<uint64_t> stat_bulk_writes{0};

  ~Impl();

  // The table's log state, created on first use.
  TableLog* GetTable(uint32_t table);
  // nullptr when the table has never been seen.
  TableLog* FindTable(uint32_t table) const;

  // Queues `batch` and returns once it is durable (or failed), leading a group when first.
  Status CommitQueued(const WriteBatch& batch, bool sync, CommitResult* result);
  // The leader's work for the chosen group (holding write_mu).
  void RunGroup();
  // Appends one commit's records to group_batch; advances *seq past its entries.
  void EmitBatch(const WriteBatch& batch, int64_t now_us, uint64_t* seq);
  // Writes `batch` as ingested SST files when it qualifies (StorageOptions::bulk_write_bytes):
  // true once written, false when it does not qualify (nothing was done).
  Result<bool> TryBulkWrite(rocksdb::WriteBatch* batch);
  std::string BulkDir() const;
  void RemoveBulkLeftovers();
  // Adds entry `seq` of `table` to the pending pack, writing the pack first when the entry
  // cannot join it (another table, a gap in seqs, or the pack is full).
  void PackEntry(uint32_t table, uint64_t seq, ChangeOp op, std::string_view row, int64_t now_us);
  // Writes the pending pack (if any) to group_batch.
  void FlushPack();
  // Writes the gathered row writes to group_batch, sorted by key (stable, so that of two writes
  // to one key the later stays later and wins).
  void FlushRowWrites();
  Status CheckCursorAcks(const WriteBatch& batch);

  // Counters: the leader persists dirty high-water marks in its group's write.
  void EmitCounters();
  void CountersWriteFailed();
  void ForgetTableCounters(uint32_t table);

  Status Recover();
  Status TruncateLogs(bool force);
  void BackgroundLoop();
  void Close();
};

}  // namespace dynasink::storage
