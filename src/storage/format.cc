#include "storage/format.h"

#include <fmt/format.h>

namespace dynasink::storage {

std::string_view ChangeOpName(ChangeOp op) {
  switch (op) {
    case ChangeOp::kInsert:
      return "Insert";
    case ChangeOp::kDelete:
      return "Delete";
    case ChangeOp::kUpdateBefore:
      return "UpdateBefore";
    case ChangeOp::kUpdateAfter:
      return "UpdateAfter";
  }
  return "Unknown";
}

namespace format {

std::string TablePrefix(uint32_t table) {
  std::string s(kTablePrefixSize, '\0');
  EncodeTablePrefix(s.data(), table);
  return s;
}

std::string TableUpperBound(uint32_t table) {
  return TablePrefix(table + 1);
}

std::string LogKey(uint32_t table, uint64_t seq) {
  std::string s(kLogKeySize, '\0');
  EncodeLogKey(s.data(), table, seq);
  return s;
}

Status DecodeLogKey(std::string_view key, uint32_t* table, uint64_t* seq) {
  if (key.size() != kLogKeySize) {
    return Status::Corruption(
        fmt::format("storage: change-log key has {} bytes, expected {}", key.size(), kLogKeySize));
  }
  *table = GetBigEndian32(key.data());
  *seq = GetBigEndian64(key.data() + 4);
  return Status::OK();
}

Status DecodeLogValue(std::string_view value, ChangeOp* op, int64_t* commit_time_us,
                      std::string_view* row) {
  if (value.size() < kLogValueHeaderSize) {
    return Status::Corruption(fmt::format(
        "storage: change-log entry has {} bytes, shorter than its header", value.size()));
  }
  const auto raw = static_cast<uint8_t>(value[0]);
  if (!IsValidChangeOp(raw)) {
    return Status::Corruption(fmt::format("storage: change-log entry has unknown op {}", raw));
  }
  *op = static_cast<ChangeOp>(raw);
  *commit_time_us = static_cast<int64_t>(GetLittleEndian64(value.data() + 1));
  *row = value.substr(kLogValueHeaderSize);
  return Status::OK();
}

void LogPackBuilder::Start(int64_t commit_time_us) {
  buf_.assign(kLogPackHeaderSize, '\0');
  buf_[0] = static_cast<char>(kLogPackMarker);
  PutLittleEndian64(buf_.data() + 1, static_cast<uint64_t>(commit_time_us));
  count_ = 0;
  commit_time_us_ = commit_time_us;
}

void LogPackBuilder::Add(ChangeOp op, std::string_view row) {
  // op, row size, row: in one resize.
  const size_t at = buf_.size();
  buf_.resize(at + 1 + kMaxVarint64Bytes + row.size());
  char* p = buf_.data() + at;
  *p++ = static_cast<char>(op);
  p += EncodeVarint64(p, row.size());
  if (!row.empty()) std::memcpy(p, row.data(), row.size());
  p += row.size();
  buf_.resize(static_cast<size_t>(p - buf_.data()));
  ++count_;
}

std::string_view LogPackBuilder::Finish() {
  PutLittleEndian32(buf_.data() + 9, count_);
  return buf_;
}

Status LogValueIterator::Init(uint64_t key_seq, std::string_view value) {
  packed_ = !value.empty() && static_cast<uint8_t>(value[0]) == kLogPackMarker;
  last_seq_ = key_seq;
  if (!packed_) {
    std::string_view row;
    DS_RETURN_IF_ERROR(DecodeLogValue(value, &single_op_, &commit_time_us_, &row));
    rest_ = row;
    first_seq_ = next_seq_ = key_seq;
    single_done_ = false;
    return Status::OK();
  }
  if (value.size() < kLogPackHeaderSize) {
    return Status::Corruption(
        fmt::format("storage: change-log pack at seq {} has {} bytes, shorter than its header",
                    key_seq, value.size()));
  }
  commit_time_us_ = static_cast<int64_t>(GetLittleEndian64(value.data() + 1));
  const uint32_t count = GetLittleEndian32(value.data() + 9);
  if (count == 0 || count > key_seq) {
    return Status::Corruption(
        fmt::format("storage: change-log pack at seq {} claims {} entries", key_seq, count));
  }
  first_seq_ = next_seq_ = key_seq - count + 1;
  rest_ = value.substr(kLogPackHeaderSize);
  return Status::OK();
}

Result<bool> LogValueIterator::Next(LogEntryView* entry) {
  if (!packed_) {
    if (single_done_) return false;
    single_done_ = true;
    *entry = LogEntryView{first_seq_, single_op_, rest_};
    return true;
  }
  if (next_seq_ > last_seq_) {
    if (!rest_.empty()) {
      return Status::Corruption(
          fmt::format("storage: change-log pack at seq {} has {} bytes after its last entry",
                      last_seq_, rest_.size()));
    }
    return false;
  }
  auto corrupt = [&](std::string_view what) {
    return Status::Corruption(
        fmt::format("storage: change-log pack at seq {}: entry {} {}", last_seq_, next_seq_, what));
  };
  if (rest_.empty()) return corrupt("is missing");
  const auto raw = static_cast<uint8_t>(rest_[0]);
  if (!IsValidChangeOp(raw)) return corrupt(fmt::format("has unknown op {}", raw));
  std::string_view in = rest_.substr(1);
  uint64_t size = 0;
  if (!GetVarint64(&in, &size)) return corrupt("has a bad row size");
  if (in.size() < size) return corrupt("is cut short");
  *entry = LogEntryView{next_seq_++, static_cast<ChangeOp>(raw), in.substr(0, size)};
  rest_ = in.substr(size);
  return true;
}

std::string CursorKey(uint64_t cursor) {
  std::string s(kCursorKeySize, '\0');
  PutBigEndian64(s.data(), cursor);
  return s;
}

std::string CursorValue(uint32_t table, uint64_t acked_seq) {
  std::string s(kCursorValueSize, '\0');
  PutBigEndian32(s.data(), table);
  PutBigEndian64(s.data() + 4, acked_seq);
  return s;
}

Status DecodeCursor(std::string_view key, std::string_view value, uint64_t* cursor, uint32_t* table,
                    uint64_t* acked_seq) {
  if (key.size() != kCursorKeySize || value.size() != kCursorValueSize) {
    return Status::Corruption(fmt::format(
        "storage: cursor record has a {}-byte key and a {}-byte value", key.size(), value.size()));
  }
  *cursor = GetBigEndian64(key.data());
  *table = GetBigEndian32(value.data());
  *acked_seq = GetBigEndian64(value.data() + 4);
  return Status::OK();
}

std::string CounterKey(uint32_t table, uint32_t counter) {
  std::string s(kCounterPrefix);
  s.resize(kCounterPrefix.size() + 8);
  PutBigEndian32(s.data() + kCounterPrefix.size(), table);
  PutBigEndian32(s.data() + kCounterPrefix.size() + 4, counter);
  return s;
}

std::string CounterTablePrefix(uint32_t table) {
  std::string s(kCounterPrefix);
  s.resize(kCounterPrefix.size() + 4);
  PutBigEndian32(s.data() + kCounterPrefix.size(), table);
  return s;
}

std::string CounterTableUpperBound(uint32_t table) {
  return CounterTablePrefix(table + 1);
}

Status DecodeCounterKey(std::string_view key, uint32_t* table, uint32_t* counter) {
  if (key.size() != kCounterPrefix.size() + 8 || !key.starts_with(kCounterPrefix)) {
    return Status::Corruption("storage: malformed counter key");
  }
  *table = GetBigEndian32(key.data() + kCounterPrefix.size());
  *counter = GetBigEndian32(key.data() + kCounterPrefix.size() + 4);
  return Status::OK();
}

std::string Fixed64Value(uint64_t v) {
  std::string s(8, '\0');
  PutLittleEndian64(s.data(), v);
  return s;
}

Status DecodeFixed64Value(std::string_view value, uint64_t* v) {
  if (value.size() != 8) {
    return Status::Corruption(
        fmt::format("storage: expected an 8-byte integer, found {} bytes", value.size()));
  }
  *v = GetLittleEndian64(value.data());
  return Status::OK();
}

}  // namespace format
}  // namespace dynasink::storage
