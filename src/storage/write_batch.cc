#include "storage/write_batch.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "storage/batch_reader.h"

namespace dynasink::storage {

using internal::Tag;

namespace {

// Appends a tag and a run of fixed-width fields in one extension, then the byte strings.
class Appender {
 public:
  Appender(ByteBuffer* buf, Tag tag, size_t fixed, size_t payload) : pos_(buf->size()) {
    base_ = buf->Extend(1 + fixed + payload) - pos_;
    base_[pos_++] = static_cast<char>(tag);
  }
  Appender& U8(uint8_t v) {
    base_[pos_++] = static_cast<char>(v);
    return *this;
  }
  Appender& U32(uint32_t v) {
    std::memcpy(base_ + pos_, &v, 4);
    pos_ += 4;
    return *this;
  }
  Appender& U64(uint64_t v) {
    std::memcpy(base_ + pos_, &v, 8);
    pos_ += 8;
    return *this;
  }
  // Sizes above 4 GiB were flagged by WriteBatch::NoteSize; the record is never committed.
  Appender& Len(std::string_view s) { return U32(static_cast<uint32_t>(s.size())); }
  Appender& Bytes(std::string_view s) {
    if (!s.empty()) std::memcpy(base_ + pos_, s.data(), s.size());
    pos_ += s.size();
    return *this;
  }
  // The offset in the buffer where the next Bytes() goes.
  size_t pos() const { return pos_; }

 private:
  char* base_;  // the buffer's start
  size_t pos_;
};

}  // namespace

ByteBuffer::ByteBuffer(const ByteBuffer& other) {
  *this = other;
}

ByteBuffer& ByteBuffer::operator=(const ByteBuffer& other) {
  if (this == &other) return *this;
  size_ = 0;
  if (other.size_ > 0) std::memcpy(Extend(other.size_), other.data_, other.size_);
  return *this;
}

ByteBuffer::ByteBuffer(ByteBuffer&& other) noexcept
    : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.size_ = other.capacity_ = 0;
}

ByteBuffer& ByteBuffer::operator=(ByteBuffer&& other) noexcept {
  if (this == &other) return *this;
  std::free(data_);
  data_ = other.data_;
  size_ = other.size_;
  capacity_ = other.capacity_;
  other.data_ = nullptr;
  other.size_ = other.capacity_ = 0;
  return *this;
}

ByteBuffer::~ByteBuffer() {
  std::free(data_);
}

void ByteBuffer::Release() {
  std::free(data_);
  data_ = nullptr;
  size_ = capacity_ = 0;
}

void ByteBuffer::Grow(size_t n) {
  constexpr size_t kMinCapacity = 256;
  size_t want = size_ + n;
  size_t cap = capacity_ < kMinCapacity ? kMinCapacity : capacity_;
  while (cap < want)
    cap *= 2;
  void* p = std::realloc(data_, cap);
  if (p == nullptr) throw std::bad_alloc();  // as std::string would
  data_ = static_cast<char*>(p);
  capacity_ = cap;
}

size_t WriteBatch::Insert(uint32_t table, std::string_view pk, std::string_view row) {
  NoteTable(table);
  NoteSize(pk.size());
  NoteSize(row.size());
  Appender a(&buf_, Tag::kInsert, 12, pk.size() + row.size());
  a.U32(table).Len(pk).Len(row);
  const size_t pk_offset = a.pos();
  a.Bytes(pk).Bytes(row);
  ++records_;
  ++num_changes_;
  has_row_or_log_ = true;
  return pk_offset;
}

void WriteBatch::Update(uint32_t table, std::string_view pk, std::string_view before,
                        std::string_view after) {
  NoteTable(table);
  NoteSize(pk.size());
  NoteSize(before.size());
  NoteSize(after.size());
  Appender(&buf_, Tag::kUpdate, 16, pk.size() + before.size() + after.size())
      .U32(table)
      .Len(pk)
      .Len(before)
      .Len(after)
      .Bytes(pk)
      .Bytes(before)
      .Bytes(after);
  ++records_;
  num_changes_ += 2;
  has_row_or_log_ = true;
}

void WriteBatch::Delete(uint32_t table, std::string_view pk, std::string_view before) {
  NoteTable(table);
  NoteSize(pk.size());
  NoteSize(before.size());
  Appender(&buf_, Tag::kDelete, 12, pk.size() + before.size())
      .U32(table)
      .Len(pk)
      .Len(before)
      .Bytes(pk)
      .Bytes(before);
  ++records_;
  ++num_changes_;
  has_row_or_log_ = true;
}

void WriteBatch::PutRow(uint32_t table, std::string_view pk, std::string_view row) {
  NoteTable(table);
  NoteSize(pk.size());
  NoteSize(row.size());
  Appender(&buf_, Tag::kPutRow, 12, pk.size() + row.size())
      .U32(table)
      .Len(pk)
      .Len(row)
      .Bytes(pk)
      .Bytes(row);
  ++records_;
  has_row_or_log_ = true;
}

void WriteBatch::DeleteRow(uint32_t table, std::string_view pk) {
  NoteTable(table);
  NoteSize(pk.size());
  Appender(&buf_, Tag::kDeleteRow, 8, pk.size()).U32(table).Len(pk).Bytes(pk);
  ++records_;
  has_row_or_log_ = true;
}

void WriteBatch::AppendChange(uint32_t table, ChangeOp op, std::string_view row) {
  NoteTable(table);
  NoteSize(row.size());
  Appender(&buf_, Tag::kChange, 9, row.size())
      .U32(table)
      .U8(static_cast<uint8_t>(op))
      .Len(row)
      .Bytes(row);
  ++records_;
  ++num_changes_;
  has_row_or_log_ = true;
}

void WriteBatch::PutMeta(std::string_view key, std::string_view value) {
  NoteSize(key.size());
  NoteSize(value.size());
  Appender(&buf_, Tag::kPutMeta, 8, key.size() + value.size())
      .Len(key)
      .Len(value)
      .Bytes(key)
      .Bytes(value);
  ++records_;
}

void WriteBatch::DeleteMeta(std::string_view key) {
  NoteSize(key.size());
  Appender(&buf_, Tag::kDeleteMeta, 4, key.size()).Len(key).Bytes(key);
  ++records_;
}

void WriteBatch::DropTableData(uint32_t table) {
  NoteTable(table);
  Appender(&buf_, Tag::kDropTable, 4, 0).U32(table);
  ++records_;
  has_row_or_log_ = true;
}

void WriteBatch::AckCursor(uint64_t cursor, uint64_t acked_seq) {
  Appender(&buf_, Tag::kAckCursor, 16, 0).U64(cursor).U64(acked_seq);
  ++records_;
  has_cursor_ack_ = true;
}

void WriteBatch::Clear() {
  // A batch that once held a huge statement (a large COPY) should not pin that memory forever.
  constexpr size_t kKeepCapacity = size_t{64} << 20;
  if (buf_.capacity() > kKeepCapacity) {
    buf_.Release();
  } else {
    buf_.clear();
  }
  records_ = 0;
  num_changes_ = 0;
  invalid_ = false;
  has_row_or_log_ = false;
  has_cursor_ack_ = false;
}

}  // namespace dynasink::storage
