// ProcessCredentialsProvider: the credential_process setting of a profile.
//
// Runs the command (see subprocess.h) and reads its stdout as
//   {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ...,
//    "Expiration": "2024-01-01T00:00:00Z"}
// Credentials with an Expiration are cached and the command is run again before they expire;
// without one they are kept for the life of the provider. Errors name the profile and say what
// went wrong (exit status, timeout, not JSON, a missing field), with at most the first line of
// the command's stderr (redacted), and never its stdout.
#pragma once

#include <chrono>
#include <string>

#include "aws/credentials.h"
#include "aws/credentials_cache.h"

namespace dynasink::aws {

class ProcessCredentialsProvider final : public CredentialsProvider {
 public:
  ProcessCredentialsProvider(std::string command, std::string profile_name,
                             RefreshOptions refresh = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(60));

  Result<Credentials> GetCredentials() override;
  std::string Name() const override { return "credential_process (profile '" + profile_ + "')"; }

 private:
  Result<Credentials> Fetch();

  std::string command_;
  std::string profile_;
  std::chrono::milliseconds timeout_;
  CredentialsCache cache_;
};

}  // namespace dynasink::aws
