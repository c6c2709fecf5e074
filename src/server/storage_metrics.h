// StorageMetrics: the storage layer's commit statistics (storage::StorageStats) as Prometheus
// series on `dynasink serve --metrics`, read from the storage at each scrape.
//
//   dynasink_storage_commits_total             statements (and cursor moves) committed
//   dynasink_storage_commit_groups_total       RocksDB writes by group-commit leaders
//   dynasink_storage_wal_syncs_total           of those, the ones that synced the WAL
//   dynasink_storage_bytes_written_total       bytes of those writes
//   dynasink_storage_bulk_writes_total         groups written as ingested SST files
//   dynasink_storage_log_entries_written_total change-log entries written ...
//   dynasink_storage_log_values_written_total  ... and the RocksDB values they took (packs)
//   dynasink_storage_log_entries_skipped_total entries of tables no sink reads, not written
//   dynasink_storage_log_truncations_total     change-log truncations
//   dynasink_storage_last_committed_seq        gauge: the newest committed change
//   dynasink_storage_max_group_commits         gauge: the largest commit group so far
//
// commits / commit_groups is the group-commit fan-in; wal_syncs against commits is what
// durability costs. The series hold a pointer to the Storage: destroy this object first.
#pragma once

#include <memory>
#include <vector>

#include "common/metrics.h"
#include "storage/storage.h"

namespace dynasink::server {

class StorageMetrics {
 public:
  StorageMetrics(const storage::Storage& storage, metrics::Registry& registry);
  ~StorageMetrics();  // removes the series
  StorageMetrics(const StorageMetrics&) = delete;
  StorageMetrics& operator=(const StorageMetrics&) = delete;

 private:
  metrics::Registry& registry_;
  std::vector<std::shared_ptr<metrics::ReadAtScrape>> series_;
};

}  // namespace dynasink::server
