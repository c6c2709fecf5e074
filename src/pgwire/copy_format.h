// Parsing of COPY FROM data in PostgreSQL's text and CSV formats, into rows of text fields.
//
// The wire protocol hands COPY data over in chunks that cut rows (and even escape sequences)
// anywhere; CopyParser takes the chunks in order and appends every complete row to a CopyBatch.
// Fields are unescaped into one arena per batch, so parsing allocates nothing per field; the
// consumer (the engine) converts each field with types::ParseValue().
//
// Text format: fields separated by the delimiter (default tab), rows by newline; `\N` (the NULL
// string, compared with the raw field) is NULL; backslash escapes \b \f \n \r \t \v, \\, \ooo
// (octal), \xHH (hex), and a backslash before any other character (the delimiter, a newline)
// stands for that character. A line `\.` ends the data.
// CSV format: delimiter ',' by default; fields may be quoted (default '"'), a quote inside quotes
// is doubled or preceded by the ESCAPE character; quoted fields may hold delimiters and newlines;
// an unquoted field equal to the NULL string (default: empty) is NULL, a quoted one never is.
// Both: lines end with "\n" or "\r\n" (decided by the first line, as PostgreSQL does), HEADER
// skips (or, with MATCH, checks) the first line.
//
// Errors carry PostgreSQL's SQLSTATE 22P04 (bad_copy_file_format) and messages, with a
// "CONTEXT: COPY <relation>, line <n>" suffix (see backend.h on how pgwire splits it).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace dynasink::pgwire {

enum class CopyFormat : uint8_t { kText, kCsv };
enum class CopyHeader : uint8_t { kNone, kSkip, kMatch };

// The options of `COPY ... FROM STDIN WITH (...)`. Start from Text() or Csv(), which hold
// PostgreSQL's defaults for that format, then override what the statement names.
struct CopyOptions {
  CopyFormat format = CopyFormat::kText;
  char delimiter = '\t';
  std::string null_string = "\\N";
  char quote = '"';   // CSV only
  char escape = '"';  // CSV only
  CopyHeader header = CopyHeader::kNone;

  static CopyOptions Text() { return CopyOptions(); }
  static CopyOptions Csv() {
    CopyOptions o;
    o.format = CopyFormat::kCsv;
    o.delimiter = ',';
    o.null_string = "";
    return o;
  }
  // PostgreSQL's checks of the combination (e.g. the delimiter and the quote must differ, the
  // NULL string must not contain the delimiter); errors are 22023 / 0A000 as PostgreSQL's.
  Status Validate() const;
};

struct CopyField {
  std::string_view text;  // unescaped; empty for NULL
  bool is_null = false;
};

// Rows parsed from COPY data, all with the same number of fields. Views returned by field()
// stay valid until the batch is cleared or more rows are added.
class CopyBatch {
 public:
  explicit CopyBatch(size_t num_columns = 0) : num_columns_(num_columns) {}

  size_t num_columns() const { return num_columns_; }
  size_t num_rows() const { return lines_.size(); }
  bool empty() const { return lines_.empty(); }
  CopyField field(size_t row, size_t column) const {
    const FieldRef& f = fields_[row * num_columns_ + column];
    if (f.length == kNull) return CopyField{std::string_view(), true};
    return CopyField{std::string_view(arena_.data() + f.offset, f.length), false};
  }
  // 1-based line number of the row in the data (the header counts; for CSV a quoted newline
  // does not start a new line, as in PostgreSQL's messages).
  uint64_t line_number(size_t row) const { return lines_[row]; }
  // Bytes of field text held, to bound a batch's memory.
  size_t arena_bytes() const { return arena_.size(); }

  void Clear() {
    arena_.clear();
    fields_.clear();
    lines_.clear();
  }

 private:
  friend class CopyParser;
  static constexpr uint32_t kNull = UINT32_MAX;
  struct FieldRef {
    uint32_t offset;
    uint32_t length;  // kNull for NULL
  };
  size_t num_columns_;
  std::string arena_;
  std::vector<FieldRef> fields_;
  std::vector<uint64_t> lines_;
};

class CopyParser {
 public:
  // Largest row accepted; a longer one fails with 54000 instead of exhausting memory.
  static constexpr size_t kMaxRowBytes = size_t{1} << 30;

  // `columns` are the target column names, in order (their count is the number of fields in a
  // row; names are used in messages and by HEADER MATCH). `relation` names the table in
  // messages. `options` must have passed Validate().
  CopyParser(CopyOptions options, std::vector<std::string> columns, std::string relation);

  // Parses the next chunk; complete rows are appended to `batch` (whose num_columns() must be
  // columns.size()). An incomplete last row is kept for the next call.
  Status Feed(std::string_view data, CopyBatch* batch);
  // The data has ended: parses a last row that has no newline. Call once.
  Status Finish(CopyBatch* batch);

  // Data rows parsed so far (the header and the end marker excluded).
  uint64_t rows() const { return rows_; }
  // True once the end marker `\.` was seen; later data is ignored.
  bool ended() const { return ended_; }

 private:
  enum class Eol : uint8_t { kUnknown, kNl, kCrNl };

  // Splits `data` into records at unquoted, unescaped newlines, scanning from `resume` on (the
  // bytes before it were scanned by an earlier call); parses each complete record. Returns how
  // many bytes of `data` were consumed.
  Result<size_t> ParseRecords(std::string_view data, size_t resume, CopyBatch* batch);
  Status ParseRecord(std::string_view record, CopyBatch* batch);
  Status ParseTextFields(std::string_view record, CopyBatch* batch);
  Status ParseCsvFields(std::string_view record, CopyBatch* batch);
  Status CheckHeader(const CopyBatch& header) const;
  Status Error(std::string message, std::string_view hint = {}) const;
  Status EndField(CopyBatch* batch, size_t arena_start, bool is_null, size_t* column) const;

  CopyOptions options_;
  std::vector<std::string> columns_;
  std::string relation_;
  std::string pending_;          // the start of a record whose end has not arrived
  size_t scan_pos_ = 0;          // how far pending_ has been scanned for a record end
  bool escape_pending_ = false;  // text: the last scanned byte was an unescaped backslash
  bool in_quote_ = false;        // CSV: the scan is inside quotes
  Eol eol_ = Eol::kUnknown;
  bool header_pending_ = false;
  bool ended_ = false;
  uint64_t line_ = 0;
  uint64_t rows_ = 0;
  // Text format: the bytes that end a run of plain field bytes (delimiter, backslash, CR).
  std::array<bool, 256> text_special_;
};

}  // namespace dynasink::pgwire
