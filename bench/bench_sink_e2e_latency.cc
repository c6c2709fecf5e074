// bench_sink_e2e_latency: latency from commit to DynamoDB's acknowledgement at a steady rate
// of single-row INSERTs (1k changes/s by default).
//
//   bench_sink_e2e_latency --endpoint URL [--rate 1000] [--seconds 30] [--clients 8]
//                          [--table bench]
//
// Method. A recording proxy (support/sink_e2e.h) runs in this process in front of --endpoint
// (the nginx null endpoint or DynamoDB Local) and the sink writes through it; it notes, for
// every item, when DynamoDB's successful answer to the BatchWriteItem carrying it came back.
// --clients connections insert row i (pk "lat#<i>") at the scheduled time start + i / rate (each
// client takes every clients-th row, since one session's commit, a WAL sync, takes a few ms),
// and note when the INSERT was sent and when it returned. The commit happens between the two:
// latency "from commit" is ack - return (it understates the true figure by at most the return
// trip on loopback); "from send" is ack - send (it overstates it by the commit's own time). Both
// clocks are this process's steady clock. Prints percentiles of both and the achieved rate.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_sink_e2e_common.h"
#include "support/dynasink_server.h"
#include "support/pg_client.h"
#include "support/sink_e2e.h"

namespace dynasink::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string endpoint;
  std::string table = "bench";
  double rate = 1000;
  double seconds = 30;
  int clients = 8;
};

Args Parse(int argc, char** argv) {
  Args a;
  ParseOptions(argc, argv,
               {{"--endpoint", [&](const std::string& v) { a.endpoint = v; }},
                {"--rate", [&](const std::string& v) { a.rate = std::stod(v); }},
                {"--seconds", [&](const std::string& v) { a.seconds = std::stod(v); }},
                {"--clients", [&](const std::string& v) { a.clients = std::stoi(v); }},
                {"--table", [&](const std::string& v) { a.table = v; }}},
               "usage: bench_sink_e2e_latency --endpoint URL [--rate N] [--seconds N] "
               "[--clients N] [--table T]");
  if (a.endpoint.empty()) Die("bench_sink_e2e_latency: --endpoint is required");
  if (a.rate <= 0 || a.seconds <= 0 || a.clients <= 0) Die("bench_sink_e2e_latency: bad value");
  return a;
}

int64_t Nanos(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int Run(const Args& args) {
  const int64_t rows = static_cast<int64_t>(args.rate * args.seconds);
  std::vector<std::atomic<int64_t>> acked(rows);  // ns of the acknowledgement, 0 until then
  std::vector<int64_t> sent(rows), returned(rows);
  test::RecordingProxy proxy(args.endpoint);
  proxy.set_keep_batches(false);
  std::atomic<int64_t> unprocessed{0}, failed_calls{0};
  proxy.set_observer([&](const test::RecordedBatch& batch) {
    if (batch.status != 200) {
      ++failed_calls;
      return;
    }
    // An item left unprocessed is acknowledged by a later call, and this one would be taken
    // for it: such calls are counted (none are expected from these endpoints).
    if (batch.unprocessed > 0) ++unprocessed;
    int64_t now = Nanos(batch.answered);
    for (const test::RecordedWrite& w : batch.writes) {
      const aws::AttributeValue* pk = w.item.Find("pk");
      if (w.is_delete || pk == nullptr || !pk->is_s() || !pk->scalar().starts_with("lat#")) {
        continue;
      }
      int64_t i = std::stoll(pk->scalar().substr(4));
      int64_t zero = 0;
      if (i >= 0 && i < rows) acked[i].compare_exchange_strong(zero, now);
    }
  });

  auto server = test::DynasinkServer::Start();
  if (!server.ok()) Die("bench_sink_e2e_latency: " + server.status().ToString());
  auto conn = test::PgConnection::Connect((*server)->ConnInfo());
  if (!conn.ok()) Die("bench_sink_e2e_latency: " + conn.status().ToString());
  auto must = [&](test::PgConnection& c, const std::string& sql) {
    Status s = c.Execute(sql);
    if (!s.ok()) Die("bench_sink_e2e_latency: " + sql.substr(0, 80) + ": " + s.ToString());
  };
  must(*conn, kBenchTableSql);
  must(*conn, CreateBenchSinkSql("lat_sink", "bench_rows", proxy.url(), args.table));

  std::vector<test::PgConnection> clients;
  for (int c = 0; c < args.clients; ++c) {
    auto cc = test::PgConnection::Connect((*server)->ConnInfo());
    if (!cc.ok()) Die("bench_sink_e2e_latency: " + cc.status().ToString());
    clients.push_back(std::move(cc).value());
  }
  // Warm-up: one row through the whole path before the clock starts.
  must(*conn, "INSERT INTO bench_rows VALUES " + BenchRowValues(-1, "warmup") + "; FLUSH");

  auto start = Clock::now() + std::chrono::milliseconds(100);
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < args.clients; ++c) {
    threads.emplace_back([&, c] {
      for (int64_t i = c; i < rows && !failed; i += args.clients) {
        std::this_thread::sleep_until(
            start + std::chrono::nanoseconds(static_cast<int64_t>(i * 1e9 / args.rate)));
        std::string sql =
            "INSERT INTO bench_rows VALUES " + BenchRowValues(i, "lat#" + std::to_string(i));
        sent[i] = Nanos(Clock::now());
        Status s = clients[c].Execute(sql);
        returned[i] = Nanos(Clock::now());
        if (!s.ok()) {
          std::fprintf(stderr, "bench_sink_e2e_latency: INSERT: %s\n", s.ToString().c_str());
          failed = true;
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  if (failed) Die("bench_sink_e2e_latency: an INSERT failed");
  double insert_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  must(*conn, "SET statement_timeout = '300s'; FLUSH");

  std::vector<double> from_commit, from_send;
  int64_t missing = 0;
  for (int64_t i = 0; i < rows; ++i) {
    int64_t a = acked[i].load();
    if (a == 0) {
      ++missing;
      continue;
    }
    from_commit.push_back((a - returned[i]) / 1e6);
    from_send.push_back((a - sent[i]) / 1e6);
  }
  std::printf(
      "rows=%lld rate_target=%.0f rate_achieved=%.0f clients=%d missing_acks=%lld "
      "unprocessed_calls=%lld failed_calls=%lld\n",
      static_cast<long long>(rows), args.rate, rows / insert_seconds, args.clients,
      static_cast<long long>(missing), static_cast<long long>(unprocessed.load()),
      static_cast<long long>(failed_calls.load()));
  for (auto [name, v] : {std::pair<const char*, std::vector<double>*>{"from_commit", &from_commit},
                         {"from_send", &from_send}}) {
    std::printf("%s_ms p50=%.2f p90=%.2f p99=%.2f p999=%.2f max=%.2f\n", name, Percentile(*v, 50),
                Percentile(*v, 90), Percentile(*v, 99), Percentile(*v, 99.9), Percentile(*v, 100));
  }
  clients.clear();
  Status stopped = (*server)->Stop();
  if (!stopped.ok()) Die("bench_sink_e2e_latency: stopping dynasink: " + stopped.ToString());
  return missing == 0 ? 0 : 1;
}

}  // namespace
}  // namespace dynasink::bench

int main(int argc, char** argv) {
  return dynasink::bench::Run(dynasink::bench::Parse(argc, argv));
}
