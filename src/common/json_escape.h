// JSON string escaping of single ASCII bytes (RFC 8259 section 7), shared by the writers that
// build JSON text by hand on hot paths (jsonb output, the DynamoDB item encoder).
#pragma once

#include <string>

namespace dynasink {

// Whether an ASCII byte must be escaped inside a JSON string: control characters, '"', '\'.
constexpr bool JsonNeedsEscape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

// Appends the escape of `c` (one for which JsonNeedsEscape holds): the short forms \" \\ \b
// \f \n \r \t, else \u00XX with lower-case hex digits.
inline void AppendJsonEscape(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out->append("\\\"");
      break;
    case '\\':
      out->append("\\\\");
      break;
    case '\b':
      out->append("\\b");
      break;
    case '\f':
      out->append("\\f");
      break;
    case '\n':
      out->append("\\n");
      break;
    case '\r':
      out->append("\\r");
      break;
    case '\t':
      out->append("\\t");
      break;
    default: {
      const char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out->append(buf, 6);
    }
  }
}

}  // namespace dynasink
