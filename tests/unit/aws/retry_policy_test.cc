#include "aws/retry_policy.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "aws/retry_timer.h"

namespace dynasink::aws {
namespace {

using std::chrono::milliseconds;

DynamoDbError Error(DynamoDbErrorKind kind) {
  DynamoDbError e;
  e.kind = kind;
  return e;
}

TEST(RetryPolicyTest, FullJitterStaysUnderTheExponentialCeiling) {
  RetryOptions o;
  o.base_delay = milliseconds(25);
  o.throttling_base_delay = milliseconds(500);
  o.max_backoff = milliseconds(20000);
  RetryPolicy policy(o);
  for (int retry = 1; retry <= 12; ++retry) {
    const int64_t ceiling = std::min<int64_t>(20000, int64_t{25} << (retry - 1));
    const int64_t throttle_ceiling = std::min<int64_t>(20000, int64_t{500} << (retry - 1));
    int64_t max_seen = 0;
    for (int i = 0; i < 400; ++i) {
      auto d = policy.Backoff(retry, /*throttling=*/false).count();
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceiling) << "retry " << retry;
      max_seen = std::max(max_seen, d);
      auto t = policy.Backoff(retry, /*throttling=*/true).count();
      ASSERT_LE(t, throttle_ceiling);
    }
    // Full jitter spreads over the whole window, not just near zero.
    EXPECT_GT(max_seen, ceiling / 2) << "retry " << retry;
  }
  // Huge retry numbers neither overflow nor exceed the cap.
  EXPECT_LE(policy.Backoff(1000, true).count(), 20000);
}

TEST(RetryPolicyTest, JitterIsRandom) {
  RetryPolicy policy;
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i)
    seen.insert(policy.Backoff(4, true).count());
  EXPECT_GT(seen.size(), 10u);
}

TEST(RetryPolicyTest, RetriesOnlyRetryableErrorsWithinTheAttemptLimit) {
  RetryOptions o;
  o.max_attempts = 3;
  RetryPolicy policy(o);
  EXPECT_TRUE(policy.Decide(Error(DynamoDbErrorKind::kThrottling), 1).retry);
  EXPECT_TRUE(policy.Decide(Error(DynamoDbErrorKind::kInternalServerError), 2).retry);
  auto last = policy.Decide(Error(DynamoDbErrorKind::kNetwork), 3);
  EXPECT_FALSE(last.retry);
  EXPECT_STREQ(last.reason, "out of attempts");
  auto validation = policy.Decide(Error(DynamoDbErrorKind::kValidation), 1);
  EXPECT_FALSE(validation.retry);
  EXPECT_STREQ(validation.reason, "not retryable");
  EXPECT_FALSE(policy.Decide(Error(DynamoDbErrorKind::kAccessDenied), 1).retry);
  EXPECT_FALSE(policy.Decide(Error(DynamoDbErrorKind::kResourceNotFound), 1).retry);

  RetryOptions once;
  once.max_attempts = 1;
  EXPECT_FALSE(RetryPolicy(once).Decide(Error(DynamoDbErrorKind::kThrottling), 1).retry);
  RetryOptions zero;
  zero.max_attempts = 0;  // treated as 1
  EXPECT_EQ(RetryPolicy(zero).options().max_attempts, 1);
}

TEST(RetryPolicyTest, ThrottlingWaitsLonger) {
  RetryOptions o;
  o.max_attempts = 10;
  o.retry_quota = false;
  o.base_delay = milliseconds(1);
  o.throttling_base_delay = milliseconds(1000);
  RetryPolicy policy(o);
  int64_t throttled = 0, plain = 0;
  for (int i = 0; i < 200; ++i) {
    throttled +=
        policy.Decide(Error(DynamoDbErrorKind::kProvisionedThroughputExceeded), 1).delay.count();
    plain += policy.Decide(Error(DynamoDbErrorKind::kServerError), 1).delay.count();
  }
  EXPECT_LE(plain, 200);            // each at most 1 ms
  EXPECT_GT(throttled, 200 * 250);  // mean ~500 ms
}

TEST(RetryPolicyTest, QuotaEmptiesDuringAnOutageAndRefillsOnSuccess) {
  RetryOptions o;
  o.max_attempts = 100;
  o.quota_capacity = 20;
  RetryPolicy policy(o);
  auto first = policy.Decide(Error(DynamoDbErrorKind::kServerError), 1);
  EXPECT_TRUE(first.retry);
  EXPECT_EQ(first.quota_cost, 5);
  EXPECT_EQ(policy.quota_available(), 15);
  auto timeout = policy.Decide(Error(DynamoDbErrorKind::kTimeout), 1);
  EXPECT_EQ(timeout.quota_cost, 10);
  EXPECT_EQ(policy.quota_available(), 5);
  EXPECT_TRUE(policy.Decide(Error(DynamoDbErrorKind::kServerError), 1).retry);
  auto empty = policy.Decide(Error(DynamoDbErrorKind::kServerError), 1);
  EXPECT_FALSE(empty.retry);
  EXPECT_STREQ(empty.reason, "retry quota exhausted");
  EXPECT_EQ(policy.quota_available(), 0);

  policy.OnSuccess(10);  // a retried call succeeded: its last retry's cost comes back
  EXPECT_EQ(policy.quota_available(), 10);
  policy.OnSuccess(0);  // a first-attempt success adds one
  EXPECT_EQ(policy.quota_available(), 11);
  for (int i = 0; i < 100; ++i)
    policy.OnSuccess(0);
  EXPECT_EQ(policy.quota_available(), 20);  // never above capacity

  RetryOptions no_quota = o;
  no_quota.retry_quota = false;
  RetryPolicy unlimited(no_quota);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(unlimited.Decide(Error(DynamoDbErrorKind::kServerError), 1).retry);
  }
}

TEST(RetryPolicyTest, GenericDecisionForUnprocessedItems) {
  RetryPolicy policy;
  auto d = policy.Decide(/*retryable=*/true, /*throttling=*/true, /*timeout=*/false, 1);
  EXPECT_TRUE(d.retry);
  EXPECT_LE(d.delay.count(), 500);
}

TEST(RetryTimerTest, RunsTasksInDeadlineOrder) {
  std::mutex mu;
  std::vector<int> order;
  std::atomic<int> done{0};
  {
    RetryTimer timer;
    auto add = [&](int id, int ms) {
      timer.Schedule(milliseconds(ms), [&, id](bool fire) {
        EXPECT_TRUE(fire);
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(id);
        ++done;
      });
    };
    add(3, 60);
    add(1, 0);
    add(2, 30);
    add(4, 60);  // same deadline as 3: scheduling order
    for (int i = 0; i < 500 && done.load() < 4; ++i)
      std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(RetryTimerTest, DestructionCancelsPendingTasksOnce) {
  std::atomic<int> fired{0}, cancelled{0};
  {
    RetryTimer timer;
    for (int i = 0; i < 5; ++i) {
      timer.Schedule(std::chrono::hours(1), [&](bool fire) { (fire ? fired : cancelled)++; });
    }
    EXPECT_EQ(timer.pending(), 5u);
  }
  EXPECT_EQ(fired.load(), 0);
  EXPECT_EQ(cancelled.load(), 5);
}

}  // namespace
}  // namespace dynasink::aws
