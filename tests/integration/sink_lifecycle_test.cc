// Sinks over their lifetime: several sinks on one table, each to its own DynamoDB table and with
// its own options (one sends a single request per call, one call at a time); a clean restart
// keeps them all running; DROP SINK of one leaves the others alone; DROP SINK while a sink is
// busy with a backlog returns promptly, stops its calls, removes its status row and metrics, and
// the name can be used again.
#include <fmt/format.h>

#include <random>

#include "sink_test_util.h"
#include "support/fault_proxy.h"

namespace dynasink::test {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

// A mix of inserts (some overwriting), updates and deletes over keys [0, keys), in statements
// of up to 100 changes.
void RandomChanges(PgConnection& sql, const std::string& table, int statements, int keys,
                   uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int s = 0; s < statements; ++s) {
    int from = static_cast<int>(rng() % keys);
    int to = std::min(keys, from + 1 + static_cast<int>(rng() % 100));
    std::string stmt;
    switch (rng() % 4) {
      case 0:
      case 1: {
        stmt = "INSERT INTO " + table + " VALUES ";
        for (int k = from; k < to; ++k) {
          stmt += fmt::format("{}({}, 'v{}-{}', {})", k == from ? "" : ", ", k, s, k,
                              static_cast<int64_t>(rng() % 1000000));
        }
        break;
      }
      case 2:
        stmt = fmt::format("UPDATE {} SET v = 'u{}', n = n + 1 WHERE k >= {} AND k < {}", table, s,
                           from, to);
        break;
      default:
        stmt = fmt::format("DELETE FROM {} WHERE k >= {} AND k < {}", table, from,
                           std::min(to, from + 20));
        break;
    }
    ASSERT_TRUE(SqlOk(sql, stmt));
  }
}

const std::vector<AttrKind> kKvn = {AttrKind::kN, AttrKind::kS, AttrKind::kN};

class SinkLifecycleTest : public SinkE2eTest {};

TEST_F(SinkLifecycleTest, SeveralSinksOnOneTableThroughRestartAndDrop) {
  for (const char* t : {"MultiAll", "MultiEven", "MultiSmall"}) {
    ASSERT_TRUE(CreateDynamoTable(endpoint(), t, {{"k", KeyType::kN}}).ok());
  }
  RecordingProxy small_proxy(endpoint());
  ASSERT_TRUE(SqlOk(sql(), "CREATE TABLE multi (k int PRIMARY KEY, v varchar, n bigint)"));
  RandomChanges(sql(), "multi", 20, 1000, 1);  // existing rows: backfilled by each sink
  ASSERT_TRUE(SqlOk(sql(), "CREATE SINK multi_all FROM multi " +
                               SinkWith(endpoint(), "MultiAll", "k") +
                               ";"
                               "CREATE SINK multi_even AS SELECT k, v FROM multi WHERE k % 2 = 0 " +
                               SinkWith(endpoint(), "MultiEven", "k") +
                               ";"
                               "CREATE SINK multi_small FROM multi " +
                               SinkWith(small_proxy.url(), "MultiSmall", "k",
                                        {{"dynamodb.max_batch_item_nums", "1"},
                                         {"dynamodb.max_future_send_nums", "1"}})));
  auto shown = sql().Query("SHOW SINKS");
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ(shown->size(), 3u);

  RandomChanges(sql(), "multi", 60, 1000, 2);
  ASSERT_TRUE(SqlOk(sql(), "FLUSH"));
  const std::string all = "SELECT k, v, n FROM multi";
  const std::string even = "SELECT k, v FROM multi WHERE k % 2 = 0";
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "MultiAll", all, kKvn, {"k"}));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "MultiEven", even, {AttrKind::kN, AttrKind::kS},
                                 {"k"}));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "MultiSmall", all, kKvn, {"k"}));
  // max_batch_item_nums = 1 and max_future_send_nums = 1: one request per call, one call at a
  // time.
  std::vector<RecordedBatch> batches = small_proxy.batches();
  ASSERT_FALSE(batches.empty());
  for (size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ(batches[i].writes.size(), 1u) << "call " << i;
    if (i > 0) {
      EXPECT_GE(batches[i].received, batches[i - 1].answered) << "call " << i;
    }
  }

  // A clean restart (SIGTERM, exit code 0): the three sinks come back and go on.
  sql_.reset();
  ASSERT_TRUE(bed_->server().Restart().ok());
  auto conn = bed_->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  sql_ = std::make_unique<PgConnection>(std::move(conn).value());
  RandomChanges(sql(), "multi", 30, 1000, 3);
  ASSERT_TRUE(SqlOk(sql(), "FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "MultiAll", all, kKvn, {"k"}));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "MultiEven", even, {AttrKind::kN, AttrKind::kS},
                                 {"k"}));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "MultiSmall", all, kKvn, {"k"}));

  // Dropping one leaves the others running; its DynamoDB table keeps what it had.
  auto even_before = ScanWithCli(endpoint(), "MultiEven", {"k"});
  ASSERT_TRUE(even_before.ok()) << even_before.status().ToString();
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK multi_even"));
  RandomChanges(sql(), "multi", 30, 1000, 4);
  ASSERT_TRUE(SqlOk(sql(), "FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "MultiAll", all, kKvn, {"k"}));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "MultiSmall", all, kKvn, {"k"}));
  auto even_after = ScanWithCli(endpoint(), "MultiEven", {"k"});
  ASSERT_TRUE(even_after.ok()) << even_after.status().ToString();
  EXPECT_EQ(DiffItems(*even_before, *even_after), "");
  auto names = sql().Query("SELECT name FROM rw_catalog.rw_sinks ORDER BY name");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(*names, (std::vector<std::vector<std::string>>{{"multi_all"}, {"multi_small"}}));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK multi_all; DROP SINK multi_small; DROP TABLE multi"));
}

TEST_F(SinkLifecycleTest, DropSinkWhileRunningStopsPromptly) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "DropMe", {{"k", KeyType::kN}}).ok());
  // Every call is delayed up to 300 ms, so a backlog takes long to drain.
  FaultOptions slow;
  slow.delay = 1.0;
  slow.max_delay = milliseconds(300);
  FaultProxy proxy(endpoint(), slow);
  const int rows = static_cast<int>(ScaledForSanitizer(20000, 4));
  ASSERT_TRUE(SqlOk(sql(), "CREATE TABLE dropme (k int PRIMARY KEY, v varchar, n bigint)"));
  ASSERT_TRUE(SqlOk(
      sql(), "CREATE SINK dropme_sink FROM dropme " +
                 SinkWith(proxy.url(), "DropMe", "k", {{"dynamodb.max_future_send_nums", "4"}})));
  std::string data;
  for (int k = 0; k < rows; ++k)
    data += fmt::format("{}\tvalue {}\t{}\n", k, k, k);
  auto copied = sql().CopyIn("COPY dropme FROM STDIN", data);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  auto busy = WaitForSinkStatus(
      sql(), "dropme_sink", [](const SinkStatusRow& s) { return s.changes_acked > 0; }, seconds(30),
      "some changes acknowledged");
  ASSERT_TRUE(busy.ok()) << busy.status().ToString();
  EXPECT_GT(busy->lag_changes, 0) << busy->ToString();

  auto start = Clock::now();
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK dropme_sink"));
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_LT(took, 5.0) << "DROP SINK of a running sink took " << took << " s";
  EXPECT_EQ(ReadSinkStatus(sql(), "dropme_sink").status().code(), StatusCode::kNotFound);
  auto shown = sql().Query("SHOW SINKS");
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  for (const auto& row : *shown)
    EXPECT_NE(row[0], "dropme_sink");
  // No new calls once the calls in flight are over (at most the delay plus a margin).
  std::this_thread::sleep_for(milliseconds(1000));
  uint64_t requests = proxy.counts().requests;
  std::this_thread::sleep_for(milliseconds(2000));
  EXPECT_EQ(proxy.counts().requests, requests) << "the dropped sink still sends";
  auto page = FetchMetricsPage(bed_->server().metrics_port());
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_THAT(*page, ::testing::Not(HasSubstr("sink=\"dropme_sink\"")));
  // The table is untouched and writable.
  ASSERT_TRUE(SqlOk(sql(), "UPDATE dropme SET v = 'after drop' WHERE k < 10"));
  auto count = sql().QueryValue("SELECT count(*) FROM dropme");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, std::to_string(rows));

  // The name is free again; the new sink backfills everything, straight to DynamoDB Local.
  ASSERT_TRUE(SqlOk(sql(), "CREATE SINK dropme_sink FROM dropme " +
                               SinkWith(endpoint(), "DropMe", "k") + "; FLUSH"));
  EXPECT_TRUE(
      DynamoMatchesQuery(sql(), endpoint(), "DropMe", "SELECT k, v, n FROM dropme", kKvn, {"k"}));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK dropme_sink; DROP TABLE dropme"));
}

}  // namespace
}  // namespace dynasink::test
