#include "pgwire/copy_format.h"

#include <cstring>

namespace dynasink::pgwire {
namespace {

constexpr char kBadFormat[] = "22P04";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Printable(char c) {
  if (c == '\n') return "newline";
  if (c == '\r') return "carriage return";
  return std::string("\"") + c + "\"";
}

}  // namespace

Status CopyOptions::Validate() const {
  auto invalid = [](std::string msg) { return Status::Sql("22023", std::move(msg)); };
  if (delimiter == '\n' || delimiter == '\r')
    return invalid("COPY delimiter cannot be newline or carriage return");
  if (null_string.find_first_of("\r\n") != std::string::npos)
    return invalid("COPY null representation cannot use newline or carriage return");
  if (format == CopyFormat::kText) {
    // Characters that the text format's escapes or data would make ambiguous.
    if (delimiter == '\\' || (delimiter >= 'a' && delimiter <= 'z') ||
        (delimiter >= '0' && delimiter <= '9') || delimiter == '.') {
      return invalid(std::string("COPY delimiter cannot be ") + Printable(delimiter));
    }
  } else {
    if (delimiter == quote) return invalid("COPY delimiter and quote must be different");
    if (null_string.find(quote) != std::string::npos)
      return invalid("CSV quote character must not appear in the NULL specification");
  }
  if (null_string.find(delimiter) != std::string::npos)
    return invalid("COPY delimiter must not appear in the NULL specification");
  return Status::OK();
}

CopyParser::CopyParser(CopyOptions options, std::vector<std::string> columns, std::string relation)
    : options_(std::move(options)), columns_(std::move(columns)), relation_(std::move(relation)) {
  header_pending_ = options_.header != CopyHeader::kNone;
  text_special_.fill(false);
  text_special_[static_cast<unsigned char>(options_.delimiter)] = true;
  text_special_[static_cast<unsigned char>('\\')] = true;
  text_special_[static_cast<unsigned char>('\r')] = true;
}

Status CopyParser::Error(std::string message, std::string_view hint) const {
  if (!hint.empty()) {
    message += "\nHINT: ";
    message.append(hint);
  }
  message += "\nCONTEXT: COPY " + relation_ + ", line " + std::to_string(line_);
  return Status::Sql(kBadFormat, std::move(message));
}

Status CopyParser::Feed(std::string_view data, CopyBatch* batch) {
  if (ended_ || data.empty()) return Status::OK();
  if (pending_.empty()) {
    // Common case: parse straight from the caller's chunk and keep only its incomplete tail.
    DS_ASSIGN_OR_RETURN(size_t consumed, ParseRecords(data, 0, batch));
    if (!ended_) pending_.assign(data.substr(consumed));
  } else {
    size_t resume = scan_pos_;
    pending_.append(data);
    DS_ASSIGN_OR_RETURN(size_t consumed, ParseRecords(pending_, resume, batch));
    if (ended_) {
      pending_.clear();
    } else {
      pending_.erase(0, consumed);
    }
  }
  if (pending_.size() > kMaxRowBytes) {
    return Status::Sql("54000", "COPY row is longer than " + std::to_string(kMaxRowBytes) +
                                    " bytes\nCONTEXT: COPY " + relation_ + ", line " +
                                    std::to_string(line_ + 1));
  }
  return Status::OK();
}

Status CopyParser::Finish(CopyBatch* batch) {
  if (ended_) return Status::OK();
  if (!pending_.empty()) {
    ++line_;
    if (in_quote_) return Error("unterminated CSV quoted field");
    if (escape_pending_) return Error("unterminated backslash escape at the end of the data");
    std::string record = std::move(pending_);
    pending_.clear();
    DS_RETURN_IF_ERROR(ParseRecord(record, batch));
  }
  ended_ = true;
  return Status::OK();
}

Result<size_t> CopyParser::ParseRecords(std::string_view data, size_t resume, CopyBatch* batch) {
  size_t i = resume;
  size_t record_start = 0;
  const size_t n = data.size();
  const char* p = data.data();
  if (options_.format == CopyFormat::kText) {
    bool esc = escape_pending_;
    while (i < n) {
      if (esc) {
        esc = false;
        ++i;
        continue;
      }
      // Skip plain bytes quickly: only a backslash or a newline matters here.
      const void* nl = std::memchr(p + i, '\n', n - i);
      size_t stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - p) : n;
      const void* bs = std::memchr(p + i, '\\', stop - i);
      if (bs) {
        i = static_cast<size_t>(static_cast<const char*>(bs) - p) + 1;
        esc = true;
        continue;
      }
      if (!nl) {
        i = n;
        break;
      }
      ++line_;
      DS_RETURN_IF_ERROR(ParseRecord(data.substr(record_start, stop - record_start), batch));
      i = stop + 1;
      record_start = i;
      if (ended_) break;
    }
    escape_pending_ = esc;
  } else {
    const char quote = options_.quote, escape = options_.escape;
    bool in_quote = in_quote_;
    while (i < n) {
      char c = p[i];
      if (in_quote) {
        if (c == escape && escape != quote) {
          if (i + 1 >= n) break;  // need the next byte to know what the escape does
          if (p[i + 1] == quote || p[i + 1] == escape) {
            i += 2;
            continue;
          }
        } else if (c == quote) {
          in_quote = false;
        }
        ++i;
        continue;
      }
      if (c == quote) {
        in_quote = true;
      } else if (c == '\n') {
        ++line_;
        DS_RETURN_IF_ERROR(ParseRecord(data.substr(record_start, i - record_start), batch));
        record_start = i + 1;
        if (ended_) break;
      }
      ++i;
    }
    in_quote_ = in_quote;
  }
  // Bytes scanned past the last record are remembered so they are not scanned again; the
  // unconsumed data (which starts at record_start) becomes pending_.
  scan_pos_ = i - record_start;
  return record_start;
}

Status CopyParser::ParseRecord(std::string_view record, CopyBatch* batch) {
  bool has_cr = !record.empty() && record.back() == '\r';
  if (eol_ == Eol::kUnknown) eol_ = has_cr ? Eol::kCrNl : Eol::kNl;
  if (eol_ == Eol::kCrNl) {
    if (!has_cr) {
      return options_.format == CopyFormat::kText
                 ? Error("literal newline found in data", "Use \"\\n\" to represent newline.")
                 : Error("unquoted newline found in data",
                         "Use quoted CSV field to represent newline.");
    }
    record.remove_suffix(1);
  }
  if (record == "\\.") {
    ended_ = true;
    return Status::OK();
  }
  if (header_pending_) {
    header_pending_ = false;
    if (options_.header == CopyHeader::kSkip) return Status::OK();
    CopyBatch header(columns_.size());
    DS_RETURN_IF_ERROR(options_.format == CopyFormat::kText ? ParseTextFields(record, &header)
                                                            : ParseCsvFields(record, &header));
    return CheckHeader(header);
  }
  DS_RETURN_IF_ERROR(options_.format == CopyFormat::kText ? ParseTextFields(record, batch)
                                                          : ParseCsvFields(record, batch));
  ++rows_;
  return Status::OK();
}

Status CopyParser::CheckHeader(const CopyBatch& header) const {
  for (size_t c = 0; c < columns_.size(); ++c) {
    CopyField f = header.field(0, c);
    if (f.is_null || f.text != columns_[c]) {
      std::string got = f.is_null ? "null value (\"" + options_.null_string + "\")"
                                  : "\"" + std::string(f.text) + "\"";
      return Error("column name mismatch in header line field " + std::to_string(c + 1) + ": got " +
                   got + ", expected \"" + columns_[c] + "\"");
    }
  }
  return Status::OK();
}

// Records the field that was unescaped into the arena from arena_start on.
Status CopyParser::EndField(CopyBatch* batch, size_t arena_start, bool is_null,
                            size_t* column) const {
  if (*column >= columns_.size()) return Error("extra data after last expected column");
  if (is_null) {
    batch->arena_.resize(arena_start);
    batch->fields_.push_back({0, CopyBatch::kNull});
  } else {
    batch->fields_.push_back({static_cast<uint32_t>(arena_start),
                              static_cast<uint32_t>(batch->arena_.size() - arena_start)});
  }
  ++*column;
  return Status::OK();
}

Status CopyParser::ParseTextFields(std::string_view rec, CopyBatch* batch) {
  const size_t fields_before = batch->fields_.size();
  const size_t arena_before = batch->arena_.size();
  auto fail = [&](Status s) {
    batch->fields_.resize(fields_before);
    batch->arena_.resize(arena_before);
    return s;
  };
  const char delim = options_.delimiter;
  const std::string_view null_string = options_.null_string;
  std::string& arena = batch->arena_;
  const size_t n = rec.size();
  size_t column = 0;
  size_t pos = 0;
  if (columns_.empty()) {
    if (!rec.empty()) return fail(Error("extra data after last expected column"));
    batch->lines_.push_back(line_);
    return Status::OK();
  }
  while (true) {
    const size_t raw_start = pos;
    const size_t arena_start = arena.size();
    size_t run = pos;
    while (pos < n) {
      // Skip plain bytes with one table lookup each: only the delimiter, a backslash and a
      // carriage return stop the scan.
      while (pos < n && !text_special_[static_cast<unsigned char>(rec[pos])])
        ++pos;
      if (pos >= n) break;
      char c = rec[pos];
      if (c == delim) break;
      if (c == '\r') {
        return fail(Error("literal carriage return found in data",
                          "Use \"\\r\" to represent carriage return."));
      }
      arena.append(rec.data() + run, pos - run);
      ++pos;
      if (pos >= n) {
        arena.push_back('\\');  // a lone backslash at the very end of the data
        run = pos;
        break;
      }
      c = rec[pos++];
      switch (c) {
        case 'b':
          arena.push_back('\b');
          break;
        case 'f':
          arena.push_back('\f');
          break;
        case 'n':
          arena.push_back('\n');
          break;
        case 'r':
          arena.push_back('\r');
          break;
        case 't':
          arena.push_back('\t');
          break;
        case 'v':
          arena.push_back('\v');
          break;
        case 'x': {
          int v = pos < n ? HexValue(rec[pos]) : -1;
          if (v < 0) {
            arena.push_back('x');
            break;
          }
          ++pos;
          int v2 = pos < n ? HexValue(rec[pos]) : -1;
          if (v2 >= 0) {
            v = v * 16 + v2;
            ++pos;
          }
          arena.push_back(static_cast<char>(v));
          break;
        }
        default:
          if (c >= '0' && c <= '7') {
            int v = c - '0';
            for (int k = 0; k < 2 && pos < n && rec[pos] >= '0' && rec[pos] <= '7'; ++k)
              v = v * 8 + (rec[pos++] - '0');
            arena.push_back(static_cast<char>(v & 0xff));
          } else {
            arena.push_back(c);  // \\, \<delimiter>, \<newline>, and any other character
          }
      }
      run = pos;
    }
    arena.append(rec.data() + run, pos - run);
    std::string_view raw = rec.substr(raw_start, pos - raw_start);
    bool is_null = raw.size() == null_string.size() && raw == null_string;
    Status s = EndField(batch, arena_start, is_null, &column);
    if (!s.ok()) return fail(std::move(s));
    if (pos >= n) break;
    ++pos;  // the delimiter
  }
  if (column < columns_.size())
    return fail(Error("missing data for column \"" + columns_[column] + "\""));
  batch->lines_.push_back(line_);
  return Status::OK();
}

Status CopyParser::ParseCsvFields(std::string_view rec, CopyBatch* batch) {
  const size_t fields_before = batch->fields_.size();
  const size_t arena_before = batch->arena_.size();
  auto fail = [&](Status s) {
    batch->fields_.resize(fields_before);
    batch->arena_.resize(arena_before);
    return s;
  };
  const char delim = options_.delimiter, quote = options_.quote, escape = options_.escape;
  const std::string_view null_string = options_.null_string;
  std::string& arena = batch->arena_;
  const size_t n = rec.size();
  size_t column = 0;
  size_t pos = 0;
  if (columns_.empty()) {
    if (!rec.empty()) return fail(Error("extra data after last expected column"));
    batch->lines_.push_back(line_);
    return Status::OK();
  }
  while (true) {
    const size_t raw_start = pos;
    const size_t arena_start = arena.size();
    bool saw_quote = false;
    while (true) {
      size_t run = pos;
      while (pos < n && rec[pos] != delim && rec[pos] != quote) {
        if (rec[pos] == '\r' || rec[pos] == '\n') {
          return fail(rec[pos] == '\r' ? Error("unquoted carriage return found in data",
                                               "Use quoted CSV field to represent carriage return.")
                                       : Error("unquoted newline found in data",
                                               "Use quoted CSV field to represent newline."));
        }
        ++pos;
      }
      arena.append(rec.data() + run, pos - run);
      if (pos >= n || rec[pos] == delim) break;
      // A quoted section, which may start anywhere in the field.
      saw_quote = true;
      ++pos;
      while (true) {
        run = pos;
        while (pos < n && rec[pos] != quote && rec[pos] != escape)
          ++pos;
        arena.append(rec.data() + run, pos - run);
        if (pos >= n) return fail(Error("unterminated CSV quoted field"));
        char c = rec[pos];
        if (c == escape && pos + 1 < n && (rec[pos + 1] == quote || rec[pos + 1] == escape) &&
            (escape != quote || rec[pos + 1] == quote)) {
          arena.push_back(rec[pos + 1]);
          pos += 2;
          continue;
        }
        if (c == quote) {
          ++pos;
          break;  // end of the quoted section
        }
        arena.push_back(c);  // an escape character that escapes nothing is itself
        ++pos;
      }
    }
    std::string_view raw = rec.substr(raw_start, pos - raw_start);
    bool is_null = !saw_quote && raw.size() == null_string.size() && raw == null_string;
    Status s = EndField(batch, arena_start, is_null, &column);
    if (!s.ok()) return fail(std::move(s));
    if (pos >= n) break;
    ++pos;  // the delimiter
  }
  if (column < columns_.size())
    return fail(Error("missing data for column \"" + columns_[column] + "\""));
  batch->lines_.push_back(line_);
  return Status::OK();
}

}  // namespace dynasink::pgwire
