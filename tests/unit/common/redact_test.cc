#include "common/redact.h"

#include <gtest/gtest.h>

namespace dynasink {
namespace {

TEST(RedactTest, AuthorizationHeader) {
  std::string out = Redact(
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7\nnext");
  EXPECT_EQ(out, "Authorization: <redacted>\nnext");
}

TEST(RedactTest, SqlOptionsAndIniAndJsonAndXml) {
  EXPECT_EQ(Redact("WITH (secret_key = 'abc/def+ghi', region = 'us-east-1')"),
            "WITH (secret_key = '<redacted>', region = 'us-east-1')");
  EXPECT_EQ(Redact("aws.credentials.secret_access_key='s3cr3t'"),
            "aws.credentials.secret_access_key='<redacted>'");
  EXPECT_EQ(Redact("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\nregion=x"),
            "aws_secret_access_key = <redacted>\nregion=x");
  EXPECT_EQ(Redact(R"({"AccessKeyId":"x","SecretAccessKey":"abc","Token":"tok"})"),
            R"({"AccessKeyId":"x","SecretAccessKey":"<redacted>","Token":"<redacted>"})");
  EXPECT_EQ(Redact("<SecretAccessKey>abc</SecretAccessKey><SessionToken>t</SessionToken>"),
            "<SecretAccessKey><redacted></SecretAccessKey><SessionToken><redacted></SessionToken>");
}

TEST(RedactTest, AccessKeyIdMaskedToLastFour) {
  EXPECT_EQ(Redact("key AKIAIOSFODNN7EXAMPLE used"), "key AKIA************MPLE used");
}

TEST(RedactTest, RegisteredSecretMaskedAnywhere) {
  RegisterSecret("very-secret-value-123");
  EXPECT_EQ(Redact("oops very-secret-value-123!"), "oops <redacted>!");
  RegisterSecret("short");  // too short to register
  EXPECT_EQ(Redact("a short word"), "a short word");
}

TEST(RedactTest, LeavesOrdinaryTextAlone) {
  std::string text = "table Movies not found; primary_key = 'year,title'";
  EXPECT_EQ(Redact(text), text);
}

}  // namespace
}  // namespace dynasink
