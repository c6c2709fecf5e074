// Operators: arithmetic on numbers and datetimes, comparisons, negation.
#include <cmath>
#include <limits>

#include "exec/function_table.h"
#include "types/cast.h"
#include "types/datetime.h"

namespace dynasink::exec {

using types::DataType;
using types::Decimal;
using types::TypeId;
using types::Value;

namespace internal {
Result<ResolvedFunction> ResolveConcatOperator(const DataType& l, const DataType& r);
Result<ResolvedFunction> ResolveJsonGet(bool as_text, const DataType& l, const DataType& r);
Result<ResolvedFunction> ResolveContainment(bool contains, const DataType& l, const DataType& r);
}  // namespace internal

namespace {

using internal::DivisionByZero;
using internal::OutOfRange;
using internal::Resolved;

TypeId Norm(TypeId t) { return t == TypeId::kSerial ? TypeId::kInt64 : t; }

// ---- integer arithmetic ---------------------------------------------------------------------

template <typename T>
T GetInt(const Value& v) {
  if constexpr (std::is_same_v<T, int16_t>) return v.as_int16();
  if constexpr (std::is_same_v<T, int32_t>) return v.as_int32();
  if constexpr (std::is_same_v<T, int64_t>) return v.as_int64();
}
template <typename T>
Value MakeInt(T v) {
  if constexpr (std::is_same_v<T, int16_t>) return Value::Int16(v);
  if constexpr (std::is_same_v<T, int32_t>) return Value::Int32(v);
  if constexpr (std::is_same_v<T, int64_t>) return Value::Int64(v);
}
template <typename T>
const char* IntName() {
  if constexpr (std::is_same_v<T, int16_t>) return "smallint";
  if constexpr (std::is_same_v<T, int32_t>) return "integer";
  return "bigint";
}

enum class Arith { kAdd, kSub, kMul, kDiv, kMod };

template <typename T, Arith op>
Status IntArith(const CallContext&, const Value* const* a, Value* out) {
  T x = GetInt<T>(*a[0]), y = GetInt<T>(*a[1]), r;
  bool overflow = false;
  switch (op) {
    case Arith::kAdd:
      overflow = __builtin_add_overflow(x, y, &r);
      break;
    case Arith::kSub:
      overflow = __builtin_sub_overflow(x, y, &r);
      break;
    case Arith::kMul:
      overflow = __builtin_mul_overflow(x, y, &r);
      break;
    case Arith::kDiv:
      if (y == 0) return DivisionByZero();
      if (y == -1) {
        overflow = __builtin_sub_overflow(T{0}, x, &r);
      } else {
        r = static_cast<T>(x / y);
      }
      break;
    case Arith::kMod:
      if (y == 0) return DivisionByZero();
      r = y == -1 ? T{0} : static_cast<T>(x % y);
      break;
  }
  if (overflow) return OutOfRange(IntName<T>());
  *out = MakeInt<T>(r);
  return Status::OK();
}

// ---- floats ---------------------------------------------------------------------------------

template <typename F>
F GetFloat(const Value& v) {
  if constexpr (std::is_same_v<F, float>) return v.as_float32();
  return v.as_float64();
}
template <typename F>
Value MakeFloat(F v) {
  if constexpr (std::is_same_v<F, float>) return Value::Float32(v);
  return Value::Float64(v);
}

// PostgreSQL's float checks: an infinite result from finite inputs is overflow, a zero result
// from non-zero inputs (of * and /) is underflow.
template <typename F>
Status CheckFloat(F r, F x, F y, bool zero_check) {
  if (std::isinf(r) && !std::isinf(x) && !std::isinf(y)) {
    return Status::Sql("22003", "value out of range: overflow");
  }
  if (zero_check && r == 0 && x != 0 && !std::isinf(y)) {
    return Status::Sql("22003", "value out of range: underflow");
  }
  return Status::OK();
}

template <typename F, Arith op>
Status FloatArith(const CallContext&, const Value* const* a, Value* out) {
  F x = GetFloat<F>(*a[0]), y = GetFloat<F>(*a[1]), r = 0;
  bool zero_check = false;
  switch (op) {
    case Arith::kAdd:
      r = x + y;
      break;
    case Arith::kSub:
      r = x - y;
      break;
    case Arith::kMul:
      r = x * y;
      zero_check = y != 0;
      break;
    case Arith::kDiv:
      if (y == 0) return DivisionByZero();
      r = x / y;
      zero_check = true;
      break;
    case Arith::kMod:
      return Status::Internal("float modulo");
  }
  DS_RETURN_IF_ERROR(CheckFloat(r, x, y, zero_check));
  *out = MakeFloat<F>(r);
  return Status::OK();
}

// ---- numeric --------------------------------------------------------------------------------

template <Arith op>
Status DecimalArith(const CallContext&, const Value* const* a, Value* out) {
  const Decimal& x = a[0]->as_decimal();
  const Decimal& y = a[1]->as_decimal();
  Result<Decimal> r = Status::Internal("unreachable");
  switch (op) {
    case Arith::kAdd:
      r = x.Add(y);
      break;
    case Arith::kSub:
      r = x.Sub(y);
      break;
    case Arith::kMul:
      r = x.Mul(y);
      break;
    case Arith::kDiv:
      r = x.Div(y);
      break;
    case Arith::kMod:
      r = x.Mod(y);
      break;
  }
  if (!r.ok()) return r.status();
  *out = Value::Numeric(std::move(r).value());
  return Status::OK();
}

Status PowFloat(const CallContext&, const Value* const* a, Value* out) {
  double x = a[0]->as_float64(), y = a[1]->as_float64();
  if (x == 0 && y < 0) {
    return Status::Sql("2201F", "zero raised to a negative power is undefined");
  }
  if (x < 0 && std::floor(y) != y) {
    return Status::Sql("2201F",
                       "a negative number raised to a non-integer power yields a complex result");
  }
  double r = std::pow(x, y);
  if (std::isinf(r) && !std::isinf(x) && !std::isinf(y)) {
    return Status::Sql("22003", "value out of range: overflow");
  }
  *out = Value::Float64(r);
  return Status::OK();
}

// numeric ^ numeric: exact for integral exponents (repeated squaring), through double
// otherwise (PostgreSQL computes those with its own logarithms; double gives ~16 digits).
Status PowDecimal(const CallContext&, const Value* const* a, Value* out) {
  const Decimal& x = a[0]->as_decimal();
  const Decimal& y = a[1]->as_decimal();
  if (x.is_nan() || y.is_nan()) {
    *out = Value::Numeric(Decimal::NaN());
    return Status::OK();
  }
  if (x.is_zero() && y.sign() < 0) {
    return Status::Sql("2201F", "zero raised to a negative power is undefined");
  }
  Decimal yi = y.Trunc(0);
  if (y.is_finite() && yi == y && y.Abs().Compare(Decimal::FromInt64(4096)) <= 0) {
    int64_t n = yi.ToInt64().value_or(0);
    bool negative = n < 0;
    uint64_t e = static_cast<uint64_t>(negative ? -n : n);
    Decimal result = Decimal::FromInt64(1), base = x;
    while (e > 0) {
      if (e & 1) {
        DS_ASSIGN_OR_RETURN(result, result.Mul(base));
      }
      e >>= 1;
      if (e > 0) {
        DS_ASSIGN_OR_RETURN(base, base.Mul(base));
      }
    }
    if (negative) {
      DS_ASSIGN_OR_RETURN(result, Decimal::FromInt64(1).Div(result));
    }
    *out = Value::Numeric(std::move(result));
    return Status::OK();
  }
  double xd = x.ToDouble(), yd = y.ToDouble();
  if (xd < 0) {
    return Status::Sql("2201F",
                       "a negative number raised to a non-integer power yields a complex result");
  }
  *out = Value::Numeric(Decimal::FromDouble(std::pow(xd, yd)));
  return Status::OK();
}

// ---- datetime arithmetic --------------------------------------------------------------------

template <typename R>
Status Emit(Result<R> r, Value* out, Value (*make)(R)) {
  if (!r.ok()) return r.status();
  *out = make(std::move(r).value());
  return Status::OK();
}

Status DatePlusInt(const CallContext&, const Value* const* a, Value* out) {
  return Emit<types::Date>(types::AddDays(a[0]->as_date(), a[1]->as_int32()), out, Value::DateV);
}
Status IntPlusDate(const CallContext&, const Value* const* a, Value* out) {
  return Emit<types::Date>(types::AddDays(a[1]->as_date(), a[0]->as_int32()), out, Value::DateV);
}
Status DateMinusInt(const CallContext&, const Value* const* a, Value* out) {
  return Emit<types::Date>(types::AddDays(a[0]->as_date(), -static_cast<int64_t>(a[1]->as_int32())),
                           out, Value::DateV);
}
Status DateMinusDate(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Int32(static_cast<int32_t>(types::DaysBetween(a[0]->as_date(), a[1]->as_date())));
  return Status::OK();
}
Status DatePlusTime(const CallContext&, const Value* const* a, Value* out) {
  bool date_first = a[0]->holds<types::Date>();
  types::Date d = date_first ? a[0]->as_date() : a[1]->as_date();
  types::Time t = date_first ? a[1]->as_time() : a[0]->as_time();
  DS_ASSIGN_OR_RETURN(types::Timestamp ts, types::DateToTimestamp(d));
  int64_t micros;
  if (__builtin_add_overflow(ts.micros, t.micros, &micros) || !types::IsValidTimestamp(micros)) {
    return Status::Sql("22008", "timestamp out of range");
  }
  *out = Value::TimestampV(types::Timestamp{micros});
  return Status::OK();
}

// Generic "datetime +/- interval": the datetime may be on either side for +.
template <bool subtract>
Status TimestampInterval(const CallContext&, const Value* const* a, Value* out) {
  bool ts_first = !a[0]->holds<types::Interval>();
  const Value& t = ts_first ? *a[0] : *a[1];
  types::Interval iv = ts_first ? a[1]->as_interval() : a[0]->as_interval();
  if (t.holds<types::Date>()) {
    DS_ASSIGN_OR_RETURN(types::Timestamp ts, types::DateToTimestamp(t.as_date()));
    return Emit<types::Timestamp>(subtract ? types::SubInterval(ts, iv) : types::AddInterval(ts, iv),
                                  out, Value::TimestampV);
  }
  if (t.holds<types::Timestamp>()) {
    return Emit<types::Timestamp>(subtract ? types::SubInterval(t.as_timestamp(), iv)
                                           : types::AddInterval(t.as_timestamp(), iv),
                                  out, Value::TimestampV);
  }
  if (t.holds<types::Timestamptz>()) {
    return Emit<types::Timestamptz>(subtract ? types::SubInterval(t.as_timestamptz(), iv)
                                             : types::AddInterval(t.as_timestamptz(), iv),
                                    out, Value::TimestamptzV);
  }
  // time +/- interval wraps around midnight.
  types::Interval step = iv;
  if (subtract) step.micros = -step.micros;
  *out = Value::TimeV(types::AddIntervalToTime(t.as_time(), step));
  return Status::OK();
}

Status TimestampMinusTimestamp(const CallContext&, const Value* const* a, Value* out) {
  int64_t x = a[0]->holds<types::Timestamp>() ? a[0]->as_timestamp().micros
                                               : a[0]->as_timestamptz().micros;
  int64_t y = a[1]->holds<types::Timestamp>() ? a[1]->as_timestamp().micros
                                               : a[1]->as_timestamptz().micros;
  return Emit<types::Interval>(types::TimestampDiff(x, y), out, Value::IntervalV);
}
Status TimeMinusTime(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::IntervalV(types::TimeDiff(a[0]->as_time(), a[1]->as_time()));
  return Status::OK();
}
Status IntervalPlus(const CallContext&, const Value* const* a, Value* out) {
  return Emit<types::Interval>(types::AddIntervals(a[0]->as_interval(), a[1]->as_interval()), out,
                               Value::IntervalV);
}
Status IntervalMinus(const CallContext&, const Value* const* a, Value* out) {
  return Emit<types::Interval>(types::SubIntervals(a[0]->as_interval(), a[1]->as_interval()), out,
                               Value::IntervalV);
}
Status IntervalTimes(const CallContext&, const Value* const* a, Value* out) {
  bool iv_first = a[0]->holds<types::Interval>();
  const types::Interval& iv = iv_first ? a[0]->as_interval() : a[1]->as_interval();
  double f = iv_first ? a[1]->as_float64() : a[0]->as_float64();
  return Emit<types::Interval>(types::MultiplyInterval(iv, f), out, Value::IntervalV);
}
Status IntervalDivide(const CallContext&, const Value* const* a, Value* out) {
  if (a[1]->as_float64() == 0) return DivisionByZero();
  return Emit<types::Interval>(types::DivideInterval(a[0]->as_interval(), a[1]->as_float64()), out,
                               Value::IntervalV);
}

// ---- comparisons ----------------------------------------------------------------------------

template <BinaryOperator op>
Status Compare(const CallContext&, const Value* const* a, Value* out) {
  int c = a[0]->Compare(*a[1]);
  bool r = false;
  switch (op) {
    case BinaryOperator::kEq:
      r = c == 0;
      break;
    case BinaryOperator::kNotEq:
      r = c != 0;
      break;
    case BinaryOperator::kLt:
      r = c < 0;
      break;
    case BinaryOperator::kLtEq:
      r = c <= 0;
      break;
    case BinaryOperator::kGt:
      r = c > 0;
      break;
    default:
      r = c >= 0;
      break;
  }
  *out = Value::Boolean(r);
  return Status::OK();
}

// Fast paths for the commonest key types: no variant dispatch in Compare.
template <BinaryOperator op, typename T>
Status CompareInt(const CallContext&, const Value* const* a, Value* out) {
  T x = GetInt<T>(*a[0]), y = GetInt<T>(*a[1]);
  bool r = false;
  switch (op) {
    case BinaryOperator::kEq:
      r = x == y;
      break;
    case BinaryOperator::kNotEq:
      r = x != y;
      break;
    case BinaryOperator::kLt:
      r = x < y;
      break;
    case BinaryOperator::kLtEq:
      r = x <= y;
      break;
    case BinaryOperator::kGt:
      r = x > y;
      break;
    default:
      r = x >= y;
      break;
  }
  *out = Value::Boolean(r);
  return Status::OK();
}

template <BinaryOperator op>
ScalarKernel CompareKernel(TypeId t) {
  switch (t) {
    case TypeId::kInt16:
      return CompareInt<op, int16_t>;
    case TypeId::kInt32:
      return CompareInt<op, int32_t>;
    case TypeId::kInt64:
    case TypeId::kSerial:
      return CompareInt<op, int64_t>;
    default:
      return Compare<op>;
  }
}

ScalarKernel CompareKernelFor(BinaryOperator op, TypeId t) {
  switch (op) {
    case BinaryOperator::kEq:
      return CompareKernel<BinaryOperator::kEq>(t);
    case BinaryOperator::kNotEq:
      return CompareKernel<BinaryOperator::kNotEq>(t);
    case BinaryOperator::kLt:
      return CompareKernel<BinaryOperator::kLt>(t);
    case BinaryOperator::kLtEq:
      return CompareKernel<BinaryOperator::kLtEq>(t);
    case BinaryOperator::kGt:
      return CompareKernel<BinaryOperator::kGt>(t);
    default:
      return CompareKernel<BinaryOperator::kGtEq>(t);
  }
}

// ---- negation -------------------------------------------------------------------------------

template <typename T>
Status NegInt(const CallContext&, const Value* const* a, Value* out) {
  T r;
  if (__builtin_sub_overflow(T{0}, GetInt<T>(*a[0]), &r)) return OutOfRange(IntName<T>());
  *out = MakeInt<T>(r);
  return Status::OK();
}
Status NegFloat32(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Float32(-a[0]->as_float32());
  return Status::OK();
}
Status NegFloat64(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Float64(-a[0]->as_float64());
  return Status::OK();
}
Status NegDecimal(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Numeric(-a[0]->as_decimal());
  return Status::OK();
}
Status NegInterval(const CallContext&, const Value* const* a, Value* out) {
  return Emit<types::Interval>(types::NegateInterval(a[0]->as_interval()), out, Value::IntervalV);
}

// ---- resolution -----------------------------------------------------------------------------

Status NoOperator(BinaryOperator op, const DataType& l, const DataType& r) {
  auto name = [](const DataType& t) {
    return t.id() == TypeId::kUnknown ? std::string("unknown") : t.ToString();
  };
  return Status::Sql("42883", "operator does not exist: " + name(l) + " " +
                                  std::string(BinaryOperatorText(op)) + " " + name(r) +
                                  "\nHINT: No operator matches the given name and argument "
                                  "types. You might need to add explicit type casts.");
}

template <Arith op>
ScalarKernel NumericKernel(TypeId t) {
  switch (t) {
    case TypeId::kInt16:
      return IntArith<int16_t, op>;
    case TypeId::kInt32:
      return IntArith<int32_t, op>;
    case TypeId::kInt64:
      return IntArith<int64_t, op>;
    case TypeId::kFloat32:
      if constexpr (op == Arith::kMod) return nullptr;
      return FloatArith<float, op>;
    case TypeId::kFloat64:
      if constexpr (op == Arith::kMod) return nullptr;
      return FloatArith<double, op>;
    case TypeId::kDecimal:
      return DecimalArith<op>;
    default:
      return nullptr;
  }
}

bool IsDatetimeOrInterval(TypeId t) {
  return t == TypeId::kDate || t == TypeId::kTime || t == TypeId::kTimestamp ||
         t == TypeId::kTimestamptz || t == TypeId::kInterval;
}
bool IsSmallInt(TypeId t) { return t == TypeId::kInt16 || t == TypeId::kInt32; }
bool IsNumber(TypeId t) { return DataType(t).is_numeric(); }

// date/time/interval arithmetic; nullopt when the pair is not a datetime operation.
std::optional<Result<ResolvedFunction>> ResolveDatetimeArith(BinaryOperator op, const DataType& l,
                                                             const DataType& r) {
  TypeId a = Norm(l.id()), b = Norm(r.id());
  if (!IsDatetimeOrInterval(a) && !IsDatetimeOrInterval(b)) return std::nullopt;
  const std::string name(BinaryOperatorText(op));
  const DataType kInterval(TypeId::kInterval), kDouble(TypeId::kFloat64), kInt(TypeId::kInt32);
  // An untyped literal next to a datetime is an interval (or, for time/date - x, see below).
  if (a == TypeId::kUnknown) a = b == TypeId::kInterval || op == BinaryOperator::kSub ? b : TypeId::kInterval;
  if (b == TypeId::kUnknown) {
    b = (op == BinaryOperator::kMul || op == BinaryOperator::kDiv) ? TypeId::kFloat64
                                                                    : TypeId::kInterval;
  }
  auto r_of = [&](ScalarKernel k, DataType x, DataType y, TypeId result) {
    return Result<ResolvedFunction>(Resolved(name, k, {std::move(x), std::move(y)}, result));
  };
  switch (op) {
    case BinaryOperator::kAdd:
      if (a == TypeId::kDate && IsSmallInt(b)) return r_of(DatePlusInt, a, kInt, TypeId::kDate);
      if (IsSmallInt(a) && b == TypeId::kDate) return r_of(IntPlusDate, kInt, b, TypeId::kDate);
      if ((a == TypeId::kDate && b == TypeId::kTime) || (a == TypeId::kTime && b == TypeId::kDate)) {
        return r_of(DatePlusTime, a, b, TypeId::kTimestamp);
      }
      if (b == TypeId::kInterval && (a == TypeId::kDate || a == TypeId::kTimestamp ||
                                     a == TypeId::kTimestamptz || a == TypeId::kTime)) {
        TypeId result = a == TypeId::kDate ? TypeId::kTimestamp : a;
        return r_of(TimestampInterval<false>, a, kInterval, result);
      }
      if (a == TypeId::kInterval && (b == TypeId::kDate || b == TypeId::kTimestamp ||
                                     b == TypeId::kTimestamptz || b == TypeId::kTime)) {
        TypeId result = b == TypeId::kDate ? TypeId::kTimestamp : b;
        return r_of(TimestampInterval<false>, kInterval, b, result);
      }
      if (a == TypeId::kInterval && b == TypeId::kInterval) {
        return r_of(IntervalPlus, kInterval, kInterval, TypeId::kInterval);
      }
      break;
    case BinaryOperator::kSub:
      if (a == TypeId::kDate && IsSmallInt(b)) return r_of(DateMinusInt, a, kInt, TypeId::kDate);
      if (a == TypeId::kDate && b == TypeId::kDate) {
        return r_of(DateMinusDate, a, b, TypeId::kInt32);
      }
      if (b == TypeId::kInterval && (a == TypeId::kDate || a == TypeId::kTimestamp ||
                                     a == TypeId::kTimestamptz || a == TypeId::kTime)) {
        TypeId result = a == TypeId::kDate ? TypeId::kTimestamp : a;
        return r_of(TimestampInterval<true>, a, kInterval, result);
      }
      if ((a == TypeId::kTimestamp || a == TypeId::kTimestamptz || a == TypeId::kDate) &&
          (b == TypeId::kTimestamp || b == TypeId::kTimestamptz || b == TypeId::kDate)) {
        auto common = types::CommonSupertype(DataType(a), DataType(b));
        if (!common.ok()) break;
        DataType c = common->id() == TypeId::kDate ? DataType(TypeId::kTimestamp) : *common;
        return r_of(TimestampMinusTimestamp, c, c, TypeId::kInterval);
      }
      if (a == TypeId::kTime && b == TypeId::kTime) {
        return r_of(TimeMinusTime, a, b, TypeId::kInterval);
      }
      if (a == TypeId::kInterval && b == TypeId::kInterval) {
        return r_of(IntervalMinus, kInterval, kInterval, TypeId::kInterval);
      }
      break;
    case BinaryOperator::kMul:
      if (a == TypeId::kInterval && IsNumber(b)) {
        return r_of(IntervalTimes, kInterval, kDouble, TypeId::kInterval);
      }
      if (IsNumber(a) && b == TypeId::kInterval) {
        return r_of(IntervalTimes, kDouble, kInterval, TypeId::kInterval);
      }
      break;
    case BinaryOperator::kDiv:
      if (a == TypeId::kInterval && IsNumber(b)) {
        return r_of(IntervalDivide, kInterval, kDouble, TypeId::kInterval);
      }
      break;
    default:
      break;
  }
  return Result<ResolvedFunction>(NoOperator(op, l, r));
}

Result<ResolvedFunction> ResolveArith(BinaryOperator op, const DataType& l, const DataType& r) {
  if (auto dt = ResolveDatetimeArith(op, l, r)) return std::move(*dt);
  if (l.id() == TypeId::kUnknown && r.id() == TypeId::kUnknown) {
    return Status::Sql("42725", "operator is not unique: unknown " +
                                    std::string(BinaryOperatorText(op)) +
                                    " unknown\nHINT: Could not choose a best candidate "
                                    "operator. You might need to add explicit type casts.");
  }
  const std::string name(BinaryOperatorText(op));
  if (op == BinaryOperator::kPow) {
    TypeId a = Norm(l.id()), b = Norm(r.id());
    if ((a != TypeId::kUnknown && !IsNumber(a)) || (b != TypeId::kUnknown && !IsNumber(b))) {
      return NoOperator(op, l, r);
    }
    bool numeric = (a == TypeId::kDecimal || b == TypeId::kDecimal) && a != TypeId::kFloat32 &&
                   a != TypeId::kFloat64 && b != TypeId::kFloat32 && b != TypeId::kFloat64;
    DataType t = numeric ? TypeId::kDecimal : TypeId::kFloat64;
    return Resolved(name, numeric ? PowDecimal : PowFloat, {t, t}, t);
  }
  auto operand = types::ArithmeticOperandType(l, r);
  if (!operand.ok()) return NoOperator(op, l, r);
  ScalarKernel k = nullptr;
  switch (op) {
    case BinaryOperator::kAdd:
      k = NumericKernel<Arith::kAdd>(operand->id());
      break;
    case BinaryOperator::kSub:
      k = NumericKernel<Arith::kSub>(operand->id());
      break;
    case BinaryOperator::kMul:
      k = NumericKernel<Arith::kMul>(operand->id());
      break;
    case BinaryOperator::kDiv:
      k = NumericKernel<Arith::kDiv>(operand->id());
      break;
    case BinaryOperator::kMod:
      k = NumericKernel<Arith::kMod>(operand->id());
      break;
    default:
      break;
  }
  if (k == nullptr) return NoOperator(op, l, r);
  return Resolved(name, k, {*operand, *operand}, *operand);
}

}  // namespace

std::string_view BinaryOperatorText(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kAdd:
      return "+";
    case BinaryOperator::kSub:
      return "-";
    case BinaryOperator::kMul:
      return "*";
    case BinaryOperator::kDiv:
      return "/";
    case BinaryOperator::kMod:
      return "%";
    case BinaryOperator::kPow:
      return "^";
    case BinaryOperator::kConcat:
      return "||";
    case BinaryOperator::kJsonGet:
      return "->";
    case BinaryOperator::kJsonGetText:
      return "->>";
    case BinaryOperator::kContains:
      return "@>";
    case BinaryOperator::kContainedBy:
      return "<@";
    case BinaryOperator::kEq:
      return "=";
    case BinaryOperator::kNotEq:
      return "<>";
    case BinaryOperator::kLt:
      return "<";
    case BinaryOperator::kLtEq:
      return "<=";
    case BinaryOperator::kGt:
      return ">";
    case BinaryOperator::kGtEq:
      return ">=";
  }
  return "?";
}

Result<ResolvedFunction> ResolveComparison(BinaryOperator op, const DataType& type) {
  DataType t = type.id() == TypeId::kUnknown ? DataType(TypeId::kVarchar) : type;
  return Resolved(std::string(BinaryOperatorText(op)), CompareKernelFor(op, t.id()), {t, t},
                  TypeId::kBoolean);
}

Result<ResolvedFunction> ResolveBinaryOperator(BinaryOperator op, const DataType& l,
                                               const DataType& r) {
  if (IsComparison(op)) {
    auto common = types::CommonSupertype(l, r);
    if (!common.ok()) return NoOperator(op, l, r);
    return ResolveComparison(op, *common);
  }
  switch (op) {
    case BinaryOperator::kConcat:
      return internal::ResolveConcatOperator(l, r);
    case BinaryOperator::kJsonGet:
    case BinaryOperator::kJsonGetText:
      return internal::ResolveJsonGet(op == BinaryOperator::kJsonGetText, l, r);
    case BinaryOperator::kContains:
    case BinaryOperator::kContainedBy:
      return internal::ResolveContainment(op == BinaryOperator::kContains, l, r);
    default:
      return ResolveArith(op, l, r);
  }
}

Result<ResolvedFunction> ResolveNegation(const DataType& operand) {
  TypeId t = Norm(operand.id());
  ScalarKernel k = nullptr;
  DataType result = t;
  switch (t) {
    case TypeId::kInt16:
      k = NegInt<int16_t>;
      break;
    case TypeId::kInt32:
      k = NegInt<int32_t>;
      break;
    case TypeId::kInt64:
      k = NegInt<int64_t>;
      break;
    case TypeId::kFloat32:
      k = NegFloat32;
      break;
    case TypeId::kFloat64:
      k = NegFloat64;
      break;
    case TypeId::kDecimal:
      k = NegDecimal;
      break;
    case TypeId::kInterval:
      k = NegInterval;
      break;
    case TypeId::kUnknown:
      // -'5' is numeric in PostgreSQL's resolution (unknown prefers... the first candidate).
      k = NegDecimal;
      result = TypeId::kDecimal;
      break;
    default:
      return Status::Sql("42883", "operator does not exist: - " + operand.ToString() +
                                      "\nHINT: No operator matches the given name and argument "
                                      "type. You might need to add an explicit type cast.");
  }
  return Resolved("-", k, {result}, result);
}

}  // namespace dynasink::exec
