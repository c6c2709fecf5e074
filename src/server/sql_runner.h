// ScriptRunner: `dynasink sql` — runs SQL in-process on an engine and prints what psql would.
//
// RunCommand (-c) sends the text as one simple query: its statements run in order and the
// first error stops the rest, as `psql -c`. RunScript (-f) runs the statements one by one and
// goes on after an error, as psql does without ON_ERROR_STOP. Both return false when any
// statement failed, so the caller can exit non-zero.
#pragma once

#include <memory>
#include <ostream>
#include <string_view>

#include "sql/engine.h"
#include "sql/session.h"

namespace dynasink::server {

class ScriptRunner final : private sql::SessionListener {
 public:
  // Opens a session as user root on database dev.
  static Result<std::unique_ptr<ScriptRunner>> Create(sql::Engine* engine, std::ostream& out,
                                                      std::ostream& err);
  bool RunCommand(std::string_view sql);
  bool RunScript(std::string_view sql);

 private:
  ScriptRunner(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
  // Runs the statements of one simple query; false after the first error.
  bool RunQuery(std::string_view sql);
  bool RunStatement(sql::PreparedStatement& statement);
  void OnNotice(const sql::Notice& notice) override;
  void OnParameterChanged(std::string_view, std::string_view) override {}

  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<sql::Session> session_;
};

}  // namespace dynasink::server
