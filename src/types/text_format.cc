#include "types/text_format.h"

#include <charconv>
#include <cstdint>

#include "types/text_internal.h"

namespace dynasink::types {

namespace {

template <typename T>
void AppendInt(T v, std::string* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(res.ptr - buf));
}

}  // namespace

void AppendValue(const Value& value, const DataType& type, std::string* out) {
  // The representation decides the format; the type only supplies struct field and element
  // types for nested values. (Serial and bigint share int64; all text types share string.)
  if (value.is_null()) {
    out->append("NULL");
  } else if (value.holds<bool>()) {
    out->push_back(value.as_bool() ? 't' : 'f');
  } else if (value.holds<int16_t>()) {
    AppendInt(value.as_int16(), out);
  } else if (value.holds<int32_t>()) {
    AppendInt(value.as_int32(), out);
  } else if (value.holds<int64_t>()) {
    AppendInt(value.as_int64(), out);
  } else if (value.holds<Decimal>()) {
    value.as_decimal().AppendTo(out);
  } else if (value.holds<float>()) {
    text::AppendFloat32(value.as_float32(), out);
  } else if (value.holds<double>()) {
    text::AppendFloat64(value.as_float64(), out);
  } else if (value.holds<std::string>()) {
    out->append(value.as_string());
  } else if (value.holds<Bytes>()) {
    text::AppendBytea(value.as_bytes(), out);
  } else if (value.holds<Date>()) {
    text::AppendDate(value.as_date(), out);
  } else if (value.holds<Time>()) {
    text::AppendTime(value.as_time(), out);
  } else if (value.holds<Timestamp>()) {
    text::AppendTimestamp(value.as_timestamp(), out);
  } else if (value.holds<Timestamptz>()) {
    text::AppendTimestamptz(value.as_timestamptz(), out);
  } else if (value.holds<Interval>()) {
    text::AppendInterval(value.as_interval(), out);
  } else if (value.holds<Jsonb>()) {
    value.as_jsonb().AppendTo(out);
  } else if (value.holds<StructValue>()) {
    text::AppendStruct(value, type, out);
  } else if (value.holds<ListValue>()) {
    text::AppendList(value, type, out);
  }
}

std::string FormatValue(const Value& value, const DataType& type) {
  std::string out;
  AppendValue(value, type, &out);
  return out;
}

Status ParseValueInto(std::string_view text, const DataType& type, Value* out) {
  if (type.id() == TypeId::kVarchar || type.id() == TypeId::kUnknown) {
    out->AssignVarchar(text);
    return Status::OK();
  }
  DS_ASSIGN_OR_RETURN(*out, ParseValue(text, type));
  return Status::OK();
}

Result<Value> ParseValue(std::string_view text, const DataType& type) {
  switch (type.id()) {
    case TypeId::kUnknown:
    case TypeId::kVarchar:
      return Value::Varchar(std::string(text));
    case TypeId::kBoolean: {
      DS_ASSIGN_OR_RETURN(bool b, text::ParseBool(text));
      return Value::Boolean(b);
    }
    case TypeId::kInt16: {
      DS_ASSIGN_OR_RETURN(int64_t v, text::ParseInteger(text, "smallint", INT16_MIN, INT16_MAX));
      return Value::Int16(static_cast<int16_t>(v));
    }
    case TypeId::kInt32: {
      DS_ASSIGN_OR_RETURN(int64_t v, text::ParseInteger(text, "integer", INT32_MIN, INT32_MAX));
      return Value::Int32(static_cast<int32_t>(v));
    }
    case TypeId::kInt64:
    case TypeId::kSerial: {
      DS_ASSIGN_OR_RETURN(int64_t v, text::ParseInteger(text, "bigint", INT64_MIN, INT64_MAX));
      return Value::Int64(v);
    }
    case TypeId::kDecimal: {
      DS_ASSIGN_OR_RETURN(Decimal d, Decimal::Parse(text));
      return Value::Numeric(std::move(d));
    }
    case TypeId::kFloat32: {
      DS_ASSIGN_OR_RETURN(float f, text::ParseFloat32(text));
      return Value::Float32(f);
    }
    case TypeId::kFloat64: {
      DS_ASSIGN_OR_RETURN(double d, text::ParseFloat64(text));
      return Value::Float64(d);
    }
    case TypeId::kBytea: {
      DS_ASSIGN_OR_RETURN(std::string b, text::ParseBytea(text));
      return Value::Bytea(std::move(b));
    }
    case TypeId::kDate: {
      DS_ASSIGN_OR_RETURN(Date d, text::ParseDate(text));
      return Value::DateV(d);
    }
    case TypeId::kTime: {
      DS_ASSIGN_OR_RETURN(Time t, text::ParseTime(text));
      return Value::TimeV(t);
    }
    case TypeId::kTimestamp: {
      DS_ASSIGN_OR_RETURN(Timestamp t, text::ParseTimestamp(text));
      return Value::TimestampV(t);
    }
    case TypeId::kTimestamptz: {
      DS_ASSIGN_OR_RETURN(Timestamptz t, text::ParseTimestamptz(text));
      return Value::TimestamptzV(t);
    }
    case TypeId::kInterval: {
      DS_ASSIGN_OR_RETURN(Interval iv, text::ParseInterval(text));
      return Value::IntervalV(iv);
    }
    case TypeId::kJsonb: {
      DS_ASSIGN_OR_RETURN(Jsonb j, Jsonb::Parse(text));
      return Value::JsonbV(std::move(j));
    }
    case TypeId::kStruct:
      return text::ParseStruct(text, type);
    case TypeId::kList:
      return text::ParseList(text, type);
  }
  return Status::Internal("ParseValue: unknown type");
}

}  // namespace dynasink::types
