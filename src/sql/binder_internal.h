// The binder's internals, shared by its files (binder_*.cc). Not a public header.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exec/aggregate.h"
#include "exec/functions.h"
#include "sql/binder.h"
#include "types/cast.h"

namespace dynasink::sql {
// A bound expression (sql::ExprPtr is the AST's).
using BoundPtr = exec::ExprPtr;
}  // namespace dynasink::sql

namespace dynasink::sql::internal {

// A column visible to expressions: a position in the input row, with its table's name (or
// alias) for qualified references.
struct ScopeColumn {
  std::string table;
  std::string name;
  types::DataType type;
  bool hidden = false;  // not expanded by *, but referable by name
};

struct Scope {
  std::vector<ScopeColumn> columns;
  std::vector<std::string> tables;  // names (or aliases) usable as qualifiers
};

// The state of binding an aggregating query's select list, HAVING and ORDER BY: expressions
// there are bound against the aggregate's output row [group keys..., aggregate results...].
struct AggState {
  const Scope* input = nullptr;
  std::vector<std::string> group_keys;  // fingerprints (Expr::ToString) of the bound keys
  std::vector<types::DataType> group_types;
  std::vector<std::unique_ptr<exec::AggregateCall>> calls;
  std::vector<std::string> call_keys;  // fingerprints, so count(*) twice is computed once
};

struct ExprCtx {
  const Scope* scope = nullptr;  // null: no columns (VALUES, LIMIT, DEFAULT ...)
  const char* clause = "";       // names the clause in "... are not allowed in WHERE"
  AggState* agg = nullptr;       // set while binding over an aggregate's output
  bool in_aggregate = false;     // inside an aggregate call's arguments
  bool sink = false;             // a sink query: no parameters, no clock
};

// True if `t` is unknown or holds an unknown field or element (ROW('a', NULL) before its
// context decides).
bool ContainsUnknown(const types::DataType& t);
// `t` with every unknown replaced by varchar.
types::DataType ResolveUnknownType(const types::DataType& t);

// How a failed coercion is reported: by default `cannot cast type X to Y` (42846).
using CoerceError = std::function<Status(const types::DataType& from)>;

}  // namespace dynasink::sql::internal

namespace dynasink::sql {

struct Binder::Impl {
  using Scope = internal::Scope;
  using ExprCtx = internal::ExprCtx;

  Impl(const BindEnv& e, std::vector<types::DataType>* p) : env(e), params(p) {}

  const BindEnv& env;
  std::vector<types::DataType>* params;

  // ---- errors (binder_expr.cc)
  int CharPos(uint32_t offset) const;
  Status ErrorAt(uint32_t offset, std::string_view sqlstate, std::string message) const;

  // ---- expressions (binder_expr.cc)
  Result<BoundPtr> Bind(const Expr& e, ExprCtx& ctx);
  Result<BoundPtr> BindColumnRef(const ColumnRefExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindLiteral(const LiteralExpr& e);
  Result<BoundPtr> BindTypedLiteral(const TypedLiteralExpr& e);
  Result<BoundPtr> BindParameter(const ParameterExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindUnary(const UnaryExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindBinary(const BinaryExpr& e, ExprCtx& ctx);
  // `pos` is the operator's offset; left_pos/right_pos the operands' (for errors about them).
  Result<BoundPtr> BindOperator(exec::BinaryOperator op, BoundPtr left, BoundPtr right,
                                uint32_t pos, uint32_t left_pos, uint32_t right_pos);
  Result<BoundPtr> BindBoolean(const BinaryExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindIsTest(const IsTestExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindBetween(const BetweenExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindInList(const InListExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindLike(const LikeExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindCast(const CastExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindSubscript(const SubscriptExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindFieldAccess(const FieldAccessExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindRow(const RowExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindArray(const ArrayExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindCase(const CaseExpr& e, ExprCtx& ctx);
  // Binds a list and converts its members to their common type ("CASE", "COALESCE", ...).
  Result<std::vector<BoundPtr>> BindCommon(const std::vector<const Expr*>& items, ExprCtx& ctx,
                                          const char* construct, uint32_t pos,
                                          types::DataType* common);

  // ---- calls (binder_call.cc)
  Result<BoundPtr> BindFunctionCall(const FunctionCallExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindAggregate(const FunctionCallExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindExtract(const ExtractExpr& e, ExprCtx& ctx);
  Result<BoundPtr> BindSqlValue(const SqlValueExpr& e, ExprCtx& ctx);
  // version(), current_database(), ...: nullopt when `name` is not a session function.
  std::optional<Result<BoundPtr>> BindSessionFunction(const std::string& name,
                                                     const FunctionCallExpr& e, ExprCtx& ctx);
  // Converts the arguments to the function's types (errors at arg_pos[i], else at pos).
  Result<BoundPtr> CallResolved(exec::ResolvedFunction fn, std::vector<BoundPtr> args,
                                uint32_t pos, const std::vector<uint32_t>& arg_pos = {});

  // ---- types (binder_coerce.cc)
  // Converts `e` to `to`: untyped literals are read as `to` (22P02 ... at their position),
  // untyped parameters take the type, others get a cast allowed in `context`.
  Result<BoundPtr> Coerce(BoundPtr e, const types::DataType& to, types::CastContext context,
                         uint32_t pos, const internal::CoerceError& on_error = nullptr);
  // 42804 `argument of WHERE must be type boolean, not type integer`.
  Result<BoundPtr> CoerceBoolean(BoundPtr e, const char* what, uint32_t pos);
  // Unknown-typed expressions (untyped literals, parameters) become varchar.
  Result<BoundPtr> ResolveUnknown(BoundPtr e, uint32_t pos);
  // Evaluates constant expressions once (keeps the expression when evaluation fails, so the
  // error surfaces when the statement runs, as PostgreSQL's run-time errors do).
  BoundPtr Fold(BoundPtr e) const;
  void NoteParam(int index, const types::DataType& type);

  // ---- aggregates: matching group keys (binder_call.cc)
  std::optional<Result<BoundPtr>> MatchGroupKey(const Expr& e, ExprCtx& ctx);

  // ---- queries (binder_query.cc)
  Result<BoundQuery> BindQuery(const Query& q, bool sink_mode);
  Result<BoundQuery> BindSelect(const SelectBody& body, const Query* query, bool sink_mode);
  Result<BoundQuery> BindValues(const ValuesBody& body);
  Result<PlanPtr> BindFrom(const std::vector<TableRefPtr>& from, Scope* scope, bool sink_mode);
  Result<PlanPtr> BindTableRef(const TableRef& ref, Scope* scope, bool sink_mode);
  Status ApplyOrderLimit(const Query& q, BoundQuery* bound);
  Result<BoundPtr> BindLimitValue(const Expr& e, const char* what);

  // ---- key access (binder_keys.cc)
  // Narrows the rows a scan of `table` reads from the predicate over its rows.
  exec::KeyAccess ExtractKeyAccess(const catalog::TableDef& table, const exec::Expr* predicate);

  // ---- DML (binder_dml.cc)
  Result<catalog::TableDefPtr> FindTable(const ObjectName& name);
  Result<ReturningList> BindReturning(const std::vector<SelectItem>& items, const Scope& scope);
  Result<ColumnFill> DefaultFill(const catalog::TableDef& table, size_t column);
};

}  // namespace dynasink::sql
