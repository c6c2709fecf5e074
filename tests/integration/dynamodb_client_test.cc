// DynamoDbClient against DynamoDB Local: every call, every AttributeValue kind read back through
// our client and through the AWS CLI, typed errors, Scan pagination over more than 1 MB, and
// UnprocessedItems resent until everything landed. Also the fixture's Stop() and Restart().
#include "aws/dynamodb_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>

#include "aws/credentials_static.h"
#include "aws/dynamodb_json.h"
#include "support/aws_cli.h"
#include "support/dynamodb_local.h"
#include "support/local_http_server.h"

namespace dynasink::aws {
namespace {

using std::chrono::milliseconds;
using test::AwsCli;
using test::DynamoDbLocal;
using AV = AttributeValue;

std::unique_ptr<DynamoDbClient> MakeClient(const std::string& endpoint,
                                           std::shared_ptr<HttpClient> http = nullptr) {
  DynamoDbClientOptions o;
  o.region = "us-east-1";
  o.endpoint_url = endpoint;
  o.credentials = std::make_shared<StaticCredentialsProvider>(
      Credentials{"AKIDDYNASINKTEST", "dynasink-integration-secret", "", std::nullopt});
  o.http = std::move(http);
  auto client = DynamoDbClient::Create(std::move(o));
  if (!client.ok()) ADD_FAILURE() << client.status().ToString();
  return std::move(client).value();
}

CreateTableRequest MoviesTable(const std::string& name) {
  CreateTableRequest r;
  r.table_name = name;
  r.key_schema = {{"year", KeyType::kHash}, {"title", KeyType::kRange}};
  r.attribute_definitions = {{"year", ScalarAttributeType::kN}, {"title", ScalarAttributeType::kS}};
  return r;
}

std::string AllBytes() {
  std::string b(256, '\0');
  for (int i = 0; i < 256; ++i)
    b[i] = static_cast<char>(i);
  return b;
}

// One item with every kind of value, nested.
Item EveryKind(int year, const std::string& title) {
  return Item{
      {"year", AV::N(int64_t{year})},
      {"title", AV::S(title)},
      {"text", AV::S("caf\xc3\xa9 \xf0\x9f\x8e\xac \"quoted\" \\ tab\t newline\n")},
      {"int", AV::N("-9223372036854775808")},
      {"big", AV::N("12345678901234567890123456789012345678")},  // 38 digits, beyond int64
      {"frac", AV::N("-0.000123")},
      {"bytes", AV::B(AllBytes())},
      {"yes", AV::Bool(true)},
      {"no", AV::Bool(false)},
      {"nothing", AV::Null()},
      {"map", AV::M({{"nested", AV::M({{"deep", AV::L({AV::N("1"), AV::Null(), AV::B("x")})}})},
                     {"empty_list", AV::L({})},
                     {"flag", AV::Bool(false)}})},
      {"list",
       AV::L({AV::S("a"), AV::N("2"), AV::M({{"k", AV::S("v")}}), AV::L({AV::Bool(true)})})},
      {"ss", AV::SS({"red", "green", "blue"})},
      {"ns", AV::NS({"1", "2.5", "-3"})},
      {"bs", AV::BS({"\x01\x02", std::string("\x00\xff", 2)})},
  };
}

class DynamoDbClientIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto ddb = DynamoDbLocal::Start();
    ASSERT_TRUE(ddb.ok()) << ddb.status().ToString();
    ddb_ = std::move(ddb).value().release();
  }
  static void TearDownTestSuite() {
    delete ddb_;
    ddb_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(ddb_, nullptr) << "DynamoDB Local did not start";
    client_ = MakeClient(ddb_->endpoint());
    ASSERT_NE(client_, nullptr);
  }

  void CreateMovies(const std::string& name) {
    auto created = client_->CreateTable(MoviesTable(name));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    auto active = client_->WaitForTableActive(name, milliseconds(30000));
    ASSERT_TRUE(active.ok()) << active.status().ToString();
  }

  static DynamoDbLocal* ddb_;
  std::unique_ptr<DynamoDbClient> client_;
};
DynamoDbLocal* DynamoDbClientIntegrationTest::ddb_ = nullptr;

TEST_F(DynamoDbClientIntegrationTest, TablesAreCreatedDescribedListedAndDeleted) {
  CreateTableRequest create = MoviesTable("Movies");
  auto created = client_->CreateTable(create);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->table_name, "Movies");

  auto table = client_->DescribeTable("Movies");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->table_status, "ACTIVE");
  EXPECT_EQ(table->key_schema, create.key_schema);
  EXPECT_EQ(table->hash_key(), "year");
  EXPECT_EQ(table->range_key(), "title");
  EXPECT_EQ(table->billing_mode, BillingMode::kPayPerRequest);

  // The AWS CLI sees the same table.
  AwsCli cli(ddb_->endpoint());
  auto described = cli.Run({"dynamodb", "describe-table", "--table-name", "Movies"});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  const auto& t = (*described)["Table"];
  EXPECT_STREQ(t["TableName"].GetString(), "Movies");
  EXPECT_STREQ(t["KeySchema"][0]["AttributeName"].GetString(), "year");
  EXPECT_STREQ(t["KeySchema"][0]["KeyType"].GetString(), "HASH");
  EXPECT_STREQ(t["KeySchema"][1]["AttributeName"].GetString(), "title");

  // Creating it again is a typed ResourceInUse error.
  auto again = client_->CreateTable(create);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, DynamoDbErrorKind::kResourceInUse);
  EXPECT_EQ(again.error().http_status, 400);
  EXPECT_FALSE(again.error().request_id.empty());

  // Provisioned billing with throughput.
  CreateTableRequest provisioned = MoviesTable("Provisioned");
  provisioned.billing_mode = BillingMode::kProvisioned;
  provisioned.provisioned_throughput = {7, 9};
  ASSERT_TRUE(client_->CreateTable(provisioned).ok());
  auto p = client_->DescribeTable("Provisioned");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->provisioned_throughput.read_capacity_units, 7);
  EXPECT_EQ(p->provisioned_throughput.write_capacity_units, 9);

  // ListTables pages.
  for (const char* name : {"ListA", "ListB", "ListC"})
    CreateMovies(name);
  ListTablesRequest first_page;
  first_page.limit = 2;
  auto page = client_->ListTables(first_page);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->table_names.size(), 2u);
  EXPECT_FALSE(page->last_evaluated_table_name.empty());
  auto all = client_->ListAllTables();
  ASSERT_TRUE(all.ok());
  for (const char* name : {"ListA", "ListB", "ListC", "Movies", "Provisioned"}) {
    EXPECT_NE(std::find(all->begin(), all->end(), name), all->end()) << name;
  }

  // Delete, then the table is gone for our client and for the CLI.
  auto deleted = client_->DeleteTable("Provisioned");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->table_name, "Provisioned");
  auto gone = client_->WaitForTableGone("Provisioned", milliseconds(30000));
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  auto missing = client_->DescribeTable("Provisioned");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, DynamoDbErrorKind::kResourceNotFound);
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_FALSE(cli.Run({"dynamodb", "describe-table", "--table-name", "Provisioned"}).ok());
}

TEST_F(DynamoDbClientIntegrationTest, EveryAttributeKindReadsBackThroughOurClientAndTheCli) {
  CreateMovies("Kinds");
  Item batch_item = EveryKind(2020, "through BatchWriteItem");
  Item put_item = EveryKind(2021, "through PutItem");
  BatchWriteItemRequest batch;
  batch.tables.push_back({"Kinds", {WriteRequest::Put(batch_item)}});
  auto written = client_->BatchWriteItem(batch);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_TRUE(written->all_processed());
  PutItemRequest put;
  put.table_name = "Kinds";
  put.item = put_item;
  ASSERT_TRUE(client_->PutItem(put).ok());

  // Our client: GetItem (consistent) and Scan.
  for (const Item* expected : {&batch_item, &put_item}) {
    GetItemRequest get;
    get.table_name = "Kinds";
    get.key = {{"year", *expected->Find("year")}, {"title", *expected->Find("title")}};
    get.consistent_read = true;
    auto got = client_->GetItem(get);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_TRUE(got->item.has_value());
    EXPECT_EQ(*got->item, *expected) << ItemToJson(*got->item);
  }
  ScanRequest scan;
  scan.table_name = "Kinds";
  auto scanned = client_->ScanAll(scan);
  ASSERT_TRUE(scanned.ok()) << scanned.status().ToString();
  ASSERT_EQ(scanned->items.size(), 2u);

  // The AWS CLI: scan and get-item, parsed from its output.
  AwsCli cli(ddb_->endpoint());
  auto cli_items = cli.ScanItems("Kinds");
  ASSERT_TRUE(cli_items.ok()) << cli_items.status().ToString();
  ASSERT_EQ(cli_items->size(), 2u);
  for (const Item& item : *cli_items) {
    const Item& expected = item.Find("year")->scalar() == "2020" ? batch_item : put_item;
    EXPECT_EQ(item, expected) << ItemToJson(item);
  }
  auto cli_get =
      cli.Run({"dynamodb", "get-item", "--table-name", "Kinds", "--consistent-read", "--key",
               R"({"year":{"N":"2020"},"title":{"S":"through BatchWriteItem"}})"});
  ASSERT_TRUE(cli_get.ok()) << cli_get.status().ToString();
  const auto& raw = (*cli_get)["Item"];
  // Checked against literals too, independently of our own JSON codec: base64 of bytes 0..255
  // begins "AAECAwQF" and ends "+/w==" when written by botocore.
  std::string b64(raw["bytes"]["B"].GetString(), raw["bytes"]["B"].GetStringLength());
  EXPECT_EQ(b64.substr(0, 8), "AAECAwQF");
  EXPECT_EQ(b64.substr(b64.size() - 5), "+/w==");
  EXPECT_STREQ(raw["big"]["N"].GetString(), "12345678901234567890123456789012345678");
  EXPECT_STREQ(raw["frac"]["N"].GetString(), "-0.000123");
  EXPECT_TRUE(raw["nothing"]["NULL"].GetBool());
  EXPECT_FALSE(raw["no"]["BOOL"].GetBool());
  EXPECT_STREQ(raw["map"]["M"]["nested"]["M"]["deep"]["L"][2]["B"].GetString(), "eA==");
  EXPECT_EQ(raw["ss"]["SS"].Size(), 3u);
  auto parsed = ParseItem(raw);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, batch_item);
}

TEST_F(DynamoDbClientIntegrationTest, ItemsWrittenByTheCliReadBackThroughOurClient) {
  CreateMovies("FromCli");
  AwsCli cli(ddb_->endpoint());
  auto put = cli.Run({"dynamodb", "put-item", "--table-name", "FromCli", "--item",
                      R"({"year":{"N":"1999"},"title":{"S":"The Matrix"},"b":{"B":"AP8="},)"
                      R"("m":{"M":{"l":{"L":[{"N":"1"},{"NULL":true}]}}},"ns":{"NS":["7","8"]}})"});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  GetItemRequest get;
  get.table_name = "FromCli";
  get.key = {{"year", AV::N("1999")}, {"title", AV::S("The Matrix")}};
  auto got = client_->GetItem(get);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->item.has_value());
  Item expected{{"year", AV::N("1999")},
                {"title", AV::S("The Matrix")},
                {"b", AV::B(std::string("\x00\xff", 2))},
                {"m", AV::M({{"l", AV::L({AV::N("1"), AV::Null()})}})},
                {"ns", AV::NS({"8", "7"})}};
  EXPECT_EQ(*got->item, expected) << ItemToJson(*got->item);

  // Deleting through our client removes it for the CLI too.
  DeleteItemRequest del;
  del.table_name = "FromCli";
  del.key = get.key;
  ASSERT_TRUE(client_->DeleteItem(del).ok());
  auto after = client_->GetItem(get);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->item.has_value());
  auto cli_items = cli.ScanItems("FromCli");
  ASSERT_TRUE(cli_items.ok()) << cli_items.status().ToString();
  EXPECT_TRUE(cli_items->empty());
}

TEST_F(DynamoDbClientIntegrationTest, BatchWritesPutsAndDeletesTogether) {
  CreateMovies("Batch");
  BatchWriteItemRequest puts;
  puts.tables.push_back({"Batch", {}});
  for (int i = 0; i < 25; ++i) {
    puts.tables[0].requests.push_back(WriteRequest::Put(
        {{"year", AV::N(int64_t{2000 + i})}, {"title", AV::S("t")}, {"i", AV::N(int64_t{i})}}));
  }
  auto r = client_->BatchWriteItem(puts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  BatchWriteItemRequest mixed;
  mixed.tables.push_back({"Batch", {}});
  for (int i = 0; i < 10; ++i) {
    mixed.tables[0].requests.push_back(
        WriteRequest::Delete({{"year", AV::N(int64_t{2000 + i})}, {"title", AV::S("t")}}));
  }
  mixed.tables[0].requests.push_back(
      WriteRequest::Put({{"year", AV::N("1990")}, {"title", AV::S("new")}}));
  ASSERT_TRUE(client_->BatchWriteItem(mixed).ok());
  AwsCli cli(ddb_->endpoint());
  auto items = cli.ScanItems("Batch");
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  EXPECT_EQ(items->size(), 16u);
  for (const Item& item : *items) {
    int64_t year = std::stoll(item.Find("year")->scalar());
    EXPECT_TRUE(year == 1990 || year >= 2010) << year;
  }
}

TEST_F(DynamoDbClientIntegrationTest, DynamoDbErrorsComeBackTyped) {
  CreateMovies("Errors");
  // A missing table.
  PutItemRequest put;
  put.table_name = "NoSuchTable";
  put.item = {{"year", AV::N("1")}, {"title", AV::S("x")}};
  auto missing = client_->PutItem(put);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, DynamoDbErrorKind::kResourceNotFound);
  EXPECT_EQ(missing.error().type, "ResourceNotFoundException");
  EXPECT_FALSE(missing.error().retryable());

  // The same key twice in one batch.
  BatchWriteItemRequest dup;
  dup.tables.push_back({"Errors",
                        {WriteRequest::Put({{"year", AV::N("1")}, {"title", AV::S("x")}}),
                         WriteRequest::Put({{"year", AV::N("1")}, {"title", AV::S("x")}})}});
  auto dup_result = client_->BatchWriteItem(dup);
  ASSERT_FALSE(dup_result.ok());
  EXPECT_EQ(dup_result.error().kind, DynamoDbErrorKind::kValidation);
  EXPECT_NE(dup_result.error().message.find("duplicates"), std::string::npos)
      << dup_result.error().message;
  EXPECT_EQ(dup_result.status().code(), StatusCode::kInvalidArgument);

  // More than 25 requests.
  BatchWriteItemRequest big;
  big.tables.push_back({"Errors", {}});
  for (int i = 0; i < 26; ++i) {
    big.tables[0].requests.push_back(
        WriteRequest::Put({{"year", AV::N(int64_t{i})}, {"title", AV::S("x")}}));
  }
  auto big_result = client_->BatchWriteItem(big);
  ASSERT_FALSE(big_result.ok());
  EXPECT_EQ(big_result.error().kind, DynamoDbErrorKind::kValidation);

  // A key of the wrong type.
  put.table_name = "Errors";
  put.item = {{"year", AV::S("not a number")}, {"title", AV::S("x")}};
  auto wrong_type = client_->PutItem(put);
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().kind, DynamoDbErrorKind::kValidation);

  // A failed condition.
  put.item = {{"year", AV::N("5")}, {"title", AV::S("x")}};
  ASSERT_TRUE(client_->PutItem(put).ok());
  put.condition.expression = "attribute_not_exists(#y)";
  put.condition.names = {{"#y", "year"}};
  auto conditional = client_->PutItem(put);
  ASSERT_FALSE(conditional.ok());
  EXPECT_EQ(conditional.error().kind, DynamoDbErrorKind::kConditionalCheckFailed);
  EXPECT_EQ(conditional.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(DynamoDbClientIntegrationTest, ScanPaginatesOverMoreThanOneMegabyte) {
  CreateMovies("Large");
  constexpr int kItems = 300;
  const std::string filler(5000, 'x');  // 300 x ~5 KB = ~1.5 MB
  std::atomic<int> failures{0}, pending{0};
  std::mutex mu;
  std::condition_variable cv;
  for (int start = 0; start < kItems; start += 25) {
    BatchWriteItemRequest batch;
    batch.tables.push_back({"Large", {}});
    for (int i = start; i < start + 25; ++i) {
      batch.tables[0].requests.push_back(WriteRequest::Put(
          {{"year", AV::N(int64_t{i})}, {"title", AV::S("t")}, {"filler", AV::S(filler)}}));
    }
    ++pending;
    client_->BatchWriteItemAsync(batch, [&](DynamoDbResult<BatchWriteItemResponse> r) {
      if (!r.ok() || !r->all_processed()) ++failures;
      std::lock_guard<std::mutex> lock(mu);
      if (--pending == 0) cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(120), [&] { return pending == 0; }));
  }
  ASSERT_EQ(failures.load(), 0);

  // Without a limit, a page stops at 1 MB.
  ScanRequest scan;
  scan.table_name = "Large";
  auto first = client_->Scan(scan);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_LT(first->items.size(), static_cast<size_t>(kItems));
  ASSERT_TRUE(first->last_evaluated_key.has_value());
  auto all = client_->ScanAll(scan);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->items.size(), static_cast<size_t>(kItems));
  EXPECT_EQ(all->count, kItems);

  // A small Limit: pages of at most 7 items, every item exactly once.
  scan.limit = 7;
  int pages = 0;
  std::set<int64_t> years;
  std::optional<Item> start;
  do {
    scan.exclusive_start_key = start;
    auto page = client_->Scan(scan);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->items.size(), 7u);
    for (const Item& item : page->items) {
      EXPECT_TRUE(years.insert(std::stoll(item.Find("year")->scalar())).second);
      EXPECT_EQ(item.Find("filler")->scalar().size(), filler.size());
    }
    start = page->last_evaluated_key;
    ASSERT_LT(++pages, 100);
  } while (start);
  EXPECT_EQ(years.size(), static_cast<size_t>(kItems));
  EXPECT_GE(pages, kItems / 7);

  AwsCli cli(ddb_->endpoint());
  auto count = cli.Run({"dynamodb", "scan", "--table-name", "Large", "--select", "COUNT"});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ((*count)["Count"].GetInt(), kItems);
}

// A proxy in front of DynamoDB Local that, like a throttled table, processes only the first
// `keep` write requests of each BatchWriteItem and returns the rest as UnprocessedItems.
class ThrottlingProxy {
 public:
  ThrottlingProxy(const std::string& upstream, size_t keep)
      : upstream_(upstream),
        keep_(keep),
        http_(HttpClient::Create()),
        server_([this](const test::ServerRequest& req) { return Handle(req); }) {}

  std::string url() const { return server_.url(); }
  int batches() const { return batches_.load(); }

 private:
  test::ServerResponse Handle(const test::ServerRequest& req) {
    HttpRequest forward;
    forward.method = "POST";
    forward.url = upstream_ + "/";
    for (const auto& [name, value] : req.headers) {
      if (name != "host" && name != "content-length" && name != "connection") {
        forward.headers.emplace_back(name, value);
      }
    }
    rapidjson::Document unprocessed(rapidjson::kObjectType);
    auto& alloc = unprocessed.GetAllocator();
    forward.body = req.body;
    if (req.header("x-amz-target") == "DynamoDB_20120810.BatchWriteItem") {
      ++batches_;
      rapidjson::Document doc;
      doc.Parse(req.body.data(), req.body.size());
      for (auto& table : doc["RequestItems"].GetObject()) {
        auto& requests = table.value;
        if (requests.Size() <= keep_) continue;
        rapidjson::Value rest(rapidjson::kArrayType);
        for (size_t i = keep_; i < requests.Size(); ++i) {
          rest.PushBack(rapidjson::Value(requests[static_cast<rapidjson::SizeType>(i)], alloc),
                        alloc);
        }
        while (requests.Size() > keep_)
          requests.PopBack();
        unprocessed.AddMember(rapidjson::Value(table.name, alloc), rest, alloc);
      }
      JsonBuffer buffer;
      JsonWriter writer(buffer);
      doc.Accept(writer);
      forward.body.assign(buffer.GetString(), buffer.GetSize());
    }
    auto upstream = http_->SendSync(std::move(forward));
    if (!upstream.ok()) return test::ServerResponse::Text(502, upstream.status().ToString());
    if (upstream->status != 200 || unprocessed.MemberCount() == 0) {
      return test::ServerResponse::Json(upstream->status, upstream->body);
    }
    rapidjson::Document answer(rapidjson::kObjectType);
    answer.AddMember("UnprocessedItems", rapidjson::Value(unprocessed, answer.GetAllocator()),
                     answer.GetAllocator());
    JsonBuffer buffer;
    JsonWriter writer(buffer);
    answer.Accept(writer);
    return test::ServerResponse::Json(200, buffer.GetString());
  }

  std::string upstream_;
  size_t keep_;
  std::atomic<int> batches_{0};
  std::shared_ptr<HttpClient> http_;
  test::LocalHttpServer server_;
};

TEST_F(DynamoDbClientIntegrationTest, UnprocessedItemsAreParsedBackAndResentUntilWritten) {
  CreateMovies("Unprocessed");
  ThrottlingProxy proxy(ddb_->endpoint(), /*keep=*/10);
  auto client = MakeClient(proxy.url());
  BatchWriteItemRequest request;
  request.tables.push_back({"Unprocessed", {}});
  for (int i = 0; i < 25; ++i) {
    request.tables[0].requests.push_back(WriteRequest::Put(
        {{"year", AV::N(int64_t{i})}, {"title", AV::S("u")}, {"l", AV::L({AV::N(int64_t{i})})}}));
  }
  auto first = client->BatchWriteItem(request);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->unprocessed_count(), 15u);
  // What came back is exactly what was not written, in our own request form.
  for (size_t i = 0; i < 15; ++i) {
    EXPECT_EQ(first->unprocessed_items[0].requests[i], request.tables[0].requests[10 + i]);
  }
  BatchWriteItemRequest retry{first->unprocessed_items};
  int rounds = 1;
  while (!retry.tables.empty()) {
    auto r = client->BatchWriteItem(retry);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    retry.tables = r->unprocessed_items;
    ASSERT_LT(++rounds, 10);
  }
  EXPECT_EQ(rounds, 3);  // 25 = 10 + 10 + 5
  EXPECT_EQ(proxy.batches(), 3);
  AwsCli cli(ddb_->endpoint());
  auto items = cli.ScanItems("Unprocessed");
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  EXPECT_EQ(items->size(), 25u);
}

TEST(DynamoDbLocalFixtureTest, RestartKeepsDataWithDbPathAndReusesThePort) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("dynasink-ddb-restart-" + std::to_string(getpid())))
                        .string();
  std::filesystem::remove_all(dir);
  test::DynamoDbLocalOptions options;
  options.db_path = dir;
  auto ddb = DynamoDbLocal::Start(options);
  ASSERT_TRUE(ddb.ok()) << ddb.status().ToString();
  const int port = (*ddb)->port();
  const pid_t first_pid = (*ddb)->pid();
  {
    auto client = MakeClient((*ddb)->endpoint());
    ASSERT_TRUE(client->CreateTable(MoviesTable("Durable")).ok());
    PutItemRequest put;
    put.table_name = "Durable";
    put.item = {{"year", AV::N("2023")}, {"title", AV::S("kept")}};
    ASSERT_TRUE(client->PutItem(put).ok());
  }
  ASSERT_TRUE((*ddb)->Stop().ok());
  EXPECT_FALSE((*ddb)->running());
  EXPECT_EQ(kill(first_pid, 0), -1);  // the JVM is gone (and reaped)
  ASSERT_TRUE((*ddb)->Restart().ok());
  EXPECT_EQ((*ddb)->port(), port);
  EXPECT_NE((*ddb)->pid(), first_pid);
  auto client = MakeClient((*ddb)->endpoint());
  GetItemRequest get;
  get.table_name = "Durable";
  get.key = {{"year", AV::N("2023")}, {"title", AV::S("kept")}};
  auto got = client->GetItem(get);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->item.has_value());
  client.reset();
  ddb->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dynasink::aws
