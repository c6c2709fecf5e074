// No secret reaches an error message or a log line on the credential paths, whatever fails:
// every message and everything logged to stderr (at debug level) is collected and searched
// for the raw secrets.
#include <gtest/gtest.h>

#include "aws/credentials_chain.h"
#include "aws/credentials_container.h"
#include "aws/credentials_env.h"
#include "aws/credentials_process.h"
#include "aws/credentials_profile.h"
#include "aws/sts_client.h"
#include "common/logging.h"
#include "support/aws_test_env.h"
#include "support/fake_sts.h"

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;

const std::string kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
const std::string kToken = "IQoJb3JpZ2luX2VjEJr//////////SESSIONTOKEN==";
const std::string kAuthToken = "container-authorization-secret-token";

TEST(CredentialSecretsTest, NeverInMessagesOrLogs) {
  test::ScopedAwsEnvironment env;
  log::Level old_level = log::GetLevel();
  log::SetLevel(log::Level::kDebug);
  ::testing::internal::CaptureStderr();
  std::vector<std::string> messages;
  auto record = [&](const Status& s) { messages.push_back(s.ToString()); };

  // A profile whose secret the failing credential_process prints to stderr.
  env.WriteFile(".aws/credentials",
                "[keys]\naws_access_key_id = AKIDSECRETTEST0001\n"
                "aws_secret_access_key = " +
                    kSecret + "\naws_session_token = " + kToken + "\n");
  env.WriteFile(".aws/config", "[profile proc]\ncredential_process = echo '" + kSecret + " " +
                                   kToken + "' >&2; exit 5\n");
  auto http = HttpClient::Create();
  ProfileProviderOptions keys_options{.profile = "keys"};
  auto keys = ProfileCredentialsProvider(keys_options).GetCredentials();  // registers them
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ProfileProviderOptions proc_options{.profile = "proc"};
  record(ProfileCredentialsProvider(proc_options).GetCredentials().status());

  // STS: throttled twice (logged at debug), then denied with the caller's keys.
  test::FakeSts sts({"AKIDSECRETTEST0001", kSecret, kToken}, "us-east-1");
  sts.FailNext(400, "Throttling", "Rate exceeded", 2);
  sts.FailNext(403, "AccessDenied", "denied");
  auto client = StsClient::Create(
      {.region = "us-east-1", .endpoint_override = sts.url(), .http = http, .max_attempts = 3});
  Credentials caller{"AKIDSECRETTEST0001", kSecret, kToken, {}};
  record((*client)->AssumeRole({"arn:aws:iam::1:role/r", "s1", "", 3600s, ""}, caller).status());
  // Wrong secret: the fake's error carries the canonical request, token included.
  Credentials wrong{"AKIDSECRETTEST0001", "another/secret/that+is/wrong", kToken, {}};
  record((*client)->AssumeRole({"arn:aws:iam::1:role/r", "s1", "", 3600s, ""}, wrong).status());

  // A malformed line holding a secret.
  env.WriteFile("bad", "[default]\naws_secret_access_key " + kSecret + "\n");
  ProfileProviderOptions bad_options;
  bad_options.paths = ProfileFilePaths{(env.home() / "bad").string(), ""};
  record(ProfileCredentialsProvider(bad_options).GetCredentials().status());

  // Half-configured environment.
  env.Set("AWS_SECRET_ACCESS_KEY", kSecret);
  record(EnvironmentCredentialsProvider().GetCredentials().status());

  // Container endpoint rejecting the authorization token, and the whole chain failing.
  test::LocalHttpServer agent([](const test::ServerRequest& r) {
    return test::ServerResponse::Json(
        401, R"({"message":"token )" + std::string(r.header("authorization")) + R"( rejected"})");
  });
  env.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url() + "/creds");
  env.Set("AWS_CONTAINER_AUTHORIZATION_TOKEN", kAuthToken);
  record(ContainerCredentialsProvider({.http = http}).GetCredentials().status());
  DefaultChainOptions chain_options;
  chain_options.container.http = http;
  record(DefaultCredentialsChain(chain_options).GetCredentials().status());

  // A failed refresh logged with the stale credentials still in use.
  CredentialsCache cache({.refresh_margin = 60s, .min_remaining = 1s, .retry_interval = 0s});
  bool fail = false;
  auto fetch = [&]() -> Result<Credentials> {
    if (fail) return Status::Unavailable("refresh failed for key " + kSecret);
    return Credentials{"AKIDSECRETTEST0001", kSecret, kToken, Clock::now() + 30s};
  };
  ASSERT_TRUE(cache.Get(fetch, "test").ok());
  fail = true;
  ASSERT_TRUE(cache.Get(fetch, "test").ok());

  std::string logged = ::testing::internal::GetCapturedStderr();
  log::SetLevel(old_level);
  ASSERT_EQ(messages.size(), 7u);
  for (const std::string& m : messages) {
    EXPECT_NE(m, "OK");  // every path above fails
    for (const std::string& secret : {kSecret, kToken, kAuthToken}) {
      EXPECT_EQ(m.find(secret), std::string::npos) << "secret in message: " << m;
    }
  }
  EXPECT_NE(logged.find("retrying"), std::string::npos) << logged;
  EXPECT_NE(logged.find("could not refresh credentials"), std::string::npos) << logged;
  for (const std::string& secret : {kSecret, kToken, kAuthToken}) {
    EXPECT_EQ(logged.find(secret), std::string::npos) << "secret in log: " << logged;
  }
}

}  // namespace
}  // namespace dynasink::aws
