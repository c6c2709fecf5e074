// RetryPolicy: when to retry a failed AWS call and how long to wait, as the AWS SDKs' "standard"
// retry mode does.
//
// - Attempts: at most `max_attempts` in all (the first included; 1 disables retries).
// - Backoff: "full jitter", a uniformly random delay in [0, min(max_backoff, base * 2^(n-1))]
//   before retry n. Spreading retries over the whole window keeps many clients that failed
//   together from retrying together. Throttling errors use a larger base, since the service
//   asked us to slow down rather than reporting a blip.
// - Retry quota (optional, on by default): a token bucket shared by every call through one
//   policy. A retry costs 5 tokens (10 after a timeout or network error), a first-attempt success
//   returns 1 and a success after retries returns what its last retry took. When the bucket is
//   empty, failures are returned at once instead of retried: during an outage this stops a
//   client from multiplying its load, while isolated failures are still retried.
//
// The policy is thread-safe and meant to be shared: the DynamoDB client uses it per call, and the
// sink reuses it (with its own options) for UnprocessedItems and its outer retry loop.
#pragma once

#include <atomic>
#include <chrono>

#include "aws/dynamodb_error.h"

namespace dynasink::aws {

struct RetryOptions {
  int max_attempts = 3;                      // the SDKs' standard mode default
  std::chrono::milliseconds base_delay{25};  // DynamoDB's base in the AWS SDKs
  std::chrono::milliseconds throttling_base_delay{500};
  std::chrono::milliseconds max_backoff{20000};
  bool retry_quota = true;  // the token bucket described above
  int quota_capacity = 500;
};

// What a failed attempt should lead to.
struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  // wait this long before the next attempt
  int quota_cost = 0;                  // tokens taken; pass to OnSuccess() if a retry succeeds
  const char* reason = "";             // why not, for messages: "not retryable", ...
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryOptions options = {});

  // The decision after attempt number `attempts_made` (1 for the first) failed.
  RetryDecision Decide(const DynamoDbError& error, int attempts_made);
  // The same for failures that are not DynamoDbErrors (e.g. UnprocessedItems, which the sink
  // treats as throttling). `timeout` marks timeouts and network errors, which cost more quota.
  RetryDecision Decide(bool retryable, bool throttling, bool timeout, int attempts_made);

  // Reports a success; `last_quota_cost` is the cost of the retry that succeeded, 0 if the first
  // attempt did.
  void OnSuccess(int last_quota_cost);

  // The full-jitter delay before retry `retry` (1 for the first retry).
  std::chrono::milliseconds Backoff(int retry, bool throttling) const;

  const RetryOptions& options() const { return options_; }
  int quota_available() const { return quota_.load(std::memory_order_relaxed); }

 private:
  bool TakeQuota(int cost);

  RetryOptions options_;
  std::atomic<int> quota_;
};

}  // namespace dynasink::aws
