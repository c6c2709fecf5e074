#include "sql/statement.h"

#include "sql/binder.h"
#include "sql/builtin_statements.h"
#include "sql/engine.h"
#include "sql/session.h"

namespace dynasink::sql {

Status VectorRowStream::Next(size_t max_rows, std::vector<types::Row>* rows) {
  for (size_t n = 0; n < max_rows && next_ < rows_.size(); ++n) {
    rows->push_back(std::move(rows_[next_++]));
  }
  return Status::OK();
}

const std::vector<ResultColumn>& StatementPlan::columns() const {
  static const std::vector<ResultColumn> kNone;
  return kNone;
}

BindEnv PlanContext::MakeBindEnv() const {
  BindEnv env;
  env.catalog = &engine.catalog();
  env.sql = sql;
  env.user = session.info().user;
  env.database = session.info().database;
  env.version = engine.options().version_string;
  env.backend_pid = session.info().backend_pid;
  Session* s = &session;
  env.setting = [s](std::string_view name) -> std::optional<std::string> {
    auto v = s->variables().Get(name);
    if (!v.ok()) return std::nullopt;
    return std::move(v).value();
  };
  return env;
}

HandlerKey HandlerKey::For(const Statement& stmt) {
  switch (stmt.kind) {
    case StatementKind::kDrop:
      return Drop(stmt.As<DropStmt>().object_type);
    case StatementKind::kShowCreate:
      return ShowCreate(stmt.As<ShowCreateStmt>().object_type);
    case StatementKind::kShowObjects:
      return Show(stmt.As<ShowObjectsStmt>().what);
    default:
      return Of(stmt.kind);
  }
}

void StatementRegistry::Register(HandlerKey key, std::shared_ptr<StatementHandler> handler) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  handlers_[key] = std::move(handler);
}

std::shared_ptr<StatementHandler> StatementRegistry::Find(const Statement& stmt) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = handlers_.find(HandlerKey::For(stmt));
  return it == handlers_.end() ? nullptr : it->second;
}

void RegisterBuiltinStatements(StatementRegistry* registry) {
  RegisterQueryStatements(registry);
  RegisterDmlStatements(registry);
  RegisterDdlStatements(registry);
  RegisterShowStatements(registry);
  RegisterUtilityStatements(registry);
  RegisterCopyStatements(registry);
}

}  // namespace dynasink::sql
