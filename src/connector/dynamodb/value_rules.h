// DynamoDB's rules for values, checked before anything is sent (COMPATIBILITY.md section 4), and
// the text helpers the encoder needs: JSON string escaping with UTF-8 validation, the analysis of
// a number's text, and the canonical form of a key.
//
// The rules (from DynamoDB's documentation of data types and limits):
//   - N: at most 38 significant digits; magnitude at most 9.9999999999999999999999999999999999999
//     E+125 and, when not zero, at least 1E-130; no NaN or infinity.
//   - S: valid UTF-8. B: any bytes.
//   - Key attributes: not NULL, not an empty S or B; a partition key value at most 2048 bytes, a
//     sort key value at most 1024 bytes.
//   - Nesting: M and L at most 32 levels deep.
//   - Item size: at most 400 KB (409,600 bytes) by DynamoDB's own rule: the sum over attributes
//     of the UTF-8 length of the name plus the size of the value, where S is its UTF-8 bytes, N
//     is 1 byte per two significant digits plus 1, B its raw bytes, BOOL and NULL 1 byte, and M
//     and L 3 bytes plus, per element, 1 byte and the element's size (and for M its name).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dynasink::connector::dynamodb {

inline constexpr size_t kMaxItemSize = 400 * 1024;
inline constexpr size_t kMaxPartitionKeyBytes = 2048;
inline constexpr size_t kMaxSortKeyBytes = 1024;
inline constexpr int kMaxNumberDigits = 38;
inline constexpr int kMaxNumberExponent = 125;   // 9.99...E+125
inline constexpr int kMinNumberExponent = -130;  // 1E-130
inline constexpr int kMaxNestingDepth = 32;
// BatchWriteItem: at most 25 requests and 16 MB per call.
inline constexpr size_t kMaxBatchItems = 25;
inline constexpr size_t kMaxBatchBytes = 16 * 1024 * 1024;

// The decimal structure of a number's text ("-0.00120", "1e+16", "9223372036854775807").
struct NumberInfo {
  bool is_number = false;  // false for "NaN", "Infinity" and anything else that is not a number
  bool zero = false;
  bool negative = false;
  int significant_digits = 0;  // without leading and trailing zeros; 0 for zero
  int exponent = 0;            // of the leading digit: 10^e <= |x| < 10^(e+1); 0 for zero
};
NumberInfo AnalyzeNumber(std::string_view text);

// Empty when DynamoDB accepts the number, else why not (e.g. "it has 40 significant digits;
// DynamoDB numbers have at most 38").
std::string CheckNumber(const NumberInfo& info, std::string_view text);

// DynamoDB's size of an N value.
inline size_t NumberSize(const NumberInfo& info) {
  int digits = info.significant_digits > 0 ? info.significant_digits : 1;
  return static_cast<size_t>((digits + 1) / 2 + 1);
}

// Appends `text` as the inside of a JSON string (without quotes), escaping '"', '\' and control
// characters. Returns false, and appends the invalid bytes as U+FFFD, when `text` is not valid
// UTF-8.
bool AppendJsonEscaped(std::string_view text, std::string* out);
// True when `text` is valid UTF-8 (no overlong forms, surrogates or values above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// The canonical form of a number for key comparison: equal numbers give equal texts whatever
// their written form ("1.10", "1.1", "11e-1" -> "11E0"; zero -> "0"). Appended to `out`.
void AppendCanonicalNumber(const NumberInfo& info, std::string_view text, std::string* out);

// A value's text for messages: at most `max_chars` bytes (cut at a UTF-8 boundary, "..."
// appended), invalid UTF-8 and control characters shown as \xNN.
std::string ShortValueText(std::string_view text, size_t max_chars = 100);

}  // namespace dynasink::connector::dynamodb
