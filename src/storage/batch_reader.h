// The in-memory record format of storage::WriteBatch and its reader (internal to src/storage).
//
// A batch is one std::string of records, each a tag byte followed by fixed-width native-endian
// lengths and then the bytes. It never reaches disk: the commit leader decodes it and writes
// RocksDB keys in the layout of format.h. Fixed-width lengths keep appending branch-free.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "storage/change_op.h"
#include "storage/write_batch.h"

namespace dynasink::storage::internal {

enum class Tag : uint8_t {
  kPutRow = 1,  // table pk row
  kDeleteRow,   // table pk
  kChange,      // table op row (log only)
  kInsert,      // table pk row: put + Insert entry
  kUpdate,      // table pk before after: put(after) + UpdateBefore + UpdateAfter entries
  kDelete,      // table pk before: delete + Delete entry
  kPutMeta,     // key value
  kDeleteMeta,  // key
  kDropTable,   // table
  kAckCursor,   // cursor seq
};

struct Record {
  Tag tag;
  ChangeOp op;  // kChange
  uint32_t table;
  std::string_view pk;     // or the meta key
  std::string_view row;    // the row, the meta value, or an update's before image
  std::string_view after;  // kUpdate
  uint64_t cursor;         // kAckCursor
  uint64_t seq;            // kAckCursor
};

class BatchReader {
 public:
  explicit BatchReader(const WriteBatch& batch)
      : p_(batch.buf_.data()), end_(batch.buf_.data() + batch.buf_.size()) {}

  // Decodes the next record; false at the end. The batch was written by WriteBatch itself, so
  // the format is trusted (a mismatch would be a bug in write_batch.cc, not bad input).
  bool Next(Record* r) {
    if (p_ >= end_) return false;
    r->tag = static_cast<Tag>(*p_++);
    switch (r->tag) {
      case Tag::kPutRow:
      case Tag::kInsert:
      case Tag::kDelete: {
        r->table = U32();
        uint32_t pk_len = U32(), row_len = U32();
        r->pk = Bytes(pk_len);
        r->row = Bytes(row_len);
        break;
      }
      case Tag::kDeleteRow: {
        r->table = U32();
        r->pk = Bytes(U32());
        break;
      }
      case Tag::kChange: {
        r->table = U32();
        r->op = static_cast<ChangeOp>(*p_++);
        r->row = Bytes(U32());
        break;
      }
      case Tag::kUpdate: {
        r->table = U32();
        uint32_t pk_len = U32(), before_len = U32(), after_len = U32();
        r->pk = Bytes(pk_len);
        r->row = Bytes(before_len);
        r->after = Bytes(after_len);
        break;
      }
      case Tag::kPutMeta: {
        uint32_t key_len = U32(), value_len = U32();
        r->pk = Bytes(key_len);
        r->row = Bytes(value_len);
        break;
      }
      case Tag::kDeleteMeta:
        r->pk = Bytes(U32());
        break;
      case Tag::kDropTable:
        r->table = U32();
        break;
      case Tag::kAckCursor:
        r->cursor = U64();
        r->seq = U64();
        break;
    }
    return true;
  }

 private:
  uint32_t U32() {
    uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return v;
  }
  uint64_t U64() {
    uint64_t v;
    std::memcpy(&v, p_, 8);
    p_ += 8;
    return v;
  }
  std::string_view Bytes(uint32_t n) {
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }

  const char* p_;
  const char* end_;
};

}  // namespace dynasink::storage::internal
