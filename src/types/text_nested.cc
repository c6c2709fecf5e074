// Text input and output of structs ("(1,abc)") and arrays ("{1,2,NULL}"), with PostgreSQL's
// quoting rules (record_out / array_out) and readers that accept what PostgreSQL accepts.
#include <string>
#include <vector>

#include "types/text_format.h"
#include "types/text_internal.h"

namespace dynasink::types::text {

namespace {

bool StructFieldNeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || IsSpace(c)) return true;
  }
  return false;
}

// NULL in any case: an array element that means NULL unless quoted or escaped.
bool IsNullWord(std::string_view s) {
  return s.size() == 4 && (s[0] == 'n' || s[0] == 'N') && (s[1] == 'u' || s[1] == 'U') &&
         (s[2] == 'l' || s[2] == 'L') && (s[3] == 'l' || s[3] == 'L');
}

bool ArrayElementNeedsQuotes(std::string_view s) {
  if (s.empty() || IsNullWord(s)) return true;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || IsSpace(c)) return true;
  }
  return false;
}

const DataType& FieldType(const DataType& type, size_t i) {
  static const DataType kUnknown;
  return i < type.fields().size() ? *type.fields()[i].type : kUnknown;
}

}  // namespace

void AppendStruct(const Value& v, const DataType& type, std::string* out) {
  out->push_back('(');
  const std::vector<Value>& fields = v.as_struct();
  std::string tmp;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    if (fields[i].is_null()) continue;
    tmp.clear();
    AppendValue(fields[i], FieldType(type, i), &tmp);
    if (!StructFieldNeedsQuotes(tmp)) {
      out->append(tmp);
      continue;
    }
    out->push_back('"');
    for (char c : tmp) {
      if (c == '"' || c == '\\') out->push_back(c);  // doubled, as record_out does
      out->push_back(c);
    }
    out->push_back('"');
  }
  out->push_back(')');
}

void AppendList(const Value& v, const DataType& type, std::string* out) {
  static const DataType kUnknown;
  const DataType& element = type.id() == TypeId::kList ? type.element() : kUnknown;
  out->push_back('{');
  const std::vector<Value>& elements = v.as_list();
  std::string tmp;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out->push_back(',');
    const Value& e = elements[i];
    if (e.is_null()) {
      out->append("NULL");
      continue;
    }
    if (e.holds<ListValue>()) {  // a sub-array is written in place, unquoted
      AppendList(e, element, out);
      continue;
    }
    tmp.clear();
    AppendValue(e, element, &tmp);
    if (!ArrayElementNeedsQuotes(tmp)) {
      out->append(tmp);
      continue;
    }
    out->push_back('"');
    for (char c : tmp) {
      if (c == '"' || c == '\\') out->push_back('\\');
      out->push_back(c);
    }
    out->push_back('"');
  }
  out->push_back('}');
}

// ---------------------------------------------------------------------------------------------

namespace {

Status Malformed(const char* what, std::string_view text, const char* detail) {
  std::string msg = "malformed ";
  msg.append(what);
  msg.append(" literal: \"");
  msg.append(text);
  msg.append("\" (");
  msg.append(detail);
  msg.push_back(')');
  return Status::Sql("22P02", std::move(msg));
}

constexpr int kMaxListDepth = 64;

class ListReader {
 public:
  explicit ListReader(std::string_view text) : text_(text) {}

  Result<Value> Read(const DataType& type) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '[') DS_RETURN_IF_ERROR(SkipDimensions());
    if (pos_ >= text_.size() || text_[pos_] != '{') {
      return Error("array value must start with \"{\" or dimension information");
    }
    DS_ASSIGN_OR_RETURN(Value v, ReadList(type, 0));
    SkipSpace();
    if (pos_ != text_.size()) return Error("junk after closing right brace");
    return v;
  }

 private:
  Status Error(const char* detail) const { return Malformed("array", text_, detail); }
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_]))
      ++pos_;
  }

  // "[1:3][1:2]=": PostgreSQL's explicit bounds; accepted and ignored (lists are 1-based).
  Status SkipDimensions() {
    while (pos_ < text_.size() && text_[pos_] == '[') {
      size_t close = text_.find(']', pos_);
      if (close == std::string_view::npos) return Error("missing \"]\" in array dimensions");
      pos_ = close + 1;
    }
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '=') {
      return Error("missing \"=\" after array dimensions");
    }
    ++pos_;
    SkipSpace();
    return Status::OK();
  }

  // At '{'.
  Result<Value> ReadList(const DataType& type, int depth) {
    if (depth > kMaxListDepth) return Error("nested too deeply");
    if (type.id() != TypeId::kList) return Error("unexpected \"{\" character");
    const DataType& element = type.element();
    ++pos_;
    std::vector<Value> out;
    // Room for the elements up to the first '}' (all of them in a flat array), so that the
    // vector is allocated once; bounded, since a long text may hold commas inside strings.
    constexpr size_t kMaxReserve = 64;
    size_t commas = 0;
    for (size_t i = pos_; i < text_.size() && text_[i] != '}' && commas < kMaxReserve; ++i)
      commas += text_[i] == ',';
    out.reserve(commas + 1);
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return Value::List(std::move(out));
    }
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unexpected end of input");
      char c = text_[pos_];
      if (c == '{') {
        DS_ASSIGN_OR_RETURN(Value sub, ReadList(element, depth + 1));
        out.push_back(std::move(sub));
      } else if (c == ',' || c == '}') {
        return c == ',' ? Error("unexpected \",\" character") : Error("unexpected \"}\" character");
      } else {
        DS_ASSIGN_OR_RETURN(Value e, ReadElement(element));
        out.push_back(std::move(e));
      }
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unexpected end of input");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        return Value::List(std::move(out));
      }
      return Error("unexpected array element");
    }
  }

  Result<Value> ReadElement(const DataType& element) {
    // The common case, an unquoted element without backslashes, is parsed in place.
    if (text_[pos_] != '"') {
      size_t end = pos_;
      while (end < text_.size()) {
        char c = text_[end];
        if (c == ',' || c == '}' || c == '\\' || c == '{' || c == '"') break;
        ++end;
      }
      if (end < text_.size() && text_[end] != '\\' && text_[end] != '{' && text_[end] != '"') {
        std::string_view s = text_.substr(pos_, end - pos_);
        while (!s.empty() && IsSpace(s.back()))
          s.remove_suffix(1);
        pos_ = end;
        if (IsNullWord(s)) return Value();
        return ParseValue(s, element);
      }
    }
    std::string s;
    bool quoted = false, escaped = false;
    if (text_[pos_] == '"') {
      quoted = true;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) return Error("unexpected end of input");
        char c = text_[pos_++];
        if (c == '"') break;
        if (c == '\\') {
          if (pos_ >= text_.size()) return Error("unexpected end of input");
          c = text_[pos_++];
        }
        s.push_back(c);
      }
    } else {
      size_t keep = 0;  // length up to the last character that is not trailing whitespace
      while (pos_ < text_.size()) {
        char c = text_[pos_];
        if (c == ',' || c == '}') break;
        if (c == '{' || c == '"') return Error("unexpected array element");
        ++pos_;
        if (c == '\\') {
          if (pos_ >= text_.size()) return Error("unexpected end of input");
          s.push_back(text_[pos_++]);
          escaped = true;
          keep = s.size();
          continue;
        }
        s.push_back(c);
        if (!IsSpace(c)) keep = s.size();
      }
      s.resize(keep);
    }
    if (!quoted && !escaped && IsNullWord(s)) return Value();
    return ParseValue(s, element);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<Value> ParseList(std::string_view text, const DataType& type) {
  return ListReader(text).Read(type);
}

Result<Value> ParseStruct(std::string_view text, const DataType& type) {
  auto error = [&](const char* detail) { return Malformed("record", text, detail); };
  size_t pos = 0;
  while (pos < text.size() && IsSpace(text[pos]))
    ++pos;
  if (pos >= text.size() || text[pos] != '(') return error("missing left parenthesis");
  ++pos;
  const auto& fields = type.fields();
  std::vector<Value> out;
  out.reserve(fields.size());
  std::string s;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
      } else {
        return error("too few columns");
      }
    }
    if (pos < text.size() && (text[pos] == ',' || text[pos] == ')')) {
      out.emplace_back();  // an empty field is NULL
      continue;
    }
    // The common case, a field without quotes or backslashes, is parsed in place.
    size_t end = pos;
    while (end < text.size() && text[end] != ',' && text[end] != ')' && text[end] != '"' &&
           text[end] != '\\')
      ++end;
    if (end < text.size() && (text[end] == ',' || text[end] == ')')) {
      DS_ASSIGN_OR_RETURN(Value v, ParseValue(text.substr(pos, end - pos), *fields[i].type));
      out.push_back(std::move(v));
      pos = end;
      continue;
    }
    s.clear();
    bool in_quotes = false;
    while (true) {
      if (pos >= text.size()) return error("unexpected end of input");
      char c = text[pos];
      if (!in_quotes && (c == ',' || c == ')')) break;
      ++pos;
      if (c == '\\') {
        if (pos >= text.size()) return error("unexpected end of input");
        s.push_back(text[pos++]);
      } else if (c == '"') {
        if (!in_quotes) {
          in_quotes = true;
        } else if (pos < text.size() && text[pos] == '"') {
          s.push_back('"');  // "" inside quotes is a quote
          ++pos;
        } else {
          in_quotes = false;
        }
      } else {
        s.push_back(c);
      }
    }
    DS_ASSIGN_OR_RETURN(Value v, ParseValue(s, *fields[i].type));
    out.push_back(std::move(v));
  }
  if (pos >= text.size()) return error("unexpected end of input");
  if (text[pos] != ')') return error(text[pos] == ',' ? "too many columns" : "too few columns");
  ++pos;
  while (pos < text.size() && IsSpace(text[pos]))
    ++pos;
  if (pos != text.size()) return error("junk after right parenthesis");
  return Value::Struct(std::move(out));
}

}  // namespace dynasink::types::text
