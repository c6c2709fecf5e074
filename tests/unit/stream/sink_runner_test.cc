// SinkRunner, what reaches the destination: the backfill then the change log (nothing missed or
// repeated at the seam, backfilled rows carrying backfill_seq), updates moving rows into and out
// of a WHERE, a destination key that changes, append-only and force-append-only sinks, and the
// key-groups path where several upstream rows map to one item.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "unit/stream/runner_fixture.h"

namespace dynasink::stream::testing {
namespace {

using ::testing::ElementsAre;

class SinkRunnerTest : public RunnerTest {};

TEST_F(SinkRunnerTest, BackfillsASnapshotThenTailsTheLog) {
  Insert(1, "a", 1);
  Insert(2, "b", 2);
  const uint64_t created_at = Insert(3, "c", 3);
  SinkRunner* runner = CreateSink({});
  const uint32_t id = runner->def().id;
  FakeSink* sink = fake_.last();
  // The watermark starts just below the backfill's seq, which is the cursor's position.
  EXPECT_EQ(sink->context().resume_after, created_at - 1);
  ASSERT_TRUE(Flush(runner, created_at).ok());
  // Saved just after the runner publishes it (FLUSH may return in between).
  EXPECT_TRUE(WaitUntil([&] { return !SavedState(id).backfill_pending; }));

  const uint64_t s4 = Insert(4, "d", 4);
  const uint64_t s2 = Update(2, "b2", 20);
  const uint64_t s3 = Delete(3);
  ASSERT_TRUE(Flush(runner, s3).ok());
  const std::string bs = std::to_string(created_at);
  EXPECT_THAT(Received(),
              ElementsAre("put 1|a|1@" + bs, "put 2|b|2@" + bs, "put 3|c|3@" + bs,
                          "put 4|d|4@" + std::to_string(s4), "put 2|b2|20@" + std::to_string(s2),
                          "delete 3@" + std::to_string(s3)));
  EXPECT_EQ(Items(), ModelItems());
  EXPECT_TRUE(sink->contract_violations().empty());
  // Once everything is acknowledged, the cursor reaches what was read.
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s3; })) << CursorOf(id);
}

TEST_F(SinkRunnerTest, ChangesBetweenSnapshotAndStartAreNeitherMissedNorRepeated) {
  Insert(1, "a", 1);
  const uint64_t created_at = Insert(2, "b", 2);
  // Register the cursor and snapshot, but write before the runner starts reading.
  catalog::SinkDefinition def;
  SinkSpec spec;
  spec.program = IdentityProgram();
  def.id = *db_.catalog().AllocateObjectId();
  def.name = "s";
  def.from_table_id = table_->id;
  def.column_names = spec.program->column_names();
  def.column_types = spec.program->column_types();
  def.options["connector"] = "fake";
  SinkRuntimeState state;
  state.backfill_pending = true;
  def.state = state.Encode();
  std::shared_ptr<const storage::Snapshot> snap;
  ASSERT_TRUE(db_.catalog()
                  .CreateSink(def,
                              [&](const storage::WriteBatch& meta) -> Status {
                                DS_ASSIGN_OR_RETURN(snap, db_.storage().RegisterCursorWithSnapshot(
                                                              def.id, table_->id, &meta));
                                return Status::OK();
                              })
                  .ok());
  EXPECT_EQ(snap->seq(), created_at);
  const uint64_t s3 = Insert(3, "c", 3);
  const uint64_t s1 = Update(1, "a2", 10);
  specs_[def.id] = spec;
  SinkRunner* runner = StartRunner(def.id, snap);
  ASSERT_TRUE(Flush(runner, s1).ok());
  const std::string bs = std::to_string(created_at);
  EXPECT_THAT(Received(),
              ElementsAre("put 1|a|1@" + bs, "put 2|b|2@" + bs, "put 3|c|3@" + std::to_string(s3),
                          "put 1|a2|10@" + std::to_string(s1)));
  EXPECT_EQ(Items(), ModelItems());
}

TEST_F(SinkRunnerTest, ConcurrentWritesDuringALargeBackfill) {
  // More rows than one backfill chunk, with a writer racing the backfill: every key reaches the
  // destination, each pre-existing row once from the snapshot, each later change once from the
  // log, and the destination ends equal to the table.
  const uint64_t created_at = InsertRange(1, 3000);
  SinkRunner* runner = CreateSink({});
  std::atomic<uint64_t> last{0};
  std::thread writer([&] {
    for (int k = 3001; k <= 3200; ++k)
      last = Insert(k, "w" + std::to_string(k), k);
    for (int k = 1; k <= 100; ++k)
      last = Update(k, "u" + std::to_string(k), -k);
    for (int k = 2951; k <= 3000; ++k)
      last = Delete(k);
  });
  writer.join();
  ASSERT_TRUE(Flush(runner, last).ok());
  EXPECT_EQ(Items(), ModelItems());
  std::map<std::string, int> from_snapshot, from_log;
  const std::string bs_suffix = "@" + std::to_string(created_at);
  for (const std::string& r : Received()) {
    bool snapshot = r.size() > bs_suffix.size() &&
                    r.compare(r.size() - bs_suffix.size(), bs_suffix.size(), bs_suffix) == 0;
    (snapshot ? from_snapshot : from_log)[r]++;
  }
  EXPECT_EQ(from_snapshot.size(), 3000u);
  for (const auto& [r, count] : from_snapshot)
    EXPECT_EQ(count, 1) << r;
  EXPECT_EQ(from_log.size(), 200u + 100u + 50u);
  for (const auto& [r, count] : from_log)
    EXPECT_EQ(count, 1) << r;
  EXPECT_TRUE(fake_.last()->contract_violations().empty());
}

TEST_F(SinkRunnerTest, EmptyTableAndSnapshotFalseSendOnlyNewChanges) {
  // Nothing committed yet: no backfill at all.
  SinkRunner* empty = CreateSink({.name = "empty"});
  EXPECT_FALSE(SavedState(empty->def().id).backfill_pending);
  const uint64_t s1 = Insert(1, "a", 1);
  ASSERT_TRUE(Flush(empty, s1).ok());
  EXPECT_THAT(Received(), ElementsAre("put 1|a|1@" + std::to_string(s1)));

  // snapshot = false on a table with rows: only what is committed after creation.
  fake_.destination().ClearReceived();
  SinkRunner* later = CreateSink({.name = "later", .snapshot = false});
  const uint64_t s2 = Insert(2, "b", 2);
  ASSERT_TRUE(Flush(later, s2).ok());
  ASSERT_TRUE(Flush(empty, s2).ok());
  std::vector<std::string> got = Received();
  // Both sinks share the fake destination: each got put 2 once, and "later" never saw row 1.
  EXPECT_THAT(got,
              ElementsAre("put 2|b|2@" + std::to_string(s2), "put 2|b|2@" + std::to_string(s2)));
}

TEST_F(SinkRunnerTest, UpdatesMoveRowsIntoAndOutOfTheWhere) {
  SinkRunner* runner = CreateSink({.program = WhereNGreaterThan(10)});
  Insert(1, "a", 5);                          // out: nothing
  const uint64_t in = Update(1, "a", 20);     // moves in: put
  const uint64_t again = Update(1, "b", 30);  // stays in: put
  const uint64_t out = Update(1, "b", 0);     // moves out: delete
  Update(1, "c", 1);                          // stays out: nothing
  Delete(1);                                  // deleted while out: nothing
  Insert(2, "x", 50);
  const uint64_t del = Delete(2);  // deleted while in: delete
  Insert(3, "n", std::nullopt);    // NULL > 10 is not true: nothing
  const uint64_t last = Update(3, "n", 11);
  ASSERT_TRUE(Flush(runner, last).ok());
  EXPECT_THAT(
      Received(),
      ElementsAre("put 1|a|20@" + std::to_string(in), "put 1|b|30@" + std::to_string(again),
                  "delete 1@" + std::to_string(out), "put 2|x|50@" + std::to_string(del - 1),
                  "delete 2@" + std::to_string(del), "put 3|n|11@" + std::to_string(last)));
  EXPECT_THAT(Items(), ElementsAre("3=3|n|11"));
}

TEST_F(SinkRunnerTest, BackfillAppliesTheWhereToo) {
  Insert(1, "a", 5);
  Insert(2, "b", 50);
  const uint64_t created_at = Insert(3, "c", 7);
  SinkRunner* runner = CreateSink({.program = WhereNGreaterThan(10)});
  ASSERT_TRUE(Flush(runner, created_at).ok());
  EXPECT_THAT(Received(), ElementsAre("put 2|b|50@" + std::to_string(created_at)));
}

TEST_F(SinkRunnerTest, BackfillWhoseRowsAreAllFilteredOutCompletes) {
  // Rows exist, but none passes the WHERE: nothing is written with backfill_seq, so nothing
  // will ever acknowledge it; the backfill must still complete and FLUSH must not hang.
  Insert(1, "a", 1);
  const uint64_t created_at = Insert(2, "b", 2);
  SinkRunner* runner = CreateSink({.program = WhereNGreaterThan(10)});
  Status s = Flush(runner, created_at, std::chrono::seconds(5));
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Received().empty());
  EXPECT_TRUE(WaitUntil([&] { return !SavedState(runner->def().id).backfill_pending; }));
  EXPECT_EQ(runner->GetStatus().state, "running");
}

TEST_F(SinkRunnerTest, AChangedDestinationKeyDeletesTheOldItem) {
  // primary_key = (k, v): the upstream key is covered, so no index, but an update of v moves
  // the item to another destination key.
  SinkRunner* runner = CreateSink({.connector_options = {{"primary_key", "k,v"}}});
  const uint64_t s1 = Insert(1, "a", 1);
  const uint64_t s2 = Update(1, "b", 1);
  const uint64_t s3 = Update(1, "b", 2);  // same key: a plain put
  ASSERT_TRUE(Flush(runner, s3).ok());
  EXPECT_THAT(Received(),
              ElementsAre("put 1|a|1@" + std::to_string(s1), "delete 1|a@" + std::to_string(s2),
                          "put 1|b|1@" + std::to_string(s2), "put 1|b|2@" + std::to_string(s3)));
  EXPECT_THAT(Items(), ElementsAre("1|b=1|b|2"));
}

TEST_F(SinkRunnerTest, AComputedKeyColumn) {
  // SELECT k + 100 AS id, v FROM t, keyed by id: the key is computed, so the runner keeps the
  // index, and each item still follows its one upstream row.
  std::vector<OutColumn> cols;
  cols.push_back({"id", Binary(exec::BinaryOperator::kAdd, Col(0, TypeId::kInt32), Int(100))});
  cols.push_back({"v", Col(1, TypeId::kVarchar)});
  SinkRunner* runner = CreateSink(
      {.program = Program(std::move(cols)), .connector_options = {{"primary_key", "id"}}});
  Insert(1, "a");
  Insert(2, "b");
  Update(1, "a2");
  const uint64_t last = Delete(2);
  ASSERT_TRUE(Flush(runner, last).ok());
  EXPECT_THAT(Items(), ElementsAre("101=101|a2"));
}

TEST_F(SinkRunnerTest, AppendOnlySendsInsertsOnly) {
  SinkRunner* runner = CreateSink({.type = connector::SinkType::kAppendOnly});
  const uint64_t s1 = Insert(1, "a", 1);
  Delete(1);
  const uint64_t s2 = Insert(2, "b", 2);
  ASSERT_TRUE(Flush(runner, s2).ok());
  EXPECT_THAT(Received(),
              ElementsAre("put 1|a|1@" + std::to_string(s1), "put 2|b|2@" + std::to_string(s2)));
}

TEST_F(SinkRunnerTest, ForceAppendOnlySendsTheNewHalfOfUpdatesAndNoDeletes) {
  Insert(1, "a", 1);
  const uint64_t created_at = Insert(2, "b", 2);
  SinkRunner* runner =
      CreateSink({.program = WhereNGreaterThan(0), .type = connector::SinkType::kForceAppendOnly});
  const uint64_t s1 = Update(1, "a2", 5);
  Update(2, "b2", -1);  // moves out of the WHERE: an append-only sink sends nothing
  Delete(1);
  const uint64_t last = Insert(3, "c", 3);
  ASSERT_TRUE(Flush(runner, last).ok());
  const std::string bs = std::to_string(created_at);
  EXPECT_THAT(Received(),
              ElementsAre("put 1|a|1@" + bs, "put 2|b|2@" + bs, "put 1|a2|5@" + std::to_string(s1),
                          "put 3|c|3@" + std::to_string(last)));
}

// SELECT v AS name, k, n FROM t keyed by name: rows sharing v map to one item.
class KeyGroupsRunnerTest : public SinkRunnerTest {
 protected:
  std::shared_ptr<const exec::RowProgram> ByV() {
    std::vector<OutColumn> cols;
    cols.push_back({"name", Col(1, TypeId::kVarchar)});
    cols.push_back({"k", Col(0, TypeId::kInt32)});
    cols.push_back({"n", Col(2, TypeId::kInt32)});
    return Program(std::move(cols));
  }
  SinkSpec Spec() { return {.program = ByV(), .connector_options = {{"primary_key", "name"}}}; }
};

TEST_F(KeyGroupsRunnerTest, TheItemHoldsTheLatestRowAndTheNewestRemaining) {
  SinkRunner* runner = CreateSink(Spec());
  const uint64_t s1 = Insert(1, "x", 1);
  const uint64_t s2 = Insert(2, "x", 2);
  const uint64_t s3 = Insert(3, "x", 3);
  ASSERT_TRUE(Flush(runner, s3).ok());
  EXPECT_THAT(Items(), ElementsAre("x=x|3|3"));
  // The latest goes away: the newest remaining (by commit order) comes back.
  const uint64_t d3 = Delete(3);
  ASSERT_TRUE(Flush(runner, d3).ok());
  EXPECT_THAT(Items(), ElementsAre("x=x|2|2"));
  // An older row changes: it becomes the latest.
  const uint64_t u1 = Update(1, "x", 10);
  ASSERT_TRUE(Flush(runner, u1).ok());
  EXPECT_THAT(Items(), ElementsAre("x=x|1|10"));
  // A row moves to another item: its old item falls back to the remaining row.
  const uint64_t m1 = Update(1, "y", 11);
  ASSERT_TRUE(Flush(runner, m1).ok());
  EXPECT_THAT(Items(), ElementsAre("x=x|2|2", "y=y|1|11"));
  // The last row of an item goes: the item is deleted.
  const uint64_t d2 = Delete(2);
  ASSERT_TRUE(Flush(runner, d2).ok());
  EXPECT_THAT(Items(), ElementsAre("y=y|1|11"));
  std::vector<std::string> got = Received();
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[0], "put x|1|1@" + std::to_string(s1));
  EXPECT_EQ(got[1], "put x|2|2@" + std::to_string(s2));
  EXPECT_EQ(got.back(), "delete x@" + std::to_string(d2));
}

TEST_F(KeyGroupsRunnerTest, BackfilledRowsTieOnTheLargerUpstreamKey) {
  Insert(2, "x", 2);
  Insert(1, "x", 1);  // committed later, but a snapshot does not record commit order
  const uint64_t created_at = Insert(3, "z", 3);
  SinkRunner* runner = CreateSink(Spec());
  ASSERT_TRUE(Flush(runner, created_at).ok());
  EXPECT_THAT(Items(), ElementsAre("x=x|2|2", "z=z|3|3"));
  // The index survives a restart: deleting row 2 brings back row 1 without reading the table.
  runner = Restart(runner);
  const uint64_t d2 = Delete(2);
  ASSERT_TRUE(Flush(runner, d2).ok());
  EXPECT_THAT(Items(), ElementsAre("x=x|1|1", "z=z|3|3"));
}

}  // namespace
}  // namespace dynasink::stream::testing
