// Decimal: PostgreSQL's `numeric`, an exact decimal of arbitrary precision with NaN and
// +-Infinity.
//
// A finite Decimal is sign * coefficient * 10^-scale, where scale >= 0 is the display scale: the
// number of digits after the point that ToString() prints, as PostgreSQL keeps it ("1.10" stays
// "1.10"; "1e5" is 100000 with scale 0). Values are compared and hashed by their numeric value,
// so 1.0 == 1.00, and the hash agrees. NaN equals NaN and sorts above everything, +Infinity
// above every finite value (PostgreSQL's order).
//
// Limits are PostgreSQL's: up to 131072 digits before the point and a scale up to 16383;
// results beyond them fail with 22003 "value overflows numeric format". Division and functions
// choose their result scale as PostgreSQL does (at most 1000 digits after the point).
//
// Coefficients below 2^128 are held inline (no allocation); larger ones in a shared immutable
// big integer, so copies stay cheap either way.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace dynasink::types {

namespace internal {
class BigUint;
}

class Decimal {
 public:
  enum class Kind : uint8_t { kFinite = 0, kNaN, kPositiveInfinity, kNegativeInfinity };

  static constexpr int32_t kMaxIntegerDigits = 131072;  // digits before the point
  static constexpr int32_t kMaxScale = 16383;           // digits after the point
  static constexpr int32_t kMaxDisplayScale = 1000;     // largest scale division picks
  static constexpr int32_t kMaxTypmodPrecision = 1000;  // numeric(p, s): 1 <= p <= 1000
  static constexpr int32_t kMinTypmodScale = -1000;     //   and -1000 <= s <= 1000
  static constexpr int32_t kMaxTypmodScale = 1000;

  Decimal() = default;  // 0

  // v * 10^-scale, e.g. FromInt64(110, 2) is 1.10. scale must be in 0..kMaxScale.
  static Decimal FromInt64(int64_t v, int32_t scale = 0);
  static Decimal FromUint128(unsigned __int128 coefficient, bool negative, int32_t scale);
  static Decimal NaN();
  static Decimal Infinity();
  static Decimal NegativeInfinity();

  // PostgreSQL's numeric input: optional surrounding whitespace, sign, digits with an optional
  // point, optional exponent ('1e5', '1.5E-3', '.5', '5.'), 'NaN', 'Infinity', 'inf', '-inf'
  // (case-insensitive). Errors: 22P02 `invalid input syntax for type numeric: "x"`, 22003
  // "value overflows numeric format".
  static Result<Decimal> Parse(std::string_view text);

  // The shortest decimal text that reads back as the same double (so 0.1 is 0.1, not
  // 0.1000000000000000055...). NaN and infinities map to numeric NaN and infinities.
  static Decimal FromDouble(double v);
  static Decimal FromFloat(float v);  // likewise, shortest text for the float

  // For decoders: the coefficient as decimal digits (leading zeros allowed, at least one digit)
  // and the scale. Corruption-free input is not assumed: bad digits give InvalidArgument.
  static Result<Decimal> FromDigits(bool negative, std::string_view digits, int32_t scale);

  Kind kind() const { return kind_; }
  bool is_finite() const { return kind_ == Kind::kFinite; }
  bool is_nan() const { return kind_ == Kind::kNaN; }
  bool is_infinite() const {
    return kind_ == Kind::kPositiveInfinity || kind_ == Kind::kNegativeInfinity;
  }
  bool is_zero() const;
  // -1, 0 or +1; NaN gives 0 (callers check is_nan() first where it matters).
  int sign() const;
  // Display scale: digits after the point. 0 for NaN and infinities.
  int32_t scale() const { return scale_; }

  // --- Accessors for the DynamoDB encoder (limits: 38 digits, 1e-130 <= |x| < 1e126) ---
  // Digits of |x| without leading and trailing zeros: 1.10 -> 2, 1000 -> 1, 0.00120 -> 2.
  // 0 for zero and for non-finite values.
  int32_t SignificantDigits() const;
  // The decimal exponent e of the leading digit, 10^e <= |x| < 10^(e+1): 1000 -> 3,
  // 0.00120 -> -3. 0 for zero and non-finite values.
  int32_t Exponent() const;
  // |x| * 10^scale as decimal digits without leading zeros ("0" for zero); empty if not finite.
  std::string CoefficientDigits() const;
  // The coefficient when it fits in 128 bits (always, for up to 38 digits).
  std::optional<unsigned __int128> SmallCoefficient() const;

  // PostgreSQL's output: the scale is kept, never an exponent: "1.10", "1000", "0.000001",
  // "-0.5", "NaN", "Infinity", "-Infinity".
  std::string ToString() const;
  void AppendTo(std::string* out) const;

  // Rounds half away from zero to an integer; nullopt if not finite or outside int64.
  std::optional<int64_t> ToInt64() const;
  // Correctly rounded; +-HUGE_VAL (infinity) when beyond double's range, NaN for NaN.
  double ToDouble() const;

  // --- Arithmetic, with PostgreSQL's result scales and special values ---
  // add/sub: max(s1, s2); mul: s1 + s2; div: PostgreSQL's select_div_scale (at least 16
  // significant digits, at least max(s1, s2), at most 1000), rounded half away from zero;
  // mod: max(s1, s2), sign of the dividend. Errors: 22012 "division by zero", 22003
  // "value overflows numeric format".
  Result<Decimal> Add(const Decimal& other) const;
  Result<Decimal> Sub(const Decimal& other) const;
  Result<Decimal> Mul(const Decimal& other) const;
  Result<Decimal> Div(const Decimal& other) const;
  Result<Decimal> Mod(const Decimal& other) const;
  // Division to exactly `scale` digits after the point, rounded half away from zero
  // (avg() and exec use this when they know the scale they want).
  Result<Decimal> DivWithScale(const Decimal& other, int32_t scale) const;
  // PostgreSQL's div(a, b): the quotient truncated toward zero, scale 0.
  Result<Decimal> DivTrunc(const Decimal& other) const;

  Decimal operator-() const;
  Decimal Abs() const;

  // round(x, s): half away from zero; s may be negative (round(1234.5, -2) = 1200). The
  // result scale is max(s, 0). Infinity and NaN are returned unchanged.
  Result<Decimal> Round(int32_t scale = 0) const;
  // trunc(x, s): toward zero, same scale rule as Round.
  Decimal Trunc(int32_t scale = 0) const;
  Result<Decimal> Ceil() const;
  Result<Decimal> Floor() const;
  // The same value with trailing fractional zeros removed (1.500 -> 1.5, 100 -> 100).
  Decimal Normalized() const;
  // Coerces to numeric(precision, scale): rounds to `scale`, then fails with 22003
  // "numeric field overflow" if more than precision - scale integer digits remain (or the value
  // is infinite). NaN passes. Bounds of precision and scale are the caller's to check (42601).
  Result<Decimal> ApplyTypmod(int32_t precision, int32_t scale) const;

  // Numeric order (see the file comment); 1.0 and 1.00 compare equal.
  int Compare(const Decimal& other) const;
  size_t Hash() const;
  bool operator==(const Decimal& other) const { return Compare(other) == 0; }
  std::strong_ordering operator<=>(const Decimal& other) const { return Compare(other) <=> 0; }
  // Same value AND same scale (1.0 vs 1.00 differ): for tests and round-trip checks.
  bool IdenticalTo(const Decimal& other) const;

  // Heap bytes owned beyond sizeof(Decimal) (0 for the inline form).
  size_t HeapSize() const;

 private:
  friend class DecimalOps;  // arithmetic helpers in decimal_arith.cc

  // Coefficient: lo_/hi_ when big_ is null (canonical: big_ only for values >= 2^128).
  uint64_t lo_ = 0;
  uint64_t hi_ = 0;
  std::shared_ptr<const internal::BigUint> big_;
  int32_t scale_ = 0;
  Kind kind_ = Kind::kFinite;
  bool negative_ = false;  // never set for zero or non-finite values
};

}  // namespace dynasink::types
