// Small cryptographic helpers for password authentication (SCRAM-SHA-256 and MD5), built on
// OpenSSL's libcrypto. They work on byte strings held in std::string.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace dynasink::pgwire::crypto {

// RFC 4648 base64 with padding.
std::string Base64Encode(std::string_view bytes);
// Strict decoding: rejects characters outside the alphabet, wrong padding and bad lengths.
Result<std::string> Base64Decode(std::string_view text);

std::string Sha256(std::string_view data);                            // 32 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 bytes
// PBKDF2-HMAC-SHA-256 with a 32-byte output: SCRAM's Hi(password, salt, iterations).
std::string Pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations);
// Lower-case hex of MD5(data), 32 characters.
std::string Md5Hex(std::string_view data);

// `n` cryptographically random bytes. Aborts if the system cannot provide randomness, since
// carrying on with predictable nonces would silently weaken authentication.
std::string RandomBytes(size_t n);

// Equality in time that depends only on the lengths, for comparing secrets.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace dynasink::pgwire::crypto
