// Values on the wire: type OIDs, and the text and binary formats of DataRow fields and Bind
// parameters.
//
// Text formats are types::FormatValue / ParseValue. Binary formats follow PostgreSQL's
// send/recv functions for: boolean, smallint, integer, bigint (and serial), real, double
// precision, numeric (base-10000 digits, NaN and infinities), varchar/text, bytea, date, time,
// timestamp, timestamptz (microseconds since 2000-01-01), interval, jsonb (version byte 1 and
// the text), one-dimensional arrays of those, and (output only) structs as records. Other
// types in binary are refused with 0A000 when the portal is bound, before anything runs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::pgwire {

inline constexpr uint32_t kTextOid = 25;

// The OID a column or parameter of `type` is reported with; kUnknown is reported as text.
uint32_t WireTypeOid(const types::DataType& type);
int16_t WireTypeLength(const types::DataType& type);

// The DataType for a type OID a client declared in Parse. 0 and 705 (unknown) give kUnknown;
// text, varchar and bpchar give varchar; json gives jsonb. Unsupported OIDs fail with 42704.
Result<types::DataType> TypeFromOid(uint32_t oid);

bool SupportsBinaryOutput(const types::DataType& type);
bool SupportsBinaryInput(const types::DataType& type);

// Appends the binary form of a non-NULL value. The type must pass SupportsBinaryOutput(); an
// error means a value that does not match its type (a bug upstream, XX000).
Status AppendBinary(const types::Value& value, const types::DataType& type, std::string* out);

// Decodes a Bind parameter. Text parameters of a kUnknown type become varchar values. Errors:
// 22P03 for malformed binary data, the ParseValue error (22P02, 22003, ...) for bad text.
Result<types::Value> DecodeTextParam(std::string_view text, const types::DataType& type);
Result<types::Value> DecodeBinaryParam(std::string_view bytes, const types::DataType& type);

// PostgreSQL's binary numeric from/to numeric text ("-12.340", "NaN", "Infinity"); exposed for
// tests.
Result<std::string> NumericTextToBinary(std::string_view text);
Result<std::string> NumericBinaryToText(std::string_view bytes);

}  // namespace dynasink::pgwire
