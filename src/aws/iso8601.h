// ISO 8601 / RFC 3339 timestamps as AWS credential sources write them:
// "2019-11-09T13:34:41Z", "2019-11-09T13:34:41.123Z", "2019-11-09T15:34:41+02:00".
#pragma once

#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "common/result.h"

namespace dynasink::aws {

// InvalidArgument (without echoing the text) when `text` is not such a timestamp.
Result<Clock::time_point> ParseIso8601(std::string_view text);

// "2019-11-09T13:34:41Z", for messages and test servers.
std::string FormatIso8601(Clock::time_point when);

}  // namespace dynasink::aws
