// Which AWS region to use, resolved as the AWS SDKs do:
//   1. the explicit region (the sink's aws.region), when not empty;
//   2. AWS_REGION, then AWS_DEFAULT_REGION;
//   3. `region` in the selected profile of the config file (profile: explicit, else AWS_PROFILE,
//      else "default").
// NotFound, naming every place looked at, when none has one. A malformed config file is
// reported (InvalidArgument) rather than skipped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/profile_config.h"
#include "common/result.h"

namespace dynasink::aws {

struct ResolvedRegion {
  std::string region{};
  std::string source{};  // "explicit", "AWS_REGION", "AWS_DEFAULT_REGION", "profile 'x'"
};

Result<ResolvedRegion> ResolveRegion(std::string_view explicit_region,
                                     std::string_view profile = {},
                                     std::optional<ProfileFilePaths> paths = std::nullopt);

}  // namespace dynasink::aws
