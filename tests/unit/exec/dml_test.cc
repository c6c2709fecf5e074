// DML semantics, including exactly what reaches the change log: inserts, overwrites logged as
// updates with full rows, ON CONFLICT DO NOTHING logging nothing, duplicate keys within one
// statement, updates and deletes with full before-images, generated row ids, NOT NULL, and
// concurrent writers of the same and of different keys.
#include "exec/dml.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "exec/functions.h"
#include "storage/change_log.h"
#include "types/row_codec.h"
#include "types/text_format.h"
#include "unit/catalog/test_db.h"

namespace dynasink::exec {
namespace {

using catalog::TableDef;
using catalog::TableDefPtr;
using testing::EngineTempDir;
using testing::TestDb;
using types::Row;
using types::TypeId;
using types::Value;

class DmlTest : public ::testing::Test {
 protected:
  DmlTest() : db_(dir_.path()) {}

  TableDefPtr CreateTable(std::string name, catalog::OnConflict on_conflict, bool row_id = false) {
    TableDef def;
    def.name = std::move(name);
    def.columns = {{"k", TypeId::kInt32, true, false, ""},
                   {"v", TypeId::kVarchar, false, false, ""}};
    if (row_id) {
      def.columns.push_back({"_row_id", TypeId::kSerial, true, true, ""});
      def.primary_key = {2};
      def.has_row_id = true;
    } else {
      def.primary_key = {0};
    }
    def.on_conflict = on_conflict;
    auto t = db_.catalog().CreateTable(def);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    // A cursor makes storage write the table's change log.
    EXPECT_TRUE(db_.storage().RegisterCursorAtLatest(next_cursor_++, (*t)->id).ok());
    return *t;
  }

  DmlContext Ctx() {
    DmlContext c;
    c.storage = &db_.storage();
    c.catalog = &db_.catalog();
    c.locks = &locks_;
    c.batch = &batch_;
    c.cancel = &cancel_;
    return c;
  }

  Status Insert(const TableDefPtr& t, std::vector<Row> rows, uint64_t* count = nullptr) {
    InsertWriter w(Ctx(), t);
    for (Row& r : rows) {
      if (t->has_row_id) r.push_back(Value());
      DS_RETURN_IF_ERROR(w.Add(r));
    }
    DS_ASSIGN_OR_RETURN(DmlResult result, w.Commit());
    if (count != nullptr) *count = result.rows;
    return Status::OK();
  }

  // The log since `after`, as "Op(k,v)" strings with the rows decoded.
  std::vector<std::string> Log(const TableDefPtr& t, uint64_t after = 0) {
    storage::ChangeLogReader reader(db_.storage(), t->id, after);
    storage::ChangeBatch batch;
    std::vector<std::string> out;
    for (;;) {
      EXPECT_TRUE(reader.Read({}, &batch).ok());
      if (batch.empty()) break;
      for (const auto& e : batch) {
        Row row = types::DecodeRow(e.row, t->column_types()).value();
        std::string s(storage::ChangeOpName(e.op));
        s += "(";
        for (uint32_t c : t->visible_columns()) {
          if (c > 0) s += ",";
          s += row[c].is_null() ? "NULL" : types::FormatValue(row[c], t->columns[c].type);
        }
        out.push_back(s + ")");
      }
    }
    return out;
  }

  std::vector<std::string> Rows(const TableDefPtr& t) {
    std::vector<std::string> out;
    auto it = db_.storage().NewRowIterator(t->id);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Row row = types::DecodeRow(it->row(), t->column_types()).value();
      out.push_back(types::FormatValue(row[0], TypeId::kInt32) + ":" +
                    (row[1].is_null() ? "NULL" : row[1].as_string()));
    }
    return out;
  }

  static Row R(int k, std::string v) { return {Value::Int32(k), Value::Varchar(std::move(v))}; }

  EngineTempDir dir_;
  TestDb db_;
  TableLocks locks_;
  storage::WriteBatch batch_;
  CancelToken cancel_;
  uint64_t next_cursor_ = 1;
};

TEST_F(DmlTest, OverwriteIsLoggedAsAnUpdateWithFullRows) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite);
  ASSERT_TRUE(Insert(t, {R(1, "a"), R(2, "b")}).ok());
  uint64_t count = 0;
  ASSERT_TRUE(Insert(t, {R(1, "a2"), R(3, "c")}, &count).ok());
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(Log(t), (std::vector<std::string>{"Insert(1,a)", "Insert(2,b)", "UpdateBefore(1,a)",
                                              "UpdateAfter(1,a2)", "Insert(3,c)"}));
  EXPECT_EQ(Rows(t), (std::vector<std::string>{"1:a2", "2:b", "3:c"}));
}

TEST_F(DmlTest, DuplicateKeysInOneStatementLastWinsWithOneChange) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite);
  ASSERT_TRUE(Insert(t, {R(1, "old")}).ok());
  uint64_t seq = db_.storage().LastCommittedSeq();
  uint64_t count = 0;
  ASSERT_TRUE(Insert(t, {R(1, "x"), R(2, "y"), R(1, "z"), R(2, "w")}, &count).ok());
  EXPECT_EQ(count, 4u);  // RisingWave counts every row given
  EXPECT_EQ(Log(t, seq),
            (std::vector<std::string>{"UpdateBefore(1,old)", "UpdateAfter(1,z)", "Insert(2,w)"}));
  EXPECT_EQ(Rows(t), (std::vector<std::string>{"1:z", "2:w"}));
}

TEST_F(DmlTest, BulkStatementsFindConflictsInsideAndOutsideTheKeyRange) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite);
  std::vector<Row> first;
  for (int i = 0; i < 200; ++i)
    first.push_back(R(i * 10, "a"));  // an empty table: no reads
  ASSERT_TRUE(Insert(t, first).ok());
  uint64_t seq = db_.storage().LastCommittedSeq();
  // Keys 1990..2190 step 10: 1990 exists (inside the range), the rest are new.
  std::vector<Row> second;
  for (int i = 199; i < 220; ++i)
    second.push_back(R(i * 10, "b"));
  for (int i = 0; i < 100; ++i)
    second.push_back(R(100000 + i, "c"));
  ASSERT_TRUE(Insert(t, second).ok());
  std::vector<std::string> log = Log(t, seq);
  ASSERT_EQ(log.size(), 122u);
  EXPECT_EQ(log[0], "UpdateBefore(1990,a)");
  EXPECT_EQ(log[1], "UpdateAfter(1990,b)");
  EXPECT_EQ(log[2], "Insert(2000,b)");
  // Beyond every stored key: plain inserts.
  seq = db_.storage().LastCommittedSeq();
  std::vector<Row> third;
  for (int i = 0; i < 100; ++i)
    third.push_back(R(500000 + i, "d"));
  ASSERT_TRUE(Insert(t, third).ok());
  log = Log(t, seq);
  ASSERT_EQ(log.size(), 100u);
  EXPECT_EQ(log[0], "Insert(500000,d)");
  EXPECT_EQ(Rows(t).size(), 200u + 20u + 100u + 100u);

  // Many rows with repeated keys (the hash index, not the small-statement search): one change
  // per key, with the last row.
  auto u = CreateTable("u", catalog::OnConflict::kOverwrite);
  std::vector<Row> repeated;
  for (int i = 0; i < 300; ++i)
    repeated.push_back(R(i % 30, std::to_string(i)));
  ASSERT_TRUE(Insert(u, repeated).ok());
  log = Log(u);
  ASSERT_EQ(log.size(), 30u);
  EXPECT_EQ(log[0], "Insert(0,270)");
  EXPECT_EQ(log[29], "Insert(29,299)");
}

// The hash index grows several times over a large statement whose keys repeat in scrambled
// order: growing keeps the entries' hashes, and every repeat is still found.
TEST_F(DmlTest, TheKeyIndexFindsRepeatsAcrossItsGrowth) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite);
  std::vector<Row> rows;
  std::map<int, std::string> last;
  for (int i = 0; i < 20000; ++i) {
    const int k = static_cast<int>((static_cast<int64_t>(i) * 7919) % 5000);  // each key 4 times
    rows.push_back(R(k, std::to_string(i)));
    last[k] = std::to_string(i);
  }
  ASSERT_TRUE(Insert(t, rows).ok());
  const std::vector<std::string> log = Log(t);
  ASSERT_EQ(log.size(), 5000u);  // one change per key
  std::vector<std::string> want;
  for (const auto& [k, v] : last)
    want.push_back(std::to_string(k) + ":" + v);
  EXPECT_EQ(Rows(t), want);
}

TEST_F(DmlTest, DoNothingKeepsTheFirstRowAndLogsNothingForTheRest) {
  auto t = CreateTable("t", catalog::OnConflict::kDoNothing);
  ASSERT_TRUE(Insert(t, {R(1, "first")}).ok());
  uint64_t seq = db_.storage().LastCommittedSeq();
  ASSERT_TRUE(Insert(t, {R(1, "second"), R(2, "a"), R(2, "b")}).ok());
  EXPECT_EQ(Log(t, seq), (std::vector<std::string>{"Insert(2,a)"}));
  EXPECT_EQ(Rows(t), (std::vector<std::string>{"1:first", "2:a"}));
}

TEST_F(DmlTest, DoUpdateIfNotNullKeepsOldValuesForNulls) {
  auto t = CreateTable("t", catalog::OnConflict::kDoUpdateIfNotNull);
  ASSERT_TRUE(Insert(t, {R(1, "a")}).ok());
  ASSERT_TRUE(Insert(t, {{Value::Int32(1), Value()}}).ok());
  EXPECT_EQ(Rows(t), (std::vector<std::string>{"1:a"}));
  EXPECT_EQ(Log(t).back(), "UpdateAfter(1,a)");
}

TEST_F(DmlTest, RowIdTablesKeepDuplicatesAndGenerateIds) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite, /*row_id=*/true);
  ASSERT_TRUE(Insert(t, {R(1, "x"), R(1, "x")}).ok());
  ASSERT_TRUE(Insert(t, {R(2, "y")}).ok());
  EXPECT_EQ(Rows(t).size(), 3u);
  EXPECT_EQ(Log(t).size(), 3u);
  // Ids are distinct and increase.
  std::vector<int64_t> ids;
  auto it = db_.storage().NewRowIterator(t->id);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ids.push_back(types::DecodeRow(it->row(), t->column_types()).value()[2].as_int64());
  }
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
}

TEST_F(DmlTest, NotNullAndAtomicity) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite);
  Status s = Insert(t, {R(1, "ok"), {Value(), Value::Varchar("no key")}});
  EXPECT_EQ(s.sqlstate(), "23502");
  EXPECT_NE(s.message().find("null value in column \"k\" of relation \"t\" violates not-null "
                             "constraint"),
            std::string::npos);
  EXPECT_NE(s.message().find("DETAIL: Failing row contains (null, no key)."), std::string::npos);
  EXPECT_TRUE(Rows(t).empty());  // nothing of the failed statement was written
  EXPECT_TRUE(Log(t).empty());
}

TEST_F(DmlTest, UpdateAndDeleteLogFullRows) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite);
  ASSERT_TRUE(Insert(t, {R(1, "a"), R(2, "b"), R(3, "c")}).ok());
  uint64_t seq = db_.storage().LastCommittedSeq();

  UpdateSpec update;
  update.table = t;
  update.access.kind = KeyAccess::Kind::kPoints;
  std::vector<ExprPtr> point;
  point.push_back(MakeLiteral(Value::Int32(2), TypeId::kInt32));
  update.access.points.push_back(std::move(point));
  update.assignments.emplace_back(1, MakeLiteral(Value::Varchar("B"), TypeId::kVarchar));
  auto u = ExecuteUpdate(Ctx(), update);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->rows, 1u);

  DeleteSpec del;
  del.table = t;
  // WHERE k >= 2 over a full scan.
  auto fn = ResolveBinaryOperator(BinaryOperator::kGtEq, TypeId::kInt32, TypeId::kInt32).value();
  std::vector<ExprPtr> args;
  args.push_back(MakeColumn(0, TypeId::kInt32));
  args.push_back(MakeLiteral(Value::Int32(2), TypeId::kInt32));
  del.where = MakeCall(fn, std::move(args));
  std::vector<Row> deleted;
  auto d = ExecuteDelete(Ctx(), del, &deleted);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->rows, 2u);
  EXPECT_EQ(deleted.size(), 2u);
  EXPECT_EQ(Log(t, seq), (std::vector<std::string>{"UpdateBefore(2,b)", "UpdateAfter(2,B)",
                                                   "Delete(2,B)", "Delete(3,c)"}));
  EXPECT_EQ(Rows(t), (std::vector<std::string>{"1:a"}));

  // Assigning a key column is refused, as RisingWave does.
  UpdateSpec key_update;
  key_update.table = t;
  key_update.assignments.emplace_back(0, MakeLiteral(Value::Int32(9), TypeId::kInt32));
  EXPECT_EQ(ExecuteUpdate(Ctx(), key_update).status().sqlstate(), "0A000");
  // NOT NULL holds for updates too, and a failed update changes nothing.
  UpdateSpec null_key;
  null_key.table = t;
  null_key.assignments.emplace_back(1, MakeLiteral(Value(), TypeId::kVarchar));
  EXPECT_TRUE(ExecuteUpdate(Ctx(), null_key).ok());  // v is nullable
}

TEST_F(DmlTest, DroppedTableIsRefusedOnceLocked) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite);
  InsertWriter w(Ctx(), t);
  Row r = R(1, "a");
  ASSERT_TRUE(w.Add(r).ok());
  ASSERT_TRUE(db_.storage().DeleteCursor(1).ok());
  ASSERT_TRUE(db_.catalog().DropTable(t->id).ok());
  auto result = w.Commit();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().sqlstate(), "42P01");
}

TEST_F(DmlTest, ConcurrentWritersOfTheSameKeysLeaveAConsistentLog) {
  auto t = CreateTable("t", catalog::OnConflict::kOverwrite);
  constexpr int kThreads = 4, kRounds = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      storage::WriteBatch batch;
      CancelToken cancel;
      DmlContext c = Ctx();
      c.batch = &batch;
      c.cancel = &cancel;
      for (int round = 0; round < kRounds; ++round) {
        InsertWriter w(c, t);
        // Every thread overwrites key 1, and writes a key of its own.
        Row a = R(1, "t" + std::to_string(i) + "r" + std::to_string(round));
        Row b = R(100 + i, std::to_string(round));
        if (!w.Add(a).ok() || !w.Add(b).ok() || !w.Commit().ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0);
  // Each overwrite's before-image is exactly the row the previous writer of key 1 left: the
  // log of key 1 is a chain.
  std::vector<std::string> log = Log(t);
  std::string last;
  int updates = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].rfind("Insert(1,", 0) == 0) last = log[i].substr(7);
    if (log[i].rfind("UpdateBefore(1,", 0) == 0) {
      EXPECT_EQ(log[i].substr(13), last) << "stale before-image at " << i;
      ASSERT_LT(i + 1, log.size());
      last = log[i + 1].substr(12);
      ++updates;
    }
  }
  EXPECT_EQ(updates, kThreads * kRounds - 1);
  EXPECT_EQ(Rows(t).size(), 1u + kThreads);
}

}  // namespace
}  // namespace dynasink::exec
