// PgConnection: a small libpq client for tests, tools and benchmarks: connect, run SQL, fetch
// rows as strings, and get errors back as Status values that keep the server's SQLSTATE.
//
//   auto conn = PgConnection::Connect(server->ConnInfo());
//   ASSERT_TRUE(conn.ok()) << conn.status().ToString();
//   ASSERT_TRUE(conn->Execute("CREATE TABLE t (a int PRIMARY KEY, b varchar)").ok());
//   auto rows = conn->Query("SELECT a, b FROM t ORDER BY a");    // NULL as "NULL"
//   Status s = conn->Execute("SELECT * FROM missing");
//   EXPECT_EQ(s.sqlstate(), "42P01");                             // s.position() is 15
//
// Errors from the server become Status::Sql(sqlstate, message, position), with the DETAIL and
// HINT fields appended as "\nDETAIL: ..." and "\nHINT: ..." lines (the convention of
// pgwire/backend.h). Failures of the connection itself (refused, lost, timed out) have SQLSTATE
// 08006, except a statement that exceeds its time limit, which is cancelled and reported as
// Status::Timeout with SQLSTATE 57014.
//
// Every call waits at most `statement_timeout` (default 60 s): on expiry the statement is
// cancelled with a CancelRequest, so a hung server never hangs a test. A PgConnection is used
// by one thread at a time; Cancel() may be called from any thread.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace dynasink::test {

// One row of text values; std::nullopt is SQL NULL.
using PgRow = std::vector<std::optional<std::string>>;

// The outcome of one statement.
struct PgResult {
  std::vector<std::string> columns;    // names, empty for statements without rows
  std::vector<uint32_t> column_types;  // type OIDs, parallel to columns
  std::vector<PgRow> rows;
  std::string command_tag;  // "INSERT 0 3", "SELECT 2", "CREATE_TABLE", ...
  // The number in the command tag (rows inserted, updated, deleted, selected, copied), or -1
  // when the tag carries none.
  int64_t affected_rows = -1;
};

class PgConnection {
 public:
  // Connects with a libpq connection string, e.g. "host=127.0.0.1 port=4566 dbname=dev
  // user=root". Fails with SQLSTATE 08006 and libpq's message, or with the server's error
  // (e.g. 28P01) when the server refused the connection.
  static Result<PgConnection> Connect(const std::string& conninfo,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

  PgConnection(PgConnection&& other) noexcept;
  PgConnection& operator=(PgConnection&& other) noexcept;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // Runs `sql` with the simple query protocol. Several statements separated by ';' are allowed:
  // ExecAll returns one PgResult per statement, Exec the last one. The first error ends the
  // query and is returned (statements before it have run).
  Result<std::vector<PgResult>> ExecAll(std::string_view sql);
  Result<PgResult> Exec(std::string_view sql);

  // Runs one statement with the extended protocol and text parameters ($1, $2, ...; nullopt is
  // NULL). Parameter types are left to the server to infer.
  Result<PgResult> ExecParams(std::string_view sql,
                              const std::vector<std::optional<std::string>>& params);

  // Runs `copy_sql` (a COPY ... FROM STDIN) and sends `data` as CopyData in chunks of at most
  // `chunk_bytes`, then CopyDone. Returns the COPY's result (affected_rows is the row count).
  Result<PgResult> CopyIn(std::string_view copy_sql, std::string_view data,
                          size_t chunk_bytes = 64 * 1024);

  // Exec, keeping only success or the error.
  Status Execute(std::string_view sql);
  // Exec, with every value as text: NULL as "NULL" (for terse assertions).
  Result<std::vector<std::vector<std::string>>> Query(std::string_view sql);
  // The single value of a one-row, one-column query ("NULL" for NULL).
  Result<std::string> QueryValue(std::string_view sql);

  // Sends a CancelRequest for whatever this connection is running. Thread-safe.
  Status Cancel();

  // The messages of the NoticeResponses received so far (e.g. `relation "t" already exists,
  // skipping`), oldest first; TakeNotices() clears them.
  std::vector<std::string> TakeNotices();

  void set_statement_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  std::chrono::milliseconds statement_timeout() const { return timeout_; }

  // False once the connection is broken (e.g. the server died).
  bool healthy() const;
  // The underlying libpq connection, for calls this class does not wrap. Still owned here.
  PGconn* raw() const { return conn_; }

 private:
  struct NoticeSink;
  PgConnection(PGconn* conn, NoticeSink* notices);
  void Close();
  // Waits until libpq can return a result without blocking. Past the statement timeout it
  // sends a cancel (setting timed_out_) and waits as long again; if even that expires, the
  // connection is closed and a Timeout returned.
  Status AwaitResult();
  // Collects every result of the statement(s) already sent, until PQgetResult returns null.
  Result<std::vector<PgResult>> CollectResults();

  PGconn* conn_ = nullptr;
  PGcancel* cancel_ = nullptr;
  NoticeSink* notices_ = nullptr;
  std::chrono::milliseconds timeout_{60000};
  bool timed_out_ = false;  // the statement being collected was cancelled for its timeout
};

// Converts a failed PGresult into a Status (SQLSTATE, message with DETAIL/HINT lines, position).
Status StatusFromPgResult(const PGresult* result);
// The value as the slt format and the helpers print it: "NULL" for SQL NULL.
std::string PgValueText(const std::optional<std::string>& value);

}  // namespace dynasink::test
