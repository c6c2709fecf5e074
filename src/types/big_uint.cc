#include "types/big_uint.h"

#include <algorithm>
#include <cassert>

namespace dynasink::types::internal {

namespace {

constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                 100000, 1000000, 10000000, 100000000, 1000000000};

int LimbDigits(uint32_t v) {
  int n = 1;
  while (n < 9 && v >= kPow10[n])
    ++n;
  return n;
}

}  // namespace

void BigUint::Trim() {
  while (!limbs_.empty() && limbs_.back() == 0)
    limbs_.pop_back();
}

BigUint BigUint::FromU128(unsigned __int128 v) {
  BigUint r;
  while (v != 0) {
    r.limbs_.push_back(static_cast<uint32_t>(v % kBase));
    v /= kBase;
  }
  return r;
}

BigUint BigUint::FromDigits(std::string_view digits) {
  BigUint r;
  r.limbs_.reserve(digits.size() / kLimbDigits + 1);
  // Walk from the least significant end in chunks of nine digits.
  size_t end = digits.size();
  while (end > 0) {
    size_t begin = end >= kLimbDigits ? end - kLimbDigits : 0;
    uint32_t limb = 0;
    for (size_t i = begin; i < end; ++i)
      limb = limb * 10 + static_cast<uint32_t>(digits[i] - '0');
    r.limbs_.push_back(limb);
    end = begin;
  }
  r.Trim();
  return r;
}

bool BigUint::ToU128(unsigned __int128* out) const {
  unsigned __int128 v = 0;
  constexpr unsigned __int128 kMax = ~static_cast<unsigned __int128>(0);
  for (size_t i = limbs_.size(); i-- > 0;) {
    if (v > (kMax - limbs_[i]) / kBase) return false;
    v = v * kBase + limbs_[i];
  }
  *out = v;
  return true;
}

int32_t BigUint::NumDigits() const {
  if (limbs_.empty()) return 0;
  return static_cast<int32_t>((limbs_.size() - 1) * kLimbDigits) + LimbDigits(limbs_.back());
}

int32_t BigUint::TrailingZeros() const {
  if (limbs_.empty()) return 0;
  int32_t n = 0;
  size_t i = 0;
  while (limbs_[i] == 0) {
    n += kLimbDigits;
    ++i;
  }
  uint32_t v = limbs_[i];
  while (v % 10 == 0) {
    v /= 10;
    ++n;
  }
  return n;
}

uint32_t BigUint::DigitAt(int32_t pos) const {
  if (pos < 0) return 0;
  size_t limb = static_cast<size_t>(pos) / kLimbDigits;
  if (limb >= limbs_.size()) return 0;
  return limbs_[limb] / kPow10[pos % kLimbDigits] % 10;
}

bool BigUint::AnyDigitBelow(int32_t pos) const {
  if (pos <= 0 || limbs_.empty()) return false;
  size_t full = static_cast<size_t>(pos) / kLimbDigits;
  for (size_t i = 0; i < std::min(full, limbs_.size()); ++i) {
    if (limbs_[i] != 0) return true;
  }
  if (full >= limbs_.size()) return false;
  return limbs_[full] % kPow10[pos % kLimbDigits] != 0;
}

void BigUint::AppendDigits(std::string* out) const {
  if (limbs_.empty()) {
    out->push_back('0');
    return;
  }
  char buf[kLimbDigits];
  uint32_t top = limbs_.back();
  int n = LimbDigits(top);
  for (int i = n - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + top % 10);
    top /= 10;
  }
  out->append(buf, n);
  for (size_t li = limbs_.size() - 1; li-- > 0;) {
    uint32_t v = limbs_[li];
    for (int i = kLimbDigits - 1; i >= 0; --i) {
      buf[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out->append(buf, kLimbDigits);
  }
}

int BigUint::Compare(const BigUint& a, const BigUint& b) {
  if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
  for (size_t i = a.limbs_.size(); i-- > 0;) {
    if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
  }
  return 0;
}

BigUint BigUint::Add(const BigUint& a, const BigUint& b) {
  const BigUint& longer = a.limbs_.size() >= b.limbs_.size() ? a : b;
  const BigUint& shorter = a.limbs_.size() >= b.limbs_.size() ? b : a;
  BigUint r;
  r.limbs_.resize(longer.limbs_.size() + 1);
  uint32_t carry = 0;
  for (size_t i = 0; i < longer.limbs_.size(); ++i) {
    uint32_t s = longer.limbs_[i] + carry + (i < shorter.limbs_.size() ? shorter.limbs_[i] : 0);
    carry = s >= kBase ? 1 : 0;
    r.limbs_[i] = s - carry * kBase;
  }
  r.limbs_.back() = carry;
  r.Trim();
  return r;
}

BigUint BigUint::Sub(const BigUint& a, const BigUint& b) {
  assert(Compare(a, b) >= 0);
  BigUint r;
  r.limbs_.resize(a.limbs_.size());
  int64_t borrow = 0;
  for (size_t i = 0; i < a.limbs_.size(); ++i) {
    int64_t d = static_cast<int64_t>(a.limbs_[i]) - borrow -
                (i < b.limbs_.size() ? static_cast<int64_t>(b.limbs_[i]) : 0);
    borrow = d < 0 ? 1 : 0;
    r.limbs_[i] = static_cast<uint32_t>(d + borrow * kBase);
  }
  r.Trim();
  return r;
}

BigUint BigUint::Mul(const BigUint& a, const BigUint& b) {
  BigUint r;
  if (a.is_zero() || b.is_zero()) return r;
  r.limbs_.assign(a.limbs_.size() + b.limbs_.size(), 0);
  for (size_t i = 0; i < a.limbs_.size(); ++i) {
    uint64_t carry = 0;
    const uint64_t ai = a.limbs_[i];
    if (ai == 0) continue;
    for (size_t j = 0; j < b.limbs_.size(); ++j) {
      uint64_t cur = r.limbs_[i + j] + ai * b.limbs_[j] + carry;
      carry = cur / kBase;
      r.limbs_[i + j] = static_cast<uint32_t>(cur % kBase);
    }
    size_t k = i + b.limbs_.size();
    while (carry != 0) {
      uint64_t cur = r.limbs_[k] + carry;
      carry = cur / kBase;
      r.limbs_[k] = static_cast<uint32_t>(cur % kBase);
      ++k;
    }
  }
  r.Trim();
  return r;
}

void BigUint::MulSmall(uint32_t m) {
  if (m == 0) {
    limbs_.clear();
    return;
  }
  uint64_t carry = 0;
  for (auto& limb : limbs_) {
    uint64_t cur = static_cast<uint64_t>(limb) * m + carry;
    limb = static_cast<uint32_t>(cur % kBase);
    carry = cur / kBase;
  }
  if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
}

void BigUint::AddSmall(uint32_t a) {
  uint64_t carry = a;
  for (size_t i = 0; carry != 0; ++i) {
    if (i == limbs_.size()) limbs_.push_back(0);
    uint64_t cur = limbs_[i] + carry;
    limbs_[i] = static_cast<uint32_t>(cur % kBase);
    carry = cur / kBase;
  }
}

uint32_t BigUint::DivSmall(uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = limbs_.size(); i-- > 0;) {
    uint64_t cur = rem * kBase + limbs_[i];
    limbs_[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  Trim();
  return static_cast<uint32_t>(rem);
}

BigUint BigUint::MulPow10(int32_t n) const {
  if (is_zero() || n <= 0) return *this;
  BigUint r;
  size_t whole = static_cast<size_t>(n) / kLimbDigits;
  r.limbs_.reserve(limbs_.size() + whole + 1);
  r.limbs_.assign(whole, 0);
  r.limbs_.insert(r.limbs_.end(), limbs_.begin(), limbs_.end());
  if (n % kLimbDigits != 0) r.MulSmall(kPow10[n % kLimbDigits]);
  return r;
}

BigUint BigUint::DivPow10(int32_t n) const {
  if (n <= 0) return *this;
  size_t whole = static_cast<size_t>(n) / kLimbDigits;
  BigUint r;
  if (whole >= limbs_.size()) return r;
  r.limbs_.assign(limbs_.begin() + static_cast<ptrdiff_t>(whole), limbs_.end());
  if (n % kLimbDigits != 0) r.DivSmall(kPow10[n % kLimbDigits]);
  return r;
}

void BigUint::DivMod(const BigUint& a, const BigUint& b, BigUint* q, BigUint* r) {
  assert(!b.is_zero());
  if (Compare(a, b) < 0) {
    if (r != nullptr) *r = a;
    if (q != nullptr) *q = BigUint();
    return;
  }
  if (b.limbs_.size() == 1) {
    BigUint quot = a;
    uint32_t rem = quot.DivSmall(b.limbs_[0]);
    if (q != nullptr) *q = std::move(quot);
    if (r != nullptr) *r = FromU128(rem);
    return;
  }
  // Knuth, TAOCP vol. 2, 4.3.1, algorithm D, in base 10^9. Normalizing by d makes the top limb of
  // the divisor at least kBase / 2, so each trial quotient is off by at most two.
  const size_t n = b.limbs_.size();
  const size_t m = a.limbs_.size() - n;
  const uint32_t d = kBase / (b.limbs_.back() + 1);
  BigUint u = a;
  BigUint v = b;
  u.MulSmall(d);
  v.MulSmall(d);
  u.limbs_.resize(a.limbs_.size() + 1, 0);  // u may gain a limb from normalization
  const uint64_t v1 = v.limbs_[n - 1];
  const uint64_t v2 = v.limbs_[n - 2];
  BigUint quot;
  quot.limbs_.assign(m + 1, 0);
  for (size_t j = m + 1; j-- > 0;) {
    uint64_t num = static_cast<uint64_t>(u.limbs_[j + n]) * kBase + u.limbs_[j + n - 1];
    uint64_t qhat = num / v1;
    uint64_t rhat = num % v1;
    while (qhat >= kBase || qhat * v2 > rhat * kBase + u.limbs_[j + n - 2]) {
      --qhat;
      rhat += v1;
      if (rhat >= kBase) break;
    }
    // u[j..j+n] -= qhat * v
    int64_t borrow = 0;
    uint64_t carry = 0;
    for (size_t i = 0; i < n; ++i) {
      uint64_t p = qhat * v.limbs_[i] + carry;
      carry = p / kBase;
      int64_t t = static_cast<int64_t>(u.limbs_[i + j]) - static_cast<int64_t>(p % kBase) - borrow;
      borrow = t < 0 ? 1 : 0;
      u.limbs_[i + j] = static_cast<uint32_t>(t + borrow * kBase);
    }
    int64_t t = static_cast<int64_t>(u.limbs_[j + n]) - static_cast<int64_t>(carry) - borrow;
    if (t < 0) {
      // qhat was one too large: add v back.
      u.limbs_[j + n] = static_cast<uint32_t>(t + kBase);
      --qhat;
      uint32_t c = 0;
      for (size_t i = 0; i < n; ++i) {
        uint32_t s = u.limbs_[i + j] + v.limbs_[i] + c;
        c = s >= kBase ? 1 : 0;
        u.limbs_[i + j] = s - c * kBase;
      }
      u.limbs_[j + n] = (u.limbs_[j + n] + c) % kBase;
    } else {
      u.limbs_[j + n] = static_cast<uint32_t>(t);
    }
    quot.limbs_[j] = static_cast<uint32_t>(qhat);
  }
  quot.Trim();
  if (q != nullptr) *q = std::move(quot);
  if (r != nullptr) {
    u.limbs_.resize(n);
    u.Trim();
    u.DivSmall(d);
    *r = std::move(u);
  }
}

}  // namespace dynasink::types::internal
