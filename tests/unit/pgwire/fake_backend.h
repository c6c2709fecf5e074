// A small in-memory Backend for the pgwire tests: one table t(id integer, name varchar) shared
// by all sessions, and a handful of statement forms recognised by a tiny tokenizer. It exists
// to drive the protocol with real clients, not to be a SQL engine.
//
//   INSERT INTO t VALUES (1, 'a'), ($1, $2)      tag INSERT 0 n; $n typed integer/varchar
//   SELECT * FROM t [WHERE id = $1 | WHERE id = 5]
//   SELECT * FROM <other>                        42P01 with the position of the name
//   SELECT $1, $2, ...                           echoes its parameters (declared types)
//   SELECT generate_series(1, N)                 N bigint rows, produced lazily
//   SELECT fail_after(N)                         N rows, then 22012 division by zero
//   SELECT pg_sleep(S)                           sleeps up to S seconds; honours Cancel()
//   SELECT all_types()                           one row: a value of each common type
//   SELECT secret('text')                        an error whose message contains the text
//   DELETE FROM t                                tag DELETE n
//   CREATE TABLE IF NOT EXISTS t (...)           notice "already exists, skipping"
//   SET name = value | SET name TO value         ParameterStatus for reported names
//   SHOW name                                    one row, tag SHOW
//   BEGIN / COMMIT                               transaction status T / I
//   COPY t FROM STDIN [WITH] [(FORMAT csv, HEADER true, ...)] [CSV] [HEADER] [DELIMITER 'x']
//   anything else                                42601 syntax error at the first word
#pragma once

#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pgwire/backend.h"
#include "types/text_format.h"

namespace dynasink::pgwire::testing {

using types::DataType;
using types::Row;
using types::TypeId;
using types::Value;

struct Token {
  enum Kind { kWord, kNumber, kString, kParam, kSymbol } kind;
  std::string text;  // word lower-cased; string unquoted; param digits
  size_t offset;     // in the statement
};

inline std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_'))
        ++j;
      std::string w(s.substr(i, j - i));
      for (char& ch : w)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.push_back({Token::kWord, w, i});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '-' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.'))
        ++j;
      out.push_back({Token::kNumber, std::string(s.substr(i, j - i)), i});
      i = j;
    } else if (c == '\'') {
      std::string v;
      size_t j = i + 1;
      while (j < s.size()) {
        if (s[j] == '\'') {
          if (j + 1 < s.size() && s[j + 1] == '\'') {
            v.push_back('\'');
            j += 2;
            continue;
          }
          break;
        }
        v.push_back(s[j++]);
      }
      out.push_back({Token::kString, v, i});
      i = j + 1;
    } else if (c == '$' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      size_t j = i + 1;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])))
        ++j;
      out.push_back({Token::kParam, std::string(s.substr(i + 1, j - i - 1)), i});
      i = j;
    } else {
      out.push_back({Token::kSymbol, std::string(1, c), i});
      ++i;
    }
  }
  return out;
}

struct FakeTable {
  std::mutex mu;
  std::vector<Row> rows;  // (id integer, name varchar)
};

inline std::vector<ColumnDesc> TableColumns() {
  return {{"id", DataType(TypeId::kInt32)}, {"name", DataType(TypeId::kVarchar)}};
}

// A RowSource over materialized rows.
class VectorRows : public RowSource {
 public:
  explicit VectorRows(std::vector<Row> rows) : rows_(std::move(rows)) {}
  Status Next(size_t max_rows, std::vector<Row>* out) override {
    while (pos_ < rows_.size() && out->size() < max_rows)
      out->push_back(rows_[pos_++]);
    return Status::OK();
  }

 private:
  std::vector<Row> rows_;
  size_t pos_ = 0;
};

// generate_series / fail_after: produced on demand, so a large result is never materialized.
class SeriesRows : public RowSource {
 public:
  SeriesRows(int64_t n, bool fail_at_end, std::atomic<bool>* cancel)
      : n_(n), fail_(fail_at_end), cancel_(cancel) {}
  Status Next(size_t max_rows, std::vector<Row>* out) override {
    if (cancel_->load()) return Status::Sql("57014", "canceling statement due to user request");
    while (next_ <= n_ && out->size() < max_rows)
      out->push_back({Value::Int64(next_++)});
    if (out->empty() && fail_) return Status::Sql("22012", "division by zero");
    return Status::OK();
  }

 private:
  int64_t n_;
  int64_t next_ = 1;
  bool fail_;
  std::atomic<bool>* cancel_;
};

class FakeCopySink : public CopyInSink {
 public:
  FakeCopySink(FakeTable* table, std::atomic<int>* aborts) : table_(table), aborts_(aborts) {}
  Status Write(const CopyBatch& batch) override {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      Row row;
      for (size_t c = 0; c < 2; ++c) {
        CopyField f = batch.field(r, c);
        if (f.is_null) {
          row.push_back(Value::Null());
          continue;
        }
        auto v = types::ParseValue(f.text, TableColumns()[c].type);
        if (!v.ok()) {
          return Status::Sql(v.status().sqlstate(), v.status().message() +
                                                        "\nCONTEXT: COPY t, line " +
                                                        std::to_string(batch.line_number(r)) +
                                                        ", column " + TableColumns()[c].name);
        }
        row.push_back(std::move(*v));
      }
      pending_.push_back(std::move(row));
    }
    return Status::OK();
  }
  Result<std::string> Finish() override {
    std::lock_guard<std::mutex> lock(table_->mu);
    size_t n = pending_.size();
    for (auto& r : pending_)
      table_->rows.push_back(std::move(r));
    return "COPY " + std::to_string(n);
  }
  void Abort() override {
    pending_.clear();
    aborts_->fetch_add(1);
  }

 private:
  FakeTable* table_;
  std::atomic<int>* aborts_;
  std::vector<Row> pending_;
};

struct FakeShared {
  FakeTable table;
  std::atomic<int> copy_aborts{0};
  std::atomic<int> sessions_created{0};
  std::atomic<int> sessions_alive{0};
  std::atomic<int> cancels{0};
};

class FakeSession;

// One parsed statement. Binding/running is done by FakeSession.
class FakeStatement : public PreparedStatement {
 public:
  std::string text;
  size_t base_offset = 0;  // of `text` in the query string, for error positions
  std::vector<Token> tokens;
  std::vector<DataType> param_types;
  const std::vector<DataType>& ParamTypes() const override { return param_types; }
  Result<ResultShape> Describe() override;
  // Shape of the result for given parameter types.
  ResultShape Shape() const;

  bool Is(size_t i, std::string_view word) const {
    return i < tokens.size() && tokens[i].kind == Token::kWord && tokens[i].text == word;
  }
  bool Sym(size_t i, char c) const {
    return i < tokens.size() && tokens[i].kind == Token::kSymbol && tokens[i].text[0] == c;
  }
};

inline Status SyntaxError(const FakeStatement& s, size_t token) {
  std::string near = token < s.tokens.size()
                         ? s.text.substr(s.tokens[token].offset, s.tokens[token].text.size())
                         : std::string("end of input");
  int pos = static_cast<int>(s.base_offset +
                             (token < s.tokens.size() ? s.tokens[token].offset : s.text.size())) +
            1;
  if (token >= s.tokens.size()) return Status::Sql("42601", "syntax error at end of input", pos);
  return Status::Sql("42601", "syntax error at or near \"" + near + "\"", pos);
}

inline ResultShape FakeStatement::Shape() const {
  if (Is(0, "select")) {
    if (Sym(1, '*')) return ResultShape::Rows(TableColumns());
    if (Is(1, "generate_series") || Is(1, "fail_after"))
      return ResultShape::Rows({{tokens[1].text, DataType(TypeId::kInt64)}});
    if (Is(1, "pg_sleep")) return ResultShape::Rows({{"pg_sleep", DataType(TypeId::kVarchar)}});
    if (Is(1, "all_types")) {
      return ResultShape::Rows({{"b", TypeId::kBoolean},
                                {"i2", TypeId::kInt16},
                                {"i4", TypeId::kInt32},
                                {"i8", TypeId::kInt64},
                                {"f4", TypeId::kFloat32},
                                {"f8", TypeId::kFloat64},
                                {"n", TypeId::kDecimal},
                                {"s", TypeId::kVarchar},
                                {"by", TypeId::kBytea},
                                {"d", TypeId::kDate},
                                {"tm", TypeId::kTime},
                                {"ts", TypeId::kTimestamp},
                                {"tz", TypeId::kTimestamptz},
                                {"iv", TypeId::kInterval},
                                {"j", TypeId::kJsonb},
                                {"arr", DataType::List(TypeId::kInt32)},
                                {"nul", TypeId::kInt32}});
    }
    if (Is(1, "secret")) return ResultShape::Rows({{"secret", TypeId::kVarchar}});
    std::vector<ColumnDesc> cols;
    for (const DataType& t : param_types)
      cols.push_back({"?column?", t.id() == TypeId::kUnknown ? DataType(TypeId::kVarchar) : t});
    return ResultShape::Rows(std::move(cols));
  }
  if (Is(0, "show")) return ResultShape::Rows({{tokens[1].text, TypeId::kVarchar}});
  return ResultShape::NoData();
}

inline Result<ResultShape> FakeStatement::Describe() {
  return Shape();
}

class FakePortal : public Portal {
 public:
  FakePortal(FakeSession* session, FakeStatement* stmt, std::vector<Value> params)
      : session_(session), stmt_(stmt), params_(std::move(params)), shape_(stmt->Shape()) {}
  const ResultShape& Describe() const override { return shape_; }
  Result<Execution> Run() override;

 private:
  FakeSession* session_;
  FakeStatement* stmt_;
  std::vector<Value> params_;
  ResultShape shape_;
};

class FakeSession : public Session {
 public:
  FakeSession(FakeShared* shared, SessionEvents* events, StartupInfo info)
      : shared_(shared), events_(events), info_(std::move(info)) {
    shared_->sessions_created.fetch_add(1);
    shared_->sessions_alive.fetch_add(1);
    for (const auto& [k, v] : info_.parameters)
      settings_[Lower(k)] = v;
  }
  ~FakeSession() override { shared_->sessions_alive.fetch_sub(1); }

  static std::string Lower(std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  Result<std::unique_ptr<FakeStatement>> ParseOne(std::string_view text, size_t offset,
                                                  const std::vector<DataType>& declared) {
    auto st = std::make_unique<FakeStatement>();
    st->text = std::string(text);
    st->base_offset = offset;
    st->tokens = Tokenize(text);
    const auto& t = st->tokens;
    static const char* kFirst[] = {"select", "insert", "delete", "create", "set",
                                   "show",   "begin",  "commit", "copy"};
    bool known = false;
    for (const char* w : kFirst)
      known |= st->Is(0, w);
    if (!known) return SyntaxError(*st, 0);
    if (st->Is(0, "select") && t.size() < 2) return SyntaxError(*st, 1);
    // Parameter types: declared first, then inferred from where $n appears.
    int max_param = 0;
    for (const Token& tok : t)
      if (tok.kind == Token::kParam) max_param = std::max(max_param, std::stoi(tok.text));
    st->param_types.assign(std::max<size_t>(max_param, declared.size()), DataType());
    for (size_t i = 0; i < declared.size(); ++i)
      st->param_types[i] = declared[i];
    if (st->Is(0, "insert")) {
      int col = 0;
      for (const Token& tok : t) {
        if (tok.kind == Token::kSymbol && tok.text == "(") col = 0;
        if (tok.kind == Token::kSymbol && tok.text == ",") ++col;
        if (tok.kind == Token::kParam) {
          DataType& dt = st->param_types[std::stoi(tok.text) - 1];
          if (dt.id() == TypeId::kUnknown) dt = TableColumns()[col % 2].type;
        }
      }
    }
    if (st->Is(0, "select") && st->Sym(1, '*')) {
      for (const Token& tok : t) {
        if (tok.kind == Token::kParam) {
          DataType& dt = st->param_types[std::stoi(tok.text) - 1];
          if (dt.id() == TypeId::kUnknown) dt = TypeId::kInt32;
        }
      }
    }
    return st;
  }

  Result<std::vector<std::unique_ptr<PreparedStatement>>> ParseQuery(
      std::string_view sql) override {
    std::vector<std::unique_ptr<PreparedStatement>> out;
    size_t start = 0;
    bool in_quote = false;
    for (size_t i = 0; i <= sql.size(); ++i) {
      if (i < sql.size() && sql[i] == '\'') in_quote = !in_quote;
      if (i == sql.size() || (sql[i] == ';' && !in_quote)) {
        std::string_view piece = sql.substr(start, i - start);
        if (piece.find_first_not_of(" \t\r\n") != std::string_view::npos) {
          DS_ASSIGN_OR_RETURN(auto st, ParseOne(piece, start, {}));
          out.push_back(std::move(st));
        }
        start = i + 1;
      }
    }
    return out;
  }

  Result<std::unique_ptr<PreparedStatement>> Prepare(
      std::string_view sql, const std::vector<DataType>& declared) override {
    std::string_view trimmed = sql;
    while (!trimmed.empty() &&
           (trimmed.back() == ';' || std::isspace(static_cast<unsigned char>(trimmed.back()))))
      trimmed.remove_suffix(1);
    if (trimmed.find(';') != std::string_view::npos)
      return Status::Sql("42601", "cannot insert multiple commands into a prepared statement");
    if (trimmed.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      auto st = std::make_unique<FakeStatement>();
      st->param_types = declared;
      return std::unique_ptr<PreparedStatement>(std::move(st));
    }
    DS_ASSIGN_OR_RETURN(auto st, ParseOne(trimmed, 0, declared));
    return std::unique_ptr<PreparedStatement>(std::move(st));
  }

  Result<std::unique_ptr<Portal>> Bind(PreparedStatement& statement,
                                       std::vector<Value> params) override {
    auto& st = static_cast<FakeStatement&>(statement);
    if (params.size() != st.param_types.size())
      return Status::Internal("fake: parameter count mismatch");
    // Name resolution happens at bind time, as in the real engine.
    if (st.Is(0, "select") && st.Sym(1, '*')) {
      if (!st.Is(2, "from") || st.tokens.size() < 4) return SyntaxError(st, 2);
      if (st.tokens[3].text != "t") {
        return Status::Sql("42P01", "relation \"" + st.tokens[3].text + "\" does not exist",
                           static_cast<int>(st.base_offset + st.tokens[3].offset + 1));
      }
    }
    return std::unique_ptr<Portal>(new FakePortal(this, &st, std::move(params)));
  }

  void Cancel() override {
    shared_->cancels.fetch_add(1);
    cancel_.store(true);
  }
  char TransactionStatus() const override { return in_tx_ ? 'T' : 'I'; }
  std::vector<std::pair<std::string, std::string>> InitialParameters() const override {
    std::vector<std::pair<std::string, std::string>> out;
    auto it = settings_.find("timezone");
    if (it != settings_.end()) out.emplace_back("TimeZone", it->second);
    return out;
  }

  FakeShared* shared_;
  SessionEvents* events_;
  StartupInfo info_;
  std::map<std::string, std::string> settings_;
  std::atomic<bool> cancel_{false};
  bool in_tx_ = false;
};

inline Result<Execution> FakePortal::Run() {
  FakeSession& s = *session_;
  s.cancel_.store(false);
  const FakeStatement& st = *stmt_;
  const auto& t = st.tokens;
  if (t.empty()) return Execution::EmptyQuery();
  auto param_or_literal = [&](const Token& tok, const DataType& type) -> Result<Value> {
    if (tok.kind == Token::kParam) return params_[std::stoi(tok.text) - 1];
    if (tok.kind == Token::kWord && tok.text == "null") return Value::Null();
    return types::ParseValue(tok.text, type);
  };
  if (st.Is(0, "insert")) {
    if (!st.Is(1, "into") || !st.Is(2, "t") || !st.Is(3, "values")) return SyntaxError(st, 1);
    std::vector<Row> rows;
    Row row;
    for (size_t i = 4; i < t.size(); ++i) {
      if (t[i].kind == Token::kSymbol) {
        if (t[i].text == ")") {
          if (row.size() != 2) return SyntaxError(st, i);
          rows.push_back(std::move(row));
          row.clear();
        }
        continue;
      }
      DS_ASSIGN_OR_RETURN(Value v, param_or_literal(t[i], TableColumns()[row.size() % 2].type));
      row.push_back(std::move(v));
    }
    std::lock_guard<std::mutex> lock(s.shared_->table.mu);
    for (auto& r : rows)
      s.shared_->table.rows.push_back(std::move(r));
    return Execution::Command("INSERT 0 " + std::to_string(rows.size()));
  }
  if (st.Is(0, "delete")) {
    std::lock_guard<std::mutex> lock(s.shared_->table.mu);
    size_t n = s.shared_->table.rows.size();
    s.shared_->table.rows.clear();
    return Execution::Command("DELETE " + std::to_string(n));
  }
  if (st.Is(0, "create")) {
    s.events_->SendNotice(Notice{Notice::Severity::kNotice, "42P07",
                                 "relation \"t\" already exists, skipping", "", ""});
    return Execution::Command("CREATE_TABLE");
  }
  if (st.Is(0, "begin")) {
    s.in_tx_ = true;
    return Execution::Command("BEGIN");
  }
  if (st.Is(0, "commit")) {
    s.in_tx_ = false;
    return Execution::Command("COMMIT");
  }
  if (st.Is(0, "set")) {
    if (t.size() < 4) return SyntaxError(st, t.size());
    std::string name = t[1].text;
    std::string value = t[3].text;
    s.settings_[name] = value;
    static const std::map<std::string, std::string> kReported = {
        {"timezone", "TimeZone"},
        {"application_name", "application_name"},
        {"datestyle", "DateStyle"},
        {"intervalstyle", "IntervalStyle"}};
    auto it = kReported.find(name);
    if (it != kReported.end()) s.events_->ParameterChanged(it->second, value);
    return Execution::Command("SET");
  }
  if (st.Is(0, "show")) {
    auto it = s.settings_.find(t.size() > 1 ? t[1].text : "");
    std::vector<Row> rows = {{Value::Varchar(it == s.settings_.end() ? "" : it->second)}};
    return Execution::Rows(std::make_unique<VectorRows>(std::move(rows)), "SHOW", false);
  }
  if (st.Is(0, "copy")) {
    if (!st.Is(1, "t") || !st.Is(2, "from") || !st.Is(3, "stdin")) return SyntaxError(st, 1);
    CopyOptions o = CopyOptions::Text();
    for (size_t i = 4; i < t.size(); ++i) {
      auto quoted_arg = [&](char* target) {
        if (i + 1 < t.size() && t[i + 1].kind == Token::kString && t[i + 1].text.size() == 1)
          *target = t[++i].text[0];
      };
      if (st.Is(i, "csv") || (st.Is(i, "format") && st.Is(i + 1, "csv"))) {
        CopyOptions csv = CopyOptions::Csv();
        csv.header = o.header;
        o = csv;
      } else if (st.Is(i, "header")) {
        o.header = CopyHeader::kSkip;
        if (st.Is(i + 1, "match")) o.header = CopyHeader::kMatch;
        if (st.Is(i + 1, "false")) o.header = CopyHeader::kNone;
      } else if (st.Is(i, "delimiter")) {
        quoted_arg(&o.delimiter);
      } else if (st.Is(i, "quote")) {
        quoted_arg(&o.quote);
      } else if (st.Is(i, "escape")) {
        quoted_arg(&o.escape);
      } else if (st.Is(i, "null") && i + 1 < t.size() && t[i + 1].kind == Token::kString) {
        o.null_string = t[++i].text;
      }
    }
    return Execution::CopyIn(
        std::make_unique<FakeCopySink>(&s.shared_->table, &s.shared_->copy_aborts), o,
        {"id", "name"}, "t");
  }
  // SELECT forms.
  if (st.Sym(1, '*')) {
    std::vector<Row> rows;
    std::optional<Value> want;
    if (st.Is(4, "where")) {
      if (t.size() < 8) return SyntaxError(st, t.size());
      DS_ASSIGN_OR_RETURN(Value v, param_or_literal(t[7], DataType(TypeId::kInt32)));
      want = std::move(v);
    }
    std::lock_guard<std::mutex> lock(s.shared_->table.mu);
    for (const Row& r : s.shared_->table.rows) {
      if (!want || (!r[0].is_null() && !want->is_null() && r[0].as_int32() == want->as_int32()))
        rows.push_back(r);
    }
    return Execution::Rows(std::make_unique<VectorRows>(std::move(rows)));
  }
  auto int_arg = [&](size_t idx) -> int64_t {
    for (size_t i = idx; i < t.size(); ++i)
      if (t[i].kind == Token::kNumber && t[i].text != "1") return std::stoll(t[i].text);
    for (size_t i = idx; i < t.size(); ++i)
      if (t[i].kind == Token::kNumber) return std::stoll(t[i].text);
    return 0;
  };
  if (st.Is(1, "generate_series")) {
    return Execution::Rows(std::make_unique<SeriesRows>(int_arg(2), false, &s.cancel_));
  }
  if (st.Is(1, "fail_after")) {
    return Execution::Rows(std::make_unique<SeriesRows>(int_arg(2), true, &s.cancel_));
  }
  if (st.Is(1, "pg_sleep")) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(int_arg(2));
    while (std::chrono::steady_clock::now() < deadline) {
      if (s.cancel_.load()) return Status::Sql("57014", "canceling statement due to user request");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Execution::Rows(std::make_unique<VectorRows>(std::vector<Row>{{Value::Varchar("")}}));
  }
  if (st.Is(1, "secret")) {
    std::string text = t.size() > 3 ? t[3].text : "";
    return Status::Sql("22023", "the value " + text + " is not allowed");
  }
  if (st.Is(1, "all_types")) {
    const ResultShape& shape = shape_;
    const char* texts[] = {"t",
                           "-12",
                           "123456",
                           "-9223372036854775808",
                           "1.5",
                           "-2.25",
                           "-12345.678900",
                           "héllo",
                           "\\x00ff10",
                           "2001-05-16",
                           "12:34:56.5",
                           "2001-05-16 20:38:40.123456",
                           "2024-01-01 00:00:00+08:00",
                           "1 year 2 mons 3 days 04:05:06",
                           "{\"b\": 1, \"a\": [1, null]}",
                           "{1,NULL,3}"};
    Row row;
    for (size_t i = 0; i + 1 < shape.columns.size(); ++i) {
      DS_ASSIGN_OR_RETURN(Value v, types::ParseValue(texts[i], shape.columns[i].type));
      row.push_back(std::move(v));
    }
    row.push_back(Value::Null());
    return Execution::Rows(std::make_unique<VectorRows>(std::vector<Row>{std::move(row)}));
  }
  // SELECT $1, $2, ...: echo the parameters.
  Row row;
  for (size_t i = 1; i < t.size(); ++i) {
    if (t[i].kind == Token::kParam) {
      row.push_back(params_[std::stoi(t[i].text) - 1]);
    } else if (t[i].kind != Token::kSymbol) {
      return SyntaxError(st, i);
    }
  }
  if (row.size() != shape_.columns.size()) return SyntaxError(st, 1);
  return Execution::Rows(std::make_unique<VectorRows>(std::vector<Row>{std::move(row)}));
}

class FakeBackend : public Backend {
 public:
  Result<std::unique_ptr<Session>> CreateSession(const StartupInfo& startup,
                                                 SessionEvents* events) override {
    if (startup.database == "missing") {
      return Status::Sql("3D000", "database \"missing\" does not exist");
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_startup_ = startup;
    }
    return std::unique_ptr<Session>(new FakeSession(&shared_, events, startup));
  }
  StartupInfo last_startup() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_startup_;
  }
  FakeShared& shared() { return shared_; }
  size_t table_size() {
    std::lock_guard<std::mutex> lock(shared_.table.mu);
    return shared_.table.rows.size();
  }

 private:
  FakeShared shared_;
  std::mutex mu_;
  StartupInfo last_startup_;
};

}  // namespace dynasink::pgwire::testing
