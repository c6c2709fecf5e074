// RocksDB configuration. The choices, and why:
//  - Durability: WAL on, automatic WAL flush (manual_wal_flush off), every statement written with
//    sync=true by the group-commit leader; point-in-time recovery, so a torn tail write (a crash
//    mid-append) is dropped whole and never replayed in part.
//  - Memory: bounded memtables (per column family and in total, via a WriteBufferManager) and
//    one bounded block cache that also holds index and filter blocks, so neither a big table nor
//    a long change-log backlog grows RSS.
//  - Write speed: the leader is RocksDB's only regular writer, so memtable inserts are not
//    concurrent. A plain insert reuses the skiplist position of the previous one only when the
//    new key lands right after it (the change log's ascending seqs); any other key is searched
//    from the top. Row writes reach the memtable sorted by key (commit.cc), but the rows of
//    earlier statements lie between them, so the rows column family keeps an insert hint per
//    table (memtable_insert_with_hint_prefix_extractor, TablePrefixHint below): the search
//    resumes from the previous insert of that table and climbs only as far as the gap needs.
//    RocksDB 7.8 looks the hint up for range tombstones too, and would hand the point
//    skiplist's hint to the tombstone skiplist; our only range deletion on the rows column
//    family (DROP TABLE) starts at the bare 4-byte table prefix, which the extractor leaves out
//    of its domain, so tombstones never use a hint. The change log needs no hint (ascending
//    keys), and its truncations are range deletions over ordinary keys: it must not get one.
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>

#include "storage/format.h"
#include "storage/storage_impl.h"

namespace dynasink::storage {

namespace {

// The insert-hint prefix of a row key: its table. Keys of exactly kTablePrefixSize bytes (the
// start of DROP TABLE's range deletion) are out of the domain, see the comment at the top.
class TablePrefixHint final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "dynasink.TablePrefixHint"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), format::kTablePrefixSize);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return key.size() > format::kTablePrefixSize;
  }
};

bool Supported(rocksdb::CompressionType type) {
  const auto supported = rocksdb::GetSupportedCompressions();
  return std::find(supported.begin(), supported.end(), type) != supported.end();
}

rocksdb::ColumnFamilyOptions BaseCf(const StorageOptions& options,
                                    const std::shared_ptr<rocksdb::Cache>& cache, bool big,
                                    bool bloom) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = 16 * 1024;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.format_version = 5;
  // XXH3 block checksums: Debian's librocksdb is built without SSE4.2, so its CRC32C is the
  // table-driven one, several times slower. (The WAL's record checksums stay CRC32C.)
  table.checksum = rocksdb::kXXH3;
  if (bloom) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (bloom) {
    // Point lookups of keys that do not exist yet (every new row of an INSERT or COPY is looked
    // up to tell an insert from an overwrite) skip the memtables' skiplists: a whole-key bloom
    // filter of 2% of the memtable's size answers "not here" at once.
    cf.memtable_prefix_bloom_size_ratio = 0.02;
    cf.memtable_whole_key_filtering = true;
  }

  cf.level_compaction_dynamic_level_bytes = true;
  if (big) {
    cf.write_buffer_size = options.memtable_bytes;
    cf.max_write_buffer_number = 3;
    cf.target_file_size_base = 64 << 20;
    cf.max_bytes_for_level_base = 256 << 20;
  } else {
    // meta, cursors, system: a few KB that change rarely.
    cf.write_buffer_size = 4 << 20;
    cf.max_write_buffer_number = 2;
  }
  // The first levels are rewritten soon anyway; compress only what stays.
  const bool lz4 = Supported(rocksdb::kLZ4Compression);
  cf.compression_per_level.assign(7, rocksdb::kNoCompression);
  for (size_t i = 2; i < cf.compression_per_level.size(); ++i) {
    cf.compression_per_level[i] = lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  }
  return cf;
}

}  // namespace

void BuildRocksOptions(const StorageOptions& options, rocksdb::DBOptions* db,
                       std::vector<rocksdb::ColumnFamilyDescriptor>* column_families) {
  db->create_if_missing = options.create_if_missing;
  db->create_missing_column_families = true;
  db->manual_wal_flush = false;
  db->wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // Old WAL files are kept until every column family flushed past them; the small column
  // families would otherwise pin WALs for a long time.
  db->max_total_wal_size = 256 << 20;
  db->max_background_jobs = std::max(1, options.background_jobs);
  db->bytes_per_sync = 1 << 20;
  db->max_open_files = 1024;
  db->allow_concurrent_memtable_write = false;
  db->avoid_unnecessary_blocking_io = true;
  db->write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(options.total_memtable_bytes);
  db->info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db->keep_log_file_num = 3;
  db->max_log_file_size = 8 << 20;
  db->stats_dump_period_sec = 0;
  db->stats_persist_period_sec = 0;

  // Few shards: RocksDB's default (one per 512 KB) makes each shard about as small as the
  // filter block of one 32 MB table file, so filters evicted one another and every new-key
  // lookup of an INSERT read and checksummed a whole filter block again. Filters and indexes
  // go to the high-priority pool, so a scan or a change-log read does not push them out.
  rocksdb::LRUCacheOptions cache_options;
  cache_options.capacity = options.block_cache_bytes;
  cache_options.num_shard_bits = 2;
  cache_options.high_pri_pool_ratio = 0.5;
  auto cache = rocksdb::NewLRUCache(cache_options);
  column_families->clear();
  column_families->emplace_back(format::kSystemCf, BaseCf(options, cache, false, false));
  rocksdb::ColumnFamilyOptions rows = BaseCf(options, cache, true, true);
  rows.memtable_insert_with_hint_prefix_extractor = std::make_shared<TablePrefixHint>();
  column_families->emplace_back(format::kRowsCf, std::move(rows));
  column_families->emplace_back(format::kChangeLogCf, BaseCf(options, cache, true, false));
  column_families->emplace_back(format::kMetaCf, BaseCf(options, cache, false, false));
  column_families->emplace_back(format::kCursorsCf, BaseCf(options, cache, false, false));
}

}  // namespace dynasink::storage
