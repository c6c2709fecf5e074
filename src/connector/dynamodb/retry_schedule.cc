#include "connector/dynamodb/retry_schedule.h"

#include <algorithm>

namespace dynasink::connector::dynamodb {

RetrySchedule::ms RetrySchedule::MaxDelay(int n) const {
  if (n < 1) n = 1;
  // backoff * 2^(n-1) without overflow: past 2^20 every cap below has long been reached.
  int shift = std::min(n - 1, 20);
  int64_t d = first_backoff_.count() << shift;
  if (!IsSlow(n)) return ms(std::min<int64_t>(d, kFirstCap.count()));
  return ms(std::clamp<int64_t>(d, kSlowFloor.count(), kSlowCap.count()));
}

RetrySchedule::ms RetrySchedule::Delay(int n, std::mt19937_64& rng) const {
  int64_t max = MaxDelay(n).count();
  int64_t min = max / 2;
  if (max <= min) return ms(max);
  std::uniform_int_distribution<int64_t> dist(min, max);
  return ms(dist(rng));
}

bool AdaptiveConcurrency::OnThrottle(Clock::time_point now) {
  if (cut_before_ && now - last_cut_ < kCooldown) return false;
  cut_before_ = true;
  last_cut_ = now;
  limit_ = std::max(1.0, limit_ / 2);
  return true;
}

void AdaptiveConcurrency::OnSuccess() {
  limit_ = std::min<double>(max_, limit_ + 1.0 / limit_);
}

}  // namespace dynasink::connector::dynamodb
