#include "types/value.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "types/datetime.h"

namespace dynasink::types {

Value Value::Struct(std::vector<Value> fields) {
  return Value(Rep(StructValue{std::make_shared<const std::vector<Value>>(std::move(fields))}));
}

Value Value::List(std::vector<Value> elements) {
  return Value(Rep(ListValue{std::make_shared<const std::vector<Value>>(std::move(elements))}));
}

const std::vector<Value>& Value::as_struct() const {
  return *std::get<StructValue>(rep_).fields;
}

const std::vector<Value>& Value::as_list() const {
  return *std::get<ListValue>(rep_).elements;
}

int64_t Value::as_integer() const {
  switch (rep_.index()) {
    case 2:
      return std::get<int16_t>(rep_);
    case 3:
      return std::get<int32_t>(rep_);
    case 4:
      return std::get<int64_t>(rep_);
    default:
      std::fprintf(stderr, "fatal: Value::as_integer() on %s\n", DebugString().c_str());
      std::abort();
  }
}

namespace {

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// PostgreSQL's float order: NaN equals NaN and sorts above everything; -0 equals 0.
template <typename F>
int CompareFloat(F a, F b) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return Cmp(a, b);
}

int CompareBytes(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  return Cmp(a.size(), b.size());
}

int CompareSequences(const std::vector<Value>& a, const std::vector<Value>& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int c = a[i].Compare(b[i]);
    if (c != 0) return c;
  }
  return Cmp(a.size(), b.size());
}

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + kMul + (h << 6) + (h >> 2);
  return h * kMul;
}

template <typename F>
uint64_t HashFloat(F v) {
  if (std::isnan(v)) return 0x7FF8000000000000ULL;
  if (v == 0) return 0;  // -0 and +0 are equal
  double d = static_cast<double>(v);
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof(bits));
  return bits;
}

}  // namespace

int Value::Compare(const Value& other) const {
  if (is_null() || other.is_null()) {
    if (is_null() && other.is_null()) return 0;
    return is_null() ? 1 : -1;
  }
  if (rep_.index() != other.rep_.index()) return Cmp(rep_.index(), other.rep_.index());
  switch (rep_.index()) {
    case 1:
      return Cmp(as_bool(), other.as_bool());
    case 2:
      return Cmp(as_int16(), other.as_int16());
    case 3:
      return Cmp(as_int32(), other.as_int32());
    case 4:
      return Cmp(as_int64(), other.as_int64());
    case 5:
      return as_decimal().Compare(other.as_decimal());
    case 6:
      return CompareFloat(as_float32(), other.as_float32());
    case 7:
      return CompareFloat(as_float64(), other.as_float64());
    case 8:
      return CompareBytes(as_string(), other.as_string());
    case 9:
      return CompareBytes(as_bytes(), other.as_bytes());
    case 10:
      return Cmp(as_date().days, other.as_date().days);
    case 11:
      return Cmp(as_time().micros, other.as_time().micros);
    case 12:
      return Cmp(as_timestamp().micros, other.as_timestamp().micros);
    case 13:
      return Cmp(as_timestamptz().micros, other.as_timestamptz().micros);
    case 14:
      return CompareIntervals(as_interval(), other.as_interval());
    case 15:
      return as_jsonb().Compare(other.as_jsonb());
    case 16:
      return CompareSequences(as_struct(), other.as_struct());
    case 17:
      return CompareSequences(as_list(), other.as_list());
    default:
      return 0;
  }
}

size_t Value::Hash() const {
  uint64_t h = Mix(0x51ED270B, rep_.index());
  switch (rep_.index()) {
    case 0:
      break;
    case 1:
      h = Mix(h, as_bool());
      break;
    case 2:
    case 3:
    case 4:
      h = Mix(h, static_cast<uint64_t>(as_integer()));
      break;
    case 5:
      h = Mix(h, as_decimal().Hash());
      break;
    case 6:
      h = Mix(h, HashFloat(as_float32()));
      break;
    case 7:
      h = Mix(h, HashFloat(as_float64()));
      break;
    case 8:
      h = Mix(h, std::hash<std::string>()(as_string()));
      break;
    case 9:
      h = Mix(h, std::hash<std::string>()(as_bytes()));
      break;
    case 10:
      h = Mix(h, static_cast<uint64_t>(as_date().days));
      break;
    case 11:
      h = Mix(h, static_cast<uint64_t>(as_time().micros));
      break;
    case 12:
      h = Mix(h, static_cast<uint64_t>(as_timestamp().micros));
      break;
    case 13:
      h = Mix(h, static_cast<uint64_t>(as_timestamptz().micros));
      break;
    case 14: {
      // Intervals equal by span ('1 mon' = '30 days') must hash alike.
      __int128 span = IntervalSpanMicros(as_interval());
      h = Mix(h, static_cast<uint64_t>(span));
      h = Mix(h, static_cast<uint64_t>(static_cast<unsigned __int128>(span) >> 64));
      break;
    }
    case 15:
      h = Mix(h, as_jsonb().Hash());
      break;
    case 16:
      for (const Value& v : as_struct())
        h = Mix(h, v.Hash());
      break;
    case 17:
      for (const Value& v : as_list())
        h = Mix(h, v.Hash());
      break;
  }
  return static_cast<size_t>(h ^ (h >> 32));
}

namespace {
size_t StringHeap(const std::string& s) {
  // Strings up to the small-string capacity live inline.
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}
}  // namespace

size_t Value::ApproximateSize() const {
  size_t n = sizeof(Value);
  switch (rep_.index()) {
    case 5:
      n += as_decimal().HeapSize();
      break;
    case 8:
      n += StringHeap(as_string());
      break;
    case 9:
      n += StringHeap(as_bytes());
      break;
    case 15:
      n += as_jsonb().ApproximateSize();
      break;
    case 16:
    case 17: {
      const auto& v = rep_.index() == 16 ? as_struct() : as_list();
      n += 16 + sizeof(std::vector<Value>);  // shared control block and vector
      for (const Value& e : v)
        n += e.ApproximateSize();
      break;
    }
    default:
      break;
  }
  return n;
}

std::string Value::DebugString() const {
  char buf[64];
  switch (rep_.index()) {
    case 0:
      return "NULL";
    case 1:
      return as_bool() ? "Boolean(true)" : "Boolean(false)";
    case 2:
      return "Int16(" + std::to_string(as_int16()) + ")";
    case 3:
      return "Int32(" + std::to_string(as_int32()) + ")";
    case 4:
      return "Int64(" + std::to_string(as_int64()) + ")";
    case 5:
      return "Decimal(" + as_decimal().ToString() + ")";
    case 6:
      std::snprintf(buf, sizeof(buf), "Float32(%.9g)", static_cast<double>(as_float32()));
      return buf;
    case 7:
      std::snprintf(buf, sizeof(buf), "Float64(%.17g)", as_float64());
      return buf;
    case 8:
      return "Varchar(\"" + as_string() + "\")";
    case 9: {
      std::string s = "Bytea(\\x";
      for (unsigned char c : as_bytes()) {
        std::snprintf(buf, sizeof(buf), "%02x", c);
        s += buf;
      }
      return s + ")";
    }
    case 10:
      return "Date(" + std::to_string(as_date().days) + " days)";
    case 11:
      return "Time(" + std::to_string(as_time().micros) + " us)";
    case 12:
      return "Timestamp(" + std::to_string(as_timestamp().micros) + " us)";
    case 13:
      return "Timestamptz(" + std::to_string(as_timestamptz().micros) + " us)";
    case 14: {
      Interval iv = as_interval();
      return "Interval(" + std::to_string(iv.months) + " months, " + std::to_string(iv.days) +
             " days, " + std::to_string(iv.micros) + " us)";
    }
    case 15:
      return "Jsonb(" + as_jsonb().ToString() + ")";
    case 16:
    case 17: {
      bool is_struct = rep_.index() == 16;
      std::string s = is_struct ? "Struct(" : "List[";
      const auto& v = is_struct ? as_struct() : as_list();
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) s += ", ";
        s += v[i].DebugString();
      }
      return s + (is_struct ? ")" : "]");
    }
  }
  return "?";
}

}  // namespace dynasink::types
