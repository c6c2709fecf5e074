// Decimal arithmetic and rounding with PostgreSQL's result scales and special values.
#include <algorithm>

#include "types/decimal.h"
#include "types/decimal_internal.h"

namespace dynasink::types {

using internal::Coef;
using internal::RoundMode;

namespace {

constexpr int32_t kMinSigDigits = 16;      // PostgreSQL's NUMERIC_MIN_SIG_DIGITS
constexpr int32_t kMaxResultScale = 2000;  // PostgreSQL's NUMERIC_MAX_RESULT_SCALE

Status DivisionByZero() {
  return Status::Sql("22012", "division by zero");
}

// Both operands aligned to the larger scale.
struct Aligned {
  Coef a, b;
  int32_t scale;
};
Aligned Align(const Decimal& x, const Decimal& y) {
  Coef a = DecimalOps::GetCoef(x), b = DecimalOps::GetCoef(y);
  int32_t s = std::max(x.scale(), y.scale());
  return {internal::MulPow10(a, s - x.scale()), internal::MulPow10(b, s - y.scale()), s};
}

Result<Decimal> Finish(bool negative, Coef coef, int32_t scale) {
  DS_RETURN_IF_ERROR(DecimalOps::CheckLimits(coef, scale));
  return DecimalOps::Make(negative, std::move(coef), scale);
}

// Signed addition of aligned magnitudes.
Result<Decimal> AddSigned(bool neg_a, const Coef& a, bool neg_b, const Coef& b, int32_t scale) {
  if (neg_a == neg_b) return Finish(neg_a, internal::AddCoef(a, b), scale);
  int c = internal::CompareCoef(a, b);
  if (c == 0) return DecimalOps::Make(false, Coef::Small(0), scale);
  if (c > 0) return Finish(neg_a, internal::SubCoef(a, b), scale);
  return Finish(neg_b, internal::SubCoef(b, a), scale);
}

// PostgreSQL's base-10000 weight and leading base-10000 digit of a finite value, which its
// select_div_scale() uses to estimate the size of a quotient.
void NbaseWeightAndFirstDigit(const Decimal& d, int32_t* weight, int32_t* first) {
  if (d.is_zero()) {
    *weight = 0;
    *first = 0;
    return;
  }
  int32_t e = d.Exponent();
  int32_t w = e >= 0 ? e / 4 : -((-e + 3) / 4);
  Coef c = DecimalOps::GetCoef(d);
  int32_t digit = 0;
  for (int k = 3; k >= 0; --k) {
    digit = digit * 10 + static_cast<int32_t>(c.DigitAt(4 * w + k + d.scale()));
  }
  *weight = w;
  *first = digit;
}

int32_t SelectDivScale(const Decimal& a, const Decimal& b) {
  int32_t w1, f1, w2, f2;
  NbaseWeightAndFirstDigit(a, &w1, &f1);
  NbaseWeightAndFirstDigit(b, &w2, &f2);
  // Estimate the quotient's weight; with equal leading digits assume a < b.
  int32_t qweight = w1 - w2;
  if (f1 <= f2) --qweight;
  int32_t rscale = kMinSigDigits - qweight * 4;
  rscale = std::max({rscale, a.scale(), b.scale(), 0});
  return std::min(rscale, Decimal::kMaxDisplayScale);
}

// |a| / |b| as a coefficient with `scale` digits after the point, rounded by `mode`
// (half away from zero, or truncation).
Coef DivideMagnitudes(const Decimal& a, const Decimal& b, int32_t scale, RoundMode mode) {
  Coef ca = DecimalOps::GetCoef(a), cb = DecimalOps::GetCoef(b);
  // a/b * 10^scale = ca * 10^(scale + sb - sa) / cb
  int64_t k = static_cast<int64_t>(scale) + b.scale() - a.scale();
  Coef n = k >= 0 ? internal::MulPow10(ca, static_cast<int32_t>(k)) : ca;
  Coef d = k < 0 ? internal::MulPow10(cb, static_cast<int32_t>(-k)) : cb;
  Coef q, r;
  internal::DivModCoef(n, d, &q, &r);
  if (mode == RoundMode::kHalfAwayFromZero && !r.is_zero()) {
    // Round up when the remainder is at least half the divisor: r >= d - r.
    if (internal::CompareCoef(r, internal::SubCoef(d, r)) >= 0) {
      q = internal::AddCoef(q, Coef::Small(1));
    }
  }
  return q;
}

bool IsPosInf(const Decimal& d) {
  return d.kind() == Decimal::Kind::kPositiveInfinity;
}
bool IsNegInf(const Decimal& d) {
  return d.kind() == Decimal::Kind::kNegativeInfinity;
}
Decimal InfinityOfSign(int sign) {
  return sign < 0 ? Decimal::NegativeInfinity() : Decimal::Infinity();
}

}  // namespace

Result<Decimal> Decimal::Add(const Decimal& other) const {
  if (is_nan() || other.is_nan()) return NaN();
  if (is_infinite() || other.is_infinite()) {
    if ((IsPosInf(*this) && IsNegInf(other)) || (IsNegInf(*this) && IsPosInf(other))) {
      return NaN();
    }
    return is_infinite() ? *this : other;
  }
  Aligned al = Align(*this, other);
  return AddSigned(negative_, al.a, other.negative_, al.b, al.scale);
}

Result<Decimal> Decimal::Sub(const Decimal& other) const {
  return Add(-other);
}

Result<Decimal> Decimal::Mul(const Decimal& other) const {
  if (is_nan() || other.is_nan()) return NaN();
  if (is_infinite() || other.is_infinite()) {
    int s = sign() * other.sign();
    if (s == 0) return NaN();  // infinity * 0
    return InfinityOfSign(s);
  }
  if (is_zero() || other.is_zero()) {
    return DecimalOps::Make(false, Coef::Small(0), std::min(scale_ + other.scale_, kMaxScale));
  }
  // Refuse early rather than multiply out a product that cannot fit.
  if (static_cast<int64_t>(Exponent()) + other.Exponent() + 1 > kMaxIntegerDigits) {
    return NumericOverflow();
  }
  Coef p = internal::MulCoef(DecimalOps::GetCoef(*this), DecimalOps::GetCoef(other));
  int32_t scale = scale_ + other.scale_;
  bool negative = negative_ != other.negative_;
  if (scale > kMaxScale) {
    // PostgreSQL rounds a product's scale down to the largest it can store.
    p = internal::DivPow10(p, scale - kMaxScale, RoundMode::kHalfAwayFromZero);
    scale = kMaxScale;
  }
  return Finish(negative, std::move(p), scale);
}

Result<Decimal> Decimal::Div(const Decimal& other) const {
  if (is_nan() || other.is_nan()) return NaN();
  if (other.is_zero()) return DivisionByZero();
  if (is_infinite()) {
    if (other.is_infinite()) return NaN();
    return InfinityOfSign(sign() * other.sign());
  }
  if (other.is_infinite()) return Decimal();  // finite / infinity = 0
  return DivWithScale(other, SelectDivScale(*this, other));
}

Result<Decimal> Decimal::DivWithScale(const Decimal& other, int32_t scale) const {
  if (is_nan() || other.is_nan()) return NaN();
  if (other.is_zero()) return DivisionByZero();
  if (is_infinite()) {
    if (other.is_infinite()) return NaN();
    return InfinityOfSign(sign() * other.sign());
  }
  scale = std::clamp(scale, 0, kMaxScale);
  if (other.is_infinite()) return DecimalOps::Make(false, Coef::Small(0), scale);
  // A quotient with more integer digits than numeric allows cannot be stored.
  if (static_cast<int64_t>(Exponent()) - other.Exponent() > kMaxIntegerDigits) {
    return NumericOverflow();
  }
  Coef q = DivideMagnitudes(*this, other, scale, RoundMode::kHalfAwayFromZero);
  return Finish(negative_ != other.negative_, std::move(q), scale);
}

Result<Decimal> Decimal::DivTrunc(const Decimal& other) const {
  if (is_nan() || other.is_nan()) return NaN();
  if (other.is_zero()) return DivisionByZero();
  if (is_infinite()) {
    if (other.is_infinite()) return NaN();
    return InfinityOfSign(sign() * other.sign());
  }
  if (other.is_infinite()) return Decimal();
  if (static_cast<int64_t>(Exponent()) - other.Exponent() > kMaxIntegerDigits) {
    return NumericOverflow();
  }
  Coef q = DivideMagnitudes(*this, other, 0, RoundMode::kTruncate);
  return Finish(negative_ != other.negative_, std::move(q), 0);
}

Result<Decimal> Decimal::Mod(const Decimal& other) const {
  if (is_nan() || other.is_nan()) return NaN();
  if (other.is_zero()) return DivisionByZero();
  if (is_infinite()) return NaN();
  if (other.is_infinite()) return *this;
  Aligned al = Align(*this, other);
  Coef r;
  internal::DivModCoef(al.a, al.b, nullptr, &r);
  return Finish(negative_, std::move(r), al.scale);
}

Decimal Decimal::operator-() const {
  switch (kind_) {
    case Kind::kNaN:
      return *this;
    case Kind::kPositiveInfinity:
      return NegativeInfinity();
    case Kind::kNegativeInfinity:
      return Infinity();
    case Kind::kFinite:
      break;
  }
  Decimal d = *this;
  d.negative_ = !negative_ && !is_zero();
  return d;
}

Decimal Decimal::Abs() const {
  if (kind_ == Kind::kNegativeInfinity) return Infinity();
  Decimal d = *this;
  d.negative_ = false;
  return d;
}

Result<Decimal> Decimal::Round(int32_t scale) const {
  if (!is_finite()) return *this;
  scale = std::clamp(scale, -kMaxResultScale, kMaxResultScale);
  Decimal r = DecimalOps::Rescale(*this, scale, RoundMode::kHalfAwayFromZero);
  DS_RETURN_IF_ERROR(DecimalOps::CheckLimits(DecimalOps::GetCoef(r), r.scale_));
  return r;
}

Decimal Decimal::Trunc(int32_t scale) const {
  if (!is_finite()) return *this;
  scale = std::clamp(scale, -kMaxResultScale, kMaxResultScale);
  return DecimalOps::Rescale(*this, scale, RoundMode::kTruncate);
}

Result<Decimal> Decimal::Ceil() const {
  if (!is_finite()) return *this;
  // Away from zero for positive values, toward zero for negative ones.
  Decimal r =
      DecimalOps::Rescale(*this, 0, negative_ ? RoundMode::kTruncate : RoundMode::kAwayFromZero);
  DS_RETURN_IF_ERROR(DecimalOps::CheckLimits(DecimalOps::GetCoef(r), 0));
  return r;
}

Result<Decimal> Decimal::Floor() const {
  if (!is_finite()) return *this;
  Decimal r =
      DecimalOps::Rescale(*this, 0, negative_ ? RoundMode::kAwayFromZero : RoundMode::kTruncate);
  DS_RETURN_IF_ERROR(DecimalOps::CheckLimits(DecimalOps::GetCoef(r), 0));
  return r;
}

Decimal Decimal::Normalized() const {
  if (!is_finite() || scale_ == 0) return *this;
  Coef c = DecimalOps::GetCoef(*this);
  int32_t strip = std::min(c.TrailingZeros(), scale_);
  if (is_zero()) strip = scale_;
  if (strip == 0) return *this;
  return DecimalOps::Make(negative_, internal::DivPow10(c, strip, RoundMode::kTruncate),
                          scale_ - strip);
}

Result<Decimal> Decimal::ApplyTypmod(int32_t precision, int32_t scale) const {
  if (is_nan()) return *this;
  std::string field =
      "A field with precision " + std::to_string(precision) + ", scale " + std::to_string(scale);
  if (is_infinite()) {
    return Status::Sql("22003",
                       "numeric field overflow: " + field + " cannot hold an infinite value.");
  }
  Decimal r = DecimalOps::Rescale(*this, scale, RoundMode::kHalfAwayFromZero);
  int32_t max_digits = precision - scale;
  if (!r.is_zero() && r.Exponent() + 1 > max_digits) {
    std::string bound = max_digits != 0 ? "10^" + std::to_string(max_digits) : "1";
    return Status::Sql("22003", "numeric field overflow: " + field +
                                    " must round to an absolute value less than " + bound + ".");
  }
  return r;
}

}  // namespace dynasink::types
