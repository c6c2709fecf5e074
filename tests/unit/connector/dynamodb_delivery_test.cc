// Delivery through DynamoDbSink against the FakeDynamoDb: per-key order and the in-flight rule
// under out-of-order completions, dedup with the watermark covering superseded changes, batch
// limits, concurrency limits, UnprocessedItems, retries, throttling and adaptive concurrency.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "sink_harness.h"

namespace dynasink::connector::dynamodb::testing {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// Random upserts and deletes over a key space; returns the model of the final table.
TableModel RandomStream(SinkHarness& h, int changes, int keys, uint64_t seed,
                        int delete_percent = 20, int write_every = 500) {
  std::mt19937_64 rng(seed);
  TableModel model;
  for (int i = 0; i < changes; ++i) {
    int k = static_cast<int>(rng() % keys);
    if (static_cast<int>(rng() % 100) < delete_percent) {
      h.Delete(k);
      model.Delete(k);
    } else {
      uint64_t seq = h.Upsert(k, "v" + std::to_string(i));
      model.Upsert(k, seq);
    }
    if ((i + 1) % write_every == 0) h.Write();
  }
  h.Write();
  return model;
}

TEST(DeliveryTest, RandomStreamEndsEqualWithOneCallPerKeyInFlight) {
  SinkHarness::Config config;
  config.fake.max_delay = std::chrono::microseconds(2000);
  config.fake.threads = 4;
  config.writer.max_in_flight = 32;
  SinkHarness h(config);
  TableModel model = RandomStream(h, 20000, 300, 7);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), model.table());
  EXPECT_EQ(h.sink->AckedThrough(), h.next_seq - 1);
  std::lock_guard<std::mutex> lock(h.state->mu);
  EXPECT_EQ(h.state->violations, 0u) << "a key was in flight twice";
  EXPECT_EQ(h.state->duplicate_keys, 0u);
  EXPECT_EQ(h.state->oversized, 0u);
  EXPECT_LE(h.state->max_in_flight_calls, 32);
  EXPECT_GT(h.state->max_in_flight_calls, 1) << "calls should run in parallel";
  auto status = h.sink->GetStatus();
  EXPECT_EQ(status.state, SinkState::kRunning);
  EXPECT_EQ(status.changes_accepted, 20000u);
  EXPECT_EQ(status.changes_delivered + status.changes_superseded, 20000u);
  EXPECT_EQ(status.buffered_changes, 0u);
}

TEST(DeliveryTest, BatchesRespectMaxItems) {
  SinkHarness::Config config;
  config.writer.max_batch_items = 7;
  SinkHarness h(config);
  FakeDynamoDb::Close(*h.state);  // pile changes up so that batches fill
  for (int k = 0; k < 100; ++k)
    h.Upsert(k, "x");
  h.Write();
  FakeDynamoDb::Open(*h.state);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  std::lock_guard<std::mutex> lock(h.state->mu);
  size_t total = 0;
  for (size_t n : h.state->batch_sizes) {
    EXPECT_LE(n, 7u);
    total += n;
  }
  EXPECT_EQ(total, 100u);
  EXPECT_EQ(h.state->table.size(), 100u);
}

TEST(DeliveryTest, BatchesStayUnder16MegabytesOfJson) {
  // Control characters take 6 bytes each in JSON: 250 KB of them is 1.5 MB of body, so at most
  // ten such items fit in a 16 MB call although 25 would be allowed by count.
  SinkHarness h;
  FakeDynamoDb::Close(*h.state);
  for (int k = 0; k < 30; ++k)
    h.Upsert(k, std::string(250 * 1024, '\x01'));
  h.Write();
  FakeDynamoDb::Open(*h.state);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  std::lock_guard<std::mutex> lock(h.state->mu);
  EXPECT_EQ(h.state->oversized, 0u);
  EXPECT_LE(h.state->max_body, 16u * 1024 * 1024);
  EXPECT_GT(h.state->max_body, 8u * 1024 * 1024);  // and they do fill up
  EXPECT_EQ(h.state->table.size(), 30u);
}

TEST(DeliveryTest, UpdatesToOneKeyAreCoalescedWhileItIsInFlight) {
  SinkHarness h;
  FakeDynamoDb::Close(*h.state);
  uint64_t first = h.Upsert(1, "first");
  h.Write();
  // Wait until the first call is out, then pile up updates behind it.
  for (int i = 0; i < 2000 && h.state->calls == 0; ++i)
    std::this_thread::sleep_for(milliseconds(1));
  uint64_t last = 0;
  for (int i = 0; i < 1000; ++i)
    last = h.Upsert(1, "u" + std::to_string(i));
  h.Write();
  FakeDynamoDb::Open(*h.state);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.sink->AckedThrough(), last);
  std::lock_guard<std::mutex> lock(h.state->mu);
  // The first change, then only the latest: 999 were superseded without being sent.
  ASSERT_EQ(h.state->applied.size(), 2u);
  EXPECT_EQ(h.state->applied[0].item.Find("seq")->scalar(), std::to_string(first));
  EXPECT_EQ(h.state->applied[1].item.Find("seq")->scalar(), std::to_string(last));
  EXPECT_EQ(h.sink->GetStatus().changes_superseded, 999u);
}

TEST(DeliveryTest, DeleteAfterPutOfTheSameKeyWins) {
  SinkHarness h;
  h.Upsert(5, "a");
  h.Delete(5);
  h.Upsert(6, "b");
  h.Write();
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), (std::map<std::string, std::string>{{"6", "3"}}));
}

TEST(DeliveryTest, WatermarkNeverPassesAnUnacknowledgedChange) {
  // Completions come back in random order. Every watermark W the sink reports must be safe to
  // resume from: replaying the changes after W must restore the table. So for each key whose
  // changes all lie at or below W, DynamoDB must hold the last of them. (A key with a change
  // after W may still show an older state: replay writes it.)
  SinkHarness::Config config;
  config.fake.max_delay = std::chrono::microseconds(3000);
  config.fake.threads = 4;
  config.writer.max_batch_items = 2;  // many small calls: many watermarks to check
  config.writer.max_in_flight = 16;
  SinkHarness h(config);
  std::vector<std::pair<int, uint64_t>> changes;  // (key, seq), puts only
  std::atomic<int> checked{0}, bad{0};
  h.on_progress = [&](uint64_t w) {
    std::map<int, uint64_t> last;
    std::set<int> later;
    for (auto [k, seq] : changes) {
      if (seq <= w) {
        last[k] = seq;
      } else {
        later.insert(k);
      }
    }
    std::lock_guard<std::mutex> lock(h.state->mu);
    for (auto [k, seq] : last) {
      if (later.count(k) > 0) continue;
      auto it = h.state->table.find(std::to_string(k));
      if (it == h.state->table.end() || std::stoull(it->second.Find("seq")->scalar()) != seq) {
        ++bad;
      }
    }
    ++checked;
  };
  std::mt19937_64 rng(3);
  for (int i = 0; i < 3000; ++i) {
    int k = static_cast<int>(rng() % 500);
    uint64_t seq;
    {
      // `changes` is read by on_progress on the worker thread.
      std::lock_guard<std::mutex> lock(h.mu);
      seq = h.next_seq;
      changes.emplace_back(k, seq);
    }
    h.Upsert(k, "v");
    if (i % 100 == 99) {
      h.Write();
      std::this_thread::sleep_for(milliseconds(2));  // let watermarks be reported mid-stream
    }
  }
  h.Write();
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_GE(checked.load(), 10);
  EXPECT_EQ(bad.load(), 0);
  std::lock_guard<std::mutex> lock(h.mu);
  for (size_t i = 1; i < h.progress.size(); ++i)
    EXPECT_GT(h.progress[i], h.progress[i - 1]);
  EXPECT_EQ(h.progress.back(), 3000u);
}

TEST(DeliveryTest, AdaptiveConcurrencyNeverExceedsTheMaximum) {
  SinkHarness::Config config;
  config.writer.max_in_flight = 4;
  config.writer.max_batch_items = 1;
  config.fake.max_delay = std::chrono::microseconds(500);
  config.fake.threads = 8;
  SinkHarness h(config);
  RandomStream(h, 2000, 1000, 11, 0);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  std::lock_guard<std::mutex> lock(h.state->mu);
  EXPECT_LE(h.state->max_in_flight_calls, 4);
  EXPECT_EQ(h.state->max_in_flight_calls, 4);
}

TEST(DeliveryTest, NoCallJoinsABackloggedClientUntilOneCompletes) {
  SinkHarness::Config config;
  config.writer.max_in_flight = 64;
  config.fake.max_delay = std::chrono::microseconds(5000);
  SinkHarness h(config);
  FakeDynamoDb::Close(*h.state);
  h.state->queued_calls = Writer::kMaxQueuedCalls;
  TableModel model;
  for (int k = 0; k < 250; ++k)
    model.Upsert(k, h.Upsert(k, "v"));
  h.Write();
  // With nothing in flight the first call goes out; behind it the writer waits, however many
  // call slots are free, while the client reports its queue full.
  for (int i = 0; i < 2000 && h.state->calls == 0; ++i)
    std::this_thread::sleep_for(milliseconds(1));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(h.state->calls, 1u);
  // Below the threshold again: the first completion pumps the rest out, in parallel.
  h.state->queued_calls = Writer::kMaxQueuedCalls - 1;
  FakeDynamoDb::Open(*h.state);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), model.table());
  std::lock_guard<std::mutex> lock(h.state->mu);
  EXPECT_EQ(h.state->calls, 10u);
  EXPECT_GT(h.state->max_in_flight_calls, 1);
}

TEST(DeliveryTest, ABackloggedClientStillGetsEveryChangeAndRetry) {
  // The client reports a full queue throughout: one call at a time, but nothing stalls, and a
  // retry that comes due while a call is in flight goes out after it (no timer spin, no stop).
  SinkHarness::Config config;
  config.writer.max_in_flight = 64;
  config.writer.retry_backoff_ms = 1;
  config.fake.max_delay = std::chrono::microseconds(300);
  SinkHarness h(config);
  h.state->queued_calls = 1000;
  {
    std::lock_guard<std::mutex> lock(h.state->mu);
    h.state->script = [](const std::vector<FakeRequest>&, uint64_t call) {
      return call % 3 == 1 ? Fate::Error(aws::DynamoDbErrorKind::kInternalServerError,
                                         "InternalServerError", 500)
                           : Fate::Ok();
    };
  }
  TableModel model = RandomStream(h, 3000, 400, 21, 10, 100);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), model.table());
  std::lock_guard<std::mutex> lock(h.state->mu);
  EXPECT_EQ(h.state->max_in_flight_calls, 1);
  EXPECT_EQ(h.state->violations, 0u);
}

TEST(DeliveryTest, UnprocessedItemsAreRetriedUntilWritten) {
  SinkHarness::Config config;
  config.writer.max_batch_items = 5;  // many calls, so that every fault shows up
  config.writer.retry_backoff_ms = 1;
  config.writer.retry_times = 10;  // stay on the fast first schedule
  config.fake.max_delay = std::chrono::microseconds(300);
  SinkHarness h(config);
  std::mt19937_64 rng(5);
  h.state->script = [&rng](const std::vector<FakeRequest>& requests, uint64_t) {
    std::vector<size_t> unprocessed;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (rng() % 3 == 0) unprocessed.push_back(i);
    }
    return unprocessed.empty() ? Fate::Ok() : Fate::Unprocessed(unprocessed);
  };
  TableModel model = RandomStream(h, 5000, 200, 9);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), model.table());
  EXPECT_GT(h.sink->metrics().unprocessed_items->value(), 100u);
  EXPECT_GT(h.sink->metrics().retries->value(), 50u);
  std::lock_guard<std::mutex> lock(h.state->mu);
  EXPECT_EQ(h.state->violations, 0u);
}

TEST(DeliveryTest, ErrorsAndLostAcknowledgementsAreRetried) {
  SinkHarness::Config config;
  config.writer.max_batch_items = 5;  // many calls, so that every fault shows up
  config.writer.retry_backoff_ms = 1;
  config.writer.retry_times = 10;  // stay on the fast first schedule
  config.fake.max_delay = std::chrono::microseconds(300);
  SinkHarness h(config);
  std::mt19937_64 rng(6);
  h.state->script = [&rng](const std::vector<FakeRequest>&, uint64_t) {
    switch (rng() % 8) {
      case 0:
        return Fate::Error(aws::DynamoDbErrorKind::kInternalServerError, "InternalServerError",
                           500);
      case 1: {
        // Written, but the connection dropped before the answer.
        Fate f = Fate::Error(aws::DynamoDbErrorKind::kNetwork, "", 0, "connection reset");
        f.apply_before_error = true;
        return f;
      }
      case 2:
        return Fate::Error(aws::DynamoDbErrorKind::kThrottling, "ThrottlingException", 400);
      case 3:
        return Fate::Error(aws::DynamoDbErrorKind::kProvisionedThroughputExceeded,
                           "ProvisionedThroughputExceededException", 400);
      default:
        return Fate::Ok();
    }
  };
  TableModel model = RandomStream(h, 5000, 200, 10);
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), model.table());
  auto& m = h.sink->metrics();
  EXPECT_GT(m.throttles->value(), 10u);
  EXPECT_GT(m.retries->value(), 30u);
  EXPECT_GT(m.call_errors("InternalServerError").value(), 5u);
  EXPECT_GT(m.call_errors("Network").value(), 5u);
  std::lock_guard<std::mutex> lock(h.state->mu);
  EXPECT_EQ(h.state->violations, 0u);
}

TEST(DeliveryTest, ThrottlingHalvesConcurrencyAndSuccessRegrowsIt) {
  SinkHarness::Config config;
  config.writer.max_in_flight = 64;
  config.writer.max_batch_items = 1;
  config.writer.retry_backoff_ms = 1;
  SinkHarness h(config);
  std::atomic<bool> throttle{true};
  h.state->script = [&](const std::vector<FakeRequest>&, uint64_t) {
    return throttle ? Fate::Error(aws::DynamoDbErrorKind::kThrottling, "ThrottlingException", 400)
                    : Fate::Ok();
  };
  for (int k = 0; k < 200; ++k)
    h.Upsert(k, "x");
  h.Write();
  // Throttled calls keep coming back: the limit falls to 1.
  for (int i = 0; i < 5000 && h.sink->GetStatus().concurrency_limit > 1; ++i) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  EXPECT_EQ(h.sink->GetStatus().concurrency_limit, 1);
  throttle = false;
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  for (int k = 200; k < 3000; ++k)
    h.Upsert(k, "x");
  h.Write();
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_GT(h.sink->GetStatus().concurrency_limit, 10);  // additive increase over 3000 successes
  EXPECT_GT(h.sink->metrics().throttles->value(), 5u);
}

TEST(DeliveryTest, PastTheFirstScheduleTheSinkReportsRetryingThenRecovers) {
  SinkHarness::Config config;
  config.writer.retry_times = 1;
  config.writer.retry_backoff_ms = 1;
  SinkHarness h(config);
  std::atomic<int> failures_left{3};
  h.state->script = [&](const std::vector<FakeRequest>&, uint64_t) {
    if (failures_left-- > 0) {
      return Fate::Error(aws::DynamoDbErrorKind::kServiceUnavailable, "ServiceUnavailable", 503,
                         "the service is unavailable");
    }
    return Fate::Ok();
  };
  h.Upsert(1, "x");
  h.Write();
  bool saw_retrying = false;
  for (int i = 0; i < 5000 && !saw_retrying; ++i) {
    auto s = h.sink->GetStatus();
    if (s.state == SinkState::kRetrying) {
      saw_retrying = true;
      EXPECT_THAT(s.last_error, HasSubstr("ServiceUnavailable"));
      // A flush that cannot finish in time names the sink and the last error.
      Status f = h.sink->Flush(In(milliseconds(10)));
      if (!f.ok()) {
        EXPECT_EQ(f.code(), StatusCode::kTimeout);
        EXPECT_THAT(f.message(), HasSubstr("sink s1 has not caught up"));
      }
    }
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_TRUE(saw_retrying);
  // Slow retries start at 2 s: the change arrives after that, and the state clears.
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.sink->GetStatus().state, SinkState::kRunning);
  EXPECT_EQ(h.TableSeqs().size(), 1u);
}

TEST(DeliveryTest, AnEndpointThatIsDownGetsOneProbeAtATime) {
  SinkHarness::Config config;
  config.writer.max_in_flight = 64;
  config.writer.max_batch_items = 1;  // 500 batches, each of which could retry on its own
  config.writer.retry_backoff_ms = 20;
  config.writer.retry_times = 3;
  SinkHarness h(config);
  std::atomic<bool> down{true};
  h.state->script = [&](const std::vector<FakeRequest>&, uint64_t) {
    return down ? Fate::Error(aws::DynamoDbErrorKind::kNetwork, "", 0, "connection refused")
                : Fate::Ok();
  };
  for (int k = 0; k < 500; ++k)
    h.Upsert(k, "x");
  h.Write();
  // Probes back off 20, 40, 80 ms, then the slow schedule (2 s and more): after the calls that
  // were in flight when the first failure came back, about 4 probes in a second, not 500 calls
  // each retrying on its own schedule.
  std::this_thread::sleep_for(milliseconds(1000));
  uint64_t calls_down;
  int max_in_flight;
  {
    std::lock_guard<std::mutex> lock(h.state->mu);
    calls_down = h.state->calls;
    max_in_flight = h.state->max_in_flight_calls;
  }
  EXPECT_LE(calls_down, 64u + 10u);
  EXPECT_GT(max_in_flight, 1) << "before the first failure, calls run in parallel";
  auto status = h.sink->GetStatus();
  EXPECT_EQ(status.state, SinkState::kRetrying);  // past the first schedule
  EXPECT_THAT(status.last_error, HasSubstr("connection refused"));
  // Back up: the next probe succeeds, the gate opens and everything arrives.
  down = false;
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs().size(), 500u);
  EXPECT_EQ(h.sink->GetStatus().state, SinkState::kRunning);
}

TEST(DeliveryTest, CredentialErrorsAreRetriedWithAClearMessage) {
  SinkHarness::Config config;
  config.writer.retry_times = 0;
  config.writer.retry_backoff_ms = 1;
  SinkHarness h(config);
  std::atomic<int> failures_left{1};
  h.state->script = [&](const std::vector<FakeRequest>&, uint64_t) {
    if (failures_left-- > 0) {
      return Fate::Error(aws::DynamoDbErrorKind::kExpiredToken, "ExpiredTokenException", 400,
                         "The security token included in the request is expired");
    }
    return Fate::Ok();
  };
  h.Upsert(1, "x");
  h.Write();
  for (int i = 0; i < 2000 && h.sink->GetStatus().state != SinkState::kRetrying; ++i) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  auto s = h.sink->GetStatus();
  EXPECT_EQ(s.state, SinkState::kRetrying);
  EXPECT_THAT(s.last_error, HasSubstr("ExpiredTokenException"));
  EXPECT_THAT(s.last_error, HasSubstr("check the sink's credentials"));
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.TableSeqs().size(), 1u);
}

TEST(DeliveryTest, AppendOnlySinksDropDeletes) {
  SinkHarness::Config config;
  config.type = SinkType::kForceAppendOnly;
  SinkHarness h(config);
  h.Upsert(1, "a");
  h.Delete(1);
  h.Upsert(2, "b");
  uint64_t last = h.Delete(2);
  h.Write();
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.sink->AckedThrough(), last);
  EXPECT_EQ(h.TableSeqs(), (std::map<std::string, std::string>{{"1", "1"}, {"2", "3"}}));
}

TEST(DeliveryTest, ResumesAfterTheCursor) {
  SinkHarness::Config config;
  config.resume_after = 1000;
  SinkHarness h(config);
  EXPECT_EQ(h.sink->AckedThrough(), 1000u);
  uint64_t seq = h.Upsert(1, "x");
  EXPECT_EQ(seq, 1001u);
  h.Write();
  ASSERT_TRUE(h.sink->Flush(Soon()).ok());
  EXPECT_EQ(h.sink->AckedThrough(), 1001u);
  // A change at or before the cursor, or out of order, is a caller bug.
  types::Row row{Value::Int32(1), Value::Int64(1), Value::Varchar("x")};
  SinkChange old{1000, ChangeOp::kUpsert, &row};
  auto r = h.sink->Write(std::span<const SinkChange>(&old, 1), Soon());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(DeliveryTest, ChangesMaySharASeq) {
  SinkHarness h;
  types::Row a{Value::Int32(1), Value::Int64(7), Value::Varchar("a")};
  types::Row b{Value::Int32(2), Value::Int64(7), Value::Varchar("b")};
  std::vector<SinkChange> changes{{7, ChangeOp::kDelete, &a}, {7, ChangeOp::kUpsert, &b}};
  ASSERT_TRUE(h.sink->Write(changes, Soon()).ok());
  ASSERT_TRUE(h.sink->WaitAcked(7, Soon()).ok());
  EXPECT_EQ(h.TableSeqs(), (std::map<std::string, std::string>{{"2", "7"}}));
}

}  // namespace
}  // namespace dynasink::connector::dynamodb::testing
