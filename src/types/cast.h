// Casts between types with PostgreSQL's semantics, and the type rules the binder needs.
//
// Which casts exist and where they apply follows pg_cast: a cast is allowed implicitly
// (anywhere, e.g. int -> bigint, date -> timestamp), in assignment (INSERT/UPDATE targets, e.g.
// bigint -> int, numeric -> int, anything -> varchar) or only explicitly (CAST / ::, e.g.
// varchar -> int, int <-> boolean, jsonb -> numeric). A string literal of unknown type converts
// to anything implicitly, through the target type's text input.
//
// Values follow PostgreSQL: float -> int rounds half to even, numeric -> int rounds half away
// from zero, out-of-range results fail with 22003 ("integer out of range"), text converts
// through text input/output (types/text_format.h), timestamps convert in the session time zone
// (UTC), structs field by field and arrays element by element. A NULL input gives NULL.
#pragma once

#include <optional>

#include "common/result.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::types {

enum class CastContext : uint8_t {
  kImplicit = 0,    // anywhere an expression of the target type is expected
  kAssignment = 1,  // also in INSERT/UPDATE assignments
  kExplicit = 2,    // only with CAST(x AS t) or x::t
};

// The weakest context in which `from` can be cast to `to`; nullopt when there is no cast.
std::optional<CastContext> CastContextFor(const DataType& from, const DataType& to);
// True if the cast is allowed in `context` (an implicit cast is allowed in every context).
bool CanCast(const DataType& from, const DataType& to, CastContext context);

// Converts `value` (of type `from`) to `to`. Fails with 42846 `cannot cast type bigint to
// boolean` when there is no such cast at all (the context is the binder's business), and with
// the data errors of the conversion (22003, 22P02, 0A000 for NaN to integer, ...).
Result<Value> CastValue(const Value& value, const DataType& from, const DataType& to);

// The common type of two expressions in CASE, COALESCE, UNION, IN and comparisons
// (PostgreSQL's select_common_type): both must be in the same category, and the result is the
// type the other converts to implicitly: integer + numeric -> numeric, integer + real -> real,
// date + timestamp -> timestamp, unknown + x -> x, int[] + bigint[] -> bigint[].
// Fails with 42804 `types integer and boolean cannot be matched`.
Result<DataType> CommonSupertype(const DataType& a, const DataType& b);

// The type both operands of + - * / % are converted to (PostgreSQL's operator resolution):
// the wider integer; numeric if either is numeric and neither is a float; double precision if
// a float meets any other number (real + integer is double precision); real + real is real.
// Fails with 42883 when either is not a number.
Result<DataType> ArithmeticOperandType(const DataType& a, const DataType& b);

}  // namespace dynasink::types
