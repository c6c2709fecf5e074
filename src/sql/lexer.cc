#include "sql/lexer.h"

#include <fmt/format.h>

#include <cstring>

namespace dynasink::sql {

int CharPosition(std::string_view sql, size_t offset) {
  if (offset > sql.size()) offset = sql.size();
  int chars = 0;
  for (size_t i = 0; i < offset; ++i) {
    // Count every byte that is not a UTF-8 continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80) ++chars;
  }
  return chars + 1;
}

Status SqlErrorAt(std::string_view sql, size_t offset, std::string_view sqlstate,
                  std::string message) {
  return Status::Sql(sqlstate, std::move(message), CharPosition(sql, offset));
}

std::string ErrorExcerpt(std::string_view text) {
  constexpr size_t kMaxExcerpt = 120;
  if (text.size() <= kMaxExcerpt) return std::string(text);
  size_t cut = kMaxExcerpt;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(text.substr(0, cut)) + "...";
}

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The longest keyword ("current_timestamp") is 17 bytes; longer words skip the lookup.
constexpr size_t kMaxKeywordLength = 17;

}  // namespace

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {
    stream_.sql_ = sql;
    // Multi-row INSERTs average about seven bytes per token; a close guess avoids both regrowth
    // and a needlessly large block.
    stream_.tokens_.reserve(sql.size() / 6 + 8);
  }

  Result<TokenStream> Run() {
    while (true) {
      DS_RETURN_IF_ERROR(SkipSpaceAndComments());
      if (pos_ >= sql_.size()) break;
      DS_RETURN_IF_ERROR(NextToken());
    }
    Token eof;
    eof.kind = TokenKind::kEof;
    eof.offset = static_cast<uint32_t>(sql_.size());
    stream_.tokens_.push_back(eof);
    return std::move(stream_);
  }

 private:
  // "at or near" text for errors raised while scanning: from `start` to the end of input, as
  // PostgreSQL's lexer reports it.
  Status ErrorFrom(size_t start, std::string_view what, std::string_view sqlstate = "42601") const {
    return SqlErrorAt(sql_, start, sqlstate,
                      fmt::format("{} at or near \"{}\"", what, ErrorExcerpt(sql_.substr(start))));
  }
  Status ErrorToken(size_t start, size_t end, std::string_view what,
                    std::string_view sqlstate = "42601") const {
    return SqlErrorAt(
        sql_, start, sqlstate,
        fmt::format("{} at or near \"{}\"", what, ErrorExcerpt(sql_.substr(start, end - start))));
  }

  void Push(TokenKind kind, size_t start, size_t end, std::string_view text,
            Keyword keyword = Keyword::kNone) {
    Token t;
    t.kind = kind;
    t.keyword = keyword;
    t.offset = static_cast<uint32_t>(start);
    t.length = static_cast<uint32_t>(end - start);
    t.text = text;
    stream_.tokens_.push_back(t);
  }
  void PushOp(TokenKind kind, size_t len) {
    Push(kind, pos_, pos_ + len, sql_.substr(pos_, len));
    pos_ += len;
  }
  std::string* Own(std::string value) {
    stream_.owned_.push_back(std::move(value));
    return &stream_.owned_.back();
  }
  char At(size_t i) const { return i < sql_.size() ? sql_[i] : '\0'; }
  // The offset of the next `c` at or after `from`, or sql_.size(). memchr keeps long string
  // literals (multi-row INSERTs are mostly strings) cheap.
  size_t Find(char c, size_t from) const {
    if (from >= sql_.size()) return sql_.size();
    const void* hit = std::memchr(sql_.data() + from, c, sql_.size() - from);
    return hit ? static_cast<size_t>(static_cast<const char*>(hit) - sql_.data()) : sql_.size();
  }

  Status SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      char c = sql_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '-' && At(pos_ + 1) == '-') {
        while (pos_ < sql_.size() && sql_[pos_] != '\n' && sql_[pos_] != '\r')
          ++pos_;
      } else if (c == '/' && At(pos_ + 1) == '*') {
        size_t start = pos_;
        int depth = 0;
        while (true) {
          if (pos_ >= sql_.size()) return ErrorFrom(start, "unterminated /* comment");
          if (sql_[pos_] == '/' && At(pos_ + 1) == '*') {
            ++depth;
            pos_ += 2;
          } else if (sql_[pos_] == '*' && At(pos_ + 1) == '/') {
            pos_ += 2;
            if (--depth == 0) break;
          } else {
            ++pos_;
          }
        }
      } else {
        break;
      }
    }
    return Status::OK();
  }

  Status NextToken() {
    const char c = sql_[pos_];
    const auto uc = static_cast<unsigned char>(c);
    if ((c == 'e' || c == 'E') && At(pos_ + 1) == '\'') return LexEscapeString();
    if (IsIdentStart(uc)) return LexWord();
    if (IsDigit(c) || (c == '.' && IsDigit(At(pos_ + 1)))) return LexNumber();
    switch (c) {
      case '\'':
        return LexString();
      case '"':
        return LexQuotedIdent();
      case '$':
        return LexDollar();
      case '(':
        PushOp(TokenKind::kLParen, 1);
        return Status::OK();
      case ')':
        PushOp(TokenKind::kRParen, 1);
        return Status::OK();
      case '[':
        PushOp(TokenKind::kLBracket, 1);
        return Status::OK();
      case ']':
        PushOp(TokenKind::kRBracket, 1);
        return Status::OK();
      case ',':
        PushOp(TokenKind::kComma, 1);
        return Status::OK();
      case ';':
        PushOp(TokenKind::kSemicolon, 1);
        return Status::OK();
      case '.':
        PushOp(TokenKind::kDot, 1);
        return Status::OK();
      case '+':
        PushOp(TokenKind::kPlus, 1);
        return Status::OK();
      case '*':
        PushOp(TokenKind::kStar, 1);
        return Status::OK();
      case '/':
        PushOp(TokenKind::kSlash, 1);
        return Status::OK();
      case '%':
        PushOp(TokenKind::kPercent, 1);
        return Status::OK();
      case '^':
        PushOp(TokenKind::kCaret, 1);
        return Status::OK();
      case ':':
        PushOp(At(pos_ + 1) == ':' ? TokenKind::kDoubleColon : TokenKind::kColon,
               At(pos_ + 1) == ':' ? 2 : 1);
        return Status::OK();
      case '-':
        if (At(pos_ + 1) == '>') {
          if (At(pos_ + 2) == '>') {
            PushOp(TokenKind::kLongArrow, 3);
          } else {
            PushOp(TokenKind::kArrow, 2);
          }
        } else {
          PushOp(TokenKind::kMinus, 1);
        }
        return Status::OK();
      case '=':
        PushOp(TokenKind::kEq, 1);
        return Status::OK();
      case '<':
        switch (At(pos_ + 1)) {
          case '=':
            PushOp(TokenKind::kLtEq, 2);
            break;
          case '>':
            PushOp(TokenKind::kNotEq, 2);
            break;
          case '@':
            PushOp(TokenKind::kLtAt, 2);
            break;
          default:
            PushOp(TokenKind::kLt, 1);
            break;
        }
        return Status::OK();
      case '>':
        if (At(pos_ + 1) == '=') {
          PushOp(TokenKind::kGtEq, 2);
        } else {
          PushOp(TokenKind::kGt, 1);
        }
        return Status::OK();
      case '!':
        if (At(pos_ + 1) == '=') {
          PushOp(TokenKind::kNotEq, 2);
          return Status::OK();
        }
        break;
      case '|':
        if (At(pos_ + 1) == '|') {
          PushOp(TokenKind::kConcat, 2);
          return Status::OK();
        }
        break;
      case '@':
        if (At(pos_ + 1) == '>') {
          PushOp(TokenKind::kAtGt, 2);
          return Status::OK();
        }
        break;
      default:
        break;
    }
    // An operator character of PostgreSQL that dynasink does not support (~ & # ? ` ...), or a
    // stray byte: report the run of operator characters, as PostgreSQL would name the operator.
    size_t end = pos_ + 1;
    static constexpr std::string_view kOpChars = "~!@#^&|`?+-*/%<>=";
    if (kOpChars.find(c) != std::string_view::npos) {
      while (end < sql_.size() && kOpChars.find(sql_[end]) != std::string_view::npos)
        ++end;
    }
    return ErrorToken(pos_, end, "syntax error");
  }

  Status LexWord() {
    size_t start = pos_;
    bool has_upper = false;
    while (pos_ < sql_.size() && IsIdentChar(static_cast<unsigned char>(sql_[pos_]))) {
      char ch = sql_[pos_];
      if (ch >= 'A' && ch <= 'Z') has_upper = true;
      ++pos_;
    }
    std::string_view raw = sql_.substr(start, pos_ - start);
    std::string_view text = raw;
    if (has_upper) {
      std::string lower(raw);
      for (char& ch : lower) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      }
      text = *Own(std::move(lower));
    }
    Keyword keyword = text.size() <= kMaxKeywordLength ? LookupKeyword(text) : Keyword::kNone;
    Push(TokenKind::kWord, start, pos_, text, keyword);
    return Status::OK();
  }

  Status LexNumber() {
    size_t start = pos_;
    bool decimal = false;
    while (IsDigit(At(pos_)))
      ++pos_;
    if (At(pos_) == '.' && At(pos_ + 1) != '.') {
      decimal = true;
      ++pos_;
      while (IsDigit(At(pos_)))
        ++pos_;
    }
    if (At(pos_) == 'e' || At(pos_) == 'E') {
      size_t exp = pos_ + 1;
      if (At(exp) == '+' || At(exp) == '-') ++exp;
      if (IsDigit(At(exp))) {
        decimal = true;
        pos_ = exp;
        while (IsDigit(At(pos_)))
          ++pos_;
      }
    }
    if (pos_ < sql_.size() && IsIdentStart(static_cast<unsigned char>(sql_[pos_]))) {
      size_t end = pos_;
      while (end < sql_.size() && IsIdentChar(static_cast<unsigned char>(sql_[end])))
        ++end;
      return ErrorToken(start, end, "trailing junk after numeric literal");
    }
    Push(decimal ? TokenKind::kDecimal : TokenKind::kInteger, start, pos_,
         sql_.substr(start, pos_ - start));
    return Status::OK();
  }

  // After a closing quote at pos_ - 1: PostgreSQL joins 'a' <whitespace with a newline> 'b'.
  // Returns the offset of the continuing quote, or npos.
  size_t ContinuationQuote() const {
    size_t i = pos_;
    bool newline = false;
    while (i < sql_.size() && IsSpace(sql_[i])) {
      if (sql_[i] == '\n' || sql_[i] == '\r') newline = true;
      ++i;
    }
    return newline && At(i) == '\'' ? i : std::string_view::npos;
  }

  // 'standard string': only '' is special.
  Status LexString() {
    size_t start = pos_;
    std::string* decoded = nullptr;  // created only when the value is not a plain slice
    size_t piece = pos_ + 1;
    ++pos_;
    while (true) {
      pos_ = Find('\'', pos_);
      if (pos_ >= sql_.size()) return ErrorFrom(start, "unterminated quoted string");
      if (At(pos_ + 1) == '\'') {  // '' is one quote
        if (!decoded) decoded = Own(std::string());
        decoded->append(sql_.substr(piece, pos_ + 1 - piece));
        pos_ += 2;
        piece = pos_;
        continue;
      }
      // Closing quote.
      std::string_view tail = sql_.substr(piece, pos_ - piece);
      ++pos_;
      size_t next = ContinuationQuote();
      if (next != std::string_view::npos) {
        if (!decoded) decoded = Own(std::string());
        decoded->append(tail);
        pos_ = next + 1;
        piece = pos_;
        continue;
      }
      if (decoded) {
        decoded->append(tail);
        Push(TokenKind::kString, start, pos_, *decoded);
      } else {
        Push(TokenKind::kString, start, pos_, tail);
      }
      return Status::OK();
    }
  }

  // E'escape string': backslash escapes as in PostgreSQL.
  Status LexEscapeString() {
    size_t start = pos_;
    pos_ += 2;  // E'
    std::string value;
    uint32_t pending_high_surrogate = 0;
    size_t surrogate_at = 0;
    while (true) {
      if (pos_ >= sql_.size()) return ErrorFrom(start, "unterminated quoted string");
      char c = sql_[pos_];
      if (pending_high_surrogate && !(c == '\\' && (At(pos_ + 1) == 'u' || At(pos_ + 1) == 'U'))) {
        return ErrorToken(surrogate_at, pos_, "invalid Unicode surrogate pair", "22P06");
      }
      if (c == '\'') {
        if (At(pos_ + 1) == '\'') {
          value.push_back('\'');
          pos_ += 2;
          continue;
        }
        ++pos_;
        size_t next = ContinuationQuote();
        if (next != std::string_view::npos) {
          pos_ = next + 1;
          continue;
        }
        break;
      }
      if (c != '\\') {
        value.push_back(c);
        ++pos_;
        continue;
      }
      size_t esc = pos_;
      char e = At(pos_ + 1);
      pos_ += 2;
      switch (e) {
        case 'b':
          value.push_back('\b');
          break;
        case 'f':
          value.push_back('\f');
          break;
        case 'n':
          value.push_back('\n');
          break;
        case 'r':
          value.push_back('\r');
          break;
        case 't':
          value.push_back('\t');
          break;
        case 'x': {
          int v = 0, digits = 0;
          while (digits < 2 && HexValue(At(pos_)) >= 0) {
            v = v * 16 + HexValue(At(pos_++));
            ++digits;
          }
          if (digits == 0) {
            value.push_back('x');  // "\x" without hex digits is just "x", as in PostgreSQL
            break;
          }
          if (v == 0)
            return ErrorToken(esc, pos_, "invalid byte sequence for encoding \"UTF8\": 0x00",
                              "22021");
          value.push_back(static_cast<char>(v));
          break;
        }
        case 'u':
        case 'U': {
          int want = e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (int k = 0; k < want; ++k) {
            int h = HexValue(At(pos_));
            if (h < 0) return ErrorToken(esc, pos_, "invalid Unicode escape", "22025");
            cp = cp * 16 + static_cast<uint32_t>(h);
            ++pos_;
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (pending_high_surrogate) {
              return ErrorToken(surrogate_at, pos_, "invalid Unicode surrogate pair", "22P06");
            }
            pending_high_surrogate = cp;
            surrogate_at = esc;
            break;
          }
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            if (!pending_high_surrogate) {
              return ErrorToken(esc, pos_, "invalid Unicode surrogate pair", "22P06");
            }
            cp = 0x10000 + ((pending_high_surrogate - 0xD800) << 10) + (cp - 0xDC00);
            pending_high_surrogate = 0;
          }
          if (cp == 0 || cp > 0x10FFFF) {
            return ErrorToken(esc, pos_, "invalid Unicode escape value", "22025");
          }
          AppendUtf8(cp, &value);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && At(pos_) >= '0' && At(pos_) <= '7'; ++k) {
              v = v * 8 + (At(pos_++) - '0');
            }
            if ((v & 0xFF) == 0)
              return ErrorToken(esc, pos_, "invalid byte sequence for encoding \"UTF8\": 0x00",
                                "22021");
            value.push_back(static_cast<char>(v & 0xFF));
          } else if (esc + 1 >= sql_.size()) {
            return ErrorFrom(start, "unterminated quoted string");
          } else {
            value.push_back(e);  // \\ \' and any other character stand for themselves
          }
          break;
      }
    }
    Push(TokenKind::kString, start, pos_, *Own(std::move(value)));
    return Status::OK();
  }

  Status LexQuotedIdent() {
    size_t start = pos_;
    std::string* decoded = nullptr;
    size_t piece = pos_ + 1;
    ++pos_;
    while (true) {
      pos_ = Find('"', pos_);
      if (pos_ >= sql_.size()) return ErrorFrom(start, "unterminated quoted identifier");
      if (At(pos_ + 1) == '"') {
        if (!decoded) decoded = Own(std::string());
        decoded->append(sql_.substr(piece, pos_ + 1 - piece));
        pos_ += 2;
        piece = pos_;
        continue;
      }
      std::string_view tail = sql_.substr(piece, pos_ - piece);
      ++pos_;
      std::string_view text = tail;
      if (decoded) {
        decoded->append(tail);
        text = *decoded;
      }
      if (text.empty()) return ErrorToken(start, pos_, "zero-length delimited identifier");
      Push(TokenKind::kQuotedIdent, start, pos_, text);
      return Status::OK();
    }
  }

  // $1 parameters and $tag$ dollar-quoted strings.
  Status LexDollar() {
    size_t start = pos_;
    if (IsDigit(At(pos_ + 1))) {
      ++pos_;
      while (IsDigit(At(pos_)))
        ++pos_;
      if (pos_ < sql_.size() && IsIdentChar(static_cast<unsigned char>(sql_[pos_]))) {
        size_t end = pos_;
        while (end < sql_.size() && IsIdentChar(static_cast<unsigned char>(sql_[end])))
          ++end;
        return ErrorToken(start, end, "trailing junk after parameter");
      }
      Push(TokenKind::kParam, start, pos_, sql_.substr(start + 1, pos_ - start - 1));
      return Status::OK();
    }
    // The tag: empty, or an identifier without '$'.
    size_t i = pos_ + 1;
    if (i < sql_.size() && IsIdentStart(static_cast<unsigned char>(sql_[i]))) {
      while (i < sql_.size() && IsIdentChar(static_cast<unsigned char>(sql_[i])) &&
             sql_[i] != '$') {
        ++i;
      }
    }
    if (At(i) != '$') return ErrorToken(start, start + 1, "syntax error");
    std::string_view delimiter = sql_.substr(start, i + 1 - start);
    size_t body = i + 1;
    size_t close = sql_.find(delimiter, body);
    if (close == std::string_view::npos)
      return ErrorFrom(start, "unterminated dollar-quoted string");
    pos_ = close + delimiter.size();
    Push(TokenKind::kString, start, pos_, sql_.substr(body, close - body));
    return Status::OK();
  }

  std::string_view sql_;
  size_t pos_ = 0;
  TokenStream stream_;
};

Result<TokenStream> Tokenize(std::string_view sql) {
  if (sql.size() >= UINT32_MAX) {
    return Status::Sql("54000", "query text is too long (4 GiB or more)");
  }
  return Lexer(sql).Run();
}

}  // namespace dynasink::sql
