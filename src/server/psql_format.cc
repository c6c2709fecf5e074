#include "server/psql_format.h"

#include <algorithm>

#include "types/text_format.h"

namespace dynasink::server {

namespace {

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    size_t nl = s.find('\n', start);
    lines.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  size_t w = DisplayWidth(s);
  if (w >= width) return s;
  std::string pad(width - w, ' ');
  return right ? pad + s : s + pad;
}

// Appends "ERROR:  first line" and the DETAIL/HINT/CONTEXT lines of a message.
void AppendMessage(std::string_view severity, const std::string& message, std::string* out) {
  std::vector<std::string> lines = SplitLines(message);
  out->append(severity).append(":  ").append(lines[0]).append("\n");
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    size_t colon = l.find(": ");
    if (colon != std::string::npos &&
        (l.starts_with("DETAIL") || l.starts_with("HINT") || l.starts_with("CONTEXT"))) {
      out->append(l.substr(0, colon)).append(":  ").append(l.substr(colon + 2)).append("\n");
    } else {
      out->append(l).append("\n");
    }
  }
}

}  // namespace

std::string FormatAligned(const std::vector<sql::ResultColumn>& columns,
                          const std::vector<types::Row>& rows) {
  size_t n = columns.size();
  std::vector<size_t> width(n);
  std::vector<bool> right(n);
  for (size_t c = 0; c < n; ++c) {
    width[c] = DisplayWidth(columns[c].name);
    right[c] = columns[c].type.is_numeric();
  }
  // Cells as lines of text (NULL prints as nothing, as psql's default).
  std::vector<std::vector<std::vector<std::string>>> cells(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    cells[r].resize(n);
    for (size_t c = 0; c < n; ++c) {
      const types::Value& v = rows[r][c];
      std::string text = v.is_null() ? std::string() : types::FormatValue(v, columns[c].type);
      cells[r][c] = SplitLines(text);
      for (const std::string& l : cells[r][c]) width[c] = std::max(width[c], DisplayWidth(l));
    }
  }
  std::string out;
  // Header: names centred, with a trailing margin.
  for (size_t c = 0; c < n; ++c) {
    size_t w = DisplayWidth(columns[c].name);
    size_t left = (width[c] - w) / 2;
    out += (c == 0 ? " " : " | ");
    out += std::string(left, ' ') + columns[c].name + std::string(width[c] - w - left, ' ');
  }
  out += n == 0 ? "\n" : " \n";
  for (size_t c = 0; c < n; ++c) {
    if (c > 0) out += "+";
    out += std::string(width[c] + 2, '-');
  }
  out += "\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    size_t height = 1;
    for (size_t c = 0; c < n; ++c) height = std::max(height, cells[r][c].size());
    for (size_t k = 0; k < height; ++k) {
      std::string line;
      for (size_t c = 0; c < n; ++c) {
        const auto& lines = cells[r][c];
        std::string text = k < lines.size() ? lines[k] : std::string();
        bool continues = k + 1 < lines.size();
        bool last = c + 1 == n;
        line += (c == 0 ? " " : "");
        if (last && !continues && !right[c]) {
          line += text;  // no trailing padding after the last column
        } else {
          line += Pad(text, width[c], right[c]);
        }
        if (!last) {
          line += continues ? "+| " : " | ";
        } else if (continues) {
          line += "+";
        }
      }
      out += line + "\n";
    }
  }
  out += rows.size() == 1 ? "(1 row)\n" : "(" + std::to_string(rows.size()) + " rows)\n";
  out += "\n";
  return out;
}

std::string FormatError(const Status& status) {
  std::string out;
  AppendMessage("ERROR", status.message(), &out);
  return out;
}

std::string FormatNotice(const sql::Notice& notice) {
  std::string out;
  const char* severity = notice.severity == sql::Notice::Severity::kWarning ? "WARNING"
                         : notice.severity == sql::Notice::Severity::kInfo  ? "INFO"
                                                                            : "NOTICE";
  AppendMessage(severity, notice.message, &out);
  if (!notice.detail.empty()) out += "DETAIL:  " + notice.detail + "\n";
  if (!notice.hint.empty()) out += "HINT:  " + notice.hint + "\n";
  return out;
}

}  // namespace dynasink::server
