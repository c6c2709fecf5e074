#include "aws/credentials_cache.h"

#include <algorithm>

#include "aws/iso8601.h"
#include "common/logging.h"

namespace dynasink::aws {

Clock::time_point CredentialsCache::NextRefresh(const Credentials& c, Clock::time_point now) const {
  if (!c.expiration) return Clock::time_point::max();
  Clock::time_point planned = *c.expiration - options_.refresh_margin;
  Clock::time_point earliest = now + options_.retry_interval;
  if (planned < earliest) {
    // Credentials that are already inside the margin: do not fetch again on every call, but do
    // try again before they become unusable.
    planned = std::min(earliest, *c.expiration - options_.min_remaining);
  }
  return planned;
}

Result<Credentials> CredentialsCache::Get(const Fetch& fetch, std::string_view name) {
  Clock::time_point now = Clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && now < next_refresh_ && Usable(*cached_, now)) return *cached_;
  }

  std::unique_lock<std::mutex> fetch_lock(fetch_mu_, std::try_to_lock);
  if (!fetch_lock.owns_lock()) {
    // Someone else is fetching. Usable credentials are good enough meanwhile.
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_ && Usable(*cached_, now)) return *cached_;
    }
    fetch_lock.lock();
  }
  now = Clock::now();
  {
    // The fetch we waited for may have done the work.
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && now < next_refresh_ && Usable(*cached_, now)) return *cached_;
  }

  Result<Credentials> fresh = fetch();
  now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (fresh.ok()) {
    RegisterSecrets(*fresh);
    cached_ = *fresh;
    next_refresh_ = NextRefresh(*fresh, now);
    return fresh;
  }
  if (cached_ && Usable(*cached_, now)) {
    next_refresh_ = now + options_.retry_interval;
    if (!cached_->expiration) return *cached_;
    next_refresh_ = std::min(next_refresh_, *cached_->expiration - options_.min_remaining);
    DS_LOG_WARN("aws",
                "could not refresh credentials from {}: {}; using the current ones, which expire "
                "at {}",
                name, fresh.status().ToString(), FormatIso8601(*cached_->expiration));
    return *cached_;
  }
  return fresh.status();
}

void CredentialsCache::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cached_.reset();
  next_refresh_ = {};
}

}  // namespace dynasink::aws
