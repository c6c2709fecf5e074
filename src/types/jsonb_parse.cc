// Jsonb::Parse: a strict JSON reader with PostgreSQL's error details.
#include <string>

#include "types/jsonb.h"
#include "types/jsonb_node.h"

namespace dynasink::types {

namespace {

constexpr int kMaxDepth = 1000;

enum class Tok {
  kEnd,
  kObjectStart,
  kObjectEnd,
  kArrayStart,
  kArrayEnd,
  kComma,
  kColon,
  kString,
  kNumber,
  kTrue,
  kFalse,
  kNull
};

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool IsDelimiter(char c) {
  return IsJsonSpace(c) || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' ||
         c == '"';
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
// Length of the valid UTF-8 sequence starting at s[i] (a non-ASCII lead byte), or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  uint32_t cp = c & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<Jsonb> ParseDocument() {
    DS_RETURN_IF_ERROR(Next());
    DS_ASSIGN_OR_RETURN(Jsonb v, ParseValue(0));
    DS_RETURN_IF_ERROR(Next());
    if (tok_ != Tok::kEnd) return Expected("end of input");
    return v;
  }

 private:
  Status Error(std::string detail) const {
    int line = 1;
    for (size_t i = 0; i < tok_start_ && i < s_.size(); ++i)
      line += s_[i] == '\n';
    return Status::Sql("22P02", "invalid input syntax for type json: " + detail + " (line " +
                                    std::to_string(line) + ")");
  }
  std::string TokenText() const {
    std::string_view t = s_.substr(tok_start_, pos_ - tok_start_);
    if (t.size() > 40) return std::string(t.substr(0, 40)) + "...";
    return std::string(t);
  }
  Status Expected(std::string_view what) const {
    if (tok_ == Tok::kEnd) return Error("The input string ended unexpectedly");
    return Error("Expected " + std::string(what) + ", but found \"" + TokenText() + "\"");
  }
  Status InvalidToken() {
    while (pos_ < s_.size() && !IsDelimiter(s_[pos_]))
      ++pos_;
    if (pos_ == tok_start_) ++pos_;
    return Error("Token \"" + TokenText() + "\" is invalid");
  }

  // Reads the next token into tok_ (and str_ for strings).
  Status Next() {
    while (pos_ < s_.size() && IsJsonSpace(s_[pos_]))
      ++pos_;
    tok_start_ = pos_;
    if (pos_ >= s_.size()) {
      tok_ = Tok::kEnd;
      return Status::OK();
    }
    char c = s_[pos_];
    switch (c) {
      case '{':
        ++pos_;
        tok_ = Tok::kObjectStart;
        return Status::OK();
      case '}':
        ++pos_;
        tok_ = Tok::kObjectEnd;
        return Status::OK();
      case '[':
        ++pos_;
        tok_ = Tok::kArrayStart;
        return Status::OK();
      case ']':
        ++pos_;
        tok_ = Tok::kArrayEnd;
        return Status::OK();
      case ',':
        ++pos_;
        tok_ = Tok::kComma;
        return Status::OK();
      case ':':
        ++pos_;
        tok_ = Tok::kColon;
        return Status::OK();
      case '"':
        tok_ = Tok::kString;
        return LexString();
      default:
        break;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return LexNumber();
    while (pos_ < s_.size() && !IsDelimiter(s_[pos_]))
      ++pos_;
    std::string_view word = s_.substr(tok_start_, pos_ - tok_start_);
    if (word == "true") {
      tok_ = Tok::kTrue;
    } else if (word == "false") {
      tok_ = Tok::kFalse;
    } else if (word == "null") {
      tok_ = Tok::kNull;
    } else {
      return InvalidToken();
    }
    return Status::OK();
  }

  Status LexNumber() {
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? followed by a delimiter.
    size_t p = pos_;
    auto digit = [&](size_t i) { return i < s_.size() && s_[i] >= '0' && s_[i] <= '9'; };
    if (s_[p] == '-') ++p;
    if (!digit(p)) return InvalidToken();
    if (s_[p] == '0') {
      ++p;
    } else {
      while (digit(p))
        ++p;
    }
    if (p < s_.size() && s_[p] == '.') {
      ++p;
      if (!digit(p)) return InvalidToken();
      while (digit(p))
        ++p;
    }
    if (p < s_.size() && (s_[p] == 'e' || s_[p] == 'E')) {
      ++p;
      if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
      if (!digit(p)) return InvalidToken();
      while (digit(p))
        ++p;
    }
    if (p < s_.size() && !IsDelimiter(s_[p])) return InvalidToken();
    pos_ = p;
    tok_ = Tok::kNumber;
    return Status::OK();
  }

  Status LexString() {
    str_.clear();
    size_t p = pos_ + 1;
    size_t run = p;
    while (true) {
      if (p >= s_.size()) {
        pos_ = s_.size();
        return Error("Token \"" + TokenText() + "\" is invalid");
      }
      unsigned char c = static_cast<unsigned char>(s_[p]);
      if (c == '"') break;
      if (c < 0x20) {
        pos_ = p;
        char buf[8];
        std::snprintf(buf, sizeof(buf), "0x%02x", c);
        return Error(std::string("Character with value ") + buf + " must be escaped");
      }
      if (c >= 0x80) {
        size_t len = Utf8SequenceLength(s_, p);
        if (len == 0) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "0x%02x", c);
          return Status::Sql("22021",
                             std::string("invalid byte sequence for encoding \"UTF8\": ") + buf);
        }
        p += len;
        continue;
      }
      if (c != '\\') {
        ++p;
        continue;
      }
      str_.append(s_.data() + run, p - run);
      if (p + 1 >= s_.size()) {
        pos_ = s_.size();
        return Error("Token \"" + TokenText() + "\" is invalid");
      }
      char e = s_[p + 1];
      p += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          str_.push_back(e);
          break;
        case 'b':
          str_.push_back('\b');
          break;
        case 'f':
          str_.push_back('\f');
          break;
        case 'n':
          str_.push_back('\n');
          break;
        case 'r':
          str_.push_back('\r');
          break;
        case 't':
          str_.push_back('\t');
          break;
        case 'u': {
          DS_RETURN_IF_ERROR(LexUnicodeEscape(&p));
          break;
        }
        default:
          pos_ = p;
          return Error(std::string("Escape sequence \"\\") + e + "\" is invalid");
      }
      run = p;
    }
    str_.append(s_.data() + run, p - run);
    pos_ = p + 1;
    return Status::OK();
  }

  // After "\u": four hex digits, combining a surrogate pair into one code point.
  Status LexUnicodeEscape(size_t* p) {
    auto read4 = [&](size_t at, uint32_t* out) {
      if (at + 4 > s_.size()) return false;
      uint32_t v = 0;
      for (size_t k = 0; k < 4; ++k) {
        int h = HexValue(s_[at + k]);
        if (h < 0) return false;
        v = v * 16 + static_cast<uint32_t>(h);
      }
      *out = v;
      return true;
    };
    uint32_t cp;
    if (!read4(*p, &cp)) {
      pos_ = std::min(*p + 4, s_.size());
      return Error("\"\\u\" must be followed by four hexadecimal digits");
    }
    *p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t lo;
      if (*p + 1 < s_.size() && s_[*p] == '\\' && s_[*p + 1] == 'u' && read4(*p + 2, &lo) &&
          lo >= 0xDC00 && lo <= 0xDFFF) {
        *p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      } else {
        pos_ = *p;
        return Error("Unicode low surrogate must follow a high surrogate");
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      pos_ = *p;
      return Error("Unicode low surrogate must follow a high surrogate");
    } else if (cp == 0) {
      return Status::Sql("22P05",
                         "unsupported Unicode escape sequence: \\u0000 cannot be converted to "
                         "text");
    }
    AppendUtf8(cp, &str_);
    return Status::OK();
  }

  // Parses the value whose first token is in tok_.
  Result<Jsonb> ParseValue(int depth) {
    switch (tok_) {
      case Tok::kObjectStart:
        return ParseObject(depth + 1);
      case Tok::kArrayStart:
        return ParseArray(depth + 1);
      case Tok::kString:
        return Jsonb::String(std::move(str_));
      case Tok::kNumber: {
        DS_ASSIGN_OR_RETURN(Decimal d, Decimal::Parse(s_.substr(tok_start_, pos_ - tok_start_)));
        return Jsonb::Number(std::move(d));
      }
      case Tok::kTrue:
        return Jsonb::Bool(true);
      case Tok::kFalse:
        return Jsonb::Bool(false);
      case Tok::kNull:
        return Jsonb::Null();
      default:
        return Expected("JSON value");
    }
  }

  Status CheckDepth(int depth) const {
    if (depth > kMaxDepth) {
      return Status::Sql(
          "54000", "jsonb value is nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    return Status::OK();
  }

  Result<Jsonb> ParseArray(int depth) {
    DS_RETURN_IF_ERROR(CheckDepth(depth));
    std::vector<Jsonb> elements;
    DS_RETURN_IF_ERROR(Next());
    if (tok_ == Tok::kArrayEnd) return Jsonb::Array(std::move(elements));
    while (true) {
      DS_ASSIGN_OR_RETURN(Jsonb v, ParseValue(depth));
      elements.push_back(std::move(v));
      DS_RETURN_IF_ERROR(Next());
      if (tok_ == Tok::kArrayEnd) break;
      if (tok_ != Tok::kComma) return Expected("\",\" or \"]\"");
      DS_RETURN_IF_ERROR(Next());
    }
    return Jsonb::Array(std::move(elements));
  }

  Result<Jsonb> ParseObject(int depth) {
    DS_RETURN_IF_ERROR(CheckDepth(depth));
    std::vector<Jsonb::Member> members;
    DS_RETURN_IF_ERROR(Next());
    if (tok_ == Tok::kObjectEnd) return Jsonb::Object(std::move(members));
    if (tok_ != Tok::kString) return Expected("string or \"}\"");
    while (true) {
      std::string key = std::move(str_);
      DS_RETURN_IF_ERROR(Next());
      if (tok_ != Tok::kColon) return Expected("\":\"");
      DS_RETURN_IF_ERROR(Next());
      DS_ASSIGN_OR_RETURN(Jsonb v, ParseValue(depth));
      members.emplace_back(std::move(key), std::move(v));
      DS_RETURN_IF_ERROR(Next());
      if (tok_ == Tok::kObjectEnd) break;
      if (tok_ != Tok::kComma) return Expected("\",\" or \"}\"");
      DS_RETURN_IF_ERROR(Next());
      if (tok_ != Tok::kString) return Expected("string");
    }
    return Jsonb::Object(std::move(members));
  }

  std::string_view s_;
  size_t pos_ = 0;
  size_t tok_start_ = 0;
  Tok tok_ = Tok::kEnd;
  std::string str_;
};

}  // namespace

Result<Jsonb> Jsonb::Parse(std::string_view text) {
  return Parser(text).ParseDocument();
}

}  // namespace dynasink::types
