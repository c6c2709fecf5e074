// Session: one client's conversation with the engine, in the shape the wire protocol needs.
//
//   simple query:  for (auto& stmt : session.ParseQuery(sql)) {
//                    auto portal = session.Bind(*stmt, {});   // plans now: earlier DDL counts
//                    auto result = (*portal)->Run();          // command / rows / COPY
//                  }
//   extended:      auto stmt = session.Prepare(sql, declared_types);   // plans, infers $n
//                  stmt->param_types(); stmt->Describe();
//                  auto portal = session.Bind(*stmt, values); portal->Run();
//
// A PreparedStatement owns its parsed statement and its plan. The plan is made on first use
// and made again when the catalog changed since (a table dropped and re-created); if that
// would change the columns it returns, the statement fails with 0A000 as PostgreSQL's cached
// plans do.
//
// Transactions: BEGIN/START TRANSACTION, COMMIT/END, ROLLBACK/ABORT are accepted so that
// drivers work, but every statement commits on its own when it runs: ROLLBACK undoes nothing
// and says so with a WARNING. TransactionStatus() reports 'T' inside a block, as drivers
// expect.
//
// Cancel() may be called from any thread; everything else from the session's thread, one call
// at a time. statement_timeout and cancellation reach the statement through its CancelToken.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "exec/cancel.h"
#include "sql/ast_stmt.h"
#include "sql/engine.h"
#include "sql/session_vars.h"
#include "sql/statement.h"
#include "storage/write_batch.h"

namespace dynasink::sql {

class Session;

class PreparedStatement {
 public:
  ~PreparedStatement();

  // $1..$n types (declared, else inferred, else varchar). Plans the statement if needed.
  Result<const std::vector<types::DataType>*> ParamTypes();
  // Whether it returns rows, and the columns. Plans the statement if needed.
  Result<const std::vector<ResultColumn>*> Columns(bool* returns_rows);
  // The statement's text as written (without the terminating ';').
  std::string_view text() const;
  // Null for an empty statement.
  const Statement* statement() const { return stmt_.get(); }
  // Runs it inside another statement (SQL-level EXECUTE) with that statement's context.
  Result<ExecResult> ExecuteNested(ExecContext& outer, const std::vector<types::Value>& params);

 private:
  friend class Session;
  friend class Portal;
  PreparedStatement(Session* session, std::shared_ptr<const std::string> sql, StatementPtr stmt,
                    std::vector<types::DataType> params);
  // Plans, or plans again when the catalog changed.
  Status EnsurePlanned();

  Session* session_;
  std::shared_ptr<const std::string> sql_;  // the whole text the statement came from
  StatementPtr stmt_;
  std::vector<types::DataType> params_;
  std::unique_ptr<StatementPlan> plan_;
  uint64_t planned_version_ = 0;
  bool described_ = false;  // columns reported to the client: a re-plan must keep them
};

class Portal {
 public:
  ~Portal();
  // Whether Run() returns rows, and their columns.
  bool returns_rows() const { return returns_rows_; }
  const std::vector<ResultColumn>& columns() const { return columns_; }
  // Runs the statement (at most once).
  Result<ExecResult> Run();

 private:
  friend class Session;
  Portal(Session* session, PreparedStatement* statement, std::vector<types::Value> params);

  Session* session_;
  PreparedStatement* statement_;
  std::vector<types::Value> params_;
  bool returns_rows_ = false;
  std::vector<ResultColumn> columns_;
  bool ran_ = false;
};

class Session {
 public:
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Parses every statement of a simple query (an empty list for an empty query).
  Result<std::vector<std::unique_ptr<PreparedStatement>>> ParseQuery(std::string_view sql);
  // Parses and plans one statement (the extended protocol's Parse); `declared` has kUnknown
  // where the client declared no type.
  Result<std::unique_ptr<PreparedStatement>> Prepare(std::string_view sql,
                                                     std::vector<types::DataType> declared);
  // Binds parameter values (one per ParamTypes() entry, NULL or of that type).
  Result<std::unique_ptr<Portal>> Bind(PreparedStatement& statement,
                                       std::vector<types::Value> params);

  // Asks the running statement to stop (57014). Thread-safe.
  void Cancel();
  // 'I' idle, 'T' inside BEGIN ... COMMIT.
  char TransactionStatus() const { return in_transaction_ ? 'T' : 'I'; }
  // Reported parameters whose values differ from the wire protocol's defaults after startup.
  std::vector<std::pair<std::string, std::string>> InitialParameters() const;

  // ---- for statement handlers
  Engine& engine() { return *engine_; }
  const SessionInfo& info() const { return info_; }
  SessionVariables& variables() { return variables_; }
  // Sets a variable and reports it to the client if it is a reported one.
  Status SetVariable(std::string_view name, std::string_view value);
  Status ResetVariable(std::string_view name);
  Status ResetAllVariables();
  void SendNotice(Notice notice);
  // The write batch the session's DML reuses (its buffer keeps its capacity).
  storage::WriteBatch& write_batch() { return batch_; }
  void set_in_transaction(bool v) { in_transaction_ = v; }
  bool in_transaction() const { return in_transaction_; }
  // SQL-level PREPARE / EXECUTE / DEALLOCATE.
  Status AddNamedStatement(std::string name, std::unique_ptr<PreparedStatement> statement);
  PreparedStatement* FindNamedStatement(std::string_view name);
  Status RemoveNamedStatement(std::string_view name);  // empty name: all
  // Prepares a statement the session already parsed (EXECUTE of a PREPAREd one shares it).
  Result<std::unique_ptr<PreparedStatement>> PrepareParsed(std::shared_ptr<const std::string> sql,
                                                           StatementPtr statement,
                                                           std::vector<types::DataType> declared);

 private:
  friend class Engine;
  friend class PreparedStatement;
  friend class Portal;
  Session(Engine* engine, SessionInfo info, SessionListener* listener);
  Status ApplyStartupParameters();
  // Runs a planned statement: cancel token, clock, implicit flush.
  Result<ExecResult> Execute(PreparedStatement& statement, const std::vector<types::Value>& params);

  Engine* engine_;
  SessionInfo info_;
  SessionListener* listener_;
  SessionVariables variables_;
  exec::CancelToken cancel_;
  storage::WriteBatch batch_;
  bool in_transaction_ = false;
  std::map<std::string, std::unique_ptr<PreparedStatement>, std::less<>> named_;
};

}  // namespace dynasink::sql
