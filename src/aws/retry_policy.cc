#include "aws/retry_policy.h"

#include <algorithm>
#include <random>

namespace dynasink::aws {
namespace {

constexpr int kRetryCost = 5;
constexpr int kTimeoutRetryCost = 10;
constexpr int kSuccessRefund = 1;

// Per-thread generator: retries are decided on many threads and need no shared lock.
std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

}  // namespace

RetryPolicy::RetryPolicy(RetryOptions options) : options_(options), quota_(options.quota_capacity) {
  options_.max_attempts = std::max(1, options_.max_attempts);
}

std::chrono::milliseconds RetryPolicy::Backoff(int retry, bool throttling) const {
  const auto base = throttling ? options_.throttling_base_delay : options_.base_delay;
  const int64_t cap = options_.max_backoff.count();
  // base * 2^(retry-1), computed without overflow: stop doubling once past the cap.
  int64_t ceiling = std::max<int64_t>(0, base.count());
  for (int i = 1; i < retry && ceiling < cap; ++i)
    ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<int64_t> jitter(0, ceiling);
  return std::chrono::milliseconds(jitter(Rng()));
}

bool RetryPolicy::TakeQuota(int cost) {
  if (!options_.retry_quota) return true;
  int available = quota_.load(std::memory_order_relaxed);
  while (available >= cost) {
    if (quota_.compare_exchange_weak(available, available - cost, std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

void RetryPolicy::OnSuccess(int last_quota_cost) {
  if (!options_.retry_quota) return;
  const int refund = last_quota_cost > 0 ? last_quota_cost : kSuccessRefund;
  int available = quota_.load(std::memory_order_relaxed);
  int next;
  do {
    next = std::min(options_.quota_capacity, available + refund);
    if (next == available) return;
  } while (!quota_.compare_exchange_weak(available, next, std::memory_order_relaxed));
}

RetryDecision RetryPolicy::Decide(bool retryable, bool throttling, bool timeout,
                                  int attempts_made) {
  RetryDecision d;
  if (!retryable) {
    d.reason = "not retryable";
    return d;
  }
  if (attempts_made >= options_.max_attempts) {
    d.reason = "out of attempts";
    return d;
  }
  const int cost = timeout ? kTimeoutRetryCost : kRetryCost;
  if (!TakeQuota(cost)) {
    d.reason = "retry quota exhausted";
    return d;
  }
  d.retry = true;
  d.quota_cost = options_.retry_quota ? cost : 0;
  d.delay = Backoff(attempts_made, throttling);
  return d;
}

RetryDecision RetryPolicy::Decide(const DynamoDbError& error, int attempts_made) {
  const bool timeout =
      error.kind == DynamoDbErrorKind::kTimeout || error.kind == DynamoDbErrorKind::kNetwork;
  return Decide(error.retryable(), error.throttling(), timeout, attempts_made);
}

}  // namespace dynasink::aws
