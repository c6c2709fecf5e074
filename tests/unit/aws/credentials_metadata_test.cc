// Container credentials and EC2 instance metadata (IMDSv2) against local fake endpoints that
// check methods, paths and headers and answer in the services' JSON.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "aws/credentials_container.h"
#include "aws/credentials_imds.h"
#include "aws/iso8601.h"
#include "common/redact.h"
#include "support/aws_test_env.h"
#include "support/local_http_server.h"

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;
using test::ServerRequest;
using test::ServerResponse;

std::string CredentialsJson(const std::string& id, Clock::duration lifetime,
                            const std::string& extra = "") {
  return R"({)" + extra + R"("AccessKeyId":")" + id + R"(","SecretAccessKey":"meta/secret/)" + id +
         R"(","Token":"meta-token-)" + id + R"(","Expiration":")" +
         FormatIso8601(Clock::now() + lifetime) + R"("})";
}

class ContainerTest : public ::testing::Test {
 protected:
  ContainerTest()
      : server_([this](const ServerRequest& r) {
          std::lock_guard<std::mutex> lock(mu_);
          requests_.push_back(r);
          if (fail_next_ > 0) {
            --fail_next_;
            return ServerResponse::Json(fail_status_, R"({"code":"x","message":"agent busy"})");
          }
          if (r.method != "GET" || r.path != "/v2/credentials/abc-123") {
            return ServerResponse::Json(404, R"({"message":"unknown path"})");
          }
          if (r.header("authorization") != expected_auth_) {
            return ServerResponse::Json(401, R"({"message":"bad authorization token"})");
          }
          return ServerResponse::Json(200, CredentialsJson("ASIACONTAINER" + std::to_string(++n_),
                                                           lifetime_, R"("RoleArn":"arn",)"));
        }) {}

  ContainerCredentialsOptions Options() {
    return {.relative_uri_host = server_.url(),
            .timeout = 2s,
            .max_attempts = 3,
            .http = HttpClient::Create(),
            .refresh = {}};
  }

  test::ScopedAwsEnvironment env_;
  std::mutex mu_;
  std::vector<ServerRequest> requests_;
  std::string expected_auth_;
  Clock::duration lifetime_ = 6h;
  int fail_next_ = 0;
  int fail_status_ = 500;
  int n_ = 0;
  test::LocalHttpServer server_;
};

TEST_F(ContainerTest, NotConfigured) {
  ContainerCredentialsProvider p(Options());
  EXPECT_TRUE(p.GetCredentials().status().IsNotFound());
}

TEST_F(ContainerTest, RelativeUri) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc-123");
  ContainerCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIACONTAINER1");
  EXPECT_EQ(c->session_token, "meta-token-ASIACONTAINER1");
  EXPECT_EQ(p.GetCredentials()->access_key_id, "ASIACONTAINER1");  // cached
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(requests_.size(), 1u);
}

TEST_F(ContainerTest, FullUriWithTokenFromFileOrVariable) {
  expected_auth_ = "Bearer eks-pod-identity-token-value";
  env_.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server_.url() + "/v2/credentials/abc-123");
  env_.Set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token-from-variable");
  auto file = env_.WriteFile("token", expected_auth_ + "\n");
  env_.Set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.string());  // the file wins
  ContainerCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(Redact(expected_auth_), "<redacted>");

  env_.Unset("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  ContainerCredentialsProvider wrong(Options());
  auto denied = wrong.GetCredentials();
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("bad authorization token"), std::string::npos);
  EXPECT_EQ(denied.status().message().find("wrong-token-from-variable"), std::string::npos);
}

TEST_F(ContainerTest, FullUriHostRestrictions) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example.com/creds");
  ContainerCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("evil.example.com is not allowed"), std::string::npos);
}

TEST_F(ContainerTest, RetriesServerErrorsThenGivesUp) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc-123");
  fail_next_ = 2;
  ContainerCredentialsProvider p(Options());
  ASSERT_TRUE(p.GetCredentials().ok());

  fail_next_ = 3;
  ContainerCredentialsProvider q(Options());
  auto c = q.GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsUnavailable());
  EXPECT_NE(c.status().message().find("HTTP 500: agent busy"), std::string::npos)
      << c.status().message();
}

// A fake instance metadata service that enforces IMDSv2.
class ImdsTest : public ::testing::Test {
 protected:
  ImdsTest() : server_([this](const ServerRequest& r) { return Handle(r); }) {
    env_.Unset("AWS_EC2_METADATA_DISABLED");
    env_.Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_.url());
  }

  ServerResponse Handle(const ServerRequest& r) {
    std::lock_guard<std::mutex> lock(mu_);
    log_.push_back(r.method + " " + r.path);
    if (down_) {
      ServerResponse hang;
      hang.action = ServerResponse::Action::kHang;
      return hang;
    }
    if (r.path == "/latest/api/token") {
      if (r.method != "PUT") return ServerResponse::Text(405, "");
      if (!v2_supported_) return ServerResponse::Text(404, "");
      if (r.header("x-aws-ec2-metadata-token-ttl-seconds") != "21600") {
        return ServerResponse::Text(400, "missing or bad TTL");
      }
      ++tokens_issued_;
      token_ = "imds-session-token-" + std::to_string(tokens_issued_);
      return ServerResponse::Text(200, token_);
    }
    if (r.method != "GET") return ServerResponse::Text(405, "");
    if (v2_supported_ && (r.header("x-aws-ec2-metadata-token") != token_ || expire_token_)) {
      expire_token_ = false;
      return ServerResponse::Text(401, "");
    }
    if (r.path == "/latest/meta-data/iam/security-credentials/") {
      if (role_.empty()) return ServerResponse::Text(404, "");
      return ServerResponse::Text(200, role_ + "\n");
    }
    if (r.path == "/latest/meta-data/iam/security-credentials/" + role_) {
      return ServerResponse::Json(
          200, CredentialsJson("ASIAIMDS" + std::to_string(++issued_), lifetime_,
                               R"("Code":"Success","LastUpdated":"2024-01-01T00:00:00Z",)"
                               R"("Type":"AWS-HMAC",)"));
    }
    return ServerResponse::Text(404, "");
  }

  InstanceMetadataOptions Options() {
    InstanceMetadataOptions o;
    o.http = HttpClient::Create();
    o.timeout = 500ms;
    return o;
  }

  test::ScopedAwsEnvironment env_;
  std::mutex mu_;
  std::vector<std::string> log_;
  std::string token_;
  std::string role_ = "dynasink-instance-role";
  bool v2_supported_ = true;
  bool expire_token_ = false;
  bool down_ = false;
  int tokens_issued_ = 0;
  int issued_ = 0;
  Clock::duration lifetime_ = 6h;
  test::LocalHttpServer server_;
};

TEST_F(ImdsTest, TokenThenRoleThenCredentials) {
  InstanceMetadataCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAIMDS1");
  EXPECT_EQ(c->secret_access_key, "meta/secret/ASIAIMDS1");
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> expected = {
      "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
      "GET /latest/meta-data/iam/security-credentials/dynasink-instance-role"};
  EXPECT_EQ(log_, expected);
  EXPECT_EQ(Redact(token_), "<redacted>");
}

TEST_F(ImdsTest, ReusesSessionTokenAndRenewsAfter401) {
  InstanceMetadataOptions o = Options();
  o.refresh = {.refresh_margin = 60s, .min_remaining = 1s, .retry_interval = 0s};
  lifetime_ = 30s;  // inside the margin: every call fetches
  InstanceMetadataCredentialsProvider p(o);
  ASSERT_TRUE(p.GetCredentials().ok());
  ASSERT_TRUE(p.GetCredentials().ok());
  {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_EQ(tokens_issued_, 1);
    expire_token_ = true;
  }
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(tokens_issued_, 2);
  EXPECT_EQ(issued_, 3);
}

TEST_F(ImdsTest, FallsBackToV1OnlyWhenAllowed) {
  v2_supported_ = false;
  InstanceMetadataCredentialsProvider p(Options());
  ASSERT_TRUE(p.GetCredentials().ok());
  env_.Set("AWS_EC2_METADATA_V1_DISABLED", "true");
  InstanceMetadataCredentialsProvider strict(Options());
  EXPECT_FALSE(strict.GetCredentials().ok());
}

TEST_F(ImdsTest, NoRoleAttached) {
  role_.clear();
  InstanceMetadataCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  EXPECT_TRUE(c.status().IsNotFound());
  EXPECT_NE(c.status().message().find("no IAM role"), std::string::npos);
}

TEST_F(ImdsTest, DisabledByEnvironment) {
  env_.Set("AWS_EC2_METADATA_DISABLED", "true");
  InstanceMetadataCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  EXPECT_TRUE(c.status().IsNotFound());
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_TRUE(log_.empty());
}

TEST_F(ImdsTest, ServiceDownFailsFast) {
  down_ = true;
  InstanceMetadataCredentialsProvider p(Options());
  auto start = std::chrono::steady_clock::now();
  auto c = p.GetCredentials();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsTimeout()) << c.status().ToString();
  EXPECT_NE(c.status().message().find("instance metadata"), std::string::npos);

  std::string url;
  {
    test::LocalHttpServer gone([](const ServerRequest&) { return ServerResponse::Text(200, ""); });
    url = gone.url();
  }
  InstanceMetadataOptions o = Options();
  o.endpoint = url;  // the option wins over the environment
  InstanceMetadataCredentialsProvider refused(o);
  auto r = refused.GetCredentials();
  EXPECT_TRUE(r.status().IsUnavailable()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("is not reachable"), std::string::npos);
}

TEST_F(ImdsTest, KeepsCurrentCredentialsWhileServiceIsDown) {
  InstanceMetadataOptions o = Options();
  o.refresh = {.refresh_margin = 60s, .min_remaining = 1s, .retry_interval = 0s};
  lifetime_ = 30s;
  InstanceMetadataCredentialsProvider p(o);
  auto first = p.GetCredentials();
  ASSERT_TRUE(first.ok());
  {
    std::lock_guard<std::mutex> lock(mu_);
    down_ = true;
  }
  auto during = p.GetCredentials();
  ASSERT_TRUE(during.ok()) << during.status().ToString();
  EXPECT_EQ(during->access_key_id, first->access_key_id);
}

}  // namespace
}  // namespace dynasink::aws
