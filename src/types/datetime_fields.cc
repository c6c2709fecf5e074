// extract / date_part and date_trunc, with PostgreSQL's units, results and errors.
#include <string>

#include "types/datetime.h"

namespace dynasink::types {

namespace {

constexpr int64_t kUnixEpochJulianDay = 2440588;  // Julian day number of 1970-01-01

struct FieldAlias {
  const char* name;
  DateField field;
};

constexpr FieldAlias kAliases[] = {
    {"microsecond", DateField::kMicrosecond},
    {"microseconds", DateField::kMicrosecond},
    {"us", DateField::kMicrosecond},
    {"usec", DateField::kMicrosecond},
    {"usecs", DateField::kMicrosecond},
    {"useconds", DateField::kMicrosecond},
    {"millisecond", DateField::kMillisecond},
    {"milliseconds", DateField::kMillisecond},
    {"ms", DateField::kMillisecond},
    {"msec", DateField::kMillisecond},
    {"msecs", DateField::kMillisecond},
    {"mseconds", DateField::kMillisecond},
    {"second", DateField::kSecond},
    {"seconds", DateField::kSecond},
    {"s", DateField::kSecond},
    {"sec", DateField::kSecond},
    {"secs", DateField::kSecond},
    {"minute", DateField::kMinute},
    {"minutes", DateField::kMinute},
    {"m", DateField::kMinute},
    {"min", DateField::kMinute},
    {"mins", DateField::kMinute},
    {"hour", DateField::kHour},
    {"hours", DateField::kHour},
    {"h", DateField::kHour},
    {"hr", DateField::kHour},
    {"hrs", DateField::kHour},
    {"day", DateField::kDay},
    {"days", DateField::kDay},
    {"d", DateField::kDay},
    {"week", DateField::kWeek},
    {"weeks", DateField::kWeek},
    {"w", DateField::kWeek},
    {"month", DateField::kMonth},
    {"months", DateField::kMonth},
    {"mon", DateField::kMonth},
    {"mons", DateField::kMonth},
    {"quarter", DateField::kQuarter},
    {"qtr", DateField::kQuarter},
    {"year", DateField::kYear},
    {"years", DateField::kYear},
    {"y", DateField::kYear},
    {"yr", DateField::kYear},
    {"yrs", DateField::kYear},
    {"decade", DateField::kDecade},
    {"decades", DateField::kDecade},
    {"dec", DateField::kDecade},
    {"decs", DateField::kDecade},
    {"century", DateField::kCentury},
    {"centuries", DateField::kCentury},
    {"c", DateField::kCentury},
    {"cent", DateField::kCentury},
    {"millennium", DateField::kMillennium},
    {"millennia", DateField::kMillennium},
    {"mil", DateField::kMillennium},
    {"mils", DateField::kMillennium},
    {"dow", DateField::kDow},
    {"isodow", DateField::kIsoDow},
    {"doy", DateField::kDoy},
    {"isoyear", DateField::kIsoYear},
    {"epoch", DateField::kEpoch},
    {"julian", DateField::kJulian},
    {"j", DateField::kJulian},
    {"timezone", DateField::kTimezone},
    {"timezone_h", DateField::kTimezoneHour},
    {"timezone_hour", DateField::kTimezoneHour},
    {"timezone_m", DateField::kTimezoneMinute},
    {"timezone_minute", DateField::kTimezoneMinute},
};

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

Status NotSupported(DateField f, std::string_view type_name) {
  return Status::Sql("0A000", "unit \"" + std::string(DateFieldName(f)) +
                                  "\" not supported for type " + std::string(type_name));
}

Decimal Int(int64_t v) {
  return Decimal::FromInt64(v);
}

// Broken-down time of day.
struct Hms {
  int64_t hour, minute, second, micros;  // micros: fraction of the second
};
Hms SplitTimeOfDay(int64_t t) {
  Hms h;
  h.hour = t / kMicrosPerHour;
  t -= h.hour * kMicrosPerHour;
  h.minute = t / kMicrosPerMinute;
  t -= h.minute * kMicrosPerMinute;
  h.second = t / kMicrosPerSecond;
  h.micros = t - h.second * kMicrosPerSecond;
  return h;
}

// Year-based fields, shared by date and timestamp. The year is astronomical (0 = 1 BC);
// PostgreSQL's results count 1 BC as -1 and have no year 0.
bool YearField(DateField f, int64_t days, Decimal* out) {
  CivilDate c = CivilFromDays(days);
  int64_t y = c.year;
  switch (f) {
    case DateField::kDay:
      *out = Int(c.day);
      return true;
    case DateField::kMonth:
      *out = Int(c.month);
      return true;
    case DateField::kQuarter:
      *out = Int((c.month - 1) / 3 + 1);
      return true;
    case DateField::kYear:
      *out = Int(y > 0 ? y : y - 1);
      return true;
    case DateField::kDecade:
      *out = Int(y >= 0 ? y / 10 : -((8 - (y - 1)) / 10));
      return true;
    case DateField::kCentury:
      *out = Int(y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100));
      return true;
    case DateField::kMillennium:
      *out = Int(y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000));
      return true;
    case DateField::kWeek: {
      int64_t iy;
      int w;
      IsoWeek(days, &iy, &w);
      *out = Int(w);
      return true;
    }
    case DateField::kIsoYear: {
      int64_t iy;
      int w;
      IsoWeek(days, &iy, &w);
      *out = Int(iy > 0 ? iy : iy - 1);
      return true;
    }
    case DateField::kDow:
      *out = Int(DayOfWeek(days));
      return true;
    case DateField::kIsoDow:
      *out = Int(DayOfWeek(days) == 0 ? 7 : DayOfWeek(days));
      return true;
    case DateField::kDoy:
      *out = Int(days - DaysFromCivil(y, 1, 1) + 1);
      return true;
    default:
      return false;
  }
}

// Time-of-day fields shared by time and timestamp.
bool TimeField(DateField f, int64_t tod, Decimal* out) {
  Hms h = SplitTimeOfDay(tod);
  int64_t sec_micros = h.second * kMicrosPerSecond + h.micros;
  switch (f) {
    case DateField::kMicrosecond:
      *out = Int(sec_micros);
      return true;
    case DateField::kMillisecond:
      *out = Decimal::FromInt64(sec_micros, 3);  // micros/1000 with three decimals
      return true;
    case DateField::kSecond:
      *out = Decimal::FromInt64(sec_micros, 6);
      return true;
    case DateField::kMinute:
      *out = Int(h.minute);
      return true;
    case DateField::kHour:
      *out = Int(h.hour);
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<DateField> ParseDateField(std::string_view unit, std::string_view type_name) {
  std::string u = Lower(unit);
  for (const FieldAlias& a : kAliases) {
    if (u == a.name) return a.field;
  }
  return Status::Sql("22023",
                     "unit \"" + u + "\" not recognized for type " + std::string(type_name));
}

std::string_view DateFieldName(DateField f) {
  switch (f) {
    case DateField::kMicrosecond:
      return "microseconds";
    case DateField::kMillisecond:
      return "milliseconds";
    case DateField::kSecond:
      return "second";
    case DateField::kMinute:
      return "minute";
    case DateField::kHour:
      return "hour";
    case DateField::kDay:
      return "day";
    case DateField::kWeek:
      return "week";
    case DateField::kMonth:
      return "month";
    case DateField::kQuarter:
      return "quarter";
    case DateField::kYear:
      return "year";
    case DateField::kDecade:
      return "decade";
    case DateField::kCentury:
      return "century";
    case DateField::kMillennium:
      return "millennium";
    case DateField::kDow:
      return "dow";
    case DateField::kIsoDow:
      return "isodow";
    case DateField::kDoy:
      return "doy";
    case DateField::kIsoYear:
      return "isoyear";
    case DateField::kEpoch:
      return "epoch";
    case DateField::kJulian:
      return "julian";
    case DateField::kTimezone:
      return "timezone";
    case DateField::kTimezoneHour:
      return "timezone_hour";
    case DateField::kTimezoneMinute:
      return "timezone_minute";
  }
  return "?";
}

Result<Decimal> ExtractFromDate(DateField f, Date d) {
  Decimal out;
  if (YearField(f, d.days, &out)) return out;
  switch (f) {
    case DateField::kEpoch:
      return Int(static_cast<int64_t>(d.days) * 86400);
    case DateField::kJulian:
      return Int(static_cast<int64_t>(d.days) + kUnixEpochJulianDay);
    default:
      return NotSupported(f, "date");
  }
}

Result<Decimal> ExtractFromTime(DateField f, Time t) {
  Decimal out;
  if (TimeField(f, t.micros, &out)) return out;
  if (f == DateField::kEpoch) return Decimal::FromInt64(t.micros, 6);
  return NotSupported(f, "time without time zone");
}

namespace {
Result<Decimal> ExtractFromInstant(DateField f, int64_t micros, std::string_view type_name,
                                   bool with_zone) {
  int64_t days, tod;
  SplitMicros(micros, &days, &tod);
  Decimal out;
  if (YearField(f, days, &out) || TimeField(f, tod, &out)) return out;
  switch (f) {
    case DateField::kEpoch:
      return Decimal::FromInt64(micros, 6);
    case DateField::kJulian: {
      // PostgreSQL: date2j + time-of-day / one day, as a numeric division.
      DS_ASSIGN_OR_RETURN(Decimal frac, Int(tod).Div(Int(kMicrosPerDay)));
      return Int(days + kUnixEpochJulianDay).Add(frac);
    }
    case DateField::kTimezone:
    case DateField::kTimezoneHour:
    case DateField::kTimezoneMinute:
      if (with_zone) return Int(0);  // the session time zone is UTC
      return NotSupported(f, type_name);
    default:
      return NotSupported(f, type_name);
  }
}
}  // namespace

Result<Decimal> ExtractFromTimestamp(DateField f, Timestamp ts) {
  return ExtractFromInstant(f, ts.micros, "timestamp without time zone", false);
}

Result<Decimal> ExtractFromTimestamptz(DateField f, Timestamptz ts) {
  return ExtractFromInstant(f, ts.micros, "timestamp with time zone", true);
}

Result<Decimal> ExtractFromInterval(DateField f, const Interval& iv) {
  Hms h = SplitTimeOfDay(iv.micros);  // truncating: negative parts stay negative
  int64_t years = iv.months / 12;
  int64_t months = iv.months % 12;
  switch (f) {
    case DateField::kMicrosecond:
      return Int(h.second * kMicrosPerSecond + h.micros);
    case DateField::kMillisecond:
      return Decimal::FromInt64(h.second * kMicrosPerSecond + h.micros, 3);
    case DateField::kSecond:
      return Decimal::FromInt64(h.second * kMicrosPerSecond + h.micros, 6);
    case DateField::kMinute:
      return Int(h.minute);
    case DateField::kHour:
      return Int(h.hour);
    case DateField::kDay:
      return Int(iv.days);
    case DateField::kMonth:
      return Int(months);
    case DateField::kQuarter:
      return Int(months / 3 + 1);
    case DateField::kYear:
      return Int(years);
    case DateField::kDecade:
      return Int(years / 10);
    case DateField::kCentury:
      return Int(years / 100);
    case DateField::kMillennium:
      return Int(years / 1000);
    case DateField::kEpoch: {
      // A year counts 365.25 days, a month 30 days, a day 24 hours (PostgreSQL).
      __int128 secs = static_cast<__int128>(years) * 31557600 +
                      static_cast<__int128>(months) * 30 * 86400 +
                      static_cast<__int128>(iv.days) * 86400;
      __int128 micros = secs * kMicrosPerSecond + iv.micros;
      bool neg = micros < 0;
      return Decimal::FromUint128(static_cast<unsigned __int128>(neg ? -micros : micros), neg, 6);
    }
    default:
      return NotSupported(f, "interval");
  }
}

// ---------------------------------------------------------------------------------------------
// date_trunc

namespace {

Result<int64_t> TruncInstant(DateField unit, int64_t micros, std::string_view type_name) {
  int64_t days, tod;
  SplitMicros(micros, &days, &tod);
  CivilDate c = CivilFromDays(days);
  int64_t y = c.year;
  auto start_of_year = [&](int64_t year, int month) { return DaysFromCivil(year, month, 1); };
  int64_t out_days = days;
  int64_t out_tod = 0;
  switch (unit) {
    case DateField::kMillennium:
      out_days = start_of_year(
          y > 0 ? ((y + 999) / 1000) * 1000 - 999 : -((999 - (y - 1)) / 1000) * 1000 + 1, 1);
      break;
    case DateField::kCentury:
      out_days =
          start_of_year(y > 0 ? ((y + 99) / 100) * 100 - 99 : -((99 - (y - 1)) / 100) * 100 + 1, 1);
      break;
    case DateField::kDecade:
      out_days = start_of_year(y > 0 ? (y / 10) * 10 : -((8 - (y - 1)) / 10) * 10, 1);
      break;
    case DateField::kYear:
      out_days = start_of_year(y, 1);
      break;
    case DateField::kQuarter:
      out_days = start_of_year(y, 3 * ((c.month - 1) / 3) + 1);
      break;
    case DateField::kMonth:
      out_days = start_of_year(y, c.month);
      break;
    case DateField::kWeek: {
      int iso_dow = DayOfWeek(days) == 0 ? 7 : DayOfWeek(days);
      out_days = days - (iso_dow - 1);
      break;
    }
    case DateField::kDay:
      break;
    case DateField::kHour:
      out_tod = tod - tod % kMicrosPerHour;
      break;
    case DateField::kMinute:
      out_tod = tod - tod % kMicrosPerMinute;
      break;
    case DateField::kSecond:
      out_tod = tod - tod % kMicrosPerSecond;
      break;
    case DateField::kMillisecond:
      out_tod = tod - tod % 1000;
      break;
    case DateField::kMicrosecond:
      out_tod = tod;
      break;
    default:
      return Status::Sql("0A000", "unit \"" + std::string(DateFieldName(unit)) +
                                      "\" not supported for type " + std::string(type_name));
  }
  int64_t r = out_days * kMicrosPerDay + out_tod;
  if (!IsValidTimestamp(r)) return Status::Sql("22008", "timestamp out of range");
  return r;
}

}  // namespace

Result<Timestamp> DateTrunc(DateField unit, Timestamp ts) {
  DS_ASSIGN_OR_RETURN(int64_t r, TruncInstant(unit, ts.micros, "timestamp without time zone"));
  return Timestamp{r};
}

Result<Timestamptz> DateTrunc(DateField unit, Timestamptz ts) {
  DS_ASSIGN_OR_RETURN(int64_t r, TruncInstant(unit, ts.micros, "timestamp with time zone"));
  return Timestamptz{r};
}

Result<Interval> DateTrunc(DateField unit, const Interval& iv) {
  int64_t years = iv.months / 12, months = iv.months % 12, days = iv.days;
  Hms h = SplitTimeOfDay(iv.micros);
  switch (unit) {
    case DateField::kMillennium:
      years = (years / 1000) * 1000;
      months = days = h.hour = h.minute = h.second = h.micros = 0;
      break;
    case DateField::kCentury:
      years = (years / 100) * 100;
      months = days = h.hour = h.minute = h.second = h.micros = 0;
      break;
    case DateField::kDecade:
      years = (years / 10) * 10;
      months = days = h.hour = h.minute = h.second = h.micros = 0;
      break;
    case DateField::kYear:
      months = days = h.hour = h.minute = h.second = h.micros = 0;
      break;
    case DateField::kQuarter:
      months = 3 * (months / 3);
      days = h.hour = h.minute = h.second = h.micros = 0;
      break;
    case DateField::kMonth:
      days = h.hour = h.minute = h.second = h.micros = 0;
      break;
    case DateField::kDay:
      h.hour = h.minute = h.second = h.micros = 0;
      break;
    case DateField::kHour:
      h.minute = h.second = h.micros = 0;
      break;
    case DateField::kMinute:
      h.second = h.micros = 0;
      break;
    case DateField::kSecond:
      h.micros = 0;
      break;
    case DateField::kMillisecond:
      h.micros = (h.micros / 1000) * 1000;
      break;
    case DateField::kMicrosecond:
      break;
    case DateField::kWeek:
      return Status::Sql("0A000",
                         "unit \"week\" not supported for type interval: months usually have "
                         "fractional weeks");
    default:
      return NotSupported(unit, "interval");
  }
  Interval r;
  r.months = static_cast<int32_t>(years * 12 + months);
  r.days = static_cast<int32_t>(days);
  r.micros = ((h.hour * 60 + h.minute) * 60 + h.second) * kMicrosPerSecond + h.micros;
  return r;
}

}  // namespace dynasink::types
