// Every value DynamoDB refuses (COMPATIBILITY.md section 4) is caught, named and kept per the
// sink's error policy (SINK_SURFACE.md), and the other rows arrive:
//   - error_table (the default): each bad change becomes a row of rw_catalog.rw_sink_errors with
//     its key, operation, item, column, reason and error type, counted in rw_sink_status and the
//     metrics; FLUSH succeeds; a later fix of the row arrives; DROP SINK removes the rows.
//   - pause: the sink stops at the bad change (earlier changes delivered), FLUSH fails at once
//     naming the sink, the key and the reason; ALTER SINK RESUME without a fix pauses again; a fix
//     upstream then RESUME delivers; switching the policy to error_table then RESUME moves the
//     held change to the error table. ALTER SINK PAUSE by the user: FLUSH does not wait for it.
#include <fmt/format.h>

#include <set>

#include "aws/dynamodb_json.h"
#include "sink_test_util.h"

namespace dynasink::test {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

struct ErrorRow {
  std::string op;
  std::string key;  // JSON text
  std::optional<std::string> item;
  std::optional<std::string> column;
  std::string reason;
  std::string error_type;
};

// rw_sink_errors of `sink`, by the text value of key attribute `key_attr` (B keys in hex).
std::map<std::string, ErrorRow> ErrorRows(PgConnection& sql, const std::string& sink,
                                          const std::string& key_attr) {
  std::map<std::string, ErrorRow> out;
  auto r = sql.Exec(
      "SELECT op, key, item, column_name, reason, error_type, sink_id, seq, recorded_at "
      "FROM rw_catalog.rw_sink_errors WHERE sink_name = " +
      SqlLiteral(sink) + " ORDER BY seq");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return out;
  for (const PgRow& row : r->rows) {
    ErrorRow e{row[0].value_or("NULL"), row[1].value_or("NULL"), row[2], row[3],
               row[4].value_or("NULL"), row[5].value_or("NULL")};
    EXPECT_TRUE(row[6].has_value() && row[7].has_value() && row[8].has_value());
    // The key is DynamoDB's JSON of the key attributes.
    auto key = aws::ParseItemJson(e.key);
    EXPECT_TRUE(key.ok()) << "key is not DynamoDB JSON: " << e.key;
    std::string name = key.ok() ? KeyText(*key, {key_attr}) : e.key;
    EXPECT_FALSE(out.count(name)) << "two error rows for key " << name;
    out[name] = std::move(e);
  }
  return out;
}

class SinkBadValuesTest : public SinkE2eTest {};

TEST_F(SinkBadValuesTest, ErrorTableKeepsEveryBadRowAndTheOthersArrive) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "Bad", {{"name", KeyType::kS}}).ok());
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "BadBin", {{"id", KeyType::kB}}).ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE bad (name varchar PRIMARY KEY, num numeric, d double precision, "
                    "r real, s varchar, arr double precision[]);"
                    "CREATE TABLE badbin (id bytea PRIMARY KEY, v int);"
                    "CREATE SINK bad_sink FROM bad " +
                        SinkWith(endpoint(), "Bad", "name") +
                        ";"
                        "CREATE SINK badbin_sink FROM badbin " +
                        SinkWith(endpoint(), "BadBin", "id")));
  const std::string big(410 * 1024, 'x');
  ASSERT_TRUE(SqlOk(sql(),
                    "INSERT INTO bad VALUES ('good1', 1.5, 1, 1, 'x', '{1.5}'),"
                    "('digits', 123456789012345678901234567890123456789, 1, 1, 'x', NULL),"
                    "('huge', 1e126, 1, 1, 'x', NULL),"
                    "('dhuge', 1, 1e300, 1, 'x', NULL),"
                    "('tiny', 1e-131, 1, 1, 'x', NULL),"
                    "('dtiny', 1, 5e-324, 1, 'x', NULL),"
                    "('nan', 'NaN', 1, 1, 'x', NULL),"
                    "('inf', 'Infinity', 1, 1, 'x', NULL),"
                    "('ninf', '-Infinity', 1, 1, 'x', NULL),"
                    "('dnan', 1, 'NaN', 1, 'x', NULL),"
                    "('dinf', 1, 'Infinity', 1, 'x', NULL),"
                    "('rninf', 1, 1, '-Infinity', 'x', NULL),"
                    "('nested', 1, 1, 1, 'x', '{1,NaN}'),"
                    "('', 1, 1, 1, 'empty key', NULL),"
                    "('big', 1, 1, 1, '" +
                        big +
                        "', NULL),"
                        "('good2', -2, 2.5, 0.5, '', NULL);"
                        "INSERT INTO badbin VALUES ('\\x', 1), ('\\x01', 2);"
                        "FLUSH"));
  // Only the good rows arrived.
  auto got = ScanWithCli(endpoint(), "Bad", {"name"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  std::set<std::string> names;
  for (const auto& [k, item] : *got)
    names.insert(k);
  EXPECT_EQ(names, (std::set<std::string>{"good1", "good2"}));
  auto got_bin = ScanWithCli(endpoint(), "BadBin", {"id"});
  ASSERT_TRUE(got_bin.ok()) << got_bin.status().ToString();
  EXPECT_EQ(got_bin->size(), 1u);
  EXPECT_TRUE(got_bin->count("01"));

  // Each bad row is in the error table, named, with the reason.
  std::map<std::string, std::pair<std::string, std::string>> want = {
      // key -> {column, what the reason says}
      {"digits", {"num", "has 39 significant digits"}},
      {"huge", {"num", "out of DynamoDB's number range"}},
      {"dhuge", {"d", "out of DynamoDB's number range"}},
      {"tiny", {"num", "1E-130"}},
      {"dtiny", {"d", "1E-130"}},
      {"nan", {"num", "NaN"}},
      {"inf", {"num", "Infinity"}},
      {"ninf", {"num", "-Infinity"}},
      {"dnan", {"d", "NaN"}},
      {"dinf", {"d", "Infinity"}},
      {"rninf", {"r", "-Infinity"}},
      {"nested", {"arr", "NaN"}},
      {"", {"name", "empty"}},
      {"big", {"", "409600 bytes"}},
  };
  std::map<std::string, ErrorRow> errors = ErrorRows(sql(), "bad_sink", "name");
  EXPECT_EQ(errors.size(), want.size());
  for (const auto& [key, expect] : want) {
    auto it = errors.find(key);
    if (it == errors.end()) {
      ADD_FAILURE() << "no error row for key '" << key << "'";
      continue;
    }
    const ErrorRow& e = it->second;
    EXPECT_EQ(e.op, "put") << key;
    EXPECT_THAT(e.reason, HasSubstr(expect.second)) << key;
    EXPECT_THAT(e.reason, HasSubstr("bad_sink")) << key;
    EXPECT_FALSE(e.error_type.empty()) << key;
    ASSERT_TRUE(e.item.has_value()) << key;
    EXPECT_TRUE(aws::ParseItemJson(*e.item).ok()) << key << ": " << *e.item;
    if (!expect.first.empty() && expect.first != "name") {
      EXPECT_EQ(e.column.value_or("NULL").substr(0, expect.first.size()), expect.first) << key;
    }
  }
  std::map<std::string, ErrorRow> bin_errors = ErrorRows(sql(), "badbin_sink", "id");
  ASSERT_EQ(bin_errors.size(), 1u);
  EXPECT_THAT(bin_errors.begin()->second.reason, HasSubstr("empty"));

  auto status = ReadSinkStatus(sql(), "bad_sink");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->error_rows, static_cast<int64_t>(want.size())) << status->ToString();
  EXPECT_EQ(status->state, "running") << status->ToString();
  auto page = FetchMetricsPage(bed_->server().metrics_port());
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(MetricValue(*page, "dynasink_sink_rejected_changes_total", {{"sink", "bad_sink"}}),
            static_cast<double>(want.size()));

  // A fix of a bad row arrives; a delete of the empty key is itself refused and kept, as a delete.
  ASSERT_TRUE(SqlOk(sql(),
                    "UPDATE bad SET num = 7 WHERE name = 'nan';"
                    "DELETE FROM bad WHERE name = '';"
                    "FLUSH"));
  got = ScanWithCli(endpoint(), "Bad", {"name"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->count("nan"));
  EXPECT_EQ(got->at("nan").Find("num")->scalar(), "7");
  auto empty_key = sql().Query(
      "SELECT op, item IS NULL FROM rw_catalog.rw_sink_errors WHERE sink_name = 'bad_sink' "
      "AND op = 'delete'");
  ASSERT_TRUE(empty_key.ok()) << empty_key.status().ToString();
  EXPECT_EQ(*empty_key, (std::vector<std::vector<std::string>>{{"delete", "t"}}));

  // DROP SINK removes its error rows.
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK bad_sink; DROP SINK badbin_sink"));
  auto left = sql().QueryValue("SELECT count(*) FROM rw_catalog.rw_sink_errors");
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_EQ(*left, "0");
  ASSERT_TRUE(SqlOk(sql(), "DROP TABLE bad; DROP TABLE badbin"));
}

TEST_F(SinkBadValuesTest, PausePolicyStopsThenResumesAfterAFix) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "Paused", {{"name", KeyType::kS}}).ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE paused (name varchar PRIMARY KEY, num numeric);"
                    "CREATE SINK paused_sink FROM paused " +
                        SinkWith(endpoint(), "Paused", "name", {{"sink.error_policy", "pause"}}) +
                        ";"
                        "INSERT INTO paused VALUES ('a', 1), ('b', 2);"
                        "FLUSH"));
  auto names = [&] {
    std::set<std::string> out;
    auto got = ScanWithCli(endpoint(), "Paused", {"name"});
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (got.ok()) {
      for (const auto& [k, item] : *got)
        out.insert(k);
    }
    return out;
  };
  EXPECT_EQ(names(), (std::set<std::string>{"a", "b"}));

  // A bad value: the sink pauses at it, FLUSH fails at once naming the sink, key and reason.
  ASSERT_TRUE(SqlOk(sql(),
                    "INSERT INTO paused VALUES ('x', 'NaN'); INSERT INTO paused VALUES "
                    "('c', 3)"));
  auto paused = WaitForSinkStatus(
      sql(), "paused_sink", [](const SinkStatusRow& s) { return s.state == "paused"; }, seconds(30),
      "paused");
  ASSERT_TRUE(paused.ok()) << paused.status().ToString();
  ASSERT_TRUE(paused->paused_reason.has_value()) << paused->ToString();
  // The key, however it is written (name='x' or DynamoDB JSON), and the reason.
  EXPECT_THAT(*paused->paused_reason, ::testing::ContainsRegex("['\"]x['\"]"))
      << paused->ToString();
  EXPECT_THAT(*paused->paused_reason, HasSubstr("NaN")) << paused->ToString();
  auto start = Clock::now();
  auto flush = SqlError(sql(), "FLUSH");
  ASSERT_TRUE(flush.has_value()) << "FLUSH succeeded while the sink was paused";
  EXPECT_LT(Clock::now() - start, seconds(5)) << "FLUSH did not fail at once";
  EXPECT_THAT(flush->message(), HasSubstr("paused_sink"));
  EXPECT_THAT(flush->message(), ::testing::ContainsRegex("['\"]x['\"]"));
  EXPECT_THAT(flush->message(), HasSubstr("NaN"));
  EXPECT_THAT(flush->message(), HasSubstr("RESUME"));
  EXPECT_FALSE(names().count("x"));
  EXPECT_TRUE(names().count("a"));

  // RESUME without a fix: paused again, for the same reason.
  ASSERT_TRUE(SqlOk(sql(), "ALTER SINK paused_sink RESUME"));
  auto again = WaitForSinkStatus(
      sql(), "paused_sink", [](const SinkStatusRow& s) { return s.state == "paused"; }, seconds(30),
      "paused again");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->paused_reason, paused->paused_reason);
  EXPECT_FALSE(SqlOk(sql(), "FLUSH"));

  // Fix the row upstream, RESUME: everything arrives, the error table stays empty.
  ASSERT_TRUE(SqlOk(sql(),
                    "UPDATE paused SET num = 9 WHERE name = 'x';"
                    "ALTER SINK paused_sink RESUME;"
                    "FLUSH"));
  EXPECT_EQ(names(), (std::set<std::string>{"a", "b", "c", "x"}));
  auto fixed = ReadSinkStatus(sql(), "paused_sink");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->state, "running") << fixed->ToString();
  EXPECT_EQ(fixed->error_rows, 0) << fixed->ToString();

  // Another bad value; this time switch the policy and resume: the held change goes to the
  // error table and the sink goes on.
  ASSERT_TRUE(SqlOk(sql(), "INSERT INTO paused VALUES ('y', 'Infinity'), ('d', 4)"));
  ASSERT_TRUE(WaitForSinkStatus(
                  sql(), "paused_sink", [](const SinkStatusRow& s) { return s.state == "paused"; },
                  seconds(30), "paused at y")
                  .ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "ALTER SINK paused_sink SET (sink.error_policy = 'error_table');"
                    "ALTER SINK paused_sink RESUME;"
                    "FLUSH"));
  EXPECT_EQ(names(), (std::set<std::string>{"a", "b", "c", "d", "x"}));
  std::map<std::string, ErrorRow> errors = ErrorRows(sql(), "paused_sink", "name");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors.count("y"));
  // With error_table now in force, a later bad value no longer pauses.
  ASSERT_TRUE(SqlOk(sql(), "INSERT INTO paused VALUES ('z', 'NaN'), ('e', 5); FLUSH"));
  auto after = ReadSinkStatus(sql(), "paused_sink");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, "running") << after->ToString();
  EXPECT_EQ(after->error_rows, 2) << after->ToString();
  EXPECT_TRUE(names().count("e"));

  // Paused by the user: FLUSH does not wait for it; RESUME delivers what was held back.
  ASSERT_TRUE(SqlOk(sql(), "ALTER SINK paused_sink PAUSE"));
  auto user_paused = ReadSinkStatus(sql(), "paused_sink");
  ASSERT_TRUE(user_paused.ok());
  EXPECT_EQ(user_paused->state, "paused") << user_paused->ToString();
  ASSERT_TRUE(SqlOk(sql(), "INSERT INTO paused VALUES ('f', 6)"));
  start = Clock::now();
  ASSERT_TRUE(SqlOk(sql(), "FLUSH"));
  EXPECT_LT(Clock::now() - start, seconds(5));
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_FALSE(names().count("f")) << "a sink paused by the user delivered";
  ASSERT_TRUE(SqlOk(sql(), "ALTER SINK paused_sink RESUME; FLUSH"));
  EXPECT_TRUE(names().count("f"));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK paused_sink; DROP TABLE paused"));
}

}  // namespace
}  // namespace dynasink::test
