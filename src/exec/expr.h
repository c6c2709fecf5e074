// Bound, typed expressions, evaluated row at a time over types::Values.
//
// The binder (src/sql) turns AST expressions into these trees: every name is resolved to a
// column index, every operator and function to a kernel chosen for its argument types, every
// implicit conversion made explicit as a CastExpr. Evaluation therefore does no lookups and no
// type dispatch beyond the kernel's own, and a scalar result needs no allocation: Evaluate()
// returns a pointer to the value where it already lives (the row, a parameter, a literal) and
// only computed values are written to the caller's scratch Value.
//
// NULL follows SQL: strict functions and operators return NULL when an argument is NULL;
// AND/OR/NOT use three-valued logic; comparisons with NULL are NULL. Errors carry PostgreSQL's
// SQLSTATEs (22003 out of range, 22012 division by zero, ...).
//
// Trees are immutable after binding and may be evaluated from several threads at once (the
// state of an evaluation lives in the caller's scratch values and EvalContext).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "exec/cancel.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::exec {

// What evaluation needs beyond the row.
struct EvalContext {
  // $1..$n (index 0 is $1); each NULL or of the parameter's type.
  const std::vector<types::Value>* params = nullptr;
  // now() / CURRENT_TIMESTAMP: fixed for the whole statement, as in PostgreSQL.
  types::Timestamptz statement_time{};
  // The statement's cancellation, for functions that wait (pg_sleep); may be null.
  const CancelToken* cancel = nullptr;
};

enum class ExprKind : uint8_t {
  kLiteral,
  kParam,
  kColumn,
  kCast,
  kCall,
  kAnd,
  kOr,
  kNot,
  kIsNull,
  kIsBool,
  kIsDistinct,
  kCase,
  kCoalesce,
  kInList,
  kLike,
  kField,
  kSubscript,
  kSlice,
  kRow,
  kArray,
};

class Expr;
using ExprPtr = std::unique_ptr<Expr>;

class Expr {
 public:
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ExprKind kind() const { return kind_; }
  const types::DataType& type() const { return type_; }

  // Evaluates over `row`. Returns the result: either `scratch` (written) or a value owned by
  // the row, the parameters or this expression, valid as long as they are. On error returns
  // nullptr and sets *status.
  virtual const types::Value* Evaluate(const EvalContext& ctx, const types::Row& row,
                                       types::Value* scratch, Status* status) const = 0;

  // Evaluates into *out (a copy when the value lives elsewhere).
  Status EvalInto(const EvalContext& ctx, const types::Row& row, types::Value* out) const;
  Result<types::Value> Eval(const EvalContext& ctx, const types::Row& row) const;

  // Deterministic text of the tree with columns as #index: equal texts mean equal expressions
  // (the binder matches GROUP BY expressions with it).
  virtual void AppendTo(std::string* out) const = 0;
  // A deep copy (a bound plan is instantiated once per execution of a prepared statement).
  virtual ExprPtr Clone() const = 0;
  std::string ToString() const;

  virtual size_t num_children() const { return 0; }
  virtual const Expr& child(size_t i) const;

  // True when the value depends on no row, parameter or clock (the binder folds these).
  bool IsConstant() const;
  // True when some node reads the row (a column reference).
  bool ReadsRow() const;

 protected:
  Expr(ExprKind kind, types::DataType type) : kind_(kind), type_(std::move(type)) {}

 private:
  ExprKind kind_;
  types::DataType type_;
};

// Evaluation of a predicate: true only for a non-NULL true (WHERE, HAVING, CASE WHEN).
inline bool IsTrue(const types::Value* v) { return v != nullptr && !v->is_null() && v->as_bool(); }

// ---- functions ----------------------------------------------------------------------------

// What a kernel sees of its call.
struct CallContext {
  const EvalContext& eval;
  const std::vector<types::DataType>& arg_types;
  const types::DataType& result_type;
};

// Computes a function of evaluated arguments (args[i] never null pointers; NULL values only
// reach non-strict kernels) into *out.
using ScalarKernel = Status (*)(const CallContext& call, const types::Value* const* args,
                                types::Value* out);

// A function or operator resolved for argument types (exec/functions.h resolves them).
struct ResolvedFunction {
  std::string name;  // for errors and AppendTo: "+", "lower", ...
  ScalarKernel kernel = nullptr;
  // Types the arguments must be converted to before the call (the binder inserts the casts).
  std::vector<types::DataType> arg_types;
  types::DataType result_type;
  bool strict = true;   // NULL in -> NULL out, without calling the kernel
  bool stable = false;  // reads the statement's clock: not foldable
};

// ---- node constructors --------------------------------------------------------------------
// Types are the binder's business: these trust that children already have the types given.

ExprPtr MakeLiteral(types::Value value, types::DataType type);
ExprPtr MakeParam(int index, types::DataType type);  // 0-based
ExprPtr MakeColumn(int index, types::DataType type);
// CAST(child AS to) with types::CastValue; `from` is child's type.
ExprPtr MakeCast(ExprPtr child, types::DataType to);
ExprPtr MakeCall(ResolvedFunction fn, std::vector<ExprPtr> args);
ExprPtr MakeAnd(std::vector<ExprPtr> children);  // boolean children
ExprPtr MakeOr(std::vector<ExprPtr> children);
ExprPtr MakeNot(ExprPtr child);
ExprPtr MakeIsNull(ExprPtr child, bool negated);
enum class BoolTest : uint8_t { kTrue, kFalse, kUnknown };
ExprPtr MakeIsBool(ExprPtr child, BoolTest test, bool negated);
// Both children of the same type.
ExprPtr MakeIsDistinct(ExprPtr left, ExprPtr right, bool negated);
// Searched CASE: conditions boolean, results and else of `type` (else may be null: NULL).
ExprPtr MakeCase(std::vector<std::pair<ExprPtr, ExprPtr>> whens, ExprPtr else_result,
                 types::DataType type);
ExprPtr MakeCoalesce(std::vector<ExprPtr> children, types::DataType type);
// operand [NOT] IN (list), all of one type.
ExprPtr MakeInList(ExprPtr operand, std::vector<ExprPtr> list, bool negated);
// operand [NOT] [I]LIKE pattern [ESCAPE escape]; varchar children; escape may be null ('\').
ExprPtr MakeLike(ExprPtr operand, ExprPtr pattern, ExprPtr escape, bool case_insensitive,
                 bool negated);
// (struct).field by position.
ExprPtr MakeField(ExprPtr base, int index);
// array[index] (1-based; out of range gives NULL); array[lo:hi] (either bound may be null).
ExprPtr MakeSubscript(ExprPtr base, ExprPtr index);
ExprPtr MakeSlice(ExprPtr base, ExprPtr lower, ExprPtr upper);
ExprPtr MakeRow(std::vector<ExprPtr> fields, types::DataType struct_type);
ExprPtr MakeArray(std::vector<ExprPtr> elements, types::DataType list_type);

// Accessors the binder and planner use to look inside nodes.
const types::Value& LiteralValue(const Expr& literal);  // kind() == kLiteral
int ParamIndex(const Expr& param);                      // kind() == kParam
int ColumnIndex(const Expr& column);                    // kind() == kColumn
// For kCall: the function's name ("=", "<", "lower", ...).
const std::string& CallName(const Expr& call);
// For kInList: whether it is NOT IN.
bool InListNegated(const Expr& in_list);

}  // namespace dynasink::exec
