// ChangeLogReader: order, batching limits, end_seq, wait/notify with deadlines, durability.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "storage/storage.h"
#include "storage_test_util.h"

namespace dynasink::storage {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::MustOpen;
using testing::Pk;
using testing::PkValue;
using testing::ReadAll;
using testing::TempDir;
using testing::TestOptions;

uint64_t InsertOne(Storage& s, uint32_t table, uint64_t key, std::string_view row = {}) {
  WriteBatch b;
  b.Insert(table, Pk(key), row.empty() ? std::string_view(Pk(key)) : row);
  auto r = s.Commit(b);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->last_seq : 0;
}

TEST(ChangeLogTest, ReadsInSeqOrderInBatchesOfMaxEntries) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  ASSERT_TRUE(s->RegisterCursor(2, 2, 0).ok());
  std::vector<uint64_t> seqs;
  for (int i = 0; i < 100; ++i) {
    seqs.push_back(InsertOne(*s, 1, i));
    InsertOne(*s, 2, i);  // interleaved: table 1's seqs have gaps
  }
  ChangeLogReader reader(*s, 1, 0);
  ChangeBatch batch;
  std::vector<uint64_t> got;
  int batches = 0;
  for (;;) {
    ASSERT_TRUE(reader.Read(ReadLimits{.max_entries = 7, .max_bytes = 1 << 20}, &batch).ok());
    if (batch.empty()) break;
    ++batches;
    EXPECT_LE(batch.size(), 7u);
    for (const ChangeLogEntry& e : batch) {
      EXPECT_EQ(e.op, ChangeOp::kInsert);
      EXPECT_EQ(PkValue(e.row), got.size());
      got.push_back(e.seq);
    }
    EXPECT_EQ(batch.end_seq(), reader.position());
  }
  EXPECT_EQ(got, seqs);
  EXPECT_EQ(batches, 15);  // 14 full batches and a last one of 2
  // Caught up: the position is the last committed seq, past table 2's final entry.
  EXPECT_EQ(reader.position(), s->LastCommittedSeq());
}

TEST(ChangeLogTest, MaxBytesBoundsBatchesButNeverStalls) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  for (int i = 0; i < 10; ++i)
    InsertOne(*s, 1, i, std::string(100, 'a' + i));
  InsertOne(*s, 1, 10, std::string(5000, 'z'));
  ChangeLogReader reader(*s, 1, 0);
  ChangeBatch batch;
  const ReadLimits limits{.max_entries = 1000, .max_bytes = 250};
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(reader.Read(limits, &batch).ok());
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_EQ(batch.row_bytes(), 200u);
    EXPECT_EQ(batch[0].row, std::string(100, 'a' + 2 * i));
    EXPECT_EQ(batch[1].row, std::string(100, 'a' + 2 * i + 1));
  }
  ASSERT_TRUE(reader.Read(limits, &batch).ok());
  ASSERT_EQ(batch.size(), 1u) << "an entry larger than max_bytes comes alone";
  EXPECT_EQ(batch[0].row.size(), 5000u);
  ASSERT_TRUE(reader.Read(limits, &batch).ok());
  EXPECT_TRUE(batch.empty());
}

TEST(ChangeLogTest, EndSeqAdvancesWhileOtherTablesCommit) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  const uint64_t mine = InsertOne(*s, 1, 1);
  ChangeLogReader reader(*s, 1, 0);
  ChangeBatch batch;
  ASSERT_TRUE(reader.Read({}, &batch).ok());
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch.end_seq(), mine);
  WriteBatch other;
  for (int i = 0; i < 5; ++i)
    other.Insert(2, Pk(i), "x");
  ASSERT_TRUE(s->Commit(other).ok());
  ASSERT_TRUE(reader.Read({}, &batch).ok());
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.end_seq(), s->LastCommittedSeq());
  EXPECT_EQ(batch.end_seq(), mine + 5);
}

TEST(ChangeLogTest, WaitTimesOutAtTheDeadline) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  ChangeLogReader reader(*s, 1, s->LastCommittedSeq());
  const auto start = steady_clock::now();
  Status st = reader.Wait(start + milliseconds(60));
  const auto waited = steady_clock::now() - start;
  EXPECT_TRUE(st.IsTimeout()) << st.ToString();
  EXPECT_GE(waited, milliseconds(60));
  EXPECT_LT(waited, milliseconds(5000));

  ChangeBatch batch;
  st = reader.ReadOrWait({}, steady_clock::now() + milliseconds(20), &batch);
  EXPECT_TRUE(st.ok()) << "ReadOrWait reports a passed deadline as an empty batch";
  EXPECT_TRUE(batch.empty());
}

TEST(ChangeLogTest, CommitWakesWaiterPromptly) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  ASSERT_TRUE(s->RegisterCursor(2, 2, 0).ok());
  ChangeLogReader reader(*s, 1, 0);

  // A commit to another table does not wake this reader.
  std::thread other([&] {
    std::this_thread::sleep_for(milliseconds(20));
    InsertOne(*s, 2, 1);
  });
  Status st = reader.Wait(steady_clock::now() + milliseconds(150));
  other.join();
  EXPECT_TRUE(st.IsTimeout()) << st.ToString();

  std::atomic<int64_t> committed_at_us{0};
  std::thread writer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    InsertOne(*s, 1, 7);
    committed_at_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          steady_clock::now().time_since_epoch())
                          .count();
  });
  ChangeBatch batch;
  const auto start = steady_clock::now();
  st = reader.ReadOrWait({}, start + milliseconds(10000), &batch);
  const auto woke = steady_clock::now();
  writer.join();
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(PkValue(batch[0].row), 7u);
  EXPECT_LT(woke - start, milliseconds(5000)) << "woken by the commit, not by the deadline";
  const int64_t woke_us =
      std::chrono::duration_cast<std::chrono::microseconds>(woke.time_since_epoch()).count();
  // The waiter is notified before Commit() even returns to the writer; allow for scheduling.
  EXPECT_LT(woke_us - committed_at_us.load(), 500000);
}

TEST(ChangeLogTest, CancelAndShutdownAbortWaits) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  ChangeLogReader reader(*s, 1, 0);
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(30));
    reader.Cancel();
  });
  Status st = reader.Wait(steady_clock::now() + milliseconds(10000));
  canceller.join();
  EXPECT_TRUE(st.IsAborted()) << st.ToString();
  ChangeBatch batch;
  EXPECT_TRUE(reader.ReadOrWait({}, steady_clock::now() + milliseconds(10), &batch).IsAborted());

  ChangeLogReader second(*s, 1, 0);
  std::thread closer([&] {
    std::this_thread::sleep_for(milliseconds(30));
    s->Shutdown();
  });
  st = second.Wait(steady_clock::now() + milliseconds(10000));
  closer.join();
  EXPECT_TRUE(st.IsAborted()) << st.ToString();
}

TEST(ChangeLogTest, EntriesAndCursorsSurviveReopen) {
  TempDir dir;
  std::vector<uint64_t> seqs;
  {
    auto s = MustOpen(TestOptions(dir.path()));
    ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
    for (int i = 0; i < 20; ++i)
      seqs.push_back(InsertOne(*s, 1, i));
    WriteBatch b;
    b.Update(1, Pk(3), Pk(3), "new three");
    auto r = s->Commit(b);
    ASSERT_TRUE(r.ok());
    seqs.push_back(r->first_seq);
    seqs.push_back(r->last_seq);
  }
  auto s = MustOpen(TestOptions(dir.path()));
  EXPECT_EQ(s->TableLastSeq(1), seqs.back());
  auto entries = ReadAll(*s, 1, 0);
  ASSERT_EQ(entries.size(), seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i)
    EXPECT_EQ(entries[i].first.seq, seqs[i]);
  EXPECT_EQ(entries[20].first.op, ChangeOp::kUpdateBefore);
  EXPECT_EQ(entries[21].first.op, ChangeOp::kUpdateAfter);
  EXPECT_EQ(entries[21].first.seq, entries[20].first.seq + 1);
  EXPECT_EQ(entries[21].second, "new three");
  // New entries continue the numbering.
  EXPECT_EQ(InsertOne(*s, 1, 99), seqs.back() + 1);
}

TEST(ChangeLogTest, TablesWithoutCursorsWriteNoLogUnlessAsked) {
  TempDir dir;
  {
    auto s = MustOpen(TestOptions(dir.path()));
    InsertOne(*s, 1, 1);
    EXPECT_TRUE(ReadAll(*s, 1, 0).empty());
    EXPECT_EQ(s->GetStats().log_entries_skipped, 1u);
    const uint64_t start = *s->RegisterCursorAtLatest(1, 1);
    EXPECT_EQ(start, 1u);
    const uint64_t seq = InsertOne(*s, 1, 2);
    auto entries = ReadAll(*s, 1, start);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].first.seq, seq);
  }
  TempDir dir2;
  auto options = TestOptions(dir2.path());
  options.log_tables_without_cursors = true;
  auto s = MustOpen(options);
  InsertOne(*s, 1, 1);
  EXPECT_EQ(ReadAll(*s, 1, 0).size(), 1u);
  EXPECT_EQ(s->GetStats().log_entries_skipped, 0u);
}

TEST(ChangeLogTest, ReaderStreamsALongBacklogAcrossMemtableFlushes) {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.memtable_bytes = 256 << 10;  // force several flushes to SST files
  auto s = MustOpen(options);
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  constexpr int kRows = 20000;
  WriteBatch b;
  const std::string payload(120, 'p');
  for (int i = 0; i < kRows; i += 500) {
    b.Clear();
    for (int j = i; j < i + 500; ++j)
      b.Insert(1, Pk(j), Pk(j) + payload);
    ASSERT_TRUE(s->Commit(b).ok());
  }
  ChangeLogReader reader(*s, 1, 0);
  ChangeBatch batch;
  uint64_t expect = 0, prev_seq = 0;
  size_t max_arena = 0;
  for (;;) {
    ASSERT_TRUE(reader.Read({.max_entries = 300, .max_bytes = 16 << 10}, &batch).ok());
    if (batch.empty()) break;
    max_arena = std::max(max_arena, batch.row_bytes());
    for (const auto& e : batch) {
      ASSERT_EQ(PkValue(e.row), expect++);
      ASSERT_GT(e.seq, prev_seq);
      prev_seq = e.seq;
    }
  }
  EXPECT_EQ(expect, uint64_t(kRows));
  EXPECT_LE(max_arena, size_t{16} << 10);
}

// A bulk statement's entries are stored as packs (format.h): many entries per RocksDB value.
// Every position inside a pack must be a valid place to start or resume reading.
TEST(ChangeLogTest, PackedEntriesReadFromAnyPositionAndAnyLimit) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  InsertOne(*s, 1, 1000);  // a single entry before the packs
  WriteBatch b;
  constexpr int kRows = 300;
  for (int i = 0; i < kRows; ++i)
    b.Insert(1, Pk(i), Pk(i) + std::string(i % 7, 'r'));
  b.Update(1, Pk(5), Pk(5), Pk(5) + "after");
  b.Delete(1, Pk(6), Pk(6));
  auto r = s->Commit(b);
  ASSERT_TRUE(r.ok());
  const uint64_t first = r->first_seq, last = r->last_seq;
  ASSERT_EQ(last - first + 1, uint64_t(kRows + 3));
  // 1 plain value, then packs of at most 128 entries: 303 entries take 3.
  EXPECT_EQ(s->GetStats().log_entries_written, uint64_t(kRows + 4));
  EXPECT_EQ(s->GetStats().log_values_written, 4u);

  auto check_from = [&](uint64_t after, size_t max_entries) {
    ChangeLogReader reader(*s, 1, after);
    ChangeBatch batch;
    uint64_t expect = std::max(after + 1, first);
    for (;;) {
      ASSERT_TRUE(reader.Read({.max_entries = max_entries, .max_bytes = 1 << 20}, &batch).ok());
      if (batch.empty()) break;
      ASSERT_LE(batch.size(), max_entries);
      for (const ChangeLogEntry& e : batch) {
        ASSERT_EQ(e.seq, expect) << "from " << after << " by " << max_entries;
        const uint64_t i = e.seq - first;
        if (i < kRows) {
          EXPECT_EQ(e.op, ChangeOp::kInsert);
          EXPECT_EQ(e.row, Pk(i) + std::string(i % 7, 'r'));
        } else if (i == kRows) {
          EXPECT_EQ(e.op, ChangeOp::kUpdateBefore);
        } else if (i == kRows + 1) {
          EXPECT_EQ(e.op, ChangeOp::kUpdateAfter);
          EXPECT_EQ(e.row, Pk(5) + "after");
        } else {
          EXPECT_EQ(e.op, ChangeOp::kDelete);
        }
        ++expect;
      }
    }
    EXPECT_EQ(expect, last + 1) << "from " << after << " by " << max_entries;
  };
  for (uint64_t after = first - 1; after <= last; ++after)
    check_from(after, 1000);
  for (size_t max_entries : {1, 2, 7, 127, 128, 129, 500})
    check_from(first - 1, max_entries);
  // Seek() into the middle of a pack, from a reader that already went past it.
  ChangeLogReader reader(*s, 1, 0);
  ChangeBatch batch;
  ASSERT_TRUE(reader.Read({.max_entries = 1000}, &batch).ok());
  ASSERT_EQ(batch.size(), size_t(kRows + 4));
  reader.Seek(first + 200);
  ASSERT_TRUE(reader.Read({.max_entries = 3}, &batch).ok());
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].seq, first + 201);
  EXPECT_EQ(batch[0].row, Pk(201) + std::string(201 % 7, 'r'));
}

// The statements of one commit group share packs when they write the same table in turn.
TEST(ChangeLogTest, PacksSpanTheStatementsOfACommitGroup) {
  TempDir dir;
  auto options = TestOptions(dir.path());
  constexpr int kStatements = 9;
  std::atomic<int> started{0};
  std::atomic<bool> first_leader{true};
  options.test_hooks.before_group_write = [&] {
    // The first leader waits until the other statements have lined up behind it.
    if (!first_leader.exchange(false)) return;
    const auto deadline = steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < kStatements && steady_clock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(1));
    std::this_thread::sleep_for(milliseconds(50));
  };
  auto s = MustOpen(options);
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  std::vector<std::thread> threads;
  for (int i = 0; i < kStatements; ++i) {
    threads.emplace_back([&, i] {
      ++started;
      InsertOne(*s, 1, i);
    });
  }
  for (auto& t : threads)
    t.join();
  const StorageStats stats = s->GetStats();
  EXPECT_EQ(stats.log_entries_written, uint64_t(kStatements));
  EXPECT_LT(stats.log_values_written, stats.log_entries_written)
      << "groups: " << stats.commit_groups << ", largest " << stats.max_group_commits;
  auto entries = ReadAll(*s, 1, 0);
  ASSERT_EQ(entries.size(), size_t(kStatements));
  for (size_t i = 1; i < entries.size(); ++i)
    EXPECT_EQ(entries[i].first.seq, entries[i - 1].first.seq + 1);
}

// DROP TABLE's range deletion must also remove entries packed earlier in the same write.
TEST(ChangeLogTest, DropInTheSameBatchRemovesPackedEntries) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  WriteBatch b;
  for (int i = 0; i < 10; ++i)
    b.Insert(1, Pk(i), Pk(i));
  b.DropTableData(1);
  b.Insert(2, Pk(1), Pk(1));
  ASSERT_TRUE(s->Commit(b).ok());
  EXPECT_TRUE(ReadAll(*s, 1, 0).empty());
}

// Truncation through the middle of a pack keeps the pack whole: a reader at the cursor gets
// exactly the entries after it, before and after a restart.
TEST(ChangeLogTest, TruncationInsideAPackKeepsEverythingAfterTheCursor) {
  TempDir dir;
  uint64_t first = 0, last = 0;
  {
    auto s = MustOpen(TestOptions(dir.path()));
    ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
    WriteBatch b;
    for (int i = 0; i < 1000; ++i)
      b.Insert(1, Pk(i), Pk(i));
    auto r = s->Commit(b);
    ASSERT_TRUE(r.ok());
    first = r->first_seq;
    last = r->last_seq;
    ASSERT_TRUE(s->AdvanceCursor(1, first + 500).ok());
    ASSERT_TRUE(s->TruncateLogs().ok());
    EXPECT_EQ(s->GetStats().log_truncations, 1u);
    auto rest = ReadAll(*s, 1, first + 500);
    ASSERT_EQ(rest.size(), 499u);
    EXPECT_EQ(rest.front().first.seq, first + 501);
    // Whole packs below the cut are gone (packs of 128: 0..127, ..., 384..511 straddles it).
    auto all = ReadAll(*s, 1, 0);
    EXPECT_EQ(all.front().first.seq, first + 384);
  }
  auto s = MustOpen(TestOptions(dir.path()));
  EXPECT_EQ(s->TableLastSeq(1), last);
  auto rest = ReadAll(*s, 1, first + 500);
  ASSERT_EQ(rest.size(), 499u);
  EXPECT_EQ(rest.front().first.seq, first + 501);
  EXPECT_EQ(PkValue(rest.front().second), 501u);
  EXPECT_EQ(InsertOne(*s, 1, 5000), last + 1);
  ASSERT_TRUE(s->AdvanceCursor(1, last + 1).ok());
  ASSERT_TRUE(s->TruncateLogs().ok());
  EXPECT_TRUE(ReadAll(*s, 1, 0).empty());
}

}  // namespace
}  // namespace dynasink::storage
