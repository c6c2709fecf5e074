#include "server/storage_metrics.h"

#include <cstdint>
#include <string_view>

namespace dynasink::server {

namespace {

struct StatSeries {
  std::string_view name;
  std::string_view help;
  bool counter;
  uint64_t storage::StorageStats::*field;
};

constexpr StatSeries kSeries[] = {
    {"dynasink_storage_commits_total", "Statements and cursor moves committed.", true,
     &storage::StorageStats::commits},
    {"dynasink_storage_commit_groups_total",
     "RocksDB writes issued by group-commit leaders (one per group of concurrent commits).", true,
     &storage::StorageStats::commit_groups},
    {"dynasink_storage_wal_syncs_total", "Commit groups that synced the write-ahead log.", true,
     &storage::StorageStats::wal_syncs},
    {"dynasink_storage_bytes_written_total", "Bytes of the commit groups' RocksDB writes.", true,
     &storage::StorageStats::bytes_written},
    {"dynasink_storage_bulk_writes_total",
     "Commit groups written as ingested SST files (large COPY or INSERT ... SELECT).", true,
     &storage::StorageStats::bulk_writes},
    {"dynasink_storage_log_entries_written_total", "Change-log entries written.", true,
     &storage::StorageStats::log_entries_written},
    {"dynasink_storage_log_values_written_total",
     "RocksDB values the change-log entries took (a pack holds a run of entries).", true,
     &storage::StorageStats::log_values_written},
    {"dynasink_storage_log_entries_skipped_total",
     "Change-log entries of tables that no sink reads, not written.", true,
     &storage::StorageStats::log_entries_skipped},
    {"dynasink_storage_log_truncations_total", "Truncations of the change log.", true,
     &storage::StorageStats::log_truncations},
    {"dynasink_storage_last_committed_seq", "Sequence number of the newest committed change.",
     false, &storage::StorageStats::last_committed_seq},
    {"dynasink_storage_max_group_commits", "The most commits one group has held so far.", false,
     &storage::StorageStats::max_group_commits},
};

}  // namespace

StorageMetrics::StorageMetrics(const storage::Storage& storage, metrics::Registry& registry)
    : registry_(registry) {
  const storage::Storage* s = &storage;
  for (const StatSeries& def : kSeries) {
    auto read = [s, field = def.field] { return static_cast<double>(s->GetStats().*field); };
    series_.push_back(def.counter ? registry_.AddCounterFunc(def.name, def.help, {}, read)
                                  : registry_.AddGaugeFunc(def.name, def.help, {}, read));
  }
}

StorageMetrics::~StorageMetrics() {
  for (const auto& series : series_)
    registry_.Remove(series.get());
}

}  // namespace dynasink::server
