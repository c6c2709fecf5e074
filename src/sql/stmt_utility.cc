// SET, RESET, BEGIN / COMMIT / ROLLBACK, FLUSH, PREPARE / EXECUTE / DEALLOCATE.
#include "sql/binder.h"
#include "sql/builtin_statements.h"
#include "sql/engine.h"
#include "sql/parser.h"
#include "sql/session.h"
#include "types/cast.h"

namespace dynasink::sql {

namespace {

std::unique_ptr<StatementPlan> Command(FunctionPlan::Run run) {
  return MakeFunctionPlan(std::move(run));
}

class SetHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement& stmt) override {
    const auto& s = stmt.As<SetStmt>();
    std::string name = s.name;
    if (FindVariable(name) == nullptr) {
      return Status::Sql("42704", "unrecognized configuration parameter \"" + name + "\"");
    }
    if (s.to_default) {
      return Command([name](ExecContext& ctx) -> Result<ExecResult> {
        DS_RETURN_IF_ERROR(ctx.session.ResetVariable(name));
        return ExecResult::Command("SET");
      });
    }
    std::string value = SetValueText(s.values);
    return Command([name, value](ExecContext& ctx) -> Result<ExecResult> {
      DS_RETURN_IF_ERROR(ctx.session.SetVariable(name, value));
      return ExecResult::Command("SET");
    });
  }
};

class ResetHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement& stmt) override {
    const auto& r = stmt.As<ResetStmt>();
    if (r.all) {
      return Command([](ExecContext& ctx) -> Result<ExecResult> {
        DS_RETURN_IF_ERROR(ctx.session.ResetAllVariables());
        return ExecResult::Command("RESET");
      });
    }
    std::string name = r.name;
    if (FindVariable(name) == nullptr) {
      return Status::Sql("42704", "unrecognized configuration parameter \"" + name + "\"");
    }
    return Command([name](ExecContext& ctx) -> Result<ExecResult> {
      DS_RETURN_IF_ERROR(ctx.session.ResetVariable(name));
      return ExecResult::Command("RESET");
    });
  }
};

// Each statement commits when it runs: a transaction block only changes what the session
// reports to the client, and ROLLBACK warns that it undoes nothing.
class TransactionHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement& stmt) override {
    TransactionKind action = stmt.As<TransactionStmt>().action;
    return Command([action](ExecContext& ctx) -> Result<ExecResult> {
      Session& s = ctx.session;
      auto warn = [&s](const char* state, std::string message, std::string hint = {}) {
        s.SendNotice({Notice::Severity::kWarning, state, std::move(message), "", std::move(hint)});
      };
      switch (action) {
        case TransactionKind::kBegin:
          if (s.in_transaction()) warn("25001", "there is already a transaction in progress");
          s.set_in_transaction(true);
          return ExecResult::Command("BEGIN");
        case TransactionKind::kCommit:
          if (!s.in_transaction()) warn("25P01", "there is no transaction in progress");
          s.set_in_transaction(false);
          return ExecResult::Command("COMMIT");
        case TransactionKind::kRollback:
          if (!s.in_transaction()) {
            warn("25P01", "there is no transaction in progress");
          } else {
            warn("01000",
                 "ROLLBACK does not undo anything: every statement was committed when "
                 "it ran",
                 "dynasink has no multi-statement transactions; see docs/sql.md.");
          }
          s.set_in_transaction(false);
          return ExecResult::Command("ROLLBACK");
      }
      return ExecResult::Command("COMMIT");
    });
  }
};

class FlushHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement&) override {
    return Command([](ExecContext& ctx) -> Result<ExecResult> {
      FlushRequest request;
      request.seq = ctx.engine.storage().LastCommittedSeq();
      request.cancel = &ctx.cancel;
      DS_RETURN_IF_ERROR(ctx.engine.Flush(request));
      return ExecResult::Command("FLUSH");
    });
  }
};

class PrepareHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const auto& p = stmt.As<PrepareStmt>();
    std::string name = p.name.name;
    std::vector<types::DataType> declared;
    for (const TypeName& t : p.param_types)
      declared.push_back(t.type);
    const Statement* inner = p.statement.get();
    std::string sql(ctx.sql);
    return Command([name, declared, inner, sql](ExecContext& ectx) -> Result<ExecResult> {
      if (ectx.session.FindNamedStatement(name) != nullptr) {
        return Status::Sql("42P05", "prepared statement \"" + name + "\" already exists");
      }
      // The inner statement is re-parsed from its own text, so that the named statement does
      // not depend on the PREPARE statement's lifetime.
      std::string text = sql.substr(inner->span.begin, inner->span.size());
      auto owned = std::make_shared<const std::string>(text);
      auto parsed = ParseSingleStatement(*owned);
      if (!parsed.ok()) return parsed.status();
      DS_ASSIGN_OR_RETURN(auto prepared,
                          ectx.session.PrepareParsed(owned, std::move(parsed).value(), declared));
      DS_RETURN_IF_ERROR(ectx.session.AddNamedStatement(name, std::move(prepared)));
      return ExecResult::Command("PREPARE");
    });
  }
};

class ExecuteHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const auto& e = stmt.As<ExecuteStmt>();
    PreparedStatement* target = ctx.session.FindNamedStatement(e.name.name);
    if (target == nullptr) {
      return Status::Sql("26000", "prepared statement \"" + e.name.name + "\" does not exist");
    }
    DS_ASSIGN_OR_RETURN(const std::vector<types::DataType>* types, target->ParamTypes());
    if (types->size() != e.params.size()) {
      return Status::Sql("42601", "wrong number of parameters for prepared statement \"" +
                                      e.name.name + "\"\nDETAIL: Expected " +
                                      std::to_string(types->size()) + " parameters but got " +
                                      std::to_string(e.params.size()) + ".");
    }
    // Bind the arguments as expressions of the parameters' types.
    BindEnv env = ctx.MakeBindEnv();
    std::vector<types::DataType> outer_params = *ctx.params;
    Binder binder(env, &outer_params);
    auto args = std::make_shared<std::vector<exec::ExprPtr>>();
    for (size_t i = 0; i < e.params.size(); ++i) {
      DS_ASSIGN_OR_RETURN(exec::ExprPtr a, binder.BindScalar(*e.params[i]));
      if (a->type() != (*types)[i]) {
        if (!types::CanCast(a->type(), (*types)[i], types::CastContext::kAssignment)) {
          return Status::Sql(
              "42804", "parameter $" + std::to_string(i + 1) + " of type " + a->type().ToString() +
                           " cannot be coerced to the expected type " + (*types)[i].ToString());
        }
        a = exec::MakeCast(std::move(a), (*types)[i]);
      }
      args->push_back(std::move(a));
    }
    *ctx.params = outer_params;
    std::string name = e.name.name;
    bool returns_rows = false;
    DS_ASSIGN_OR_RETURN(const std::vector<ResultColumn>* columns, target->Columns(&returns_rows));
    return std::unique_ptr<StatementPlan>(new ExecutePlan(name, args, returns_rows, *columns));
  }

 private:
  class ExecutePlan final : public StatementPlan {
   public:
    ExecutePlan(std::string name, std::shared_ptr<std::vector<exec::ExprPtr>> args,
                bool returns_rows, std::vector<ResultColumn> columns)
        : name_(std::move(name)),
          args_(std::move(args)),
          returns_rows_(returns_rows),
          columns_(std::move(columns)) {}
    bool returns_rows() const override { return returns_rows_; }
    const std::vector<ResultColumn>& columns() const override { return columns_; }
    Result<ExecResult> Execute(ExecContext& ctx) override {
      PreparedStatement* target = ctx.session.FindNamedStatement(name_);
      if (target == nullptr) {
        return Status::Sql("26000", "prepared statement \"" + name_ + "\" does not exist");
      }
      std::vector<types::Value> values(args_->size());
      for (size_t i = 0; i < args_->size(); ++i) {
        DS_RETURN_IF_ERROR((*args_)[i]->EvalInto(ctx.eval, types::Row(), &values[i]));
      }
      return target->ExecuteNested(ctx, values);
    }

   private:
    std::string name_;
    std::shared_ptr<std::vector<exec::ExprPtr>> args_;
    bool returns_rows_;
    std::vector<ResultColumn> columns_;
  };
};

class DeallocateHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement& stmt) override {
    const auto& d = stmt.As<DeallocateStmt>();
    std::string name = d.all ? std::string() : d.name.name;
    return Command([name](ExecContext& ctx) -> Result<ExecResult> {
      DS_RETURN_IF_ERROR(ctx.session.RemoveNamedStatement(name));
      return ExecResult::Command(name.empty() ? "DEALLOCATE ALL" : "DEALLOCATE");
    });
  }
};

}  // namespace

void RegisterUtilityStatements(StatementRegistry* registry) {
  registry->Register(HandlerKey::Of(StatementKind::kSet), std::make_shared<SetHandler>());
  registry->Register(HandlerKey::Of(StatementKind::kReset), std::make_shared<ResetHandler>());
  registry->Register(HandlerKey::Of(StatementKind::kTransaction),
                     std::make_shared<TransactionHandler>());
  registry->Register(HandlerKey::Of(StatementKind::kFlush), std::make_shared<FlushHandler>());
  registry->Register(HandlerKey::Of(StatementKind::kPrepare), std::make_shared<PrepareHandler>());
  registry->Register(HandlerKey::Of(StatementKind::kExecute), std::make_shared<ExecuteHandler>());
  registry->Register(HandlerKey::Of(StatementKind::kDeallocate),
                     std::make_shared<DeallocateHandler>());
}

}  // namespace dynasink::sql
