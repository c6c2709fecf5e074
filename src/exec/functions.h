// Resolution of operators and scalar functions for argument types (PostgreSQL's rules,
// simplified): the binder asks for `name(types...)` and gets a kernel, the types each argument
// must be converted to, and the result type.
//
// Arguments of type kUnknown (untyped string literals, NULL, parameters without a type) adopt
// the type the chosen overload wants, as in PostgreSQL; when several overloads accept an
// unknown argument, the one listed first wins (string types before others, double precision
// before numeric for integers, as PostgreSQL's preferred types decide: round(5) is double).
//
// Errors: 42883 `function lower(integer) does not exist` / `operator does not exist: integer
// || boolean`, with PostgreSQL's HINT line; 42725 for ambiguous calls on unknown arguments.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "exec/expr.h"
#include "types/data_type.h"

namespace dynasink::exec {

enum class BinaryOperator : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kConcat,
  kJsonGet,      // ->
  kJsonGetText,  // ->>
  kContains,     // @>
  kContainedBy,  // <@
  kEq,
  kNotEq,
  kLt,
  kLtEq,
  kGt,
  kGtEq,
};
std::string_view BinaryOperatorText(BinaryOperator op);
inline bool IsComparison(BinaryOperator op) { return op >= BinaryOperator::kEq; }

// a <op> b. Comparisons convert both sides to their common type (types::CommonSupertype).
Result<ResolvedFunction> ResolveBinaryOperator(BinaryOperator op, const types::DataType& left,
                                               const types::DataType& right);
// -a.
Result<ResolvedFunction> ResolveNegation(const types::DataType& operand);
// A comparison of two values of `type` (already converted), e.g. for IN lists and CASE.
Result<ResolvedFunction> ResolveComparison(BinaryOperator op, const types::DataType& type);

// name(args...) for the scalar functions exec implements (lower, substr, round, date_trunc,
// jsonb_typeof, array_length, ...). `name` is lower case without a schema.
Result<ResolvedFunction> ResolveFunction(std::string_view name,
                                         const std::vector<types::DataType>& args);
// True if `name` is a scalar function known to exec (any argument types).
bool IsScalarFunction(std::string_view name);

// "lower(integer)", "lower(unknown, boolean)": how errors print a call.
std::string FormatSignature(std::string_view name, const std::vector<types::DataType>& args);
// The 42883 error for a call that matches no overload.
Status NoSuchFunction(std::string_view name, const std::vector<types::DataType>& args);

}  // namespace dynasink::exec
