// COPY t [(columns)] FROM STDIN: rows of text fields, read with each column's text input, go
// through the same InsertWriter as INSERT and commit as one statement when the data ends.
#include "exec/dml.h"
#include "sql/binder.h"
#include "sql/builtin_statements.h"
#include "sql/engine.h"
#include "sql/lexer.h"
#include "sql/session.h"
#include "types/text_format.h"

namespace dynasink::sql {

namespace {

class CopyInserter final : public CopyTarget {
 public:
  CopyInserter(Session* session, const exec::DmlContext& dml, catalog::TableDefPtr table,
               std::vector<size_t> targets, std::vector<ColumnFill> defaults)
      : session_(session),
        table_(table),
        targets_(std::move(targets)),
        defaults_(std::move(defaults)),
        eval_(dml.eval),
        cancel_(dml.cancel),
        writer_(dml, table) {
    row_.resize(table_->columns.size());
    generate_.resize(table_->columns.size());
    // Only the columns COPY does not fill take their defaults.
    std::vector<bool> targeted(table_->columns.size(), false);
    for (size_t c : targets_)
      targeted[c] = true;
    for (size_t c = 0; c < defaults_.size(); ++c) {
      if (!targeted[c]) defaulted_.push_back(c);
    }
  }

  Status Write(const CopyRows& rows) override {
    static const types::Row kNoRow;
    for (size_t r = 0; r < rows.num_rows(); ++r) {
      // Columns not copied take their defaults.
      for (size_t c : defaulted_) {
        const ColumnFill& f = defaults_[c];
        generate_[c] = f.kind == ColumnFill::Kind::kGenerate;
        if (f.kind == ColumnFill::Kind::kConst) {
          row_[c] = f.value;
        } else if (f.kind == ColumnFill::Kind::kExpr) {
          DS_RETURN_IF_ERROR(f.expr->EvalInto(eval_, kNoRow, &row_[c]));
        }
      }
      for (size_t j = 0; j < targets_.size(); ++j) {
        size_t c = targets_[j];
        generate_[c] = false;
        std::optional<std::string_view> text = rows.field(r, j);
        if (!text.has_value()) {
          row_[c] = types::Value();
          continue;
        }
        // Into the value of the previous row: a string column reuses its memory.
        Status v = types::ParseValueInto(*text, table_->columns[c].type, &row_[c]);
        if (!v.ok()) {
          return Status::Sql(v.sqlstate(), v.message() + "\nCONTEXT: COPY " + table_->name +
                                               ", line " + std::to_string(rows.line_number(r)) +
                                               ", column " + table_->columns[c].name + ": \"" +
                                               std::string(*text) + "\"");
        }
      }
      Status s = writer_.Add(row_, generate_);
      if (!s.ok()) {
        return Status::Sql(s.sqlstate(), s.message() + "\nCONTEXT: COPY " + table_->name +
                                             ", line " + std::to_string(rows.line_number(r)));
      }
    }
    return Status::OK();
  }

  Result<std::string> Finish() override {
    size_t rows = writer_.pending_rows();
    DS_ASSIGN_OR_RETURN(exec::DmlResult result, writer_.Commit());
    if (session_->variables().implicit_flush()) {
      DS_RETURN_IF_ERROR(session_->engine().Flush(
          FlushRequest{result.commit.last_seq, cancel_, /*implicit=*/true}));
    }
    return "COPY " + std::to_string(rows);
  }

  void Abort() override {}  // nothing was committed; the session's batch is cleared on reuse

 private:
  Session* session_;
  catalog::TableDefPtr table_;
  std::vector<size_t> targets_;
  std::vector<ColumnFill> defaults_;
  std::vector<size_t> defaulted_;  // columns not in the COPY's list
  exec::EvalContext eval_;
  const exec::CancelToken* cancel_;
  exec::InsertWriter writer_;
  types::Row row_;
  std::vector<bool> generate_;
};

class CopyPlan final : public StatementPlan {
 public:
  CopyPlan(const CopyStmt& stmt, std::string sql) : stmt_(stmt), sql_(std::move(sql)) {}

  Result<ExecResult> Execute(ExecContext& ctx) override {
    // Bind at run time: COPY needs the table as it is now, and its defaults.
    BindEnv env;
    env.catalog = &ctx.engine.catalog();
    env.sql = sql_;
    env.user = ctx.session.info().user;
    env.database = ctx.session.info().database;
    std::vector<types::DataType> no_params;
    Binder binder(env, &no_params);
    // An INSERT of zero rows gives the table, the target columns and their defaults.
    InsertStmt insert;
    insert.table = stmt_.table;
    insert.columns = stmt_.columns;
    insert.default_values = true;
    DS_ASSIGN_OR_RETURN(BoundInsert bound, binder.BindInsert(insert));
    std::vector<size_t> targets;
    std::vector<std::string> names;
    if (stmt_.columns.empty()) {
      for (uint32_t c : bound.table->visible_columns())
        targets.push_back(c);
    } else {
      for (const Ident& id : stmt_.columns) {
        targets.push_back(static_cast<size_t>(bound.table->FindColumn(id.name)));
      }
    }
    for (size_t c : targets)
      names.push_back(bound.table->columns[c].name);
    exec::DmlContext dml;
    dml.storage = &ctx.engine.storage();
    dml.catalog = &ctx.engine.catalog();
    dml.locks = &ctx.engine.locks();
    dml.batch = &ctx.session.write_batch();
    dml.cancel = &ctx.cancel;
    dml.eval = ctx.eval;
    dml.eval.params = nullptr;
    auto target = std::make_unique<CopyInserter>(&ctx.session, dml, bound.table, std::move(targets),
                                                 std::move(bound.rows[0]));
    ExecResult r;
    r.kind = ExecResult::Kind::kCopyIn;
    r.copy = std::move(target);
    r.copy_options = stmt_.options;
    r.copy_columns = std::move(names);
    r.copy_relation = bound.table->name;
    return r;
  }

 private:
  const CopyStmt& stmt_;
  std::string sql_;
};

class CopyHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const auto& c = stmt.As<CopyStmt>();
    if (c.direction == CopyDirection::kTo || c.query) {
      return Status::Sql("0A000",
                         "COPY ... TO is not supported by dynasink\nHINT: Use SELECT, "
                         "or psql's \\copy (SELECT ...) TO file.");
    }
    if (c.options.format == CopyFormat::kBinary) {
      return Status::Sql("0A000",
                         "COPY FROM in binary format is not supported\nHINT: Use the "
                         "text or CSV format.");
    }
    return std::unique_ptr<StatementPlan>(new CopyPlan(c, std::string(ctx.sql)));
  }
};

}  // namespace

void RegisterCopyStatements(StatementRegistry* registry) {
  registry->Register(HandlerKey::Of(StatementKind::kCopy), std::make_shared<CopyHandler>());
}

}  // namespace dynasink::sql
