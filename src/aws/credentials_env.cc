#include "aws/credentials_env.h"

#include <cstdlib>

#include "aws/iso8601.h"

namespace dynasink::aws {
namespace {

std::string Env(const char* name, const char* legacy = nullptr) {
  const char* v = std::getenv(name);
  if ((v == nullptr || *v == '\0') && legacy != nullptr) v = std::getenv(legacy);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

Result<Credentials> EnvironmentCredentialsProvider::GetCredentials() {
  Credentials creds;
  creds.access_key_id = Env("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY");
  creds.secret_access_key = Env("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY");
  creds.session_token = Env("AWS_SESSION_TOKEN");
  RegisterSecrets(creds);
  if (creds.access_key_id.empty() && creds.secret_access_key.empty()) {
    return Status::NotFound("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  }
  if (creds.access_key_id.empty()) {
    return Status::InvalidArgument(
        "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
  }
  if (creds.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  }
  if (std::string expiration = Env("AWS_CREDENTIAL_EXPIRATION"); !expiration.empty()) {
    Result<Clock::time_point> when = ParseIso8601(expiration);
    if (!when.ok()) {
      return Status::InvalidArgument("environment: AWS_CREDENTIAL_EXPIRATION: " +
                                     when.status().message());
    }
    creds.expiration = *when;
    if (creds.ExpiresWithin(std::chrono::seconds(0))) {
      return Status::PermissionDenied("environment: the credentials expired at " + expiration +
                                      " (AWS_CREDENTIAL_EXPIRATION); set fresh ones");
    }
  }
  return creds;
}

}  // namespace dynasink::aws
