// The SQL lexer: query text to tokens, in one linear pass.
//
// Follows PostgreSQL's lexical rules where dynasink's users can see them:
//  - unquoted identifiers and keywords fold ASCII letters to lower case; "quoted" ones keep case;
//  - strings: 'it''s' (backslashes are ordinary characters, as with standard_conforming_strings),
//    E'\n\t\\\x41\101\u00e9' escape strings, $$dollar$$ and $tag$dollar$tag$ quoting, and
//    'a' <newline> 'b' continuation;
//  - numbers: 42, 4.2, .5, 5., 1e10, 1.5E-3 (a number directly followed by a letter is an error);
//  - parameters $1, $2, ...; comments -- to end of line and nested /* */;
//  - operators :: -> ->> || <> != <= >= @> <@ and single-character punctuation.
//
// Token offsets are byte offsets into the text; errors report PostgreSQL's 1-based character
// position (CharPosition). The lexer allocates only for identifiers that need folding and for
// strings that need unescaping; everything else is a view into the text.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sql/token.h"

namespace dynasink::sql {

// The tokens of one query text. Token::text views point into the text passed to Tokenize (which
// must outlive the stream) or into storage owned by the stream, which stays put when the stream
// is moved.
class TokenStream {
 public:
  TokenStream() = default;
  TokenStream(TokenStream&&) noexcept = default;
  TokenStream& operator=(TokenStream&&) noexcept = default;
  TokenStream(const TokenStream&) = delete;
  TokenStream& operator=(const TokenStream&) = delete;

  std::string_view sql() const { return sql_; }
  // Never empty: the last token is kEof with offset sql().size().
  const std::vector<Token>& tokens() const { return tokens_; }

 private:
  friend class Lexer;
  std::string_view sql_;
  std::vector<Token> tokens_;
  std::deque<std::string> owned_;  // decoded texts; deque keeps element addresses stable
};

// Splits `sql` into tokens. Errors are syntax errors (SQLSTATE 42601, or 22025/22021 for bad
// escapes in E'' strings) with the position of the offending token.
Result<TokenStream> Tokenize(std::string_view sql);

// PostgreSQL's error position: the 1-based count of characters (UTF-8 code points) up to and
// including the one at byte `offset`. An offset at the end of the text gives length + 1.
int CharPosition(std::string_view sql, size_t offset);

// A Status::Sql error positioned at byte `offset` of `sql`.
Status SqlErrorAt(std::string_view sql, size_t offset, std::string_view sqlstate,
                  std::string message);

// The "at or near" text of an error: `text` itself, or for long texts (an unterminated string
// runs to the end of the input) its first 120 bytes, cut at a character boundary, and "...".
std::string ErrorExcerpt(std::string_view text);

// True for a byte that may start an unquoted identifier (ASCII letter, '_', or any non-ASCII
// byte, as in PostgreSQL) and for one that may continue it (also digits and '$').
inline bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
inline bool IsIdentChar(unsigned char c) {
  return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$';
}

}  // namespace dynasink::sql
