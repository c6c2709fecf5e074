// Catalog: tables and sinks persisted across reopen, name rules, sink writes atomic with a
// cursor, DROP TABLE refused while a sink reads it, system tables, concurrent reads.
#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "unit/catalog/test_db.h"

namespace dynasink::catalog {
namespace {

using testing::EngineTempDir;
using testing::TestDb;
using types::DataType;
using types::TypeId;

TableDef MoviesDef() {
  TableDef def;
  def.name = "movies";
  def.columns = {{"year", TypeId::kInt32, true, false, ""},
                 {"title", TypeId::kVarchar, true, false, ""},
                 {"description", TypeId::kVarchar, false, false, "'none'"}};
  def.primary_key = {0, 1};
  def.definition = "CREATE TABLE movies (...)";
  return def;
}

TableDef RowIdDef(std::string name) {
  TableDef def;
  def.name = std::move(name);
  def.columns = {{"v", DataType::List(TypeId::kInt32), false, false, ""},
                 {std::string(kRowIdColumnName), TypeId::kSerial, true, true, ""}};
  def.primary_key = {1};
  def.has_row_id = true;
  def.on_conflict = OnConflict::kOverwrite;
  return def;
}

SinkDefinition SinkOn(uint32_t table, std::string name) {
  SinkDefinition s;
  s.name = std::move(name);
  s.from_table_id = table;
  s.column_names = {"year", "title"};
  s.column_types = {TypeId::kInt32, TypeId::kVarchar};
  s.options = {{"connector", "dynamodb"}, {"table", "Movies"}};
  s.format = "upsert";
  s.encode = "json";
  s.definition = "CREATE SINK " + s.name + " FROM movies WITH (...)";
  s.state = std::string("\x01paused", 7);
  return s;
}

TEST(CatalogTest, TablePersistsAcrossReopen) {
  EngineTempDir dir;
  TestDb db(dir.path());
  auto created = db.catalog().CreateTable(MoviesDef());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  uint32_t id = (*created)->id;
  EXPECT_GT(id, 0u);
  uint64_t version = db.catalog().version();
  EXPECT_GT(version, 0u);

  db.Reopen();
  TableDefPtr t = db.catalog().FindTable("movies");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->id, id);
  EXPECT_EQ(db.catalog().FindTableById(id), t);
  ASSERT_EQ(t->columns.size(), 3u);
  EXPECT_EQ(t->columns[2].default_sql, "'none'");
  EXPECT_TRUE(t->columns[0].not_null);
  EXPECT_EQ(t->primary_key, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(t->KeyNames(), "year, title");
  EXPECT_EQ(t->key_types(), (std::vector<DataType>{TypeId::kInt32, TypeId::kVarchar}));
  EXPECT_EQ(t->visible_columns().size(), 3u);
  EXPECT_EQ(t->definition, "CREATE TABLE movies (...)");
  EXPECT_EQ(db.catalog().version(), version);

  // Ids are never handed out twice, even after a restart.
  auto second = db.catalog().CreateTable(RowIdDef("events"));
  ASSERT_TRUE(second.ok());
  EXPECT_GT((*second)->id, id);
  EXPECT_GT(db.catalog().version(), version);
  EXPECT_EQ((*second)->visible_columns(), (std::vector<uint32_t>{0}));
  EXPECT_TRUE((*second)->has_row_id);
}

TEST(CatalogTest, DuplicateNamesAndBadDefinitions) {
  EngineTempDir dir;
  TestDb db(dir.path());
  ASSERT_TRUE(db.catalog().CreateTable(MoviesDef()).ok());
  auto dup = db.catalog().CreateTable(MoviesDef());
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().sqlstate(), "42P07");
  EXPECT_EQ(dup.status().message(), "relation \"movies\" already exists");

  TableDef twice = MoviesDef();
  twice.name = "other";
  twice.columns[1].name = "year";
  auto r = db.catalog().CreateTable(twice);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "42701");

  TableDef jsonkey = MoviesDef();
  jsonkey.name = "j";
  jsonkey.columns[0].type = TypeId::kJsonb;
  r = db.catalog().CreateTable(jsonkey);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "0A000");
  EXPECT_EQ(db.catalog().ListTables().size(), 1u);
}

TEST(CatalogTest, DropTableRemovesRowsAndDefinition) {
  EngineTempDir dir;
  TestDb db(dir.path());
  auto t = db.catalog().CreateTable(MoviesDef());
  ASSERT_TRUE(t.ok());
  uint32_t id = (*t)->id;
  storage::WriteBatch rows;
  rows.Insert(id, "k1", "r1");
  ASSERT_TRUE(db.storage().Commit(rows).ok());

  ASSERT_TRUE(db.catalog().DropTable(id).ok());
  EXPECT_EQ(db.catalog().FindTable("movies"), nullptr);
  std::string row;
  bool found = true;
  ASSERT_TRUE(db.storage().GetRow(id, "k1", &row, &found).ok());
  EXPECT_FALSE(found);
  EXPECT_EQ(db.catalog().DropTable(id).sqlstate(), "42P01");

  db.Reopen();
  EXPECT_EQ(db.catalog().FindTable("movies"), nullptr);
  EXPECT_TRUE(db.catalog().CreateTable(MoviesDef()).ok());
}

TEST(CatalogTest, SinkWrittenAtomicallyWithItsCursor) {
  EngineTempDir dir;
  TestDb db(dir.path());
  auto t = db.catalog().CreateTable(MoviesDef());
  ASSERT_TRUE(t.ok());
  uint32_t table_id = (*t)->id;

  auto id = db.catalog().AllocateObjectId();
  ASSERT_TRUE(id.ok());
  SinkDefinition def = SinkOn(table_id, "s1");
  def.id = *id;
  std::shared_ptr<const storage::Snapshot> snapshot;
  auto created = db.catalog().CreateSink(def, [&](const storage::WriteBatch& meta) {
    auto snap = db.storage().RegisterCursorWithSnapshot(*id, table_id, &meta);
    if (!snap.ok()) return snap.status();
    snapshot = *snap;
    return Status::OK();
  });
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_NE(snapshot, nullptr);
  snapshot.reset();
  EXPECT_TRUE(db.storage().GetCursor(*id).ok());
  EXPECT_GT((*created)->created_at_us, 0);
  def.created_at_us = (*created)->created_at_us;

  // A failing commit publishes nothing.
  SinkDefinition failing = SinkOn(table_id, "s2");
  auto refused = db.catalog().CreateSink(
      failing, [](const storage::WriteBatch&) { return Status::IOError("disk on fire"); });
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(db.catalog().FindSink("s2"), nullptr);

  // Names are shared with tables.
  auto clash = db.catalog().CreateSink(SinkOn(table_id, "movies"));
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.status().sqlstate(), "42P07");
  TableDef named_like_sink = MoviesDef();
  named_like_sink.name = "s1";
  EXPECT_EQ(db.catalog().CreateTable(named_like_sink).status().sqlstate(), "42P07");
  EXPECT_EQ(db.catalog().FindRelation("s1"), RelationKind::kSink);
  EXPECT_EQ(db.catalog().FindRelation("movies"), RelationKind::kTable);
  EXPECT_EQ(db.catalog().FindRelation("nope"), RelationKind::kNone);

  // The table cannot be dropped while the sink reads it.
  Status drop = db.catalog().DropTable(table_id);
  EXPECT_EQ(drop.sqlstate(), "2BP01");
  EXPECT_NE(drop.message().find("sink s1"), std::string::npos);
  EXPECT_NE(drop.message().find("DROP SINK s1"), std::string::npos);

  db.Reopen();
  SinkDefPtr s = db.catalog().FindSink("s1");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(*s, def);
  EXPECT_EQ(db.catalog().SinksReadingTable(table_id).size(), 1u);

  // Update (state blob) and drop, the drop atomic with the cursor's deletion.
  SinkDefinition updated = *s;
  updated.state = "running";
  ASSERT_TRUE(db.catalog().UpdateSink(updated).ok());
  EXPECT_EQ(db.catalog().FindSinkById(*id)->state, "running");
  ASSERT_TRUE(db.catalog()
                  .DropSink(*id,
                            [&](const storage::WriteBatch& meta) {
                              return db.storage().DeleteCursor(*id, &meta);
                            })
                  .ok());
  EXPECT_EQ(db.catalog().FindSink("s1"), nullptr);
  EXPECT_FALSE(db.storage().GetCursor(*id).ok());
  EXPECT_TRUE(db.catalog().DropSink(*id).IsNotFound());
  db.Reopen();
  EXPECT_TRUE(db.catalog().ListSinks().empty());
  EXPECT_TRUE(db.catalog().DropTable(table_id).ok());
}

TEST(CatalogTest, SinkNeedsAnExistingTable) {
  EngineTempDir dir;
  TestDb db(dir.path());
  auto r = db.catalog().CreateSink(SinkOn(12345, "s"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "42P01");
}

TEST(CatalogTest, SerializationRejectsDamage) {
  TableDef def = MoviesDef();
  def.id = 7;
  ASSERT_TRUE(def.Build().ok());
  std::string bytes;
  def.Serialize(&bytes);
  auto back = TableDef::Deserialize(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->columns, def.columns);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    auto r = TableDef::Deserialize(std::string_view(bytes).substr(0, cut));
    EXPECT_FALSE(r.ok()) << "prefix of " << cut << " bytes decoded";
  }
  std::string newer = bytes;
  newer[0] = 9;
  EXPECT_EQ(TableDef::Deserialize(newer).status().code(), StatusCode::kNotSupported);

  SinkDefinition s = SinkOn(7, "s");
  std::string sink_bytes;
  s.Serialize(&sink_bytes);
  auto sback = SinkDefinition::Deserialize(sink_bytes);
  ASSERT_TRUE(sback.ok());
  EXPECT_EQ(*sback, s);
  for (size_t cut = 0; cut < sink_bytes.size(); ++cut) {
    EXPECT_FALSE(SinkDefinition::Deserialize(std::string_view(sink_bytes).substr(0, cut)).ok());
  }
}

TEST(CatalogTest, BuiltinSystemTables) {
  EngineTempDir dir;
  TestDb db(dir.path());
  ASSERT_TRUE(db.catalog().CreateTable(MoviesDef()).ok());
  ASSERT_TRUE(db.catalog().CreateTable(RowIdDef("events")).ok());
  auto& reg = db.catalog().system_tables();
  SystemTablePtr tables = reg.FindUnqualified("rw_tables");
  ASSERT_NE(tables, nullptr);
  auto rows = tables->rows();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0][1].as_string(), "events");  // ordered by name
  EXPECT_EQ((*rows)[0].size(), tables->columns.size());

  SystemTablePtr columns = reg.Find("information_schema", "columns");
  ASSERT_NE(columns, nullptr);
  auto crows = columns->rows();
  ASSERT_TRUE(crows.ok());
  int user_columns = 0;
  for (const auto& r : *crows) {
    EXPECT_NE(r[3].as_string(), "_row_id");  // hidden columns are not listed
    if (r[1].as_string() == "public") ++user_columns;
  }
  EXPECT_EQ(user_columns, 4);
  EXPECT_EQ(reg.Find("information_schema", "nope"), nullptr);
  EXPECT_EQ(reg.FindUnqualified("tables"), nullptr);  // information_schema is not searched

  SystemTable extra{.schema = "rw_catalog",
                    .name = "rw_extra",
                    .columns = {{"x", TypeId::kInt32}},
                    .rows = [] { return Result<std::vector<types::Row>>(std::vector<types::Row>{}); }};
  ASSERT_TRUE(reg.Register(extra).ok());
  EXPECT_TRUE(reg.Register(extra).IsAlreadyExists());
  reg.Unregister("rw_catalog", "rw_extra");
  EXPECT_EQ(reg.FindUnqualified("rw_extra"), nullptr);
  EXPECT_FALSE(reg.Register(SystemTable{.schema = "rw_catalog", .name = "bad"}).ok());
}

TEST(CatalogTest, ConcurrentReadsDuringDdl) {
  EngineTempDir dir;
  TestDb db(dir.path());
  ASSERT_TRUE(db.catalog().CreateTable(MoviesDef()).ok());
  std::atomic<bool> stop{false};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        TableDefPtr t = db.catalog().FindTable("movies");
        // The definition seen is always complete and immutable.
        if (t == nullptr || t->columns.size() != 3 || t->key_types().size() != 2) {
          ADD_FAILURE() << "inconsistent read";
          return;
        }
        for (const TableDefPtr& x : db.catalog().ListTables()) {
          if (x->name.empty()) ADD_FAILURE() << "empty name";
        }
        reads.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    auto t = db.catalog().CreateTable(RowIdDef("t" + std::to_string(i)));
    ASSERT_TRUE(t.ok());
    if (i % 2 == 0) {
      ASSERT_TRUE(db.catalog().DropTable((*t)->id).ok());
    }
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(db.catalog().ListTables().size(), 26u);
}

}  // namespace
}  // namespace dynasink::catalog
