// DynamoDB Local stopped for 20 seconds in the middle of a stream of changes, then restarted on
// the same port with -dbPath so that it keeps its data. Meanwhile rw_sink_status shows the sink
// "retrying" with its last error, and FLUSH fails after statement_timeout naming the sink; the
// writes to the table go on unhindered. Once DynamoDB is back the sink resumes by itself and
// DynamoDB equals the table.
#include <fmt/format.h>

#include <atomic>
#include <functional>
#include <random>

#include "sink_test_util.h"

namespace dynasink::test {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr int kKeys = 5000;

class SinkOutageTest : public SinkE2eTest {
 protected:
  static void SetUpTestSuite() {
    SinkTestBedOptions options;
    options.persistent_dynamodb = true;
    StartBed(options);
  }
};

// Small statements at a steady pace until `stop`: inserts, updates and deletes over kKeys keys.
void WriteUntil(const std::string& conninfo, const std::atomic<bool>& stop,
                std::atomic<int64_t>* statements, Status* outcome) {
  auto conn = PgConnection::Connect(conninfo);
  if (!conn.ok()) {
    *outcome = conn.status();
    return;
  }
  std::mt19937_64 rng(7);
  while (!stop.load()) {
    int64_t n = statements->load();
    int k = static_cast<int>(rng() % kKeys);
    std::string stmt;
    switch (n % 4) {
      case 0:
      case 1:
        stmt = fmt::format("INSERT INTO outage VALUES ({}, 'i{}', {}), ({}, 'i{}', {})", k, n, n,
                           (k + 1) % kKeys, n, n);
        break;
      case 2:
        stmt = fmt::format("UPDATE outage SET v = 'u{}', n = n + 1 WHERE k >= {} AND k < {}", n, k,
                           k + 20);
        break;
      default:
        stmt = fmt::format("DELETE FROM outage WHERE k = {}", k);
        break;
    }
    Status s = conn->Execute(stmt);
    if (!s.ok()) {
      *outcome = s;
      return;
    }
    ++*statements;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

TEST_F(SinkOutageTest, DynamoDbDownTwentySecondsThenBack) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "Outage", {{"k", KeyType::kN}}).ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE outage (k int PRIMARY KEY, v varchar, n bigint);"
                    "CREATE SINK outage_sink FROM outage " +
                        SinkWith(endpoint(), "Outage", "k")));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> statements{0};
  Status writer_outcome;
  std::thread writer(WriteUntil, bed_->server().ConnInfo(), std::cref(stop), &statements,
                     &writer_outcome);
  auto stop_writer = [&] {
    stop = true;
    if (writer.joinable()) writer.join();
  };
  // Whatever assertion ends the test, the writer thread is stopped and joined first.
  struct Joiner {
    std::function<void()> stop;
    ~Joiner() { stop(); }
  } joiner{stop_writer};

  // A few seconds of normal delivery.
  auto running = WaitForSinkStatus(
      sql(), "outage_sink", [](const SinkStatusRow& s) { return s.changes_acked > 100; },
      seconds(30), "100 changes acknowledged");
  std::this_thread::sleep_for(seconds(2));
  ASSERT_TRUE(running.ok()) << running.status().ToString();
  EXPECT_EQ(running->state, "running") << running->ToString();

  // DynamoDB goes away for 20 seconds.
  Status stopped = bed_->dynamodb().Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();
  auto down_since = Clock::now();
  int64_t statements_at_stop = statements.load();
  std::optional<SinkStatusRow> retrying;
  std::optional<SinkStatusRow> last;
  Status flush_while_down;
  while (Clock::now() - down_since < seconds(20)) {
    auto s = ReadSinkStatus(sql(), "outage_sink");
    if (s.ok()) {
      last = *s;
      if (s->state == "retrying" && !retrying) retrying = *s;
    }
    if (retrying && flush_while_down.ok() && Clock::now() - down_since > seconds(8)) {
      // FLUSH cannot succeed while DynamoDB is down: it fails after statement_timeout, naming
      // the sink (and its last error), and the session goes on.
      auto flushed = sql().ExecAll("SET statement_timeout = '2s'; FLUSH");
      flush_while_down = flushed.ok() ? Status::Internal("FLUSH succeeded while DynamoDB was down")
                                      : flushed.status();
      EXPECT_TRUE(SqlOk(sql(), "SET statement_timeout = 0"));
    }
    std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_GT(statements.load(), statements_at_stop + 100) << "the writes to the table stalled";
  ASSERT_TRUE(retrying.has_value())
      << "the sink never showed \"retrying\"; last: " << (last ? last->ToString() : "none");
  ASSERT_TRUE(retrying->last_error.has_value()) << retrying->ToString();
  EXPECT_THAT(*retrying->last_error, HasSubstr("BatchWriteItem")) << retrying->ToString();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->state, "retrying") << last->ToString();
  EXPECT_GT(last->lag_changes, 0) << last->ToString();
  EXPECT_GT(last->lag_seconds, 5.0) << last->ToString();
  EXPECT_FALSE(flush_while_down.ok());
  EXPECT_THAT(flush_while_down.message(), HasSubstr("outage_sink")) << flush_while_down.ToString();
  EXPECT_EQ(flush_while_down.message().find(kTestSecretAccessKey), std::string::npos);

  // Back, with its data, on the same port.
  Status restarted = bed_->dynamodb().Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  std::this_thread::sleep_for(seconds(3));
  stop_writer();
  ASSERT_TRUE(writer_outcome.ok()) << writer_outcome.ToString();
  std::printf("%lld statements; DynamoDB down for 20 s from statement %lld\n",
              static_cast<long long>(statements.load()),
              static_cast<long long>(statements_at_stop));

  // The sink resumes by itself (its slow retries, up to 30 s apart): FLUSH waits for it.
  ASSERT_TRUE(SqlOk(sql(), "SET statement_timeout = '90s'; FLUSH"));
  auto after = ReadSinkStatus(sql(), "outage_sink");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->state, "running") << after->ToString();
  EXPECT_EQ(after->lag_changes, 0) << after->ToString();
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "Outage", "SELECT k, v, n FROM outage",
                                 {AttrKind::kN, AttrKind::kS, AttrKind::kN}, {"k"}));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK outage_sink; DROP TABLE outage"));
}

}  // namespace
}  // namespace dynasink::test
