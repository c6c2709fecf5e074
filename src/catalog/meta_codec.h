// The binary encoding of catalog records in the storage meta keyspace (internal to src/catalog).
//
// Records are small and written rarely, so the format favours robustness over compactness:
// every record starts with a format byte, integers are varints, strings are length-prefixed,
// and readers check every length against the input (a damaged record is Corruption, never a
// crash).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "types/data_type.h"

namespace dynasink::catalog::internal {

class MetaWriter {
 public:
  explicit MetaWriter(std::string* out) : out_(out) {}
  void U8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Varint(uint64_t v);
  void SignedVarint(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void String(std::string_view s) {
    Varint(s.size());
    out_->append(s);
  }
  void Type(const types::DataType& t) { t.Serialize(out_); }

 private:
  std::string* out_;
};

// Reads from the front of a string_view. Each getter returns false once the input is exhausted
// or malformed; Finish() turns that into a Corruption status naming the record.
class MetaReader {
 public:
  explicit MetaReader(std::string_view in) : in_(in) {}
  bool U8(uint8_t* v);
  bool Varint(uint64_t* v);
  bool SignedVarint(int64_t* v);
  bool U32(uint32_t* v);  // a varint that must fit 32 bits
  bool String(std::string* s);
  bool Type(types::DataType* t);
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }
  // Corruption("<what>: malformed catalog record") unless every read succeeded.
  Status Finish(std::string_view what) const;

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace dynasink::catalog::internal
