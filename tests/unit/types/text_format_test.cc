// Text output and input. Section 4 of COMPATIBILITY.md comes first (each example of its table
// is a test here), then PostgreSQL's behaviour for the rest, checked against PostgreSQL 15.
#include "types/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "types/datetime.h"

namespace dynasink::types {
namespace {

// Parses `text` as `type` and formats it back.
std::string RoundTrip(std::string_view text, const DataType& type) {
  auto v = ParseValue(text, type);
  if (!v.ok()) return "ERROR " + v.status().sqlstate() + ": " + v.status().message();
  return FormatValue(*v, type);
}

std::string Error(std::string_view text, const DataType& type) {
  auto v = ParseValue(text, type);
  if (v.ok()) return "OK " + FormatValue(*v, type);
  return v.status().sqlstate() + ": " + v.status().message();
}

std::string F64(double v) {
  return FormatValue(Value::Float64(v), TypeId::kFloat64);
}
std::string F32(float v) {
  return FormatValue(Value::Float32(v), TypeId::kFloat32);
}

// --- COMPATIBILITY.md section 4 -------------------------------------------------------------

TEST(Compatibility4, NullIsNullText) {
  EXPECT_EQ(FormatValue(Value::Null(), TypeId::kInt32), "NULL");
}

TEST(Compatibility4, Integers) {
  EXPECT_EQ(FormatValue(Value::Int32(-5), TypeId::kInt32), "-5");
  EXPECT_EQ(FormatValue(Value::Int64(9223372036854775807), TypeId::kInt64), "9223372036854775807");
  EXPECT_EQ(FormatValue(Value::Int16(-32768), TypeId::kInt16), "-32768");
  EXPECT_EQ(FormatValue(Value::Int64(7), TypeId::kSerial), "7");
}

TEST(Compatibility4, NumericKeepsScaleNeverExponent) {
  EXPECT_EQ(RoundTrip("1.10", TypeId::kDecimal), "1.10");
  EXPECT_EQ(RoundTrip("1000", TypeId::kDecimal), "1000");
  EXPECT_EQ(RoundTrip("1e3", TypeId::kDecimal), "1000");
  EXPECT_EQ(RoundTrip("1e-7", TypeId::kDecimal), "0.0000001");
}

TEST(Compatibility4, Floats) {
  EXPECT_EQ(F64(1.1), "1.1");
  EXPECT_EQ(F64(100), "100");
  EXPECT_EQ(F64(1e16), "1e+16");
  EXPECT_EQ(F64(1e-7), "1e-07");
  EXPECT_EQ(F64(0.1 + 0.2), "0.30000000000000004");
  // Fixed notation up to 16 digits for double, down to 1e-5.
  EXPECT_EQ(F64(1e15), "1000000000000000");
  EXPECT_EQ(F64(1234567890123456.0), "1234567890123456");
  EXPECT_EQ(F64(12345678901234567.0), "1.2345678901234568e+16");
  EXPECT_EQ(F64(1e-5), "0.00001");
  EXPECT_EQ(F64(1.5e-5), "0.000015");
  EXPECT_EQ(F64(1e-6), "1e-06");
  EXPECT_EQ(F64(9.99e-6), "9.99e-06");
  // Real: 13 digits, down to 1e-6.
  EXPECT_EQ(F32(1.1f), "1.1");
  EXPECT_EQ(F32(1e12f), "1000000000000");
  EXPECT_EQ(F32(1e13f), "1e+13");
  EXPECT_EQ(F32(1e-6f), "0.000001");
  EXPECT_EQ(F32(1e-7f), "1e-07");
  EXPECT_EQ(F32(100.0f), "100");
}

TEST(Compatibility4, VarcharAsIs) {
  EXPECT_EQ(RoundTrip(" a \"b\" \\c ", TypeId::kVarchar), " a \"b\" \\c ");
}

TEST(Compatibility4, Dates) {
  EXPECT_EQ(RoundTrip("2001-05-16", TypeId::kDate), "2001-05-16");
  EXPECT_EQ(RoundTrip("0001-10-26 BC", TypeId::kDate), "0001-10-26 BC");
}

TEST(Compatibility4, Times) {
  EXPECT_EQ(RoundTrip("12:34:56", TypeId::kTime), "12:34:56");
  EXPECT_EQ(RoundTrip("12:34:56.5", TypeId::kTime), "12:34:56.500");
  EXPECT_EQ(RoundTrip("12:34:56.123456", TypeId::kTime), "12:34:56.123456");
  EXPECT_EQ(RoundTrip("12:34:56.1234", TypeId::kTime), "12:34:56.123400");
}

TEST(Compatibility4, Timestamps) {
  EXPECT_EQ(RoundTrip("2001-05-16 20:38:40.123456", TypeId::kTimestamp),
            "2001-05-16 20:38:40.123456");
  EXPECT_EQ(RoundTrip("2024-01-01 00:00:00+08:00", TypeId::kTimestamptz),
            "2023-12-31 16:00:00+00:00");
}

TEST(Compatibility4, Intervals) {
  EXPECT_EQ(RoundTrip("1 year 2 mons 3 days 04:05:06", TypeId::kInterval),
            "1 year 2 mons 3 days 04:05:06");
  EXPECT_EQ(RoundTrip("-1 years -2 mons +3 days 11:45:14.000233", TypeId::kInterval),
            "-1 years -2 mons +3 days 11:45:14.000233");
  EXPECT_EQ(RoundTrip("0 seconds", TypeId::kInterval), "00:00:00");
  EXPECT_EQ(RoundTrip("36 hours", TypeId::kInterval), "36:00:00");
  EXPECT_EQ(FormatValue(Value::IntervalV({0, 2, 0}), TypeId::kInterval), "2 days");
  EXPECT_EQ(FormatValue(Value::IntervalV({1, 0, 0}), TypeId::kInterval), "1 mon");
  EXPECT_EQ(FormatValue(Value::IntervalV({-14, 3, -(11 * 3600 + 45 * 60 + 14) * 1000000LL - 233}),
                        TypeId::kInterval),
            "-1 years -2 mons +3 days -11:45:14.000233");
}

TEST(Compatibility4, Jsonb) {
  EXPECT_EQ(RoundTrip(R"({"b":1,"a":[1,2,{"c":null}]})", TypeId::kJsonb),
            R"({"a": [1, 2, {"c": null}], "b": 1})");
}

// --- Floats ---------------------------------------------------------------------------------

TEST(FloatText, SpecialValues) {
  EXPECT_EQ(F64(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(F64(HUGE_VAL), "Infinity");
  EXPECT_EQ(F64(-HUGE_VAL), "-Infinity");
  EXPECT_EQ(F64(0.0), "0");
  EXPECT_EQ(F64(-0.0), "-0");
  EXPECT_EQ(F64(-1.5), "-1.5");
  EXPECT_EQ(F64(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(F64(5e-324), "5e-324");
  EXPECT_EQ(F32(std::numeric_limits<float>::infinity()), "Infinity");
  EXPECT_EQ(F32(3.4028235e38f), "3.4028235e+38");
}

TEST(FloatText, InputLikePostgres) {
  EXPECT_EQ(RoundTrip(" 1.5 ", TypeId::kFloat64), "1.5");
  EXPECT_EQ(RoundTrip("nan", TypeId::kFloat64), "NaN");
  EXPECT_EQ(RoundTrip("-INF", TypeId::kFloat32), "-Infinity");
  EXPECT_EQ(RoundTrip("+inf", TypeId::kFloat64), "Infinity");
  EXPECT_EQ(RoundTrip("infinity", TypeId::kFloat64), "Infinity");
  EXPECT_EQ(RoundTrip("4e-320", TypeId::kFloat64), "4e-320");  // subnormals are fine
  EXPECT_EQ(RoundTrip("0.1", TypeId::kFloat32), "0.1");
  EXPECT_EQ(RoundTrip("16777217", TypeId::kFloat32), "16777216");
  EXPECT_EQ(Error("1e400", TypeId::kFloat64),
            "22003: \"1e400\" is out of range for type double precision");
  EXPECT_EQ(Error("1e-400", TypeId::kFloat64),
            "22003: \"1e-400\" is out of range for type double precision");
  EXPECT_EQ(Error("1e40", TypeId::kFloat32), "22003: \"1e40\" is out of range for type real");
  EXPECT_EQ(Error("1.5x", TypeId::kFloat64),
            "22P02: invalid input syntax for type double precision: \"1.5x\"");
  EXPECT_EQ(Error("", TypeId::kFloat32), "22P02: invalid input syntax for type real: \"\"");
  EXPECT_EQ(Error("nan(1)", TypeId::kFloat64),
            "22P02: invalid input syntax for type double precision: \"nan(1)\"");
}

TEST(FloatText, ShortestRoundTripOnRandomDoubles) {
  uint64_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double d;
    uint64_t bits = state;
    std::memcpy(&d, &bits, sizeof(d));
    if (std::isnan(d) || std::isinf(d)) continue;
    std::string s = F64(d);
    auto back = ParseValue(s, TypeId::kFloat64);
    ASSERT_TRUE(back.ok()) << s;
    EXPECT_EQ(back->as_float64(), d) << s;
    float f = static_cast<float>(d);
    if (std::isinf(f) || std::isnan(f)) continue;
    std::string sf = F32(f);
    auto backf = ParseValue(sf, TypeId::kFloat32);
    ASSERT_TRUE(backf.ok()) << sf;
    EXPECT_EQ(backf->as_float32(), f) << sf;
  }
}

// --- Integers and booleans ------------------------------------------------------------------

TEST(IntegerText, Input) {
  EXPECT_EQ(RoundTrip(" 12 ", TypeId::kInt32), "12");
  EXPECT_EQ(RoundTrip("+12", TypeId::kInt32), "12");
  EXPECT_EQ(RoundTrip("-9223372036854775808", TypeId::kInt64), "-9223372036854775808");
  EXPECT_EQ(RoundTrip("-32768", TypeId::kInt16), "-32768");
  EXPECT_EQ(Error("abc", TypeId::kInt32), "22P02: invalid input syntax for type integer: \"abc\"");
  EXPECT_EQ(Error("12.0", TypeId::kInt32),
            "22P02: invalid input syntax for type integer: \"12.0\"");
  EXPECT_EQ(Error("", TypeId::kInt16), "22P02: invalid input syntax for type smallint: \"\"");
  EXPECT_EQ(Error("-", TypeId::kInt64), "22P02: invalid input syntax for type bigint: \"-\"");
  EXPECT_EQ(Error("1e5", TypeId::kInt32), "22P02: invalid input syntax for type integer: \"1e5\"");
  EXPECT_EQ(Error("99999999999", TypeId::kInt32),
            "22003: value \"99999999999\" is out of range for type integer");
  EXPECT_EQ(Error("40000", TypeId::kInt16),
            "22003: value \"40000\" is out of range for type smallint");
  EXPECT_EQ(Error("9223372036854775808", TypeId::kInt64),
            "22003: value \"9223372036854775808\" is out of range for type bigint");
  EXPECT_EQ(Error("-99999999999999999999999", TypeId::kSerial),
            "22003: value \"-99999999999999999999999\" is out of range for type bigint");
}

TEST(BooleanText, InputAndOutput) {
  for (const char* t : {"t", "true", "TRUE", " yes ", "y", "on", "1", "tr"}) {
    EXPECT_EQ(RoundTrip(t, TypeId::kBoolean), "t") << t;
  }
  for (const char* f : {"f", "false", "no", "n", "off", "of", "0", "FALSE"}) {
    EXPECT_EQ(RoundTrip(f, TypeId::kBoolean), "f") << f;
  }
  for (const char* bad : {"o", "2", "", "yess", "truee"}) {
    EXPECT_EQ(Error(bad, TypeId::kBoolean),
              std::string("22P02: invalid input syntax for type boolean: \"") + bad + "\"");
  }
}

// --- Bytea ----------------------------------------------------------------------------------

TEST(ByteaText, HexAndEscape) {
  EXPECT_EQ(RoundTrip("\\x0102", TypeId::kBytea), "\\x0102");
  EXPECT_EQ(RoundTrip("\\xDe00BeEf", TypeId::kBytea), "\\xde00beef");
  EXPECT_EQ(RoundTrip("\\x01 02", TypeId::kBytea), "\\x0102");
  EXPECT_EQ(RoundTrip("\\x", TypeId::kBytea), "\\x");
  EXPECT_EQ(RoundTrip("abc\\000d", TypeId::kBytea), "\\x6162630064");
  EXPECT_EQ(RoundTrip("\\\\", TypeId::kBytea), "\\x5c");
  EXPECT_EQ(RoundTrip("", TypeId::kBytea), "\\x");
  EXPECT_EQ(Error("\\x0", TypeId::kBytea), "22023: invalid hexadecimal data: odd number of digits");
  EXPECT_EQ(Error("\\xzz", TypeId::kBytea), "22023: invalid hexadecimal digit: \"z\"");
  EXPECT_EQ(Error("a\\b", TypeId::kBytea), "22P02: invalid input syntax for type bytea");
  auto v = ParseValue("\\x00ff", TypeId::kBytea);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_bytes(), std::string("\0\xff", 2));
}

// --- Dates and times ------------------------------------------------------------------------

TEST(DateText, InputForms) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"2001-05-16", "2001-05-16"},
      {"20010516", "2001-05-16"},
      {"05/16/2001", "2001-05-16"},
      {"May 16, 2001", "2001-05-16"},
      {"16 May 2001", "2001-05-16"},
      {"2001-May-16", "2001-05-16"},
      {" 2001-05-16 ", "2001-05-16"},
      {"5874897-12-31", "5874897-12-31"},
      {"4713-11-24 BC", "4713-11-24 BC"},
      {"4714-11-24 BC", "4714-11-24 BC"},
      {"epoch", "1970-01-01"},
      {"2001-05-16 12:00", "2001-05-16"},
      {"2001-05-16T12:00:00Z", "2001-05-16"},
      {"2001-5-6", "2001-05-06"},
      {"1/2/3", "2003-01-02"},
      {"2001.05.16", "2001-05-16"},
      {"2001 05 16", "2001-05-16"},
      {"February 29 2024", "2024-02-29"},
      {"10000-01-01", "10000-01-01"},
      {"Wed May 16 2001", "2001-05-16"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(RoundTrip(c.in, TypeId::kDate), c.out) << c.in;
}

TEST(DateText, SpecialWords) {
  int32_t today = CurrentDate().days;
  auto days = [](const char* w) { return ParseValue(w, TypeId::kDate)->as_date().days; };
  // Midnight may pass between the two clock readings.
  EXPECT_LE(days("today") - today, 1);
  EXPECT_GE(days("today"), today);
  EXPECT_EQ(days("tomorrow") - days("today"), 1);
  EXPECT_EQ(days("yesterday") - days("today"), -1);
  EXPECT_EQ(days("EPOCH"), 0);
  int64_t now = CurrentTimestamptz().micros;
  int64_t parsed = ParseValue("now", TypeId::kTimestamptz)->as_timestamptz().micros;
  EXPECT_GE(parsed, now);
  EXPECT_LT(parsed - now, 60 * kMicrosPerSecond);
  EXPECT_EQ(RoundTrip("today", TypeId::kTimestamp).substr(11), "00:00:00");
  EXPECT_EQ(Error("today", TypeId::kTime), "22007: invalid input syntax for type time: \"today\"");
}

TEST(DateText, Errors) {
  EXPECT_EQ(Error("abc", TypeId::kDate), "22007: invalid input syntax for type date: \"abc\"");
  EXPECT_EQ(Error("2001-02-30", TypeId::kDate),
            "22008: date/time field value out of range: \"2001-02-30\"");
  EXPECT_EQ(Error("2001-13-01", TypeId::kDate),
            "22008: date/time field value out of range: \"2001-13-01\"");
  EXPECT_EQ(Error("0000-01-01", TypeId::kDate),
            "22008: date/time field value out of range: \"0000-01-01\"");
  EXPECT_EQ(Error("5874898-01-01", TypeId::kDate), "22008: date out of range: \"5874898-01-01\"");
  EXPECT_EQ(Error("4714-11-23 BC", TypeId::kDate), "22008: date out of range: \"4714-11-23 BC\"");
  EXPECT_EQ(Error("", TypeId::kDate), "22007: invalid input syntax for type date: \"\"");
  // As in PostgreSQL, four digits after a date are a time (20:01).
  EXPECT_EQ(Error("2001-05-16 2001", TypeId::kDate), "OK 2001-05-16");
  EXPECT_EQ(Error("2001-05-16 12:00 2001", TypeId::kDate),
            "22007: invalid input syntax for type date: \"2001-05-16 12:00 2001\"");
}

TEST(TimeText, InputForms) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"23:59:60", "24:00:00"},
      {"24:00", "24:00:00"},
      {"12:00:00.1234567", "12:00:00.123457"},
      {"1234", "12:34:00"},
      {"2001-05-16 12:34:56", "12:34:56"},
      {"12:34:56+08", "12:34:56"},
      {"12:34 pm", "12:34:00"},
      {"12:34 am", "00:34:00"},
      {"1:02 PM", "13:02:00"},
      {"23:59:59.9999999", "24:00:00"},
      {"allballs", "00:00:00"},
      {"1:2", "01:02:00"},
      {"T12:00", "12:00:00"},
      {"12:00:00 Z", "12:00:00"},
      {"12:30.5", "12:30:30"},
      {"00:00:00.001", "00:00:00.001"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(RoundTrip(c.in, TypeId::kTime), c.out) << c.in;
  EXPECT_EQ(Error("25:00", TypeId::kTime), "22008: date/time field value out of range: \"25:00\"");
  EXPECT_EQ(Error("24:00:01", TypeId::kTime),
            "22008: date/time field value out of range: \"24:00:01\"");
  EXPECT_EQ(Error("12:60", TypeId::kTime), "22008: date/time field value out of range: \"12:60\"");
  EXPECT_EQ(Error("abc", TypeId::kTime), "22007: invalid input syntax for type time: \"abc\"");
  EXPECT_EQ(Error("12:00:00 bogus", TypeId::kTime),
            "22007: invalid input syntax for type time: \"12:00:00 bogus\"");
}

TEST(TimestampText, InputForms) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"2024-01-01 00:00:00+08:00", "2024-01-01 00:00:00"},  // the offset is ignored
      {"2001-05-16 24:00:00", "2001-05-17 00:00:00"},
      {"2001-05-16 23:59:60", "2001-05-17 00:00:00"},
      {"294246-12-31 23:59:59.999999", "294246-12-31 23:59:59.999999"},
      {"4713-11-24 00:00:00 BC", "4713-11-24 00:00:00 BC"},
      {"4714-11-24 00:00:00 BC", "4714-11-24 00:00:00 BC"},
      {"2001-05-16", "2001-05-16 00:00:00"},
      {"2001-05-16 12:00:00 AD", "2001-05-16 12:00:00"},
      {"2001-05-16 12:00:00 BC", "2001-05-16 12:00:00 BC"},
      {"May 16 2001 12:00", "2001-05-16 12:00:00"},
      {"2001-05-16 1:2:3.5", "2001-05-16 01:02:03.500"},
      {"20010516T120000", "2001-05-16 12:00:00"},
      {"2001-05-16T12:00:00.", "2001-05-16 12:00:00"},
      {"1970-01-01 00:00:00.000001", "1970-01-01 00:00:00.000001"},
      {"1969-12-31 23:59:59.999", "1969-12-31 23:59:59.999"},
      {"epoch", "1970-01-01 00:00:00"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(RoundTrip(c.in, TypeId::kTimestamp), c.out) << c.in;
  EXPECT_EQ(Error("294247-01-01 00:00:00", TypeId::kTimestamp),
            "22008: timestamp out of range: \"294247-01-01 00:00:00\"");
  EXPECT_EQ(Error("4714-11-23 00:00:00 BC", TypeId::kTimestamp),
            "22008: timestamp out of range: \"4714-11-23 00:00:00 BC\"");
  EXPECT_EQ(Error("abc", TypeId::kTimestamp),
            "22007: invalid input syntax for type timestamp: \"abc\"");
  EXPECT_EQ(Error("2001-05-16 12:00:00 2001", TypeId::kTimestamp),
            "22007: invalid input syntax for type timestamp: \"2001-05-16 12:00:00 2001\"");
  EXPECT_EQ(Error("infinity", TypeId::kTimestamp).substr(0, 5), "0A000");
}

TEST(TimestamptzText, OffsetsAndUtcOutput) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"2024-01-01 00:00:00+0800", "2023-12-31 16:00:00+00:00"},
      {"2024-01-01 00:00:00 +08", "2023-12-31 16:00:00+00:00"},
      {"2024-01-01T00:00:00Z", "2024-01-01 00:00:00+00:00"},
      {"2024-01-01 00:00:00 UTC", "2024-01-01 00:00:00+00:00"},
      {"2024-01-01 00:00:00-03:30", "2024-01-01 03:30:00+00:00"},
      {"2024-01-01 00:00:00", "2024-01-01 00:00:00+00:00"},  // session time zone: UTC
      {"2024-01-01 00:00:00+15:00", "2023-12-31 09:00:00+00:00"},
      {"2024-01-01 00:00:00+08:30:15", "2023-12-31 15:29:45+00:00"},
      {"2001-05-16 12:00:00.5+01", "2001-05-16 11:00:00.500+00:00"},
      {"0001-01-01 00:00:00 BC", "0001-01-01 00:00:00+00:00 BC"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(RoundTrip(c.in, TypeId::kTimestamptz), c.out) << c.in;
  EXPECT_EQ(Error("2024-01-01 00:00:00+16:00", TypeId::kTimestamptz),
            "22009: time zone displacement out of range: \"2024-01-01 00:00:00+16:00\"");
  EXPECT_EQ(Error("2024-01-01 00:00 Foo/Bar", TypeId::kTimestamptz).substr(0, 33),
            "22023: time zone \"foo/bar\" not re");
  EXPECT_EQ(Error("abc", TypeId::kTimestamptz),
            "22007: invalid input syntax for type timestamp with time zone: \"abc\"");
}

// The canonical ISO forms take a fast path; a leading space forces the general reader, and
// both must agree on every value and every error.
TEST(DatetimeText, FastPathAgreesWithGeneralReader) {
  uint64_t state = 77;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 11;
  };
  // The general reader's errors quote the input, leading space included.
  auto general = [](const std::string& text, TypeId t) {
    std::string r = RoundTrip(" " + text, t);
    size_t q = r.find("\" ");
    if (q != std::string::npos) r.erase(q + 1, 1);
    return r;
  };
  char buf[64];
  for (int i = 0; i < 20000; ++i) {
    int y = static_cast<int>(next() % 3000), mo = static_cast<int>(next() % 14),
        d = static_cast<int>(next() % 33), h = static_cast<int>(next() % 26),
        mi = static_cast<int>(next() % 61), sec = static_cast<int>(next() % 62);
    int frac_digits = static_cast<int>(next() % 8);
    std::string frac =
        frac_digits ? "." + std::to_string(next() % 10000000).substr(0, frac_digits) : "";
    const char* offsets[] = {"", "Z", "+08:00", "-0330", "+05", "+16:00", "-11:59"};
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d%c%02d:%02d:%02d", y, mo, d,
                  next() % 2 ? ' ' : 'T', h, mi, sec);
    std::string ts = buf + frac + offsets[next() % 7];
    std::string date(buf, 10);
    std::string time = std::string(buf + 11) + frac;
    for (TypeId t : {TypeId::kTimestamp, TypeId::kTimestamptz}) {
      EXPECT_EQ(RoundTrip(ts, t), general(ts, t)) << ts;
    }
    EXPECT_EQ(RoundTrip(date, TypeId::kDate), general(date, TypeId::kDate)) << date;
    EXPECT_EQ(RoundTrip(time, TypeId::kTime), general(time, TypeId::kTime)) << time;
  }
}

// --- Intervals ------------------------------------------------------------------------------

TEST(IntervalText, InputForms) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"1 day", "1 day"},
      {"1 year 2 months 3 days 4 hours", "1 year 2 mons 3 days 04:00:00"},
      {"P1Y2M3DT4H5M6S", "1 year 2 mons 3 days 04:05:06"},
      {"1 day ago", "-1 days"},
      {"1 hour ago", "-01:00:00"},
      {"-1 mon ago", "1 mon"},
      {"1.5 days", "1 day 12:00:00"},
      {"1.5 months", "1 mon 15 days"},
      {"1.5 years", "1 year 6 mons"},
      {"1.5 weeks", "10 days 12:00:00"},
      {"-1.5 days", "-1 days -12:00:00"},
      {"-1 day +2 hours", "-1 days +02:00:00"},
      {"1 day -00:00:01", "1 day -00:00:01"},
      {"1 day -1.5 hours", "1 day -01:30:00"},
      {"@ 1 minute", "00:01:00"},
      {"10", "00:00:10"},
      {"1:2", "01:02:00"},
      {"1:2:3", "01:02:03"},
      {"-1:2:3", "-01:02:03"},
      {"1 2:03:04", "1 day 02:03:04"},
      {"1-2", "1 year 2 mons"},
      {"1-2 3 4:05:06", "1 year 2 mons 3 days 04:05:06"},
      {"P1.5D", "1 day 12:00:00"},
      {"PT1.5S", "00:00:01.5"},
      {"PT36H", "36:00:00"},
      {"P1W", "7 days"},
      {"PT", "00:00:00"},
      {"P-1Y", "-1 years"},
      {"P0001-02-03T04:05:06", "1 year 2 mons 3 days 04:05:06"},
      {"1 week", "7 days"},
      {"2 decades", "20 years"},
      {"1 century", "100 years"},
      {"1 millennium", "1000 years"},
      {"1 ms", "00:00:00.001"},
      {"0.5 ms", "00:00:00.0005"},
      {"1 us", "00:00:00.000001"},
      {"3 mins 2 secs", "00:03:02"},
      {".5 sec", "00:00:00.5"},
      {"+1 day", "1 day"},
      {"- 1 day", "-1 days"},
      {"1 d 2 h 3 m 4 s", "1 day 02:03:04"},
      {"1day", "1 day"},
      {"1d2h", "1 day 02:00:00"},
      {"2 hour 60 minutes", "03:00:00"},
      {"1 minute 70 seconds", "00:02:10"},
      {"1:2:60", "01:03:00"},
      {"100:00", "100:00:00"},
      {"1 day 2", "1 day 00:00:02"},
      {"5 min 3", "00:05:03"},
      {"2 yrs 3 mons", "2 years 3 mons"},
      {"2147483647 days", "2147483647 days"},
      {"178956970 years", "178956970 years"},
      {"2147483648 seconds", "596523:14:08"},
      {"1 year 1 mon 1 day 1 hour 1 minute 1 second 1 millisecond 1 microsecond",
       "1 year 1 mon 1 day 01:01:01.001001"},
      {"1 MON 1 DAY", "1 mon 1 day"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(RoundTrip(c.in, TypeId::kInterval), c.out) << c.in;
}

TEST(IntervalText, Errors) {
  for (const char* bad : {"", "abc", "1 foo", "1 mon 1 mon", "1 day 1 day", "1 2 3", "1:2:3 1:2:3",
                          "1 hour 1:00", "P", "P1Y2", "1e2 days", "ago"}) {
    EXPECT_EQ(Error(bad, TypeId::kInterval),
              std::string("22007: invalid input syntax for type interval: \"") + bad + "\"")
        << bad;
  }
  EXPECT_EQ(Error("2147483648 days", TypeId::kInterval),
            "22015: interval field value out of range: \"2147483648 days\"");
  EXPECT_EQ(Error("1:60", TypeId::kInterval), "22015: interval field value out of range: \"1:60\"");
  EXPECT_EQ(Error("178956971 years", TypeId::kInterval), "22008: interval out of range");
}

TEST(IntervalText, ExtremeValuesFormat) {
  Interval min{INT32_MIN, INT32_MIN, INT64_MIN};
  EXPECT_EQ(FormatValue(Value::IntervalV(min), TypeId::kInterval),
            "-178956970 years -8 mons -2147483648 days -2562047788:00:54.775808");
}

// --- Structs and arrays ---------------------------------------------------------------------

DataType Pair() {
  return DataType::Struct({{"a", DataType(TypeId::kInt32)}, {"b", DataType(TypeId::kVarchar)}});
}

TEST(StructText, OutputQuoting) {
  auto s = [](std::vector<Value> f) { return FormatValue(Value::Struct(std::move(f)), Pair()); };
  EXPECT_EQ(s({Value::Int32(1), Value::Varchar("abc")}), "(1,abc)");
  EXPECT_EQ(s({Value::Int32(1), Value::Varchar("a b")}), "(1,\"a b\")");
  EXPECT_EQ(s({Value::Int32(1), Value::Varchar("")}), "(1,\"\")");
  EXPECT_EQ(s({Value::Null(), Value::Null()}), "(,)");
  EXPECT_EQ(s({Value::Int32(1), Value::Varchar("a\"b")}), "(1,\"a\"\"b\")");
  EXPECT_EQ(s({Value::Int32(1), Value::Varchar("a\\b")}), "(1,\"a\\\\b\")");
  EXPECT_EQ(s({Value::Int32(1), Value::Varchar("NULL")}), "(1,NULL)");
  EXPECT_EQ(s({Value::Int32(1), Value::Varchar("(x)")}), "(1,\"(x)\")");
  DataType nested = DataType::Struct({{"l", DataType::List(TypeId::kInt32)}, {"s", Pair()}});
  EXPECT_EQ(FormatValue(Value::Struct({Value::List({Value::Int32(1), Value::Int32(2)}),
                                       Value::Struct({Value::Int32(3), Value::Varchar("x")})}),
                        nested),
            "(\"{1,2}\",\"(3,x)\")");
}

TEST(StructText, Input) {
  EXPECT_EQ(RoundTrip("(1,abc)", Pair()), "(1,abc)");
  EXPECT_EQ(RoundTrip("(1,\"a b\")", Pair()), "(1,\"a b\")");
  EXPECT_EQ(RoundTrip("(,)", Pair()), "(,)");
  EXPECT_EQ(RoundTrip("(1,\"\")", Pair()), "(1,\"\")");
  EXPECT_EQ(RoundTrip("( 1 , abc )", Pair()), "(1,\" abc \")");
  EXPECT_EQ(RoundTrip("(1,a\\\\b)", Pair()), "(1,\"a\\\\b\")");
  EXPECT_EQ(RoundTrip("(1,\"a\"\"b\")", Pair()), "(1,\"a\"\"b\")");
  EXPECT_EQ(Error("(1)", Pair()), "22P02: malformed record literal: \"(1)\" (too few columns)");
  EXPECT_EQ(Error("(1,2,3)", Pair()),
            "22P02: malformed record literal: \"(1,2,3)\" (too many columns)");
  EXPECT_EQ(Error("1,2", Pair()),
            "22P02: malformed record literal: \"1,2\" (missing left parenthesis)");
  EXPECT_EQ(Error("(1,2) x", Pair()),
            "22P02: malformed record literal: \"(1,2) x\" (junk after right parenthesis)");
  EXPECT_EQ(Error("(1,\"abc", Pair()),
            "22P02: malformed record literal: \"(1,\"abc\" (unexpected end of input)");
  EXPECT_EQ(Error("(x,abc)", Pair()), "22P02: invalid input syntax for type integer: \"x\"");
  // Quotes and backslashes inside a field, and a field that runs to the end of the text.
  EXPECT_EQ(RoundTrip("(1,ab\"c d\"e)", Pair()), "(1,\"abc de\")");
  EXPECT_EQ(RoundTrip("(1,ab\\,c)", Pair()), "(1,\"ab,c\")");
  EXPECT_EQ(Error("(1,abc", Pair()),
            "22P02: malformed record literal: \"(1,abc\" (unexpected end of input)");
}

TEST(ArrayText, OutputQuoting) {
  DataType texts = DataType::List(TypeId::kVarchar);
  Value v = Value::List({Value::Varchar("a b"), Value::Varchar("x\"y"), Value::Varchar(""),
                         Value::Varchar("NULL"), Value::Null(), Value::Varchar("a,b"),
                         Value::Varchar("{}"), Value::Varchar("a\\b"), Value::Varchar("plain")});
  EXPECT_EQ(FormatValue(v, texts),
            "{\"a b\",\"x\\\"y\",\"\",\"NULL\",NULL,\"a,b\",\"{}\",\"a\\\\b\",plain}");
  DataType ints2 = DataType::List(DataType::List(TypeId::kInt32));
  Value m = Value::List({Value::List({Value::Int32(1), Value::Int32(2)}),
                         Value::List({Value::Int32(3), Value::Int32(4)})});
  EXPECT_EQ(FormatValue(m, ints2), "{{1,2},{3,4}}");
  EXPECT_EQ(FormatValue(Value::List({}), texts), "{}");
  DataType structs = DataType::List(Pair());
  EXPECT_EQ(FormatValue(
                Value::List({Value::Struct({Value::Int32(1), Value::Varchar("a")}), Value::Null()}),
                structs),
            "{\"(1,a)\",NULL}");
}

TEST(ArrayText, Input) {
  DataType ints = DataType::List(TypeId::kInt32);
  DataType texts = DataType::List(TypeId::kVarchar);
  DataType ints2 = DataType::List(ints);
  EXPECT_EQ(RoundTrip("{1,2,NULL}", ints), "{1,2,NULL}");
  EXPECT_EQ(RoundTrip("{ 1 , 2 }", ints), "{1,2}");
  EXPECT_EQ(RoundTrip("{}", ints), "{}");
  EXPECT_EQ(RoundTrip(" { } ", ints), "{}");
  EXPECT_EQ(RoundTrip("{{1,2},{3,4}}", ints2), "{{1,2},{3,4}}");
  EXPECT_EQ(RoundTrip("{{1,2},{3}}", ints2), "{{1,2},{3}}");  // RisingWave allows ragged lists
  EXPECT_EQ(RoundTrip("{a b}", texts), "{\"a b\"}");
  EXPECT_EQ(RoundTrip("{ a b }", texts), "{\"a b\"}");
  EXPECT_EQ(RoundTrip("{\"1\"}", ints), "{1}");
  EXPECT_EQ(RoundTrip("{null}", texts), "{NULL}");
  EXPECT_EQ(RoundTrip("{\"null\"}", texts), "{\"null\"}");
  EXPECT_EQ(RoundTrip("{\"a\\\"b\",c\\,d}", texts), "{\"a\\\"b\",\"c,d\"}");
  EXPECT_EQ(RoundTrip("[1:2]={1,2}", ints), "{1,2}");
  EXPECT_EQ(RoundTrip("{\"(1,a)\",NULL}", DataType::List(Pair())), "{\"(1,a)\",NULL}");
  EXPECT_EQ(Error("1,2", ints),
            "22P02: malformed array literal: \"1,2\" (array value must start with \"{\" or "
            "dimension information)");
  EXPECT_EQ(Error("{1,2", ints),
            "22P02: malformed array literal: \"{1,2\" (unexpected end of input)");
  EXPECT_EQ(Error("{1,2} x", ints),
            "22P02: malformed array literal: \"{1,2} x\" (junk after closing right brace)");
  EXPECT_EQ(Error("{1,,2}", ints),
            "22P02: malformed array literal: \"{1,,2}\" (unexpected \",\" character)");
  EXPECT_EQ(Error("{{1}}", ints),
            "22P02: malformed array literal: \"{{1}}\" (unexpected \"{\" character)");
  EXPECT_EQ(Error("{abc}", ints), "22P02: invalid input syntax for type integer: \"abc\"");
  // Trailing whitespace of an unquoted element goes, a backslash keeps what follows, a quote
  // or a brace inside an unquoted element is an error, and so is an element without an end.
  EXPECT_EQ(RoundTrip("{ab\t , c\n}", texts), "{ab,c}");
  EXPECT_EQ(RoundTrip("{a\\b , c\\ }", texts), "{ab,\"c \"}");
  EXPECT_EQ(RoundTrip("{NuLl , x}", texts), "{NULL,x}");
  EXPECT_EQ(RoundTrip("{nul,nulls}", texts), "{nul,nulls}");
  EXPECT_EQ(Error("{ab\"c\"}", texts),
            "22P02: malformed array literal: \"{ab\"c\"}\" (unexpected array element)");
  EXPECT_EQ(Error("{ab{c}", texts),
            "22P02: malformed array literal: \"{ab{c}\" (unexpected array element)");
  EXPECT_EQ(Error("{abc", texts),
            "22P02: malformed array literal: \"{abc\" (unexpected end of input)");
}

TEST(NestedText, RoundTripsThroughOwnOutput) {
  DataType t = DataType::List(
      DataType::Struct({{"a", DataType::List(TypeId::kVarchar)}, {"b", DataType(TypeId::kJsonb)}}));
  Value v = Value::List({Value::Struct({Value::List({Value::Varchar("x,y"), Value::Varchar("\"q\""),
                                                     Value::Null(), Value::Varchar("")}),
                                        Value::JsonbV(*Jsonb::Parse(R"({"k": ["a b", 1.50]})"))}),
                         Value::Null()});
  std::string text = FormatValue(v, t);
  auto back = ParseValue(text, t);
  ASSERT_TRUE(back.ok()) << text << " " << back.status().ToString();
  EXPECT_EQ(*back, v) << text;
  EXPECT_EQ(FormatValue(*back, t), text);
}

}  // namespace
}  // namespace dynasink::types
