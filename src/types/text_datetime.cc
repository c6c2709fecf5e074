// Text input and output of date, time, timestamp and timestamptz.
//
// Output follows RisingWave: ISO dates with a " BC" suffix before year 1, times with the
// fraction in groups of three digits (.500, .123456), timestamptz in UTC with "+00:00".
// Input follows PostgreSQL's flexible reader for the forms people use (DateStyle ISO, MDY):
// ISO 8601 with ' ' or 'T', YYYYMMDD, MM/DD/YYYY, month names, BC/AD, AM/PM, time zone offsets
// (+08, +0800, +08:00, Z, UTC) and the special words epoch, now, today, tomorrow, yesterday
// and allballs. Only fixed offsets and UTC are known as zones.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "types/datetime.h"
#include "types/text_internal.h"

namespace dynasink::types::text {

namespace {

void Append2(int64_t v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

// Years are printed with at least four digits; astronomical year y <= 0 is year 1 - y BC.
void AppendDateParts(int64_t days, std::string* out, bool* bc) {
  CivilDate c = CivilFromDays(days);
  int64_t y = c.year;
  *bc = y <= 0;
  if (*bc) y = 1 - y;
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%04lld-", static_cast<long long>(y));
  out->append(buf);
  Append2(c.month, out);
  out->push_back('-');
  Append2(c.day, out);
}

// HH:MM:SS plus the fraction in groups of three digits, as chrono prints it for RisingWave.
void AppendTimeOfDay(int64_t micros, std::string* out) {
  int64_t secs = micros / kMicrosPerSecond;
  int64_t frac = micros % kMicrosPerSecond;
  Append2(secs / 3600, out);
  out->push_back(':');
  Append2(secs / 60 % 60, out);
  out->push_back(':');
  Append2(secs % 60, out);
  if (frac == 0) return;
  int digits = 6;
  if (frac % 1000 == 0) {
    frac /= 1000;
    digits = 3;
  }
  char buf[7];
  buf[0] = '.';
  for (int i = digits; i >= 1; --i) {
    buf[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out->append(buf, static_cast<size_t>(digits + 1));
}

}  // namespace

void AppendDate(Date d, std::string* out) {
  bool bc;
  AppendDateParts(d.days, out, &bc);
  if (bc) out->append(" BC");
}

void AppendTime(Time t, std::string* out) {
  AppendTimeOfDay(t.micros, out);
}

void AppendTimestamp(Timestamp ts, std::string* out) {
  int64_t days, tod;
  SplitMicros(ts.micros, &days, &tod);
  bool bc;
  AppendDateParts(days, out, &bc);
  out->push_back(' ');
  AppendTimeOfDay(tod, out);
  if (bc) out->append(" BC");
}

void AppendTimestamptz(Timestamptz ts, std::string* out) {
  int64_t days, tod;
  SplitMicros(ts.micros, &days, &tod);
  bool bc;
  AppendDateParts(days, out, &bc);
  out->push_back(' ');
  AppendTimeOfDay(tod, out);
  out->append("+00:00");
  if (bc) out->append(" BC");
}

// ---------------------------------------------------------------------------------------------
// Input

namespace {

enum class Want { kDate, kTime, kTimestamp, kTimestamptz };

const char* TypeName(Want w) {
  switch (w) {
    case Want::kDate:
      return "date";
    case Want::kTime:
      return "time";
    case Want::kTimestamp:
      return "timestamp";
    case Want::kTimestamptz:
      return "timestamp with time zone";
  }
  return "";
}

struct Tok {
  enum Kind { kNumber, kDate, kTime, kWord, kOffset } kind;
  std::string text;  // lower case
};

int MonthFromName(std::string_view w) {
  static constexpr const char* kNames[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                             "jul", "aug", "sep", "oct", "nov", "dec"};
  static constexpr const char* kFull[12] = {"january",   "february", "march",    "april",
                                            "may",       "june",     "july",     "august",
                                            "september", "october",  "november", "december"};
  for (int i = 0; i < 12; ++i) {
    if (w == kNames[i] || w == kFull[i]) return i + 1;
  }
  if (w == "sept") return 9;
  return 0;
}

bool IsDayName(std::string_view w) {
  static constexpr const char* kNames[] = {
      "sun", "mon", "tue",    "tues",   "wed",     "wednes",    "thu",      "thur",   "thurs",
      "fri", "sat", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (const char* n : kNames) {
    if (w == n) return true;
  }
  return false;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return c >= 'a' && c <= 'z';
}

class DatetimeReader {
 public:
  DatetimeReader(std::string_view text, Want want) : text_(text), want_(want) {}

  // On success fills *micros (timestamp kinds: since the epoch; time: of the day; date: the
  // day number times one day).
  Status Read(int64_t* micros) {
    std::string_view s = TrimSpace(text_);
    lower_.assign(s);
    for (char& c : lower_) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    DS_RETURN_IF_ERROR(Tokenize());
    if (toks_.empty()) return Syntax();
    bool special = false;
    DS_RETURN_IF_ERROR(Special(micros, &special));
    if (special) return Status::OK();
    for (size_t i = 0; i < toks_.size(); ++i)
      DS_RETURN_IF_ERROR(Interpret(toks_[i]));
    return Assemble(micros);
  }

 private:
  Status Syntax() const { return InvalidDatetimeSyntax(TypeName(want_), text_); }
  Status FieldRange() const {
    return Status::Sql("22008",
                       "date/time field value out of range: \"" + std::string(text_) + "\"");
  }

  Status Tokenize() {
    const std::string& s = lower_;
    size_t i = 0;
    while (i < s.size()) {
      char c = s[i];
      if (IsSpace(c) || c == ',') {
        ++i;
      } else if (IsDigit(c)) {
        size_t start = i;
        while (i < s.size() && IsDigit(s[i]))
          ++i;
        if (i < s.size() && s[i] == ':') {
          while (i < s.size() && (IsDigit(s[i]) || s[i] == ':' || s[i] == '.'))
            ++i;
          toks_.push_back({Tok::kTime, s.substr(start, i - start)});
        } else if (i + 1 < s.size() && (s[i] == '-' || s[i] == '/' || s[i] == '.') &&
                   (IsDigit(s[i + 1]) || IsAlpha(s[i + 1])) && IsDateToken(start)) {
          // A date with separators; it ends at whitespace or at a 'T' between digits.
          while (i < s.size() &&
                 (IsDigit(s[i]) || IsAlpha(s[i]) || s[i] == '-' || s[i] == '/' || s[i] == '.')) {
            if (s[i] == 't' && IsDigit(s[i - 1]) && i + 1 < s.size() && IsDigit(s[i + 1])) break;
            ++i;
          }
          toks_.push_back({Tok::kDate, s.substr(start, i - start)});
        } else {
          if (i < s.size() && s[i] == '.') {
            ++i;
            while (i < s.size() && IsDigit(s[i]))
              ++i;
          }
          toks_.push_back({Tok::kNumber, s.substr(start, i - start)});
        }
      } else if (IsAlpha(c)) {
        size_t start = i;
        while (i < s.size() && (IsAlpha(s[i]) || s[i] == '/' || s[i] == '_'))
          ++i;
        if (start + 1 == i && s[start] == 't') {
          continue;  // the ISO 'T' separator
        }
        // A month name may start a date like "may-16-2001".
        if (i < s.size() && s[i] == '-' && MonthFromName(s.substr(start, i - start)) != 0) {
          while (i < s.size() && (IsDigit(s[i]) || IsAlpha(s[i]) || s[i] == '-'))
            ++i;
          toks_.push_back({Tok::kDate, s.substr(start, i - start)});
          continue;
        }
        toks_.push_back({Tok::kWord, s.substr(start, i - start)});
      } else if ((c == '+' || c == '-') && i + 1 < s.size() && IsDigit(s[i + 1])) {
        size_t start = i++;
        while (i < s.size() && (IsDigit(s[i]) || s[i] == ':'))
          ++i;
        toks_.push_back({Tok::kOffset, s.substr(start, i - start)});
      } else if ((c == '+' || c == '-') && i + 1 < s.size() && IsAlpha(s[i + 1])) {
        size_t start = i++;
        while (i < s.size() && IsAlpha(s[i]))
          ++i;
        toks_.push_back({Tok::kWord, s.substr(start, i - start)});
      } else {
        return Syntax();
      }
    }
    return Status::OK();
  }

  // "2001.05.16" is a date, "12.5" a number: a '.' separates a date only if two of them do.
  bool IsDateToken(size_t start) const {
    size_t i = start;
    while (i < lower_.size() && IsDigit(lower_[i]))
      ++i;
    if (lower_[i] != '.') return true;
    size_t dots = 0;
    for (size_t j = i; j < lower_.size() && (IsDigit(lower_[j]) || lower_[j] == '.'); ++j) {
      dots += lower_[j] == '.';
    }
    return dots == 2;
  }

  Status Special(int64_t* micros, bool* handled) {
    if (toks_.size() != 1 || toks_[0].kind != Tok::kWord) return Status::OK();
    const std::string& w = toks_[0].text;
    int64_t now = CurrentTimestamptz().micros;
    int64_t today = TimestampToDate(Timestamp{now}).days * kMicrosPerDay;
    *handled = true;
    if (w == "epoch") {
      *micros = 0;
    } else if (w == "now") {
      *micros = now;
      if (want_ == Want::kTime) {
        int64_t d, tod;
        SplitMicros(now, &d, &tod);
        *micros = tod;
      }
    } else if (w == "today" && want_ != Want::kTime) {
      *micros = today;
    } else if (w == "tomorrow" && want_ != Want::kTime) {
      *micros = today + kMicrosPerDay;
    } else if (w == "yesterday" && want_ != Want::kTime) {
      *micros = today - kMicrosPerDay;
    } else if (w == "allballs" && want_ == Want::kTime) {
      *micros = 0;
    } else if (w == "infinity" || w == "+infinity" || w == "-infinity") {
      return Status::Sql("0A000", "infinite " + std::string(TypeName(want_)) +
                                      " values are not supported: \"" + std::string(text_) + "\"");
    } else {
      *handled = false;
    }
    // A date reads back as a day number.
    if (*handled && want_ == Want::kDate) {
      int64_t days, tod;
      SplitMicros(*micros, &days, &tod);
      *micros = days;
    }
    return Status::OK();
  }

  Status SetDate(int64_t y, int64_t m, int64_t d, bool two_digit_year) {
    if (have_date_) return Syntax();
    have_date_ = true;
    year_ = y;
    month_ = m;
    day_ = d;
    two_digit_year_ = two_digit_year;
    return Status::OK();
  }

  // Three date fields in text order, each a number or a month name.
  Status ResolveDate(const std::vector<std::string>& parts) {
    if (parts.size() != 3) return Syntax();
    int64_t v[3];
    int name_at = -1;
    for (int i = 0; i < 3; ++i) {
      if (parts[i].empty()) return Syntax();
      if (IsAlpha(parts[i][0])) {
        int m = MonthFromName(parts[i]);
        if (m == 0 || name_at >= 0) return Syntax();
        name_at = i;
        v[i] = m;
      } else {
        for (char c : parts[i]) {
          if (!IsDigit(c)) return Syntax();
        }
        if (parts[i].size() > 9) return FieldRange();
        v[i] = std::stoll(parts[i]);
      }
    }
    auto two = [&](int i) { return parts[i].size() <= 2; };
    if (name_at == 0) return SetDate(v[2], v[0], v[1], two(2));  // Mon-DD-YYYY
    if (name_at == 1) {
      if (parts[0].size() >= 3) return SetDate(v[0], v[1], v[2], false);  // YYYY-Mon-DD
      return SetDate(v[2], v[1], v[0], two(2));                           // DD-Mon-YYYY
    }
    if (name_at == 2) return Syntax();
    if (parts[0].size() >= 3) return SetDate(v[0], v[1], v[2], false);  // YYYY-MM-DD
    return SetDate(v[2], v[0], v[1], two(2));                           // MM-DD-YYYY
  }

  Status ParseTimeToken(std::string_view t) {
    if (have_time_) return Syntax();
    have_time_ = true;
    // h:m[:s[.f]]
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (size_t i = 0; i <= t.size(); ++i) {
      if (i == t.size() || t[i] == ':') {
        parts.push_back(t.substr(start, i - start));
        start = i + 1;
      }
    }
    if (parts.size() < 2 || parts.size() > 3) return Syntax();
    for (size_t i = 0; i < parts.size(); ++i) {
      std::string_view p = parts[i];
      if (p.empty()) {
        if (i == 2) return Syntax();
        return Syntax();
      }
      size_t dot = p.find('.');
      if (dot != std::string_view::npos && i + 1 != parts.size()) return Syntax();
      std::string_view whole = p.substr(0, dot);
      if (whole.empty() || whole.size() > 9) return whole.empty() ? Syntax() : FieldRange();
      for (char c : whole) {
        if (!IsDigit(c)) return Syntax();
      }
      int64_t v = std::stoll(std::string(whole));
      if (i == 0) hour_ = v;
      if (i == 1) minute_ = v;
      if (i == 2) second_ = v;
      if (dot != std::string_view::npos) {
        DS_RETURN_IF_ERROR(ParseFraction(p.substr(dot + 1), i));
      }
    }
    return Status::OK();
  }

  // Fraction digits of the last time field (seconds, or minutes in "12:30.5").
  Status ParseFraction(std::string_view digits, size_t field) {
    for (char c : digits) {
      if (!IsDigit(c)) return Syntax();
    }
    // Round to microseconds, half away from zero on the seventh digit.
    int64_t micros = 0;
    for (size_t k = 0; k < 6; ++k)
      micros = micros * 10 + (k < digits.size() ? digits[k] - '0' : 0);
    if (digits.size() > 6 && digits[6] >= '5') ++micros;
    if (field == 2) {
      fraction_ = micros;
    } else {
      // A fractional minute: spread into seconds.
      fraction_ = micros * 60;
    }
    return Status::OK();
  }

  // A run of digits: YYYYMMDD, YYMMDD, HHMMSS[.f], HHMM, or a loose date field.
  Status Number(const std::string& t) {
    size_t dot = t.find('.');
    std::string whole = t.substr(0, dot);
    bool time_mode = have_date_ || want_ == Want::kTime;
    if (dot == std::string::npos && !have_date_ && loose_.empty() && month_name_ == 0 &&
        (whole.size() == 8 || (whole.size() == 6 && want_ != Want::kTime))) {
      int64_t v = std::stoll(whole);
      if (whole.size() == 8) return SetDate(v / 10000, v / 100 % 100, v % 100, false);
      return SetDate(v / 10000, v / 100 % 100, v % 100, true);
    }
    if (time_mode && !have_time_ && (whole.size() == 4 || whole.size() == 6) && loose_.empty()) {
      int64_t v = std::stoll(whole);
      have_time_ = true;
      if (whole.size() == 4) {
        hour_ = v / 100;
        minute_ = v % 100;
      } else {
        hour_ = v / 10000;
        minute_ = v / 100 % 100;
        second_ = v % 100;
      }
      if (dot != std::string::npos) return ParseFraction(t.substr(dot + 1), 2);
      return Status::OK();
    }
    if (dot != std::string::npos || whole.size() > 9) return Syntax();
    loose_.push_back(whole);
    return Status::OK();
  }

  Status Offset(const std::string& t) {
    if (have_offset_) return Syntax();
    have_offset_ = true;
    int sign = t[0] == '-' ? -1 : 1;
    std::string_view body(t);
    body.remove_prefix(1);
    int64_t h = 0, m = 0, s = 0;
    size_t colon = body.find(':');
    auto num = [](std::string_view d, int64_t* out) {
      if (d.empty() || d.size() > 2) return false;
      *out = 0;
      for (char c : d) {
        if (!IsDigit(c)) return false;
        *out = *out * 10 + (c - '0');
      }
      return true;
    };
    if (colon == std::string_view::npos) {
      bool ok;
      if (body.size() <= 2) {
        ok = num(body, &h);
      } else if (body.size() <= 4) {
        ok = num(body.substr(0, body.size() - 2), &h) && num(body.substr(body.size() - 2), &m);
      } else if (body.size() <= 6) {
        ok = num(body.substr(0, body.size() - 4), &h) && num(body.substr(body.size() - 4, 2), &m) &&
             num(body.substr(body.size() - 2), &s);
      } else {
        ok = false;
      }
      if (!ok) return Syntax();
    } else {
      size_t colon2 = body.find(':', colon + 1);
      if (!num(body.substr(0, colon), &h)) return Syntax();
      if (colon2 == std::string_view::npos) {
        if (!num(body.substr(colon + 1), &m)) return Syntax();
      } else if (!num(body.substr(colon + 1, colon2 - colon - 1), &m) ||
                 !num(body.substr(colon2 + 1), &s)) {
        return Syntax();
      }
    }
    if (h > 15 || m > 59 || s > 59) {
      return Status::Sql("22009",
                         "time zone displacement out of range: \"" + std::string(text_) + "\"");
    }
    offset_seconds_ = sign * (h * 3600 + m * 60 + s);
    return Status::OK();
  }

  Status Word(const std::string& w) {
    int m = MonthFromName(w);
    if (m != 0) {
      if (month_name_ != 0 || have_date_) return Syntax();
      month_name_ = m;
      return Status::OK();
    }
    if (IsDayName(w)) return Status::OK();
    if (w == "am" || w == "pm") {
      if (ampm_ != 0) return Syntax();
      ampm_ = w == "am" ? 1 : 2;
      return Status::OK();
    }
    if (w == "bc" || w == "ad") {
      if (era_set_) return Syntax();
      era_set_ = true;
      bc_ = w == "bc";
      return Status::OK();
    }
    if (w == "z" || w == "zulu" || w == "utc" || w == "gmt" || w == "ut") {
      if (have_offset_) return Syntax();
      have_offset_ = true;
      offset_seconds_ = 0;
      return Status::OK();
    }
    if (w == "allballs") {
      if (have_time_) return Syntax();
      have_time_ = true;
      return Status::OK();
    }
    if (w.find('/') != std::string::npos) {
      return Status::Sql("22023", "time zone \"" + w +
                                      "\" not recognized (only UTC and numeric offsets such as "
                                      "+08:00 are supported)");
    }
    return Syntax();
  }

  Status Interpret(const Tok& t) {
    switch (t.kind) {
      case Tok::kDate: {
        std::vector<std::string> parts;
        std::string cur;
        for (char c : t.text) {
          if (c == '-' || c == '/' || c == '.') {
            parts.push_back(cur);
            cur.clear();
          } else {
            cur.push_back(c);
          }
        }
        parts.push_back(cur);
        return ResolveDate(parts);
      }
      case Tok::kTime:
        return ParseTimeToken(t.text);
      case Tok::kNumber:
        return Number(t.text);
      case Tok::kWord:
        return Word(t.text);
      case Tok::kOffset:
        // "2001-05-16 -03" has no time; an offset only follows a time or date.
        return Offset(t.text);
    }
    return Syntax();
  }

  Status Assemble(int64_t* micros) {
    // Loose fields: "May 16 2001", "16 May 2001", "2001 05 16".
    if (!loose_.empty() || month_name_ != 0) {
      if (have_date_) return Syntax();
      if (month_name_ != 0) {
        if (loose_.size() != 2) return Syntax();
        // The field with three or more digits (or above 31) is the year.
        int64_t a = std::stoll(loose_[0]), b = std::stoll(loose_[1]);
        if (loose_[0].size() >= 3 || a > 31) {
          DS_RETURN_IF_ERROR(SetDate(a, month_name_, b, false));
        } else {
          DS_RETURN_IF_ERROR(SetDate(b, month_name_, a, loose_[1].size() <= 2));
        }
      } else {
        DS_RETURN_IF_ERROR(ResolveDate(loose_));
      }
    }
    if (!have_date_ && want_ != Want::kTime) return Syntax();
    if (!have_time_ && want_ == Want::kTime) return Syntax();
    if (ampm_ != 0) {
      if (!have_time_ || hour_ < 1 || hour_ > 12) return FieldRange();
      if (ampm_ == 1 && hour_ == 12) hour_ = 0;
      if (ampm_ == 2 && hour_ != 12) hour_ += 12;
    }
    if (hour_ > 24 || minute_ > 59 || second_ > 60 ||
        (hour_ == 24 && (minute_ != 0 || second_ != 0 || fraction_ != 0))) {
      return FieldRange();
    }
    int64_t tod = hour_ * kMicrosPerHour + minute_ * kMicrosPerMinute + second_ * kMicrosPerSecond +
                  fraction_;
    if (want_ == Want::kTime) {
      if (tod > kMicrosPerDay) return FieldRange();
      *micros = tod;
      return Status::OK();
    }
    int64_t year = year_;
    if (two_digit_year_ && !era_set_) year += year < 70 ? 2000 : 1900;
    if (year == 0) return FieldRange();  // there is no year 0
    if (bc_) year = 1 - year;
    if (month_ < 1 || month_ > 12 || day_ < 1 || year > 6000000 || year < -6000000 ||
        day_ > DaysInMonth(year, static_cast<int>(month_))) {
      return FieldRange();
    }
    int64_t days = DaysFromCivil(year, static_cast<int>(month_), static_cast<int>(day_));
    if (want_ == Want::kDate) {
      if (!IsValidDateDays(days)) {
        return Status::Sql("22008", "date out of range: \"" + std::string(text_) + "\"");
      }
      *micros = days;
      return Status::OK();
    }
    if (days < kMinDateDays - 1 || days > kMaxTimestampMicros / kMicrosPerDay + 1) {
      return Status::Sql("22008", "timestamp out of range: \"" + std::string(text_) + "\"");
    }
    int64_t r = days * kMicrosPerDay + tod;
    if (want_ == Want::kTimestamptz) r -= offset_seconds_ * kMicrosPerSecond;
    if (!IsValidTimestamp(r)) {
      return Status::Sql("22008", "timestamp out of range: \"" + std::string(text_) + "\"");
    }
    *micros = r;
    return Status::OK();
  }

  std::string_view text_;
  Want want_;
  std::string lower_;
  std::vector<Tok> toks_;
  bool have_date_ = false, two_digit_year_ = false;
  int64_t year_ = 0, month_ = 0, day_ = 0;
  int month_name_ = 0;
  std::vector<std::string> loose_;
  bool have_time_ = false;
  int64_t hour_ = 0, minute_ = 0, second_ = 0, fraction_ = 0;
  int ampm_ = 0;  // 1 am, 2 pm
  bool era_set_ = false, bc_ = false;
  bool have_offset_ = false;
  int64_t offset_seconds_ = 0;
};

// The canonical ISO forms ("2024-01-01", "12:34:56.5", "2024-01-01 12:34:56.123456+08:00")
// are what COPY and drivers send almost always; they are read here directly, without the
// general reader's tokens and allocations. Anything unusual (other forms, 24:00, leap seconds,
// out-of-range fields) returns false so that the general reader decides, with its errors.
class IsoFastPath {
 public:
  explicit IsoFastPath(std::string_view s) : s_(s) {}

  bool Date(int64_t* days) { return ReadDate(days) && p_ == s_.size(); }

  bool Time(int64_t* micros) { return ReadTime(micros) && p_ == s_.size(); }

  bool Timestamp(bool apply_offset, int64_t* micros) {
    int64_t days, tod;
    if (!ReadDate(&days)) return false;
    if (p_ == s_.size()) {
      tod = 0;
    } else {
      if (s_[p_] != ' ' && s_[p_] != 'T') return false;
      ++p_;
      if (!ReadTime(&tod)) return false;
    }
    int64_t offset = 0;
    if (p_ < s_.size() && !ReadOffset(&offset)) return false;
    if (p_ != s_.size()) return false;
    if (days > kMaxTimestampMicros / kMicrosPerDay - 1) return false;  // near the end: general path
    *micros = days * kMicrosPerDay + tod - (apply_offset ? offset * kMicrosPerSecond : 0);
    return true;
  }

 private:
  bool Digits(size_t n, int64_t* v) {
    if (p_ + n > s_.size()) return false;
    int64_t r = 0;
    for (size_t i = 0; i < n; ++i) {
      char c = s_[p_ + i];
      if (c < '0' || c > '9') return false;
      r = r * 10 + (c - '0');
    }
    p_ += n;
    *v = r;
    return true;
  }
  bool Char(char c) {
    if (p_ >= s_.size() || s_[p_] != c) return false;
    ++p_;
    return true;
  }
  bool ReadDate(int64_t* days) {
    int64_t y, m, d;
    if (!Digits(4, &y) || !Char('-') || !Digits(2, &m) || !Char('-') || !Digits(2, &d)) {
      return false;
    }
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<int>(m))) return false;
    // A following digit or letter (e.g. "BC") is for the general reader.
    if (p_ < s_.size() && s_[p_] != ' ' && s_[p_] != 'T') return false;
    if (p_ + 1 < s_.size() && s_[p_] == ' ' && !IsDigit(s_[p_ + 1])) return false;
    *days = DaysFromCivil(y, static_cast<int>(m), static_cast<int>(d));
    return true;
  }
  bool ReadTime(int64_t* micros) {
    int64_t h, mi, sec;
    if (!Digits(2, &h) || !Char(':') || !Digits(2, &mi) || !Char(':') || !Digits(2, &sec)) {
      return false;
    }
    if (h > 23 || mi > 59 || sec > 59) return false;
    int64_t frac = 0;
    if (Char('.')) {
      size_t n = 0;
      while (p_ < s_.size() && IsDigit(s_[p_]) && n < 7) {
        frac = frac * 10 + (s_[p_] - '0');
        ++p_;
        ++n;
      }
      if (n == 0 || n > 6) return false;
      for (; n < 6; ++n)
        frac *= 10;
    }
    *micros = h * kMicrosPerHour + mi * kMicrosPerMinute + sec * kMicrosPerSecond + frac;
    return true;
  }
  bool ReadOffset(int64_t* seconds) {
    if (Char('Z')) {
      *seconds = 0;
      return true;
    }
    if (p_ >= s_.size() || (s_[p_] != '+' && s_[p_] != '-')) return false;
    int64_t sign = s_[p_] == '-' ? -1 : 1;
    ++p_;
    int64_t h, m = 0;
    if (!Digits(2, &h)) return false;
    if (Char(':')) {
      if (!Digits(2, &m)) return false;
    } else if (p_ < s_.size()) {
      if (!Digits(2, &m)) return false;
    }
    if (h > 15 || m > 59) return false;
    *seconds = sign * (h * 3600 + m * 60);
    return true;
  }

  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

Result<Date> ParseDate(std::string_view text) {
  int64_t v;
  if (IsoFastPath(text).Date(&v) && IsValidDateDays(v)) return Date{static_cast<int32_t>(v)};
  DS_RETURN_IF_ERROR(DatetimeReader(text, Want::kDate).Read(&v));
  return Date{static_cast<int32_t>(v)};
}

Result<Time> ParseTime(std::string_view text) {
  int64_t v;
  if (IsoFastPath(text).Time(&v)) return Time{v};
  DS_RETURN_IF_ERROR(DatetimeReader(text, Want::kTime).Read(&v));
  return Time{v};
}

Result<Timestamp> ParseTimestamp(std::string_view text) {
  int64_t v;
  if (IsoFastPath(text).Timestamp(false, &v)) return Timestamp{v};
  DS_RETURN_IF_ERROR(DatetimeReader(text, Want::kTimestamp).Read(&v));
  return Timestamp{v};
}

Result<Timestamptz> ParseTimestamptz(std::string_view text) {
  int64_t v;
  if (IsoFastPath(text).Timestamp(true, &v)) return Timestamptz{v};
  DS_RETURN_IF_ERROR(DatetimeReader(text, Want::kTimestamptz).Read(&v));
  return Timestamptz{v};
}

}  // namespace dynasink::types::text
