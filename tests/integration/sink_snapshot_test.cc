// snapshot = true and false over a table with 100k existing rows (25k under the sanitizers).
//
// true (the default): the sink backfills the existing rows first, then the changes after the
// snapshot (ARCHITECTURE.md contract 3). Progress is visible in rw_sink_status while it runs
// (state backfilling, rows done growing towards the total), DML during the backfill is not lost
// at the seam, and DynamoDB ends equal to the table.
//
// false: the existing rows are not sent; only changes after the sink's creation arrive.
#include <fmt/format.h>

#include "sink_test_util.h"

namespace dynasink::test {
namespace {

const std::vector<AttrKind> kKvn = {AttrKind::kN, AttrKind::kS, AttrKind::kN};

class SinkSnapshotTest : public SinkE2eTest {
 protected:
  static void SetUpTestSuite() {
    StartBed();
    if (bed_ == nullptr) return;
    auto conn = bed_->Connect();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(SqlOk(*conn, "CREATE TABLE existing (k int PRIMARY KEY, v varchar, n bigint)"));
    std::string data;
    data.reserve(static_cast<size_t>(kRows) * 24);
    for (int64_t k = 0; k < kRows; ++k)
      data += fmt::format("{}\trow {}\t{}\n", k, k, k * 3);
    auto copied = conn->CopyIn("COPY existing FROM STDIN", data);
    ASSERT_TRUE(copied.ok()) << copied.status().ToString();
    ASSERT_EQ(copied->affected_rows, kRows);
  }

  // Under the sanitizers a quarter: the backfill must still last long enough to be watched.
  static constexpr int64_t kRows = ScaledForSanitizer(100000, 4);
};

TEST_F(SinkSnapshotTest, SnapshotTrueBackfillsWithVisibleProgress) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "SnapYes", {{"k", KeyType::kN}}).ok());
  ASSERT_TRUE(
      SqlOk(sql(), "CREATE SINK snap_yes FROM existing " + SinkWith(endpoint(), "SnapYes", "k")));
  // A second session changes rows while the backfill runs: updates of rows already sent and of
  // rows not sent yet, deletes, and new rows.
  auto writer = bed_->Connect();
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();

  std::vector<SinkStatusRow> samples;
  int statements = 0;
  while (true) {
    auto s = ReadSinkStatus(sql(), "snap_yes");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    samples.push_back(*s);
    if (s->state != "backfilling") break;
    ASSERT_LT(samples.size(), 3000u) << "the backfill did not end: " << s->ToString();
    if (statements < 40) {
      int64_t at = (statements * 7919) % kRows;
      ASSERT_TRUE(SqlOk(
          *writer,
          fmt::format("UPDATE existing SET v = 'during {}', n = -1 WHERE k >= {} "
                      "AND k < {};"
                      "DELETE FROM existing WHERE k = {};"
                      "INSERT INTO existing VALUES ({}, 'new {}', 0)",
                      statements, at, at + 50, (at + 60) % kRows, kRows + statements, statements)));
      ++statements;
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  // Progress was visible: backfilling with a total, and rows done growing, never past it.
  int backfilling = 0;
  bool partial = false;
  int64_t last_done = 0;
  for (const SinkStatusRow& s : samples) {
    if (s.state != "backfilling") continue;
    ++backfilling;
    ASSERT_TRUE(s.backfill_rows_total.has_value()) << s.ToString();
    // The snapshot holds the rows that existed at creation.
    EXPECT_EQ(*s.backfill_rows_total, kRows) << s.ToString();
    EXPECT_GE(s.backfill_rows_done, last_done) << s.ToString();
    EXPECT_LE(s.backfill_rows_done, *s.backfill_rows_total) << s.ToString();
    last_done = s.backfill_rows_done;
    if (s.backfill_rows_done > 0 && s.backfill_rows_done < *s.backfill_rows_total) partial = true;
  }
  EXPECT_GE(backfilling, 2) << "the backfill was never seen running";
  EXPECT_TRUE(partial) << "no sample showed partial progress";
  const SinkStatusRow& end = samples.back();
  EXPECT_EQ(end.state, "running") << end.ToString();
  ASSERT_TRUE(end.backfill_rows_total.has_value()) << end.ToString();
  EXPECT_EQ(end.backfill_rows_done, *end.backfill_rows_total) << end.ToString();

  ASSERT_TRUE(SqlOk(sql(), "FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "SnapYes", "SELECT k, v, n FROM existing", kKvn,
                                 {"k"}));
  auto status = ReadSinkStatus(sql(), "snap_yes");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->lag_changes, 0) << status->ToString();
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK snap_yes"));
}

TEST_F(SinkSnapshotTest, SnapshotFalseSendsOnlyLaterChanges) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "SnapNo", {{"k", KeyType::kN}}).ok());
  ASSERT_TRUE(SqlOk(sql(), "CREATE TABLE later (k int PRIMARY KEY, v varchar, n bigint)"));
  std::string data;
  for (int64_t k = 0; k < kRows; ++k)
    data += fmt::format("{}\trow {}\t{}\n", k, k, k);
  ASSERT_TRUE(sql().CopyIn("COPY later FROM STDIN", data).ok());
  ASSERT_TRUE(SqlOk(sql(), "CREATE SINK snap_no FROM later " +
                               SinkWith(endpoint(), "SnapNo", "k", {{"snapshot", "false"}})));
  auto status = ReadSinkStatus(sql(), "snap_no");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->state, "running") << status->ToString();
  EXPECT_FALSE(status->backfill_rows_total.has_value()) << status->ToString();
  ASSERT_TRUE(SqlOk(sql(), "FLUSH"));
  auto empty = ScanWithCli(endpoint(), "SnapNo", {"k"});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty()) << empty->size() << " existing rows were sent";

  ASSERT_TRUE(SqlOk(sql(), fmt::format("INSERT INTO later VALUES ({0}, 'new', 1), ({1}, 'new', 2);"
                                       "UPDATE later SET v = 'changed' WHERE k >= 100 AND k < 110;"
                                       "DELETE FROM later WHERE k >= 200 AND k < 205;"
                                       "INSERT INTO later VALUES (5, 'overwritten', 5);"
                                       "FLUSH",
                                       kRows, kRows + 1)));
  // Exactly the rows changed after the sink's creation; the deletes of rows DynamoDB never had
  // are harmless.
  EXPECT_TRUE(DynamoMatchesQuery(
      sql(), endpoint(), "SnapNo",
      fmt::format("SELECT k, v, n FROM later WHERE k >= {} OR (k >= 100 AND k < 110) OR k = 5",
                  kRows),
      kKvn, {"k"}));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK snap_no; DROP TABLE later"));
}

}  // namespace
}  // namespace dynasink::test
