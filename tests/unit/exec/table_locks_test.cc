// TableLocks: key stripes exclude each other, shared holders exclude the exclusive lock, a
// waiting exclusive locker is not starved by a stream of shared ones, waits honour cancel.
#include "exec/table_locks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace dynasink::exec {
namespace {

using namespace std::chrono_literals;

TEST(TableLocksTest, StripesAndTables) {
  TableLocks locks;
  uint32_t a = TableLocks::StripeOf("key-a");
  EXPECT_LT(a, TableLocks::kStripes);
  EXPECT_EQ(a, TableLocks::StripeOf("key-a"));
  auto g1 = locks.LockKeys(1, {a, a}, nullptr);  // duplicates are fine
  ASSERT_TRUE(g1.ok());
  std::atomic<bool> got{false};
  std::thread same_key([&] {
    auto g = locks.LockKeys(1, {a}, nullptr);
    got = g.ok();
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(got.load());  // the same stripe waits
  auto other_table = locks.LockKeys(2, {a}, nullptr);  // another table does not
  ASSERT_TRUE(other_table.ok());
  g1->Release();
  same_key.join();
  EXPECT_TRUE(got.load());
}

TEST(TableLocksTest, ExclusiveWaitsForSharedAndHonoursCancel) {
  TableLocks locks;
  auto shared = locks.LockKeys(1, {}, nullptr);
  ASSERT_TRUE(shared.ok());
  CancelToken cancel;
  cancel.Reset(CancelToken::Clock::now() + 100ms);
  auto start = std::chrono::steady_clock::now();
  auto exclusive = locks.LockTable(1, &cancel);
  ASSERT_FALSE(exclusive.ok());
  EXPECT_EQ(exclusive.status().sqlstate(), "57014");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  shared->Release();
  auto now_free = locks.LockTable(1, nullptr);
  ASSERT_TRUE(now_free.ok());
  EXPECT_TRUE(now_free->exclusive());
}

TEST(TableLocksTest, ExclusiveIsNotStarvedBySharedLockers) {
  TableLocks locks;
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&, i] {
      uint32_t stripe = static_cast<uint32_t>(i);
      while (!stop.load()) {
        auto g = locks.LockKeys(1, {stripe}, nullptr);
        std::this_thread::sleep_for(1ms);
      }
    });
  }
  std::this_thread::sleep_for(20ms);
  CancelToken cancel;
  cancel.Reset(CancelToken::Clock::now() + 5s);
  auto exclusive = locks.LockTable(1, &cancel);
  EXPECT_TRUE(exclusive.ok()) << exclusive.status().ToString();
  stop = true;
  if (exclusive.ok()) exclusive->Release();
  for (auto& t : readers) t.join();
}

TEST(TableLocksTest, ForgottenTablesStayUsable) {
  TableLocks locks;
  auto g = locks.LockTable(7, nullptr);
  ASSERT_TRUE(g.ok());
  locks.Forget(7);  // the guard keeps its entry alive
  g->Release();
  EXPECT_TRUE(locks.LockKeys(7, {1}, nullptr).ok());
}

}  // namespace
}  // namespace dynasink::exec
