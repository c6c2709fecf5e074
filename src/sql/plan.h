// PlanNode: the logical plan of a query, as the binder produces it.
//
// A plan owns its bound expressions and is never consumed: Instantiate() builds a fresh tree of
// exec operators from clones of them, so a prepared SELECT is bound once and executed many
// times. ExplainPlan() renders it for EXPLAIN.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/system_table.h"
#include "catalog/table_def.h"
#include "exec/aggregate.h"
#include "exec/expr.h"
#include "exec/operator.h"

namespace dynasink::sql {

struct PlanNode {
  enum class Kind : uint8_t {
    kTableScan,   // table, access
    kSystemScan,  // system
    kValues,      // rows
    kFilter,      // input, predicate
    kProject,     // input, exprs
    kAggregate,   // input, exprs (group keys), aggregates
    kDistinct,    // input, width
    kSort,        // input, sort_keys
    kLimit,       // input, limit, offset
    kJoin,        // input (left), right, predicate (may be null), left_outer
  };
  explicit PlanNode(Kind k) : kind(k) {}

  Kind kind;
  std::vector<types::DataType> types;  // output column types
  std::unique_ptr<PlanNode> input;
  std::unique_ptr<PlanNode> right;
  catalog::TableDefPtr table;
  exec::KeyAccess access;
  catalog::SystemTablePtr system;
  std::vector<std::vector<exec::ExprPtr>> rows;
  exec::ExprPtr predicate;
  std::vector<exec::ExprPtr> exprs;
  std::vector<std::unique_ptr<exec::AggregateCall>> aggregates;
  size_t width = 0;
  std::vector<exec::SortKey> sort_keys;
  exec::ExprPtr limit;
  exec::ExprPtr offset;
  bool left_outer = false;
};
using PlanPtr = std::unique_ptr<PlanNode>;

// Builds operators over clones of the plan's expressions. `ctx` must outlive them.
exec::OperatorPtr Instantiate(const PlanNode& plan, const exec::QueryContext* ctx);

// One line per node, indented by depth: "Project [#0, #1]", "  TableScan movies (full scan)".
std::vector<std::string> ExplainPlan(const PlanNode& plan);

// True if the plan reads a user table (the query then takes a storage snapshot).
bool ReadsTables(const PlanNode& plan);

}  // namespace dynasink::sql
