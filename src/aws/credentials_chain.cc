#include "aws/credentials_chain.h"

#include "aws/credentials_assume_role.h"
#include "aws/credentials_env.h"
#include "aws/credentials_profile.h"
#include "aws/credentials_static.h"
#include "aws/credentials_web_identity.h"
#include "common/redact.h"

namespace dynasink::aws {

DefaultCredentialsChain::DefaultCredentialsChain(DefaultChainOptions options) {
  providers_.push_back(std::make_shared<EnvironmentCredentialsProvider>());
  providers_.push_back(
      std::make_shared<WebIdentityCredentialsProvider>(std::nullopt, options.sts, options.refresh));
  ProfileProviderOptions profile;
  profile.profile = options.profile;
  profile.paths = options.paths;
  profile.sts = options.sts;
  profile.container = options.container;
  profile.instance_metadata = options.instance_metadata;
  profile.refresh = options.refresh;
  providers_.push_back(std::make_shared<ProfileCredentialsProvider>(std::move(profile)));
  options.container.refresh = options.refresh;
  providers_.push_back(std::make_shared<ContainerCredentialsProvider>(options.container));
  options.instance_metadata.refresh = options.refresh;
  providers_.push_back(
      std::make_shared<InstanceMetadataCredentialsProvider>(options.instance_metadata));
}

DefaultCredentialsChain::DefaultCredentialsChain(
    std::vector<std::shared_ptr<CredentialsProvider>> providers)
    : providers_(std::move(providers)) {}

Result<Credentials> DefaultCredentialsChain::GetCredentials() {
  std::shared_ptr<CredentialsProvider> last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last = last_;
  }
  if (last) {
    Result<Credentials> creds = last->GetCredentials();
    // Anything but "no longer configured" is the answer: a refresh failure of the source that
    // worked should not silently switch to another identity.
    if (creds.ok() || !creds.status().IsNotFound()) return creds;
  }

  std::string tried;
  StatusCode code = StatusCode::kNotFound;
  for (const auto& provider : providers_) {
    Result<Credentials> creds = provider->GetCredentials();
    if (creds.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      last_ = provider;
      return creds;
    }
    if (code == StatusCode::kNotFound && !creds.status().IsNotFound()) code = creds.status().code();
    if (!tried.empty()) tried += "; ";
    // Most providers' messages start with their name already.
    const std::string& message = creds.status().message();
    std::string name = provider->Name();
    if (!message.starts_with(name)) tried += name + ": ";
    tried += message;
  }
  return Status(code, Redact("no AWS credentials found. Tried " + tried));
}

Result<std::shared_ptr<CredentialsProvider>> MakeCredentialsProvider(
    const CredentialsConfig& config) {
  if (!config.secret_access_key.empty() || !config.session_token.empty()) {
    RegisterSecret(config.secret_access_key);
    RegisterSecret(config.session_token);
  }
  bool has_id = !config.access_key_id.empty();
  bool has_secret = !config.secret_access_key.empty();
  if (has_id != has_secret) {
    return Status::InvalidArgument(
        has_id ? "aws.credentials.access_key_id is set but aws.credentials.secret_access_key is "
                 "not; set both, or neither to use the default credentials chain"
               : "aws.credentials.secret_access_key is set but aws.credentials.access_key_id is "
                 "not; set both, or neither to use the default credentials chain");
  }
  if (!config.session_token.empty() && !has_id) {
    return Status::InvalidArgument(
        "aws.credentials.session_token is set without aws.credentials.access_key_id and "
        "aws.credentials.secret_access_key");
  }
  if (!config.external_id.empty() && config.role_arn.empty()) {
    return Status::InvalidArgument(
        "aws.credentials.role.external_id is set without aws.credentials.role.arn");
  }

  StsClientOptions sts = config.chain.sts;
  if (!config.region.empty()) sts.region = config.region;
  if (!config.sts_endpoint.empty()) sts.endpoint_override = config.sts_endpoint;
  if (config.http) sts.http = config.http;

  std::shared_ptr<CredentialsProvider> base;
  if (has_id) {
    Credentials creds;
    creds.access_key_id = config.access_key_id;
    creds.secret_access_key = config.secret_access_key;
    creds.session_token = config.session_token;
    base = std::make_shared<StaticCredentialsProvider>(std::move(creds));
  } else {
    DefaultChainOptions chain = config.chain;
    if (!config.profile.empty()) chain.profile = config.profile;
    chain.sts = sts;
    if (config.http) {
      chain.container.http = config.http;
      chain.instance_metadata.http = config.http;
    }
    base = std::make_shared<DefaultCredentialsChain>(std::move(chain));
  }
  if (config.role_arn.empty()) return base;

  AssumeRoleOptions role;
  role.role_arn = config.role_arn;
  role.external_id = config.external_id;
  role.session_name = config.role_session_name;
  role.duration = config.role_duration;
  role.sts = std::move(sts);
  role.refresh = config.chain.refresh;
  Result<std::shared_ptr<AssumeRoleCredentialsProvider>> provider =
      AssumeRoleCredentialsProvider::Create(std::move(base), std::move(role));
  if (!provider.ok()) return provider.status().WithContext("aws.credentials.role.arn");
  return std::shared_ptr<CredentialsProvider>(*provider);
}

}  // namespace dynasink::aws
