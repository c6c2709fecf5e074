// The change log, read side: ChangeLogReader streams one table's change-log entries in sequence
// order, in bounded batches, and waits for new ones without polling.
//
// What the log holds. Every commit that changes a table appends, in the same atomic RocksDB
// write, one entry per changed row: Insert(row), Delete(row as it was), or an update's
// UpdateBefore(old row) and UpdateAfter(new row) at consecutive sequence numbers. Sequence
// numbers come from one global counter shared by all tables and are assigned in commit order,
// so within a table they increase but have gaps (the numbers other tables took). An entry is
// readable only once its commit is durable. (On disk, runs of consecutive entries share one
// value, a pack: see format.h. Readers see single entries either way.)
//
// Truncation removes entries at or below the slowest cursor; a few such entries may survive
// while they share a pack with later ones. A reader starts at its cursor, so it never sees them.
//
// Which tables have a log. Entries are written only for tables with at least one cursor
// (Storage::RegisterCursor*), unless StorageOptions::log_tables_without_cursors. A cursor's
// registration is atomic with respect to commits, so a reader that starts at its cursor sees
// every change after the registration point and nothing before it.
//
// Typical sink loop:
//
//   ChangeLogReader reader(storage, table, cursor.acked_seq);
//   ChangeBatch batch;
//   while (running) {
//     Status s = reader.ReadOrWait({.max_entries = 1000, .max_bytes = 4 << 20},
//                                  steady_clock::now() + 100ms, &batch);
//     if (!s.ok()) break;                       // Aborted: cancelled or storage closing
//     for (const ChangeLogEntry& e : batch) Deliver(e);
//     ...once delivered: storage.AdvanceCursor(cursor_id, batch.end_seq());
//   }
//
// Memory: a reader holds at most one batch (max_bytes plus one row); a backlog of any length
// stays on disk and is streamed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/change_op.h"

namespace dynasink::storage {

class Storage;
struct TableLog;

struct ChangeLogEntry {
  uint64_t seq;
  ChangeOp op;
  // Wall-clock time (Unix microseconds) at which the commit was written; for lag in seconds.
  int64_t commit_time_us;
  // The full encoded row. Points into the ChangeBatch: valid until its next Read or Clear.
  std::string_view row;
};

struct ReadLimits {
  // A batch holds at most max_entries entries and, except for its first entry, at most
  // max_bytes bytes of rows (a single larger row still comes alone, so the reader never stalls).
  size_t max_entries = 1024;
  size_t max_bytes = size_t{4} << 20;
};

// The result of one read: entries in sequence order plus the position reached. Reusable: its
// buffers keep their capacity across reads.
class ChangeBatch {
 public:
  const std::vector<ChangeLogEntry>& entries() const { return entries_; }
  std::vector<ChangeLogEntry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<ChangeLogEntry>::const_iterator end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const ChangeLogEntry& operator[](size_t i) const { return entries_[i]; }
  // Sum of the rows' sizes.
  size_t row_bytes() const { return arena_.size(); }

  // Every entry of the table with seq <= end_seq() has now been returned, by this read or an
  // earlier one. It is the last entry's seq when the read stopped at a limit, and can be larger
  // (up to the last committed seq) when the read reached the end of the log; so it is the value
  // to acknowledge in the cursor once every entry of the batch has been delivered, and it keeps
  // advancing while other tables commit, which is what FLUSH waits on.
  uint64_t end_seq() const { return end_seq_; }

  void Clear();

 private:
  friend class ChangeLogReader;
  std::string arena_;
  std::vector<ChangeLogEntry> entries_;
  std::vector<size_t> offsets_;
  uint64_t end_seq_ = 0;
};

// Reads one table's entries with seq > a starting point, forward. One thread uses a reader at a
// time, except Cancel(), which any thread may call. A reader must not outlive its Storage.
class ChangeLogReader {
 public:
  ChangeLogReader(Storage& storage, uint32_t table, uint64_t after_seq);
  ~ChangeLogReader();
  ChangeLogReader(const ChangeLogReader&) = delete;
  ChangeLogReader& operator=(const ChangeLogReader&) = delete;

  // Fills `out` (cleared first) with the next entries, without blocking. An empty batch means
  // the reader has caught up (out->end_seq() still advances). Errors: IOError, Corruption.
  Status Read(const ReadLimits& limits, ChangeBatch* out);

  // Blocks until the table may have entries after position(), the deadline passes, or the
  // reader is cancelled or the storage closes. A commit wakes waiters directly (no polling).
  // Returns OK (new entries), Timeout, or Aborted.
  Status Wait(std::chrono::steady_clock::time_point deadline);

  // Read(); if that finds nothing, Wait(deadline) and Read() again. OK with an empty batch when
  // the deadline passed; Aborted when cancelled or closing; other errors as Read().
  Status ReadOrWait(const ReadLimits& limits, std::chrono::steady_clock::time_point deadline,
                    ChangeBatch* out);

  // Repositions the reader: the next read returns entries with seq > after_seq.
  void Seek(uint64_t after_seq);

  // Every entry with seq <= position() has been returned (equals the last batch's end_seq()).
  uint64_t position() const { return position_; }
  uint32_t table() const { return table_; }

  // Wakes a Wait() in progress and makes every later Wait()/ReadOrWait() return Aborted.
  // Thread-safe. Used to stop a sink (DROP SINK, shutdown).
  void Cancel();

 private:
  bool WakeCondition() const;

  // An iterator kept between reads that stopped at a limit (more entries are known to follow).
  struct IteratorState;

  Storage& storage_;
  uint32_t table_;
  TableLog* log_;
  uint64_t position_;
  std::unique_ptr<IteratorState> iter_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace dynasink::storage
