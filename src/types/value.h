// Value: one SQL datum, NULL or a value of a DataType.
//
// A Value does not carry its full DataType (the schema does); it knows only which C++
// representation it holds. Nested values (struct, list) and jsonb share their payload
// immutably, so copying a Value is cheap. Representations:
//   boolean                     bool
//   smallint / integer          int16_t / int32_t
//   bigint, serial              int64_t
//   numeric                     Decimal      (types/decimal.h)
//   real / double precision     float / double
//   varchar                     std::string  (UTF-8)
//   bytea                       Bytes        (raw bytes)
//   date                        Date         days since 1970-01-01, proleptic Gregorian
//   time                        Time         microseconds since midnight
//   timestamp                   Timestamp    microseconds since 1970-01-01 00:00:00
//   timestamptz                 Timestamptz  microseconds since the epoch, UTC
//   interval                    Interval     months, days, microseconds (PostgreSQL's model)
//   jsonb                       Jsonb        (types/jsonb.h)
//   struct                      StructValue  field values in declaration order
//   array                       ListValue    elements
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "types/decimal.h"
#include "types/jsonb.h"

namespace dynasink::types {

class Value;

struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};
struct Date {
  int32_t days = 0;
  bool operator==(const Date&) const = default;
};
struct Time {
  int64_t micros = 0;
  bool operator==(const Time&) const = default;
};
struct Timestamp {
  int64_t micros = 0;
  bool operator==(const Timestamp&) const = default;
};
struct Timestamptz {
  int64_t micros = 0;
  bool operator==(const Timestamptz&) const = default;
};
struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
  bool operator==(const Interval&) const = default;
};
// Immutable, shared payloads for nested values.
struct StructValue {
  std::shared_ptr<const std::vector<Value>> fields;
};
struct ListValue {
  std::shared_ptr<const std::vector<Value>> elements;
};

class Value {
 public:
  Value() = default;  // NULL

  static Value Null() { return Value(); }
  static Value Boolean(bool v) { return Value(Rep(v)); }
  static Value Int16(int16_t v) { return Value(Rep(v)); }
  static Value Int32(int32_t v) { return Value(Rep(v)); }
  static Value Int64(int64_t v) { return Value(Rep(v)); }
  static Value Numeric(Decimal v) { return Value(Rep(std::move(v))); }
  static Value Float32(float v) { return Value(Rep(v)); }
  static Value Float64(double v) { return Value(Rep(v)); }
  static Value Varchar(std::string v) { return Value(Rep(std::move(v))); }
  static Value Bytea(std::string v) { return Value(Rep(Bytes{std::move(v)})); }
  static Value DateV(Date v) { return Value(Rep(v)); }
  static Value TimeV(Time v) { return Value(Rep(v)); }
  static Value TimestampV(Timestamp v) { return Value(Rep(v)); }
  static Value TimestamptzV(Timestamptz v) { return Value(Rep(v)); }
  static Value IntervalV(Interval v) { return Value(Rep(v)); }
  static Value JsonbV(Jsonb v) { return Value(Rep(std::move(v))); }
  static Value Struct(std::vector<Value> fields);
  // Makes this a varchar equal to `v`, reusing the memory of the string it holds, if any (a
  // bulk load refills one row of values per input row without allocating).
  void AssignVarchar(std::string_view v) {
    if (auto* s = std::get_if<std::string>(&rep_)) {
      s->assign(v);
    } else {
      rep_.emplace<std::string>(v);
    }
  }
  static Value List(std::vector<Value> elements);

  bool is_null() const { return rep_.index() == 0; }

  // Typed access. Calling the wrong accessor is a bug (std::bad_variant_access).
  bool as_bool() const { return std::get<bool>(rep_); }
  int16_t as_int16() const { return std::get<int16_t>(rep_); }
  int32_t as_int32() const { return std::get<int32_t>(rep_); }
  int64_t as_int64() const { return std::get<int64_t>(rep_); }
  const Decimal& as_decimal() const { return std::get<Decimal>(rep_); }
  float as_float32() const { return std::get<float>(rep_); }
  double as_float64() const { return std::get<double>(rep_); }
  const std::string& as_string() const { return std::get<std::string>(rep_); }
  const std::string& as_bytes() const { return std::get<Bytes>(rep_).data; }
  Date as_date() const { return std::get<Date>(rep_); }
  Time as_time() const { return std::get<Time>(rep_); }
  Timestamp as_timestamp() const { return std::get<Timestamp>(rep_); }
  Timestamptz as_timestamptz() const { return std::get<Timestamptz>(rep_); }
  Interval as_interval() const { return std::get<Interval>(rep_); }
  const Jsonb& as_jsonb() const { return std::get<Jsonb>(rep_); }
  const std::vector<Value>& as_struct() const;
  const std::vector<Value>& as_list() const;

  template <typename T>
  bool holds() const {
    return std::holds_alternative<T>(rep_);
  }

  // Any integer representation widened to int64 (bool excluded). Bug if not an integer.
  int64_t as_integer() const;

  // Total order of two non-NULL values of the same DataType, as ORDER BY sorts them
  // (numeric NaN sorts above every number, as in PostgreSQL; floats likewise). Values of
  // different representations compare by representation index, which callers avoid.
  // NULL sorts after every non-NULL value (PostgreSQL's default for ASC).
  int Compare(const Value& other) const;
  // Hash consistent with Equals: equal values hash equally (1.0 and 1.00 numerics too).
  size_t Hash() const;
  // Structural equality consistent with Compare() == 0; NULL equals NULL here (for
  // grouping and keys), unlike SQL's '='.
  bool Equals(const Value& other) const { return Compare(other) == 0; }
  bool operator==(const Value& other) const { return Equals(other); }

  // Rough heap + inline footprint in bytes, for memory accounting of buffers.
  size_t ApproximateSize() const;

  // Debug text of the representation (not SQL output; use types/text_format.h for that).
  std::string DebugString() const;

 private:
  using Rep = std::variant<std::monostate, bool, int16_t, int32_t, int64_t, Decimal, float, double,
                           std::string, Bytes, Date, Time, Timestamp, Timestamptz, Interval, Jsonb,
                           StructValue, ListValue>;
  explicit Value(Rep rep) : rep_(std::move(rep)) {}
  Rep rep_;
};

using Row = std::vector<Value>;

}  // namespace dynasink::types
