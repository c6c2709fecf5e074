// Small binary writing and bounds-checked reading helpers for the codecs (internal to
// src/types). Readers consume from the front of a string_view and return false when the input
// is too short or malformed, never reading past its end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/coding.h"

namespace dynasink::types::binary {

using ::dynasink::EncodeVarint64;
using ::dynasink::kMaxVarint64Bytes;

inline void PutVarint64(uint64_t v, std::string* out) {
  char buf[kMaxVarint64Bytes];
  out->append(buf, EncodeVarint64(buf, v));
}

inline void PutVarint128(unsigned __int128 v, std::string* out) {
  char buf[19];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(static_cast<uint8_t>(v) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, static_cast<size_t>(n));
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline void PutFixed32(uint32_t v, std::string* out) {
  char buf[4];
  for (int i = 0; i < 4; ++i)
    buf[i] = static_cast<char>(v >> (8 * i));
  out->append(buf, 4);
}
inline void PutFixed64(uint64_t v, std::string* out) {
  char buf[8];
  for (int i = 0; i < 8; ++i)
    buf[i] = static_cast<char>(v >> (8 * i));
  out->append(buf, 8);
}

inline bool GetVarint64(std::string_view* in, uint64_t* v) {
  return ::dynasink::GetVarint64(in, v);
}

inline bool GetVarint128(std::string_view* in, unsigned __int128* v) {
  unsigned __int128 r = 0;
  size_t i = 0;
  for (int shift = 0; shift <= 126; shift += 7) {
    if (i >= in->size()) return false;
    uint8_t b = static_cast<uint8_t>((*in)[i++]);
    if (shift == 126 && b > 3) return false;
    r |= static_cast<unsigned __int128>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      in->remove_prefix(i);
      *v = r;
      return true;
    }
  }
  return false;
}

inline bool GetFixed32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  uint32_t r = 0;
  for (int i = 0; i < 4; ++i)
    r |= static_cast<uint32_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(4);
  *v = r;
  return true;
}
inline bool GetFixed64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i)
    r |= static_cast<uint64_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(8);
  *v = r;
  return true;
}

inline bool GetByte(std::string_view* in, uint8_t* b) {
  if (in->empty()) return false;
  *b = static_cast<uint8_t>(in->front());
  in->remove_prefix(1);
  return true;
}

// A varint length followed by that many bytes.
inline void PutLengthPrefixed(std::string_view s, std::string* out) {
  PutVarint64(s.size(), out);
  out->append(s);
}
inline bool GetLengthPrefixed(std::string_view* in, std::string_view* s) {
  uint64_t n;
  if (!GetVarint64(in, &n) || n > in->size()) return false;
  *s = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

}  // namespace dynasink::types::binary
