// Credentials from profiles of the shared files: keys, roles with source_profile chains and
// credential_source, web identity, credential_process, and the errors for what is missing.
#include "aws/credentials_profile.h"

#include <gtest/gtest.h>

#include "common/redact.h"
#include "support/aws_test_env.h"
#include "support/fake_sts.h"

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;

const test::FakeStsCaller kBase{"AKIDPROFILEBASE00001", "profile/base/secret+0123456789", ""};

class ProfileTest : public ::testing::Test {
 protected:
  ProfileProviderOptions Options(std::string profile = "") {
    ProfileProviderOptions o;
    o.profile = std::move(profile);
    o.sts.endpoint_override = sts_.url();
    o.sts.http = http_;
    return o;
  }
  test::ScopedAwsEnvironment env_;
  test::FakeSts sts_{kBase, "eu-west-3"};
  std::shared_ptr<HttpClient> http_ = HttpClient::Create();
};

TEST_F(ProfileTest, StaticKeysFromDefaultProfile) {
  env_.WriteFile(".aws/credentials",
                 "[default]\naws_access_key_id = AKIDDEFAULT\n"
                 "aws_secret_access_key = default/secret/key\naws_session_token = tok-default\n");
  ProfileCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(c->session_token, "tok-default");
  EXPECT_EQ(p.Name(), "profile 'default'");
}

TEST_F(ProfileTest, ProfileFromEnvironmentAndFileLocations) {
  env_.WriteFile("cfg/config",
                 "[profile team]\naws_access_key_id = AKIDTEAM\n"
                 "aws_secret_access_key = team/secret\n");
  env_.Set("AWS_CONFIG_FILE", (env_.home() / "cfg/config").string());
  env_.Set("AWS_PROFILE", "team");
  ProfileCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDTEAM");
}

TEST_F(ProfileTest, MissingProfileNamesFiles) {
  env_.WriteFile(".aws/credentials", "[other]\naws_access_key_id = A\naws_secret_access_key = B\n");
  ProfileCredentialsProvider p(Options("prod"));
  auto c = p.GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
  const std::string& msg = c.status().message();
  EXPECT_NE(msg.find("profile 'prod' not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find(".aws/config"), std::string::npos) << msg;
  EXPECT_NE(msg.find(".aws/credentials"), std::string::npos) << msg;

  // Fixing the files makes the next call succeed.
  env_.WriteFile(".aws/credentials",
                 "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = prod/secret\n");
  EXPECT_TRUE(p.GetCredentials().ok());
}

TEST_F(ProfileTest, MalformedFile) {
  env_.WriteFile(".aws/config", "[default]\nregion = x\nthis line is wrong\n");
  ProfileCredentialsProvider p(Options());
  auto c = p.GetCredentials();
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("config line 3"), std::string::npos) << c.status().message();
}

TEST_F(ProfileTest, IncompleteAndEmptyProfiles) {
  env_.WriteFile(".aws/credentials", "[half]\naws_access_key_id = AKIDHALF\n[empty]\nregion = x\n");
  auto half = ProfileCredentialsProvider(Options("half")).GetCredentials();
  EXPECT_NE(half.status().message().find("not aws_secret_access_key"), std::string::npos);
  auto empty = ProfileCredentialsProvider(Options("empty")).GetCredentials();
  EXPECT_NE(empty.status().message().find("has no credentials"), std::string::npos);
  env_.WriteFile(".aws/config", "[profile sso]\nsso_session = corp\n");
  auto sso = ProfileCredentialsProvider(Options("sso")).GetCredentials();
  EXPECT_EQ(sso.status().code(), StatusCode::kNotSupported);
}

TEST_F(ProfileTest, RoleWithSourceProfileChain) {
  env_.WriteFile(".aws/credentials", "[base]\naws_access_key_id = " + kBase.access_key_id +
                                         "\naws_secret_access_key = " + kBase.secret_access_key +
                                         "\n");
  env_.WriteFile(".aws/config",
                 "[profile first]\nrole_arn = arn:aws:iam::111111111111:role/first\n"
                 "source_profile = base\nregion = eu-west-3\nexternal_id = ext-first\n"
                 "[profile second]\nrole_arn = arn:aws:iam::222222222222:role/second\n"
                 "source_profile = first\nrole_session_name = second-session\n"
                 "duration_seconds = 900\nregion = eu-west-3\n");
  ProfileCredentialsProvider p(Options("second"));
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(sts_.problems().empty()) << sts_.problems()[0];
  auto calls = sts_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["RoleArn"], "arn:aws:iam::111111111111:role/first");
  EXPECT_EQ(calls[0]["ExternalId"], "ext-first");
  EXPECT_EQ(calls[1]["RoleArn"], "arn:aws:iam::222222222222:role/second");
  EXPECT_EQ(calls[1]["RoleSessionName"], "second-session");
  EXPECT_EQ(calls[1]["DurationSeconds"], "900");
  EXPECT_EQ(c->access_key_id, sts_.last_issued().access_key_id);
}

TEST_F(ProfileTest, SourceProfileNamingItself) {
  env_.WriteFile(".aws/config",
                 "[profile self]\nregion = eu-west-3\n"
                 "role_arn = arn:aws:iam::111111111111:role/r\n"
                 "source_profile = self\n");
  env_.WriteFile(".aws/credentials", "[self]\naws_access_key_id = " + kBase.access_key_id +
                                         "\naws_secret_access_key = " + kBase.secret_access_key +
                                         "\n");
  auto c = ProfileCredentialsProvider(Options("self")).GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(sts_.call_count(), 1);
}

TEST_F(ProfileTest, SourceProfileLoopAndMissingSource) {
  env_.WriteFile(".aws/config",
                 "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                 "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
                 "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = nowhere\n"
                 "[profile d]\nrole_arn = arn:aws:iam::1:role/d\n");
  auto loop = ProfileCredentialsProvider(Options("a")).GetCredentials();
  EXPECT_NE(loop.status().message().find("loop"), std::string::npos) << loop.status().message();
  EXPECT_NE(loop.status().message().find("a -> b -> a"), std::string::npos);
  auto missing = ProfileCredentialsProvider(Options("c")).GetCredentials();
  EXPECT_NE(missing.status().message().find("profile 'nowhere' not found"), std::string::npos);
  EXPECT_NE(missing.status().message().find("source_profile of profile 'c'"), std::string::npos);
  auto no_source = ProfileCredentialsProvider(Options("d")).GetCredentials();
  EXPECT_NE(no_source.status().message().find("none of source_profile"), std::string::npos);
  EXPECT_EQ(sts_.call_count(), 0);
}

TEST_F(ProfileTest, CredentialSourceEnvironment) {
  env_.WriteFile(".aws/config",
                 "[profile envrole]\nregion = eu-west-3\n"
                 "role_arn = arn:aws:iam::1:role/env\n"
                 "credential_source = Environment\n");
  env_.Set("AWS_ACCESS_KEY_ID", kBase.access_key_id);
  env_.Set("AWS_SECRET_ACCESS_KEY", kBase.secret_access_key);
  auto c = ProfileCredentialsProvider(Options("envrole")).GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(sts_.call_count(), 1);

  env_.WriteFile(".aws/config",
                 "[profile bad]\nrole_arn = arn:aws:iam::1:role/x\n"
                 "credential_source = Floppy\n");
  auto bad = ProfileCredentialsProvider(Options("bad")).GetCredentials();
  EXPECT_NE(bad.status().message().find("Floppy"), std::string::npos);
}

TEST_F(ProfileTest, RoleRefusedBySts) {
  env_.WriteFile(".aws/credentials", "[base]\naws_access_key_id = " + kBase.access_key_id +
                                         "\naws_secret_access_key = " + kBase.secret_access_key +
                                         "\n");
  env_.WriteFile(".aws/config",
                 "[profile r]\nregion = eu-west-3\nsource_profile = base\n"
                 "role_arn = arn:aws:iam::1:role/forbidden\n");
  sts_.FailNext(403, "AccessDenied", "not authorized to perform: sts:AssumeRole");
  auto c = ProfileCredentialsProvider(Options("r")).GetCredentials();
  EXPECT_EQ(c.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(c.status().message().find("AccessDenied"), std::string::npos);
}

TEST_F(ProfileTest, WebIdentityProfile) {
  sts_.set_web_identity_token("profile-web-identity-token");
  env_.WriteFile("oidc/token", "profile-web-identity-token");
  env_.WriteFile(".aws/config",
                 "[profile web]\nregion = eu-west-3\n"
                 "role_arn = arn:aws:iam::1:role/web\n"
                 "web_identity_token_file = ~/oidc/token\n"
                 "role_session_name = web-session\n");
  auto c = ProfileCredentialsProvider(Options("web")).GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(sts_.call_count(), 1);
  EXPECT_EQ(sts_.calls()[0]["Action"], "AssumeRoleWithWebIdentity");
  EXPECT_EQ(sts_.calls()[0]["RoleSessionName"], "web-session");
}

TEST_F(ProfileTest, CredentialProcessProfile) {
  auto script = env_.WriteFile(
      "bin/creds.sh",
      "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":"
      "\"proc/secret/value\"}'\n",
      true);
  env_.WriteFile(".aws/config",
                 "[profile proc]\ncredential_process = " + script.string() + " --flag\n");
  auto c = ProfileCredentialsProvider(Options("proc")).GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDPROC");

  env_.WriteFile(".aws/config", "[profile broken]\ncredential_process = /bin/false\n");
  auto broken = ProfileCredentialsProvider(Options("broken")).GetCredentials();
  EXPECT_NE(broken.status().message().find("exited with status 1"), std::string::npos)
      << broken.status().message();
}

TEST_F(ProfileTest, RoleTakesPrecedenceOverKeysOfTheSameProfile) {
  env_.WriteFile(".aws/credentials", "[both]\naws_access_key_id = " + kBase.access_key_id +
                                         "\naws_secret_access_key = " + kBase.secret_access_key +
                                         "\n");
  env_.WriteFile(".aws/config",
                 "[profile both]\nregion = eu-west-3\nsource_profile = both\n"
                 "role_arn = arn:aws:iam::1:role/r\n");
  auto c = ProfileCredentialsProvider(Options("both")).GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_NE(c->access_key_id, kBase.access_key_id);
}

}  // namespace
}  // namespace dynasink::aws
