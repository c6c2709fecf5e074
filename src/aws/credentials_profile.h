// ProfileCredentialsProvider: credentials described by a profile of the shared AWS files.
//
// A profile yields, in this order of precedence (as in the AWS SDKs):
//  1. role_arn: a role assumed with STS, using as source
//       source_profile = p     the credentials of profile p (itself resolved by these rules, so
//                              chains of roles work; a profile may name itself to use its own
//                              keys), or
//       credential_source = Environment | Ec2InstanceMetadata | EcsContainer, or
//       web_identity_token_file = f   (AssumeRoleWithWebIdentity instead of AssumeRole);
//     with external_id, role_session_name and duration_seconds when set;
//  2. aws_access_key_id and aws_secret_access_key (and aws_session_token);
//  3. credential_process: a command that prints credentials as JSON.
// SSO profiles are reported as not supported. Loops in source_profile are an error.
//
// The files are read, and the providers built, on the first call to GetCredentials(); a failure
// there (missing profile, malformed file) is returned and retried on the next call. STS calls
// use the region of StsClientOptions, else the profile's `region`, else the global endpoint.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/credentials_cache.h"
#include "aws/credentials_container.h"
#include "aws/credentials_imds.h"
#include "aws/profile_config.h"
#include "aws/sts_client.h"

namespace dynasink::aws {

struct ProfileProviderOptions {
  std::string profile{};                    // empty: AWS_PROFILE, else "default"
  std::optional<ProfileFilePaths> paths{};  // none: from the environment when first used
  StsClientOptions sts{};
  ContainerCredentialsOptions container{};      // for credential_source = EcsContainer
  InstanceMetadataOptions instance_metadata{};  // for credential_source = Ec2InstanceMetadata
  RefreshOptions refresh{};
  std::chrono::milliseconds process_timeout{60000};
};

class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ProfileCredentialsProvider(ProfileProviderOptions options = {});

  Result<Credentials> GetCredentials() override;
  std::string Name() const override;

 private:
  Result<std::shared_ptr<CredentialsProvider>> Build(const ProfileSet& set, const std::string& name,
                                                     std::vector<std::string>* visited) const;

  ProfileProviderOptions options_;
  std::string profile_;
  std::mutex mu_;
  std::shared_ptr<CredentialsProvider> resolved_;  // guarded by mu_
};

}  // namespace dynasink::aws
