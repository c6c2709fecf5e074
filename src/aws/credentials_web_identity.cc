#include "aws/credentials_web_identity.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "aws/credentials_assume_role.h"
#include "common/redact.h"

namespace dynasink::aws {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string DefaultSessionName() {
  return "dynasink-" + std::to_string(Clock::to_time_t(Clock::now()));
}

}  // namespace

Result<WebIdentityConfig> WebIdentityCredentialsProvider::ConfigFromEnvironment() {
  WebIdentityConfig config;
  config.token_file = Env("AWS_WEB_IDENTITY_TOKEN_FILE");
  config.role_arn = Env("AWS_ROLE_ARN");
  config.session_name = Env("AWS_ROLE_SESSION_NAME");
  if (config.token_file.empty()) {
    return Status::NotFound("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set");
  }
  if (config.role_arn.empty()) {
    return Status::InvalidArgument(
        "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
  }
  return config;
}

WebIdentityCredentialsProvider::WebIdentityCredentialsProvider(
    std::optional<WebIdentityConfig> config, StsClientOptions sts, RefreshOptions refresh)
    : config_(std::move(config)), sts_options_(std::move(sts)), cache_(refresh) {}

Result<Credentials> WebIdentityCredentialsProvider::GetCredentials() {
  return cache_.Get([this] { return Fetch(); }, Name());
}

Result<Credentials> WebIdentityCredentialsProvider::Fetch() {
  WebIdentityConfig config;
  std::shared_ptr<StsClient> sts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!config_) {
      DS_ASSIGN_OR_RETURN(WebIdentityConfig from_env, ConfigFromEnvironment());
      config_ = std::move(from_env);
    }
    if (!sts_) {
      DS_RETURN_IF_ERROR(ValidateRoleArn(config_->role_arn).WithContext("web identity"));
      if (config_->session_name.empty()) config_->session_name = DefaultSessionName();
      DS_RETURN_IF_ERROR(
          ValidateRoleSessionName(config_->session_name).WithContext("web identity"));
      DS_ASSIGN_OR_RETURN(sts_, StsClient::Create(sts_options_));
    }
    config = *config_;
    sts = sts_;
  }
  std::ifstream in(config.token_file, std::ios::binary);
  if (!in) {
    return Status::IOError("web identity: cannot read the token file " + config.token_file);
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  RegisterSecret(token);
  if (token.empty()) {
    return Status::InvalidArgument("web identity: the token file " + config.token_file +
                                   " is empty");
  }
  WebIdentityParams params;
  params.role_arn = config.role_arn;
  params.role_session_name = config.session_name;
  params.web_identity_token = std::move(token);
  params.duration = config.duration;
  return sts->AssumeRoleWithWebIdentity(params);
}

}  // namespace dynasink::aws
