#include "aws/endpoint.h"

#include <gtest/gtest.h>

namespace dynasink::aws {
namespace {

TEST(EndpointTest, DefaultsFollowThePartition) {
  auto e = ResolveEndpoint("dynamodb", "us-east-1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->url, "https://dynamodb.us-east-1.amazonaws.com/");
  EXPECT_EQ(e->host, "dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(e->scheme, "https");
  EXPECT_EQ(e->port, 0);
  EXPECT_EQ(ResolveEndpoint("dynamodb", "eu-west-3")->url,
            "https://dynamodb.eu-west-3.amazonaws.com/");
  EXPECT_EQ(ResolveEndpoint("dynamodb", "cn-north-1")->url,
            "https://dynamodb.cn-north-1.amazonaws.com.cn/");
  EXPECT_EQ(ResolveEndpoint("dynamodb", "cn-northwest-1")->host,
            "dynamodb.cn-northwest-1.amazonaws.com.cn");
  EXPECT_EQ(ResolveEndpoint("dynamodb", "us-iso-east-1")->host,
            "dynamodb.us-iso-east-1.c2s.ic.gov");
  EXPECT_EQ(ResolveEndpoint("dynamodb", "us-isob-east-1")->host,
            "dynamodb.us-isob-east-1.sc2s.sgov.gov");
  EXPECT_EQ(ResolveEndpoint("sts", "us-gov-west-1")->host, "sts.us-gov-west-1.amazonaws.com");
}

TEST(EndpointTest, RegionIsValidated) {
  EXPECT_FALSE(ResolveEndpoint("dynamodb", "").ok());
  auto bad = ResolveEndpoint("dynamodb", "US-EAST-1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("invalid AWS region 'US-EAST-1'"), std::string::npos);
  EXPECT_FALSE(ResolveEndpoint("dynamodb", "us east").ok());
  EXPECT_FALSE(ResolveEndpoint("dynamodb", "us-east-1/evil").ok());
  EXPECT_FALSE(ResolveEndpoint("dynamodb", "-us").ok());
  EXPECT_TRUE(ValidateRegion("ap-southeast-2").ok());
}

TEST(EndpointTest, OverrideWinsAndIsNormalised) {
  auto e = ResolveEndpoint("dynamodb", "us-east-1", "http://127.0.0.1:8000");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->url, "http://127.0.0.1:8000/");
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 8000);
  EXPECT_EQ(e->path, "/");
  // The region does not matter for an override, not even a missing one.
  EXPECT_TRUE(ResolveEndpoint("dynamodb", "", "http://localhost:8000").ok());

  auto upper = ParseEndpointUrl("HTTPS://DynamoDB.Example.COM/");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(upper->url, "https://dynamodb.example.com/");
  auto v6 = ParseEndpointUrl("http://[::1]:4567");
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 4567);
  EXPECT_EQ(v6->url, "http://[::1]:4567/");
  auto path = ParseEndpointUrl("https://proxy.internal/dynamodb");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->path, "/dynamodb");
  EXPECT_EQ(path->url, "https://proxy.internal/dynamodb");
}

TEST(EndpointTest, BadOverridesAreRefusedWithTheReason) {
  struct Case {
    const char* url;
    const char* reason;
  };
  const Case cases[] = {
      {"127.0.0.1:8000", "no scheme"},
      {"ftp://host", "scheme 'ftp' is not http or https"},
      {"http://", "no host"},
      {"http://:8000", "no host"},
      {"http://host:", "empty port"},
      {"http://host:0", "the port is not a number from 1 to 65535"},
      {"http://host:65536", "the port is not a number from 1 to 65535"},
      {"http://host:80a", "the port is not a number from 1 to 65535"},
      {"http://host:99999999999999", "the port is not a number from 1 to 65535"},
      {"http://ho st", "space or control character"},
      {"http://host/?a=b", "a query or fragment is not allowed"},
      {"http://host#x", "a query or fragment is not allowed"},
      {"http://[::1", "unterminated IPv6 address"},
      {"http://[zz]", "bad IPv6 address"},
      {"http://ho$t", "bad character '$' in the host"},
  };
  for (const Case& c : cases) {
    auto r = ParseEndpointUrl(c.url);
    ASSERT_FALSE(r.ok()) << c.url;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.reason), std::string::npos)
        << c.url << " -> " << r.status().message();
  }
}

TEST(EndpointTest, UserInfoIsRefusedWithoutEchoingIt) {
  auto r = ParseEndpointUrl("https://AKIAEXAMPLE:supersecretvalue@dynamodb.example.com");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("supersecretvalue"), std::string::npos);
  EXPECT_NE(r.status().message().find("user info"), std::string::npos);
}

}  // namespace
}  // namespace dynasink::aws
