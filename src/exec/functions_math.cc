// Math functions: abs, round, ceil, floor, trunc, mod, sqrt, power, exp, ln, log, sign, pi.
#include <cmath>

#include "exec/function_table.h"

namespace dynasink::exec::internal {

namespace {

using types::Decimal;
using types::TypeId;
using types::Value;

constexpr TypeId kI16 = TypeId::kInt16, kI32 = TypeId::kInt32, kI64 = TypeId::kInt64;
constexpr TypeId kF32 = TypeId::kFloat32, kF64 = TypeId::kFloat64, kNum = TypeId::kDecimal;

Status EmitDecimal(Result<Decimal> r, Value* out) {
  if (!r.ok()) return r.status();
  *out = Value::Numeric(std::move(r).value());
  return Status::OK();
}

Status Abs(const CallContext&, const Value* const* a, Value* out) {
  const Value& v = *a[0];
  if (v.holds<int16_t>()) {
    if (v.as_int16() == INT16_MIN) return OutOfRange("smallint");
    *out = Value::Int16(static_cast<int16_t>(std::abs(v.as_int16())));
  } else if (v.holds<int32_t>()) {
    if (v.as_int32() == INT32_MIN) return OutOfRange("integer");
    *out = Value::Int32(std::abs(v.as_int32()));
  } else if (v.holds<int64_t>()) {
    if (v.as_int64() == INT64_MIN) return OutOfRange("bigint");
    *out = Value::Int64(std::llabs(v.as_int64()));
  } else if (v.holds<float>()) {
    *out = Value::Float32(std::fabs(v.as_float32()));
  } else if (v.holds<double>()) {
    *out = Value::Float64(std::fabs(v.as_float64()));
  } else {
    *out = Value::Numeric(v.as_decimal().Abs());
  }
  return Status::OK();
}

Status RoundNumeric(const CallContext& call, const Value* const* a, Value* out) {
  int32_t scale = call.arg_types.size() == 2 ? a[1]->as_int32() : 0;
  return EmitDecimal(a[0]->as_decimal().Round(scale), out);
}
// round(double): half to even, as C's rint and PostgreSQL's dround.
Status RoundDouble(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Float64(std::rint(a[0]->as_float64()));
  return Status::OK();
}
Status TruncNumeric(const CallContext& call, const Value* const* a, Value* out) {
  int32_t scale = call.arg_types.size() == 2 ? a[1]->as_int32() : 0;
  *out = Value::Numeric(a[0]->as_decimal().Trunc(scale));
  return Status::OK();
}
Status TruncDouble(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Float64(std::trunc(a[0]->as_float64()));
  return Status::OK();
}
Status CeilNumeric(const CallContext&, const Value* const* a, Value* out) {
  return EmitDecimal(a[0]->as_decimal().Ceil(), out);
}
Status CeilDouble(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Float64(std::ceil(a[0]->as_float64()));
  return Status::OK();
}
Status FloorNumeric(const CallContext&, const Value* const* a, Value* out) {
  return EmitDecimal(a[0]->as_decimal().Floor(), out);
}
Status FloorDouble(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Float64(std::floor(a[0]->as_float64()));
  return Status::OK();
}

Status ModInt(const CallContext&, const Value* const* a, Value* out) {
  const Value& x = *a[0];
  int64_t y = a[1]->as_integer();
  if (y == 0) return DivisionByZero();
  int64_t r = y == -1 ? 0 : x.as_integer() % y;
  if (x.holds<int16_t>()) {
    *out = Value::Int16(static_cast<int16_t>(r));
  } else if (x.holds<int32_t>()) {
    *out = Value::Int32(static_cast<int32_t>(r));
  } else {
    *out = Value::Int64(r);
  }
  return Status::OK();
}
Status ModNumeric(const CallContext&, const Value* const* a, Value* out) {
  return EmitDecimal(a[0]->as_decimal().Mod(a[1]->as_decimal()), out);
}

Status CheckedDouble(double r, double x, Value* out) {
  if (std::isinf(r) && !std::isinf(x)) return Status::Sql("22003", "value out of range: overflow");
  *out = Value::Float64(r);
  return Status::OK();
}

Status Sqrt(const CallContext&, const Value* const* a, Value* out) {
  double x = a[0]->as_float64();
  if (x < 0) return Status::Sql("2201F", "cannot take square root of a negative number");
  *out = Value::Float64(std::sqrt(x));
  return Status::OK();
}
Status SqrtNumeric(const CallContext&, const Value* const* a, Value* out) {
  const Decimal& x = a[0]->as_decimal();
  if (x.sign() < 0) return Status::Sql("2201F", "cannot take square root of a negative number");
  if (!x.is_finite()) {
    *out = *a[0];
    return Status::OK();
  }
  // Newton's iteration on numerics to 16 significant digits past the point.
  double guess = std::sqrt(x.ToDouble());
  Decimal r = Decimal::FromDouble(guess);
  if (r.is_zero()) {
    *out = Value::Numeric(Decimal::FromInt64(0, 16));
    return Status::OK();
  }
  for (int i = 0; i < 4; ++i) {
    DS_ASSIGN_OR_RETURN(Decimal q, x.DivWithScale(r, 40));
    DS_ASSIGN_OR_RETURN(Decimal s, r.Add(q));
    DS_ASSIGN_OR_RETURN(r, s.DivWithScale(Decimal::FromInt64(2), 40));
  }
  return EmitDecimal(r.Round(16), out);
}
Status Cbrt(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Float64(std::cbrt(a[0]->as_float64()));
  return Status::OK();
}
Status Exp(const CallContext&, const Value* const* a, Value* out) {
  double x = a[0]->as_float64();
  return CheckedDouble(std::exp(x), x, out);
}
Status Ln(const CallContext&, const Value* const* a, Value* out) {
  double x = a[0]->as_float64();
  if (x == 0) return Status::Sql("2201E", "cannot take logarithm of zero");
  if (x < 0) return Status::Sql("2201E", "cannot take logarithm of a negative number");
  *out = Value::Float64(std::log(x));
  return Status::OK();
}
Status Log10(const CallContext&, const Value* const* a, Value* out) {
  double x = a[0]->as_float64();
  if (x == 0) return Status::Sql("2201E", "cannot take logarithm of zero");
  if (x < 0) return Status::Sql("2201E", "cannot take logarithm of a negative number");
  *out = Value::Float64(std::log10(x));
  return Status::OK();
}
Status Sign(const CallContext&, const Value* const* a, Value* out) {
  if (a[0]->holds<double>()) {
    double x = a[0]->as_float64();
    *out = Value::Float64(x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0));
  } else {
    *out = Value::Numeric(Decimal::FromInt64(a[0]->as_decimal().sign()));
  }
  return Status::OK();
}
Status Pi(const CallContext&, const Value* const*, Value* out) {
  *out = Value::Float64(M_PI);
  return Status::OK();
}

// power(x, y) and pow(x, y) are the ^ operator.
Result<ResolvedFunction> ResolvePower(std::string_view name,
                                      const std::vector<types::DataType>& args) {
  if (args.size() != 2) return NoSuchFunction(name, args);
  auto r = ResolveBinaryOperator(BinaryOperator::kPow, args[0], args[1]);
  if (!r.ok()) return NoSuchFunction(name, args);
  r->name = std::string(name);
  return r;
}

}  // namespace

void AddMathFunctions(FunctionTable* t) {
  (*t)["abs"].overloads = {{{kI16}, kI16, Abs}, {{kI32}, kI32, Abs}, {{kI64}, kI64, Abs},
                           {{kF32}, kF32, Abs}, {{kF64}, kF64, Abs}, {{kNum}, kNum, Abs}};
  // Integers go to double precision first, as PostgreSQL's preferred type for numbers.
  (*t)["round"].overloads = {{{kF64}, kF64, RoundDouble},
                             {{kNum}, kNum, RoundNumeric},
                             {{kNum, kI32}, kNum, RoundNumeric}};
  (*t)["trunc"].overloads = {{{kF64}, kF64, TruncDouble},
                             {{kNum}, kNum, TruncNumeric},
                             {{kNum, kI32}, kNum, TruncNumeric}};
  for (const char* name : {"ceil", "ceiling"}) {
    (*t)[name].overloads = {{{kF64}, kF64, CeilDouble}, {{kNum}, kNum, CeilNumeric}};
  }
  (*t)["floor"].overloads = {{{kF64}, kF64, FloorDouble}, {{kNum}, kNum, FloorNumeric}};
  (*t)["mod"].overloads = {{{kI16, kI16}, kI16, ModInt},
                           {{kI32, kI32}, kI32, ModInt},
                           {{kI64, kI64}, kI64, ModInt},
                           {{kNum, kNum}, kNum, ModNumeric}};
  (*t)["sqrt"].overloads = {{{kF64}, kF64, Sqrt}, {{kNum}, kNum, SqrtNumeric}};
  (*t)["cbrt"].overloads = {{{kF64}, kF64, Cbrt}};
  (*t)["exp"].overloads = {{{kF64}, kF64, Exp}};
  (*t)["ln"].overloads = {{{kF64}, kF64, Ln}};
  (*t)["log"].overloads = {{{kF64}, kF64, Log10}};
  (*t)["log10"].overloads = {{{kF64}, kF64, Log10}};
  (*t)["sign"].overloads = {{{kF64}, kF64, Sign}, {{kNum}, kNum, Sign}};
  (*t)["pi"].overloads = {{{}, kF64, Pi}};
  (*t)["power"].resolver = ResolvePower;
  (*t)["pow"].resolver = ResolvePower;
}

}  // namespace dynasink::exec::internal
