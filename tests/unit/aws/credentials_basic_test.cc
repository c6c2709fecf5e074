// Static and environment credentials, the JSON credential formats, and the refreshing cache.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "aws/credentials_cache.h"
#include "aws/credentials_env.h"
#include "aws/credentials_json.h"
#include "aws/credentials_static.h"
#include "aws/iso8601.h"
#include "common/redact.h"
#include "support/aws_test_env.h"

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;

TEST(StaticCredentialsTest, ReturnsKeysAndRegistersSecrets) {
  StaticCredentialsProvider p({"AKIDSTATIC", "static/secret+value1", "static-session-token", {}});
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIDSTATIC");
  EXPECT_EQ(c->session_token, "static-session-token");
  EXPECT_FALSE(c->expiration.has_value());
  EXPECT_EQ(p.Name(), "static");
  EXPECT_EQ(Redact("static/secret+value1 static-session-token"), "<redacted> <redacted>");

  StaticCredentialsProvider incomplete({"AKID", "", "", {}});
  EXPECT_EQ(incomplete.GetCredentials().status().code(), StatusCode::kInvalidArgument);
}

TEST(EnvironmentCredentialsTest, ReadsVariables) {
  test::ScopedAwsEnvironment env;
  EnvironmentCredentialsProvider p;
  EXPECT_TRUE(p.GetCredentials().status().IsNotFound());

  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  auto half = p.GetCredentials();
  EXPECT_EQ(half.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(half.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);

  env.Set("AWS_SECRET_ACCESS_KEY", "env/secret/value+1");
  env.Set("AWS_SESSION_TOKEN", "env-session-token-1");
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->secret_access_key, "env/secret/value+1");
  EXPECT_EQ(c->session_token, "env-session-token-1");
  EXPECT_EQ(Redact("x env/secret/value+1"), "x <redacted>");

  // Changes take effect.
  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV2");
  EXPECT_EQ(p.GetCredentials()->access_key_id, "AKIDENV2");

  env.Set("AWS_CREDENTIAL_EXPIRATION", FormatIso8601(Clock::now() + 1h));
  ASSERT_TRUE(p.GetCredentials()->expiration.has_value());
  env.Set("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z");
  EXPECT_EQ(p.GetCredentials().status().code(), StatusCode::kPermissionDenied);
  env.Set("AWS_CREDENTIAL_EXPIRATION", "soon");
  EXPECT_EQ(p.GetCredentials().status().code(), StatusCode::kInvalidArgument);
}

TEST(EnvironmentCredentialsTest, LegacyNames) {
  test::ScopedAwsEnvironment env;
  env.Set("AWS_ACCESS_KEY", "AKIDLEGACY");
  env.Set("AWS_SECRET_KEY", "legacy/secret/value");
  auto c = EnvironmentCredentialsProvider().GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIDLEGACY");
}

TEST(CredentialsJsonTest, Formats) {
  auto process = ParseCredentialsJson(
      R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"json/secret/one","SessionToken":"t",
          "Expiration":"2030-01-01T00:00:00Z"})",
      CredentialsJsonFormat::kProcess, "p");
  ASSERT_TRUE(process.ok()) << process.status().ToString();
  EXPECT_EQ(process->session_token, "t");
  EXPECT_EQ(FormatIso8601(*process->expiration), "2030-01-01T00:00:00Z");

  auto no_expiry = ParseCredentialsJson(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"})",
                                        CredentialsJsonFormat::kProcess, "p");
  ASSERT_TRUE(no_expiry.ok());
  EXPECT_FALSE(no_expiry->expiration.has_value());

  EXPECT_FALSE(ParseCredentialsJson(R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"s"})",
                                    CredentialsJsonFormat::kProcess, "p")
                   .ok());
  auto container = ParseCredentialsJson(
      R"({"AccessKeyId":"A","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:00:00Z",
          "RoleArn":"arn"})",
      CredentialsJsonFormat::kContainer, "c");
  ASSERT_TRUE(container.ok());
  EXPECT_EQ(container->session_token, "t");

  auto imds_failure = ParseCredentialsJson(R"({"Code":"AssumeRoleUnauthorizedAccess"})",
                                           CredentialsJsonFormat::kInstanceMetadata, "imds");
  EXPECT_NE(imds_failure.status().message().find("AssumeRoleUnauthorizedAccess"),
            std::string::npos);

  auto garbage = ParseCredentialsJson("AKIDGARBAGE wJalrXUtnFEMI-visible-secret",
                                      CredentialsJsonFormat::kProcess, "helper");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().message().find("visible-secret"), std::string::npos);
  EXPECT_NE(garbage.status().message().find("helper"), std::string::npos);

  auto missing = ParseCredentialsJson(R"({"AccessKeyId":"A","SecretAccessKey":"s"})",
                                      CredentialsJsonFormat::kContainer, "c");
  EXPECT_NE(missing.status().message().find("Token"), std::string::npos);
}

Credentials Expiring(const std::string& id, Clock::duration in) {
  return {id, "cache/secret/" + id, "token-" + id, Clock::now() + in};
}

TEST(CredentialsCacheTest, CachesUntilRefreshMargin) {
  CredentialsCache cache({.refresh_margin = 60s, .min_remaining = 5s, .retry_interval = 0s});
  int fetches = 0;
  auto fetch = [&]() -> Result<Credentials> {
    ++fetches;
    return Expiring("K" + std::to_string(fetches), 1h);
  };
  EXPECT_EQ(cache.Get(fetch, "t")->access_key_id, "K1");
  EXPECT_EQ(cache.Get(fetch, "t")->access_key_id, "K1");
  EXPECT_EQ(fetches, 1);
  cache.Invalidate();
  EXPECT_EQ(cache.Get(fetch, "t")->access_key_id, "K2");
}

TEST(CredentialsCacheTest, RefreshesShortLivedCredentials) {
  CredentialsCache cache({.refresh_margin = 60s, .min_remaining = 1s, .retry_interval = 0s});
  int fetches = 0;
  auto fetch = [&]() -> Result<Credentials> {
    ++fetches;
    return Expiring("K" + std::to_string(fetches), 30s);  // already inside the margin
  };
  EXPECT_TRUE(cache.Get(fetch, "t").ok());
  EXPECT_TRUE(cache.Get(fetch, "t").ok());
  EXPECT_EQ(fetches, 2);
}

TEST(CredentialsCacheTest, KeepsUsableCredentialsWhenRefreshFails) {
  CredentialsCache cache({.refresh_margin = 60s, .min_remaining = 5s, .retry_interval = 0s});
  bool fail = false;
  int fetches = 0;
  auto fetch = [&]() -> Result<Credentials> {
    ++fetches;
    if (fail) return Status::Unavailable("sts is down");
    return Expiring("K" + std::to_string(fetches), 30s);
  };
  EXPECT_EQ(cache.Get(fetch, "t")->access_key_id, "K1");
  fail = true;
  auto stale = cache.Get(fetch, "t");  // refresh fails; K1 still has 30 s
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->access_key_id, "K1");
  EXPECT_EQ(fetches, 2);
}

TEST(CredentialsCacheTest, ExpiredCredentialsAreNotServed) {
  CredentialsCache cache({.refresh_margin = 60s, .min_remaining = 5s, .retry_interval = 0s});
  bool fail = false;
  auto fetch = [&]() -> Result<Credentials> {
    if (fail) return Status::Unavailable("sts is down");
    return Expiring("K", 3s);  // less than min_remaining: unusable at once
  };
  ASSERT_TRUE(cache.Get(fetch, "t").ok());
  fail = true;
  auto r = cache.Get(fetch, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
}

TEST(CredentialsCacheTest, RetryIntervalLimitsFetchesAfterFailure) {
  CredentialsCache cache({.refresh_margin = 60s, .min_remaining = 5s, .retry_interval = 3600s});
  int fetches = 0;
  bool fail = false;
  auto fetch = [&]() -> Result<Credentials> {
    ++fetches;
    if (fail) return Status::Unavailable("down");
    return Expiring("K", 50s);
  };
  EXPECT_TRUE(cache.Get(fetch, "t").ok());
  fail = true;
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(cache.Get(fetch, "t").ok());
  // First fetch, one failed refresh, then quiet until the credentials near their end.
  EXPECT_LE(fetches, 2);
}

TEST(CredentialsCacheTest, OneFetchAtATime) {
  CredentialsCache cache({.refresh_margin = 60s, .min_remaining = 5s, .retry_interval = 0s});
  std::atomic<int> fetches{0}, concurrent{0}, max_concurrent{0};
  auto fetch = [&]() -> Result<Credentials> {
    int now = ++concurrent;
    max_concurrent = std::max(max_concurrent.load(), now);
    std::this_thread::sleep_for(20ms);
    --concurrent;
    ++fetches;
    return Expiring("K", 1h);
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(cache.Get(fetch, "t").ok()); });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(max_concurrent.load(), 1);
  EXPECT_EQ(fetches.load(), 1);
}

TEST(CachingCredentialsProviderTest, WrapsAnyProvider) {
  class Counting : public CredentialsProvider {
   public:
    Result<Credentials> GetCredentials() override {
      ++calls;
      return Expiring("W", 1h);
    }
    std::string Name() const override { return "counting"; }
    int calls = 0;
  };
  auto inner = std::make_shared<Counting>();
  CachingCredentialsProvider cached(inner);
  EXPECT_TRUE(cached.GetCredentials().ok());
  EXPECT_TRUE(cached.GetCredentials().ok());
  EXPECT_EQ(inner->calls, 1);
  EXPECT_EQ(cached.Name(), "counting");
}

}  // namespace
}  // namespace dynasink::aws
