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
