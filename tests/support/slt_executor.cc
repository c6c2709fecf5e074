#include "support/slt_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <thread>

namespace dynasink::test::slt {
namespace {

constexpr size_t kMaxShownLines = 60;
constexpr char kConnectionFailure[] = "08006";

std::string Indent(std::string_view text, std::string_view prefix) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += prefix;
    out += text.substr(start, end - start);
    out += '\n';
    if (end == text.size()) break;
    start = end + 1;
  }
  return out;
}

std::string ShowLines(const std::vector<std::string>& lines, size_t mark) {
  if (lines.empty()) return "      (no rows)\n";
  std::string out;
  for (size_t k = 0; k < lines.size() && k < kMaxShownLines; ++k) {
    out += (k == mark ? "    > " : "      ") + lines[k] + "\n";
  }
  if (lines.size() > kMaxShownLines) {
    out += fmt::format("      ... {} more\n", lines.size() - kMaxShownLines);
  }
  return out;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string DescribeStatus(const Status& s) {
  std::string out = s.sqlstate() + ": " + s.message();
  if (s.position() > 0) out += fmt::format(" (at position {})", s.position());
  return out;
}

std::vector<std::string> SplitValues(const std::vector<std::string>& lines) {
  std::vector<std::string> values;
  for (const std::string& line : lines) {
    size_t start = 0;
    while (start <= line.size()) {
      size_t end = line.find(' ', start);
      if (end == std::string::npos) end = line.size();
      values.push_back(line.substr(start, end - start));
      if (end == line.size()) break;
      start = end + 1;
    }
  }
  return values;
}

}  // namespace

std::string FormatRow(const PgRow& row) {
  std::string line;
  for (size_t c = 0; c < row.size(); ++c) {
    if (c > 0) line += ' ';
    if (!row[c]) {
      line += "NULL";
    } else if (row[c]->empty()) {
      line += "(empty)";
    } else {
      line += *row[c];
    }
  }
  return line;
}

Executor::Executor(ExecutorOptions options, std::ostream& out)
    : options_(std::move(options)), out_(out) {}

void Executor::ReportFailure(const Record& record, const std::string& what) {
  ++summary_.failed;
  out_ << "FAIL " << record.file << ":" << record.line << ": " << what;
  if (what.empty() || what.back() != '\n') out_ << "\n";
  out_ << "\n";
  out_.flush();
}

PgConnection* Executor::Connection(const std::string& name, const Record& record) {
  auto it = connections_.find(name);
  if (it != connections_.end() && it->second.healthy()) return &it->second;
  if (it != connections_.end()) connections_.erase(it);
  auto conn = options_.connect();
  if (!conn.ok()) {
    ReportFailure(record, fmt::format("cannot open connection `{}`: {}",
                                      name.empty() ? "default" : name, conn.status().message()));
    summary_.aborted = true;
    return nullptr;
  }
  conn->set_statement_timeout(options_.statement_timeout);
  return &connections_.emplace(name, std::move(*conn)).first->second;
}

std::string Executor::CheckError(const Status& status, const Record& record) {
  const ExpectedError& want = *record.error;
  const std::string sql_block = Indent(record.sql, "      ");
  if (status.ok()) {
    return fmt::format("expected an error, but the statement succeeded\n    {}\n{}",
                       record.directive, sql_block);
  }
  if (status.sqlstate() == kConnectionFailure) summary_.connection_lost = true;
  auto fail = [&](std::string headline) {
    return fmt::format("{}\n    {}\n{}    actual error: {}\n", headline, record.directive,
                       sql_block, DescribeStatus(status));
  };
  if (want.sqlstate.empty() && options_.require_sqlstate) {
    return fail(
        fmt::format("the error record names no SQLSTATE (every error record must; the "
                    "server said {})",
                    status.sqlstate()));
  }
  if (!want.sqlstate.empty() && want.sqlstate != status.sqlstate()) {
    return fail(fmt::format("expected SQLSTATE {}, got {}", want.sqlstate, status.sqlstate()));
  }
  if (want.position && *want.position != status.position()) {
    return fail(fmt::format("expected the error at position {}, got {}", *want.position,
                            status.position() > 0 ? std::to_string(status.position()) : "none"));
  }
  const std::string& text = status.message();
  if (!want.regex.empty()) {
    auto flags = std::regex::ECMAScript;
    if (want.icase) flags |= std::regex::icase;
    std::regex re(want.regex, flags);
    if (!std::regex_search(text, re)) {
      return fail(fmt::format("the error message does not match /{}/", want.regex));
    }
  }
  if (want.exact_message && TrimRight(*want.exact_message) != TrimRight(text)) {
    return fmt::format("the error message differs\n    {}\n{}    expected:\n{}    actual:\n{}",
                       record.directive, sql_block, Indent(*want.exact_message, "      "),
                       Indent(text, "      "));
  }
  return {};
}

std::string Executor::RunStatement(PgConnection* conn, const Record& record) {
  auto results = conn->ExecAll(record.sql);
  if (record.error) return CheckError(results.status(), record);
  const std::string sql_block = Indent(record.sql, "      ");
  if (!results.ok()) {
    if (results.status().sqlstate() == kConnectionFailure) summary_.connection_lost = true;
    return fmt::format("statement failed: {}\n    {}\n{}", DescribeStatus(results.status()),
                       record.directive, sql_block);
  }
  if (record.expected_count) {
    int64_t count = results->empty() ? -1 : results->back().affected_rows;
    const std::string tag = results->empty() ? "" : results->back().command_tag;
    if (count < 0) {
      return fmt::format(
          "expected {} rows affected, but the command tag `{}` has no count\n    "
          "{}\n{}",
          *record.expected_count, tag, record.directive, sql_block);
    }
    if (count != *record.expected_count) {
      return fmt::format("expected {} rows affected, got {} (command tag `{}`)\n    {}\n{}",
                         *record.expected_count, count, tag, record.directive, sql_block);
    }
  }
  return {};
}

std::string Executor::RunQuery(PgConnection* conn, const Record& record) {
  auto results = conn->ExecAll(record.sql);
  if (record.error) return CheckError(results.status(), record);
  const std::string sql_block = Indent(record.sql, "      ");
  if (!results.ok()) {
    if (results.status().sqlstate() == kConnectionFailure) summary_.connection_lost = true;
    return fmt::format("query failed: {}\n    {}\n{}", DescribeStatus(results.status()),
                       record.directive, sql_block);
  }
  // The rows are those of the last statement that returned a row description.
  const PgResult* result = nullptr;
  for (const PgResult& r : *results) {
    if (!r.columns.empty()) result = &r;
  }
  const size_t columns = result ? result->columns.size() : 0;
  if (columns != record.types.size()) {
    return fmt::format("the query returned {} columns, the record declares {} (`{}`)\n    {}\n{}",
                       columns, record.types.size(), record.types, record.directive, sql_block);
  }
  std::vector<std::string> actual;
  actual.reserve(result->rows.size());
  for (const PgRow& row : result->rows)
    actual.push_back(FormatRow(row));
  std::vector<std::string> expected = record.expected_rows;
  switch (record.sort) {
    case SortMode::kNoSort:
      break;
    case SortMode::kRowSort:
      std::sort(actual.begin(), actual.end());
      std::sort(expected.begin(), expected.end());
      break;
    case SortMode::kValueSort: {
      std::vector<std::string> values;
      for (const PgRow& row : result->rows) {
        for (const auto& v : row)
          values.push_back(FormatRow(PgRow{v}));
      }
      actual = std::move(values);
      expected = SplitValues(expected);
      std::sort(actual.begin(), actual.end());
      std::sort(expected.begin(), expected.end());
      break;
    }
  }
  if (actual != expected) {
    size_t diff = 0;
    while (diff < actual.size() && diff < expected.size() && actual[diff] == expected[diff]) {
      ++diff;
    }
    std::string what = record.sort == SortMode::kValueSort ? "values (sorted)" : "rows";
    return fmt::format(
        "query result differs{}\n    {}\n{}    expected ({} {}):\n{}    actual ({} "
        "{}):\n{}",
        record.sort == SortMode::kRowSort ? " (rows sorted)" : "", record.directive, sql_block,
        expected.size(), what, ShowLines(expected, diff), actual.size(), what,
        ShowLines(actual, diff));
  }
  if (!record.label.empty()) {
    auto [it, inserted] = labels_.emplace(record.label, actual);
    if (!inserted && it->second != actual) {
      return fmt::format(
          "the rows differ from those of the earlier query labelled `{}`\n    "
          "{}\n{}    earlier:\n{}    now:\n{}",
          record.label, record.directive, sql_block, ShowLines(it->second, 0),
          ShowLines(actual, 0));
    }
  }
  return {};
}

Summary Executor::Run(const std::vector<Record>& records) {
  summary_ = Summary{};
  labels_.clear();
  for (const Record& record : records) {
    if (record.kind == RecordKind::kStatement || record.kind == RecordKind::kQuery) {
      ++summary_.records;
    }
    if (!record.RunsOn(options_.engine)) {
      if (record.kind == RecordKind::kStatement || record.kind == RecordKind::kQuery) {
        ++summary_.skipped;
      }
      continue;
    }
    if (options_.verbose) {
      out_ << record.file << ":" << record.line << ": " << record.directive << "\n";
      out_.flush();
    }
    if (record.kind == RecordKind::kHalt) {
      summary_.halted = true;
      break;
    }
    if (record.kind == RecordKind::kSleep) {
      std::this_thread::sleep_for(record.sleep);
      continue;
    }
    PgConnection* conn = Connection(record.connection, record);
    if (conn == nullptr) break;
    ++summary_.ran;
    std::string failure =
        record.kind == RecordKind::kStatement ? RunStatement(conn, record) : RunQuery(conn, record);
    if (!failure.empty()) {
      ReportFailure(record, failure);
      if (options_.fail_fast) {
        summary_.aborted = true;
        break;
      }
    }
  }
  connections_.clear();
  return summary_;
}

}  // namespace dynasink::test::slt
