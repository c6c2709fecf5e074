// Encoding and decoding of PostgreSQL protocol 3.0 message bodies.
//
// MessageWriter appends whole messages (type byte, int32 length, body) to a growing buffer that
// the connection writes out in large chunks. MessageReader walks a received body with bounds
// checks, so a truncated or lying message becomes a 08P01 error instead of an overread.
// All integers are big-endian on the wire.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/result.h"

namespace dynasink::pgwire {

class MessageWriter {
 public:
  // Starts a message; the length is filled in by End().
  void Begin(char type) {
    buf_.push_back(type);
    start_ = buf_.size();
    buf_.append(4, '\0');
  }
  void End() { PutInt32At(start_, static_cast<int32_t>(buf_.size() - start_)); }

  void Byte(char c) { buf_.push_back(c); }
  void Int16(int16_t v) {
    uint16_t u = static_cast<uint16_t>(v);
    char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u)};
    buf_.append(b, 2);
  }
  void Int32(int32_t v) {
    uint32_t u = static_cast<uint32_t>(v);
    char b[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8),
                 static_cast<char>(u)};
    buf_.append(b, 4);
  }
  // A NUL-terminated string; embedded NULs would corrupt the message, so they are dropped.
  void CString(std::string_view s) {
    if (s.find('\0') == std::string_view::npos) {
      buf_.append(s);
    } else {
      for (char c : s)
        if (c != '\0') buf_.push_back(c);
    }
    buf_.push_back('\0');
  }
  void Bytes(std::string_view s) { buf_.append(s); }

  // A length-prefixed field of a DataRow: BeginField() reserves the length, the caller appends
  // the value to buffer(), EndField() writes the length.
  size_t BeginField() {
    size_t at = buf_.size();
    buf_.append(4, '\0');
    return at;
  }
  void EndField(size_t at) { PutInt32At(at, static_cast<int32_t>(buf_.size() - at - 4)); }
  void NullField() { Int32(-1); }

  std::string* buffer() { return &buf_; }
  size_t size() const { return buf_.size(); }
  bool empty() const { return buf_.empty(); }
  std::string_view view() const { return buf_; }
  void Clear() { buf_.clear(); }
  // Drops everything after `size` bytes: used to discard a half-built message on error.
  void Truncate(size_t size) { buf_.resize(size); }

 private:
  void PutInt32At(size_t at, int32_t v) {
    uint32_t u = static_cast<uint32_t>(v);
    buf_[at] = static_cast<char>(u >> 24);
    buf_[at + 1] = static_cast<char>(u >> 16);
    buf_[at + 2] = static_cast<char>(u >> 8);
    buf_[at + 3] = static_cast<char>(u);
  }
  std::string buf_;
  size_t start_ = 0;
};

class MessageReader {
 public:
  explicit MessageReader(std::string_view body) : rest_(body) {}

  Result<char> Byte() {
    if (rest_.empty()) return Truncated();
    char c = rest_[0];
    rest_.remove_prefix(1);
    return c;
  }
  Result<int16_t> Int16() {
    if (rest_.size() < 2) return Truncated();
    uint16_t v = static_cast<uint16_t>((static_cast<uint8_t>(rest_[0]) << 8) |
                                       static_cast<uint8_t>(rest_[1]));
    rest_.remove_prefix(2);
    return static_cast<int16_t>(v);
  }
  // Counts (of parameters, formats, columns) are unsigned 16-bit on the wire, as PostgreSQL
  // reads them.
  Result<uint16_t> UInt16() {
    DS_ASSIGN_OR_RETURN(int16_t v, Int16());
    return static_cast<uint16_t>(v);
  }
  Result<int32_t> Int32() {
    if (rest_.size() < 4) return Truncated();
    uint32_t v = (uint32_t{static_cast<uint8_t>(rest_[0])} << 24) |
                 (uint32_t{static_cast<uint8_t>(rest_[1])} << 16) |
                 (uint32_t{static_cast<uint8_t>(rest_[2])} << 8) | static_cast<uint8_t>(rest_[3]);
    rest_.remove_prefix(4);
    return static_cast<int32_t>(v);
  }
  Result<std::string_view> CString() {
    size_t nul = rest_.find('\0');
    if (nul == std::string_view::npos) {
      return Status::Sql("08P01", "invalid string in message");
    }
    std::string_view s = rest_.substr(0, nul);
    rest_.remove_prefix(nul + 1);
    return s;
  }
  Result<std::string_view> Bytes(size_t n) {
    if (rest_.size() < n) return Truncated();
    std::string_view s = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return s;
  }
  std::string_view Rest() {
    std::string_view s = rest_;
    rest_ = {};
    return s;
  }
  // A well-formed message is consumed exactly.
  Status ExpectEnd() const {
    if (!rest_.empty()) return Status::Sql("08P01", "invalid message format");
    return Status::OK();
  }
  size_t remaining() const { return rest_.size(); }

 private:
  static Status Truncated() {
    return Status::Sql("08P01", "invalid message format: message is shorter than its fields");
  }
  std::string_view rest_;
};

}  // namespace dynasink::pgwire
