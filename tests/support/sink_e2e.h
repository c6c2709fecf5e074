// Shared pieces of the DynamoDB sink's end-to-end tests (tests/integration/sink_*_test.cc) and
// benchmarks (bench/bench_sink_e2e*.cc): a test bed of DynamoDB Local plus `dynasink serve`,
// the WITH clause of a sink, the rw_sink_status row, items read back through the AWS CLI and
// compared with what a SQL query says DynamoDB should hold, Prometheus scrapes, psql, and a
// recording proxy that shows exactly what the sink sent.
//
//   auto bed = SinkTestBed::Start();                        // DynamoDB Local + dynasink
//   ASSERT_TRUE(bed.ok()) << bed.status().ToString();
//   ASSERT_TRUE(CreateDynamoTable((*bed)->endpoint(), "Movies",
//                                 {{"year", KeyType::kN}, {"title", KeyType::kS}}).ok());
//   auto sql = (*bed)->Connect();
//   sql->Execute("CREATE SINK s FROM movies " +
//                SinkWith((*bed)->endpoint(), "Movies", "year,title"));
//   auto got = ScanWithCli((*bed)->endpoint(), "Movies", {"year", "title"});
//   auto want = ItemsFromQuery(*sql, "SELECT year, title, description FROM movies",
//                              {AttrKind::kN, AttrKind::kS, AttrKind::kS}, {"year", "title"});
//   EXPECT_EQ(DiffItems(*want, *got), "");
//
// Everything binds and connects to 127.0.0.1 only and every wait has a time limit.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/attribute_value.h"
#include "aws/dynamodb_client.h"
#include "aws/dynamodb_model.h"
#include "aws/http_client.h"
#include "common/metrics.h"
#include "common/result.h"
#include "support/aws_cli.h"
#include "support/dynamodb_local.h"
#include "support/dynasink_server.h"
#include "support/local_http_server.h"
#include "support/pg_client.h"

// Whether this program runs under AddressSanitizer (the asan preset sets DYNASINK_SANITIZE):
// heavy tests scale their row counts down rather than skip.
#if defined(__SANITIZE_ADDRESS__)
#define DYNASINK_E2E_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DYNASINK_E2E_SANITIZED 1
#endif
#endif
#ifndef DYNASINK_E2E_SANITIZED
#define DYNASINK_E2E_SANITIZED 0
#endif

namespace dynasink::test {

inline constexpr bool kSanitized = DYNASINK_E2E_SANITIZED != 0;

// `release_count` in a release build, `release_count / divisor` under the sanitizers, which run
// the server 5 to 20 times slower.
constexpr int64_t ScaledForSanitizer(int64_t release_count, int64_t divisor = 10) {
  return kSanitized ? release_count / divisor : release_count;
}

// The static keys every end-to-end sink uses. DynamoDB Local (-sharedDb) accepts any key; the
// secret is distinctive so that tests can prove it never shows up in any output.
inline constexpr const char* kTestAccessKeyId = "AKIDSINKE2ETESTKEY";
inline constexpr const char* kTestSecretAccessKey = "e2eSecret/NeverPrint+Qx7vZ";
inline constexpr const char* kTestRegion = "us-east-1";

// ---- DynamoDB tables -----------------------------------------------------------------------

enum class KeyType { kS, kN, kB };
struct KeyAttribute {
  std::string name;
  KeyType type;
};

// dynasink's own DynamoDB client on `endpoint`, with the test's static keys.
Result<std::unique_ptr<aws::DynamoDbClient>> MakeTestDynamoClient(const std::string& endpoint);

// Creates `table` with `keys` (HASH first, then RANGE) on `endpoint` with on-demand billing and
// waits until it is ACTIVE.
Status CreateDynamoTable(const std::string& endpoint, const std::string& table,
                         const std::vector<KeyAttribute>& keys);

// ---- SQL text --------------------------------------------------------------------------------

// 'text' with quotes doubled: a SQL string literal.
std::string SqlLiteral(std::string_view text);

// The WITH clause of a DynamoDB sink on `endpoint`: connector, table, primary_key, region,
// endpoint, the test's static keys, then `extra` options in order (names as given, values
// quoted), e.g. WITH (connector = 'dynamodb', table = 'Movies', ...).
std::string SinkWith(const std::string& endpoint, const std::string& table,
                     const std::string& primary_key,
                     const std::vector<std::pair<std::string, std::string>>& extra = {});

// ---- the sink's status row ---------------------------------------------------------------------

// One row of rw_catalog.rw_sink_status (SINK_SURFACE.md), NULLs as nullopt.
struct SinkStatusRow {
  std::string name;
  std::string state;  // backfilling, running, retrying, paused
  int64_t backfill_rows_done = 0;
  std::optional<int64_t> backfill_rows_total;
  int64_t changes_acked = 0;
  int64_t acked_seq = 0;
  int64_t lag_changes = 0;
  double lag_seconds = 0;
  int64_t error_rows = 0;
  double rows_per_second = 0;
  std::optional<std::string> last_error;
  std::optional<std::string> paused_reason;

  std::string ToString() const;
};

// The status row of sink `name`; NotFound when the view has no row for it.
Result<SinkStatusRow> ReadSinkStatus(PgConnection& conn, const std::string& name);

// Polls the status row every `poll` until `done` holds, and returns that row; fails with Timeout
// after `timeout`, naming `what` and the last row seen (or the last error reading it).
Result<SinkStatusRow> WaitForSinkStatus(
    PgConnection& conn, const std::string& name,
    const std::function<bool(const SinkStatusRow&)>& done, std::chrono::milliseconds timeout,
    std::string_view what, std::chrono::milliseconds poll = std::chrono::milliseconds(100));

// ---- items -----------------------------------------------------------------------------------

// Items by their key: the key attributes' texts joined by '|' ("2017|Wonder Woman"; B keys in
// hex).
using ItemsByKey = std::map<std::string, aws::Item>;

std::string KeyText(const aws::Item& item, const std::vector<std::string>& key_attributes);

// Every item of `table`, read with the AWS CLI (/usr/bin/aws dynamodb scan): the independent
// check. Fails if an item lacks a key attribute or two items share a key text.
Result<ItemsByKey> ScanWithCli(const std::string& endpoint, const std::string& table,
                               const std::vector<std::string>& key_attributes);
// The same through dynasink's own DynamoDB client (faster for large tables).
Result<ItemsByKey> ScanWithClient(const std::string& endpoint, const std::string& table,
                                  const std::vector<std::string>& key_attributes);

// How a SQL column's text becomes the attribute the sink writes, for ItemsFromQuery.
enum class AttrKind {
  kN,     // number: the text as N
  kS,     // the text as S
  kBool,  // 't'/'f' as BOOL
};

// What DynamoDB should hold according to a query: one item per row, column name -> attribute of
// its kind, SQL NULL -> {"NULL": true}. `kinds` has one entry per column.
Result<ItemsByKey> ItemsFromQuery(PgConnection& conn, std::string_view sql,
                                  const std::vector<AttrKind>& kinds,
                                  const std::vector<std::string>& key_attributes);

// A decimal text in DynamoDB's normal form ("1.10" -> "1.1", "1e+16" -> "10000000000000000",
// "-0.0" -> "0"): DynamoDB stores numbers by value, so N texts are compared in this form.
// Returns the text unchanged if it is not a decimal number.
std::string CanonicalNumber(std::string_view text);

// Whether two attribute values are equal, N by value, recursively; otherwise why, at `path`.
std::optional<std::string> ValueDifference(const aws::AttributeValue& want,
                                           const aws::AttributeValue& got, const std::string& path);

// The differences between two item sets, one line each (missing, unexpected, differing item),
// at most `max_lines` and then a count; empty when they are equal.
std::string DiffItems(const ItemsByKey& want, const ItemsByKey& got, size_t max_lines = 20);

// ---- metrics ---------------------------------------------------------------------------------

// GET http://127.0.0.1:PORT/metrics: the Prometheus text page.
Result<std::string> FetchMetricsPage(int port);

// The sum of the samples of metric `name` whose labels include every pair of `labels` (0 when
// there are none). Histogram suffixes are separate names (`..._count`).
double MetricValue(std::string_view page, std::string_view name, const metrics::Labels& labels);

// ---- psql ------------------------------------------------------------------------------------

// Runs Debian's psql (/usr/bin/psql, -X, no password, ON_ERROR_STOP=1) on `file` against the
// server, exactly as a user would: psql -h 127.0.0.1 -p PORT -d dev -U root -v ON_ERROR_STOP=1
// -f FILE. stdout and stderr are captured; a non-zero exit is not an error here.
Result<CommandOutput> RunPsqlFile(const DynasinkServer& server, const std::string& file,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(120));

// ---- test bed --------------------------------------------------------------------------------

struct SinkTestBedOptions {
  // Keep DynamoDB Local's data on disk (-dbPath in a temporary directory), so that it survives
  // DynamoDbLocal::Restart(); otherwise in memory.
  bool persistent_dynamodb = false;
  // Serve --metrics (DynasinkServer::metrics_port()); overrides server.metrics.
  bool metrics = true;
  DynasinkServerOptions server;
};

// DynamoDB Local and `dynasink serve`, both on free loopback ports, stopped by the destructor.
// Start it from the main thread (both fixtures die with the thread that started them).
class SinkTestBed {
 public:
  static Result<std::unique_ptr<SinkTestBed>> Start(SinkTestBedOptions options = {});
  ~SinkTestBed();
  SinkTestBed(const SinkTestBed&) = delete;
  SinkTestBed& operator=(const SinkTestBed&) = delete;

  DynamoDbLocal& dynamodb() { return *dynamodb_; }
  DynasinkServer& server() { return *server_; }
  // DynamoDB Local's URL (the same across its restarts).
  std::string endpoint() const { return dynamodb_->endpoint(); }
  // A new session on the server, with a 120 s statement time limit.
  Result<PgConnection> Connect() const;

 private:
  SinkTestBed() = default;
  std::string db_dir_;  // -dbPath, removed by the destructor
  std::unique_ptr<DynamoDbLocal> dynamodb_;
  std::unique_ptr<DynasinkServer> server_;
};

// ---- recording proxy ---------------------------------------------------------------------------

// One PutRequest or DeleteRequest of a BatchWriteItem call, as the sink sent it.
struct RecordedWrite {
  std::string table;
  bool is_delete = false;
  aws::Item item;  // the Item of a put, the Key of a delete
  // The exact JSON of that Item or Key, as it was on the wire (number texts unnormalised).
  std::string json;
};

// One BatchWriteItem call: what was sent, when, and how DynamoDB answered.
struct RecordedBatch {
  std::chrono::steady_clock::time_point received;
  std::chrono::steady_clock::time_point answered;  // when the answer went back to the sink
  int status = 0;                                  // 0: the upstream did not answer
  size_t unprocessed = 0;                          // requests DynamoDB returned as UnprocessedItems
  std::vector<RecordedWrite> writes;
};

// An HTTP proxy on 127.0.0.1 in front of DynamoDB (Local, or any endpoint) that forwards every
// request unchanged and records each BatchWriteItem call. Thread-safe. An optional observer
// runs after each answered BatchWriteItem (on a connection thread; keep it quick).
class RecordingProxy {
 public:
  explicit RecordingProxy(std::string upstream_url);
  ~RecordingProxy();
  RecordingProxy(const RecordingProxy&) = delete;
  RecordingProxy& operator=(const RecordingProxy&) = delete;

  std::string url() const { return server_->url(); }
  // Every BatchWriteItem call so far, in the order they were answered. With keep_batches false
  // (set before traffic) only the observer sees them, for long runs.
  std::vector<RecordedBatch> batches() const;
  void set_keep_batches(bool keep);
  void set_observer(std::function<void(const RecordedBatch&)> observer);
  void Clear();

 private:
  ServerResponse Handle(const ServerRequest& request);

  std::string upstream_;
  std::shared_ptr<aws::HttpClient> http_;
  mutable std::mutex mu_;
  bool keep_ = true;
  std::vector<RecordedBatch> batches_;
  std::function<void(const RecordedBatch&)> observer_;
  std::unique_ptr<LocalHttpServer> server_;  // last: stopped first
};

// Parses a BatchWriteItem request body into its writes (for RecordingProxy and benchmarks).
Result<std::vector<RecordedWrite>> ParseBatchWriteRequest(std::string_view body);

}  // namespace dynasink::test
