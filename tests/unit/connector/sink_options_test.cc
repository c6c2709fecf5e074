// Generic CREATE SINK options (src/connector/sink_options.h): connector, type,
// force_append_only, snapshot, sink.error_policy, FORMAT ... ENCODE ..., unknown options with a
// suggestion, and redaction of secrets.
#include "connector/sink_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/aws_test_env.h"

namespace dynasink::connector {
namespace {

using ::testing::HasSubstr;

SinkOptionList Base() {
  return {{"connector", "dynamodb"},
          {"table", "Movies"},
          {"primary_key", "year,title"},
          {"aws.region", "us-east-1"}};
}

SinkOptionList With(SinkOptionList options, std::string key, std::string value) {
  options.emplace_back(std::move(key), std::move(value));
  return options;
}

Result<ParsedSinkOptions> Parse(const SinkOptionList& options,
                                std::optional<FormatEncodeClause> fe = std::nullopt,
                                SinkSource source = {}) {
  return ParseSinkOptions(options, fe, source);
}

class SinkOptionsTest : public ::testing::Test {
  test::ScopedAwsEnvironment env_;  // no AWS_REGION or profile from the machine
};

TEST_F(SinkOptionsTest, DefaultsAndConnectorOptionsPassThrough) {
  auto p = Parse(Base());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->generic.connector, "dynamodb");
  EXPECT_EQ(p->generic.type, SinkType::kUpsert);
  EXPECT_TRUE(p->generic.snapshot);
  EXPECT_EQ(p->generic.error_policy, ErrorPolicy::kErrorTable);
  SinkOptionList expected = {
      {"table", "Movies"}, {"primary_key", "year,title"}, {"aws.region", "us-east-1"}};
  EXPECT_EQ(p->connector_options, expected);
  EXPECT_TRUE(p->notices.empty());
}

TEST_F(SinkOptionsTest, ConnectorIsRequiredAndKnown) {
  SinkOptionList no_connector = {{"table", "Movies"}};
  EXPECT_EQ(Parse(no_connector).status().message(), "connector not specified when create sink");
  auto p = Parse({{"connector", "dynamo"}, {"table", "t"}});
  EXPECT_THAT(p.status().message(), HasSubstr("unsupported sink connector 'dynamo'"));
  EXPECT_THAT(p.status().message(), HasSubstr("did you mean 'dynamodb'?"));
  EXPECT_THAT(Parse({{"connector", "kafka"}}).status().message(), HasSubstr("supported: dynamodb"));
  // The value's case does not matter.
  EXPECT_TRUE(Parse({{"connector", "DynamoDB"},
                     {"table", "t"},
                     {"primary_key", "a"},
                     {"region", "us-east-1"}})
                  .ok());
}

TEST_F(SinkOptionsTest, UnknownOptionSuggestsTheNearest) {
  auto p = Parse(With(Base(), "dynamodb.max_batch_item_num", "10"));
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(),
            "unknown option \"dynamodb.max_batch_item_num\" for sink connector dynamodb; did you "
            "mean \"dynamodb.max_batch_item_nums\"?");
  EXPECT_THAT(Parse(With(Base(), "snapshto", "true")).status().message(),
              HasSubstr("did you mean \"snapshot\"?"));
  EXPECT_THAT(Parse(With(Base(), "aws.regoin", "x")).status().message(),
              HasSubstr("did you mean \"aws.region\"?"));
  EXPECT_THAT(Parse(With(Base(), "sink.error_polcy", "pause")).status().message(),
              HasSubstr("did you mean \"sink.error_policy\"?"));
  auto far = Parse(With(Base(), "completely_unrelated_thing", "1"));
  EXPECT_THAT(far.status().message(), HasSubstr("unknown option \"completely_unrelated_thing\""));
  EXPECT_THAT(far.status().message(), ::testing::Not(HasSubstr("did you mean")));
}

TEST_F(SinkOptionsTest, DuplicateKeysAreRefused) {
  auto p = Parse(With(Base(), "table", "Other"));
  EXPECT_EQ(p.status().message(), "option \"table\" is given twice");
}

TEST_F(SinkOptionsTest, TypeAndForceAppendOnly) {
  EXPECT_EQ(Parse(With(Base(), "type", "upsert"))->generic.type, SinkType::kUpsert);
  EXPECT_EQ(Parse(With(Base(), "type", "sideways")).status().message(),
            "`type` must be append-only or upsert");
  // append-only over a table that updates and deletes needs force_append_only.
  EXPECT_EQ(Parse(With(Base(), "type", "append-only")).status().message(),
            "The sink cannot be append-only. Please add \"force_append_only='true'\" in WITH "
            "options to force the sink to be append-only. Notice that this will cause the sink "
            "executor to drop DELETE messages and convert UPDATE messages to INSERT.");
  auto forced = Parse(With(With(Base(), "type", "append-only"), "force_append_only", "TRUE"));
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(forced->generic.type, SinkType::kForceAppendOnly);
  EXPECT_EQ(
      Parse(With(With(Base(), "type", "upsert"), "force_append_only", "true")).status().message(),
      "The force_append_only can be only used for type = 'append-only'");
  EXPECT_EQ(Parse(With(Base(), "force_append_only", "true")).status().message(),
            "Cannot force the sink to be append-only without \"type='append-only'\".");
  EXPECT_EQ(Parse(With(Base(), "force_append_only", "yes")).status().message(),
            "`force_append_only` must be true or false");
  // An append-only upstream is append-only without forcing; forcing it changes nothing.
  SinkSource append_only{.from_relation = true, .input_append_only = true};
  EXPECT_EQ(Parse(Base(), std::nullopt, append_only)->generic.type, SinkType::kAppendOnly);
  EXPECT_EQ(Parse(With(Base(), "type", "append-only"), std::nullopt, append_only)->generic.type,
            SinkType::kAppendOnly);
  EXPECT_EQ(Parse(With(With(Base(), "type", "append-only"), "force_append_only", "true"),
                  std::nullopt, append_only)
                ->generic.type,
            SinkType::kAppendOnly);
  EXPECT_EQ(SinkTypeName(SinkType::kForceAppendOnly), "FORCE_APPEND_ONLY");
}

TEST_F(SinkOptionsTest, FormatEncode) {
  auto upsert = Parse(Base(), FormatEncodeClause{"UPSERT", "JSON", {}});
  ASSERT_TRUE(upsert.ok()) << upsert.status().ToString();
  EXPECT_EQ(upsert->generic.type, SinkType::kUpsert);
  // FORMAT PLAIN means append-only, with the same rule and the FORMAT form of the message.
  EXPECT_EQ(Parse(Base(), FormatEncodeClause{"plain", "json", {}}).status().message(),
            "The sink cannot be append-only. Please add \"force_append_only='true'\" in FORMAT "
            "ENCODE options to force the sink to be append-only. Notice that this will cause the "
            "sink executor to drop DELETE messages and convert UPDATE messages to INSERT.");
  auto plain = Parse(Base(), FormatEncodeClause{"plain", "json", {{"force_append_only", "true"}}});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->generic.type, SinkType::kForceAppendOnly);
  EXPECT_EQ(
      Parse(With(Base(), "force_append_only", "true"), FormatEncodeClause{"upsert", "json", {}})
          .status()
          .message(),
      "The force_append_only can be only used for type = 'append-only'");
  for (auto [format, encode] : std::vector<std::pair<std::string, std::string>>{
           {"debezium", "json"}, {"upsert", "avro"}, {"plain", "protobuf"}}) {
    auto p = Parse(Base(), FormatEncodeClause{format, encode, {}});
    EXPECT_THAT(p.status().message(),
                HasSubstr("accepted: FORMAT UPSERT ENCODE JSON (the default, upsert) or FORMAT "
                          "PLAIN ENCODE JSON (append-only)"))
        << format << " " << encode;
  }
  EXPECT_THAT(Parse(Base(), FormatEncodeClause{"upsert", "json", {{"schema.registry", "x"}}})
                  .status()
                  .message(),
              HasSubstr("unknown FORMAT ENCODE option \"schema.registry\""));
  EXPECT_THAT(Parse(With(Base(), "type", "upsert"), FormatEncodeClause{"plain", "json", {}})
                  .status()
                  .message(),
              HasSubstr("contradicts FORMAT plain"));
}

TEST_F(SinkOptionsTest, Snapshot) {
  EXPECT_FALSE(Parse(With(Base(), "snapshot", "false"))->generic.snapshot);
  EXPECT_TRUE(Parse(With(Base(), "snapshot", "True"))->generic.snapshot);
  EXPECT_EQ(Parse(With(Base(), "snapshot", "maybe")).status().message(),
            "`snapshot` must be true or false");
  SinkSource query{.from_relation = false};
  EXPECT_THAT(Parse(With(Base(), "snapshot", "false"), std::nullopt, query).status().message(),
              HasSubstr("snapshot = 'false' is only supported by CREATE SINK ... FROM"));
  EXPECT_TRUE(Parse(With(Base(), "snapshot", "true"), std::nullopt, query).ok());
}

TEST_F(SinkOptionsTest, ErrorPolicy) {
  EXPECT_EQ(Parse(With(Base(), "sink.error_policy", "pause"))->generic.error_policy,
            ErrorPolicy::kPause);
  EXPECT_EQ(Parse(With(Base(), "sink.error_policy", "ERROR_TABLE"))->generic.error_policy,
            ErrorPolicy::kErrorTable);
  EXPECT_THAT(Parse(With(Base(), "sink.error_policy", "ignore")).status().message(),
              HasSubstr("`sink.error_policy` must be error_table"));
  EXPECT_EQ(ErrorPolicyName(ErrorPolicy::kPause), "pause");
}

TEST_F(SinkOptionsTest, ConnectorOptionErrorsSurface) {
  auto p = Parse(With(Base(), "dynamodb.max_batch_item_nums", "26"));
  EXPECT_THAT(p.status().message(),
              HasSubstr("dynamodb.max_batch_item_nums must be between 1 and 25"));
  auto deprecated = Parse(With(Base(), "dynamodb.max_batch_rows", "1024"));
  ASSERT_TRUE(deprecated.ok());
  ASSERT_EQ(deprecated->notices.size(), 1u);
  EXPECT_THAT(deprecated->notices[0],
              HasSubstr("dynamodb.max_batch_rows is deprecated and ignored"));
}

TEST_F(SinkOptionsTest, RedactionHidesSecretsOnly) {
  SinkOptionList options = {{"connector", "dynamodb"},
                            {"table", "Movies"},
                            {"aws.credentials.access_key_id", "AKIAIOSFODNN7EXAMPLE"},
                            {"secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                            {"session_token", "IQoJb3JpZ2luX2VjEXAMPLE"},
                            {"aws.credentials.role.arn", "arn:aws:iam::123456789012:role/r"}};
  SinkOptionList redacted = RedactSinkOptions(options, "dynamodb");
  EXPECT_EQ(redacted[0].second, "dynamodb");
  EXPECT_EQ(redacted[1].second, "Movies");
  EXPECT_EQ(redacted[2].second, "[REDACTED]");
  EXPECT_EQ(redacted[3].second, "[REDACTED]");
  EXPECT_EQ(redacted[4].second, "[REDACTED]");
  EXPECT_EQ(redacted[5].second, "arn:aws:iam::123456789012:role/r");
  EXPECT_TRUE(IsSecretSinkOption("dynamodb", "aws.credentials.secret_access_key"));
  EXPECT_FALSE(IsSecretSinkOption("dynamodb", "aws.region"));
  // Even for a connector we do not know, the AWS secrets stay hidden.
  EXPECT_EQ(RedactSinkOptions({{"secret_key", "abcdefgh12345678"}}, "unknown")[0].second,
            "[REDACTED]");
}

TEST(EditDistanceTest, OptimalStringAlignment) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("region", "regoin"), 1u);  // one transposition
  EXPECT_EQ(NearestName("TABLE", {"table", "tablet"}), "table");
  EXPECT_EQ(NearestName("zzzzzzzz", {"table"}), "");
}

}  // namespace
}  // namespace dynasink::connector
