// StsClient and the AssumeRole / web identity providers against a fake STS on 127.0.0.1 that
// checks parameters and SigV4 signatures and answers in STS's XML.
#include "aws/sts_client.h"

#include <gtest/gtest.h>

#include "aws/credentials_assume_role.h"
#include "aws/credentials_static.h"
#include "aws/credentials_web_identity.h"
#include "common/redact.h"
#include "support/aws_test_env.h"
#include "support/fake_sts.h"

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;

const test::FakeStsCaller kCaller{"AKIDCALLER000000001", "caller/secret+key/0123456789abcdef", ""};
const char* kRole = "arn:aws:iam::123456789012:role/dynamodb-writer";

Credentials CallerCredentials() {
  return {kCaller.access_key_id, kCaller.secret_access_key, kCaller.session_token, {}};
}

StsClientOptions Options(const test::FakeSts& sts, std::string region = "eu-central-1") {
  StsClientOptions o;
  o.region = std::move(region);
  o.endpoint_override = sts.url();
  o.http = HttpClient::Create();
  return o;
}

TEST(StsClientTest, DefaultEndpoints) {
  auto regional = StsClient::Create({.region = "eu-west-1"});
  ASSERT_TRUE(regional.ok());
  EXPECT_EQ((*regional)->endpoint_url(), "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ((*regional)->signing_region(), "eu-west-1");
  auto china = StsClient::Create({.region = "cn-north-1"});
  EXPECT_EQ((*china)->endpoint_url(), "https://sts.cn-north-1.amazonaws.com.cn/");
  auto global = StsClient::Create({});
  EXPECT_EQ((*global)->endpoint_url(), "https://sts.amazonaws.com/");
  EXPECT_EQ((*global)->signing_region(), "us-east-1");
  EXPECT_FALSE(StsClient::Create({.region = "Not A Region"}).ok());
  EXPECT_FALSE(StsClient::Create({.endpoint_override = "ftp://x"}).ok());
}

TEST(StsClientTest, AssumeRoleSendsSignedParameters) {
  test::FakeSts fake(kCaller, "eu-central-1");
  auto sts = StsClient::Create(Options(fake));
  ASSERT_TRUE(sts.ok());
  AssumeRoleParams params{kRole, "RisingWave", "ext-id-42", 1800s, ""};
  auto creds = (*sts)->AssumeRole(params, CallerCredentials());
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_TRUE(fake.problems().empty()) << fake.problems()[0];
  EXPECT_EQ(creds->access_key_id, fake.last_issued().access_key_id);
  EXPECT_EQ(creds->secret_access_key, fake.last_issued().secret_access_key);
  EXPECT_EQ(creds->session_token, fake.last_issued().session_token);
  ASSERT_TRUE(creds->expiration.has_value());
  EXPECT_GT(*creds->expiration, Clock::now() + 50min);

  auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["Action"], "AssumeRole");
  EXPECT_EQ(calls[0]["RoleArn"], kRole);
  EXPECT_EQ(calls[0]["RoleSessionName"], "RisingWave");
  EXPECT_EQ(calls[0]["ExternalId"], "ext-id-42");
  EXPECT_EQ(calls[0]["DurationSeconds"], "1800");
  // The issued secret is masked from now on.
  EXPECT_EQ(Redact(creds->secret_access_key), "<redacted>");
}

TEST(StsClientTest, WrongRegionIsASignatureError) {
  test::FakeSts fake(kCaller, "eu-central-1");
  auto sts = StsClient::Create(Options(fake, "us-west-2"));
  auto creds = (*sts)->AssumeRole({kRole, "s1", "", 3600s, ""}, CallerCredentials());
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(creds.status().message().find("SignatureDoesNotMatch"), std::string::npos)
      << creds.status().message();
}

TEST(StsClientTest, AccessDeniedIsClearAndNotRetried) {
  test::FakeSts fake(kCaller, "eu-central-1");
  fake.FailNext(403, "AccessDenied",
                "User: arn:aws:iam::123456789012:user/app is not authorized to perform: "
                "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/dynamodb-writer");
  auto sts = StsClient::Create(Options(fake));
  auto creds = (*sts)->AssumeRole({kRole, "s1", "", 3600s, ""}, CallerCredentials());
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kPermissionDenied);
  const std::string& msg = creds.status().message();
  EXPECT_NE(msg.find("AccessDenied"), std::string::npos) << msg;
  EXPECT_NE(msg.find("is not authorized to perform: sts:AssumeRole"), std::string::npos) << msg;
  EXPECT_NE(msg.find(kRole), std::string::npos) << msg;
  EXPECT_NE(msg.find("request id"), std::string::npos) << msg;
  EXPECT_EQ(msg.find(kCaller.secret_access_key), std::string::npos);
  EXPECT_EQ(fake.call_count(), 1);
}

TEST(StsClientTest, ThrottlingAndServerErrorsAreRetried) {
  test::FakeSts fake(kCaller, "eu-central-1");
  fake.FailNext(400, "Throttling", "Rate exceeded");
  fake.FailNext(503, "ServiceUnavailable", "try later");
  auto sts = StsClient::Create(Options(fake));
  auto creds = (*sts)->AssumeRole({kRole, "s1", "", 3600s, ""}, CallerCredentials());
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(fake.call_count(), 3);

  fake.FailNext(500, "InternalFailure", "boom", 3);
  auto failed = (*sts)->AssumeRole({kRole, "s1", "", 3600s, ""}, CallerCredentials());
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.status().IsUnavailable());
  EXPECT_NE(failed.status().message().find("after 3 attempts"), std::string::npos)
      << failed.status().message();
}

TEST(StsClientTest, UnreachableEndpoint) {
  std::string url;
  {
    test::FakeSts gone(kCaller, "eu-central-1");
    url = gone.url();
  }
  StsClientOptions o{.region = "eu-central-1",
                     .endpoint_override = url,
                     .http = HttpClient::Create(),
                     .max_attempts = 2};
  auto sts = StsClient::Create(o);
  auto creds = (*sts)->AssumeRole({kRole, "s1", "", 3600s, ""}, CallerCredentials());
  ASSERT_FALSE(creds.ok());
  EXPECT_TRUE(creds.status().IsUnavailable()) << creds.status().ToString();
}

TEST(StsClientTest, GarbageAnswer) {
  test::LocalHttpServer server([](const test::ServerRequest&) {
    return test::ServerResponse::Text(200, "<html>hi</html>");
  });
  auto sts = StsClient::Create(
      {.region = "eu-central-1", .endpoint_override = server.url(), .http = HttpClient::Create()});
  auto creds = (*sts)->AssumeRole({kRole, "s1", "", 3600s, ""}, CallerCredentials());
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.status().message().find("no complete <Credentials>"), std::string::npos);
}

TEST(AssumeRoleProviderTest, ValidatesOptions) {
  auto source = std::make_shared<StaticCredentialsProvider>(CallerCredentials());
  EXPECT_FALSE(AssumeRoleCredentialsProvider::Create(source, {.role_arn = "my-role"}).ok());
  EXPECT_FALSE(
      AssumeRoleCredentialsProvider::Create(source, {.role_arn = kRole, .session_name = "a b"})
          .ok());
  EXPECT_FALSE(
      AssumeRoleCredentialsProvider::Create(source, {.role_arn = kRole, .duration = 60s}).ok());
  EXPECT_TRUE(AssumeRoleCredentialsProvider::Create(source, {.role_arn = kRole}).ok());
}

TEST(AssumeRoleProviderTest, CachesAndRefreshesBeforeExpiry) {
  test::FakeSts fake(kCaller, "eu-central-1");
  AssumeRoleOptions options;
  options.role_arn = kRole;
  options.external_id = "ext";
  options.sts = Options(fake);
  options.refresh = {.refresh_margin = 60s, .min_remaining = 2s, .retry_interval = 0s};
  auto provider = AssumeRoleCredentialsProvider::Create(
      std::make_shared<StaticCredentialsProvider>(CallerCredentials()), options);
  ASSERT_TRUE(provider.ok());

  auto first = (*provider)->GetCredentials();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = (*provider)->GetCredentials();
  EXPECT_EQ(again->access_key_id, first->access_key_id);
  EXPECT_EQ(fake.call_count(), 1);
  EXPECT_EQ(fake.calls()[0]["RoleSessionName"], "RisingWave");

  EXPECT_TRUE(fake.problems().empty());
}

TEST(AssumeRoleProviderTest, CredentialsInsideTheMarginAreRenewedOnNextUse) {
  test::FakeSts fake(kCaller, "eu-central-1");
  fake.set_lifetime(30s);
  AssumeRoleOptions options;
  options.role_arn = kRole;
  options.sts = Options(fake);
  options.refresh = {.refresh_margin = 60s, .min_remaining = 2s, .retry_interval = 0s};
  auto provider = AssumeRoleCredentialsProvider::Create(
      std::make_shared<StaticCredentialsProvider>(CallerCredentials()), options);
  auto first = (*provider)->GetCredentials();
  auto second = (*provider)->GetCredentials();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->access_key_id, second->access_key_id);
  EXPECT_EQ(fake.call_count(), 2);
}

TEST(AssumeRoleProviderTest, ExpiredCredentialsTriggerRefresh) {
  test::FakeSts fake(kCaller, "eu-central-1");
  fake.set_lifetime(3s);
  AssumeRoleOptions options;
  options.role_arn = kRole;
  options.sts = Options(fake);
  options.refresh = {.refresh_margin = 1s, .min_remaining = 1s, .retry_interval = 0s};
  auto provider = AssumeRoleCredentialsProvider::Create(
      std::make_shared<StaticCredentialsProvider>(CallerCredentials()), options);
  auto first = (*provider)->GetCredentials();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*provider)->GetCredentials()->access_key_id, first->access_key_id);
  std::this_thread::sleep_for(2500ms);  // now within a second of the 3 s expiry
  auto second = (*provider)->GetCredentials();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->access_key_id, first->access_key_id);
  EXPECT_EQ(fake.call_count(), 2);
}

TEST(AssumeRoleProviderTest, ChainedRolesSignWithIssuedCredentials) {
  test::FakeSts fake(kCaller, "eu-central-1");
  auto first = AssumeRoleCredentialsProvider::Create(
      std::make_shared<StaticCredentialsProvider>(CallerCredentials()),
      {.role_arn = kRole, .sts = Options(fake)});
  auto second = AssumeRoleCredentialsProvider::Create(
      *first, {.role_arn = "arn:aws:iam::210987654321:role/cross-account", .sts = Options(fake)});
  auto creds = (*second)->GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_TRUE(fake.problems().empty());
  EXPECT_EQ(fake.call_count(), 2);
  EXPECT_NE((*second)->Name().find("cross-account"), std::string::npos);
}

TEST(AssumeRoleProviderTest, SourceFailureIsReported) {
  test::FakeSts fake(kCaller, "eu-central-1");
  auto provider = AssumeRoleCredentialsProvider::Create(
      std::make_shared<StaticCredentialsProvider>(Credentials{"AKIDX", "", "", {}}),
      {.role_arn = kRole, .sts = Options(fake)});
  auto creds = (*provider)->GetCredentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.status().message().find("no source credentials"), std::string::npos);
  EXPECT_EQ(fake.call_count(), 0);
}

TEST(WebIdentityProviderTest, FromEnvironment) {
  test::ScopedAwsEnvironment env;
  test::FakeSts fake(kCaller, "eu-central-1");
  fake.set_web_identity_token("eyJhbGciOiJSUzI1NiJ9.web-identity-token.sig");
  WebIdentityCredentialsProvider provider(std::nullopt, Options(fake));
  EXPECT_TRUE(provider.GetCredentials().status().IsNotFound());

  auto token_file = env.WriteFile("token", "eyJhbGciOiJSUzI1NiJ9.web-identity-token.sig\n");
  env.Set("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.string());
  EXPECT_EQ(provider.GetCredentials().status().code(), StatusCode::kInvalidArgument);  // no role
  env.Set("AWS_ROLE_ARN", kRole);
  env.Set("AWS_ROLE_SESSION_NAME", "pod-session");
  auto creds = provider.GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_TRUE(fake.problems().empty()) << fake.problems()[0];
  auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["Action"], "AssumeRoleWithWebIdentity");
  EXPECT_EQ(calls[0]["RoleSessionName"], "pod-session");
  EXPECT_EQ(calls[0]["RoleArn"], kRole);
  EXPECT_EQ(Redact("eyJhbGciOiJSUzI1NiJ9.web-identity-token.sig"), "<redacted>");
}

TEST(WebIdentityProviderTest, RejectedTokenAndMissingFile) {
  test::ScopedAwsEnvironment env;
  test::FakeSts fake(kCaller, "eu-central-1");
  fake.set_web_identity_token("the-right-token-value");
  auto file = env.WriteFile("token", "the-wrong-token-value");
  WebIdentityConfig config{file.string(), kRole, "", 3600s};
  WebIdentityCredentialsProvider provider(config, Options(fake));
  auto creds = provider.GetCredentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(creds.status().message().find("InvalidIdentityToken"), std::string::npos);
  EXPECT_EQ(creds.status().message().find("the-wrong-token-value"), std::string::npos);
  EXPECT_NE(fake.calls().at(0)["RoleSessionName"].find("dynasink-"), std::string::npos);

  WebIdentityConfig missing{(env.home() / "nope").string(), kRole, "session", 3600s};
  WebIdentityCredentialsProvider no_file(missing, Options(fake));
  EXPECT_EQ(no_file.GetCredentials().status().code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace dynasink::aws
