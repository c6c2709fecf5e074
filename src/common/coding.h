// Integer encodings shared by the layers that build byte keys and records. Big-endian in keys,
// so that byte order is numeric order; little-endian fixed-width integers, varints and
// length-prefixed strings in values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dynasink {

inline void PutBigEndian32(char* dst, uint32_t v) {
  dst[0] = static_cast<char>(v >> 24);
  dst[1] = static_cast<char>(v >> 16);
  dst[2] = static_cast<char>(v >> 8);
  dst[3] = static_cast<char>(v);
}
inline void PutBigEndian64(char* dst, uint64_t v) {
  PutBigEndian32(dst, static_cast<uint32_t>(v >> 32));
  PutBigEndian32(dst + 4, static_cast<uint32_t>(v));
}
inline uint32_t GetBigEndian32(const char* src) {
  const auto* p = reinterpret_cast<const unsigned char*>(src);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline uint64_t GetBigEndian64(const char* src) {
  return (uint64_t{GetBigEndian32(src)} << 32) | GetBigEndian32(src + 4);
}

inline void AppendBigEndian32(std::string* out, uint32_t v) {
  char b[4];
  PutBigEndian32(b, v);
  out->append(b, 4);
}
inline void AppendBigEndian64(std::string* out, uint64_t v) {
  char b[8];
  PutBigEndian64(b, v);
  out->append(b, 8);
}

inline void PutLittleEndian32(char* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    dst[i] = static_cast<char>(v >> (8 * i));
}
inline void PutLittleEndian64(char* dst, uint64_t v) {
  PutLittleEndian32(dst, static_cast<uint32_t>(v));
  PutLittleEndian32(dst + 4, static_cast<uint32_t>(v >> 32));
}
inline uint32_t GetLittleEndian32(const char* src) {
  const auto* p = reinterpret_cast<const unsigned char*>(src);
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
inline uint64_t GetLittleEndian64(const char* src) {
  return uint64_t{GetLittleEndian32(src)} | (uint64_t{GetLittleEndian32(src + 4)} << 32);
}

// Varints: 7 bits per byte, low groups first, the top bit set on every byte but the last.
inline constexpr size_t kMaxVarint64Bytes = 10;
// Writes v at dst (room for kMaxVarint64Bytes) and returns the bytes written.
inline size_t EncodeVarint64(char* dst, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    dst[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  dst[n++] = static_cast<char>(v);
  return n;
}
// Reads a varint from the front of *in and consumes it; false (nothing consumed) when *in ends
// first or the value does not fit 64 bits.
inline bool GetVarint64(std::string_view* in, uint64_t* v) {
  uint64_t r = 0;
  size_t i = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (i >= in->size()) return false;
    const auto b = static_cast<uint8_t>((*in)[i++]);
    if (shift == 63 && b > 1) return false;  // the tenth byte may only carry the top bit
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      in->remove_prefix(i);
      *v = r;
      return true;
    }
  }
  return false;
}

// A 4-byte big-endian length, then the bytes.
inline void AppendLengthPrefixed(std::string* out, std::string_view s) {
  AppendBigEndian32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}
// The inverse: false when `in` is too short.
inline bool ReadLengthPrefixed(std::string_view* in, std::string_view* out) {
  if (in->size() < 4) return false;
  uint32_t len = GetBigEndian32(in->data());
  in->remove_prefix(4);
  if (in->size() < len) return false;
  *out = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

}  // namespace dynasink
