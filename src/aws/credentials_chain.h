// The default credentials chain, and the factory that turns sink options into a provider.
//
// DefaultCredentialsChain tries, in the order of the AWS SDKs:
//   1. environment variables        (credentials_env.h)
//   2. web identity from the environment (credentials_web_identity.h)
//   3. the shared files' profile    (credentials_profile.h: keys, role_arn, credential_process)
//   4. container credentials        (credentials_container.h)
//   5. EC2 instance metadata        (credentials_imds.h)
// and keeps using the first that succeeds (trying them all again only if that one later says it
// is no longer configured). When none succeeds the error lists what each step said; its code is
// that of the first step that failed for a reason other than "not configured" (NotFound), e.g.
// PermissionDenied when STS refused a profile's role, else NotFound.
//
// MakeCredentialsProvider() builds what a sink needs (COMPATIBILITY.md section 2): static keys
// when both the key id and the secret are given, else the default chain with the profile; and a
// role ARN wraps that base in AssumeRole (session name "RisingWave", the external id if given).
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
#include "aws/http_client.h"
#include "aws/profile_config.h"
#include "aws/sts_client.h"

namespace dynasink::aws {

struct DefaultChainOptions {
  std::string profile{};                    // empty: AWS_PROFILE, else "default"
  std::optional<ProfileFilePaths> paths{};  // none: from the environment
  StsClientOptions sts{};                   // for roles of profiles and web identity
  ContainerCredentialsOptions container{};
  InstanceMetadataOptions instance_metadata{};
  RefreshOptions refresh{};
};

class DefaultCredentialsChain final : public CredentialsProvider {
 public:
  explicit DefaultCredentialsChain(DefaultChainOptions options = {});
  // A chain of the given providers, tried in order (for tests and special set-ups).
  explicit DefaultCredentialsChain(std::vector<std::shared_ptr<CredentialsProvider>> providers);

  Result<Credentials> GetCredentials() override;
  std::string Name() const override { return "default chain"; }

 private:
  std::vector<std::shared_ptr<CredentialsProvider>> providers_;
  std::mutex mu_;
  std::shared_ptr<CredentialsProvider> last_;  // guarded by mu_
};

// What a sink's options say about credentials.
struct CredentialsConfig {
  std::string access_key_id{};      // aws.credentials.access_key_id
  std::string secret_access_key{};  // aws.credentials.secret_access_key
  std::string session_token{};      // aws.credentials.session_token
  std::string role_arn{};           // aws.credentials.role.arn
  std::string external_id{};        // aws.credentials.role.external_id
  std::string role_session_name = "RisingWave";
  std::chrono::seconds role_duration{3600};
  std::string profile{};               // aws.profile
  std::string region{};                // the sink's region: STS's regional endpoint
  std::string sts_endpoint;            // STS endpoint override (tests)
  std::shared_ptr<HttpClient> http{};  // for STS, container and IMDS calls; null: shared
  // Further settings of the default chain (endpoints of local fakes in tests, refresh timing).
  // Its profile, STS region, endpoint and HTTP client are taken from the fields above.
  DefaultChainOptions chain{};
};

// InvalidArgument when the options contradict each other (a key id without a secret, a session
// token or external id without what it belongs to, a malformed role ARN). Nothing is fetched
// yet: call GetCredentials() to check that credentials can actually be obtained.
Result<std::shared_ptr<CredentialsProvider>> MakeCredentialsProvider(
    const CredentialsConfig& config);

}  // namespace dynasink::aws
