// SELECT / VALUES (QueryStmt) and EXPLAIN.
#include "sql/builtin_statements.h"

#include "sql/binder.h"
#include "sql/engine.h"
#include "sql/session.h"

namespace dynasink::sql {

namespace {

// Streams a query's rows from a fresh operator tree; owns everything the operators use.
class QueryStream final : public RowStream {
 public:
  QueryStream(storage::Storage* storage, const PlanNode& plan, const ExecContext& ctx)
      : params_(ctx.params) {
    qctx_.storage = storage;
    qctx_.eval = ctx.eval;
    qctx_.eval.params = &params_;
    qctx_.cancel = &ctx.cancel;
    // One consistent state for every scan of the query.
    if (ReadsTables(plan)) qctx_.snapshot = storage->GetSnapshot();
    root_ = Instantiate(plan, &qctx_);
  }

  Status Next(size_t max_rows, std::vector<types::Row>* rows) override {
    if (done_) return Status::OK();
    DS_RETURN_IF_ERROR(qctx_.cancel->Check());
    for (size_t n = 0; n < max_rows; ++n) {
      types::Row row;
      bool has = false;
      DS_RETURN_IF_ERROR(root_->Next(&row, &has));
      if (!has) {
        done_ = true;
        root_.reset();  // releases the snapshot's iterators early
        qctx_.snapshot.reset();
        break;
      }
      rows->push_back(std::move(row));
    }
    return Status::OK();
  }

 private:
  std::vector<types::Value> params_;
  exec::QueryContext qctx_;
  exec::OperatorPtr root_;
  bool done_ = false;
};

class QueryPlan final : public StatementPlan {
 public:
  explicit QueryPlan(BoundQuery bound) : bound_(std::move(bound)) {
    for (size_t i = 0; i < bound_.names.size(); ++i) {
      columns_.push_back({bound_.names[i], bound_.types[i]});
    }
  }
  bool returns_rows() const override { return true; }
  const std::vector<ResultColumn>& columns() const override { return columns_; }
  Result<ExecResult> Execute(ExecContext& ctx) override {
    return ExecResult::Rows(
        std::make_unique<QueryStream>(&ctx.engine.storage(), *bound_.plan, ctx), "SELECT");
  }

 private:
  BoundQuery bound_;
  std::vector<ResultColumn> columns_;
};

class QueryHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    BindEnv env = ctx.MakeBindEnv();
    Binder binder(env, ctx.params);
    DS_ASSIGN_OR_RETURN(BoundQuery bound, binder.BindQuery(*stmt.As<QueryStmt>().query));
    binder.FinishParams();
    return std::unique_ptr<StatementPlan>(new QueryPlan(std::move(bound)));
  }
};

class ExplainPlan final : public StatementPlan {
 public:
  explicit ExplainPlan(std::vector<std::string> lines) : lines_(std::move(lines)) {
    columns_.push_back({"QUERY PLAN", types::TypeId::kVarchar});
  }
  bool returns_rows() const override { return true; }
  const std::vector<ResultColumn>& columns() const override { return columns_; }
  Result<ExecResult> Execute(ExecContext&) override {
    std::vector<types::Row> rows;
    for (const std::string& l : lines_) rows.push_back({types::Value::Varchar(l)});
    return ExecResult::Rows(std::make_unique<VectorRowStream>(std::move(rows)), "EXPLAIN", false);
  }

 private:
  std::vector<std::string> lines_;
  std::vector<ResultColumn> columns_;
};

class ExplainHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const Statement& inner = *stmt.As<ExplainStmt>().statement;
    BindEnv env = ctx.MakeBindEnv();
    Binder binder(env, ctx.params);
    std::vector<std::string> lines;
    switch (inner.kind) {
      case StatementKind::kQuery: {
        DS_ASSIGN_OR_RETURN(BoundQuery bound, binder.BindQuery(*inner.As<QueryStmt>().query));
        lines = sql::ExplainPlan(*bound.plan);
        break;
      }
      case StatementKind::kInsert: {
        DS_ASSIGN_OR_RETURN(BoundInsert bound, binder.BindInsert(inner.As<InsertStmt>()));
        lines.push_back("Insert " + bound.table->name + " (" +
                        catalog::OnConflictName(bound.table->on_conflict).data() + " on conflict)");
        if (bound.source) {
          for (const std::string& l : sql::ExplainPlan(*bound.source->plan)) lines.push_back("  " + l);
        } else {
          lines.push_back("  Values (" + std::to_string(bound.rows.size()) + " rows)");
        }
        break;
      }
      case StatementKind::kUpdate: {
        DS_ASSIGN_OR_RETURN(BoundUpdate bound, binder.BindUpdate(inner.As<UpdateStmt>()));
        lines.push_back("Update " + bound.spec.table->name);
        lines.push_back("  TableScan " + bound.spec.table->name + " (" +
                        bound.spec.access.Describe() + ")");
        break;
      }
      case StatementKind::kDelete: {
        DS_ASSIGN_OR_RETURN(BoundDelete bound, binder.BindDelete(inner.As<DeleteStmt>()));
        lines.push_back("Delete " + bound.spec.table->name);
        lines.push_back("  TableScan " + bound.spec.table->name + " (" +
                        bound.spec.access.Describe() + ")");
        break;
      }
      default:
        return Status::Sql("0A000", "EXPLAIN supports SELECT, INSERT, UPDATE and DELETE");
    }
    binder.FinishParams();
    return std::unique_ptr<StatementPlan>(new ExplainPlan(std::move(lines)));
  }
};

}  // namespace

void RegisterQueryStatements(StatementRegistry* registry) {
  registry->Register(HandlerKey::Of(StatementKind::kQuery), std::make_shared<QueryHandler>());
  registry->Register(HandlerKey::Of(StatementKind::kExplain), std::make_shared<ExplainHandler>());
}

}  // namespace dynasink::sql
