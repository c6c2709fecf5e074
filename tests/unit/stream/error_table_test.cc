// ErrorTable: rejected changes are stored durably once per change, counted per sink (also after
// a reopen), listed by sink then seq with every field, and removed per sink for DROP SINK.
#include "stream/error_table.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "unit/storage/storage_test_util.h"

namespace dynasink::stream {
namespace {

using connector::ChangeOp;
using connector::SinkRejection;
using storage::testing::MustOpen;
using storage::testing::TempDir;
using storage::testing::TestOptions;

SinkRejection Rejection(uint64_t seq, ChangeOp op, std::string key_json, std::string reason) {
  SinkRejection r;
  r.sink = "s";
  r.seq = seq;
  r.op = op;
  r.key = "k=" + std::to_string(seq);
  r.key_json = std::move(key_json);
  r.item = op == ChangeOp::kDelete ? "" : R"({"k":{"N":"1"},"v":{"S":"x"}})";
  r.column = "v";
  r.reason = std::move(reason);
  r.error_type = "NumberPrecision";
  return r;
}

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ErrorTableTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }
  void Open() {
    storage_ = MustOpen(TestOptions(dir_.path()));
    ASSERT_NE(storage_, nullptr);
    auto t = ErrorTable::Open(storage_.get());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    table_ = std::move(t).value();
  }
  void Close() {
    table_.reset();
    if (storage_) storage_->Shutdown();
    storage_.reset();
  }

  TempDir dir_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<ErrorTable> table_;
};

TEST_F(ErrorTableTest, StoresEveryField) {
  const int64_t before = NowUs();
  ASSERT_TRUE(
      table_->Store(7, Rejection(12, ChangeOp::kUpsert, R"({"k":{"N":"1"}})", "too big")).ok());
  EXPECT_EQ(table_->Count(7), 1u);
  auto list = table_->List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  const ErrorRecord& r = (*list)[0];
  EXPECT_EQ(r.sink_id, 7u);
  EXPECT_EQ(r.seq, 12u);
  EXPECT_EQ(r.op, ChangeOp::kUpsert);
  EXPECT_EQ(r.key_json, R"({"k":{"N":"1"}})");
  EXPECT_EQ(r.item_json, R"({"k":{"N":"1"},"v":{"S":"x"}})");
  EXPECT_EQ(r.column, "v");
  EXPECT_EQ(r.reason, "too big");
  EXPECT_EQ(r.error_type, "NumberPrecision");
  EXPECT_GE(r.recorded_at_us, before);
  EXPECT_LE(r.recorded_at_us, NowUs());
}

TEST_F(ErrorTableTest, DeletesKeepNoItemAndTextKeyIsTheFallback) {
  SinkRejection del = Rejection(3, ChangeOp::kDelete, "", "bad key");
  del.item = "should not be kept";
  ASSERT_TRUE(table_->Store(1, del).ok());
  auto list = table_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].op, ChangeOp::kDelete);
  EXPECT_EQ((*list)[0].item_json, "");
  // Without a JSON key (an upstream query error), the key text identifies the row.
  EXPECT_EQ((*list)[0].key_json, "k=3");
}

TEST_F(ErrorTableTest, StoringTheSameChangeTwiceKeepsOneRow) {
  SinkRejection r = Rejection(5, ChangeOp::kUpsert, R"({"k":{"N":"5"}})", "first");
  ASSERT_TRUE(table_->Store(2, r).ok());
  r.reason = "second";  // a replay re-rejects the same change
  ASSERT_TRUE(table_->Store(2, r).ok());
  EXPECT_EQ(table_->Count(2), 1u);
  auto list = table_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].reason, "first");

  // The same seq with another op, or another key, is another change.
  ASSERT_TRUE(table_->Store(2, Rejection(5, ChangeOp::kDelete, R"({"k":{"N":"5"}})", "d")).ok());
  ASSERT_TRUE(table_->Store(2, Rejection(5, ChangeOp::kUpsert, R"({"k":{"N":"6"}})", "p")).ok());
  EXPECT_EQ(table_->Count(2), 3u);
}

TEST_F(ErrorTableTest, CountsAndListOrderBySinkThenSeq) {
  // Stored out of order, across sinks whose ids compare differently as text and as numbers.
  ASSERT_TRUE(table_->Store(300, Rejection(2, ChangeOp::kUpsert, "a", "r")).ok());
  ASSERT_TRUE(table_->Store(4, Rejection(900, ChangeOp::kUpsert, "b", "r")).ok());
  ASSERT_TRUE(table_->Store(4, Rejection(70, ChangeOp::kUpsert, "c", "r")).ok());
  ASSERT_TRUE(table_->Store(300, Rejection(1, ChangeOp::kUpsert, "d", "r")).ok());
  ASSERT_TRUE(table_->Store(4, Rejection(256, ChangeOp::kUpsert, "e", "r")).ok());
  EXPECT_EQ(table_->Count(4), 3u);
  EXPECT_EQ(table_->Count(300), 2u);
  EXPECT_EQ(table_->Count(5), 0u);
  auto list = table_->List();
  ASSERT_TRUE(list.ok());
  std::vector<std::pair<uint32_t, uint64_t>> order;
  for (const ErrorRecord& r : *list)
    order.emplace_back(r.sink_id, r.seq);
  std::vector<std::pair<uint32_t, uint64_t>> want = {
      {4, 70}, {4, 256}, {4, 900}, {300, 1}, {300, 2}};
  EXPECT_EQ(order, want);
}

TEST_F(ErrorTableTest, DeleteSinkRecordsAndForgetSink) {
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    ASSERT_TRUE(table_->Store(10, Rejection(seq, ChangeOp::kUpsert, "k", "r")).ok());
  }
  ASSERT_TRUE(table_->Store(11, Rejection(1, ChangeOp::kUpsert, "k", "r")).ok());
  storage::WriteBatch batch;
  table_->DeleteSinkRecords(10, &batch);
  EXPECT_EQ(batch.num_records(), 3u);
  // Nothing changes before the batch commits.
  EXPECT_EQ(table_->List()->size(), 4u);
  ASSERT_TRUE(storage_->Commit(batch).ok());
  table_->ForgetSink(10);
  EXPECT_EQ(table_->Count(10), 0u);
  EXPECT_EQ(table_->Count(11), 1u);
  auto list = table_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].sink_id, 11u);

  // After a reopen the deleted sink stays at zero.
  Close();
  Open();
  EXPECT_EQ(table_->Count(10), 0u);
  EXPECT_EQ(table_->Count(11), 1u);
}

TEST_F(ErrorTableTest, ReopenKeepsRecordsAndCounts) {
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    ASSERT_TRUE(table_->Store(3, Rejection(seq, ChangeOp::kUpsert, "k", "r")).ok());
  }
  ASSERT_TRUE(table_->Store(9, Rejection(1, ChangeOp::kDelete, "k", "r")).ok());
  Close();
  Open();
  EXPECT_EQ(table_->Count(3), 5u);
  EXPECT_EQ(table_->Count(9), 1u);
  EXPECT_EQ(table_->List()->size(), 6u);
  // A replayed rejection after the reopen is still recognised as stored.
  ASSERT_TRUE(table_->Store(3, Rejection(2, ChangeOp::kUpsert, "k", "r")).ok());
  EXPECT_EQ(table_->Count(3), 5u);
}

TEST_F(ErrorTableTest, OtherMetaKeysAreNotRecords) {
  // The catalog shares the meta keyspace; only "sinkerr/" keys belong to the table.
  ASSERT_TRUE(storage_->PutMeta("sink/1", "definition").ok());
  ASSERT_TRUE(storage_->PutMeta("sinkerrx", "not a record").ok());
  Close();
  Open();
  auto list = table_->List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_TRUE(list->empty());
}

}  // namespace
}  // namespace dynasink::stream
