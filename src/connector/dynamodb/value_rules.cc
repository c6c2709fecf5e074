#include "connector/dynamodb/value_rules.h"

#include <fmt/format.h>

#include <cstring>

#include "common/json_escape.h"

namespace dynasink::connector::dynamodb {

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (i < n, s[i] >= 0x80), or 0 if invalid.
size_t Utf8SequenceLength(const unsigned char* s, size_t i, size_t n) {
  unsigned char c = s[i];
  auto cont = [&](size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    unsigned char c1 = s[i + 1];
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogates U+D800..U+DFFF
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    unsigned char c1 = s[i + 1];
    if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

NumberInfo AnalyzeNumber(std::string_view text) {
  NumberInfo info;
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && (text[i] == '-' || text[i] == '+')) {
    info.negative = text[i] == '-';
    ++i;
  }
  int digits_seen = 0;  // digits of the mantissa so far
  int int_digits = -1;  // digits before the point; -1 until the point (or the end) is seen
  int first_nz = -1;    // index among the mantissa's digits of the first non-zero one
  int last_nz = -1;
  for (; i < n; ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      if (c != '0') {
        if (first_nz < 0) first_nz = digits_seen;
        last_nz = digits_seen;
      }
      ++digits_seen;
    } else if (c == '.' && int_digits < 0) {
      int_digits = digits_seen;
    } else {
      break;
    }
  }
  if (digits_seen == 0) return info;  // "NaN", "Infinity", "", "-", "."
  if (int_digits < 0) int_digits = digits_seen;
  long exp10 = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (text[i] == '-' || text[i] == '+')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i == n) return info;
    for (; i < n; ++i) {
      if (text[i] < '0' || text[i] > '9') return info;
      if (exp10 < 1000000) exp10 = exp10 * 10 + (text[i] - '0');
    }
    if (exp_negative) exp10 = -exp10;
  }
  if (i != n) return info;
  info.is_number = true;
  if (first_nz < 0) {
    info.zero = true;
    info.negative = false;
    return info;
  }
  info.significant_digits = last_nz - first_nz + 1;
  long e = static_cast<long>(int_digits) - 1 - first_nz + exp10;
  info.exponent = static_cast<int>(std::max(-10000000L, std::min(10000000L, e)));
  return info;
}

std::string CheckNumber(const NumberInfo& info, std::string_view text) {
  if (!info.is_number) {
    return fmt::format("{} is not a number DynamoDB can store (NaN and infinities are refused)",
                       ShortValueText(text));
  }
  if (info.zero) return {};
  if (info.significant_digits > kMaxNumberDigits) {
    return fmt::format("{} has {} significant digits; DynamoDB numbers have at most {}",
                       ShortValueText(text), info.significant_digits, kMaxNumberDigits);
  }
  if (info.exponent > kMaxNumberExponent) {
    return fmt::format(
        "{} is out of DynamoDB's number range: the magnitude must be at most "
        "9.9999999999999999999999999999999999999E+125",
        ShortValueText(text));
  }
  if (info.exponent < kMinNumberExponent) {
    return fmt::format(
        "{} is out of DynamoDB's number range: a non-zero magnitude must be at least 1E-130",
        ShortValueText(text));
  }
  return {};
}

bool AppendJsonEscaped(std::string_view text, std::string* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  bool valid = true;
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (!JsonNeedsEscape(c)) {
        ++i;
        continue;
      }
      out->append(text.data() + run, i - run);
      AppendJsonEscape(c, out);
      run = ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(s, i, n);
    if (len == 0) {
      out->append(text.data() + run, i - run);
      out->append("\xEF\xBF\xBD");  // U+FFFD
      valid = false;
      run = ++i;
      continue;
    }
    i += len;
  }
  out->append(text.data() + run, n - run);
  return valid;
}

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(s, i, n);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void AppendCanonicalNumber(const NumberInfo& info, std::string_view text, std::string* out) {
  if (!info.is_number) {
    out->append(text);  // never a key (refused before), but keep distinct texts distinct
    return;
  }
  if (info.zero) {
    out->push_back('0');
    return;
  }
  if (info.negative) out->push_back('-');
  // The significant digits, in order, skipping the point and leading/trailing zeros.
  int wanted = info.significant_digits;
  bool started = false;
  for (char c : text) {
    if (wanted == 0) break;
    if (c == 'e' || c == 'E') break;
    if (c < '0' || c > '9') continue;
    if (!started && c == '0') continue;
    started = true;
    out->push_back(c);
    --wanted;
  }
  out->push_back('E');
  out->append(fmt::format_int(info.exponent).str());
}

std::string ShortValueText(std::string_view text, size_t max_chars) {
  std::string out;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n && out.size() < max_chars) {
    unsigned char c = s[i];
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else {
      size_t len = Utf8SequenceLength(s, i, n);
      if (len == 0) {
        out += fmt::format("\\x{:02x}", c);
        ++i;
      } else {
        out.append(text.data() + i, len);
        i += len;
      }
    }
  }
  if (i < n) out += "...";
  return out;
}

}  // namespace dynasink::connector::dynamodb
