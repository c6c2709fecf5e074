#include "exec/row_program.h"

namespace dynasink::exec {

RowProgram::RowProgram(uint32_t table_id, std::vector<types::DataType> input_types,
                       std::vector<Column> columns, std::vector<ExprPtr> projections,
                       ExprPtr filter, std::vector<std::string> notices)
    : table_id_(table_id),
      input_types_(std::move(input_types)),
      columns_(std::move(columns)),
      projections_(std::move(projections)),
      filter_(std::move(filter)),
      notices_(std::move(notices)) {
  // Identity: no filter and every output a plain copy of consecutive leading columns.
  identity_ = filter_ == nullptr;
  for (size_t i = 0; i < columns_.size() && identity_; ++i) {
    identity_ = columns_[i].source_column == static_cast<int>(i);
  }
}

std::vector<std::string> RowProgram::column_names() const {
  std::vector<std::string> out;
  for (const Column& c : columns_) out.push_back(c.name);
  return out;
}

std::vector<types::DataType> RowProgram::column_types() const {
  std::vector<types::DataType> out;
  for (const Column& c : columns_) out.push_back(c.type);
  return out;
}

Result<bool> RowProgram::Filter(const types::Row& row) const {
  if (filter_ == nullptr) return true;
  EvalContext ctx;
  Status status;
  types::Value scratch;
  const types::Value* v = filter_->Evaluate(ctx, row, &scratch, &status);
  if (v == nullptr) return status;
  return IsTrue(v);
}

Status RowProgram::Project(const types::Row& row, types::Row* out) const {
  EvalContext ctx;
  out->resize(projections_.size());
  for (size_t i = 0; i < projections_.size(); ++i) {
    DS_RETURN_IF_ERROR(projections_[i]->EvalInto(ctx, row, &(*out)[i]));
  }
  return Status::OK();
}

std::string RowProgram::ToString() const {
  std::string out = "table " + std::to_string(table_id_) + ":";
  for (size_t i = 0; i < columns_.size(); ++i) {
    out += (i == 0 ? " " : ", ") + columns_[i].name + " = " + projections_[i]->ToString();
  }
  if (filter_ != nullptr) out += " WHERE " + filter_->ToString();
  return out;
}

}  // namespace dynasink::exec
