// The catalog's metadata keyspace and the id counters.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "storage/storage.h"
#include "storage_test_util.h"

namespace dynasink::storage {
namespace {

using testing::MustOpen;
using testing::Pk;
using testing::TempDir;
using testing::TestOptions;

TEST(MetaTest, PutGetDeleteScanAndReopen) {
  TempDir dir;
  {
    auto s = MustOpen(TestOptions(dir.path()));
    ASSERT_TRUE(s->PutMeta("table/1", "t1").ok());
    ASSERT_TRUE(s->PutMeta("table/2", "t2").ok());
    ASSERT_TRUE(s->PutMeta("table/10", "t10").ok());
    ASSERT_TRUE(s->PutMeta("tablespace", "x").ok());
    ASSERT_TRUE(s->PutMeta("sink/1", "s1").ok());
    ASSERT_TRUE(s->PutMeta(std::string("bin\0key", 7), std::string("v\0v", 3)).ok());
    ASSERT_TRUE(s->DeleteMeta("table/2").ok());
    ASSERT_TRUE(s->DeleteMeta("never/existed").ok());
  }
  auto s = MustOpen(TestOptions(dir.path()));
  auto v = s->GetMeta("table/1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or("?"), "t1");
  EXPECT_FALSE(s->GetMeta("table/2")->has_value());
  EXPECT_EQ(s->GetMeta(std::string("bin\0key", 7))->value_or(""), std::string("v\0v", 3));
  auto scan = s->ScanMeta("table/");
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(scan->size(), 2u);
  EXPECT_EQ((*scan)[0], (std::pair<std::string, std::string>("table/1", "t1")));
  EXPECT_EQ((*scan)[1], (std::pair<std::string, std::string>("table/10", "t10")));
  EXPECT_EQ(s->ScanMeta("")->size(), 5u);
  EXPECT_TRUE(s->ScanMeta("zzz")->empty());
}

TEST(MetaTest, DdlMetadataCommitsWithRows) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  WriteBatch ddl;
  ddl.PutMeta("table/4", "CREATE TABLE t4 ...");
  ddl.PutRow(4, Pk(1), "initial");
  auto r = s->Commit(ddl);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(s->GetMeta("table/4")->has_value());
  std::string row;
  bool found = false;
  ASSERT_TRUE(s->GetRow(4, Pk(1), &row, &found).ok());
  EXPECT_TRUE(found);
}

TEST(CountersTest, AllocatesConsecutiveIndependentRanges) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  EXPECT_EQ(*s->AllocateIds(1, 0, 10), 1u);
  EXPECT_EQ(*s->AllocateIds(1, 0, 5), 11u);
  EXPECT_EQ(*s->AllocateIds(1, 1, 1), 1u) << "another counter of the same table";
  EXPECT_EQ(*s->AllocateIds(2, 0, 1), 1u) << "another table";
  EXPECT_EQ(*s->AllocateIds(1, 0, 1), 16u);
  EXPECT_EQ(s->AllocateIds(1, 0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s->AllocateIds(1, 0, ~uint64_t{0}).status().code(), StatusCode::kOutOfRange);
}

TEST(CountersTest, CommittedIdsNeverRepeatAfterReopen) {
  TempDir dir;
  uint64_t used_high = 0;
  {
    auto s = MustOpen(TestOptions(dir.path()));
    // Ids used by a committed statement.
    auto first = s->AllocateIds(7, 0, 1000);
    ASSERT_TRUE(first.ok());
    WriteBatch b;
    for (uint64_t id = *first; id < *first + 1000; ++id)
      b.PutRow(7, Pk(id), "r");
    ASSERT_TRUE(s->Commit(b).ok());
    used_high = *first + 999;
    // No write of its own per allocation: one commit group carried the counter.
    EXPECT_EQ(s->GetStats().commit_groups, 1u);
  }
  auto s = MustOpen(TestOptions(dir.path()));
  auto next = s->AllocateIds(7, 0, 1);
  ASSERT_TRUE(next.ok());
  EXPECT_GT(*next, used_high);
}

TEST(CountersTest, ConcurrentAllocationsAreUnique) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  std::vector<std::vector<uint64_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      WriteBatch b;
      for (int i = 0; i < 200; ++i) {
        auto id = s->AllocateIds(1, 0, 3);
        ASSERT_TRUE(id.ok());
        got[t].push_back(*id);
        if (i % 10 == 0) {
          b.Clear();
          b.PutRow(1, Pk(*id), "r");
          ASSERT_TRUE(s->Commit(b).ok());
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  std::set<uint64_t> ids;
  for (const auto& v : got) {
    for (uint64_t id : v) {
      for (uint64_t k = 0; k < 3; ++k)
        EXPECT_TRUE(ids.insert(id + k).second);
    }
  }
  EXPECT_EQ(ids.size(), 2400u);
  EXPECT_EQ(*ids.rbegin(), 2400u);
}

}  // namespace
}  // namespace dynasink::storage
