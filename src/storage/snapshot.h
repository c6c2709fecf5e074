// Snapshot: a consistent, read-only view of every table as of one moment.
//
// Reads through a Snapshot (Storage::GetRow, Storage::NewRowIterator) see exactly the commits
// that were durable when it was taken, however many commits follow. A Snapshot pins old row
// versions, so release it (drop the last shared_ptr) when done; it must not outlive its Storage.
#pragma once

#include <cstdint>

namespace rocksdb {
class DB;
class Snapshot;
}  // namespace rocksdb

namespace dynasink::storage {

class Snapshot {
 public:
  Snapshot(rocksdb::DB* db, const rocksdb::Snapshot* snapshot, uint64_t seq, bool exact)
      : db_(db), snapshot_(snapshot), seq_(seq), exact_(exact) {}
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Every change-log entry with a sequence number <= seq() is in this snapshot. When exact(),
  // the snapshot holds precisely the commits up to seq(): every later commit has entries with
  // larger sequence numbers (or none). Otherwise later commits may be visible as well.
  uint64_t seq() const { return seq_; }
  bool exact() const { return exact_; }

  const rocksdb::Snapshot* rocksdb_snapshot() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  uint64_t seq_;
  bool exact_;
};

}  // namespace dynasink::storage
