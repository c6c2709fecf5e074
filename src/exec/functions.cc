// Function lookup and overload resolution.
#include <mutex>

#include "exec/function_table.h"
#include "types/cast.h"

namespace dynasink::exec {

using types::DataType;
using types::TypeId;

namespace internal {

size_t Utf8Count(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

size_t Utf8Offset(std::string_view s, size_t index) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == index) return i;
      ++seen;
    }
  }
  return s.size();
}

namespace {

TypeId Norm(TypeId t) { return t == TypeId::kSerial ? TypeId::kInt64 : t; }

}  // namespace

Result<ResolvedFunction> ResolveOverloads(std::string_view name, const std::vector<DataType>& args,
                                          const std::vector<Overload>& overloads) {
  const Overload* best = nullptr;
  int best_exact = -1;
  for (const Overload& o : overloads) {
    if (o.args.size() != args.size()) continue;
    int exact = 0;
    bool ok = true;
    for (size_t i = 0; i < args.size() && ok; ++i) {
      TypeId have = Norm(args[i].id());
      if (have == o.args[i]) {
        ++exact;
      } else if (have != TypeId::kUnknown &&
                 !types::CanCast(args[i], DataType(o.args[i]), types::CastContext::kImplicit)) {
        ok = false;
      }
    }
    if (ok && exact > best_exact) {
      best = &o;
      best_exact = exact;
    }
  }
  if (best == nullptr) return NoSuchFunction(name, args);
  ResolvedFunction f;
  f.name = std::string(name);
  f.kernel = best->kernel;
  f.strict = best->strict;
  f.stable = best->stable;
  f.result_type = best->result;
  for (size_t i = 0; i < args.size(); ++i) {
    // Keep serial as it is: it converts to bigint for free.
    f.arg_types.push_back(Norm(args[i].id()) == best->args[i] ? args[i] : DataType(best->args[i]));
  }
  return f;
}

const FunctionTable& Table() {
  static const FunctionTable* table = [] {
    auto* t = new FunctionTable();
    AddStringFunctions(t);
    AddMathFunctions(t);
    AddDatetimeFunctions(t);
    AddJsonArrayFunctions(t);
    AddConditionalFunctions(t);
    return t;
  }();
  return *table;
}

}  // namespace internal

std::string FormatSignature(std::string_view name, const std::vector<DataType>& args) {
  std::string out(name);
  out.push_back('(');
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out.append(", ");
    out.append(args[i].id() == TypeId::kUnknown ? "unknown" : args[i].ToString());
  }
  out.push_back(')');
  return out;
}

Status NoSuchFunction(std::string_view name, const std::vector<DataType>& args) {
  return Status::Sql("42883", "function " + FormatSignature(name, args) +
                                  " does not exist\nHINT: No function matches the given name "
                                  "and argument types. You might need to add explicit type "
                                  "casts.");
}

bool IsScalarFunction(std::string_view name) {
  const auto& table = internal::Table();
  return table.find(name) != table.end();
}

Result<ResolvedFunction> ResolveFunction(std::string_view name, const std::vector<DataType>& args) {
  const auto& table = internal::Table();
  auto it = table.find(name);
  if (it == table.end()) return NoSuchFunction(name, args);
  if (it->second.resolver != nullptr) return it->second.resolver(name, args);
  return internal::ResolveOverloads(name, args, it->second.overloads);
}

}  // namespace dynasink::exec
