// When a BatchWriteItem call (or the part of it DynamoDB left unprocessed) is sent again.
//
// First schedule (dynamodb.batch_write_retry_times, dynamodb.batch_write_retry_backoff_ms): retry
// n waits backoff * 2^(n-1), capped at 2 s, with jitter. After it runs out the sink reports itself
// failing ("retrying" with the last error) and keeps retrying slowly: the delay keeps doubling
// from at least 2 s up to 30 s. Nothing is ever dropped.
//
// Jitter is "equal jitter": a delay uniformly drawn from [d/2, d]. Full jitter (as the AWS SDKs
// use for single calls) can pick near-zero delays, which for a sink with hundreds of calls
// throttled at once means a burst of immediate retries; keeping half the delay spreads them while
// still backing off.
//
// AdaptiveConcurrency: the limit on calls in flight, additive increase / multiplicative decrease.
// Throttling (an error, or UnprocessedItems) halves it, at most once per cool-down so that the
// calls already in flight when the first throttle came back do not cut it to 1; each success
// raises it by 1/limit, so it regrows by about one call per round of calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace dynasink::connector::dynamodb {

class RetrySchedule {
 public:
  using ms = std::chrono::milliseconds;
  static constexpr ms kFirstCap{2000};
  static constexpr ms kSlowFloor{2000};
  static constexpr ms kSlowCap{30000};

  RetrySchedule(int first_retries, ms first_backoff)
      : first_retries_(first_retries), first_backoff_(first_backoff) {}

  // True when retry `n` (1 for the first retry) is beyond the first schedule.
  bool IsSlow(int n) const { return n > first_retries_; }
  // The longest delay retry `n` may wait (before jitter).
  ms MaxDelay(int n) const;
  // The delay before retry `n`, drawn from [MaxDelay(n)/2, MaxDelay(n)].
  ms Delay(int n, std::mt19937_64& rng) const;

  int first_retries() const { return first_retries_; }

 private:
  int first_retries_;
  ms first_backoff_;
};

class AdaptiveConcurrency {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kCooldown{200};

  explicit AdaptiveConcurrency(int max) : max_(max < 1 ? 1 : max), limit_(max_) {}

  int limit() const { return static_cast<int>(limit_); }
  int max() const { return max_; }

  // Multiplicative decrease; false when within the cool-down of the previous cut.
  bool OnThrottle(Clock::time_point now);
  // Additive increase.
  void OnSuccess();

 private:
  int max_;
  double limit_;
  Clock::time_point last_cut_{};
  bool cut_before_ = false;
};

}  // namespace dynasink::connector::dynamodb
