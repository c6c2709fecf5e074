// Shared by the end-to-end sink benchmarks (bench_sink_e2e*.cc): the rows they write, the sink
// they create, reading a process's CPU time and memory from /proc, and small argument helpers.
//
// The rows have the shape of the client benchmarks' items (bench_batch_write and the peers in
// bench/peers/): pk varchar, sk bigint, name varchar, score numeric, active boolean,
// tags varchar[], attrs struct<city varchar, zip integer>, for the DynamoDB table `bench` with
// key pk (S, HASH) and sk (N, RANGE). Row i is pk "user#<i % 100000>", sk i, name "name-<i>",
// score "<i % 1000>.25", active i even, tags [red, green, tag-<i % 7>], attrs (Lisbon,
// 1000 + i % 9000): exactly what the peers write for item i.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace dynasink::bench {

inline constexpr const char* kBenchTableSql =
    "CREATE TABLE bench_rows (pk varchar, sk bigint, name varchar, score numeric, "
    "active boolean, tags varchar[], attrs struct<city varchar, zip integer>, "
    "PRIMARY KEY (pk, sk))";

// The keys the peers sign with; DynamoDB Local and the null endpoint accept any.
inline constexpr const char* kBenchAccessKeyId = "AKIDBENCHMARKKEY";
inline constexpr const char* kBenchSecretAccessKey = "benchmark-secret-access-key";

// CREATE SINK `name` FROM `table` to DynamoDB table `ddb_table` (key pk, sk) at `endpoint`.
inline std::string CreateBenchSinkSql(const std::string& name, const std::string& table,
                                      const std::string& endpoint, const std::string& ddb_table) {
  return fmt::format(
      "CREATE SINK {} FROM {} WITH (connector = 'dynamodb', table = '{}', primary_key = "
      "'pk,sk', aws.region = 'us-east-1', aws.endpoint_url = '{}', "
      "aws.credentials.access_key_id = '{}', aws.credentials.secret_access_key = '{}')",
      name, table, ddb_table, endpoint, kBenchAccessKeyId, kBenchSecretAccessKey);
}

// Appends rows [begin, end) in COPY text format.
inline void AppendBenchRows(int64_t begin, int64_t end, std::string* out) {
  for (int64_t i = begin; i < end; ++i) {
    fmt::format_to(std::back_inserter(*out),
                   "user#{}\t{}\tname-{}\t{}.25\t{}\t{{red,green,tag-{}}}\t(Lisbon,{})\n",
                   i % 100000, i, i, i % 1000, i % 2 == 0 ? 't' : 'f', i % 7, 1000 + i % 9000);
  }
}

// One bench row as an INSERT's VALUES tuple, with pk overridden.
inline std::string BenchRowValues(int64_t i, std::string_view pk) {
  return fmt::format(
      "('{}', {}, 'name-{}', {}.25, {}, ARRAY['red', 'green', 'tag-{}'], "
      "ROW('Lisbon', {}))",
      pk, i, i, i % 1000, i % 2 == 0 ? "true" : "false", i % 7, 1000 + i % 9000);
}

struct ProcessSample {
  double cpu_seconds = 0;  // user + system
  int64_t rss_kb = 0;      // VmRSS
  int64_t hwm_kb = 0;      // VmHWM: the peak RSS so far
};

// CPU time and memory of process `pid` (zeros if it is gone).
inline ProcessSample ReadProcess(pid_t pid) {
  ProcessSample s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command (which may hold spaces) start after the last ')'.
  size_t close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    // Fields 3.. follow; utime and stime are fields 14 and 15.
    for (int n = 3; n <= 15 && fields >> field; ++n) {
      if (n == 14) utime = std::strtod(field.c_str(), nullptr);
      if (n == 15) stime = std::strtod(field.c_str(), nullptr);
    }
    s.cpu_seconds = (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) s.rss_kb = std::strtoll(line.c_str() + 6, nullptr, 10);
    if (line.starts_with("VmHWM:")) s.hwm_kb = std::strtoll(line.c_str() + 6, nullptr, 10);
  }
  return s;
}

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

// One command-line option: `--name value` (parse gets the value) or a bare `--name` (flag).
struct Option {
  std::string_view name;
  std::function<void(const std::string&)> parse = nullptr;
  std::function<void()> flag = nullptr;
};

// Applies `options` to argv; an unknown option or a missing value ends the program with `usage`.
inline void ParseOptions(int argc, char** argv, const std::vector<Option>& options,
                         std::string_view usage) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const Option* found = nullptr;
    for (const Option& o : options) {
      if (o.name == arg) found = &o;
    }
    if (found == nullptr) Die(std::string(usage));
    if (found->flag) {
      found->flag();
      continue;
    }
    if (i + 1 >= argc) Die(arg + " needs a value");
    found->parse(argv[++i]);
  }
}

}  // namespace dynasink::bench
