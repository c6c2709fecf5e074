// ContainerCredentialsProvider: credentials from the ECS / EKS Pod Identity agent endpoint.
//
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is fetched from http://169.254.170.2 (the host is an
// option, for tests); otherwise AWS_CONTAINER_CREDENTIALS_FULL_URI is fetched as given, which the
// SDKs allow only over https or to a loopback or ECS/EKS agent address (169.254.170.2,
// 169.254.170.23, fd00:ec2::23). The Authorization header comes from the file named by
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, else from AWS_CONTAINER_AUTHORIZATION_TOKEN.
// NotFound when neither URI variable is set. The answer is JSON with AccessKeyId,
// SecretAccessKey, Token and Expiration; it is cached and fetched again before it expires.
// Transient failures (network, 5xx) are retried twice.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "aws/credentials.h"
#include "aws/credentials_cache.h"
#include "aws/http_client.h"

namespace dynasink::aws {

struct ContainerCredentialsOptions {
  std::string relative_uri_host = "http://169.254.170.2";
  std::chrono::milliseconds timeout{2000};
  int max_attempts = 3;
  std::shared_ptr<HttpClient> http{};  // null: SharedControlPlaneHttpClient()
  RefreshOptions refresh{};
};

class ContainerCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ContainerCredentialsProvider(ContainerCredentialsOptions options = {});

  Result<Credentials> GetCredentials() override;
  std::string Name() const override { return "container"; }

 private:
  Result<Credentials> Fetch();
  Result<Credentials> FetchOnce(const HttpRequest& request, std::string_view where);

  ContainerCredentialsOptions options_;
  CredentialsCache cache_;
};

}  // namespace dynasink::aws
