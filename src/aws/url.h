// URL splitting and percent-encoding as AWS signing and query protocols need them.
//
// ParseUrl() splits without copying or validating beyond the shape scheme://authority/path?query:
// the signer must see the path exactly as it will be sent, and the HTTP client leaves validation
// to libcurl. UriEncode() is RFC 3986 strict: only A-Z a-z 0-9 - . _ ~ stay as they are, every
// other byte becomes %XX with upper-case hex, which is what SigV4 and the AWS query protocol
// (STS) require.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace dynasink::aws {

struct UrlParts {
  std::string_view scheme;     // "https", lower-case as given
  std::string_view authority;  // "host[:port]" without any user info
  std::string_view host;       // host name or address, IPv6 without brackets
  int port = 0;                // explicit port, or the scheme's default (80, 443), or 0
  std::string_view path;       // "/..." or empty
  std::string_view query;      // after '?', without it; the fragment is dropped
};

// Splits `url`, which must outlive the result. InvalidArgument without "scheme://" or a host.
Result<UrlParts> ParseUrl(std::string_view url);

// Appends the strict percent-encoding of `text`; '/' is kept when `keep_slash`.
void UriEncode(std::string_view text, bool keep_slash, std::string* out);
inline std::string UriEncode(std::string_view text, bool keep_slash = false) {
  std::string out;
  UriEncode(text, keep_slash, &out);
  return out;
}

// Decodes %XX escapes; a '%' not followed by two hex digits is kept literally. '+' is kept, as
// AWS signing treats it as a literal plus rather than a space.
std::string PercentDecode(std::string_view text);

}  // namespace dynasink::aws
