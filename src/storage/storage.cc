// Storage: opening, recovery, reads, metadata, snapshots and shutdown. Commits are in commit.cc,
// cursors and truncation in cursors.cc, id counters in counters.cc.
#include "storage/storage.h"

#include <fmt/format.h>
#include <rocksdb/options.h>

#include <algorithm>
#include <limits>

#include "common/logging.h"
#include "common/thread_name.h"
#include "storage/format.h"
#include "storage/storage_impl.h"
#include "storage/wal_file_system.h"

namespace dynasink::storage {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  std::string message = fmt::format("{}: {}", context, s.ToString());
  if (s.IsNotFound()) return Status::NotFound(std::move(message));
  if (s.IsCorruption()) return Status::Corruption(std::move(message));
  if (s.IsNotSupported()) return Status::NotSupported(std::move(message));
  if (s.IsInvalidArgument()) return Status::InvalidArgument(std::move(message));
  if (s.IsTimedOut()) return Status::Timeout(std::move(message));
  if (s.IsAborted() || s.IsShutdownInProgress()) return Status::Aborted(std::move(message));
  return Status::IOError(std::move(message));
}

Snapshot::~Snapshot() {
  db_->ReleaseSnapshot(snapshot_);
}

// ------------------------------------------------------------------ open and close

Storage::Storage(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

void Storage::Shutdown() {
  impl_->Close();
}

Storage::~Storage() {
  impl_->Close();
}

Result<std::unique_ptr<Storage>> Storage::Open(const StorageOptions& options) {
  if (options.path.empty()) return Status::InvalidArgument("storage: no database path given");
  auto impl = std::make_unique<Impl>();
  impl->options = options;

  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> column_families;
  BuildRocksOptions(options, &db_options, &column_families);
  if (options.wal_zero_step_bytes > 0) {
    impl->env = rocksdb::NewCompositeEnv(
        NewZeroedWalFileSystem(rocksdb::FileSystem::Default(), options.wal_zero_step_bytes));
    db_options.env = impl->env.get();
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(db_options, options.path, column_families, &impl->handles, &raw);
  if (!s.ok()) return FromRocks(s, fmt::format("storage: cannot open {}", options.path));
  impl->db.reset(raw);
  impl->cf_system = impl->handles[0];
  impl->cf_rows = impl->handles[1];
  impl->cf_log = impl->handles[2];
  impl->cf_meta = impl->handles[3];
  impl->cf_cursors = impl->handles[4];
  impl->RemoveBulkLeftovers();

  DS_RETURN_IF_ERROR(impl->Recover().WithContext(fmt::format("storage: {}", options.path)));
  if (options.truncate_interval.count() > 0) {
    Impl* p = impl.get();
    impl->background = std::thread([p] {
      SetThreadName("ds-storage-bg");
      p->BackgroundLoop();
    });
  }
  DS_LOG_INFO("storage", "opened {} last_seq={} cursors={}", options.path,
              impl->last_committed_seq.load(), impl->cursors.size());
  return std::unique_ptr<Storage>(new Storage(std::move(impl)));
}

Status Storage::Impl::Recover() {
  rocksdb::ReadOptions ro;
  std::string value;

  // Format marker: absent only in a database we are creating now.
  rocksdb::Status s = db->Get(
      ro, cf_system, rocksdb::Slice(format::kFormatKey.data(), format::kFormatKey.size()), &value);
  if (s.IsNotFound()) {
    std::string v(4, '\0');
    format::PutBigEndian32(v.data(), format::kFormatVersion);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db->Put(wo, cf_system, rocksdb::Slice(format::kFormatKey.data(), format::kFormatKey.size()),
                v);
    if (!s.ok()) return FromRocks(s, "writing the format marker");
  } else if (!s.ok()) {
    return FromRocks(s, "reading the format marker");
  } else if (value.size() != 4 || format::GetBigEndian32(value.data()) != format::kFormatVersion) {
    return Status::NotSupported(fmt::format(
        "storage format {} is not supported (expected {})",
        value.size() == 4 ? format::GetBigEndian32(value.data()) : 0, format::kFormatVersion));
  }

  uint64_t last_seq = 0;
  s = db->Get(ro, cf_system, rocksdb::Slice(format::kLastSeqKey.data(), format::kLastSeqKey.size()),
              &value);
  if (s.ok()) {
    DS_RETURN_IF_ERROR(format::DecodeFixed64Value(value, &last_seq));
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading the last sequence number");
  }

  // Id counters.
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf_system));
    const rocksdb::Slice prefix(format::kCounterPrefix.data(), format::kCounterPrefix.size());
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      uint32_t table = 0, counter = 0;
      uint64_t high = 0;
      DS_RETURN_IF_ERROR(format::DecodeCounterKey(it->key().ToStringView(), &table, &counter));
      DS_RETURN_IF_ERROR(format::DecodeFixed64Value(it->value().ToStringView(), &high));
      counters[(uint64_t{table} << 32) | counter].next = high + 1;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading id counters");
  }

  // Cursors.
  uint64_t max_seq = last_seq;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf_cursors));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t cursor = 0, acked = 0;
      uint32_t table = 0;
      DS_RETURN_IF_ERROR(format::DecodeCursor(it->key().ToStringView(), it->value().ToStringView(),
                                              &cursor, &table, &acked));
      cursors[cursor] = CursorState{table, acked};
      GetTable(table)->cursors++;
      max_seq = std::max(max_seq, acked);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading cursors");
  }

  // The change log: the first and last entry of each table, one seek each.
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf_log));
    it->SeekToFirst();
    while (it->Valid()) {
      uint32_t table = 0;
      uint64_t first = 0, last = 0;
      DS_RETURN_IF_ERROR(format::DecodeLogKey(it->key().ToStringView(), &table, &first));
      {
        // A pack is keyed by its last entry; the table's log starts at the pack's first.
        format::LogValueIterator values;
        DS_RETURN_IF_ERROR(values.Init(first, it->value().ToStringView()));
        first = values.first_seq();
      }
      it->SeekForPrev(format::LogKey(table, std::numeric_limits<uint64_t>::max()));
      if (!it->Valid()) break;
      DS_RETURN_IF_ERROR(format::DecodeLogKey(it->key().ToStringView(), &table, &last));
      TableLog* log = GetTable(table);
      log->last_seq.store(last);
      log->truncated_upto = first - 1;
      max_seq = std::max(max_seq, last);
      if (table + 1 == kInvalidTable) break;
      it->Seek(format::TablePrefix(table + 1));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the change log");
  }

  if (max_seq != last_seq) {
    // Every write that assigns sequence numbers also records last_seq, so this means damage.
    DS_LOG_WARN("storage", "recorded last_seq {} is behind the data ({}); continuing after it",
                last_seq, max_seq);
  }
  next_seq = max_seq + 1;
  last_committed_seq.store(max_seq);
  return Status::OK();
}

void Storage::Impl::Close() {
  if (closing.exchange(true, std::memory_order_acq_rel)) return;  // already closed
  {
    std::lock_guard<std::mutex> lock(background_mu);
    stopping = true;
  }
  background_cv.notify_all();
  if (background.joinable() && background.get_id() != std::this_thread::get_id()) {
    background.join();
  }
  {
    std::shared_lock<std::shared_mutex> lock(tables_mu);
    for (auto& [id, log] : tables) {
      { std::lock_guard<std::mutex> l(log->mu); }
      log->cv.notify_all();
    }
  }
}

Storage::Impl::~Impl() {
  if (!db) return;
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    rocksdb::Status s = db->DestroyColumnFamilyHandle(h);
    if (!s.ok()) DS_LOG_WARN("storage", "closing a column family: {}", s.ToString());
  }
  handles.clear();
  rocksdb::Status s = db->Close();
  if (!s.ok()) DS_LOG_WARN("storage", "closing the database: {}", s.ToString());
  db.reset();
}

TableLog* Storage::Impl::GetTable(uint32_t table) {
  {
    std::shared_lock<std::shared_mutex> lock(tables_mu);
    auto it = tables.find(table);
    if (it != tables.end()) return it->second.get();
  }
  std::unique_lock<std::shared_mutex> lock(tables_mu);
  auto& slot = tables[table];
  if (!slot) slot = std::make_unique<TableLog>();
  return slot.get();
}

TableLog* Storage::Impl::FindTable(uint32_t table) const {
  std::shared_lock<std::shared_mutex> lock(tables_mu);
  auto it = tables.find(table);
  return it == tables.end() ? nullptr : it->second.get();
}

// ------------------------------------------------------------------ rows

namespace {

rocksdb::ReadOptions ReadAt(const Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  if (snapshot != nullptr) ro.snapshot = snapshot->rocksdb_snapshot();
  return ro;
}

void RowKey(uint32_t table, std::string_view pk, std::string* key) {
  key->resize(format::kTablePrefixSize);
  format::EncodeTablePrefix(key->data(), table);
  key->append(pk);
}

}  // namespace

Status Storage::GetRow(uint32_t table, std::string_view pk, std::string* row, bool* found,
                       const Snapshot* snapshot) {
  thread_local std::string key;
  RowKey(table, pk, &key);
  rocksdb::PinnableSlice value;
  rocksdb::Status s = impl_->db->Get(ReadAt(snapshot), impl_->cf_rows, key, &value);
  if (s.IsNotFound()) {
    *found = false;
    return Status::OK();
  }
  if (!s.ok()) return FromRocks(s, fmt::format("storage: reading a row of table {}", table));
  *found = true;
  row->assign(value.data(), value.size());
  return Status::OK();
}

Status Storage::MultiGetRows(uint32_t table, std::span<const std::string_view> pks,
                             std::vector<std::string>* rows, std::vector<bool>* found,
                             const Snapshot* snapshot) {
  const size_t n = pks.size();
  rows->resize(n);
  found->assign(n, false);
  if (n == 0) return Status::OK();
  // RocksDB sorts MultiGet's keys itself unless told they are sorted, comparing through its
  // comparator (two virtual calls per comparison); sorting them here with inlined comparisons
  // costs about a third as much. Keys of one table share the prefix, so the pks alone decide.
  std::vector<std::pair<std::string_view, uint32_t>> order(n);
  for (size_t i = 0; i < n; ++i)
    order[i] = {pks[i], static_cast<uint32_t>(i)};
  std::sort(order.begin(), order.end());
  std::string keys;
  size_t total = 0;
  for (std::string_view pk : pks)
    total += format::kTablePrefixSize + pk.size();
  keys.reserve(total);  // never reallocated below: the slices point into it
  std::vector<rocksdb::Slice> slices(n);
  char prefix[format::kTablePrefixSize];
  format::EncodeTablePrefix(prefix, table);
  for (size_t i = 0; i < n; ++i) {
    const size_t offset = keys.size();
    keys.append(prefix, sizeof prefix);
    keys.append(order[i].first);
    slices[i] = rocksdb::Slice(keys.data() + offset, keys.size() - offset);
  }
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  impl_->db->MultiGet(ReadAt(snapshot), impl_->cf_rows, n, slices.data(), values.data(),
                      statuses.data(), /*sorted_input=*/true);
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) {
      return FromRocks(statuses[i], fmt::format("storage: reading rows of table {}", table));
    }
    const size_t at = order[i].second;
    (*found)[at] = true;
    (*rows)[at].assign(values[i].data(), values[i].size());
  }
  return Status::OK();
}

std::shared_ptr<const Snapshot> Storage::GetSnapshot(bool exact) {
  if (exact) {
    // No group is in flight while we hold write_mu, and last_committed_seq is published before
    // the leader releases it: the snapshot and the seq describe the same point.
    std::lock_guard<std::mutex> lock(impl_->write_mu);
    const uint64_t seq = impl_->last_committed_seq.load(std::memory_order_acquire);
    return std::make_shared<Snapshot>(impl_->db.get(), impl_->db->GetSnapshot(), seq, true);
  }
  // Read the seq first: everything up to it is already visible when the snapshot is taken.
  const uint64_t seq = impl_->last_committed_seq.load(std::memory_order_acquire);
  return std::make_shared<Snapshot>(impl_->db.get(), impl_->db->GetSnapshot(), seq, false);
}

uint64_t Storage::ApproximateTableBytes(uint32_t table) {
  const std::string begin = format::TablePrefix(table);
  const std::string end = format::TableUpperBound(table);
  rocksdb::Range range(begin, end);
  rocksdb::SizeApproximationOptions options;
  options.include_memtables = true;
  options.include_files = true;
  uint64_t size = 0;
  rocksdb::Status s = impl_->db->GetApproximateSizes(options, impl_->cf_rows, &range, 1, &size);
  return s.ok() ? size : 0;
}

// ------------------------------------------------------------------ metadata

Result<std::optional<std::string>> Storage::GetMeta(std::string_view key) {
  std::string value;
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->cf_meta,
                                     rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "storage: reading metadata");
  return std::optional<std::string>(std::move(value));
}

Result<std::vector<std::pair<std::string, std::string>>> Storage::ScanMeta(
    std::string_view prefix) {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf_meta));
  const rocksdb::Slice p(prefix.data(), prefix.size());
  for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  if (!it->status().ok()) return FromRocks(it->status(), "storage: scanning metadata");
  return out;
}

Status Storage::PutMeta(std::string_view key, std::string_view value) {
  WriteBatch batch;
  batch.PutMeta(key, value);
  return Commit(batch).status();
}

Status Storage::DeleteMeta(std::string_view key) {
  WriteBatch batch;
  batch.DeleteMeta(key);
  return Commit(batch).status();
}

// ------------------------------------------------------------------ change log and stats

uint64_t Storage::LastCommittedSeq() const {
  return impl_->last_committed_seq.load(std::memory_order_acquire);
}

uint64_t Storage::TableLastSeq(uint32_t table) const {
  const TableLog* log = impl_->FindTable(table);
  return log == nullptr ? 0 : log->last_seq.load(std::memory_order_acquire);
}

StorageStats Storage::GetStats() const {
  StorageStats s;
  s.commits = impl_->stat_commits.load(std::memory_order_relaxed);
  s.commit_groups = impl_->stat_groups.load(std::memory_order_relaxed);
  s.wal_syncs = impl_->stat_syncs.load(std::memory_order_relaxed);
  s.bytes_written = impl_->stat_bytes.load(std::memory_order_relaxed);
  s.log_entries_written = impl_->stat_log_written.load(std::memory_order_relaxed);
  s.log_values_written = impl_->stat_log_values.load(std::memory_order_relaxed);
  s.bulk_writes = impl_->stat_bulk_writes.load(std::memory_order_relaxed);
  s.log_entries_skipped = impl_->stat_log_skipped.load(std::memory_order_relaxed);
  s.max_group_commits = impl_->stat_max_group.load(std::memory_order_relaxed);
  s.log_truncations = impl_->stat_truncations.load(std::memory_order_relaxed);
  s.last_committed_seq = LastCommittedSeq();
  return s;
}

}  // namespace dynasink::storage
