// InstanceMetadataCredentialsProvider: the IAM role credentials of an EC2 instance, via IMDSv2.
//
//   PUT  /latest/api/token  (X-aws-ec2-metadata-token-ttl-seconds: 21600)  -> session token
//   GET  /latest/meta-data/iam/security-credentials/          -> the role name
//   GET  /latest/meta-data/iam/security-credentials/<role>    -> JSON credentials
// with the session token in X-aws-ec2-metadata-token on both GETs. The session token is reused
// until shortly before its TTL ends, and fetched again after a 401. When the token PUT is
// answered 404 or 405 (an old or emulated service) the GETs go without a token (IMDSv1), unless
// AWS_EC2_METADATA_V1_DISABLED=true.
//
// The endpoint is an option, else AWS_EC2_METADATA_SERVICE_ENDPOINT, else
// http://169.254.169.254 (http://[fd00:ec2::254] with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6).
// AWS_EC2_METADATA_DISABLED=true turns the provider off (NotFound). Timeouts are short (1 s) and
// there is one attempt by default, so that the default chain off EC2 fails fast.
// Credentials are cached and refreshed before they expire; if a refresh fails, the current ones
// are used while they last.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "aws/credentials.h"
#include "aws/credentials_cache.h"
#include "aws/http_client.h"

namespace dynasink::aws {

struct InstanceMetadataOptions {
  std::string endpoint{};  // empty: from the environment or the default
  std::chrono::milliseconds timeout{1000};
  int max_attempts = 1;
  std::chrono::seconds token_ttl{21600};
  std::shared_ptr<HttpClient> http{};  // null: SharedControlPlaneHttpClient()
  RefreshOptions refresh{};
};

class InstanceMetadataCredentialsProvider final : public CredentialsProvider {
 public:
  explicit InstanceMetadataCredentialsProvider(InstanceMetadataOptions options = {});

  Result<Credentials> GetCredentials() override;
  std::string Name() const override { return "instance metadata"; }

 private:
  Result<Credentials> Fetch();
  Result<Credentials> FetchOnce(const std::string& endpoint);
  // The IMDSv2 session token; empty when falling back to IMDSv1.
  Result<std::string> SessionToken(const std::string& endpoint, bool force_new);
  Result<HttpResponse> Get(const std::string& url, const std::string& token);

  InstanceMetadataOptions options_;
  CredentialsCache cache_;
  std::mutex token_mu_;
  std::string token_;                 // guarded by token_mu_
  Clock::time_point token_expiry_{};  // guarded by token_mu_
};

}  // namespace dynasink::aws
