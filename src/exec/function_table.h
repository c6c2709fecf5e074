// The function table behind ResolveFunction (internal to src/exec): every scalar function is
// either a list of fixed-type overloads or a custom resolver (for polymorphic functions such as
// array_length(anyarray, int) or concat(variadic any)). Each functions_*.cc file contributes
// its entries through an Add*Functions() call.
#pragma once

#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "exec/functions.h"
#include "types/value.h"

namespace dynasink::exec::internal {

struct Overload {
  std::vector<types::TypeId> args;
  types::TypeId result;
  ScalarKernel kernel;
  bool strict = true;
  bool stable = false;
};

using CustomResolver = Result<ResolvedFunction> (*)(std::string_view name,
                                                    const std::vector<types::DataType>& args);

struct FunctionEntry {
  std::vector<Overload> overloads;
  CustomResolver resolver = nullptr;
};

using FunctionTable = std::map<std::string, FunctionEntry, std::less<>>;

void AddStringFunctions(FunctionTable* table);
void AddMathFunctions(FunctionTable* table);
void AddDatetimeFunctions(FunctionTable* table);
void AddJsonArrayFunctions(FunctionTable* table);
void AddConditionalFunctions(FunctionTable* table);

// Picks the best overload for `args` (see functions.h for the rules).
Result<ResolvedFunction> ResolveOverloads(std::string_view name,
                                          const std::vector<types::DataType>& args,
                                          const std::vector<Overload>& overloads);

// ---- helpers for kernels --------------------------------------------------------------------

inline Status OutOfRange(std::string_view type_name) {
  return Status::Sql("22003", std::string(type_name) + " out of range");
}
inline Status DivisionByZero() { return Status::Sql("22012", "division by zero"); }

// Code points in a UTF-8 string (invalid lead bytes count as one character each).
size_t Utf8Count(std::string_view s);
// Byte offset of code point `index` (0-based), or s.size() when beyond the end.
size_t Utf8Offset(std::string_view s, size_t index);

// A function result whose type is one of the overload's arguments.
inline ResolvedFunction Resolved(std::string name, ScalarKernel kernel,
                                 std::vector<types::DataType> arg_types,
                                 types::DataType result, bool strict = true) {
  ResolvedFunction f;
  f.name = std::move(name);
  f.kernel = kernel;
  f.arg_types = std::move(arg_types);
  f.result_type = std::move(result);
  f.strict = strict;
  return f;
}

}  // namespace dynasink::exec::internal
