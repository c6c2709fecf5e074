// A SQL engine over a temporary database, with a session whose results are easy to check:
// used by the binder_*, session_* and engine_* tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sql/engine.h"
#include "sql/session.h"
#include "types/text_format.h"
#include "unit/catalog/test_db.h"

namespace dynasink::sql::testing {

class Harness : public SessionListener {
 public:
  Harness() : db_(dir_.path()) { Reset(); }

  // A fresh engine and session over the same storage (after db().Reopen(), for instance).
  void Reset() {
    session_.reset();
    engine_ = std::make_unique<Engine>(&db_.storage(), &db_.catalog());
    session_ = NewSession();
  }

  std::unique_ptr<Session> NewSession(SessionInfo info = {}) {
    auto s = engine_->NewSession(std::move(info), this);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // Runs every statement of `sql` (simple protocol) and returns the last one's result as
  // lines: rows as values joined with '|' (NULL as "NULL"), or the command tag.
  Result<std::vector<std::string>> Run(std::string_view sql, Session* session = nullptr) {
    Session& s = session != nullptr ? *session : *session_;
    DS_ASSIGN_OR_RETURN(auto statements, s.ParseQuery(sql));
    std::vector<std::string> out;
    for (auto& stmt : statements) {
      DS_ASSIGN_OR_RETURN(auto portal, s.Bind(*stmt, {}));
      DS_ASSIGN_OR_RETURN(ExecResult r, portal->Run());
      DS_ASSIGN_OR_RETURN(out, Collect(std::move(r), portal->columns()));
    }
    return out;
  }

  static Result<std::vector<std::string>> Collect(ExecResult r,
                                                  const std::vector<ResultColumn>& columns) {
    std::vector<std::string> out;
    if (r.kind == ExecResult::Kind::kCommand) {
      out.push_back(r.tag);
      return out;
    }
    if (r.kind != ExecResult::Kind::kRows) return out;
    std::vector<types::Row> rows;
    for (;;) {
      size_t before = rows.size();
      DS_RETURN_IF_ERROR(r.rows->Next(100, &rows));
      if (rows.size() == before) break;
    }
    for (const types::Row& row : rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) line += "|";
        line += row[i].is_null() ? "NULL" : types::FormatValue(row[i], columns[i].type);
      }
      out.push_back(line);
    }
    return out;
  }

  // Run() that must succeed.
  std::vector<std::string> Ok(std::string_view sql, Session* session = nullptr) {
    auto r = Run(sql, session);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? *r : std::vector<std::string>{};
  }
  // The SQLSTATE of a statement that must fail.
  std::string Fail(std::string_view sql, Session* session = nullptr) {
    auto r = Run(sql, session);
    EXPECT_FALSE(r.ok()) << sql << " succeeded";
    last_error_ = r.status();
    return r.ok() ? std::string() : r.status().sqlstate();
  }
  const Status& last_error() const { return last_error_; }

  void OnNotice(const Notice& n) override { notices.push_back(n); }
  void OnParameterChanged(std::string_view name, std::string_view value) override {
    parameters.emplace_back(std::string(name), std::string(value));
  }

  Engine& engine() { return *engine_; }
  Session& session() { return *session_; }
  dynasink::testing::TestDb& db() { return db_; }

  std::vector<Notice> notices;
  std::vector<std::pair<std::string, std::string>> parameters;

 private:
  dynasink::testing::EngineTempDir dir_;
  dynasink::testing::TestDb db_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Session> session_;
  Status last_error_;
};

using Lines = std::vector<std::string>;

}  // namespace dynasink::sql::testing
