#include "support/pg_client.h"

#include <fmt/format.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace dynasink::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kConnectionFailure[] = "08006";
constexpr char kQueryCanceled[] = "57014";

std::string Field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v ? v : "";
}

// libpq's messages end with a newline and sometimes carry an "ERROR:  " prefix.
std::string CleanLibpqMessage(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s.empty() ? "connection failure" : s;
}

PgResult ConvertResult(PGresult* r) {
  PgResult out;
  const int fields = PQnfields(r);
  out.columns.reserve(fields);
  out.column_types.reserve(fields);
  for (int c = 0; c < fields; ++c) {
    out.columns.emplace_back(PQfname(r, c));
    out.column_types.push_back(PQftype(r, c));
  }
  const int tuples = PQntuples(r);
  out.rows.reserve(tuples);
  for (int t = 0; t < tuples; ++t) {
    PgRow row;
    row.reserve(fields);
    for (int c = 0; c < fields; ++c) {
      if (PQgetisnull(r, t, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(r, t, c), PQgetlength(r, t, c)));
      }
    }
    out.rows.push_back(std::move(row));
  }
  out.command_tag = PQcmdStatus(r);
  const char* n = PQcmdTuples(r);
  if (n && *n) out.affected_rows = std::strtoll(n, nullptr, 10);
  return out;
}

}  // namespace

struct PgConnection::NoticeSink {
  std::mutex mu;
  std::vector<std::string> messages;

  static void Receive(void* arg, const PGresult* r) {
    auto* self = static_cast<NoticeSink*>(arg);
    std::string message = Field(r, PG_DIAG_MESSAGE_PRIMARY);
    std::lock_guard<std::mutex> lock(self->mu);
    self->messages.push_back(std::move(message));
  }
};

Status StatusFromPgResult(const PGresult* result) {
  if (result == nullptr) return Status::Sql(kConnectionFailure, "no result from the server");
  std::string sqlstate = Field(result, PG_DIAG_SQLSTATE);
  std::string message = Field(result, PG_DIAG_MESSAGE_PRIMARY);
  if (sqlstate.empty()) {
    // Not from the server: libpq's own failure (e.g. the connection was lost).
    return Status::Sql(kConnectionFailure, CleanLibpqMessage(PQresultErrorMessage(result)));
  }
  if (std::string detail = Field(result, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) {
    message += "\nDETAIL: " + detail;
  }
  if (std::string hint = Field(result, PG_DIAG_MESSAGE_HINT); !hint.empty()) {
    message += "\nHINT: " + hint;
  }
  int position = 0;
  if (std::string pos = Field(result, PG_DIAG_STATEMENT_POSITION); !pos.empty()) {
    position = std::atoi(pos.c_str());
  }
  return Status::Sql(sqlstate, std::move(message), position);
}

std::string PgValueText(const std::optional<std::string>& value) {
  return value ? *value : "NULL";
}

Result<PgConnection> PgConnection::Connect(const std::string& conninfo,
                                           std::chrono::milliseconds timeout) {
  std::string info = conninfo;
  if (info.find("connect_timeout") == std::string::npos) {
    // libpq's granularity is a second, and it treats 1 as 2.
    auto seconds = std::max<int64_t>(2, (timeout.count() + 999) / 1000);
    info += fmt::format(" connect_timeout={}", seconds);
  }
  PGconn* conn = PQconnectdb(info.c_str());
  if (conn == nullptr)
    return Status::Sql(kConnectionFailure, "libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = CleanLibpqMessage(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Sql(kConnectionFailure,
                       fmt::format("cannot connect ({}): {}", conninfo, message));
  }
  auto* notices = new NoticeSink();
  PQsetNoticeReceiver(conn, &NoticeSink::Receive, notices);
  return PgConnection(conn, notices);
}

PgConnection::PgConnection(PGconn* conn, NoticeSink* notices)
    : conn_(conn), cancel_(PQgetCancel(conn)), notices_(notices) {}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : conn_(other.conn_),
      cancel_(other.cancel_),
      notices_(other.notices_),
      timeout_(other.timeout_) {
  other.conn_ = nullptr;
  other.cancel_ = nullptr;
  other.notices_ = nullptr;
}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    Close();
    conn_ = other.conn_;
    cancel_ = other.cancel_;
    notices_ = other.notices_;
    timeout_ = other.timeout_;
    other.conn_ = nullptr;
    other.cancel_ = nullptr;
    other.notices_ = nullptr;
  }
  return *this;
}

PgConnection::~PgConnection() {
  Close();
}

void PgConnection::Close() {
  if (cancel_) PQfreeCancel(cancel_);
  if (conn_) PQfinish(conn_);
  delete notices_;  // after PQfinish: the receiver may be called until then
  cancel_ = nullptr;
  conn_ = nullptr;
  notices_ = nullptr;
}

bool PgConnection::healthy() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

Status PgConnection::Cancel() {
  if (cancel_ == nullptr) return Status::FailedPrecondition("the connection is closed");
  char err[256] = {0};
  if (!PQcancel(cancel_, err, sizeof(err))) {
    return Status::Sql(kConnectionFailure, fmt::format("cancel request failed: {}", err));
  }
  return Status::OK();
}

std::vector<std::string> PgConnection::TakeNotices() {
  if (notices_ == nullptr) return {};
  std::lock_guard<std::mutex> lock(notices_->mu);
  return std::exchange(notices_->messages, {});
}

Status PgConnection::AwaitResult() {
  auto deadline = Clock::now() + timeout_;
  bool cancelled = false;
  while (true) {
    if (!PQconsumeInput(conn_)) {
      return Status::Sql(kConnectionFailure, CleanLibpqMessage(PQerrorMessage(conn_)));
    }
    if (!PQisBusy(conn_)) return Status::OK();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      if (cancelled) {
        // The server ignored the cancel too: give up on this connection.
        Close();
        return Status::Timeout(fmt::format("the statement did not finish within {} ms, nor "
                                           "within {} ms of a cancel request; connection closed",
                                           timeout_.count(), timeout_.count()))
            .WithSqlState(kQueryCanceled);
      }
      // Cancel, and give the server as long again to answer (with its 57014).
      (void)Cancel();
      cancelled = true;
      timed_out_ = true;
      deadline = Clock::now() + timeout_;
      continue;
    }
    pollfd p{PQsocket(conn_), POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (r < 0 && errno != EINTR) {
      return Status::Sql(kConnectionFailure, fmt::format("poll: {}", std::strerror(errno)));
    }
  }
}

Result<std::vector<PgResult>> PgConnection::CollectResults() {
  std::vector<PgResult> out;
  Status first_error;
  timed_out_ = false;
  while (true) {
    DS_RETURN_IF_ERROR(AwaitResult());
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) break;
    switch (PQresultStatus(r)) {
      case PGRES_TUPLES_OK:
      case PGRES_COMMAND_OK:
      case PGRES_EMPTY_QUERY:
        if (first_error.ok()) out.push_back(ConvertResult(r));
        break;
      case PGRES_COPY_IN:
        // Not ours to feed: end it with an error so the server fails the COPY.
        PQputCopyEnd(conn_, "COPY FROM STDIN is not supported here: use PgConnection::CopyIn");
        break;
      case PGRES_COPY_OUT: {
        char* buf = nullptr;
        while (PQgetCopyData(conn_, &buf, 0) > 0)
          PQfreemem(buf);
        break;
      }
      default:
        if (first_error.ok()) first_error = StatusFromPgResult(r);
        break;
    }
    PQclear(r);
    if (PQstatus(conn_) == CONNECTION_BAD) break;
  }
  if (!first_error.ok()) {
    if (timed_out_) {
      return Status::Timeout(fmt::format("the statement did not finish within {} ms and was "
                                         "cancelled ({})",
                                         timeout_.count(), first_error.message()))
          .WithSqlState(kQueryCanceled);
    }
    return first_error;
  }
  if (PQstatus(conn_) == CONNECTION_BAD) {
    return Status::Sql(kConnectionFailure, CleanLibpqMessage(PQerrorMessage(conn_)));
  }
  return out;
}

Result<std::vector<PgResult>> PgConnection::ExecAll(std::string_view sql) {
  if (conn_ == nullptr) return Status::Sql(kConnectionFailure, "the connection is closed");
  std::string text(sql);
  if (!PQsendQuery(conn_, text.c_str())) {
    return Status::Sql(kConnectionFailure, CleanLibpqMessage(PQerrorMessage(conn_)));
  }
  return CollectResults();
}

Result<PgResult> PgConnection::Exec(std::string_view sql) {
  DS_ASSIGN_OR_RETURN(auto results, ExecAll(sql));
  if (results.empty()) return PgResult{};
  return std::move(results.back());
}

Result<PgResult> PgConnection::ExecParams(std::string_view sql,
                                          const std::vector<std::optional<std::string>>& params) {
  if (conn_ == nullptr) return Status::Sql(kConnectionFailure, "the connection is closed");
  std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  if (!PQsendQueryParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                         values.data(), nullptr, nullptr, 0)) {
    return Status::Sql(kConnectionFailure, CleanLibpqMessage(PQerrorMessage(conn_)));
  }
  DS_ASSIGN_OR_RETURN(auto results, CollectResults());
  if (results.empty()) return PgResult{};
  return std::move(results.back());
}

Result<PgResult> PgConnection::CopyIn(std::string_view copy_sql, std::string_view data,
                                      size_t chunk_bytes) {
  if (conn_ == nullptr) return Status::Sql(kConnectionFailure, "the connection is closed");
  std::string text(copy_sql);
  if (!PQsendQuery(conn_, text.c_str())) {
    return Status::Sql(kConnectionFailure, CleanLibpqMessage(PQerrorMessage(conn_)));
  }
  DS_RETURN_IF_ERROR(AwaitResult());
  PGresult* first = PQgetResult(conn_);
  if (first == nullptr || PQresultStatus(first) != PGRES_COPY_IN) {
    Status error = first && PQresultStatus(first) == PGRES_FATAL_ERROR
                       ? StatusFromPgResult(first)
                       : Status::InvalidArgument(fmt::format(
                             "expected the server to start COPY FROM STDIN for: {}", copy_sql));
    if (first) PQclear(first);
    // Drain whatever else the query produced.
    (void)CollectResults();
    return error;
  }
  PQclear(first);
  chunk_bytes = std::max<size_t>(1, chunk_bytes);
  for (size_t off = 0; off < data.size(); off += chunk_bytes) {
    size_t n = std::min(chunk_bytes, data.size() - off);
    if (PQputCopyData(conn_, data.data() + off, static_cast<int>(n)) != 1) {
      return Status::Sql(kConnectionFailure, CleanLibpqMessage(PQerrorMessage(conn_)));
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) {
    return Status::Sql(kConnectionFailure, CleanLibpqMessage(PQerrorMessage(conn_)));
  }
  DS_ASSIGN_OR_RETURN(auto results, CollectResults());
  if (results.empty()) return Status::Internal("no result for the COPY");
  return std::move(results.back());
}

Status PgConnection::Execute(std::string_view sql) {
  return ExecAll(sql).status();
}

Result<std::vector<std::vector<std::string>>> PgConnection::Query(std::string_view sql) {
  DS_ASSIGN_OR_RETURN(PgResult r, Exec(sql));
  std::vector<std::vector<std::string>> rows;
  rows.reserve(r.rows.size());
  for (const PgRow& row : r.rows) {
    std::vector<std::string> texts;
    texts.reserve(row.size());
    for (const auto& v : row)
      texts.push_back(PgValueText(v));
    rows.push_back(std::move(texts));
  }
  return rows;
}

Result<std::string> PgConnection::QueryValue(std::string_view sql) {
  DS_ASSIGN_OR_RETURN(PgResult r, Exec(sql));
  if (r.rows.size() != 1 || r.columns.size() != 1) {
    return Status::InvalidArgument(
        fmt::format("expected one row of one column from `{}`, got {} "
                    "rows of {} columns",
                    sql, r.rows.size(), r.columns.size()));
  }
  return PgValueText(r.rows[0][0]);
}

}  // namespace dynasink::test
