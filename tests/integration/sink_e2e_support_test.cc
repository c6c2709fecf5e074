// The end-to-end tests' own tooling (support/sink_e2e.h), checked on its own so that a sink test
// failing means the sink, not the harness: number normal forms, item differences, Prometheus
// parsing, the recording proxy on the wire against DynamoDB Local, the CLI and client scans
// agreeing, ItemsFromQuery and psql against a real server, and the metrics page over HTTP.
#include <filesystem>
#include <fstream>

#include "sink_test_util.h"

namespace dynasink::test {
namespace {

using AV = aws::AttributeValue;
using ::testing::HasSubstr;

TEST(SinkE2eSupport, CanonicalNumber) {
  EXPECT_EQ(CanonicalNumber("1.10"), "1.1");
  EXPECT_EQ(CanonicalNumber("1000"), "1000");
  EXPECT_EQ(CanonicalNumber("1e+16"), "10000000000000000");
  EXPECT_EQ(CanonicalNumber("1e-07"), "0.0000001");
  EXPECT_EQ(CanonicalNumber("-0.0"), "0");
  EXPECT_EQ(CanonicalNumber("+007.500"), "7.5");
  EXPECT_EQ(CanonicalNumber("-2.50"), "-2.5");
  EXPECT_EQ(CanonicalNumber(".5"), "0.5");
  EXPECT_EQ(CanonicalNumber("5."), "5");
  EXPECT_EQ(CanonicalNumber("1.5E2"), "150");
  EXPECT_EQ(CanonicalNumber("123.456e-1"), "12.3456");
  EXPECT_EQ(CanonicalNumber("-9.9999999999999999999999999999999999999E+125"),
            "-" + std::string(38, '9') + std::string(88, '0'));
  EXPECT_EQ(CanonicalNumber("1E-130"), "0." + std::string(129, '0') + "1");
  EXPECT_EQ(CanonicalNumber("0.30000000000000004"), "0.30000000000000004");
  // Not numbers: unchanged, so they never compare equal to one by accident.
  EXPECT_EQ(CanonicalNumber("NaN"), "NaN");
  EXPECT_EQ(CanonicalNumber("1e"), "1e");
  EXPECT_EQ(CanonicalNumber("1.2.3"), "1.2.3");
  EXPECT_EQ(CanonicalNumber(""), "");
}

TEST(SinkE2eSupport, DiffItemsNamesEachDifference) {
  auto item = [](int k, AV v) { return aws::Item{{"k", AV::N(k)}, {"v", std::move(v)}}; };
  ItemsByKey want, got;
  want["1"] = item(1, AV::N("1.10"));
  got["1"] = item(1, AV::N("1.1"));  // equal by value
  want["2"] = item(2, AV::M({{"a", AV::L({AV::S("x"), AV::Null()})}}));
  got["2"] = item(2, AV::M({{"a", AV::L({AV::S("x"), AV::Null()})}}));
  EXPECT_EQ(DiffItems(want, got), "");

  got["2"] = item(2, AV::M({{"a", AV::L({AV::S("x"), AV::S("")})}}));
  want["3"] = item(3, AV::S("only wanted"));
  got["4"] = item(4, AV::S("only got"));
  got["1"] = item(1, AV::S("1.1"));
  std::string diff = DiffItems(want, got);
  EXPECT_THAT(diff, HasSubstr(R"(item 1.v: S {"S":"1.1"}, want N {"N":"1.10"})"));
  EXPECT_THAT(diff, HasSubstr("item 2.v.a[1]: S"));
  EXPECT_THAT(diff, HasSubstr("missing item 3"));
  EXPECT_THAT(diff, HasSubstr("unexpected item 4"));
  EXPECT_THAT(diff, HasSubstr("(3 items expected, 3 found)"));
  // An attribute too many or too few is a difference too.
  ItemsByKey extra = {{"1", aws::Item{{"k", AV::N(1)}, {"v", AV::N(1)}, {"w", AV::Null()}}}};
  ItemsByKey fewer = {{"1", aws::Item{{"k", AV::N(1)}}}};
  EXPECT_THAT(DiffItems(fewer, extra), HasSubstr("unexpected"));
  EXPECT_THAT(DiffItems(extra, fewer), HasSubstr("missing"));
  EXPECT_EQ(KeyText(aws::Item{{"y", AV::N("2017.0")}, {"b", AV::B(std::string("\x01\xff", 2))}},
                    {"y", "b"}),
            "2017|01ff");
}

TEST(SinkE2eSupport, MetricValue) {
  const std::string page =
      "# HELP dynasink_sink_items_written_total Items.\n"
      "# TYPE dynasink_sink_items_written_total counter\n"
      "dynasink_sink_items_written_total{op=\"delete\",sink=\"s1\"} 3\n"
      "dynasink_sink_items_written_total{op=\"put\",sink=\"s1\"} 40\n"
      "dynasink_sink_items_written_total{op=\"put\",sink=\"s10\"} 500\n"
      "dynasink_sink_items_written_total_more{sink=\"s1\"} 7\n"
      "dynasink_sink_lag_seconds{sink=\"s1\"} 0.25\n"
      "dynasink_up 1\n";
  EXPECT_EQ(MetricValue(page, "dynasink_sink_items_written_total", {{"sink", "s1"}}), 43);
  EXPECT_EQ(MetricValue(page, "dynasink_sink_items_written_total", {{"sink", "s1"}, {"op", "put"}}),
            40);
  EXPECT_EQ(MetricValue(page, "dynasink_sink_items_written_total", {}), 543);
  EXPECT_EQ(MetricValue(page, "dynasink_sink_lag_seconds", {{"sink", "s1"}}), 0.25);
  EXPECT_EQ(MetricValue(page, "dynasink_up", {}), 1);
  EXPECT_EQ(MetricValue(page, "dynasink_sink_retries_total", {{"sink", "s1"}}), 0);
}

class SinkE2eSupportBedTest : public SinkE2eTest {};

// The recording proxy forwards unchanged and shows exactly what was sent: our client writes
// through it, and what it recorded, what the client got back and what the AWS CLI reads agree.
TEST_F(SinkE2eSupportBedTest, RecordingProxyAndScans) {
  ASSERT_TRUE(
      CreateDynamoTable(endpoint(), "Proxied", {{"pk", KeyType::kS}, {"sk", KeyType::kN}}).ok());
  RecordingProxy proxy(endpoint());
  auto client = MakeTestDynamoClient(proxy.url());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  aws::BatchWriteItemRequest request;
  request.tables.push_back({"Proxied", {}});
  for (int i = 0; i < 20; ++i) {
    request.tables[0].requests.push_back(aws::WriteRequest::Put(
        aws::Item{{"pk", AV::S("p" + std::to_string(i % 4))},
                  {"sk", AV::N(std::to_string(i) + ".50")},
                  {"m", AV::M({{"l", AV::L({AV::Null(), AV::Bool(true)})}})}}));
  }
  auto written = (*client)->BatchWriteItem(request);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  aws::BatchWriteItemRequest deletes;
  deletes.tables.push_back({"Proxied", {}});
  deletes.tables[0].requests.push_back(
      aws::WriteRequest::Delete(aws::Item{{"pk", AV::S("p0")}, {"sk", AV::N("0.50")}}));
  ASSERT_TRUE((*client)->BatchWriteItem(deletes).ok());

  std::vector<RecordedBatch> batches = proxy.batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].status, 200);
  EXPECT_EQ(batches[0].unprocessed, 0u);
  ASSERT_EQ(batches[0].writes.size(), 20u);
  EXPECT_FALSE(batches[0].writes[3].is_delete);
  EXPECT_EQ(batches[0].writes[3].table, "Proxied");
  // The number text exactly as sent, before DynamoDB normalises it.
  EXPECT_THAT(batches[0].writes[3].json, HasSubstr("\"3.50\""));
  EXPECT_LE(batches[0].received, batches[0].answered);
  ASSERT_EQ(batches[1].writes.size(), 1u);
  EXPECT_TRUE(batches[1].writes[0].is_delete);
  EXPECT_EQ(batches[1].writes[0].item.size(), 2u);

  auto cli = ScanWithCli(endpoint(), "Proxied", {"pk", "sk"});
  ASSERT_TRUE(cli.ok()) << cli.status().ToString();
  auto ours = ScanWithClient(endpoint(), "Proxied", {"pk", "sk"});
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  EXPECT_EQ(cli->size(), 19u);
  EXPECT_EQ(DiffItems(*ours, *cli), "");
  EXPECT_FALSE(cli->count("p0|0.5"));
  ASSERT_TRUE(cli->count("p1|1.5"));
  EXPECT_EQ(cli->at("p1|1.5").Find("sk")->scalar(), "1.5");  // normalised by DynamoDB
}

// ItemsFromQuery and DynamoMatchesQuery against a real server and DynamoDB Local: a table whose
// rows were written to DynamoDB by our client matches, and one changed row is reported.
TEST_F(SinkE2eSupportBedTest, ItemsFromQueryAgainstTheServer) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "FromQuery", {{"k", KeyType::kN}}).ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE from_query (k int PRIMARY KEY, v varchar, n numeric, "
                    "b boolean);"
                    "INSERT INTO from_query VALUES (1, 'a', 1.50, true), (2, NULL, -3, "
                    "false), (3, '', NULL, NULL)"));
  auto client = MakeTestDynamoClient(endpoint());
  ASSERT_TRUE(client.ok());
  auto want = ItemsFromQuery(sql(), "SELECT k, v, n, b FROM from_query",
                             {AttrKind::kN, AttrKind::kS, AttrKind::kN, AttrKind::kBool}, {"k"});
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  ASSERT_EQ(want->size(), 3u);
  EXPECT_EQ(aws::ItemToJson(want->at("2")),
            R"({"k":{"N":"2"},"v":{"NULL":true},"n":{"N":"-3"},"b":{"BOOL":false}})");
  for (const auto& [key, item] : *want) {
    aws::PutItemRequest put;
    put.table_name = "FromQuery";
    put.item = item;
    ASSERT_TRUE((*client)->PutItem(put).ok());
  }
  const std::vector<AttrKind> kinds = {AttrKind::kN, AttrKind::kS, AttrKind::kN, AttrKind::kBool};
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "FromQuery",
                                 "SELECT k, v, n, b FROM from_query", kinds, {"k"}));
  ASSERT_TRUE(SqlOk(sql(), "UPDATE from_query SET n = 1.51 WHERE k = 1"));
  auto mismatch = DynamoMatchesQuery(sql(), endpoint(), "FromQuery",
                                     "SELECT k, v, n, b FROM from_query", kinds, {"k"});
  EXPECT_FALSE(mismatch);
  EXPECT_THAT(mismatch.message(), HasSubstr("item 1.n: N 1.5, want N 1.51"));
  ASSERT_TRUE(SqlOk(sql(), "DROP TABLE from_query"));
}

TEST_F(SinkE2eSupportBedTest, PsqlAndMetricsPage) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("dynasink-sinke2e-support-" + std::to_string(::getpid()) + ".sql"))
                         .string();
  std::ofstream(path) << "CREATE TABLE psql_t (a int PRIMARY KEY);\n"
                         "INSERT INTO psql_t VALUES (1), (2);\n"
                         "SELECT count(*) FROM psql_t;\n"
                         "DROP TABLE psql_t;\n";
  auto out = RunPsqlFile(bed_->server(), path);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->exit_code, 0) << out->err;
  EXPECT_THAT(out->out, HasSubstr("INSERT 0 2"));
  // ON_ERROR_STOP: the first error ends the script with exit code 3.
  std::ofstream(path) << "SELECT * FROM missing;\nSELECT 1;\n";
  out = RunPsqlFile(bed_->server(), path);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->exit_code, 3);
  EXPECT_THAT(out->err, HasSubstr("relation \"missing\" does not exist"));
  std::filesystem::remove(path);

  ASSERT_GT(bed_->server().metrics_port(), 0);
  auto page = FetchMetricsPage(bed_->server().metrics_port());
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  // No sink exists, so no sink series (the page may well be empty).
  EXPECT_THAT(*page, ::testing::Not(HasSubstr("dynasink_sink_")));
}

}  // namespace
}  // namespace dynasink::test
