// EnvironmentCredentialsProvider: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
//
// As in the AWS SDKs, AWS_ACCESS_KEY and AWS_SECRET_KEY are accepted as older spellings, and
// AWS_CREDENTIAL_EXPIRATION (ISO 8601) marks temporary keys. The variables are read on every
// call, so a changed environment takes effect. NotFound when neither key variable is set (the
// default chain then moves on); InvalidArgument when only one of them is.
#pragma once

#include "aws/credentials.h"

namespace dynasink::aws {

class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  Result<Credentials> GetCredentials() override;
  std::string Name() const override { return "environment"; }
};

}  // namespace dynasink::aws
