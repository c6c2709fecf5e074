// StaticCredentialsProvider: fixed keys, e.g. from the sink's aws.credentials.* options.
#pragma once

#include "aws/credentials.h"

namespace dynasink::aws {

class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  // `credentials` must have an access key id and a secret; GetCredentials() reports it otherwise.
  // The secret and token are registered for redaction here.
  explicit StaticCredentialsProvider(Credentials credentials, std::string name = "static");

  Result<Credentials> GetCredentials() override;
  std::string Name() const override { return name_; }

 private:
  Credentials credentials_;
  std::string name_;
};

}  // namespace dynasink::aws
