// SinkRunner, what it promises about progress: the cursor moves only to acknowledged positions,
// a restart replays from it, FLUSH (WaitFlushed) waits for acknowledgements and fails in the
// documented ways, the status fields follow the sink, rejections and sink-query errors land in
// the error table, and Stop() is prompt even while the destination is stuck.
#include <gtest/gtest.h>

#include <thread>

#include "unit/stream/runner_fixture.h"

namespace dynasink::stream::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SinkRunnerProgressTest : public RunnerTest {
 protected:
  SinkRunnerProgressTest() { fake_.behavior.auto_ack = false; }
};

TEST_F(SinkRunnerProgressTest, TheCursorOnlyAdvancesToAcknowledgedPositions) {
  SinkRunner* runner = CreateSink({});
  const uint32_t id = runner->def().id;
  FakeSink* sink = fake_.last();
  const uint64_t start = CursorOf(id);
  const uint64_t s1 = Insert(1, "a", 1);
  const uint64_t s2 = Insert(2, "b", 2);
  const uint64_t s3 = Insert(3, "c", 3);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 3; }));
  // Written, not acknowledged: the cursor stays, however long the runner idles.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(CursorOf(id), start);
  EXPECT_EQ(runner->GetStatus().acked_seq, start);

  sink->AckThrough(s1);
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s1; })) << CursorOf(id);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(CursorOf(id), s1);  // not past the watermark

  sink->AckThrough(s2);
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s2; })) << CursorOf(id);
  sink->AckAll();
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s3; })) << CursorOf(id);
  EXPECT_EQ(runner->GetStatus().acked_seq, s3);

  // Commits to another table move the cursor over the gap once everything is acknowledged.
  const uint64_t other = Insert(9, "o", 9, other_table_);
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == other; })) << CursorOf(id);
}

TEST_F(SinkRunnerProgressTest, TheCursorNeverSplitsAnUpdate) {
  // An update that moves a row out of the WHERE becomes a delete carrying the seq of the
  // update's after half. While that delete is unacknowledged, the sink's watermark is one below
  // it: the update's before half. A cursor there would make a restart read the after half
  // alone, which (out of the WHERE) sends nothing, and the item would never be deleted.
  SinkRunner* runner = CreateSink({.program = WhereNGreaterThan(10)});
  const uint32_t id = runner->def().id;
  const uint64_t s1 = Insert(1, "a", 20);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 1; }));
  fake_.last()->AckAll();
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s1; }));
  const uint64_t after = Update(1, "a", 0);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 2; }));
  EXPECT_EQ(fake_.last()->AckedThrough(), after - 1);  // the before half
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_LT(CursorOf(id), after - 1);

  // A restart now replays the whole update, and the item goes.
  fake_.behavior.auto_ack = true;
  runner = Restart(runner);
  ASSERT_TRUE(Flush(runner, after).ok());
  EXPECT_TRUE(Items().empty()) << ::testing::PrintToString(Items());
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == after; }));
}

TEST_F(SinkRunnerProgressTest, ARestartReplaysFromTheCursor) {
  SinkRunner* runner = CreateSink({});
  const uint32_t id = runner->def().id;
  const uint64_t s1 = Insert(1, "a", 1);
  const uint64_t s2 = Insert(2, "b", 2);
  const uint64_t s3 = Delete(1);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 3; }));
  fake_.last()->AckThrough(s1);
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s1; }));

  fake_.behavior.auto_ack = true;
  fake_.destination().ClearReceived();
  runner = Restart(runner);
  EXPECT_EQ(fake_.opened(), 2);
  // The new sink resumes after the cursor, and gets every unacknowledged change again.
  EXPECT_EQ(fake_.last()->context().resume_after, s1);
  ASSERT_TRUE(Flush(runner, s3).ok());
  EXPECT_THAT(Received(),
              ElementsAre("put 2|b|2@" + std::to_string(s2), "delete 1@" + std::to_string(s3)));
  EXPECT_EQ(Items(), ModelItems());
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s3; }));
}

TEST_F(SinkRunnerProgressTest, ARestartMidBackfillBackfillsAgain) {
  InsertRange(1, 5);
  const uint64_t created_at = InsertRange(6, 8);
  SinkRunner* runner = CreateSink({});
  const uint32_t id = runner->def().id;
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 8; }));
  fake_.last()->AckThrough(created_at - 1);  // nothing: every backfilled row has created_at
  EXPECT_EQ(runner->GetStatus().state, "backfilling");
  const uint64_t s9 = Insert(9, "n", 9);  // committed meanwhile
  StopAndForget(runner);
  const size_t before_restart = fake_.destination().received_count();
  runner = StartRunner(id);
  EXPECT_TRUE(SavedState(id).backfill_pending);
  EXPECT_EQ(CursorOf(id), created_at);
  EXPECT_EQ(fake_.last()->context().resume_after, created_at - 1);
  // The new snapshot already holds row 9; the log replays it after: the same result.
  ASSERT_TRUE(
      WaitUntil([&] { return fake_.destination().received_count() == before_restart + 9 + 1; }));
  fake_.last()->AckAll();
  ASSERT_TRUE(Flush(runner, s9).ok());
  EXPECT_TRUE(WaitUntil([&] { return !SavedState(id).backfill_pending; }));
  EXPECT_EQ(Items(), ModelItems());
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s9; }));
}

TEST_F(SinkRunnerProgressTest, FlushWaitsForAcknowledgement) {
  SinkRunner* runner = CreateSink({});
  const uint64_t s1 = Insert(1, "a", 1);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 1; }));
  // Written but not acknowledged: FLUSH times out, naming the sink.
  Status s = Flush(runner, s1, std::chrono::milliseconds(100));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sqlstate(), "57014");
  EXPECT_THAT(s.message(), HasSubstr("sink s"));
  EXPECT_THAT(s.message(), HasSubstr("last error: none"));

  // Acknowledged while FLUSH waits: it returns.
  FakeSink* sink = fake_.last();
  std::thread acker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sink->AckAll();
  });
  s = Flush(runner, s1, std::chrono::seconds(20));
  acker.join();
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(sink->AckedThrough(), s1);
}

TEST_F(SinkRunnerProgressTest, FlushOfChangesOfOtherTablesReturnsAtOnce) {
  SinkRunner* runner = CreateSink({});
  const uint64_t mine = Insert(1, "a", 1);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 1; }));
  fake_.last()->AckAll();
  const uint64_t other = Insert(1, "o", 1, other_table_);
  Status s = Flush(runner, other, std::chrono::seconds(20));
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(fake_.last()->AckedThrough(), mine);
}

TEST_F(SinkRunnerProgressTest, FlushCanBeCancelled) {
  SinkRunner* runner = CreateSink({});
  const uint64_t s1 = Insert(1, "a", 1);
  exec::CancelToken cancel;
  cancel.Cancel();
  Status s = runner->WaitFlushed(s1, cancel, Clock::now() + std::chrono::seconds(20));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sqlstate(), "57014");
  EXPECT_THAT(s.message(), HasSubstr("user request"));
}

TEST_F(SinkRunnerProgressTest, FlushTimeoutNamesTheSinkAndItsLastError) {
  fake_.behavior.auto_ack = true;
  fake_.behavior.reject = [](const FakeChange& c) {
    return c.row.find("|bad|") != std::string::npos ? std::string("v is bad") : std::string();
  };
  fake_.behavior.handler_failure = [] { return Status::IOError("disk full"); };
  SinkRunner* runner = CreateSink({});
  const uint64_t s1 = Insert(1, "bad", 1);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 1; }));
  // The rejection cannot be stored: the sink retries and FLUSH times out saying why.
  Status s = Flush(runner, s1, std::chrono::milliseconds(100));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sqlstate(), "57014");
  EXPECT_THAT(s.message(), HasSubstr("sink s"));
  EXPECT_THAT(s.message(), HasSubstr("disk full"));
  RunnerStatus st = runner->GetStatus();
  EXPECT_EQ(st.state, "retrying");
  EXPECT_THAT(st.last_error, HasSubstr("disk full"));
  EXPECT_EQ(errors_->Count(runner->def().id), 0u);
  // The error table recovers: the change is stored and FLUSH succeeds.
  fake_.last()->SetHandlerFailure(nullptr);
  fake_.last()->Retry();
  EXPECT_TRUE(Flush(runner, s1).ok());
  EXPECT_EQ(errors_->Count(runner->def().id), 1u);
  EXPECT_EQ(runner->GetStatus().state, "running");
}

TEST_F(SinkRunnerProgressTest, ASinkPausedByTheUserDoesNotHoldFlush) {
  SinkRunner* runner = CreateSink({});
  const uint32_t id = runner->def().id;
  runner->Pause();
  EXPECT_TRUE(SavedState(id).paused_by_user);
  const uint64_t s1 = Insert(1, "a", 1);
  const auto before = Clock::now();
  Status s = Flush(runner, s1, std::chrono::seconds(20));
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(5));
  RunnerStatus st = runner->GetStatus();
  EXPECT_EQ(st.state, "paused");
  EXPECT_THAT(st.paused_reason, HasSubstr("ALTER SINK s RESUME"));

  // The pause survives a restart.
  runner = Restart(runner);
  EXPECT_EQ(runner->GetStatus().state, "paused");
  ASSERT_TRUE(runner->Resume().ok());
  EXPECT_FALSE(SavedState(id).paused_by_user);
  fake_.last()->SetAutoAck(true);
  EXPECT_TRUE(Flush(runner, s1).ok());
  EXPECT_EQ(runner->GetStatus().state, "running");
  EXPECT_EQ(Items(), ModelItems());
}

TEST_F(SinkRunnerProgressTest, ASinkPausedAtAChangeFailsFlushAtOnce) {
  fake_.behavior.auto_ack = true;
  fake_.behavior.reject = [](const FakeChange& c) {
    return c.row.find("|bad|") != std::string::npos ? "value of v refused for key " + c.key
                                                    : std::string();
  };
  SinkRunner* runner = CreateSink({.policy = connector::ErrorPolicy::kPause});
  const uint32_t id = runner->def().id;
  const uint64_t s1 = Insert(1, "good", 1);
  const uint64_t s2 = Insert(2, "bad", 2);
  const uint64_t s3 = Insert(3, "good", 3);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 3; }));
  // Changes before the held one are delivered and FLUSH for them succeeds.
  EXPECT_TRUE(Flush(runner, s1).ok());
  const auto before = Clock::now();
  Status s = Flush(runner, s3, std::chrono::seconds(20));
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(5));  // at once, not at the deadline
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sqlstate(), "55000");
  EXPECT_THAT(s.message(), HasSubstr("sink s is paused"));
  EXPECT_THAT(s.message(), HasSubstr("refused for key 2"));
  EXPECT_THAT(s.message(), HasSubstr("ALTER SINK s RESUME"));
  RunnerStatus st = runner->GetStatus();
  EXPECT_EQ(st.state, "paused");
  EXPECT_THAT(st.paused_reason, HasSubstr("refused for key 2"));
  EXPECT_EQ(fake_.last()->GetStatus().paused_at_seq, s2);
  // The cursor does not pass the held change.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(CursorOf(id), s1);

  // Resuming while the change is still refused pauses again with the same reason.
  ASSERT_TRUE(runner->Resume().ok());
  s = Flush(runner, s3, std::chrono::seconds(20));
  EXPECT_EQ(s.sqlstate(), "55000");

  // The user fixes the row upstream: the held change is superseded and everything flows.
  const uint64_t fix = Update(2, "fixed", 2);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 4; }));
  ASSERT_TRUE(runner->Resume().ok());
  s = Flush(runner, fix);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Items(), ModelItems());
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == fix; }));
  EXPECT_EQ(errors_->Count(id), 0u);
}

TEST_F(SinkRunnerProgressTest, SwitchingAHeldChangeToTheErrorTable) {
  // What ALTER SINK SET (sink.error_policy = 'error_table') + RESUME does: restart from the
  // cursor with the new policy; the held change is read again and stored.
  fake_.behavior.auto_ack = true;
  fake_.behavior.reject = [](const FakeChange& c) {
    return c.row.find("|bad|") != std::string::npos ? std::string("refused") : std::string();
  };
  SinkRunner* runner = CreateSink({.policy = connector::ErrorPolicy::kPause});
  const uint32_t id = runner->def().id;
  Insert(1, "bad", 1);
  const uint64_t s2 = Insert(2, "good", 2);
  ASSERT_FALSE(Flush(runner, s2).ok());
  specs_[id].policy = connector::ErrorPolicy::kErrorTable;
  runner = Restart(runner);
  ASSERT_TRUE(Flush(runner, s2).ok());
  EXPECT_EQ(errors_->Count(id), 1u);
  EXPECT_THAT(Items(), ElementsAre("2=2|good|2"));
  auto list = errors_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].reason, "refused");
  EXPECT_EQ((*list)[0].sink_id, id);
}

TEST_F(SinkRunnerProgressTest, StatusFollowsBackfillAcksAndLag) {
  const uint64_t created_at = InsertRange(1, 10);
  SinkRunner* runner = CreateSink({});
  RunnerStatus st = runner->GetStatus();
  EXPECT_EQ(st.state, "backfilling");
  ASSERT_TRUE(st.backfill_rows_total.has_value());
  EXPECT_EQ(*st.backfill_rows_total, 10u);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 10; }));
  st = runner->GetStatus();
  EXPECT_EQ(st.state, "backfilling");
  EXPECT_EQ(st.backfill_rows_done, 0u);  // written, none acknowledged
  EXPECT_EQ(st.lag_changes, 10u);
  EXPECT_EQ(st.changes_acked, 0u);

  fake_.last()->AckAll();
  ASSERT_TRUE(Flush(runner, created_at).ok());
  st = runner->GetStatus();
  EXPECT_EQ(st.state, "running");
  EXPECT_EQ(st.backfill_rows_done, 10u);
  EXPECT_EQ(*st.backfill_rows_total, 10u);
  EXPECT_EQ(st.changes_acked, 10u);
  EXPECT_EQ(st.lag_changes, 0u);
  EXPECT_EQ(st.lag_seconds, 0);
  EXPECT_TRUE(st.last_error.empty());
  EXPECT_TRUE(st.paused_reason.empty());

  // Changes waiting for acknowledgement show as lag, in changes and (soon) in seconds.
  Insert(11, "x", 11);
  const uint64_t last = Insert(12, "y", 12);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 12; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  ASSERT_TRUE(WaitUntil([&] { return runner->GetStatus().lag_seconds > 0; }));
  st = runner->GetStatus();
  EXPECT_EQ(st.lag_changes, 2u);
  fake_.last()->AckAll();
  ASSERT_TRUE(Flush(runner, last).ok());
  st = runner->GetStatus();
  EXPECT_EQ(st.lag_changes, 0u);
  EXPECT_EQ(st.lag_seconds, 0);
  EXPECT_EQ(st.changes_acked, 12u);
  ASSERT_TRUE(WaitUntil([&] { return runner->GetStatus().acked_seq == last; }));

  // The acknowledged count is kept across a restart.
  fake_.behavior.auto_ack = true;
  runner = Restart(runner);
  EXPECT_EQ(runner->GetStatus().changes_acked, 12u);
  EXPECT_FALSE(runner->GetStatus().backfill_rows_total.has_value());
  const uint64_t s13 = Insert(13, "z", 13);
  ASSERT_TRUE(Flush(runner, s13).ok());
  EXPECT_EQ(runner->GetStatus().changes_acked, 13u);

  // The state gauges are published for the metrics endpoint.
  ASSERT_TRUE(WaitUntil([&] {
    return registry_.RenderPrometheus().find(
               "dynasink_sink_state{sink=\"s\",state=\"running\"} 1") != std::string::npos;
  })) << registry_.RenderPrometheus();
}

TEST_F(SinkRunnerProgressTest, RejectedChangesGoToTheErrorTableAndTheSinkGoesOn) {
  fake_.behavior.auto_ack = true;
  fake_.behavior.reject = [](const FakeChange& c) {
    return c.row.find("|bad|") != std::string::npos ? std::string("v is bad") : std::string();
  };
  SinkRunner* runner = CreateSink({});
  const uint32_t id = runner->def().id;
  const uint64_t s1 = Insert(1, "bad", 1);
  const uint64_t s2 = Insert(2, "good", 2);
  ASSERT_TRUE(Flush(runner, s2).ok());
  EXPECT_THAT(Items(), ElementsAre("2=2|good|2"));
  EXPECT_EQ(errors_->Count(id), 1u);
  auto list = errors_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].seq, s1);
  EXPECT_EQ((*list)[0].reason, "v is bad");
  EXPECT_EQ(runner->GetStatus().changes_acked, 2u);
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s2; }));
}

TEST_F(SinkRunnerProgressTest, ASinkQueryErrorGoesToTheErrorTable) {
  fake_.behavior.auto_ack = true;
  // SELECT k, v, n FROM t WHERE 100 / n > 1: a division by zero for n = 0.
  std::vector<OutColumn> cols;
  cols.push_back({"k", Col(0, TypeId::kInt32)});
  cols.push_back({"v", Col(1, TypeId::kVarchar)});
  cols.push_back({"n", Col(2, TypeId::kInt32)});
  auto where = Binary(exec::BinaryOperator::kGt,
                      Binary(exec::BinaryOperator::kDiv, Int(100), Col(2, TypeId::kInt32)), Int(1));
  SinkRunner* runner = CreateSink({.program = Program(std::move(cols), std::move(where))});
  const uint32_t id = runner->def().id;
  const uint64_t s1 = Insert(1, "zero", 0);
  const uint64_t s2 = Insert(2, "ok", 5);
  ASSERT_TRUE(Flush(runner, s2).ok());
  EXPECT_THAT(Items(), ElementsAre("2=2|ok|5"));
  EXPECT_EQ(errors_->Count(id), 1u);
  auto list = errors_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const ErrorRecord& r = (*list)[0];
  EXPECT_EQ(r.seq, s1);
  EXPECT_EQ(r.op, connector::ChangeOp::kUpsert);
  EXPECT_EQ(r.error_type, "QueryError");
  EXPECT_EQ(r.key_json, "k=1");
  EXPECT_THAT(r.reason, HasSubstr("sink s"));
  EXPECT_THAT(r.reason, HasSubstr("table t"));
  EXPECT_THAT(r.reason, HasSubstr("division by zero"));
  // Counted as done, and the cursor passes it.
  EXPECT_EQ(runner->GetStatus().changes_acked, 2u);
  ASSERT_TRUE(WaitUntil([&] { return CursorOf(id) == s2; }));
  // The delete of the failing row fails the same way and is stored as a delete.
  const uint64_t s3 = Delete(1);
  ASSERT_TRUE(Flush(runner, s3).ok());
  list = errors_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].seq, s3);
  EXPECT_EQ((*list)[1].op, connector::ChangeOp::kDelete);
}

TEST_F(SinkRunnerProgressTest, StopIsPromptWhileTheDestinationIsStuck) {
  fake_.behavior.capacity = 2;  // Write() blocks after two changes
  SinkRunner* runner = CreateSink({});
  const uint32_t id = runner->def().id;
  const uint64_t start = CursorOf(id);
  InsertRange(1, 50);
  ASSERT_TRUE(WaitUntil([&] { return fake_.destination().received_count() == 2; }));
  const auto before = Clock::now();
  StopAndForget(runner);
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(5));
  EXPECT_EQ(CursorOf(id), start);
}

TEST_F(SinkRunnerProgressTest, BackpressureDeliversEverythingInOrder) {
  fake_.behavior.capacity = 3;
  SinkRunner* runner = CreateSink({});
  const uint64_t last = InsertRange(1, 40);
  // Acknowledge in small steps, as a slow destination would.
  FakeSink* sink = fake_.last();
  ASSERT_TRUE(WaitUntil([&] {
    sink->AckAll();
    return sink->AckedThrough() >= last && fake_.destination().received_count() == 40;
  }));
  ASSERT_TRUE(Flush(runner, last).ok());
  EXPECT_EQ(Items(), ModelItems());
  EXPECT_TRUE(sink->contract_violations().empty());
}

}  // namespace
}  // namespace dynasink::stream::testing
