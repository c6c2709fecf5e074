// RowProgram: a single-table SELECT (projection with aliases, WHERE, expressions, casts) bound
// into a program that the sink runtime applies to one row of the table at a time, e.g. to each
// row of the change log.
//
//   auto program = sql::BindSinkQuery(catalog, select);      // src/sql/binder.h
//   types::Row in, out;
//   types::DecodeRow(entry.row, program->input_types(), &in);  // the table's row
//   DS_ASSIGN_OR_RETURN(bool keep, program->Filter(in));
//   if (keep) DS_RETURN_IF_ERROR(program->Project(in, &out));  // out: one value per column
//
// A program is immutable and may be used from several threads at once. It never reads the
// clock or parameters (the binder refuses now() and $n in sink queries), so the same row
// always gives the same result: replaying the log after a crash gives the same output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "exec/expr.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::exec {

class RowProgram {
 public:
  struct Column {
    std::string name;
    types::DataType type;
    // The table column this output copies unchanged, or -1 for a computed expression.
    int source_column = -1;
  };

  RowProgram(uint32_t table_id, std::vector<types::DataType> input_types,
             std::vector<Column> columns, std::vector<ExprPtr> projections, ExprPtr filter,
             std::vector<std::string> notices);

  uint32_t source_table_id() const { return table_id_; }
  // The table's column types (hidden ones included): decode change-log rows with these.
  const std::vector<types::DataType>& input_types() const { return input_types_; }
  const std::vector<Column>& columns() const { return columns_; }
  std::vector<std::string> column_names() const;
  std::vector<types::DataType> column_types() const;

  bool has_filter() const { return filter_ != nullptr; }
  // True when `row` (a table row) satisfies the WHERE clause; NULL counts as false. Errors are
  // the expression's (e.g. 22012 for a division by zero in the condition).
  Result<bool> Filter(const types::Row& row) const;
  // Computes the output row (replaces *out).
  Status Project(const types::Row& row, types::Row* out) const;
  // True when the output is exactly the table's visible columns in order, unchanged.
  bool is_identity() const { return identity_; }

  // Messages for the user, e.g. RisingWave's warning that ORDER BY is ignored by a sink.
  const std::vector<std::string>& notices() const { return notices_; }

  // The program as text, for EXPLAIN and tests.
  std::string ToString() const;

 private:
  uint32_t table_id_;
  std::vector<types::DataType> input_types_;
  std::vector<Column> columns_;
  std::vector<ExprPtr> projections_;
  ExprPtr filter_;
  std::vector<std::string> notices_;
  bool identity_ = false;
};

}  // namespace dynasink::exec
