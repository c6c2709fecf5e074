// Parsing of type names as SQL writes them (internal to src/types; DataType::Parse is the API).
#pragma once

#include <string_view>

#include "common/result.h"
#include "types/data_type.h"

namespace dynasink::types {

// Case-insensitive. Accepts every alias RisingWave accepts (int, int4, float8, text, string,
// timestamptz, "double precision", STRUCT<a INT, b VARCHAR>, INT[], int[][], "integer array",
// ...). Errors: 42704 `type "x" does not exist`, 42601 for malformed names, 0A000 for
// precision/length modifiers (RisingWave has none) and time with time zone.
Result<DataType> ParseTypeName(std::string_view text);

}  // namespace dynasink::types
