// Cursors: registration, acknowledgement, deletion, durability; truncation of the log.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "storage/storage.h"
#include "storage_test_util.h"

namespace dynasink::storage {
namespace {

using testing::MustOpen;
using testing::Pk;
using testing::ReadAll;
using testing::TempDir;
using testing::TestOptions;

// Commits `n` single-row inserts into `table`; returns the seqs.
std::vector<uint64_t> InsertMany(Storage& s, uint32_t table, int n, uint64_t first_key = 0) {
  std::vector<uint64_t> seqs;
  WriteBatch b;
  for (int i = 0; i < n; ++i) {
    b.Clear();
    b.Insert(table, Pk(first_key + i), "row");
    auto r = s.Commit(b);
    EXPECT_TRUE(r.ok());
    if (r.ok()) seqs.push_back(r->last_seq);
  }
  return seqs;
}

uint64_t FirstEntry(Storage& s, uint32_t table) {
  auto entries = ReadAll(s, table, 0);
  return entries.empty() ? 0 : entries.front().first.seq;
}

TEST(CursorTest, RegisterAdvanceDeleteAndReopen) {
  TempDir dir;
  {
    auto s = MustOpen(TestOptions(dir.path()));
    ASSERT_TRUE(s->RegisterCursor(7, 1, 0).ok());
    auto seqs = InsertMany(*s, 1, 10);
    ASSERT_TRUE(s->AdvanceCursor(7, seqs[4]).ok());
    auto c = s->GetCursor(7);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->table, 1u);
    EXPECT_EQ(c->acked_seq, seqs[4]);
    ASSERT_TRUE(s->RegisterCursorAtLatest(8, 2).ok());
    ASSERT_TRUE(s->RegisterCursor(9, 2, s->LastCommittedSeq()).ok());
    ASSERT_TRUE(s->DeleteCursor(9).ok());
    // Not synced: still in the WAL, so a clean reopen finds it.
    ASSERT_TRUE(s->AdvanceCursor(8, s->LastCommittedSeq(), /*sync=*/false).ok());
  }
  auto s = MustOpen(TestOptions(dir.path()));
  auto cursors = s->ListCursors();
  ASSERT_EQ(cursors.size(), 2u);
  EXPECT_EQ(cursors[0].cursor, 7u);
  EXPECT_EQ(cursors[0].acked_seq, 5u);
  EXPECT_EQ(cursors[1].cursor, 8u);
  EXPECT_EQ(cursors[1].table, 2u);
  EXPECT_EQ(cursors[1].acked_seq, 10u);
  EXPECT_TRUE(s->GetCursor(9).status().IsNotFound());
  // The cursor kept table 1 logged across the reopen.
  auto more = InsertMany(*s, 1, 1, 100);
  EXPECT_EQ(ReadAll(*s, 1, 0).size(), 11u);
}

TEST(CursorTest, InvalidMovesAreRefused) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  InsertMany(*s, 1, 5);
  EXPECT_TRUE(s->RegisterCursor(1, 1, 0).IsAlreadyExists());
  EXPECT_EQ(s->RegisterCursor(2, 1, 99).code(), StatusCode::kInvalidArgument)
      << "cannot start after the last committed seq";
  ASSERT_TRUE(s->AdvanceCursor(1, 3).ok());
  EXPECT_EQ(s->AdvanceCursor(1, 2).code(), StatusCode::kInvalidArgument) << "never backwards";
  EXPECT_TRUE(s->AdvanceCursor(1, 3).ok()) << "same position is a no-op";
  EXPECT_EQ(s->AdvanceCursor(1, 6).code(), StatusCode::kInvalidArgument)
      << "never past the last committed seq";
  EXPECT_TRUE(s->AdvanceCursor(42, 1).IsNotFound());
  EXPECT_TRUE(s->DeleteCursor(42).IsNotFound());
  // Table 1's log is complete only after its slowest cursor (3).
  EXPECT_EQ(s->RegisterCursor(2, 1, 2).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(s->RegisterCursor(2, 1, 3).ok());
  // Table 5 has no cursor, so it has no log: only "from now on" is complete.
  EXPECT_EQ(s->RegisterCursor(3, 5, 1).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(s->RegisterCursor(3, 5, s->LastCommittedSeq()).ok());
  EXPECT_EQ(s->RegisterCursor(4, kInvalidTable, 0).code(), StatusCode::kInvalidArgument);
  WriteBatch rows;
  rows.Insert(1, "k", "v");
  EXPECT_EQ(s->RegisterCursorAtLatest(5, 1, &rows).status().code(), StatusCode::kInvalidArgument);
}

TEST(CursorTest, RegistrationCarriesMetadataAtomically) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  WriteBatch create;
  create.PutMeta("sink/12", "definition");
  auto start = s->RegisterCursorAtLatest(12, 1, &create);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(s->GetMeta("sink/12")->value_or(""), "definition");
  WriteBatch drop;
  drop.DeleteMeta("sink/12");
  ASSERT_TRUE(s->DeleteCursor(12, &drop).ok());
  EXPECT_FALSE(s->GetMeta("sink/12")->has_value());
  EXPECT_TRUE(s->GetCursor(12).status().IsNotFound());
}

TEST(CursorTest, TruncationStopsAtTheSlowestCursor) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  ASSERT_TRUE(s->RegisterCursor(2, 1, 0).ok());
  auto seqs = InsertMany(*s, 1, 100);
  ASSERT_TRUE(s->AdvanceCursor(1, seqs[59]).ok());
  ASSERT_TRUE(s->AdvanceCursor(2, seqs[29]).ok());
  ASSERT_TRUE(s->TruncateLogs().ok());
  EXPECT_EQ(FirstEntry(*s, 1), seqs[30]) << "cut through the slowest cursor, not past it";
  EXPECT_EQ(ReadAll(*s, 1, 0).size(), 70u);
  EXPECT_EQ(s->GetStats().log_truncations, 1u);

  ASSERT_TRUE(s->AdvanceCursor(2, seqs[79]).ok());
  ASSERT_TRUE(s->TruncateLogs().ok());
  EXPECT_EQ(FirstEntry(*s, 1), seqs[60]) << "cursor 1 (seq " << seqs[59] << ") is now slowest";

  ASSERT_TRUE(s->DeleteCursor(1).ok());
  ASSERT_TRUE(s->TruncateLogs().ok());
  EXPECT_EQ(FirstEntry(*s, 1), seqs[80]);

  // A reader at the remaining cursor still sees everything after it.
  auto tail = ReadAll(*s, 1, seqs[79]);
  ASSERT_EQ(tail.size(), 20u);
  EXPECT_EQ(tail.front().first.seq, seqs[80]);

  ASSERT_TRUE(s->DeleteCursor(2).ok());
  ASSERT_TRUE(s->TruncateLogs().ok());
  EXPECT_TRUE(ReadAll(*s, 1, 0).empty()) << "no cursor: the whole log goes";
  // Nothing more to cut: no new range deletion.
  const uint64_t truncations = s->GetStats().log_truncations;
  ASSERT_TRUE(s->TruncateLogs().ok());
  EXPECT_EQ(s->GetStats().log_truncations, truncations);
}

TEST(CursorTest, TruncationSurvivesReopenAndNeverCutsPastACursor) {
  TempDir dir;
  std::vector<uint64_t> seqs;
  {
    auto s = MustOpen(TestOptions(dir.path()));
    ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
    seqs = InsertMany(*s, 1, 50);
    ASSERT_TRUE(s->AdvanceCursor(1, seqs[9]).ok());
    ASSERT_TRUE(s->TruncateLogs().ok());
  }
  auto s = MustOpen(TestOptions(dir.path()));
  EXPECT_EQ(FirstEntry(*s, 1), seqs[10]);
  ASSERT_TRUE(s->TruncateLogs().ok());
  EXPECT_EQ(FirstEntry(*s, 1), seqs[10]);
  EXPECT_EQ(ReadAll(*s, 1, seqs[9]).size(), 40u);
}

TEST(CursorTest, BackgroundTruncationFollowsCursors) {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.truncate_interval = std::chrono::milliseconds(10);
  options.truncate_min_seqs = 1;
  auto s = MustOpen(options);
  ASSERT_TRUE(s->RegisterCursor(1, 1, 0).ok());
  auto seqs = InsertMany(*s, 1, 40);
  ASSERT_TRUE(s->AdvanceCursor(1, seqs[19]).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (FirstEntry(*s, 1) != seqs[20] && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(FirstEntry(*s, 1), seqs[20]);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(FirstEntry(*s, 1), seqs[20]) << "never past the cursor";
}

TEST(CursorTest, LoggedTablesWithoutCursorsAreTruncatedToTheLastCommit) {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.log_tables_without_cursors = true;
  auto s = MustOpen(options);
  auto seqs = InsertMany(*s, 3, 10);
  EXPECT_EQ(ReadAll(*s, 3, 0).size(), 10u);
  ASSERT_TRUE(s->TruncateLogs().ok());
  EXPECT_TRUE(ReadAll(*s, 3, 0).empty());
  // A cursor registered now starts after everything truncated.
  auto start = s->RegisterCursorAtLatest(1, 3);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(*start, seqs.back());
  auto more = InsertMany(*s, 3, 3, 100);
  EXPECT_EQ(ReadAll(*s, 3, *start).size(), 3u);
}

}  // namespace
}  // namespace dynasink::storage
