#include "aws/dynamodb_json.h"

#include <gtest/gtest.h>

#include <random>

namespace dynasink::aws {
namespace {

using AV = AttributeValue;

std::string Json(const AV& v) {
  return v.ToJson();
}

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    std::string decoded;
    ASSERT_TRUE(Base64Decode(encoded, &decoded)) << encoded;
    EXPECT_EQ(decoded, plain);
  }
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(Base64Test, RoundTripsRandomBytes) {
  std::mt19937 rng(7);
  for (int len = 0; len < 200; ++len) {
    std::string bytes(len, '\0');
    for (char& c : bytes)
      c = static_cast<char>(rng());
    std::string decoded;
    ASSERT_TRUE(Base64Decode(Base64Encode(bytes), &decoded));
    EXPECT_EQ(decoded, bytes);
  }
}

TEST(Base64Test, RejectsMalformedText) {
  std::string out;
  EXPECT_FALSE(Base64Decode("Zm9v!", &out));  // bad character
  EXPECT_FALSE(Base64Decode("Z", &out));      // impossible length
  EXPECT_FALSE(Base64Decode("Zg=", &out));    // padding must complete a quad
  EXPECT_FALSE(Base64Decode("Zh==", &out));   // non-zero trailing bits
  EXPECT_FALSE(Base64Decode("Zg==Zg==", &out));
  EXPECT_TRUE(Base64Decode("Zg", &out));  // unpadded is accepted
  EXPECT_EQ(out, "f");
}

TEST(DynamoDbJsonTest, WritesEveryType) {
  EXPECT_EQ(Json(AV::S("a\"b\\c\n\x01")), R"({"S":"a\"b\\c\n\u0001"})");
  EXPECT_EQ(Json(AV::N("1.5E10")), R"({"N":"1.5E10"})");
  EXPECT_EQ(Json(AV::B(std::string("\x00\x01\x02", 3))), R"({"B":"AAEC"})");
  EXPECT_EQ(Json(AV::Bool(false)), R"({"BOOL":false})");
  EXPECT_EQ(Json(AV::Null()), R"({"NULL":true})");
  EXPECT_EQ(Json(AV::L({AV::N("1"), AV::L({}), AV::M({})})),
            R"({"L":[{"N":"1"},{"L":[]},{"M":{}}]})");
  EXPECT_EQ(Json(AV::M({{"x", AV::S("y")}, {"n", AV::Null()}})),
            R"({"M":{"x":{"S":"y"},"n":{"NULL":true}}})");
  EXPECT_EQ(Json(AV::SS({"a", "b"})), R"({"SS":["a","b"]})");
  EXPECT_EQ(Json(AV::NS({"1", "-2.5"})), R"({"NS":["1","-2.5"]})");
  EXPECT_EQ(Json(AV::BS({"f", "fo"})), R"({"BS":["Zg==","Zm8="]})");
}

TEST(DynamoDbJsonTest, KeepsUtf8AndEmbeddedNul) {
  std::string text = std::string("caf\xc3\xa9 \xf0\x9f\x8e\xac ", 11) + std::string(1, '\0') + "z";
  std::string json = Json(AV::S(text));
  rapidjson::Document doc;
  ASSERT_TRUE(ParseJsonDocument(json, &doc).ok());
  auto parsed = ParseAttributeValue(doc);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->scalar(), text);
}

Item EveryKind() {
  return Item{
      {"s", AV::S("text")},
      {"n", AV::N("-0.000123")},
      {"b", AV::B(std::string("\x00\xff", 2))},
      {"t", AV::Bool(true)},
      {"null", AV::Null()},
      {"m", AV::M({{"inner", AV::L({AV::N("1"), AV::M({{"deep", AV::S("x")}})})}})},
      {"l", AV::L({AV::S("a"), AV::Null(), AV::Bool(false), AV::B("z")})},
      {"ss", AV::SS({"x", "y"})},
      {"ns", AV::NS({"1", "2.5"})},
      {"bs", AV::BS({"a", std::string("\x01\x02", 2)})},
  };
}

TEST(DynamoDbJsonTest, ItemsRoundTrip) {
  Item item = EveryKind();
  auto parsed = ParseItemJson(ItemToJson(item));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, item);
  // Attribute order survives too, so re-encoding is byte for byte stable.
  EXPECT_EQ(ItemToJson(*parsed), ItemToJson(item));
}

TEST(DynamoDbJsonTest, ParsesWhatDynamoDbSends) {
  auto item = ParseItemJson(
      R"({"year":{"N":"2020"},"title":{"S":"The Emoji Movie"},"poster":{"B":"iVBORw=="},)"
      R"("tags":{"SS":["a","b"]},"info":{"M":{"rating":{"N":"1.7"},"cast":{"L":[{"S":"x"}]}}}})");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->Find("year")->scalar(), "2020");
  EXPECT_EQ(item->Find("poster")->scalar(), std::string("\x89PNG", 4));
  EXPECT_EQ(item->Find("info")->map().Find("cast")->list()[0].scalar(), "x");
}

TEST(DynamoDbJsonTest, ErrorsNameTheAttributePath) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {R"({"a":{"B":"!!"}})", "attribute 'a': B value is not valid base64"},
      {R"({"a":{"M":{"b":{"L":[{"N":"1"},{"X":"1"}]}}}})",
       "attribute 'a.b[1]': unknown attribute type 'X'"},
      {R"({"a":{"N":1}})", "attribute 'a': N value is not a JSON string"},
      {R"({"a":{"S":"x","N":"1"}})", "exactly one type member"},
      {R"({"a":{"NULL":false}})", "NULL value is not true"},
      {R"({"a":{"BOOL":"yes"}})", "BOOL value is not true or false"},
      {R"({"a":{"SS":"x"}})", "SS value is not a JSON array"},
      {R"({"a":{"NS":[1]}})", "NS member is not a JSON string"},
      {R"({"a":{"BS":["*"]}})", "BS member is not valid base64"},
      {R"([1])", "item is not a JSON object"},
      {R"({"a":)", "malformed JSON at offset"},
  };
  for (const Case& c : cases) {
    auto r = ParseItemJson(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.json << " -> " << r.status().message();
  }
}

}  // namespace
}  // namespace dynasink::aws
