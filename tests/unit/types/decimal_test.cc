// Decimal: PostgreSQL numeric semantics. Expected texts were checked against PostgreSQL 15.
#include "types/decimal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

namespace dynasink::types {
namespace {

Decimal D(std::string_view s) {
  auto r = Decimal::Parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : Decimal();
}

std::string Str(const Result<Decimal>& r) {
  if (!r.ok()) return "ERROR " + r.status().sqlstate() + ": " + r.status().message();
  return r->ToString();
}

TEST(DecimalTest, ParseAndFormatKeepScale) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"1.10", "1.10"},
      {"1000", "1000"},
      {"0.000001", "0.000001"},
      {" 1.5 ", "1.5"},
      {"+.5", "0.5"},
      {"5.", "5"},
      {"-0", "0"},
      {"0.000", "0.000"},
      {"-0.00", "0.00"},
      {"1.5e+3", "1500"},
      {"1.55e1", "15.5"},
      {"1e-3", "0.001"},
      {"1E5", "100000"},
      {"1.5E-3", "0.0015"},
      {"0e-5", "0.00000"},
      {"-12.345", "-12.345"},
      {"007", "7"},
      {"NaN", "NaN"},
      {"nan", "NaN"},
      {" Infinity", "Infinity"},
      {"-INF", "-Infinity"},
      {"+inf", "Infinity"},
      {"-infinity", "-Infinity"},
      {"123456789012345678901234567890123456789012345678901234567890",
       "123456789012345678901234567890123456789012345678901234567890"},
      {"-0.000000000000000000000000000000000000000000001",
       "-0.000000000000000000000000000000000000000000001"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(D(c.in).ToString(), c.out) << c.in;
}

TEST(DecimalTest, ParseErrors) {
  for (const char* bad :
       {"", ".", "1e", "abc", "1_000", "0x10", "-nan", "1..2", "1e+", "--1", "1 2", "e5"}) {
    auto r = Decimal::Parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().sqlstate(), "22P02") << bad;
    EXPECT_EQ(r.status().message(),
              std::string("invalid input syntax for type numeric: \"") + bad + "\"");
  }
  for (const char* big : {"1e-16384", "1e131072", "1e2000000000", "1e99999999999999999999"}) {
    auto r = Decimal::Parse(big);
    ASSERT_FALSE(r.ok()) << big;
    EXPECT_EQ(r.status().sqlstate(), "22003") << big;
    EXPECT_EQ(r.status().message(), "value overflows numeric format");
  }
  EXPECT_TRUE(Decimal::Parse("1e-16383").ok());
  EXPECT_TRUE(Decimal::Parse("1e131071").ok());
}

TEST(DecimalTest, HoldsBeyondDynamoLimits) {
  // The sink must be able to see these to refuse them.
  Decimal many = D("1234567890123456789012345678901234567891");  // 40 digits
  EXPECT_EQ(many.SignificantDigits(), 40);
  EXPECT_EQ(many.Exponent(), 39);
  EXPECT_EQ(D("1e126").Exponent(), 126);
  EXPECT_EQ(D("9.99e125").Exponent(), 125);
  EXPECT_EQ(D("1e-130").Exponent(), -130);
  EXPECT_EQ(D("1e-131").Exponent(), -131);
  EXPECT_EQ(D("1.10").SignificantDigits(), 2);
  EXPECT_EQ(D("1000").SignificantDigits(), 1);
  EXPECT_EQ(D("0.00120").SignificantDigits(), 2);
  EXPECT_EQ(D("0.00120").Exponent(), -3);
  EXPECT_EQ(D("0").SignificantDigits(), 0);
  EXPECT_EQ(D("0.000").Exponent(), 0);
  // 1000 significant digits survive a round trip.
  std::string digits(1000, '7');
  Decimal d = D(digits + ".5");
  EXPECT_EQ(d.ToString(), digits + ".5");
  EXPECT_EQ(d.SignificantDigits(), 1001);
  EXPECT_EQ(d.CoefficientDigits(), digits + "5");
}

TEST(DecimalTest, CompareAndHash) {
  EXPECT_EQ(D("1.0"), D("1.00"));
  EXPECT_EQ(D("1.0").Hash(), D("1.00").Hash());
  EXPECT_EQ(D("100").Hash(), D("100.000").Hash());
  EXPECT_EQ(D("0").Hash(), D("0.00").Hash());
  EXPECT_FALSE(D("1.0").IdenticalTo(D("1.00")));
  EXPECT_TRUE(D("1.0").IdenticalTo(D("1.0")));
  EXPECT_LT(D("-1"), D("-0.5"));
  EXPECT_LT(D("0.5"), D("1"));
  EXPECT_LT(D("99"), D("100.0"));
  EXPECT_LT(D("1e40"), D("1.0000000000000000000000000000000000000000001e40"));
  EXPECT_LT(D("-Infinity"), D("-1e1000"));
  EXPECT_LT(D("1e1000"), D("Infinity"));
  EXPECT_LT(D("Infinity"), D("NaN"));
  EXPECT_EQ(D("NaN"), D("NaN"));
  EXPECT_EQ(D("NaN").Hash(), D("nan").Hash());
  // Big and small forms of equal values compare and hash alike.
  Decimal big = D("340282366920938463463374607431768211456");  // 2^128
  Decimal big_scaled = D("340282366920938463463374607431768211456.000");
  EXPECT_EQ(big, big_scaled);
  EXPECT_EQ(big.Hash(), big_scaled.Hash());
  Decimal from_big = D("1" + std::string(50, '0') + "e-50");
  EXPECT_EQ(from_big.ToString(), "1.00000000000000000000000000000000000000000000000000");
  EXPECT_EQ(from_big, D("1"));
  EXPECT_EQ(from_big.Hash(), D("1").Hash());
}

TEST(DecimalTest, NegativeBigValues) {
  Decimal neg = D("-1e50");
  EXPECT_EQ(neg.sign(), -1);
  EXPECT_EQ(neg.ToString(), "-1" + std::string(50, '0'));
  EXPECT_LT(neg, D("-123.45"));
  EXPECT_LT(D("-1e50"), D("-9.9e49"));
  EXPECT_EQ(Str(neg.Add(D("1e50"))), "0");
  EXPECT_EQ(Str(neg.Mul(D("-1"))), "1" + std::string(50, '0'));
  EXPECT_EQ(Str(neg.Abs().Add(neg)), "0");
  EXPECT_EQ((-neg).sign(), 1);
  EXPECT_EQ(Str(D("-1e50").DivTrunc(D("7"))),
            "-14285714285714285714285714285714285714285714285714");
  EXPECT_EQ(Str(D("-1e50").Mod(D("7"))), "-2");
  EXPECT_EQ(Str(D("-12345678901234567890123456789012345678901.5").Round(0)),
            "-12345678901234567890123456789012345678902");
  EXPECT_EQ(Str(D("-12345678901234567890123456789012345678901.5").Ceil()),
            "-12345678901234567890123456789012345678901");
  EXPECT_EQ(Str(D("-12345678901234567890123456789012345678901.5").Floor()),
            "-12345678901234567890123456789012345678902");
  EXPECT_EQ(D("-0.000").sign(), 0);
  EXPECT_EQ((-D("0")).ToString(), "0");
}

TEST(DecimalTest, AddSubMul) {
  EXPECT_EQ(Str(D("1.10").Add(D("2.2"))), "3.30");
  EXPECT_EQ(Str(D("1").Sub(D("1.000"))), "0.000");
  EXPECT_EQ(Str(D("-5.5").Add(D("2.25"))), "-3.25");
  EXPECT_EQ(Str(D("1.5").Mul(D("2.00"))), "3.000");
  EXPECT_EQ(Str(D("-1.5").Mul(D("0"))), "0.0");
  EXPECT_EQ(Str(D("99999999999999999999999999999999999999").Add(D("1"))),
            "100000000000000000000000000000000000000");
  EXPECT_EQ(Str(D("12345678901234567890").Mul(D("98765432109876543210"))),
            "1219326311370217952237463801111263526900");
  EXPECT_EQ(Str(D("Infinity").Sub(D("Infinity"))), "NaN");
  EXPECT_EQ(Str(D("Infinity").Add(D("-5"))), "Infinity");
  EXPECT_EQ(Str(D("Infinity").Mul(D("0"))), "NaN");
  EXPECT_EQ(Str(D("-Infinity").Mul(D("-2"))), "Infinity");
  EXPECT_EQ(Str(D("NaN").Add(D("1"))), "NaN");
  // PostgreSQL rounds a product's scale to 16383 digits.
  auto tiny = D("1e-10000").Mul(D("1e-10000"));
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->scale(), 16383);
  EXPECT_TRUE(tiny->is_zero());
  EXPECT_EQ(D("1e131071").Mul(D("10")).status().sqlstate(), "22003");
}

TEST(DecimalTest, DivisionUsesPostgresScale) {
  EXPECT_EQ(Str(D("1").Div(D("3"))), "0.33333333333333333333");
  EXPECT_EQ(Str(D("10").Div(D("4"))), "2.5000000000000000");
  EXPECT_EQ(Str(D("1.000000").Div(D("7"))), "0.14285714285714285714");
  EXPECT_EQ(Str(D("12345678901234567890").Div(D("0.001"))), "12345678901234567890000.000");
  EXPECT_EQ(Str(D("0.0001").Div(D("3"))), "0.000033333333333333333333");
  EXPECT_EQ(Str(D("2").Div(D("0.5"))), "4.0000000000000000");
  EXPECT_EQ(Str(D("2").Div(D("3"))), "0.66666666666666666667");
  EXPECT_EQ(Str(D("-2").Div(D("3"))), "-0.66666666666666666667");
  EXPECT_EQ(Str(D("5.55").Div(D("Infinity"))), "0");
  EXPECT_EQ(Str(D("Infinity").Div(D("-3"))), "-Infinity");
  EXPECT_EQ(Str(D("NaN").Div(D("0"))), "NaN");
  auto r = D("1").Div(D("0"));
  EXPECT_EQ(r.status().sqlstate(), "22012");
  EXPECT_EQ(r.status().message(), "division by zero");
  EXPECT_EQ(D("Infinity").Div(D("0")).status().sqlstate(), "22012");
  // Big operands go through the long division.
  EXPECT_EQ(Str(D("1" + std::string(60, '0')).Div(D("7"))),
            "142857142857142857142857142857142857142857142857142857142857");
  EXPECT_EQ(Str(D("1" + std::string(60, '0')).Div(D("3" + std::string(50, '0')))),
            "3333333333.33333333");
  EXPECT_EQ(Str(D("1").DivWithScale(D("3"), 2)), "0.33");
  EXPECT_EQ(Str(D("2").DivWithScale(D("3"), 0)), "1");
  EXPECT_EQ(Str(D("7.5").DivTrunc(D("2"))), "3");
  EXPECT_EQ(Str(D("-7.5").DivTrunc(D("2"))), "-3");
}

TEST(DecimalTest, Modulo) {
  EXPECT_EQ(Str(D("7.5").Mod(D("-2"))), "1.5");
  EXPECT_EQ(Str(D("-7.5").Mod(D("2"))), "-1.5");
  EXPECT_EQ(Str(D("10").Mod(D("3.00"))), "1.00");
  EXPECT_EQ(Str(D("Infinity").Mod(D("2"))), "NaN");
  EXPECT_EQ(Str(D("5").Mod(D("Infinity"))), "5");
  EXPECT_EQ(D("5").Mod(D("0")).status().sqlstate(), "22012");
}

TEST(DecimalTest, Rounding) {
  EXPECT_EQ(Str(D("1.5").Round(3)), "1.500");
  EXPECT_EQ(Str(D("1234.5").Round(-2)), "1200");
  EXPECT_EQ(Str(D("-0.5").Round(0)), "-1");
  EXPECT_EQ(Str(D("2.5").Round(0)), "3");
  EXPECT_EQ(Str(D("0.45").Round(1)), "0.5");
  EXPECT_EQ(Str(D("9.99").Round(1)), "10.0");
  EXPECT_EQ(Str(D("12.345").Round(-3)), "0");
  EXPECT_EQ(D("-1.59").Trunc(1).ToString(), "-1.5");
  EXPECT_EQ(D("1.59").Trunc(0).ToString(), "1");
  EXPECT_EQ(D("1.5").Trunc(3).ToString(), "1.500");
  EXPECT_EQ(Str(D("-0.5").Ceil()), "0");
  EXPECT_EQ(Str(D("-0.5").Floor()), "-1");
  EXPECT_EQ(Str(D("1.01").Ceil()), "2");
  EXPECT_EQ(Str(D("1.99").Floor()), "1");
  EXPECT_EQ(Str(D("Infinity").Round(2)), "Infinity");
  EXPECT_EQ(D("1.500").Normalized().ToString(), "1.5");
  EXPECT_EQ(D("100").Normalized().ToString(), "100");
  EXPECT_EQ(D("0.000").Normalized().ToString(), "0");
}

TEST(DecimalTest, Typmod) {
  EXPECT_EQ(Str(D("1.005").ApplyTypmod(5, 2)), "1.01");
  EXPECT_EQ(Str(D("12.345").ApplyTypmod(2, -3)), "0");
  EXPECT_EQ(Str(D("0.5").ApplyTypmod(1, 1)), "0.5");
  EXPECT_EQ(Str(D("NaN").ApplyTypmod(3, 1)), "NaN");
  EXPECT_EQ(Str(D("99.995").ApplyTypmod(4, 2)),
            "ERROR 22003: numeric field overflow: A field with precision 4, scale 2 must round "
            "to an absolute value less than 10^2.");
  EXPECT_EQ(Str(D("0.001").ApplyTypmod(2, 5)),
            "ERROR 22003: numeric field overflow: A field with precision 2, scale 5 must round "
            "to an absolute value less than 10^-3.");
  EXPECT_EQ(Str(D("Infinity").ApplyTypmod(3, 1)),
            "ERROR 22003: numeric field overflow: A field with precision 3, scale 1 cannot hold "
            "an infinite value.");
  EXPECT_EQ(Str(D("1e400").ApplyTypmod(3, 0)),
            "ERROR 22003: numeric field overflow: A field with precision 3, scale 0 must round "
            "to an absolute value less than 10^3.");
}

TEST(DecimalTest, Conversions) {
  EXPECT_EQ(Decimal::FromInt64(INT64_MIN).ToString(), "-9223372036854775808");
  EXPECT_EQ(Decimal::FromInt64(110, 2).ToString(), "1.10");
  EXPECT_EQ(D("2.5").ToInt64(), 3);
  EXPECT_EQ(D("-2.5").ToInt64(), -3);
  EXPECT_EQ(D("9223372036854775807.4").ToInt64(), INT64_MAX);
  EXPECT_EQ(D("-9223372036854775808").ToInt64(), INT64_MIN);
  EXPECT_FALSE(D("9223372036854775807.5").ToInt64().has_value());
  EXPECT_FALSE(D("NaN").ToInt64().has_value());
  EXPECT_EQ(Decimal::FromDouble(0.1).ToString(), "0.1");
  EXPECT_EQ(Decimal::FromDouble(0.30000000000000004).ToString(), "0.30000000000000004");
  EXPECT_EQ(Decimal::FromDouble(1e16).ToString(), "10000000000000000");
  EXPECT_EQ(Decimal::FromDouble(1e-7).ToString(), "0.0000001");
  EXPECT_EQ(Decimal::FromDouble(-0.0).ToString(), "0");
  EXPECT_TRUE(Decimal::FromDouble(std::nan("")).is_nan());
  EXPECT_EQ(Decimal::FromDouble(-HUGE_VAL).kind(), Decimal::Kind::kNegativeInfinity);
  EXPECT_EQ(Decimal::FromFloat(0.1f).ToString(), "0.1");
  EXPECT_EQ(D("0.1").ToDouble(), 0.1);
  EXPECT_EQ(D("-1.5").ToDouble(), -1.5);
  EXPECT_EQ(D("123456789012345678901234567890").ToDouble(), 1.2345678901234568e29);
  EXPECT_EQ(D("1e400").ToDouble(), HUGE_VAL);
  EXPECT_EQ(D("-1e-400").ToDouble(), 0.0);
  EXPECT_TRUE(std::isnan(D("NaN").ToDouble()));
}

TEST(DecimalTest, FromDigitsValidates) {
  EXPECT_EQ(Decimal::FromDigits(true, "00110", 2)->ToString(), "-1.10");
  EXPECT_FALSE(Decimal::FromDigits(false, "1x", 0).ok());
  EXPECT_FALSE(Decimal::FromDigits(false, "", 0).ok());
  EXPECT_FALSE(Decimal::FromDigits(false, "1", -1).ok());
}

// Arithmetic on random values agrees with exact int128 arithmetic where both apply, across
// the inline/big boundary.
TEST(DecimalTest, RandomArithmeticMatchesInt128) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    int64_t a = static_cast<int64_t>(rng()) >> (rng() % 60);
    int64_t b = static_cast<int64_t>(rng()) >> (rng() % 60);
    if (b == 0) b = 1;
    Decimal da = Decimal::FromInt64(a), db = Decimal::FromInt64(b);
    __int128 sum = static_cast<__int128>(a) + b;
    __int128 prod = static_cast<__int128>(a) * b;
    auto s = da.Add(db);
    auto p = da.Mul(db);
    auto q = da.DivTrunc(db);
    auto m = da.Mod(db);
    ASSERT_TRUE(s.ok() && p.ok() && q.ok() && m.ok());
    auto to_str = [](__int128 v) {
      bool neg = v < 0;
      unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : v;
      std::string out;
      do {
        out.insert(out.begin(), static_cast<char>('0' + u % 10));
        u /= 10;
      } while (u != 0);
      return neg ? "-" + out : out;
    };
    EXPECT_EQ(s->ToString(), to_str(sum));
    EXPECT_EQ(p->ToString(), to_str(prod));
    EXPECT_EQ(q->ToString(), to_str(a / b));
    EXPECT_EQ(m->ToString(), to_str(a % b));
    // Big coefficients: (a * 10^40 + b) / 10^40 is a, remainder b.
    Decimal e40 = D("1e40");
    auto big = da.Mul(e40)->Add(Decimal::FromInt64(b < 0 ? -b : b));
    ASSERT_TRUE(big.ok());
    if (a >= 0) {
      EXPECT_EQ(big->DivTrunc(e40)->ToString(), to_str(a));
      EXPECT_EQ(big->Mod(e40)->ToString(), to_str(b < 0 ? -static_cast<__int128>(b) : b));
    }
  }
}

// Long division checked by multiplying back: q * b + r == a with 0 <= r < b.
TEST(DecimalTest, BigDivisionIdentity) {
  std::mt19937_64 rng(7);
  auto random_digits = [&](int n) {
    std::string s;
    s.push_back(static_cast<char>('1' + rng() % 9));
    for (int i = 1; i < n; ++i)
      s.push_back(static_cast<char>('0' + rng() % 10));
    return s;
  };
  for (int i = 0; i < 300; ++i) {
    Decimal a = D(random_digits(1 + static_cast<int>(rng() % 120)));
    Decimal b = D(random_digits(1 + static_cast<int>(rng() % 60)));
    auto q = a.DivTrunc(b);
    auto r = a.Mod(b);
    ASSERT_TRUE(q.ok() && r.ok());
    auto back = q->Mul(b)->Add(*r);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, a) << a.ToString() << " / " << b.ToString();
    EXPECT_LT(*r, b);
    EXPECT_GE(r->sign(), 0);
  }
}

}  // namespace
}  // namespace dynasink::types
