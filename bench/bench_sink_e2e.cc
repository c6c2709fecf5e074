// bench_sink_e2e: rows per second from INSERT to acknowledged, end to end. Starts
// `dynasink serve` (temporary data directory), creates the bench table and a DynamoDB sink on it
// to --endpoint (the nginx null endpoint of bench/sink_e2e.sh, or DynamoDB Local with a table
// `bench` keyed pk S / sk N), then times from the first COPY statement to FLUSH returning: the
// rows are committed, read from the change log, encoded, sent and acknowledged.
//
//   bench_sink_e2e --endpoint URL [--rows N] [--chunk N] [--table T] [--no-sink]
//
// The COPY text is generated before the clock starts; the rows go in COPY statements of --chunk
// rows (100000) over one connection. --no-sink measures the same load without a sink (the SQL
// ingest alone). CPU is the dynasink process's user+system time over the timed section, from
// /proc. Prints one line in the format of the client benchmarks, plus the split:
//   rows=N seconds=S rows_per_s=R cpu_user=C cpu_sys=0 insert_seconds=I flush_seconds=F
//   server_cpu=C peak_rss_mb=M status_lag_s=L
// (status_lag_s: how long after FLUSH rw_sink_status took to show every row acknowledged; it is
// outside the timed section.)
// (cpu_user carries the server's total CPU so that bench/sink_e2e.sh treats every client alike.)
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench_sink_e2e_common.h"
#include "support/dynasink_server.h"
#include "support/pg_client.h"

namespace dynasink::bench {
namespace {

struct Args {
  std::string endpoint;
  std::string table = "bench";
  int64_t rows = 1'000'000;
  int64_t chunk = 100'000;
  bool sink = true;
};

Args Parse(int argc, char** argv) {
  Args a;
  ParseOptions(argc, argv,
               {{"--endpoint", [&](const std::string& v) { a.endpoint = v; }},
                {"--rows", [&](const std::string& v) { a.rows = std::stoll(v); }},
                {"--chunk", [&](const std::string& v) { a.chunk = std::stoll(v); }},
                {"--table", [&](const std::string& v) { a.table = v; }},
                {"--no-sink", nullptr, [&] { a.sink = false; }}},
               "usage: bench_sink_e2e --endpoint URL [--rows N] [--chunk N] [--table T] "
               "[--no-sink]");
  if (a.endpoint.empty() && a.sink) Die("bench_sink_e2e: --endpoint is required");
  if (a.rows <= 0 || a.chunk <= 0) Die("bench_sink_e2e: --rows and --chunk must be positive");
  return a;
}

int Run(const Args& args) {
  auto server = test::DynasinkServer::Start();
  if (!server.ok()) Die("bench_sink_e2e: " + server.status().ToString());
  auto conn = test::PgConnection::Connect((*server)->ConnInfo());
  if (!conn.ok()) Die("bench_sink_e2e: " + conn.status().ToString());
  conn->set_statement_timeout(std::chrono::seconds(1200));
  auto must = [&](const std::string& sql) {
    Status s = conn->Execute(sql);
    if (!s.ok()) Die("bench_sink_e2e: " + sql.substr(0, 80) + ": " + s.ToString());
  };
  must(kBenchTableSql);
  if (args.sink) must(CreateBenchSinkSql("bench_sink", "bench_rows", args.endpoint, args.table));
  must("SET statement_timeout = '1200s'");

  std::vector<std::string> chunks;
  for (int64_t begin = 0; begin < args.rows; begin += args.chunk) {
    chunks.emplace_back();
    chunks.back().reserve(static_cast<size_t>(args.chunk) * 96);
    AppendBenchRows(begin, std::min(args.rows, begin + args.chunk), &chunks.back());
  }

  pid_t pid = (*server)->pid();
  ProcessSample before = ReadProcess(pid);
  auto start = std::chrono::steady_clock::now();
  for (const std::string& chunk : chunks) {
    auto copied = conn->CopyIn("COPY bench_rows FROM STDIN", chunk, 256 * 1024);
    if (!copied.ok()) Die("bench_sink_e2e: COPY: " + copied.status().ToString());
  }
  double insert_seconds = SecondsSince(start);
  must("FLUSH");
  double seconds = SecondsSince(start);
  ProcessSample after = ReadProcess(pid);
  double cpu = after.cpu_seconds - before.cpu_seconds;

  double status_lag_seconds = 0;
  if (args.sink) {
    // FLUSH returns once the sink's watermark covers the last commit. The status view's counters
    // are published by the sink's worker a moment later (after the same loop pass), so they are
    // polled here, outside the clock, as the check that every row was acknowledged.
    auto check_start = std::chrono::steady_clock::now();
    std::string acked;
    while (true) {
      auto value = conn->QueryValue(
          "SELECT changes_acked FROM rw_catalog.rw_sink_status WHERE sink_name = 'bench_sink'");
      if (!value.ok()) Die("bench_sink_e2e: rw_sink_status: " + value.status().ToString());
      acked = *value;
      if (std::stoll(acked) >= args.rows) break;
      if (SecondsSince(check_start) > 10) {
        Die("bench_sink_e2e: 10 s after FLUSH, rw_sink_status shows " + acked + " of " +
            std::to_string(args.rows) + " changes acknowledged");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    status_lag_seconds = SecondsSince(check_start);
  }
  std::printf(
      "rows=%lld seconds=%.3f rows_per_s=%.0f cpu_user=%.3f cpu_sys=0 insert_seconds=%.3f "
      "flush_seconds=%.3f server_cpu=%.3f peak_rss_mb=%.1f status_lag_s=%.3f\n",
      static_cast<long long>(args.rows), seconds, args.rows / seconds, cpu, insert_seconds,
      seconds - insert_seconds, cpu, after.hwm_kb / 1024.0, status_lag_seconds);
  Status stopped = (*server)->Stop();
  if (!stopped.ok()) Die("bench_sink_e2e: stopping dynasink: " + stopped.ToString());
  return 0;
}

}  // namespace
}  // namespace dynasink::bench

int main(int argc, char** argv) {
  return dynasink::bench::Run(dynasink::bench::Parse(argc, argv));
}
