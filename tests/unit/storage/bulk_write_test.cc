// Bulk commits (bulk_write.cc): a large group of row writes goes in as ingested SST files. It must
// be indistinguishable from a normal commit: rows, last-write-wins for a key written twice,
// change-log entries and their order, id counters, sequence numbers, overwrites in both
// directions, and all of it after a reopen.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "storage/storage.h"
#include "storage_test_util.h"

namespace dynasink::storage {
namespace {

using testing::MustOpen;
using testing::Pk;
using testing::PkValue;
using testing::ReadAll;
using testing::TempDir;
using testing::TestOptions;

StorageOptions BulkOptions(const std::string& path) {
  StorageOptions options = TestOptions(path);
  options.bulk_write_bytes = 64 << 10;  // batches from 64 KiB up go in as files
  return options;
}

std::string RowValue(uint64_t key, std::string_view version) {
  return Pk(key) + std::string(version) + std::string(100, 'x');
}

std::string MustGet(Storage& s, uint32_t table, uint64_t key) {
  std::string row;
  bool found = false;
  EXPECT_TRUE(s.GetRow(table, Pk(key), &row, &found).ok());
  return found ? row : "<missing>";
}

TEST(BulkWriteTest, ALargeUnsortedBatchReadsLikeANormalCommit) {
  TempDir dir;
  uint64_t first = 0, last = 0, ids = 0;
  constexpr uint64_t kRows = 3000;
  {
    auto s = MustOpen(BulkOptions(dir.path()));
    ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
    // Before: a row written the normal way, which the bulk batch overwrites.
    WriteBatch small;
    small.Insert(1, Pk(7), RowValue(7, "normal"));
    ASSERT_TRUE(s->Commit(small).ok());
    EXPECT_EQ(s->GetStats().bulk_writes, 0u) << "a small batch takes the normal path";

    auto allocated = s->AllocateIds(1, 0, 500);
    ASSERT_TRUE(allocated.ok());
    ids = *allocated + 499;

    std::vector<uint64_t> keys(kRows);
    for (uint64_t i = 0; i < kRows; ++i)
      keys[i] = i;
    std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
    WriteBatch big;
    for (uint64_t k : keys) {
      if (k == 7) {
        big.Update(1, Pk(7), RowValue(7, "normal"), RowValue(7, "bulk"));
      } else {
        big.Insert(1, Pk(k), RowValue(k, "first"));
      }
    }
    // The same key twice in one batch: the later write wins, both are logged.
    big.Update(1, Pk(keys[0]), RowValue(keys[0], "first"), RowValue(keys[0], "second"));
    auto r = s->Commit(big);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(s->GetStats().bulk_writes, 1u);
    first = r->first_seq;
    last = r->last_seq;
    // kRows - 1 inserts, the update of key 7 and the second write of keys[0]: 2 entries each.
    ASSERT_EQ(last - first + 1, kRows + 3);

    EXPECT_EQ(MustGet(*s, 1, 7), RowValue(7, "bulk"));
    EXPECT_EQ(MustGet(*s, 1, keys[0]), RowValue(keys[0], "second"));
    EXPECT_EQ(MustGet(*s, 1, keys[1]), RowValue(keys[1], "first"));

    // After: a normal write overwrites a row the bulk write put.
    WriteBatch after;
    after.Update(1, Pk(keys[1]), RowValue(keys[1], "first"), RowValue(keys[1], "after"));
    ASSERT_TRUE(s->Commit(after).ok());
    EXPECT_EQ(MustGet(*s, 1, keys[1]), RowValue(keys[1], "after"));
    EXPECT_EQ(s->GetStats().bulk_writes, 1u);
  }
  // Everything survives a reopen, and numbering continues after the bulk write.
  auto s = MustOpen(BulkOptions(dir.path()));
  EXPECT_EQ(s->LastCommittedSeq(), last + 2);  // the update after the bulk write
  auto next = s->AllocateIds(1, 0, 1);
  ASSERT_TRUE(next.ok());
  EXPECT_GT(*next, ids) << "the id counter's high-water mark went in with the bulk write";
  for (uint64_t k = 0; k < kRows; ++k) {
    const std::string row = MustGet(*s, 1, k);
    ASSERT_EQ(PkValue(row), k);
  }
  auto entries = ReadAll(*s, 1, first - 1);
  ASSERT_EQ(entries.size(), kRows + 5);
  for (size_t i = 0; i < entries.size(); ++i)
    ASSERT_EQ(entries[i].first.seq, first + i);
  size_t updates_of_7 = 0;
  for (size_t i = 0; i + 1 < kRows + 1; ++i) {
    if (entries[i].first.op != ChangeOp::kUpdateBefore) continue;
    ++updates_of_7;
    EXPECT_EQ(entries[i].second, RowValue(7, "normal"));
    EXPECT_EQ(entries[i + 1].first.op, ChangeOp::kUpdateAfter);
    EXPECT_EQ(entries[i + 1].second, RowValue(7, "bulk"));
  }
  EXPECT_EQ(updates_of_7, 1u);
  EXPECT_EQ(entries[kRows + 1].first.op, ChangeOp::kUpdateBefore);
  EXPECT_EQ(entries[kRows + 2].first.op, ChangeOp::kUpdateAfter);
  EXPECT_EQ(entries[kRows + 2].second.substr(8, 6), "second");
  EXPECT_EQ(PkValue(entries[kRows + 2].second), PkValue(entries[0].second))
      << "the first entry is the first write of keys[0]";
  EXPECT_EQ(entries.back().second.substr(8, 5), "after");
}

TEST(BulkWriteTest, ASortedLoadStreamsIntoTheFiles) {
  TempDir dir;
  auto s = MustOpen(BulkOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 2, 0).ok());
  WriteBatch big;
  for (uint64_t k = 0; k < 2000; ++k)
    big.Insert(2, Pk(k), RowValue(k, "sorted"));
  auto r = s->Commit(big);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(s->GetStats().bulk_writes, 1u);
  auto entries = ReadAll(*s, 2, 0);
  ASSERT_EQ(entries.size(), 2000u);
  for (uint64_t k = 0; k < 2000; ++k) {
    EXPECT_EQ(entries[k].second, RowValue(k, "sorted"));
    EXPECT_EQ(MustGet(*s, 2, k), RowValue(k, "sorted"));
  }
  EXPECT_EQ(s->TableLastSeq(2), r->last_seq);
}

TEST(BulkWriteTest, BatchesWithDeletesTakeTheNormalPath) {
  TempDir dir;
  auto s = MustOpen(BulkOptions(dir.path()));
  WriteBatch big;
  for (uint64_t k = 0; k < 2000; ++k)
    big.Insert(1, Pk(k), RowValue(k, "v"));
  big.Delete(1, Pk(5), RowValue(5, "v"));
  ASSERT_TRUE(s->Commit(big).ok());
  EXPECT_EQ(s->GetStats().bulk_writes, 0u);
  EXPECT_EQ(MustGet(*s, 1, 5), "<missing>");
  EXPECT_EQ(MustGet(*s, 1, 6), RowValue(6, "v"));
}

TEST(BulkWriteTest, OpenRemovesFilesOfAnInterruptedBulkWrite) {
  TempDir dir;
  { auto s = MustOpen(BulkOptions(dir.path())); }
  const std::filesystem::path leftover = std::filesystem::path(dir.path()) / "bulk" / "rows-9.sst";
  std::filesystem::create_directories(leftover.parent_path());
  std::ofstream(leftover) << "half a file";
  auto s = MustOpen(BulkOptions(dir.path()));
  EXPECT_FALSE(std::filesystem::exists(leftover));
  WriteBatch big;
  for (uint64_t k = 0; k < 2000; ++k)
    big.Insert(1, Pk(k), RowValue(k, "v"));
  ASSERT_TRUE(s->Commit(big).ok());
  EXPECT_EQ(s->GetStats().bulk_writes, 1u);
  EXPECT_TRUE(std::filesystem::is_empty(leftover.parent_path())) << "no file is left behind";
}

}  // namespace
}  // namespace dynasink::storage
