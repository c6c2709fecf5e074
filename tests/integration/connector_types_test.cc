// Every type end to end: rows with every sink column type and edge values go through the
// DynamoDB sink to DynamoDB Local, and the AWS CLI reads back exactly the attribute types and
// texts of COMPATIBILITY.md section 4. Bad values are rejected (kept in the error table) while
// the other rows arrive.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "connector/dynamodb/value_rules.h"
#include "connector_test_util.h"
#include "types/text_format.h"

namespace dynasink::connector::testing {
namespace {

using aws::AttributeValue;
using ::testing::HasSubstr;
using AV = aws::AttributeValue;

DataType T(std::string_view name) {
  return DataType::Parse(name).value();
}
Value V(std::string_view text, const DataType& type) {
  auto v = types::ParseValue(text, type);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() ? *v : Value();
}

// DynamoDB stores numbers normalised ("1.10" reads back as "1.1"): compare N by value, the rest
// exactly.
::testing::AssertionResult SameValue(const AV& want, const AV& got, const std::string& path) {
  if (want.type() != got.type()) {
    return ::testing::AssertionFailure()
           << path << ": type " << aws::TypeName(got.type()) << ", want "
           << aws::TypeName(want.type()) << " (" << got.ToJson() << " vs " << want.ToJson() << ")";
  }
  if (want.is_n()) {
    std::string a, b;
    dynamodb::AppendCanonicalNumber(dynamodb::AnalyzeNumber(want.scalar()), want.scalar(), &a);
    dynamodb::AppendCanonicalNumber(dynamodb::AnalyzeNumber(got.scalar()), got.scalar(), &b);
    if (a != b) {
      return ::testing::AssertionFailure()
             << path << ": N " << got.scalar() << ", want " << want.scalar();
    }
    return ::testing::AssertionSuccess();
  }
  if (want.is_m()) {
    if (want.map().size() != got.map().size()) {
      return ::testing::AssertionFailure()
             << path << ": map " << got.ToJson() << ", want " << want.ToJson();
    }
    for (const auto& [name, v] : want.map()) {
      const AV* g = got.map().Find(name);
      if (g == nullptr) return ::testing::AssertionFailure() << path << "." << name << " missing";
      auto r = SameValue(v, *g, path + "." + name);
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (want.is_l()) {
    if (want.list().size() != got.list().size()) {
      return ::testing::AssertionFailure()
             << path << ": list " << got.ToJson() << ", want " << want.ToJson();
    }
    for (size_t i = 0; i < want.list().size(); ++i) {
      auto r = SameValue(want.list()[i], got.list()[i], path + "[" + std::to_string(i) + "]");
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (!(want == got)) {
    return ::testing::AssertionFailure()
           << path << ": " << got.ToJson() << ", want " << want.ToJson();
  }
  return ::testing::AssertionSuccess();
}

class ConnectorTypesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto ddb = test::DynamoDbLocal::Start();
    ASSERT_TRUE(ddb.ok()) << ddb.status().ToString();
    ddb_ = std::move(ddb).value().release();
  }
  static void TearDownTestSuite() {
    delete ddb_;
    ddb_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(ddb_, nullptr) << "DynamoDB Local did not start"; }
  static test::DynamoDbLocal* ddb_;
  ErrorTable errors_;
  metrics::Registry registry_;
};
test::DynamoDbLocal* ConnectorTypesTest::ddb_ = nullptr;

TEST_F(ConnectorTypesTest, EveryTypeWithEdgeValues) {
  auto client = MakeClient(ddb_->endpoint());
  CreateTable(*client, "Types", {{"k", aws::ScalarAttributeType::kN}});
  // Every type of the specification, nested ones included.
  std::vector<std::pair<std::string, DataType>> columns = {
      {"k", DataType(TypeId::kInt32)},
      {"b", DataType(TypeId::kBoolean)},
      {"i16", DataType(TypeId::kInt16)},
      {"i64", DataType(TypeId::kInt64)},
      {"ser", DataType(TypeId::kSerial)},
      {"num", DataType(TypeId::kDecimal)},
      {"r", DataType(TypeId::kFloat32)},
      {"d", DataType(TypeId::kFloat64)},
      {"s", DataType(TypeId::kVarchar)},
      {"bin", DataType(TypeId::kBytea)},
      {"dt", DataType(TypeId::kDate)},
      {"t", DataType(TypeId::kTime)},
      {"ts", DataType(TypeId::kTimestamp)},
      {"tz", DataType(TypeId::kTimestamptz)},
      {"iv", DataType(TypeId::kInterval)},
      {"j", DataType(TypeId::kJsonb)},
      {"st", T("struct<a integer, b varchar, c struct<d double precision, e integer[]>>")},
      {"arr", T("integer[][]")},
      {"sarr", T("varchar[]")},
  };
  SinkSchema schema;
  for (auto& [n, t] : columns) {
    schema.names.push_back(n);
    schema.types.push_back(t);
  }
  auto col = [&](const std::string& name) { return schema.types[schema.Find(name)]; };

  std::vector<types::Row> rows;
  std::vector<aws::Item> expected;
  // Row 1: ordinary values and the texts of section 4.
  rows.push_back(
      {Value::Int32(1), Value::Boolean(true), Value::Int16(-5), Value::Int64(9223372036854775807LL),
       Value::Int64(42), V("1.10", col("num")), Value::Float32(1.1f), Value::Float64(0.1 + 0.2),
       Value::Varchar("caf\xc3\xa9 \xf0\x9f\x8e\xac \"q\" \\ \t\n"), V("\\x0102ff", col("bin")),
       V("2001-05-16", col("dt")), V("12:34:56.5", col("t")),
       V("2001-05-16 20:38:40.123456", col("ts")), V("2024-01-01 00:00:00+08:00", col("tz")),
       V("1 year 2 mons 3 days 04:05:06", col("iv")),
       V(R"({"b": 1, "a": [1, 2, {"c": null}]})", col("j")),
       Value::Struct(
           {Value::Int32(7), Value::Varchar("x"),
            Value::Struct({Value::Float64(1.5), Value::List({Value::Int32(1), Value()})})}),
       Value::List({Value::List({Value::Int32(1), Value::Int32(2)}), Value(), Value::List({})}),
       Value::List({Value::Varchar(""), Value::Varchar("\xe6\x97\xa5")})});
  expected.push_back(aws::Item{
      {"k", AV::N("1")},
      {"b", AV::Bool(true)},
      {"i16", AV::N("-5")},
      {"i64", AV::N("9223372036854775807")},
      {"ser", AV::N("42")},
      {"num", AV::N("1.10")},
      {"r", AV::N("1.1")},
      {"d", AV::N("0.30000000000000004")},
      {"s", AV::S("caf\xc3\xa9 \xf0\x9f\x8e\xac \"q\" \\ \t\n")},
      {"bin", AV::B(std::string("\x01\x02\xff", 3))},
      {"dt", AV::S("2001-05-16")},
      {"t", AV::S("12:34:56.500")},
      {"ts", AV::S("2001-05-16 20:38:40.123456")},
      {"tz", AV::S("2023-12-31 16:00:00+00:00")},
      {"iv", AV::S("1 year 2 mons 3 days 04:05:06")},
      {"j", AV::S(R"({"a": [1, 2, {"c": null}], "b": 1})")},
      {"st", AV::M({{"a", AV::N("7")},
                    {"b", AV::S("x")},
                    {"c", AV::M({{"d", AV::N("1.5")}, {"e", AV::L({AV::N("1"), AV::Null()})}})}})},
      {"arr", AV::L({AV::L({AV::N("1"), AV::N("2")}), AV::Null(), AV::L({})})},
      {"sarr", AV::L({AV::S(""), AV::S("\xe6\x97\xa5")})},
  });
  // Row 2: NULL in every column but the key.
  types::Row nulls(columns.size());
  nulls[0] = Value::Int32(2);
  rows.push_back(nulls);
  aws::Item null_item{{"k", AV::N("2")}};
  for (size_t i = 1; i < columns.size(); ++i)
    null_item.Append(columns[i].first, AV::Null());
  expected.push_back(null_item);
  // Row 3: extremes. numeric scales and limits, float extremes, BC dates, negative and mixed
  // intervals, empty strings outside the key.
  rows.push_back({Value::Int32(3), Value::Boolean(false), Value::Int16(-32768),
                  Value::Int64(std::numeric_limits<int64_t>::min()), Value::Int64(0),
                  V("-9.9999999999999999999999999999999999999E+125", col("num")),
                  Value::Float32(3.4028235e38f), Value::Float64(1e-130), Value::Varchar(""),
                  Value::Bytea(""), V("0001-10-26 BC", col("dt")), V("23:59:59.999999", col("t")),
                  V("0001-01-01 00:00:00", col("ts")), V("1970-01-01 00:00:00+00", col("tz")),
                  V("-1 years -2 mons +3 days 11:45:14.000233", col("iv")), V("[]", col("j")),
                  Value::Struct({Value(), Value::Varchar(""), Value()}), Value::List({}),
                  Value::List({Value()})});
  expected.push_back(aws::Item{
      {"k", AV::N("3")},
      {"b", AV::Bool(false)},
      {"i16", AV::N("-32768")},
      {"i64", AV::N("-9223372036854775808")},
      {"ser", AV::N("0")},
      {"num", AV::N("-9.9999999999999999999999999999999999999E+125")},
      {"r", AV::N("3.4028235e+38")},
      {"d", AV::N("1e-130")},
      {"s", AV::S("")},
      {"bin", AV::B("")},
      {"dt", AV::S("0001-10-26 BC")},
      {"t", AV::S("23:59:59.999999")},
      {"ts", AV::S("0001-01-01 00:00:00")},
      {"tz", AV::S("1970-01-01 00:00:00+00:00")},
      {"iv", AV::S("-1 years -2 mons +3 days 11:45:14.000233")},
      {"j", AV::S("[]")},
      {"st", AV::M({{"a", AV::Null()}, {"b", AV::S("")}, {"c", AV::Null()}})},
      {"arr", AV::L({})},
      {"sarr", AV::L({AV::Null()})},
  });
  // Row 4: zero-ish texts and plural rules.
  rows.push_back(
      {Value::Int32(4), Value::Boolean(true), Value::Int16(0), Value::Int64(-1), Value::Int64(1),
       V("1000", col("num")), Value::Float32(100.0f), Value::Float64(1e16), Value::Varchar("plain"),
       V("\\x00", col("bin")), V("2024-02-29", col("dt")), V("00:00:00", col("t")),
       V("2024-02-29 12:00:00.5", col("ts")), V("2024-06-30 23:59:59.25-02:30", col("tz")),
       V("36 hours", col("iv")), V("\"\\u00e9\"", col("j")),
       Value::Struct({Value::Int32(-1), Value(), Value::Struct({Value(), Value()})}),
       Value::List({Value::List({Value()})}), Value::List({})});
  expected.push_back(aws::Item{
      {"k", AV::N("4")},
      {"b", AV::Bool(true)},
      {"i16", AV::N("0")},
      {"i64", AV::N("-1")},
      {"ser", AV::N("1")},
      {"num", AV::N("1000")},
      {"r", AV::N("100")},
      {"d", AV::N("1e+16")},
      {"s", AV::S("plain")},
      {"bin", AV::B(std::string(1, '\0'))},
      {"dt", AV::S("2024-02-29")},
      {"t", AV::S("00:00:00")},
      {"ts", AV::S("2024-02-29 12:00:00.500")},
      {"tz", AV::S("2024-07-01 02:29:59.250+00:00")},
      {"iv", AV::S("36:00:00")},
      {"j", AV::S("\"\xc3\xa9\"")},
      {"st", AV::M({{"a", AV::N("-1")},
                    {"b", AV::Null()},
                    {"c", AV::M({{"d", AV::Null()}, {"e", AV::Null()}})}})},
      {"arr", AV::L({AV::L({AV::Null()})})},
      {"sarr", AV::L({})},
  });

  auto sink = OpenSink(Options(ddb_->endpoint(), "Types", "k"), schema, &errors_, &registry_);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  std::vector<SinkChange> changes;
  for (size_t i = 0; i < rows.size(); ++i)
    changes.push_back({i + 1, ChangeOp::kUpsert, &rows[i]});
  WriteAll(**sink, changes);
  ASSERT_TRUE((*sink)->Flush(Soon()).ok());
  {
    std::lock_guard<std::mutex> lock(errors_.mu);
    for (const auto& r : errors_.rows)
      ADD_FAILURE() << "rejected: " << r.reason;
  }

  auto items = ScanByKey(ddb_->endpoint(), "Types", "k");
  ASSERT_EQ(items.size(), expected.size());
  for (const aws::Item& want : expected) {
    const std::string& k = want.Find("k")->scalar();
    ASSERT_TRUE(items.count(k)) << "item " << k;
    const aws::Item& got = items[k];
    EXPECT_EQ(got.size(), want.size()) << "item " << k << ": " << aws::ItemToJson(got);
    for (const auto& [name, value] : want) {
      const AV* g = got.Find(name);
      ASSERT_NE(g, nullptr) << "item " << k << " has no " << name;
      EXPECT_TRUE(SameValue(value, *g, "item " + k + " " + name));
    }
  }
}

TEST_F(ConnectorTypesTest, BadValuesAreRejectedAndTheOthersArrive) {
  auto client = MakeClient(ddb_->endpoint());
  CreateTable(*client, "Bad", {{"name", aws::ScalarAttributeType::kS}});
  SinkSchema schema{{"name", "num", "d", "s"},
                    {DataType(TypeId::kVarchar), DataType(TypeId::kDecimal),
                     DataType(TypeId::kFloat64), DataType(TypeId::kVarchar)}};
  auto sink = OpenSink(Options(ddb_->endpoint(), "Bad", "name"), schema, &errors_, &registry_);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  DataType num(TypeId::kDecimal);
  auto row = [&](std::string name, Value n, double d, std::string s) {
    return types::Row{Value::Varchar(std::move(name)), std::move(n), Value::Float64(d),
                      Value::Varchar(std::move(s))};
  };
  std::vector<types::Row> rows = {
      row("good1", V("1.5", num), 1, "x"),
      row("digits", V("123456789012345678901234567890123456789", num), 1, "x"),
      row("huge", V("1E+126", num), 1, "x"),
      row("tiny", V("1E-131", num), 1, "x"),
      row("nan", V("NaN", num), 1, "x"),
      row("inf", V("Infinity", num), 1, "x"),
      row("dnan", V("1", num), std::nan(""), "x"),
      row("dinf", V("1", num), -std::numeric_limits<double>::infinity(), "x"),
      row("", V("1", num), 1, "empty key"),
      types::Row{Value(), V("1", num), Value::Float64(1), Value::Varchar("null key")},
      row("big", V("1", num), 1, std::string(410 * 1024, 'x')),
      row("utf8", V("1", num), 1, "bad \xff"),
      row("good2", V("-2", num), 2.5, ""),
  };
  std::vector<SinkChange> changes;
  for (size_t i = 0; i < rows.size(); ++i)
    changes.push_back({i + 1, ChangeOp::kUpsert, &rows[i]});
  WriteAll(**sink, changes);
  ASSERT_TRUE((*sink)->Flush(Soon()).ok());
  auto items = ScanByKey(ddb_->endpoint(), "Bad", "name");
  EXPECT_EQ(items.size(), 2u);
  EXPECT_TRUE(items.count("good1"));
  EXPECT_TRUE(items.count("good2"));
  std::lock_guard<std::mutex> lock(errors_.mu);
  ASSERT_EQ(errors_.rows.size(), rows.size() - 2);
  std::map<std::string, std::string> reasons;
  for (const auto& r : errors_.rows) {
    EXPECT_EQ(r.sink, "s1");
    EXPECT_EQ(r.error_type, "InvalidValue");
    EXPECT_THAT(r.reason, HasSubstr("sink s1: cannot write the row of key (name="));
    EXPECT_THAT(r.reason, HasSubstr("to DynamoDB table Bad"));
    reasons[r.key] = r.reason;
  }
  EXPECT_THAT(reasons["name='digits'"], HasSubstr("has 39 significant digits"));
  EXPECT_THAT(reasons["name='huge'"], HasSubstr("out of DynamoDB's number range"));
  EXPECT_THAT(reasons["name='tiny'"], HasSubstr("at least 1E-130"));
  EXPECT_THAT(reasons["name='nan'"], HasSubstr("column num (numeric) value NaN"));
  EXPECT_THAT(reasons["name='inf'"], HasSubstr("value Infinity"));
  EXPECT_THAT(reasons["name='dnan'"], HasSubstr("column d (double precision) value NaN"));
  EXPECT_THAT(reasons["name='dinf'"], HasSubstr("value -Infinity"));
  EXPECT_THAT(reasons["name=''"], HasSubstr("the key attribute is an empty string"));
  EXPECT_THAT(reasons["name=NULL"], HasSubstr("the key attribute is NULL"));
  EXPECT_THAT(reasons["name='big'"], HasSubstr("DynamoDB items are at most 409600 bytes"));
  EXPECT_THAT(reasons["name='utf8'"], HasSubstr("is not valid UTF-8"));
  EXPECT_EQ((*sink)->metrics().rejected_changes->value(), rows.size() - 2);
  EXPECT_EQ((*sink)->AckedThrough(), rows.size());
}

}  // namespace
}  // namespace dynasink::connector::testing
