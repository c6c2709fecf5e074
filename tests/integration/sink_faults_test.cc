// The fault-injecting proxy (support/fault_proxy.h) between the sink and DynamoDB Local:
// UnprocessedItems, throttling errors (all three kinds), 500s, connections dropped before and
// after the write, and delays, on about a quarter of the calls. 100k changes (10k under the
// sanitizers) through SQL must leave DynamoDB equal to the table, and the sink's Prometheus
// counters, scraped over HTTP from `dynasink serve --metrics`, must show the retries, throttles and
// unprocessed items the proxy injected.
#include <fmt/format.h>

#include <random>

#include "sink_test_util.h"
#include "support/fault_proxy.h"

namespace dynasink::test {
namespace {

constexpr int64_t kChanges = ScaledForSanitizer(100000);
constexpr int kKeys = static_cast<int>(ScaledForSanitizer(20000));

class SinkFaultsTest : public SinkE2eTest {};

TEST_F(SinkFaultsTest, FaultsEndEqualAndCountersShowTheRetries) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "Faults", {{"k", KeyType::kN}}).ok());
  FaultOptions faults;
  faults.unprocessed = 0.06;
  faults.throttle = 0.05;
  faults.server_error = 0.04;
  faults.drop_before = 0.02;
  faults.drop_after = 0.02;
  faults.delay = 0.03;
  faults.max_delay = milliseconds(30);
  FaultProxy proxy(endpoint(), faults);
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE faults (k int PRIMARY KEY, v varchar, n bigint);"
                    "CREATE SINK faults_sink FROM faults " +
                        SinkWith(proxy.url(), "Faults", "k",
                                 {{"dynamodb.batch_write_retry_times", "8"},
                                  {"dynamodb.batch_write_retry_backoff_ms", "10"},
                                  {"dynamodb.max_future_send_nums", "32"}})));
  // The stream: a COPY of every key, then statements of inserts, updates and deletes.
  std::string data;
  for (int k = 0; k < kKeys; ++k)
    data += fmt::format("{}\tcopied {}\t{}\n", k, k, k);
  auto copied = sql().CopyIn("COPY faults FROM STDIN", data);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  int64_t changes = copied->affected_rows;
  std::mt19937_64 rng(11);
  for (int s = 0; changes < kChanges; ++s) {
    int from = static_cast<int>(rng() % kKeys);
    std::string stmt;
    switch (s % 3) {
      case 0:
        stmt = "INSERT INTO faults VALUES ";
        for (int i = 0; i < 500; ++i) {
          int k = (from + i * 3) % kKeys;
          stmt += fmt::format("{}({}, 's{}', {})", i ? "," : "", k, s, i);
        }
        break;
      case 1:
        stmt = fmt::format("UPDATE faults SET v = 'u{}', n = n * 2 WHERE k >= {} AND k < {}", s,
                           from, from + 500);
        break;
      default:
        stmt = fmt::format("DELETE FROM faults WHERE k >= {} AND k < {}", from, from + 100);
        break;
    }
    auto r = sql().Exec(stmt);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    changes += r->affected_rows;
  }
  ASSERT_TRUE(SqlOk(sql(), "SET statement_timeout = '240s'; FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "Faults", "SELECT k, v, n FROM faults",
                                 {AttrKind::kN, AttrKind::kS, AttrKind::kN}, {"k"}));

  // Every kind of fault happened...
  FaultCounts c = proxy.counts();
  std::printf(
      "%lld changes; %llu calls through the proxy, %llu faults injected: %llu unprocessed "
      "calls (%llu items), %llu throttles, %llu 500s, %llu drops before, %llu drops "
      "after, %llu delays\n",
      static_cast<long long>(changes), static_cast<unsigned long long>(c.requests),
      static_cast<unsigned long long>(c.injected()),
      static_cast<unsigned long long>(c.unprocessed_calls),
      static_cast<unsigned long long>(c.unprocessed_items),
      static_cast<unsigned long long>(c.throttles),
      static_cast<unsigned long long>(c.server_errors),
      static_cast<unsigned long long>(c.drops_before),
      static_cast<unsigned long long>(c.drops_after), static_cast<unsigned long long>(c.delays));
  EXPECT_GT(c.unprocessed_calls, 0u);
  EXPECT_GT(c.throttles, 0u);
  EXPECT_GT(c.server_errors, 0u);
  EXPECT_GT(c.drops_before, 0u);
  EXPECT_GT(c.drops_after, 0u);
  // ... and the counters, scraped over HTTP, show what the sink went through.
  auto page = FetchMetricsPage(bed_->server().metrics_port());
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  metrics::Labels sink = {{"sink", "faults_sink"}};
  auto value = [&](std::string_view name, metrics::Labels labels = {}) {
    labels.insert(labels.begin(), sink.begin(), sink.end());
    return MetricValue(*page, name, labels);
  };
  // Each injected throttle, unprocessed item and 500 reached the sink once.
  EXPECT_EQ(value("dynasink_sink_throttles_total"), static_cast<double>(c.throttles));
  EXPECT_EQ(value("dynasink_sink_unprocessed_items_total"),
            static_cast<double>(c.unprocessed_items));
  EXPECT_GE(value("dynasink_sink_call_errors_total", {{"error", "InternalServerError"}}),
            static_cast<double>(c.server_errors));
  // Dropped connections are retried inside the DynamoDB client (and libcurl) and may never
  // reach the sink's error counters; the other faults all cost the sink a retry.
  EXPECT_GE(value("dynasink_sink_retries_total"),
            static_cast<double>(c.unprocessed_calls + c.throttles + c.server_errors));
  EXPECT_GT(value("dynasink_sink_batches_total"), 0);
  EXPECT_GT(value("dynasink_sink_items_written_total", {{"op", "put"}}), 0);
  EXPECT_GT(value("dynasink_sink_items_written_total", {{"op", "delete"}}), 0);
  EXPECT_GT(value("dynasink_sink_call_duration_seconds_count"), 0);
  EXPECT_EQ(value("dynasink_sink_lag_changes"), 0);
  EXPECT_EQ(value("dynasink_sink_rejected_changes_total"), 0);
  EXPECT_EQ(value("dynasink_sink_state", {{"state", "running"}}), 1);
  EXPECT_EQ(value("dynasink_sink_state", {{"state", "retrying"}}), 0);
  auto status = ReadSinkStatus(sql(), "faults_sink");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(value("dynasink_sink_acked_seq"), static_cast<double>(status->acked_seq));
  EXPECT_EQ(status->error_rows, 0) << status->ToString();
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK faults_sink; DROP TABLE faults"));
}

}  // namespace
}  // namespace dynasink::test
