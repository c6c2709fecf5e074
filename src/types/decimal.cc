// Decimal: representation, text input and output, conversions, comparison and hashing.
// Arithmetic and rounding live in decimal_arith.cc.
#include "types/decimal.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <utility>

#include "types/decimal_internal.h"

namespace dynasink::types {

using internal::BigUint;
using internal::Coef;
using internal::kPow10U128;

namespace internal {

namespace {
constexpr u128 MakePow10(int n) {
  u128 v = 1;
  for (int i = 0; i < n; ++i)
    v *= 10;
  return v;
}
template <size_t... I>
constexpr std::array<u128, sizeof...(I)> Pow10Table(std::index_sequence<I...>) {
  return {MakePow10(static_cast<int>(I))...};
}
constexpr auto kPow10Array = Pow10Table(std::make_index_sequence<39>());
constexpr u128 kU128Max = ~static_cast<u128>(0);

int32_t SmallDigits(u128 v) {
  if (v == 0) return 0;
  int32_t n = 1;
  while (n < 39 && v >= kPow10Array[n])
    ++n;
  return n;
}
}  // namespace

const u128 kPow10U128[39] = {
#define P(i) kPow10Array[i]
    P(0),  P(1),  P(2),  P(3),  P(4),  P(5),  P(6),  P(7),  P(8),  P(9),  P(10), P(11), P(12),
    P(13), P(14), P(15), P(16), P(17), P(18), P(19), P(20), P(21), P(22), P(23), P(24), P(25),
    P(26), P(27), P(28), P(29), P(30), P(31), P(32), P(33), P(34), P(35), P(36), P(37), P(38),
#undef P
};

Coef Coef::Big(BigUint v) {
  u128 s;
  if (v.ToU128(&s)) return Small(s);
  return Coef{0, std::make_shared<const BigUint>(std::move(v))};
}

int32_t Coef::NumDigits() const {
  return is_big() ? big->NumDigits() : SmallDigits(small);
}

int32_t Coef::TrailingZeros() const {
  if (is_big()) return big->TrailingZeros();
  if (small == 0) return 0;
  int32_t n = 0;
  u128 v = small;
  while (v % 10 == 0) {
    v /= 10;
    ++n;
  }
  return n;
}

uint32_t Coef::DigitAt(int32_t pos) const {
  if (is_big()) return big->DigitAt(pos);
  if (pos < 0 || pos > 38) return 0;
  return static_cast<uint32_t>(small / kPow10U128[pos] % 10);
}

bool Coef::AnyDigitBelow(int32_t pos) const {
  if (is_big()) return big->AnyDigitBelow(pos);
  if (pos <= 0) return false;
  if (pos > 38) return small != 0;
  return small % kPow10U128[pos] != 0;
}

namespace {
void AppendU128(u128 v, std::string* out) {
  char buf[40];
  char* end = buf + sizeof(buf);
  char* p = end;
  if (v == 0) *--p = '0';
  while (v > UINT64_MAX) {
    // Peel off 19 digits at a time so the inner loop runs on 64-bit arithmetic.
    constexpr uint64_t k1e19 = 10000000000000000000ULL;
    uint64_t low = static_cast<uint64_t>(v % k1e19);
    v /= k1e19;
    for (int i = 0; i < 19; ++i) {
      *--p = static_cast<char>('0' + low % 10);
      low /= 10;
    }
  }
  uint64_t w = static_cast<uint64_t>(v);
  while (w != 0) {
    *--p = static_cast<char>('0' + w % 10);
    w /= 10;
  }
  out->append(p, static_cast<size_t>(end - p));
}
}  // namespace

void Coef::AppendDigits(std::string* out) const {
  if (is_big()) {
    big->AppendDigits(out);
  } else {
    AppendU128(small, out);
  }
}

int CompareCoef(const Coef& a, const Coef& b) {
  if (!a.is_big() && !b.is_big()) return a.small < b.small ? -1 : (a.small > b.small ? 1 : 0);
  if (!a.is_big()) return -1;  // canonical: every big coefficient exceeds every small one
  if (!b.is_big()) return 1;
  return BigUint::Compare(*a.big, *b.big);
}

Coef AddCoef(const Coef& a, const Coef& b) {
  if (!a.is_big() && !b.is_big()) {
    u128 s = a.small + b.small;
    if (s >= a.small) return Coef::Small(s);
  }
  return Coef::Big(BigUint::Add(a.ToBig(), b.ToBig()));
}

Coef SubCoef(const Coef& a, const Coef& b) {
  if (!a.is_big()) return Coef::Small(a.small - b.small);
  return Coef::Big(BigUint::Sub(a.ToBig(), b.ToBig()));
}

Coef MulCoef(const Coef& a, const Coef& b) {
  if (!a.is_big() && !b.is_big()) {
    u128 p;
    if (!__builtin_mul_overflow(a.small, b.small, &p)) return Coef::Small(p);
  }
  return Coef::Big(BigUint::Mul(a.ToBig(), b.ToBig()));
}

void DivModCoef(const Coef& a, const Coef& b, Coef* q, Coef* r) {
  if (!a.is_big() && !b.is_big()) {
    if (q != nullptr) *q = Coef::Small(a.small / b.small);
    if (r != nullptr) *r = Coef::Small(a.small % b.small);
    return;
  }
  BigUint bq, br;
  BigUint::DivMod(a.ToBig(), b.ToBig(), q ? &bq : nullptr, r ? &br : nullptr);
  if (q != nullptr) *q = Coef::Big(std::move(bq));
  if (r != nullptr) *r = Coef::Big(std::move(br));
}

Coef MulPow10(const Coef& a, int32_t n) {
  if (n <= 0 || a.is_zero()) return a;
  if (!a.is_big() && n <= 38 && a.small <= kU128Max / kPow10U128[n]) {
    return Coef::Small(a.small * kPow10U128[n]);
  }
  return Coef::Big(a.ToBig().MulPow10(n));
}

Coef DivPow10(const Coef& a, int32_t n, RoundMode mode) {
  if (n <= 0) return a;
  Coef q;
  if (!a.is_big()) {
    q = Coef::Small(n <= 38 ? a.small / kPow10U128[n] : 0);
  } else {
    q = Coef::Big(a.big->DivPow10(n));
  }
  bool up = false;
  switch (mode) {
    case RoundMode::kTruncate:
      break;
    case RoundMode::kHalfAwayFromZero:
      up = a.DigitAt(n - 1) >= 5;
      break;
    case RoundMode::kAwayFromZero:
      up = a.AnyDigitBelow(n);
      break;
  }
  if (up) q = AddCoef(q, Coef::Small(1));
  return q;
}

}  // namespace internal

Status NumericOverflow() {
  return Status::Sql("22003", "value overflows numeric format");
}

Decimal DecimalOps::Make(bool negative, Coef coef, int32_t scale) {
  Decimal d;
  d.scale_ = scale;
  d.negative_ = negative && !coef.is_zero();  // before coef.big is moved out
  if (coef.is_big()) {
    d.big_ = std::move(coef.big);
  } else {
    d.lo_ = static_cast<uint64_t>(coef.small);
    d.hi_ = static_cast<uint64_t>(coef.small >> 64);
  }
  return d;
}

Status DecimalOps::CheckLimits(const Coef& coef, int32_t scale) {
  if (scale > Decimal::kMaxScale) return NumericOverflow();
  if (coef.NumDigits() - scale > Decimal::kMaxIntegerDigits) return NumericOverflow();
  return Status::OK();
}

Decimal DecimalOps::Rescale(const Decimal& d, int32_t scale, internal::RoundMode mode) {
  Coef c = GetCoef(d);
  if (scale >= d.scale_) return Make(d.negative_, internal::MulPow10(c, scale - d.scale_), scale);
  Coef q = internal::DivPow10(c, d.scale_ - scale, mode);
  if (scale < 0) return Make(d.negative_, internal::MulPow10(q, -scale), 0);
  return Make(d.negative_, std::move(q), scale);
}

// ---------------------------------------------------------------------------------------------

Decimal Decimal::FromInt64(int64_t v, int32_t scale) {
  u128 mag = v < 0 ? static_cast<u128>(-(static_cast<__int128>(v))) : static_cast<u128>(v);
  return DecimalOps::Make(v < 0, Coef::Small(mag), scale);
}

Decimal Decimal::FromUint128(u128 coefficient, bool negative, int32_t scale) {
  return DecimalOps::Make(negative, Coef::Small(coefficient), scale);
}

Decimal Decimal::NaN() {
  return DecimalOps::Special(Kind::kNaN);
}
Decimal Decimal::Infinity() {
  return DecimalOps::Special(Kind::kPositiveInfinity);
}
Decimal Decimal::NegativeInfinity() {
  return DecimalOps::Special(Kind::kNegativeInfinity);
}

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Status BadNumeric(std::string_view text) {
  std::string msg = "invalid input syntax for type numeric: \"";
  msg.append(text);
  msg.push_back('"');
  return Status::Sql("22P02", std::move(msg));
}

}  // namespace

Result<Decimal> Decimal::Parse(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && IsSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back()))
    s.remove_suffix(1);

  if (EqualsIgnoreCase(s, "nan")) return NaN();
  {
    std::string_view t = s;
    bool neg = false;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
      neg = t[0] == '-';
      t.remove_prefix(1);
    }
    if (EqualsIgnoreCase(t, "infinity") || EqualsIgnoreCase(t, "inf")) {
      return neg ? NegativeInfinity() : Infinity();
    }
  }

  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  // Collect the significant digits (leading zeros dropped) without copying when possible.
  std::string digits;
  int64_t frac_digits = 0;
  bool seen_digit = false;
  bool seen_point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (seen_point) ++frac_digits;
      if (c != '0' || !digits.empty()) digits.push_back(c);
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return BadNumeric(text);
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      exp_neg = s[i] == '-';
      ++i;
    }
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return BadNumeric(text);
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      // Saturate: anything this large overflows numeric anyway.
      if (exponent < 1000000000) exponent = exponent * 10 + (s[i] - '0');
    }
    if (exp_neg) exponent = -exponent;
  }
  if (i != s.size()) return BadNumeric(text);

  // value = digits * 10^-(frac_digits - exponent); PostgreSQL's display scale never goes
  // below zero, so a negative one is folded into the coefficient.
  int64_t scale = frac_digits - exponent;
  int64_t ndigits = static_cast<int64_t>(digits.size());
  if (scale > kMaxScale) return NumericOverflow();
  if (ndigits > 0 && ndigits - scale > kMaxIntegerDigits) return NumericOverflow();
  if (scale < 0) {
    if (!digits.empty()) digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  Coef coef;
  if (digits.size() <= 38) {
    u128 v = 0;
    for (char c : digits)
      v = v * 10 + static_cast<unsigned>(c - '0');
    coef = Coef::Small(v);
  } else {
    coef = Coef::Big(BigUint::FromDigits(digits));
  }
  return DecimalOps::Make(negative, std::move(coef), static_cast<int32_t>(scale));
}

Result<Decimal> Decimal::FromDigits(bool negative, std::string_view digits, int32_t scale) {
  if (digits.empty() || scale < 0 || scale > kMaxScale) {
    return Status::InvalidArgument("bad decimal coefficient or scale");
  }
  for (char c : digits) {
    if (c < '0' || c > '9') return Status::InvalidArgument("bad decimal coefficient digit");
  }
  while (digits.size() > 1 && digits.front() == '0')
    digits.remove_prefix(1);
  Coef coef;
  if (digits.size() <= 38) {
    u128 v = 0;
    for (char c : digits)
      v = v * 10 + static_cast<unsigned>(c - '0');
    coef = Coef::Small(v);
  } else {
    coef = Coef::Big(BigUint::FromDigits(digits));
  }
  DS_RETURN_IF_ERROR(DecimalOps::CheckLimits(coef, scale));
  return DecimalOps::Make(negative, std::move(coef), scale);
}

Decimal Decimal::FromDouble(double v) {
  if (std::isnan(v)) return NaN();
  if (std::isinf(v)) return v > 0 ? Infinity() : NegativeInfinity();
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  // The shortest round-trip text of a finite double always parses within numeric's limits.
  return Parse(std::string_view(buf, static_cast<size_t>(res.ptr - buf))).value();
}

Decimal Decimal::FromFloat(float v) {
  if (std::isnan(v)) return NaN();
  if (std::isinf(v)) return v > 0 ? Infinity() : NegativeInfinity();
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return Parse(std::string_view(buf, static_cast<size_t>(res.ptr - buf))).value();
}

bool Decimal::is_zero() const {
  return kind_ == Kind::kFinite && !big_ && lo_ == 0 && hi_ == 0;
}

int Decimal::sign() const {
  switch (kind_) {
    case Kind::kNaN:
      return 0;
    case Kind::kPositiveInfinity:
      return 1;
    case Kind::kNegativeInfinity:
      return -1;
    case Kind::kFinite:
      break;
  }
  if (is_zero()) return 0;
  return negative_ ? -1 : 1;
}

int32_t Decimal::SignificantDigits() const {
  if (!is_finite() || is_zero()) return 0;
  Coef c = DecimalOps::GetCoef(*this);
  return c.NumDigits() - c.TrailingZeros();
}

int32_t Decimal::Exponent() const {
  if (!is_finite() || is_zero()) return 0;
  return DecimalOps::GetCoef(*this).NumDigits() - 1 - scale_;
}

std::string Decimal::CoefficientDigits() const {
  std::string out;
  if (is_finite()) DecimalOps::GetCoef(*this).AppendDigits(&out);
  return out;
}

std::optional<u128> Decimal::SmallCoefficient() const {
  if (!is_finite() || big_) return std::nullopt;
  return (static_cast<u128>(hi_) << 64) | lo_;
}

void Decimal::AppendTo(std::string* out) const {
  switch (kind_) {
    case Kind::kNaN:
      out->append("NaN");
      return;
    case Kind::kPositiveInfinity:
      out->append("Infinity");
      return;
    case Kind::kNegativeInfinity:
      out->append("-Infinity");
      return;
    case Kind::kFinite:
      break;
  }
  if (negative_) out->push_back('-');
  Coef c = DecimalOps::GetCoef(*this);
  if (scale_ == 0) {
    c.AppendDigits(out);
    return;
  }
  size_t start = out->size();
  c.AppendDigits(out);
  size_t nd = out->size() - start;
  size_t scale = static_cast<size_t>(scale_);
  if (nd > scale) {
    out->insert(out->begin() + static_cast<ptrdiff_t>(out->size() - scale), '.');
  } else {
    // 0.000ddd: the coefficient "0" of a zero with a scale counts as one of the digits.
    std::string prefix = "0.";
    prefix.append(scale - nd, '0');
    out->insert(start, prefix);
  }
}

std::string Decimal::ToString() const {
  std::string out;
  AppendTo(&out);
  return out;
}

std::optional<int64_t> Decimal::ToInt64() const {
  if (!is_finite()) return std::nullopt;
  Decimal r =
      scale_ == 0 ? *this : DecimalOps::Rescale(*this, 0, internal::RoundMode::kHalfAwayFromZero);
  if (r.big_ || r.hi_ != 0) return std::nullopt;
  if (r.negative_) {
    if (r.lo_ > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - r.lo_);
  }
  if (r.lo_ > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(r.lo_);
}

double Decimal::ToDouble() const {
  switch (kind_) {
    case Kind::kNaN:
      return std::nan("");
    case Kind::kPositiveInfinity:
      return HUGE_VAL;
    case Kind::kNegativeInfinity:
      return -HUGE_VAL;
    case Kind::kFinite:
      break;
  }
  // Exact fast path: both the coefficient (< 2^53) and 10^scale (scale <= 22) are exact
  // doubles, and IEEE division rounds correctly.
  if (!big_ && hi_ == 0 && lo_ < (uint64_t{1} << 53) && scale_ <= 22) {
    static constexpr double kPow[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    double v = static_cast<double>(lo_) / kPow[scale_];
    return negative_ ? -v : v;
  }
  // Otherwise let the library round the exact text, as PostgreSQL's numeric_float8 does.
  std::string text;
  DecimalOps::GetCoef(*this).AppendDigits(&text);
  text.append("e-");
  text.append(std::to_string(scale_));
  double v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec == std::errc::result_out_of_range) {
    // Too large or too small for double: decide by magnitude.
    v = Exponent() > 0 ? HUGE_VAL : 0.0;
  }
  return negative_ ? -v : v;
}

namespace {
int KindRank(Decimal::Kind k) {
  switch (k) {
    case Decimal::Kind::kNegativeInfinity:
      return 0;
    case Decimal::Kind::kFinite:
      return 1;
    case Decimal::Kind::kPositiveInfinity:
      return 2;
    case Decimal::Kind::kNaN:
      return 3;
  }
  return 3;
}
}  // namespace

int Decimal::Compare(const Decimal& other) const {
  if (kind_ != Kind::kFinite || other.kind_ != Kind::kFinite) {
    int a = KindRank(kind_), b = KindRank(other.kind_);
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  int sa = sign(), sb = other.sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  Coef ca = DecimalOps::GetCoef(*this), cb = DecimalOps::GetCoef(other);
  int mag;
  if (scale_ == other.scale_) {
    mag = internal::CompareCoef(ca, cb);
  } else {
    // Compare the leading digit positions first; align only when they tie.
    int32_t ea = ca.NumDigits() - scale_, eb = cb.NumDigits() - other.scale_;
    if (ea != eb) {
      mag = ea < eb ? -1 : 1;
    } else if (scale_ < other.scale_) {
      mag = internal::CompareCoef(internal::MulPow10(ca, other.scale_ - scale_), cb);
    } else {
      mag = internal::CompareCoef(ca, internal::MulPow10(cb, scale_ - other.scale_));
    }
  }
  return sa > 0 ? mag : -mag;
}

bool Decimal::IdenticalTo(const Decimal& other) const {
  return kind_ == other.kind_ && scale_ == other.scale_ && Compare(other) == 0;
}

size_t Decimal::Hash() const {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  if (!is_finite()) return static_cast<size_t>(static_cast<uint64_t>(kind_) * kMul);
  if (is_zero()) return 0x5bd1e995;
  // Hash the value with trailing zeros stripped, so that 1.0, 1.00 and 1 agree.
  Coef c = DecimalOps::GetCoef(*this);
  int32_t tz = c.TrailingZeros();
  Coef n = internal::DivPow10(c, tz, internal::RoundMode::kTruncate);
  uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(scale_ - tz)) * kMul;
  h ^= negative_ ? 0xA5A5A5A5ULL : 0;
  auto mix = [&h](uint64_t v) {
    h ^= v + kMul + (h << 6) + (h >> 2);
    h *= kMul;
  };
  if (n.is_big()) {
    for (uint32_t limb : n.big->limbs())
      mix(limb);
  } else {
    mix(static_cast<uint64_t>(n.small));
    mix(static_cast<uint64_t>(n.small >> 64));
  }
  return static_cast<size_t>(h ^ (h >> 29));
}

size_t Decimal::HeapSize() const {
  return big_ ? sizeof(BigUint) + big_->HeapSize() + 16 /* control block */ : 0;
}

}  // namespace dynasink::types
