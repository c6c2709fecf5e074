// INSERT, UPDATE and DELETE: bound by the binder, run by exec's DML executor, each one atomic
// storage commit.
#include "exec/dml.h"
#include "sql/binder.h"
#include "sql/builtin_statements.h"
#include "sql/engine.h"
#include "sql/session.h"

namespace dynasink::sql {

namespace {

exec::DmlContext MakeDmlContext(ExecContext& ctx) {
  exec::DmlContext d;
  d.storage = &ctx.engine.storage();
  d.catalog = &ctx.engine.catalog();
  d.locks = &ctx.engine.locks();
  d.batch = &ctx.session.write_batch();
  d.cancel = &ctx.cancel;
  d.eval = ctx.eval;
  return d;
}

std::vector<ResultColumn> ColumnsOf(const ReturningList& r) {
  std::vector<ResultColumn> out;
  for (size_t i = 0; i < r.names.size(); ++i) out.push_back({r.names[i], r.types[i]});
  return out;
}

// RETURNING rows from the full table rows the statement wrote (or deleted).
Result<std::vector<types::Row>> Returning(const ReturningList& list, const exec::EvalContext& eval,
                                          const std::vector<types::Row>& rows) {
  std::vector<types::Row> out;
  out.reserve(rows.size());
  for (const types::Row& r : rows) {
    types::Row o(list.exprs.size());
    for (size_t i = 0; i < list.exprs.size(); ++i) {
      DS_RETURN_IF_ERROR(list.exprs[i]->EvalInto(eval, r, &o[i]));
    }
    out.push_back(std::move(o));
  }
  return out;
}

// Fills `row` (one value per table column) from `fills` over `source`; `generate` marks the
// columns the writer generates.
Status FillRow(const std::vector<ColumnFill>& fills, const exec::EvalContext& eval,
               const types::Row& source, types::Row* row, std::vector<bool>* generate) {
  row->resize(fills.size());
  generate->assign(fills.size(), false);
  for (size_t c = 0; c < fills.size(); ++c) {
    const ColumnFill& f = fills[c];
    switch (f.kind) {
      case ColumnFill::Kind::kConst:
        (*row)[c] = f.value;
        break;
      case ColumnFill::Kind::kExpr:
        DS_RETURN_IF_ERROR(f.expr->EvalInto(eval, source, &(*row)[c]));
        break;
      case ColumnFill::Kind::kGenerate:
        (*row)[c] = types::Value();
        (*generate)[c] = true;
        break;
    }
  }
  return Status::OK();
}

class InsertPlan final : public StatementPlan {
 public:
  explicit InsertPlan(BoundInsert bound) : bound_(std::move(bound)), columns_(ColumnsOf(bound_.returning)) {}
  bool returns_rows() const override { return !bound_.returning.empty(); }
  const std::vector<ResultColumn>& columns() const override { return columns_; }

  Result<ExecResult> Execute(ExecContext& ctx) override {
    exec::DmlContext dml = MakeDmlContext(ctx);
    exec::InsertWriter writer(dml, bound_.table, {}, !bound_.returning.empty());
    types::Row row;
    std::vector<bool> generate;
    static const types::Row kNoRow;
    if (!bound_.source) {
      writer.ExpectRows(bound_.rows.size());
      for (const auto& fills : bound_.rows) {
        DS_RETURN_IF_ERROR(FillRow(fills, ctx.eval, kNoRow, &row, &generate));
        DS_RETURN_IF_ERROR(writer.Add(row, generate));
      }
    } else {
      // The SELECT reads a snapshot taken before the insert locks anything, so a table filled
      // from itself reads its rows as they were.
      exec::QueryContext qctx;
      qctx.storage = dml.storage;
      qctx.eval = ctx.eval;
      qctx.cancel = &ctx.cancel;
      if (ReadsTables(*bound_.source->plan)) qctx.snapshot = dml.storage->GetSnapshot();
      exec::OperatorPtr source = Instantiate(*bound_.source->plan, &qctx);
      types::Row in;
      for (;;) {
        bool has = false;
        DS_RETURN_IF_ERROR(source->Next(&in, &has));
        if (!has) break;
        DS_RETURN_IF_ERROR(FillRow(bound_.source_fill, ctx.eval, in, &row, &generate));
        DS_RETURN_IF_ERROR(writer.Add(row, generate));
      }
    }
    DS_ASSIGN_OR_RETURN(exec::DmlResult result, writer.Commit());
    if (bound_.returning.empty()) {
      return ExecResult::Command("INSERT 0 " + std::to_string(result.rows), result.commit.last_seq);
    }
    DS_ASSIGN_OR_RETURN(auto rows, Returning(bound_.returning, ctx.eval, writer.written_rows()));
    ExecResult r = ExecResult::Rows(std::make_unique<VectorRowStream>(std::move(rows)), "INSERT 0");
    r.commit_seq = result.commit.last_seq;
    return r;
  }

 private:
  BoundInsert bound_;
  std::vector<ResultColumn> columns_;
};

class UpdatePlan final : public StatementPlan {
 public:
  explicit UpdatePlan(BoundUpdate bound) : bound_(std::move(bound)), columns_(ColumnsOf(bound_.returning)) {}
  bool returns_rows() const override { return !bound_.returning.empty(); }
  const std::vector<ResultColumn>& columns() const override { return columns_; }

  Result<ExecResult> Execute(ExecContext& ctx) override {
    exec::DmlContext dml = MakeDmlContext(ctx);
    std::vector<types::Row> changed;
    DS_ASSIGN_OR_RETURN(exec::DmlResult result,
                        exec::ExecuteUpdate(dml, bound_.spec,
                                            bound_.returning.empty() ? nullptr : &changed));
    if (bound_.returning.empty()) {
      return ExecResult::Command("UPDATE " + std::to_string(result.rows), result.commit.last_seq);
    }
    DS_ASSIGN_OR_RETURN(auto rows, Returning(bound_.returning, ctx.eval, changed));
    ExecResult r = ExecResult::Rows(std::make_unique<VectorRowStream>(std::move(rows)), "UPDATE");
    r.commit_seq = result.commit.last_seq;
    return r;
  }

 private:
  BoundUpdate bound_;
  std::vector<ResultColumn> columns_;
};

class DeletePlan final : public StatementPlan {
 public:
  explicit DeletePlan(BoundDelete bound) : bound_(std::move(bound)), columns_(ColumnsOf(bound_.returning)) {}
  bool returns_rows() const override { return !bound_.returning.empty(); }
  const std::vector<ResultColumn>& columns() const override { return columns_; }

  Result<ExecResult> Execute(ExecContext& ctx) override {
    exec::DmlContext dml = MakeDmlContext(ctx);
    std::vector<types::Row> deleted;
    DS_ASSIGN_OR_RETURN(exec::DmlResult result,
                        exec::ExecuteDelete(dml, bound_.spec,
                                            bound_.returning.empty() ? nullptr : &deleted));
    if (bound_.returning.empty()) {
      return ExecResult::Command("DELETE " + std::to_string(result.rows), result.commit.last_seq);
    }
    DS_ASSIGN_OR_RETURN(auto rows, Returning(bound_.returning, ctx.eval, deleted));
    ExecResult r = ExecResult::Rows(std::make_unique<VectorRowStream>(std::move(rows)), "DELETE");
    r.commit_seq = result.commit.last_seq;
    return r;
  }

 private:
  BoundDelete bound_;
  std::vector<ResultColumn> columns_;
};

class DmlHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    BindEnv env = ctx.MakeBindEnv();
    Binder binder(env, ctx.params);
    std::unique_ptr<StatementPlan> plan;
    switch (stmt.kind) {
      case StatementKind::kInsert: {
        DS_ASSIGN_OR_RETURN(BoundInsert b, binder.BindInsert(stmt.As<InsertStmt>()));
        plan = std::make_unique<InsertPlan>(std::move(b));
        break;
      }
      case StatementKind::kUpdate: {
        DS_ASSIGN_OR_RETURN(BoundUpdate b, binder.BindUpdate(stmt.As<UpdateStmt>()));
        plan = std::make_unique<UpdatePlan>(std::move(b));
        break;
      }
      default: {
        DS_ASSIGN_OR_RETURN(BoundDelete b, binder.BindDelete(stmt.As<DeleteStmt>()));
        plan = std::make_unique<DeletePlan>(std::move(b));
        break;
      }
    }
    binder.FinishParams();
    return plan;
  }
};

}  // namespace

void RegisterDmlStatements(StatementRegistry* registry) {
  auto handler = std::make_shared<DmlHandler>();
  registry->Register(HandlerKey::Of(StatementKind::kInsert), handler);
  registry->Register(HandlerKey::Of(StatementKind::kUpdate), handler);
  registry->Register(HandlerKey::Of(StatementKind::kDelete), handler);
}

}  // namespace dynasink::sql
