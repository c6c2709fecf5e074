// String functions: lower, upper, length, concat, substr, trim, replace, position, ...
#include <algorithm>

#include "exec/function_table.h"
#include "exec/like.h"
#include "types/text_format.h"

namespace dynasink::exec::internal {

namespace {

using types::DataType;
using types::TypeId;
using types::Value;

constexpr TypeId kText = TypeId::kVarchar;
constexpr TypeId kInt = TypeId::kInt32;

// Text of any value as its output function prints it (concat() and || use this).
void AppendText(const Value& v, const DataType& t, std::string* out) {
  if (v.holds<std::string>()) {
    out->append(v.as_string());
  } else {
    types::AppendValue(v, t, out);
  }
}

Status Lower(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Varchar(FoldCase(a[0]->as_string()));
  return Status::OK();
}
Status Upper(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Varchar(FoldCase(a[0]->as_string(), /*to_upper=*/true));
  return Status::OK();
}
Status CharLength(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Int32(static_cast<int32_t>(Utf8Count(a[0]->as_string())));
  return Status::OK();
}
Status ByteLength(const CallContext&, const Value* const* a, Value* out) {
  size_t n = a[0]->holds<types::Bytes>() ? a[0]->as_bytes().size() : a[0]->as_string().size();
  *out = Value::Int32(static_cast<int32_t>(n));
  return Status::OK();
}

// substr(s, start [, count]) with PostgreSQL's rules: characters before position 1 are counted
// but not returned (substr('hello', 0, 3) is 'he'); a negative count is an error.
Status Substr(const CallContext& call, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  int64_t start = a[1]->as_int32();
  int64_t end = INT64_MAX;
  if (call.arg_types.size() == 3) {
    int64_t count = a[2]->as_int32();
    if (count < 0) return Status::Sql("22011", "negative substring length not allowed");
    end = start + count;
  }
  int64_t from = std::max<int64_t>(start, 1);
  if (end <= from) {
    *out = Value::Varchar("");
    return Status::OK();
  }
  size_t b = Utf8Offset(s, static_cast<size_t>(from - 1));
  size_t e = end == INT64_MAX ? s.size() : Utf8Offset(s, static_cast<size_t>(end - 1));
  *out = Value::Varchar(s.substr(b, e - b));
  return Status::OK();
}

// concat(any...): NULLs are skipped.
Status Concat(const CallContext& call, const Value* const* a, Value* out) {
  std::string r;
  for (size_t i = 0; i < call.arg_types.size(); ++i) {
    if (!a[i]->is_null()) AppendText(*a[i], call.arg_types[i], &r);
  }
  *out = Value::Varchar(std::move(r));
  return Status::OK();
}

// concat_ws(sep, any...): a NULL separator gives NULL; NULL values are skipped.
Status ConcatWs(const CallContext& call, const Value* const* a, Value* out) {
  if (a[0]->is_null()) {
    *out = Value();
    return Status::OK();
  }
  std::string r;
  bool first = true;
  for (size_t i = 1; i < call.arg_types.size(); ++i) {
    if (a[i]->is_null()) continue;
    if (!first) r.append(a[0]->as_string());
    first = false;
    AppendText(*a[i], call.arg_types[i], &r);
  }
  *out = Value::Varchar(std::move(r));
  return Status::OK();
}

Result<ResolvedFunction> ResolveConcat(std::string_view name, const std::vector<DataType>& args) {
  bool ws = name == "concat_ws";
  if (args.empty() || (ws && args.size() < 2)) return NoSuchFunction(name, args);
  std::vector<DataType> types;
  for (size_t i = 0; i < args.size(); ++i) {
    // Unknown arguments (and the separator) are text.
    types.push_back(args[i].id() == TypeId::kUnknown || (ws && i == 0) ? DataType(kText) : args[i]);
  }
  return Resolved(std::string(name), ws ? ConcatWs : Concat, std::move(types), kText,
                  /*strict=*/false);
}

Status Replace(const CallContext&, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  const std::string& from = a[1]->as_string();
  const std::string& to = a[2]->as_string();
  if (from.empty()) {
    *out = *a[0];
    return Status::OK();
  }
  std::string r;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    r.append(s, pos, hit - pos);
    r.append(to);
  }
  r.append(s, pos, std::string::npos);
  *out = Value::Varchar(std::move(r));
  return Status::OK();
}

// position(sub IN s) / strpos(s, sub): 1-based character position, 0 when absent.
Status StrPos(const CallContext&, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  size_t hit = s.find(a[1]->as_string());
  *out = Value::Int32(hit == std::string::npos
                          ? 0
                          : static_cast<int32_t>(Utf8Count(std::string_view(s).substr(0, hit)) + 1));
  return Status::OK();
}

// trim family: `chars` is a set of characters (default a space).
enum class TrimSide { kBoth, kLeading, kTrailing };
template <TrimSide side>
Status Trim(const CallContext& call, const Value* const* a, Value* out) {
  std::string_view s = a[0]->as_string();
  std::string_view chars = call.arg_types.size() == 2 ? std::string_view(a[1]->as_string()) : " ";
  // Characters of `chars` as UTF-8 sequences.
  auto starts_with_one = [&](std::string_view text, bool at_end) -> size_t {
    for (size_t i = 0; i < chars.size();) {
      size_t n = Utf8Offset(chars.substr(i), 1);
      std::string_view c = chars.substr(i, n);
      if (!at_end && text.substr(0, c.size()) == c) return c.size();
      if (at_end && text.size() >= c.size() && text.substr(text.size() - c.size()) == c) {
        return c.size();
      }
      i += n;
    }
    return 0;
  };
  if (side != TrimSide::kTrailing) {
    for (size_t n; !s.empty() && (n = starts_with_one(s, false)) > 0;) s.remove_prefix(n);
  }
  if (side != TrimSide::kLeading) {
    for (size_t n; !s.empty() && (n = starts_with_one(s, true)) > 0;) s.remove_suffix(n);
  }
  *out = Value::Varchar(std::string(s));
  return Status::OK();
}

Status Left(const CallContext&, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  int64_t n = a[1]->as_int32();
  int64_t len = static_cast<int64_t>(Utf8Count(s));
  int64_t keep = n >= 0 ? std::min(n, len) : std::max<int64_t>(len + n, 0);
  *out = Value::Varchar(s.substr(0, Utf8Offset(s, static_cast<size_t>(keep))));
  return Status::OK();
}
Status Right(const CallContext&, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  int64_t n = a[1]->as_int32();
  int64_t len = static_cast<int64_t>(Utf8Count(s));
  int64_t keep = n >= 0 ? std::min(n, len) : std::max<int64_t>(len + n, 0);
  *out = Value::Varchar(s.substr(Utf8Offset(s, static_cast<size_t>(len - keep))));
  return Status::OK();
}

Status Repeat(const CallContext&, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  int64_t n = std::max<int64_t>(a[1]->as_int32(), 0);
  if (static_cast<double>(s.size()) * static_cast<double>(n) > (1 << 30)) {
    return Status::Sql("54000", "requested length too large");
  }
  std::string r;
  r.reserve(s.size() * static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) r.append(s);
  *out = Value::Varchar(std::move(r));
  return Status::OK();
}

Status Reverse(const CallContext&, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  std::string r;
  r.reserve(s.size());
  size_t end = s.size();
  while (end > 0) {
    size_t begin = end - 1;
    while (begin > 0 && (static_cast<unsigned char>(s[begin]) & 0xC0) == 0x80) --begin;
    r.append(s, begin, end - begin);
    end = begin;
  }
  *out = Value::Varchar(std::move(r));
  return Status::OK();
}

template <bool left>
Status Pad(const CallContext& call, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  int64_t target = a[1]->as_int32();
  std::string fill = call.arg_types.size() == 3 ? a[2]->as_string() : " ";
  if (target > (1 << 28)) return Status::Sql("54000", "requested length too large");
  int64_t len = static_cast<int64_t>(Utf8Count(s));
  if (target <= len || fill.empty()) {
    size_t keep = Utf8Offset(s, static_cast<size_t>(std::max<int64_t>(target, 0)));
    *out = Value::Varchar(s.substr(0, keep));
    return Status::OK();
  }
  std::string pad;
  size_t fill_chars = Utf8Count(fill);
  for (int64_t i = 0; i < target - len; ++i) {
    size_t k = static_cast<size_t>(i) % fill_chars;
    size_t b = Utf8Offset(fill, k);
    pad.append(fill, b, Utf8Offset(fill, k + 1) - b);
  }
  *out = Value::Varchar(left ? pad + s : s + pad);
  return Status::OK();
}

Status SplitPart(const CallContext&, const Value* const* a, Value* out) {
  const std::string& s = a[0]->as_string();
  const std::string& delim = a[1]->as_string();
  int64_t n = a[2]->as_int32();
  if (n == 0) return Status::Sql("22023", "field position must not be zero");
  std::vector<std::string_view> parts;
  if (delim.empty()) {
    parts.push_back(s);
  } else {
    size_t pos = 0;
    for (size_t hit; (hit = s.find(delim, pos)) != std::string::npos; pos = hit + delim.size()) {
      parts.push_back(std::string_view(s).substr(pos, hit - pos));
    }
    parts.push_back(std::string_view(s).substr(pos));
  }
  int64_t count = static_cast<int64_t>(parts.size());
  int64_t idx = n > 0 ? n - 1 : count + n;
  *out = Value::Varchar(idx >= 0 && idx < count ? std::string(parts[idx]) : std::string());
  return Status::OK();
}

Status StartsWith(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Boolean(std::string_view(a[0]->as_string()).starts_with(a[1]->as_string()));
  return Status::OK();
}

}  // namespace

void AddStringFunctions(FunctionTable* t) {
  (*t)["lower"].overloads = {{{kText}, kText, Lower}};
  (*t)["upper"].overloads = {{{kText}, kText, Upper}};
  for (const char* name : {"length", "char_length", "character_length"}) {
    (*t)[name].overloads = {{{kText}, kInt, CharLength}};
  }
  (*t)["length"].overloads.push_back({{TypeId::kBytea}, kInt, ByteLength});
  (*t)["octet_length"].overloads = {{{kText}, kInt, ByteLength},
                                    {{TypeId::kBytea}, kInt, ByteLength}};
  for (const char* name : {"substr", "substring"}) {
    (*t)[name].overloads = {{{kText, kInt}, kText, Substr}, {{kText, kInt, kInt}, kText, Substr}};
  }
  (*t)["concat"].resolver = ResolveConcat;
  (*t)["concat_ws"].resolver = ResolveConcat;
  (*t)["replace"].overloads = {{{kText, kText, kText}, kText, Replace}};
  for (const char* name : {"position", "strpos"}) {
    (*t)[name].overloads = {{{kText, kText}, kInt, StrPos}};
  }
  (*t)["btrim"].overloads = {{{kText}, kText, Trim<TrimSide::kBoth>},
                             {{kText, kText}, kText, Trim<TrimSide::kBoth>}};
  (*t)["trim"].overloads = (*t)["btrim"].overloads;
  (*t)["ltrim"].overloads = {{{kText}, kText, Trim<TrimSide::kLeading>},
                             {{kText, kText}, kText, Trim<TrimSide::kLeading>}};
  (*t)["rtrim"].overloads = {{{kText}, kText, Trim<TrimSide::kTrailing>},
                             {{kText, kText}, kText, Trim<TrimSide::kTrailing>}};
  (*t)["left"].overloads = {{{kText, kInt}, kText, Left}};
  (*t)["right"].overloads = {{{kText, kInt}, kText, Right}};
  (*t)["repeat"].overloads = {{{kText, kInt}, kText, Repeat}};
  (*t)["reverse"].overloads = {{{kText}, kText, Reverse}};
  (*t)["lpad"].overloads = {{{kText, kInt}, kText, Pad<true>}, {{kText, kInt, kText}, kText, Pad<true>}};
  (*t)["rpad"].overloads = {{{kText, kInt}, kText, Pad<false>},
                            {{kText, kInt, kText}, kText, Pad<false>}};
  (*t)["split_part"].overloads = {{{kText, kText, kInt}, kText, SplitPart}};
  (*t)["starts_with"].overloads = {{{kText, kText}, TypeId::kBoolean, StartsWith}};
}

}  // namespace dynasink::exec::internal
