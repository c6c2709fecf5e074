#include "support/slt_parser.h"

#include <fmt/format.h>
#include <glob.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace dynasink::test::slt {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxIncludeDepth = 16;

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  return s;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool IsSeparator(std::string_view line) {
  return TrimRight(line) == "----";
}

std::vector<std::string_view> Tokens(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    line = TrimLeft(line);
    if (line.empty()) break;
    size_t end = 0;
    while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end])))
      ++end;
    out.push_back(line.substr(0, end));
    line.remove_prefix(end);
  }
  return out;
}

// `rest` after the first token of `line` (the directive), as written.
std::string_view AfterToken(std::string_view line, std::string_view token) {
  size_t at = line.find(token);
  return line.substr(at + token.size());
}

class Parser {
 public:
  Parser(std::string_view text, std::string name, int depth)
      : name_(std::move(name)), depth_(depth) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.emplace_back(line);
      if (end == text.size()) break;
      start = end + 1;
    }
  }

  Status Parse(std::vector<Record>* out) {
    while (i_ < lines_.size()) {
      const std::string& line = lines_[i_];
      if (IsBlank(line) || line[0] == '#') {
        ++i_;
        continue;
      }
      DS_RETURN_IF_ERROR(ParseDirective(out));
    }
    if (!conditions_.empty() || !connection_.empty()) {
      return Error(static_cast<int>(lines_.size()),
                   "skipif/onlyif/connection at the end of the file, with no record after it");
    }
    return Status::OK();
  }

 private:
  Status Error(int line, std::string_view message) const {
    return Status::InvalidArgument(fmt::format("{}:{}: {}", name_, line, message));
  }

  Status ParseDirective(std::vector<Record>* out) {
    const int line_no = static_cast<int>(i_) + 1;
    const std::string line = lines_[i_];
    std::vector<std::string_view> tokens = Tokens(line);
    const std::string_view directive = tokens[0];
    ++i_;
    if (directive == "skipif" || directive == "onlyif") {
      if (tokens.size() != 2) return Error(line_no, fmt::format("usage: {} ENGINE", directive));
      conditions_.push_back(Condition{directive == "onlyif", std::string(tokens[1])});
      return Status::OK();
    }
    if (directive == "connection") {
      if (tokens.size() != 2) return Error(line_no, "usage: connection NAME");
      connection_ = std::string(tokens[1]);
      return Status::OK();
    }
    if (directive == "hash-threshold") return Status::OK();  // results are never hashed here
    if (directive == "include") {
      if (!conditions_.empty() || !connection_.empty()) {
        return Error(line_no, "include cannot have skipif/onlyif/connection");
      }
      std::string_view pattern = TrimRight(TrimLeft(AfterToken(line, directive)));
      if (pattern.empty()) return Error(line_no, "usage: include PATH");
      return Include(line_no, std::string(pattern), out);
    }

    Record record;
    record.file = name_;
    record.line = line_no;
    record.directive = std::string(TrimRight(line));
    record.conditions = std::move(conditions_);
    record.connection = std::move(connection_);
    conditions_.clear();
    connection_.clear();

    if (directive == "halt") {
      record.kind = RecordKind::kHalt;
    } else if (directive == "sleep") {
      if (tokens.size() != 2) return Error(line_no, "usage: sleep DURATION (e.g. 500ms, 2s)");
      auto d = ParseDuration(tokens[1]);
      if (!d.ok()) return Error(line_no, d.status().message());
      record.kind = RecordKind::kSleep;
      record.sleep = *d;
    } else if (directive == "statement") {
      DS_RETURN_IF_ERROR(ParseStatement(line_no, line, tokens, &record));
    } else if (directive == "query") {
      DS_RETURN_IF_ERROR(ParseQuery(line_no, line, tokens, &record));
    } else {
      return Error(line_no, fmt::format("unknown directive `{}` (expected statement, query, "
                                        "halt, sleep, include, skipif, onlyif or connection)",
                                        directive));
    }
    out->push_back(std::move(record));
    return Status::OK();
  }

  // The SQL lines after the directive, up to a blank line, `----` or the end.
  Status ReadSql(int line_no, Record* record) {
    std::string sql;
    while (i_ < lines_.size() && !IsBlank(lines_[i_]) && !IsSeparator(lines_[i_])) {
      if (!sql.empty()) sql += '\n';
      sql += lines_[i_];
      ++i_;
    }
    if (sql.empty()) return Error(line_no, "the record has no SQL");
    record->sql = std::move(sql);
    return Status::OK();
  }

  bool AtSeparator() const { return i_ < lines_.size() && IsSeparator(lines_[i_]); }

  // The lines after `----`, up to a blank line or the end.
  std::vector<std::string> ReadBlock() {
    ++i_;  // the separator
    std::vector<std::string> block;
    while (i_ < lines_.size() && !IsBlank(lines_[i_]))
      block.push_back(lines_[i_++]);
    return block;
  }

  Status ParseErrorSpec(int line_no, std::string_view spec, ExpectedError* error) {
    spec = TrimLeft(spec);
    std::vector<std::string_view> tokens = Tokens(spec);
    size_t t = 0;
    if (t < tokens.size() && LooksLikeSqlState(tokens[t])) {
      error->sqlstate = std::string(tokens[t]);
      spec = TrimLeft(AfterToken(spec, tokens[t]));
      ++t;
    }
    if (t < tokens.size() && tokens[t].size() > 1 && tokens[t][0] == '@' &&
        std::all_of(tokens[t].begin() + 1, tokens[t].end(),
                    [](unsigned char c) { return std::isdigit(c); })) {
      error->position = std::stoi(std::string(tokens[t].substr(1)));
      spec = TrimLeft(AfterToken(spec, tokens[t]));
    }
    std::string regex(TrimRight(spec));
    if (regex.rfind("(?i)", 0) == 0) {
      error->icase = true;
      regex.erase(0, 4);
    }
    if (!regex.empty()) {
      try {
        std::regex check(regex, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return Error(line_no, fmt::format("invalid regex `{}`: {}", regex, e.what()));
      }
    }
    error->regex = std::move(regex);
    return Status::OK();
  }

  // An error record's SQL, then optionally `----` and the expected message.
  Status ReadErrorRecord(int line_no, std::string_view spec, Record* record) {
    ExpectedError error;
    DS_RETURN_IF_ERROR(ParseErrorSpec(line_no, spec, &error));
    DS_RETURN_IF_ERROR(ReadSql(line_no, record));
    if (AtSeparator()) {
      if (!error.regex.empty()) {
        return Error(line_no, "an error record has either a regex or a `----` message, not both");
      }
      std::vector<std::string> block = ReadBlock();
      if (block.empty()) return Error(line_no, "`----` with no expected error message after it");
      std::string message;
      for (const std::string& l : block)
        message += (message.empty() ? "" : "\n") + l;
      error.exact_message = std::move(message);
    }
    record->error = std::move(error);
    return Status::OK();
  }

  Status ParseStatement(int line_no, const std::string& line,
                        const std::vector<std::string_view>& tokens, Record* record) {
    record->kind = RecordKind::kStatement;
    if (tokens.size() < 2) return Error(line_no, "usage: statement ok|error|count N");
    if (tokens[1] == "ok") {
      if (tokens.size() != 2) return Error(line_no, "`statement ok` takes no arguments");
    } else if (tokens[1] == "count") {
      if (tokens.size() != 3) return Error(line_no, "usage: statement count N");
      char* end = nullptr;
      std::string n(tokens[2]);
      long long v = std::strtoll(n.c_str(), &end, 10);
      if (end == n.c_str() || *end != '\0' || v < 0) {
        return Error(line_no, fmt::format("statement count needs a number, not `{}`", n));
      }
      record->expected_count = v;
    } else if (tokens[1] == "error") {
      return ReadErrorRecord(line_no, AfterToken(AfterToken(line, "statement"), "error"), record);
    } else {
      return Error(line_no,
                   fmt::format("unknown statement kind `{}` (ok, error, count)", tokens[1]));
    }
    DS_RETURN_IF_ERROR(ReadSql(line_no, record));
    if (AtSeparator()) return Error(line_no, "`----` after a statement that expects no result");
    return Status::OK();
  }

  Status ParseQuery(int line_no, const std::string& line,
                    const std::vector<std::string_view>& tokens, Record* record) {
    record->kind = RecordKind::kQuery;
    if (tokens.size() < 2) return Error(line_no, "usage: query TYPES [SORTMODE] [LABEL]");
    if (tokens[1] == "error") {
      return ReadErrorRecord(line_no, AfterToken(AfterToken(line, "query"), "error"), record);
    }
    const std::string_view types = tokens[1];
    for (unsigned char c : types) {
      if (!std::isupper(c) && c != '?') {
        return Error(line_no, fmt::format("query types `{}`: one upper-case letter per column "
                                          "(I integer, T text, R float, ...)",
                                          types));
      }
    }
    record->types = std::string(types);
    size_t t = 2;
    if (t < tokens.size()) {
      if (tokens[t] == "nosort") {
        record->sort = SortMode::kNoSort;
        ++t;
      } else if (tokens[t] == "rowsort") {
        record->sort = SortMode::kRowSort;
        ++t;
      } else if (tokens[t] == "valuesort") {
        record->sort = SortMode::kValueSort;
        ++t;
      }
    }
    if (t < tokens.size()) record->label = std::string(tokens[t++]);
    if (t < tokens.size()) {
      return Error(line_no, "usage: query TYPES [nosort|rowsort|valuesort] [LABEL]");
    }
    DS_RETURN_IF_ERROR(ReadSql(line_no, record));
    if (AtSeparator()) record->expected_rows = ReadBlock();
    return Status::OK();
  }

  Status Include(int line_no, const std::string& pattern, std::vector<Record>* out) {
    if (depth_ >= kMaxIncludeDepth) {
      return Error(line_no, fmt::format("includes nested deeper than {}", kMaxIncludeDepth));
    }
    fs::path base = fs::path(name_).parent_path();
    std::string full = fs::path(pattern).is_absolute() ? pattern : (base / pattern).string();
    glob_t g{};
    int rc = glob(full.c_str(), 0, nullptr, &g);
    std::vector<std::string> matches;
    if (rc == 0) {
      for (size_t k = 0; k < g.gl_pathc; ++k)
        matches.emplace_back(g.gl_pathv[k]);
    }
    globfree(&g);
    if (matches.empty()) return Error(line_no, fmt::format("include: nothing matches {}", full));
    std::sort(matches.begin(), matches.end());
    for (const std::string& path : matches) {
      std::ifstream in(path, std::ios::binary);
      if (!in) return Error(line_no, fmt::format("include: cannot read {}", path));
      std::stringstream ss;
      ss << in.rdbuf();
      Parser nested(ss.str(), path, depth_ + 1);
      DS_RETURN_IF_ERROR(nested.Parse(out));
    }
    return Status::OK();
  }

  std::vector<std::string> lines_;
  std::string name_;
  int depth_;
  size_t i_ = 0;
  std::vector<Condition> conditions_;
  std::string connection_;
};

}  // namespace

bool Record::RunsOn(std::string_view engine) const {
  for (const Condition& c : conditions) {
    if (c.only_if != (c.engine == engine)) return false;
  }
  return true;
}

bool LooksLikeSqlState(std::string_view token) {
  if (token.size() != 5) return false;
  bool digit = false;
  for (unsigned char c : token) {
    if (std::isdigit(c)) {
      digit = true;
    } else if (!std::isupper(c)) {
      return false;
    }
  }
  return digit;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string unit(end);
  if (end == s.c_str() || v < 0 || !std::isfinite(v)) {
    return Status::InvalidArgument(fmt::format("bad duration `{}`", text));
  }
  double ms;
  if (unit == "ms") {
    ms = v;
  } else if (unit == "s" || unit == "sec") {
    ms = v * 1000;
  } else if (unit == "m" || unit == "min") {
    ms = v * 60000;
  } else {
    return Status::InvalidArgument(
        fmt::format("bad duration `{}`: give a unit (ms, s or m), e.g. 500ms", text));
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(ms)));
}

Result<std::vector<Record>> ParseText(std::string_view text, const std::string& name) {
  std::vector<Record> records;
  Parser parser(text, name, 0);
  DS_RETURN_IF_ERROR(parser.Parse(&records));
  return records;
}

Result<std::vector<Record>> ParseFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseText(ss.str(), path);
}

}  // namespace dynasink::test::slt
