// The on-disk layout of the storage layer: column families, key and value encodings.
//
// Everything dynasink keeps lives in one RocksDB database with five column families. Integers in
// keys are big-endian so that byte order is numeric order; integers in values are little-endian.
//
//   default    system records
//                "sys/format"            -> fixed32 format version (kFormatVersion)
//                "sys/last_seq"          -> fixed64 last change-log sequence number assigned by a
//                                           durable commit; written in every commit group that
//                                           assigns sequence numbers, read on open
//                "ctr/" table:4 counter:4 -> fixed64 highest id allocated by a committed write
//   rows       table:4 pk               -> encoded row (opaque to storage)
//   changelog  table:4 seq:8            -> one entry: op:1 commit_time_us:8 row (the full row)
//                                       or a pack of the entries seq-count+1 .. seq of one
//                                       commit: 0x80 commit_time_us:8 count:4 then count times
//                                       op:1 row_size:varint32 row (see "Packs" below)
//   meta       caller key               -> caller value (the catalog's keyspace)
//   cursors    cursor:8                 -> table:4 acked_seq:8
//
// A table's rows are contiguous and ordered by the caller's primary-key bytes (the types layer
// supplies an order-preserving key encoding). A table's change log is contiguous and ordered by
// sequence number, so a reader is one forward scan and truncation is one range deletion.
//
// Packs. A bulk statement logs one entry per row, and a memtable insert per entry cost as much
// as the row's own insert. So a commit group writes a run of consecutive entries of one table
// as one value, keyed by the run's LAST seq: a reader's Seek(table, seq) then lands on the
// value that holds seq (the first key >= seq), and truncation through seq T (deleting keys
// <= T) removes only packs whose every entry is <= T; a pack straddling T stays whole and
// readers skip its entries <= their position. Single entries keep the plain layout.
//
// This header is internal to src/storage; other layers use storage.h.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/coding.h"
#include "common/result.h"
#include "common/status.h"
#include "storage/change_op.h"

namespace dynasink::storage::format {

inline constexpr uint32_t kFormatVersion = 1;

inline constexpr const char* kSystemCf = "default";
inline constexpr const char* kRowsCf = "rows";
inline constexpr const char* kChangeLogCf = "changelog";
inline constexpr const char* kMetaCf = "meta";
inline constexpr const char* kCursorsCf = "cursors";

inline constexpr std::string_view kFormatKey = "sys/format";
inline constexpr std::string_view kLastSeqKey = "sys/last_seq";
inline constexpr std::string_view kCounterPrefix = "ctr/";

inline constexpr size_t kTablePrefixSize = 4;
inline constexpr size_t kLogKeySize = 12;
inline constexpr size_t kCursorKeySize = 8;
inline constexpr size_t kCursorValueSize = 12;
// op byte + commit time.
inline constexpr size_t kLogValueHeaderSize = 9;

using ::dynasink::GetBigEndian32;
using ::dynasink::GetBigEndian64;
using ::dynasink::GetLittleEndian32;
using ::dynasink::GetLittleEndian64;
using ::dynasink::PutBigEndian32;
using ::dynasink::PutBigEndian64;
using ::dynasink::PutLittleEndian32;
using ::dynasink::PutLittleEndian64;

// rows and changelog keys start with the table id.
inline void EncodeTablePrefix(char* dst, uint32_t table) {
  PutBigEndian32(dst, table);
}
std::string TablePrefix(uint32_t table);
// The prefix of the next table: an exclusive upper bound for every key of `table` in rows and
// changelog. Table ids are below kInvalidTable, so table + 1 never wraps.
std::string TableUpperBound(uint32_t table);

// changelog key: table:4 seq:8.
inline void EncodeLogKey(char* dst, uint32_t table, uint64_t seq) {
  PutBigEndian32(dst, table);
  PutBigEndian64(dst + 4, seq);
}
std::string LogKey(uint32_t table, uint64_t seq);
// Splits a changelog key; Corruption if it is not 12 bytes.
Status DecodeLogKey(std::string_view key, uint32_t* table, uint64_t* seq);

// changelog value header: op:1 commit_time_us:8 (little-endian), followed by the row bytes.
inline void EncodeLogValueHeader(char* dst, ChangeOp op, int64_t commit_time_us) {
  dst[0] = static_cast<char>(op);
  PutLittleEndian64(dst + 1, static_cast<uint64_t>(commit_time_us));
}
// Corruption on a short value or an unknown op.
Status DecodeLogValue(std::string_view value, ChangeOp* op, int64_t* commit_time_us,
                      std::string_view* row);

// The first byte of a pack value (never a ChangeOp).
inline constexpr uint8_t kLogPackMarker = 0x80;
// op:1 commit_time_us:8 count:4.
inline constexpr size_t kLogPackHeaderSize = 13;

// Builds one pack value: Start(), Add() the entries in seq order, then Finish().
class LogPackBuilder {
 public:
  void Start(int64_t commit_time_us);
  void Add(ChangeOp op, std::string_view row);
  // The value to store under the seq of the last added entry. Valid until the next Start().
  std::string_view Finish();
  uint32_t count() const { return count_; }
  size_t size() const { return buf_.size(); }
  int64_t commit_time_us() const { return commit_time_us_; }

 private:
  std::string buf_;
  uint32_t count_ = 0;
  int64_t commit_time_us_ = 0;
};

// One change-log entry as stored.
struct LogEntryView {
  uint64_t seq = 0;
  ChangeOp op = ChangeOp::kInsert;
  std::string_view row;
};

// Walks the entries of one changelog value (a single entry or a pack) stored under `key_seq`.
// Init() checks the header; Next() checks each entry as it goes.
class LogValueIterator {
 public:
  // Corruption on a short value, an unknown op or a pack that cannot end at key_seq.
  Status Init(uint64_t key_seq, std::string_view value);
  uint64_t first_seq() const { return first_seq_; }
  uint64_t last_seq() const { return last_seq_; }
  int64_t commit_time_us() const { return commit_time_us_; }
  // The next entry in seq order; false at the end. Corruption when the pack is malformed.
  Result<bool> Next(LogEntryView* entry);

 private:
  std::string_view rest_;
  uint64_t first_seq_ = 0;
  uint64_t last_seq_ = 0;
  uint64_t next_seq_ = 0;
  int64_t commit_time_us_ = 0;
  bool packed_ = false;
  bool single_done_ = false;
  ChangeOp single_op_ = ChangeOp::kInsert;
};

// cursors: key cursor:8, value table:4 acked_seq:8.
std::string CursorKey(uint64_t cursor);
std::string CursorValue(uint32_t table, uint64_t acked_seq);
Status DecodeCursor(std::string_view key, std::string_view value, uint64_t* cursor, uint32_t* table,
                    uint64_t* acked_seq);

// default CF counter key: "ctr/" table:4 counter:4; value fixed64 little-endian.
std::string CounterKey(uint32_t table, uint32_t counter);
std::string CounterTablePrefix(uint32_t table);
std::string CounterTableUpperBound(uint32_t table);
Status DecodeCounterKey(std::string_view key, uint32_t* table, uint32_t* counter);

std::string Fixed64Value(uint64_t v);
Status DecodeFixed64Value(std::string_view value, uint64_t* v);

}  // namespace dynasink::storage::format
