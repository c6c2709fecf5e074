// Validation of a DynamoDB sink before anything is written, against DynamoDB Local and, for what
// DynamoDB Local cannot show (bad credentials, a table not yet ACTIVE), against a local fake
// endpoint; then the reference case of COMPATIBILITY.md section 7 at the connector level, with
// the items checked through the AWS CLI.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connector_test_util.h"
#include "support/aws_test_env.h"
#include "support/local_http_server.h"

namespace dynasink::connector::testing {
namespace {

using ::testing::HasSubstr;

SinkSchema MoviesSchema() {
  return {{"year", "title", "description"},
          {DataType(TypeId::kInt32), DataType(TypeId::kVarchar), DataType(TypeId::kVarchar)}};
}

class ConnectorValidationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto ddb = test::DynamoDbLocal::Start();
    ASSERT_TRUE(ddb.ok()) << ddb.status().ToString();
    ddb_ = std::move(ddb).value().release();
    auto client = MakeClient(ddb_->endpoint());
    CreateTable(*client, "Movies",
                {{"year", aws::ScalarAttributeType::kN}, {"title", aws::ScalarAttributeType::kS}});
  }
  static void TearDownTestSuite() {
    delete ddb_;
    ddb_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(ddb_, nullptr) << "DynamoDB Local did not start"; }

  Status Open(const SinkOptionList& options, SinkSchema schema = MoviesSchema()) {
    auto sink = OpenSink(options, std::move(schema), &errors_, &registry_);
    return sink.status();
  }

  static test::DynamoDbLocal* ddb_;
  ErrorTable errors_;
  metrics::Registry registry_;
};
test::DynamoDbLocal* ConnectorValidationTest::ddb_ = nullptr;

TEST_F(ConnectorValidationTest, MissingTable) {
  Status s = Open(Options(ddb_->endpoint(), "NoSuchTable", "year,title"));
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("table NoSuchTable not found"));
}

TEST_F(ConnectorValidationTest, KeyMismatchComparedAsSets) {
  Status s = Open(Options(ddb_->endpoint(), "Movies", "year"));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "DynamoDB table Movies primary key [\"year\", \"title\"] must match RisingWave "
            "primary key [\"year\"]");
  EXPECT_THAT(Open(Options(ddb_->endpoint(), "Movies", "year,description")).message(),
              HasSubstr("must match RisingWave primary key [\"year\", \"description\"]"));
  // The order does not matter.
  EXPECT_TRUE(Open(Options(ddb_->endpoint(), "Movies", "title, year")).ok());
}

TEST_F(ConnectorValidationTest, KeyColumnNotFound) {
  Status s = Open(Options(ddb_->endpoint(), "Movies", "year;title"));
  EXPECT_EQ(s.message(),
            "Sink primary key column not found: year;title. Please use ',' as the delimiter for "
            "different primary key columns.");
}

TEST_F(ConnectorValidationTest, WrongKeyType) {
  SinkSchema schema{
      {"year", "title", "description"},
      {DataType(TypeId::kVarchar), DataType(TypeId::kVarchar), DataType(TypeId::kVarchar)}};
  Status s = Open(Options(ddb_->endpoint(), "Movies", "year,title"), schema);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("DynamoDB table Movies key attribute year has type N "
                                     "(number), but sink column year has type character "
                                     "varying, which the sink writes as S (string)"));
  EXPECT_THAT(s.message(), HasSubstr("year::numeric"));
  // timestamp is written as S: it fits an S key.
  SinkSchema ts{{"year", "title"}, {DataType(TypeId::kInt64), DataType(TypeId::kTimestamp)}};
  EXPECT_TRUE(Open(Options(ddb_->endpoint(), "Movies", "year,title"), ts).ok());
}

TEST_F(ConnectorValidationTest, UnreachableEndpoint) {
  auto port = test::PickFreeLoopbackPort();
  ASSERT_TRUE(port.ok());
  std::string url = "http://127.0.0.1:" + std::to_string(*port);
  Status s = Open(Options(url, "Movies", "year,title"));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("cannot reach DynamoDB at " + url));
  EXPECT_THAT(s.message(), HasSubstr("check aws.endpoint_url"));
}

TEST_F(ConnectorValidationTest, BadCredentials) {
  // DynamoDB Local accepts any key, so a fake answers as DynamoDB does for an unknown one.
  test::LocalHttpServer fake([](const test::ServerRequest&) {
    test::ServerResponse r = test::ServerResponse::Json(
        400, R"({"__type":"com.amazon.coral.service#UnrecognizedClientException",)"
             R"("message":"The security token included in the request is invalid."})");
    r.headers.emplace_back("x-amzn-RequestId", "r1");
    return r;
  });
  SinkOptionList options = Options(fake.url(), "Movies", "year,title");
  const std::string secret = "ThisSecretMustNeverBeShown123";
  for (auto& [k, v] : options) {
    if (k == "aws.credentials.secret_access_key") v = secret;
  }
  Status s = Open(options);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("refused the sink's credentials"));
  EXPECT_THAT(s.message(), HasSubstr("UnrecognizedClientException"));
  EXPECT_THAT(s.message(), HasSubstr("check aws.credentials.access_key_id"));
  EXPECT_EQ(s.message().find(secret), std::string::npos);
}

TEST_F(ConnectorValidationTest, NoCredentialsAtAll) {
  test::ScopedAwsEnvironment env;  // no keys in the environment, no profile, no metadata
  SinkOptionList options = {{"table", "Movies"},
                            {"primary_key", "year,title"},
                            {"aws.region", "us-east-1"},
                            {"aws.endpoint_url", ddb_->endpoint()}};
  Status s = Open(options);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("no AWS credentials for the sink"));
}

TEST_F(ConnectorValidationTest, CredentialsFromAProfile) {
  test::ScopedAwsEnvironment env;
  env.WriteFile(".aws/credentials",
                "[sinkprofile]\naws_access_key_id = AKIDPROFILE\n"
                "aws_secret_access_key = profile-secret-value\n");
  SinkOptionList options = {{"table", "Movies"},
                            {"primary_key", "year,title"},
                            {"region", "us-east-1"},
                            {"endpoint", ddb_->endpoint()},
                            {"profile", "sinkprofile"}};
  EXPECT_TRUE(Open(options).ok());
}

TEST_F(ConnectorValidationTest, TableNotActive) {
  test::LocalHttpServer fake([](const test::ServerRequest&) {
    return test::ServerResponse::Json(
        200, R"({"Table":{"TableName":"Movies","TableStatus":"CREATING",)"
             R"("KeySchema":[{"AttributeName":"year","KeyType":"HASH"}],)"
             R"("AttributeDefinitions":[{"AttributeName":"year","AttributeType":"N"}]}})");
  });
  Status s = Open(Options(fake.url(), "Movies", "year"));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("table Movies is not active (status CREATING)"));
}

// COMPATIBILITY.md section 7, the changes as the runtime hands them over.
TEST_F(ConnectorValidationTest, ReferenceCaseLeavesExactlyFourItems) {
  auto client = MakeClient(ddb_->endpoint());
  CreateTable(*client, "Reference",
              {{"year", aws::ScalarAttributeType::kN}, {"title", aws::ScalarAttributeType::kS}});
  auto sink = OpenSink(Options(ddb_->endpoint(), "Reference", "year,title"), MoviesSchema(),
                       &errors_, &registry_);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  uint64_t seq = 0;
  std::vector<types::Row> rows;
  auto step = [&](std::vector<std::pair<ChangeOp, types::Row>> changes) {
    rows.clear();
    for (auto& c : changes)
      rows.push_back(c.second);
    std::vector<SinkChange> out;
    for (size_t i = 0; i < changes.size(); ++i)
      out.push_back({++seq, changes[i].first, &rows[i]});
    WriteAll(**sink, out);
    ASSERT_TRUE((*sink)->Flush(Soon()).ok());  // FLUSH
  };
  auto row = [](int year, const char* title, const char* d) {
    return types::Row{Value::Int32(year), Value::Varchar(title), Value::Varchar(d)};
  };
  step({{ChangeOp::kUpsert, row(2020, "The Emoji Movie", "a")},
        {ChangeOp::kUpsert, row(2019, "Avengers: Endgame", "b")},
        {ChangeOp::kUpsert, row(2018, "Black Panther", "c")},
        {ChangeOp::kUpsert, row(2017, "Wonder Woman", "d")},
        {ChangeOp::kUpsert, row(2023, "Beautiful beauty", "ABC DUMMY")}});
  step({{ChangeOp::kDelete, row(2023, "Beautiful beauty", "ABC DUMMY")}});
  step({{ChangeOp::kDelete, row(2017, "Wonder Woman", "d")}});
  step({{ChangeOp::kUpsert, row(2017, "Beautiful beauty", "ABC DUMMY")}});
  step({{ChangeOp::kUpsert, row(2017, "Beautiful beauty", "ABC")}});  // the update's new half
  auto items = ScanByKey(ddb_->endpoint(), "Reference", "year");
  ASSERT_EQ(items.size(), 4u);
  std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"2017", {"Beautiful beauty", "ABC"}},
      {"2018", {"Black Panther", "c"}},
      {"2019", {"Avengers: Endgame", "b"}},
      {"2020", {"The Emoji Movie", "a"}}};
  for (const auto& [year, want] : expected) {
    ASSERT_TRUE(items.count(year)) << year;
    EXPECT_EQ(items[year].Find("title")->scalar(), want.first);
    EXPECT_EQ(items[year].Find("description")->scalar(), want.second);
    EXPECT_EQ(items[year].size(), 3u);
  }
  EXPECT_EQ(errors_.size(), 0u);
  EXPECT_EQ((*sink)->AckedThrough(), seq);
}

}  // namespace
}  // namespace dynasink::connector::testing
