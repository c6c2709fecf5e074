#include "storage/change_log.h"

#include <fmt/format.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <limits>

#include "storage/format.h"
#include "storage/storage_impl.h"

namespace dynasink::storage {

namespace {

// A kept iterator pins memtables and SST files; refresh it at least this often so that
// truncation and compaction can reclaim space behind a reader working through a backlog.
constexpr auto kMaxIteratorAge = std::chrono::seconds(1);

}  // namespace

void ChangeBatch::Clear() {
  // One huge row must not pin its memory for the reader's lifetime.
  constexpr size_t kKeepArena = size_t{64} << 20;
  if (arena_.capacity() > kKeepArena) {
    std::string().swap(arena_);
  } else {
    arena_.clear();
  }
  entries_.clear();
  offsets_.clear();
  end_seq_ = 0;
}

struct ChangeLogReader::IteratorState {
  std::string lower;
  std::string upper;
  rocksdb::Slice lower_slice;
  rocksdb::Slice upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
  // Every entry with seq <= covers_seq was visible when the iterator was created.
  uint64_t covers_seq = 0;
  std::chrono::steady_clock::time_point created;
};

ChangeLogReader::ChangeLogReader(Storage& storage, uint32_t table, uint64_t after_seq)
    : storage_(storage),
      table_(table),
      log_(storage.impl_->GetTable(table)),
      position_(after_seq),
      iter_(std::make_unique<IteratorState>()) {
  iter_->lower = format::TablePrefix(table);
  iter_->upper = format::TableUpperBound(table);
  iter_->lower_slice = rocksdb::Slice(iter_->lower);
  iter_->upper_slice = rocksdb::Slice(iter_->upper);
}

ChangeLogReader::~ChangeLogReader() = default;

void ChangeLogReader::Seek(uint64_t after_seq) {
  position_ = after_seq;
  iter_->it.reset();
}

Status ChangeLogReader::Read(const ReadLimits& limits, ChangeBatch* out) {
  out->Clear();
  if (position_ == std::numeric_limits<uint64_t>::max()) {
    out->end_seq_ = position_;  // nothing can follow
    return Status::OK();
  }
  Storage::Impl& d = *storage_.impl_;
  IteratorState& st = *iter_;
  if (st.it == nullptr) {
    // Load the committed seq before creating the iterator: its implicit snapshot then contains
    // every entry up to covers_seq (a leader publishes the seq only after its write is visible).
    st.covers_seq = d.last_committed_seq.load(std::memory_order_acquire);
    if (st.covers_seq <= position_) {
      out->end_seq_ = position_;  // nothing committed since the last read
      return Status::OK();
    }
    // Bound the scan at covers_seq: the entries of a commit still being written lie past it
    // and are not visible yet, and an unbounded Seek would step over every one of them.
    st.upper = format::LogKey(table_, st.covers_seq + 1);
    st.upper_slice = rocksdb::Slice(st.upper);
    rocksdb::ReadOptions ro;
    ro.iterate_lower_bound = &st.lower_slice;
    ro.iterate_upper_bound = &st.upper_slice;
    st.it.reset(d.db->NewIterator(ro, d.cf_log));
    st.created = std::chrono::steady_clock::now();
    st.it->Seek(format::LogKey(table_, position_ + 1));
  }

  const size_t max_entries = std::max<size_t>(1, limits.max_entries);
  bool limited = false;
  auto corrupt = [&](const Status& s) {
    st.it.reset();
    out->Clear();
    return s.WithContext(fmt::format("table {}", table_));
  };
  // The iterator stays on a value until all of its entries are taken, so a read that stopped
  // inside a pack resumes in it, skipping the entries up to position_.
  for (; st.it->Valid(); st.it->Next()) {
    uint32_t table = 0;
    uint64_t key_seq = 0;
    format::LogValueIterator values;
    Status s = format::DecodeLogKey(st.it->key().ToStringView(), &table, &key_seq);
    if (s.ok()) s = values.Init(key_seq, st.it->value().ToStringView());
    if (!s.ok()) return corrupt(s);
    format::LogEntryView e;
    while (true) {
      Result<bool> more = values.Next(&e);
      if (!more.ok()) return corrupt(more.status());
      if (!*more) break;
      if (e.seq <= position_) continue;
      if (out->entries_.size() >= max_entries ||
          (!out->entries_.empty() && out->arena_.size() + e.row.size() > limits.max_bytes)) {
        limited = true;
        break;
      }
      out->offsets_.push_back(out->arena_.size());
      out->arena_.append(e.row);
      out->entries_.push_back(ChangeLogEntry{e.seq, e.op, values.commit_time_us(), {}});
      position_ = e.seq;
    }
    if (limited) break;
  }

  if (!limited) {
    const rocksdb::Status rs = st.it->status();
    st.it.reset();
    if (!rs.ok()) {
      out->Clear();
      return FromRocks(rs, fmt::format("storage: reading the change log of table {}", table_));
    }
    // The log is exhausted up to covers_seq: nothing of this table lies in between.
    position_ = std::max(position_, st.covers_seq);
  } else if (std::chrono::steady_clock::now() - st.created > kMaxIteratorAge) {
    st.it.reset();  // the next read seeks a fresh iterator to position_ + 1
  }

  for (size_t i = 0; i < out->entries_.size(); ++i) {
    const size_t begin = out->offsets_[i];
    const size_t end = i + 1 < out->offsets_.size() ? out->offsets_[i + 1] : out->arena_.size();
    out->entries_[i].row = std::string_view(out->arena_.data() + begin, end - begin);
  }
  out->end_seq_ = position_;
  return Status::OK();
}

bool ChangeLogReader::WakeCondition() const {
  return log_->last_seq.load(std::memory_order_acquire) > position_ ||
         cancelled_.load(std::memory_order_acquire) ||
         storage_.impl_->closing.load(std::memory_order_acquire);
}

Status ChangeLogReader::Wait(std::chrono::steady_clock::time_point deadline) {
  bool woke;
  {
    std::unique_lock<std::mutex> lock(log_->mu);
    woke = log_->cv.wait_until(lock, deadline, [this] { return WakeCondition(); });
  }
  if (cancelled_.load(std::memory_order_acquire)) {
    return Status::Aborted(fmt::format("storage: change-log reader of table {} cancelled", table_));
  }
  if (storage_.impl_->closing.load(std::memory_order_acquire)) {
    return Status::Aborted("storage: the database is closing");
  }
  if (!woke) return Status::Timeout("storage: no new change-log entries before the deadline");
  return Status::OK();
}

Status ChangeLogReader::ReadOrWait(const ReadLimits& limits,
                                   std::chrono::steady_clock::time_point deadline,
                                   ChangeBatch* out) {
  if (cancelled_.load(std::memory_order_acquire)) {
    out->Clear();
    return Status::Aborted(fmt::format("storage: change-log reader of table {} cancelled", table_));
  }
  DS_RETURN_IF_ERROR(Read(limits, out));
  if (!out->empty()) return Status::OK();
  Status s = Wait(deadline);
  if (s.IsTimeout()) return Status::OK();
  if (!s.ok()) return s;
  return Read(limits, out);
}

void ChangeLogReader::Cancel() {
  cancelled_.store(true, std::memory_order_release);
  { std::lock_guard<std::mutex> lock(log_->mu); }
  log_->cv.notify_all();
}

}  // namespace dynasink::storage
