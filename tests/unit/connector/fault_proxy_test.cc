// The fault-injecting proxy of the connector tests (tests/support/fault_proxy.h), against a fake
// upstream: each fault's answer as a DynamoDB client sees it, what reaches the upstream, and the
// counts.
#include "support/fault_proxy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "aws/dynamodb_error.h"
#include "aws/dynamodb_protocol.h"

namespace dynasink::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* kBody =
    R"({"RequestItems":{"T":[{"PutRequest":{"Item":{"k":{"N":"1"}}}},)"
    R"({"PutRequest":{"Item":{"k":{"N":"2"}}}},{"DeleteRequest":{"Key":{"k":{"N":"3"}}}},)"
    R"({"PutRequest":{"Item":{"k":{"N":"4"}}}}]}})";

class FaultProxyTest : public ::testing::Test {
 protected:
  FaultProxyTest()
      : upstream_([this](const ServerRequest& r) {
          std::lock_guard<std::mutex> lock(mu_);
          bodies_.push_back(r.body);
          ServerResponse resp = ServerResponse::Json(200, R"({"UnprocessedItems":{}})");
          resp.headers.emplace_back("x-amz-crc32", "0");
          return resp;
        }),
        http_(aws::HttpClient::Create()) {}

  Result<aws::HttpResponse> Send(FaultProxy& proxy, std::string target = "BatchWriteItem") {
    aws::HttpRequest r;
    r.method = "POST";
    r.url = proxy.url() + "/";
    r.headers = {{"X-Amz-Target", "DynamoDB_20120810." + target},
                 {"Content-Type", "application/x-amz-json-1.0"}};
    r.body = kBody;
    return http_->SendSync(std::move(r));
  }
  size_t upstream_calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_.size();
  }

  std::mutex mu_;
  std::vector<std::string> bodies_;
  LocalHttpServer upstream_;
  std::shared_ptr<aws::HttpClient> http_;
};

TEST_F(FaultProxyTest, ForwardsUntouchedWithoutFaults) {
  FaultProxy proxy(upstream_.url());
  auto r = Send(proxy);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"UnprocessedItems":{}})");
  EXPECT_EQ(r->header("x-amz-crc32"), "0");  // passed through
  ASSERT_EQ(upstream_calls(), 1u);
  EXPECT_EQ(bodies_[0], kBody);
  EXPECT_EQ(proxy.counts().forwarded, 1u);
  EXPECT_EQ(proxy.counts().injected(), 0u);
}

TEST_F(FaultProxyTest, UnprocessedHoldsPartBackAndForwardsTheRest) {
  FaultProxy proxy(upstream_.url(), {.unprocessed_item_share = 0.5, .seed = 7});
  proxy.Script(Fault::kUnprocessed, 20);
  size_t total_held = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = Send(proxy);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200);
    EXPECT_TRUE(r->header("x-amz-crc32").empty());
    auto decoded = aws::DecodeBatchWriteItem(r->body);
    ASSERT_TRUE(decoded.ok()) << r->body;
    size_t held = decoded->unprocessed_count();
    EXPECT_GE(held, 1u);
    EXPECT_LE(held, 4u);
    total_held += held;
  }
  FaultCounts c = proxy.counts();
  EXPECT_EQ(c.unprocessed_calls, 20u);
  EXPECT_EQ(c.unprocessed_items, total_held);
  // What was not held went upstream, and only that.
  size_t forwarded_items = 0;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& b : bodies_) {
    for (size_t p = b.find("Request\""); p != std::string::npos; p = b.find("Request\"", p + 1)) {
      ++forwarded_items;
    }
  }
  EXPECT_EQ(forwarded_items + total_held, 80u);
}

TEST_F(FaultProxyTest, ThrottlesRotateThroughTheThreeKinds) {
  FaultProxy proxy(upstream_.url());
  proxy.Script(Fault::kThrottle, 3);
  std::vector<aws::DynamoDbErrorKind> kinds;
  for (int i = 0; i < 3; ++i) {
    auto r = Send(proxy);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400);
    aws::DynamoDbError e = aws::ErrorFromResponse("BatchWriteItem", *r);
    EXPECT_TRUE(e.throttling()) << e.ToString();
    kinds.push_back(e.kind);
  }
  EXPECT_EQ(kinds, (std::vector<aws::DynamoDbErrorKind>{
                       aws::DynamoDbErrorKind::kProvisionedThroughputExceeded,
                       aws::DynamoDbErrorKind::kThrottling,
                       aws::DynamoDbErrorKind::kRequestLimitExceeded}));
  EXPECT_EQ(upstream_calls(), 0u);
  EXPECT_EQ(proxy.counts().throttles, 3u);
}

TEST_F(FaultProxyTest, ServerErrorsAndDrops) {
  FaultProxy proxy(upstream_.url());
  proxy.Script(Fault::kServerError);
  auto r = Send(proxy);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(aws::ErrorFromResponse("BatchWriteItem", *r).kind,
            aws::DynamoDbErrorKind::kInternalServerError);
  EXPECT_EQ(upstream_calls(), 0u);

  // Dropped before forwarding: no answer, no write. A fresh client, so that libcurl cannot
  // quietly retry on a reused connection.
  http_ = aws::HttpClient::Create();
  proxy.Script(Fault::kDropBefore);
  EXPECT_FALSE(Send(proxy).ok());
  EXPECT_EQ(upstream_calls(), 0u);
  // Dropped after forwarding: no answer, but the write happened.
  http_ = aws::HttpClient::Create();
  proxy.Script(Fault::kDropAfter);
  EXPECT_FALSE(Send(proxy).ok());
  EXPECT_EQ(upstream_calls(), 1u);
  FaultCounts c = proxy.counts();
  EXPECT_EQ(c.server_errors, 1u);
  EXPECT_EQ(c.drops_before, 1u);
  EXPECT_EQ(c.drops_after, 1u);
}

TEST_F(FaultProxyTest, OnlyBatchWriteItemUnlessAllOperations) {
  FaultProxy proxy(upstream_.url(), {.throttle = 1.0});
  auto describe = Send(proxy, "DescribeTable");
  ASSERT_TRUE(describe.ok());
  EXPECT_EQ(describe->status, 200);
  auto batch = Send(proxy);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->status, 400);
  proxy.SetOptions({.throttle = 1.0, .all_operations = true});
  EXPECT_EQ(Send(proxy, "DescribeTable")->status, 400);
}

TEST_F(FaultProxyTest, DelaysAreForwardedLate) {
  FaultProxy proxy(upstream_.url(), {.delay = 1.0, .max_delay = std::chrono::milliseconds(0)});
  auto r = Send(proxy);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(proxy.counts().delays, 1u);
  EXPECT_EQ(upstream_calls(), 1u);
}

}  // namespace
}  // namespace dynasink::test
