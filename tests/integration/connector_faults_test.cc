// The DynamoDB sink under faults: 100k changes with updates and deletes over a key space, sent
// through the fault-injecting proxy (UnprocessedItems, throttling, 500s, connections dropped
// before and after the write, delays) to DynamoDB Local, must leave the table equal to the final
// state, checked through our client and the AWS CLI; the metrics show the retries. And DynamoDB
// Local stopped mid-stream: the sink reports "retrying", keeps everything, and catches up once it
// is back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "connector/sink_metrics.h"
#include "connector_test_util.h"
#include "support/fault_proxy.h"

namespace dynasink::connector::testing {
namespace {

using ::testing::HasSubstr;

SinkSchema Schema() {
  return {{"k", "seq", "v"},
          {DataType(TypeId::kInt32), DataType(TypeId::kInt64), DataType(TypeId::kVarchar)}};
}

// Writes `count` random upserts and deletes over `keys` keys, starting after `seq`, and records
// the final state per key (the seq of the last upsert, or absent).
void Stream(Sink& sink, int count, int keys, uint64_t* seq, std::map<std::string, int64_t>* model,
            uint64_t rng_seed) {
  std::mt19937_64 rng(rng_seed);
  std::vector<types::Row> rows;
  std::vector<SinkChange> changes;
  rows.reserve(1000);
  for (int i = 0; i < count; ++i) {
    int k = static_cast<int>(rng() % keys);
    ++*seq;
    bool del = rng() % 5 == 0;
    rows.push_back({Value::Int32(k), Value::Int64(static_cast<int64_t>(*seq)),
                    Value::Varchar("value " + std::to_string(*seq))});
    changes.push_back({*seq, del ? ChangeOp::kDelete : ChangeOp::kUpsert, &rows.back()});
    if (del) {
      model->erase(std::to_string(k));
    } else {
      (*model)[std::to_string(k)] = static_cast<int64_t>(*seq);
    }
    if (rows.size() == 1000 || i + 1 == count) {
      WriteAll(sink, changes);
      rows.clear();
      changes.clear();
    }
  }
}

// The table's k -> seq, through our client's Scan.
std::map<std::string, int64_t> ReadBack(aws::DynamoDbClient& client, const std::string& table) {
  aws::ScanRequest scan;
  scan.table_name = table;
  auto all = client.ScanAll(scan);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  std::map<std::string, int64_t> out;
  if (!all.ok()) return out;
  for (const aws::Item& item : all->items) {
    out[item.Find("k")->scalar()] = std::stoll(item.Find("seq")->scalar());
  }
  return out;
}

TEST(ConnectorFaultsTest, HundredThousandChangesThroughFaultsEndEqual) {
  auto ddb = test::DynamoDbLocal::Start();
  ASSERT_TRUE(ddb.ok()) << ddb.status().ToString();
  auto client = MakeClient((*ddb)->endpoint());
  CreateTable(*client, "Faults", {{"k", aws::ScalarAttributeType::kN}});

  test::FaultOptions faults;
  faults.unprocessed = 0.06;
  faults.throttle = 0.04;
  faults.server_error = 0.03;
  faults.drop_before = 0.02;
  faults.drop_after = 0.02;
  faults.delay = 0.03;
  faults.max_delay = milliseconds(30);
  test::FaultProxy proxy((*ddb)->endpoint(), faults);

  SinkOptionList options = Options(proxy.url(), "Faults", "k");
  options.emplace_back("dynamodb.batch_write_retry_backoff_ms", "10");
  options.emplace_back("dynamodb.batch_write_retry_times", "8");
  options.emplace_back("dynamodb.max_future_send_nums", "32");
  ErrorTable errors;
  metrics::Registry registry;
  auto sink = OpenSink(options, Schema(), &errors, &registry);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();

  uint64_t seq = 0;
  std::map<std::string, int64_t> model;
  auto start = SteadyClock::now();
  Stream(**sink, 100000, 20000, &seq, &model, 1);
  Status flushed = (*sink)->Flush(SteadyClock::now() + std::chrono::seconds(100));
  ASSERT_TRUE(flushed.ok()) << flushed.ToString();
  auto elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  EXPECT_EQ((*sink)->AckedThrough(), seq);

  // DynamoDB holds exactly the final state: through our client, and through the AWS CLI.
  EXPECT_EQ(ReadBack(*client, "Faults"), model);
  auto cli_items = ScanByKey((*ddb)->endpoint(), "Faults", "k");
  ASSERT_EQ(cli_items.size(), model.size());
  for (const auto& [k, s] : model) {
    ASSERT_TRUE(cli_items.count(k)) << k;
    EXPECT_EQ(cli_items[k].Find("seq")->scalar(), std::to_string(s));
    EXPECT_EQ(cli_items[k].Find("v")->scalar(), "value " + std::to_string(s));
  }
  EXPECT_EQ(errors.size(), 0u);

  // Every kind of fault happened and the metrics show the retries.
  test::FaultCounts c = proxy.counts();
  EXPECT_GT(c.unprocessed_calls, 0u);
  EXPECT_GT(c.throttles, 0u);
  EXPECT_GT(c.server_errors, 0u);
  EXPECT_GT(c.drops_before, 0u);
  EXPECT_GT(c.drops_after, 0u);
  SinkMetrics& m = (*sink)->metrics();
  EXPECT_GE(m.unprocessed_items->value(), c.unprocessed_items);
  EXPECT_GE(m.throttles->value(), c.throttles);
  // Dropped connections may be retried by libcurl itself (a reused connection that died); the
  // other faults all reach the sink.
  EXPECT_GE(m.retries->value(), c.unprocessed_calls + c.throttles + c.server_errors);
  EXPECT_GE(m.call_errors("InternalServerError").value(), c.server_errors);
  EXPECT_GT(m.call_errors("Network").value(), 0u);
  std::string page = registry.RenderPrometheus();
  EXPECT_THAT(page, HasSubstr("dynasink_sink_retries_total{sink=\"s1\"}"));
  auto status = (*sink)->GetStatus();
  EXPECT_EQ(status.changes_delivered + status.changes_superseded, 100000u);
  std::printf(
      "100000 changes over 20000 keys in %.1f s: %llu calls through the proxy, %llu "
      "faults injected (%llu unprocessed calls, %llu throttles, %llu 500s, %llu drops "
      "before, %llu drops after), %llu retries, %llu superseded\n",
      elapsed, static_cast<unsigned long long>(c.requests),
      static_cast<unsigned long long>(c.injected()),
      static_cast<unsigned long long>(c.unprocessed_calls),
      static_cast<unsigned long long>(c.throttles),
      static_cast<unsigned long long>(c.server_errors),
      static_cast<unsigned long long>(c.drops_before),
      static_cast<unsigned long long>(c.drops_after),
      static_cast<unsigned long long>(m.retries->value()),
      static_cast<unsigned long long>(status.changes_superseded));
}

TEST(ConnectorFaultsTest, DynamoDbDownMidStreamThenBack) {
  std::string db_dir =
      (std::filesystem::temp_directory_path() / ("dynasink-outage-" + std::to_string(::getpid())))
          .string();
  test::DynamoDbLocalOptions ddb_options;
  ddb_options.db_path = db_dir;
  auto ddb = test::DynamoDbLocal::Start(ddb_options);
  ASSERT_TRUE(ddb.ok()) << ddb.status().ToString();
  auto client = MakeClient((*ddb)->endpoint());
  CreateTable(*client, "Outage", {{"k", aws::ScalarAttributeType::kN}});

  SinkOptionList options = Options((*ddb)->endpoint(), "Outage", "k");
  options.emplace_back("dynamodb.batch_write_retry_backoff_ms", "10");
  options.emplace_back("dynamodb.batch_write_retry_times", "2");
  ErrorTable errors;
  metrics::Registry registry;
  auto sink = OpenSink(options, Schema(), &errors, &registry);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();

  uint64_t seq = 0;
  std::map<std::string, int64_t> model;
  Stream(**sink, 5000, 500, &seq, &model, 2);
  ASSERT_TRUE((*sink)->Flush(Soon()).ok());
  uint64_t before = (*sink)->AckedThrough();

  ASSERT_TRUE((*ddb)->Stop().ok());
  Stream(**sink, 5000, 500, &seq, &model, 3);  // accepted into the buffer while it is down
  bool retrying = false;
  for (int i = 0; i < 200 && !retrying; ++i) {
    retrying = (*sink)->GetStatus().state == SinkState::kRetrying;
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_TRUE(retrying);
  auto status = (*sink)->GetStatus();
  EXPECT_THAT(status.last_error, HasSubstr("BatchWriteItem"));
  // Changes replaced by later ones to their keys are done, so the watermark may move, but not
  // to the end: the latest changes cannot be written.
  EXPECT_GE((*sink)->AckedThrough(), before);
  EXPECT_LT((*sink)->AckedThrough(), seq);
  Status f = (*sink)->Flush(SteadyClock::now() + milliseconds(200));
  EXPECT_EQ(f.code(), StatusCode::kTimeout);
  EXPECT_THAT(f.message(), HasSubstr("sink s1 has not caught up"));
  EXPECT_THAT(f.message(), HasSubstr("last error"));

  ASSERT_TRUE((*ddb)->Restart().ok());
  ASSERT_TRUE((*sink)->Flush(Soon()).ok());
  EXPECT_EQ((*sink)->AckedThrough(), seq);
  EXPECT_EQ((*sink)->GetStatus().state, SinkState::kRunning);
  EXPECT_EQ(ReadBack(*client, "Outage"), model);
  sink->reset();
  ddb->reset();
  std::filesystem::remove_all(db_dir);
}

}  // namespace
}  // namespace dynasink::connector::testing
