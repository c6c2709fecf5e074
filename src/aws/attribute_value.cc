#include "aws/attribute_value.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "aws/dynamodb_json.h"

namespace dynasink::aws {

AttributeMap::AttributeMap(std::initializer_list<Entry> entries) {
  entries_.reserve(entries.size());
  for (const Entry& e : entries)
    Set(e.first, e.second);
}

void AttributeMap::Set(std::string name, AttributeValue value) {
  if (AttributeValue* existing = Find(name)) {
    *existing = std::move(value);
    return;
  }
  entries_.emplace_back(std::move(name), std::move(value));
}

void AttributeMap::Append(std::string name, AttributeValue value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

const AttributeValue* AttributeMap::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.first == name) return &e.second;
  }
  return nullptr;
}

AttributeValue* AttributeMap::Find(std::string_view name) {
  for (Entry& e : entries_) {
    if (e.first == name) return &e.second;
  }
  return nullptr;
}

bool AttributeMap::Erase(std::string_view name) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.first == name; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

bool operator==(const AttributeMap& a, const AttributeMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, value] : a.entries_) {
    const AttributeValue* other = b.Find(name);
    if (other == nullptr || !(*other == value)) return false;
  }
  return true;
}

AttributeValue AttributeValue::N(int64_t number) {
  char buf[24];
  int n = std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(number));
  return {Type::kN, std::string(buf, static_cast<size_t>(n))};
}

AttributeValue AttributeValue::Bool(bool value) {
  AttributeValue v;
  v.type_ = Type::kBool;
  v.payload_ = value;
  return v;
}

AttributeValue AttributeValue::M(AttributeMap map) {
  AttributeValue v;
  v.type_ = Type::kM;
  v.payload_ = std::move(map);
  return v;
}

AttributeValue AttributeValue::L(List list) {
  AttributeValue v;
  v.type_ = Type::kL;
  v.payload_.emplace<List>(std::move(list));
  return v;
}

void AttributeValue::WrongType(const char* wanted) const {
  std::fprintf(stderr, "fatal: AttributeValue of type %s accessed as %s\n",
               std::string(TypeName(type_)).c_str(), wanted);
  std::abort();
}

const std::string& AttributeValue::scalar() const {
  if (type_ != Type::kS && type_ != Type::kN && type_ != Type::kB) WrongType("S/N/B");
  return std::get<std::string>(payload_);
}

bool AttributeValue::boolean() const {
  if (type_ != Type::kBool) WrongType("BOOL");
  return std::get<bool>(payload_);
}

const AttributeMap& AttributeValue::map() const {
  if (type_ != Type::kM) WrongType("M");
  return std::get<AttributeMap>(payload_);
}

AttributeMap& AttributeValue::map() {
  if (type_ != Type::kM) WrongType("M");
  return std::get<AttributeMap>(payload_);
}

const AttributeValue::List& AttributeValue::list() const {
  if (type_ != Type::kL) WrongType("L");
  return std::get<List>(payload_);
}

AttributeValue::List& AttributeValue::list() {
  if (type_ != Type::kL) WrongType("L");
  return std::get<List>(payload_);
}

const AttributeValue::StringSet& AttributeValue::set() const {
  if (!is_set()) WrongType("SS/NS/BS");
  return std::get<StringSet>(payload_);
}

namespace {

bool SameSet(const AttributeValue::StringSet& a, const AttributeValue::StringSet& b) {
  if (a.size() != b.size()) return false;
  std::vector<std::string_view> x(a.begin(), a.end());
  std::vector<std::string_view> y(b.begin(), b.end());
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

}  // namespace

bool operator==(const AttributeValue& a, const AttributeValue& b) {
  if (a.type_ != b.type_) return false;
  using Type = AttributeValue::Type;
  switch (a.type_) {
    case Type::kNull:
      return true;
    case Type::kBool:
      return a.boolean() == b.boolean();
    case Type::kS:
    case Type::kN:
    case Type::kB:
      return a.scalar() == b.scalar();
    case Type::kM:
      return a.map() == b.map();
    case Type::kL:
      return a.list() == b.list();
    case Type::kSS:
    case Type::kNS:
    case Type::kBS:
      return SameSet(a.set(), b.set());
  }
  return false;
}

std::string_view TypeName(AttributeValue::Type type) {
  using Type = AttributeValue::Type;
  switch (type) {
    case Type::kNull:
      return "NULL";
    case Type::kS:
      return "S";
    case Type::kN:
      return "N";
    case Type::kB:
      return "B";
    case Type::kBool:
      return "BOOL";
    case Type::kM:
      return "M";
    case Type::kL:
      return "L";
    case Type::kSS:
      return "SS";
    case Type::kNS:
      return "NS";
    case Type::kBS:
      return "BS";
  }
  return "?";
}

std::string AttributeValue::ToJson() const {
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  WriteAttributeValue(writer, *this);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ItemToJson(const AttributeMap& item) {
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  WriteItem(writer, item);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace dynasink::aws
