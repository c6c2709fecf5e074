// Per-type text input and output behind text_format.h (internal to src/types).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::types::text {

// 22P02 `invalid input syntax for type <type>: "<text>"`.
Status InvalidSyntax(std::string_view type_name, std::string_view text);
// 22007 for datetime types, as PostgreSQL reports their syntax errors.
Status InvalidDatetimeSyntax(std::string_view type_name, std::string_view text);
bool IsSpace(char c);
std::string_view TrimSpace(std::string_view s);

// Numbers and booleans (text_numbers.cc).
void AppendFloat64(double v, std::string* out);
void AppendFloat32(float v, std::string* out);
Result<double> ParseFloat64(std::string_view text);
Result<float> ParseFloat32(std::string_view text);
// `type_name` is "smallint", "integer" or "bigint"; min/max the type's range.
Result<int64_t> ParseInteger(std::string_view text, std::string_view type_name, int64_t min,
                             int64_t max);
Result<bool> ParseBool(std::string_view text);
void AppendBytea(std::string_view bytes, std::string* out);
Result<std::string> ParseBytea(std::string_view text);

// Datetimes (text_datetime.cc).
void AppendDate(Date d, std::string* out);
void AppendTime(Time t, std::string* out);
void AppendTimestamp(Timestamp ts, std::string* out);
void AppendTimestamptz(Timestamptz ts, std::string* out);
Result<Date> ParseDate(std::string_view text);
Result<Time> ParseTime(std::string_view text);
Result<Timestamp> ParseTimestamp(std::string_view text);
Result<Timestamptz> ParseTimestamptz(std::string_view text);

// Intervals (text_interval.cc).
void AppendInterval(const Interval& iv, std::string* out);
Result<Interval> ParseInterval(std::string_view text);

// Structs and arrays (text_nested.cc).
void AppendStruct(const Value& v, const DataType& type, std::string* out);
void AppendList(const Value& v, const DataType& type, std::string* out);
Result<Value> ParseStruct(std::string_view text, const DataType& type);
Result<Value> ParseList(std::string_view text, const DataType& type);

}  // namespace dynasink::types::text
