// AssumeRoleCredentialsProvider: temporary credentials for a role, from STS AssumeRole called
// with the credentials of a source provider (static keys, the default chain, a profile...).
//
// The credentials are cached and renewed before they expire (credentials_cache.h), so STS is
// called about once per `duration`. The session name defaults to "RisingWave", as RisingWave's
// sink uses, so that CloudTrail and role trust policies conditioned on it behave the same.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "aws/credentials.h"
#include "aws/credentials_cache.h"
#include "aws/sts_client.h"

namespace dynasink::aws {

struct AssumeRoleOptions {
  std::string role_arn{};
  std::string external_id{};  // optional
  std::string session_name = "RisingWave";
  std::chrono::seconds duration{3600};
  StsClientOptions sts{};  // region, endpoint override, HTTP client
  RefreshOptions refresh{};
};

class AssumeRoleCredentialsProvider final : public CredentialsProvider {
 public:
  // InvalidArgument for a malformed role ARN, session name or STS endpoint.
  static Result<std::shared_ptr<AssumeRoleCredentialsProvider>> Create(
      std::shared_ptr<CredentialsProvider> source, AssumeRoleOptions options);

  Result<Credentials> GetCredentials() override;
  std::string Name() const override;

 private:
  AssumeRoleCredentialsProvider(std::shared_ptr<CredentialsProvider> source,
                                AssumeRoleOptions options, std::shared_ptr<StsClient> sts);
  Result<Credentials> Fetch();

  std::shared_ptr<CredentialsProvider> source_;
  AssumeRoleOptions options_;
  std::shared_ptr<StsClient> sts_;
  CredentialsCache cache_;
};

// Checks an STS role session name: 2 to 64 characters from [A-Za-z0-9+=,.@_-].
Status ValidateRoleSessionName(std::string_view name);

}  // namespace dynasink::aws
