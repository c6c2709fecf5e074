#include "exec/aggregate.h"

#include <cmath>

#include "exec/functions.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace dynasink::exec {

using types::DataType;
using types::Decimal;
using types::TypeId;
using types::Value;

namespace {

TypeId Norm(TypeId t) { return t == TypeId::kSerial ? TypeId::kInt64 : t; }

bool IsIntegerType(TypeId t) {
  return t == TypeId::kInt16 || t == TypeId::kInt32 || t == TypeId::kInt64;
}

Decimal FromInt128(__int128 v) {
  bool negative = v < 0;
  unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  return Decimal::FromUint128(magnitude, negative, 0);
}

}  // namespace

bool IsAggregateFunction(std::string_view name) {
  return name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max" ||
         name == "bool_and" || name == "bool_or" || name == "every" || name == "string_agg" ||
         name == "array_agg";
}

Result<AggregateSignature> ResolveAggregate(std::string_view name, const std::vector<DataType>& args,
                                            bool star) {
  auto fail = [&]() -> Status { return NoSuchFunction(name, args); };
  if (name == "count") {
    if (star) return AggregateSignature{AggKind::kCountStar, {}, TypeId::kInt64};
    if (args.size() != 1) return fail();
    DataType t = args[0].id() == TypeId::kUnknown ? DataType(TypeId::kVarchar) : args[0];
    return AggregateSignature{AggKind::kCount, {t}, TypeId::kInt64};
  }
  if (star) return fail();
  if (name == "string_agg") {
    if (args.size() != 2) return fail();
    for (const DataType& a : args) {
      if (a.id() != TypeId::kVarchar && a.id() != TypeId::kUnknown) return fail();
    }
    return AggregateSignature{AggKind::kStringAgg, {TypeId::kVarchar, TypeId::kVarchar},
                              TypeId::kVarchar};
  }
  if (args.size() != 1) return fail();
  DataType t = args[0];
  TypeId id = Norm(t.id());
  if (name == "array_agg") {
    if (id == TypeId::kUnknown) t = TypeId::kVarchar;
    return AggregateSignature{AggKind::kArrayAgg, {t}, DataType::List(t)};
  }
  if (name == "bool_and" || name == "every" || name == "bool_or") {
    if (id != TypeId::kBoolean && id != TypeId::kUnknown) return fail();
    return AggregateSignature{name == "bool_or" ? AggKind::kBoolOr : AggKind::kBoolAnd,
                              {TypeId::kBoolean}, TypeId::kBoolean};
  }
  if (name == "min" || name == "max") {
    if (id == TypeId::kUnknown) t = TypeId::kVarchar;
    if (id == TypeId::kJsonb) return fail();  // jsonb has no min/max in PostgreSQL
    return AggregateSignature{name == "min" ? AggKind::kMin : AggKind::kMax, {t}, t};
  }
  if (name == "sum" || name == "avg") {
    bool sum = name == "sum";
    AggKind kind = sum ? AggKind::kSum : AggKind::kAvg;
    switch (id) {
      case TypeId::kInt16:
      case TypeId::kInt32:
        return AggregateSignature{kind, {t}, sum ? TypeId::kInt64 : TypeId::kDecimal};
      case TypeId::kInt64:
      case TypeId::kDecimal:
        return AggregateSignature{kind, {t}, TypeId::kDecimal};
      case TypeId::kFloat32:
        return AggregateSignature{kind, {t}, sum ? TypeId::kFloat32 : TypeId::kFloat64};
      case TypeId::kFloat64:
      case TypeId::kInterval:
        return AggregateSignature{kind, {t}, t};
      case TypeId::kUnknown:
        // sum('1') is numeric in PostgreSQL's resolution (the unknown literal adopts numeric...
        // which would fail for text): treat it as numeric input.
        return AggregateSignature{kind, {TypeId::kDecimal}, TypeId::kDecimal};
      default:
        return fail();
    }
  }
  return fail();
}

std::unique_ptr<AggregateCall> AggregateCall::Clone() const {
  auto c = std::make_unique<AggregateCall>();
  c->kind = kind;
  c->name = name;
  for (const ExprPtr& a : args) c->args.push_back(a->Clone());
  c->distinct = distinct;
  c->filter = filter ? filter->Clone() : nullptr;
  c->result_type = result_type;
  return c;
}

Status Accumulator::Add(const EvalContext& ctx, const types::Row& row) {
  Status status;
  if (call_->filter != nullptr) {
    Value slot;
    const Value* f = call_->filter->Evaluate(ctx, row, &slot, &status);
    if (f == nullptr) return status;
    if (!IsTrue(f)) return Status::OK();
  }
  if (call_->kind == AggKind::kCountStar) {
    ++count_;
    return Status::OK();
  }
  Value slot, delim_slot;
  const Value* v = call_->args[0]->Evaluate(ctx, row, &slot, &status);
  if (v == nullptr) return status;
  const Value* delim = nullptr;
  if (call_->args.size() > 1) {
    delim = call_->args[1]->Evaluate(ctx, row, &delim_slot, &status);
    if (delim == nullptr) return status;
  }
  // array_agg keeps NULLs; every other aggregate skips them.
  if (v->is_null() && call_->kind != AggKind::kArrayAgg) return Status::OK();
  if (call_->distinct) {
    if (seen_ == nullptr) seen_ = std::make_unique<std::unordered_set<Value, ValueHash>>();
    if (!seen_->insert(*v).second) return Status::OK();
  }
  return AddValue(*v, delim);
}

Status Accumulator::AddValue(const Value& v, const Value* delimiter) {
  ++count_;
  switch (call_->kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
      return Status::OK();
    case AggKind::kSum:
    case AggKind::kAvg: {
      if (v.holds<int16_t>() || v.holds<int32_t>() || v.holds<int64_t>()) {
        int_sum_ += v.as_integer();
        if (call_->kind == AggKind::kSum && call_->result_type.id() == TypeId::kInt64 &&
            (int_sum_ > INT64_MAX || int_sum_ < INT64_MIN)) {
          return Status::Sql("22003", "bigint out of range");
        }
        has_value_ = true;
        return Status::OK();
      }
      if (!has_value_) {
        value_ = v;
        has_value_ = true;
        return Status::OK();
      }
      if (v.holds<Decimal>()) {
        DS_ASSIGN_OR_RETURN(Decimal d, value_.as_decimal().Add(v.as_decimal()));
        value_ = Value::Numeric(std::move(d));
      } else if (v.holds<float>()) {
        value_ = Value::Float32(value_.as_float32() + v.as_float32());
      } else if (v.holds<double>()) {
        value_ = Value::Float64(value_.as_float64() + v.as_float64());
      } else {
        DS_ASSIGN_OR_RETURN(types::Interval i, types::AddIntervals(value_.as_interval(), v.as_interval()));
        value_ = Value::IntervalV(i);
      }
      return Status::OK();
    }
    case AggKind::kMin:
    case AggKind::kMax: {
      int c = has_value_ ? v.Compare(value_) : 0;
      if (!has_value_ || (call_->kind == AggKind::kMin ? c < 0 : c > 0)) {
        value_ = v;
        has_value_ = true;
      }
      return Status::OK();
    }
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr: {
      bool b = v.as_bool();
      if (!has_value_) {
        value_ = Value::Boolean(b);
        has_value_ = true;
      } else if (call_->kind == AggKind::kBoolAnd ? !b : b) {
        value_ = Value::Boolean(b);
      }
      return Status::OK();
    }
    case AggKind::kStringAgg:
      if (has_value_ && delimiter != nullptr && !delimiter->is_null()) {
        text_.append(delimiter->as_string());
      }
      text_.append(v.as_string());
      has_value_ = true;
      return Status::OK();
    case AggKind::kArrayAgg:
      list_.push_back(v);
      has_value_ = true;
      return Status::OK();
  }
  return Status::OK();
}

Result<Value> Accumulator::Finish() const {
  switch (call_->kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
      return Value::Int64(count_);
    case AggKind::kStringAgg:
      return has_value_ ? Value::Varchar(text_) : Value();
    case AggKind::kArrayAgg:
      return has_value_ ? Value::List(list_) : Value();
    default:
      break;
  }
  if (!has_value_) return Value();
  TypeId in = Norm(call_->args[0]->type().id());
  if (call_->kind == AggKind::kSum) {
    if (IsIntegerType(in)) {
      if (call_->result_type.id() == TypeId::kInt64) return Value::Int64(static_cast<int64_t>(int_sum_));
      return Value::Numeric(FromInt128(int_sum_));
    }
    return value_;
  }
  if (call_->kind == AggKind::kAvg) {
    Decimal n = Decimal::FromInt64(count_);
    if (IsIntegerType(in)) {
      DS_ASSIGN_OR_RETURN(Decimal d, FromInt128(int_sum_).Div(n));
      return Value::Numeric(std::move(d));
    }
    if (value_.holds<Decimal>()) {
      DS_ASSIGN_OR_RETURN(Decimal d, value_.as_decimal().Div(n));
      return Value::Numeric(std::move(d));
    }
    if (value_.holds<float>()) return Value::Float64(static_cast<double>(value_.as_float32()) / count_);
    if (value_.holds<double>()) return Value::Float64(value_.as_float64() / count_);
    DS_ASSIGN_OR_RETURN(types::Interval i,
                        types::DivideInterval(value_.as_interval(), static_cast<double>(count_)));
    return Value::IntervalV(i);
  }
  return value_;
}

}  // namespace dynasink::exec
