// What each change becomes (COMPATIBILITY.md section 3, SINK_SURFACE.md): inserts, overwriting
// inserts and updates become puts of the whole row; deletes become DeleteRequests carrying only
// the key attributes (seen on the wire through a recording proxy); a sink AS a SELECT with a WHERE
// turns a row moving into the WHERE into a put and a row moving out into a delete; and a sink
// whose primary_key differs from the table's key keeps the latest row per DynamoDB key, deleting
// an item only when no row maps to it any more, also across a restart.
#include <fmt/format.h>

#include <set>

#include "sink_test_util.h"

namespace dynasink::test {
namespace {

using ::testing::HasSubstr;

// Every request the proxy saw for `table`, in order: "put KEY" or "delete KEY".
std::vector<std::string> Requests(const RecordingProxy& proxy, const std::string& table,
                                  const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (const RecordedBatch& batch : proxy.batches()) {
    if (batch.status != 200) continue;
    for (const RecordedWrite& w : batch.writes) {
      if (w.table == table)
        out.push_back((w.is_delete ? "delete " : "put ") + KeyText(w.item, keys));
    }
  }
  return out;
}

class SinkChangesTest : public SinkE2eTest {};

TEST_F(SinkChangesTest, UpdatesArePutsAndDeletesCarryOnlyTheKey) {
  ASSERT_TRUE(
      CreateDynamoTable(endpoint(), "Changes", {{"k", KeyType::kN}, {"g", KeyType::kS}}).ok());
  RecordingProxy proxy(endpoint());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE changes (k int, g varchar, v varchar, n bigint, "
                    "PRIMARY KEY (k, g));"
                    "CREATE SINK changes_sink FROM changes " +
                        SinkWith(proxy.url(), "Changes", "k,g")));
  std::string values;
  for (int i = 0; i < 200; ++i) {
    values += fmt::format("{}({}, 'g{}', 'value {}', {})", i ? ", " : "", i, i % 3, i, i * 10);
  }
  ASSERT_TRUE(SqlOk(sql(), "INSERT INTO changes VALUES " + values + "; FLUSH"));
  const std::string query = "SELECT k, g, v, n FROM changes";
  const std::vector<AttrKind> kinds = {AttrKind::kN, AttrKind::kS, AttrKind::kS, AttrKind::kN};
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "Changes", query, kinds, {"k", "g"}));
  proxy.Clear();

  // Updates of non-key columns, an overwriting INSERT of an existing key (an update in the change
  // stream), NULLs, and deletes.
  ASSERT_TRUE(SqlOk(sql(),
                    "UPDATE changes SET v = 'updated', n = n + 1 WHERE k < 50;"
                    "UPDATE changes SET v = NULL WHERE k >= 50 AND k < 60;"
                    "INSERT INTO changes VALUES (60, 'g0', 'overwritten', -1);"
                    "DELETE FROM changes WHERE k >= 100 AND k < 130;"
                    "DELETE FROM changes WHERE k = 7;"
                    "FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "Changes", query, kinds, {"k", "g"}));

  size_t deletes = 0, puts = 0;
  std::set<std::string> deleted;
  for (const RecordedBatch& batch : proxy.batches()) {
    ASSERT_EQ(batch.status, 200);
    EXPECT_LE(batch.writes.size(), 25u);
    for (const RecordedWrite& w : batch.writes) {
      if (w.is_delete) {
        ++deletes;
        deleted.insert(KeyText(w.item, {"k", "g"}));
        // Only the key attributes, as DynamoDB requires of a DeleteRequest.
        EXPECT_EQ(w.item.size(), 2u) << w.json;
        EXPECT_NE(w.item.Find("k"), nullptr) << w.json;
        EXPECT_NE(w.item.Find("g"), nullptr) << w.json;
      } else {
        ++puts;
        // A put carries every column, NULLs included.
        EXPECT_EQ(w.item.size(), 4u) << w.json;
      }
    }
  }
  EXPECT_EQ(deletes, 31u);
  EXPECT_EQ(deleted.size(), 31u);
  EXPECT_TRUE(deleted.count("7|g1"));
  EXPECT_TRUE(deleted.count("129|g0"));
  // 50 + 10 updated rows (7 updated, then deleted: its put may be superseded) and one overwrite.
  EXPECT_GE(puts, 60u);
  EXPECT_LE(puts, 61u);

  auto page = FetchMetricsPage(bed_->server().metrics_port());
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_GE(MetricValue(*page, "dynasink_sink_items_written_total",
                        {{"sink", "changes_sink"}, {"op", "delete"}}),
            31);
  EXPECT_GE(MetricValue(*page, "dynasink_sink_items_written_total",
                        {{"sink", "changes_sink"}, {"op", "put"}}),
            260);
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK changes_sink; DROP TABLE changes"));
}

TEST_F(SinkChangesTest, SelectWithWhereRowsMovingInAndOut) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "OpenOrders", {{"order_id", KeyType::kN}}).ok());
  RecordingProxy proxy(endpoint());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE orders (id int PRIMARY KEY, status varchar, amount numeric, "
                    "customer varchar);"
                    "INSERT INTO orders VALUES (1, 'open', 10.50, 'ann'), (2, 'closed', 20, 'bob'),"
                    " (3, 'open', 30, 'cy'), (4, 'closed', 40, 'dee'), (5, 'open', 5, NULL)"));
  // Aliases become attribute names; expressions and casts; a WHERE; ORDER BY is accepted with
  // RisingWave's notice.
  const std::string select =
      "SELECT id AS order_id, upper(customer) AS who, amount * 2 AS doubled, "
      "amount::varchar AS amount_text, status FROM orders WHERE status = 'open' AND amount > 1";
  sql().TakeNotices();
  ASSERT_TRUE(SqlOk(sql(), "CREATE SINK open_orders AS " + select + " ORDER BY id " +
                               SinkWith(proxy.url(), "OpenOrders", "order_id")));
  std::vector<std::string> notices = sql().TakeNotices();
  EXPECT_THAT(notices, ::testing::Contains(HasSubstr("ORDER BY")));
  ASSERT_TRUE(SqlOk(sql(), "FLUSH"));
  const std::vector<AttrKind> kinds = {AttrKind::kN, AttrKind::kS, AttrKind::kN, AttrKind::kS,
                                       AttrKind::kS};
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "OpenOrders", select, kinds, {"order_id"}));
  EXPECT_THAT(Requests(proxy, "OpenOrders", {"order_id"}),
              ::testing::UnorderedElementsAre("put 1", "put 3", "put 5"));
  proxy.Clear();

  ASSERT_TRUE(SqlOk(sql(),
                    "UPDATE orders SET status = 'closed' WHERE id = 1;"    // moves out: delete
                    "UPDATE orders SET status = 'open' WHERE id = 2;"      // moves in: put
                    "UPDATE orders SET amount = 33 WHERE id = 3;"          // stays in: put
                    "UPDATE orders SET amount = 44 WHERE id = 4;"          // stays out: nothing
                    "UPDATE orders SET amount = 0.5 WHERE id = 5;"         // out through amount
                    "INSERT INTO orders VALUES (6, 'closed', 60, 'fay');"  // out: nothing
                    "INSERT INTO orders VALUES (7, 'open', 70, 'gus');"    // in: put
                    "DELETE FROM orders WHERE id = 4;"                     // was out: nothing
                    "FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "OpenOrders", select, kinds, {"order_id"}));
  EXPECT_THAT(Requests(proxy, "OpenOrders", {"order_id"}),
              ::testing::UnorderedElementsAre("delete 1", "put 2", "put 3", "delete 5", "put 7"));
  for (const RecordedBatch& batch : proxy.batches()) {
    for (const RecordedWrite& w : batch.writes) {
      if (w.is_delete) {
        EXPECT_EQ(w.item.size(), 1u) << w.json;
      }
    }
  }
  proxy.Clear();

  // Back in, deleted while in, and a DELETE of a row that was never in.
  ASSERT_TRUE(SqlOk(sql(),
                    "UPDATE orders SET status = 'open' WHERE id = 1;"
                    "DELETE FROM orders WHERE id = 7;"
                    "DELETE FROM orders WHERE id = 6;"
                    "FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "OpenOrders", select, kinds, {"order_id"}));
  EXPECT_THAT(Requests(proxy, "OpenOrders", {"order_id"}),
              ::testing::UnorderedElementsAre("put 1", "delete 7"));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK open_orders; DROP TABLE orders"));
}

// SINK_SURFACE.md, last section: DynamoDB holds the latest row (by commit order) per DynamoDB
// key; an item is deleted only when no row maps to it; when the latest row goes away while others
// remain, the newest remaining one is put. The index behind this is durable: a restart keeps it.
TEST_F(SinkChangesTest, PrimaryKeyDifferentFromTheTableKey) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "ByUser", {{"user_id", KeyType::kN}}).ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE events (id int PRIMARY KEY, user_id int, payload varchar);"
                    "INSERT INTO events VALUES (1, 1, 'a');"
                    "INSERT INTO events VALUES (2, 1, 'b');"
                    "INSERT INTO events VALUES (3, 2, 'c');"
                    "CREATE SINK by_user AS SELECT user_id, payload, id FROM events " +
                        SinkWith(endpoint(), "ByUser", "user_id") + ";FLUSH"));
  auto expect = [&](std::map<int, std::pair<int, std::string>> want, const std::string& after) {
    ItemsByKey items;
    for (const auto& [user, row] : want) {
      aws::Item it{{"user_id", aws::AttributeValue::N(user)},
                   {"payload", aws::AttributeValue::S(row.second)},
                   {"id", aws::AttributeValue::N(row.first)}};
      items.emplace(KeyText(it, {"user_id"}), std::move(it));
    }
    auto got = ScanWithCli(endpoint(), "ByUser", {"user_id"});
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(DiffItems(items, *got), "") << "after " << after;
  };
  // The backfill: rows 1 and 2 map to user 1, and 2 was committed last.
  expect({{1, {2, "b"}}, {2, {3, "c"}}}, "the backfill");

  ASSERT_TRUE(SqlOk(sql(), "UPDATE events SET payload = 'a2' WHERE id = 1; FLUSH"));
  expect({{1, {1, "a2"}}, {2, {3, "c"}}}, "updating the older row: it is now the latest");

  ASSERT_TRUE(SqlOk(sql(), "DELETE FROM events WHERE id = 1; FLUSH"));
  expect({{1, {2, "b"}}, {2, {3, "c"}}}, "deleting the latest row: the remaining one is put");

  ASSERT_TRUE(SqlOk(sql(), "DELETE FROM events WHERE id = 3; FLUSH"));
  expect({{1, {2, "b"}}}, "deleting the only row of user 2");

  ASSERT_TRUE(SqlOk(sql(), "UPDATE events SET user_id = 3 WHERE id = 2; FLUSH"));
  expect({{3, {2, "b"}}}, "moving the only row of user 1 to user 3");

  ASSERT_TRUE(SqlOk(sql(),
                    "INSERT INTO events VALUES (4, 3, 'd');"
                    "INSERT INTO events VALUES (5, 3, 'e');"
                    "INSERT INTO events VALUES (6, 4, 'f');"
                    "FLUSH"));
  expect({{3, {5, "e"}}, {4, {6, "f"}}}, "two more rows for user 3");

  // The index survives a restart: deleting the latest row of user 3 then still brings back the
  // newest remaining one.
  sql_.reset();
  ASSERT_TRUE(bed_->server().Restart().ok());
  auto conn = bed_->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  sql_ = std::make_unique<PgConnection>(std::move(conn).value());
  ASSERT_TRUE(SqlOk(sql(), "DELETE FROM events WHERE id = 5; FLUSH"));
  expect({{3, {4, "d"}}, {4, {6, "f"}}}, "deleting user 3's latest row after a restart");
  ASSERT_TRUE(SqlOk(sql(), "DELETE FROM events WHERE user_id = 3; FLUSH"));
  expect({{4, {6, "f"}}}, "deleting every row of user 3");

  // The same through CREATE SINK ... FROM a table whose key contains the DynamoDB key.
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "ByRegion", {{"region", KeyType::kS}}).ok());
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE stock (region varchar, sku int, qty int, "
                    "PRIMARY KEY (region, sku));"
                    "CREATE SINK by_region FROM stock " +
                        SinkWith(endpoint(), "ByRegion", "region") +
                        ";"
                        "INSERT INTO stock VALUES ('eu', 1, 10);"
                        "INSERT INTO stock VALUES ('eu', 2, 20);"
                        "INSERT INTO stock VALUES ('us', 1, 5);"
                        "DELETE FROM stock WHERE region = 'eu' AND sku = 2;"
                        "DELETE FROM stock WHERE region = 'us';"
                        "FLUSH"));
  auto got = ScanWithCli(endpoint(), "ByRegion", {"region"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ItemsByKey want;
  aws::Item eu{{"region", aws::AttributeValue::S("eu")},
               {"sku", aws::AttributeValue::N(1)},
               {"qty", aws::AttributeValue::N(10)}};
  want.emplace("eu", eu);
  EXPECT_EQ(DiffItems(want, *got), "");
  ASSERT_TRUE(
      SqlOk(sql(), "DROP SINK by_user; DROP SINK by_region; DROP TABLE events; DROP TABLE stock"));
}

}  // namespace
}  // namespace dynasink::test
