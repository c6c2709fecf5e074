// Date and time functions: now, extract/date_part, date_trunc, to_timestamp, make_date,
// justify_*, AT TIME ZONE (UTC only: the session time zone is always UTC).
#include <chrono>
#include <cmath>
#include <thread>

#include "exec/function_table.h"
#include "types/datetime.h"

namespace dynasink::exec::internal {

namespace {

using types::Decimal;
using types::TypeId;
using types::Value;

constexpr TypeId kText = TypeId::kVarchar;
constexpr TypeId kDate = TypeId::kDate, kTime = TypeId::kTime, kTs = TypeId::kTimestamp;
constexpr TypeId kTstz = TypeId::kTimestamptz, kIv = TypeId::kInterval;

std::string_view TypeNameOf(const Value& v) {
  if (v.holds<types::Date>()) return "date";
  if (v.holds<types::Time>()) return "time without time zone";
  if (v.holds<types::Timestamp>()) return "timestamp without time zone";
  if (v.holds<types::Timestamptz>()) return "timestamp with time zone";
  return "interval";
}

Result<Decimal> ExtractAny(std::string_view unit, const Value& v) {
  DS_ASSIGN_OR_RETURN(types::DateField f, types::ParseDateField(unit, TypeNameOf(v)));
  if (v.holds<types::Date>()) return types::ExtractFromDate(f, v.as_date());
  if (v.holds<types::Time>()) return types::ExtractFromTime(f, v.as_time());
  if (v.holds<types::Timestamp>()) return types::ExtractFromTimestamp(f, v.as_timestamp());
  if (v.holds<types::Timestamptz>()) return types::ExtractFromTimestamptz(f, v.as_timestamptz());
  return types::ExtractFromInterval(f, v.as_interval());
}

Status Now(const CallContext& call, const Value* const*, Value* out) {
  *out = Value::TimestamptzV(call.eval.statement_time);
  return Status::OK();
}
Status CurrentDate(const CallContext& call, const Value* const*, Value* out) {
  *out = Value::DateV(types::TimestampToDate(types::Timestamp{call.eval.statement_time.micros}));
  return Status::OK();
}
Status LocalTimestamp(const CallContext& call, const Value* const*, Value* out) {
  *out = Value::TimestampV(types::Timestamp{call.eval.statement_time.micros});
  return Status::OK();
}
Status LocalTime(const CallContext& call, const Value* const*, Value* out) {
  int64_t days, micros;
  types::SplitMicros(call.eval.statement_time.micros, &days, &micros);
  *out = Value::TimeV(types::Time{micros});
  return Status::OK();
}

Status Extract(const CallContext&, const Value* const* a, Value* out) {
  DS_ASSIGN_OR_RETURN(Decimal d, ExtractAny(a[0]->as_string(), *a[1]));
  *out = Value::Numeric(std::move(d));
  return Status::OK();
}
Status DatePart(const CallContext&, const Value* const* a, Value* out) {
  DS_ASSIGN_OR_RETURN(Decimal d, ExtractAny(a[0]->as_string(), *a[1]));
  *out = Value::Float64(d.ToDouble());
  return Status::OK();
}

Status DateTrunc(const CallContext&, const Value* const* a, Value* out) {
  const Value& v = *a[1];
  DS_ASSIGN_OR_RETURN(types::DateField f, types::ParseDateField(a[0]->as_string(), TypeNameOf(v)));
  if (v.holds<types::Timestamp>()) {
    DS_ASSIGN_OR_RETURN(types::Timestamp t, types::DateTrunc(f, v.as_timestamp()));
    *out = Value::TimestampV(t);
  } else if (v.holds<types::Timestamptz>()) {
    DS_ASSIGN_OR_RETURN(types::Timestamptz t, types::DateTrunc(f, v.as_timestamptz()));
    *out = Value::TimestamptzV(t);
  } else {
    DS_ASSIGN_OR_RETURN(types::Interval i, types::DateTrunc(f, v.as_interval()));
    *out = Value::IntervalV(i);
  }
  return Status::OK();
}

// to_timestamp(seconds since the epoch).
Status ToTimestamp(const CallContext&, const Value* const* a, Value* out) {
  double secs = a[0]->as_float64();
  if (std::isnan(secs)) return Status::Sql("22008", "timestamp cannot be NaN");
  double micros = std::nearbyint(secs * 1e6);
  if (!(micros >= static_cast<double>(types::kMinTimestampMicros) &&
        micros <= static_cast<double>(types::kMaxTimestampMicros))) {
    return Status::Sql("22008", "timestamp out of range: \"" + std::to_string(secs) + "\"");
  }
  *out = Value::TimestamptzV(types::Timestamptz{static_cast<int64_t>(micros)});
  return Status::OK();
}

Status MakeDate(const CallContext&, const Value* const* a, Value* out) {
  int64_t year = a[0]->as_int32();
  // PostgreSQL's make_date takes negative years as BC (no year 0).
  if (year == 0) {
    return Status::Sql("22008", "date field value out of range: 0-" +
                                    std::to_string(a[1]->as_int32()) + "-" +
                                    std::to_string(a[2]->as_int32()));
  }
  if (year < 0) year += 1;
  DS_ASSIGN_OR_RETURN(types::Date d, types::MakeDate(year, a[1]->as_int32(), a[2]->as_int32()));
  *out = Value::DateV(d);
  return Status::OK();
}

template <Result<types::Interval> (*fn)(const types::Interval&)>
Status Justify(const CallContext&, const Value* const* a, Value* out) {
  DS_ASSIGN_OR_RETURN(types::Interval i, fn(a[0]->as_interval()));
  *out = Value::IntervalV(i);
  return Status::OK();
}

bool IsUtcName(std::string_view zone) {
  std::string z;
  for (char c : zone) z.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return z == "utc" || z == "etc/utc" || z == "gmt" || z == "etc/gmt" || z == "z" ||
         z == "zulu" || z == "universal" || z == "+00:00" || z == "+00" || z == "00:00" ||
         z == "0";
}

// timezone(zone, ts): `ts AT TIME ZONE zone`. The session zone is UTC, so converting between
// timestamp and timestamptz in UTC keeps the digits.
Status TimeZone(const CallContext&, const Value* const* a, Value* out) {
  if (!IsUtcName(a[0]->as_string())) {
    return Status::Sql("22023", "time zone \"" + a[0]->as_string() +
                                    "\" not recognized\nHINT: dynasink supports only UTC.");
  }
  if (a[1]->holds<types::Timestamp>()) {
    *out = Value::TimestamptzV(types::Timestamptz{a[1]->as_timestamp().micros});
  } else {
    *out = Value::TimestampV(types::Timestamp{a[1]->as_timestamptz().micros});
  }
  return Status::OK();
}

// pg_sleep(seconds): waits, waking every few milliseconds to honour cancel and
// statement_timeout. Returns the empty text PostgreSQL's void prints as.
Status PgSleep(const CallContext& call, const Value* const* a, Value* out) {
  double secs = a[0]->as_float64();
  auto end = std::chrono::steady_clock::now() +
             std::chrono::microseconds(static_cast<int64_t>(std::max(0.0, std::min(secs, 1e7)) * 1e6));
  for (;;) {
    if (call.eval.cancel != nullptr) DS_RETURN_IF_ERROR(call.eval.cancel->Check());
    auto now = std::chrono::steady_clock::now();
    if (now >= end) break;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        end - now, std::chrono::milliseconds(10)));
  }
  *out = Value::Varchar("");
  return Status::OK();
}

}  // namespace

void AddDatetimeFunctions(FunctionTable* t) {
  (*t)["pg_sleep"].overloads = {{{TypeId::kFloat64}, kText, PgSleep, true, /*stable=*/true}};
  for (const char* name : {"now", "current_timestamp", "transaction_timestamp",
                           "statement_timestamp"}) {
    (*t)[name].overloads = {{{}, kTstz, Now, true, /*stable=*/true}};
  }
  (*t)["current_date"].overloads = {{{}, kDate, CurrentDate, true, true}};
  (*t)["localtimestamp"].overloads = {{{}, kTs, LocalTimestamp, true, true}};
  (*t)["localtime"].overloads = {{{}, kTime, LocalTime, true, true}};
  (*t)["current_time"].overloads = {{{}, kTime, LocalTime, true, true}};
  (*t)["extract"].overloads = {{{kText, kTs}, TypeId::kDecimal, Extract},
                               {{kText, kTstz}, TypeId::kDecimal, Extract},
                               {{kText, kDate}, TypeId::kDecimal, Extract},
                               {{kText, kTime}, TypeId::kDecimal, Extract},
                               {{kText, kIv}, TypeId::kDecimal, Extract}};
  (*t)["date_part"].overloads = {{{kText, kTs}, TypeId::kFloat64, DatePart},
                                 {{kText, kTstz}, TypeId::kFloat64, DatePart},
                                 {{kText, kDate}, TypeId::kFloat64, DatePart},
                                 {{kText, kTime}, TypeId::kFloat64, DatePart},
                                 {{kText, kIv}, TypeId::kFloat64, DatePart}};
  (*t)["date_trunc"].overloads = {{{kText, kTs}, kTs, DateTrunc},
                                  {{kText, kTstz}, kTstz, DateTrunc},
                                  {{kText, kIv}, kIv, DateTrunc}};
  (*t)["to_timestamp"].overloads = {{{TypeId::kFloat64}, kTstz, ToTimestamp}};
  (*t)["make_date"].overloads = {
      {{TypeId::kInt32, TypeId::kInt32, TypeId::kInt32}, kDate, MakeDate}};
  (*t)["justify_hours"].overloads = {{{kIv}, kIv, Justify<types::JustifyHours>}};
  (*t)["justify_days"].overloads = {{{kIv}, kIv, Justify<types::JustifyDays>}};
  (*t)["justify_interval"].overloads = {{{kIv}, kIv, Justify<types::JustifyInterval>}};
  (*t)["timezone"].overloads = {{{kText, kTstz}, kTs, TimeZone}, {{kText, kTs}, kTstz, TimeZone}};
}

}  // namespace dynasink::exec::internal
