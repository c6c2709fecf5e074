// StorageOptions: how Storage::Open() configures RocksDB and the storage layer's own machinery.
//
// The defaults bound memory (memtables and block cache) so that a large change-log backlog lives
// on disk, not in RAM: with the defaults the storage layer stays well under 200 MB however long
// the log grows.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace dynasink::storage {

struct StorageOptions {
  // The database directory (created if missing when create_if_missing).
  std::string path;
  bool create_if_missing = true;

  // Memory bounds. Each of the two big column families (rows, changelog) gets memtables of
  // memtable_bytes (up to 3 of them while flushing); all memtables together are capped at
  // total_memtable_bytes, beyond which the largest is flushed.
  size_t memtable_bytes = size_t{32} << 20;
  size_t total_memtable_bytes = size_t{96} << 20;
  // One LRU cache for data, index and filter blocks of every column family.
  size_t block_cache_bytes = size_t{32} << 20;
  // RocksDB flush and compaction threads.
  int background_jobs = 2;

  // Group commit: a leader takes queued commits into its group while the group stays under
  // this many bytes (the first commit is always taken, whatever its size).
  size_t max_group_bytes = size_t{8} << 20;

  // WAL files are extended this many bytes at a time with written zeros, so that the sync ending
  // each commit overwrites instead of appending (see wal_file_system.h). 0: plain appends.
  size_t wal_zero_step_bytes = size_t{4} << 20;

  // A commit group whose RocksDB batch reaches this many bytes and holds only row and change-log
  // writes (a large COPY or INSERT ... SELECT) is written as SST files ingested atomically,
  // instead of through the WAL and the memtables (see bulk_write.cc). 0 turns this off.
  size_t bulk_write_bytes = size_t{16} << 20;

  // Change-log entries of a table that has no cursor are not written: nobody can read them, and
  // a cursor registered later starts at or after the moment of its registration (see
  // Storage::RegisterCursor*). Set this to write every entry anyway (they are then truncated
  // like the rest); useful to measure the cost of the log or to inspect it.
  bool log_tables_without_cursors = false;

  // Background truncation of the change log: every truncate_interval, each table's log is cut
  // up to its slowest cursor when that frees at least truncate_min_seqs sequence numbers, or
  // when the last cut is older than truncate_max_delay. Zero interval: no background thread
  // (Storage::TruncateLogs() still works on demand).
  std::chrono::milliseconds truncate_interval{1000};
  uint64_t truncate_min_seqs = 65536;
  std::chrono::milliseconds truncate_max_delay{10000};

  // Test hooks; never set in production.
  struct TestHooks {
    // Runs in a group-commit leader once it leads, before it chooses its group (a delay here
    // lets followers queue up, so tests can observe grouping deterministically).
    std::function<void()> before_group_write;
  };
  TestHooks test_hooks;
};

}  // namespace dynasink::storage
