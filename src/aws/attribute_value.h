// AttributeValue: one DynamoDB value of any type, and AttributeMap, the attributes of an item.
//
// Types: S (string), N (number, kept as the decimal text DynamoDB sends and receives, so no
// precision is lost to binary floating point), B (raw bytes; base64 only on the wire), BOOL,
// NULL, M (map), L (list), and the sets SS, NS, BS.
//
// The sink builds millions of these, so both are cheap: a value is a 1-byte tag beside a
// variant whose scalar payload is one std::string (short strings stay inline), and an
// AttributeMap is a flat vector of (name, value) pairs rather than a node-based map. Items have
// few attributes, so a linear scan beats hashing, and appending keeps the caller's order, which
// also fixes the order of attributes in the JSON we send.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace dynasink::aws {

class AttributeValue;

// The attributes of an item (or of an M value): names are unique. Equality ignores order.
class AttributeMap {
 public:
  using Entry = std::pair<std::string, AttributeValue>;
  using const_iterator = std::vector<Entry>::const_iterator;
  using iterator = std::vector<Entry>::iterator;

  AttributeMap() = default;
  AttributeMap(std::initializer_list<Entry> entries);

  // Sets `name` to `value`, replacing an existing attribute of that name.
  void Set(std::string name, AttributeValue value);
  // Appends without checking for an existing `name`: the fast path for builders that know their
  // names are distinct (e.g. the columns of a row). A duplicate makes DynamoDB refuse the item.
  void Append(std::string name, AttributeValue value);
  // The value of `name`, or nullptr.
  const AttributeValue* Find(std::string_view name) const;
  AttributeValue* Find(std::string_view name);
  // Removes `name`; false if it was absent.
  bool Erase(std::string_view name);

  void reserve(size_t n) { entries_.reserve(n); }
  void clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const std::vector<Entry>& entries() const { return entries_; }

  friend bool operator==(const AttributeMap& a, const AttributeMap& b);

 private:
  std::vector<Entry> entries_;
};

// A DynamoDB item: attribute name -> value. Keys are Items holding only the key attributes.
using Item = AttributeMap;

class AttributeValue {
 public:
  enum class Type : uint8_t { kNull, kS, kN, kB, kBool, kM, kL, kSS, kNS, kBS };
  using List = std::vector<AttributeValue>;
  using StringSet = std::vector<std::string>;  // SS, NS (decimal text) and BS (raw bytes)

  // NULL.
  AttributeValue() = default;

  static AttributeValue Null() { return AttributeValue(); }
  static AttributeValue S(std::string text) { return {Type::kS, std::move(text)}; }
  // `decimal` is the number's text, e.g. "-12.5E3"; DynamoDB validates it.
  static AttributeValue N(std::string decimal) { return {Type::kN, std::move(decimal)}; }
  static AttributeValue N(int64_t number);
  static AttributeValue B(std::string bytes) { return {Type::kB, std::move(bytes)}; }
  static AttributeValue Bool(bool value);
  static AttributeValue M(AttributeMap map);
  static AttributeValue L(List list);
  static AttributeValue SS(StringSet values) { return {Type::kSS, std::move(values)}; }
  static AttributeValue NS(StringSet values) { return {Type::kNS, std::move(values)}; }
  static AttributeValue BS(StringSet values) { return {Type::kBS, std::move(values)}; }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_s() const { return type_ == Type::kS; }
  bool is_n() const { return type_ == Type::kN; }
  bool is_b() const { return type_ == Type::kB; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_m() const { return type_ == Type::kM; }
  bool is_l() const { return type_ == Type::kL; }
  bool is_set() const { return type_ == Type::kSS || type_ == Type::kNS || type_ == Type::kBS; }

  // Accessors require the matching type (checked: a mismatch is a bug and aborts).
  // The text of S, the decimal text of N, or the raw bytes of B.
  const std::string& scalar() const;
  bool boolean() const;
  const AttributeMap& map() const;
  AttributeMap& map();
  const List& list() const;
  List& list();
  const StringSet& set() const;  // SS, NS or BS

  // Two values are equal when their types and contents are; M and the sets compare regardless
  // of order (DynamoDB returns set members and map entries in any order), L in order.
  friend bool operator==(const AttributeValue& a, const AttributeValue& b);

  // DynamoDB's JSON form, e.g. {"M":{"a":{"N":"1"}}}, for messages and tests.
  std::string ToJson() const;

 private:
  using Payload = std::variant<std::monostate, bool, std::string, List, StringSet, AttributeMap>;
  AttributeValue(Type type, std::string scalar) : type_(type), payload_(std::move(scalar)) {}
  AttributeValue(Type type, StringSet set) : type_(type), payload_(std::move(set)) {}
  [[noreturn]] void WrongType(const char* wanted) const;

  Type type_ = Type::kNull;
  Payload payload_;
};

// "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS": the type's name on the wire.
std::string_view TypeName(AttributeValue::Type type);

// DynamoDB's JSON form of an item, e.g. {"year":{"N":"2020"}}.
std::string ItemToJson(const AttributeMap& item);

}  // namespace dynasink::aws
