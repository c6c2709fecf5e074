// bench_sink_e2e_backlog: the memory of `dynasink serve` while a sink's endpoint is down and a
// backlog of --changes (10M) builds up behind it.
//
//   bench_sink_e2e_backlog [--changes 10000000] [--chunk 100000] [--sample-ms 100] [--no-sink]
//                          [--settle-seconds 10]
//
// A fake DynamoDB endpoint in this process answers the sink's DescribeTable at CREATE SINK
// (table `backlog`, key k N) and is then stopped: every later call is refused, the sink retries
// forever and its lag grows. The table (k bigint PRIMARY KEY, v varchar, n bigint) is loaded by
// COPY statements of --chunk rows, each with new keys, so every change stays pending. A thread
// samples the server's VmRSS from /proc every --sample-ms throughout the load and for
// --settle-seconds after it; the report gives the peak sample, VmHWM (the kernel's own peak),
// the load rate, and the sink's status at the end. --no-sink runs the same load with no sink:
// the storage engine's own share of the memory.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "bench_sink_e2e_common.h"
#include "support/dynasink_server.h"
#include "support/local_http_server.h"
#include "support/pg_client.h"

namespace dynasink::bench {
namespace {

struct Args {
  int64_t changes = 10'000'000;
  int64_t chunk = 100'000;
  int sample_ms = 100;
  double settle_seconds = 10;
  bool sink = true;
};

Args Parse(int argc, char** argv) {
  Args a;
  ParseOptions(
      argc, argv,
      {{"--changes", [&](const std::string& v) { a.changes = std::stoll(v); }},
       {"--chunk", [&](const std::string& v) { a.chunk = std::stoll(v); }},
       {"--sample-ms", [&](const std::string& v) { a.sample_ms = std::stoi(v); }},
       {"--settle-seconds", [&](const std::string& v) { a.settle_seconds = std::stod(v); }},
       {"--no-sink", nullptr, [&] { a.sink = false; }}},
      "usage: bench_sink_e2e_backlog [--changes N] [--chunk N] [--sample-ms N] "
      "[--settle-seconds N] [--no-sink]");
  if (a.changes <= 0 || a.chunk <= 0 || a.sample_ms <= 0) Die("bench_sink_e2e_backlog: bad value");
  return a;
}

int Run(const Args& args) {
  // Answers DescribeTable like DynamoDB for an ACTIVE table `backlog` keyed by k (N).
  test::LocalHttpServer fake([](const test::ServerRequest& request) {
    if (request.header("x-amz-target").ends_with(".DescribeTable")) {
      return test::ServerResponse::Json(
          200, R"({"Table":{"TableName":"backlog","TableStatus":"ACTIVE",)"
               R"("KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],)"
               R"("AttributeDefinitions":[{"AttributeName":"k","AttributeType":"N"}]}})");
    }
    return test::ServerResponse::Json(500, R"({"__type":"InternalServerError"})");
  });

  auto server = test::DynasinkServer::Start();
  if (!server.ok()) Die("bench_sink_e2e_backlog: " + server.status().ToString());
  auto conn = test::PgConnection::Connect((*server)->ConnInfo());
  if (!conn.ok()) Die("bench_sink_e2e_backlog: " + conn.status().ToString());
  conn->set_statement_timeout(std::chrono::seconds(600));
  auto must = [&](const std::string& sql) {
    Status s = conn->Execute(sql);
    if (!s.ok()) Die("bench_sink_e2e_backlog: " + sql.substr(0, 80) + ": " + s.ToString());
  };
  must("CREATE TABLE backlog (k bigint PRIMARY KEY, v varchar, n bigint)");
  if (args.sink) {
    must(fmt::format(
        "CREATE SINK backlog_sink FROM backlog WITH (connector = 'dynamodb', table = 'backlog', "
        "primary_key = 'k', aws.region = 'us-east-1', aws.endpoint_url = '{}', "
        "aws.credentials.access_key_id = '{}', aws.credentials.secret_access_key = '{}')",
        fake.url(), kBenchAccessKeyId, kBenchSecretAccessKey));
  }
  fake.Stop();  // the endpoint is down from here on: connections are refused

  const pid_t pid = (*server)->pid();
  std::atomic<bool> stop{false};
  std::atomic<int64_t> loaded{0};
  std::mutex mu;
  int64_t peak_rss_kb = 0;
  std::string timeline;
  auto start = std::chrono::steady_clock::now();
  std::thread sampler([&] {
    double next_line = 0;
    while (!stop.load()) {
      ProcessSample s = ReadProcess(pid);
      double t = SecondsSince(start);
      {
        std::lock_guard<std::mutex> lock(mu);
        peak_rss_kb = std::max(peak_rss_kb, s.rss_kb);
        if (t >= next_line) {
          timeline += fmt::format("  t={:6.1f}s changes={:>9} rss={:7.1f} MB\n", t, loaded.load(),
                                  s.rss_kb / 1024.0);
          next_line += 5;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(args.sample_ms));
    }
  });

  std::string data;
  for (int64_t begin = 0; begin < args.changes; begin += args.chunk) {
    data.clear();
    int64_t end = std::min(args.changes, begin + args.chunk);
    for (int64_t k = begin; k < end; ++k) {
      fmt::format_to(std::back_inserter(data), "{}\tbacklog value {}\t{}\n", k, k, k * 7);
    }
    auto copied = conn->CopyIn("COPY backlog FROM STDIN", data, 256 * 1024);
    if (!copied.ok()) {
      stop = true;
      sampler.join();
      Die("bench_sink_e2e_backlog: COPY: " + copied.status().ToString());
    }
    loaded = end;
  }
  double load_seconds = SecondsSince(start);
  std::this_thread::sleep_for(std::chrono::duration<double>(args.settle_seconds));
  stop = true;
  sampler.join();
  ProcessSample end = ReadProcess(pid);

  std::string state = "no sink";
  if (args.sink) {
    auto status = conn->Query(
        "SELECT state, lag_changes, changes_acked, last_error FROM rw_catalog.rw_sink_status "
        "WHERE sink_name = 'backlog_sink'");
    if (!status.ok() || status->empty()) {
      Die("bench_sink_e2e_backlog: rw_sink_status: " + status.status().ToString());
    }
    const auto& row = (*status)[0];
    state = fmt::format("state={} lag_changes={} changes_acked={} last_error=\"{}\"", row[0],
                        row[1], row[2], row[3].substr(0, 160));
  }
  std::printf("%s", timeline.c_str());
  std::printf(
      "changes=%lld load_seconds=%.1f rows_per_s=%.0f peak_rss_mb=%.1f vm_hwm_mb=%.1f "
      "final_rss_mb=%.1f server_cpu=%.1f %s\n",
      static_cast<long long>(args.changes), load_seconds, args.changes / load_seconds,
      peak_rss_kb / 1024.0, end.hwm_kb / 1024.0, end.rss_kb / 1024.0, end.cpu_seconds,
      state.c_str());
  Status stopped = (*server)->Stop();
  if (!stopped.ok()) Die("bench_sink_e2e_backlog: stopping dynasink: " + stopped.ToString());
  return 0;
}

}  // namespace
}  // namespace dynasink::bench

int main(int argc, char** argv) {
  return dynasink::bench::Run(dynasink::bench::Parse(argc, argv));
}
