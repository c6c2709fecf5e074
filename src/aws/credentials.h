// AWS credentials and the providers that find them.
//
// A CredentialsProvider hands out Credentials, refreshing them before they expire. Providers
// are thread-safe. Each concrete provider lives in its own header (credentials_*.h); the
// default chain and the factory that reads sink options are in credentials_chain.h.
// Secret values are registered with common/redact.h as soon as they are loaded.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace dynasink::aws {

using Clock = std::chrono::system_clock;

struct Credentials {
  std::string access_key_id{};
  std::string secret_access_key{};
  std::string session_token{};                    // empty for long-term keys
  std::optional<Clock::time_point> expiration{};  // none for long-term keys

  // True when the credentials expire within `margin` of `now`.
  bool ExpiresWithin(std::chrono::seconds margin, Clock::time_point now = Clock::now()) const {
    return expiration && *expiration - margin <= now;
  }
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials, refreshed when they expire within a few minutes. Errors name the
  // provider and the fix (e.g. "profile 'x' not found in ~/.aws/config"). Cheap when the cached
  // credentials are fresh (a lock and a copy), but a refresh may block on STS, instance metadata
  // or a credential_process for seconds: call it where blocking is allowed, never from an
  // HttpClient callback.
  virtual Result<Credentials> GetCredentials() = 0;
  // Short name for messages: "static", "environment", "profile 'x'", "web identity",
  // "container", "instance metadata", "assume-role <arn> with <source>", "default chain".
  virtual std::string Name() const = 0;
};

// Registers the secret access key and session token with common/redact.h, so that no later log
// line or error message can show them. Every provider calls this for what it loads.
void RegisterSecrets(const Credentials& credentials);

}  // namespace dynasink::aws
