// The binder: names and types. It turns parsed statements (ast_stmt.h) into bound forms that
// exec runs: every table and column resolved against the catalog, every expression typed with
// PostgreSQL's rules (implicit casts, operator and function resolution, untyped literals and
// parameters adopting the type their context wants), aggregates and GROUP BY checked.
//
// Errors are PostgreSQL's, with the 1-based character position of the offending name or
// operator where PostgreSQL reports one: 42P01 `relation "t" does not exist`, 42703 `column "x"
// does not exist`, 42803 for GROUP BY misuse, 42804 for type mismatches, 42883 for unknown
// functions and operators, 42P10 for bad ORDER BY positions, ...
//
// Parameters ($1, $2, ...): the caller passes the declared types (kUnknown where the client
// declared none); the binder infers the others from their context (`id = $1` makes $1 the
// type of id; `VALUES ($1)` the column's type) and FinishParams() turns what is left into
// varchar, as PostgreSQL resolves unknown parameters to text.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/result.h"
#include "exec/dml.h"
#include "exec/expr.h"
#include "exec/row_program.h"
#include "sql/ast_stmt.h"
#include "sql/plan.h"

namespace dynasink::sql {

// What binding needs to know about the session.
struct BindEnv {
  const catalog::Catalog* catalog = nullptr;
  std::string_view sql;  // the statement's text, for error positions
  std::string user = "root";
  std::string database = "dev";
  std::string version;  // what version() returns
  int32_t backend_pid = 0;
  // current_setting(name): the session variable's value, or nullopt when unknown.
  std::function<std::optional<std::string>(std::string_view)> setting;
};

// A bound query: its visible output columns and its plan.
struct BoundQuery {
  std::vector<std::string> names;
  std::vector<types::DataType> types;
  PlanPtr plan;  // produces exactly the columns above
};

// How INSERT fills one table column of one row.
struct ColumnFill {
  enum class Kind : uint8_t {
    kConst,     // `value` (already of the column's type; NULL included)
    kExpr,      // `expr`, evaluated over the source row (INSERT ... SELECT) or no row
    kGenerate,  // a serial column or the hidden row id: the writer generates it
  };
  Kind kind = Kind::kConst;
  types::Value value;
  exec::ExprPtr expr;
};

struct ReturningList {
  std::vector<std::string> names;
  std::vector<types::DataType> types;
  std::vector<exec::ExprPtr> exprs;  // over the full table row
  bool empty() const { return exprs.empty(); }
};

struct BoundInsert {
  catalog::TableDefPtr table;
  // VALUES: one fill per table column for each row.
  std::vector<std::vector<ColumnFill>> rows;
  // INSERT ... SELECT: the query, and one fill per table column over its output row.
  std::optional<BoundQuery> source;
  std::vector<ColumnFill> source_fill;
  ReturningList returning;
};

struct BoundUpdate {
  exec::UpdateSpec spec;
  ReturningList returning;
};

struct BoundDelete {
  exec::DeleteSpec spec;
  ReturningList returning;
};

class Binder {
 public:
  // `params` is the statement's parameter types (see the file comment); it may grow.
  Binder(const BindEnv& env, std::vector<types::DataType>* params);
  ~Binder();
  Binder(const Binder&) = delete;
  Binder& operator=(const Binder&) = delete;

  Result<BoundQuery> BindQuery(const Query& query);
  Result<BoundInsert> BindInsert(const InsertStmt& stmt);
  Result<BoundUpdate> BindUpdate(const UpdateStmt& stmt);
  Result<BoundDelete> BindDelete(const DeleteStmt& stmt);
  // An expression over no table (DEFAULT checks, EXECUTE arguments). Without `target`,
  // untyped results become varchar; with it, the result is converted as an assignment to a
  // column of that type would be (42846 when no such conversion exists).
  Result<exec::ExprPtr> BindScalar(const Expr& expr, const types::DataType* target = nullptr);

  // Parameters whose type is still unknown become varchar.
  void FinishParams();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Binds the AS query of CREATE SINK: a SELECT over exactly one user table with a projection
// (aliases name the sink's columns), an optional WHERE, expressions and casts. Refused, with a
// message that says what a sink query may contain (0A000): joins, several tables, subqueries,
// aggregates, GROUP BY, HAVING, DISTINCT, LIMIT/OFFSET, set operations, WITH, window-less
// volatile functions such as now(), and parameters. ORDER BY is accepted and ignored with
// RisingWave's warning, which the program's notices() carry. Hidden columns are not output by
// `*`, and two output columns may not share a name (42701).
Result<std::unique_ptr<exec::RowProgram>> BindSinkQuery(const catalog::Catalog& catalog,
                                                        const Query& query,
                                                        std::string_view sql = {});

// The program of CREATE SINK ... FROM table: the table's visible columns, unchanged.
Result<std::unique_ptr<exec::RowProgram>> SinkProgramForTable(const catalog::TableDef& table);

// The column name PostgreSQL gives a select item without an alias ("?column?" when none).
std::string FigureColumnName(const Expr& expr);

}  // namespace dynasink::sql
