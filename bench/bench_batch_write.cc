// bench_batch_write: BatchWriteItem throughput of dynasink's DynamoDB client.
//
//   bench_batch_write --endpoint http://127.0.0.1:PORT [--rows N] [--in-flight N]
//                     [--connections N] [--table T]
//
// Sends BatchWriteItem requests of 25 items, each with 7 attributes (S, N, S, N, BOOL, an L of
// three strings and an M of two values, the same items as the peers in bench/peers/), through
// DynamoDbClient::BatchWriteItemAsync with up to --in-flight calls outstanding, to a null
// endpoint (bench/nginx answers {"UnprocessedItems":{}}). Items are built inside the timed loop,
// as the sink builds them from rows. Every request is encoded, signed (SigV4) and sent in full.
//
// Prints one line: rows=... seconds=... rows_per_s=... cpu_user=... cpu_sys=... errors=...
// (seconds is the wall time of the write loop; CPU is the process's getrusage).
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "aws/credentials_static.h"
#include "aws/dynamodb_client.h"

namespace dynasink::aws {
namespace {

struct Options {
  std::string endpoint;
  std::string table = "bench";
  int64_t rows = 2'000'000;
  int in_flight = 64;
  long connections = 64;
};

double Seconds(const timeval& tv) {
  return tv.tv_sec + tv.tv_usec / 1e6;
}

// Item i: the same shape and values as the peers write.
Item MakeItem(int64_t i) {
  Item item;
  item.reserve(7);
  std::string pk = "user#";
  pk += std::to_string(i % 100000);
  item.Append("pk", AttributeValue::S(std::move(pk)));
  item.Append("sk", AttributeValue::N(i));
  item.Append("name", AttributeValue::S("name-" + std::to_string(i)));
  item.Append("score", AttributeValue::N(std::to_string(i % 1000) + ".25"));
  item.Append("active", AttributeValue::Bool(i % 2 == 0));
  AttributeValue::List tags;
  tags.reserve(3);
  tags.push_back(AttributeValue::S("red"));
  tags.push_back(AttributeValue::S("green"));
  tags.push_back(AttributeValue::S("tag-" + std::to_string(i % 7)));
  item.Append("tags", AttributeValue::L(std::move(tags)));
  AttributeMap attrs;
  attrs.reserve(2);
  attrs.Append("city", AttributeValue::S("Lisbon"));
  attrs.Append("zip", AttributeValue::N(1000 + i % 9000));
  item.Append("attrs", AttributeValue::M(std::move(attrs)));
  return item;
}

int Run(const Options& o) {
  DynamoDbClientOptions co;
  co.region = "us-east-1";
  co.endpoint_url = o.endpoint;
  co.credentials = std::make_shared<StaticCredentialsProvider>(
      Credentials{"AKIDBENCHMARKKEY", "benchmark-secret-access-key", "", std::nullopt});
  co.http_options.max_connections = o.connections;
  auto client_or = DynamoDbClient::Create(std::move(co));
  if (!client_or.ok()) {
    std::fprintf(stderr, "bench_batch_write: %s\n", client_or.status().ToString().c_str());
    return 1;
  }
  auto client = std::move(client_or).value();

  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  int64_t written = 0, errors = 0;
  std::string first_error;

  const auto start = std::chrono::steady_clock::now();
  int64_t next = 0;
  BatchWriteItemRequest request;
  request.tables.resize(1);
  request.tables[0].table_name = o.table;
  while (next < o.rows) {
    request.tables[0].requests.clear();
    const int64_t end = std::min(o.rows, next + 25);
    for (; next < end; ++next)
      request.tables[0].requests.push_back(WriteRequest::Put(MakeItem(next)));
    const int64_t n = static_cast<int64_t>(request.tables[0].requests.size());
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return outstanding < o.in_flight; });
      ++outstanding;
    }
    client->BatchWriteItemAsync(request, [&, n](DynamoDbResult<BatchWriteItemResponse> r) {
      std::lock_guard<std::mutex> lock(mu);
      if (r.ok() && r->all_processed()) {
        written += n;
      } else {
        ++errors;
        if (first_error.empty()) {
          first_error = r.ok() ? "unprocessed items" : r.error().ToString();
        }
      }
      --outstanding;
      cv.notify_one();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return outstanding == 0; });
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("rows=%lld seconds=%.3f rows_per_s=%.0f cpu_user=%.3f cpu_sys=%.3f errors=%lld\n",
              static_cast<long long>(written), seconds, written / seconds, Seconds(usage.ru_utime),
              Seconds(usage.ru_stime), static_cast<long long>(errors));
  if (errors > 0) {
    std::fprintf(stderr, "bench_batch_write: %lld failed calls; first: %s\n",
                 static_cast<long long>(errors), first_error.c_str());
    return 1;
  }
  return 0;
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (value == nullptr) {
      std::fprintf(stderr, "bench_batch_write: %s needs a value\n", arg.c_str());
      return 2;
    }
    ++i;
    if (arg == "--endpoint") {
      o.endpoint = value;
    } else if (arg == "--rows") {
      o.rows = std::atoll(value);
    } else if (arg == "--in-flight") {
      o.in_flight = std::max(1, std::atoi(value));
    } else if (arg == "--connections") {
      o.connections = std::max(1, std::atoi(value));
    } else if (arg == "--table") {
      o.table = value;
    } else {
      std::fprintf(stderr, "bench_batch_write: unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  if (o.endpoint.empty()) {
    std::fprintf(stderr,
                 "usage: bench_batch_write --endpoint URL [--rows N] [--in-flight N] "
                 "[--connections N] [--table T]\n");
    return 2;
  }
  return Run(o);
}

}  // namespace
}  // namespace dynasink::aws

int main(int argc, char** argv) {
  return dynasink::aws::Main(argc, argv);
}
