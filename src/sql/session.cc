#include "sql/session.h"

#include "common/logging.h"
#include "sql/parser.h"
#include "types/datetime.h"

namespace dynasink::sql {

namespace {

// "CREATE SINK", "DROP SINK", ...: how an error names a statement nobody handles.
std::string StatementTitle(const Statement& stmt) {
  switch (stmt.kind) {
    case StatementKind::kCreateSink:
      return "CREATE SINK";
    case StatementKind::kAlterSink:
      return "ALTER SINK";
    case StatementKind::kDrop:
      return "DROP " + std::string(ObjectTypeText(stmt.As<DropStmt>().object_type));
    case StatementKind::kShowCreate:
      return "SHOW CREATE " + std::string(ObjectTypeText(stmt.As<ShowCreateStmt>().object_type));
    default:
      return std::string(StatementKindName(stmt.kind));
  }
}

}  // namespace

// ---------------------------------------------------------------- PreparedStatement

PreparedStatement::PreparedStatement(Session* session, std::shared_ptr<const std::string> sql,
                                     StatementPtr stmt, std::vector<types::DataType> params)
    : session_(session), sql_(std::move(sql)), stmt_(std::move(stmt)), params_(std::move(params)) {}

PreparedStatement::~PreparedStatement() = default;

std::string_view PreparedStatement::text() const {
  if (stmt_ == nullptr) return {};
  return std::string_view(*sql_).substr(stmt_->span.begin, stmt_->span.size());
}

Status PreparedStatement::EnsurePlanned() {
  if (stmt_ == nullptr) return Status::OK();
  Engine& engine = session_->engine();
  uint64_t version = engine.catalog().version();
  if (plan_ != nullptr && version == planned_version_) return Status::OK();
  std::shared_ptr<StatementHandler> handler = engine.statements().Find(*stmt_);
  if (handler == nullptr) {
    return Status::Sql("0A000", StatementTitle(*stmt_) + " is not available: this dynasink server "
                                                          "runs without the sink runtime");
  }
  std::vector<types::DataType> params = params_;
  PlanContext ctx{engine, *session_, *sql_, &params};
  DS_ASSIGN_OR_RETURN(std::unique_ptr<StatementPlan> plan, handler->Plan(ctx, *stmt_));
  for (types::DataType& t : params) {
    if (t.id() == types::TypeId::kUnknown) t = types::TypeId::kVarchar;
  }
  if (plan_ != nullptr && described_) {
    // The client already knows the columns (RowDescription); they must not change.
    bool same = plan->returns_rows() == plan_->returns_rows() &&
                plan->columns().size() == plan_->columns().size() && params == params_;
    for (size_t i = 0; same && i < plan->columns().size(); ++i) {
      same = plan->columns()[i].type == plan_->columns()[i].type;
    }
    if (!same) return Status::Sql("0A000", "cached plan must not change result type");
  }
  params_ = std::move(params);
  plan_ = std::move(plan);
  planned_version_ = version;
  return Status::OK();
}

Result<const std::vector<types::DataType>*> PreparedStatement::ParamTypes() {
  DS_RETURN_IF_ERROR(EnsurePlanned());
  return &params_;
}

Result<const std::vector<ResultColumn>*> PreparedStatement::Columns(bool* returns_rows) {
  DS_RETURN_IF_ERROR(EnsurePlanned());
  static const std::vector<ResultColumn> kNone;
  if (plan_ == nullptr) {
    *returns_rows = false;
    return &kNone;
  }
  described_ = true;
  *returns_rows = plan_->returns_rows();
  return &plan_->columns();
}

Result<ExecResult> PreparedStatement::ExecuteNested(ExecContext& outer,
                                                    const std::vector<types::Value>& params) {
  if (stmt_ == nullptr) {
    ExecResult r;
    r.kind = ExecResult::Kind::kEmpty;
    return r;
  }
  DS_RETURN_IF_ERROR(EnsurePlanned());
  exec::EvalContext eval = outer.eval;
  eval.params = &params;
  ExecContext ctx{outer.engine, outer.session, *sql_, params, outer.cancel, eval};
  return plan_->Execute(ctx);
}

// ---------------------------------------------------------------- Portal

Portal::Portal(Session* session, PreparedStatement* statement, std::vector<types::Value> params)
    : session_(session), statement_(statement), params_(std::move(params)) {}

Portal::~Portal() = default;

Result<ExecResult> Portal::Run() {
  if (ran_) return Status::Sql("55000", "portal already ran");
  ran_ = true;
  return session_->Execute(*statement_, params_);
}

// ---------------------------------------------------------------- Session

Session::Session(Engine* engine, SessionInfo info, SessionListener* listener)
    : engine_(engine),
      info_(std::move(info)),
      listener_(listener),
      variables_({{"application_name", info_.application_name},
                  {"session_authorization", info_.user},
                  {"server_version", engine->options().server_version}}) {
  engine_->sessions_.fetch_add(1);
}

Session::~Session() { engine_->sessions_.fetch_sub(1); }

Status Session::ApplyStartupParameters() {
  for (const auto& [name, value] : info_.parameters) {
    const VariableDef* def = FindVariable(name);
    if (def == nullptr || def->read_only) {
      // PostgreSQL refuses unknown startup parameters; RisingWave ignores them, and so do we,
      // so that drivers sending extras still connect.
      DS_LOG_DEBUG("session", "ignoring startup parameter {}", name);
      continue;
    }
    auto set = variables_.Set(name, value);
    if (!set.ok()) {
      // Drivers send the client's own time zone; dynasink stays in UTC and says so in the
      // TimeZone ParameterStatus, which drivers read.
      if (def->name == "TimeZone") {
        DS_LOG_INFO("session", "client asked for time zone {}; the session stays in UTC", value);
        continue;
      }
      return set.status();
    }
  }
  return Status::OK();
}

std::vector<std::pair<std::string, std::string>> Session::InitialParameters() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const VariableDef& def : AllVariables()) {
    if (!def.reported) continue;
    out.emplace_back(def.name, variables_.Get(def.name).value_or(""));
  }
  return out;
}

Result<std::vector<std::unique_ptr<PreparedStatement>>> Session::ParseQuery(std::string_view sql) {
  auto text = std::make_shared<const std::string>(sql);
  DS_ASSIGN_OR_RETURN(std::vector<StatementPtr> statements, ParseStatements(*text));
  std::vector<std::unique_ptr<PreparedStatement>> out;
  out.reserve(statements.size());
  for (StatementPtr& s : statements) {
    out.push_back(std::unique_ptr<PreparedStatement>(
        new PreparedStatement(this, text, std::move(s), {})));
  }
  return out;
}

Result<std::unique_ptr<PreparedStatement>> Session::Prepare(std::string_view sql,
                                                            std::vector<types::DataType> declared) {
  auto text = std::make_shared<const std::string>(sql);
  DS_ASSIGN_OR_RETURN(StatementPtr statement, ParseSingleStatement(*text));
  return PrepareParsed(std::move(text), std::move(statement), std::move(declared));
}

Result<std::unique_ptr<PreparedStatement>> Session::PrepareParsed(
    std::shared_ptr<const std::string> sql, StatementPtr statement,
    std::vector<types::DataType> declared) {
  std::unique_ptr<PreparedStatement> prepared(
      new PreparedStatement(this, std::move(sql), std::move(statement), std::move(declared)));
  DS_RETURN_IF_ERROR(prepared->EnsurePlanned());
  return prepared;
}

Result<std::unique_ptr<Portal>> Session::Bind(PreparedStatement& statement,
                                              std::vector<types::Value> params) {
  DS_RETURN_IF_ERROR(statement.EnsurePlanned());
  if (params.size() != statement.params_.size()) {
    return Status::Sql("08P01", "bind message supplies " + std::to_string(params.size()) +
                                    " parameters, but prepared statement requires " +
                                    std::to_string(statement.params_.size()));
  }
  std::unique_ptr<Portal> portal(new Portal(this, &statement, std::move(params)));
  if (statement.plan_ != nullptr) {
    portal->returns_rows_ = statement.plan_->returns_rows();
    portal->columns_ = statement.plan_->columns();
  }
  return portal;
}

Result<ExecResult> Session::Execute(PreparedStatement& statement,
                                    const std::vector<types::Value>& params) {
  int64_t timeout_ms = variables_.statement_timeout_ms();
  cancel_.Reset(timeout_ms > 0 ? exec::CancelToken::Clock::now() +
                                     std::chrono::milliseconds(timeout_ms)
                               : exec::CancelToken::Clock::time_point::max());
  if (statement.stmt_ == nullptr) {
    ExecResult r;
    r.kind = ExecResult::Kind::kEmpty;
    return r;
  }
  DS_RETURN_IF_ERROR(statement.EnsurePlanned());
  exec::EvalContext eval;
  eval.params = &params;
  eval.statement_time = types::CurrentTimestamptz();
  eval.cancel = &cancel_;
  ExecContext ctx{*engine_, *this, *statement.sql_, params, cancel_, eval};
  DS_ASSIGN_OR_RETURN(ExecResult result, statement.plan_->Execute(ctx));
  if (result.commit_seq > 0 && variables_.implicit_flush()) {
    Status s = engine_->Flush(FlushRequest{result.commit_seq, &cancel_, /*implicit=*/true});
    if (!s.ok()) {
      return Status::Sql(s.sqlstate(), s.message() +
                                           "\nDETAIL: The statement itself was committed; only "
                                           "waiting for the sinks (implicit_flush) failed.");
    }
  }
  return result;
}

void Session::Cancel() { cancel_.Cancel(); }

Status Session::SetVariable(std::string_view name, std::string_view value) {
  DS_ASSIGN_OR_RETURN(const VariableDef* def, variables_.Set(name, value));
  if (def->reported && listener_ != nullptr) {
    listener_->OnParameterChanged(def->name, variables_.Get(def->name).value_or(""));
  }
  return Status::OK();
}

Status Session::ResetVariable(std::string_view name) {
  DS_ASSIGN_OR_RETURN(const VariableDef* def, variables_.Reset(name));
  if (def->reported && listener_ != nullptr) {
    listener_->OnParameterChanged(def->name, variables_.Get(def->name).value_or(""));
  }
  return Status::OK();
}

Status Session::ResetAllVariables() {
  for (const VariableDef* def : variables_.ResetAll()) {
    if (listener_ != nullptr) {
      listener_->OnParameterChanged(def->name, variables_.Get(def->name).value_or(""));
    }
  }
  return Status::OK();
}

void Session::SendNotice(Notice notice) {
  if (listener_ != nullptr) listener_->OnNotice(notice);
}

Status Session::AddNamedStatement(std::string name, std::unique_ptr<PreparedStatement> statement) {
  if (named_.count(name) != 0) {
    return Status::Sql("42P05", "prepared statement \"" + name + "\" already exists");
  }
  named_.emplace(std::move(name), std::move(statement));
  return Status::OK();
}

PreparedStatement* Session::FindNamedStatement(std::string_view name) {
  auto it = named_.find(name);
  return it == named_.end() ? nullptr : it->second.get();
}

Status Session::RemoveNamedStatement(std::string_view name) {
  if (name.empty()) {
    named_.clear();
    return Status::OK();
  }
  auto it = named_.find(name);
  if (it == named_.end()) {
    return Status::Sql("26000", "prepared statement \"" + std::string(name) + "\" does not exist");
  }
  named_.erase(it);
  return Status::OK();
}

}  // namespace dynasink::sql
