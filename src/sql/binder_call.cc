// Binding calls: scalar functions, aggregates (and GROUP BY key matching), EXTRACT, the SQL
// value functions (CURRENT_TIMESTAMP, CURRENT_USER, ...) and the session functions (version(),
// current_database(), ...).
#include "exec/aggregate.h"
#include "sql/binder_internal.h"

namespace dynasink::sql {

using internal::ExprCtx;
using types::DataType;
using types::TypeId;
using types::Value;

namespace {

BoundPtr Text(std::string s) { return exec::MakeLiteral(Value::Varchar(std::move(s)), TypeId::kVarchar); }

bool IsAggregateCall(const Expr& e) {
  return e.kind == ExprKind::kFunctionCall &&
         exec::IsAggregateFunction(e.As<FunctionCallExpr>().name.name());
}

}  // namespace

Result<BoundPtr> Binder::Impl::CallResolved(exec::ResolvedFunction fn, std::vector<BoundPtr> args,
                                            uint32_t pos, const std::vector<uint32_t>& arg_pos) {
  for (size_t i = 0; i < args.size() && i < fn.arg_types.size(); ++i) {
    uint32_t at = i < arg_pos.size() ? arg_pos[i] : pos;
    DS_ASSIGN_OR_RETURN(args[i], Coerce(std::move(args[i]), fn.arg_types[i],
                                        types::CastContext::kExplicit, at));
  }
  return Fold(exec::MakeCall(std::move(fn), std::move(args)));
}

Result<BoundPtr> Binder::Impl::BindFunctionCall(const FunctionCallExpr& e, ExprCtx& ctx) {
  const auto& parts = e.name.parts;
  std::string name = e.name.name();
  if (parts.size() > 2 ||
      (parts.size() == 2 && parts[0].name != "pg_catalog" && parts[0].name != "rw_catalog")) {
    return ErrorAt(e.pos, "42883", "function " + e.name.ToString() + " does not exist");
  }
  if (exec::IsAggregateFunction(name)) return BindAggregate(e, ctx);
  if (e.distinct || e.star || !e.order_by.empty() || e.filter) {
    const char* what = e.distinct ? "DISTINCT" : (e.filter ? "FILTER" : "ORDER BY");
    if (e.star) return ErrorAt(e.pos, "42809", name + "(*) specified, but " + name +
                                                   " is not an aggregate function");
    return ErrorAt(e.pos, "42809", std::string(what) + " specified, but " + name +
                                       " is not an aggregate function");
  }
  if (auto session = BindSessionFunction(name, e, ctx)) return std::move(*session);
  if (name == "coalesce") {
    std::vector<const Expr*> items;
    for (const auto& a : e.args) items.push_back(a.get());
    if (items.empty()) return ErrorAt(e.pos, "42601", "syntax error at or near \")\"");
    DataType common;
    DS_ASSIGN_OR_RETURN(auto bound, BindCommon(items, ctx, "COALESCE", e.pos, &common));
    return Fold(exec::MakeCoalesce(std::move(bound), common));
  }
  std::vector<BoundPtr> args;
  std::vector<DataType> types;
  std::vector<uint32_t> positions;
  for (const auto& a : e.args) {
    DS_ASSIGN_OR_RETURN(BoundPtr b, Bind(*a, ctx));
    types.push_back(b->type());
    args.push_back(std::move(b));
    positions.push_back(a->pos);
  }
  auto fn = exec::ResolveFunction(name, types);
  if (!fn.ok()) return fn.status().WithSqlState(fn.status().sqlstate(), CharPos(e.pos));
  if (ctx.sink && fn->stable) {
    return ErrorAt(e.pos, "0A000",
                   name + "() is not allowed in a sink query: its value would differ between "
                          "the backfill and each change");
  }
  return CallResolved(std::move(fn).value(), std::move(args), e.pos, positions);
}

std::optional<Result<BoundPtr>> Binder::Impl::BindSessionFunction(const std::string& name,
                                                                 const FunctionCallExpr& e,
                                                                 ExprCtx& ctx) {
  auto no_args = [&](BoundPtr value) -> Result<BoundPtr> {
    if (!e.args.empty()) {
      std::vector<DataType> types(e.args.size());
      return exec::NoSuchFunction(name, types).WithSqlState("42883", CharPos(e.pos));
    }
    return value;
  };
  if (name == "version") return no_args(Text(env.version));
  if (name == "current_database" || name == "current_catalog") return no_args(Text(env.database));
  if (name == "current_schema") return no_args(Text("public"));
  if (name == "current_user" || name == "session_user" || name == "user") {
    return no_args(Text(env.user));
  }
  if (name == "pg_backend_pid") {
    return no_args(exec::MakeLiteral(Value::Int32(env.backend_pid), TypeId::kInt32));
  }
  if (name == "pg_typeof") {
    if (e.args.size() != 1) return Result<BoundPtr>(exec::NoSuchFunction(name, {}));
    auto arg = Bind(*e.args[0], ctx);
    if (!arg.ok()) return Result<BoundPtr>(arg.status());
    const DataType& t = (*arg)->type();
    return Result<BoundPtr>(Text(t.id() == TypeId::kUnknown ? "unknown" : t.ToString()));
  }
  if (name == "current_setting") {
    if (e.args.size() != 1 && e.args.size() != 2) {
      return Result<BoundPtr>(exec::NoSuchFunction(name, {}));
    }
    auto arg = Bind(*e.args[0], ctx);
    if (!arg.ok()) return Result<BoundPtr>(arg.status());
    if ((*arg)->kind() != exec::ExprKind::kLiteral || exec::LiteralValue(**arg).is_null()) {
      return Result<BoundPtr>(ErrorAt(e.pos, "0A000",
                                     "current_setting() needs a constant setting name"));
    }
    std::string setting = exec::LiteralValue(**arg).as_string();
    std::optional<std::string> value = env.setting ? env.setting(setting) : std::nullopt;
    if (!value.has_value()) {
      // current_setting(name, true) returns NULL for an unknown setting.
      if (e.args.size() == 2) return Result<BoundPtr>(exec::MakeLiteral(Value(), TypeId::kVarchar));
      return Result<BoundPtr>(ErrorAt(e.pos, "42704",
                                     "unrecognized configuration parameter \"" + setting + "\""));
    }
    return Result<BoundPtr>(Text(*value));
  }
  return std::nullopt;
}

Result<BoundPtr> Binder::Impl::BindAggregate(const FunctionCallExpr& e, ExprCtx& ctx) {
  const std::string& name = e.name.name();
  if (ctx.sink) {
    return ErrorAt(e.pos, "0A000", "aggregate functions are not allowed in a sink query");
  }
  if (ctx.in_aggregate) {
    return ErrorAt(e.pos, "42803", "aggregate function calls cannot be nested");
  }
  if (ctx.agg == nullptr) {
    return ErrorAt(e.pos, "42803",
                   std::string("aggregate functions are not allowed in ") + ctx.clause);
  }
  if (!e.order_by.empty()) {
    return ErrorAt(e.pos, "0A000", "ORDER BY inside an aggregate call is not supported");
  }
  ExprCtx inner;
  inner.scope = ctx.agg->input;
  inner.clause = ctx.clause;
  inner.in_aggregate = true;
  std::vector<BoundPtr> args;
  std::vector<DataType> types;
  for (const auto& a : e.args) {
    DS_ASSIGN_OR_RETURN(BoundPtr b, Bind(*a, inner));
    types.push_back(b->type());
    args.push_back(std::move(b));
  }
  auto sig = exec::ResolveAggregate(name, types, e.star);
  if (!sig.ok()) return sig.status().WithSqlState(sig.status().sqlstate(), CharPos(e.pos));
  auto call = std::make_unique<exec::AggregateCall>();
  call->kind = sig->kind;
  call->name = name;
  call->distinct = e.distinct;
  call->result_type = sig->result_type;
  for (size_t i = 0; i < args.size(); ++i) {
    DS_ASSIGN_OR_RETURN(BoundPtr a, Coerce(std::move(args[i]), sig->arg_types[i],
                                          types::CastContext::kImplicit, e.args[i]->pos));
    call->args.push_back(std::move(a));
  }
  if (e.filter) {
    DS_ASSIGN_OR_RETURN(call->filter, Bind(*e.filter, inner));
    DS_ASSIGN_OR_RETURN(call->filter, CoerceBoolean(std::move(call->filter), "FILTER",
                                                    e.filter->pos));
  }
  // The same call twice (SELECT count(*) ... HAVING count(*) > 1) is computed once.
  std::string key = name + (e.distinct ? " DISTINCT" : "") + "(";
  for (const auto& a : call->args) key += a->ToString() + ",";
  key += ")";
  if (call->filter) key += " FILTER " + call->filter->ToString();
  internal::AggState& agg = *ctx.agg;
  size_t index = agg.calls.size();
  for (size_t i = 0; i < agg.call_keys.size(); ++i) {
    if (agg.call_keys[i] == key) index = i;
  }
  DataType result = call->result_type;
  if (index == agg.calls.size()) {
    agg.calls.push_back(std::move(call));
    agg.call_keys.push_back(std::move(key));
  }
  return exec::MakeColumn(static_cast<int>(agg.group_keys.size() + index), result);
}

std::optional<Result<BoundPtr>> Binder::Impl::MatchGroupKey(const Expr& e, ExprCtx& ctx) {
  switch (e.kind) {
    case ExprKind::kLiteral:
    case ExprKind::kTypedLiteral:
    case ExprKind::kParameter:
    case ExprKind::kStar:
    case ExprKind::kDefault:
    case ExprKind::kSqlValue:
      return std::nullopt;
    default:
      break;
  }
  if (IsAggregateCall(e) || ctx.agg->group_keys.empty()) return std::nullopt;
  // Bind against the input rows, without reporting errors: if the expression is one of the
  // GROUP BY keys, it becomes a reference to that key in the aggregate's output.
  ExprCtx trial;
  trial.scope = ctx.agg->input;
  trial.clause = ctx.clause;
  trial.sink = ctx.sink;
  auto bound = Bind(e, trial);
  if (!bound.ok()) return std::nullopt;
  std::string key = (*bound)->ToString();
  for (size_t i = 0; i < ctx.agg->group_keys.size(); ++i) {
    if (ctx.agg->group_keys[i] == key) {
      return Result<BoundPtr>(exec::MakeColumn(static_cast<int>(i), ctx.agg->group_types[i]));
    }
  }
  return std::nullopt;
}

Result<BoundPtr> Binder::Impl::BindExtract(const ExtractExpr& e, ExprCtx& ctx) {
  DS_ASSIGN_OR_RETURN(BoundPtr source, Bind(*e.source, ctx));
  std::vector<BoundPtr> args;
  args.push_back(Text(e.field));
  std::vector<DataType> types{TypeId::kVarchar, source->type()};
  args.push_back(std::move(source));
  auto fn = exec::ResolveFunction("extract", types);
  if (!fn.ok()) return fn.status().WithSqlState(fn.status().sqlstate(), CharPos(e.pos));
  return CallResolved(std::move(fn).value(), std::move(args), e.pos, {e.pos, e.source->pos});
}

Result<BoundPtr> Binder::Impl::BindSqlValue(const SqlValueExpr& e, ExprCtx& ctx) {
  std::string fn_name;
  switch (e.value) {
    case SqlValueKind::kCurrentUser:
    case SqlValueKind::kCurrentRole:
    case SqlValueKind::kSessionUser:
    case SqlValueKind::kUser:
      return Text(env.user);
    case SqlValueKind::kCurrentCatalog:
      return Text(env.database);
    case SqlValueKind::kCurrentSchema:
      return Text("public");
    case SqlValueKind::kCurrentDate:
      fn_name = "current_date";
      break;
    case SqlValueKind::kCurrentTime:
      fn_name = "current_time";
      break;
    case SqlValueKind::kCurrentTimestamp:
      fn_name = "now";
      break;
    case SqlValueKind::kLocalTime:
      fn_name = "localtime";
      break;
    case SqlValueKind::kLocalTimestamp:
      fn_name = "localtimestamp";
      break;
  }
  if (ctx.sink) {
    return ErrorAt(e.pos, "0A000",
                   std::string(SqlValueKindText(e.value)) +
                       " is not allowed in a sink query: its value would differ between the "
                       "backfill and each change");
  }
  DS_ASSIGN_OR_RETURN(auto fn, exec::ResolveFunction(fn_name, {}));
  return exec::MakeCall(std::move(fn), {});
}

}  // namespace dynasink::sql
