// Group commit: the leader/follower queue behind Storage::Commit().
//
// Each Commit() queues a Writer. The writer at the front of the queue is the leader: it takes
// write_mu, chooses a group (itself plus the writers behind it, up to max_group_bytes), numbers
// the group's change-log entries in queue order, writes everything as ONE RocksDB WriteBatch
// with ONE WAL sync, publishes the new sequence numbers, and wakes the group. While it waits for
// the disk, new commits queue up behind it and form the next group, so the number of syncs
// adapts to the load: one per statement when idle, one per many statements when busy.
//
// Why our own queue rather than RocksDB's internal write grouping: sequence numbers are chosen
// before the write (they are part of the change-log keys), and readers rely on "seq order =
// visibility order". One leader at a time, writing groups in numbering order, gives exactly
// that: when a reader sees seq N, every seq below N is already visible.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "common/logging.h"
#include "storage/batch_reader.h"
#include "storage/format.h"
#include "storage/storage_impl.h"

namespace dynasink::storage {

using internal::BatchReader;
using internal::Record;
using internal::Tag;

namespace {

int64_t NowUnixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A RocksDB group batch that held a huge statement is not kept at that size.
constexpr size_t kKeepGroupBatchBytes = size_t{64} << 20;
// Upper bound of what RocksDB adds per record (tag, column family, varint lengths) plus our
// key prefixes and log value headers.
constexpr size_t kRocksRecordOverhead = 64;
// A pack closes at this many entries or bytes of rows: large enough that a bulk load's log
// costs a memtable insert per ~100 rows rather than per row, small enough that a reader that
// stops inside a pack re-parses little when it resumes.
constexpr uint32_t kMaxPackEntries = 128;
constexpr size_t kMaxPackBytes = size_t{32} << 10;

}  // namespace

Result<CommitResult> Storage::Commit(const WriteBatch& batch) {
  if (batch.invalid_) {
    return Status::InvalidArgument(fmt::format(
        "storage: the batch uses the reserved table id {} or a key, row or value of 4 GiB or more",
        kInvalidTable));
  }
  if (batch.empty()) return CommitResult{0, LastCommittedSeq()};
  CommitResult result;
  DS_RETURN_IF_ERROR(impl_->CommitQueued(batch, /*sync=*/true, &result));
  return result;
}

Status Storage::Impl::CommitQueued(const WriteBatch& batch, bool sync, CommitResult* result) {
  Writer w;
  w.batch = &batch;
  w.sync = sync;

  std::unique_lock<std::mutex> queue_lock(queue_mu);
  if (closing.load(std::memory_order_acquire)) {
    return Status::Aborted("storage: the database is closing");
  }
  writers.push_back(&w);
  while (!w.done && writers.front() != &w)
    w.cv.wait(queue_lock);
  if (w.done) {
    *result = w.result;
    return w.status;
  }

  // This writer leads. Release the queue so that others can line up during the write.
  queue_lock.unlock();
  if (options.test_hooks.before_group_write) options.test_hooks.before_group_write();
  std::unique_lock<std::mutex> write_lock(write_mu);
  queue_lock.lock();
  group.clear();
  size_t bytes = 0;
  for (Writer* x : writers) {
    const size_t b = x->batch->ByteSize();
    if (!group.empty() && bytes + b > options.max_group_bytes) break;
    group.push_back(x);
    bytes += b;
  }
  queue_lock.unlock();

  RunGroup();
  const size_t n = group.size();
  write_lock.unlock();

  queue_lock.lock();
  for (size_t i = 0; i < n; ++i) {
    Writer* x = writers.front();
    writers.pop_front();
    if (x != &w) {
      x->done = true;
      x->cv.notify_one();
    }
  }
  if (!writers.empty()) writers.front()->cv.notify_one();
  queue_lock.unlock();

  *result = w.result;
  return w.status;
}

Status Storage::Impl::CheckCursorAcks(const WriteBatch& batch) {
  if (!batch.has_cursor_ack_) return Status::OK();
  BatchReader reader(batch);
  Record r;
  std::lock_guard<std::mutex> lock(cursors_mu);
  while (reader.Next(&r)) {
    if (r.tag != Tag::kAckCursor) continue;
    // Deletion holds write_mu, like this leader, so the cursor cannot vanish before we write.
    if (!cursors.contains(r.cursor)) {
      return Status::NotFound(fmt::format("storage: cursor {} does not exist", r.cursor));
    }
  }
  return Status::OK();
}

void Storage::Impl::RunGroup() {
  // A group too large for the kept batch (a bulk load) gets a RocksDB batch reserved up front:
  // growing it by doubling would copy it several times. The estimate allows for a change-log
  // copy of every row and RocksDB's per-record overhead; reserved pages that stay unused are
  // never touched. Smaller groups reuse the kept batch, whose memory is already mapped.
  size_t group_bytes = 0, group_records = 0;
  for (const Writer* x : group) {
    group_bytes += x->batch->ByteSize();
    group_records += x->batch->num_records();
  }
  const size_t reserve = 2 * group_bytes + group_records * kRocksRecordOverhead;
  const bool reserved = reserve > kKeepGroupBatchBytes;
  if (reserved) {
    group_batch = rocksdb::WriteBatch(reserve);
  } else {
    group_batch.Clear();
  }
  touched.clear();
  row_writes.clear();
  acks.clear();
  dropped.clear();
  counter_writes.clear();

  const uint64_t first_seq = next_seq;
  uint64_t seq = first_seq;
  const int64_t now_us = NowUnixMicros();
  bool sync = false;
  size_t live = 0;
  emit_status = rocksdb::Status::OK();
  for (Writer* x : group) {
    x->status = CheckCursorAcks(*x->batch);
    if (!x->status.ok()) continue;
    const uint64_t before = seq;
    EmitBatch(*x->batch, now_us, &seq);
    x->result.first_seq = seq > before ? before : 0;
    x->result.last_seq = seq - 1;
    sync = sync || x->sync;
    ++live;
  }
  if (live == 0) {
    if (reserved) group_batch = rocksdb::WriteBatch();
    return;
  }

  FlushRowWrites();
  FlushPack();
  EmitCounters();
  if (seq != first_seq) {
    char value[8];
    format::PutLittleEndian64(value, seq - 1);
    Check(group_batch.Put(cf_system,
                          rocksdb::Slice(format::kLastSeqKey.data(), format::kLastSeqKey.size()),
                          rocksdb::Slice(value, sizeof value)));
  }

  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  // A failed append (only possible for a batch beyond RocksDB's size limits) fails the group
  // before anything is written. A large group of row writes goes in as SST files.
  Status error;
  if (!emit_status.ok()) {
    error = FromRocks(emit_status, "storage: commit failed, nothing of it was written");
  } else {
    Result<bool> bulk = TryBulkWrite(&group_batch);
    if (!bulk.ok()) {
      error = bulk.status().WithContext("storage: commit failed, nothing of it was written");
    } else if (!*bulk) {
      const rocksdb::Status s = db->Write(write_options, &group_batch);
      if (!s.ok()) error = FromRocks(s, "storage: commit failed, nothing of it was written");
    }
  }
  const size_t batch_bytes = group_batch.GetDataSize();
  if (reserved || batch_bytes > kKeepGroupBatchBytes) group_batch = rocksdb::WriteBatch();
  if (!error.ok()) {
    DS_LOG_ERROR("storage", "{}", error.message());
    for (Writer* x : group) {
      if (x->status.ok()) x->status = error;
    }
    CountersWriteFailed();
    // next_seq is unchanged: the numbers were never published, so the next group reuses them.
    return;
  }

  // Publish. Readers may now see the entries (they already could in RocksDB); last_committed_seq
  // tells them everything up to it is there, and the waiters of each touched table wake up.
  next_seq = seq;
  if (seq != first_seq) last_committed_seq.store(seq - 1, std::memory_order_release);
  if (!acks.empty()) {
    std::lock_guard<std::mutex> lock(cursors_mu);
    for (const auto& [cursor, acked] : acks) {
      auto it = cursors.find(cursor);
      if (it != cursors.end() && acked > it->second.acked_seq) it->second.acked_seq = acked;
    }
  }
  for (uint32_t table : dropped)
    ForgetTableCounters(table);
  for (const Touched& t : touched) {
    t.log->last_seq.store(t.last_seq, std::memory_order_release);
    // Taking the waiters' mutex orders this store before their predicate check: no lost wakeup.
    { std::lock_guard<std::mutex> lock(t.log->mu); }
    t.log->cv.notify_all();
  }

  stat_commits.fetch_add(live, std::memory_order_relaxed);
  stat_groups.fetch_add(1, std::memory_order_relaxed);
  if (sync) stat_syncs.fetch_add(1, std::memory_order_relaxed);
  stat_bytes.fetch_add(batch_bytes, std::memory_order_relaxed);
  uint64_t max_group = stat_max_group.load(std::memory_order_relaxed);
  while (live > max_group &&
         !stat_max_group.compare_exchange_weak(max_group, live, std::memory_order_relaxed)) {
  }
}

void Storage::Impl::EmitBatch(const WriteBatch& batch, int64_t now_us, uint64_t* seq) {
  BatchReader reader(batch);
  Record r;
  // Consecutive records usually share a table: remember the last lookup.
  uint32_t cached_table = kInvalidTable;
  TableLog* cached_log = nullptr;
  bool cached_logged = false;
  uint64_t written = 0, skipped = 0;

  auto use_table = [&](uint32_t table) {
    if (table == cached_table) return;
    cached_table = table;
    cached_log = GetTable(table);
    // cursors is stable: it changes only under write_mu, which this leader holds.
    cached_logged = options.log_tables_without_cursors || cached_log->cursors > 0;
  };
  auto put_row = [&](uint32_t table, std::string_view pk, std::string_view row) {
    row_writes.push_back({table, false, pk, row});
  };
  auto delete_row = [&](uint32_t table, std::string_view pk) {
    row_writes.push_back({table, true, pk, {}});
  };
  auto append_entry = [&](uint32_t table, ChangeOp op, std::string_view row) {
    const uint64_t s = (*seq)++;
    use_table(table);
    if (!cached_logged) {
      ++skipped;
      return;
    }
    PackEntry(table, s, op, row, now_us);
    ++written;
    if (!touched.empty() && touched.back().log == cached_log) {
      touched.back().last_seq = s;
      return;
    }
    for (Touched& t : touched) {
      if (t.log == cached_log) {
        t.last_seq = s;
        return;
      }
    }
    touched.push_back({cached_log, s});
  };

  while (reader.Next(&r)) {
    switch (r.tag) {
      case Tag::kPutRow:
        put_row(r.table, r.pk, r.row);
        break;
      case Tag::kDeleteRow:
        delete_row(r.table, r.pk);
        break;
      case Tag::kChange:
        append_entry(r.table, r.op, r.row);
        break;
      case Tag::kInsert:
        put_row(r.table, r.pk, r.row);
        append_entry(r.table, ChangeOp::kInsert, r.row);
        break;
      case Tag::kUpdate:
        put_row(r.table, r.pk, r.after);
        append_entry(r.table, ChangeOp::kUpdateBefore, r.row);
        append_entry(r.table, ChangeOp::kUpdateAfter, r.after);
        break;
      case Tag::kDelete:
        delete_row(r.table, r.pk);
        append_entry(r.table, ChangeOp::kDelete, r.row);
        break;
      case Tag::kPutMeta:
        Check(group_batch.Put(cf_meta, rocksdb::Slice(r.pk.data(), r.pk.size()),
                              rocksdb::Slice(r.row.data(), r.row.size())));
        break;
      case Tag::kDeleteMeta:
        Check(group_batch.Delete(cf_meta, rocksdb::Slice(r.pk.data(), r.pk.size())));
        break;
      case Tag::kDropTable: {
        // The range deletions must cover the rows written and the entries logged before them
        // in the group, and nothing written after.
        FlushRowWrites();
        FlushPack();
        const std::string begin = format::TablePrefix(r.table);
        const std::string end = format::TableUpperBound(r.table);
        Check(group_batch.DeleteRange(cf_rows, begin, end));
        Check(group_batch.DeleteRange(cf_log, begin, end));
        Check(group_batch.DeleteRange(cf_system, format::CounterTablePrefix(r.table),
                                      format::CounterTableUpperBound(r.table)));
        dropped.push_back(r.table);
        break;
      }
      case Tag::kAckCursor: {
        uint32_t table = 0;
        {
          std::lock_guard<std::mutex> lock(cursors_mu);
          table = cursors.at(r.cursor).table;  // checked by CheckCursorAcks
        }
        Check(group_batch.Put(cf_cursors, format::CursorKey(r.cursor),
                              format::CursorValue(table, r.seq)));
        acks.emplace_back(r.cursor, r.seq);
        break;
      }
    }
  }
  stat_log_written.fetch_add(written, std::memory_order_relaxed);
  stat_log_skipped.fetch_add(skipped, std::memory_order_relaxed);
}

void Storage::Impl::PackEntry(uint32_t table, uint64_t seq, ChangeOp op, std::string_view row,
                              int64_t now_us) {
  PendingPack& p = pack;
  if (p.table != kInvalidTable) {
    const bool joins = p.table == table && p.last_seq + 1 == seq &&
                       p.builder.count() < kMaxPackEntries &&
                       p.builder.size() + row.size() <= kMaxPackBytes;
    if (!joins) FlushPack();
  }
  if (p.table == kInvalidTable) {
    p.table = table;
    p.first_op = op;
    p.first_row = row;
    p.builder.Start(now_us);
  }
  p.builder.Add(op, row);
  p.last_seq = seq;
}

void Storage::Impl::FlushRowWrites() {
  auto less = [](const RowWrite& a, const RowWrite& b) {
    // The table prefix is the id in big-endian, so (table, pk) orders as the RocksDB key does.
    return a.table != b.table ? a.table < b.table : a.pk < b.pk;
  };
  // Sorting pays for itself only past a few writes; input already in order (sequential ids)
  // is left as it is.
  constexpr size_t kSortFrom = 16;
  if (row_writes.size() >= kSortFrom &&
      !std::is_sorted(row_writes.begin(), row_writes.end(), less)) {
    std::stable_sort(row_writes.begin(), row_writes.end(), less);
  }
  char prefix[format::kTablePrefixSize];
  for (const RowWrite& w : row_writes) {
    format::EncodeTablePrefix(prefix, w.table);
    rocksdb::Slice key_parts[2] = {rocksdb::Slice(prefix, sizeof prefix),
                                   rocksdb::Slice(w.pk.data(), w.pk.size())};
    if (w.is_delete) {
      Check(group_batch.Delete(cf_rows, rocksdb::SliceParts(key_parts, 2)));
    } else {
      rocksdb::Slice value(w.row.data(), w.row.size());
      Check(group_batch.Put(cf_rows, rocksdb::SliceParts(key_parts, 2),
                            rocksdb::SliceParts(&value, 1)));
    }
  }
  row_writes.clear();
  // A bulk load's list is large: do not keep it for the small groups that follow.
  constexpr size_t kKeepRowWrites = 64 * 1024;
  if (row_writes.capacity() > kKeepRowWrites) row_writes = std::vector<RowWrite>();
}

void Storage::Impl::FlushPack() {
  PendingPack& p = pack;
  if (p.table == kInvalidTable) return;
  char log_key[format::kLogKeySize];
  format::EncodeLogKey(log_key, p.table, p.last_seq);
  rocksdb::Slice key(log_key, sizeof log_key);
  if (p.builder.count() == 1) {
    char header[format::kLogValueHeaderSize];
    format::EncodeLogValueHeader(header, p.first_op, p.builder.commit_time_us());
    rocksdb::Slice value_parts[2] = {rocksdb::Slice(header, sizeof header),
                                     rocksdb::Slice(p.first_row.data(), p.first_row.size())};
    Check(
        group_batch.Put(cf_log, rocksdb::SliceParts(&key, 1), rocksdb::SliceParts(value_parts, 2)));
  } else {
    const std::string_view value = p.builder.Finish();
    Check(group_batch.Put(cf_log, key, rocksdb::Slice(value.data(), value.size())));
  }
  stat_log_values.fetch_add(1, std::memory_order_relaxed);
  p.table = kInvalidTable;
}

}  // namespace dynasink::storage
