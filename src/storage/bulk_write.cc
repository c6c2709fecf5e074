// Bulk commits: a commit group too large for the WAL-and-memtable path to be cheap is written as
// SST files that RocksDB ingests atomically.
//
// Why. A COPY of a million rows is one statement, so one commit: through the normal path its
// whole batch is appended to the WAL (checksummed with Debian's portable, table-driven CRC32C),
// every row and log value is inserted into a skiplist memtable, and later the memtables are
// flushed, i.e. written again. Sorting the rows and writing them straight to an SST file does
// the work once, after which the file is linked into the tree.
//
// How it stays one atomic, durable write:
//  1. The group's system records (sys/last_seq and id-counter high-water marks) go first, in an
//     ordinary synced write. If we crash after it, sequence numbers and ids are merely skipped,
//     which is harmless: no entry carries them, and counters only need to never go back.
//  2. The rows and the change-log values go to one SST file per column family (sorted; for a
//     key written twice in the group, the last write wins as it would in a WriteBatch), each
//     synced by SstFileWriter::Finish.
//  3. IngestExternalFiles() adds both files in one atomic version edit (all or nothing, also
//     across a crash) with a sequence number above everything written before, so the ingested
//     rows override older versions exactly as a normal write would. If the files overlap what
//     the memtables hold, RocksDB flushes those first.
// Only a group of plain puts to the rows, change-log and system column families qualifies;
// anything else (deletions, range deletions, metadata, cursors) takes the normal path.
#include <fmt/format.h>
#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/logging.h"
#include "storage/storage_impl.h"

namespace dynasink::storage {

namespace {

struct KeyValue {
  rocksdb::Slice key;
  rocksdb::Slice value;
};

// Which of the three column families a record goes to.
enum Target { kRows = 0, kLog = 1, kSystem = 2, kTargets = 3 };

// Walks a batch's records by column family. It refuses (and stops the walk) at the first record
// that is not a put to the rows, change-log or system column family, and hands every put to
// `put`. Deletions and every other kind of record refuse.
template <typename OnPut>
class Splitter : public rocksdb::WriteBatch::Handler {
 public:
  Splitter(const uint32_t (&ids)[kTargets], OnPut put) : put_(std::move(put)) {
    std::copy(std::begin(ids), std::end(ids), ids_);
  }

  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    for (int t = 0; t < kTargets; ++t) {
      if (ids_[t] == cf) return put_(static_cast<Target>(t), key, value);
    }
    return Refuse();
  }
  rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice&) override { return Refuse(); }
  rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override { return Refuse(); }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return Refuse();
  }
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return Refuse();
  }
  rocksdb::Status PutBlobIndexCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return Refuse();
  }
  rocksdb::Status PutEntityCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return Refuse();
  }
  void LogData(const rocksdb::Slice&) override {}

  bool refused = false;

 private:
  rocksdb::Status Refuse() {
    refused = true;
    return rocksdb::Status::Aborted("not a bulk batch");
  }
  uint32_t ids_[kTargets];
  OnPut put_;
};

template <typename OnPut>
Splitter<OnPut> MakeSplitter(const uint32_t (&ids)[kTargets], OnPut put) {
  return Splitter<OnPut>(ids, std::move(put));
}

// Sorts by key; of equal keys only the last written stays (the WriteBatch rule).
void SortKeepingLast(std::vector<KeyValue>* puts) {
  std::stable_sort(puts->begin(), puts->end(),
                   [](const KeyValue& a, const KeyValue& b) { return a.key.compare(b.key) < 0; });
  size_t out = 0;
  for (size_t i = 0; i < puts->size(); ++i) {
    if (i + 1 < puts->size() && (*puts)[i + 1].key == (*puts)[i].key) continue;
    (*puts)[out++] = (*puts)[i];
  }
  puts->resize(out);
}

}  // namespace

std::string Storage::Impl::BulkDir() const {
  return options.path + "/bulk";
}

void Storage::Impl::RemoveBulkLeftovers() {
  // Files of a bulk write that a crash interrupted before ingestion: never part of the tree.
  std::error_code ec;
  std::filesystem::remove_all(BulkDir(), ec);
  if (ec) DS_LOG_WARN("storage", "removing {}: {}", BulkDir(), ec.message());
}

Result<bool> Storage::Impl::TryBulkWrite(rocksdb::WriteBatch* batch) {
  if (options.bulk_write_bytes == 0 || batch->GetDataSize() < options.bulk_write_bytes) {
    return false;
  }
  const uint32_t ids[kTargets] = {cf_rows->GetID(), cf_log->GetID(), cf_system->GetID()};
  rocksdb::ColumnFamilyHandle* const handles[kTargets] = {cf_rows, cf_log, cf_system};

  // Pass 1: does it qualify, how many puts go where, and are they already in key order (a load
  // sorted by primary key, and the log always)? It also gathers the few system records. Then
  // pass 2 streams the rows and log values into the files.
  size_t count[kTargets] = {0, 0, 0};
  bool sorted[kTargets] = {true, true, true};
  rocksdb::Slice last[kTargets];
  rocksdb::WriteBatch system;
  auto survey =
      MakeSplitter(ids, [&](Target t, const rocksdb::Slice& key, const rocksdb::Slice& value) {
        if (count[t] > 0 && key.compare(last[t]) <= 0) sorted[t] = false;
        last[t] = key;
        ++count[t];
        return t == kSystem ? system.Put(cf_system, key, value) : rocksdb::Status::OK();
      });
  rocksdb::Status rs = batch->Iterate(&survey);
  if (survey.refused) return false;
  if (!rs.ok()) return FromRocks(rs, "storage: reading a bulk batch");
  if (count[kRows] == 0 && count[kLog] == 0) return false;

  // 1. System records, synced, before anything that depends on them.
  if (count[kSystem] > 0) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rs = db->Write(wo, &system);
    if (!rs.ok()) return FromRocks(rs, "storage: bulk write of the sequence and id counters");
  }

  // 2. One sorted, synced SST file per column family.
  std::error_code ec;
  std::filesystem::create_directories(BulkDir(), ec);
  if (ec) {
    return Status::IOError(fmt::format("storage: creating {}: {}", BulkDir(), ec.message()));
  }
  const uint64_t id = ++bulk_files;
  std::unique_ptr<rocksdb::SstFileWriter> writers[2];
  std::string paths[2];
  auto open = [&](Target t) -> rocksdb::Status {
    if (count[t] == 0) return rocksdb::Status::OK();
    rocksdb::Options file_options = db->GetOptions(handles[t]);
    // These files become level-0 or level-1 files, which the column families keep uncompressed.
    file_options.compression = rocksdb::kNoCompression;
    file_options.compression_per_level.clear();
    writers[t] =
        std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), file_options, handles[t]);
    paths[t] = fmt::format("{}/{}-{}.sst", BulkDir(), t == kRows ? "rows" : "changelog", id);
    return writers[t]->Open(paths[t]);
  };
  auto remove_files = [&] {
    for (const std::string& path : paths) {
      if (!path.empty()) std::filesystem::remove(path, ec);  // gone if RocksDB moved it in
    }
  };
  rs = open(kRows);
  if (rs.ok()) rs = open(kLog);
  if (rs.ok()) {
    // What is in key order streams straight into its file; the rest is gathered and sorted.
    std::vector<KeyValue> gathered[2];
    for (int t = 0; t < 2; ++t) {
      if (!sorted[t]) gathered[t].reserve(count[t]);
    }
    auto fill =
        MakeSplitter(ids, [&](Target t, const rocksdb::Slice& key, const rocksdb::Slice& value) {
          if (t == kSystem) return rocksdb::Status::OK();
          if (sorted[t]) return writers[t]->Put(key, value);
          gathered[t].push_back({key, value});
          return rocksdb::Status::OK();
        });
    rs = batch->Iterate(&fill);
    for (int t = 0; t < 2 && rs.ok(); ++t) {
      if (sorted[t]) continue;
      SortKeepingLast(&gathered[t]);
      for (size_t i = 0; rs.ok() && i < gathered[t].size(); ++i)
        rs = writers[t]->Put(gathered[t][i].key, gathered[t][i].value);
    }
  }
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (int t = 0; t < 2 && rs.ok(); ++t) {
    if (writers[t] == nullptr) continue;
    rs = writers[t]->Finish();  // syncs the file
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = handles[t];
    arg.external_files = {paths[t]};
    arg.options.move_files = true;
    arg.options.failed_move_fall_back_to_copy = true;
    arg.options.snapshot_consistency = true;
    arg.options.allow_global_seqno = true;
    arg.options.allow_blocking_flush = true;
    arg.options.write_global_seqno = false;
    arg.options.verify_checksums_before_ingest = false;
    args.push_back(std::move(arg));
  }

  // 3. Both files in one atomic ingestion.
  if (rs.ok()) rs = db->IngestExternalFiles(args);
  remove_files();
  if (!rs.ok()) return FromRocks(rs, "storage: bulk write");
  stat_bulk_writes.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace dynasink::storage
