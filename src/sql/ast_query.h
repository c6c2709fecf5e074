// Query nodes of the SQL AST: SELECT, VALUES, set operations, FROM items (see ast.h).
//
// A Query is   [WITH ctes] body [ORDER BY ...] [LIMIT n] [OFFSET n]
// and its body is one of
//   SelectBody             SELECT [DISTINCT] items [FROM ...] [WHERE] [GROUP BY] [HAVING]
//   ValuesBody             VALUES (...), (...)      (INSERT's rows are a Query with this body)
//   SetOperationBody       left UNION|INTERSECT|EXCEPT [ALL] right
//   ParenthesizedBody      (query), keeping the inner query's own ORDER BY / LIMIT
#pragma once

#include <optional>

#include "sql/ast_expr.h"

namespace dynasink::sql {

// One item of a select list or a RETURNING list: an expression (maybe a StarExpr) and its alias.
struct SelectItem {
  ExprPtr expr;
  std::optional<Ident> alias;
};

// ---- FROM items ----------------------------------------------------------------------------

enum class TableRefKind : uint8_t { kTable, kSubquery, kJoin };

struct TableRef {
  const TableRefKind kind;
  uint32_t pos = 0;

  virtual ~TableRef() = default;
  TableRef(const TableRef&) = delete;
  TableRef& operator=(const TableRef&) = delete;

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
  TableRef(TableRefKind k, uint32_t p) : kind(k), pos(p) {}
};
using TableRefPtr = std::unique_ptr<TableRef>;

// A named table: `movies`, `rw_catalog.rw_sinks AS s`.
struct TableNameRef final : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kTable;
  explicit TableNameRef(uint32_t p = 0) : TableRef(kKind, p) {}
  ObjectName name;
  std::optional<Ident> alias;
};

// (SELECT ...) [AS] alias
struct SubqueryRef final : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kSubquery;
  explicit SubqueryRef(uint32_t p = 0) : TableRef(kKind, p) {}
  ~SubqueryRef() override;
  std::unique_ptr<Query> query;
  std::optional<Ident> alias;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };

// left [NATURAL] [INNER|LEFT|RIGHT|FULL [OUTER]|CROSS] JOIN right [ON cond | USING (cols)]
struct JoinRef final : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kJoin;
  explicit JoinRef(uint32_t p = 0) : TableRef(kKind, p) {}
  JoinType type = JoinType::kInner;
  bool natural = false;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr on;                        // null unless ON
  std::vector<Ident> using_columns;  // empty unless USING
};

// ---- query bodies --------------------------------------------------------------------------

enum class QueryBodyKind : uint8_t { kSelect, kValues, kSetOperation, kParenthesized };

struct QueryBody {
  const QueryBodyKind kind;
  uint32_t pos = 0;

  virtual ~QueryBody() = default;
  QueryBody(const QueryBody&) = delete;
  QueryBody& operator=(const QueryBody&) = delete;

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
  QueryBody(QueryBodyKind k, uint32_t p) : kind(k), pos(p) {}
};
using QueryBodyPtr = std::unique_ptr<QueryBody>;

struct SelectBody final : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kSelect;
  explicit SelectBody(uint32_t p = 0) : QueryBody(kKind, p) {}
  bool distinct = false;
  ExprList distinct_on;           // DISTINCT ON (...); implies distinct
  std::vector<SelectItem> items;  // never empty
  std::vector<TableRefPtr> from;  // empty: SELECT without FROM; several: FROM a, b
  ExprPtr where;                  // null when absent
  ExprList group_by;
  ExprPtr having;  // null when absent
};

struct ValuesBody final : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kValues;
  explicit ValuesBody(uint32_t p = 0) : QueryBody(kKind, p) {}
  // Every row has the same number of items (the parser checks it, as PostgreSQL does).
  std::vector<ExprList> rows;
};

enum class SetOperator : uint8_t { kUnion, kIntersect, kExcept };

struct SetOperationBody final : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kSetOperation;
  explicit SetOperationBody(uint32_t p = 0) : QueryBody(kKind, p) {}
  SetOperator op = SetOperator::kUnion;
  bool all = false;
  QueryBodyPtr left;
  QueryBodyPtr right;
};

struct ParenthesizedBody final : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kParenthesized;
  explicit ParenthesizedBody(uint32_t p = 0) : QueryBody(kKind, p) {}
  ~ParenthesizedBody() override;
  std::unique_ptr<Query> query;
};

// WITH name [(columns)] AS (query)
struct CommonTableExpr {
  Ident name;
  std::vector<Ident> columns;
  std::unique_ptr<Query> query;
};

struct Query {
  std::vector<CommonTableExpr> with;
  bool with_recursive = false;
  QueryBodyPtr body;
  std::vector<OrderByItem> order_by;
  ExprPtr limit;   // null when absent or LIMIT ALL
  ExprPtr offset;  // null when absent
  uint32_t pos = 0;
  SourceSpan span;  // the query's text in the parsed input
};

}  // namespace dynasink::sql
