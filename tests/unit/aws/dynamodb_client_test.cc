// DynamoDbClient against a fake DynamoDB on 127.0.0.1 (LocalHttpServer): the wire format, SigV4,
// typed errors, retries, checksums, timeouts and shutdown. Behaviour against a real DynamoDB
// implementation is in tests/integration/dynamodb_client_test.cc (DynamoDB Local).
#include "aws/dynamodb_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>

#include "aws/dynamodb_checksum.h"
#include "aws/dynamodb_json.h"
#include "support/local_http_server.h"
#include "support/sigv4_check.h"

namespace dynasink::aws {
namespace {

using std::chrono::milliseconds;
using test::LocalHttpServer;
using test::ServerRequest;
using test::ServerResponse;
using AV = AttributeValue;

constexpr char kKeyId[] = "AKIDEXAMPLEDDBTEST";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

class TestCredentials : public CredentialsProvider {
 public:
  Result<Credentials> GetCredentials() override {
    std::lock_guard<std::mutex> lock(mu);
    calls++;
    if (!fail.ok()) return fail;
    return credentials;
  }
  std::string Name() const override { return "test"; }

  std::mutex mu;
  Credentials credentials{kKeyId, kSecret, "", std::nullopt};
  Status fail;
  int calls = 0;
};

ServerResponse ErrorReply(int status, const std::string& type, const std::string& message) {
  ServerResponse r =
      ServerResponse::Json(status, R"({"__type":"com.amazonaws.dynamodb.v20120810#)" + type +
                                       R"(","message":")" + message + R"("})");
  r.headers.emplace_back("x-amzn-RequestId", "REQ-" + type);
  return r;
}

ServerResponse Ok(std::string body) {
  ServerResponse r = ServerResponse::Json(200, std::move(body));
  r.headers.emplace_back("x-amz-crc32", std::to_string(Crc32(r.body)));
  return r;
}

class DynamoDbClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<DynamoDbClient> MakeClient(
      const std::string& url, std::function<void(DynamoDbClientOptions&)> tweak = {}) {
    DynamoDbClientOptions o;
    o.region = "us-west-2";
    o.endpoint_url = url;
    o.credentials = credentials_;
    o.retry.base_delay = milliseconds(1);
    o.retry.throttling_base_delay = milliseconds(2);
    o.http_options.request_timeout = milliseconds(5000);
    if (tweak) tweak(o);
    auto client = DynamoDbClient::Create(std::move(o));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return std::move(client).value();
  }

  std::shared_ptr<TestCredentials> credentials_ = std::make_shared<TestCredentials>();
};

TEST_F(DynamoDbClientTest, CreateValidatesOptions) {
  DynamoDbClientOptions o;
  o.credentials = credentials_;
  EXPECT_FALSE(DynamoDbClient::Create(o).ok());  // no region
  o.region = "us-east-1";
  o.endpoint_url = "ftp://x";
  EXPECT_FALSE(DynamoDbClient::Create(o).ok());
  o.endpoint_url.clear();
  o.credentials = nullptr;
  EXPECT_FALSE(DynamoDbClient::Create(o).ok());
  o.credentials = credentials_;
  auto client = DynamoDbClient::Create(o);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->endpoint().url, "https://dynamodb.us-east-1.amazonaws.com/");
}

TEST_F(DynamoDbClientTest, SendsSignedAwsJsonRequests) {
  std::mutex mu;
  std::string seen_target, seen_type, seen_body, seen_path, seen_method, sig_error;
  LocalHttpServer server([&](const ServerRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    seen_method = req.method;
    seen_path = req.path;
    seen_target = std::string(req.header("x-amz-target"));
    seen_type = std::string(req.header("content-type"));
    seen_body = req.body;
    Status s = test::VerifySigV4(req, {kKeyId, kSecret, "", "us-west-2", "dynamodb"});
    if (!s.ok()) sig_error = s.ToString();
    return Ok(R"({"Table":{"TableName":"Movies","TableStatus":"ACTIVE",)"
              R"("KeySchema":[{"AttributeName":"year","KeyType":"HASH"}],)"
              R"("AttributeDefinitions":[{"AttributeName":"year","AttributeType":"N"}]}})");
  });
  auto client = MakeClient(server.url());
  auto table = client->DescribeTable("Movies");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->table_name, "Movies");
  EXPECT_EQ(table->hash_key(), "year");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen_method, "POST");
  EXPECT_EQ(seen_path, "/");
  EXPECT_EQ(seen_target, "DynamoDB_20120810.DescribeTable");
  EXPECT_EQ(seen_type, "application/x-amz-json-1.0");
  EXPECT_EQ(seen_body, R"({"TableName":"Movies"})");
  EXPECT_EQ(sig_error, "");
}

TEST_F(DynamoDbClientTest, SessionTokenIsSentAndSigned) {
  credentials_->credentials.session_token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
  std::string sig_error = "not called";
  LocalHttpServer server([&](const ServerRequest& req) {
    Status s = test::VerifySigV4(
        req, {kKeyId, kSecret, "IQoJb3JpZ2luX2VjEXAMPLETOKEN", "us-west-2", "dynamodb"});
    sig_error = s.ok() ? "" : s.ToString();
    return Ok(R"({"TableNames":[]})");
  });
  auto client = MakeClient(server.url());
  ASSERT_TRUE(client->ListTables().ok());
  EXPECT_EQ(sig_error, "");
}

TEST_F(DynamoDbClientTest, BatchWriteItemAsyncReturnsUnprocessedItems) {
  std::string body_seen;
  LocalHttpServer server([&](const ServerRequest& req) {
    body_seen = req.body;
    return Ok(R"({"UnprocessedItems":{"Movies":[{"PutRequest":{"Item":{"year":{"N":"2017"},)"
              R"("title":{"S":"Wonder Woman"}}}}]}})");
  });
  auto client = MakeClient(server.url());
  BatchWriteItemRequest request;
  request.tables.push_back(
      {"Movies",
       {WriteRequest::Put({{"year", AV::N("2020")}, {"title", AV::S("a")}}),
        WriteRequest::Put({{"year", AV::N("2017")}, {"title", AV::S("Wonder Woman")}})}});
  std::promise<DynamoDbResult<BatchWriteItemResponse>> promise;
  client->BatchWriteItemAsync(
      request, [&](DynamoDbResult<BatchWriteItemResponse> r) { promise.set_value(std::move(r)); });
  auto r = promise.get_future().get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->all_processed());
  ASSERT_EQ(r->unprocessed_count(), 1u);
  EXPECT_EQ(r->unprocessed_items[0].requests[0], request.tables[0].requests[1]);
  EXPECT_NE(body_seen.find(R"("Movies":[{"PutRequest")"), std::string::npos);
}

TEST_F(DynamoDbClientTest, RetriesThrottlingUntilSuccess) {
  std::atomic<int> requests{0};
  LocalHttpServer server([&](const ServerRequest&) {
    if (++requests <= 2) {
      return ErrorReply(400, "ProvisionedThroughputExceededException", "slow down");
    }
    return Ok(R"({"UnprocessedItems":{}})");
  });
  auto client = MakeClient(server.url());
  BatchWriteItemRequest request;
  request.tables.push_back({"T", {WriteRequest::Put({{"k", AV::S("v")}})}});
  auto r = client->BatchWriteItem(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->all_processed());
  EXPECT_EQ(requests.load(), 3);
  EXPECT_EQ(credentials_->calls, 3);  // each attempt is signed afresh
}

TEST_F(DynamoDbClientTest, ValidationErrorsAreTypedAndNotRetried) {
  std::atomic<int> requests{0};
  LocalHttpServer server([&](const ServerRequest&) {
    ++requests;
    return ErrorReply(400, "ValidationException", "Provided list of item keys contains duplicates");
  });
  auto client = MakeClient(server.url());
  BatchWriteItemRequest request;
  request.tables.push_back({"T", {WriteRequest::Put({{"k", AV::S("v")}})}});
  auto r = client->BatchWriteItem(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, DynamoDbErrorKind::kValidation);
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(r.error().request_id, "REQ-ValidationException");
  EXPECT_EQ(r.error().operation, "BatchWriteItem");
  EXPECT_FALSE(r.error().retryable());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(requests.load(), 1);
}

TEST_F(DynamoDbClientTest, ServerErrorsAreRetriedUpToMaxAttempts) {
  std::atomic<int> requests{0};
  LocalHttpServer server([&](const ServerRequest&) {
    ++requests;
    return ServerResponse::Text(500, "");
  });
  auto client =
      MakeClient(server.url(), [](DynamoDbClientOptions& o) { o.retry.max_attempts = 4; });
  auto r = client->ListTables();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, DynamoDbErrorKind::kInternalServerError);
  EXPECT_EQ(r.error().http_status, 500);
  EXPECT_EQ(requests.load(), 4);
}

TEST_F(DynamoDbClientTest, NetworkErrorsAreTypedAndRetried) {
  // A port nobody listens on: bind one, then close it.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  close(fd);
  auto client = MakeClient("http://127.0.0.1:" + std::to_string(port));
  auto r = client->ListTables();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, DynamoDbErrorKind::kNetwork);
  EXPECT_EQ(r.error().http_status, 0);
  EXPECT_TRUE(r.status().IsUnavailable());
}

TEST_F(DynamoDbClientTest, TimeoutsAreTyped) {
  LocalHttpServer server([&](const ServerRequest&) {
    ServerResponse r;
    r.action = ServerResponse::Action::kHang;
    return r;
  });
  auto client = MakeClient(server.url(), [](DynamoDbClientOptions& o) {
    o.http_options.request_timeout = milliseconds(200);
    o.retry.max_attempts = 2;
  });
  auto start = std::chrono::steady_clock::now();
  auto r = client->ListTables();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, DynamoDbErrorKind::kTimeout);
  EXPECT_TRUE(r.status().IsTimeout());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(server.requests_handled(), 2u);
}

TEST_F(DynamoDbClientTest, ChecksumMismatchIsRetriedThenReported) {
  std::atomic<int> requests{0};
  LocalHttpServer server([&](const ServerRequest&) {
    ++requests;
    ServerResponse r = ServerResponse::Json(200, R"({"TableNames":["a"]})");
    r.headers.emplace_back("x-amz-crc32", "12345");
    return r;
  });
  auto client = MakeClient(server.url());
  auto r = client->ListTables();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, DynamoDbErrorKind::kChecksumMismatch);
  EXPECT_EQ(requests.load(), 3);

  auto unchecked =
      MakeClient(server.url(), [](DynamoDbClientOptions& o) { o.verify_crc32 = false; });
  EXPECT_TRUE(unchecked->ListTables().ok());
}

TEST_F(DynamoDbClientTest, MalformedSuccessBodyIsABadResponse) {
  LocalHttpServer server([&](const ServerRequest&) { return Ok(R"({"Items":"nope"})"); });
  auto client = MakeClient(server.url());
  ScanRequest scan;
  scan.table_name = "T";
  auto r = client->Scan(scan);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, DynamoDbErrorKind::kBadResponse);
  EXPECT_EQ(r.error().http_status, 200);
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
}

TEST_F(DynamoDbClientTest, CredentialsFailureStopsBeforeSending) {
  credentials_->fail = Status::PermissionDenied("profile 'x' not found in ~/.aws/config");
  LocalHttpServer server([&](const ServerRequest&) { return Ok("{}"); });
  auto client = MakeClient(server.url());
  auto r = client->ListTables();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, DynamoDbErrorKind::kCredentials);
  EXPECT_NE(r.error().message.find("provider 'test'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("profile 'x' not found"), std::string::npos);
  EXPECT_EQ(server.requests_handled(), 0u);
}

TEST_F(DynamoDbClientTest, ManyConcurrentCallsShareFewConnections) {
  std::atomic<int> requests{0};
  LocalHttpServer server([&](const ServerRequest& req) {
    ++requests;
    return Ok(R"({"UnprocessedItems":{}})");
  });
  auto client = MakeClient(server.url(),
                           [](DynamoDbClientOptions& o) { o.http_options.max_connections = 4; });
  constexpr int kCalls = 300;
  std::atomic<int> ok{0}, done{0};
  std::promise<void> all_done;
  BatchWriteItemRequest request;
  for (int i = 0; i < 25; ++i) {
    request.tables.resize(1);
    request.tables[0].table_name = "T";
    request.tables[0].requests.push_back(
        WriteRequest::Put({{"k", AV::N(int64_t{i})}, {"l", AV::L({AV::S("x")})}}));
  }
  for (int i = 0; i < kCalls; ++i) {
    client->BatchWriteItemAsync(request, [&](DynamoDbResult<BatchWriteItemResponse> r) {
      if (r.ok() && r->all_processed()) ++ok;
      if (++done == kCalls) all_done.set_value();
    });
  }
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(requests.load(), kCalls);
  EXPECT_LE(server.connections_accepted(), 4u);
}

TEST_F(DynamoDbClientTest, DestructionAbortsPendingRetries) {
  LocalHttpServer server([&](const ServerRequest&) {
    return ErrorReply(400, "ThrottlingException", "Rate exceeded");
  });
  auto client = MakeClient(server.url(), [](DynamoDbClientOptions& o) {
    o.retry.throttling_base_delay = milliseconds(60000);  // the retry would wait ~minutes
    o.retry.max_attempts = 5;
  });
  std::promise<DynamoDbResult<ListTablesResponse>> promise;
  auto future = promise.get_future();
  client->ListTablesAsync(
      {}, [&](DynamoDbResult<ListTablesResponse> r) { promise.set_value(std::move(r)); });
  // Wait for the first attempt to fail and its retry to be scheduled.
  for (int i = 0; i < 500 && server.requests_handled() < 1; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  std::this_thread::sleep_for(milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  client.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  auto r = future.get();
  ASSERT_FALSE(r.ok());
  // The last real error is reported, marked as cancelled.
  EXPECT_EQ(r.error().kind, DynamoDbErrorKind::kThrottling);
  EXPECT_NE(r.error().message.find("retry cancelled"), std::string::npos);
}

TEST_F(DynamoDbClientTest, ScanAllAndListAllTablesFollowPages) {
  LocalHttpServer server([&](const ServerRequest& req) {
    std::string target(req.header("x-amz-target"));
    if (target == "DynamoDB_20120810.ListTables") {
      if (req.body.find("ExclusiveStartTableName") == std::string::npos) {
        return Ok(R"({"TableNames":["a","b"],"LastEvaluatedTableName":"b"})");
      }
      return Ok(R"({"TableNames":["c"]})");
    }
    if (req.body.find(R"("ExclusiveStartKey":{"k":{"N":"2"}})") != std::string::npos) {
      return Ok(R"({"Items":[{"k":{"N":"3"}}],"Count":1,"ScannedCount":1})");
    }
    return Ok(R"({"Items":[{"k":{"N":"1"}},{"k":{"N":"2"}}],"Count":2,"ScannedCount":2,)"
              R"("LastEvaluatedKey":{"k":{"N":"2"}}})");
  });
  auto client = MakeClient(server.url());
  auto tables = client->ListAllTables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_EQ(*tables, (std::vector<std::string>{"a", "b", "c"}));
  ScanRequest scan;
  scan.table_name = "T";
  scan.limit = 2;
  auto all = client->ScanAll(scan);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[2], Item({{"k", AV::N("3")}}));
  EXPECT_EQ(all->count, 3);
  EXPECT_FALSE(all->last_evaluated_key.has_value());
}

}  // namespace
}  // namespace dynasink::aws
