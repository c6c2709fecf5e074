#include "aws/credentials_static.h"

namespace dynasink::aws {

StaticCredentialsProvider::StaticCredentialsProvider(Credentials credentials, std::string name)
    : credentials_(std::move(credentials)), name_(std::move(name)) {
  RegisterSecrets(credentials_);
}

Result<Credentials> StaticCredentialsProvider::GetCredentials() {
  if (credentials_.access_key_id.empty() || credentials_.secret_access_key.empty()) {
    return Status::InvalidArgument(name_ +
                                   " credentials need both an access key id and a secret key");
  }
  return credentials_;
}

}  // namespace dynasink::aws
