// Text input and output of values, as PostgreSQL and RisingWave print and read them.
//
// FormatValue() gives exactly the texts of COMPATIBILITY.md section 4 (the DynamoDB sink sends
// these strings), and the text format of the PostgreSQL wire protocol: floats in shortest
// round-trip form with a signed exponent, numerics with their scale and never an exponent, time
// fractions in groups of three digits, timestamptz in UTC with "+00:00", intervals as
// "1 year 2 mons 3 days 04:05:06", jsonb with sorted keys and ", " / ": " separators, structs as
// "(1,abc)" and arrays as "{1,2}" (quoting as PostgreSQL does).
//
// Booleans print as "t"/"f" (the wire format; a cast to text says "true"/"false", see cast.h),
// bytea as "\x0102", dates before year 1 with " BC". The value's representation decides the
// format; `type` is only consulted for the field and element types of structs and arrays.
//
// ParseValue() reads PostgreSQL's input syntax for each type; errors carry SQLSTATE 22P02
// (`invalid input syntax for type integer: "abc"`), 22003 (out of range), 22007/22008
// (datetime) as PostgreSQL does. Details PostgreSQL puts in a separate DETAIL field are
// appended to the message: `malformed array literal: "{1" (unexpected end of input)`.
// Timestamps without an offset are in the session time zone, which is UTC; offsets (+08,
// +0800, +08:00, Z, UTC) are understood, named zones (Europe/Paris) are not. The ISO forms
// ("2024-01-01 12:34:56.5+08:00") take a fast path that allocates nothing.
//
// Type-specific failures on struct/array input come from the element: parsing "{abc}" as
// integer[] fails with `invalid input syntax for type integer: "abc"`.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::types {

// NULL formats as "NULL"; callers that need SQL NULL (wire protocol, COPY) check is_null() first.
std::string FormatValue(const Value& value, const DataType& type);
// Appends instead of returning, for hot paths.
void AppendValue(const Value& value, const DataType& type, std::string* out);

Result<Value> ParseValue(std::string_view text, const DataType& type);
// ParseValue() into `*out` (left unspecified on failure), reusing its memory where it can: the
// form for loops that parse many values of one column (COPY).
Status ParseValueInto(std::string_view text, const DataType& type, Value* out);

}  // namespace dynasink::types
