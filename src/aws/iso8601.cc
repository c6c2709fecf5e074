#include "aws/iso8601.h"

#include <ctime>

namespace dynasink::aws {
namespace {

bool Digits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

Result<Clock::time_point> ParseIso8601(std::string_view text) {
  const Status bad = Status::InvalidArgument(
      "timestamp is not in ISO 8601 form (expected e.g. 2024-01-31T12:00:00Z)");
  std::tm tm{};
  int year, month, day, hour, minute, second;
  if (!Digits(text, 0, 4, &year) || text.size() < 19 || text[4] != '-' ||
      !Digits(text, 5, 2, &month) || text[7] != '-' || !Digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !Digits(text, 11, 2, &hour) ||
      text[13] != ':' || !Digits(text, 14, 2, &minute) || text[16] != ':' ||
      !Digits(text, 17, 2, &second)) {
    return bad;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return bad;
  }
  size_t pos = 19;
  std::chrono::microseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    long long micros = 0;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) {
        micros = micros * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return bad;
    for (; digits < 6; ++digits)
      micros *= 10;
    fraction = std::chrono::microseconds(micros);
  }
  int offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    int sign = text[pos] == '-' ? -1 : 1;
    if (!Digits(text, pos + 1, 2, &oh)) return bad;
    size_t mpos = pos + 3;
    if (mpos < text.size() && text[mpos] == ':') ++mpos;
    if (!Digits(text, mpos, 2, &om)) return bad;
    offset_seconds = sign * (oh * 3600 + om * 60);
    pos = mpos + 2;
  } else {
    return bad;  // a timestamp without a zone is ambiguous
  }
  if (pos != text.size()) return bad;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t t = timegm(&tm);
  return Clock::from_time_t(t - offset_seconds) +
         std::chrono::duration_cast<Clock::duration>(fraction);
}

std::string FormatIso8601(Clock::time_point when) {
  std::time_t t = Clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace dynasink::aws
