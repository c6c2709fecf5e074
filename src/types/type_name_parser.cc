#include "types/type_name_parser.h"

#include <string>
#include <vector>

namespace dynasink::types {

namespace {

constexpr int kMaxNesting = 32;

struct Token {
  enum Kind { kWord, kQuoted, kSymbol, kNumber, kEnd } kind;
  std::string text;  // lower-cased for words; verbatim for quoted names
};

class TypeNameParser {
 public:
  explicit TypeNameParser(std::string_view text) : text_(text) {}

  Result<DataType> ParseAll() {
    DS_RETURN_IF_ERROR(Tokenize());
    DS_ASSIGN_OR_RETURN(DataType t, ParseType(0));
    if (Peek().kind != Token::kEnd) return Syntax("unexpected \"" + Peek().text + "\"");
    return t;
  }

 private:
  Status Syntax(const std::string& what) const {
    return Status::Sql("42601", "invalid type name \"" + std::string(text_) + "\": " + what);
  }

  Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        std::string w;
        while (i < text_.size() &&
               ((text_[i] >= 'a' && text_[i] <= 'z') || (text_[i] >= 'A' && text_[i] <= 'Z') ||
                (text_[i] >= '0' && text_[i] <= '9') || text_[i] == '_' || text_[i] == '$')) {
          char d = text_[i++];
          if (d >= 'A' && d <= 'Z') d = static_cast<char>(d - 'A' + 'a');
          w.push_back(d);
        }
        tokens_.push_back({Token::kWord, std::move(w)});
      } else if (c >= '0' && c <= '9') {
        std::string n;
        while (i < text_.size() && text_[i] >= '0' && text_[i] <= '9')
          n.push_back(text_[i++]);
        tokens_.push_back({Token::kNumber, std::move(n)});
      } else if (c == '"') {
        std::string q;
        ++i;
        while (true) {
          if (i >= text_.size()) return Syntax("unterminated quoted identifier");
          if (text_[i] == '"') {
            if (i + 1 < text_.size() && text_[i + 1] == '"') {
              q.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          q.push_back(text_[i++]);
        }
        tokens_.push_back({Token::kQuoted, std::move(q)});
      } else if (c == '<' || c == '>' || c == ',' || c == '[' || c == ']' || c == '(' || c == ')') {
        tokens_.push_back({Token::kSymbol, std::string(1, c)});
        ++i;
      } else {
        return Syntax(std::string("unexpected character '") + c + "'");
      }
    }
    tokens_.push_back({Token::kEnd, ""});
    return Status::OK();
  }

  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  bool IsWord(std::string_view w, size_t ahead = 0) const {
    return Peek(ahead).kind == Token::kWord && Peek(ahead).text == w;
  }
  bool IsSymbol(char c) const { return Peek().kind == Token::kSymbol && Peek().text[0] == c; }
  bool AcceptWord(std::string_view w) {
    if (!IsWord(w)) return false;
    ++pos_;
    return true;
  }
  bool AcceptWords(std::initializer_list<std::string_view> words) {
    size_t k = 0;
    for (std::string_view w : words) {
      if (!IsWord(w, k)) return false;
      ++k;
    }
    pos_ += k;
    return true;
  }

  Result<DataType> ParseType(int depth) {
    if (depth > kMaxNesting) return Syntax("nested too deeply");
    DS_ASSIGN_OR_RETURN(DataType t, ParseBase(depth));
    while (true) {
      if (IsSymbol('[')) {
        ++pos_;
        if (Peek().kind == Token::kNumber) ++pos_;  // INT[3]: the size is ignored, as in PG
        if (!IsSymbol(']')) return Syntax("expected ]");
        ++pos_;
        t = DataType::List(std::move(t));
      } else if (AcceptWord("array")) {
        t = DataType::List(std::move(t));
      } else {
        return t;
      }
    }
  }

  Status RejectModifiers(const std::string& name) {
    if (!IsSymbol('(')) return Status::OK();
    return Status::Sql("0A000", "type modifiers are not supported: " + name +
                                    " takes no precision, scale or length here; use " + name);
  }

  Result<DataType> ParseBase(int depth) {
    const Token& tok = Peek();
    if (tok.kind != Token::kWord) {
      if (tok.kind == Token::kEnd) return Syntax("missing type name");
      return Syntax("unexpected \"" + tok.text + "\"");
    }
    std::string w = tok.text;
    ++pos_;
    TypeId id;
    if (w == "boolean" || w == "bool") {
      id = TypeId::kBoolean;
    } else if (w == "smallint" || w == "int2") {
      id = TypeId::kInt16;
    } else if (w == "integer" || w == "int" || w == "int4") {
      id = TypeId::kInt32;
    } else if (w == "bigint" || w == "int8") {
      id = TypeId::kInt64;
    } else if (w == "serial") {
      id = TypeId::kSerial;
    } else if (w == "numeric" || w == "decimal") {
      DS_RETURN_IF_ERROR(RejectModifiers("numeric"));
      id = TypeId::kDecimal;
    } else if (w == "real" || w == "float4") {
      id = TypeId::kFloat32;
    } else if (w == "float8") {
      id = TypeId::kFloat64;
    } else if (w == "double") {
      AcceptWord("precision");
      id = TypeId::kFloat64;
    } else if (w == "float") {
      // float(p): real for p <= 24, double precision for 25..53, as PostgreSQL.
      id = TypeId::kFloat64;
      if (IsSymbol('(')) {
        ++pos_;
        if (Peek().kind != Token::kNumber) return Syntax("expected a precision");
        int p = std::stoi(Peek().text.size() > 3 ? "999" : Peek().text);
        ++pos_;
        if (!IsSymbol(')')) return Syntax("expected )");
        ++pos_;
        if (p < 1) return Status::Sql("22023", "precision for type float must be at least 1 bit");
        if (p > 53) {
          return Status::Sql("22023", "precision for type float must be less than 54 bits");
        }
        id = p <= 24 ? TypeId::kFloat32 : TypeId::kFloat64;
      }
    } else if (w == "varchar" || w == "text" || w == "string") {
      DS_RETURN_IF_ERROR(RejectModifiers("varchar"));
      id = TypeId::kVarchar;
    } else if (w == "character" || w == "char") {
      if (!AcceptWord("varying")) {
        return Status::Sql("0A000",
                           "type \"" + w + "\" (fixed-length) is not supported; use varchar");
      }
      DS_RETURN_IF_ERROR(RejectModifiers("varchar"));
      id = TypeId::kVarchar;
    } else if (w == "bytea") {
      id = TypeId::kBytea;
    } else if (w == "date") {
      id = TypeId::kDate;
    } else if (w == "time") {
      DS_RETURN_IF_ERROR(RejectModifiers("time"));
      if (AcceptWords({"with", "time", "zone"})) {
        return Status::Sql("0A000", "type time with time zone is not supported");
      }
      AcceptWords({"without", "time", "zone"});
      id = TypeId::kTime;
    } else if (w == "timestamp") {
      DS_RETURN_IF_ERROR(RejectModifiers("timestamp"));
      if (AcceptWords({"with", "time", "zone"})) {
        id = TypeId::kTimestamptz;
      } else {
        AcceptWords({"without", "time", "zone"});
        id = TypeId::kTimestamp;
      }
    } else if (w == "timestamptz") {
      id = TypeId::kTimestamptz;
    } else if (w == "interval") {
      id = TypeId::kInterval;
    } else if (w == "jsonb") {
      id = TypeId::kJsonb;
    } else if (w == "struct") {
      return ParseStruct(depth);
    } else {
      return Status::Sql("42704", "type \"" + w + "\" does not exist");
    }
    return DataType(id);
  }

  Result<DataType> ParseStruct(int depth) {
    if (!IsSymbol('<')) return Syntax("expected < after struct");
    ++pos_;
    std::vector<std::pair<std::string, DataType>> fields;
    if (IsSymbol('>')) return Syntax("a struct needs at least one field");
    while (true) {
      const Token& name = Peek();
      if (name.kind != Token::kWord && name.kind != Token::kQuoted) {
        return Syntax("expected a field name");
      }
      std::string field = name.text;
      ++pos_;
      for (const auto& f : fields) {
        if (f.first == field) return Syntax("duplicate struct field \"" + field + "\"");
      }
      DS_ASSIGN_OR_RETURN(DataType ft, ParseType(depth + 1));
      fields.emplace_back(std::move(field), std::move(ft));
      if (IsSymbol(',')) {
        ++pos_;
        continue;
      }
      if (IsSymbol('>')) {
        ++pos_;
        break;
      }
      return Syntax("expected , or > in struct");
    }
    return DataType::Struct(std::move(fields));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<DataType> ParseTypeName(std::string_view text) {
  return TypeNameParser(text).ParseAll();
}

}  // namespace dynasink::types
