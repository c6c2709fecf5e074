#include "server/sql_runner.h"

#include "server/psql_format.h"
#include "sql/lexer.h"

namespace dynasink::server {

Result<std::unique_ptr<ScriptRunner>> ScriptRunner::Create(sql::Engine* engine, std::ostream& out,
                                                           std::ostream& err) {
  std::unique_ptr<ScriptRunner> runner(new ScriptRunner(out, err));
  sql::SessionInfo info;
  info.application_name = "dynasink sql";
  DS_ASSIGN_OR_RETURN(runner->session_, engine->NewSession(std::move(info), runner.get()));
  return runner;
}

void ScriptRunner::OnNotice(const sql::Notice& notice) { err_ << FormatNotice(notice); }

bool ScriptRunner::RunStatement(sql::PreparedStatement& statement) {
  auto portal = session_->Bind(statement, {});
  if (!portal.ok()) {
    err_ << FormatError(portal.status());
    return false;
  }
  auto result = (*portal)->Run();
  if (!result.ok()) {
    err_ << FormatError(result.status());
    return false;
  }
  switch (result->kind) {
    case sql::ExecResult::Kind::kEmpty:
      return true;
    case sql::ExecResult::Kind::kCommand:
      out_ << result->tag << "\n";
      return true;
    case sql::ExecResult::Kind::kCopyIn:
      result->copy->Abort();
      err_ << FormatError(Status::Sql("0A000",
                                      "COPY FROM STDIN needs a client that sends the data\nHINT: "
                                      "Use psql's \\copy, or INSERT statements."));
      return false;
    case sql::ExecResult::Kind::kRows: {
      std::vector<types::Row> rows;
      for (;;) {
        size_t before = rows.size();
        Status s = result->rows->Next(1024, &rows);
        if (!s.ok()) {
          err_ << FormatError(s);
          return false;
        }
        if (rows.size() == before) break;
      }
      out_ << FormatAligned((*portal)->columns(), rows);
      // psql shows the tag of a statement with RETURNING after its rows.
      if (result->tag != "SELECT" && result->append_row_count) {
        out_ << result->tag << " " << rows.size() << "\n";
      }
      return true;
    }
  }
  return true;
}

bool ScriptRunner::RunQuery(std::string_view sql) {
  auto statements = session_->ParseQuery(sql);
  if (!statements.ok()) {
    err_ << FormatError(statements.status());
    return false;
  }
  for (auto& statement : *statements) {
    if (!RunStatement(*statement)) return false;
  }
  return true;
}

bool ScriptRunner::RunCommand(std::string_view sql) { return RunQuery(sql); }

bool ScriptRunner::RunScript(std::string_view sql) {
  // Split at the semicolons between statements (the lexer knows which are inside strings and
  // comments), then run each statement as its own query.
  auto tokens = sql::Tokenize(sql);
  if (!tokens.ok()) {
    err_ << FormatError(tokens.status());
    return false;
  }
  bool ok = true;
  size_t start = 0;
  for (const sql::Token& t : tokens->tokens()) {
    if (t.kind == sql::TokenKind::kSemicolon || t.kind == sql::TokenKind::kEof) {
      size_t end = t.kind == sql::TokenKind::kEof ? sql.size() : t.end();
      std::string_view piece = sql.substr(start, end - start);
      start = end;
      bool blank = piece.find_first_not_of(" \t\r\n;") == std::string_view::npos;
      if (!blank) ok = RunQuery(piece) && ok;
      if (t.kind == sql::TokenKind::kEof) break;
    }
  }
  return ok;
}

}  // namespace dynasink::server
