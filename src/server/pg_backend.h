// PgBackend: the wire protocol's Backend (pgwire/backend.h) over the SQL engine's sessions
// (sql/session.h). It translates between the two vocabularies and nothing more: statements,
// portals, result shapes, rows, COPY, notices and parameter changes map one to one.
#pragma once

#include <memory>

#include "pgwire/backend.h"
#include "sql/engine.h"

namespace dynasink::server {

class PgBackend final : public pgwire::Backend {
 public:
  // `engine` must outlive the backend and every session it creates.
  explicit PgBackend(sql::Engine* engine) : engine_(engine) {}

  Result<std::unique_ptr<pgwire::Session>> CreateSession(const pgwire::StartupInfo& startup,
                                                         pgwire::SessionEvents* events) override;

 private:
  sql::Engine* engine_;
};

// COPY options of the SQL statement as the wire protocol's parser wants them: single-byte
// delimiter, quote and escape, the NULL string, HEADER, and PostgreSQL's checks (0A000 / 22023).
Result<pgwire::CopyOptions> ToWireCopyOptions(const sql::CopyOptions& options);

}  // namespace dynasink::server
