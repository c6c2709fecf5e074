#include "types/cast.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "types/datetime.h"
#include "types/text_format.h"
#include "types/text_internal.h"

namespace dynasink::types {

namespace {

// Serial is bigint everywhere but in column defaults.
TypeId Norm(TypeId id) {
  return id == TypeId::kSerial ? TypeId::kInt64 : id;
}

// Position in the numeric category, lowest first; -1 if not a number.
int NumericRank(TypeId id) {
  switch (Norm(id)) {
    case TypeId::kInt16:
      return 0;
    case TypeId::kInt32:
      return 1;
    case TypeId::kInt64:
      return 2;
    case TypeId::kDecimal:
      return 3;
    case TypeId::kFloat32:
      return 4;
    case TypeId::kFloat64:
      return 5;
    default:
      return -1;
  }
}

bool IsDatetime(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestamptz;
}

bool IsJsonbCastTarget(TypeId id) {
  return id == TypeId::kBoolean || NumericRank(id) >= 0;
}

Status NoCast(const DataType& from, const DataType& to) {
  return Status::Sql("42846", "cannot cast type " + from.ToString() + " to " + to.ToString());
}

Status IntOutOfRange(TypeId t) {
  switch (Norm(t)) {
    case TypeId::kInt16:
      return Status::Sql("22003", "smallint out of range");
    case TypeId::kInt32:
      return Status::Sql("22003", "integer out of range");
    default:
      return Status::Sql("22003", "bigint out of range");
  }
}

const char* IntName(TypeId t) {
  switch (Norm(t)) {
    case TypeId::kInt16:
      return "smallint";
    case TypeId::kInt32:
      return "integer";
    default:
      return "bigint";
  }
}

Result<Value> MakeInt(int64_t v, TypeId t) {
  switch (Norm(t)) {
    case TypeId::kInt16:
      if (v < INT16_MIN || v > INT16_MAX) return IntOutOfRange(t);
      return Value::Int16(static_cast<int16_t>(v));
    case TypeId::kInt32:
      if (v < INT32_MIN || v > INT32_MAX) return IntOutOfRange(t);
      return Value::Int32(static_cast<int32_t>(v));
    default:
      return Value::Int64(v);
  }
}

// Float to integer: round half to even (rint), 22003 when NaN or out of range.
Result<Value> FloatToInt(double d, TypeId t) {
  double r = std::rint(d);
  // -2^63 <= r < 2^63 is exactly representable at both ends.
  if (std::isnan(r) || r < -9223372036854775808.0 || r >= 9223372036854775808.0) {
    return IntOutOfRange(t);
  }
  return MakeInt(static_cast<int64_t>(r), t);
}

Result<Value> DecimalToInt(const Decimal& d, TypeId t) {
  if (d.is_nan()) {
    return Status::Sql("0A000", std::string("cannot convert NaN to ") + IntName(t));
  }
  if (d.is_infinite()) {
    return Status::Sql("0A000", std::string("cannot convert infinity to ") + IntName(t));
  }
  std::optional<int64_t> v = d.ToInt64();
  if (!v) return IntOutOfRange(t);
  return MakeInt(*v, t);
}

// numeric -> double precision / real, with PostgreSQL's range errors (they quote the value).
Status FloatRangeError(const Decimal& d, const char* type_name) {
  std::string text = d.ToString();
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return Status::Sql("22003", "\"" + text + "\" is out of range for type " + type_name);
}

Result<Value> DecimalToFloat(const Decimal& d, TypeId t) {
  double v = d.ToDouble();
  if (d.is_finite() && !d.is_zero() && (std::isinf(v) || v == 0)) {
    return FloatRangeError(d, t == TypeId::kFloat32 ? "real" : "double precision");
  }
  if (t == TypeId::kFloat64) return Value::Float64(v);
  // Rounding through double could round twice; read the exact text as a float instead.
  if (!d.is_finite()) return Value::Float32(static_cast<float>(v));
  DS_ASSIGN_OR_RETURN(float f, text::ParseFloat32(d.ToString()));
  return Value::Float32(f);
}

Result<Value> NumberToNumber(const Value& v, TypeId from, TypeId to) {
  from = Norm(from);
  to = Norm(to);
  switch (from) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t i = v.as_integer();
      switch (to) {
        case TypeId::kDecimal:
          return Value::Numeric(Decimal::FromInt64(i));
        case TypeId::kFloat32:
          return Value::Float32(static_cast<float>(i));
        case TypeId::kFloat64:
          return Value::Float64(static_cast<double>(i));
        default:
          return MakeInt(i, to);
      }
    }
    case TypeId::kDecimal: {
      const Decimal& d = v.as_decimal();
      if (to == TypeId::kFloat32 || to == TypeId::kFloat64) return DecimalToFloat(d, to);
      return DecimalToInt(d, to);
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double d = from == TypeId::kFloat32 ? static_cast<double>(v.as_float32()) : v.as_float64();
      switch (to) {
        case TypeId::kDecimal:
          return Value::Numeric(from == TypeId::kFloat32 ? Decimal::FromFloat(v.as_float32())
                                                         : Decimal::FromDouble(d));
        case TypeId::kFloat64:
          return Value::Float64(d);
        case TypeId::kFloat32: {
          float f = static_cast<float>(d);
          if (std::isinf(f) && !std::isinf(d)) {
            return Status::Sql("22003", "value out of range: overflow");
          }
          if (f == 0 && d != 0) return Status::Sql("22003", "value out of range: underflow");
          return Value::Float32(f);
        }
        default:
          return FloatToInt(d, to);
      }
    }
    default:
      return Status::Internal("NumberToNumber on a non-number");
  }
}

const char* JsonbKindName(const Jsonb& j) {
  switch (j.kind()) {
    case Jsonb::Kind::kNull:
      return "null";
    case Jsonb::Kind::kBool:
      return "boolean";
    case Jsonb::Kind::kNumber:
      return "numeric";
    case Jsonb::Kind::kString:
      return "string";
    case Jsonb::Kind::kArray:
      return "array";
    case Jsonb::Kind::kObject:
      return "object";
  }
  return "null";
}

Result<Value> JsonbTo(const Jsonb& j, const DataType& to) {
  TypeId t = Norm(to.id());
  bool ok =
      t == TypeId::kBoolean ? j.kind() == Jsonb::Kind::kBool : j.kind() == Jsonb::Kind::kNumber;
  if (!ok) {
    return Status::Sql("22023", std::string("cannot cast jsonb ") + JsonbKindName(j) + " to type " +
                                    to.ToString());
  }
  if (t == TypeId::kBoolean) return Value::Boolean(j.as_bool());
  if (t == TypeId::kDecimal) return Value::Numeric(j.as_number());
  return NumberToNumber(Value::Numeric(j.as_number()), TypeId::kDecimal, t);
}

Result<Value> DatetimeCast(const Value& v, TypeId from, TypeId to) {
  switch (from) {
    case TypeId::kDate: {
      DS_ASSIGN_OR_RETURN(Timestamp ts, DateToTimestamp(v.as_date()));
      if (to == TypeId::kTimestamp) return Value::TimestampV(ts);
      return Value::TimestamptzV(Timestamptz{ts.micros});  // midnight in the session zone
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz: {
      int64_t micros =
          from == TypeId::kTimestamp ? v.as_timestamp().micros : v.as_timestamptz().micros;
      int64_t days, tod;
      SplitMicros(micros, &days, &tod);
      switch (to) {
        case TypeId::kDate:
          return Value::DateV(Date{static_cast<int32_t>(days)});
        case TypeId::kTime:
          return Value::TimeV(Time{tod});
        case TypeId::kTimestamp:
          return Value::TimestampV(Timestamp{micros});
        case TypeId::kTimestamptz:
          return Value::TimestamptzV(Timestamptz{micros});
        default:
          break;
      }
      break;
    }
    case TypeId::kTime:
      if (to == TypeId::kInterval) return Value::IntervalV(Interval{0, 0, v.as_time().micros});
      break;
    case TypeId::kInterval:
      if (to == TypeId::kTime) {
        // Only the time part counts, wrapped into one day (PostgreSQL's interval_time).
        int64_t t = v.as_interval().micros % kMicrosPerDay;
        if (t < 0) t += kMicrosPerDay;
        return Value::TimeV(Time{t});
      }
      break;
    default:
      break;
  }
  return Status::Internal("unexpected datetime cast");
}

}  // namespace

std::optional<CastContext> CastContextFor(const DataType& from, const DataType& to) {
  if (from == to) return CastContext::kImplicit;
  TypeId f = Norm(from.id()), t = Norm(to.id());
  if (f == TypeId::kUnknown) return CastContext::kImplicit;
  if (t == TypeId::kUnknown) return std::nullopt;
  if (f == t && !from.is_nested()) return CastContext::kImplicit;  // serial <-> bigint
  int rf = NumericRank(f), rt = NumericRank(t);
  if (rf >= 0 && rt >= 0) return rf < rt ? CastContext::kImplicit : CastContext::kAssignment;
  if ((f == TypeId::kBoolean && t == TypeId::kInt32) ||
      (f == TypeId::kInt32 && t == TypeId::kBoolean)) {
    return CastContext::kExplicit;
  }
  if (t == TypeId::kVarchar) return CastContext::kAssignment;  // through text output
  if (f == TypeId::kVarchar) return CastContext::kExplicit;    // through text input
  if (IsDatetime(f) && IsDatetime(t)) {
    // Widening (date -> timestamp -> timestamptz) is implicit, the reverse is assignment.
    auto rank = [](TypeId id) {
      return id == TypeId::kDate ? 0 : (id == TypeId::kTimestamp ? 1 : 2);
    };
    return rank(f) < rank(t) ? CastContext::kImplicit : CastContext::kAssignment;
  }
  if ((f == TypeId::kTimestamp || f == TypeId::kTimestamptz) && t == TypeId::kTime) {
    return CastContext::kAssignment;
  }
  if (f == TypeId::kTime && t == TypeId::kInterval) return CastContext::kImplicit;
  if (f == TypeId::kInterval && t == TypeId::kTime) return CastContext::kAssignment;
  if (f == TypeId::kJsonb && IsJsonbCastTarget(t)) return CastContext::kExplicit;
  if (f == TypeId::kList && t == TypeId::kList) {
    return CastContextFor(from.element(), to.element());
  }
  if (f == TypeId::kStruct && t == TypeId::kStruct) {
    const auto& a = from.fields();
    const auto& b = to.fields();
    if (a.size() != b.size()) return std::nullopt;
    CastContext worst = CastContext::kImplicit;
    for (size_t i = 0; i < a.size(); ++i) {
      auto c = CastContextFor(*a[i].type, *b[i].type);
      if (!c) return std::nullopt;
      worst = std::max(worst, *c);
    }
    // Converting a whole record is never silent.
    return std::max(worst, CastContext::kAssignment);
  }
  return std::nullopt;
}

bool CanCast(const DataType& from, const DataType& to, CastContext context) {
  auto c = CastContextFor(from, to);
  return c.has_value() && *c <= context;
}

Result<Value> CastValue(const Value& value, const DataType& from, const DataType& to) {
  if (value.is_null()) return Value::Null();
  if (from == to) return value;
  TypeId f = Norm(from.id()), t = Norm(to.id());
  if (!CastContextFor(from, to).has_value()) return NoCast(from, to);
  if (f == t && !from.is_nested()) return value;  // serial <-> bigint share int64
  if (f == TypeId::kUnknown || f == TypeId::kVarchar) {
    if (t == TypeId::kVarchar) return value;
    return ParseValue(value.as_string(), to);
  }
  if (t == TypeId::kVarchar) {
    // PostgreSQL's bool -> text cast spells the words out (boolout says t/f).
    if (f == TypeId::kBoolean) return Value::Varchar(value.as_bool() ? "true" : "false");
    return Value::Varchar(FormatValue(value, from));
  }
  if (NumericRank(f) >= 0 && NumericRank(t) >= 0) return NumberToNumber(value, f, t);
  if (f == TypeId::kBoolean && t == TypeId::kInt32) return Value::Int32(value.as_bool() ? 1 : 0);
  if (f == TypeId::kInt32 && t == TypeId::kBoolean) return Value::Boolean(value.as_int32() != 0);
  if (f == TypeId::kJsonb) return JsonbTo(value.as_jsonb(), to);
  if (f == TypeId::kList) {
    const DataType& fe = from.element();
    const DataType& te = to.element();
    std::vector<Value> out;
    out.reserve(value.as_list().size());
    for (const Value& e : value.as_list()) {
      DS_ASSIGN_OR_RETURN(Value c, CastValue(e, fe, te));
      out.push_back(std::move(c));
    }
    return Value::List(std::move(out));
  }
  if (f == TypeId::kStruct) {
    const auto& fv = value.as_struct();
    const auto& ff = from.fields();
    const auto& tf = to.fields();
    std::vector<Value> out;
    out.reserve(fv.size());
    for (size_t i = 0; i < fv.size() && i < tf.size(); ++i) {
      DS_ASSIGN_OR_RETURN(Value c, CastValue(fv[i], *ff[i].type, *tf[i].type));
      out.push_back(std::move(c));
    }
    return Value::Struct(std::move(out));
  }
  return DatetimeCast(value, f, t);
}

Result<DataType> CommonSupertype(const DataType& a, const DataType& b) {
  if (a == b) return a;
  TypeId x = a.id(), y = b.id();
  if (x == TypeId::kUnknown) return b;
  if (y == TypeId::kUnknown) return a;
  int rx = NumericRank(x), ry = NumericRank(y);
  if (rx >= 0 && ry >= 0) {
    if (Norm(x) == Norm(y)) return DataType(TypeId::kInt64);  // serial and bigint
    return rx > ry ? a : b;
  }
  if (IsDatetime(x) && IsDatetime(y)) {
    auto rank = [](TypeId id) {
      return id == TypeId::kDate ? 0 : (id == TypeId::kTimestamp ? 1 : 2);
    };
    return rank(x) > rank(y) ? a : b;
  }
  if (x == TypeId::kList && y == TypeId::kList) {
    auto e = CommonSupertype(a.element(), b.element());
    if (e.ok()) return DataType::List(std::move(*e));
  }
  return Status::Sql("42804",
                     "types " + a.ToString() + " and " + b.ToString() + " cannot be matched");
}

Result<DataType> ArithmeticOperandType(const DataType& a, const DataType& b) {
  TypeId x = a.id() == TypeId::kUnknown ? b.id() : a.id();
  TypeId y = b.id() == TypeId::kUnknown ? a.id() : b.id();
  int rx = NumericRank(x), ry = NumericRank(y);
  if (rx < 0 || ry < 0) {
    return Status::Sql("42883", "operator does not exist: " + a.ToString() + " and " +
                                    b.ToString() + " are not both numbers");
  }
  bool fx = rx >= 4, fy = ry >= 4;
  if (fx || fy) {
    if (Norm(x) == TypeId::kFloat32 && Norm(y) == TypeId::kFloat32)
      return DataType(TypeId::kFloat32);
    return DataType(TypeId::kFloat64);
  }
  return DataType(rx >= ry ? Norm(x) : Norm(y));
}

}  // namespace dynasink::types
