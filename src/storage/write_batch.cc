#include "storage/write_batch.h"

#include <cstring>

#include "storage/batch_reader.h"

namespace dynasink::storage {

using internal::Tag;

namespace {

// Appends a tag and a run of fixed-width fields in one resize, then the byte strings.
class Appender {
 public:
  Appender(std::string* buf, Tag tag, size_t fixed, size_t payload) : buf_(buf) {
    pos_ = buf_->size();
    buf_->resize(pos_ + 1 + fixed + payload);
    (*buf_)[pos_++] = static_cast<char>(tag);
  }
  Appender& U8(uint8_t v) {
    (*buf_)[pos_++] = static_cast<char>(v);
    return *this;
  }
  Appender& U32(uint32_t v) {
    std::memcpy(buf_->data() + pos_, &v, 4);
    pos_ += 4;
    return *this;
  }
  Appender& U64(uint64_t v) {
    std::memcpy(buf_->data() + pos_, &v, 8);
    pos_ += 8;
    return *this;
  }
  // Sizes above 4 GiB were flagged by WriteBatch::NoteSize; the record is never committed.
  Appender& Len(std::string_view s) { return U32(static_cast<uint32_t>(s.size())); }
  Appender& Bytes(std::string_view s) {
    if (!s.empty()) std::memcpy(buf_->data() + pos_, s.data(), s.size());
    pos_ += s.size();
    return *this;
  }

 private:
  std::string* buf_;
  size_t pos_;
};

}  // namespace

void WriteBatch::Insert(uint32_t table, std::string_view pk, std::string_view row) {
  NoteTable(table);
  NoteSize(pk.size());
  NoteSize(row.size());
  Appender(&buf_, Tag::kInsert, 12, pk.size() + row.size())
      .U32(table)
      .Len(pk)
      .Len(row)
      .Bytes(pk)
      .Bytes(row);
  ++records_;
  ++num_changes_;
  has_row_or_log_ = true;
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
    std::string().swap(buf_);
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
