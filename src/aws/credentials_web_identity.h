// WebIdentityCredentialsProvider: a role assumed with an OIDC token from a file (EKS IRSA and
// similar): STS AssumeRoleWithWebIdentity, which needs no AWS credentials.
//
// Configured explicitly (a profile's web_identity_token_file and role_arn) or from the
// environment: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and optionally AWS_ROLE_SESSION_NAME,
// read when credentials are first needed. NotFound when AWS_WEB_IDENTITY_TOKEN_FILE is not set
// (the default chain then moves on). The token file is read again at every refresh, since the
// platform rotates it.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/credentials_cache.h"
#include "aws/sts_client.h"

namespace dynasink::aws {

struct WebIdentityConfig {
  std::string token_file{};
  std::string role_arn{};
  std::string session_name{};  // empty: "dynasink-<unix time>"
  std::chrono::seconds duration{3600};
};

class WebIdentityCredentialsProvider final : public CredentialsProvider {
 public:
  // With no `config`, it comes from the environment.
  WebIdentityCredentialsProvider(std::optional<WebIdentityConfig> config, StsClientOptions sts,
                                 RefreshOptions refresh = {});

  Result<Credentials> GetCredentials() override;
  std::string Name() const override { return "web identity"; }

  // The configuration from AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN / AWS_ROLE_SESSION_NAME.
  static Result<WebIdentityConfig> ConfigFromEnvironment();

 private:
  Result<Credentials> Fetch();

  std::mutex mu_;
  std::optional<WebIdentityConfig> config_;  // guarded by mu_ until set
  StsClientOptions sts_options_;
  std::shared_ptr<StsClient> sts_;  // guarded by mu_ until set
  CredentialsCache cache_;
};

}  // namespace dynasink::aws
