// DynamoDB sink options (src/connector/dynamodb/options.h): every option and alias, defaults,
// bounds, primary_key parsing, credentials, region resolution and secrets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "common/redact.h"
#include "connector/dynamodb/options.h"
#include "support/aws_test_env.h"

namespace dynasink::connector::dynamodb {
namespace {

using ::testing::HasSubstr;

class DynamoDbOptionsTest : public ::testing::Test {
 protected:
  test::ScopedAwsEnvironment env_;

  Result<DynamoDbSinkOptions> Parse(SinkOptionList options) {
    notices_.clear();
    return ParseDynamoDbOptions(options, &notices_);
  }
  static SinkOptionList Minimal() {
    return {{"table", "Movies"}, {"primary_key", "year,title"}, {"aws.region", "us-east-1"}};
  }
  static SinkOptionList With(SinkOptionList o, std::string k, std::string v) {
    o.emplace_back(std::move(k), std::move(v));
    return o;
  }
  std::vector<std::string> notices_;
};

TEST_F(DynamoDbOptionsTest, Defaults) {
  auto o = Parse(Minimal());
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->table, "Movies");
  EXPECT_EQ(o->primary_key, (std::vector<std::string>{"year", "title"}));
  EXPECT_EQ(o->region, "us-east-1");
  EXPECT_EQ(o->region_source, "aws.region");
  EXPECT_EQ(o->endpoint_url, "");
  EXPECT_EQ(o->max_batch_item_nums, 25);
  EXPECT_EQ(o->max_future_send_nums, 256);
  EXPECT_EQ(o->batch_write_retry_times, 3);
  EXPECT_EQ(o->batch_write_retry_backoff_ms, 100);
  EXPECT_TRUE(o->credentials.access_key_id.empty());
  EXPECT_EQ(o->credentials.region, "us-east-1");
  EXPECT_EQ(o->credentials.role_session_name, "RisingWave");
  EXPECT_TRUE(notices_.empty());
}

TEST_F(DynamoDbOptionsTest, EveryOptionByMainNameAndAlias) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> spellings;  // main name, then aliases
    std::function<void(const DynamoDbSinkOptions&)> check;
  };
  std::vector<Case> cases = {
      {{{"table", "T1"}, {"dynamodb.table", "T1"}},
       [](const DynamoDbSinkOptions& o) { EXPECT_EQ(o.table, "T1"); }},
      {{{"aws.region", "eu-west-3"}, {"region", "eu-west-3"}},
       [](const DynamoDbSinkOptions& o) { EXPECT_EQ(o.region, "eu-west-3"); }},
      {{{"aws.endpoint_url", "http://127.0.0.1:8000"},
        {"endpoint_url", "http://127.0.0.1:8000"},
        {"endpoint", "http://127.0.0.1:8000"}},
       [](const DynamoDbSinkOptions& o) { EXPECT_EQ(o.endpoint_url, "http://127.0.0.1:8000"); }},
      {{{"aws.credentials.role.arn", "arn:aws:iam::123456789012:role/sink"},
        {"arn", "arn:aws:iam::123456789012:role/sink"}},
       [](const DynamoDbSinkOptions& o) {
         EXPECT_EQ(o.credentials.role_arn, "arn:aws:iam::123456789012:role/sink");
       }},
      {{{"aws.profile", "prod"}, {"profile", "prod"}},
       [](const DynamoDbSinkOptions& o) { EXPECT_EQ(o.credentials.profile, "prod"); }},
      {{{"dynamodb.max_batch_item_nums", "7"}},
       [](const DynamoDbSinkOptions& o) { EXPECT_EQ(o.max_batch_item_nums, 7); }},
      {{{"dynamodb.max_future_send_nums", "16"}},
       [](const DynamoDbSinkOptions& o) { EXPECT_EQ(o.max_future_send_nums, 16); }},
      {{{"dynamodb.batch_write_retry_times", "0"}},
       [](const DynamoDbSinkOptions& o) { EXPECT_EQ(o.batch_write_retry_times, 0); }},
      {{{"dynamodb.batch_write_retry_backoff_ms", "250"}},
       [](const DynamoDbSinkOptions& o) { EXPECT_EQ(o.batch_write_retry_backoff_ms, 250); }},
  };
  for (const Case& c : cases) {
    for (const auto& [name, value] : c.spellings) {
      SinkOptionList options = {{"primary_key", "k"}};
      if (name != "table" && name != "dynamodb.table") options.emplace_back("table", "T");
      if (name != "aws.region" && name != "region") options.emplace_back("aws.region", "us-east-1");
      options.emplace_back(name, value);
      auto o = Parse(options);
      ASSERT_TRUE(o.ok()) << name << ": " << o.status().ToString();
      c.check(*o);
    }
  }
  // Keys, by main names and by aliases.
  for (bool alias : {false, true}) {
    SinkOptionList options = Minimal();
    options.emplace_back(alias ? "access_key" : "aws.credentials.access_key_id",
                         "AKIAIOSFODNN7EXAMPLE");
    options.emplace_back(alias ? "secret_key" : "aws.credentials.secret_access_key",
                         "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    options.emplace_back(alias ? "session_token" : "aws.credentials.session_token",
                         "FwoGZXIvYXdzEXAMPLETOKEN");
    options.emplace_back(alias ? "arn" : "aws.credentials.role.arn",
                         "arn:aws:iam::123456789012:role/r");
    options.emplace_back(alias ? "external_id" : "aws.credentials.role.external_id", "ext-1");
    auto o = Parse(options);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(o->credentials.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    EXPECT_EQ(o->credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    EXPECT_EQ(o->credentials.session_token, "FwoGZXIvYXdzEXAMPLETOKEN");
    EXPECT_EQ(o->credentials.role_arn, "arn:aws:iam::123456789012:role/r");
    EXPECT_EQ(o->credentials.external_id, "ext-1");
    // The options make a provider: static keys wrapped in AssumeRole.
    auto provider = aws::MakeCredentialsProvider(o->credentials);
    ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  }
}

TEST_F(DynamoDbOptionsTest, OptionAndAliasTogetherAreRefused) {
  auto o = Parse(With(Minimal(), "dynamodb.table", "Other"));
  EXPECT_EQ(o.status().message(),
            "options \"table\" and \"dynamodb.table\" are the same option (\"table\"); give it "
            "once");
  EXPECT_THAT(Parse(With(With(Minimal(), "endpoint", "http://a:1"), "endpoint_url", "http://a:1"))
                  .status()
                  .message(),
              HasSubstr("are the same option (\"aws.endpoint_url\")"));
}

TEST_F(DynamoDbOptionsTest, RequiredOptions) {
  EXPECT_THAT(Parse({{"primary_key", "a"}, {"aws.region", "us-east-1"}}).status().message(),
              HasSubstr("option \"table\" is required"));
  EXPECT_THAT(Parse({{"table", "T"}, {"aws.region", "us-east-1"}}).status().message(),
              HasSubstr("option \"primary_key\" is required"));
  EXPECT_THAT(Parse({{"table", "T"}, {"primary_key", " , ,"}, {"aws.region", "us-east-1"}})
                  .status()
                  .message(),
              HasSubstr("option \"primary_key\" is required"));
}

TEST_F(DynamoDbOptionsTest, PrimaryKeyIsTrimmedAndSkipsEmptyParts) {
  EXPECT_EQ(ParsePrimaryKeyList(" year , title "), (std::vector<std::string>{"year", "title"}));
  EXPECT_EQ(ParsePrimaryKeyList("a,,b,"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ParsePrimaryKeyList(""), std::vector<std::string>{});
  EXPECT_EQ(ParsePrimaryKeyList("year title"), std::vector<std::string>{"year title"});
  EXPECT_THAT(Parse({{"table", "T"}, {"primary_key", "a,a"}, {"aws.region", "us-east-1"}})
                  .status()
                  .message(),
              HasSubstr("primary_key names column a twice"));
}

TEST_F(DynamoDbOptionsTest, Bounds) {
  struct Bound {
    std::string name;
    std::string ok_low, ok_high, bad_low, bad_high;
  };
  for (const Bound& b :
       std::vector<Bound>{{"dynamodb.max_batch_item_nums", "1", "25", "0", "26"},
                          {"dynamodb.max_future_send_nums", "1", "256", "0", "257"},
                          {"dynamodb.batch_write_retry_times", "0", "1000", "-1", "1001"},
                          {"dynamodb.batch_write_retry_backoff_ms", "1", "2000", "0", "2001"}}) {
    EXPECT_TRUE(Parse(With(Minimal(), b.name, b.ok_low)).ok()) << b.name;
    EXPECT_TRUE(Parse(With(Minimal(), b.name, b.ok_high)).ok()) << b.name;
    for (const std::string& bad : {b.bad_low, b.bad_high, std::string("ten"), std::string("1.5"),
                                   std::string(""), std::string("99999999999")}) {
      auto o = Parse(With(Minimal(), b.name, bad));
      EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument) << b.name << "=" << bad;
      EXPECT_THAT(o.status().message(), HasSubstr(b.name + " must be"));
    }
  }
  EXPECT_EQ(Parse(With(Minimal(), "dynamodb.max_batch_item_nums", "26")).status().message(),
            "dynamodb.max_batch_item_nums must be between 1 and 25 (DynamoDB accepts at most 25 "
            "requests per BatchWriteItem), not 26");
  EXPECT_EQ(Parse(With(Minimal(), "dynamodb.max_future_send_nums", "abc")).status().message(),
            "dynamodb.max_future_send_nums must be an integer between 1 and 256, not 'abc'");
}

TEST_F(DynamoDbOptionsTest, MaxBatchRowsIsDeprecatedAndIgnored) {
  auto o = Parse(With(Minimal(), "dynamodb.max_batch_rows", "5000"));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->max_batch_item_nums, 25);
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_THAT(notices_[0], HasSubstr("dynamodb.max_batch_rows is deprecated and ignored"));
  EXPECT_FALSE(Parse(With(Minimal(), "dynamodb.max_batch_rows", "lots")).ok());
}

TEST_F(DynamoDbOptionsTest, UnknownOptionSuggests) {
  auto o = Parse(With(Minimal(), "aws.credentials.secret_acess_key", "x"));
  EXPECT_THAT(o.status().message(),
              HasSubstr("did you mean \"aws.credentials.secret_access_key\"?"));
}

TEST_F(DynamoDbOptionsTest, CredentialCombinations) {
  EXPECT_THAT(Parse(With(Minimal(), "access_key", "AKIAIOSFODNN7EXAMPLE")).status().message(),
              HasSubstr("must be given together"));
  EXPECT_THAT(Parse(With(Minimal(), "secret_key", "secretsecretsecret")).status().message(),
              HasSubstr("must be given together"));
  EXPECT_THAT(Parse(With(Minimal(), "session_token", "tokentokentoken")).status().message(),
              HasSubstr("session_token needs"));
  EXPECT_THAT(Parse(With(Minimal(), "external_id", "e")).status().message(),
              HasSubstr("external_id needs aws.credentials.role.arn"));
}

TEST_F(DynamoDbOptionsTest, SecretsNeverAppearInErrorsAndAreRegistered) {
  const std::string secret = "Sup3rS3cr3tValueThatMustNotLeak";
  // An error after the secret was read (a bad bound) must not echo it, and the secret is
  // registered so that any later log line masks it.
  auto o =
      Parse(With(With(With(Minimal(), "access_key", "AKIAIOSFODNN7EXAMPLE"), "secret_key", secret),
                 "dynamodb.max_batch_item_nums", "99"));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message().find(secret), std::string::npos);
  EXPECT_EQ(Redact("leaked: " + secret).find(secret), std::string::npos);
  EXPECT_TRUE(IsDynamoDbSecretOption("secret_key"));
  EXPECT_TRUE(IsDynamoDbSecretOption("aws.credentials.session_token"));
  EXPECT_TRUE(IsDynamoDbSecretOption("access_key"));
  EXPECT_FALSE(IsDynamoDbSecretOption("aws.credentials.role.arn"));
}

TEST_F(DynamoDbOptionsTest, RegionFromTheDefaultChain) {
  SinkOptionList no_region = {{"table", "T"}, {"primary_key", "k"}};
  auto missing = Parse(no_region);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("option \"aws.region\" is required"));
  env_.Set("AWS_REGION", "ap-south-1");
  auto from_env = Parse(no_region);
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->region, "ap-south-1");
  EXPECT_EQ(from_env->region_source, "AWS_REGION");
  env_.Unset("AWS_REGION");
  env_.WriteFile(".aws/config", "[profile prod]\nregion = eu-north-1\n");
  auto from_profile = Parse(With(no_region, "profile", "prod"));
  ASSERT_TRUE(from_profile.ok()) << from_profile.status().ToString();
  EXPECT_EQ(from_profile->region, "eu-north-1");
  EXPECT_THAT(Parse(With(no_region, "aws.region", "Not A Region")).status().message(),
              HasSubstr("is not a region name"));
}

TEST_F(DynamoDbOptionsTest, EndpointIsChecked) {
  EXPECT_TRUE(Parse(With(Minimal(), "endpoint", "https://dynamodb.local:8443")).ok());
  auto bad = Parse(With(Minimal(), "endpoint", "ftp://x"));
  EXPECT_THAT(bad.status().message(), HasSubstr("aws.endpoint_url"));
}

}  // namespace
}  // namespace dynasink::connector::dynamodb
