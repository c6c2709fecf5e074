#include "connector/dynamodb/encoder.h"

#include <fmt/format.h>

#include <charconv>
#include <functional>

#include "aws/dynamodb_json.h"
#include "connector/dynamodb/value_rules.h"
#include "types/text_format.h"

namespace dynasink::connector::dynamodb {

namespace {

using types::DataType;
using types::TypeId;
using types::Value;

constexpr std::string_view kPutPrefix = R"({"PutRequest":{"Item":{)";
constexpr std::string_view kDeletePrefix = R"({"DeleteRequest":{"Key":{)";
constexpr std::string_view kSuffix = "}}}";

// The DynamoDB scalar type a key column is written as, or 0 when the column cannot be a key.
char KeyTypeOf(const DataType& type) {
  switch (type.id()) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kSerial:
    case TypeId::kDecimal:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return 'N';
    case TypeId::kVarchar:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
    case TypeId::kInterval:
    case TypeId::kJsonb:
      return 'S';
    case TypeId::kBytea:
      return 'B';
    default:
      return 0;
  }
}

void AppendQuotedName(std::string_view name, std::string* out) {
  out->push_back('"');
  AppendJsonEscaped(name, out);
  out->append("\":");
}

// One step of the path to a nested value, for messages: a struct field or a list index. The
// steps live on the stack of the nested EncodeValue() calls, each pointing to its parent, so
// that following the path costs nothing until a message needs it.
struct PathStep {
  const std::string* field = nullptr;
  size_t index = 0;
  const PathStep* parent = nullptr;
};

// The state of one Encode() call. Lives in a thread_local so that its buffers are reused.
struct EncodeState {
  std::string* out = nullptr;
  std::string scratch;  // jsonb text
  std::vector<std::string> key_parts;
  const PathStep* path = nullptr;  // the innermost step of the value being encoded
  // The first rule broken, if any.
  bool failed = false;
  int failed_column = -1;
  std::string failed_path;  // e.g. "tags[2].a"
  std::string reason;
  size_t largest_column_size = 0;
  int largest_column = -1;

  void Reset(std::string* buffer, size_t keys) {
    out = buffer;
    if (key_parts.size() < keys) key_parts.resize(keys);
    for (size_t i = 0; i < keys; ++i)
      key_parts[i].clear();
    path = nullptr;
    failed = false;
    failed_column = -1;
    failed_path.clear();
    reason.clear();
    largest_column_size = 0;
    largest_column = -1;
  }

  // Records the first broken rule; later ones are dropped (one reason per change is enough).
  void Fail(int column, const std::string& column_name, std::string why) {
    if (failed) return;
    failed = true;
    failed_column = column;
    failed_path = column_name;
    std::vector<const PathStep*> steps;  // innermost first
    for (const PathStep* step = path; step != nullptr; step = step->parent)
      steps.push_back(step);
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      if ((*it)->field != nullptr) {
        failed_path += '.';
        failed_path += *(*it)->field;
      } else {
        failed_path += fmt::format("[{}]", (*it)->index + 1);  // SQL arrays are 1-based
      }
    }
    reason = std::move(why);
  }
};

EncodeState& State() {
  thread_local EncodeState state;
  return state;
}

// The text of a value for a message, e.g. 'abc' or 1e+200.
std::string ValueForMessage(const Value& v, const DataType& type) {
  if (v.is_null()) return "NULL";
  std::string text = types::FormatValue(v, type);
  if (v.holds<std::string>() || v.holds<types::Bytes>()) {
    return "'" + ShortValueText(text) + "'";
  }
  return ShortValueText(text);
}

// Appends `number_text`'s N value (already in `out`, starting at `start`) checks and key part.
size_t FinishNumber(EncodeState& st, size_t start, int column, const std::string& name,
                    std::string* key_part) {
  std::string_view text(st.out->data() + start, st.out->size() - start);
  NumberInfo info = AnalyzeNumber(text);
  std::string why = CheckNumber(info, text);
  if (!why.empty()) st.Fail(column, name, std::move(why));
  if (key_part != nullptr) AppendCanonicalNumber(info, text, key_part);
  return NumberSize(info);
}

// Appends the JSON of `v` ({"S":...}, {"M":{...}}, ...) and returns its DynamoDB size. A broken
// rule is recorded in `st` and the value still written, as well as it can be, for the error
// table. `key_part`, when not null, receives the value's canonical key bytes (scalars only).
size_t EncodeValue(const Value& v, const DataType& type, int depth, int column,
                   const std::string& name, EncodeState& st, std::string* key_part) {
  std::string* out = st.out;
  if (v.is_null()) {
    out->append(R"({"NULL":true})");
    return 1;
  }
  if (v.holds<bool>()) {
    out->append(v.as_bool() ? R"({"BOOL":true})" : R"({"BOOL":false})");
    return 1;
  }
  if (v.holds<int16_t>() || v.holds<int32_t>() || v.holds<int64_t>()) {
    out->append(R"({"N":")");
    size_t start = out->size();
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof(buf), v.as_integer());
    out->append(buf, static_cast<size_t>(res.ptr - buf));
    size_t size = FinishNumber(st, start, column, name, key_part);
    out->append("\"}");
    return size;
  }
  if (v.holds<types::Decimal>() || v.holds<float>() || v.holds<double>()) {
    out->append(R"({"N":")");
    size_t start = out->size();
    types::AppendValue(v, type, out);
    size_t size = FinishNumber(st, start, column, name, key_part);
    out->append("\"}");
    return size;
  }
  if (v.holds<std::string>()) {
    const std::string& s = v.as_string();
    out->append(R"({"S":")");
    if (!AppendJsonEscaped(s, out)) {
      st.Fail(column, name,
              fmt::format("{} is not valid UTF-8, which DynamoDB strings must be",
                          ValueForMessage(v, type)));
    }
    out->append("\"}");
    if (key_part != nullptr) key_part->append(s);
    return s.size();
  }
  if (v.holds<types::Bytes>()) {
    const std::string& b = v.as_bytes();
    out->append(R"({"B":")");
    aws::Base64Encode(b, out);
    out->append("\"}");
    if (key_part != nullptr) key_part->append(b);
    return b.size();
  }
  if (v.holds<types::Jsonb>()) {
    st.scratch.clear();
    v.as_jsonb().AppendTo(&st.scratch);
    out->append(R"({"S":")");
    if (!AppendJsonEscaped(st.scratch, out)) {
      st.Fail(column, name, "the jsonb text is not valid UTF-8, which DynamoDB strings must be");
    }
    out->append("\"}");
    if (key_part != nullptr) key_part->append(st.scratch);
    return st.scratch.size();
  }
  if (v.holds<types::StructValue>() || v.holds<types::ListValue>()) {
    const bool is_struct = v.holds<types::StructValue>();
    if (depth >= kMaxNestingDepth) {
      st.Fail(column, name,
              fmt::format("the value is nested more than {} levels deep, DynamoDB's limit for "
                          "maps and lists",
                          kMaxNestingDepth));
    }
    size_t size = 3;
    if (is_struct) {
      const auto& values = v.as_struct();
      const auto& fields = type.fields();
      out->append(R"({"M":{)");
      if (values.size() != fields.size()) {
        st.Fail(column, name,
                fmt::format("the struct value has {} fields but its type {} has {}", values.size(),
                            type.ToString(), fields.size()));
      }
      size_t n = std::min(values.size(), fields.size());
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        AppendQuotedName(fields[i].name, out);
        const PathStep step{&fields[i].name, 0, st.path};
        st.path = &step;
        size += fields[i].name.size() + 1 +
                EncodeValue(values[i], *fields[i].type, depth + 1, column, name, st, nullptr);
        st.path = step.parent;
      }
      out->append("}}");
    } else {
      const auto& elements = v.as_list();
      const DataType& element_type = type.id() == TypeId::kList ? type.element() : type;
      out->append(R"({"L":[)");
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out->push_back(',');
        const PathStep step{nullptr, i, st.path};
        st.path = &step;
        size += 1 + EncodeValue(elements[i], element_type, depth + 1, column, name, st, nullptr);
        st.path = step.parent;
      }
      out->append("]}");
    }
    return size;
  }
  // date, time, timestamp, timestamptz, interval: ASCII texts without characters JSON escapes.
  out->append(R"({"S":")");
  size_t start = out->size();
  types::AppendValue(v, type, out);
  size_t size = out->size() - start;
  if (key_part != nullptr) key_part->append(out->data() + start, size);
  out->append("\"}");
  return size;
}

void AppendKeyPart(char tag, std::string_view bytes, std::string* out) {
  out->push_back(tag);
  uint32_t n = static_cast<uint32_t>(bytes.size());
  char len[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                 static_cast<char>((n >> 16) & 0xff), static_cast<char>(n >> 24)};
  out->append(len, 4);
  out->append(bytes);
}

std::string QuoteForKeyText(std::string_view text) {
  std::string out = "'";
  for (char c : ShortValueText(text, 64)) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace

std::string_view ItemJsonOf(std::string_view json) {
  std::string_view prefix = json.starts_with(kPutPrefix) ? kPutPrefix : kDeletePrefix;
  // The prefix ends with the item's opening brace; the suffix "}}" closes the request.
  if (json.size() < prefix.size() + 2) return json;
  return json.substr(prefix.size() - 1, json.size() - prefix.size() - 1);
}

Result<std::unique_ptr<ItemEncoder>> ItemEncoder::Create(
    std::string sink_name, std::string table, const SinkSchema& schema,
    const std::vector<std::string>& primary_key) {
  auto enc = std::unique_ptr<ItemEncoder>(new ItemEncoder());
  enc->sink_name_ = std::move(sink_name);
  enc->table_ = std::move(table);
  if (schema.names.size() != schema.types.size()) {
    return Status::Internal("sink schema has different numbers of names and types");
  }
  for (size_t i = 0; i < schema.names.size(); ++i) {
    Column c;
    c.name = schema.names[i];
    c.type = schema.types[i];
    c.name_bytes = c.name.size();
    AppendQuotedName(c.name, &c.json_prefix);
    if (!IsValidUtf8(c.name) || c.name.empty()) {
      return Status::InvalidArgument(fmt::format(
          "column name '{}' cannot be a DynamoDB attribute name (it must be non-empty UTF-8)",
          ShortValueText(c.name)));
    }
    enc->columns_.push_back(std::move(c));
  }
  for (const std::string& key : primary_key) {
    int index = schema.Find(key);
    if (index < 0) {
      return Status::InvalidArgument(fmt::format(
          "Sink primary key column not found: {}. Please use ',' as the delimiter for different "
          "primary key columns.",
          key));
    }
    Column& c = enc->columns_[index];
    if (KeyTypeOf(c.type) == 0) {
      return Status::InvalidArgument(fmt::format(
          "primary key column {} has type {}, which cannot be part of a DynamoDB key: key "
          "attributes are strings (S), numbers (N) or binary (B); use a column of another type, "
          "or cast it in the sink query (e.g. {}::varchar)",
          key, c.type.ToString(), key));
    }
    c.key_position = static_cast<int>(enc->key_columns_.size());
    enc->key_columns_.push_back(index);
    enc->key_names_.push_back(key);
    enc->key_limits_.push_back(kMaxPartitionKeyBytes);
  }
  return enc;
}

void ItemEncoder::SetSortKeyColumns(const std::vector<bool>& is_sort_key) {
  for (size_t i = 0; i < key_limits_.size() && i < is_sort_key.size(); ++i) {
    key_limits_[i] = is_sort_key[i] ? kMaxSortKeyBytes : kMaxPartitionKeyBytes;
  }
}

bool ItemEncoder::Encode(ChangeOp op, const types::Row& row, EncodedChange* out) const {
  EncodeState& st = State();
  out->buf.clear();
  out->rejection.reset();
  out->op = op;
  st.Reset(&out->buf, key_columns_.size());
  std::string& buf = out->buf;

  if (row.size() != columns_.size()) {
    st.Fail(-1, "",
            fmt::format("the row has {} values but the sink has {} columns", row.size(),
                        columns_.size()));
  }
  size_t item_size = 0;
  auto encode_column = [&](size_t i) {
    const Column& c = columns_[i];
    std::string* key_part = c.key_position >= 0 ? &st.key_parts[c.key_position] : nullptr;
    size_t size =
        c.name_bytes + EncodeValue(row[i], c.type, 0, static_cast<int>(i), c.name, st, key_part);
    if (size > st.largest_column_size) {
      st.largest_column_size = size;
      st.largest_column = static_cast<int>(i);
    }
    item_size += size;
  };
  if (op == ChangeOp::kUpsert) {
    buf.append(kPutPrefix);
    size_t n = std::min(row.size(), columns_.size());
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) buf.push_back(',');
      buf.append(columns_[i].json_prefix);
      encode_column(i);
    }
  } else {
    buf.append(kDeletePrefix);
    for (size_t k = 0; k < key_columns_.size(); ++k) {
      size_t i = static_cast<size_t>(key_columns_[k]);
      if (i >= row.size()) break;
      if (k > 0) buf.push_back(',');
      buf.append(columns_[i].json_prefix);
      encode_column(i);
    }
  }
  buf.append(kSuffix);
  out->json_len = static_cast<uint32_t>(buf.size());
  out->item_size = static_cast<uint32_t>(std::min<size_t>(item_size, UINT32_MAX));

  // Key rules: not NULL, not empty, within the size limit. The key is kept even when another
  // column breaks a rule, so that a held rejection can be matched with later changes to its key.
  bool keys_ok = row.size() == columns_.size();
  for (size_t k = 0; k < key_columns_.size() && keys_ok; ++k) {
    size_t i = static_cast<size_t>(key_columns_[k]);
    const Column& c = columns_[i];
    const Value& v = row[i];
    char tag = KeyTypeOf(c.type);
    if (st.failed && st.failed_column == static_cast<int>(i)) {
      keys_ok = false;
    } else if (v.is_null()) {
      st.Fail(static_cast<int>(i), c.name,
              "the key attribute is NULL; DynamoDB items need a value for every key attribute");
      keys_ok = false;
    } else if (tag != 'N' && st.key_parts[k].empty()) {
      st.Fail(static_cast<int>(i), c.name,
              fmt::format("the key attribute is an empty {}; DynamoDB key values must not be "
                          "empty",
                          tag == 'S' ? "string" : "binary"));
      keys_ok = false;
    } else if (tag != 'N' && st.key_parts[k].size() > key_limits_[k]) {
      st.Fail(static_cast<int>(i), c.name,
              fmt::format("the key value is {} bytes; DynamoDB allows at most {} bytes for a {} "
                          "key value",
                          st.key_parts[k].size(), key_limits_[k],
                          key_limits_[k] == kMaxSortKeyBytes ? "sort" : "partition"));
      keys_ok = false;
    }
  }
  if (!st.failed && item_size > kMaxItemSize) {
    st.Fail(
        -1, "",
        fmt::format("the item is {} bytes by DynamoDB's size rule (largest column: {}, {} "
                    "bytes); DynamoDB items are at most {} bytes (400 KB)",
                    item_size, st.largest_column >= 0 ? columns_[st.largest_column].name : "none",
                    st.largest_column_size, kMaxItemSize));
  }

  // The canonical key, after the JSON: per key attribute its type, length and bytes.
  out->key_hash = 0;
  if (keys_ok) {
    for (size_t k = 0; k < key_columns_.size(); ++k) {
      AppendKeyPart(KeyTypeOf(columns_[key_columns_[k]].type), st.key_parts[k], &buf);
    }
    out->key_hash = std::hash<std::string_view>()(out->key());
  }
  if (st.failed) {
    auto r = std::make_unique<SinkRejection>();
    r->sink = sink_name_;
    r->op = op;
    r->key = KeyTextOfRow(row);
    r->item = std::string(ItemJsonOf(out->json()));
    r->key_json = KeyJsonOfItemJson(r->item);
    r->error_type = "InvalidValue";
    if (st.failed_column >= 0) {
      const Column& c = columns_[st.failed_column];
      r->column = st.failed_path;
      r->reason = fmt::format(
          "sink {}: cannot write the {} of key ({}) to DynamoDB table {}: column {} ({}) value {}: "
          "{}",
          sink_name_, op == ChangeOp::kDelete ? "delete" : "row", r->key, table_, st.failed_path,
          c.type.ToString(), ValueForMessage(row[st.failed_column], c.type), st.reason);
    } else {
      r->reason = fmt::format("sink {}: cannot write the {} of key ({}) to DynamoDB table {}: {}",
                              sink_name_, op == ChangeOp::kDelete ? "delete" : "row", r->key,
                              table_, st.reason);
    }
    out->rejection = std::move(r);
    return false;
  }

  return true;
}

std::string ItemEncoder::KeyJsonOfItemJson(std::string_view item_json) const {
  auto item = aws::ParseItemJson(item_json);
  if (!item.ok()) return std::string(item_json);
  aws::Item key;
  for (const std::string& name : key_names_) {
    if (const aws::AttributeValue* v = item->Find(name)) key.Append(name, *v);
  }
  aws::JsonBuffer buffer;
  aws::JsonWriter writer(buffer);
  aws::WriteItem(writer, key);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool ItemEncoder::CanonicalKeyOf(const aws::Item& item, std::string* out) const {
  out->clear();
  std::string part;
  for (size_t k = 0; k < key_columns_.size(); ++k) {
    const aws::AttributeValue* v = item.Find(key_names_[k]);
    if (v == nullptr) return false;
    char tag = KeyTypeOf(columns_[key_columns_[k]].type);
    part.clear();
    switch (v->type()) {
      case aws::AttributeValue::Type::kN: {
        NumberInfo info = AnalyzeNumber(v->scalar());
        AppendCanonicalNumber(info, v->scalar(), &part);
        break;
      }
      case aws::AttributeValue::Type::kS:
      case aws::AttributeValue::Type::kB:
        part = v->scalar();
        break;
      default:
        return false;
    }
    AppendKeyPart(tag, part, out);
  }
  return true;
}

std::string ItemEncoder::KeyTextOfItem(const aws::Item& item) const {
  std::string out;
  for (size_t k = 0; k < key_names_.size(); ++k) {
    if (k > 0) out += ", ";
    out += key_names_[k];
    out += '=';
    const aws::AttributeValue* v = item.Find(key_names_[k]);
    if (v == nullptr || v->is_null()) {
      out += "NULL";
    } else if (v->is_n()) {
      out += ShortValueText(v->scalar(), 64);
    } else if (v->is_s()) {
      out += QuoteForKeyText(v->scalar());
    } else if (v->is_b()) {
      std::string hex = "\\x";
      for (unsigned char c : v->scalar())
        hex += fmt::format("{:02x}", c);
      out += QuoteForKeyText(hex);
    } else {
      out += v->ToJson();
    }
  }
  return out;
}

std::string ItemEncoder::KeyTextOfRow(const types::Row& row) const {
  std::string out;
  for (size_t k = 0; k < key_columns_.size(); ++k) {
    if (k > 0) out += ", ";
    size_t i = static_cast<size_t>(key_columns_[k]);
    out += key_names_[k];
    out += '=';
    if (i >= row.size() || row[i].is_null()) {
      out += "NULL";
      continue;
    }
    std::string text = types::FormatValue(row[i], columns_[i].type);
    out += KeyTypeOf(columns_[i].type) == 'N' ? ShortValueText(text, 64) : QuoteForKeyText(text);
  }
  return out;
}

}  // namespace dynasink::connector::dynamodb
