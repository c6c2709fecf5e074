// Expression nodes of the SQL AST (see ast.h for the conventions).
//
// What the parser normalizes, so that later stages see one form per meaning:
//  - `-5` and `- 5.5` fold into a negative numeric literal (as PostgreSQL does), so that
//    -9223372036854775808 is one bigint literal; `-x` stays a UnaryExpr.
//  - `!=` is kNotEq like `<>`.
//  - COALESCE, NULLIF, GREATEST, LEAST and every ordinary call are FunctionCallExpr, named in
//    lower case.
//  - SQL's special call syntaxes become ordinary calls, as in PostgreSQL:
//      SUBSTRING(s FROM a FOR b)      -> substring(s, a, b)   (FROM only: substring(s, a);
//                                                               FOR only: substring(s, 1, b))
//      POSITION(a IN b)               -> position(b, a)       (strpos semantics)
//      TRIM([BOTH|LEADING|TRAILING] [c] FROM s) -> btrim|ltrim|rtrim(s [, c])
//      ts AT TIME ZONE z              -> timezone(z, ts)
//    EXTRACT(field FROM x) keeps its own node: its field is a word, not an expression.
//  - CURRENT_DATE, CURRENT_TIMESTAMP, ... (no parentheses in SQL) are SqlValueExpr.
//  - `(a, b)` and `ROW(a, b)` are RowExpr; `ARRAY[[1, 2], [3]]` is an ArrayExpr of ArrayExprs.
//  - `(s).f` is FieldAccessExpr; `t.c` and `a.b.c` are a ColumnRefExpr with several parts
//    (the binder decides whether a part is a table, a column or a field).
#pragma once

#include <string_view>
#include <utility>

#include "sql/ast.h"

namespace dynasink::sql {

enum class ExprKind : uint8_t {
  kLiteral,         // LiteralExpr
  kTypedLiteral,    // TypedLiteralExpr
  kParameter,       // ParameterExpr
  kColumnRef,       // ColumnRefExpr
  kStar,            // StarExpr (only in select lists)
  kUnary,           // UnaryExpr
  kBinary,          // BinaryExpr
  kIsTest,          // IsTestExpr
  kIsDistinctFrom,  // IsDistinctFromExpr
  kBetween,         // BetweenExpr
  kInList,          // InListExpr
  kInSubquery,      // InSubqueryExpr
  kLike,            // LikeExpr
  kCast,            // CastExpr
  kSubscript,       // SubscriptExpr
  kFieldAccess,     // FieldAccessExpr
  kRow,             // RowExpr
  kArray,           // ArrayExpr
  kCase,            // CaseExpr
  kFunctionCall,    // FunctionCallExpr
  kExtract,         // ExtractExpr
  kSqlValue,        // SqlValueExpr
  kSubquery,        // SubqueryExpr
  kExists,          // ExistsExpr
  kDefault,         // DefaultExpr (only in INSERT ... VALUES and UPDATE ... SET)
};
std::string_view ExprKindName(ExprKind kind);

struct Expr {
  const ExprKind kind;
  uint32_t pos = 0;  // byte offset of the node's first token, or of its operator

  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  template <typename T>
  bool Is() const {
    return kind == T::kKind;
  }
  template <typename T>
  T& As() {
    assert(kind == T::kKind);
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& As() const {
    assert(kind == T::kKind);
    return static_cast<const T&>(*this);
  }

 protected:
  Expr(ExprKind k, uint32_t p) : kind(k), pos(p) {}
};

// Declares the kind tag and the positional constructor every node shares.
#define DS_SQL_EXPR_NODE_(Name, Kind)     \
  static constexpr ExprKind kKind = Kind; \
  explicit Name(uint32_t p = 0) : Expr(Kind, p) {}

enum class LiteralKind : uint8_t {
  kNull,
  kBoolean,  // value "true" or "false"
  kInteger,  // digits, maybe with a leading '-': any size (the binder picks int/bigint/numeric)
  kDecimal,  // with a point or an exponent: "1.5", "-2.", ".5", "1e10" (numeric in PostgreSQL)
  kString,   // the decoded string: an untyped literal whose type the context decides
};

struct LiteralExpr final : Expr {
  DS_SQL_EXPR_NODE_(LiteralExpr, ExprKind::kLiteral)
  LiteralExpr(uint32_t p, LiteralKind k, std::string v)
      : Expr(ExprKind::kLiteral, p), literal_kind(k), value(std::move(v)) {}
  LiteralKind literal_kind = LiteralKind::kNull;
  std::string value;
  bool bool_value() const { return value == "true"; }
};

// `date '2020-01-01'`, `interval '1' day`, `timestamptz '...'`, `jsonb '{}'`: a string read as
// the given type (unlike 'x'::t, which is a CastExpr).
struct TypedLiteralExpr final : Expr {
  DS_SQL_EXPR_NODE_(TypedLiteralExpr, ExprKind::kTypedLiteral)
  TypeName type;
  std::string value;
  // For intervals only: the unit qualifier after the string, lower case, words separated by a
  // space: "day", "hour to second", "year to month"; empty when absent.
  std::string interval_qualifier;
};

// $1, $2, ... (1-based).
struct ParameterExpr final : Expr {
  DS_SQL_EXPR_NODE_(ParameterExpr, ExprKind::kParameter)
  int index = 0;
};

// a, t.a, schema.t.a (or, with a struct column, s.field: the binder decides).
struct ColumnRefExpr final : Expr {
  DS_SQL_EXPR_NODE_(ColumnRefExpr, ExprKind::kColumnRef)
  std::vector<Ident> parts;  // never empty
};

// `*` or `t.*` in a select list.
struct StarExpr final : Expr {
  DS_SQL_EXPR_NODE_(StarExpr, ExprKind::kStar)
  std::vector<Ident> qualifier;  // empty for a bare *
};

enum class UnaryOp : uint8_t { kNot, kMinus, kPlus };

struct UnaryExpr final : Expr {
  DS_SQL_EXPR_NODE_(UnaryExpr, ExprKind::kUnary)
  UnaryOp op = UnaryOp::kNot;
  ExprPtr operand;
};

enum class BinaryOp : uint8_t {
  kOr,
  kAnd,
  kEq,
  kNotEq,
  kLt,
  kLtEq,
  kGt,
  kGtEq,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,          // ^
  kConcat,       // ||
  kJsonGet,      // ->
  kJsonGetText,  // ->>
  kContains,     // @>
  kContainedBy,  // <@
};
// The operator's SQL spelling: "OR", "=", "->>", ...
std::string_view BinaryOpText(BinaryOp op);

struct BinaryExpr final : Expr {
  DS_SQL_EXPR_NODE_(BinaryExpr, ExprKind::kBinary)
  BinaryExpr(uint32_t p, BinaryOp o, ExprPtr l, ExprPtr r)
      : Expr(ExprKind::kBinary, p), op(o), left(std::move(l)), right(std::move(r)) {}
  BinaryOp op = BinaryOp::kEq;
  ExprPtr left;
  ExprPtr right;
};

enum class IsTestKind : uint8_t { kNull, kTrue, kFalse, kUnknown };

// x IS [NOT] NULL | TRUE | FALSE | UNKNOWN (also x ISNULL, x NOTNULL).
struct IsTestExpr final : Expr {
  DS_SQL_EXPR_NODE_(IsTestExpr, ExprKind::kIsTest)
  ExprPtr operand;
  IsTestKind test = IsTestKind::kNull;
  bool negated = false;
};

// a IS [NOT] DISTINCT FROM b.
struct IsDistinctFromExpr final : Expr {
  DS_SQL_EXPR_NODE_(IsDistinctFromExpr, ExprKind::kIsDistinctFrom)
  ExprPtr left;
  ExprPtr right;
  bool negated = false;  // IS NOT DISTINCT FROM
};

// x [NOT] BETWEEN [SYMMETRIC] low AND high.
struct BetweenExpr final : Expr {
  DS_SQL_EXPR_NODE_(BetweenExpr, ExprKind::kBetween)
  ExprPtr operand;
  ExprPtr low;
  ExprPtr high;
  bool negated = false;
  bool symmetric = false;
};

// x [NOT] IN (a, b, ...).
struct InListExpr final : Expr {
  DS_SQL_EXPR_NODE_(InListExpr, ExprKind::kInList)
  ExprPtr operand;
  ExprList list;  // never empty
  bool negated = false;
};

// x [NOT] IN (SELECT ...).
struct InSubqueryExpr final : Expr {
  // Out of line, where Query is complete (also the constructor: it may destroy the member).
  static constexpr ExprKind kKind = ExprKind::kInSubquery;
  explicit InSubqueryExpr(uint32_t p = 0);
  ~InSubqueryExpr() override;
  ExprPtr operand;
  std::unique_ptr<Query> query;
  bool negated = false;
};

// x [NOT] LIKE|ILIKE pattern [ESCAPE e].
struct LikeExpr final : Expr {
  DS_SQL_EXPR_NODE_(LikeExpr, ExprKind::kLike)
  ExprPtr operand;
  ExprPtr pattern;
  ExprPtr escape;  // null when absent
  bool negated = false;
  bool case_insensitive = false;  // ILIKE
};

enum class CastSyntax : uint8_t { kCast, kDoubleColon };

// CAST(x AS t) or x::t.
struct CastExpr final : Expr {
  DS_SQL_EXPR_NODE_(CastExpr, ExprKind::kCast)
  ExprPtr operand;
  TypeName type;
  CastSyntax syntax = CastSyntax::kDoubleColon;  // how it was written, for printing
};

// a[i] (1-based), or the slice a[lo:hi] with either bound optional.
struct SubscriptExpr final : Expr {
  DS_SQL_EXPR_NODE_(SubscriptExpr, ExprKind::kSubscript)
  ExprPtr base;
  ExprPtr index;  // a[i]: the index; a slice: the lower bound or null
  ExprPtr upper;  // a slice: the upper bound or null
  bool is_slice = false;
};

// (s).f
struct FieldAccessExpr final : Expr {
  DS_SQL_EXPR_NODE_(FieldAccessExpr, ExprKind::kFieldAccess)
  ExprPtr base;
  Ident field;
};

// ROW(a, b), ROW(), or (a, b) (two or more items without ROW).
struct RowExpr final : Expr {
  DS_SQL_EXPR_NODE_(RowExpr, ExprKind::kRow)
  ExprList items;
  bool explicit_row = false;  // written with the ROW keyword
};

// ARRAY[a, b] (nested brackets inside ARRAY[...] are ArrayExprs too).
struct ArrayExpr final : Expr {
  DS_SQL_EXPR_NODE_(ArrayExpr, ExprKind::kArray)
  ExprList items;
};

struct WhenClause {
  ExprPtr condition;  // for a simple CASE, the value compared with the operand
  ExprPtr result;
};

// CASE [operand] WHEN ... THEN ... [ELSE ...] END.
struct CaseExpr final : Expr {
  DS_SQL_EXPR_NODE_(CaseExpr, ExprKind::kCase)
  ExprPtr operand;                // null for a searched CASE
  std::vector<WhenClause> whens;  // never empty
  ExprPtr else_result;            // null when absent
};

enum class SortDirection : uint8_t { kDefault, kAsc, kDesc };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

// One ORDER BY item; also used inside aggregate calls: string_agg(x, ',' ORDER BY y).
struct OrderByItem {
  ExprPtr expr;
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
};

// f(a, b), count(*), count(DISTINCT x), agg(x ORDER BY y) FILTER (WHERE c), schema.f(...).
struct FunctionCallExpr final : Expr {
  DS_SQL_EXPR_NODE_(FunctionCallExpr, ExprKind::kFunctionCall)
  ObjectName name;  // folded: "count", "pg_catalog.version"
  ExprList args;
  bool star = false;      // f(*): args is empty
  bool distinct = false;  // f(DISTINCT ...)
  std::vector<OrderByItem> order_by;
  ExprPtr filter;  // FILTER (WHERE ...) or null
};

// EXTRACT(field FROM source); field is lower case: "year", "epoch", "dow", ...
struct ExtractExpr final : Expr {
  DS_SQL_EXPR_NODE_(ExtractExpr, ExprKind::kExtract)
  std::string field;
  ExprPtr source;
};

enum class SqlValueKind : uint8_t {
  kCurrentDate,
  kCurrentTime,
  kCurrentTimestamp,
  kLocalTime,
  kLocalTimestamp,
  kCurrentUser,
  kCurrentRole,
  kSessionUser,
  kUser,
  kCurrentCatalog,
  kCurrentSchema,
};
// The SQL keyword: "CURRENT_DATE", ...
std::string_view SqlValueKindText(SqlValueKind kind);

// The SQL-standard niladic functions written without parentheses.
struct SqlValueExpr final : Expr {
  DS_SQL_EXPR_NODE_(SqlValueExpr, ExprKind::kSqlValue)
  SqlValueKind value = SqlValueKind::kCurrentTimestamp;
  int precision = -1;  // CURRENT_TIMESTAMP(3); -1 when absent
};

// A scalar subquery: (SELECT ...).
struct SubqueryExpr final : Expr {
  // Out of line, where Query is complete (also the constructor: it may destroy the member).
  static constexpr ExprKind kKind = ExprKind::kSubquery;
  explicit SubqueryExpr(uint32_t p = 0);
  ~SubqueryExpr() override;
  std::unique_ptr<Query> query;
};

// EXISTS (SELECT ...).
struct ExistsExpr final : Expr {
  // Out of line, where Query is complete (also the constructor: it may destroy the member).
  static constexpr ExprKind kKind = ExprKind::kExists;
  explicit ExistsExpr(uint32_t p = 0);
  ~ExistsExpr() override;
  std::unique_ptr<Query> query;
};

// DEFAULT as a value in INSERT ... VALUES or UPDATE ... SET.
struct DefaultExpr final : Expr {
  DS_SQL_EXPR_NODE_(DefaultExpr, ExprKind::kDefault)
};

#undef DS_SQL_EXPR_NODE_

// Calls f(ExprPtr&) on each direct, non-null child expression of `e`, in source order, so that
// a pass may inspect or replace children. Subqueries (InSubquery, Subquery, Exists) are not
// entered: their expressions belong to another scope; walk their Query explicitly.
template <typename F>
void VisitChildren(Expr& e, F&& f) {
  auto visit = [&f](ExprPtr& child) {
    if (child) f(child);
  };
  switch (e.kind) {
    case ExprKind::kLiteral:
    case ExprKind::kTypedLiteral:
    case ExprKind::kParameter:
    case ExprKind::kColumnRef:
    case ExprKind::kStar:
    case ExprKind::kSqlValue:
    case ExprKind::kSubquery:
    case ExprKind::kExists:
    case ExprKind::kDefault:
      return;
    case ExprKind::kUnary:
      visit(e.As<UnaryExpr>().operand);
      return;
    case ExprKind::kBinary: {
      auto& b = e.As<BinaryExpr>();
      visit(b.left);
      visit(b.right);
      return;
    }
    case ExprKind::kIsTest:
      visit(e.As<IsTestExpr>().operand);
      return;
    case ExprKind::kIsDistinctFrom: {
      auto& d = e.As<IsDistinctFromExpr>();
      visit(d.left);
      visit(d.right);
      return;
    }
    case ExprKind::kBetween: {
      auto& b = e.As<BetweenExpr>();
      visit(b.operand);
      visit(b.low);
      visit(b.high);
      return;
    }
    case ExprKind::kInList: {
      auto& in = e.As<InListExpr>();
      visit(in.operand);
      for (auto& item : in.list)
        visit(item);
      return;
    }
    case ExprKind::kInSubquery:
      visit(e.As<InSubqueryExpr>().operand);
      return;
    case ExprKind::kLike: {
      auto& l = e.As<LikeExpr>();
      visit(l.operand);
      visit(l.pattern);
      visit(l.escape);
      return;
    }
    case ExprKind::kCast:
      visit(e.As<CastExpr>().operand);
      return;
    case ExprKind::kSubscript: {
      auto& s = e.As<SubscriptExpr>();
      visit(s.base);
      visit(s.index);
      visit(s.upper);
      return;
    }
    case ExprKind::kFieldAccess:
      visit(e.As<FieldAccessExpr>().base);
      return;
    case ExprKind::kRow:
      for (auto& item : e.As<RowExpr>().items)
        visit(item);
      return;
    case ExprKind::kArray:
      for (auto& item : e.As<ArrayExpr>().items)
        visit(item);
      return;
    case ExprKind::kCase: {
      auto& c = e.As<CaseExpr>();
      visit(c.operand);
      for (auto& w : c.whens) {
        visit(w.condition);
        visit(w.result);
      }
      visit(c.else_result);
      return;
    }
    case ExprKind::kFunctionCall: {
      auto& fc = e.As<FunctionCallExpr>();
      for (auto& arg : fc.args)
        visit(arg);
      for (auto& item : fc.order_by)
        visit(item.expr);
      visit(fc.filter);
      return;
    }
    case ExprKind::kExtract:
      visit(e.As<ExtractExpr>().source);
      return;
  }
}

// The read-only form: calls f(const Expr&) on each direct child.
template <typename F>
void ForEachChild(const Expr& e, F&& f) {
  // VisitChildren only reads through the reference here; the cast lets one switch serve both.
  VisitChildren(const_cast<Expr&>(e),
                [&f](ExprPtr& child) { f(static_cast<const Expr&>(*child)); });
}

}  // namespace dynasink::sql
