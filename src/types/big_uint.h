// BigUint: the unsigned big integer behind large Decimal coefficients (internal to src/types).
//
// Limbs are base 10^9, least significant first, with no leading zero limbs (zero has none).
// Base 10^9 makes decimal text, digit counts and scaling by powers of ten cheap, which is what
// a decimal type mostly does; multiplication is schoolbook and division is Knuth's algorithm D,
// both fine for PostgreSQL's few-thousand-digit working sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dynasink::types::internal {

class BigUint {
 public:
  static constexpr uint32_t kBase = 1000000000;
  static constexpr int kLimbDigits = 9;

  BigUint() = default;
  static BigUint FromU128(unsigned __int128 v);
  // `digits` must be non-empty and all '0'..'9' (leading zeros allowed).
  static BigUint FromDigits(std::string_view digits);

  bool is_zero() const { return limbs_.empty(); }
  // False when the value does not fit in 128 bits.
  bool ToU128(unsigned __int128* out) const;
  // Number of decimal digits; 0 for zero.
  int32_t NumDigits() const;
  // Number of trailing decimal zeros; 0 for zero.
  int32_t TrailingZeros() const;
  // The decimal digit at 10^pos (0 beyond the top).
  uint32_t DigitAt(int32_t pos) const;
  // True if any digit below 10^pos is non-zero.
  bool AnyDigitBelow(int32_t pos) const;
  // Appends the decimal digits, without leading zeros ("0" for zero).
  void AppendDigits(std::string* out) const;

  static int Compare(const BigUint& a, const BigUint& b);
  static BigUint Add(const BigUint& a, const BigUint& b);
  // a - b; requires a >= b.
  static BigUint Sub(const BigUint& a, const BigUint& b);
  static BigUint Mul(const BigUint& a, const BigUint& b);
  // q = a / b, r = a % b (either may be null). Requires b != 0.
  static void DivMod(const BigUint& a, const BigUint& b, BigUint* q, BigUint* r);

  // this * 10^n.
  BigUint MulPow10(int32_t n) const;
  // floor(this / 10^n).
  BigUint DivPow10(int32_t n) const;
  void MulSmall(uint32_t m);      // m < kBase
  void AddSmall(uint32_t a);      // a < kBase
  uint32_t DivSmall(uint32_t d);  // returns the remainder; 0 < d < kBase

  size_t HeapSize() const { return limbs_.capacity() * sizeof(uint32_t); }
  const std::vector<uint32_t>& limbs() const { return limbs_; }

 private:
  void Trim();
  std::vector<uint32_t> limbs_;
};

}  // namespace dynasink::types::internal
