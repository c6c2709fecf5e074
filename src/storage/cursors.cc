// Cursors (registration, acknowledgement, deletion) and change-log truncation.
//
// Registration and deletion hold write_mu, so they happen between two commit groups: the set of
// cursors a leader sees (and so whether it writes a table's entries) cannot change during its
// group, and LastCommittedSeq() read under write_mu is exact. That is what makes a new cursor's
// start consistent with its snapshot and with the log.
#include <fmt/format.h>
#include <rocksdb/convenience.h>
#include <rocksdb/experimental.h>

#include <chrono>
#include <limits>

#include "common/logging.h"
#include "storage/batch_reader.h"
#include "storage/format.h"
#include "storage/storage_impl.h"

namespace dynasink::storage {

using internal::BatchReader;
using internal::Record;
using internal::Tag;

namespace {

enum RegisterMode { kAtSeq = 0, kAtLatest = 1, kWithSnapshot = 2 };

Status CheckMetaOnly(const WriteBatch* with) {
  if (with == nullptr) return Status::OK();
  BatchReader reader(*with);
  Record r;
  while (reader.Next(&r)) {
    if (r.tag != Tag::kPutMeta && r.tag != Tag::kDeleteMeta) {
      return Status::InvalidArgument(
          "storage: a batch committed with a cursor change may only hold metadata writes");
    }
  }
  return Status::OK();
}

Status AppendMeta(const WriteBatch* with, rocksdb::ColumnFamilyHandle* cf_meta,
                  rocksdb::WriteBatch* out) {
  if (with == nullptr) return Status::OK();
  BatchReader reader(*with);
  Record r;
  while (reader.Next(&r)) {
    const rocksdb::Slice key(r.pk.data(), r.pk.size());
    rocksdb::Status s = r.tag == Tag::kPutMeta
                            ? out->Put(cf_meta, key, rocksdb::Slice(r.row.data(), r.row.size()))
                            : out->Delete(cf_meta, key);
    if (!s.ok()) return FromRocks(s, "storage: preparing metadata writes");
  }
  return Status::OK();
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status Storage::RegisterCursor(uint64_t cursor, uint32_t table, uint64_t acked_seq,
                               const WriteBatch* with) {
  return RegisterCursorImpl(cursor, table, kAtSeq, acked_seq, with, nullptr).status();
}

Result<uint64_t> Storage::RegisterCursorAtLatest(uint64_t cursor, uint32_t table,
                                                 const WriteBatch* with) {
  return RegisterCursorImpl(cursor, table, kAtLatest, 0, with, nullptr);
}

Result<std::shared_ptr<const Snapshot>> Storage::RegisterCursorWithSnapshot(
    uint64_t cursor, uint32_t table, const WriteBatch* with) {
  std::shared_ptr<const Snapshot> snapshot;
  DS_RETURN_IF_ERROR(RegisterCursorImpl(cursor, table, kWithSnapshot, 0, with, &snapshot).status());
  return snapshot;
}

Result<uint64_t> Storage::RegisterCursorImpl(uint64_t cursor, uint32_t table, int mode,
                                             uint64_t acked_seq, const WriteBatch* with,
                                             std::shared_ptr<const Snapshot>* snapshot) {
  if (table == kInvalidTable) {
    return Status::InvalidArgument(fmt::format("storage: table id {} is reserved", table));
  }
  DS_RETURN_IF_ERROR(CheckMetaOnly(with));
  Impl& d = *impl_;
  std::lock_guard<std::mutex> write_lock(d.write_mu);
  const uint64_t last = d.last_committed_seq.load(std::memory_order_acquire);
  TableLog* log = d.GetTable(table);

  uint64_t start = last;
  {
    std::lock_guard<std::mutex> lock(d.cursors_mu);
    if (d.cursors.contains(cursor)) {
      return Status::AlreadyExists(fmt::format("storage: cursor {} already exists", cursor));
    }
    if (mode == kAtSeq) {
      // The log holds every entry after the slowest cursor of the table; a table without
      // cursors has written (or kept) nothing, so only "from now on" is complete.
      uint64_t floor = last;
      if (log->cursors > 0) {
        floor = std::numeric_limits<uint64_t>::max();
        for (const auto& [id, c] : d.cursors) {
          if (c.table == table) floor = std::min(floor, c.acked_seq);
        }
      }
      if (acked_seq > last) {
        return Status::InvalidArgument(
            fmt::format("storage: cannot start cursor {} at seq {}: the last committed seq is {}",
                        cursor, acked_seq, last));
      }
      if (acked_seq < floor) {
        return Status::FailedPrecondition(fmt::format(
            "storage: cannot start cursor {} at seq {}: the change log of table {} is complete "
            "only after seq {}",
            cursor, acked_seq, table, floor));
      }
      start = acked_seq;
    }
  }

  rocksdb::WriteBatch batch;
  DS_RETURN_IF_ERROR(AppendMeta(with, d.cf_meta, &batch));
  rocksdb::Status s =
      batch.Put(d.cf_cursors, format::CursorKey(cursor), format::CursorValue(table, start));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (s.ok()) s = d.db->Write(wo, &batch);
  if (!s.ok()) return FromRocks(s, fmt::format("storage: registering cursor {}", cursor));
  {
    std::lock_guard<std::mutex> lock(d.cursors_mu);
    d.cursors[cursor] = CursorState{table, start};
  }
  log->cursors++;
  DS_LOG_DEBUG("storage", "cursor {} registered on table {} at seq {}", cursor, table, start);

  if (snapshot != nullptr) {
    // Still under write_mu: no commit has happened since `last`, so this snapshot is exact.
    *snapshot = std::make_shared<Snapshot>(d.db.get(), d.db->GetSnapshot(), start, true);
  }
  return start;
}

Status Storage::AdvanceCursor(uint64_t cursor, uint64_t acked_seq, bool sync) {
  {
    std::lock_guard<std::mutex> lock(impl_->cursors_mu);
    auto it = impl_->cursors.find(cursor);
    if (it == impl_->cursors.end()) {
      return Status::NotFound(fmt::format("storage: cursor {} does not exist", cursor));
    }
    if (acked_seq < it->second.acked_seq) {
      return Status::InvalidArgument(
          fmt::format("storage: cursor {} is at seq {} and cannot move back to {}", cursor,
                      it->second.acked_seq, acked_seq));
    }
    if (acked_seq == it->second.acked_seq) return Status::OK();
  }
  const uint64_t last = LastCommittedSeq();
  if (acked_seq > last) {
    return Status::InvalidArgument(
        fmt::format("storage: cursor {} cannot move to seq {}: the last committed seq is {}",
                    cursor, acked_seq, last));
  }
  WriteBatch batch;
  batch.AckCursor(cursor, acked_seq);
  CommitResult unused;
  return impl_->CommitQueued(batch, sync, &unused);
}

Status Storage::DeleteCursor(uint64_t cursor, const WriteBatch* with) {
  DS_RETURN_IF_ERROR(CheckMetaOnly(with));
  Impl& d = *impl_;
  std::lock_guard<std::mutex> write_lock(d.write_mu);
  uint32_t table = 0;
  {
    std::lock_guard<std::mutex> lock(d.cursors_mu);
    auto it = d.cursors.find(cursor);
    if (it == d.cursors.end()) {
      return Status::NotFound(fmt::format("storage: cursor {} does not exist", cursor));
    }
    table = it->second.table;
  }
  rocksdb::WriteBatch batch;
  DS_RETURN_IF_ERROR(AppendMeta(with, d.cf_meta, &batch));
  rocksdb::Status s = batch.Delete(d.cf_cursors, format::CursorKey(cursor));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (s.ok()) s = d.db->Write(wo, &batch);
  if (!s.ok()) return FromRocks(s, fmt::format("storage: deleting cursor {}", cursor));
  {
    std::lock_guard<std::mutex> lock(d.cursors_mu);
    d.cursors.erase(cursor);
  }
  d.GetTable(table)->cursors--;
  DS_LOG_DEBUG("storage", "cursor {} on table {} deleted", cursor, table);
  return Status::OK();
}

Result<CursorInfo> Storage::GetCursor(uint64_t cursor) const {
  std::lock_guard<std::mutex> lock(impl_->cursors_mu);
  auto it = impl_->cursors.find(cursor);
  if (it == impl_->cursors.end()) {
    return Status::NotFound(fmt::format("storage: cursor {} does not exist", cursor));
  }
  return CursorInfo{cursor, it->second.table, it->second.acked_seq};
}

std::vector<CursorInfo> Storage::ListCursors() const {
  std::vector<CursorInfo> out;
  {
    std::lock_guard<std::mutex> lock(impl_->cursors_mu);
    out.reserve(impl_->cursors.size());
    for (const auto& [id, c] : impl_->cursors)
      out.push_back({id, c.table, c.acked_seq});
  }
  std::sort(out.begin(), out.end(),
            [](const CursorInfo& a, const CursorInfo& b) { return a.cursor < b.cursor; });
  return out;
}

// ------------------------------------------------------------------ truncation

Status Storage::TruncateLogs() {
  return impl_->TruncateLogs(/*force=*/true);
}

Status Storage::Impl::TruncateLogs(bool force) {
  std::lock_guard<std::mutex> truncate_lock(truncate_mu);
  // Read the committed seq BEFORE the cursors. A cursor registered after we read the cursors
  // starts at or after the committed seq of its registration, which is >= `committed`; so
  // cutting a cursor-less table at `committed` can never remove an entry a new cursor needs.
  const uint64_t committed = last_committed_seq.load(std::memory_order_acquire);
  std::unordered_map<uint32_t, uint64_t> slowest;
  {
    std::lock_guard<std::mutex> lock(cursors_mu);
    for (const auto& [id, c] : cursors) {
      auto [it, inserted] = slowest.emplace(c.table, c.acked_seq);
      if (!inserted) it->second = std::min(it->second, c.acked_seq);
    }
  }
  std::vector<std::pair<uint32_t, TableLog*>> logs;
  {
    std::shared_lock<std::shared_mutex> lock(tables_mu);
    logs.reserve(tables.size());
    for (const auto& [id, log] : tables)
      logs.emplace_back(id, log.get());
  }

  const int64_t now = NowMicros();
  const int64_t max_delay_us =
      std::chrono::duration_cast<std::chrono::microseconds>(options.truncate_max_delay).count();
  for (const auto& [table, log] : logs) {
    auto it = slowest.find(table);
    uint64_t target = it == slowest.end() ? committed : it->second;
    // Nothing exists past the table's newest entry: cutting further would only add tombstones.
    target = std::min(target, log->last_seq.load(std::memory_order_acquire));
    if (target <= log->truncated_upto) continue;
    if (!force && target - log->truncated_upto < options.truncate_min_seqs &&
        now - log->last_truncate_us < max_delay_us) {
      continue;
    }
    const std::string begin = format::LogKey(table, log->truncated_upto + 1);
    const std::string end = format::LogKey(table, target + 1);
    rocksdb::WriteOptions wo;  // not synced: if lost in a crash, the next pass redoes it
    rocksdb::Status s = db->DeleteRange(wo, cf_log, begin, end);
    if (!s.ok()) {
      return FromRocks(s, fmt::format("storage: truncating the change log of table {}", table));
    }
    // Whole SST files below the cut go at once, without waiting for a compaction to read them.
    const std::string file_begin = format::LogKey(table, 0);
    const std::string file_end = format::LogKey(table, target);
    const rocksdb::Slice fb(file_begin), fe(file_end);
    s = rocksdb::DeleteFilesInRange(db.get(), cf_log, &fb, &fe, /*include_end=*/true);
    if (!s.ok()) DS_LOG_WARN("storage", "dropping change-log files: {}", s.ToString());
    // Files straddling the cut: ask for an early compaction, which drops the covered entries.
    s = rocksdb::experimental::SuggestCompactRange(db.get(), cf_log, &fb, &fe);
    if (!s.ok()) DS_LOG_WARN("storage", "hinting a change-log compaction: {}", s.ToString());
    log->truncated_upto = target;
    log->last_truncate_us = now;
    stat_truncations.fetch_add(1, std::memory_order_relaxed);
    DS_LOG_DEBUG("storage", "change log of table {} truncated through seq {}", table, target);
  }
  return Status::OK();
}

void Storage::Impl::BackgroundLoop() {
  std::unique_lock<std::mutex> lock(background_mu);
  while (!stopping) {
    background_cv.wait_for(lock, options.truncate_interval, [this] { return stopping; });
    if (stopping) break;
    lock.unlock();
    Status s = TruncateLogs(/*force=*/false);
    if (!s.ok()) DS_LOG_WARN("storage", "background truncation: {}", s.message());
    lock.lock();
  }
}

}  // namespace dynasink::storage
