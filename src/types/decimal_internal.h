// Internals shared by decimal.cc and decimal_arith.cc: the coefficient as a working value that is
// either an inline 128-bit integer or a BigUint, with the few operations decimals need. Every
// operation takes a fast path when both operands are small and falls back to BigUint otherwise.
#pragma once

#include <memory>

#include "common/status.h"
#include "types/big_uint.h"
#include "types/decimal.h"

namespace dynasink::types {

using u128 = unsigned __int128;

namespace internal {

// Powers of ten that fit in 128 bits: 10^0 .. 10^38.
extern const u128 kPow10U128[39];

// An unsigned coefficient. Canonical: big is set only for values >= 2^128.
struct Coef {
  u128 small = 0;
  std::shared_ptr<const BigUint> big;

  static Coef Small(u128 v) { return Coef{v, nullptr}; }
  static Coef Big(BigUint v);  // canonicalizes
  bool is_big() const { return big != nullptr; }
  bool is_zero() const { return !is_big() && small == 0; }
  BigUint ToBig() const { return is_big() ? *big : BigUint::FromU128(small); }

  int32_t NumDigits() const;
  int32_t TrailingZeros() const;
  uint32_t DigitAt(int32_t pos) const;
  bool AnyDigitBelow(int32_t pos) const;
  void AppendDigits(std::string* out) const;
};

int CompareCoef(const Coef& a, const Coef& b);
Coef AddCoef(const Coef& a, const Coef& b);
Coef SubCoef(const Coef& a, const Coef& b);  // requires a >= b
Coef MulCoef(const Coef& a, const Coef& b);
void DivModCoef(const Coef& a, const Coef& b, Coef* q, Coef* r);  // b != 0
Coef MulPow10(const Coef& a, int32_t n);

enum class RoundMode { kTruncate, kHalfAwayFromZero, kAwayFromZero };
// a / 10^n rounded by `mode` (magnitude rounding; the caller applies the sign's meaning).
Coef DivPow10(const Coef& a, int32_t n, RoundMode mode);

}  // namespace internal

// Access to Decimal's representation for the implementation files.
class DecimalOps {
 public:
  static internal::Coef GetCoef(const Decimal& d) {
    if (d.big_) return internal::Coef{0, d.big_};
    return internal::Coef::Small((static_cast<u128>(d.hi_) << 64) | d.lo_);
  }
  // A finite decimal; zero is never negative.
  static Decimal Make(bool negative, internal::Coef coef, int32_t scale);
  static Decimal Special(Decimal::Kind kind) {
    Decimal d;
    d.kind_ = kind;
    return d;
  }
  static bool negative(const Decimal& d) { return d.negative_; }

  // 22003 "value overflows numeric format" if the value exceeds PostgreSQL's limits.
  static Status CheckLimits(const internal::Coef& coef, int32_t scale);
  // Rounds or pads `d` (finite) to exactly `scale` digits after the point (scale may be
  // negative: the result then has scale 0 and ends in -scale zeros).
  static Decimal Rescale(const Decimal& d, int32_t scale, internal::RoundMode mode);
};

Status NumericOverflow();

}  // namespace dynasink::types
