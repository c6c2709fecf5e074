// The DynamoDB item encoder (src/connector/dynamodb/encoder.h): every type and every example of
// COMPATIBILITY.md section 4 to its exact AttributeValue JSON; puts and deletes; the canonical
// key; and DynamoDB's item size rule against sizes computed by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "aws/dynamodb_json.h"
#include "connector/dynamodb/encoder.h"
#include "types/text_format.h"

namespace dynasink::connector::dynamodb {
namespace {

using types::DataType;
using types::TypeId;
using types::Value;

DataType T(std::string_view name) {
  auto t = DataType::Parse(name);
  EXPECT_TRUE(t.ok()) << name << ": " << t.status().ToString();
  return t.ok() ? *t : DataType();
}

Value V(std::string_view text, const DataType& type) {
  auto v = types::ParseValue(text, type);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() ? *v : Value();
}

// A sink with key column k (integer) and one value column v of `type`.
struct OneColumn {
  explicit OneColumn(DataType type) {
    SinkSchema schema{{"k", "v"}, {DataType(TypeId::kInt32), type}};
    auto e = ItemEncoder::Create("s1", "Movies", schema, {"k"});
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    enc = std::move(*e);
  }
  // The JSON of v's attribute value, e.g. {"N":"1.10"}.
  std::string Encode(const Value& v) {
    EncodedChange c;
    types::Row row{Value::Int32(1), v};
    EXPECT_TRUE(enc->Encode(ChangeOp::kUpsert, row, &c))
        << (c.rejection ? c.rejection->reason : std::string());
    std::string_view json = c.json();
    const std::string prefix = R"({"PutRequest":{"Item":{"k":{"N":"1"},"v":)";
    EXPECT_TRUE(json.starts_with(prefix)) << json;
    EXPECT_TRUE(json.ends_with("}}}")) << json;
    return std::string(json.substr(prefix.size(), json.size() - prefix.size() - 3));
  }
  // The rejection for v, or empty.
  std::string Reject(const Value& v) {
    EncodedChange c;
    types::Row row{Value::Int32(1), v};
    if (enc->Encode(ChangeOp::kUpsert, row, &c)) return "";
    return c.rejection->reason;
  }
  uint32_t Size(const Value& v) {
    EncodedChange c;
    types::Row row{Value::Int32(1), v};
    enc->Encode(ChangeOp::kUpsert, row, &c);
    return c.item_size;
  }
  std::unique_ptr<ItemEncoder> enc;
};

TEST(EncoderTest, NullAndBoolean) {
  OneColumn c(DataType(TypeId::kBoolean));
  EXPECT_EQ(c.Encode(Value()), R"({"NULL":true})");
  EXPECT_EQ(c.Encode(Value::Boolean(true)), R"({"BOOL":true})");
  EXPECT_EQ(c.Encode(Value::Boolean(false)), R"({"BOOL":false})");
}

TEST(EncoderTest, Integers) {
  EXPECT_EQ(OneColumn(TypeId::kInt16).Encode(Value::Int16(-5)), R"({"N":"-5"})");
  EXPECT_EQ(OneColumn(TypeId::kInt32).Encode(Value::Int32(2020)), R"({"N":"2020"})");
  EXPECT_EQ(OneColumn(TypeId::kInt64).Encode(Value::Int64(9223372036854775807LL)),
            R"({"N":"9223372036854775807"})");
  EXPECT_EQ(OneColumn(TypeId::kInt64).Encode(Value::Int64(std::numeric_limits<int64_t>::min())),
            R"({"N":"-9223372036854775808"})");
  EXPECT_EQ(OneColumn(TypeId::kSerial).Encode(Value::Int64(42)), R"({"N":"42"})");
}

TEST(EncoderTest, NumericKeepsItsScale) {
  OneColumn c(TypeId::kDecimal);
  DataType t(TypeId::kDecimal);
  EXPECT_EQ(c.Encode(V("1.10", t)), R"({"N":"1.10"})");
  EXPECT_EQ(c.Encode(V("1000", t)), R"({"N":"1000"})");
  EXPECT_EQ(c.Encode(V("1e3", t)), R"({"N":"1000"})");
  EXPECT_EQ(c.Encode(V("-0.000001", t)), R"({"N":"-0.000001"})");
  EXPECT_EQ(c.Encode(V("12345678901234567890123456789012345678", t)),
            R"({"N":"12345678901234567890123456789012345678"})");
  // 38 significant digits with trailing zeros beyond them are fine: zeros are not significant.
  EXPECT_EQ(c.Encode(V("1.2300000000000000000000000000000000000000000", t)),
            R"({"N":"1.2300000000000000000000000000000000000000000"})");
}

TEST(EncoderTest, FloatsShortestRoundTrip) {
  OneColumn d(TypeId::kFloat64);
  EXPECT_EQ(d.Encode(Value::Float64(1.1)), R"({"N":"1.1"})");
  EXPECT_EQ(d.Encode(Value::Float64(100.0)), R"({"N":"100"})");
  EXPECT_EQ(d.Encode(Value::Float64(1e16)), R"({"N":"1e+16"})");
  EXPECT_EQ(d.Encode(Value::Float64(1e-7)), R"({"N":"1e-07"})");
  EXPECT_EQ(d.Encode(Value::Float64(0.1 + 0.2)), R"({"N":"0.30000000000000004"})");
  EXPECT_EQ(d.Encode(Value::Float64(-0.0)), R"({"N":"-0"})");
  OneColumn r(TypeId::kFloat32);
  EXPECT_EQ(r.Encode(Value::Float32(1.1f)), R"({"N":"1.1"})");
  EXPECT_EQ(r.Encode(Value::Float32(100.0f)), R"({"N":"100"})");
}

TEST(EncoderTest, StringsAreEscapedExactly) {
  OneColumn c(TypeId::kVarchar);
  EXPECT_EQ(c.Encode(Value::Varchar("The Emoji Movie")), R"({"S":"The Emoji Movie"})");
  EXPECT_EQ(c.Encode(Value::Varchar("")), R"({"S":""})");  // empty is fine outside the key
  EXPECT_EQ(c.Encode(Value::Varchar("a\"b\\c\nd\t\x01")), R"({"S":"a\"b\\c\nd\t\u0001"})");
  EXPECT_EQ(c.Encode(Value::Varchar("日本語 ✓ 🎬")), "{\"S\":\"日本語 ✓ 🎬\"}");
}

TEST(EncoderTest, ByteaIsBinary) {
  OneColumn c(TypeId::kBytea);
  EXPECT_EQ(c.Encode(V("\\x0102", DataType(TypeId::kBytea))), R"({"B":"AQI="})");
  EXPECT_EQ(c.Encode(Value::Bytea(std::string("\0\xff", 2))), R"({"B":"AP8="})");
  EXPECT_EQ(c.Encode(Value::Bytea("")), R"({"B":""})");
}

TEST(EncoderTest, DateTimeTexts) {
  EXPECT_EQ(OneColumn(TypeId::kDate).Encode(V("2001-05-16", TypeId::kDate)),
            R"({"S":"2001-05-16"})");
  EXPECT_EQ(OneColumn(TypeId::kDate).Encode(V("0001-10-26 BC", TypeId::kDate)),
            R"({"S":"0001-10-26 BC"})");
  OneColumn time(TypeId::kTime);
  EXPECT_EQ(time.Encode(V("12:34:56", TypeId::kTime)), R"({"S":"12:34:56"})");
  EXPECT_EQ(time.Encode(V("12:34:56.5", TypeId::kTime)), R"({"S":"12:34:56.500"})");
  EXPECT_EQ(time.Encode(V("12:34:56.123456", TypeId::kTime)), R"({"S":"12:34:56.123456"})");
  EXPECT_EQ(
      OneColumn(TypeId::kTimestamp).Encode(V("2001-05-16 20:38:40.123456", TypeId::kTimestamp)),
      R"({"S":"2001-05-16 20:38:40.123456"})");
  EXPECT_EQ(
      OneColumn(TypeId::kTimestamptz).Encode(V("2024-01-01 00:00:00+08:00", TypeId::kTimestamptz)),
      R"({"S":"2023-12-31 16:00:00+00:00"})");
}

TEST(EncoderTest, IntervalTexts) {
  OneColumn c(TypeId::kInterval);
  DataType t(TypeId::kInterval);
  EXPECT_EQ(c.Encode(V("1 year 2 mons 3 days 04:05:06", t)),
            R"({"S":"1 year 2 mons 3 days 04:05:06"})");
  EXPECT_EQ(c.Encode(V("-1 years -2 mons +3 days 11:45:14.000233", t)),
            R"({"S":"-1 years -2 mons +3 days 11:45:14.000233"})");
  EXPECT_EQ(c.Encode(V("0", t)), R"({"S":"00:00:00"})");
  EXPECT_EQ(c.Encode(V("36 hours", t)), R"({"S":"36:00:00"})");
}

TEST(EncoderTest, JsonbIsItsTextAsAString) {
  OneColumn c(TypeId::kJsonb);
  EXPECT_EQ(c.Encode(V(R"({"b": 1, "a": [1, 2, {"c": null}]})", TypeId::kJsonb)),
            R"({"S":"{\"a\": [1, 2, {\"c\": null}], \"b\": 1}"})");
}

TEST(EncoderTest, StructIsAMapRecursivelyWithNulls) {
  DataType t = T("struct<a integer, b varchar, c struct<d double precision, e integer[]>>");
  OneColumn c(t);
  Value inner = Value::Struct({Value::Float64(1.5), Value::List({Value::Int32(1), Value()})});
  Value v = Value::Struct({Value::Int32(7), Value(), inner});
  EXPECT_EQ(c.Encode(v), R"({"M":{"a":{"N":"7"},"b":{"NULL":true},"c":{"M":{"d":{"N":"1.5"},)"
                         R"("e":{"L":[{"N":"1"},{"NULL":true}]}}}}})");
  EXPECT_EQ(c.Encode(Value()), R"({"NULL":true})");
}

TEST(EncoderTest, ArrayIsAListRecursively) {
  OneColumn c(T("integer[][]"));
  Value v =
      Value::List({Value::List({Value::Int32(1), Value::Int32(2)}), Value(), Value::List({})});
  EXPECT_EQ(c.Encode(v), R"({"L":[{"L":[{"N":"1"},{"N":"2"}]},{"NULL":true},{"L":[]}]})");
  OneColumn s(T("varchar[]"));
  EXPECT_EQ(s.Encode(Value::List({Value::Varchar("x"), Value::Varchar("")})),
            R"({"L":[{"S":"x"},{"S":""}]})");
}

TEST(EncoderTest, PutHasEveryColumnAndDeleteOnlyTheKey) {
  SinkSchema schema{
      {"year", "title", "description"},
      {DataType(TypeId::kInt32), DataType(TypeId::kVarchar), DataType(TypeId::kVarchar)}};
  auto enc = ItemEncoder::Create("s1", "Movies", schema, {"year", "title"});
  ASSERT_TRUE(enc.ok());
  types::Row row{Value::Int32(2020), Value::Varchar("The Emoji Movie"), Value::Varchar("a")};
  EncodedChange put, del;
  ASSERT_TRUE((*enc)->Encode(ChangeOp::kUpsert, row, &put));
  EXPECT_EQ(put.json(),
            R"({"PutRequest":{"Item":{"year":{"N":"2020"},"title":{"S":"The Emoji Movie"},)"
            R"("description":{"S":"a"}}}})");
  ASSERT_TRUE((*enc)->Encode(ChangeOp::kDelete, row, &del));
  EXPECT_EQ(del.json(),
            R"({"DeleteRequest":{"Key":{"year":{"N":"2020"},"title":{"S":"The Emoji Movie"}}}})");
  // Both name the same key, so dedup sees one key.
  EXPECT_EQ(put.key(), del.key());
  EXPECT_EQ(put.key_hash, del.key_hash);
  EXPECT_EQ(ItemJsonOf(put.json()),
            R"({"year":{"N":"2020"},"title":{"S":"The Emoji Movie"},"description":{"S":"a"}})");
  EXPECT_EQ(ItemJsonOf(del.json()), R"({"year":{"N":"2020"},"title":{"S":"The Emoji Movie"}})");
  // The JSON parses as DynamoDB JSON.
  auto item = aws::ParseItemJson(ItemJsonOf(put.json()));
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->Find("title")->scalar(), "The Emoji Movie");
  EXPECT_EQ((*enc)->KeyTextOfRow(row), "year=2020, title='The Emoji Movie'");
  EXPECT_EQ((*enc)->KeyTextOfItem(*item), "year=2020, title='The Emoji Movie'");
}

TEST(EncoderTest, CanonicalKeyIgnoresHowANumberIsWritten) {
  SinkSchema schema{{"n"}, {DataType(TypeId::kDecimal)}};
  auto enc = ItemEncoder::Create("s", "T", schema, {"n"});
  ASSERT_TRUE(enc.ok());
  DataType t(TypeId::kDecimal);
  EncodedChange a, b, c;
  ASSERT_TRUE((*enc)->Encode(ChangeOp::kUpsert, {V("1.10", t)}, &a));
  ASSERT_TRUE((*enc)->Encode(ChangeOp::kUpsert, {V("1.1", t)}, &b));
  ASSERT_TRUE((*enc)->Encode(ChangeOp::kUpsert, {V("1.2", t)}, &c));
  EXPECT_EQ(a.key(), b.key());
  EXPECT_NE(a.key(), c.key());
  // The key DynamoDB echoes in UnprocessedItems, in any written form, matches the change's.
  std::string from_item;
  for (const char* text : {"1.10", "1.1", "11e-1", "0.00011e4"}) {
    aws::Item item{{"n", aws::AttributeValue::N(text)}};
    ASSERT_TRUE((*enc)->CanonicalKeyOf(item, &from_item));
    EXPECT_EQ(from_item, a.key()) << text;
  }
  aws::Item missing{{"other", aws::AttributeValue::N("1")}};
  EXPECT_FALSE((*enc)->CanonicalKeyOf(missing, &from_item));
}

TEST(EncoderTest, CanonicalKeyOfStringAndBinaryKeys) {
  SinkSchema schema{{"s", "b"}, {DataType(TypeId::kVarchar), DataType(TypeId::kBytea)}};
  auto enc = ItemEncoder::Create("s", "T", schema, {"s", "b"});
  ASSERT_TRUE(enc.ok());
  EncodedChange c;
  ASSERT_TRUE(
      (*enc)->Encode(ChangeOp::kUpsert, {Value::Varchar("x\"y"), Value::Bytea("\x01\x02")}, &c));
  aws::Item item{{"b", aws::AttributeValue::B("\x01\x02")}, {"s", aws::AttributeValue::S("x\"y")}};
  std::string key;
  ASSERT_TRUE((*enc)->CanonicalKeyOf(item, &key));
  EXPECT_EQ(key, c.key());
  EXPECT_EQ((*enc)->KeyTextOfItem(item), "s='x\"y', b='\\x0102'");
  // "a" + "bc" and "ab" + "c" are different keys: parts carry their lengths.
  EncodedChange d, e;
  ASSERT_TRUE((*enc)->Encode(ChangeOp::kUpsert, {Value::Varchar("a"), Value::Bytea("bc")}, &d));
  ASSERT_TRUE((*enc)->Encode(ChangeOp::kUpsert, {Value::Varchar("ab"), Value::Bytea("c")}, &e));
  EXPECT_NE(d.key(), e.key());
}

TEST(EncoderTest, KeyColumnsMustExistAndHaveKeyTypes) {
  SinkSchema schema{{"year", "flag", "s"},
                    {DataType(TypeId::kInt32), DataType(TypeId::kBoolean), T("struct<a int>")}};
  EXPECT_EQ(ItemEncoder::Create("s", "T", schema, {"year", "xx"}).status().message(),
            "Sink primary key column not found: xx. Please use ',' as the delimiter for "
            "different primary key columns.");
  EXPECT_THAT(ItemEncoder::Create("s", "T", schema, {"flag"}).status().message(),
              ::testing::HasSubstr("primary key column flag has type boolean, which cannot be "
                                   "part of a DynamoDB key"));
  EXPECT_FALSE(ItemEncoder::Create("s", "T", schema, {"s"}).ok());
}

// DynamoDB's size rule, computed by hand for each case.
TEST(EncoderTest, ItemSizeRule) {
  // The key attribute "k" (1 byte of name) with N "1": 1 + (1 digit -> 1 + 1) = 3 bytes.
  constexpr uint32_t kKey = 3;
  // S: UTF-8 bytes; name "v" is 1 byte.
  EXPECT_EQ(OneColumn(TypeId::kVarchar).Size(Value::Varchar("abc")), kKey + 1 + 3);
  EXPECT_EQ(OneColumn(TypeId::kVarchar).Size(Value::Varchar("é")), kKey + 1 + 2);
  // N: 1 byte per two significant digits, plus 1. 12345 -> 5 digits -> 3 + 1 = 4.
  EXPECT_EQ(OneColumn(TypeId::kInt32).Size(Value::Int32(12345)), kKey + 1 + 4);
  // 1000 has 1 significant digit -> 2 bytes; 1.10 has 2 -> 2 bytes; 0 -> 2 bytes.
  EXPECT_EQ(OneColumn(TypeId::kInt32).Size(Value::Int32(1000)), kKey + 1 + 2);
  EXPECT_EQ(OneColumn(TypeId::kDecimal).Size(V("1.10", TypeId::kDecimal)), kKey + 1 + 2);
  EXPECT_EQ(OneColumn(TypeId::kInt32).Size(Value::Int32(0)), kKey + 1 + 2);
  // B: raw bytes, not base64.
  EXPECT_EQ(OneColumn(TypeId::kBytea).Size(Value::Bytea(std::string(10, 'x'))), kKey + 1 + 10);
  // BOOL and NULL: 1 byte.
  EXPECT_EQ(OneColumn(TypeId::kBoolean).Size(Value::Boolean(true)), kKey + 1 + 1);
  EXPECT_EQ(OneColumn(TypeId::kBoolean).Size(Value()), kKey + 1 + 1);
  // L: 3 + per element (1 + size). [1, NULL] -> 3 + (1 + 2) + (1 + 1) = 8.
  EXPECT_EQ(OneColumn(T("integer[]")).Size(Value::List({Value::Int32(1), Value()})), kKey + 1 + 8);
  EXPECT_EQ(OneColumn(T("integer[]")).Size(Value::List({})), kKey + 1 + 3);
  // M: 3 + per entry (name + 1 + size). {ab: 'xyz'} -> 3 + (2 + 1 + 3) = 9.
  EXPECT_EQ(OneColumn(T("struct<ab varchar>")).Size(Value::Struct({Value::Varchar("xyz")})),
            kKey + 1 + 9);
}

}  // namespace
}  // namespace dynasink::connector::dynamodb
