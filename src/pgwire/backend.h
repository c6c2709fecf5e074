// The interface between the PostgreSQL wire protocol server and the SQL engine.
//
// pgwire owns the protocol: sockets, startup and authentication, message framing, the simple
// and extended query flows, named and unnamed statements and portals, row limits, text and
// binary formats, COPY framing and parsing, errors, cancellation and shutdown. The engine owns
// SQL: parsing, binding, execution, session variables. The engine implements the classes below;
// pgwire calls them. (The layer order puts sql below pgwire, so the implementation that wraps
// the engine lives above both, in src/server.)
//
//   Backend           one per server; CreateSession() for each authenticated connection.
//   Session           one per connection: parses SQL into PreparedStatements, binds them with
//                     parameter values into Portals, and can be cancelled from another thread.
//   PreparedStatement the result of parsing one statement: its parameter types and the shape
//                     of its result (Describe 'S').
//   Portal            a statement bound to parameter values, ready to run: its result shape
//                     (Describe 'P') and Run(), which executes it once.
//   RowSource         the rows of a running query, pulled in batches, so that a large result is
//                     streamed to the socket and never held twice.
//   CopyInSink        receives the rows of COPY ... FROM STDIN, parsed by pgwire.
//
// How pgwire drives them:
//   Query message (simple protocol), "s1; s2; ...":
//     ParseQuery(sql) once (a syntax error anywhere fails the message, nothing runs; an empty
//     list means an empty query); then for each statement in order: Bind(stmt, {}), Describe(),
//     Run(), drain the RowSource or feed the CopyInSink; stop at the first error. Because each
//     statement is bound only when its turn comes, "CREATE TABLE t ...; INSERT INTO t ..." works.
//   Parse message: Prepare(sql, declared parameter types) -> PreparedStatement; its
//     ParamTypes() is reported in ParameterDescription and used to decode Bind's values.
//   Bind message: pgwire decodes each parameter (text: types::ParseValue with the parameter's
//     type; binary: pgwire's binary decoders) and calls Bind(stmt, values) -> Portal.
//   Describe 'S' / 'P': PreparedStatement::Describe() / Portal::Describe().
//   Execute message: Run() on the first Execute of the portal; rows are pulled from the
//     RowSource up to the Execute's row limit, and later Executes pull more (PortalSuspended in
//     between). A portal whose rows are exhausted answers later Executes with "SELECT 0".
//   Close, Sync, and the end of a simple query destroy portals and statements; pgwire destroys
//     every Portal before the PreparedStatement it was bound from, and all before the Session.
//
// Threads: a Session and its objects are used by one connection thread at a time, one call at a
// time. Backend::CreateSession() is called concurrently from many connection threads. Only
// Session::Cancel() is called from other threads (a CancelRequest's, or the server's during
// shutdown).
//
// Errors: every method returns a Status with the SQLSTATE the client should see
// (Status::Sql("42P01", "relation \"t\" does not exist", position)). The message may carry
// extra ErrorResponse fields on their own lines, which pgwire splits off:
//   "<message>\nDETAIL: <detail>\nHINT: <hint>\nCONTEXT: <context>"
// Every message pgwire sends passes through Redact(), but the engine should still never put a
// secret into an error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "pgwire/copy_format.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::pgwire {

// One result column, as RowDescription reports it (pgwire derives the type OID and size with
// types::PgTypeOid / PgTypeLength).
struct ColumnDesc {
  std::string name;
  types::DataType type;
};

// What a statement or portal returns: rows with `columns` (RowDescription), or no rows at all
// (NoData: DDL, DML without RETURNING, SET, COPY ...). A query may return rows with no columns
// ("SELECT;"), which is has_rows with an empty `columns`.
struct ResultShape {
  bool has_rows = false;
  std::vector<ColumnDesc> columns;

  static ResultShape NoData() { return ResultShape(); }
  static ResultShape Rows(std::vector<ColumnDesc> columns) {
    return ResultShape{true, std::move(columns)};
  }
};

// A NoticeResponse (or, with kWarning, a warning) sent to the client in order with the results.
struct Notice {
  enum class Severity { kWarning, kNotice, kInfo, kDebug, kLog };
  Severity severity = Severity::kNotice;
  std::string sqlstate = "00000";
  std::string message;
  std::string detail;  // optional
  std::string hint;    // optional
};

// How a session talks back to its client outside of results. Implemented by pgwire; valid for
// the session's lifetime; call it only from within a Session/Portal/RowSource/CopyInSink call.
class SessionEvents {
 public:
  // Sent before the statement's next result message.
  virtual void SendNotice(const Notice& notice) = 0;
  // A reported parameter changed (e.g. after SET TimeZone / application_name / DateStyle /
  // client_encoding / IntervalStyle ...): sent to the client as ParameterStatus. PostgreSQL
  // reports: server_version, server_encoding, client_encoding, application_name, DateStyle,
  // IntervalStyle, TimeZone, integer_datetimes, standard_conforming_strings, is_superuser,
  // session_authorization.
  virtual void ParameterChanged(std::string_view name, std::string_view value) = 0;

 protected:
  ~SessionEvents() = default;
};

// What the client sent in its startup packet, after authentication.
struct StartupInfo {
  std::string user;
  std::string database;          // defaults to the user name, as in PostgreSQL
  std::string application_name;  // may be empty
  // Every startup parameter in the order sent, except "user" and "database", with the
  // `options` parameter's "-c name=value" / "--name=value" settings expanded into their own
  // entries (e.g. {"client_encoding","UTF8"}, {"DateStyle","ISO"}, {"search_path","x"}).
  std::vector<std::pair<std::string, std::string>> parameters;
  std::string remote_address;  // "127.0.0.1:53422"
  int32_t process_id = 0;      // the id in BackendKeyData, for logs and pg_backend_pid()
};

// The rows of a running query, pulled by pgwire.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // Appends up to `max_rows` (>= 1) rows to `rows`, which pgwire passes empty. Appending none
  // means the result is exhausted; pgwire then stops calling. Each row has exactly one value
  // per column of the portal's ResultShape, of the column's type (or NULL). An error ends the
  // query (e.g. 57014 after Cancel(), or 22012 division by zero found on a later row).
  virtual Status Next(size_t max_rows, std::vector<types::Row>* rows) = 0;
};

// The receiving end of COPY ... FROM STDIN. pgwire reads CopyData, parses it with the format
// options the engine asked for, and hands over batches of rows of text fields; the engine
// converts each field with types::ParseValue (errors should name the line and column, e.g.
// "invalid input syntax for type integer: \"x\"\nCONTEXT: COPY t, line 3, column a: \"x\"").
// COPY is atomic: nothing may become visible before Finish() succeeds.
class CopyInSink {
 public:
  virtual ~CopyInSink() = default;
  // A batch of rows, each with the column count asked for. An error aborts the COPY: pgwire
  // reports it, discards the rest of the client's data and calls Abort().
  virtual Status Write(const CopyBatch& batch) = 0;
  // The client sent CopyDone and all rows were written: commit. Returns the command tag,
  // "COPY <rows>".
  virtual Result<std::string> Finish() = 0;
  // The COPY failed (CopyFail from the client, a parse or Write error, a lost connection,
  // cancellation or shutdown): discard everything. Not called after Finish().
  virtual void Abort() = 0;
};

// What Portal::Run() started.
struct Execution {
  enum class Kind {
    kCommand,     // done; CommandComplete with `tag`
    kRows,        // DataRows pulled from `rows`, then CommandComplete "<tag> <row count>"
    kEmptyQuery,  // the statement was empty: EmptyQueryResponse
    kCopyIn,      // CopyInResponse, then CopyData into `copy_sink` until CopyDone
  };
  Kind kind = Kind::kCommand;
  // kCommand: the complete tag: "INSERT 0 3", "UPDATE 2", "DELETE 1", "CREATE_TABLE",
  //   "DROP_TABLE", "SET", "FLUSH", "BEGIN", ... (RisingWave's tags).
  // kRows: the verb, to which pgwire appends the number of rows sent by this Execute
  //   ("SELECT" -> "SELECT 5"); an empty verb sends the tag "SELECT <n>" too. When
  //   `append_row_count` is false the tag is sent as is ("SHOW", "DESCRIBE").
  std::string tag;
  bool append_row_count = true;
  std::unique_ptr<RowSource> rows;  // kRows
  // kCopyIn: how to parse the data, the target column names (their count is the number of
  // fields per row; the names appear in messages and HEADER MATCH) and the table's name.
  std::unique_ptr<CopyInSink> copy_sink;
  CopyOptions copy_options;
  std::vector<std::string> copy_columns;
  std::string copy_relation;

  static Execution Command(std::string tag) {
    Execution e;
    e.tag = std::move(tag);
    return e;
  }
  static Execution Rows(std::unique_ptr<RowSource> rows, std::string verb = "SELECT",
                        bool append_row_count = true) {
    Execution e;
    e.kind = Kind::kRows;
    e.rows = std::move(rows);
    e.tag = std::move(verb);
    e.append_row_count = append_row_count;
    return e;
  }
  static Execution EmptyQuery() {
    Execution e;
    e.kind = Kind::kEmptyQuery;
    return e;
  }
  static Execution CopyIn(std::unique_ptr<CopyInSink> sink, CopyOptions options,
                          std::vector<std::string> columns, std::string relation) {
    Execution e;
    e.kind = Kind::kCopyIn;
    e.copy_sink = std::move(sink);
    e.copy_options = std::move(options);
    e.copy_columns = std::move(columns);
    e.copy_relation = std::move(relation);
    return e;
  }
};

class PreparedStatement {
 public:
  virtual ~PreparedStatement() = default;
  // The types of $1..$n: the declared ones where the client gave one, the inferred ones
  // elsewhere. The size is the number of parameters the statement uses (at least the number
  // declared). A type left kUnknown is reported as text (OID 25) and its values are passed as
  // varchar, as PostgreSQL resolves unknown parameters to text.
  virtual const std::vector<types::DataType>& ParamTypes() const = 0;
  // The shape of the result. Statements from ParseQuery() are never described.
  virtual Result<ResultShape> Describe() = 0;
};

class Portal {
 public:
  virtual ~Portal() = default;
  // The shape of the result; if has_rows, Run() returns kRows with these columns.
  virtual const ResultShape& Describe() const = 0;
  // Executes the statement; called at most once. For kRows the work may happen lazily in the
  // RowSource. A cancelled statement fails with 57014.
  virtual Result<Execution> Run() = 0;
};

class Session {
 public:
  virtual ~Session() = default;

  // Splits the text of a Query message into statements and parses them. Statements are not
  // bound to the catalog yet (Bind does that when each one's turn comes). Returns an empty
  // list for an empty query ("", ";", comments). Errors carry the 1-based position in `sql`.
  virtual Result<std::vector<std::unique_ptr<PreparedStatement>>> ParseQuery(
      std::string_view sql) = 0;

  // Parses and binds one statement for the extended protocol (Parse message), inferring the
  // parameter types the client did not declare. `declared` has one entry per type OID the
  // client sent, kUnknown where it sent 0. An empty `sql` gives a statement whose Run()
  // returns kEmptyQuery. More than one statement: 42601 "cannot insert multiple commands
  // into a prepared statement".
  virtual Result<std::unique_ptr<PreparedStatement>> Prepare(
      std::string_view sql, const std::vector<types::DataType>& declared) = 0;

  // Binds a statement to parameter values (one per ParamTypes() entry, each NULL or of that
  // type), ready to run.
  virtual Result<std::unique_ptr<Portal>> Bind(PreparedStatement& statement,
                                               std::vector<types::Value> params) = 0;

  // Asks the statement running in this session (in Run(), RowSource::Next() or
  // CopyInSink::Write/Finish) to stop soon with 57014 "canceling statement due to user
  // request". Thread-safe; called from another thread and only while one of the session's
  // calls is in progress on the connection thread, but it may arrive just as that call
  // returns, so a session should clear a pending cancel when it starts the next statement.
  // During shutdown it is repeated until the connection ends.
  virtual void Cancel() = 0;

  // ReadyForQuery's transaction status: 'I' idle, 'T' in a transaction block, 'E' in a failed
  // block. Portals survive a Sync only while 'T'.
  virtual char TransactionStatus() const { return 'I'; }

  // Reported parameters whose start-up values differ from pgwire's defaults (see
  // ServerOptions); sent as ParameterStatus right after authentication. Later changes go
  // through SessionEvents::ParameterChanged().
  virtual std::vector<std::pair<std::string, std::string>> InitialParameters() const { return {}; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Creates the session of an authenticated connection. `events` outlives the session. An
  // error refuses the connection with a FATAL ErrorResponse (e.g. 3D000 `database "x" does
  // not exist`, 22023 for a bad startup parameter value).
  virtual Result<std::unique_ptr<Session>> CreateSession(const StartupInfo& startup,
                                                         SessionEvents* events) = 0;
};

}  // namespace dynasink::pgwire
