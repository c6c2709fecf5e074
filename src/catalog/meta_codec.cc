#include "catalog/meta_codec.h"

namespace dynasink::catalog::internal {

void MetaWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

bool MetaReader::U8(uint8_t* v) {
  if (!ok_ || in_.empty()) return ok_ = false;
  *v = static_cast<uint8_t>(in_.front());
  in_.remove_prefix(1);
  return true;
}

bool MetaReader::Varint(uint64_t* v) {
  if (!ok_) return false;
  uint64_t r = 0;
  for (int shift = 0; shift <= 63 && !in_.empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = r;
      return true;
    }
  }
  return ok_ = false;
}

bool MetaReader::SignedVarint(int64_t* v) {
  uint64_t u;
  if (!Varint(&u)) return false;
  *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  return true;
}

bool MetaReader::U32(uint32_t* v) {
  uint64_t u;
  if (!Varint(&u) || u > UINT32_MAX) return ok_ = false;
  *v = static_cast<uint32_t>(u);
  return true;
}

bool MetaReader::String(std::string* s) {
  uint64_t n;
  if (!Varint(&n) || n > in_.size()) return ok_ = false;
  s->assign(in_.substr(0, n));
  in_.remove_prefix(n);
  return true;
}

bool MetaReader::Type(types::DataType* t) {
  if (!ok_) return false;
  auto r = types::DataType::Deserialize(&in_);
  if (!r.ok()) return ok_ = false;
  *t = std::move(r).value();
  return true;
}

Status MetaReader::Finish(std::string_view what) const {
  if (ok_) return Status::OK();
  return Status::Corruption(std::string(what) + ": malformed catalog record");
}

}  // namespace dynasink::catalog::internal
