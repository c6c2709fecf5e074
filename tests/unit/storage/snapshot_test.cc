// Row reads, snapshots, and the backfill seam: snapshot + log tail under concurrent commits.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "storage/storage.h"
#include "storage_test_util.h"

namespace dynasink::storage {
namespace {

using testing::MustOpen;
using testing::Pk;
using testing::PkValue;
using testing::TempDir;
using testing::TestOptions;

TEST(RowsTest, PointGetsMultiGetAndRanges) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  WriteBatch b;
  for (int i = 0; i < 20; ++i)
    b.PutRow(1, Pk(i * 10), "row" + std::to_string(i * 10));
  b.PutRow(2, Pk(5), "other");
  ASSERT_TRUE(s->Commit(b).ok());

  std::vector<std::string> keys = {Pk(10), Pk(11), Pk(190)};
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::vector<std::string> rows;
  std::vector<bool> found;
  ASSERT_TRUE(s->MultiGetRows(1, views, &rows, &found).ok());
  EXPECT_EQ(found, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(rows[0], "row10");
  EXPECT_EQ(rows[2], "row190");

  // Keys in any order, repeated, present or not, with pks of different lengths and shared
  // prefixes (MultiGetRows sorts them for RocksDB and maps the answers back): each answer must
  // be the one GetRow gives for that key.
  WriteBatch more;
  for (int i = 0; i < 300; i += 3) {
    more.PutRow(3, "p" + std::to_string(i), "long" + std::to_string(i));
    more.PutRow(3, Pk(i), "short" + std::to_string(i));
  }
  ASSERT_TRUE(s->Commit(more).ok());
  std::mt19937_64 rng(5);
  std::vector<std::string> mixed;
  for (int i = 0; i < 1000; ++i) {
    int k = static_cast<int>(rng() % 320);
    mixed.push_back(rng() % 2 == 0 ? "p" + std::to_string(k) : Pk(k));
  }
  std::vector<std::string_view> mixed_views(mixed.begin(), mixed.end());
  ASSERT_TRUE(s->MultiGetRows(3, mixed_views, &rows, &found).ok());
  ASSERT_EQ(rows.size(), mixed.size());
  ASSERT_EQ(found.size(), mixed.size());
  size_t hits = 0;
  for (size_t i = 0; i < mixed.size(); ++i) {
    std::string one;
    bool one_found = false;
    ASSERT_TRUE(s->GetRow(3, mixed[i], &one, &one_found).ok());
    ASSERT_EQ(found[i], one_found) << i;
    if (one_found) {
      EXPECT_EQ(rows[i], one) << i;
      ++hits;
    }
  }
  EXPECT_GT(hits, 200u);
  EXPECT_LT(hits, mixed.size());

  // [50, 100): 50 60 70 80 90, and never a row of table 2.
  const std::string lo = Pk(50), hi = Pk(100);
  auto it = s->NewRowIterator(1, RowRange{lo, hi});
  std::vector<uint64_t> got;
  for (it->SeekToFirst(); it->Valid(); it->Next())
    got.push_back(PkValue(it->pk()));
  ASSERT_TRUE(it->status().ok());
  EXPECT_EQ(got, (std::vector<uint64_t>{50, 60, 70, 80, 90}));
  got.clear();
  for (it->SeekToLast(); it->Valid(); it->Prev())
    got.push_back(PkValue(it->pk()));
  EXPECT_EQ(got, (std::vector<uint64_t>{90, 80, 70, 60, 50}));
  it->Seek(Pk(61));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(PkValue(it->pk()), 70u);
  EXPECT_EQ(it->row(), "row70");
  it->SeekForPrev(Pk(61));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(PkValue(it->pk()), 60u);

  auto all = s->NewRowIterator(1);
  int n = 0;
  for (all->SeekToFirst(); all->Valid(); all->Next())
    ++n;
  EXPECT_EQ(n, 20);
  EXPECT_GT(s->ApproximateTableBytes(1), 0u);
}

TEST(RowsTest, SnapshotsIgnoreLaterCommits) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  WriteBatch b;
  b.PutRow(1, Pk(1), "v1");
  ASSERT_TRUE(s->Commit(b).ok());
  auto snap = s->GetSnapshot(/*exact=*/true);
  EXPECT_TRUE(snap->exact());
  b.Clear();
  b.PutRow(1, Pk(1), "v2");
  b.PutRow(1, Pk(2), "new");
  ASSERT_TRUE(s->Commit(b).ok());
  std::string row;
  bool found = false;
  ASSERT_TRUE(s->GetRow(1, Pk(1), &row, &found, snap.get()).ok());
  EXPECT_EQ(row, "v1");
  ASSERT_TRUE(s->GetRow(1, Pk(2), &row, &found, snap.get()).ok());
  EXPECT_FALSE(found);
  auto it = s->NewRowIterator(1, {}, snap.get());
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next())
    ++n;
  EXPECT_EQ(n, 1);
  ASSERT_TRUE(s->GetRow(1, Pk(1), &row, &found).ok());
  EXPECT_EQ(row, "v2");
}

// Rows are key(8) + version(8); the test keeps, per key, the truth the log must reproduce.
std::string MakeRow(uint64_t key, uint64_t version) {
  return Pk(key) + Pk(version);
}

void RunSeam(bool log_without_cursors) {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.log_tables_without_cursors = log_without_cursors;
  auto s = MustOpen(options);
  constexpr uint32_t kTable = 3;
  constexpr int kKeys = 64;
  constexpr int kWriters = 4;
  // The executor serializes writers of one row from read to commit; so does this test.
  std::vector<std::mutex> key_locks(kKeys);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> ops{0};

  auto writer = [&](int id) {
    std::mt19937_64 rng(id * 7919 + 1);
    WriteBatch b;
    uint64_t version = uint64_t(id) << 40;
    while (!stop.load()) {
      const uint64_t key = rng() % kKeys;
      std::lock_guard<std::mutex> lock(key_locks[key]);
      std::string old;
      bool found = false;
      ASSERT_TRUE(s->GetRow(kTable, Pk(key), &old, &found).ok());
      b.Clear();
      const std::string row = MakeRow(key, ++version);
      if (!found) {
        b.Insert(kTable, Pk(key), row);
      } else if (rng() % 3 == 0) {
        b.Delete(kTable, Pk(key), old);
      } else {
        b.Update(kTable, Pk(key), old, row);
      }
      ASSERT_TRUE(s->Commit(b).ok());
      ops++;
    }
  };
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i)
    writers.emplace_back(writer, i);
  while (ops.load() < 300)
    std::this_thread::yield();

  auto snap = s->RegisterCursorWithSnapshot(1, kTable);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  const uint64_t start = (*snap)->seq();
  const uint64_t ops_at_snapshot = ops.load();
  while (ops.load() < ops_at_snapshot + 300)
    std::this_thread::yield();
  stop = true;
  for (auto& t : writers)
    t.join();

  // Backfill: the snapshot's rows...
  std::map<uint64_t, std::string> state;
  auto it = s->NewRowIterator(kTable, {}, snap->get());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    state[PkValue(it->pk())] = std::string(it->row());
  }
  ASSERT_TRUE(it->status().ok());
  snap->reset();
  // ...then every change after its seq, which must apply cleanly to exactly that state.
  ChangeLogReader reader(*s, kTable, start);
  ChangeBatch batch;
  uint64_t applied = 0;
  uint64_t pending_before = 0;  // seq of an UpdateBefore awaiting its UpdateAfter
  for (;;) {
    ASSERT_TRUE(reader.Read({.max_entries = 49}, &batch).ok());
    if (batch.empty()) break;
    for (const ChangeLogEntry& e : batch) {
      ASSERT_GT(e.seq, start) << "an entry from before the snapshot was delivered";
      const uint64_t key = PkValue(e.row);
      auto cur = state.find(key);
      if (e.op != ChangeOp::kUpdateAfter) {
        ASSERT_EQ(pending_before, 0u) << "an UpdateBefore without its UpdateAfter";
      }
      switch (e.op) {
        case ChangeOp::kInsert:
          ASSERT_EQ(cur, state.end()) << "insert of a key already in the snapshot (dup at seam)";
          state[key] = std::string(e.row);
          break;
        case ChangeOp::kDelete:
          ASSERT_NE(cur, state.end()) << "delete of a missing key (a change was lost)";
          ASSERT_EQ(cur->second, e.row);
          state.erase(cur);
          break;
        case ChangeOp::kUpdateBefore:
          ASSERT_NE(cur, state.end());
          ASSERT_EQ(cur->second, e.row) << "before-image differs: a change was lost or repeated";
          pending_before = e.seq;
          break;
        case ChangeOp::kUpdateAfter:
          ASSERT_EQ(pending_before + 1, e.seq) << "update halves must be consecutive";
          pending_before = 0;
          state[key] = std::string(e.row);
          break;
      }
      ++applied;
    }
  }
  EXPECT_EQ(pending_before, 0u);
  EXPECT_GT(applied, 200u);
  // And the result is the table as it is now.
  std::map<uint64_t, std::string> now;
  auto all = s->NewRowIterator(kTable);
  for (all->SeekToFirst(); all->Valid(); all->Next())
    now[PkValue(all->pk())] = all->row();
  EXPECT_EQ(state, now);
}

TEST(SnapshotSeamTest, BackfillThenTailMissesAndRepeatsNothing) {
  RunSeam(false);
}

TEST(SnapshotSeamTest, SameWhenEarlierEntriesExist) {
  RunSeam(true);
}

}  // namespace
}  // namespace dynasink::storage
