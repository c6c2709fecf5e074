// Query operators: a pull-based tree that produces rows one at a time, so that a large result
// streams from the table to the client without being held twice.
//
//   TableScan  -> Filter -> [HashAggregate -> Filter (HAVING)] -> Project -> [Distinct]
//              -> [Sort] -> [Limit] -> Project (drops the sort keys)
//
// The planner (src/sql) assembles the tree from bound expressions. Every operator reads its
// input lazily on the first Next(); scans check the statement's CancelToken every few hundred
// rows, and blocking operators (sort, aggregation, distinct) while they consume their input.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/system_table.h"
#include "catalog/table_def.h"
#include "common/result.h"
#include "exec/aggregate.h"
#include "exec/cancel.h"
#include "exec/expr.h"
#include "storage/storage.h"
#include "types/value.h"

namespace dynasink::exec {

// What the operators of one query share. Owned by whoever owns the operator tree and
// outliving it.
struct QueryContext {
  storage::Storage* storage = nullptr;
  // The consistent state every scan of the query reads (null: each scan reads the latest).
  std::shared_ptr<const storage::Snapshot> snapshot;
  EvalContext eval;
  const CancelToken* cancel = nullptr;
  // Rows between cancellation checks.
  static constexpr int kCheckEvery = 256;
};

class Operator {
 public:
  virtual ~Operator() = default;
  // Replaces *row with the next row and sets *has_row; false at the end. An error ends the
  // query.
  virtual Status Next(types::Row* row, bool* has_row) = 0;
};
using OperatorPtr = std::unique_ptr<Operator>;

// Which rows of a table a scan reads. Key expressions have the key columns' types; they are
// evaluated when the scan starts (so parameters work), and a NULL key value matches nothing.
struct KeyAccess {
  enum class Kind : uint8_t { kFullScan, kPoints, kRange };
  Kind kind = Kind::kFullScan;
  // kPoints: whole keys, one expression per key column each.
  std::vector<std::vector<ExprPtr>> points;
  // kRange: bounds on the first key column; either may be null (unbounded).
  ExprPtr lower;
  bool lower_inclusive = true;
  ExprPtr upper;
  bool upper_inclusive = true;

  std::string Describe() const;  // for EXPLAIN
  KeyAccess Clone() const;
};

// Rows of `table` (every column, hidden ones included, in table order).
OperatorPtr MakeTableScan(const QueryContext* ctx, catalog::TableDefPtr table, KeyAccess access);
// Rows of a system table (the provider runs on the first Next()).
OperatorPtr MakeSystemScan(const QueryContext* ctx, catalog::SystemTablePtr table);
// Fixed rows of expressions (VALUES, and SELECT without FROM as one empty row).
OperatorPtr MakeValues(const QueryContext* ctx, std::vector<std::vector<ExprPtr>> rows);
OperatorPtr MakeFilter(const QueryContext* ctx, OperatorPtr input, ExprPtr predicate);
OperatorPtr MakeProject(const QueryContext* ctx, OperatorPtr input, std::vector<ExprPtr> exprs);
// Rows of [group keys..., aggregate results...]. Without group keys it yields exactly one row,
// also over no input.
OperatorPtr MakeHashAggregate(const QueryContext* ctx, OperatorPtr input,
                              std::vector<ExprPtr> group_keys,
                              std::vector<std::unique_ptr<AggregateCall>> aggregates);
// Drops rows equal (on the first `width` columns) to an earlier row.
OperatorPtr MakeDistinct(const QueryContext* ctx, OperatorPtr input, size_t width);

struct SortKey {
  int column = 0;
  bool descending = false;
  bool nulls_first = false;  // PostgreSQL's default: NULLS LAST for ASC, FIRST for DESC
};
OperatorPtr MakeSort(const QueryContext* ctx, OperatorPtr input, std::vector<SortKey> keys);
// LIMIT/OFFSET expressions (bigint, may be null) are evaluated when the first row is asked for.
OperatorPtr MakeLimit(const QueryContext* ctx, OperatorPtr input, ExprPtr limit, ExprPtr offset);
// Joins every row of `left` with every row of `right` (materialized) for which `condition`
// holds; the joined row is left's columns then right's. `left_outer` keeps unmatched left rows
// with NULLs.
OperatorPtr MakeNestedLoopJoin(const QueryContext* ctx, OperatorPtr left, OperatorPtr right,
                               size_t right_width, ExprPtr condition, bool left_outer);

// Encodes key values (already of the key types) as the storage primary key.
Status EncodeKeyValues(const std::vector<types::Value>& values,
                       const std::vector<types::DataType>& key_types, std::string* out);

}  // namespace dynasink::exec
