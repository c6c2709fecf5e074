// The default credentials chain (order, stickiness, combined errors) and the factory that builds
// a provider from sink options.
#include "aws/credentials_chain.h"

#include <gtest/gtest.h>

#include "aws/iso8601.h"
#include "support/aws_test_env.h"
#include "support/fake_sts.h"
#include "support/local_http_server.h"

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;

const test::FakeStsCaller kEnvKeys{"AKIDCHAINENV0000001", "chain/env/secret+0123456789", ""};
const test::FakeStsCaller kStaticKeys{"AKIDSTATICSINK00001", "sink/static/secret+abcdef", ""};

class ChainTest : public ::testing::Test {
 protected:
  ChainTest()
      : metadata_([this](const test::ServerRequest& r) {
          ++metadata_calls_;
          std::string creds = R"({"Code":"Success","AccessKeyId":"ASIAMETA","SecretAccessKey":)"
                              R"("meta/secret","Token":"meta-token","Expiration":")" +
                              FormatIso8601(Clock::now() + 6h) + "\"}";
          if (r.path == "/latest/api/token") return test::ServerResponse::Text(200, "imds-token");
          if (r.path == "/latest/meta-data/iam/security-credentials/") {
            return test::ServerResponse::Text(200, "role");
          }
          if (r.path == "/latest/meta-data/iam/security-credentials/role" ||
              r.path == "/container/creds") {
            return test::ServerResponse::Json(200, creds);
          }
          return test::ServerResponse::Text(404, "");
        }) {}

  DefaultChainOptions Options() {
    DefaultChainOptions o;
    o.sts.endpoint_override = sts_.url();
    o.sts.region = "us-east-2";
    o.sts.http = http_;
    o.container.relative_uri_host = metadata_.url();
    o.container.http = http_;
    o.instance_metadata.endpoint = metadata_.url();
    o.instance_metadata.http = http_;
    return o;
  }
  void SetEnvKeys() {
    env_.Set("AWS_ACCESS_KEY_ID", kEnvKeys.access_key_id);
    env_.Set("AWS_SECRET_ACCESS_KEY", kEnvKeys.secret_access_key);
  }
  void WriteProfile(const std::string& name, const std::string& id) {
    env_.WriteFile(".aws/credentials", "[" + name + "]\naws_access_key_id = " + id +
                                           "\naws_secret_access_key = profile/secret/" + id + "\n");
  }

  test::ScopedAwsEnvironment env_;
  test::FakeSts sts_{kEnvKeys, "us-east-2"};
  std::atomic<int> metadata_calls_{0};
  test::LocalHttpServer metadata_;
  std::shared_ptr<HttpClient> http_ = HttpClient::Create();
};

TEST_F(ChainTest, EnvironmentComesFirst) {
  SetEnvKeys();
  WriteProfile("default", "AKIDPROFILE");
  DefaultCredentialsChain chain(Options());
  EXPECT_EQ(chain.GetCredentials()->access_key_id, kEnvKeys.access_key_id);
}

TEST_F(ChainTest, WebIdentityBeforeProfile) {
  WriteProfile("default", "AKIDPROFILE");
  sts_.set_web_identity_token("chain-web-token");
  env_.Set("AWS_WEB_IDENTITY_TOKEN_FILE", env_.WriteFile("t", "chain-web-token").string());
  env_.Set("AWS_ROLE_ARN", "arn:aws:iam::1:role/pod");
  DefaultCredentialsChain chain(Options());
  auto c = chain.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, sts_.last_issued().access_key_id);
}

TEST_F(ChainTest, ProfileThenContainerThenInstanceMetadata) {
  WriteProfile("default", "AKIDPROFILE");
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/container/creds");
  env_.Unset("AWS_EC2_METADATA_DISABLED");
  EXPECT_EQ(DefaultCredentialsChain(Options()).GetCredentials()->access_key_id, "AKIDPROFILE");

  env_.WriteFile(".aws/credentials", "");
  auto container = DefaultCredentialsChain(Options()).GetCredentials();
  ASSERT_TRUE(container.ok()) << container.status().ToString();
  EXPECT_EQ(container->session_token, "meta-token");
  EXPECT_EQ(metadata_calls_.load(), 1);

  env_.Unset("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  auto imds = DefaultCredentialsChain(Options()).GetCredentials();
  ASSERT_TRUE(imds.ok()) << imds.status().ToString();
  EXPECT_EQ(imds->access_key_id, "ASIAMETA");
  EXPECT_EQ(metadata_calls_.load(), 4);  // token, role, credentials
}

TEST_F(ChainTest, NothingFoundListsEveryStep) {
  auto c = DefaultCredentialsChain(Options()).GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
  const std::string& msg = c.status().message();
  for (const char* step :
       {"environment:", "web identity:", "profile 'default'", "container:", "instance metadata:"}) {
    EXPECT_NE(msg.find(step), std::string::npos) << step << " missing from: " << msg;
  }
  EXPECT_EQ(metadata_calls_.load(), 0);  // disabled by the test environment
}

TEST_F(ChainTest, RealFailureCodeWinsOverNotFound) {
  SetEnvKeys();
  env_.Unset("AWS_SECRET_ACCESS_KEY");  // half-configured environment
  auto c = DefaultCredentialsChain(Options()).GetCredentials();
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST_F(ChainTest, KeepsTheProviderThatWorkedUntilItDisappears) {
  SetEnvKeys();
  WriteProfile("default", "AKIDPROFILE");
  DefaultCredentialsChain chain(Options());
  EXPECT_EQ(chain.GetCredentials()->access_key_id, kEnvKeys.access_key_id);
  env_.Unset("AWS_ACCESS_KEY_ID");
  env_.Unset("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(chain.GetCredentials()->access_key_id, "AKIDPROFILE");
}

TEST_F(ChainTest, ExplicitProviders) {
  class Fixed : public CredentialsProvider {
   public:
    explicit Fixed(Result<Credentials> r) : r_(std::move(r)) {}
    Result<Credentials> GetCredentials() override { return r_; }
    std::string Name() const override { return "fixed"; }
    Result<Credentials> r_;
  };
  DefaultCredentialsChain chain(std::vector<std::shared_ptr<CredentialsProvider>>{
      std::make_shared<Fixed>(Status::NotFound("nothing here")),
      std::make_shared<Fixed>(Credentials{"AKIDSECOND", "s", "", {}})});
  EXPECT_EQ(chain.GetCredentials()->access_key_id, "AKIDSECOND");
}

CredentialsConfig SinkConfig(const test::FakeSts& sts) {
  CredentialsConfig c;
  c.region = "us-east-2";
  c.sts_endpoint = sts.url();
  return c;
}

TEST_F(ChainTest, FactoryStaticKeys) {
  SetEnvKeys();
  CredentialsConfig config = SinkConfig(sts_);
  config.access_key_id = kStaticKeys.access_key_id;
  config.secret_access_key = kStaticKeys.secret_access_key;
  config.session_token = "sink-session-token";
  auto provider = MakeCredentialsProvider(config);
  ASSERT_TRUE(provider.ok());
  auto c = (*provider)->GetCredentials();
  EXPECT_EQ(c->access_key_id, kStaticKeys.access_key_id);  // not the environment's
  EXPECT_EQ(c->session_token, "sink-session-token");
}

TEST_F(ChainTest, FactoryRejectsContradictions) {
  CredentialsConfig only_id = SinkConfig(sts_);
  only_id.access_key_id = "AKIDONLY";
  auto a = MakeCredentialsProvider(only_id);
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("aws.credentials.secret_access_key is not"),
            std::string::npos);

  CredentialsConfig only_secret = SinkConfig(sts_);
  only_secret.secret_access_key = "lonely/secret/value";
  EXPECT_FALSE(MakeCredentialsProvider(only_secret).ok());

  CredentialsConfig token = SinkConfig(sts_);
  token.session_token = "token-without-keys";
  EXPECT_FALSE(MakeCredentialsProvider(token).ok());

  CredentialsConfig external = SinkConfig(sts_);
  external.external_id = "ext";
  EXPECT_NE(MakeCredentialsProvider(external).status().message().find("role.arn"),
            std::string::npos);

  CredentialsConfig bad_arn = SinkConfig(sts_);
  bad_arn.role_arn = "dynamodb-writer";
  auto bad = MakeCredentialsProvider(bad_arn);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("aws.credentials.role.arn"), std::string::npos);
}

TEST_F(ChainTest, FactoryRoleOverStaticKeys) {
  test::FakeSts sts(kStaticKeys, "us-east-2");
  CredentialsConfig config = SinkConfig(sts);
  config.access_key_id = kStaticKeys.access_key_id;
  config.secret_access_key = kStaticKeys.secret_access_key;
  config.role_arn = "arn:aws:iam::123456789012:role/sink";
  config.external_id = "tenant-7";
  auto provider = MakeCredentialsProvider(config);
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  auto c = (*provider)->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(sts.problems().empty()) << sts.problems()[0];
  EXPECT_EQ(c->access_key_id, sts.last_issued().access_key_id);
  auto calls = sts.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["RoleArn"], "arn:aws:iam::123456789012:role/sink");
  EXPECT_EQ(calls[0]["ExternalId"], "tenant-7");
  EXPECT_EQ(calls[0]["RoleSessionName"], "RisingWave");
}

TEST_F(ChainTest, FactoryRoleOverDefaultChainWithProfile) {
  env_.WriteFile(".aws/credentials",
                 "[sinkprofile]\naws_access_key_id = " + kEnvKeys.access_key_id +
                     "\naws_secret_access_key = " + kEnvKeys.secret_access_key + "\n");
  CredentialsConfig config = SinkConfig(sts_);
  config.profile = "sinkprofile";
  config.role_arn = "arn:aws:iam::123456789012:role/sink";
  config.http = http_;
  auto provider = MakeCredentialsProvider(config);
  ASSERT_TRUE(provider.ok());
  auto c = (*provider)->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(sts_.problems().empty());
  EXPECT_EQ(sts_.call_count(), 1);

  CredentialsConfig plain = SinkConfig(sts_);
  plain.profile = "sinkprofile";
  auto direct = MakeCredentialsProvider(plain);
  EXPECT_EQ((*direct)->GetCredentials()->access_key_id, kEnvKeys.access_key_id);
}

}  // namespace
}  // namespace dynasink::aws
