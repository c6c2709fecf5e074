// UPDATE and DELETE.
#include "exec/dml.h"
#include "exec/key_reader.h"
#include "types/row_codec.h"

namespace dynasink::exec {

using types::Row;
using types::Value;

namespace {

// Locks the rows a statement visits: their keys when it names a few keys, the whole table
// otherwise.
Result<TableLocks::Guard> LockFor(const DmlContext& ctx, const QueryContext& qctx,
                                  const catalog::TableDef& table, const KeyAccess& access) {
  if (access.kind == KeyAccess::Kind::kPoints) {
    std::vector<std::string> keys;
    DS_RETURN_IF_ERROR(internal::EncodePointKeys(qctx, table, access, &keys));
    if (keys.size() <= TableLocks::kMaxKeyLocks) {
      std::vector<uint32_t> stripes;
      for (const std::string& k : keys) stripes.push_back(TableLocks::StripeOf(k));
      return ctx.locks->LockKeys(table.id, std::move(stripes), ctx.cancel);
    }
  }
  return ctx.locks->LockTable(table.id, ctx.cancel);
}

Status CheckTable(const DmlContext& ctx, const catalog::TableDef& table) {
  if (ctx.catalog != nullptr && ctx.catalog->FindTableById(table.id) == nullptr) {
    return Status::Sql("42P01", "relation \"" + table.name + "\" does not exist");
  }
  return Status::OK();
}

}  // namespace

Result<DmlResult> ExecuteUpdate(const DmlContext& ctx, const UpdateSpec& spec,
                                std::vector<Row>* returned) {
  const catalog::TableDef& table = *spec.table;
  for (const auto& [col, expr] : spec.assignments) {
    if (table.is_key_column(col)) {
      return Status::Sql("0A000", "update modifying the PK column is unsupported");
    }
  }
  QueryContext qctx;
  qctx.storage = ctx.storage;
  qctx.eval = ctx.eval;
  qctx.cancel = ctx.cancel;

  DS_ASSIGN_OR_RETURN(TableLocks::Guard guard, LockFor(ctx, qctx, table, spec.access));
  DS_RETURN_IF_ERROR(CheckTable(ctx, table));
  ctx.batch->Clear();

  DmlResult result;
  internal::KeyReader reader(&qctx, &table, &spec.access);
  Row old_row, new_row;
  std::string row_buf;
  for (;;) {
    std::string_view pk, bytes;
    bool has = false;
    DS_RETURN_IF_ERROR(reader.Next(&pk, &bytes, &has));
    if (!has) break;
    DS_RETURN_IF_ERROR(types::DecodeRow(bytes, table.column_types(), &old_row));
    if (spec.where != nullptr) {
      Status status;
      Value scratch;
      const Value* v = spec.where->Evaluate(ctx.eval, old_row, &scratch, &status);
      if (v == nullptr) return status;
      if (!IsTrue(v)) continue;
    }
    new_row = old_row;
    // Every SET expression sees the old row, as in PostgreSQL.
    for (const auto& [col, expr] : spec.assignments) {
      DS_RETURN_IF_ERROR(expr->EvalInto(ctx.eval, old_row, &new_row[col]));
    }
    for (const auto& [col, expr] : spec.assignments) {
      if (new_row[col].is_null() && (table.columns[col].not_null || table.is_key_column(col))) {
        return NotNullViolation(table, col, new_row);
      }
    }
    row_buf.clear();
    DS_RETURN_IF_ERROR(types::EncodeRow(new_row, table.column_types(), &row_buf));
    ++result.rows;
    if (returned != nullptr) returned->push_back(new_row);
    ctx.batch->Update(table.id, pk, bytes, row_buf);
  }

  DS_ASSIGN_OR_RETURN(result.commit, ctx.storage->Commit(*ctx.batch));
  return result;
}

Result<DmlResult> ExecuteDelete(const DmlContext& ctx, const DeleteSpec& spec,
                                std::vector<Row>* returned) {
  const catalog::TableDef& table = *spec.table;
  QueryContext qctx;
  qctx.storage = ctx.storage;
  qctx.eval = ctx.eval;
  qctx.cancel = ctx.cancel;
  DS_ASSIGN_OR_RETURN(TableLocks::Guard guard, LockFor(ctx, qctx, table, spec.access));
  DS_RETURN_IF_ERROR(CheckTable(ctx, table));
  ctx.batch->Clear();

  DmlResult result;
  internal::KeyReader reader(&qctx, &table, &spec.access);
  bool decode = spec.where != nullptr || returned != nullptr;
  Row row;
  for (;;) {
    std::string_view pk, bytes;
    bool has = false;
    DS_RETURN_IF_ERROR(reader.Next(&pk, &bytes, &has));
    if (!has) break;
    if (decode) DS_RETURN_IF_ERROR(types::DecodeRow(bytes, table.column_types(), &row));
    if (spec.where != nullptr) {
      Status status;
      Value scratch;
      const Value* v = spec.where->Evaluate(ctx.eval, row, &scratch, &status);
      if (v == nullptr) return status;
      if (!IsTrue(v)) continue;
    }
    ctx.batch->Delete(table.id, pk, bytes);
    ++result.rows;
    if (returned != nullptr) returned->push_back(row);
  }
  DS_ASSIGN_OR_RETURN(result.commit, ctx.storage->Commit(*ctx.batch));
  return result;
}

}  // namespace dynasink::exec
