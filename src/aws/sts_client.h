// StsClient: the two AWS STS calls that credential providers need.
//
// AssumeRole is a SigV4-signed POST of the query protocol (Action=AssumeRole&Version=2011-06-15
// ...) answered in XML; AssumeRoleWithWebIdentity is the same call unsigned, authorised by the
// web identity token. The endpoint is the regional one (https://sts.<region>.amazonaws.com,
// .amazonaws.com.cn in China) or an override; without a region it is the global endpoint,
// signed for us-east-1. Throttling, 5xx answers and network errors are retried (3 attempts by
// default, full-jitter backoff).
//
// Errors: PermissionDenied for AccessDenied, InvalidClientTokenId, ExpiredToken,
// SignatureDoesNotMatch, InvalidIdentityToken and the like; Unavailable for throttling, 5xx and
// network failures after the retries; FailedPrecondition for RegionDisabledException;
// InvalidArgument for validation errors. Messages carry STS's code, message and request id, and
// name the role, never a secret. Returned secrets are registered for redaction.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "aws/credentials.h"
#include "aws/http_client.h"
#include "common/result.h"

namespace dynasink::aws {

struct StsClientOptions {
  std::string region{};                // empty: the global endpoint, signed for us-east-1
  std::string endpoint_override{};     // e.g. "http://127.0.0.1:4599" in tests
  std::shared_ptr<HttpClient> http{};  // null: SharedControlPlaneHttpClient()
  int max_attempts = 3;
  std::chrono::milliseconds timeout{10000};  // per attempt
};

struct AssumeRoleParams {
  std::string role_arn{};
  std::string role_session_name{};
  std::string external_id{};            // optional
  std::chrono::seconds duration{3600};  // STS accepts 900 s up to the role's maximum
  std::string policy;                   // optional session policy (JSON)
};

struct WebIdentityParams {
  std::string role_arn{};
  std::string role_session_name{};
  std::string web_identity_token{};
  std::chrono::seconds duration{3600};
};

class StsClient {
 public:
  // InvalidArgument for a bad region or endpoint override.
  static Result<std::shared_ptr<StsClient>> Create(StsClientOptions options);

  Result<Credentials> AssumeRole(const AssumeRoleParams& params, const Credentials& caller) const;
  Result<Credentials> AssumeRoleWithWebIdentity(const WebIdentityParams& params) const;

  const std::string& endpoint_url() const { return endpoint_url_; }
  const std::string& signing_region() const { return signing_region_; }

 private:
  StsClient(StsClientOptions options, std::string endpoint_url, std::string signing_region);
  // Sends `body` (signed with `caller` unless null), retrying transient failures, and returns
  // the credentials in the answer's <ResultElement>/Credentials.
  Result<Credentials> Call(std::string_view action, const std::string& body,
                           const Credentials* caller, std::string_view role_arn) const;

  StsClientOptions options_;
  std::string endpoint_url_;
  std::string signing_region_;
};

// Checks that a role ARN looks like arn:<partition>:iam::<account>:role/<name>, so a typo is
// reported when a sink is created rather than as an STS error later.
Status ValidateRoleArn(std::string_view role_arn);

}  // namespace dynasink::aws
