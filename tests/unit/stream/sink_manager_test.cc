// SinkManager, the parts that need no registered connector (the DynamoDB connector is covered
// end to end by the integration tests): the views it registers and removes, a stored sink that
// cannot start (listed with the reason, FLUSH refused naming it, still droppable), DROP SINK
// removing the definition, cursor, error-table rows and key index (also after a crash in
// between), and the errors of unknown sinks.
#include "stream/sink_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/write_batch.h"
#include "stream/key_groups.h"
#include "unit/catalog/test_db.h"

namespace dynasink::stream {
namespace {

using ::testing::HasSubstr;
using types::TypeId;
using types::Value;

class SinkManagerTest : public ::testing::Test {
 protected:
  SinkManagerTest() : db_(dir_.path()) {
    catalog::TableDef def;
    def.name = "t";
    def.columns = {{"k", TypeId::kInt32, true, false, ""},
                   {"v", TypeId::kVarchar, false, false, ""}};
    def.primary_key = {0};
    auto t = db_.catalog().CreateTable(def);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    table_ = *t;
  }
  ~SinkManagerTest() override {
    if (manager_) manager_->Close();
  }

  // A sink stored in the catalog (with its cursor) whose connector no build registers.
  uint32_t StoreSink(const std::string& name) {
    catalog::SinkDefinition def;
    def.id = *db_.catalog().AllocateObjectId();
    def.name = name;
    def.from_table_id = table_->id;
    def.column_names = {"k", "v"};
    def.column_types = {TypeId::kInt32, TypeId::kVarchar};
    def.options = {{"connector", "nosuch"}, {"secret_thing", "s3cr3t"}};
    def.definition = "CREATE SINK " + name + " FROM t WITH (connector = 'nosuch')";
    def.created_at_us = 1700000000000000;
    const uint32_t id = def.id;
    auto created = db_.catalog().CreateSink(def, [&](const storage::WriteBatch& meta) -> Status {
      return db_.storage().RegisterCursorAtLatest(id, table_->id, &meta).status();
    });
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return id;
  }

  void OpenManager() {
    auto m = SinkManager::Open(
        &db_.storage(), &db_.catalog(),
        [](const catalog::SinkDefinition& d) -> Result<std::unique_ptr<exec::RowProgram>> {
          return Status::NotSupported("no program for " + d.name);
        },
        SinkManagerOptions{.metrics = &registry_});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    manager_ = std::move(m).value();
  }

  std::vector<types::Row> View(std::string_view name) {
    catalog::SystemTablePtr view = db_.catalog().system_tables().Find("rw_catalog", name);
    EXPECT_NE(view, nullptr) << name;
    if (view == nullptr) return {};
    auto rows = view->rows();
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    for (const types::Row& r : *rows)
      EXPECT_EQ(r.size(), view->columns.size()) << name;
    return rows.ok() ? *rows : std::vector<types::Row>{};
  }

  ::dynasink::testing::EngineTempDir dir_;
  ::dynasink::testing::TestDb db_;
  catalog::TableDefPtr table_;
  metrics::Registry registry_;
  std::unique_ptr<SinkManager> manager_;
};

TEST_F(SinkManagerTest, RegistersAndRemovesTheViews) {
  OpenManager();
  for (const char* name : {"rw_sinks", "rw_sink_status", "rw_sink_errors"}) {
    EXPECT_NE(db_.catalog().system_tables().Find("rw_catalog", name), nullptr) << name;
    EXPECT_TRUE(View(name).empty()) << name;
  }
  exec::CancelToken cancel;
  EXPECT_TRUE(manager_->WaitFlushed(db_.storage().LastCommittedSeq(), cancel).ok());
  manager_->Close();
  manager_->Close();  // idempotent
  for (const char* name : {"rw_sinks", "rw_sink_status", "rw_sink_errors"}) {
    EXPECT_EQ(db_.catalog().system_tables().Find("rw_catalog", name), nullptr) << name;
  }
  // The views can be registered again by a new manager (a restart in the same process).
  manager_.reset();
  OpenManager();
  EXPECT_NE(db_.catalog().system_tables().Find("rw_catalog", "rw_sinks"), nullptr);
}

TEST_F(SinkManagerTest, ASinkThatCannotStartIsListedAndRefusesFlush) {
  const uint32_t id = StoreSink("broken");
  OpenManager();
  auto sinks = View("rw_sinks");
  ASSERT_EQ(sinks.size(), 1u);
  EXPECT_EQ(sinks[0][0], Value::Int32(static_cast<int32_t>(id)));
  EXPECT_EQ(sinks[0][1], Value::Varchar("broken"));
  EXPECT_EQ(sinks[0][4], Value::Varchar("NOSUCH"));
  EXPECT_TRUE(sinks[0][6].is_null());  // connection_id

  auto status = View("rw_sink_status");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0][1], Value::Varchar("broken"));
  EXPECT_EQ(status[0][2], Value::Varchar("retrying"));
  ASSERT_FALSE(status[0][11].is_null());
  EXPECT_THAT(status[0][11].as_string(), HasSubstr("cannot start"));
  EXPECT_THAT(status[0][11].as_string(), HasSubstr("broken"));
  EXPECT_TRUE(status[0][12].is_null());  // paused_reason

  exec::CancelToken cancel;
  Status s = manager_->WaitFlushed(db_.storage().LastCommittedSeq(), cancel);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sqlstate(), "55000");
  EXPECT_THAT(s.message(), HasSubstr("sink broken is not running"));
  s = manager_->PauseSink("broken");
  EXPECT_EQ(s.sqlstate(), "55000");
  s = manager_->ResumeSink("broken");
  EXPECT_EQ(s.sqlstate(), "55000");
}

TEST_F(SinkManagerTest, DropSinkRemovesDefinitionCursorAndErrorRows) {
  const uint32_t id = StoreSink("doomed");
  const uint32_t kept = StoreSink("kept");
  {
    // Rejections stored earlier (e.g. before a restart).
    auto errors = ErrorTable::Open(&db_.storage());
    ASSERT_TRUE(errors.ok());
    connector::SinkRejection r;
    r.sink = "doomed";
    r.seq = 4;
    r.key_json = R"({"k":{"N":"1"}})";
    r.item = R"({"k":{"N":"1"},"v":{"S":"x"}})";
    r.reason = "too big";
    r.error_type = "ItemSize";
    ASSERT_TRUE((*errors)->Store(id, r).ok());
    r.sink = "kept";
    ASSERT_TRUE((*errors)->Store(kept, r).ok());
  }
  OpenManager();
  auto rows = View("rw_sink_errors");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], Value::Varchar("doomed"));
  EXPECT_EQ(rows[0][2], Value::Int64(4));
  EXPECT_EQ(rows[0][3], Value::Varchar("put"));
  EXPECT_EQ(rows[0][4], Value::Varchar(R"({"k":{"N":"1"}})"));
  EXPECT_EQ(rows[0][8], Value::Varchar("ItemSize"));
  auto status = View("rw_sink_status");
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0][9], Value::Int64(1));  // error_rows of "doomed"

  ASSERT_TRUE(manager_->DropSink("doomed").ok());
  EXPECT_EQ(db_.catalog().FindSink("doomed"), nullptr);
  // Its key index went too, with the marker that makes a restart finish that job.
  auto markers = db_.storage().ScanMeta("sinkindex-drop/");
  ASSERT_TRUE(markers.ok());
  EXPECT_TRUE(markers->empty());
  EXPECT_FALSE(db_.storage().GetCursor(id).ok());
  rows = View("rw_sink_errors");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], Value::Varchar("kept"));
  EXPECT_EQ(View("rw_sinks").size(), 1u);
  EXPECT_TRUE(db_.storage().GetCursor(kept).ok());

  // Unknown sinks.
  Status s = manager_->DropSink("doomed");
  EXPECT_EQ(s.sqlstate(), "42704");
  EXPECT_THAT(s.message(), HasSubstr("\"doomed\" does not exist"));
  EXPECT_EQ(manager_->PauseSink("nope").sqlstate(), "42704");
  EXPECT_EQ(manager_->AlterSinkOptions("nope", {{"sink.error_policy", "pause"}}).sqlstate(),
            "42704");

  // After a restart the dropped sink stays gone, with its error rows.
  manager_->Close();
  manager_.reset();
  db_.Reopen();
  table_ = db_.catalog().FindTable("t");
  OpenManager();
  EXPECT_EQ(View("rw_sink_errors").size(), 1u);
  EXPECT_EQ(View("rw_sinks").size(), 1u);
}

TEST_F(SinkManagerTest, OpenFinishesTheKeyIndexDropOfASinkDroppedBeforeACrash) {
  // The state a crash leaves between DROP SINK's catalog write and its index removal.
  const uint32_t gone = *db_.catalog().AllocateObjectId();
  KeyGroups index(&db_.storage(), gone, {TypeId::kInt32, TypeId::kVarchar});
  ASSERT_TRUE(index.Put("K", "u", 1, {Value::Int32(1), Value::Varchar("v")}).ok());
  ASSERT_TRUE(index.Commit().ok());
  storage::WriteBatch meta;
  KeyGroups::MarkForDrop(gone, &meta);
  ASSERT_TRUE(db_.storage().Commit(meta).ok());

  OpenManager();
  auto latest = index.Latest("K");
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->has_value());
  auto markers = db_.storage().ScanMeta("sinkindex-drop/");
  ASSERT_TRUE(markers.ok());
  EXPECT_TRUE(markers->empty());
}

TEST_F(SinkManagerTest, AlterSinkChangesOnlyTheErrorPolicyAndDeliveryTuning) {
  StoreSink("s");
  OpenManager();
  Status s = manager_->AlterSinkOptions("s", {{"table", "other"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sqlstate(), "0A000");
  EXPECT_THAT(s.message(), HasSubstr("sink.error_policy"));
  // Nothing was written.
  EXPECT_EQ(db_.catalog().FindSink("s")->options.count("table"), 0u);
}

TEST_F(SinkManagerTest, SinkOptionsOfListsTheStoredOptions) {
  catalog::SinkDefinition def;
  def.options = {{"connector", "dynamodb"}, {"table", "movies"}};
  connector::SinkOptionList list = SinkOptionsOf(def);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], (std::pair<std::string, std::string>{"connector", "dynamodb"}));
  EXPECT_EQ(list[1], (std::pair<std::string, std::string>{"table", "movies"}));
}

}  // namespace
}  // namespace dynasink::stream
