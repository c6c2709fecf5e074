// Calendar and datetime arithmetic with PostgreSQL's semantics, for text I/O, casts and exec.
//
// Dates are days since 1970-01-01 in the proleptic Gregorian calendar; timestamps are
// microseconds since 1970-01-01 00:00:00. Years are astronomical internally (year 0 is 1 BC).
// Ranges: dates 4714-11-24 BC .. 5874897-12-31 as PostgreSQL; timestamps 4714-11-24 00:00:00 BC
// .. 294246-12-31 23:59:59.999999 (PostgreSQL goes to 294276, but counts from 2000; microseconds
// since 1970 in 64 bits, RisingWave's representation too, end 30 years earlier). The session time
// zone is UTC, so timestamptz arithmetic equals timestamp arithmetic on the UTC instant.
//
// Errors carry PostgreSQL's SQLSTATEs: 22008 ("timestamp out of range", "date out of range",
// "interval out of range"), 22012 (division by zero), 0A000 / 22023 for units that are not
// supported / not recognized.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "types/decimal.h"
#include "types/value.h"

namespace dynasink::types {

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
inline constexpr int32_t kDaysPerMonth = 30;  // PostgreSQL's interval month

// Day numbers (since 1970-01-01) of the range ends, inclusive.
inline constexpr int64_t kMinDateDays = -2440588;    // 4714-11-24 BC (Julian day 0)
inline constexpr int64_t kMaxDateDays = 2145042905;  // 5874897-12-31
inline constexpr int64_t kMinTimestampMicros = kMinDateDays * kMicrosPerDay;
inline constexpr int64_t kMaxTimestampMicros = 9223371244799999999;  // 294246-12-31 23:59:59.999999

// --- Calendar ---
bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);  // month 1..12
// Days since 1970-01-01 of a proleptic Gregorian date (astronomical year).
int64_t DaysFromCivil(int64_t year, int month, int day);
struct CivilDate {
  int64_t year;  // astronomical: 0 is 1 BC
  int month;     // 1..12
  int day;       // 1..31
};
CivilDate CivilFromDays(int64_t days);
// Floor division of a timestamp into a day number and microseconds within the day.
void SplitMicros(int64_t micros, int64_t* days, int64_t* micros_of_day);
inline bool IsValidDateDays(int64_t days) {
  return days >= kMinDateDays && days <= kMaxDateDays;
}
inline bool IsValidTimestamp(int64_t micros) {
  return micros >= kMinTimestampMicros && micros <= kMaxTimestampMicros;
}
// ISO 8601 week number (1..53) and ISO week-numbering year of a day.
void IsoWeek(int64_t days, int64_t* iso_year, int* week);
// 0 = Sunday .. 6 = Saturday.
int DayOfWeek(int64_t days);

// Checked conversions: 22008 "date out of range" / "timestamp out of range".
Result<Date> MakeDate(int64_t year, int month, int day);  // astronomical year; 22008 on bad fields
Result<Timestamp> DateToTimestamp(Date d);
Date TimestampToDate(Timestamp ts);  // floor to the day

// --- Intervals ---
// The total span used to order and hash intervals: months as 30 days, days as 24 hours.
__int128 IntervalSpanMicros(const Interval& iv);
int CompareIntervals(const Interval& a, const Interval& b);
Result<Interval> AddIntervals(const Interval& a, const Interval& b);
Result<Interval> SubIntervals(const Interval& a, const Interval& b);
Result<Interval> NegateInterval(const Interval& a);
// interval * factor and interval / divisor, cascading fractional months to days and fractional
// days to time as PostgreSQL does ('1 mon' * 1.5 = '1 mon 15 days').
Result<Interval> MultiplyInterval(const Interval& iv, double factor);
Result<Interval> DivideInterval(const Interval& iv, double divisor);
Result<Interval> JustifyHours(const Interval& iv);     // 24 hours -> 1 day
Result<Interval> JustifyDays(const Interval& iv);      // 30 days -> 1 month
Result<Interval> JustifyInterval(const Interval& iv);  // both, with consistent signs

// --- Date and timestamp arithmetic ---
// timestamp + interval: months first (clamping the day to the month's end: Jan 31 + 1 month is
// Feb 28/29), then days, then the time part.
Result<Timestamp> AddInterval(Timestamp ts, const Interval& iv);
Result<Timestamp> SubInterval(Timestamp ts, const Interval& iv);
Result<Timestamptz> AddInterval(Timestamptz ts, const Interval& iv);
Result<Timestamptz> SubInterval(Timestamptz ts, const Interval& iv);
// date + integer days, date - date (days).
Result<Date> AddDays(Date d, int64_t days);
int64_t DaysBetween(Date a, Date b);  // a - b
// timestamp - timestamp: the difference as days and time (justify_hours), PostgreSQL's
// timestamp_mi.
Result<Interval> TimestampDiff(int64_t a_micros, int64_t b_micros);
// time +/- interval wraps around midnight (only the time part of the interval counts).
Time AddIntervalToTime(Time t, const Interval& iv);
// time - time as an interval.
Interval TimeDiff(Time a, Time b);

// --- extract / date_part ---
enum class DateField : uint8_t {
  kMicrosecond,
  kMillisecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  kDow,
  kIsoDow,
  kDoy,
  kIsoYear,
  kEpoch,
  kJulian,
  kTimezone,
  kTimezoneHour,
  kTimezoneMinute,
};
// Case-insensitive, with PostgreSQL's aliases ("years", "mon", "msec", "usec", "epoch", ...).
// `type_name` names the source type for the error: 22023 `unit "x" not recognized for type
// date`.
Result<DateField> ParseDateField(std::string_view unit, std::string_view type_name);
std::string_view DateFieldName(DateField f);

// extract(field FROM x), numeric as PostgreSQL 14+ returns it (second has scale 6, epoch of a
// timestamp scale 6, ...). 0A000 `unit "hour" not supported for type date` when the field does
// not apply. date_part() is the same value converted to double.
Result<Decimal> ExtractFromDate(DateField f, Date d);
Result<Decimal> ExtractFromTime(DateField f, Time t);
Result<Decimal> ExtractFromTimestamp(DateField f, Timestamp ts);
Result<Decimal> ExtractFromTimestamptz(DateField f, Timestamptz ts);  // UTC; timezone is 0
Result<Decimal> ExtractFromInterval(DateField f, const Interval& iv);

// date_trunc(unit, x) for microseconds .. millennium (week: ISO Monday). Intervals refuse week.
Result<Timestamp> DateTrunc(DateField unit, Timestamp ts);
Result<Timestamptz> DateTrunc(DateField unit, Timestamptz ts);
Result<Interval> DateTrunc(DateField unit, const Interval& iv);

// --- Now ---
// The wall clock, in microseconds. A statement should read it once and reuse the value, as
// now() is stable within a statement in PostgreSQL.
Timestamptz CurrentTimestamptz();
Date CurrentDate();  // in UTC

}  // namespace dynasink::types
