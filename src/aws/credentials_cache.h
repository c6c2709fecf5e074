// Caching and refreshing of expiring credentials.
//
// CredentialsCache is the building block of every provider whose credentials expire (AssumeRole,
// web identity, credential_process, container, instance metadata): it returns the cached
// credentials until they come within `refresh_margin` of expiring, then fetches new ones.
//  - One caller fetches at a time. While it does, others get the current credentials if those
//    are still usable, and wait for the fetch otherwise.
//  - When a refresh fails but the current credentials are still usable (more than
//    `min_remaining` left), they are returned, a warning is logged, and the refresh is retried
//    after `retry_interval`: a short STS or metadata outage does not stop the sink.
//  - Credentials without an expiration are fetched once.
// CachingCredentialsProvider applies the same to any provider.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/credentials.h"

namespace dynasink::aws {

struct RefreshOptions {
  // Refresh this long before expiry. The AWS SDKs use 5 minutes for STS-issued credentials.
  std::chrono::seconds refresh_margin{5 * 60};
  // Credentials with less time left than this are treated as expired.
  std::chrono::seconds min_remaining{15};
  // After a failed refresh (or a fetch that returned credentials already inside the refresh
  // margin), wait this long before trying again, as long as the current credentials last.
  std::chrono::seconds retry_interval{10};
};

class CredentialsCache {
 public:
  using Fetch = std::function<Result<Credentials>()>;
  explicit CredentialsCache(RefreshOptions options = {}) : options_(options) {}

  // The cached credentials, refreshed with `fetch` as described above. `name` is the provider's
  // name, for the log line about a failed refresh.
  Result<Credentials> Get(const Fetch& fetch, std::string_view name);

  // Drops the cached credentials, so that the next Get() fetches.
  void Invalidate();

  const RefreshOptions& options() const { return options_; }

 private:
  bool Usable(const Credentials& c, Clock::time_point now) const {
    return !c.ExpiresWithin(options_.min_remaining, now);
  }
  Clock::time_point NextRefresh(const Credentials& c, Clock::time_point now) const;

  const RefreshOptions options_;
  std::mutex fetch_mu_;  // held while fetching: one fetch at a time
  std::mutex mu_;        // guards the fields below
  std::optional<Credentials> cached_;
  Clock::time_point next_refresh_{};
};

// Wraps another provider in a CredentialsCache.
class CachingCredentialsProvider final : public CredentialsProvider {
 public:
  explicit CachingCredentialsProvider(std::shared_ptr<CredentialsProvider> inner,
                                      RefreshOptions options = {})
      : inner_(std::move(inner)), cache_(options) {}

  Result<Credentials> GetCredentials() override {
    return cache_.Get([this] { return inner_->GetCredentials(); }, inner_->Name());
  }
  std::string Name() const override { return inner_->Name(); }
  void Invalidate() { cache_.Invalidate(); }

 private:
  std::shared_ptr<CredentialsProvider> inner_;
  CredentialsCache cache_;
};

}  // namespace dynasink::aws
