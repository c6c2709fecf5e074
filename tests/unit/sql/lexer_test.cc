#include "sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dynasink::sql {
namespace {

struct Lexed {
  TokenKind kind;
  std::string text;
};

std::vector<Lexed> Lex(std::string_view sql) {
  auto stream = Tokenize(sql);
  EXPECT_TRUE(stream.ok()) << sql << " -> " << stream.status().ToString();
  std::vector<Lexed> out;
  if (!stream.ok()) return out;
  for (const Token& t : stream->tokens()) {
    if (t.kind == TokenKind::kEof) break;
    out.push_back({t.kind, std::string(t.text)});
  }
  return out;
}

// The single token of `sql`.
Lexed One(std::string_view sql) {
  auto tokens = Lex(sql);
  EXPECT_EQ(tokens.size(), 1u) << sql;
  return tokens.empty() ? Lexed{TokenKind::kEof, ""} : tokens.front();
}

Status LexError(std::string_view sql) {
  auto stream = Tokenize(sql);
  EXPECT_FALSE(stream.ok()) << sql;
  return stream.ok() ? Status::OK() : stream.status();
}

TEST(LexerTest, WordsFoldToLowerCaseAndKnowTheirKeyword) {
  auto stream = Tokenize("SELECT Foo FROM \"Bar\" sElEcT");
  ASSERT_TRUE(stream.ok());
  const auto& t = stream->tokens();
  ASSERT_EQ(t.size(), 6u);
  EXPECT_TRUE(t[0].IsKeyword(Keyword::kSelect));
  EXPECT_EQ(t[1].kind, TokenKind::kWord);
  EXPECT_EQ(t[1].text, "foo");
  EXPECT_EQ(t[1].keyword, Keyword::kNone);
  EXPECT_TRUE(t[2].IsKeyword(Keyword::kFrom));
  EXPECT_EQ(t[3].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(t[3].text, "Bar");
  EXPECT_EQ(t[3].keyword, Keyword::kNone);
  EXPECT_TRUE(t[4].IsKeyword(Keyword::kSelect));
  EXPECT_EQ(t[5].kind, TokenKind::kEof);
  EXPECT_EQ(t[5].offset, 28u);
}

TEST(LexerTest, QuotedIdentifiersKeepCaseAndUndoubleQuotes) {
  EXPECT_EQ(One("\"My \"\"Table\"\"\"").text, "My \"Table\"");
  EXPECT_EQ(One("\"select\"").kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(One("\"ünï\"").text, "ünï");
}

TEST(LexerTest, IdentifiersAllowDollarsDigitsAndNonAscii) {
  EXPECT_EQ(One("a$b_1").text, "a$b_1");
  EXPECT_EQ(One("_x").text, "_x");
  EXPECT_EQ(One("Größe").text, "größe");  // only ASCII letters fold
}

TEST(LexerTest, KeywordCategories) {
  EXPECT_EQ(KeywordCategoryOf(LookupKeyword("select")), KeywordCategory::kReserved);
  EXPECT_EQ(KeywordCategoryOf(LookupKeyword("left")), KeywordCategory::kTypeFunc);
  EXPECT_EQ(KeywordCategoryOf(LookupKeyword("extract")), KeywordCategory::kColName);
  EXPECT_EQ(KeywordCategoryOf(LookupKeyword("sink")), KeywordCategory::kUnreserved);
  EXPECT_EQ(LookupKeyword("year"), Keyword::kNone);
  EXPECT_EQ(LookupKeyword("int"), Keyword::kNone);
  EXPECT_EQ(KeywordText(Keyword::kCurrentTimestamp), "current_timestamp");
  EXPECT_EQ(LookupKeyword("current_timestamp"), Keyword::kCurrentTimestamp);
  EXPECT_EQ(LookupKeyword("zzz"), Keyword::kNone);
  EXPECT_EQ(LookupKeyword(""), Keyword::kNone);
}

TEST(LexerTest, TokenKindNamesForMessages) {
  EXPECT_EQ(TokenKindName(TokenKind::kEof), "end of input");
  EXPECT_EQ(TokenKindName(TokenKind::kWord), "identifier");
  EXPECT_EQ(TokenKindName(TokenKind::kLongArrow), "\"->>\"");
  EXPECT_EQ(TokenKindName(TokenKind::kNotEq), "\"<>\"");
}

TEST(LexerTest, StandardStrings) {
  struct Case {
    const char* sql;
    const char* value;
  } cases[] = {
      {"'abc'", "abc"},
      {"''", ""},
      {"'it''s'", "it's"},
      {"''''", "'"},
      {"'\\x0102'", "\\x0102"},  // backslashes are plain characters
      {"'a\\nb'", "a\\nb"},
      {"'line\nbreak'", "line\nbreak"},
      {"'a'\n'b'", "ab"},  // continuation across a newline
      {"'a'  \n  'b'\n'c'", "abc"},
      {"'ü€😀'", "ü€😀"},
  };
  for (const auto& c : cases) {
    Lexed t = One(c.sql);
    EXPECT_EQ(t.kind, TokenKind::kString) << c.sql;
    EXPECT_EQ(t.text, c.value) << c.sql;
  }
  // Without a newline, two strings are two tokens (and a syntax error for the parser).
  auto two = Lex("'a' 'b'");
  ASSERT_EQ(two.size(), 2u);
}

TEST(LexerTest, EscapeStrings) {
  struct Case {
    const char* sql;
    std::string value;
  } cases[] = {
      {"E'a\\nb'", "a\nb"},
      {"e'\\t\\r\\b\\f'", "\t\r\b\f"},
      {"E'\\\\'", "\\"},
      {"E'\\''", "'"},
      {"E'it''s'", "it's"},
      {"E'\\x41\\x4a'", "AJ"},
      {"E'\\x4'", "\x04"},
      {"E'\\101\\60'", "A0"},
      {"E'\\u00e9'", "é"},
      {"E'\\U0001F600'", "😀"},
      {"E'\\uD83D\\uDE00'", "😀"},  // a surrogate pair
      {"E'\\q'", "q"},             // any other character stands for itself
      {"E'a'\n'\\n'", "a\n"},      // a continuation keeps escape processing
  };
  for (const auto& c : cases) {
    Lexed t = One(c.sql);
    EXPECT_EQ(t.kind, TokenKind::kString) << c.sql;
    EXPECT_EQ(t.text, c.value) << c.sql;
  }
}

TEST(LexerTest, EscapeStringErrors) {
  EXPECT_EQ(LexError("E'\\x00'").sqlstate(), "22021");
  EXPECT_EQ(LexError("E'\\000'").sqlstate(), "22021");
  EXPECT_EQ(LexError("E'\\u0000'").sqlstate(), "22025");
  EXPECT_EQ(LexError("E'\\u12'").sqlstate(), "22025");
  EXPECT_EQ(LexError("E'\\U00110000'").sqlstate(), "22025");
  EXPECT_EQ(LexError("E'\\uDE00'").sqlstate(), "22P06");
  EXPECT_EQ(LexError("E'\\uD83Dx'").sqlstate(), "22P06");
  Status s = LexError("select E'abc");
  EXPECT_EQ(s.sqlstate(), "42601");
  EXPECT_EQ(s.message(), "unterminated quoted string at or near \"E'abc\"");
  EXPECT_EQ(s.position(), 8);
}

TEST(LexerTest, DollarQuotedStrings) {
  EXPECT_EQ(One("$$it's $1 \\n$$").text, "it's $1 \\n");
  EXPECT_EQ(One("$$$$").text, "");
  EXPECT_EQ(One("$fn$ a $$ b $fn$").text, " a $$ b ");
  EXPECT_EQ(One("$fn$ a $$ b $fn$").kind, TokenKind::kString);
  Status s = LexError("select $tag$ abc $ta$");
  EXPECT_EQ(s.message(), "unterminated dollar-quoted string at or near \"$tag$ abc $ta$\"");
  EXPECT_EQ(s.position(), 8);
}

TEST(LexerTest, Parameters) {
  auto tokens = Lex("$1 + $23");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kParam);
  EXPECT_EQ(tokens[0].text, "1");
  EXPECT_EQ(tokens[2].text, "23");
  EXPECT_EQ(LexError("$1abc").message(), "trailing junk after parameter at or near \"$1abc\"");
}

TEST(LexerTest, Numbers) {
  struct Case {
    const char* sql;
    TokenKind kind;
  } cases[] = {
      {"0", TokenKind::kInteger},
      {"42", TokenKind::kInteger},
      {"9223372036854775808", TokenKind::kInteger},
      {"4.2", TokenKind::kDecimal},
      {".5", TokenKind::kDecimal},
      {"5.", TokenKind::kDecimal},
      {"1e10", TokenKind::kDecimal},
      {"1.5E-3", TokenKind::kDecimal},
      {"2e+7", TokenKind::kDecimal},
      {"1.e5", TokenKind::kDecimal},
  };
  for (const auto& c : cases) {
    Lexed t = One(c.sql);
    EXPECT_EQ(t.kind, c.kind) << c.sql;
    EXPECT_EQ(t.text, c.sql);
  }
  Status s = LexError("select 123abc");
  EXPECT_EQ(s.message(), "trailing junk after numeric literal at or near \"123abc\"");
  EXPECT_EQ(s.position(), 8);
  EXPECT_FALSE(Tokenize("1e").ok());  // "1" then the letter e
  // a[1:2] keeps its colon; 1..2 is not one number.
  auto slice = Lex("a[1:2]");
  ASSERT_EQ(slice.size(), 6u);
  EXPECT_EQ(slice[3].kind, TokenKind::kColon);
}

TEST(LexerTest, OperatorsAndPunctuation) {
  auto tokens = Lex(":: -> ->> || <> != <= >= @> <@ < > = + - * / % ^ ( ) [ ] , ; . :");
  std::vector<TokenKind> kinds;
  for (const auto& t : tokens)
    kinds.push_back(t.kind);
  std::vector<TokenKind> expected = {
      TokenKind::kDoubleColon, TokenKind::kArrow,    TokenKind::kLongArrow, TokenKind::kConcat,
      TokenKind::kNotEq,       TokenKind::kNotEq,    TokenKind::kLtEq,      TokenKind::kGtEq,
      TokenKind::kAtGt,        TokenKind::kLtAt,     TokenKind::kLt,        TokenKind::kGt,
      TokenKind::kEq,          TokenKind::kPlus,     TokenKind::kMinus,     TokenKind::kStar,
      TokenKind::kSlash,       TokenKind::kPercent,  TokenKind::kCaret,     TokenKind::kLParen,
      TokenKind::kRParen,      TokenKind::kLBracket, TokenKind::kRBracket,  TokenKind::kComma,
      TokenKind::kSemicolon,   TokenKind::kDot,      TokenKind::kColon};
  EXPECT_EQ(kinds, expected);
  // ">>" is two tokens, so STRUCT<a STRUCT<b INT>> closes cleanly.
  auto close = Lex(">>");
  ASSERT_EQ(close.size(), 2u);
  EXPECT_EQ(close[0].kind, TokenKind::kGt);
  // a-1 and a->1 differ; x=-1 has three tokens.
  EXPECT_EQ(Lex("a-1").size(), 3u);
  EXPECT_EQ(Lex("a->1")[1].kind, TokenKind::kArrow);
  EXPECT_EQ(Lex("x=-1").size(), 4u);
}

TEST(LexerTest, UnsupportedOperatorCharacters) {
  Status s = LexError("select a ~ b");
  EXPECT_EQ(s.sqlstate(), "42601");
  EXPECT_EQ(s.message(), "syntax error at or near \"~\"");
  EXPECT_EQ(s.position(), 10);
  EXPECT_EQ(LexError("select a &&& b").message(), "syntax error at or near \"&&&\"");
  EXPECT_EQ(LexError("select `a`").message(), "syntax error at or near \"`\"");
  EXPECT_EQ(LexError("select $").message(), "syntax error at or near \"$\"");
}

TEST(LexerTest, LongErrorTextsAreCut) {
  std::string sql = "SELECT '" + std::string(300, 'x');
  Status s = LexError(sql);
  EXPECT_EQ(s.message(),
            "unterminated quoted string at or near \"'" + std::string(119, 'x') + "...\"");
  // The cut never splits a character.
  std::string wide(200, 'x');
  wide.replace(119, 1, "\xC3\xA9");  // é straddles byte 120
  EXPECT_EQ(ErrorExcerpt(wide), wide.substr(0, 119) + "...");
  EXPECT_EQ(ErrorExcerpt("short"), "short");
}

TEST(LexerTest, Comments) {
  auto tokens = Lex("a -- comment ' \" /*\n b /* block /* nested */ still */ c /**/d--end");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].text, "a");
  EXPECT_EQ(tokens[1].text, "b");
  EXPECT_EQ(tokens[2].text, "c");
  EXPECT_EQ(tokens[3].text, "d");
  Status s = LexError("select 1 /* open /* nested */");
  EXPECT_EQ(s.message(), "unterminated /* comment at or near \"/* open /* nested */\"");
  EXPECT_EQ(s.position(), 10);
  EXPECT_TRUE(Lex("  -- only a comment").empty());
  EXPECT_TRUE(Lex("").empty());
}

TEST(LexerTest, UnterminatedQuotes) {
  Status s = LexError("select 'abc");
  EXPECT_EQ(s.message(), "unterminated quoted string at or near \"'abc\"");
  EXPECT_EQ(s.position(), 8);
  s = LexError("select \"abc");
  EXPECT_EQ(s.message(), "unterminated quoted identifier at or near \"\"abc\"");
  s = LexError("select \"\"");
  EXPECT_EQ(s.message(), "zero-length delimited identifier at or near \"\"\"\"");
  EXPECT_EQ(s.position(), 8);
}

TEST(LexerTest, OffsetsAndCharacterPositions) {
  std::string sql = "SELECT 'é€' , x";
  auto stream = Tokenize(sql);
  ASSERT_TRUE(stream.ok());
  const auto& t = stream->tokens();
  EXPECT_EQ(t[1].offset, 7u);
  EXPECT_EQ(t[1].length, 7u);  // 'é€' is 2 + 3 bytes plus two quotes
  EXPECT_EQ(t[2].offset, 15u);
  EXPECT_EQ(CharPosition(sql, t[2].offset), 13);  // the comma is the 13th character
  EXPECT_EQ(CharPosition(sql, 0), 1);
  EXPECT_EQ(CharPosition(sql, sql.size()), 16);  // end of input: length + 1
  EXPECT_EQ(CharPosition(sql, sql.size() + 10), 16);
  Status s = SqlErrorAt(sql, t[2].offset, "42601", "boom");
  EXPECT_EQ(s.position(), 13);
  EXPECT_EQ(s.sqlstate(), "42601");
}

TEST(LexerTest, ZeroCopyForPlainTokens) {
  std::string sql = "insert into t values (1, 'abc', 2.5)";
  auto stream = Tokenize(sql);
  ASSERT_TRUE(stream.ok());
  for (const Token& t : stream->tokens()) {
    if (t.kind == TokenKind::kEof) continue;
    // Every token's text views the query text itself: no copies for lower-case words, numbers
    // and strings without escapes.
    EXPECT_GE(t.text.data(), sql.data());
    EXPECT_LE(t.text.data() + t.text.size(), sql.data() + sql.size());
  }
}

TEST(LexerTest, DecodedTextSurvivesMovingTheStream) {
  std::string sql = "SELECT 'it''s', E'\\n', \"Q\"\"x\"";
  auto stream = Tokenize(sql);
  ASSERT_TRUE(stream.ok());
  TokenStream moved = std::move(stream).value();
  TokenStream again = std::move(moved);
  EXPECT_EQ(again.tokens()[0].text, "select");
  EXPECT_EQ(again.tokens()[1].text, "it's");
  EXPECT_EQ(again.tokens()[3].text, "\n");
  EXPECT_EQ(again.tokens()[5].text, "Q\"x");
}

}  // namespace
}  // namespace dynasink::sql
