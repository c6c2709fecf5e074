#include "server/pg_backend.h"

#include "sql/session.h"

namespace dynasink::server {

namespace {

pgwire::ResultShape ShapeOf(bool returns_rows, const std::vector<sql::ResultColumn>& columns) {
  if (!returns_rows) return pgwire::ResultShape::NoData();
  std::vector<pgwire::ColumnDesc> out;
  out.reserve(columns.size());
  for (const sql::ResultColumn& c : columns) out.push_back({c.name, c.type});
  return pgwire::ResultShape::Rows(std::move(out));
}

class RowSourceAdapter final : public pgwire::RowSource {
 public:
  explicit RowSourceAdapter(std::unique_ptr<sql::RowStream> rows) : rows_(std::move(rows)) {}
  Status Next(size_t max_rows, std::vector<types::Row>* rows) override {
    return rows_->Next(max_rows, rows);
  }

 private:
  std::unique_ptr<sql::RowStream> rows_;
};

// pgwire's parsed COPY batch seen through the engine's CopyRows interface.
class CopyBatchView final : public sql::CopyRows {
 public:
  explicit CopyBatchView(const pgwire::CopyBatch& batch) : batch_(batch) {}
  size_t num_rows() const override { return batch_.num_rows(); }
  size_t num_columns() const override { return batch_.num_columns(); }
  std::optional<std::string_view> field(size_t row, size_t column) const override {
    pgwire::CopyField f = batch_.field(row, column);
    if (f.is_null) return std::nullopt;
    return f.text;
  }
  uint64_t line_number(size_t row) const override { return batch_.line_number(row); }

 private:
  const pgwire::CopyBatch& batch_;
};

class CopySinkAdapter final : public pgwire::CopyInSink {
 public:
  explicit CopySinkAdapter(std::unique_ptr<sql::CopyTarget> target) : target_(std::move(target)) {}
  Status Write(const pgwire::CopyBatch& batch) override {
    CopyBatchView view(batch);
    return target_->Write(view);
  }
  Result<std::string> Finish() override { return target_->Finish(); }
  void Abort() override { target_->Abort(); }

 private:
  std::unique_ptr<sql::CopyTarget> target_;
};

class StatementAdapter final : public pgwire::PreparedStatement {
 public:
  explicit StatementAdapter(std::unique_ptr<sql::PreparedStatement> stmt) : stmt_(std::move(stmt)) {}

  const std::vector<types::DataType>& ParamTypes() const override {
    // Planning failures surface at Bind; until a plan exists there are no parameters.
    static const std::vector<types::DataType> kNone;
    auto r = stmt_->ParamTypes();
    return r.ok() ? **r : kNone;
  }
  Result<pgwire::ResultShape> Describe() override {
    bool returns_rows = false;
    DS_ASSIGN_OR_RETURN(const std::vector<sql::ResultColumn>* columns, stmt_->Columns(&returns_rows));
    return ShapeOf(returns_rows, *columns);
  }
  sql::PreparedStatement& statement() { return *stmt_; }

 private:
  std::unique_ptr<sql::PreparedStatement> stmt_;
};

class PortalAdapter final : public pgwire::Portal {
 public:
  explicit PortalAdapter(std::unique_ptr<sql::Portal> portal)
      : portal_(std::move(portal)), shape_(ShapeOf(portal_->returns_rows(), portal_->columns())) {}

  const pgwire::ResultShape& Describe() const override { return shape_; }

  Result<pgwire::Execution> Run() override {
    DS_ASSIGN_OR_RETURN(sql::ExecResult r, portal_->Run());
    switch (r.kind) {
      case sql::ExecResult::Kind::kCommand:
        return pgwire::Execution::Command(std::move(r.tag));
      case sql::ExecResult::Kind::kRows:
        return pgwire::Execution::Rows(std::make_unique<RowSourceAdapter>(std::move(r.rows)),
                                       std::move(r.tag), r.append_row_count);
      case sql::ExecResult::Kind::kEmpty:
        return pgwire::Execution::EmptyQuery();
      case sql::ExecResult::Kind::kCopyIn: {
        auto options = ToWireCopyOptions(r.copy_options);
        if (!options.ok()) {
          r.copy->Abort();
          return options.status();
        }
        return pgwire::Execution::CopyIn(std::make_unique<CopySinkAdapter>(std::move(r.copy)),
                                         std::move(options).value(), std::move(r.copy_columns),
                                         std::move(r.copy_relation));
      }
    }
    return Status::Internal("unknown execution result");
  }

 private:
  std::unique_ptr<sql::Portal> portal_;
  pgwire::ResultShape shape_;
};

class SessionAdapter final : public pgwire::Session, private sql::SessionListener {
 public:
  explicit SessionAdapter(pgwire::SessionEvents* events) : events_(events) {}
  void Attach(std::unique_ptr<sql::Session> session) { session_ = std::move(session); }
  sql::SessionListener* listener() { return this; }

  Result<std::vector<std::unique_ptr<pgwire::PreparedStatement>>> ParseQuery(
      std::string_view sql) override {
    DS_ASSIGN_OR_RETURN(auto statements, session_->ParseQuery(sql));
    std::vector<std::unique_ptr<pgwire::PreparedStatement>> out;
    out.reserve(statements.size());
    for (auto& s : statements) out.push_back(std::make_unique<StatementAdapter>(std::move(s)));
    return out;
  }

  Result<std::unique_ptr<pgwire::PreparedStatement>> Prepare(
      std::string_view sql, const std::vector<types::DataType>& declared) override {
    DS_ASSIGN_OR_RETURN(auto stmt, session_->Prepare(sql, declared));
    return std::unique_ptr<pgwire::PreparedStatement>(
        std::make_unique<StatementAdapter>(std::move(stmt)));
  }

  Result<std::unique_ptr<pgwire::Portal>> Bind(pgwire::PreparedStatement& statement,
                                               std::vector<types::Value> params) override {
    auto& adapter = static_cast<StatementAdapter&>(statement);
    DS_ASSIGN_OR_RETURN(auto portal, session_->Bind(adapter.statement(), std::move(params)));
    return std::unique_ptr<pgwire::Portal>(std::make_unique<PortalAdapter>(std::move(portal)));
  }

  void Cancel() override { session_->Cancel(); }
  char TransactionStatus() const override { return session_->TransactionStatus(); }
  std::vector<std::pair<std::string, std::string>> InitialParameters() const override {
    return session_->InitialParameters();
  }

 private:
  void OnNotice(const sql::Notice& n) override {
    pgwire::Notice out;
    switch (n.severity) {
      case sql::Notice::Severity::kWarning:
        out.severity = pgwire::Notice::Severity::kWarning;
        break;
      case sql::Notice::Severity::kNotice:
        out.severity = pgwire::Notice::Severity::kNotice;
        break;
      case sql::Notice::Severity::kInfo:
        out.severity = pgwire::Notice::Severity::kInfo;
        break;
    }
    out.sqlstate = n.sqlstate;
    out.message = n.message;
    out.detail = n.detail;
    out.hint = n.hint;
    events_->SendNotice(out);
  }
  void OnParameterChanged(std::string_view name, std::string_view value) override {
    events_->ParameterChanged(name, value);
  }

  pgwire::SessionEvents* events_;
  std::unique_ptr<sql::Session> session_;
};

Result<char> SingleByte(const std::string& value, const char* what) {
  if (value.size() != 1) {
    return Status::Sql("0A000", std::string("COPY ") + what + " must be a single one-byte character");
  }
  return value[0];
}

}  // namespace

Result<pgwire::CopyOptions> ToWireCopyOptions(const sql::CopyOptions& o) {
  bool csv = o.format == sql::CopyFormat::kCsv;
  pgwire::CopyOptions out = csv ? pgwire::CopyOptions::Csv() : pgwire::CopyOptions::Text();
  if (o.delimiter) {
    DS_ASSIGN_OR_RETURN(out.delimiter, SingleByte(*o.delimiter, "delimiter"));
  }
  if (o.null_string) out.null_string = *o.null_string;
  if (o.quote) {
    if (!csv) return Status::Sql("0A000", "COPY quote available only in CSV mode");
    DS_ASSIGN_OR_RETURN(out.quote, SingleByte(*o.quote, "quote"));
  }
  if (o.escape) {
    if (!csv) return Status::Sql("0A000", "COPY escape available only in CSV mode");
    DS_ASSIGN_OR_RETURN(out.escape, SingleByte(*o.escape, "escape"));
  } else if (csv && o.quote) {
    out.escape = out.quote;  // PostgreSQL: ESCAPE defaults to QUOTE
  }
  if (o.header) out.header = pgwire::CopyHeader::kSkip;
  if (o.encoding) {
    std::string e;
    for (char c : *o.encoding) {
      if (c != '-' && c != '_') e.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (e != "utf8" && e != "unicode" && e != "sqlascii") {
      return Status::Sql("0A000", "COPY encoding \"" + *o.encoding +
                                      "\" is not supported: dynasink reads UTF8 only");
    }
  }
  DS_RETURN_IF_ERROR(out.Validate());
  return out;
}

Result<std::unique_ptr<pgwire::Session>> PgBackend::CreateSession(const pgwire::StartupInfo& startup,
                                                                  pgwire::SessionEvents* events) {
  if (startup.database != "dev") {
    return Status::Sql("3D000", "database \"" + startup.database + "\" does not exist\nHINT: "
                                "dynasink has one database, dev.");
  }
  sql::SessionInfo info;
  info.user = startup.user;
  info.database = startup.database;
  info.application_name = startup.application_name;
  info.parameters = startup.parameters;
  info.backend_pid = startup.process_id;
  info.remote_address = startup.remote_address;
  auto adapter = std::make_unique<SessionAdapter>(events);
  DS_ASSIGN_OR_RETURN(auto session, engine_->NewSession(std::move(info), adapter->listener()));
  adapter->Attach(std::move(session));
  return std::unique_ptr<pgwire::Session>(std::move(adapter));
}

}  // namespace dynasink::server
