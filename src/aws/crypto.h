// SHA-256, HMAC-SHA-256 and hex encoding over OpenSSL, for SigV4.
//
// The digest algorithm is fetched from OpenSSL once per process and each thread reuses one digest
// context, so hashing allocates nothing: OpenSSL 3's implicit fetch on every EVP_DigestInit is
// several times slower than the hashing of a small request itself.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dynasink::aws {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);

// HMAC-SHA-256 (RFC 2104) of `data` under `key`.
Sha256Digest HmacSha256(std::string_view key, std::string_view data);
inline Sha256Digest HmacSha256(const Sha256Digest& key, std::string_view data) {
  return HmacSha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), data);
}

// Lower-case hex of `bytes`, appended to `out`.
void AppendHex(std::string* out, const uint8_t* bytes, size_t size);
inline std::string Hex(const Sha256Digest& digest) {
  std::string out;
  AppendHex(&out, digest.data(), digest.size());
  return out;
}
inline std::string Sha256Hex(std::string_view data) {
  return Hex(Sha256(data));
}

}  // namespace dynasink::aws
