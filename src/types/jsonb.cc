#include "types/jsonb.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <variant>

#include "common/json_escape.h"
#include "types/jsonb_node.h"

namespace dynasink::types {

// ---------------------------------------------------------------------------------------------
// Construction and access

Jsonb Jsonb::Bool(bool v) {
  return Jsonb(std::make_shared<const Node>(Node{v}));
}
Jsonb Jsonb::Number(Decimal v) {
  return Jsonb(std::make_shared<const Node>(Node{std::move(v)}));
}
Jsonb Jsonb::String(std::string v) {
  return Jsonb(std::make_shared<const Node>(Node{std::move(v)}));
}
Jsonb Jsonb::Array(std::vector<Jsonb> elements) {
  return Jsonb(std::make_shared<const Node>(Node{std::move(elements)}));
}

Jsonb Jsonb::Object(std::vector<Member> members) {
  // Stable, so that among repeated keys the input order survives and the last one can win.
  std::stable_sort(members.begin(), members.end(),
                   [](const Member& a, const Member& b) { return a.first < b.first; });
  size_t out = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;
    if (out != i) members[out] = std::move(members[i]);
    ++out;
  }
  members.resize(out);
  return Jsonb(std::make_shared<const Node>(Node{std::move(members)}));
}

Jsonb::Kind Jsonb::kind() const {
  if (node_ == nullptr) return Kind::kNull;
  return static_cast<Kind>(node_->value.index() + 1);
}

namespace {
[[noreturn]] void WrongKind(const char* what) {
  std::fprintf(stderr, "fatal: Jsonb accessor %s on a value of another kind\n", what);
  std::abort();
}
}  // namespace

bool Jsonb::as_bool() const {
  if (kind() != Kind::kBool) WrongKind("as_bool");
  return std::get<bool>(node_->value);
}
const Decimal& Jsonb::as_number() const {
  if (kind() != Kind::kNumber) WrongKind("as_number");
  return std::get<Decimal>(node_->value);
}
const std::string& Jsonb::as_string() const {
  if (kind() != Kind::kString) WrongKind("as_string");
  return std::get<std::string>(node_->value);
}
const std::vector<Jsonb>& Jsonb::elements() const {
  if (kind() != Kind::kArray) WrongKind("elements");
  return std::get<std::vector<Jsonb>>(node_->value);
}
const std::vector<Jsonb::Member>& Jsonb::members() const {
  if (kind() != Kind::kObject) WrongKind("members");
  return std::get<std::vector<Member>>(node_->value);
}

size_t Jsonb::size() const {
  switch (kind()) {
    case Kind::kArray:
      return elements().size();
    case Kind::kObject:
      return members().size();
    default:
      return 0;
  }
}

const Jsonb* Jsonb::Field(std::string_view key) const {
  if (kind() != Kind::kObject) return nullptr;
  const auto& m = members();
  auto it = std::lower_bound(m.begin(), m.end(), key,
                             [](const Member& a, std::string_view k) { return a.first < k; });
  if (it == m.end() || it->first != key) return nullptr;
  return &it->second;
}

const Jsonb* Jsonb::Element(int64_t index) const {
  if (kind() != Kind::kArray) return nullptr;
  const auto& e = elements();
  int64_t n = static_cast<int64_t>(e.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return nullptr;
  return &e[static_cast<size_t>(index)];
}

std::string_view Jsonb::TypeName() const {
  switch (kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "null";
}

std::optional<std::string> Jsonb::AsText() const {
  switch (kind()) {
    case Kind::kNull:
      return std::nullopt;
    case Kind::kString:
      return as_string();
    default:
      return ToString();
  }
}

// ---------------------------------------------------------------------------------------------
// Output

namespace {

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;  // start of the pending run of characters that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!JsonNeedsEscape(c)) continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    AppendJsonEscape(c, out);
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

}  // namespace

void Jsonb::AppendTo(std::string* out) const {
  switch (kind()) {
    case Kind::kNull:
      out->append("null");
      return;
    case Kind::kBool:
      out->append(as_bool() ? "true" : "false");
      return;
    case Kind::kNumber:
      as_number().AppendTo(out);
      return;
    case Kind::kString:
      AppendJsonString(as_string(), out);
      return;
    case Kind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Jsonb& e : elements()) {
        if (!first) out->append(", ");
        first = false;
        e.AppendTo(out);
      }
      out->push_back(']');
      return;
    }
    case Kind::kObject: {
      out->push_back('{');
      bool first = true;
      for (const Member& m : members()) {
        if (!first) out->append(", ");
        first = false;
        AppendJsonString(m.first, out);
        out->append(": ");
        m.second.AppendTo(out);
      }
      out->push_back('}');
      return;
    }
  }
}

std::string Jsonb::ToString() const {
  std::string out;
  AppendTo(&out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Order and hashing

namespace {
// PostgreSQL's jsonb type order: null < string < number < boolean < array < object.
int TypeRank(Jsonb::Kind k) {
  switch (k) {
    case Jsonb::Kind::kNull:
      return 0;
    case Jsonb::Kind::kString:
      return 1;
    case Jsonb::Kind::kNumber:
      return 2;
    case Jsonb::Kind::kBool:
      return 3;
    case Jsonb::Kind::kArray:
      return 4;
    case Jsonb::Kind::kObject:
      return 5;
  }
  return 0;
}
int Sign(int v) {
  return v < 0 ? -1 : (v > 0 ? 1 : 0);
}
}  // namespace

int Jsonb::Compare(const Jsonb& other) const {
  // PostgreSQL stores a top-level scalar as a one-element "raw scalar" array, and compares it
  // with a real array by element count first: [] < scalar < [x] < [x, y].
  bool a_arr = kind() == Kind::kArray, b_arr = other.kind() == Kind::kArray;
  if (a_arr != b_arr && kind() != Kind::kObject && other.kind() != Kind::kObject) {
    size_t na = a_arr ? size() : 1, nb = b_arr ? other.size() : 1;
    if (na != nb) return na < nb ? -1 : 1;
    return a_arr ? 1 : -1;
  }
  return CompareNested(other);
}

int Jsonb::CompareNested(const Jsonb& other) const {
  Kind ka = kind(), kb = other.kind();
  if (ka != kb) return TypeRank(ka) < TypeRank(kb) ? -1 : 1;
  switch (ka) {
    case Kind::kNull:
      return 0;
    case Kind::kBool:
      return static_cast<int>(as_bool()) - static_cast<int>(other.as_bool());
    case Kind::kNumber:
      return as_number().Compare(other.as_number());
    case Kind::kString:
      return Sign(as_string().compare(other.as_string()));
    case Kind::kArray: {
      const auto& a = elements();
      const auto& b = other.elements();
      if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
      for (size_t i = 0; i < a.size(); ++i) {
        int c = a[i].CompareNested(b[i]);
        if (c != 0) return c;
      }
      return 0;
    }
    case Kind::kObject: {
      const auto& a = members();
      const auto& b = other.members();
      if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
      for (size_t i = 0; i < a.size(); ++i) {
        int c = Sign(a[i].first.compare(b[i].first));
        if (c != 0) return c;
        c = a[i].second.CompareNested(b[i].second);
        if (c != 0) return c;
      }
      return 0;
    }
  }
  return 0;
}

size_t Jsonb::Hash() const {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t h = static_cast<uint64_t>(kind()) * kMul + 0x1234567;
  auto mix = [&h](uint64_t v) {
    h ^= v + kMul + (h << 6) + (h >> 2);
    h *= kMul;
  };
  switch (kind()) {
    case Kind::kNull:
      break;
    case Kind::kBool:
      mix(as_bool() ? 1 : 2);
      break;
    case Kind::kNumber:
      mix(as_number().Hash());
      break;
    case Kind::kString:
      mix(std::hash<std::string_view>()(as_string()));
      break;
    case Kind::kArray:
      for (const Jsonb& e : elements())
        mix(e.Hash());
      break;
    case Kind::kObject:
      for (const Member& m : members()) {
        mix(std::hash<std::string_view>()(m.first));
        mix(m.second.Hash());
      }
      break;
  }
  return static_cast<size_t>(h ^ (h >> 31));
}

size_t Jsonb::ApproximateSize() const {
  if (node_ == nullptr) return 0;
  size_t n = sizeof(Node) + 16;  // node plus shared_ptr control block
  switch (kind()) {
    case Kind::kNumber:
      n += as_number().HeapSize();
      break;
    case Kind::kString:
      n += as_string().capacity();
      break;
    case Kind::kArray:
      n += elements().capacity() * sizeof(Jsonb);
      for (const Jsonb& e : elements())
        n += e.ApproximateSize();
      break;
    case Kind::kObject:
      n += members().capacity() * sizeof(Member);
      for (const Member& m : members())
        n += m.first.capacity() + m.second.ApproximateSize();
      break;
    default:
      break;
  }
  return n;
}

}  // namespace dynasink::types
