// Row encoding: the compact, versioned binary form in which storage keeps rows and change-log
// entries.
//
// The encoding is driven by the schema (the column types), which the caller supplies to both
// sides; it holds no type tags, only a version byte, the column count, a null bitmap and the
// non-NULL values:
//
//   u8      version (1)
//   varint  column count n
//   bytes   null bitmap, ceil(n / 8) bytes, bit i (LSB first) set when column i is NULL
//   ...     each non-NULL column in order:
//           boolean 1 byte; smallint/integer/bigint/serial/date zigzag varint;
//           real/double 4/8 bytes little-endian; time/timestamp/timestamptz 8 bytes;
//           interval zigzag varints months, days, micros; varchar/bytea varint length + bytes;
//           numeric a header byte (kind, sign, form), then varint scale and the coefficient
//           (varint of up to 128 bits, or for larger ones a varint digit count and packed BCD);
//           jsonb a tagged tree; struct a nested bitmap + fields; array varint count, bitmap
//           and elements.
//
// A row with fewer encoded columns than the schema decodes with the missing trailing columns
// NULL, so that columns can be added later without rewriting rows. Decoding validates every
// length and value against the schema and returns Corruption, never crashes, on bad input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::types {

inline constexpr uint8_t kRowFormatVersion = 1;

// Appends the encoding of `row` to *out. Fails with InvalidArgument if the row has a different
// number of values than `types`, or a value's representation does not match its type (a bug in
// the caller; nothing is appended then).
Status EncodeRow(const Row& row, const std::vector<DataType>& types, std::string* out);

// Decodes a row encoded by EncodeRow with the same (or a longer) schema. *row is replaced.
Status DecodeRow(std::string_view data, const std::vector<DataType>& types, Row* row);
Result<Row> DecodeRow(std::string_view data, const std::vector<DataType>& types);

}  // namespace dynasink::types
