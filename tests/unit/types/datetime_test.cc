// Datetime arithmetic, extract and date_trunc; expected values from PostgreSQL 15.
#include "types/datetime.h"

#include <gtest/gtest.h>

#include "types/text_format.h"

namespace dynasink::types {
namespace {

Timestamp Ts(std::string_view s) {
  return ParseValue(s, TypeId::kTimestamp)->as_timestamp();
}
Timestamptz Tstz(std::string_view s) {
  return ParseValue(s, TypeId::kTimestamptz)->as_timestamptz();
}
Date D(std::string_view s) {
  return ParseValue(s, TypeId::kDate)->as_date();
}
Time T(std::string_view s) {
  return ParseValue(s, TypeId::kTime)->as_time();
}
Interval I(std::string_view s) {
  return ParseValue(s, TypeId::kInterval)->as_interval();
}

std::string Str(const Value& v, TypeId t) {
  return FormatValue(v, t);
}
template <typename T>
std::string Str(const Result<T>& r);
template <>
std::string Str(const Result<Timestamp>& r) {
  return r.ok() ? Str(Value::TimestampV(*r), TypeId::kTimestamp) : r.status().message();
}
template <>
std::string Str(const Result<Timestamptz>& r) {
  return r.ok() ? Str(Value::TimestamptzV(*r), TypeId::kTimestamptz) : r.status().message();
}
template <>
std::string Str(const Result<Interval>& r) {
  return r.ok() ? Str(Value::IntervalV(*r), TypeId::kInterval) : r.status().message();
}
template <>
std::string Str(const Result<Date>& r) {
  return r.ok() ? Str(Value::DateV(*r), TypeId::kDate) : r.status().message();
}
template <>
std::string Str(const Result<Decimal>& r) {
  return r.ok() ? r->ToString() : r.status().sqlstate() + ": " + r.status().message();
}

TEST(DatetimeTest, Calendar) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(-4713, 11, 24), kMinDateDays);
  EXPECT_EQ(DaysFromCivil(5874897, 12, 31), kMaxDateDays);
  EXPECT_EQ(DaysFromCivil(294247, 1, 1) * kMicrosPerDay - 1, kMaxTimestampMicros);
  for (int64_t d = -800000; d < 800000; d += 97) {
    CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
    ASSERT_GE(c.day, 1);
    ASSERT_LE(c.day, DaysInMonth(c.year, c.month));
  }
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_TRUE(IsLeapYear(0));  // 1 BC
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DayOfWeek(D("2001-05-16").days), 3);
  int64_t iy;
  int w;
  IsoWeek(D("2005-01-01").days, &iy, &w);
  EXPECT_EQ(iy, 2004);
  EXPECT_EQ(w, 53);
  EXPECT_EQ(Str(MakeDate(2001, 2, 29)), "date field value out of range: 2001-2-29");
  EXPECT_EQ(Str(MakeDate(2024, 2, 29)), "2024-02-29");
  int64_t days, tod;
  SplitMicros(-1, &days, &tod);
  EXPECT_EQ(days, -1);
  EXPECT_EQ(tod, kMicrosPerDay - 1);
}

TEST(DatetimeTest, TimestampPlusInterval) {
  EXPECT_EQ(Str(AddInterval(Ts("2001-01-31 10:00"), I("1 month"))), "2001-02-28 10:00:00");
  EXPECT_EQ(Str(AddInterval(Ts("2000-01-31"), I("1 mon"))), "2000-02-29 00:00:00");
  EXPECT_EQ(Str(AddInterval(Ts("2000-02-29"), I("1 year"))), "2001-02-28 00:00:00");
  EXPECT_EQ(Str(AddInterval(Ts("2001-01-31"), I("1 mon 1 day 1 hour"))), "2001-03-01 01:00:00");
  EXPECT_EQ(Str(SubInterval(Ts("2001-03-31"), I("1 mon"))), "2001-02-28 00:00:00");
  EXPECT_EQ(Str(AddInterval(Ts("2001-01-01"), I("-1 day"))), "2000-12-31 00:00:00");
  EXPECT_EQ(Str(AddInterval(Ts("0001-01-01"), I("-1 day"))), "0001-12-31 00:00:00 BC");
  EXPECT_EQ(Str(AddInterval(Tstz("2024-01-31 00:00+00"), I("1 mon"))), "2024-02-29 00:00:00+00:00");
  EXPECT_EQ(Str(AddInterval(Ts("294246-12-31"), I("1 day"))), "timestamp out of range");
  EXPECT_EQ(Str(AddInterval(Ts("2001-01-01"), I("178956970 years"))), "timestamp out of range");
  EXPECT_EQ(Str(AddInterval(Ts("2001-01-01"), Interval{0, 0, INT64_MAX})),
            "timestamp out of range");
}

TEST(DatetimeTest, DateAndTimeArithmetic) {
  EXPECT_EQ(DaysBetween(D("2001-05-16"), D("2001-05-01")), 15);
  EXPECT_EQ(Str(AddDays(D("2001-05-16"), 30)), "2001-06-15");
  EXPECT_EQ(Str(AddDays(D("5874897-12-31"), 1)), "date out of range");
  EXPECT_EQ(Str(Value::TimeV(AddIntervalToTime(T("23:00"), I("2 hours"))), TypeId::kTime),
            "01:00:00");
  EXPECT_EQ(Str(Value::TimeV(AddIntervalToTime(T("01:00"), I("-2 hours"))), TypeId::kTime),
            "23:00:00");
  EXPECT_EQ(Str(Value::IntervalV(TimeDiff(T("12:00"), T("10:30"))), TypeId::kInterval), "01:30:00");
  EXPECT_EQ(Str(TimestampDiff(Ts("2001-05-16 12:00").micros, Ts("2001-05-14 10:30").micros)),
            "2 days 01:30:00");
  EXPECT_EQ(Str(TimestampDiff(Ts("2001-05-14").micros, Ts("2001-05-16 12:00").micros)),
            "-2 days -12:00:00");
}

TEST(DatetimeTest, IntervalArithmetic) {
  EXPECT_EQ(Str(MultiplyInterval(I("1 mon"), 1.5)), "1 mon 15 days");
  EXPECT_EQ(Str(MultiplyInterval(I("1 day"), 1.5)), "1 day 12:00:00");
  EXPECT_EQ(Str(DivideInterval(I("1 mon"), 2)), "15 days");
  EXPECT_EQ(Str(DivideInterval(I("10 days"), 3)), "3 days 08:00:00");
  EXPECT_EQ(Str(MultiplyInterval(I("1 hour"), 0.3333)), "00:19:59.88");
  EXPECT_EQ(Str(MultiplyInterval(I("1 year 1 mon"), -0.5)), "-6 mons -15 days");
  EXPECT_EQ(Str(MultiplyInterval(I("29 days 23:00"), 2)), "58 days 46:00:00");
  EXPECT_EQ(Str(DivideInterval(I("1 day"), 0)), "division by zero");
  EXPECT_EQ(Str(MultiplyInterval(I("1 mon"), 1e10)), "interval out of range");
  EXPECT_EQ(Str(AddIntervals(I("1 day"), I("2 hours"))), "1 day 02:00:00");
  EXPECT_EQ(Str(SubIntervals(I("1 day"), I("2 days"))), "-1 days");
  EXPECT_EQ(Str(AddIntervals(Interval{INT32_MAX, 0, 0}, I("1 mon"))), "interval out of range");
  EXPECT_EQ(Str(NegateInterval(Interval{INT32_MIN, 0, 0})), "interval out of range");
  EXPECT_EQ(Str(JustifyHours(I("27 hours"))), "1 day 03:00:00");
  EXPECT_EQ(Str(JustifyHours(I("-27 hours"))), "-1 days -03:00:00");
  EXPECT_EQ(Str(JustifyHours(I("1 day -1 hour"))), "23:00:00");
  EXPECT_EQ(Str(JustifyDays(I("35 days"))), "1 mon 5 days");
  EXPECT_EQ(Str(JustifyDays(I("-35 days"))), "-1 mons -5 days");
  EXPECT_EQ(Str(JustifyInterval(I("1 mon -1 hour"))), "29 days 23:00:00");
  EXPECT_EQ(Str(JustifyInterval(I("-1 mon 1 hour"))), "-29 days -23:00:00");
  EXPECT_EQ(CompareIntervals(I("1 mon"), I("30 days")), 0);
  EXPECT_LT(CompareIntervals(I("1 mon"), I("31 days")), 0);
  EXPECT_GT(CompareIntervals(I("1 day"), I("23:59:59")), 0);
}

TEST(DatetimeTest, ExtractFromDates) {
  auto ex = [](const char* unit, const char* date) {
    auto f = ParseDateField(unit, "date");
    if (!f.ok()) return f.status().sqlstate() + ": " + f.status().message();
    return Str(ExtractFromDate(*f, D(date)));
  };
  EXPECT_EQ(ex("week", "2005-01-01"), "53");
  EXPECT_EQ(ex("isoyear", "2005-01-01"), "2004");
  EXPECT_EQ(ex("dow", "2001-05-16"), "3");
  EXPECT_EQ(ex("isodow", "2001-05-20"), "7");
  EXPECT_EQ(ex("doy", "2001-12-31"), "365");
  EXPECT_EQ(ex("quarter", "2001-05-16"), "2");
  EXPECT_EQ(ex("century", "2000-12-31"), "20");
  EXPECT_EQ(ex("millennium", "2001-01-01"), "3");
  EXPECT_EQ(ex("decade", "2001-05-16"), "200");
  EXPECT_EQ(ex("julian", "2001-05-16"), "2452046");
  EXPECT_EQ(ex("epoch", "1969-12-31"), "-86400");
  EXPECT_EQ(ex("YEAR", "0001-01-01 BC"), "-1");
  EXPECT_EQ(ex("century", "0001-01-01 BC"), "-1");
  EXPECT_EQ(ex("decade", "0001-01-01 BC"), "0");
  EXPECT_EQ(ex("isoyear", "0001-01-01 BC"), "-2");
  EXPECT_EQ(ex("mon", "2001-05-16"), "5");
  EXPECT_EQ(ex("days", "2001-05-16"), "16");
  EXPECT_EQ(ex("hour", "2001-05-16"), "0A000: unit \"hour\" not supported for type date");
  EXPECT_EQ(ex("foo", "2001-05-16"), "22023: unit \"foo\" not recognized for type date");
}

TEST(DatetimeTest, ExtractFromTimesAndIntervals) {
  auto unit = [](const char* u) { return *ParseDateField(u, "x"); };
  EXPECT_EQ(Str(ExtractFromTimestamp(unit("microseconds"), Ts("2001-05-16 20:38:40.123456"))),
            "40123456");
  EXPECT_EQ(Str(ExtractFromTimestamp(unit("epoch"), Ts("2001-05-16 20:38:40.5"))),
            "990045520.500000");
  EXPECT_EQ(Str(ExtractFromTimestamp(unit("millisecond"), Ts("2001-05-16 20:38:40.5"))),
            "40500.000");
  EXPECT_EQ(Str(ExtractFromTimestamp(unit("julian"), Ts("2001-05-16 12:00"))),
            "2452046.50000000000000000000");
  EXPECT_EQ(Str(ExtractFromTimestamp(unit("timezone"), Ts("2001-05-16"))),
            "0A000: unit \"timezone\" not supported for type timestamp without time zone");
  EXPECT_EQ(Str(ExtractFromTimestamptz(unit("hour"), Tstz("2001-05-16 20:38:40+02"))), "18");
  EXPECT_EQ(Str(ExtractFromTimestamptz(unit("timezone"), Tstz("2001-05-16 20:38:40+02"))), "0");
  EXPECT_EQ(Str(ExtractFromTime(unit("milliseconds"), T("20:38:40.123456"))), "40123.456");
  EXPECT_EQ(Str(ExtractFromTime(unit("second"), T("12:34:56.5"))), "56.500000");
  EXPECT_EQ(Str(ExtractFromTime(unit("epoch"), T("01:00:00.5"))), "3600.500000");
  EXPECT_EQ(Str(ExtractFromTime(unit("day"), T("01:00"))),
            "0A000: unit \"day\" not supported for type time without time zone");
  EXPECT_EQ(Str(ExtractFromInterval(unit("epoch"), I("1 year 1 mon 1 day 1 second"))),
            "34236001.000000");
  EXPECT_EQ(Str(ExtractFromInterval(unit("epoch"), I("-1 day"))), "-86400.000000");
  EXPECT_EQ(Str(ExtractFromInterval(unit("second"), I("1 day 01:02:03.5"))), "3.500000");
  EXPECT_EQ(Str(ExtractFromInterval(unit("minute"), I("-01:02:03"))), "-2");
  EXPECT_EQ(Str(ExtractFromInterval(unit("month"), I("-14 mons"))), "-2");
  EXPECT_EQ(Str(ExtractFromInterval(unit("quarter"), I("-14 mons"))), "1");
  EXPECT_EQ(Str(ExtractFromInterval(unit("hour"), I("-36 hours"))), "-36");
  EXPECT_EQ(Str(ExtractFromInterval(unit("week"), I("1 day"))),
            "0A000: unit \"week\" not supported for type interval");
}

TEST(DatetimeTest, DateTrunc) {
  auto unit = [](const char* u) { return *ParseDateField(u, "x"); };
  EXPECT_EQ(Str(DateTrunc(unit("quarter"), Ts("2001-05-16 20:38:40.123456"))),
            "2001-04-01 00:00:00");
  EXPECT_EQ(Str(DateTrunc(unit("millisecond"), Ts("2001-05-16 20:38:40.123456"))),
            "2001-05-16 20:38:40.123");
  EXPECT_EQ(Str(DateTrunc(unit("second"), Ts("1969-12-31 23:59:59.5"))), "1969-12-31 23:59:59");
  EXPECT_EQ(Str(DateTrunc(unit("week"), Ts("2001-05-16 20:38:40.5"))), "2001-05-14 00:00:00");
  EXPECT_EQ(Str(DateTrunc(unit("decade"), Ts("0005-05-16 BC"))), "0011-01-01 00:00:00 BC");
  EXPECT_EQ(Str(DateTrunc(unit("century"), Ts("0005-05-16 BC"))), "0100-01-01 00:00:00 BC");
  EXPECT_EQ(Str(DateTrunc(unit("millennium"), Ts("2001-05-16"))), "2001-01-01 00:00:00");
  EXPECT_EQ(Str(DateTrunc(unit("century"), Ts("2000-05-16"))), "1901-01-01 00:00:00");
  EXPECT_EQ(Str(DateTrunc(unit("millennium"), Ts("0001-05-16 BC"))), "1000-01-01 00:00:00 BC");
  EXPECT_EQ(Str(DateTrunc(unit("hour"), Tstz("2001-05-16 20:38:40+02"))),
            "2001-05-16 18:00:00+00:00");
  EXPECT_EQ(Str(DateTrunc(unit("hour"), I("1 year 2 mons 3 days 04:05:06.7"))),
            "1 year 2 mons 3 days 04:00:00");
  EXPECT_EQ(Str(DateTrunc(unit("year"), I("1 year 14 mons"))), "2 years");
  EXPECT_EQ(Str(DateTrunc(unit("minute"), I("-1 day 01:02:03"))), "-1 days +01:02:00");
  EXPECT_EQ(Str(DateTrunc(unit("quarter"), I("1 year 5 mons 3 days"))), "1 year 3 mons");
  EXPECT_EQ(Str(DateTrunc(unit("week"), I("1 day"))),
            "unit \"week\" not supported for type interval: months usually have fractional weeks");
  EXPECT_EQ(Str(DateTrunc(unit("dow"), Ts("2001-05-16"))),
            "unit \"dow\" not supported for type timestamp without time zone");
}

TEST(DatetimeTest, Now) {
  Timestamptz now = CurrentTimestamptz();
  EXPECT_GT(now.micros, Ts("2024-01-01").micros);
  EXPECT_LT(now.micros, Ts("2200-01-01").micros);
  EXPECT_EQ(CurrentDate().days, TimestampToDate(Timestamp{now.micros}).days);
}

}  // namespace
}  // namespace dynasink::types
