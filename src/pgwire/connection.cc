// The message loop of a connection: dispatch, the simple query protocol, running portals, and
// the output of results, notices and errors. The extended protocol's handlers are in
// connection_extended.cc.
#include "pgwire/connection.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <exception>

#include "common/logging.h"
#include "common/redact.h"
#include "pgwire/server.h"
#include "pgwire/value_codec.h"
#include "pgwire/wire_buffer.h"
#include "types/text_format.h"

namespace dynasink::pgwire::internal {
namespace {

bool IsLargeMessage(char type) {
  switch (type) {
    case 'Q':  // Query
    case 'P':  // Parse
    case 'B':  // Bind
    case 'd':  // CopyData
    case 'F':  // FunctionCall
      return true;
    default:
      return false;
  }
}

std::string_view SeverityName(Notice::Severity s) {
  switch (s) {
    case Notice::Severity::kWarning:
      return "WARNING";
    case Notice::Severity::kNotice:
      return "NOTICE";
    case Notice::Severity::kInfo:
      return "INFO";
    case Notice::Severity::kDebug:
      return "DEBUG";
    case Notice::Severity::kLog:
      return "LOG";
  }
  return "NOTICE";
}

// Splits "<message>\nDETAIL: ...\nHINT: ...\nCONTEXT: ..." (see backend.h).
struct MessageParts {
  std::string message, detail, hint, context;
};
MessageParts SplitMessage(std::string_view text) {
  MessageParts parts;
  std::string* current = &parts.message;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    std::string* target = nullptr;
    if (line.starts_with("DETAIL: ")) {
      target = &parts.detail;
      line.remove_prefix(8);
    } else if (line.starts_with("HINT: ")) {
      target = &parts.hint;
      line.remove_prefix(6);
    } else if (line.starts_with("CONTEXT: ")) {
      target = &parts.context;
      line.remove_prefix(9);
    }
    if (target) {
      current = target;
      if (!current->empty()) current->push_back('\n');
    } else if (current != &parts.message || !current->empty()) {
      current->push_back('\n');
    }
    current->append(line);
  }
  return parts;
}

void AppendNoticeFields(MessageWriter& out, std::string_view severity, std::string_view sqlstate,
                        std::string_view text, std::string_view detail, std::string_view hint,
                        int position) {
  MessageParts parts = SplitMessage(Redact(text));
  if (!detail.empty()) parts.detail = Redact(detail);
  if (!hint.empty()) parts.hint = Redact(hint);
  out.Byte('S');
  out.CString(severity);
  out.Byte('V');
  out.CString(severity);
  out.Byte('C');
  out.CString(sqlstate);
  out.Byte('M');
  out.CString(parts.message);
  if (!parts.detail.empty()) {
    out.Byte('D');
    out.CString(parts.detail);
  }
  if (!parts.hint.empty()) {
    out.Byte('H');
    out.CString(parts.hint);
  }
  if (position > 0) {
    out.Byte('P');
    out.CString(std::to_string(position));
  }
  if (!parts.context.empty()) {
    out.Byte('W');
    out.CString(parts.context);
  }
  out.Byte('\0');
}

}  // namespace

Connection::Connection(Server* server, int fd, std::string peer, int32_t process_id,
                       int32_t secret_key)
    : server_(server),
      peer_(std::move(peer)),
      process_id_(process_id),
      secret_key_(secret_key),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      transport_(fd, wake_fd_, server->options().output_flush_bytes) {}

Connection::~Connection() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Connection::Run() {
  const ServerOptions& opts = server_->options();
  transport_.SetDeadline(Transport::Clock::now() + opts.startup_timeout);
  if (Startup()) {
    transport_.SetDeadline(std::nullopt);
    MessageLoop();
  }
  if (terminating_.load()) {
    SendErrorResponse(Status::Sql("57P01", "terminating connection due to administrator command"),
                      true);
  }
  transport_.FlushBestEffort(std::chrono::milliseconds(500));
  transport_.Close();
  // Portals before statements before the session, as backend.h promises.
  portals_.clear();
  statements_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    session_.reset();
  }
  if (holds_slot_) server_->ReleaseSlot();
  DS_LOG_DEBUG("pgwire", "{}: connection {} closed", peer_, process_id_);
  finished_.store(true, std::memory_order_release);
}

void Connection::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!in_statement_ || !session_) return;
  cancel_pending_.store(true, std::memory_order_release);
  session_->Cancel();
}

void Connection::Terminate() {
  terminating_.store(true, std::memory_order_release);
  uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof one);
  (void)n;  // an eventfd write only fails when the counter would overflow: it is already set
  Cancel();
}

void Connection::BeginStatement() {
  std::lock_guard<std::mutex> lock(mu_);
  cancel_pending_.store(false, std::memory_order_release);
  in_statement_ = true;
}

void Connection::EndStatement() {
  std::lock_guard<std::mutex> lock(mu_);
  in_statement_ = false;
}

Status Connection::CancelledStatus() const {
  return Status::Sql("57014", "canceling statement due to user request");
}

Status Connection::Io(Status status) {
  if (!status.ok()) dead_ = true;
  return status;
}

void Connection::SendNotice(const Notice& notice) {
  MessageWriter& out = transport_.out();
  out.Begin('N');
  AppendNoticeFields(out, SeverityName(notice.severity), notice.sqlstate, notice.message,
                     notice.detail, notice.hint, 0);
  out.End();
}

void Connection::ParameterChanged(std::string_view name, std::string_view value) {
  MessageWriter& out = transport_.out();
  out.Begin('S');
  out.CString(name);
  out.CString(value);
  out.End();
}

void Connection::SendErrorResponse(const Status& status, bool fatal) {
  MessageWriter& out = transport_.out();
  out.Begin('E');
  AppendNoticeFields(out, fatal ? "FATAL" : "ERROR", status.sqlstate(), status.message(), {}, {},
                     status.position());
  out.End();
}

void Connection::Fatal(const Status& status) {
  SendErrorResponse(status, true);
  transport_.FlushBestEffort(std::chrono::milliseconds(500));
  dead_ = true;
}

void Connection::SendReadyForQuery() {
  char status = 'I';
  if (session_) status = session_->TransactionStatus();
  MessageWriter& out = transport_.out();
  out.Begin('Z');
  out.Byte(status);
  out.End();
}

void Connection::SendCommandComplete(std::string_view tag) {
  MessageWriter& out = transport_.out();
  out.Begin('C');
  out.CString(tag);
  out.End();
}

void Connection::SendRowDescription(const ResultShape& shape, const std::vector<int16_t>* formats) {
  MessageWriter& out = transport_.out();
  if (!shape.has_rows) {
    out.Begin('n');  // NoData
    out.End();
    return;
  }
  out.Begin('T');
  out.Int16(static_cast<int16_t>(shape.columns.size()));
  for (size_t i = 0; i < shape.columns.size(); ++i) {
    const ColumnDesc& c = shape.columns[i];
    out.CString(c.name);
    out.Int32(0);  // table OID
    out.Int16(0);  // column number
    out.Int32(static_cast<int32_t>(WireTypeOid(c.type)));
    out.Int16(WireTypeLength(c.type));
    out.Int32(-1);  // type modifier
    out.Int16(formats ? (*formats)[i] : 0);
  }
  out.End();
}

void Connection::MessageLoop() {
  const ServerOptions& opts = server_->options();
  auto limit = [&opts](char type) {
    return IsLargeMessage(type) ? opts.max_message_bytes : opts.max_small_message_bytes;
  };
  while (!dead_ && !terminating_.load(std::memory_order_acquire)) {
    auto msg = transport_.ReadMessage(limit);
    if (!msg.ok()) {
      if (msg.status().sqlstate() == "08P01") {
        DS_LOG_INFO("pgwire", "{}: {}", peer_, msg.status().message());
        Fatal(msg.status());
      }
      return;  // closed, I/O error, or terminated
    }
    char type = msg->type;
    std::string_view body = msg->body;
    if (ignore_till_sync_ && type != 'S' && type != 'X') continue;
    Status status;
    bool extended = false;
    switch (type) {
      case 'Q':
        status = HandleQuery(body);
        break;
      case 'P':
        extended = true;
        status = HandleParse(body);
        break;
      case 'B':
        extended = true;
        status = HandleBind(body);
        break;
      case 'D':
        extended = true;
        status = HandleDescribe(body);
        break;
      case 'E':
        extended = true;
        status = HandleExecute(body);
        break;
      case 'C':
        extended = true;
        status = HandleClose(body);
        break;
      case 'S':
        ignore_till_sync_ = false;
        HandleSync();
        break;
      case 'H':
        extended = true;
        status = Flush();
        break;
      case 'X':
        return;  // Terminate
      case 'd':
      case 'c':
      case 'f':
        // Leftovers of a COPY that failed: the client keeps sending until it sees the error.
        break;
      case 'F':
        extended = true;
        status = Status::Sql("0A000", "the function call protocol is not supported");
        break;
      default:
        Fatal(Status::Sql("08P01", "invalid frontend message type " +
                                       std::to_string(static_cast<unsigned char>(type))));
        return;
    }
    if (dead_) return;
    if (!status.ok()) {
      if (terminating_.load()) return;  // the FATAL 57P01 replaces the cancellation error
      SendErrorResponse(status, false);
      if (extended) {
        ignore_till_sync_ = true;
      } else {
        SendReadyForQuery();
      }
      if (!Flush().ok()) return;
    }
  }
}

Status Connection::HandleQuery(std::string_view body) {
  MessageReader r(body);
  auto sql = r.CString();
  if (!sql.ok() || r.remaining() != 0) {
    Fatal(Status::Sql("08P01", "invalid Query message"));
    return Status::OK();
  }
  // A simple query ends the unnamed statement and portal, as in PostgreSQL.
  portals_.erase("");
  CloseStatement("");

  BeginStatement();
  auto statements = session_->ParseQuery(*sql);
  EndStatement();
  if (!statements.ok()) return statements.status();
  if (statements->empty()) {
    transport_.out().Begin('I');  // EmptyQueryResponse
    transport_.out().End();
  }
  for (auto& stmt : *statements) {
    PortalEntry entry;
    entry.statement = std::move(stmt);
    BeginStatement();
    auto portal = session_->Bind(*entry.statement, {});
    EndStatement();
    if (!portal.ok()) return portal.status();
    entry.portal = std::move(*portal);
    entry.shape = entry.portal->Describe();
    entry.formats.assign(entry.shape.columns.size(), 0);
    if (entry.shape.has_rows) SendRowDescription(entry.shape, nullptr);
    DS_RETURN_IF_ERROR(ExecutePortal(entry, 0));
    if (dead_) return Status::OK();
  }
  SendReadyForQuery();
  return Flush();
}

Status Connection::ExecutePortal(PortalEntry& entry, size_t max_rows) {
  using State = PortalEntry::State;
  if (entry.state == State::kDone) {
    // Running a finished portal again returns nothing more.
    SendCommandComplete(entry.append_row_count ? entry.tag + " 0" : entry.tag);
    return Status::OK();
  }
  if (entry.state == State::kReady) {
    BeginStatement();
    auto exec = entry.portal->Run();
    if (!exec.ok()) {
      EndStatement();
      entry.state = State::kDone;
      entry.tag = "SELECT";
      return exec.status();
    }
    switch (exec->kind) {
      case Execution::Kind::kCommand:
        EndStatement();
        entry.state = State::kDone;
        entry.tag = exec->tag;
        entry.append_row_count = false;
        SendCommandComplete(exec->tag);
        return Status::OK();
      case Execution::Kind::kEmptyQuery:
        EndStatement();
        entry.state = State::kDone;
        entry.tag = "";
        entry.append_row_count = false;
        transport_.out().Begin('I');
        transport_.out().End();
        return Status::OK();
      case Execution::Kind::kCopyIn: {
        auto tag = RunCopyIn(*exec);
        EndStatement();
        entry.state = State::kDone;
        entry.append_row_count = false;
        if (!tag.ok()) return tag.status();
        entry.tag = *tag;
        SendCommandComplete(*tag);
        return Status::OK();
      }
      case Execution::Kind::kRows:
        if (!exec->rows || !entry.shape.has_rows) {
          EndStatement();
          entry.state = State::kDone;
          return Status::Internal("a statement returned rows without a row source or columns");
        }
        entry.rows = std::move(exec->rows);
        entry.tag = exec->tag.empty() ? "SELECT" : exec->tag;
        entry.append_row_count = exec->append_row_count;
        entry.state = State::kStreaming;
        break;
    }
  } else {
    BeginStatement();
  }
  Status s = StreamRows(entry, max_rows);
  EndStatement();
  if (!s.ok()) {
    entry.state = State::kDone;
    entry.rows.reset();
  }
  return s;
}

Status Connection::StreamRows(PortalEntry& entry, size_t max_rows) {
  const size_t batch = server_->options().row_batch;
  size_t sent = 0;
  while (max_rows == 0 || sent < max_rows) {
    size_t want = max_rows == 0 ? batch : std::min(batch, max_rows - sent);
    row_batch_.clear();
    Status s = entry.rows->Next(want, &row_batch_);
    if (!s.ok()) return s;
    if (row_batch_.empty()) {
      entry.state = PortalEntry::State::kDone;
      entry.rows.reset();
      SendCommandComplete(entry.append_row_count ? entry.tag + " " + std::to_string(sent)
                                                 : entry.tag);
      return Status::OK();
    }
    if (row_batch_.size() > want) {
      return Status::Internal("the row source returned more rows than asked for");
    }
    for (const types::Row& row : row_batch_)
      DS_RETURN_IF_ERROR(AppendDataRow(row, entry));
    sent += row_batch_.size();
    DS_RETURN_IF_ERROR(Io(transport_.MaybeFlush()));
    if (cancel_pending()) return CancelledStatus();
  }
  row_batch_.clear();
  transport_.out().Begin('s');  // PortalSuspended
  transport_.out().End();
  return Status::OK();
}

Status Connection::AppendDataRow(const types::Row& row, const PortalEntry& entry) {
  const auto& columns = entry.shape.columns;
  if (row.size() != columns.size()) {
    return Status::Internal("a row has " + std::to_string(row.size()) + " values for " +
                            std::to_string(columns.size()) + " columns");
  }
  MessageWriter& out = transport_.out();
  const size_t start = out.size();
  try {
    out.Begin('D');
    out.Int16(static_cast<int16_t>(columns.size()));
    for (size_t i = 0; i < columns.size(); ++i) {
      const types::Value& v = row[i];
      if (v.is_null()) {
        out.NullField();
        continue;
      }
      size_t at = out.BeginField();
      if (entry.formats[i] == 0) {
        types::AppendValue(v, columns[i].type, out.buffer());
      } else {
        Status s = AppendBinary(v, columns[i].type, out.buffer());
        if (!s.ok()) {
          out.Truncate(start);
          return s;
        }
      }
      out.EndField(at);
    }
    out.End();
  } catch (const std::exception&) {
    // A value of another representation than its column's type: an engine bug, reported
    // rather than allowed to take the server down.
    out.Truncate(start);
    return Status::Internal("a value does not match the type of its column");
  }
  return Status::OK();
}

}  // namespace dynasink::pgwire::internal
