// Values DynamoDB refuses (COMPATIBILITY.md section 4) are caught by the encoder before sending,
// each with a message naming the sink, the table, the key, the column, the value and the rule;
// and the helpers of value_rules.h at their boundaries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "connector/dynamodb/encoder.h"
#include "connector/dynamodb/value_rules.h"
#include "types/text_format.h"

namespace dynasink::connector::dynamodb {
namespace {

using ::testing::HasSubstr;
using types::DataType;
using types::TypeId;
using types::Value;

Value Num(std::string_view text) {
  auto v = types::ParseValue(text, DataType(TypeId::kDecimal));
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() ? *v : Value();
}

class BadValuesTest : public ::testing::Test {
 protected:
  BadValuesTest() {
    SinkSchema schema{{"title", "year", "v"},
                      {DataType(TypeId::kVarchar), DataType(TypeId::kInt32), type_}};
    auto e = ItemEncoder::Create("s1", "Movies", schema, {"title", "year"});
    EXPECT_TRUE(e.ok());
    enc_ = std::move(*e);
  }
  void Use(DataType type) {
    type_ = type;
    SinkSchema schema{{"title", "year", "v"},
                      {DataType(TypeId::kVarchar), DataType(TypeId::kInt32), type_}};
    enc_ = std::move(ItemEncoder::Create("s1", "Movies", schema, {"title", "year"}).value());
  }
  // The rejection of a row with value `v`, or null when it is accepted.
  std::unique_ptr<SinkRejection> Check(const Value& v, Value title = Value::Varchar("Up"),
                                       ChangeOp op = ChangeOp::kUpsert) {
    EncodedChange c;
    types::Row row{std::move(title), Value::Int32(2009), v};
    if (enc_->Encode(op, row, &c)) return nullptr;
    EXPECT_NE(c.rejection, nullptr);
    return std::move(c.rejection);
  }
  bool Accepted(const Value& v) { return Check(v) == nullptr; }

  DataType type_{TypeId::kDecimal};
  std::unique_ptr<ItemEncoder> enc_;
};

TEST_F(BadValuesTest, NumberPrecisionOver38Digits) {
  auto r = Check(Num("123456789012345678901234567890123456789"));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->reason,
            "sink s1: cannot write the row of key (title='Up', year=2009) to DynamoDB table "
            "Movies: column v (numeric) value 123456789012345678901234567890123456789: "
            "123456789012345678901234567890123456789 has 39 significant digits; DynamoDB numbers "
            "have at most 38");
  EXPECT_EQ(r->column, "v");
  EXPECT_EQ(r->key, "title='Up', year=2009");
  EXPECT_EQ(r->error_type, "InvalidValue");
  EXPECT_EQ(r->sink, "s1");
  EXPECT_EQ(r->op, ChangeOp::kUpsert);
  EXPECT_EQ(r->item, R"({"title":{"S":"Up"},"year":{"N":"2009"},)"
                     R"("v":{"N":"123456789012345678901234567890123456789"}})");
  EXPECT_TRUE(Accepted(Num("12345678901234567890123456789012345678")));
  EXPECT_TRUE(Accepted(Num("0.12345678901234567890123456789012345678")));
}

TEST_F(BadValuesTest, NumberMagnitude) {
  EXPECT_TRUE(Accepted(Num("9.9999999999999999999999999999999999999E+125")));
  EXPECT_TRUE(Accepted(Num("-9.9999999999999999999999999999999999999E+125")));
  EXPECT_TRUE(Accepted(Num("1E-130")));
  EXPECT_TRUE(Accepted(Num("-1E-130")));
  EXPECT_TRUE(Accepted(Num("0")));
  EXPECT_TRUE(Accepted(Num("0.000000000000000000000000000000000000000000000000000000")));
  auto big = Check(Num("1E+126"));
  ASSERT_NE(big, nullptr);
  EXPECT_THAT(big->reason, HasSubstr("is out of DynamoDB's number range: the magnitude must be at "
                                     "most 9.9999999999999999999999999999999999999E+125"));
  auto small = Check(Num("1E-131"));
  ASSERT_NE(small, nullptr);
  EXPECT_THAT(small->reason,
              HasSubstr("out of DynamoDB's number range: a non-zero magnitude must be at least "
                        "1E-130"));
  Use(DataType(TypeId::kFloat64));
  EXPECT_TRUE(Accepted(Value::Float64(9.9e125)));
  // The double nearest 1e126 is below it, but its text "1e+126" is what DynamoDB reads.
  EXPECT_FALSE(Accepted(Value::Float64(9.999999999999999e125)));
  EXPECT_TRUE(Accepted(Value::Float64(1e-130)));
  EXPECT_FALSE(Accepted(Value::Float64(1e126)));
  EXPECT_FALSE(Accepted(Value::Float64(1e300)));
  EXPECT_FALSE(Accepted(Value::Float64(1e-131)));
  EXPECT_FALSE(Accepted(Value::Float64(5e-324)));
  EXPECT_TRUE(Accepted(Value::Float64(std::numeric_limits<double>::max() / 1e200)));
}

TEST_F(BadValuesTest, NaNAndInfinities) {
  for (const char* text : {"NaN", "Infinity", "-Infinity"}) {
    auto r = Check(Num(text));
    ASSERT_NE(r, nullptr) << text;
    EXPECT_THAT(r->reason, HasSubstr(std::string("value ") + text + ": " + text +
                                     " is not a number DynamoDB can store"));
  }
  Use(DataType(TypeId::kFloat64));
  for (double d : {std::nan(""), std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()}) {
    auto r = Check(Value::Float64(d));
    ASSERT_NE(r, nullptr);
    EXPECT_THAT(r->reason, HasSubstr("column v (double precision)"));
    EXPECT_THAT(r->reason, HasSubstr("is not a number DynamoDB can store"));
  }
  Use(DataType(TypeId::kFloat32));
  EXPECT_FALSE(Accepted(Value::Float32(std::numeric_limits<float>::infinity())));
  EXPECT_FALSE(Accepted(Value::Float32(std::nanf(""))));
  // Inside a list or a struct too, with the path to the value.
  Use(*DataType::Parse("struct<a double precision[]>"));
  auto nested = Check(Value::Struct({Value::List({Value::Float64(1), Value::Float64(NAN)})}));
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->column, "v.a[2]");
  EXPECT_THAT(nested->reason, HasSubstr("column v.a[2]"));
}

TEST_F(BadValuesTest, EmptyAndNullKeys) {
  Use(DataType(TypeId::kVarchar));
  auto empty = Check(Value::Varchar("x"), Value::Varchar(""));
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->column, "title");
  EXPECT_EQ(empty->reason,
            "sink s1: cannot write the row of key (title='', year=2009) to DynamoDB table Movies: "
            "column title (character varying) value '': the key attribute is an empty string; "
            "DynamoDB key values must not be empty");
  auto null_key = Check(Value::Varchar("x"), Value());
  ASSERT_NE(null_key, nullptr);
  EXPECT_THAT(null_key->reason, HasSubstr("the key attribute is NULL"));
  EXPECT_THAT(null_key->key, HasSubstr("title=NULL"));
  // A delete with an empty key is refused just the same.
  auto del = Check(Value(), Value::Varchar(""), ChangeOp::kDelete);
  ASSERT_NE(del, nullptr);
  EXPECT_THAT(del->reason, HasSubstr("cannot write the delete of key"));
  // Empty strings outside the key are fine.
  EXPECT_TRUE(Accepted(Value::Varchar("")));

  SinkSchema binary{{"b"}, {DataType(TypeId::kBytea)}};
  auto enc = ItemEncoder::Create("s1", "T", binary, {"b"});
  ASSERT_TRUE(enc.ok());
  EncodedChange c;
  EXPECT_FALSE((*enc)->Encode(ChangeOp::kUpsert, {Value::Bytea("")}, &c));
  EXPECT_THAT(c.rejection->reason, HasSubstr("the key attribute is an empty binary"));
}

TEST_F(BadValuesTest, KeyValueLengthLimits) {
  Use(DataType(TypeId::kVarchar));
  EXPECT_TRUE(Check(Value(), Value::Varchar(std::string(2048, 'k'))) == nullptr);
  auto too_long = Check(Value(), Value::Varchar(std::string(2049, 'k')));
  ASSERT_NE(too_long, nullptr);
  EXPECT_THAT(too_long->reason,
              HasSubstr("the key value is 2049 bytes; DynamoDB allows at most 2048 bytes for a "
                        "partition key value"));
  // Once the table says title is the sort key, its limit is 1024.
  enc_->SetSortKeyColumns({true, false});
  EXPECT_TRUE(Check(Value(), Value::Varchar(std::string(1024, 'k'))) == nullptr);
  auto sort = Check(Value(), Value::Varchar(std::string(1025, 'k')));
  ASSERT_NE(sort, nullptr);
  EXPECT_THAT(sort->reason, HasSubstr("at most 1024 bytes for a sort key value"));
  // The long value is cut in the message.
  EXPECT_LT(sort->reason.size(), 600u);
}

TEST_F(BadValuesTest, ItemOver400KB) {
  Use(DataType(TypeId::kVarchar));
  // title 'Up' (5 + 2) + year 2009 (4 + 3) + v (1 + n): the limit is 409600.
  const size_t fixed = (5 + 2) + (4 + 3) + 1;
  EXPECT_TRUE(Accepted(Value::Varchar(std::string(409600 - fixed, 'x'))));
  auto r = Check(Value::Varchar(std::string(409600 - fixed + 1, 'x')));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->column, "");
  EXPECT_THAT(r->reason, HasSubstr("the item is 409601 bytes by DynamoDB's size rule (largest "
                                   "column: v, 409587 bytes); DynamoDB items are at most 409600 "
                                   "bytes (400 KB)"));
}

TEST_F(BadValuesTest, InvalidUtf8) {
  Use(DataType(TypeId::kVarchar));
  auto r = Check(Value::Varchar("ab\xff\xfe"));
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(r->reason, HasSubstr("value 'ab\\xff\\xfe': 'ab\\xff\\xfe' is not valid UTF-8"));
  EXPECT_FALSE(Accepted(Value::Varchar("\xed\xa0\x80")));  // a surrogate
  EXPECT_FALSE(Accepted(Value::Varchar("\xc0\xaf")));      // overlong
  EXPECT_TRUE(Accepted(Value::Varchar("\xf0\x9f\x8e\xac")));
}

TEST_F(BadValuesTest, NestingDeeperThan32Levels) {
  DataType t(TypeId::kInt32);
  for (int i = 0; i < 33; ++i)
    t = DataType::List(t);
  Use(t);
  Value v = Value::Int32(1);
  for (int i = 0; i < 33; ++i)
    v = Value::List({v});
  auto r = Check(v);
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(r->reason, HasSubstr("nested more than 32 levels deep"));
  // 32 levels are fine.
  DataType ok(TypeId::kInt32);
  Value w = Value::Int32(1);
  for (int i = 0; i < 32; ++i) {
    ok = DataType::List(ok);
    w = Value::List({w});
  }
  Use(ok);
  EXPECT_TRUE(Accepted(w));
}

TEST_F(BadValuesTest, RejectedChangesKeepTheirKeyWhenTheKeyIsValid) {
  EncodedChange c;
  types::Row row{Value::Varchar("Up"), Value::Int32(2009), Num("NaN")};
  ASSERT_FALSE(enc_->Encode(ChangeOp::kUpsert, row, &c));
  EXPECT_FALSE(c.key().empty());  // so that a later change to this key can replace it
  EncodedChange good;
  ASSERT_TRUE(
      enc_->Encode(ChangeOp::kUpsert, {Value::Varchar("Up"), Value::Int32(2009), Num("1")}, &good));
  EXPECT_EQ(c.key(), good.key());
  EncodedChange bad_key;
  ASSERT_FALSE(
      enc_->Encode(ChangeOp::kUpsert, {Value::Varchar(""), Value::Int32(1), Num("1")}, &bad_key));
  EXPECT_TRUE(bad_key.key().empty());
}

TEST(ValueRulesTest, AnalyzeNumber) {
  auto a = AnalyzeNumber("-0.00120");
  EXPECT_TRUE(a.is_number);
  EXPECT_TRUE(a.negative);
  EXPECT_EQ(a.significant_digits, 2);
  EXPECT_EQ(a.exponent, -3);
  auto b = AnalyzeNumber("1e+16");
  EXPECT_EQ(b.significant_digits, 1);
  EXPECT_EQ(b.exponent, 16);
  auto c = AnalyzeNumber("1000");
  EXPECT_EQ(c.significant_digits, 1);
  EXPECT_EQ(c.exponent, 3);
  auto d = AnalyzeNumber("9.99e-7");
  EXPECT_EQ(d.significant_digits, 3);
  EXPECT_EQ(d.exponent, -7);
  auto z = AnalyzeNumber("-0.000");
  EXPECT_TRUE(z.zero);
  EXPECT_FALSE(z.negative);
  for (const char* bad : {"NaN", "Infinity", "-Infinity", "", "-", ".", "1e", "1e+", "1x", "--1"}) {
    EXPECT_FALSE(AnalyzeNumber(bad).is_number) << bad;
  }
  EXPECT_TRUE(AnalyzeNumber(".5").is_number);
  EXPECT_TRUE(AnalyzeNumber("5.").is_number);
}

TEST(ValueRulesTest, CanonicalNumbers) {
  auto canon = [](std::string_view t) {
    std::string out;
    AppendCanonicalNumber(AnalyzeNumber(t), t, &out);
    return out;
  };
  EXPECT_EQ(canon("1.10"), "11E0");
  EXPECT_EQ(canon("11e-1"), "11E0");
  EXPECT_EQ(canon("0.011e2"), "11E0");
  EXPECT_EQ(canon("-1000"), "-1E3");
  EXPECT_EQ(canon("0"), "0");
  EXPECT_EQ(canon("-0.0"), "0");
  EXPECT_EQ(canon("1e-07"), "1E-7");
  EXPECT_NE(canon("1.1"), canon("1.01"));
}

TEST(ValueRulesTest, JsonEscapingAndUtf8) {
  std::string out;
  EXPECT_TRUE(AppendJsonEscaped("a\"\\/\b\f\n\r\t\x1f\x7f é", &out));
  EXPECT_EQ(out, "a\\\"\\\\/\\b\\f\\n\\r\\t\\u001f\x7f é");
  out.clear();
  EXPECT_FALSE(AppendJsonEscaped("x\x80y", &out));
  EXPECT_EQ(out, "x\xEF\xBF\xBDy");
  EXPECT_TRUE(IsValidUtf8("日本 🎬"));
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_EQ(ShortValueText(std::string(10, 'a'), 4), "aaaa...");
  EXPECT_EQ(ShortValueText("a\nb"), "a\\x0ab");
}

TEST(ValueRulesTest, CheckNumberAtTheBoundaries) {
  auto check = [](std::string_view t) { return CheckNumber(AnalyzeNumber(t), t); };
  EXPECT_EQ(check("9.9999999999999999999999999999999999999E+125"), "");
  EXPECT_NE(check("1E126"), "");
  EXPECT_EQ(check("1E-130"), "");
  EXPECT_NE(check("9.9E-131"), "");
  EXPECT_EQ(check("0E-500"), "");
  EXPECT_EQ(check("10000000000000000000000000000000000000000000000"), "");  // 1 significant digit
}

}  // namespace
}  // namespace dynasink::connector::dynamodb
