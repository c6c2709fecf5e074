#include "types/jsonb.h"

#include <gtest/gtest.h>

#include <string>

namespace dynasink::types {
namespace {

Jsonb J(std::string_view s) {
  auto r = Jsonb::Parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : Jsonb();
}

std::string Err(std::string_view s) {
  auto r = Jsonb::Parse(s);
  if (r.ok()) return "OK " + r->ToString();
  return r.status().sqlstate() + ": " + r.status().message();
}

TEST(JsonbTest, OutputFormat) {
  EXPECT_EQ(J(R"({"a": [1, 2, {"c": null}], "b": 1})").ToString(),
            R"({"a": [1, 2, {"c": null}], "b": 1})");
  EXPECT_EQ(J(R"({"b":1,"a":[1,2,{"c":null}]})").ToString(),
            R"({"a": [1, 2, {"c": null}], "b": 1})");
  EXPECT_EQ(J(" [ ] ").ToString(), "[]");
  EXPECT_EQ(J("{}").ToString(), "{}");
  EXPECT_EQ(J("true").ToString(), "true");
  EXPECT_EQ(J("null").ToString(), "null");
  EXPECT_EQ(J("\"x\"").ToString(), "\"x\"");
  EXPECT_EQ(J("[true,false,null,\"s\",-1.50,1e2,1E-2,0.10e1,-0]").ToString(),
            "[true, false, null, \"s\", -1.50, 100, 0.01, 1.0, 0]");
}

TEST(JsonbTest, KeysSortedBytewiseLastDuplicateWins) {
  // COMPATIBILITY.md: bytewise order (PostgreSQL would put "B" and "aa" by length first).
  EXPECT_EQ(J(R"({"b":1,"a":2,"a":3,"aa":[], "B":{}})").ToString(),
            R"({"B": {}, "a": 3, "aa": [], "b": 1})");
  EXPECT_EQ(J(R"({"é":1,"z":2,"Z":3})").ToString(), R"({"Z": 3, "z": 2, "é": 1})");
}

TEST(JsonbTest, StringEscapes) {
  EXPECT_EQ(J(R"("\u00e9\t\u001f\/\"\\\b\f\n\r")").ToString(),
            "\"é\\t\\u001f/\\\"\\\\\\b\\f\\n\\r\"");
  EXPECT_EQ(J(R"("\uD83D\uDE00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(J(R"("\u00E9")").as_string(), "\xC3\xA9");
  EXPECT_EQ(J("\"\x7f\"").ToString(), "\"\x7f\"");
}

TEST(JsonbTest, ErrorsLikePostgres) {
  EXPECT_EQ(Err(R"({"a":})"),
            "22P02: invalid input syntax for type json: Expected JSON value, but found \"}\" "
            "(line 1)");
  EXPECT_EQ(Err("[1,2"),
            "22P02: invalid input syntax for type json: The input string ended unexpectedly "
            "(line 1)");
  EXPECT_EQ(Err(R"({"a" 1})"),
            "22P02: invalid input syntax for type json: Expected \":\", but found \"1\" (line 1)");
  EXPECT_EQ(Err("[1 2]"),
            "22P02: invalid input syntax for type json: Expected \",\" or \"]\", but found \"2\" "
            "(line 1)");
  EXPECT_EQ(Err("tru"),
            "22P02: invalid input syntax for type json: Token \"tru\" is invalid (line 1)");
  EXPECT_EQ(Err("truex"),
            "22P02: invalid input syntax for type json: Token \"truex\" is invalid (line 1)");
  EXPECT_EQ(Err("01"),
            "22P02: invalid input syntax for type json: Token \"01\" is invalid (line 1)");
  EXPECT_EQ(Err("1."),
            "22P02: invalid input syntax for type json: Token \"1.\" is invalid (line 1)");
  EXPECT_EQ(Err("-"), "22P02: invalid input syntax for type json: Token \"-\" is invalid (line 1)");
  EXPECT_EQ(Err("1x"),
            "22P02: invalid input syntax for type json: Token \"1x\" is invalid (line 1)");
  EXPECT_EQ(Err("[1] x"),
            "22P02: invalid input syntax for type json: Token \"x\" is invalid (line 1)");
  EXPECT_EQ(Err("1 2"),
            "22P02: invalid input syntax for type json: Expected end of input, but found \"2\" "
            "(line 1)");
  EXPECT_EQ(Err(""),
            "22P02: invalid input syntax for type json: The input string ended unexpectedly "
            "(line 1)");
  EXPECT_EQ(Err("\"a\nb\""),
            "22P02: invalid input syntax for type json: Character with value 0x0a must be "
            "escaped (line 1)");
  EXPECT_EQ(Err("{1:2}"),
            "22P02: invalid input syntax for type json: Expected string or \"}\", but found \"1\" "
            "(line 1)");
  EXPECT_EQ(Err(R"({"a":1,})"),
            "22P02: invalid input syntax for type json: Expected string, but found \"}\" (line 1)");
  EXPECT_EQ(Err(R"({"a":1 "b":2})"),
            "22P02: invalid input syntax for type json: Expected \",\" or \"}\", but found "
            "\"\"b\"\" (line 1)");
  EXPECT_EQ(Err("\"abc"),
            "22P02: invalid input syntax for type json: Token \"\"abc\" is invalid (line 1)");
  EXPECT_EQ(
      Err(R"("\x")"),
      "22P02: invalid input syntax for type json: Escape sequence \"\\x\" is invalid (line 1)");
  EXPECT_EQ(Err(R"("\u12")"),
            "22P02: invalid input syntax for type json: \"\\u\" must be followed by four "
            "hexadecimal digits (line 1)");
  EXPECT_EQ(Err(R"("\ud800")"),
            "22P02: invalid input syntax for type json: Unicode low surrogate must follow a high "
            "surrogate (line 1)");
  EXPECT_EQ(Err(R"("\udc00")"),
            "22P02: invalid input syntax for type json: Unicode low surrogate must follow a high "
            "surrogate (line 1)");
  EXPECT_EQ(Err("[1,\n2,\n]"),
            "22P02: invalid input syntax for type json: Expected JSON value, but found \"]\" "
            "(line 3)");
  EXPECT_EQ(Err(R"("\u0000")").substr(0, 5), "22P05");
  EXPECT_EQ(Err("\"\xff\"").substr(0, 5), "22021");
  EXPECT_EQ(Err("\"\xc3\x28\"").substr(0, 5), "22021");
  EXPECT_EQ(Err("[1e1000000]"), "22003: value overflows numeric format");
}

TEST(JsonbTest, DepthLimit) {
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  EXPECT_TRUE(Jsonb::Parse(deep).ok());
  std::string too_deep(1001, '[');
  too_deep += std::string(1001, ']');
  EXPECT_EQ(Jsonb::Parse(too_deep).status().sqlstate(), "54000");
  std::string hostile(200000, '[');
  EXPECT_EQ(Jsonb::Parse(hostile).status().sqlstate(), "54000");
}

TEST(JsonbTest, Accessors) {
  Jsonb j = J(R"({"a": [1, "two", {"c": null}], "b": {"x": true}, "s": "str"})");
  EXPECT_EQ(j.kind(), Jsonb::Kind::kObject);
  EXPECT_EQ(j.size(), 3u);
  ASSERT_NE(j.Field("a"), nullptr);
  EXPECT_EQ(j.Field("a")->ToString(), R"([1, "two", {"c": null}])");
  EXPECT_EQ(j.Field("zz"), nullptr);
  EXPECT_EQ(j.Element(0), nullptr);  // not an array
  const Jsonb* a = j.Field("a");
  EXPECT_EQ(a->Element(0)->ToString(), "1");
  EXPECT_EQ(a->Element(-1)->ToString(), R"({"c": null})");
  EXPECT_EQ(a->Element(-3)->ToString(), "1");
  EXPECT_EQ(a->Element(3), nullptr);
  EXPECT_EQ(a->Element(-4), nullptr);
  EXPECT_EQ(a->Field("a"), nullptr);
  // ->> text
  EXPECT_EQ(j.Field("s")->AsText(), "str");
  EXPECT_EQ(a->Element(1)->AsText(), "two");
  EXPECT_EQ(a->Element(0)->AsText(), "1");
  EXPECT_EQ(a->Element(2)->Field("c")->AsText(), std::nullopt);
  EXPECT_EQ(j.Field("b")->AsText(), R"({"x": true})");
  // jsonb_typeof
  EXPECT_EQ(j.TypeName(), "object");
  EXPECT_EQ(a->TypeName(), "array");
  EXPECT_EQ(a->Element(0)->TypeName(), "number");
  EXPECT_EQ(a->Element(1)->TypeName(), "string");
  EXPECT_EQ(j.Field("b")->Field("x")->TypeName(), "boolean");
  EXPECT_EQ(a->Element(2)->Field("c")->TypeName(), "null");
  EXPECT_TRUE(j.Field("b")->Field("x")->as_bool());
  EXPECT_EQ(a->Element(0)->as_number().ToString(), "1");
}

TEST(JsonbTest, Builders) {
  Jsonb o = Jsonb::Object({{"b", Jsonb::Number(Decimal::FromInt64(1))},
                           {"a", Jsonb::String("x")},
                           {"b", Jsonb::Bool(false)}});
  EXPECT_EQ(o.ToString(), R"({"a": "x", "b": false})");
  Jsonb arr = Jsonb::Array({Jsonb::Null(), o});
  EXPECT_EQ(arr.ToString(), R"([null, {"a": "x", "b": false}])");
  Jsonb copy = arr;  // shares the payload
  EXPECT_EQ(&copy.elements(), &arr.elements());
}

TEST(JsonbTest, OrderLikePostgres) {
  // object > array > boolean > number > string > null
  std::vector<std::string> ascending = {
      "[]",  // a top-level empty array sorts below every scalar (PostgreSQL's quirk)
      "null",  "\"a\"",       "\"b\"",       "1",           "2.5",
      "false", "true",        "[1]",         "[2]",         "[1, 2]",
      "{}",    R"({"a": 1})", R"({"a": 2})", R"({"b": 0})", R"({"a": 1, "b": 1})"};
  for (size_t i = 0; i < ascending.size(); ++i) {
    for (size_t k = 0; k < ascending.size(); ++k) {
      int c = J(ascending[i]).Compare(J(ascending[k]));
      int want = i < k ? -1 : (i > k ? 1 : 0);
      EXPECT_EQ(c < 0 ? -1 : (c > 0 ? 1 : 0), want) << ascending[i] << " vs " << ascending[k];
    }
  }
  EXPECT_EQ(J("1.0"), J("1"));
  EXPECT_EQ(J("1.0").Hash(), J("1").Hash());
  EXPECT_EQ(J(R"({"a": [1.50, "x"]})").Hash(), J(R"({"a":[1.5,"x"]})").Hash());
  EXPECT_NE(J(R"({"a": 1})").Hash(), J(R"({"b": 1})").Hash());
  // nested arrays compare by length first, then elements
  EXPECT_LT(J("[[1]]").Compare(J("[[1, 2]]")), 0);
  EXPECT_LT(J("[[3]]").Compare(J("[[1, 2]]")), 0);
}

}  // namespace
}  // namespace dynasink::types
