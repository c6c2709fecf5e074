// Calendar conversions and date/timestamp/interval arithmetic. extract and date_trunc live in
// datetime_fields.cc.
#include "types/datetime.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace dynasink::types {

namespace {

Status TimestampOutOfRange() {
  return Status::Sql("22008", "timestamp out of range");
}
Status DateOutOfRange() {
  return Status::Sql("22008", "date out of range");
}
Status IntervalOutOfRange() {
  return Status::Sql("22008", "interval out of range");
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool FitsInt32(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
}

}  // namespace

bool IsLeapYear(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

// Howard Hinnant's days_from_civil / civil_from_days: eras of 400 years (146097 days), with the
// year starting in March so that the leap day is the last day of the year.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;
  int64_t mp = month > 2 ? month - 3 : month + 9;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return {y, m, d};
}

void SplitMicros(int64_t micros, int64_t* days, int64_t* micros_of_day) {
  *days = FloorDiv(micros, kMicrosPerDay);
  *micros_of_day = micros - *days * kMicrosPerDay;
}

int DayOfWeek(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  int64_t w = (days + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

void IsoWeek(int64_t days, int64_t* iso_year, int* week) {
  // The ISO year of a day is the year of the Thursday of its week.
  int iso_dow = DayOfWeek(days) == 0 ? 7 : DayOfWeek(days);
  int64_t thursday = days - iso_dow + 4;
  int64_t y = CivilFromDays(thursday).year;
  *iso_year = y;
  *week = static_cast<int>((thursday - DaysFromCivil(y, 1, 1)) / 7 + 1);
}

Result<Date> MakeDate(int64_t year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || year < -10000000 || year > 10000000 ||
      day > DaysInMonth(year, month)) {
    return Status::Sql("22008", "date field value out of range: " + std::to_string(year) + "-" +
                                    std::to_string(month) + "-" + std::to_string(day));
  }
  int64_t d = DaysFromCivil(year, month, day);
  if (!IsValidDateDays(d)) return DateOutOfRange();
  return Date{static_cast<int32_t>(d)};
}

Result<Timestamp> DateToTimestamp(Date d) {
  // The date range is wider than the timestamp range.
  if (d.days > kMaxTimestampMicros / kMicrosPerDay || d.days < kMinDateDays) {
    return Status::Sql("22008", "date out of range for timestamp");
  }
  return Timestamp{static_cast<int64_t>(d.days) * kMicrosPerDay};
}

Date TimestampToDate(Timestamp ts) {
  int64_t days, tod;
  SplitMicros(ts.micros, &days, &tod);
  return Date{static_cast<int32_t>(days)};
}

// ---------------------------------------------------------------------------------------------
// Intervals

__int128 IntervalSpanMicros(const Interval& iv) {
  __int128 days = static_cast<__int128>(iv.months) * kDaysPerMonth + iv.days;
  return days * kMicrosPerDay + iv.micros;
}

int CompareIntervals(const Interval& a, const Interval& b) {
  __int128 x = IntervalSpanMicros(a), y = IntervalSpanMicros(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

Result<Interval> AddIntervals(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_add_overflow(a.months, b.months, &r.months) ||
      __builtin_add_overflow(a.days, b.days, &r.days) ||
      __builtin_add_overflow(a.micros, b.micros, &r.micros)) {
    return IntervalOutOfRange();
  }
  return r;
}

Result<Interval> SubIntervals(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_sub_overflow(a.months, b.months, &r.months) ||
      __builtin_sub_overflow(a.days, b.days, &r.days) ||
      __builtin_sub_overflow(a.micros, b.micros, &r.micros)) {
    return IntervalOutOfRange();
  }
  return r;
}

Result<Interval> NegateInterval(const Interval& a) {
  return SubIntervals(Interval{}, a);
}

namespace {

// Rounds to whole microseconds when the value is in seconds (PostgreSQL's TSROUND).
double RoundToMicros(double seconds) {
  return std::rint(seconds * 1e6) / 1e6;
}

// The common tail of interval * and /: given the (fractional) month and day results, carries
// fractions down to days and time as PostgreSQL does.
Result<Interval> CascadeFractions(double months, double days, double micros) {
  if (std::isnan(months) || std::isnan(days) || std::isnan(micros) || months >= 2147483648.0 ||
      months < -2147483648.0 || days >= 2147483648.0 || days < -2147483648.0) {
    return IntervalOutOfRange();
  }
  Interval r;
  r.months = static_cast<int32_t>(months);
  int64_t out_days = static_cast<int32_t>(days);
  double month_remainder_days = RoundToMicros((months - r.months) * kDaysPerMonth);
  double sec_remainder =
      RoundToMicros((days - static_cast<double>(out_days) + month_remainder_days -
                     static_cast<double>(static_cast<int64_t>(month_remainder_days))) *
                    86400.0);
  // Whole days can come out of the fraction cascade (or 24:00:00 from rounding).
  if (std::fabs(sec_remainder) >= 86400.0) {
    int64_t extra = static_cast<int64_t>(sec_remainder / 86400.0);
    out_days += extra;
    sec_remainder -= static_cast<double>(extra) * 86400.0;
  }
  out_days += static_cast<int64_t>(month_remainder_days);
  if (!FitsInt32(out_days)) return IntervalOutOfRange();
  r.days = static_cast<int32_t>(out_days);
  double t = std::rint(micros + sec_remainder * 1e6);
  if (std::isnan(t) || t >= 9223372036854775808.0 || t < -9223372036854775808.0) {
    return IntervalOutOfRange();
  }
  r.micros = static_cast<int64_t>(t);
  return r;
}

}  // namespace

Result<Interval> MultiplyInterval(const Interval& iv, double factor) {
  return CascadeFractions(iv.months * factor, iv.days * factor,
                          static_cast<double>(iv.micros) * factor);
}

Result<Interval> DivideInterval(const Interval& iv, double divisor) {
  if (divisor == 0.0) return Status::Sql("22012", "division by zero");
  return CascadeFractions(iv.months / divisor, iv.days / divisor,
                          static_cast<double>(iv.micros) / divisor);
}

Result<Interval> JustifyHours(const Interval& iv) {
  Interval r = iv;
  int64_t whole = r.micros / kMicrosPerDay;
  r.micros -= whole * kMicrosPerDay;
  int64_t days = static_cast<int64_t>(r.days) + whole;
  if (days > 0 && r.micros < 0) {
    r.micros += kMicrosPerDay;
    --days;
  } else if (days < 0 && r.micros > 0) {
    r.micros -= kMicrosPerDay;
    ++days;
  }
  if (!FitsInt32(days)) return IntervalOutOfRange();
  r.days = static_cast<int32_t>(days);
  return r;
}

Result<Interval> JustifyDays(const Interval& iv) {
  Interval r = iv;
  int64_t whole = r.days / kDaysPerMonth;
  int64_t days = r.days - whole * kDaysPerMonth;
  int64_t months = static_cast<int64_t>(r.months) + whole;
  if (months > 0 && days < 0) {
    days += kDaysPerMonth;
    --months;
  } else if (months < 0 && days > 0) {
    days -= kDaysPerMonth;
    ++months;
  }
  if (!FitsInt32(months)) return IntervalOutOfRange();
  r.months = static_cast<int32_t>(months);
  r.days = static_cast<int32_t>(days);
  return r;
}

Result<Interval> JustifyInterval(const Interval& iv) {
  int64_t months = iv.months, days = iv.days, micros = iv.micros;
  // Moving whole months out of the days first keeps the day count from overflowing.
  if ((days > 0 && micros > 0) || (days < 0 && micros < 0)) {
    int64_t whole = days / kDaysPerMonth;
    days -= whole * kDaysPerMonth;
    months += whole;
  }
  int64_t whole_days = micros / kMicrosPerDay;
  micros -= whole_days * kMicrosPerDay;
  days += whole_days;
  int64_t whole_months = days / kDaysPerMonth;
  days -= whole_months * kDaysPerMonth;
  months += whole_months;
  if (months > 0 && (days < 0 || (days == 0 && micros < 0))) {
    days += kDaysPerMonth;
    --months;
  } else if (months < 0 && (days > 0 || (days == 0 && micros > 0))) {
    days -= kDaysPerMonth;
    ++months;
  }
  if (days > 0 && micros < 0) {
    micros += kMicrosPerDay;
    --days;
  } else if (days < 0 && micros > 0) {
    micros -= kMicrosPerDay;
    ++days;
  }
  if (!FitsInt32(months) || !FitsInt32(days)) return IntervalOutOfRange();
  return Interval{static_cast<int32_t>(months), static_cast<int32_t>(days), micros};
}

// ---------------------------------------------------------------------------------------------
// Timestamps and dates

Result<Timestamp> AddInterval(Timestamp ts, const Interval& iv) {
  if (!IsValidTimestamp(ts.micros)) return TimestampOutOfRange();
  int64_t micros = ts.micros;
  if (iv.months != 0 || iv.days != 0) {
    int64_t days, tod;
    SplitMicros(micros, &days, &tod);
    if (iv.months != 0) {
      CivilDate c = CivilFromDays(days);
      int64_t total = c.year * 12 + (c.month - 1) + iv.months;
      int64_t year = FloorDiv(total, 12);
      int month = static_cast<int>(total - year * 12) + 1;
      int day = std::min(c.day, DaysInMonth(year, month));
      days = DaysFromCivil(year, month, day);
    }
    days += iv.days;
    // Checked at day granularity first so that the multiplication cannot overflow.
    if (days < kMinDateDays - 1 || days > kMaxTimestampMicros / kMicrosPerDay + 1) {
      return TimestampOutOfRange();
    }
    micros = days * kMicrosPerDay + tod;
  }
  if (__builtin_add_overflow(micros, iv.micros, &micros) || !IsValidTimestamp(micros)) {
    return TimestampOutOfRange();
  }
  return Timestamp{micros};
}

Result<Timestamp> SubInterval(Timestamp ts, const Interval& iv) {
  DS_ASSIGN_OR_RETURN(Interval neg, NegateInterval(iv));
  return AddInterval(ts, neg);
}

Result<Timestamptz> AddInterval(Timestamptz ts, const Interval& iv) {
  DS_ASSIGN_OR_RETURN(Timestamp r, AddInterval(Timestamp{ts.micros}, iv));
  return Timestamptz{r.micros};
}

Result<Timestamptz> SubInterval(Timestamptz ts, const Interval& iv) {
  DS_ASSIGN_OR_RETURN(Timestamp r, SubInterval(Timestamp{ts.micros}, iv));
  return Timestamptz{r.micros};
}

Result<Date> AddDays(Date d, int64_t days) {
  int64_t r = static_cast<int64_t>(d.days) + days;
  if (days > kMaxDateDays - kMinDateDays || days < kMinDateDays - kMaxDateDays ||
      !IsValidDateDays(r)) {
    return DateOutOfRange();
  }
  return Date{static_cast<int32_t>(r)};
}

int64_t DaysBetween(Date a, Date b) {
  return static_cast<int64_t>(a.days) - static_cast<int64_t>(b.days);
}

Result<Interval> TimestampDiff(int64_t a_micros, int64_t b_micros) {
  int64_t diff;
  if (__builtin_sub_overflow(a_micros, b_micros, &diff)) return IntervalOutOfRange();
  return JustifyHours(Interval{0, 0, diff});
}

Time AddIntervalToTime(Time t, const Interval& iv) {
  int64_t r = (t.micros + iv.micros % kMicrosPerDay) % kMicrosPerDay;
  if (r < 0) r += kMicrosPerDay;
  return Time{r};
}

Interval TimeDiff(Time a, Time b) {
  return Interval{0, 0, a.micros - b.micros};
}

// ---------------------------------------------------------------------------------------------

Timestamptz CurrentTimestamptz() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamptz{std::chrono::duration_cast<std::chrono::microseconds>(now).count()};
}

Date CurrentDate() {
  return TimestampToDate(Timestamp{CurrentTimestamptz().micros});
}

}  // namespace dynasink::types
