// DynamoDbSink's lifecycle: backpressure (Write blocks at the buffer limit and returns what it
// accepted by the deadline), Flush/WaitAcked deadlines, Close while calls hang (prompt, nothing
// acknowledged that was not written), status and metrics, and the connector registry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connector/connector.h"
#include "sink_harness.h"

namespace dynasink::connector::dynamodb::testing {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

TEST(SinkLifecycleTest, WriteBlocksAtTheBufferLimitAndResumesWhenDrained) {
  SinkHarness::Config config;
  config.buffer_bytes = 1 << 20;  // the minimum: 1 MB
  SinkHarness h(config);
  FakeDynamoDb::Close(*h.state);  // nothing completes: the buffer fills
  for (int i = 0; i < 2000; ++i)
    h.Upsert(i, std::string(4000, 'x'));  // ~8 MB of items
  auto start = SteadyClock::now();
  auto accepted = h.TryWrite(In(milliseconds(300)));
  ASSERT_TRUE(accepted.ok());
  EXPECT_GE(SteadyClock::now() - start, milliseconds(250)) << "Write should block";
  EXPECT_GT(*accepted, 100u);
  EXPECT_LT(*accepted, 400u) << "about 1 MB of 4 KB changes";
  auto status = h.sink->GetStatus();
  EXPECT_GE(status.buffered_bytes, 1u << 20);
  EXPECT_LT(status.buffered_bytes, (1u << 20) + 64 * 1024);
  // Draining makes room: the rest goes through.
  FakeDynamoDb::Open(*h.state);
  h.Write();
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs().size(), 2000u);
  EXPECT_EQ(h.sink->GetStatus().buffered_bytes, 0u);
}

TEST(SinkLifecycleTest, FlushTimesOutNamingTheSink) {
  SinkHarness h;
  h.state->script = [](const std::vector<FakeRequest>&, uint64_t) { return Fate::Hang(); };
  h.Upsert(1, "x");
  h.Write();
  Status s = h.sink->Flush(In(milliseconds(100)));
  EXPECT_EQ(s.code(), StatusCode::kTimeout);
  EXPECT_THAT(s.message(), HasSubstr("sink s1 has not caught up: DynamoDB acknowledged changes "
                                     "through 0, waiting for 1"));
  EXPECT_TRUE(h.sink->WaitAcked(0, In(milliseconds(1))).ok());
}

TEST(SinkLifecycleTest, CloseIsPromptWhileCallsHangAndUnblocksWriters) {
  SinkHarness::Config config;
  config.buffer_bytes = 1 << 20;
  SinkHarness h(config);
  h.state->script = [](const std::vector<FakeRequest>&, uint64_t) { return Fate::Hang(); };
  for (int i = 0; i < 2000; ++i)
    h.Upsert(i, std::string(4000, 'x'));
  std::atomic<bool> write_returned{false};
  Status write_status;
  std::thread writer([&] {
    auto r = h.TryWrite(Soon());  // blocks: nothing drains
    write_status = r.status();
    write_returned = true;
  });
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_FALSE(write_returned.load());
  std::thread flusher([&] {
    Status f = h.sink->Flush(Soon());
    EXPECT_EQ(f.code(), StatusCode::kAborted);
  });
  std::this_thread::sleep_for(milliseconds(50));
  auto start = SteadyClock::now();
  h.sink->Close();
  EXPECT_LT(SteadyClock::now() - start, milliseconds(1000));
  writer.join();
  flusher.join();
  EXPECT_TRUE(write_returned.load());
  EXPECT_EQ(write_status.code(), StatusCode::kAborted);
  EXPECT_EQ(h.sink->AckedThrough(), 0u);  // nothing was acknowledged
  EXPECT_EQ(h.sink->GetStatus().state, SinkState::kClosed);
  EXPECT_EQ(h.sink->Write({}, Soon()).status().code(), StatusCode::kAborted);
  h.sink->Close();  // idempotent
}

TEST(SinkLifecycleTest, MetricsAreRenderedPerSinkAndRemovedWithIt) {
  auto h = std::make_unique<SinkHarness>();
  h->Upsert(1, "a");
  h->Delete(1);
  h->Upsert(2, "b");
  h->Write();
  ASSERT_TRUE(h->sink->Flush(Soon()).ok());
  std::string page = h->registry.RenderPrometheus();
  EXPECT_THAT(page, HasSubstr("dynasink_sink_changes_accepted_total{sink=\"s1\"} 3\n"));
  EXPECT_THAT(page, HasSubstr("dynasink_sink_acked_seq{sink=\"s1\"} 3\n"));
  EXPECT_THAT(page, HasSubstr("dynasink_sink_in_flight_calls{sink=\"s1\"} 0\n"));
  EXPECT_THAT(page, HasSubstr("# TYPE dynasink_sink_call_duration_seconds histogram\n"));
  EXPECT_THAT(page, HasSubstr("dynasink_sink_batches_total{sink=\"s1\"}"));
  uint64_t written =
      h->sink->metrics().puts_written->value() + h->sink->metrics().deletes_written->value();
  EXPECT_EQ(written + h->sink->GetStatus().changes_superseded, 3u);
  h->sink->metrics().SetLag(12, 0.5);
  EXPECT_THAT(h->registry.RenderPrometheus(),
              HasSubstr("dynasink_sink_lag_changes{sink=\"s1\"} 12\n"));
  h->sink.reset();
  EXPECT_EQ(h->registry.size(), 0u);
}

TEST(SinkLifecycleTest, TheRegistryFindsTheDynamoDbConnector) {
  const SinkConnector* c = FindSinkConnector("DYNAMODB");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name(), "dynamodb");
  EXPECT_EQ(SinkConnectorNames(), std::vector<std::string_view>{"dynamodb"});
  EXPECT_TRUE(c->IsSecretOption("secret_key"));
  SinkSchema schema{{"year", "title"}, {DataType(TypeId::kInt32), DataType(TypeId::kVarchar)}};
  SinkOptionList options = {
      {"table", "Movies"}, {"primary_key", "year, xx"}, {"aws.region", "us-east-1"}};
  EXPECT_EQ(c->CheckSchema(options, schema).message(),
            "Sink primary key column not found: xx. Please use ',' as the delimiter for "
            "different primary key columns.");
  options[1].second = "year,title";
  EXPECT_TRUE(c->CheckSchema(options, schema).ok());
  EXPECT_EQ(FindSinkConnector("kafka"), nullptr);
}

}  // namespace
}  // namespace dynasink::connector::dynamodb::testing
