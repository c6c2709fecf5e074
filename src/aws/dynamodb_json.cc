#include "aws/dynamodb_json.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>

#include <array>
#include <cstdint>
#include <iterator>

namespace dynasink::aws {
namespace {

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for alphabet characters, 64 for '=', 255 for anything else.
constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t)
    v = 255;
  for (int i = 0; i < 64; ++i)
    t[static_cast<uint8_t>(kBase64Alphabet[i])] = static_cast<uint8_t>(i);
  t['='] = 64;
  return t;
}
constexpr std::array<uint8_t, 256> kDecode = MakeDecodeTable();

rapidjson::SizeType Len(size_t n) {
  return static_cast<rapidjson::SizeType>(n);
}

void WriteString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), Len(s.size()));
}

// Writes B bytes as a JSON string of base64 text. Base64 never needs JSON escaping, so the
// quoted text goes out raw, skipping the writer's per-character escape scan.
void WriteBase64(JsonWriter& w, std::string_view bytes) {
  thread_local std::string scratch;
  scratch.clear();
  scratch.push_back('"');
  Base64Encode(bytes, &scratch);
  scratch.push_back('"');
  w.RawValue(scratch.data(), scratch.size(), rapidjson::kStringType);
}

void WriteStringSet(JsonWriter& w, const AttributeValue::StringSet& set, bool base64) {
  w.StartArray();
  for (const std::string& s : set) {
    if (base64) {
      WriteBase64(w, s);
    } else {
      WriteString(w, s);
    }
  }
  w.EndArray(Len(set.size()));
}

}  // namespace

void Base64Encode(std::string_view bytes, std::string* out) {
  const size_t start = out->size();
  out->resize(start + (bytes.size() + 2) / 3 * 4);
  char* p = out->data() + start;
  const auto* in = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t n = bytes.size();
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    *p++ = kBase64Alphabet[(v >> 18) & 63];
    *p++ = kBase64Alphabet[(v >> 12) & 63];
    *p++ = kBase64Alphabet[(v >> 6) & 63];
    *p++ = kBase64Alphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = uint32_t{in[i]} << 16;
    *p++ = kBase64Alphabet[(v >> 18) & 63];
    *p++ = kBase64Alphabet[(v >> 12) & 63];
    *p++ = '=';
    *p++ = '=';
  } else if (n - i == 2) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    *p++ = kBase64Alphabet[(v >> 18) & 63];
    *p++ = kBase64Alphabet[(v >> 12) & 63];
    *p++ = kBase64Alphabet[(v >> 6) & 63];
    *p++ = '=';
  }
}

bool Base64Decode(std::string_view text, std::string* out) {
  // Strip up to two '=' of padding; the rest must be alphabet characters.
  size_t len = text.size();
  if (len > 0 && text[len - 1] == '=') --len;
  if (len > 0 && text[len - 1] == '=') --len;
  if (len % 4 == 1) return false;
  if (text.size() != len && text.size() % 4 != 0) return false;  // padding only on full quads
  out->clear();
  out->reserve(len / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    uint8_t d = kDecode[static_cast<uint8_t>(text[i])];
    if (d >= 64) return false;
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, or the text was not produced by an encoder.
  return (acc & ((1u << bits) - 1)) == 0;
}

void WriteAttributeValue(JsonWriter& w, const AttributeValue& value) {
  using Type = AttributeValue::Type;
  w.StartObject();
  std::string_view name = TypeName(value.type());
  w.Key(name.data(), Len(name.size()));
  switch (value.type()) {
    case Type::kNull:
      w.Bool(true);
      break;
    case Type::kBool:
      w.Bool(value.boolean());
      break;
    case Type::kS:
    case Type::kN:
      WriteString(w, value.scalar());
      break;
    case Type::kB:
      WriteBase64(w, value.scalar());
      break;
    case Type::kM:
      WriteItem(w, value.map());
      break;
    case Type::kL:
      w.StartArray();
      for (const AttributeValue& v : value.list())
        WriteAttributeValue(w, v);
      w.EndArray(Len(value.list().size()));
      break;
    case Type::kSS:
    case Type::kNS:
      WriteStringSet(w, value.set(), /*base64=*/false);
      break;
    case Type::kBS:
      WriteStringSet(w, value.set(), /*base64=*/true);
      break;
  }
  w.EndObject(1);
}

void WriteItem(JsonWriter& w, const AttributeMap& item) {
  w.StartObject();
  for (const auto& [name, value] : item) {
    w.Key(name.data(), Len(name.size()));
    WriteAttributeValue(w, value);
  }
  w.EndObject(Len(item.size()));
}

namespace {

std::string_view View(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

Result<AttributeValue::StringSet> ParseStringSet(const rapidjson::Value& json,
                                                 std::string_view type, bool base64) {
  if (!json.IsArray()) {
    return Status::Corruption(fmt::format("{} value is not a JSON array", type));
  }
  AttributeValue::StringSet out;
  out.reserve(json.Size());
  for (const rapidjson::Value& member : json.GetArray()) {
    if (!member.IsString()) {
      return Status::Corruption(fmt::format("{} member is not a JSON string", type));
    }
    if (base64) {
      std::string bytes;
      if (!Base64Decode(View(member), &bytes)) {
        return Status::Corruption(fmt::format("{} member is not valid base64", type));
      }
      out.push_back(std::move(bytes));
    } else {
      out.emplace_back(View(member));
    }
  }
  return out;
}

// Context for errors inside nested values: 'a', 'a.b', 'a[2]'.
Status InAttribute(const Status& s, std::string_view path) {
  return s.WithContext(fmt::format("attribute '{}'", path));
}

Result<AttributeValue> ParseValueAt(const rapidjson::Value& json, std::string* path);

Result<AttributeMap> ParseMapAt(const rapidjson::Value& json, std::string* path) {
  if (!json.IsObject()) return Status::Corruption("item is not a JSON object");
  AttributeMap map;
  map.reserve(json.MemberCount());
  const size_t base = path->size();
  for (const auto& member : json.GetObject()) {
    if (base > 0) path->push_back('.');
    path->append(member.name.GetString(), member.name.GetStringLength());
    auto value = ParseValueAt(member.value, path);
    if (!value.ok()) return value.status();
    path->resize(base);
    map.Append(std::string(View(member.name)), std::move(value).value());
  }
  return map;
}

Result<AttributeValue> ParseValueAt(const rapidjson::Value& json, std::string* path) {
  auto fail = [&](std::string msg) -> Status {
    return InAttribute(Status::Corruption(std::move(msg)), path->empty() ? "?" : *path);
  };
  if (!json.IsObject() || json.MemberCount() != 1) {
    return fail("an attribute value must be a JSON object with exactly one type member");
  }
  const auto& member = *json.MemberBegin();
  std::string_view type = View(member.name);
  const rapidjson::Value& v = member.value;
  if (type == "S" || type == "N") {
    if (!v.IsString()) return fail(fmt::format("{} value is not a JSON string", type));
    return type == "S" ? AttributeValue::S(std::string(View(v)))
                       : AttributeValue::N(std::string(View(v)));
  }
  if (type == "B") {
    if (!v.IsString()) return fail("B value is not a JSON string");
    std::string bytes;
    if (!Base64Decode(View(v), &bytes)) return fail("B value is not valid base64");
    return AttributeValue::B(std::move(bytes));
  }
  if (type == "BOOL") {
    if (!v.IsBool()) return fail("BOOL value is not true or false");
    return AttributeValue::Bool(v.GetBool());
  }
  if (type == "NULL") {
    if (!v.IsBool() || !v.GetBool()) return fail("NULL value is not true");
    return AttributeValue::Null();
  }
  if (type == "M") {
    if (!v.IsObject()) return fail("M value is not a JSON object");
    auto map = ParseMapAt(v, path);
    if (!map.ok()) return map.status();
    return AttributeValue::M(std::move(map).value());
  }
  if (type == "L") {
    if (!v.IsArray()) return fail("L value is not a JSON array");
    AttributeValue::List list;
    list.reserve(v.Size());
    const size_t base = path->size();
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      fmt::format_to(std::back_inserter(*path), "[{}]", i);
      auto element = ParseValueAt(v[i], path);
      if (!element.ok()) return element.status();
      path->resize(base);
      list.push_back(std::move(element).value());
    }
    return AttributeValue::L(std::move(list));
  }
  if (type == "SS" || type == "NS" || type == "BS") {
    auto set = ParseStringSet(v, type, type == "BS");
    if (!set.ok()) return fail(set.status().message());
    if (type == "SS") return AttributeValue::SS(std::move(set).value());
    if (type == "NS") return AttributeValue::NS(std::move(set).value());
    return AttributeValue::BS(std::move(set).value());
  }
  return fail(fmt::format("unknown attribute type '{}'", type));
}

}  // namespace

Result<AttributeValue> ParseAttributeValue(const rapidjson::Value& json) {
  std::string path;
  return ParseValueAt(json, &path);
}

Result<AttributeMap> ParseItem(const rapidjson::Value& json) {
  std::string path;
  return ParseMapAt(json, &path);
}

Status ParseJsonDocument(std::string_view text, rapidjson::Document* doc) {
  doc->Parse(text.data(), text.size());
  if (doc->HasParseError()) {
    return Status::Corruption(fmt::format("malformed JSON at offset {}: {}", doc->GetErrorOffset(),
                                          rapidjson::GetParseError_En(doc->GetParseError())));
  }
  return Status::OK();
}

Result<AttributeMap> ParseItemJson(std::string_view text) {
  rapidjson::Document doc;
  DS_RETURN_IF_ERROR(ParseJsonDocument(text, &doc));
  return ParseItem(doc);
}

}  // namespace dynasink::aws
