// Text input and output of intervals.
//
// Output is PostgreSQL's "postgres" IntervalStyle, which RisingWave prints too:
// "1 year 2 mons 3 days 04:05:06", plural whenever n != 1, zero parts left out, "00:00:00" for
// zero, and a '+' on a positive part that follows a negative one:
// "-1 years -2 mons +3 days 11:45:14.000233".
//
// Input accepts PostgreSQL's forms: "<n> <unit>" pairs with every unit spelling
// (year/yr/y, mon/month, week, day/d, hour/hr/h, minute/min/m, second/sec/s, millisecond/ms,
// microsecond/us, decade, century, millennium), units glued to numbers ("1d2h"), fractions that
// cascade down ('1.5 months' = 1 mon 15 days), "h:m[:s]" times, SQL-standard "Y-M" and
// "D h:m:s", a leading '@', a trailing "ago", and ISO 8601 ("P1Y2M3DT4H5M6S",
// "P0001-02-03T04:05:06").
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "types/datetime.h"
#include "types/text_internal.h"

namespace dynasink::types::text {

void AppendInterval(const Interval& iv, std::string* out) {
  bool space = false;
  bool following_negative = false;
  auto part = [&](int64_t v, const char* unit) {
    if (v == 0) return;
    if (space) out->push_back(' ');
    if (following_negative && v > 0) out->push_back('+');
    out->append(std::to_string(v));
    out->push_back(' ');
    out->append(unit);
    if (v != 1) out->push_back('s');
    space = true;
    following_negative = v < 0;
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "mon");
  part(iv.days, "day");
  if (iv.micros != 0 || (iv.months == 0 && iv.days == 0)) {
    // Divide before taking absolute values: INT64_MIN has no positive counterpart.
    int64_t frac = std::llabs(iv.micros % kMicrosPerSecond);
    int64_t secs = std::llabs(iv.micros / kMicrosPerSecond);
    if (space) out->push_back(' ');
    if (iv.micros < 0) {
      out->push_back('-');
    } else if (following_negative && iv.micros > 0) {
      out->push_back('+');
    }
    int64_t hours = secs / 3600;
    if (hours < 10) out->push_back('0');
    out->append(std::to_string(hours));
    char buf[8];
    buf[0] = ':';
    buf[1] = static_cast<char>('0' + secs / 60 % 60 / 10);
    buf[2] = static_cast<char>('0' + secs / 60 % 10);
    buf[3] = ':';
    buf[4] = static_cast<char>('0' + secs % 60 / 10);
    buf[5] = static_cast<char>('0' + secs % 10);
    out->append(buf, 6);
    if (frac != 0) {
      char f[7];
      f[0] = '.';
      for (int i = 6; i >= 1; --i) {
        f[i] = static_cast<char>('0' + frac % 10);
        frac /= 10;
      }
      int len = 7;
      while (f[len - 1] == '0')
        --len;
      out->append(f, static_cast<size_t>(len));
    }
  }
}

namespace {

enum Unit : int {
  kMillennium,
  kCentury,
  kDecade,
  kYear,
  kMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kMicrosecond,
  kNumUnits
};

bool UnitFromWord(std::string_view w, Unit* u) {
  struct Alias {
    const char* name;
    Unit unit;
  };
  static constexpr Alias kAliases[] = {
      {"millennium", kMillennium},
      {"millennia", kMillennium},
      {"millenniums", kMillennium},
      {"mil", kMillennium},
      {"mils", kMillennium},
      {"century", kCentury},
      {"centuries", kCentury},
      {"cent", kCentury},
      {"c", kCentury},
      {"decade", kDecade},
      {"decades", kDecade},
      {"dec", kDecade},
      {"decs", kDecade},
      {"year", kYear},
      {"years", kYear},
      {"yr", kYear},
      {"yrs", kYear},
      {"y", kYear},
      {"month", kMonth},
      {"months", kMonth},
      {"mon", kMonth},
      {"mons", kMonth},
      {"week", kWeek},
      {"weeks", kWeek},
      {"w", kWeek},
      {"day", kDay},
      {"days", kDay},
      {"d", kDay},
      {"hour", kHour},
      {"hours", kHour},
      {"hr", kHour},
      {"hrs", kHour},
      {"h", kHour},
      {"minute", kMinute},
      {"minutes", kMinute},
      {"min", kMinute},
      {"mins", kMinute},
      {"m", kMinute},
      {"second", kSecond},
      {"seconds", kSecond},
      {"sec", kSecond},
      {"secs", kSecond},
      {"s", kSecond},
      {"millisecond", kMillisecond},
      {"milliseconds", kMillisecond},
      {"ms", kMillisecond},
      {"msec", kMillisecond},
      {"msecs", kMillisecond},
      {"microsecond", kMicrosecond},
      {"microseconds", kMicrosecond},
      {"us", kMicrosecond},
      {"usec", kMicrosecond},
      {"usecs", kMicrosecond},
  };
  for (const Alias& a : kAliases) {
    if (w == a.name) {
      *u = a.unit;
      return true;
    }
  }
  return false;
}

// A signed decimal number split into its integer part and fraction (both carry the sign).
struct Num {
  int64_t whole = 0;
  double frac = 0;
};

class IntervalReader {
 public:
  explicit IntervalReader(std::string_view text) : text_(text) {}

  Result<Interval> Read() {
    std::string s(TrimSpace(text_));
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (s.empty()) return Syntax();
    if (s[0] == 'p') {
      DS_RETURN_IF_ERROR(ReadIso(std::string_view(s).substr(1)));
    } else {
      DS_RETURN_IF_ERROR(ReadPostgres(s));
    }
    return Finish();
  }

 private:
  Status Syntax() const { return InvalidDatetimeSyntax("interval", text_); }
  Status FieldOverflow() const {
    return Status::Sql("22015",
                       "interval field value out of range: \"" + std::string(text_) + "\"");
  }

  // Parses [+-]digits[.digits] (at least one digit) from the front of *s.
  bool TakeNumber(std::string_view* s, Num* n, bool* overflow) {
    size_t i = 0;
    bool neg = false;
    if (i < s->size() && ((*s)[i] == '+' || (*s)[i] == '-')) {
      neg = (*s)[i] == '-';
      ++i;
    }
    size_t digits_start = i;
    int64_t whole = 0;
    while (i < s->size() && (*s)[i] >= '0' && (*s)[i] <= '9') {
      if (__builtin_mul_overflow(whole, 10, &whole) ||
          __builtin_add_overflow(whole, (*s)[i] - '0', &whole)) {
        *overflow = true;
      }
      ++i;
    }
    size_t int_digits = i - digits_start;
    double frac = 0;
    size_t frac_digits = 0;
    if (i < s->size() && (*s)[i] == '.') {
      ++i;
      size_t fs = i;
      while (i < s->size() && (*s)[i] >= '0' && (*s)[i] <= '9')
        ++i;
      frac_digits = i - fs;
      if (frac_digits > 0)
        frac = std::strtod(std::string(s->substr(fs - 1, i - fs + 1)).c_str(), nullptr);
    }
    if (int_digits + frac_digits == 0) return false;
    n->whole = neg ? -whole : whole;
    n->frac = neg ? -frac : frac;
    s->remove_prefix(i);
    return true;
  }

  Status UseUnit(Unit u) {
    if (used_[u]) return Syntax();
    used_[u] = true;
    return Status::OK();
  }

  // Adds n units, cascading fractions to smaller units as PostgreSQL does.
  Status Add(const Num& n, Unit u) {
    DS_RETURN_IF_ERROR(UseUnit(u));
    auto add_months = [&](int64_t per) {
      months_ += static_cast<__int128>(n.whole) * per;
      months_ += static_cast<__int128>(std::rint(n.frac * static_cast<double>(per)));
    };
    auto add_days_frac = [&](double days) {
      // Whole days, then the rest as time (rounded to the microsecond).
      int64_t whole = static_cast<int64_t>(days);
      days_ += whole;
      micros_ += static_cast<__int128>(std::rint((days - static_cast<double>(whole)) * 86400e6));
    };
    auto add_micros = [&](int64_t per) {
      micros_ += static_cast<__int128>(n.whole) * per;
      micros_ += static_cast<__int128>(std::rint(n.frac * static_cast<double>(per)));
    };
    switch (u) {
      case kMillennium:
        add_months(12000);
        break;
      case kCentury:
        add_months(1200);
        break;
      case kDecade:
        add_months(120);
        break;
      case kYear:
        add_months(12);
        break;
      case kMonth:
        if (!FitsInt32(n.whole)) return FieldOverflow();
        months_ += n.whole;
        add_days_frac(n.frac * kDaysPerMonth);
        break;
      case kWeek:
        days_ += static_cast<__int128>(n.whole) * 7;
        add_days_frac(n.frac * 7);
        break;
      case kDay:
        if (!FitsInt32(n.whole)) return FieldOverflow();
        days_ += n.whole;
        add_days_frac(n.frac);
        break;
      case kHour:
        add_micros(kMicrosPerHour);
        break;
      case kMinute:
        add_micros(kMicrosPerMinute);
        break;
      case kSecond:
        add_micros(kMicrosPerSecond);
        break;
      case kMillisecond:
        add_micros(1000);
        break;
      case kMicrosecond:
        add_micros(1);
        break;
      case kNumUnits:
        break;
    }
    return Status::OK();
  }

  static bool FitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

  // [+-]h:m[:s[.f]] (a fraction may also end the minutes field).
  Status AddTime(std::string_view t) {
    DS_RETURN_IF_ERROR(UseUnit(kHour));
    DS_RETURN_IF_ERROR(UseUnit(kMinute));
    DS_RETURN_IF_ERROR(UseUnit(kSecond));
    bool neg = false;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
      neg = t[0] == '-';
      t.remove_prefix(1);
    }
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (size_t i = 0; i <= t.size(); ++i) {
      if (i == t.size() || t[i] == ':') {
        parts.push_back(t.substr(start, i - start));
        start = i + 1;
      }
    }
    if (parts.size() < 2 || parts.size() > 3) return Syntax();
    __int128 total = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      std::string_view p = parts[i];
      if (p.empty() || p[0] == '+' || p[0] == '-') return Syntax();
      Num n;
      bool overflow = false;
      if (!TakeNumber(&p, &n, &overflow) || !p.empty()) return Syntax();
      if (overflow) return FieldOverflow();
      bool last = i + 1 == parts.size();
      if (n.frac != 0 && !last) return Syntax();
      if (i == 1 && (n.whole > 59)) return FieldOverflow();
      if (i == 2 && (n.whole > 60 || (n.whole == 60 && n.frac > 0))) return FieldOverflow();
      int64_t per = i == 0 ? kMicrosPerHour : (i == 1 ? kMicrosPerMinute : kMicrosPerSecond);
      total += static_cast<__int128>(n.whole) * per;
      total += static_cast<__int128>(std::rint(n.frac * static_cast<double>(per)));
    }
    micros_ += neg ? -total : total;
    return Status::OK();
  }

  // SQL-standard year-month "Y-M".
  Status AddYearMonth(std::string_view t) {
    DS_RETURN_IF_ERROR(UseUnit(kYear));
    DS_RETURN_IF_ERROR(UseUnit(kMonth));
    bool neg = false;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
      neg = t[0] == '-';
      t.remove_prefix(1);
    }
    size_t dash = t.find('-');
    Num y, m;
    bool overflow = false;
    std::string_view ys = t.substr(0, dash), ms = t.substr(dash + 1);
    if (ys.empty() || ms.empty() || ms[0] == '+' || ms[0] == '-' ||
        !TakeNumber(&ys, &y, &overflow) || !ys.empty() || !TakeNumber(&ms, &m, &overflow) ||
        !ms.empty() || y.frac != 0 || m.frac != 0) {
      return Syntax();
    }
    if (overflow) return FieldOverflow();
    if (m.whole > 11) return FieldOverflow();
    __int128 total = static_cast<__int128>(y.whole) * 12 + m.whole;
    months_ += neg ? -total : total;
    return Status::OK();
  }

  Status ReadPostgres(std::string_view s) {
    // Split into whitespace-separated words; '@' is noise.
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < s.size()) {
      if (IsSpace(s[i])) {
        ++i;
        continue;
      }
      size_t start = i;
      while (i < s.size() && !IsSpace(s[i]))
        ++i;
      words.push_back(s.substr(start, i - start));
    }
    if (!words.empty() && words[0] == "@") words.erase(words.begin());
    if (!words.empty() && words[0].size() > 1 && words[0][0] == '@') {
      words[0].remove_prefix(1);
    }
    if (words.empty()) return Syntax();
    bool ago = false;
    if (words.back() == "ago") {
      ago = true;
      words.pop_back();
      if (words.empty()) return Syntax();
    }
    // A sign separated from its number ("- 1 day") applies to the number.
    bool has_pending = false;
    Num pending;
    for (size_t w = 0; w < words.size(); ++w) {
      std::string_view word = words[w];
      std::string joined;
      if ((word == "-" || word == "+") && w + 1 < words.size()) {
        joined = std::string(word) + std::string(words[++w]);
        word = joined;
      }
      if (word.find(':') != std::string_view::npos) {
        // "D h:m:s": a bare number before a time is a day count.
        if (has_pending) {
          DS_RETURN_IF_ERROR(AddBareDays(pending));
          has_pending = false;
        }
        DS_RETURN_IF_ERROR(AddTime(word));
        continue;
      }
      if (IsYearMonth(word)) {
        if (has_pending) return Syntax();
        DS_RETURN_IF_ERROR(AddYearMonth(word));
        continue;
      }
      // Numbers, units, and numbers with units glued on ("1d2h").
      while (!word.empty()) {
        char c = word[0];
        if ((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-') {
          if (has_pending) return Syntax();
          bool overflow = false;
          if (!TakeNumber(&word, &pending, &overflow)) return Syntax();
          if (overflow) return FieldOverflow();
          has_pending = true;
        } else if (c >= 'a' && c <= 'z') {
          size_t k = 0;
          while (k < word.size() && word[k] >= 'a' && word[k] <= 'z')
            ++k;
          Unit u;
          if (!has_pending || !UnitFromWord(word.substr(0, k), &u)) return Syntax();
          DS_RETURN_IF_ERROR(Add(pending, u));
          has_pending = false;
          word.remove_prefix(k);
        } else {
          return Syntax();
        }
      }
    }
    // A trailing bare number counts seconds.
    if (has_pending) DS_RETURN_IF_ERROR(Add(pending, kSecond));
    if (ago) {
      months_ = -months_;
      days_ = -days_;
      micros_ = -micros_;
    }
    return Status::OK();
  }

  Status AddBareDays(const Num& n) {
    if (n.frac != 0) return Syntax();
    return Add(n, kDay);
  }

  static bool IsYearMonth(std::string_view w) {
    size_t i = (!w.empty() && (w[0] == '+' || w[0] == '-')) ? 1 : 0;
    size_t digits = 0;
    while (i < w.size() && w[i] >= '0' && w[i] <= '9')
      ++i, ++digits;
    if (digits == 0 || i >= w.size() || w[i] != '-') return false;
    ++i;
    size_t d2 = 0;
    while (i < w.size() && w[i] >= '0' && w[i] <= '9')
      ++i, ++d2;
    return d2 > 0 && i == w.size();
  }

  // After the 'P': designators (nYnMnWnD, then T nHnMnS), or the alternative format
  // YYYY-MM-DDThh:mm:ss.
  Status ReadIso(std::string_view s) {
    if (s.empty()) return Syntax();
    if (s.size() >= 10 && s[4] == '-' && s[7] == '-') return ReadIsoAlternative(s);
    bool in_time = false;
    while (!s.empty()) {
      if (s[0] == 't') {
        if (in_time) return Syntax();
        in_time = true;
        s.remove_prefix(1);
        continue;
      }
      Num n;
      bool overflow = false;
      if (!TakeNumber(&s, &n, &overflow) || s.empty()) return Syntax();
      if (overflow) return FieldOverflow();
      char d = s[0];
      s.remove_prefix(1);
      Unit u;
      if (!in_time) {
        if (d == 'y') {
          u = kYear;
        } else if (d == 'm') {
          u = kMonth;
        } else if (d == 'w') {
          u = kWeek;
        } else if (d == 'd') {
          u = kDay;
        } else {
          return Syntax();
        }
      } else if (d == 'h') {
        u = kHour;
      } else if (d == 'm') {
        u = kMinute;
      } else if (d == 's') {
        u = kSecond;
      } else {
        return Syntax();
      }
      DS_RETURN_IF_ERROR(Add(n, u));
    }
    return Status::OK();
  }

  Status ReadIsoAlternative(std::string_view s) {
    size_t t = s.find('t');
    std::string_view date = s.substr(0, t);
    if (date.size() != 10) return Syntax();
    auto digits = [](std::string_view d, int64_t* out) {
      *out = 0;
      if (d.empty()) return false;
      for (char c : d) {
        if (c < '0' || c > '9') return false;
        *out = *out * 10 + (c - '0');
      }
      return true;
    };
    int64_t y, m, d;
    if (!digits(date.substr(0, 4), &y) || !digits(date.substr(5, 2), &m) ||
        !digits(date.substr(8, 2), &d)) {
      return Syntax();
    }
    if (m > 11) return FieldOverflow();
    DS_RETURN_IF_ERROR(UseUnit(kYear));
    DS_RETURN_IF_ERROR(UseUnit(kMonth));
    DS_RETURN_IF_ERROR(UseUnit(kDay));
    months_ += y * 12 + m;
    days_ += d;
    if (t != std::string_view::npos) DS_RETURN_IF_ERROR(AddTime(s.substr(t + 1)));
    return Status::OK();
  }

  Result<Interval> Finish() {
    if (months_ < INT32_MIN || months_ > INT32_MAX || days_ < INT32_MIN || days_ > INT32_MAX ||
        micros_ < INT64_MIN || micros_ > INT64_MAX) {
      return Status::Sql("22008", "interval out of range");
    }
    return Interval{static_cast<int32_t>(months_), static_cast<int32_t>(days_),
                    static_cast<int64_t>(micros_)};
  }

  std::string_view text_;
  bool used_[kNumUnits] = {};
  __int128 months_ = 0, days_ = 0, micros_ = 0;
};

}  // namespace

Result<Interval> ParseInterval(std::string_view text) {
  return IntervalReader(text).Read();
}

}  // namespace dynasink::types::text
