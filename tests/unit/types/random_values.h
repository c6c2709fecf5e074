// Random values of every type for the codec property tests. Values favour edge cases: zero,
// extremes, equal values in different representations (1.0 / 1.00, -0.0 / 0.0, '1 mon' /
// '30 days'), NaN, embedded zero bytes.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "types/data_type.h"
#include "types/datetime.h"
#include "types/value.h"

namespace dynasink::types::testing {

class RandomValues {
 public:
  explicit RandomValues(uint64_t seed) : rng_(seed) {}

  uint64_t Next() { return rng_(); }
  bool OneIn(int n) { return rng_() % static_cast<uint64_t>(n) == 0; }

  int64_t Int(int64_t lo, int64_t hi) {
    std::uniform_int_distribution<int64_t> d(lo, hi);
    return d(rng_);
  }

  // An integer that is often small or at an extreme.
  int64_t EdgyInt(int64_t lo, int64_t hi) {
    switch (rng_() % 6) {
      case 0:
        return lo;
      case 1:
        return hi;
      case 2:
        return Int(std::max<int64_t>(lo, -3), std::min<int64_t>(hi, 3));
      default:
        return Int(lo, hi);
    }
  }

  Decimal RandomDecimal() {
    switch (rng_() % 12) {
      case 0:
        return Decimal::NaN();
      case 1:
        return Decimal::Infinity();
      case 2:
        return Decimal::NegativeInfinity();
      case 3:
        return Decimal::FromInt64(0, static_cast<int32_t>(rng_() % 4));
      default:
        break;
    }
    int ndigits = static_cast<int>(1 + rng_() % (OneIn(4) ? 60 : 12));
    std::string digits;
    for (int i = 0; i < ndigits; ++i)
      digits.push_back(static_cast<char>('0' + rng_() % 10));
    if (OneIn(3))
      digits += std::string(rng_() % 4, '0');  // trailing zeros: same value, other scale
    int32_t scale = static_cast<int32_t>(rng_() % 10);
    return *Decimal::FromDigits(OneIn(2), digits, scale);
  }

  double RandomDouble() {
    switch (rng_() % 10) {
      case 0:
        return std::numeric_limits<double>::quiet_NaN();
      case 1:
        return OneIn(2) ? HUGE_VAL : -HUGE_VAL;
      case 2:
        return OneIn(2) ? 0.0 : -0.0;
      case 3:
        return static_cast<double>(Int(-5, 5));
      case 4:
        return std::numeric_limits<double>::denorm_min() * static_cast<double>(Int(-3, 3));
      default: {
        std::uniform_real_distribution<double> d(-1e6, 1e6);
        double v = d(rng_);
        return OneIn(3) ? v * std::pow(10.0, static_cast<double>(Int(-300, 300))) : v;
      }
    }
  }

  std::string RandomString() {
    size_t n = rng_() % 8;
    std::string s;
    for (size_t i = 0; i < n; ++i) {
      // A small alphabet with 0x00, 0x01 and 0xff makes ties and prefixes common.
      static constexpr char kAlphabet[] = {'\0', '\x01', 'a', 'b', '\xff', 'z'};
      s.push_back(kAlphabet[rng_() % sizeof(kAlphabet)]);
    }
    return s;
  }

  Interval RandomInterval() {
    switch (rng_() % 6) {
      case 0:
        return Interval{1, 0, 0};
      case 1:
        return Interval{0, 30, 0};
      case 2:
        return Interval{0, 0, 30 * kMicrosPerDay};
      default:
        return Interval{static_cast<int32_t>(EdgyInt(INT32_MIN, INT32_MAX)),
                        static_cast<int32_t>(EdgyInt(INT32_MIN, INT32_MAX)),
                        EdgyInt(INT64_MIN, INT64_MAX)};
    }
  }

  // A non-NULL value of `type`.
  Value Random(const DataType& type, int depth = 0) {
    switch (type.id()) {
      case TypeId::kBoolean:
        return Value::Boolean(OneIn(2));
      case TypeId::kInt16:
        return Value::Int16(static_cast<int16_t>(EdgyInt(INT16_MIN, INT16_MAX)));
      case TypeId::kInt32:
        return Value::Int32(static_cast<int32_t>(EdgyInt(INT32_MIN, INT32_MAX)));
      case TypeId::kInt64:
      case TypeId::kSerial:
        return Value::Int64(EdgyInt(INT64_MIN, INT64_MAX));
      case TypeId::kDecimal:
        return Value::Numeric(RandomDecimal());
      case TypeId::kFloat32:
        return Value::Float32(static_cast<float>(RandomDouble()));
      case TypeId::kFloat64:
        return Value::Float64(RandomDouble());
      case TypeId::kVarchar:
      case TypeId::kUnknown:
        return Value::Varchar(RandomString());
      case TypeId::kBytea:
        return Value::Bytea(RandomString());
      case TypeId::kDate:
        return Value::DateV(Date{static_cast<int32_t>(EdgyInt(kMinDateDays, kMaxDateDays))});
      case TypeId::kTime:
        return Value::TimeV(Time{EdgyInt(0, kMicrosPerDay)});
      case TypeId::kTimestamp:
        return Value::TimestampV(Timestamp{EdgyInt(kMinTimestampMicros, kMaxTimestampMicros)});
      case TypeId::kTimestamptz:
        return Value::TimestamptzV(Timestamptz{EdgyInt(kMinTimestampMicros, kMaxTimestampMicros)});
      case TypeId::kInterval:
        return Value::IntervalV(RandomInterval());
      case TypeId::kJsonb:
        return Value::JsonbV(RandomJsonb(depth));
      case TypeId::kStruct: {
        std::vector<Value> fields;
        for (const auto& f : type.fields())
          fields.push_back(MaybeNull(*f.type, depth + 1));
        return Value::Struct(std::move(fields));
      }
      case TypeId::kList: {
        std::vector<Value> elements;
        size_t n = rng_() % 5;
        for (size_t i = 0; i < n; ++i)
          elements.push_back(MaybeNull(type.element(), depth + 1));
        return Value::List(std::move(elements));
      }
    }
    return Value();
  }

  Value MaybeNull(const DataType& type, int depth = 0) {
    if (OneIn(6)) return Value::Null();
    return Random(type, depth);
  }

  Jsonb RandomJsonb(int depth) {
    switch (rng_() % (depth > 3 ? 4 : 6)) {
      case 0:
        return Jsonb::Null();
      case 1:
        return Jsonb::Bool(OneIn(2));
      case 2: {
        Decimal d = RandomDecimal();
        return Jsonb::Number(d.is_finite() ? d : Decimal::FromInt64(1));
      }
      case 3:
        return Jsonb::String(RandomString());
      case 4: {
        std::vector<Jsonb> e;
        for (size_t i = rng_() % 4; i > 0; --i)
          e.push_back(RandomJsonb(depth + 1));
        return Jsonb::Array(std::move(e));
      }
      default: {
        std::vector<Jsonb::Member> m;
        for (size_t i = rng_() % 4; i > 0; --i)
          m.emplace_back(RandomString(), RandomJsonb(depth + 1));
        return Jsonb::Object(std::move(m));
      }
    }
  }

 private:
  std::mt19937_64 rng_;
};

// Every scalar type, and some nested ones.
inline std::vector<DataType> ScalarTypes() {
  return {TypeId::kBoolean,   TypeId::kInt16,       TypeId::kInt32,   TypeId::kInt64,
          TypeId::kSerial,    TypeId::kDecimal,     TypeId::kFloat32, TypeId::kFloat64,
          TypeId::kVarchar,   TypeId::kBytea,       TypeId::kDate,    TypeId::kTime,
          TypeId::kTimestamp, TypeId::kTimestamptz, TypeId::kInterval};
}

inline std::vector<DataType> AllTypes() {
  std::vector<DataType> t = ScalarTypes();
  t.push_back(TypeId::kJsonb);
  t.push_back(DataType::Struct({{"a", TypeId::kInt32}, {"b", DataType::List(TypeId::kVarchar)}}));
  t.push_back(DataType::List(DataType::List(TypeId::kDecimal)));
  t.push_back(
      DataType::List(DataType::Struct({{"j", TypeId::kJsonb}, {"t", TypeId::kTimestamptz}})));
  return t;
}

}  // namespace dynasink::types::testing
