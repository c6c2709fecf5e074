#include "aws/credentials.h"

#include "common/redact.h"

namespace dynasink::aws {

void RegisterSecrets(const Credentials& credentials) {
  RegisterSecret(credentials.secret_access_key);
  RegisterSecret(credentials.session_token);
}

}  // namespace dynasink::aws
