// Service endpoints: the default URL of an AWS service in a region, or a validated override.
//
// Defaults follow the AWS partitions: https://<service>.<region>.amazonaws.com, with
// .amazonaws.com.cn for the China regions (cn-*), .c2s.ic.gov for us-iso-* and .sc2s.sgov.gov
// for us-isob-*. An override (aws.endpoint_url, e.g. DynamoDB Local) must be an absolute http or
// https URL with a host, an optional port and no user info, query or fragment: a typo there
// should fail when the sink is created, not as a confusing network error later.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace dynasink::aws {

struct Endpoint {
  std::string url;     // scheme://host[:port] plus the path, which is "/" when none was given
  std::string scheme;  // "http" or "https"
  std::string host;    // name or address; IPv6 without brackets
  int port = 0;        // explicit port, or 0 for the scheme's default
  std::string path;    // "/" or the override's path
};

// Checks that `region` looks like an AWS region name (lower-case letters, digits and '-').
Status ValidateRegion(std::string_view region);

// The endpoint of `service` ("dynamodb", "sts") in `region`, or `override_url` when not empty.
Result<Endpoint> ResolveEndpoint(std::string_view service, std::string_view region,
                                 std::string_view override_url = {});

// Parses and validates an endpoint override URL.
Result<Endpoint> ParseEndpointUrl(std::string_view url);

}  // namespace dynasink::aws
