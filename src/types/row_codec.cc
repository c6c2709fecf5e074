#include "types/row_codec.h"

#include <bit>
#include <cstring>

#include "types/binary_io.h"
#include "types/datetime.h"

namespace dynasink::types {

namespace {

using binary::GetByte;
using binary::GetFixed32;
using binary::GetFixed64;
using binary::GetLengthPrefixed;
using binary::GetVarint128;
using binary::GetVarint64;
using binary::PutFixed32;
using binary::PutFixed64;
using binary::PutLengthPrefixed;
using binary::PutVarint128;
using binary::PutVarint64;
using binary::UnZigZag;
using binary::ZigZag;

constexpr int kMaxJsonbDepth = 1000;

Status Mismatch(const DataType& type, const Value& v) {
  return Status::InvalidArgument("row value " + v.DebugString() + " does not match column type " +
                                 type.ToString());
}

Status Corrupt(const char* what) {
  return Status::Corruption(std::string("bad row: ") + what);
}

// ---------------------------------------------------------------------------------------------
// numeric: header byte = kind (bits 0-1) | negative (bit 2) | big form (bit 3).

void EncodeDecimal(const Decimal& d, std::string* out) {
  uint8_t header = static_cast<uint8_t>(d.kind());
  if (!d.is_finite()) {
    out->push_back(static_cast<char>(header));
    return;
  }
  if (d.sign() < 0) header |= 4;
  std::optional<unsigned __int128> small = d.SmallCoefficient();
  if (!small) header |= 8;
  out->push_back(static_cast<char>(header));
  PutVarint64(static_cast<uint64_t>(d.scale()), out);
  if (small) {
    PutVarint128(*small, out);
    return;
  }
  std::string digits = d.CoefficientDigits();
  PutVarint64(digits.size(), out);
  for (size_t i = 0; i < digits.size(); i += 2) {
    uint8_t hi = static_cast<uint8_t>(digits[i] - '0');
    uint8_t lo = i + 1 < digits.size() ? static_cast<uint8_t>(digits[i + 1] - '0') : 0;
    out->push_back(static_cast<char>((hi << 4) | lo));
  }
}

bool DecodeDecimal(std::string_view* in, Decimal* out) {
  uint8_t header;
  if (!GetByte(in, &header) || header > 15) return false;
  auto kind = static_cast<Decimal::Kind>(header & 3);
  if (kind != Decimal::Kind::kFinite) {
    if (header > 3) return false;
    *out = kind == Decimal::Kind::kNaN                ? Decimal::NaN()
           : kind == Decimal::Kind::kPositiveInfinity ? Decimal::Infinity()
                                                      : Decimal::NegativeInfinity();
    return true;
  }
  bool negative = (header & 4) != 0;
  uint64_t scale;
  if (!GetVarint64(in, &scale) || scale > static_cast<uint64_t>(Decimal::kMaxScale)) return false;
  if ((header & 8) == 0) {
    unsigned __int128 c;
    if (!GetVarint128(in, &c)) return false;
    if (negative && c == 0) return false;
    *out = Decimal::FromUint128(c, negative, static_cast<int32_t>(scale));
    return true;
  }
  uint64_t n;
  if (!GetVarint64(in, &n) || n == 0 || (n + 1) / 2 > in->size()) return false;
  std::string digits;
  digits.resize(n);
  for (uint64_t i = 0; i < n; i += 2) {
    uint8_t b = static_cast<uint8_t>((*in)[i / 2]);
    uint8_t hi = b >> 4, lo = b & 15;
    if (hi > 9 || lo > 9 || (i + 1 == n && lo != 0)) return false;
    digits[i] = static_cast<char>('0' + hi);
    if (i + 1 < n) digits[i + 1] = static_cast<char>('0' + lo);
  }
  in->remove_prefix((n + 1) / 2);
  auto d = Decimal::FromDigits(negative, digits, static_cast<int32_t>(scale));
  if (!d.ok()) return false;
  *out = std::move(*d);
  return true;
}

// ---------------------------------------------------------------------------------------------
// jsonb: a tag byte, then the payload.

enum JsonTag : uint8_t { kJNull, kJFalse, kJTrue, kJNumber, kJString, kJArray, kJObject };

void EncodeJsonb(const Jsonb& j, std::string* out) {
  switch (j.kind()) {
    case Jsonb::Kind::kNull:
      out->push_back(static_cast<char>(kJNull));
      return;
    case Jsonb::Kind::kBool:
      out->push_back(static_cast<char>(j.as_bool() ? kJTrue : kJFalse));
      return;
    case Jsonb::Kind::kNumber:
      out->push_back(static_cast<char>(kJNumber));
      EncodeDecimal(j.as_number(), out);
      return;
    case Jsonb::Kind::kString:
      out->push_back(static_cast<char>(kJString));
      PutLengthPrefixed(j.as_string(), out);
      return;
    case Jsonb::Kind::kArray:
      out->push_back(static_cast<char>(kJArray));
      PutVarint64(j.elements().size(), out);
      for (const Jsonb& e : j.elements())
        EncodeJsonb(e, out);
      return;
    case Jsonb::Kind::kObject:
      out->push_back(static_cast<char>(kJObject));
      PutVarint64(j.members().size(), out);
      for (const Jsonb::Member& m : j.members()) {
        PutLengthPrefixed(m.first, out);
        EncodeJsonb(m.second, out);
      }
      return;
  }
}

bool DecodeJsonb(std::string_view* in, int depth, Jsonb* out) {
  if (depth > kMaxJsonbDepth) return false;
  uint8_t tag;
  if (!GetByte(in, &tag)) return false;
  switch (tag) {
    case kJNull:
      *out = Jsonb::Null();
      return true;
    case kJFalse:
    case kJTrue:
      *out = Jsonb::Bool(tag == kJTrue);
      return true;
    case kJNumber: {
      Decimal d;
      if (!DecodeDecimal(in, &d) || !d.is_finite()) return false;
      *out = Jsonb::Number(std::move(d));
      return true;
    }
    case kJString: {
      std::string_view s;
      if (!GetLengthPrefixed(in, &s)) return false;
      *out = Jsonb::String(std::string(s));
      return true;
    }
    case kJArray: {
      uint64_t n;
      if (!GetVarint64(in, &n) || n > in->size()) return false;  // each element takes a byte
      std::vector<Jsonb> elements(n);
      for (uint64_t i = 0; i < n; ++i) {
        if (!DecodeJsonb(in, depth + 1, &elements[i])) return false;
      }
      *out = Jsonb::Array(std::move(elements));
      return true;
    }
    case kJObject: {
      uint64_t n;
      if (!GetVarint64(in, &n) || n > in->size() / 2) return false;  // key length + tag
      std::vector<Jsonb::Member> members;
      members.reserve(n);
      for (uint64_t i = 0; i < n; ++i) {
        std::string_view key;
        if (!GetLengthPrefixed(in, &key)) return false;
        members.emplace_back(std::string(key), Jsonb());
        if (!DecodeJsonb(in, depth + 1, &members.back().second)) return false;
      }
      *out = Jsonb::Object(std::move(members));
      return true;
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------

Status EncodeValues(const std::vector<Value>& values, const std::vector<StructField>* fields,
                    const DataType* element, std::string* out);

Status EncodeValue(const Value& v, const DataType& type, std::string* out) {
  switch (type.id()) {
    case TypeId::kBoolean:
      if (!v.holds<bool>()) return Mismatch(type, v);
      out->push_back(v.as_bool() ? 1 : 0);
      return Status::OK();
    case TypeId::kInt16:
      if (!v.holds<int16_t>()) return Mismatch(type, v);
      PutVarint64(ZigZag(v.as_int16()), out);
      return Status::OK();
    case TypeId::kInt32:
      if (!v.holds<int32_t>()) return Mismatch(type, v);
      PutVarint64(ZigZag(v.as_int32()), out);
      return Status::OK();
    case TypeId::kInt64:
    case TypeId::kSerial:
      if (!v.holds<int64_t>()) return Mismatch(type, v);
      PutVarint64(ZigZag(v.as_int64()), out);
      return Status::OK();
    case TypeId::kDecimal:
      if (!v.holds<Decimal>()) return Mismatch(type, v);
      EncodeDecimal(v.as_decimal(), out);
      return Status::OK();
    case TypeId::kFloat32:
      if (!v.holds<float>()) return Mismatch(type, v);
      PutFixed32(std::bit_cast<uint32_t>(v.as_float32()), out);
      return Status::OK();
    case TypeId::kFloat64:
      if (!v.holds<double>()) return Mismatch(type, v);
      PutFixed64(std::bit_cast<uint64_t>(v.as_float64()), out);
      return Status::OK();
    case TypeId::kVarchar:
    case TypeId::kUnknown:
      if (!v.holds<std::string>()) return Mismatch(type, v);
      PutLengthPrefixed(v.as_string(), out);
      return Status::OK();
    case TypeId::kBytea:
      if (!v.holds<Bytes>()) return Mismatch(type, v);
      PutLengthPrefixed(v.as_bytes(), out);
      return Status::OK();
    case TypeId::kDate:
      if (!v.holds<Date>()) return Mismatch(type, v);
      PutVarint64(ZigZag(v.as_date().days), out);
      return Status::OK();
    case TypeId::kTime:
      if (!v.holds<Time>()) return Mismatch(type, v);
      PutFixed64(static_cast<uint64_t>(v.as_time().micros), out);
      return Status::OK();
    case TypeId::kTimestamp:
      if (!v.holds<Timestamp>()) return Mismatch(type, v);
      PutFixed64(static_cast<uint64_t>(v.as_timestamp().micros), out);
      return Status::OK();
    case TypeId::kTimestamptz:
      if (!v.holds<Timestamptz>()) return Mismatch(type, v);
      PutFixed64(static_cast<uint64_t>(v.as_timestamptz().micros), out);
      return Status::OK();
    case TypeId::kInterval: {
      if (!v.holds<Interval>()) return Mismatch(type, v);
      Interval iv = v.as_interval();
      PutVarint64(ZigZag(iv.months), out);
      PutVarint64(ZigZag(iv.days), out);
      PutVarint64(ZigZag(iv.micros), out);
      return Status::OK();
    }
    case TypeId::kJsonb:
      if (!v.holds<Jsonb>()) return Mismatch(type, v);
      EncodeJsonb(v.as_jsonb(), out);
      return Status::OK();
    case TypeId::kStruct:
      if (!v.holds<StructValue>() || v.as_struct().size() != type.fields().size()) {
        return Mismatch(type, v);
      }
      return EncodeValues(v.as_struct(), &type.fields(), nullptr, out);
    case TypeId::kList:
      if (!v.holds<ListValue>()) return Mismatch(type, v);
      PutVarint64(v.as_list().size(), out);
      return EncodeValues(v.as_list(), nullptr, &type.element(), out);
  }
  return Mismatch(type, v);
}

// The null bitmap, then every non-NULL value; types come from `fields` or are all `element`.
Status EncodeValues(const std::vector<Value>& values, const std::vector<StructField>* fields,
                    const DataType* element, std::string* out) {
  size_t bitmap_at = out->size();
  out->append((values.size() + 7) / 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].is_null()) {
      (*out)[bitmap_at + i / 8] = static_cast<char>((*out)[bitmap_at + i / 8] | (1 << (i % 8)));
      continue;
    }
    const DataType& t = fields != nullptr ? *(*fields)[i].type : *element;
    DS_RETURN_IF_ERROR(EncodeValue(values[i], t, out));
  }
  return Status::OK();
}

Status DecodeValues(std::string_view* in, size_t count, size_t present,
                    const std::vector<StructField>* fields, const DataType* element,
                    std::vector<Value>* out);

Status DecodeValue(std::string_view* in, const DataType& type, Value* out) {
  uint64_t u;
  switch (type.id()) {
    case TypeId::kBoolean: {
      uint8_t b;
      if (!GetByte(in, &b) || b > 1) return Corrupt("boolean");
      *out = Value::Boolean(b == 1);
      return Status::OK();
    }
    case TypeId::kInt16: {
      if (!GetVarint64(in, &u)) return Corrupt("smallint");
      int64_t v = UnZigZag(u);
      if (v < INT16_MIN || v > INT16_MAX) return Corrupt("smallint");
      *out = Value::Int16(static_cast<int16_t>(v));
      return Status::OK();
    }
    case TypeId::kInt32: {
      if (!GetVarint64(in, &u)) return Corrupt("integer");
      int64_t v = UnZigZag(u);
      if (v < INT32_MIN || v > INT32_MAX) return Corrupt("integer");
      *out = Value::Int32(static_cast<int32_t>(v));
      return Status::OK();
    }
    case TypeId::kInt64:
    case TypeId::kSerial:
      if (!GetVarint64(in, &u)) return Corrupt("bigint");
      *out = Value::Int64(UnZigZag(u));
      return Status::OK();
    case TypeId::kDecimal: {
      Decimal d;
      if (!DecodeDecimal(in, &d)) return Corrupt("numeric");
      *out = Value::Numeric(std::move(d));
      return Status::OK();
    }
    case TypeId::kFloat32: {
      uint32_t bits;
      if (!GetFixed32(in, &bits)) return Corrupt("real");
      *out = Value::Float32(std::bit_cast<float>(bits));
      return Status::OK();
    }
    case TypeId::kFloat64:
      if (!GetFixed64(in, &u)) return Corrupt("double precision");
      *out = Value::Float64(std::bit_cast<double>(u));
      return Status::OK();
    case TypeId::kVarchar:
    case TypeId::kUnknown:
    case TypeId::kBytea: {
      std::string_view s;
      if (!GetLengthPrefixed(in, &s)) return Corrupt("string");
      *out = type.id() == TypeId::kBytea ? Value::Bytea(std::string(s))
                                         : Value::Varchar(std::string(s));
      return Status::OK();
    }
    case TypeId::kDate: {
      if (!GetVarint64(in, &u)) return Corrupt("date");
      int64_t d = UnZigZag(u);
      if (!IsValidDateDays(d)) return Corrupt("date");
      *out = Value::DateV(Date{static_cast<int32_t>(d)});
      return Status::OK();
    }
    case TypeId::kTime: {
      if (!GetFixed64(in, &u)) return Corrupt("time");
      int64_t t = static_cast<int64_t>(u);
      if (t < 0 || t > kMicrosPerDay) return Corrupt("time");
      *out = Value::TimeV(Time{t});
      return Status::OK();
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz: {
      if (!GetFixed64(in, &u)) return Corrupt("timestamp");
      int64_t t = static_cast<int64_t>(u);
      if (!IsValidTimestamp(t)) return Corrupt("timestamp");
      *out = type.id() == TypeId::kTimestamp ? Value::TimestampV(Timestamp{t})
                                             : Value::TimestamptzV(Timestamptz{t});
      return Status::OK();
    }
    case TypeId::kInterval: {
      uint64_t m, d, us;
      if (!GetVarint64(in, &m) || !GetVarint64(in, &d) || !GetVarint64(in, &us)) {
        return Corrupt("interval");
      }
      int64_t months = UnZigZag(m), days = UnZigZag(d);
      if (months < INT32_MIN || months > INT32_MAX || days < INT32_MIN || days > INT32_MAX) {
        return Corrupt("interval");
      }
      *out = Value::IntervalV(
          Interval{static_cast<int32_t>(months), static_cast<int32_t>(days), UnZigZag(us)});
      return Status::OK();
    }
    case TypeId::kJsonb: {
      Jsonb j;
      if (!DecodeJsonb(in, 0, &j)) return Corrupt("jsonb");
      *out = Value::JsonbV(std::move(j));
      return Status::OK();
    }
    case TypeId::kStruct: {
      std::vector<Value> fields;
      size_t n = type.fields().size();
      DS_RETURN_IF_ERROR(DecodeValues(in, n, n, &type.fields(), nullptr, &fields));
      *out = Value::Struct(std::move(fields));
      return Status::OK();
    }
    case TypeId::kList: {
      // Each element takes at least a bitmap bit, which bounds the count by the input.
      if (!GetVarint64(in, &u) || u / 8 > in->size()) return Corrupt("array length");
      std::vector<Value> elements;
      DS_RETURN_IF_ERROR(DecodeValues(in, u, u, nullptr, &type.element(), &elements));
      *out = Value::List(std::move(elements));
      return Status::OK();
    }
  }
  return Corrupt("unknown column type");
}

// Reads a bitmap for `present` values and decodes them; values from `present` to `count` are
// NULL (columns added after the row was written).
Status DecodeValues(std::string_view* in, size_t count, size_t present,
                    const std::vector<StructField>* fields, const DataType* element,
                    std::vector<Value>* out) {
  size_t bitmap_len = (present + 7) / 8;
  if (in->size() < bitmap_len) return Corrupt("truncated null bitmap");
  std::string_view bitmap = in->substr(0, bitmap_len);
  in->remove_prefix(bitmap_len);
  out->clear();
  out->resize(count);
  for (size_t i = 0; i < present; ++i) {
    if ((static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1) continue;
    const DataType& t = fields != nullptr ? *(*fields)[i].type : *element;
    DS_RETURN_IF_ERROR(DecodeValue(in, t, &(*out)[i]));
  }
  // Unused bits of the last bitmap byte must be clear, so each row has one encoding.
  if (present % 8 != 0 && (static_cast<uint8_t>(bitmap.back()) >> (present % 8)) != 0) {
    return Corrupt("null bitmap padding");
  }
  return Status::OK();
}

}  // namespace

Status EncodeRow(const Row& row, const std::vector<DataType>& types, std::string* out) {
  if (row.size() != types.size()) {
    return Status::InvalidArgument("row has " + std::to_string(row.size()) +
                                   " values but the schema has " + std::to_string(types.size()) +
                                   " columns");
  }
  size_t start = out->size();
  out->push_back(static_cast<char>(kRowFormatVersion));
  PutVarint64(row.size(), out);
  size_t bitmap_at = out->size();
  out->append((row.size() + 7) / 8, '\0');
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i].is_null()) {
      (*out)[bitmap_at + i / 8] = static_cast<char>((*out)[bitmap_at + i / 8] | (1 << (i % 8)));
      continue;
    }
    Status s = EncodeValue(row[i], types[i], out);
    if (!s.ok()) {
      out->resize(start);
      return s.WithContext("column " + std::to_string(i + 1));
    }
  }
  return Status::OK();
}

Status DecodeRow(std::string_view data, const std::vector<DataType>& types, Row* row) {
  uint8_t version;
  if (!GetByte(&data, &version)) return Corrupt("empty");
  if (version != kRowFormatVersion) {
    return Status::Corruption("bad row: unknown format version " + std::to_string(version));
  }
  uint64_t n;
  if (!GetVarint64(&data, &n)) return Corrupt("column count");
  if (n > types.size()) {
    return Status::Corruption("bad row: " + std::to_string(n) + " columns for a schema of " +
                              std::to_string(types.size()));
  }
  row->clear();
  row->resize(types.size());
  size_t bitmap_len = (n + 7) / 8;
  if (data.size() < bitmap_len) return Corrupt("truncated null bitmap");
  std::string_view bitmap = data.substr(0, bitmap_len);
  data.remove_prefix(bitmap_len);
  for (size_t i = 0; i < n; ++i) {
    if ((static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1) continue;
    DS_RETURN_IF_ERROR(DecodeValue(&data, types[i], &(*row)[i]));
  }
  if (n % 8 != 0 && (static_cast<uint8_t>(bitmap.back()) >> (n % 8)) != 0) {
    return Corrupt("null bitmap padding");
  }
  if (!data.empty()) return Corrupt("trailing bytes");
  return Status::OK();
}

Result<Row> DecodeRow(std::string_view data, const std::vector<DataType>& types) {
  Row row;
  DS_RETURN_IF_ERROR(DecodeRow(data, types, &row));
  return row;
}

}  // namespace dynasink::types
