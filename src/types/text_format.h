// Text input and output of values, as PostgreSQL and RisingWave print and read them.
//
// FormatValue() gives exactly the texts of COMPATIBILITY.md section 4 (the DynamoDB sink sends
// these strings), and the text format of the PostgreSQL wire protocol: floats in shortest
// round-trip form with a signed exponent, numerics with their scale and never an exponent, time
// fractions in groups of three digits, timestamptz in UTC with "+00:00", intervals as
// "1 year 2 mons 3 days 04:05:06", jsonb with sorted keys and ", " / ": " separators, structs as
// "(1,abc)" and arrays as "{1,2}" (quoting as PostgreSQL does).
//
// ParseValue() reads PostgreSQL's input syntax for each type; errors carry SQLSTATE 22P02
// (`invalid input syntax for type integer: "abc"`), 22003 (out of range), 22007/22008
// (datetime) as PostgreSQL does.
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

}  // namespace dynasink::types
