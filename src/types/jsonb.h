// Jsonb: a parsed JSON document, immutable and shared by pointer, so copying one is cheap.
//
// It follows PostgreSQL's jsonb: numbers are exact numerics (Decimal: "1.50" stays 1.50, "1e2"
// becomes 100), object keys are unique (a repeated key keeps its last value) and sorted, and
// the text form uses ", " and ": " separators: {"a": [1, 2, {"c": null}], "b": 1}.
// Keys are sorted bytewise, as COMPATIBILITY.md section 4 requires (PostgreSQL orders by length
// first; RisingWave and the DynamoDB sink output use plain byte order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "types/decimal.h"

namespace dynasink::types {

class Jsonb {
 public:
  enum class Kind : uint8_t { kNull = 0, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, Jsonb>;

  Jsonb() = default;  // JSON null

  // Strict JSON (RFC 8259) with surrounding whitespace allowed. Errors are SQLSTATE 22P02
  // "invalid input syntax for type json" followed by what is wrong and where, e.g.
  // `invalid input syntax for type json: Token "}" is invalid (line 1)`. Strings must be valid
  // UTF-8 (22021 otherwise); \u0000 is refused (22P05) as PostgreSQL does. Nesting deeper than
  // 1000 levels is refused (54000) so that hostile input cannot exhaust the stack.
  static Result<Jsonb> Parse(std::string_view text);

  static Jsonb Null() { return Jsonb(); }
  static Jsonb Bool(bool v);
  static Jsonb Number(Decimal v);  // NaN and infinities are not JSON; callers must not pass them
  static Jsonb String(std::string v);
  static Jsonb Array(std::vector<Jsonb> elements);
  // Sorts the members by key (bytewise); of repeated keys the last one wins.
  static Jsonb Object(std::vector<Member> members);

  Kind kind() const;
  bool is_null() const { return node_ == nullptr; }
  // Typed access; calling the wrong one is a bug (aborts).
  bool as_bool() const;
  const Decimal& as_number() const;
  const std::string& as_string() const;
  const std::vector<Jsonb>& elements() const;  // array
  const std::vector<Member>& members() const;  // object, sorted by key
  // Number of elements or members; 0 for scalars.
  size_t size() const;

  // jsonb -> 'key': the member's value, or nullptr if this is not an object or lacks the key.
  const Jsonb* Field(std::string_view key) const;
  // jsonb -> i: the element (negative i counts from the end), or nullptr if this is not an
  // array or i is out of range.
  const Jsonb* Element(int64_t index) const;
  // jsonb_typeof: "object", "array", "string", "number", "boolean" or "null".
  std::string_view TypeName() const;
  // The ->> text form: strings without quotes and escapes, JSON null as nullopt (SQL NULL),
  // everything else as ToString().
  std::optional<std::string> AsText() const;

  // {"a": [1, 2, {"c": null}], "b": 1}
  std::string ToString() const;
  void AppendTo(std::string* out) const;

  // PostgreSQL's jsonb order: object > array > boolean > number > string > null; objects and
  // arrays with more members sort higher, then member by member (key, then value). Strings
  // compare bytewise. (PostgreSQL's quirk that a top-level empty array sorts below null is kept.)
  int Compare(const Jsonb& other) const;
  size_t Hash() const;  // consistent with Compare() == 0 (numbers 1.0 and 1 hash alike)
  bool operator==(const Jsonb& other) const { return Compare(other) == 0; }

  // Approximate heap footprint, for memory accounting.
  size_t ApproximateSize() const;

 private:
  struct Node;
  explicit Jsonb(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  int CompareNested(const Jsonb& other) const;
  std::shared_ptr<const Node> node_;  // null for JSON null
};

}  // namespace dynasink::types
