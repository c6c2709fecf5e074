// How statements are planned and run, and how other layers add statements of their own.
//
// Every statement kind is handled by a StatementHandler, found in the engine's
// StatementRegistry by the statement's HandlerKey (its StatementKind, refined for DROP, SHOW
// and SHOW CREATE by the object type). A handler turns the parsed statement into a
// StatementPlan once (binding names and types), and the plan is executed any number of times
// (a prepared statement, a portal bound with new parameters).
//
// The sink runtime adds CREATE SINK, DROP SINK, SHOW SINKS, SHOW CREATE SINK and ALTER SINK
// by registering handlers when the server starts, e.g.:
//
//   class CreateSinkHandler : public sql::StatementHandler {
//     Result<std::unique_ptr<sql::StatementPlan>> Plan(sql::PlanContext& ctx,
//                                                      const sql::Statement& stmt) override;
//   };
//   engine.statements().Register(sql::HandlerKey::Of(sql::StatementKind::kCreateSink),
//                                std::make_shared<CreateSinkHandler>(...));
//   engine.statements().Register(sql::HandlerKey::Drop(sql::ObjectType::kSink), ...);
//   engine.statements().Register(sql::HandlerKey::Show(sql::ShowObjectsKind::kSinks), ...);
//
// A plan's Execute() gets an ExecContext: the engine (catalog, storage), the session (its
// variables, notices), the parameters, and the statement's CancelToken. Results are a command
// tag, rows (a RowStream), or COPY input (a CopyTarget).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "exec/cancel.h"
#include "exec/expr.h"
#include "sql/ast_stmt.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::sql {

class Engine;
class Session;
struct BindEnv;

struct ResultColumn {
  std::string name;
  types::DataType type;
};

// A NoticeResponse for the client.
struct Notice {
  enum class Severity { kWarning, kNotice, kInfo };
  Severity severity = Severity::kNotice;
  std::string sqlstate = "00000";
  std::string message;
  std::string detail;
  std::string hint;
};

// The rows of a running statement, pulled in batches (the wire protocol streams them).
class RowStream {
 public:
  virtual ~RowStream() = default;
  // Appends up to max_rows rows; appending none means the end. Each row has one value per
  // column of the plan's columns().
  virtual Status Next(size_t max_rows, std::vector<types::Row>* rows) = 0;
};

// A RowStream over rows computed up front (SHOW, DESCRIBE, RETURNING, ...).
class VectorRowStream final : public RowStream {
 public:
  explicit VectorRowStream(std::vector<types::Row> rows) : rows_(std::move(rows)) {}
  Status Next(size_t max_rows, std::vector<types::Row>* rows) override;

 private:
  std::vector<types::Row> rows_;
  size_t next_ = 0;
};

// One batch of COPY input: rows of text fields as the wire protocol parsed them.
class CopyRows {
 public:
  virtual ~CopyRows() = default;
  virtual size_t num_rows() const = 0;
  virtual size_t num_columns() const = 0;
  // nullopt for NULL.
  virtual std::optional<std::string_view> field(size_t row, size_t column) const = 0;
  // 1-based line of the row in the data, for error messages.
  virtual uint64_t line_number(size_t row) const = 0;
};

// The receiving end of COPY ... FROM STDIN. Nothing is visible before Finish() succeeds.
class CopyTarget {
 public:
  virtual ~CopyTarget() = default;
  virtual Status Write(const CopyRows& rows) = 0;
  // Commits; returns the tag "COPY <n>".
  virtual Result<std::string> Finish() = 0;
  virtual void Abort() = 0;
};

// What running a statement produced.
struct ExecResult {
  enum class Kind { kCommand, kRows, kEmpty, kCopyIn };
  Kind kind = Kind::kCommand;
  // kCommand: the whole tag ("INSERT 0 3", "CREATE_TABLE"); kRows: the verb to which the
  // row count is appended ("SELECT") unless append_row_count is false ("SHOW").
  std::string tag;
  bool append_row_count = true;
  std::unique_ptr<RowStream> rows;
  // kCopyIn
  std::unique_ptr<CopyTarget> copy;
  CopyOptions copy_options;
  std::vector<std::string> copy_columns;
  std::string copy_relation;
  // DML: the sequence number of its commit (implicit_flush waits for it); 0 for others.
  uint64_t commit_seq = 0;

  static ExecResult Command(std::string tag, uint64_t commit_seq = 0) {
    ExecResult r;
    r.tag = std::move(tag);
    r.commit_seq = commit_seq;
    return r;
  }
  static ExecResult Rows(std::unique_ptr<RowStream> rows, std::string verb = "SELECT",
                         bool append_row_count = true) {
    ExecResult r;
    r.kind = Kind::kRows;
    r.rows = std::move(rows);
    r.tag = std::move(verb);
    r.append_row_count = append_row_count;
    return r;
  }
};

// What planning a statement can use.
struct PlanContext {
  Engine& engine;
  Session& session;
  std::string_view sql;  // the whole text the statement was parsed from (for positions)
  // $n types: declared ones set, others kUnknown; planning fills in what it infers.
  std::vector<types::DataType>* params;

  // A BindEnv for the binder with this session's user, database, settings.
  BindEnv MakeBindEnv() const;
};

// What executing a plan can use.
struct ExecContext {
  Engine& engine;
  Session& session;
  std::string_view sql;
  const std::vector<types::Value>& params;
  const exec::CancelToken& cancel;
  exec::EvalContext eval;  // parameters and the statement's clock
};

class StatementPlan {
 public:
  virtual ~StatementPlan() = default;
  // Whether Execute returns rows, and their columns.
  virtual bool returns_rows() const { return false; }
  virtual const std::vector<ResultColumn>& columns() const;
  // Runs the statement once.
  virtual Result<ExecResult> Execute(ExecContext& ctx) = 0;
};

// A plan that runs a function once per execution (commands such as SET or CREATE SINK).
class FunctionPlan final : public StatementPlan {
 public:
  using Run = std::function<Result<ExecResult>(ExecContext&)>;
  explicit FunctionPlan(Run run) : run_(std::move(run)) {}
  Result<ExecResult> Execute(ExecContext& ctx) override { return run_(ctx); }

 private:
  Run run_;
};

inline std::unique_ptr<StatementPlan> MakeFunctionPlan(FunctionPlan::Run run) {
  return std::make_unique<FunctionPlan>(std::move(run));
}

class StatementHandler {
 public:
  virtual ~StatementHandler() = default;
  // Checks and binds `stmt` (which outlives the plan). Errors carry SQLSTATEs and positions.
  virtual Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) = 0;
};

struct HandlerKey {
  StatementKind kind;
  int sub = -1;  // the object type of DROP / SHOW CREATE, the ShowObjectsKind of SHOW

  static HandlerKey Of(StatementKind k) { return {k, -1}; }
  static HandlerKey Drop(ObjectType t) { return {StatementKind::kDrop, static_cast<int>(t)}; }
  static HandlerKey ShowCreate(ObjectType t) {
    return {StatementKind::kShowCreate, static_cast<int>(t)};
  }
  static HandlerKey Show(ShowObjectsKind k) {
    return {StatementKind::kShowObjects, static_cast<int>(k)};
  }
  // The key a parsed statement is dispatched by.
  static HandlerKey For(const Statement& stmt);

  bool operator<(const HandlerKey& o) const { return kind != o.kind ? kind < o.kind : sub < o.sub; }
};

// Thread-safe. Registering a key again replaces its handler (so a layer above can take over
// a built-in statement, e.g. SHOW SINKS).
class StatementRegistry {
 public:
  void Register(HandlerKey key, std::shared_ptr<StatementHandler> handler);
  // The handler for `stmt`, or null.
  std::shared_ptr<StatementHandler> Find(const Statement& stmt) const;

 private:
  mutable std::shared_mutex mu_;
  std::map<HandlerKey, std::shared_ptr<StatementHandler>> handlers_;
};

// Registers dynasink's own statements (queries, DML, DDL for tables, SHOW, SET, ...).
void RegisterBuiltinStatements(StatementRegistry* registry);

}  // namespace dynasink::sql
