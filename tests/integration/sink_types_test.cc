// Every column type and its edge values, from SQL to DynamoDB (COMPATIBILITY.md section 4): NULLs
// (also inside structs and arrays), nested structs and arrays, numeric scales and limits, float
// extremes within DynamoDB's range, BC dates, negative and mixed intervals, unicode, empty
// strings and binaries outside the key, and S, N and B keys.
//
// Two independent checks per item: the exact JSON the sink sent (through a recording proxy, as
// DynamoDB normalises numbers on storage: "1.10" reads back as "1.1"), and the items the AWS CLI
// reads back, compared by type and value.
#include "sink_test_util.h"

namespace dynasink::test {
namespace {

using AV = aws::AttributeValue;

// The last put the sink sent for each key of `table`.
ItemsByKey LastPuts(const RecordingProxy& proxy, const std::string& table,
                    const std::vector<std::string>& keys) {
  ItemsByKey out;
  for (const RecordedBatch& batch : proxy.batches()) {
    if (batch.status != 200) continue;
    for (const RecordedWrite& w : batch.writes) {
      if (w.table != table) continue;
      std::string key = KeyText(w.item, keys);
      if (w.is_delete) {
        out.erase(key);
      } else {
        out[key] = w.item;
      }
    }
  }
  return out;
}

// Exactly equal, N texts included: what section 4 says the sink sends.
void ExpectSentExactly(const ItemsByKey& want, const ItemsByKey& sent) {
  ASSERT_EQ(sent.size(), want.size());
  for (const auto& [key, item] : want) {
    auto it = sent.find(key);
    ASSERT_NE(it, sent.end()) << "nothing sent for key " << key;
    EXPECT_EQ(it->second.size(), item.size())
        << "item " << key << ": " << aws::ItemToJson(it->second);
    for (const auto& [name, value] : item) {
      const AV* got = it->second.Find(name);
      if (got == nullptr) {
        ADD_FAILURE() << "item " << key << " was sent without " << name;
        continue;
      }
      EXPECT_EQ(got->ToJson(), value.ToJson()) << "item " << key << " attribute " << name;
    }
  }
}

class SinkTypesTest : public SinkE2eTest {};

TEST_F(SinkTypesTest, EveryTypeAndEdgeValueItemByItem) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "Types", {{"k", KeyType::kN}}).ok());
  RecordingProxy proxy(endpoint());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE types_t (k int PRIMARY KEY, b boolean, i16 smallint, i32 int, "
                    "i64 bigint, ser serial, num numeric, r real, d double precision, s varchar, "
                    "bin bytea, dt date, t time, ts timestamp, tz timestamptz, iv interval, "
                    "j jsonb, st struct<a int, b varchar, c struct<d double precision, e int[]>>, "
                    "arr int[][], sarr varchar[], tags struct<k varchar, v int>[])"));
  // Rows before the sink exists arrive through the backfill, rows after it through the log.
  std::string columns =
      "(k, b, i16, i32, i64, num, r, d, s, bin, dt, t, ts, tz, iv, j, st, arr, sarr, tags)";
  ASSERT_TRUE(SqlOk(
      sql(), "INSERT INTO types_t " + columns +
                 " VALUES (1, true, -5, 2147483647, 9223372036854775807, 1.10, 1.1, "
                 "0.30000000000000004, 'café 🎬 \"q\" \\ \t\n', '\\x0102ff', '2001-05-16', "
                 "'12:34:56.5', '2001-05-16 20:38:40.123456', '2024-01-01 00:00:00+08:00', "
                 "'1 year 2 mons 3 days 04:05:06', '{\"b\": 1, \"a\": [1, 2, {\"c\": null}]}', "
                 "ROW(7, 'x', ROW(1.5, ARRAY[1, NULL])), ARRAY[ARRAY[1, 2], NULL], "
                 "ARRAY['', '日本'], ARRAY[ROW('a', 1), NULL])"));
  ASSERT_TRUE(SqlOk(sql(), "INSERT INTO types_t (k) VALUES (2)"));
  ASSERT_TRUE(
      SqlOk(sql(), "CREATE SINK types_sink FROM types_t " + SinkWith(proxy.url(), "Types", "k")));
  ASSERT_TRUE(SqlOk(
      sql(),
      "INSERT INTO types_t " + columns +
          " VALUES (3, false, -32768, -2147483648, -9223372036854775808, "
          "'-9.9999999999999999999999999999999999999E+125', '3.4028235e38', '1e-130', '', "
          "'\\x', '0001-10-26 BC', '23:59:59.999999', '0001-01-01 00:00:00', "
          "'1970-01-01 00:00:00+00', '-1 years -2 mons +3 days 11:45:14.000233', '[]', "
          "ROW(NULL, '', NULL), '{}', ARRAY[NULL]::varchar[], '{}'), "
          "(4, true, 0, 0, -1, '1e3', 100, 1e16, 'plain', '\\x00', '2024-02-29', '00:00:00', "
          "'2024-02-29 12:00:00.5', '2024-06-30 23:59:59.25-02:30', '36 hours', '\"é\"', "
          "ROW(-1, NULL, ROW(NULL, NULL)), '{{NULL}}', '{}', ARRAY[ROW(NULL, NULL)]), "
          "(5, NULL, 1, -1, 0, '0.000100', '1e-7', '1e-5', 'ü', '\\xdeadbeef', '4713-11-24 BC', "
          "'00:00:00.001', '2001-05-16 00:00:00', '2001-05-16 20:38:40.5-07', "
          "'-1 day +2 hours', '{\"z\": {\"y\": [true, false, null]}, \"a\": \"\"}', "
          "ROW(2147483647, 'ключ', ROW(-1.5e125, ARRAY[]::int[])), "
          "ARRAY[ARRAY[-1]], ARRAY['NULL', 'a,b', '{}'], NULL), "
          "(6, false, 32767, 1, 1, '1e-130', '1e12', '12345678901234567', 'x', NULL, "
          "'2001-05-16', '12:34:56.123456', '2001-05-16 20:38:40.000001', "
          "'2024-01-01 00:00:00+00', '1 hour ago', 'null', NULL, NULL, NULL, '{}')"));
  // An update and a delete, so the table's final state is what DynamoDB must hold.
  ASSERT_TRUE(SqlOk(sql(), "UPDATE types_t SET d = 1234567890123456 WHERE k = 6"));
  ASSERT_TRUE(SqlOk(sql(), "FLUSH"));

  // serial values are generated: read them back.
  std::map<std::string, std::string> serials;
  auto ser = sql().Query("SELECT k, ser FROM types_t");
  ASSERT_TRUE(ser.ok()) << ser.status().ToString();
  for (const auto& row : *ser)
    serials[row[0]] = row[1];

  std::vector<std::pair<std::string, AV>> none;
  auto item = [&](int k, std::vector<std::pair<std::string, AV>> attrs) {
    aws::Item it;
    it.Append("k", AV::N(k));
    for (auto& [name, value] : attrs) {
      if (name == "i64") it.Append("ser", AV::N(serials[std::to_string(k)]));
      it.Append(name, std::move(value));
    }
    return it;
  };
  std::vector<aws::Item> expected = {
      item(1,
           {{"b", AV::Bool(true)},
            {"i16", AV::N("-5")},
            {"i32", AV::N("2147483647")},
            {"i64", AV::N("9223372036854775807")},
            {"num", AV::N("1.10")},
            {"r", AV::N("1.1")},
            {"d", AV::N("0.30000000000000004")},
            {"s", AV::S("café 🎬 \"q\" \\ \t\n")},
            {"bin", AV::B(std::string("\x01\x02\xff", 3))},
            {"dt", AV::S("2001-05-16")},
            {"t", AV::S("12:34:56.500")},
            {"ts", AV::S("2001-05-16 20:38:40.123456")},
            {"tz", AV::S("2023-12-31 16:00:00+00:00")},
            {"iv", AV::S("1 year 2 mons 3 days 04:05:06")},
            {"j", AV::S(R"({"a": [1, 2, {"c": null}], "b": 1})")},
            {"st",
             AV::M({{"a", AV::N("7")},
                    {"b", AV::S("x")},
                    {"c", AV::M({{"d", AV::N("1.5")}, {"e", AV::L({AV::N("1"), AV::Null()})}})}})},
            {"arr", AV::L({AV::L({AV::N("1"), AV::N("2")}), AV::Null()})},
            {"sarr", AV::L({AV::S(""), AV::S("日本")})},
            {"tags", AV::L({AV::M({{"k", AV::S("a")}, {"v", AV::N("1")}}), AV::Null()})}}),
      item(2, {{"b", AV::Null()},
               {"i16", AV::Null()},
               {"i32", AV::Null()},
               {"i64", AV::Null()},
               {"num", AV::Null()},
               {"r", AV::Null()},
               {"d", AV::Null()},
               {"s", AV::Null()},
               {"bin", AV::Null()},
               {"dt", AV::Null()},
               {"t", AV::Null()},
               {"ts", AV::Null()},
               {"tz", AV::Null()},
               {"iv", AV::Null()},
               {"j", AV::Null()},
               {"st", AV::Null()},
               {"arr", AV::Null()},
               {"sarr", AV::Null()},
               {"tags", AV::Null()}}),
      item(3, {{"b", AV::Bool(false)},
               {"i16", AV::N("-32768")},
               {"i32", AV::N("-2147483648")},
               {"i64", AV::N("-9223372036854775808")},
               // numeric never uses an exponent: 38 nines and 88 zeros.
               {"num", AV::N("-" + std::string(38, '9') + std::string(88, '0'))},
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
               {"tags", AV::L({})}}),
      item(4, {{"b", AV::Bool(true)},
               {"i16", AV::N("0")},
               {"i32", AV::N("0")},
               {"i64", AV::N("-1")},
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
               {"j", AV::S("\"é\"")},
               {"st", AV::M({{"a", AV::N("-1")},
                             {"b", AV::Null()},
                             {"c", AV::M({{"d", AV::Null()}, {"e", AV::Null()}})}})},
               {"arr", AV::L({AV::L({AV::Null()})})},
               {"sarr", AV::L({})},
               {"tags", AV::L({AV::M({{"k", AV::Null()}, {"v", AV::Null()}})})}}),
      item(5, {{"b", AV::Null()},
               {"i16", AV::N("1")},
               {"i32", AV::N("-1")},
               {"i64", AV::N("0")},
               {"num", AV::N("0.000100")},
               {"r", AV::N("1e-07")},
               {"d", AV::N("0.00001")},
               {"s", AV::S("ü")},
               {"bin", AV::B("\xde\xad\xbe\xef")},
               {"dt", AV::S("4713-11-24 BC")},
               {"t", AV::S("00:00:00.001")},
               {"ts", AV::S("2001-05-16 00:00:00")},
               {"tz", AV::S("2001-05-17 03:38:40.500+00:00")},
               {"iv", AV::S("-1 days +02:00:00")},
               {"j", AV::S(R"({"a": "", "z": {"y": [true, false, null]}})")},
               {"st", AV::M({{"a", AV::N("2147483647")},
                             {"b", AV::S("ключ")},
                             {"c", AV::M({{"d", AV::N("-1.5e+125")}, {"e", AV::L({})}})}})},
               {"arr", AV::L({AV::L({AV::N("-1")})})},
               {"sarr", AV::L({AV::S("NULL"), AV::S("a,b"), AV::S("{}")})},
               {"tags", AV::Null()}}),
      item(6, {{"b", AV::Bool(false)},
               {"i16", AV::N("32767")},
               {"i32", AV::N("1")},
               {"i64", AV::N("1")},
               // 1E-130, DynamoDB's smallest magnitude, in numeric's plain notation.
               {"num", AV::N("0." + std::string(129, '0') + "1")},
               {"r", AV::N("1000000000000")},
               {"d", AV::N("1234567890123456")},
               {"s", AV::S("x")},
               {"bin", AV::Null()},
               {"dt", AV::S("2001-05-16")},
               {"t", AV::S("12:34:56.123456")},
               {"ts", AV::S("2001-05-16 20:38:40.000001")},
               {"tz", AV::S("2024-01-01 00:00:00+00:00")},
               {"iv", AV::S("-01:00:00")},
               {"j", AV::S("null")},
               {"st", AV::Null()},
               {"arr", AV::Null()},
               {"sarr", AV::Null()},
               {"tags", AV::L({})}}),
  };
  ItemsByKey want;
  for (aws::Item& it : expected)
    want.emplace(KeyText(it, {"k"}), std::move(it));

  // What the sink sent, exactly.
  ExpectSentExactly(want, LastPuts(proxy, "Types", {"k"}));
  // What DynamoDB holds, through the AWS CLI: types and values.
  auto got = ScanWithCli(endpoint(), "Types", {"k"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(DiffItems(want, *got), "");

  auto status = ReadSinkStatus(sql(), "types_sink");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->error_rows, 0) << status->ToString();
  EXPECT_EQ(status->state, "running") << status->ToString();
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK types_sink; DROP TABLE types_t"));
}

// Keys of every kind DynamoDB has: S with unicode, spaces and quotes, N with negative and
// fractional values, B with any bytes, as HASH and RANGE.
TEST_F(SinkTypesTest, StringNumberAndBinaryKeys) {
  ASSERT_TRUE(
      CreateDynamoTable(endpoint(), "KeysSN", {{"name", KeyType::kS}, {"n", KeyType::kN}}).ok());
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "KeysB", {{"id", KeyType::kB}}).ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE keys_sn (name varchar, n numeric, v varchar, "
                    "PRIMARY KEY (name, n));"
                    "CREATE TABLE keys_b (id bytea PRIMARY KEY, v int);"
                    "CREATE SINK keys_sn_sink FROM keys_sn " +
                        SinkWith(endpoint(), "KeysSN", "name,n") +
                        ";"
                        "CREATE SINK keys_b_sink FROM keys_b " +
                        SinkWith(endpoint(), "KeysB", "id")));
  ASSERT_TRUE(SqlOk(sql(),
                    "INSERT INTO keys_sn VALUES ('ключ', 1, 'a'), ('🎬 movie', -2.50, 'b'), "
                    "('it''s \"quoted\"', 0.001, ''), ('a b', 1e20, 'c'), ('ключ', 2, 'd');"
                    "INSERT INTO keys_b VALUES ('\\x00', 1), ('\\xff00ff', 2), "
                    "('\\x68656c6c6f', 3);"
                    "DELETE FROM keys_sn WHERE n = 2;"
                    "UPDATE keys_b SET v = 20 WHERE id = '\\xff00ff';"
                    "FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "KeysSN", "SELECT name, n, v FROM keys_sn",
                                 {AttrKind::kS, AttrKind::kN, AttrKind::kS}, {"name", "n"}));
  auto got = ScanWithCli(endpoint(), "KeysB", {"id"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ItemsByKey want;
  for (auto [bytes, v] : std::vector<std::pair<std::string, int>>{
           {std::string(1, '\0'), 1}, {std::string("\xff\x00\xff", 3), 20}, {"hello", 3}}) {
    aws::Item it{{"id", AV::B(bytes)}, {"v", AV::N(v)}};
    want.emplace(KeyText(it, {"id"}), std::move(it));
  }
  EXPECT_EQ(DiffItems(want, *got), "");
  ASSERT_TRUE(SqlOk(sql(),
                    "DROP SINK keys_sn_sink; DROP SINK keys_b_sink; DROP TABLE keys_sn; "
                    "DROP TABLE keys_b"));
}

}  // namespace
}  // namespace dynasink::test
