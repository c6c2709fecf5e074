// COPY text and CSV parsing: escapes, NULLs, quoting, headers, line endings, chunk boundaries.
#include "pgwire/copy_format.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>

namespace dynasink::pgwire {
namespace {

using Row = std::vector<std::optional<std::string>>;

std::vector<std::string> Columns(size_t n) {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i)
    names.push_back("c" + std::to_string(i + 1));
  return names;
}

std::vector<Row> ToRows(const CopyBatch& b) {
  std::vector<Row> rows;
  for (size_t r = 0; r < b.num_rows(); ++r) {
    Row row;
    for (size_t c = 0; c < b.num_columns(); ++c) {
      CopyField f = b.field(r, c);
      row.push_back(f.is_null ? std::nullopt : std::optional<std::string>(std::string(f.text)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Parses `data` in chunks of `chunk` bytes (0: one chunk).
Result<std::vector<Row>> Parse(const CopyOptions& options, size_t ncols, std::string_view data,
                               size_t chunk = 0) {
  EXPECT_TRUE(options.Validate().ok());
  CopyParser parser(options, Columns(ncols), "t");
  CopyBatch batch(ncols);
  if (chunk == 0) chunk = data.size() + 1;
  for (size_t i = 0; i < data.size(); i += chunk) {
    DS_RETURN_IF_ERROR(parser.Feed(data.substr(i, chunk), &batch));
  }
  DS_RETURN_IF_ERROR(parser.Finish(&batch));
  EXPECT_EQ(parser.rows(), batch.num_rows());
  return ToRows(batch);
}

Row R(std::initializer_list<std::optional<std::string>> fields) {
  return Row(fields);
}

TEST(CopyText, FieldsNullsAndEscapes) {
  auto rows = Parse(CopyOptions::Text(), 3,
                    "1\tabc\t\\N\n"
                    "2\ta\\tb\\nc\\\\d\t\n"
                    "3\t\\x41\\x4a\\x4\\101\\0\\7x\t\\b\\f\\r\\v\n"
                    "4\t\\N\\N\tx\\\ty\n"
                    "5\t\\q\\.\tN\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[0], R({"1", "abc", std::nullopt}));
  EXPECT_EQ((*rows)[1], R({"2", "a\tb\nc\\d", ""}));
  EXPECT_EQ((*rows)[2], R({"3",
                           std::string("AJ\x04"
                                       "A",
                                       4) +
                               std::string(1, '\0') + "\ax",
                           "\b\f\r\v"}));
  EXPECT_EQ((*rows)[3], R({"4", "NN", "x\ty"}));  // \N inside a longer field is just N
  EXPECT_EQ((*rows)[4], R({"5", "q.", "N"}));
}

TEST(CopyText, EscapedNewlineIsData) {
  auto rows = Parse(CopyOptions::Text(), 2, "1\tline\\\nnext\n2\tz\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], R({"1", "line\nnext"}));
}

TEST(CopyText, LastLineWithoutNewlineAndEndMarker) {
  auto rows = Parse(CopyOptions::Text(), 1, "a\nb");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u);
  rows = Parse(CopyOptions::Text(), 1, "a\n\\.\nignored\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, std::vector<Row>{R({"a"})});
}

TEST(CopyText, CustomDelimiterAndNull) {
  CopyOptions o = CopyOptions::Text();
  o.delimiter = '|';
  o.null_string = "NULL";
  auto rows = Parse(o, 3, "1|NULL|a\\|b\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0], R({"1", std::nullopt, "a|b"}));
}

TEST(CopyText, EmptyLineIsOneEmptyField) {
  auto rows = Parse(CopyOptions::Text(), 1, "\n\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (std::vector<Row>{R({""}), R({""})}));
}

TEST(CopyText, ColumnCountErrors) {
  auto few = Parse(CopyOptions::Text(), 3, "1\t2\t3\n1\t2\n");
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.status().sqlstate(), "22P04");
  EXPECT_NE(few.status().message().find("missing data for column \"c3\""), std::string::npos);
  EXPECT_NE(few.status().message().find("CONTEXT: COPY t, line 2"), std::string::npos);
  auto many = Parse(CopyOptions::Text(), 2, "1\t2\t3\n");
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("extra data after last expected column"),
            std::string::npos);
}

TEST(CopyText, CrLfLineEndings) {
  auto rows = Parse(CopyOptions::Text(), 2, "1\ta\r\n2\tb\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, (std::vector<Row>{R({"1", "a"}), R({"2", "b"})}));
  auto mixed = Parse(CopyOptions::Text(), 2, "1\ta\r\n2\tb\n");
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("literal newline found in data"), std::string::npos);
  auto stray = Parse(CopyOptions::Text(), 2, "1\ta\n2\tb\r\n");
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.status().message().find("literal carriage return"), std::string::npos);
}

TEST(CopyText, Header) {
  CopyOptions o = CopyOptions::Text();
  o.header = CopyHeader::kSkip;
  auto rows = Parse(o, 2, "anything\there\n1\t2\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, std::vector<Row>{R({"1", "2"})});
  o.header = CopyHeader::kMatch;
  EXPECT_TRUE(Parse(o, 2, "c1\tc2\n1\t2\n").ok());
  auto bad = Parse(o, 2, "c1\tx\n1\t2\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(
                "column name mismatch in header line field 2: got \"x\", expected \"c2\""),
            std::string::npos);
}

TEST(CopyCsv, QuotingNullsAndEmbeddedNewlines) {
  auto rows = Parse(CopyOptions::Csv(), 3,
                    "1,plain,\n"
                    "2,\"quoted, with comma\",\"\"\n"
                    "3,\"say \"\"hi\"\"\",\"multi\nline\"\n"
                    "4,a\"b,c\"d, spaced \n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0], R({"1", "plain", std::nullopt}));     // unquoted empty is NULL
  EXPECT_EQ((*rows)[1], R({"2", "quoted, with comma", ""}));  // quoted empty is not
  EXPECT_EQ((*rows)[2], R({"3", "say \"hi\"", "multi\nline"}));
  EXPECT_EQ((*rows)[3], R({"4", "ab,cd", " spaced "}));
}

TEST(CopyCsv, HeaderDelimiterNullQuoteEscape) {
  CopyOptions o = CopyOptions::Csv();
  o.header = CopyHeader::kSkip;
  o.delimiter = ';';
  o.null_string = "\\N";
  o.quote = '\'';
  o.escape = '\\';
  auto rows = Parse(o, 3, "a;b;c\n1;'it\\'s; here';\\N\n2;'back\\\\slash';'\\N'\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], R({"1", "it's; here", std::nullopt}));
  EXPECT_EQ((*rows)[1], R({"2", "back\\slash", "\\N"}));  // a quoted NULL string is a string
}

TEST(CopyCsv, Errors) {
  auto unterminated = Parse(CopyOptions::Csv(), 2, "1,\"open\n");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.status().message().find("unterminated CSV quoted field"),
            std::string::npos);
  auto cr = Parse(CopyOptions::Csv(), 2, "1,a\n2,b\rc\n");
  ASSERT_FALSE(cr.ok());
  EXPECT_NE(cr.status().message().find("unquoted carriage return"), std::string::npos);
  auto extra = Parse(CopyOptions::Csv(), 1, "1,2\n");
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.status().sqlstate(), "22P04");
}

TEST(CopyCsv, EndMarkerAndCrLf) {
  auto rows = Parse(CopyOptions::Csv(), 2, "1,\"a\r\nb\"\r\n\\.\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, std::vector<Row>{R({"1", "a\r\nb"})});
}

TEST(CopyOptions, ValidateRefusesAmbiguousCombinations) {
  CopyOptions o = CopyOptions::Csv();
  o.quote = ',';
  EXPECT_EQ(o.Validate().sqlstate(), "22023");
  o = CopyOptions::Text();
  o.delimiter = '\\';
  EXPECT_FALSE(o.Validate().ok());
  o = CopyOptions::Text();
  o.null_string = "a\tb";
  EXPECT_FALSE(o.Validate().ok());
  o = CopyOptions::Csv();
  o.delimiter = '\n';
  EXPECT_FALSE(o.Validate().ok());
  EXPECT_TRUE(CopyOptions::Csv().Validate().ok());
  EXPECT_TRUE(CopyOptions::Text().Validate().ok());
}

TEST(CopyParser, ZeroColumns) {
  auto rows = Parse(CopyOptions::Text(), 0, "\n\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u);
  EXPECT_FALSE(Parse(CopyOptions::Text(), 0, "x\n").ok());
}

// Splitting the data anywhere, even inside escapes, quotes and CRLF pairs, gives the same rows.
TEST(CopyParser, AnyChunkingGivesTheSameRows) {
  const std::string text = "1\ta\\tb\\\\\t\\N\r\n2\t\\x41\\101z\tq\\\nr\r\n3\t\t\r\n";
  CopyOptions csv = CopyOptions::Csv();
  csv.escape = '\\';
  const std::string csv_text =
      "1,\"a,\"\"b\"\"\r\nc\",\r\n2,\"x\\\"y\\\\\",\"\"\r\n3,plain,\"\r\n\"\r\n";
  for (int chunk = 1; chunk <= 9; ++chunk) {
    auto whole = Parse(CopyOptions::Text(), 3, text);
    auto split = Parse(CopyOptions::Text(), 3, text, chunk);
    ASSERT_TRUE(whole.ok()) << whole.status().ToString();
    ASSERT_TRUE(split.ok()) << "chunk " << chunk << ": " << split.status().ToString();
    EXPECT_EQ(*whole, *split) << "chunk " << chunk;
    auto cwhole = Parse(csv, 3, csv_text);
    auto csplit = Parse(csv, 3, csv_text, chunk);
    ASSERT_TRUE(cwhole.ok()) << cwhole.status().ToString();
    ASSERT_TRUE(csplit.ok()) << "chunk " << chunk << ": " << csplit.status().ToString();
    EXPECT_EQ(*cwhole, *csplit) << "chunk " << chunk;
  }
  auto rows = Parse(csv, 3, csv_text);
  ASSERT_EQ(rows->size(), 3u);
  // With an ESCAPE other than the quote, "" closes and reopens the quotes, as in PostgreSQL.
  EXPECT_EQ((*rows)[0], R({"1", "a,b\r\nc", std::nullopt}));
  EXPECT_EQ((*rows)[1], R({"2", "x\"y\\", ""}));
  EXPECT_EQ((*rows)[2], R({"3", "plain", "\r\n"}));
}

TEST(CopyParser, RandomDataNeverCrashes) {
  std::mt19937 rng(42);
  const char alphabet[] = "ab,\t\"\\\n\rN.x0";
  for (int iter = 0; iter < 2000; ++iter) {
    std::string data;
    int len = rng() % 60;
    for (int i = 0; i < len; ++i)
      data.push_back(alphabet[rng() % (sizeof alphabet - 1)]);
    CopyOptions o = iter % 2 ? CopyOptions::Csv() : CopyOptions::Text();
    o.header = iter % 3 == 0 ? CopyHeader::kMatch : CopyHeader::kNone;
    auto whole = Parse(o, 1 + iter % 3, data);
    auto split = Parse(o, 1 + iter % 3, data, 1 + rng() % 5);
    ASSERT_EQ(whole.ok(), split.ok()) << data;
    if (whole.ok()) {
      EXPECT_EQ(*whole, *split);
    } else {
      EXPECT_EQ(whole.status().sqlstate(), split.status().sqlstate());
    }
  }
}

TEST(CopyBatch, BatchesAccumulateAcrossFeedsAndClear) {
  CopyParser parser(CopyOptions::Text(), Columns(2), "t");
  CopyBatch batch(2);
  ASSERT_TRUE(parser.Feed("1\ta\n2\t", &batch).ok());
  EXPECT_EQ(batch.num_rows(), 1u);
  ASSERT_TRUE(parser.Feed("b\n", &batch).ok());
  EXPECT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.field(1, 1).text, "b");
  EXPECT_EQ(batch.line_number(1), 2u);
  batch.Clear();
  ASSERT_TRUE(parser.Feed("3\tc\n", &batch).ok());
  ASSERT_TRUE(parser.Finish(&batch).ok());
  EXPECT_EQ(batch.num_rows(), 1u);
  EXPECT_EQ(batch.line_number(0), 3u);
  EXPECT_EQ(parser.rows(), 3u);
}

}  // namespace
}  // namespace dynasink::pgwire
