// The small text helpers of src/aws: URLs and percent-encoding, ISO 8601 times, and the XML
// subset STS answers in.
#include <gtest/gtest.h>

#include "aws/iso8601.h"
#include "aws/url.h"
#include "aws/xml.h"

namespace dynasink::aws {
namespace {

TEST(UrlTest, Parse) {
  auto u = ParseUrl("https://user:pw@dynamodb.us-east-1.amazonaws.com/a/b?x=1#f");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->authority, "dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(u->host, "dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/a/b");
  EXPECT_EQ(u->query, "x=1");

  auto v6 = ParseUrl("http://[fd00:ec2::254]:8080");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "fd00:ec2::254");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(v6->path, "");

  EXPECT_FALSE(ParseUrl("no-scheme").ok());
  EXPECT_FALSE(ParseUrl("http://").ok());
  EXPECT_FALSE(ParseUrl("http://host:99999/").ok());
  EXPECT_FALSE(ParseUrl("http://host:abc/").ok());
}

TEST(UrlTest, EncodeDecode) {
  EXPECT_EQ(UriEncode("a b/c~-._ñ"), "a%20b%2Fc~-._%C3%B1");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(PercentDecode("a%20b%2fc+%zz%4"), "a b/c+%zz%4");
}

TEST(Iso8601Test, ParsesAwsForms) {
  auto base = ParseIso8601("2019-11-09T13:34:41Z");
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(Clock::to_time_t(*base), 1573306481);
  EXPECT_EQ(FormatIso8601(*base), "2019-11-09T13:34:41Z");
  auto frac = ParseIso8601("2019-11-09T13:34:41.250Z");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(*frac - *base, std::chrono::milliseconds(250));
  auto offset = ParseIso8601("2019-11-09T15:34:41+02:00");
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(*offset, *base);
  EXPECT_EQ(*ParseIso8601("2019-11-09T08:34:41-0500"), *base);
  for (const char* bad : {"", "2019-11-09", "2019-11-09T13:34:41", "2019-13-09T13:34:41Z",
                          "2019-11-09T13:34:41Zjunk", "yesterday"}) {
    EXPECT_FALSE(ParseIso8601(bad).ok()) << bad;
  }
}

TEST(XmlTest, StsShapes) {
  const char* doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>a&amp;b&lt;c&#65;&#x42;</SecretAccessKey>
      <SessionToken><![CDATA[tok<en>]]></SessionToken>
      <Empty/>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";
  EXPECT_EQ(XmlText(doc, "AssumeRoleResult/Credentials/AccessKeyId"), "ASIAEXAMPLE");
  EXPECT_EQ(XmlText(doc, "AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId"),
            "ASIAEXAMPLE");
  EXPECT_EQ(XmlText(doc, "AssumeRoleResult/Credentials/SecretAccessKey"), "a&b<cAB");
  EXPECT_EQ(XmlText(doc, "AssumeRoleResult/Credentials/SessionToken"), "tok<en>");
  EXPECT_EQ(XmlText(doc, "AssumeRoleResult/Credentials/Empty"), "");
  EXPECT_EQ(XmlText(doc, "ResponseMetadata/RequestId"), "rid");
  EXPECT_EQ(XmlText(doc, "AssumeRoleResult/Credentials/Missing"), std::nullopt);

  const char* error = R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not &quot;allowed&quot;</Message></Error>
  <RequestId>r-1</RequestId></ErrorResponse>)";
  EXPECT_EQ(XmlText(error, "Error/Code"), "AccessDenied");
  EXPECT_EQ(XmlText(error, "Error/Message"), "not \"allowed\"");
  EXPECT_EQ(XmlText(error, "RequestId"), "r-1");
}

TEST(XmlTest, MalformedDocuments) {
  EXPECT_EQ(XmlText("", "A"), std::nullopt);
  EXPECT_EQ(XmlText("not xml", "A"), std::nullopt);
  EXPECT_EQ(XmlText("<R><A>x</B></R>", "A"), std::nullopt);
  EXPECT_EQ(XmlText("<R><A>x", "A"), std::nullopt);
  EXPECT_EQ(XmlText("<html><body>502 Bad Gateway</body></html>", "Error/Code"), std::nullopt);
}

}  // namespace
}  // namespace dynasink::aws
