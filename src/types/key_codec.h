// Key encoding: an order-preserving ("memcomparable") byte form of a tuple of values.
//
// For two tuples a and b of the same column types, memcmp order of their encodings equals the
// lexicographic order of Value::Compare over the columns (with per-column direction and NULL
// placement as requested), and equal values encode to equal bytes. So storage keys sort in
// primary-key order and a key identifies a row whatever representation its values had: the
// numerics 1.0 and 1.00 encode alike, as do -0.0 and 0.0, all NaNs, and the intervals
// '1 mon' and '30 days' (PostgreSQL's equality for these types).
//
// Per column: a marker byte (value or NULL), then
//   boolean 1 byte; integers, date, time, timestamps fixed-width big-endian with the sign bit
//   flipped; floats their IEEE bits transformed to sort numerically (NaN last); numeric a class
//   byte, the decimal exponent and the significant digits two per byte with a terminator;
//   varchar/bytea the bytes with 0x00 escaped as 0x00 0xFF and a 0x00 0x01 terminator;
//   interval its 128-bit span.
// A descending column has all its bytes inverted. jsonb, struct and array columns cannot be
// keys (NotSupported).
//
// Decoding gives back values equal to the originals, in canonical form: the scale of a numeric
// is the smallest that holds the value (1.00 comes back as 1), -0.0 as 0.0, an interval as
// months, days (< 30) and time (< 1 day). Keep the row itself for the exact original.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::types {

struct KeyColumn {
  DataType type;
  bool descending = false;
  // Where NULLs sort; by default last for ascending and first for descending columns, as in
  // PostgreSQL.
  enum class Nulls : uint8_t { kDefault, kFirst, kLast } nulls = Nulls::kDefault;
};

// True if values of `type` can be key columns (scalars other than jsonb).
bool IsKeyableType(const DataType& type);

// Appends the encoding of one value.
Status AppendKeyValue(const Value& value, const KeyColumn& column, std::string* out);
// Appends the encoding of a tuple, one value per column (ascending, NULLs last).
Status EncodeKey(const std::vector<Value>& values, const std::vector<DataType>& types,
                 std::string* out);
Status EncodeKey(const std::vector<Value>& values, const std::vector<KeyColumn>& columns,
                 std::string* out);

// Reads one value from the front of *in. Corruption on malformed input.
Status ReadKeyValue(std::string_view* in, const KeyColumn& column, Value* value);
// Decodes a whole key; the input must be consumed exactly.
Result<std::vector<Value>> DecodeKey(std::string_view key, const std::vector<DataType>& types);
Result<std::vector<Value>> DecodeKey(std::string_view key, const std::vector<KeyColumn>& columns);

}  // namespace dynasink::types
