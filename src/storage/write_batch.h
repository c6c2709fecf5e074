// storage::WriteBatch: the writes of one statement, committed atomically by Storage::Commit().
//
// The executor fills a batch with the statement's row writes, its change-log entries and, for
// DDL, catalog metadata; Storage::Commit() then writes all of it as one atomic, WAL-synced
// RocksDB write. Nothing in a batch is visible before Commit() returns OK, and after a crash a
// batch is either entirely present or entirely absent.
//
// Keys and rows are opaque bytes: `pk` is the order-preserving encoding of the primary key and
// `row` the encoded row, both produced by src/types. The batch copies what it is given, so the
// caller's buffers may be reused at once.
//
// Change-log entries get their sequence numbers at commit, in the order they were appended, so
// the two halves of Update() are always consecutive (before = seq, after = seq + 1).
//
// Reuse one batch per session (Clear() keeps its buffer): appending is a memcpy into one
// contiguous buffer, with no allocation per row once the buffer has grown. The buffer grows with
// realloc, which neither zero-fills nor (for large buffers, which glibc maps) copies, so a bulk
// load of hundreds of MB appends at memcpy speed. Not thread-safe.
//
// Table ids must be below kInvalidTable (0xFFFFFFFF), and a key, row or value must be under
// 4 GiB; Commit() refuses a batch that breaks either rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "storage/change_op.h"

namespace dynasink::storage {

namespace internal {
class BatchReader;
}

// A growable byte buffer on malloc/realloc (see the note on growth above).
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer& other);
  ByteBuffer& operator=(const ByteBuffer& other);
  ByteBuffer(ByteBuffer&& other) noexcept;
  ByteBuffer& operator=(ByteBuffer&& other) noexcept;
  ~ByteBuffer();

  // Appends n bytes of unspecified content and returns where they start, for the caller to
  // fill. The pointer is valid until the next Extend(), clear() or Release().
  char* Extend(size_t n) {
    if (capacity_ - size_ < n) Grow(n);
    char* p = data_ + size_;
    size_ += n;
    return p;
  }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  void clear() { size_ = 0; }
  // Frees the memory.
  void Release();

 private:
  void Grow(size_t n);

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

class WriteBatch {
 public:
  WriteBatch() = default;
  WriteBatch(const WriteBatch&) = default;
  WriteBatch& operator=(const WriteBatch&) = default;
  WriteBatch(WriteBatch&&) noexcept = default;
  WriteBatch& operator=(WriteBatch&&) noexcept = default;

  // --- Row writes that also append to the table's change log (the usual DML path).

  // A new row (or an overwrite the executor chose to log as an insert): puts the row and logs
  // Insert(row). Returns the offset of the copy of `pk` in the batch, which the copy of `row`
  // directly follows: with Piece(), a caller can read its rows back instead of keeping copies.
  size_t Insert(uint32_t table, std::string_view pk, std::string_view row);
  // Replaces the row stored under `pk` and logs UpdateBefore(before), UpdateAfter(after). An
  // update that changes the key is Delete(old pk) + Insert(new pk) instead.
  void Update(uint32_t table, std::string_view pk, std::string_view before, std::string_view after);
  // Removes the row stored under `pk` and logs Delete(before), the row as it was.
  void Delete(uint32_t table, std::string_view pk, std::string_view before);

  // --- Low-level pieces of the above, for callers that need them apart.

  void PutRow(uint32_t table, std::string_view pk, std::string_view row);
  void DeleteRow(uint32_t table, std::string_view pk);
  // Appends one entry to the table's change log without touching the rows.
  void AppendChange(uint32_t table, ChangeOp op, std::string_view row);

  // --- Catalog metadata (the meta column family), committed with the statement.

  void PutMeta(std::string_view key, std::string_view value);
  void DeleteMeta(std::string_view key);

  // Removes every row, change-log entry and counter of `table` (DROP TABLE). Cursors are not
  // touched: drop the table's cursors first (Storage::DeleteCursor).
  void DropTableData(uint32_t table);

  // Forgets the contents and keeps the buffer's capacity.
  void Clear();

  bool empty() const { return records_ == 0; }
  // Change-log entries in the batch (Update counts two): the sequence numbers it will consume.
  uint64_t num_changes() const { return num_changes_; }
  // Records of any kind.
  uint64_t num_records() const { return records_; }
  // Bytes buffered: a close estimate of the RocksDB write size.
  size_t ByteSize() const { return buf_.size(); }
  // `size` bytes of the batch from `offset` on (as returned by Insert()). Valid until the batch
  // is next appended to or cleared.
  std::string_view Piece(size_t offset, size_t size) const {
    return std::string_view(buf_.data() + offset, size);
  }

 private:
  friend class internal::BatchReader;
  friend class Storage;

  // Internal record: advance a cursor (Storage::AdvanceCursor goes through the commit queue).
  void AckCursor(uint64_t cursor, uint64_t acked_seq);
  void NoteTable(uint32_t table) {
    if (table == kInvalidTable) invalid_ = true;
  }
  void NoteSize(size_t n) {
    if (n > std::numeric_limits<uint32_t>::max()) invalid_ = true;
  }

  ByteBuffer buf_;
  uint64_t records_ = 0;
  uint64_t num_changes_ = 0;
  bool invalid_ = false;         // a reserved table id or an oversized piece
  bool has_row_or_log_ = false;  // anything but metadata
  bool has_cursor_ack_ = false;
};

}  // namespace dynasink::storage
