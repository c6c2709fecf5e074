#include "aws/credentials_assume_role.h"

namespace dynasink::aws {

Status ValidateRoleSessionName(std::string_view name) {
  bool ok = name.size() >= 2 && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '_' || c == '-');
  }
  if (!ok) {
    return Status::InvalidArgument("role session name '" + std::string(name) +
                                   "' must be 2 to 64 characters from A-Z a-z 0-9 + = , . @ _ -");
  }
  return Status::OK();
}

Result<std::shared_ptr<AssumeRoleCredentialsProvider>> AssumeRoleCredentialsProvider::Create(
    std::shared_ptr<CredentialsProvider> source, AssumeRoleOptions options) {
  DS_RETURN_IF_ERROR(ValidateRoleArn(options.role_arn));
  DS_RETURN_IF_ERROR(ValidateRoleSessionName(options.session_name));
  if (options.duration < std::chrono::seconds(900) || options.duration > std::chrono::hours(12)) {
    return Status::InvalidArgument("AssumeRole duration must be from 900 to 43200 seconds, not " +
                                   std::to_string(options.duration.count()));
  }
  DS_ASSIGN_OR_RETURN(std::shared_ptr<StsClient> sts, StsClient::Create(options.sts));
  return std::shared_ptr<AssumeRoleCredentialsProvider>(
      new AssumeRoleCredentialsProvider(std::move(source), std::move(options), std::move(sts)));
}

AssumeRoleCredentialsProvider::AssumeRoleCredentialsProvider(
    std::shared_ptr<CredentialsProvider> source, AssumeRoleOptions options,
    std::shared_ptr<StsClient> sts)
    : source_(std::move(source)),
      options_(std::move(options)),
      sts_(std::move(sts)),
      cache_(options_.refresh) {}

std::string AssumeRoleCredentialsProvider::Name() const {
  return "assume-role " + options_.role_arn + " with " + source_->Name();
}

Result<Credentials> AssumeRoleCredentialsProvider::GetCredentials() {
  return cache_.Get([this] { return Fetch(); }, Name());
}

Result<Credentials> AssumeRoleCredentialsProvider::Fetch() {
  Result<Credentials> caller = source_->GetCredentials();
  if (!caller.ok()) {
    return caller.status().WithContext("cannot assume role " + options_.role_arn +
                                       ": no source credentials");
  }
  AssumeRoleParams params;
  params.role_arn = options_.role_arn;
  params.role_session_name = options_.session_name;
  params.external_id = options_.external_id;
  params.duration = options_.duration;
  return sts_->AssumeRole(params, *caller);
}

}  // namespace dynasink::aws
