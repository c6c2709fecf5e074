// Text input and output of integers, floats, booleans and bytea.
#include <locale.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <type_traits>

#include "types/text_internal.h"

namespace dynasink::types::text {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

Status InvalidSyntax(std::string_view type_name, std::string_view text) {
  std::string msg = "invalid input syntax for type ";
  msg.append(type_name);
  msg.append(": \"");
  msg.append(text);
  msg.push_back('"');
  return Status::Sql("22P02", std::move(msg));
}

Status InvalidDatetimeSyntax(std::string_view type_name, std::string_view text) {
  return InvalidSyntax(type_name, text).WithSqlState("22007");
}

// ---------------------------------------------------------------------------------------------
// Floats. RisingWave prints the shortest round-trip digits (Ryu) in fixed notation when the
// decimal exponent is in [-5, 16) for double and [-6, 13) for real, and otherwise in scientific
// notation with a signed, at least two-digit exponent: 1e+16, 1.5e-07.

namespace {

template <typename F>
void AppendFloat(F v, int max_fixed_exp, int min_fixed_exp, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (v == 0) {
    out->append(std::signbit(v) ? "-0" : "0");
    return;
  }
  // Shortest digits in scientific form: [-]d[.ddd]e(+|-)XX[X].
  char buf[48];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  bool neg = sci.front() == '-';
  if (neg) sci.remove_prefix(1);
  size_t e_pos = sci.find('e');
  char digits[24];
  int nd = 0;
  for (size_t i = 0; i < e_pos; ++i) {
    if (sci[i] != '.') digits[nd++] = sci[i];
  }
  int exp10 = 0;
  std::from_chars(sci.data() + e_pos + (sci[e_pos + 1] == '+' ? 2 : 1), sci.data() + sci.size(),
                  exp10);
  // kk: number of digits before the decimal point, 10^(kk-1) <= |v| < 10^kk.
  int kk = exp10 + 1;
  if (neg) out->push_back('-');
  if (kk > min_fixed_exp && kk <= max_fixed_exp) {
    if (kk <= 0) {
      out->append("0.");
      out->append(static_cast<size_t>(-kk), '0');
      out->append(digits, nd);
    } else if (kk >= nd) {
      out->append(digits, nd);
      out->append(static_cast<size_t>(kk - nd), '0');
    } else {
      out->append(digits, kk);
      out->push_back('.');
      out->append(digits + kk, nd - kk);
    }
    return;
  }
  out->push_back(digits[0]);
  if (nd > 1) {
    out->push_back('.');
    out->append(digits + 1, nd - 1);
  }
  out->push_back('e');
  out->push_back(exp10 < 0 ? '-' : '+');
  int a = exp10 < 0 ? -exp10 : exp10;
  if (a < 10) out->push_back('0');
  out->append(std::to_string(a));
}

locale_t CLocale() {
  static locale_t loc = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return loc;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

// PostgreSQL's float8in/float4in: strtod semantics, plus explicit NaN and infinity spellings,
// and an error for results that overflow, or underflow to zero.
template <typename F>
Result<F> ParseFloat(std::string_view text, std::string_view type_name) {
  std::string_view s = TrimSpace(text);
  if (s.empty()) return InvalidSyntax(type_name, text);
  if (EqualsNoCase(s, "nan")) return std::numeric_limits<F>::quiet_NaN();
  {
    std::string_view t = s;
    bool neg = false;
    if (t.front() == '+' || t.front() == '-') {
      neg = t.front() == '-';
      t.remove_prefix(1);
    }
    if (EqualsNoCase(t, "infinity") || EqualsNoCase(t, "inf")) {
      return neg ? -std::numeric_limits<F>::infinity() : std::numeric_limits<F>::infinity();
    }
  }
  // strtod needs a terminated string; also refuse spellings it accepts that PostgreSQL
  // handles above (nan(...), infinity variants) by requiring a digit or point first.
  char c0 = s.front() == '+' || s.front() == '-' ? (s.size() > 1 ? s[1] : '\0') : s.front();
  if (!((c0 >= '0' && c0 <= '9') || c0 == '.')) return InvalidSyntax(type_name, text);
  // Fast path for plain decimal forms: from_chars rounds exactly as strtod does and needs no
  // copy. Anything it does not take whole (hexadecimal, out of range, junk) goes to strtod,
  // which decides the result or the error.
  {
    std::string_view d = s.front() == '+' ? s.substr(1) : s;
    bool plain = !d.empty();
    for (char c : d) {
      if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
        plain = false;
        break;
      }
    }
    F v;
    if (plain) {
      auto [ptr, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
      if (ec == std::errc() && ptr == d.data() + d.size()) return v;
    }
  }
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  F v;
  if constexpr (std::is_same_v<F, float>) {
    v = strtof_l(buf.c_str(), &end, CLocale());
  } else {
    v = strtod_l(buf.c_str(), &end, CLocale());
  }
  if (end != buf.c_str() + buf.size() || end == buf.c_str()) {
    return InvalidSyntax(type_name, text);
  }
  if (errno == ERANGE && (v == 0 || std::isinf(v))) {
    std::string msg = "\"";
    msg.append(text);
    msg.append("\" is out of range for type ");
    msg.append(type_name);
    return Status::Sql("22003", std::move(msg));
  }
  return v;
}

}  // namespace

void AppendFloat64(double v, std::string* out) {
  AppendFloat(v, 16, -5, out);
}
void AppendFloat32(float v, std::string* out) {
  AppendFloat(v, 13, -6, out);
}

Result<double> ParseFloat64(std::string_view text) {
  return ParseFloat<double>(text, "double precision");
}
Result<float> ParseFloat32(std::string_view text) {
  return ParseFloat<float>(text, "real");
}

// ---------------------------------------------------------------------------------------------

Result<int64_t> ParseInteger(std::string_view text, std::string_view type_name, int64_t min,
                             int64_t max) {
  std::string_view s = TrimSpace(text);
  bool neg = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return InvalidSyntax(type_name, text);
  // Accumulate negatively so that the minimum of the type needs no special case.
  int64_t v = 0;
  bool overflow = false;
  for (char c : s) {
    if (c < '0' || c > '9') return InvalidSyntax(type_name, text);
    if (!overflow &&
        (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, c - '0', &v))) {
      overflow = true;
    }
  }
  if (!overflow && !neg) {
    if (v == INT64_MIN) {
      overflow = true;
    } else {
      v = -v;
    }
  }
  if (overflow || v < min || v > max) {
    std::string msg = "value \"";
    msg.append(text);
    msg.append("\" is out of range for type ");
    msg.append(type_name);
    return Status::Sql("22003", std::move(msg));
  }
  return v;
}

Result<bool> ParseBool(std::string_view text) {
  std::string_view s = TrimSpace(text);
  std::string lower(s);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  auto prefix_of = [&](std::string_view word, size_t min_len) {
    return lower.size() >= min_len && lower.size() <= word.size() &&
           word.substr(0, lower.size()) == lower;
  };
  // PostgreSQL accepts unique prefixes: t, tr, tru, true, y, ye, yes, on, 1 (and the opposites;
  // "o" alone is ambiguous).
  if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || lower == "1") {
    return true;
  }
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || lower == "0") {
    return false;
  }
  return InvalidSyntax("boolean", text);
}

void AppendBytea(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t start = out->size();
  out->resize(start + 2 + bytes.size() * 2);
  char* p = out->data() + start;
  *p++ = '\\';
  *p++ = 'x';
  for (unsigned char c : bytes) {
    *p++ = kHex[c >> 4];
    *p++ = kHex[c & 15];
  }
}

Result<std::string> ParseBytea(std::string_view text) {
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    // Hex format: pairs of hex digits, whitespace allowed between pairs.
    out.reserve((text.size() - 2) / 2);
    size_t i = 2;
    auto hex = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    while (i < text.size()) {
      if (IsSpace(text[i])) {
        ++i;
        continue;
      }
      int hi = hex(text[i]);
      if (hi < 0) {
        return Status::Sql("22023",
                           "invalid hexadecimal digit: \"" + std::string(1, text[i]) + "\"");
      }
      if (i + 1 >= text.size()) {
        return Status::Sql("22023", "invalid hexadecimal data: odd number of digits");
      }
      int lo = hex(text[i + 1]);
      if (lo < 0) {
        if (IsSpace(text[i + 1])) {
          return Status::Sql("22023", "invalid hexadecimal data: odd number of digits");
        }
        return Status::Sql("22023",
                           "invalid hexadecimal digit: \"" + std::string(1, text[i + 1]) + "\"");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return out;
  }
  // Escape format: \\ is a backslash, \ooo an octal byte, anything else is itself.
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
      continue;
    }
    if (i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '3' && text[i + 2] >= '0' &&
        text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                      (text[i + 3] - '0')));
      i += 3;
      continue;
    }
    return Status::Sql("22P02", "invalid input syntax for type bytea");
  }
  return out;
}

}  // namespace dynasink::types::text
