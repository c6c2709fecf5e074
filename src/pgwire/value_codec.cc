#include "pgwire/value_codec.h"

#include <bit>
#include <cstring>

#include "types/text_format.h"

namespace dynasink::pgwire {
namespace {

using types::DataType;
using types::TypeId;
using types::Value;

// PostgreSQL counts dates and timestamps from 2000-01-01; dynasink from 1970-01-01.
constexpr int32_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * 86400 * 1000000;

constexpr uint16_t kNumericPos = 0x0000;
constexpr uint16_t kNumericNeg = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;
constexpr uint16_t kNumericPInf = 0xD000;
constexpr uint16_t kNumericNInf = 0xF000;

void PutU16(std::string* out, uint16_t v) {
  char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 2);
}
void PutU32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out->append(b, 4);
}
void PutU64(std::string* out, uint64_t v) {
  PutU32(out, static_cast<uint32_t>(v >> 32));
  PutU32(out, static_cast<uint32_t>(v));
}
uint64_t GetU(std::string_view b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

Status BadBinary(const DataType& type) {
  return Status::Sql("22P03", "incorrect binary data format for type " + type.ToString());
}

bool IsScalarBinary(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kSerial:
    case TypeId::kDecimal:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kVarchar:
    case TypeId::kBytea:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
    case TypeId::kInterval:
    case TypeId::kJsonb:
      return true;
    default:
      return false;
  }
}

}  // namespace

uint32_t WireTypeOid(const DataType& type) {
  if (type.id() == TypeId::kUnknown) return kTextOid;
  return types::PgTypeOid(type);
}

int16_t WireTypeLength(const DataType& type) {
  if (type.id() == TypeId::kUnknown) return -1;
  return types::PgTypeLength(type);
}

Result<DataType> TypeFromOid(uint32_t oid) {
  switch (oid) {
    case 0:
    case 705:
      return DataType(TypeId::kUnknown);
    case 16:
      return DataType(TypeId::kBoolean);
    case 17:
      return DataType(TypeId::kBytea);
    case 20:
      return DataType(TypeId::kInt64);
    case 21:
      return DataType(TypeId::kInt16);
    case 23:
      return DataType(TypeId::kInt32);
    case 25:
    case 1042:
    case 1043:
      return DataType(TypeId::kVarchar);
    case 114:
    case 3802:
      return DataType(TypeId::kJsonb);
    case 700:
      return DataType(TypeId::kFloat32);
    case 701:
      return DataType(TypeId::kFloat64);
    case 1700:
      return DataType(TypeId::kDecimal);
    case 1082:
      return DataType(TypeId::kDate);
    case 1083:
      return DataType(TypeId::kTime);
    case 1114:
      return DataType(TypeId::kTimestamp);
    case 1184:
      return DataType(TypeId::kTimestamptz);
    case 1186:
      return DataType(TypeId::kInterval);
    case 1000:
      return DataType::List(TypeId::kBoolean);
    case 1001:
      return DataType::List(TypeId::kBytea);
    case 1005:
      return DataType::List(TypeId::kInt16);
    case 1007:
      return DataType::List(TypeId::kInt32);
    case 1016:
      return DataType::List(TypeId::kInt64);
    case 1009:
    case 1014:
    case 1015:
      return DataType::List(TypeId::kVarchar);
    case 1021:
      return DataType::List(TypeId::kFloat32);
    case 1022:
      return DataType::List(TypeId::kFloat64);
    case 1231:
      return DataType::List(TypeId::kDecimal);
    case 1182:
      return DataType::List(TypeId::kDate);
    case 1183:
      return DataType::List(TypeId::kTime);
    case 1115:
      return DataType::List(TypeId::kTimestamp);
    case 1185:
      return DataType::List(TypeId::kTimestamptz);
    case 1187:
      return DataType::List(TypeId::kInterval);
    case 3807:
      return DataType::List(TypeId::kJsonb);
    default:
      return Status::Sql("42704", "type with OID " + std::to_string(oid) + " does not exist");
  }
}

bool SupportsBinaryOutput(const DataType& type) {
  if (IsScalarBinary(type.id())) return true;
  if (type.id() == TypeId::kList) return IsScalarBinary(type.element().id());
  if (type.id() == TypeId::kStruct) {
    for (const auto& f : type.fields()) {
      if (!SupportsBinaryOutput(*f.type)) return false;
    }
    return true;
  }
  return false;
}

bool SupportsBinaryInput(const DataType& type) {
  if (type.id() == TypeId::kUnknown) return true;  // taken as text bytes
  if (IsScalarBinary(type.id())) return true;
  return type.id() == TypeId::kList && IsScalarBinary(type.element().id());
}

Result<std::string> NumericTextToBinary(std::string_view text) {
  std::string out;
  auto special = [&](uint16_t sign) {
    PutU16(&out, 0);
    PutU16(&out, 0);
    PutU16(&out, sign);
    PutU16(&out, 0);
    return out;
  };
  if (text == "NaN") return special(kNumericNaN);
  if (text == "Infinity") return special(kNumericPInf);
  if (text == "-Infinity") return special(kNumericNInf);
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  size_t dot = text.find('.');
  std::string_view int_part = text.substr(0, dot);
  std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (int_part.empty() && frac_part.empty()) return Status::InvalidArgument("bad numeric text");
  for (char c : int_part)
    if (c < '0' || c > '9') return Status::InvalidArgument("bad numeric text");
  for (char c : frac_part)
    if (c < '0' || c > '9') return Status::InvalidArgument("bad numeric text");
  if (frac_part.size() > 0x3FFF) return Status::InvalidArgument("numeric scale too large");

  // Base-10000 groups: the integer part aligned at the point from the right, the fraction
  // from the left.
  std::string digits;
  size_t int_pad = (4 - int_part.size() % 4) % 4;
  digits.append(int_pad, '0');
  digits.append(int_part);
  size_t int_groups = digits.size() / 4;
  digits.append(frac_part);
  digits.append((4 - frac_part.size() % 4) % 4, '0');
  std::vector<uint16_t> groups;
  groups.reserve(digits.size() / 4);
  for (size_t i = 0; i < digits.size(); i += 4) {
    groups.push_back(static_cast<uint16_t>((digits[i] - '0') * 1000 + (digits[i + 1] - '0') * 100 +
                                           (digits[i + 2] - '0') * 10 + (digits[i + 3] - '0')));
  }
  int weight = static_cast<int>(int_groups) - 1;
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0)
    --last;
  if (first == last) {
    weight = 0;
    negative = false;
  }
  if (last - first > 0x7FFF || weight > 0x7FFF || weight < -0x8000)
    return Status::InvalidArgument("numeric out of range for the binary format");
  PutU16(&out, static_cast<uint16_t>(last - first));
  PutU16(&out, static_cast<uint16_t>(static_cast<int16_t>(weight)));
  PutU16(&out, negative ? kNumericNeg : kNumericPos);
  PutU16(&out, static_cast<uint16_t>(frac_part.size()));
  for (size_t i = first; i < last; ++i)
    PutU16(&out, groups[i]);
  return out;
}

Result<std::string> NumericBinaryToText(std::string_view b) {
  auto bad = [] { return Status::Sql("22P03", "invalid binary numeric"); };
  if (b.size() < 8) return bad();
  int ndigits = static_cast<int16_t>(GetU(b, 0, 2));
  int weight = static_cast<int16_t>(GetU(b, 2, 2));
  uint16_t sign = static_cast<uint16_t>(GetU(b, 4, 2));
  int dscale = static_cast<int16_t>(GetU(b, 6, 2));
  if (ndigits < 0 || dscale < 0 || dscale > 0x3FFF ||
      b.size() != 8 + static_cast<size_t>(ndigits) * 2)
    return bad();
  if (sign == kNumericNaN) return std::string("NaN");
  if (sign == kNumericPInf) return std::string("Infinity");
  if (sign == kNumericNInf) return std::string("-Infinity");
  if (sign != kNumericPos && sign != kNumericNeg) return bad();
  std::vector<int> d(ndigits);
  for (int i = 0; i < ndigits; ++i) {
    d[i] = static_cast<int>(GetU(b, 8 + 2 * i, 2));
    if (d[i] > 9999) return bad();
  }
  auto group = [&](int i) { return i >= 0 && i < ndigits ? d[i] : 0; };
  std::string out;
  if (sign == kNumericNeg) out += '-';
  if (weight < 0) {
    out += '0';
  } else {
    if (weight > 0x7FFF) return bad();
    out += std::to_string(group(0));
    char buf[8];
    for (int i = 1; i <= weight; ++i) {
      std::snprintf(buf, sizeof buf, "%04d", group(i));
      out += buf;
    }
  }
  if (dscale > 0) {
    out += '.';
    std::string frac;
    char buf[8];
    for (int i = weight + 1; static_cast<int>(frac.size()) < dscale; ++i) {
      std::snprintf(buf, sizeof buf, "%04d", group(i));
      frac += buf;
    }
    frac.resize(dscale);
    out += frac;
  }
  return out;
}

Status AppendBinary(const Value& v, const DataType& type, std::string* out) {
  switch (type.id()) {
    case TypeId::kBoolean:
      out->push_back(v.as_bool() ? 1 : 0);
      return Status::OK();
    case TypeId::kInt16:
      PutU16(out, static_cast<uint16_t>(v.as_int16()));
      return Status::OK();
    case TypeId::kInt32:
      PutU32(out, static_cast<uint32_t>(v.as_int32()));
      return Status::OK();
    case TypeId::kInt64:
    case TypeId::kSerial:
      PutU64(out, static_cast<uint64_t>(v.as_integer()));
      return Status::OK();
    case TypeId::kFloat32:
      PutU32(out, std::bit_cast<uint32_t>(v.as_float32()));
      return Status::OK();
    case TypeId::kFloat64:
      PutU64(out, std::bit_cast<uint64_t>(v.as_float64()));
      return Status::OK();
    case TypeId::kVarchar:
      out->append(v.as_string());
      return Status::OK();
    case TypeId::kBytea:
      out->append(v.as_bytes());
      return Status::OK();
    case TypeId::kDate:
      PutU32(out, static_cast<uint32_t>(v.as_date().days - kPgEpochDays));
      return Status::OK();
    case TypeId::kTime:
      PutU64(out, static_cast<uint64_t>(v.as_time().micros));
      return Status::OK();
    case TypeId::kTimestamp:
      PutU64(out, static_cast<uint64_t>(v.as_timestamp().micros - kPgEpochMicros));
      return Status::OK();
    case TypeId::kTimestamptz:
      PutU64(out, static_cast<uint64_t>(v.as_timestamptz().micros - kPgEpochMicros));
      return Status::OK();
    case TypeId::kInterval: {
      types::Interval iv = v.as_interval();
      PutU64(out, static_cast<uint64_t>(iv.micros));
      PutU32(out, static_cast<uint32_t>(iv.days));
      PutU32(out, static_cast<uint32_t>(iv.months));
      return Status::OK();
    }
    case TypeId::kJsonb:
      out->push_back(1);  // jsonb binary format version
      types::AppendValue(v, type, out);
      return Status::OK();
    case TypeId::kDecimal: {
      std::string text;
      types::AppendValue(v, type, &text);
      auto bin = NumericTextToBinary(text);
      if (!bin.ok()) return Status::Internal("numeric \"" + text + "\" has no binary form");
      out->append(*bin);
      return Status::OK();
    }
    case TypeId::kList: {
      const DataType& elem = type.element();
      const auto& items = v.as_list();
      bool has_null = false;
      for (const Value& e : items)
        has_null |= e.is_null();
      PutU32(out, items.empty() ? 0 : 1);  // dimensions; an empty array has none
      PutU32(out, has_null ? 1 : 0);
      PutU32(out, WireTypeOid(elem));
      if (!items.empty()) {
        PutU32(out, static_cast<uint32_t>(items.size()));
        PutU32(out, 1);  // lower bound
      }
      for (const Value& e : items) {
        if (e.is_null()) {
          PutU32(out, UINT32_MAX);
          continue;
        }
        size_t at = out->size();
        PutU32(out, 0);
        DS_RETURN_IF_ERROR(AppendBinary(e, elem, out));
        uint32_t len = static_cast<uint32_t>(out->size() - at - 4);
        for (int k = 0; k < 4; ++k)
          (*out)[at + k] = static_cast<char>(len >> (24 - 8 * k));
      }
      return Status::OK();
    }
    case TypeId::kStruct: {
      const auto& fields = type.fields();
      const auto& vals = v.as_struct();
      if (vals.size() != fields.size()) return Status::Internal("struct value has wrong arity");
      PutU32(out, static_cast<uint32_t>(fields.size()));
      for (size_t i = 0; i < fields.size(); ++i) {
        PutU32(out, WireTypeOid(*fields[i].type));
        if (vals[i].is_null()) {
          PutU32(out, UINT32_MAX);
          continue;
        }
        size_t at = out->size();
        PutU32(out, 0);
        DS_RETURN_IF_ERROR(AppendBinary(vals[i], *fields[i].type, out));
        uint32_t len = static_cast<uint32_t>(out->size() - at - 4);
        for (int k = 0; k < 4; ++k)
          (*out)[at + k] = static_cast<char>(len >> (24 - 8 * k));
      }
      return Status::OK();
    }
    default:
      return Status::Sql("0A000", "no binary output format for type " + type.ToString());
  }
}

Result<Value> DecodeTextParam(std::string_view text, const DataType& type) {
  if (type.id() == TypeId::kUnknown) return Value::Varchar(std::string(text));
  return types::ParseValue(text, type);
}

Result<Value> DecodeBinaryParam(std::string_view b, const DataType& type) {
  auto need = [&](size_t n) { return b.size() == n; };
  switch (type.id()) {
    case TypeId::kUnknown:
    case TypeId::kVarchar:
      return Value::Varchar(std::string(b));
    case TypeId::kBytea:
      return Value::Bytea(std::string(b));
    case TypeId::kBoolean:
      if (!need(1) || static_cast<uint8_t>(b[0]) > 1) return BadBinary(type);
      return Value::Boolean(b[0] != 0);
    case TypeId::kInt16:
      if (!need(2)) return BadBinary(type);
      return Value::Int16(static_cast<int16_t>(GetU(b, 0, 2)));
    case TypeId::kInt32:
      if (!need(4)) return BadBinary(type);
      return Value::Int32(static_cast<int32_t>(GetU(b, 0, 4)));
    case TypeId::kInt64:
    case TypeId::kSerial:
      if (!need(8)) return BadBinary(type);
      return Value::Int64(static_cast<int64_t>(GetU(b, 0, 8)));
    case TypeId::kFloat32:
      if (!need(4)) return BadBinary(type);
      return Value::Float32(std::bit_cast<float>(static_cast<uint32_t>(GetU(b, 0, 4))));
    case TypeId::kFloat64:
      if (!need(8)) return BadBinary(type);
      return Value::Float64(std::bit_cast<double>(GetU(b, 0, 8)));
    case TypeId::kDate:
      if (!need(4)) return BadBinary(type);
      return Value::DateV(types::Date{static_cast<int32_t>(GetU(b, 0, 4)) + kPgEpochDays});
    case TypeId::kTime: {
      if (!need(8)) return BadBinary(type);
      int64_t micros = static_cast<int64_t>(GetU(b, 0, 8));
      if (micros < 0 || micros > int64_t{86400} * 1000000)
        return Status::Sql("22008", "time out of range");
      return Value::TimeV(types::Time{micros});
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz: {
      if (!need(8)) return BadBinary(type);
      int64_t pg = static_cast<int64_t>(GetU(b, 0, 8));
      int64_t micros = 0;
      if (__builtin_add_overflow(pg, kPgEpochMicros, &micros))
        return Status::Sql("22008", "timestamp out of range");
      if (type.id() == TypeId::kTimestamp) return Value::TimestampV(types::Timestamp{micros});
      return Value::TimestamptzV(types::Timestamptz{micros});
    }
    case TypeId::kInterval: {
      if (!need(16)) return BadBinary(type);
      types::Interval iv;
      iv.micros = static_cast<int64_t>(GetU(b, 0, 8));
      iv.days = static_cast<int32_t>(GetU(b, 8, 4));
      iv.months = static_cast<int32_t>(GetU(b, 12, 4));
      return Value::IntervalV(iv);
    }
    case TypeId::kJsonb:
      if (b.empty() || b[0] != 1) return BadBinary(type);
      return types::ParseValue(b.substr(1), type);
    case TypeId::kDecimal: {
      DS_ASSIGN_OR_RETURN(std::string text, NumericBinaryToText(b));
      return types::ParseValue(text, type);
    }
    case TypeId::kList: {
      const DataType& elem = type.element();
      if (!IsScalarBinary(elem.id()) || b.size() < 12) return BadBinary(type);
      int32_t ndim = static_cast<int32_t>(GetU(b, 0, 4));
      int32_t flags = static_cast<int32_t>(GetU(b, 4, 4));
      if (ndim < 0 || ndim > 1 || (flags & ~1) != 0) {
        return ndim > 1 ? Status::Sql("0A000",
                                      "binary input of multidimensional arrays is not supported")
                        : BadBinary(type);
      }
      size_t pos = 12;  // the element OID is not checked: the statement's type decides
      std::vector<Value> items;
      if (ndim == 1) {
        if (b.size() < pos + 8) return BadBinary(type);
        int32_t n = static_cast<int32_t>(GetU(b, pos, 4));
        pos += 8;  // size and lower bound
        if (n < 0 || static_cast<size_t>(n) > (b.size() - pos) / 4) return BadBinary(type);
        items.reserve(n);
        for (int32_t i = 0; i < n; ++i) {
          if (b.size() < pos + 4) return BadBinary(type);
          int32_t len = static_cast<int32_t>(GetU(b, pos, 4));
          pos += 4;
          if (len == -1) {
            items.push_back(Value::Null());
            continue;
          }
          if (len < 0 || b.size() - pos < static_cast<size_t>(len)) return BadBinary(type);
          DS_ASSIGN_OR_RETURN(Value e, DecodeBinaryParam(b.substr(pos, len), elem));
          items.push_back(std::move(e));
          pos += len;
        }
      }
      if (pos != b.size()) return BadBinary(type);
      return Value::List(std::move(items));
    }
    default:
      return Status::Sql("0A000", "binary input is not supported for type " + type.ToString());
  }
}

}  // namespace dynasink::pgwire
