// CRC-32 (IEEE 802.3, as zlib computes it), for DynamoDB's x-amz-crc32 response header, which
// carries the decimal CRC-32 of the response body.
#pragma once

#include <cstdint>
#include <string_view>

namespace dynasink::aws {

uint32_t Crc32(std::string_view data);

// True when `header` is absent (empty) or is the decimal CRC-32 of `body`.
bool Crc32Matches(std::string_view header, std::string_view body);

}  // namespace dynasink::aws
