// Parsing of the shared AWS config and credentials files, and region resolution.
#include "aws/profile_config.h"

#include <gtest/gtest.h>

#include "aws/region.h"
#include "common/redact.h"
#include "support/aws_test_env.h"

namespace dynasink::aws {
namespace {

TEST(ProfileConfigTest, ConfigAndCredentialsSectionRules) {
  ProfileSet set;
  ASSERT_TRUE(ParseProfileFile(R"(
# comment
; another
[default]
region = us-west-2
output=json   ; trailing comment
[profile dev]
region = eu-west-1
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = default
[prod]
region = ignored-in-config-without-profile-prefix
[sso-session corp]
sso_region = us-east-1
[profile   spaced  ]
region=ap-south-1
s3 =
  max_concurrent_requests = 20
  addressing_style = path
)",
                               true, "config", &set)
                  .ok());
  ASSERT_TRUE(ParseProfileFile(R"(
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secret/with+chars#notacomment
[profile dev]
aws_access_key_id = ignored-profile-prefix-in-credentials
[dev]
aws_access_key_id = AKIDDEV
[Region]
REGION = from-credentials
)",
                               false, "credentials", &set)
                  .ok());
  ASSERT_NE(set.Find("default"), nullptr);
  EXPECT_EQ(set.Find("default")->Get("region"), "us-west-2");
  EXPECT_EQ(set.Find("default")->Get("output"), "json");
  EXPECT_EQ(set.Find("default")->Get("aws_access_key_id"), "AKIDDEFAULT");
  EXPECT_EQ(set.Find("default")->Get("aws_secret_access_key"), "secret/with+chars#notacomment");
  ASSERT_NE(set.Find("dev"), nullptr);
  EXPECT_EQ(set.Find("dev")->Get("region"), "eu-west-1");
  EXPECT_EQ(set.Find("dev")->Get("aws_access_key_id"), "AKIDDEV");
  EXPECT_EQ(set.Find("prod"), nullptr);
  EXPECT_EQ(set.Find("sso-session corp"), nullptr);
  ASSERT_NE(set.Find("spaced"), nullptr);
  EXPECT_EQ(set.Find("spaced")->Get("s3.max_concurrent_requests"), "20");
  EXPECT_EQ(set.Find("spaced")->Get("s3.addressing_style"), "path");
  EXPECT_EQ(set.Find("Region")->Get("region"), "from-credentials");  // keys case-insensitive
  EXPECT_EQ(set.Find("default")->Get("missing"), std::nullopt);
}

TEST(ProfileConfigTest, CredentialsFileWinsOverConfig) {
  ProfileSet set;
  ASSERT_TRUE(ParseProfileFile("[profile x]\naws_access_key_id = FROMCONFIG\nregion = r1\n", true,
                               "c", &set)
                  .ok());
  ASSERT_TRUE(
      ParseProfileFile("[x]\naws_access_key_id = FROMCREDENTIALS\n", false, "k", &set).ok());
  EXPECT_EQ(set.Find("x")->Get("aws_access_key_id"), "FROMCREDENTIALS");
  EXPECT_EQ(set.Find("x")->Get("region"), "r1");
}

TEST(ProfileConfigTest, SyntaxErrorsNameFileAndLineButNotContent) {
  ProfileSet set;
  Status s = ParseProfileFile("[default]\naws_secret_access_key\n", false, "/tmp/creds", &set);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("/tmp/creds line 2"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("aws_secret_access_key"), std::string::npos) << s.message();

  Status outside = ParseProfileFile("key = SuperSecretValue123\n", false, "f", &set);
  EXPECT_NE(outside.message().find("line 1"), std::string::npos);
  EXPECT_EQ(outside.message().find("SuperSecretValue123"), std::string::npos);
  EXPECT_FALSE(ParseProfileFile("[default\nx=1\n", true, "f", &set).ok());
  EXPECT_FALSE(ParseProfileFile("[]\n", true, "f", &set).ok());
  EXPECT_FALSE(ParseProfileFile("  indented = first\n", true, "f", &set).ok());
}

TEST(ProfileConfigTest, SecretsAreRegisteredForRedaction) {
  ProfileSet set;
  ASSERT_TRUE(ParseProfileFile("[p]\naws_secret_access_key = Fz9+registered/secret/value\n", false,
                               "f", &set)
                  .ok());
  EXPECT_EQ(Redact("oops Fz9+registered/secret/value"), "oops <redacted>");
}

TEST(ProfileConfigTest, LoadsFilesFromEnvironmentAndHome) {
  test::ScopedAwsEnvironment env;
  ProfileFilePaths defaults = ProfileFilePaths::FromEnvironment();
  EXPECT_EQ(defaults.config, (env.home() / ".aws/config").string());
  EXPECT_EQ(defaults.credentials, (env.home() / ".aws/credentials").string());

  // Missing files hold no profiles.
  auto empty = LoadProfiles();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->profiles.empty());

  env.WriteFile(".aws/config", "[profile a]\nregion = r-home\n");
  env.WriteFile("elsewhere/creds", "[a]\naws_access_key_id = K\n");
  env.Set("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds");
  auto loaded = LoadProfiles();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->Find("a")->Get("region"), "r-home");
  EXPECT_EQ(loaded->Find("a")->Get("aws_access_key_id"), "K");

  env.WriteFile("bad/config", "[profile a]\nnot a property\n");
  env.Set("AWS_CONFIG_FILE", (env.home() / "bad/config").string());
  auto bad = LoadProfiles();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad/config line 2"), std::string::npos)
      << bad.status().message();

  env.Set("AWS_CONFIG_FILE", env.home().string());  // a directory
  EXPECT_EQ(LoadProfiles().status().code(), StatusCode::kIOError);
}

TEST(ProfileConfigTest, SelectedProfile) {
  test::ScopedAwsEnvironment env;
  EXPECT_EQ(SelectedProfileName(), "default");
  env.Set("AWS_PROFILE", "from-env");
  EXPECT_EQ(SelectedProfileName(), "from-env");
  EXPECT_EQ(SelectedProfileName("explicit"), "explicit");
}

TEST(RegionTest, ResolutionOrder) {
  test::ScopedAwsEnvironment env;
  env.WriteFile(".aws/config", "[default]\nregion = from-default\n[profile p]\nregion = from-p\n");
  auto r = ResolveRegion("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->region, "from-default");
  EXPECT_EQ(r->source, "profile 'default'");
  EXPECT_EQ(ResolveRegion("", "p")->region, "from-p");
  env.Set("AWS_PROFILE", "p");
  EXPECT_EQ(ResolveRegion("")->region, "from-p");
  env.Set("AWS_DEFAULT_REGION", "from-default-env");
  EXPECT_EQ(ResolveRegion("")->region, "from-default-env");
  env.Set("AWS_REGION", "from-env");
  EXPECT_EQ(ResolveRegion("")->region, "from-env");
  EXPECT_EQ(ResolveRegion("explicit-1")->region, "explicit-1");
  EXPECT_EQ(ResolveRegion("explicit-1")->source, "explicit");
}

TEST(RegionTest, NoRegionAnywhere) {
  test::ScopedAwsEnvironment env;
  auto r = ResolveRegion("", "nope");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find("aws.region"), std::string::npos);
  EXPECT_NE(r.status().message().find("profile 'nope'"), std::string::npos);
}

}  // namespace
}  // namespace dynasink::aws
