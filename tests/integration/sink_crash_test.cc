// kill -9 of the server in the middle of a 1M-change stream (100k under the sanitizers): inserts
// (most of them overwriting), updates and deletes over a key space, from a client thread, while
// the sink lags behind DynamoDB Local. The server is killed twice mid-stream, restarted each time
// on the same data directory, the stream is finished, and after FLUSH DynamoDB (a full scan
// through the AWS CLI) must equal SELECT * of the table (through libpq): the sink resumed from its
// durable cursor, lost nothing and applied nothing out of order.
#include <fmt/format.h>

#include <atomic>
#include <optional>
#include <random>

#include "sink_test_util.h"

namespace dynasink::test {
namespace {

constexpr int64_t kChanges = ScaledForSanitizer(1000000);
constexpr int kKeys = static_cast<int>(ScaledForSanitizer(20000));

// Writes statements of about 1000 changes until `changes` reaches kChanges or the connection
// breaks (the server was killed). Counts the changes of acknowledged statements only.
class Writer {
 public:
  Writer(std::string conninfo, uint64_t seed) : conninfo_(std::move(conninfo)), rng_(seed) {}

  // Runs until done or the server dies; returns why it stopped.
  Status Run(std::atomic<int64_t>* changes) {
    auto conn = PgConnection::Connect(conninfo_);
    if (!conn.ok()) return conn.status();
    conn->set_statement_timeout(std::chrono::seconds(60));
    while (changes->load() < kChanges) {
      auto r = conn->Exec(NextStatement());
      if (!r.ok()) return r.status();
      *changes += std::max<int64_t>(r->affected_rows, 0);
    }
    return Status::OK();
  }

 private:
  std::string NextStatement() {
    ++statement_;
    int from = static_cast<int>(rng_() % kKeys);
    switch (rng_() % 5) {
      case 0:
      case 1:
      case 2: {
        // 1000 rows at spread-out keys: most overwrite an existing row (an update downstream).
        std::string s = "INSERT INTO crash VALUES ";
        for (int i = 0; i < 1000; ++i) {
          int k = static_cast<int>((from + i * 7) % kKeys);
          s += fmt::format("{}({}, 's{} k{}', {})", i ? "," : "", k, statement_, k,
                           static_cast<int64_t>(rng_() % 1000000));
        }
        return s;
      }
      case 3:
        return fmt::format("UPDATE crash SET v = 'u{}', n = n + 1 WHERE k >= {} AND k < {}",
                           statement_, from, from + 1000);
      default:
        return fmt::format("DELETE FROM crash WHERE k >= {} AND k < {}", from, from + 300);
    }
  }

  std::string conninfo_;
  std::mt19937_64 rng_;
  int64_t statement_ = 0;
};

class SinkCrashTest : public SinkE2eTest {};

TEST_F(SinkCrashTest, KillNineDuringAMillionChangesThenRestart) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "Crash", {{"k", KeyType::kN}}).ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE crash (k int PRIMARY KEY, v varchar, n bigint);"
                    "CREATE SINK crash_sink FROM crash " +
                        SinkWith(endpoint(), "Crash", "k")));
  sql_.reset();

  std::atomic<int64_t> changes{0};
  const int64_t kill_points[] = {kChanges * 3 / 10, kChanges * 6 / 10};
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round <= 2; ++round) {
    // The kill is watched for and done from this thread, which drives the server fixture.
    std::optional<PgConnection> watcher;
    if (round < 2) {
      auto w = bed_->Connect();
      ASSERT_TRUE(w.ok()) << w.status().ToString();
      watcher.emplace(std::move(w).value());
    }
    Writer writer(bed_->server().ConnInfo(), 100 + round);
    Status outcome;
    std::atomic<bool> writer_done{false};
    std::thread thread([&] {
      outcome = writer.Run(&changes);
      writer_done = true;
    });
    bool lagging = false;
    bool killed = false;
    if (round < 2) {
      while (changes.load() < kill_points[round] && !writer_done.load()) {
        auto s = ReadSinkStatus(*watcher, "crash_sink");
        if (s.ok() && s->lag_changes > 0) lagging = true;
        std::this_thread::sleep_for(milliseconds(20));
      }
      killed = bed_->server().Kill().ok();
    }
    thread.join();
    if (round < 2) {
      ASSERT_TRUE(killed);
      // The writer must have been stopped by the kill (a lost connection), not by an error.
      EXPECT_EQ(outcome.sqlstate(), "08006") << outcome.ToString();
      EXPECT_TRUE(lagging) << "the sink never lagged before kill " << round + 1
                           << ": the kill tested nothing";
      std::printf("kill -9 after %lld changes (%s)\n", static_cast<long long>(changes.load()),
                  outcome.ToString().c_str());
      watcher.reset();
      ASSERT_TRUE(bed_->server().Restart().ok());
    } else {
      ASSERT_TRUE(outcome.ok()) << outcome.ToString();
    }
  }

  auto conn = bed_->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  sql_ = std::make_unique<PgConnection>(std::move(conn).value());
  sql().set_statement_timeout(std::chrono::seconds(300));
  ASSERT_TRUE(SqlOk(sql(), "SET statement_timeout = '280s'; FLUSH"));
  double seconds_taken =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%lld changes over %d keys, two kill -9s, delivered in %.1f s\n",
              static_cast<long long>(changes.load()), kKeys, seconds_taken);

  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "Crash", "SELECT k, v, n FROM crash",
                                 {AttrKind::kN, AttrKind::kS, AttrKind::kN}, {"k"}));
  auto status = ReadSinkStatus(sql(), "crash_sink");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->state, "running") << status->ToString();
  EXPECT_EQ(status->lag_changes, 0) << status->ToString();
  EXPECT_EQ(status->error_rows, 0) << status->ToString();
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK crash_sink; DROP TABLE crash"));
}

}  // namespace
}  // namespace dynasink::test
