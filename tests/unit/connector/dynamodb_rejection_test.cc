// Rejected changes: values the encoder refuses and items DynamoDB refuses (isolated by halving
// the batch), under both error policies; the handshake with the rejection handler; pause and
// resume (retry, skip, and a fix that supersedes the held change).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "sink_harness.h"

namespace dynasink::connector::dynamodb::testing {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// DynamoDB refuses any call that carries an item whose v is "poison".
Fate PoisonScript(const std::vector<FakeRequest>& requests, uint64_t) {
  for (const FakeRequest& r : requests) {
    const aws::AttributeValue* v = r.item.Find("v");
    if (v != nullptr && v->is_s() && v->scalar() == "poison") {
      return Fate::Error(aws::DynamoDbErrorKind::kValidation, "ValidationException", 400,
                         "One or more parameter values were invalid: poison");
    }
  }
  return Fate::Ok();
}

template <typename Pred>
bool WaitFor(Pred pred, milliseconds timeout = milliseconds(20000)) {
  auto end = SteadyClock::now() + timeout;
  while (SteadyClock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return pred();
}

TEST(RejectionTest, RefusedBatchIsSplitUntilTheOffendingItemIsAlone) {
  SinkHarness h;
  h.state->script = PoisonScript;
  FakeDynamoDb::Close(*h.state);  // one full batch of 25 with one poison item in it
  uint64_t poison_seq = 0;
  for (int k = 0; k < 25; ++k) {
    uint64_t seq = h.Upsert(k, k == 17 ? "poison" : "ok");
    if (k == 17) poison_seq = seq;
  }
  h.Write();
  FakeDynamoDb::Open(*h.state);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.sink->AckedThrough(), 25u);
  auto table = h.TableSeqs();
  EXPECT_EQ(table.size(), 24u);
  EXPECT_EQ(table.count("17"), 0u);
  std::lock_guard<std::mutex> lock(h.mu);
  ASSERT_EQ(h.rejections.size(), 1u);
  const SinkRejection& r = h.rejections[0];
  EXPECT_EQ(r.seq, poison_seq);
  EXPECT_EQ(r.sink, "s1");
  EXPECT_EQ(r.op, ChangeOp::kUpsert);
  EXPECT_EQ(r.key, "k=17");
  EXPECT_EQ(r.error_type, "ValidationException");
  EXPECT_EQ(r.item, R"({"k":{"N":"17"},"seq":{"N":"18"},"v":{"S":"poison"}})");
  EXPECT_EQ(r.reason,
            "sink s1: DynamoDB table T refused the row of key (k=17): ValidationException: One or "
            "more parameter values were invalid: poison");
  // Halving 25 items takes about 2 log2(25) calls, not 25.
  EXPECT_LE(h.state->calls, 14u);
  EXPECT_EQ(h.sink->metrics().rejected_changes->value(), 1u);
  EXPECT_EQ(h.sink->GetStatus().changes_rejected, 1u);
}

TEST(RejectionTest, ManyPoisonedItemsInARandomStream) {
  SinkHarness::Config config;
  config.fake.max_delay = std::chrono::microseconds(200);
  SinkHarness h(config);
  h.state->script = PoisonScript;
  std::map<std::string, std::pair<uint64_t, bool>> last;  // key -> (seq, poisoned)
  std::set<uint64_t> poison;
  for (int i = 0; i < 3000; ++i) {
    int k = i % 400;
    bool bad = i % 97 == 0;
    uint64_t seq = h.Upsert(k, bad ? "poison" : "ok");
    if (bad) poison.insert(seq);
    last[std::to_string(k)] = {seq, bad};
    if (i % 300 == 299) h.Write();
  }
  h.Write();
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.sink->AckedThrough(), 3000u);
  auto table = h.TableSeqs();
  std::lock_guard<std::mutex> lock(h.mu);
  // Only poisoned changes are rejected; a poisoned change not rejected was superseded by a
  // later change to its key before being sent. Nothing else disappears.
  std::set<uint64_t> rejected;
  for (const auto& r : h.rejections)
    rejected.insert(r.seq);
  for (uint64_t seq : rejected)
    EXPECT_TRUE(poison.count(seq)) << seq;
  EXPECT_GT(rejected.size(), 0u);
  for (const auto& [k, v] : last) {
    auto [seq, bad] = v;
    if (!bad) {
      EXPECT_EQ(table[k], std::to_string(seq)) << "key " << k;
    } else {
      EXPECT_TRUE(rejected.count(seq)) << "the last change of key " << k << " was poisoned";
    }
  }
  auto status = h.sink->GetStatus();
  EXPECT_EQ(status.changes_delivered + status.changes_superseded + status.changes_rejected, 3000u);
}

TEST(RejectionTest, InvalidValuesGoToTheHandlerAndTheOthersArrive) {
  SinkHarness::Config config;
  config.value_type = DataType(TypeId::kFloat64);
  SinkHarness h(config);
  h.Upsert(1, Value::Float64(1.5));
  uint64_t bad = h.Upsert(2, Value::Float64(NAN));
  h.Upsert(3, Value::Float64(1e300));
  h.Upsert(4, Value::Float64(-2));
  h.Write();
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), (std::map<std::string, std::string>{{"1", "1"}, {"4", "4"}}));
  std::lock_guard<std::mutex> lock(h.mu);
  ASSERT_EQ(h.rejections.size(), 2u);
  EXPECT_EQ(h.rejections[0].seq, bad);
  EXPECT_EQ(h.rejections[0].column, "v");
  EXPECT_EQ(h.rejections[0].error_type, "InvalidValue");
  EXPECT_THAT(h.rejections[0].reason,
              HasSubstr("sink s1: cannot write the row of key (k=2) to DynamoDB table T: column v "
                        "(double precision) value NaN"));
  EXPECT_THAT(h.rejections[1].reason, HasSubstr("out of DynamoDB's number range"));
  EXPECT_EQ(h.sink->metrics().rejected_changes->value(), 2u);
}

TEST(RejectionTest, WatermarkWaitsForTheHandlerToSucceed) {
  SinkHarness::Config config;
  config.value_type = DataType(TypeId::kFloat64);
  config.writer.retry_backoff_ms = 1;
  SinkHarness h(config);
  std::atomic<int> failures{3};
  h.handler = [&](const SinkRejection&) {
    if (failures-- > 0) return Status::IOError("error table is full");
    return Status::OK();
  };
  h.Upsert(1, Value::Float64(NAN));
  uint64_t last = h.Upsert(2, Value::Float64(2));
  h.Write();
  // While the handler fails the change stays: the sink reports it and the watermark stays below.
  ASSERT_TRUE(WaitFor([&] { return h.sink->GetStatus().state == SinkState::kRetrying; }));
  auto s = h.sink->GetStatus();
  EXPECT_THAT(s.last_error, HasSubstr("cannot store a rejected change of sink s1 (seq 1) in the "
                                      "error table: error table is full"));
  EXPECT_EQ(s.changes_held, 1u);
  EXPECT_EQ(h.sink->AckedThrough(), 0u);
  ASSERT_TRUE(h.sink->WaitAcked(last, Soon()).ok());
  EXPECT_EQ(h.sink->GetStatus().state, SinkState::kRunning);
  std::lock_guard<std::mutex> lock(h.mu);
  EXPECT_EQ(h.rejections.size(), 1u);
}

TEST(RejectionTest, PausePolicyStopsAtTheChangeAndSkipResumes) {
  SinkHarness::Config config;
  config.policy = ErrorPolicy::kPause;
  config.value_type = DataType(TypeId::kFloat64);
  SinkHarness h(config);
  h.Upsert(1, Value::Float64(1));
  uint64_t bad = h.Upsert(2, Value::Float64(INFINITY));
  h.Write();
  ASSERT_TRUE(WaitFor([&] { return h.sink->GetStatus().state == SinkState::kPaused; }));
  ASSERT_TRUE(h.sink->WaitAcked(1, Soon()).ok());  // what came before is delivered
  h.Upsert(3, Value::Float64(3));
  h.Write();
  std::this_thread::sleep_for(milliseconds(50));
  auto s = h.sink->GetStatus();
  EXPECT_EQ(s.state, SinkState::kPaused);
  EXPECT_EQ(s.paused_at_seq, bad);
  EXPECT_THAT(s.pause_reason, HasSubstr("column v (double precision) value Infinity"));
  EXPECT_EQ(h.sink->AckedThrough(), 1u);
  EXPECT_EQ(h.TableSeqs().count("3"), 0u) << "nothing new is sent while paused";
  // FLUSH fails at once, naming the reason.
  Status f = h.sink->Flush(Soon());
  EXPECT_EQ(f.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(f.message(), HasSubstr("sink s1 is paused"));
  {
    std::lock_guard<std::mutex> lock(h.mu);
    EXPECT_TRUE(h.rejections.empty());
  }
  // RESUME retrying a value that is still invalid pauses again.
  ASSERT_TRUE(h.sink->Resume(ResumeAction::kRetry).ok());
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(h.sink->GetStatus().state, SinkState::kPaused);
  // Skipping stores it in the error table and goes on.
  ASSERT_TRUE(h.sink->Resume(ResumeAction::kSkip).ok());
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.sink->AckedThrough(), 3u);
  EXPECT_EQ(h.TableSeqs(), (std::map<std::string, std::string>{{"1", "1"}, {"3", "3"}}));
  std::lock_guard<std::mutex> lock(h.mu);
  ASSERT_EQ(h.rejections.size(), 1u);
  EXPECT_EQ(h.rejections[0].seq, bad);
}

TEST(RejectionTest, PauseThenFixTheRowAndRetry) {
  SinkHarness::Config config;
  config.policy = ErrorPolicy::kPause;
  config.value_type = DataType(TypeId::kFloat64);
  SinkHarness h(config);
  h.Upsert(7, Value::Float64(NAN));
  h.Write();
  ASSERT_TRUE(WaitFor([&] { return h.sink->GetStatus().state == SinkState::kPaused; }));
  // The user fixes the row; the fix reaches the (paused) sink, then RESUME.
  uint64_t fix = h.Upsert(7, Value::Float64(7));
  h.Write();
  ASSERT_TRUE(h.sink->Resume(ResumeAction::kRetry).ok());
  ASSERT_TRUE(h.sink->WaitAcked(fix, Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), (std::map<std::string, std::string>{{"7", std::to_string(fix)}}));
  std::lock_guard<std::mutex> lock(h.mu);
  EXPECT_TRUE(h.rejections.empty()) << "the fix replaced the bad change";
}

TEST(RejectionTest, PausePolicyForItemsDynamoDbRefuses) {
  SinkHarness::Config config;
  config.policy = ErrorPolicy::kPause;
  SinkHarness h(config);
  std::atomic<bool> refuse{true};
  h.state->script = [&](const std::vector<FakeRequest>& r, uint64_t call) {
    return refuse ? PoisonScript(r, call) : Fate::Ok();
  };
  uint64_t bad = h.Upsert(1, "poison");
  h.Write();
  ASSERT_TRUE(WaitFor([&] { return h.sink->GetStatus().state == SinkState::kPaused; }));
  auto s = h.sink->GetStatus();
  EXPECT_EQ(s.paused_at_seq, bad);
  EXPECT_THAT(s.pause_reason, HasSubstr("DynamoDB table T refused the row of key (k=1)"));
  EXPECT_THAT(s.pause_reason, HasSubstr("ALTER SINK"));
  // The user fixes the cause on the DynamoDB side; RESUME sends it again.
  refuse = false;
  ASSERT_TRUE(h.sink->Resume(ResumeAction::kRetry).ok());
  ASSERT_TRUE(h.sink->WaitAcked(bad, Soon()).ok());
  EXPECT_EQ(h.TableSeqs().count("1"), 1u);
}

TEST(RejectionTest, UserPauseAndResume) {
  SinkHarness h;
  h.sink->Pause("maintenance");
  std::this_thread::sleep_for(milliseconds(20));
  h.Upsert(1, "x");
  h.Write();
  std::this_thread::sleep_for(milliseconds(50));
  auto s = h.sink->GetStatus();
  EXPECT_EQ(s.state, SinkState::kPaused);
  EXPECT_EQ(s.pause_reason, "maintenance");
  EXPECT_TRUE(h.TableSeqs().empty());
  ASSERT_TRUE(h.sink->Resume(ResumeAction::kRetry).ok());
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs().size(), 1u);
}

}  // namespace
}  // namespace dynasink::connector::dynamodb::testing
