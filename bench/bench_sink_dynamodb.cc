// bench_sink_dynamodb: throughput and CPU of the DynamoDB sink connector, from "change handed to
// the sink" (Sink::Write) to "acknowledged" (Flush returns), against an endpoint such as the nginx
// null endpoint of bench/nginx (answers {"UnprocessedItems":{}}) or DynamoDB Local.
//
//   bench_sink_dynamodb --endpoint http://127.0.0.1:PORT [--rows N] [--in-flight N]
//                       [--batch N] [--table T] [--validate] [--until-full]
//
// --until-full (with an endpoint that is down): writes until Write() accepts nothing for 2 s,
// i.e. the sink's buffer is full and the runtime would stop reading its log, then prints the
// changes accepted and the peak RSS: the memory a backlog of any size costs.
//
// Rows have the shape of bench_batch_write's items (pk varchar, sk bigint, name varchar, score
// numeric, active boolean, tags varchar[], attrs struct<city varchar, zip integer>), so the two
// benchmarks compare: the sink encodes straight from rows to JSON, dedups, batches, signs and
// sends. Every row has its own key (no dedup). The runtime's rows are simulated by a pool of
// prebuilt rows whose sk is set before each Write (the sink reads rows only during Write), so
// the figure is the sink's own cost.
//
// Prints one line: rows=... seconds=... rows_per_s=... cpu_user=... cpu_sys=...
// cpu_us_per_row=... (seconds from the first Write to Flush's return; CPU from getrusage).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "connector/dynamodb/dynamodb_sink.h"
#include "connector/dynamodb/options.h"
#include "types/text_format.h"

namespace dynasink::connector::dynamodb {
namespace {

struct Args {
  std::string endpoint;
  std::string table = "bench";
  int64_t rows = 2'000'000;
  int in_flight = 64;
  int batch = 1000;  // changes per Write(), as the runtime would hand them over
  bool validate = false;
  // Write until the sink's buffer is full (the endpoint is down), then report memory: the
  // backpressure check for a large backlog.
  bool until_full = false;
};

double Seconds(const timeval& tv) {
  return tv.tv_sec + tv.tv_usec / 1e6;
}

int Usage() {
  std::fprintf(stderr,
               "usage: bench_sink_dynamodb --endpoint URL [--rows N] [--in-flight N] "
               "[--batch N] [--table T] [--validate] [--until-full]\n");
  return 2;
}

int Run(const Args& args) {
  SinkOptionList with = {{"table", args.table},
                         {"primary_key", "pk,sk"},
                         {"aws.region", "us-east-1"},
                         {"aws.endpoint_url", args.endpoint},
                         {"aws.credentials.access_key_id", "AKIDBENCHMARK"},
                         {"aws.credentials.secret_access_key", "bench-secret-key-value"},
                         {"dynamodb.max_future_send_nums", std::to_string(args.in_flight)}};
  auto options = ParseDynamoDbOptions(with, nullptr);
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 1;
  }
  SinkContext context;
  context.sink_name = "bench";
  context.schema.names = {"pk", "sk", "name", "score", "active", "tags", "attrs"};
  context.schema.types = {types::TypeId::kVarchar,
                          types::TypeId::kInt64,
                          types::TypeId::kVarchar,
                          types::TypeId::kDecimal,
                          types::TypeId::kBoolean,
                          types::DataType::Parse("varchar[]").value(),
                          types::DataType::Parse("struct<city varchar, zip integer>").value()};
  context.options.connector = "dynamodb";
  context.validate = args.validate;
  uint64_t rejected = 0;
  context.on_rejection = [&rejected](const SinkRejection&) {
    ++rejected;
    return Status::OK();
  };
  auto sink = OpenDynamoDbSink(*options, std::move(context));
  if (!sink.ok()) {
    std::fprintf(stderr, "%s\n", sink.status().ToString().c_str());
    return 1;
  }

  // A pool of rows like bench_batch_write's items; sk (and so the key) changes per change.
  std::vector<types::Row> pool(static_cast<size_t>(args.batch));
  for (size_t i = 0; i < pool.size(); ++i) {
    int64_t n = static_cast<int64_t>(i);
    pool[i] = {types::Value::Varchar("user#" + std::to_string(n % 100000)),
               types::Value::Int64(n),
               types::Value::Varchar("name-" + std::to_string(n)),
               types::ParseValue(std::to_string(n % 1000) + ".25", types::TypeId::kDecimal).value(),
               types::Value::Boolean(n % 2 == 0),
               types::Value::List({types::Value::Varchar("red"), types::Value::Varchar("green"),
                                   types::Value::Varchar("tag-" + std::to_string(n % 7))}),
               types::Value::Struct({types::Value::Varchar("Lisbon"), types::Value::Int32(1000)})};
  }
  std::vector<SinkChange> changes(pool.size());

  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  auto start = std::chrono::steady_clock::now();
  uint64_t seq = 0;
  for (int64_t done = 0; done < args.rows;) {
    size_t n = static_cast<size_t>(std::min<int64_t>(args.batch, args.rows - done));
    for (size_t i = 0; i < n; ++i) {
      pool[i][1] = types::Value::Int64(done + static_cast<int64_t>(i));
      changes[i] = SinkChange{++seq, ChangeOp::kUpsert, &pool[i]};
    }
    if (args.until_full) {
      auto w = (*sink)->Write(std::span<const SinkChange>(changes.data(), n),
                              std::chrono::steady_clock::now() + std::chrono::seconds(2));
      if (!w.ok() || *w < n) {
        done += w.ok() ? static_cast<int64_t>(*w) : 0;
        getrusage(RUSAGE_SELF, &after);
        std::printf("buffer full after %lld changes (%zu bytes buffered); peak RSS %.1f MB\n",
                    static_cast<long long>(done), (*sink)->GetStatus().buffered_bytes,
                    after.ru_maxrss / 1024.0);
        return 0;
      }
      done += static_cast<int64_t>(n);
      continue;
    }
    size_t offset = 0;
    while (offset < n) {
      auto w = (*sink)->Write(std::span<const SinkChange>(changes.data() + offset, n - offset),
                              std::chrono::steady_clock::now() + std::chrono::seconds(60));
      if (!w.ok()) {
        std::fprintf(stderr, "%s\n", w.status().ToString().c_str());
        return 1;
      }
      offset += *w;
    }
    done += static_cast<int64_t>(n);
  }
  Status flushed = (*sink)->Flush(std::chrono::steady_clock::now() + std::chrono::seconds(300));
  auto end = std::chrono::steady_clock::now();
  getrusage(RUSAGE_SELF, &after);
  if (!flushed.ok()) {
    std::fprintf(stderr, "%s\n", flushed.ToString().c_str());
    return 1;
  }
  double seconds = std::chrono::duration<double>(end - start).count();
  double user = Seconds(after.ru_utime) - Seconds(before.ru_utime);
  double sys = Seconds(after.ru_stime) - Seconds(before.ru_stime);
  auto status = (*sink)->GetStatus();
  std::printf(
      "rows=%lld seconds=%.3f rows_per_s=%.0f cpu_user=%.3f cpu_sys=%.3f cpu_us_per_row=%.3f "
      "delivered=%llu rejected=%llu batches=%llu\n",
      static_cast<long long>(args.rows), seconds, args.rows / seconds, user, sys,
      (user + sys) * 1e6 / static_cast<double>(args.rows),
      static_cast<unsigned long long>(status.changes_delivered),
      static_cast<unsigned long long>(rejected),
      static_cast<unsigned long long>((*sink)->metrics().batches->value()));
  return 0;
}

}  // namespace
}  // namespace dynasink::connector::dynamodb

int main(int argc, char** argv) {
  dynasink::connector::dynamodb::Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--validate") {
      args.validate = true;
      continue;
    }
    if (a == "--until-full") {
      args.until_full = true;
      continue;
    }
    if ((v = next()) == nullptr) return dynasink::connector::dynamodb::Usage();
    if (a == "--endpoint") {
      args.endpoint = v;
    } else if (a == "--rows") {
      args.rows = std::atoll(v);
    } else if (a == "--in-flight") {
      args.in_flight = std::atoi(v);
    } else if (a == "--batch") {
      args.batch = std::atoi(v);
    } else if (a == "--table") {
      args.table = v;
    } else {
      return dynasink::connector::dynamodb::Usage();
    }
  }
  if (args.endpoint.empty() || args.rows <= 0 || args.batch <= 0) {
    return dynasink::connector::dynamodb::Usage();
  }
  return dynasink::connector::dynamodb::Run(args);
}
