// Durability across crashes: several clients stream INSERTs, each remembering which statements
// were acknowledged; the server is killed with SIGKILL in the middle, restarted on the same data
// directory, and must hold every acknowledged row and nothing else. The statement that was in
// flight on each connection at the kill may be there or not, but entirely or not at all. Three
// rounds, killed at different points, on one data directory; and a clean SIGTERM restart.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "support/dynasink_server.h"
#include "support/pg_client.h"

namespace dynasink::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kWriters = 4;

// Statement `seq` of a writer inserts this many rows: mostly a few, every 7th a large batch, so
// that a kill often lands in the middle of a big statement.
int RowsOf(int seq) {
  return seq % 7 == 6 ? 200 : 1 + seq % 4;
}

std::string Payload(int round, int client, int seq, int row) {
  return "r" + std::to_string(round) + "c" + std::to_string(client) + "s" + std::to_string(seq) +
         "j" + std::to_string(row);
}

std::string InsertSql(int round, int client, int seq) {
  std::string sql = "INSERT INTO crash (round, client, seq, part, payload) VALUES ";
  for (int j = 0; j < RowsOf(seq); ++j) {
    if (j) sql += ", ";
    sql += "(" + std::to_string(round) + ", " + std::to_string(client) + ", " +
           std::to_string(seq) + ", " + std::to_string(j) + ", '" + Payload(round, client, seq, j) +
           "')";
  }
  return sql;
}

// What one client knows about its statements in one round.
struct WriterLog {
  std::vector<int> acked;        // acknowledged statement numbers, in order
  std::optional<int> in_flight;  // sent, outcome unknown (the kill came first)
  std::string failure;           // an error other than the lost connection
};

using Key = std::tuple<int, int, int, int>;  // round, client, seq, part

class CrashRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = DynasinkServer::Start();
    if (!started.ok()) {
      if (started.status().message().find("binary was not found") != std::string::npos) {
        GTEST_SKIP() << started.status().message();
      }
      FAIL() << "cannot start dynasink: " << started.status().message();
    }
    server_ = std::move(*started);
  }

  PgConnection Connect() {
    auto c = PgConnection::Connect(server_->ConnInfo());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }

  // Runs kWriters clients until `kill_after` statements were acknowledged in total, then kills
  // the server. Returns each writer's log.
  std::vector<WriterLog> StreamAndKill(int round, int kill_after) {
    std::vector<WriterLog> logs(kWriters);
    std::atomic<int> acked_total{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int c = 0; c < kWriters; ++c) {
      writers.emplace_back([&, c] {
        WriterLog& log = logs[c];
        auto conn = PgConnection::Connect(server_->ConnInfo());
        if (!conn.ok()) {
          log.failure = "connect: " + conn.status().ToString();
          return;
        }
        conn->set_statement_timeout(30s);
        for (int seq = 0; !stop.load(); ++seq) {
          log.in_flight = seq;
          Status s = conn->Execute(InsertSql(round, c, seq));
          if (!s.ok()) {
            // After the kill, the connection breaks (08006); anything else is a bug.
            if (s.sqlstate() != "08006" || !stop.load()) {
              log.failure = "statement " + std::to_string(seq) + ": " + s.ToString();
            }
            return;
          }
          log.in_flight.reset();
          log.acked.push_back(seq);
          ++acked_total;
        }
      });
    }
    const auto deadline = Clock::now() + 60s;
    while (acked_total.load() < kill_after && Clock::now() < deadline) {
      bool all_failed = true;
      for (const auto& l : logs)
        all_failed = all_failed && !l.failure.empty();
      if (all_failed) break;
      std::this_thread::sleep_for(1ms);
    }
    stop = true;
    Status killed = server_->Kill();
    EXPECT_TRUE(killed.ok()) << killed.ToString();
    for (auto& t : writers)
      t.join();
    EXPECT_GE(acked_total.load(), kill_after) << "the writers were too slow or failed";
    return logs;
  }

  // Checks the table against everything the writers of rounds [0, rounds) were told, and
  // settles in-flight statements into `durable` as they turned out.
  void Verify(const std::map<int, std::vector<WriterLog>>& rounds, std::set<Key>* durable) {
    PgConnection conn = Connect();
    auto rows = conn.Exec("SELECT round, client, seq, part, payload FROM crash");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    std::map<Key, std::string> found;
    for (const PgRow& r : rows->rows) {
      Key k{std::stoi(*r[0]), std::stoi(*r[1]), std::stoi(*r[2]), std::stoi(*r[3])};
      ASSERT_TRUE(found.emplace(k, PgValueText(r[4])).second) << "duplicate key";
    }
    std::set<Key> expected;
    for (const auto& [round, logs] : rounds) {
      for (int c = 0; c < kWriters; ++c) {
        const WriterLog& log = logs[c];
        for (int seq : log.acked) {
          for (int j = 0; j < RowsOf(seq); ++j)
            expected.insert({round, c, seq, j});
        }
        if (!log.in_flight) continue;
        const int seq = *log.in_flight;
        int present = 0;
        for (int j = 0; j < RowsOf(seq); ++j)
          present += found.count({round, c, seq, j});
        EXPECT_TRUE(present == 0 || present == RowsOf(seq))
            << "round " << round << " client " << c << ": the statement in flight at the kill ("
            << RowsOf(seq) << " rows) is partly there: " << present << " rows";
        if (present == RowsOf(seq)) {
          for (int j = 0; j < RowsOf(seq); ++j)
            durable->insert({round, c, seq, j});
        }
      }
    }
    for (const Key& k : *durable)
      expected.insert(k);
    size_t missing = 0;
    for (const Key& k : expected) {
      auto it = found.find(k);
      if (it == found.end()) {
        if (++missing <= 5) {
          ADD_FAILURE() << "acknowledged row lost: round " << std::get<0>(k) << " client "
                        << std::get<1>(k) << " seq " << std::get<2>(k) << " row " << std::get<3>(k);
        }
        continue;
      }
      EXPECT_EQ(it->second,
                Payload(std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k)));
    }
    EXPECT_EQ(missing, 0u) << "acknowledged rows lost";
    size_t unexpected = 0;
    for (const auto& [k, payload] : found) {
      if (expected.count(k) == 0 && ++unexpected <= 5) {
        ADD_FAILURE() << "row that no acknowledged or in-flight statement wrote: round "
                      << std::get<0>(k) << " client " << std::get<1>(k) << " seq "
                      << std::get<2>(k);
      }
    }
    EXPECT_EQ(unexpected, 0u);
    EXPECT_EQ(found.size(), expected.size());
  }

  std::unique_ptr<DynasinkServer> server_;
};

TEST_F(CrashRestartTest, KillDuringAcknowledgedInsertsLosesNothing) {
  ASSERT_TRUE(Connect()
                  .Execute("CREATE TABLE crash (round int, client int, seq int, part int, "
                           "payload varchar, PRIMARY KEY (round, client, seq, part))")
                  .ok());
  std::map<int, std::vector<WriterLog>> rounds;
  std::set<Key> durable;  // rows of in-flight statements that turned out to be committed
  std::mt19937 rng(20240601);
  const int kill_points[3] = {20, 120, 400};
  for (int round = 0; round < 3; ++round) {
    const int kill_after = kill_points[round] + static_cast<int>(rng() % 20);
    rounds[round] = StreamAndKill(round, kill_after);
    for (int c = 0; c < kWriters; ++c) {
      EXPECT_EQ(rounds[round][c].failure, "") << "round " << round << " client " << c;
    }
    ASSERT_FALSE(server_->running());
    Status restarted = server_->Restart();
    ASSERT_TRUE(restarted.ok()) << restarted.ToString();
    Verify(rounds, &durable);
    if (HasFatalFailure()) return;
  }
  // The server still works normally after three crashes, and stops cleanly.
  PgConnection conn = Connect();
  EXPECT_TRUE(conn.Execute("INSERT INTO crash VALUES (9, 9, 9, 9, 'after')").ok());
  auto count = conn.QueryValue("SELECT count(*) FROM crash WHERE round = 9");
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, "1");
  Status stopped = server_->Stop();
  EXPECT_TRUE(stopped.ok()) << stopped.ToString();
}

TEST_F(CrashRestartTest, CleanSigtermRestartKeepsTablesAndRows) {
  {
    PgConnection conn = Connect();
    ASSERT_TRUE(conn.Execute("CREATE TABLE kept (id int PRIMARY KEY, v varchar, j jsonb)").ok());
    ASSERT_TRUE(conn.Execute("CREATE TABLE kept_nokey (a int, b varchar)").ok());
    ASSERT_TRUE(conn.Execute("CREATE TABLE dropped (x int)").ok());
    std::string sql = "INSERT INTO kept VALUES ";
    for (int i = 0; i < 1000; ++i) {
      sql += (i ? ", " : "") + ("(" + std::to_string(i) + ", 'v" + std::to_string(i) +
                                "', '{\"i\": " + std::to_string(i) + "}')");
    }
    ASSERT_TRUE(conn.Execute(sql).ok());
    ASSERT_TRUE(conn.Execute("UPDATE kept SET v = 'updated' WHERE id < 10").ok());
    ASSERT_TRUE(conn.Execute("DELETE FROM kept WHERE id >= 990").ok());
    ASSERT_TRUE(conn.Execute("INSERT INTO kept_nokey VALUES (1, 'x'), (1, 'x')").ok());
    ASSERT_TRUE(conn.Execute("DROP TABLE dropped").ok());
  }
  Status stopped = server_->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();
  Status restarted = server_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();

  PgConnection conn = Connect();
  auto summary = conn.Query("SELECT count(*), min(id), max(id) FROM kept");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(*summary, (std::vector<std::vector<std::string>>{{"990", "0", "989"}}));
  auto updated = conn.QueryValue("SELECT count(*) FROM kept WHERE v = 'updated'");
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(*updated, "10");
  auto row = conn.Query("SELECT v, j FROM kept WHERE id = 500");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(*row, (std::vector<std::vector<std::string>>{{"v500", "{\"i\": 500}"}}));
  auto nokey = conn.QueryValue("SELECT count(*) FROM kept_nokey");
  ASSERT_TRUE(nokey.ok()) << nokey.status().ToString();
  EXPECT_EQ(*nokey, "2");
  Status gone = conn.Execute("SELECT * FROM dropped");
  EXPECT_EQ(gone.sqlstate(), "42P01") << gone.ToString();
  // The catalog is usable: new tables, and names of dropped ones.
  EXPECT_TRUE(conn.Execute("CREATE TABLE dropped (y varchar PRIMARY KEY)").ok());
  EXPECT_TRUE(conn.Execute("INSERT INTO dropped VALUES ('new')").ok());
  Status dup = conn.Execute("CREATE TABLE kept (z int)");
  EXPECT_EQ(dup.sqlstate(), "42P07") << dup.ToString();
  // A table without a primary key keeps generating distinct row ids after the restart.
  EXPECT_TRUE(conn.Execute("INSERT INTO kept_nokey VALUES (1, 'x')").ok());
  auto distinct = conn.QueryValue("SELECT count(*) FROM kept_nokey");
  ASSERT_TRUE(distinct.ok()) << distinct.status().ToString();
  EXPECT_EQ(*distinct, "3");
  Status stopped_again = server_->Stop();
  EXPECT_TRUE(stopped_again.ok()) << stopped_again.ToString();
}

}  // namespace
}  // namespace dynasink::test
