// AWS Signature Version 4 (header signing, and presigned URLs).
//
// Sign() adds X-Amz-Date, X-Amz-Security-Token (with a session token) and Authorization to a
// request, signing every header present plus host. The signing key is derived once per
// (secret, date, region, service) and cached. The canonical request and string to sign are
// exposed for tests and diagnostics; they follow the AWS SigV4 test suite byte for byte.
#pragma once

#include <chrono>
#include <string>

#include "aws/credentials.h"
#include "aws/http_client.h"

namespace dynasink::aws {

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
};

class SigV4Signer {
 public:
  SigV4Signer(std::string region, std::string service);

  // Signs `request` in place at time `now`. The body is hashed unless the caller already set
  // x-amz-content-sha256.
  SigningResult Sign(HttpRequest& request, const Credentials& credentials,
                     Clock::time_point now = Clock::now()) const;

  // Returns `request.url` with X-Amz-* query parameters that authorise it for `expires`.
  std::string Presign(const HttpRequest& request, const Credentials& credentials,
                      std::chrono::seconds expires, Clock::time_point now = Clock::now()) const;

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }

 private:
  std::string region_;
  std::string service_;
};

}  // namespace dynasink::aws
