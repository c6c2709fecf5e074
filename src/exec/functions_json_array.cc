// jsonb and array operators and functions: ||, ->, ->>, @>, <@, jsonb_typeof,
// jsonb_array_length, array_length, cardinality, array_append/prepend/cat/position/to_string.
#include "exec/function_table.h"
#include "types/cast.h"
#include "types/text_format.h"

namespace dynasink::exec::internal {

using types::DataType;
using types::Jsonb;
using types::TypeId;
using types::Value;

namespace {

bool IsText(TypeId t) { return t == TypeId::kVarchar; }

Status ConcatText(const CallContext&, const Value* const* a, Value* out) {
  const std::string& x = a[0]->as_string();
  const std::string& y = a[1]->as_string();
  std::string r;
  r.reserve(x.size() + y.size());
  r.append(x).append(y);
  *out = Value::Varchar(std::move(r));
  return Status::OK();
}
Status ConcatBytes(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Bytea(a[0]->as_bytes() + a[1]->as_bytes());
  return Status::OK();
}

// jsonb || jsonb: objects merge (right wins), arrays concatenate, a scalar joins as an element.
Status ConcatJsonb(const CallContext&, const Value* const* a, Value* out) {
  const Jsonb& x = a[0]->as_jsonb();
  const Jsonb& y = a[1]->as_jsonb();
  if (x.kind() == Jsonb::Kind::kObject && y.kind() == Jsonb::Kind::kObject) {
    std::vector<Jsonb::Member> members = x.members();
    for (const auto& m : y.members()) members.push_back(m);  // Object() keeps the last of a key
    *out = Value::JsonbV(Jsonb::Object(std::move(members)));
    return Status::OK();
  }
  auto as_elements = [](const Jsonb& j) {
    return j.kind() == Jsonb::Kind::kArray ? j.elements() : std::vector<Jsonb>{j};
  };
  std::vector<Jsonb> elems = as_elements(x);
  for (const Jsonb& e : as_elements(y)) elems.push_back(e);
  *out = Value::JsonbV(Jsonb::Array(std::move(elems)));
  return Status::OK();
}

Status ArrayCat(const CallContext&, const Value* const* a, Value* out) {
  if (a[0]->is_null()) {
    *out = *a[1];
    return Status::OK();
  }
  if (a[1]->is_null()) {
    *out = *a[0];
    return Status::OK();
  }
  std::vector<Value> elems = a[0]->as_list();
  for (const Value& v : a[1]->as_list()) elems.push_back(v);
  *out = Value::List(std::move(elems));
  return Status::OK();
}
Status ArrayAppend(const CallContext&, const Value* const* a, Value* out) {
  std::vector<Value> elems;
  if (!a[0]->is_null()) elems = a[0]->as_list();
  elems.push_back(*a[1]);
  *out = Value::List(std::move(elems));
  return Status::OK();
}
Status ArrayPrepend(const CallContext&, const Value* const* a, Value* out) {
  std::vector<Value> elems{*a[0]};
  if (!a[1]->is_null()) {
    for (const Value& v : a[1]->as_list()) elems.push_back(v);
  }
  *out = Value::List(std::move(elems));
  return Status::OK();
}

Status JsonGet(const CallContext& call, const Value* const* a, Value* out) {
  const Jsonb& j = a[0]->as_jsonb();
  const Jsonb* r = a[1]->holds<std::string>() ? j.Field(a[1]->as_string())
                                              : j.Element(a[1]->as_int32());
  if (r == nullptr) {
    *out = Value();
  } else if (call.result_type.id() == TypeId::kJsonb) {
    *out = Value::JsonbV(*r);
  } else {
    std::optional<std::string> text = r->AsText();
    *out = text.has_value() ? Value::Varchar(std::move(*text)) : Value();
  }
  return Status::OK();
}

// PostgreSQL's jsonb containment.
bool JsonContains(const Jsonb& a, const Jsonb& b, bool top_level) {
  if (a.kind() == Jsonb::Kind::kObject) {
    if (b.kind() != Jsonb::Kind::kObject) return false;
    for (const auto& [key, value] : b.members()) {
      const Jsonb* mine = a.Field(key);
      if (mine == nullptr || !JsonContains(*mine, value, false)) return false;
    }
    return true;
  }
  if (a.kind() == Jsonb::Kind::kArray) {
    if (b.kind() == Jsonb::Kind::kArray) {
      for (const Jsonb& want : b.elements()) {
        bool found = false;
        for (const Jsonb& have : a.elements()) {
          if (JsonContains(have, want, false)) {
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    // A top-level array contains a scalar that is one of its elements.
    if (top_level && b.kind() != Jsonb::Kind::kObject) {
      for (const Jsonb& have : a.elements()) {
        if (have.kind() != Jsonb::Kind::kArray && have.kind() != Jsonb::Kind::kObject &&
            have == b) {
          return true;
        }
      }
    }
    return false;
  }
  return a == b;
}

template <bool contains>
Status JsonContainment(const CallContext&, const Value* const* a, Value* out) {
  const Jsonb& x = a[contains ? 0 : 1]->as_jsonb();
  const Jsonb& y = a[contains ? 1 : 0]->as_jsonb();
  *out = Value::Boolean(JsonContains(x, y, true));
  return Status::OK();
}

// anyarray @> anyarray: every non-NULL element of the right is in the left (NULLs never match).
template <bool contains>
Status ArrayContainment(const CallContext&, const Value* const* a, Value* out) {
  const auto& x = a[contains ? 0 : 1]->as_list();
  const auto& y = a[contains ? 1 : 0]->as_list();
  for (const Value& want : y) {
    bool found = false;
    if (!want.is_null()) {
      for (const Value& have : x) {
        if (!have.is_null() && have.Compare(want) == 0) {
          found = true;
          break;
        }
      }
    }
    if (!found) {
      *out = Value::Boolean(false);
      return Status::OK();
    }
  }
  *out = Value::Boolean(true);
  return Status::OK();
}

Status JsonTypeof(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Varchar(std::string(a[0]->as_jsonb().TypeName()));
  return Status::OK();
}
Status JsonArrayLength(const CallContext&, const Value* const* a, Value* out) {
  const Jsonb& j = a[0]->as_jsonb();
  if (j.kind() == Jsonb::Kind::kObject) {
    return Status::Sql("22023", "cannot get array length of a non-array");
  }
  if (j.kind() != Jsonb::Kind::kArray) {
    return Status::Sql("22023", "cannot get array length of a scalar");
  }
  *out = Value::Int32(static_cast<int32_t>(j.size()));
  return Status::OK();
}

Status ArrayLength(const CallContext&, const Value* const* a, Value* out) {
  const Value* level = a[0];
  int32_t dim = a[1]->as_int32();
  for (int32_t d = 1; d < dim; ++d) {
    if (level->as_list().empty() || level->as_list()[0].is_null() ||
        !level->as_list()[0].holds<types::ListValue>()) {
      *out = Value();
      return Status::OK();
    }
    level = &level->as_list()[0];
  }
  if (dim < 1 || level->as_list().empty()) {
    *out = Value();
    return Status::OK();
  }
  *out = Value::Int32(static_cast<int32_t>(level->as_list().size()));
  return Status::OK();
}
Status Cardinality(const CallContext&, const Value* const* a, Value* out) {
  *out = Value::Int32(static_cast<int32_t>(a[0]->as_list().size()));
  return Status::OK();
}
Status ArrayPosition(const CallContext&, const Value* const* a, Value* out) {
  const auto& elems = a[0]->as_list();
  for (size_t i = 0; i < elems.size(); ++i) {
    // array_position finds NULL too (IS NOT DISTINCT FROM semantics).
    if (elems[i].Compare(*a[1]) == 0) {
      *out = Value::Int32(static_cast<int32_t>(i + 1));
      return Status::OK();
    }
  }
  *out = Value();
  return Status::OK();
}
Status ArrayToString(const CallContext& call, const Value* const* a, Value* out) {
  if (a[0]->is_null() || a[1]->is_null()) {
    *out = Value();
    return Status::OK();
  }
  const DataType& elem = call.arg_types[0].element();
  bool has_null_text = call.arg_types.size() == 3 && !a[2]->is_null();
  std::string r;
  bool first = true;
  for (const Value& v : a[0]->as_list()) {
    if (v.is_null() && !has_null_text) continue;
    if (!first) r.append(a[1]->as_string());
    first = false;
    if (v.is_null()) {
      r.append(a[2]->as_string());
    } else if (v.holds<std::string>()) {
      r.append(v.as_string());
    } else {
      types::AppendValue(v, elem, &r);
    }
  }
  *out = Value::Varchar(std::move(r));
  return Status::OK();
}

// ---- polymorphic resolvers ------------------------------------------------------------------

Result<ResolvedFunction> ArrayFn(std::string_view name, const std::vector<DataType>& args) {
  auto fail = [&] { return NoSuchFunction(name, args); };
  auto is_list = [](const DataType& t) { return t.id() == TypeId::kList; };
  const std::string n(name);
  if (name == "array_length") {
    if (args.size() != 2 || !is_list(args[0]) ||
        !types::CanCast(args[1], TypeId::kInt32, types::CastContext::kImplicit)) {
      return fail();
    }
    return Resolved(n, ArrayLength, {args[0], TypeId::kInt32}, TypeId::kInt32);
  }
  if (name == "cardinality") {
    if (args.size() != 1 || !is_list(args[0])) return fail();
    return Resolved(n, Cardinality, {args[0]}, TypeId::kInt32);
  }
  if (name == "array_append" || name == "array_position") {
    if (args.size() != 2 || !is_list(args[0])) return fail();
    const DataType& elem = args[0].element();
    if (!types::CanCast(args[1], elem, types::CastContext::kImplicit)) return fail();
    if (name == "array_position") {
      return Resolved(n, ArrayPosition, {args[0], elem}, TypeId::kInt32);
    }
    return Resolved(n, ArrayAppend, {args[0], elem}, args[0], /*strict=*/false);
  }
  if (name == "array_prepend") {
    if (args.size() != 2 || !is_list(args[1])) return fail();
    const DataType& elem = args[1].element();
    if (!types::CanCast(args[0], elem, types::CastContext::kImplicit)) return fail();
    return Resolved(n, ArrayPrepend, {elem, args[1]}, args[1], /*strict=*/false);
  }
  if (name == "array_cat") {
    if (args.size() != 2) return fail();
    auto common = types::CommonSupertype(args[0], args[1]);
    if (!common.ok() || !is_list(*common)) return fail();
    return Resolved(n, ArrayCat, {*common, *common}, *common, /*strict=*/false);
  }
  if (name == "array_to_string") {
    if ((args.size() != 2 && args.size() != 3) || !is_list(args[0])) return fail();
    std::vector<DataType> types{args[0], TypeId::kVarchar};
    if (args.size() == 3) types.push_back(TypeId::kVarchar);
    return Resolved(n, ArrayToString, std::move(types), TypeId::kVarchar, /*strict=*/false);
  }
  return fail();
}

}  // namespace

// ---- operators (called by ResolveBinaryOperator) --------------------------------------------

Status NoOperatorFor(std::string_view op, const DataType& l, const DataType& r) {
  auto name = [](const DataType& t) {
    return t.id() == TypeId::kUnknown ? std::string("unknown") : t.ToString();
  };
  return Status::Sql("42883", "operator does not exist: " + name(l) + " " + std::string(op) + " " +
                                  name(r) +
                                  "\nHINT: No operator matches the given name and argument "
                                  "types. You might need to add explicit type casts.");
}

Result<ResolvedFunction> ResolveConcatOperator(const DataType& l, const DataType& r) {
  TypeId a = l.id(), b = r.id();
  const DataType text(TypeId::kVarchar);
  if (a == TypeId::kList || b == TypeId::kList) {
    if (a == TypeId::kList && (b == TypeId::kList || b == TypeId::kUnknown)) {
      auto common = types::CommonSupertype(l, r);
      if (!common.ok()) return NoOperatorFor("||", l, r);
      return Resolved("||", ArrayCat, {*common, *common}, *common, /*strict=*/false);
    }
    if (a == TypeId::kList) {
      if (!types::CanCast(r, l.element(), types::CastContext::kImplicit)) {
        return NoOperatorFor("||", l, r);
      }
      return Resolved("||", ArrayAppend, {l, l.element()}, l, /*strict=*/false);
    }
    if (!types::CanCast(l, r.element(), types::CastContext::kImplicit)) {
      return NoOperatorFor("||", l, r);
    }
    return Resolved("||", ArrayPrepend, {r.element(), r}, r, /*strict=*/false);
  }
  if (a == TypeId::kJsonb || b == TypeId::kJsonb) {
    if ((a == TypeId::kJsonb || a == TypeId::kUnknown) &&
        (b == TypeId::kJsonb || b == TypeId::kUnknown)) {
      return Resolved("||", ConcatJsonb, {TypeId::kJsonb, TypeId::kJsonb}, TypeId::kJsonb);
    }
  }
  if (a == TypeId::kBytea && (b == TypeId::kBytea || b == TypeId::kUnknown)) {
    return Resolved("||", ConcatBytes, {l, l}, l);
  }
  if (b == TypeId::kBytea && a == TypeId::kUnknown) {
    return Resolved("||", ConcatBytes, {r, r}, r);
  }
  // text || text, and text || anynonarray (the other side through its text output).
  bool left_text = IsText(a) || a == TypeId::kUnknown;
  bool right_text = IsText(b) || b == TypeId::kUnknown;
  if (left_text || right_text) {
    return Resolved("||", ConcatText, {text, text}, text);
  }
  return NoOperatorFor("||", l, r);
}

Result<ResolvedFunction> ResolveJsonGet(bool as_text, const DataType& l, const DataType& r) {
  std::string name = as_text ? "->>" : "->";
  if (l.id() != TypeId::kJsonb && l.id() != TypeId::kUnknown) return NoOperatorFor(name, l, r);
  DataType key = r.id() == TypeId::kUnknown || IsText(r.id()) ? DataType(TypeId::kVarchar)
                                                               : DataType(TypeId::kInt32);
  if (key.id() == TypeId::kInt32 && !r.is_integer()) return NoOperatorFor(name, l, r);
  return Resolved(name, JsonGet, {TypeId::kJsonb, key},
                  as_text ? TypeId::kVarchar : TypeId::kJsonb);
}

Result<ResolvedFunction> ResolveContainment(bool contains, const DataType& l, const DataType& r) {
  std::string name = contains ? "@>" : "<@";
  TypeId a = l.id(), b = r.id();
  if ((a == TypeId::kJsonb || a == TypeId::kUnknown) &&
      (b == TypeId::kJsonb || b == TypeId::kUnknown) &&
      (a == TypeId::kJsonb || b == TypeId::kJsonb)) {
    return Resolved(name, contains ? JsonContainment<true> : JsonContainment<false>,
                    {TypeId::kJsonb, TypeId::kJsonb}, TypeId::kBoolean);
  }
  if (a == TypeId::kList || b == TypeId::kList) {
    auto common = types::CommonSupertype(l, r);
    if (common.ok() && common->id() == TypeId::kList) {
      return Resolved(name, contains ? ArrayContainment<true> : ArrayContainment<false>,
                      {*common, *common}, TypeId::kBoolean);
    }
  }
  return NoOperatorFor(name, l, r);
}

void AddJsonArrayFunctions(FunctionTable* t) {
  (*t)["jsonb_typeof"].overloads = {{{TypeId::kJsonb}, TypeId::kVarchar, JsonTypeof}};
  (*t)["jsonb_array_length"].overloads = {{{TypeId::kJsonb}, TypeId::kInt32, JsonArrayLength}};
  for (const char* name : {"array_length", "cardinality", "array_append", "array_prepend",
                           "array_cat", "array_position", "array_to_string"}) {
    (*t)[name].resolver = ArrayFn;
  }
}

}  // namespace dynasink::exec::internal
