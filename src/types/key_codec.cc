#include "types/key_codec.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "types/datetime.h"

namespace dynasink::types {

namespace {

constexpr uint8_t kValueMarker = 0x01;
constexpr uint8_t kNullFirstMarker = 0x00;
constexpr uint8_t kNullLastMarker = 0x02;

// Numeric classes, in order.
enum : uint8_t { kNegInf = 1, kNegative, kZero, kPositive, kPosInf, kNaN };

bool NullsFirst(const KeyColumn& c) {
  switch (c.nulls) {
    case KeyColumn::Nulls::kFirst:
      return true;
    case KeyColumn::Nulls::kLast:
      return false;
    case KeyColumn::Nulls::kDefault:
      break;
  }
  return c.descending;
}

void PutBigEndian(uint64_t v, int bytes, std::string* out) {
  char buf[8];
  for (int i = 0; i < bytes; ++i)
    buf[i] = static_cast<char>(v >> (8 * (bytes - 1 - i)));
  out->append(buf, static_cast<size_t>(bytes));
}

// Two's complement with the sign bit flipped sorts as unsigned.
void PutSigned(int64_t v, int bytes, std::string* out) {
  uint64_t u = static_cast<uint64_t>(v) ^ (uint64_t{1} << (8 * bytes - 1));
  PutBigEndian(u, bytes, out);
}

uint64_t FloatKeyBits(uint64_t bits, int width) {
  uint64_t sign = uint64_t{1} << (width - 1);
  return (bits & sign) ? ~bits & (width == 64 ? ~uint64_t{0} : (sign << 1) - 1) : bits | sign;
}

// Significant digits (no trailing zeros) and the exponent of the leading digit.
void DecimalDigits(const Decimal& d, std::string* digits, int32_t* exponent) {
  std::optional<unsigned __int128> small = d.SmallCoefficient();
  if (small) {
    unsigned __int128 c = *small;
    while (c % 10 == 0)
      c /= 10;
    char buf[40];
    int n = 0;
    while (c != 0) {
      buf[n++] = static_cast<char>('0' + static_cast<int>(c % 10));
      c /= 10;
    }
    digits->assign(buf, static_cast<size_t>(n));
    for (int i = 0; i < n / 2; ++i)
      std::swap((*digits)[i], (*digits)[n - 1 - i]);
  } else {
    *digits = d.CoefficientDigits();
    while (!digits->empty() && digits->back() == '0')
      digits->pop_back();
  }
  *exponent = d.Exponent();
}

void AppendDecimal(const Decimal& d, std::string* out) {
  switch (d.kind()) {
    case Decimal::Kind::kNaN:
      out->push_back(static_cast<char>(kNaN));
      return;
    case Decimal::Kind::kPositiveInfinity:
      out->push_back(static_cast<char>(kPosInf));
      return;
    case Decimal::Kind::kNegativeInfinity:
      out->push_back(static_cast<char>(kNegInf));
      return;
    case Decimal::Kind::kFinite:
      break;
  }
  if (d.is_zero()) {
    out->push_back(static_cast<char>(kZero));
    return;
  }
  bool neg = d.sign() < 0;
  out->push_back(static_cast<char>(neg ? kNegative : kPositive));
  std::string digits;
  int32_t exponent;
  DecimalDigits(d, &digits, &exponent);
  size_t start = out->size();
  PutSigned(exponent, 4, out);
  // Two digits per byte as 1 + (10 * d1 + d2), so that every byte is above the 0x00
  // terminator; a lone last digit is padded with 0, which cannot be confused with a real
  // digit because trailing zeros are stripped.
  for (size_t i = 0; i < digits.size(); i += 2) {
    int d1 = digits[i] - '0';
    int d2 = i + 1 < digits.size() ? digits[i + 1] - '0' : 0;
    out->push_back(static_cast<char>(1 + d1 * 10 + d2));
  }
  out->push_back('\0');
  // A larger magnitude is a smaller negative number: invert exponent, digits and terminator.
  if (neg) {
    for (size_t i = start; i < out->size(); ++i)
      (*out)[i] = static_cast<char>(~(*out)[i]);
  }
}

void AppendEscaped(std::string_view s, std::string* out) {
  while (!s.empty()) {
    const void* z = std::memchr(s.data(), 0, s.size());
    if (z == nullptr) {
      out->append(s);
      break;
    }
    size_t n = static_cast<size_t>(static_cast<const char*>(z) - s.data());
    out->append(s.data(), n);
    out->push_back('\0');
    out->push_back('\xff');
    s.remove_prefix(n + 1);
  }
  out->push_back('\0');
  out->push_back('\x01');
}

Status NotKeyable(const DataType& type) {
  return Status::NotSupported("a column of type " + type.ToString() +
                              " cannot be part of a key (primary keys and sort keys must be "
                              "scalar types other than jsonb)");
}

Status AppendPayload(const Value& v, const DataType& type, std::string* out) {
  auto mismatch = [&] {
    return Status::InvalidArgument("key value " + v.DebugString() + " does not match type " +
                                   type.ToString());
  };
  switch (type.id()) {
    case TypeId::kBoolean:
      if (!v.holds<bool>()) return mismatch();
      out->push_back(v.as_bool() ? 1 : 0);
      return Status::OK();
    case TypeId::kInt16:
      if (!v.holds<int16_t>()) return mismatch();
      PutSigned(v.as_int16(), 2, out);
      return Status::OK();
    case TypeId::kInt32:
      if (!v.holds<int32_t>()) return mismatch();
      PutSigned(v.as_int32(), 4, out);
      return Status::OK();
    case TypeId::kInt64:
    case TypeId::kSerial:
      if (!v.holds<int64_t>()) return mismatch();
      PutSigned(v.as_int64(), 8, out);
      return Status::OK();
    case TypeId::kDecimal:
      if (!v.holds<Decimal>()) return mismatch();
      AppendDecimal(v.as_decimal(), out);
      return Status::OK();
    case TypeId::kFloat32: {
      if (!v.holds<float>()) return mismatch();
      float f = v.as_float32();
      if (f == 0) f = 0;  // -0 equals 0
      uint32_t bits = std::isnan(f) ? 0x7FC00000u : std::bit_cast<uint32_t>(f);
      PutBigEndian(FloatKeyBits(bits, 32), 4, out);
      return Status::OK();
    }
    case TypeId::kFloat64: {
      if (!v.holds<double>()) return mismatch();
      double d = v.as_float64();
      if (d == 0) d = 0;
      uint64_t bits = std::isnan(d) ? 0x7FF8000000000000ULL : std::bit_cast<uint64_t>(d);
      PutBigEndian(FloatKeyBits(bits, 64), 8, out);
      return Status::OK();
    }
    case TypeId::kVarchar:
    case TypeId::kUnknown:
      if (!v.holds<std::string>()) return mismatch();
      AppendEscaped(v.as_string(), out);
      return Status::OK();
    case TypeId::kBytea:
      if (!v.holds<Bytes>()) return mismatch();
      AppendEscaped(v.as_bytes(), out);
      return Status::OK();
    case TypeId::kDate:
      if (!v.holds<Date>()) return mismatch();
      PutSigned(v.as_date().days, 4, out);
      return Status::OK();
    case TypeId::kTime:
      if (!v.holds<Time>()) return mismatch();
      PutSigned(v.as_time().micros, 8, out);
      return Status::OK();
    case TypeId::kTimestamp:
      if (!v.holds<Timestamp>()) return mismatch();
      PutSigned(v.as_timestamp().micros, 8, out);
      return Status::OK();
    case TypeId::kTimestamptz:
      if (!v.holds<Timestamptz>()) return mismatch();
      PutSigned(v.as_timestamptz().micros, 8, out);
      return Status::OK();
    case TypeId::kInterval: {
      if (!v.holds<Interval>()) return mismatch();
      auto span = static_cast<unsigned __int128>(IntervalSpanMicros(v.as_interval()));
      span ^= static_cast<unsigned __int128>(1) << 127;
      PutBigEndian(static_cast<uint64_t>(span >> 64), 8, out);
      PutBigEndian(static_cast<uint64_t>(span), 8, out);
      return Status::OK();
    }
    case TypeId::kJsonb:
    case TypeId::kStruct:
    case TypeId::kList:
      return NotKeyable(type);
  }
  return NotKeyable(type);
}

// Reads bytes of one column, undoing the descending inversion on the fly.
class Reader {
 public:
  Reader(std::string_view* in, bool invert) : in_(in), mask_(invert ? 0xFF : 0) {}
  bool Byte(uint8_t* b) {
    if (in_->empty()) return false;
    *b = static_cast<uint8_t>(in_->front()) ^ mask_;
    in_->remove_prefix(1);
    return true;
  }
  bool BigEndian(int bytes, uint64_t* v) {
    if (in_->size() < static_cast<size_t>(bytes)) return false;
    uint64_t r = 0;
    for (int i = 0; i < bytes; ++i)
      r = (r << 8) | (static_cast<uint8_t>((*in_)[i]) ^ mask_);
    in_->remove_prefix(static_cast<size_t>(bytes));
    *v = r;
    return true;
  }
  bool Signed(int bytes, int64_t* v) {
    uint64_t u;
    if (!BigEndian(bytes, &u)) return false;
    u ^= uint64_t{1} << (8 * bytes - 1);
    // Sign-extend from `bytes` bytes.
    int shift = 64 - 8 * bytes;
    *v = static_cast<int64_t>(u << shift) >> shift;
    return true;
  }
  bool Escaped(std::string* s) {
    s->clear();
    while (true) {
      uint8_t b;
      if (!Byte(&b)) return false;
      if (b != 0) {
        s->push_back(static_cast<char>(b));
        continue;
      }
      if (!Byte(&b)) return false;
      if (b == 0x01) return true;
      if (b != 0xFF) return false;
      s->push_back('\0');
    }
  }

 private:
  std::string_view* in_;
  uint8_t mask_;
};

Status Corrupt(const char* what) {
  return Status::Corruption(std::string("bad key: ") + what);
}

Status ReadDecimal(Reader* r, Value* out) {
  uint8_t cls;
  if (!r->Byte(&cls)) return Corrupt("numeric");
  switch (cls) {
    case kNegInf:
      *out = Value::Numeric(Decimal::NegativeInfinity());
      return Status::OK();
    case kPosInf:
      *out = Value::Numeric(Decimal::Infinity());
      return Status::OK();
    case kNaN:
      *out = Value::Numeric(Decimal::NaN());
      return Status::OK();
    case kZero:
      *out = Value::Numeric(Decimal());
      return Status::OK();
    case kNegative:
    case kPositive:
      break;
    default:
      return Corrupt("numeric class");
  }
  bool neg = cls == kNegative;
  uint8_t flip = neg ? 0xFF : 0;
  uint64_t e;
  if (!r->BigEndian(4, &e)) return Corrupt("numeric exponent");
  if (neg) e = ~e & 0xFFFFFFFFu;
  int64_t exponent = static_cast<int32_t>(static_cast<uint32_t>(e) ^ 0x80000000u);
  std::string digits;
  while (true) {
    uint8_t b;
    if (!r->Byte(&b)) return Corrupt("numeric digits");
    b ^= flip;
    if (b == 0) break;
    if (b > 100) return Corrupt("numeric digit");
    digits.push_back(static_cast<char>('0' + (b - 1) / 10));
    digits.push_back(static_cast<char>('0' + (b - 1) % 10));
    if (digits.size() > 2 * static_cast<size_t>(Decimal::kMaxIntegerDigits + Decimal::kMaxScale)) {
      return Corrupt("numeric too long");
    }
  }
  if (!digits.empty() && digits.back() == '0') digits.pop_back();  // odd-length padding
  if (digits.empty() || digits[0] == '0') return Corrupt("numeric digits");
  // value = 0.d1d2...dn * 10^(exponent + 1)
  int64_t scale = static_cast<int64_t>(digits.size()) - 1 - exponent;
  if (scale < 0) {
    if (-scale > Decimal::kMaxIntegerDigits) return Corrupt("numeric exponent");
    digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  if (scale > Decimal::kMaxScale) return Corrupt("numeric exponent");
  auto d = Decimal::FromDigits(neg, digits, static_cast<int32_t>(scale));
  if (!d.ok()) return Corrupt("numeric value");
  *out = Value::Numeric(std::move(*d));
  return Status::OK();
}

// The canonical interval of a span: time below one day, days below 30, the rest in months,
// spilling back into days and time when months would overflow.
bool IntervalFromSpan(__int128 span, Interval* out) {
  __int128 day = kMicrosPerDay;
  __int128 micros = span % day;
  __int128 days = span / day;
  __int128 months = days / kDaysPerMonth;
  days -= months * kDaysPerMonth;
  if (months > INT32_MAX || months < INT32_MIN) {
    __int128 m = months > 0 ? INT32_MAX : INT32_MIN;
    days += (months - m) * kDaysPerMonth;
    months = m;
  }
  if (days > INT32_MAX || days < INT32_MIN) {
    __int128 d = days > 0 ? INT32_MAX : INT32_MIN;
    micros += (days - d) * day;
    days = d;
  }
  if (micros > INT64_MAX || micros < INT64_MIN) return false;
  *out = Interval{static_cast<int32_t>(months), static_cast<int32_t>(days),
                  static_cast<int64_t>(micros)};
  return true;
}

Status ReadPayload(Reader* r, const DataType& type, Value* out) {
  int64_t v;
  uint64_t u;
  switch (type.id()) {
    case TypeId::kBoolean: {
      uint8_t b;
      if (!r->Byte(&b) || b > 1) return Corrupt("boolean");
      *out = Value::Boolean(b == 1);
      return Status::OK();
    }
    case TypeId::kInt16:
      if (!r->Signed(2, &v)) return Corrupt("smallint");
      *out = Value::Int16(static_cast<int16_t>(v));
      return Status::OK();
    case TypeId::kInt32:
      if (!r->Signed(4, &v)) return Corrupt("integer");
      *out = Value::Int32(static_cast<int32_t>(v));
      return Status::OK();
    case TypeId::kInt64:
    case TypeId::kSerial:
      if (!r->Signed(8, &v)) return Corrupt("bigint");
      *out = Value::Int64(v);
      return Status::OK();
    case TypeId::kDecimal:
      return ReadDecimal(r, out);
    case TypeId::kFloat32: {
      if (!r->BigEndian(4, &u)) return Corrupt("real");
      uint32_t k = static_cast<uint32_t>(u);
      uint32_t bits = (k & 0x80000000u) ? (k & 0x7FFFFFFFu) : ~k;
      *out = Value::Float32(std::bit_cast<float>(bits));
      return Status::OK();
    }
    case TypeId::kFloat64: {
      if (!r->BigEndian(8, &u)) return Corrupt("double precision");
      uint64_t bits = (u & (uint64_t{1} << 63)) ? (u & ~(uint64_t{1} << 63)) : ~u;
      *out = Value::Float64(std::bit_cast<double>(bits));
      return Status::OK();
    }
    case TypeId::kVarchar:
    case TypeId::kUnknown:
    case TypeId::kBytea: {
      std::string s;
      if (!r->Escaped(&s)) return Corrupt("string");
      *out =
          type.id() == TypeId::kBytea ? Value::Bytea(std::move(s)) : Value::Varchar(std::move(s));
      return Status::OK();
    }
    case TypeId::kDate:
      if (!r->Signed(4, &v) || !IsValidDateDays(v)) return Corrupt("date");
      *out = Value::DateV(Date{static_cast<int32_t>(v)});
      return Status::OK();
    case TypeId::kTime:
      if (!r->Signed(8, &v) || v < 0 || v > kMicrosPerDay) return Corrupt("time");
      *out = Value::TimeV(Time{v});
      return Status::OK();
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
      if (!r->Signed(8, &v) || !IsValidTimestamp(v)) return Corrupt("timestamp");
      *out = type.id() == TypeId::kTimestamp ? Value::TimestampV(Timestamp{v})
                                             : Value::TimestamptzV(Timestamptz{v});
      return Status::OK();
    case TypeId::kInterval: {
      uint64_t hi, lo;
      if (!r->BigEndian(8, &hi) || !r->BigEndian(8, &lo)) return Corrupt("interval");
      unsigned __int128 span = (static_cast<unsigned __int128>(hi) << 64) | lo;
      span ^= static_cast<unsigned __int128>(1) << 127;
      Interval iv;
      if (!IntervalFromSpan(static_cast<__int128>(span), &iv)) return Corrupt("interval");
      *out = Value::IntervalV(iv);
      return Status::OK();
    }
    case TypeId::kJsonb:
    case TypeId::kStruct:
    case TypeId::kList:
      return NotKeyable(type);
  }
  return NotKeyable(type);
}

}  // namespace

bool IsKeyableType(const DataType& type) {
  return type.id() != TypeId::kJsonb && !type.is_nested();
}

Status AppendKeyValue(const Value& value, const KeyColumn& column, std::string* out) {
  if (!IsKeyableType(column.type)) return NotKeyable(column.type);
  if (value.is_null()) {
    out->push_back(static_cast<char>(NullsFirst(column) ? kNullFirstMarker : kNullLastMarker));
    return Status::OK();
  }
  out->push_back(static_cast<char>(kValueMarker));
  size_t start = out->size();
  Status s = AppendPayload(value, column.type, out);
  if (!s.ok()) {
    out->resize(start - 1);
    return s;
  }
  if (column.descending) {
    for (size_t i = start; i < out->size(); ++i)
      (*out)[i] = static_cast<char>(~(*out)[i]);
  }
  return Status::OK();
}

Status EncodeKey(const std::vector<Value>& values, const std::vector<KeyColumn>& columns,
                 std::string* out) {
  if (values.size() != columns.size()) {
    return Status::InvalidArgument("key has " + std::to_string(values.size()) + " values for " +
                                   std::to_string(columns.size()) + " columns");
  }
  for (size_t i = 0; i < values.size(); ++i) {
    DS_RETURN_IF_ERROR(AppendKeyValue(values[i], columns[i], out));
  }
  return Status::OK();
}

Status EncodeKey(const std::vector<Value>& values, const std::vector<DataType>& types,
                 std::string* out) {
  if (values.size() != types.size()) {
    return Status::InvalidArgument("key has " + std::to_string(values.size()) + " values for " +
                                   std::to_string(types.size()) + " columns");
  }
  KeyColumn column;
  for (size_t i = 0; i < values.size(); ++i) {
    column.type = types[i];
    DS_RETURN_IF_ERROR(AppendKeyValue(values[i], column, out));
  }
  return Status::OK();
}

Status ReadKeyValue(std::string_view* in, const KeyColumn& column, Value* value) {
  if (!IsKeyableType(column.type)) return NotKeyable(column.type);
  if (in->empty()) return Corrupt("truncated");
  uint8_t marker = static_cast<uint8_t>(in->front());
  in->remove_prefix(1);
  uint8_t null_marker = NullsFirst(column) ? kNullFirstMarker : kNullLastMarker;
  if (marker == null_marker) {
    *value = Value::Null();
    return Status::OK();
  }
  if (marker != kValueMarker) return Corrupt("marker");
  Reader r(in, column.descending);
  return ReadPayload(&r, column.type, value);
}

Result<std::vector<Value>> DecodeKey(std::string_view key, const std::vector<KeyColumn>& columns) {
  std::vector<Value> values(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    DS_RETURN_IF_ERROR(ReadKeyValue(&key, columns[i], &values[i]));
  }
  if (!key.empty()) return Corrupt("trailing bytes");
  return values;
}

Result<std::vector<Value>> DecodeKey(std::string_view key, const std::vector<DataType>& types) {
  std::vector<Value> values(types.size());
  KeyColumn column;
  for (size_t i = 0; i < types.size(); ++i) {
    column.type = types[i];
    DS_RETURN_IF_ERROR(ReadKeyValue(&key, column, &values[i]));
  }
  if (!key.empty()) return Corrupt("trailing bytes");
  return values;
}

}  // namespace dynasink::types
