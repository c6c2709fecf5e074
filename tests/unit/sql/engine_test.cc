// The engine end to end through a session: DDL, DML with the change log it writes, COPY,
// queries (joins, subqueries in FROM, DISTINCT, LIMIT), system tables, RETURNING, statement
// handlers registered from outside, and DROP TABLE refused while a sink reads the table.
#include <gtest/gtest.h>

#include "storage/change_log.h"
#include "unit/sql/engine_test_util.h"

namespace dynasink::sql {
namespace {

using testing::Harness;
using testing::Lines;
using types::Value;

// COPY rows of text fields, as pgwire hands them over.
class Copied final : public CopyRows {
 public:
  using Table = std::vector<std::vector<std::optional<std::string>>>;
  explicit Copied(Table rows) : rows_(std::move(rows)) {}
  size_t num_rows() const override { return rows_.size(); }
  size_t num_columns() const override { return rows_.empty() ? 0 : rows_[0].size(); }
  std::optional<std::string_view> field(size_t r, size_t c) const override {
    if (!rows_[r][c]) return std::nullopt;
    return std::string_view(*rows_[r][c]);
  }
  uint64_t line_number(size_t r) const override { return r + 1; }

 private:
  Table rows_;
};

Result<ExecResult> RunOne(Session& s, std::string_view sql) {
  DS_ASSIGN_OR_RETURN(auto stmts, s.ParseQuery(sql));
  DS_ASSIGN_OR_RETURN(auto portal, s.Bind(*stmts.at(0), {}));
  return portal->Run();
}

TEST(EngineTest, CreateTableVariantsAndErrors) {
  Harness h;
  EXPECT_EQ(h.Ok("CREATE TABLE movies (year integer, title varchar, description varchar, "
                 "primary key (year, title))"),
            (Lines{"CREATE_TABLE"}));
  h.notices.clear();
  EXPECT_EQ(h.Ok("CREATE TABLE IF NOT EXISTS movies (x int)"), (Lines{"CREATE_TABLE"}));
  ASSERT_EQ(h.notices.size(), 1u);
  EXPECT_EQ(h.notices[0].message, "relation \"movies\" already exists, skipping");
  EXPECT_EQ(h.Fail("CREATE TABLE movies (x int)"), "42P07");
  EXPECT_EQ(h.Fail("CREATE TABLE bad (a int, PRIMARY KEY (zz))"), "42703");
  EXPECT_EQ(h.last_error().message(), "column \"zz\" named in key does not exist");
  EXPECT_EQ(h.Fail("CREATE TABLE bad (a int, a varchar)"), "42701");
  EXPECT_EQ(h.Fail("CREATE TABLE bad (j jsonb PRIMARY KEY)"), "0A000");
  EXPECT_EQ(h.Fail("CREATE TABLE bad (a int DEFAULT 'x')"), "22P02");
  EXPECT_EQ(h.Fail("CREATE TABLE bad (a int DEFAULT true)"), "42804");
  EXPECT_EQ(h.Fail("CREATE TABLE bad (a int DEFAULT b)"), "0A000");
  EXPECT_EQ(h.Fail("CREATE TABLE bad (a int) ON CONFLICT DO NOTHING"), "0A000");
  EXPECT_EQ(h.Fail("CREATE TABLE bad (_row_id int)"), "42701");
  EXPECT_EQ(h.Fail("CREATE TABLE other.bad (a int)"), "3F000");
  EXPECT_EQ(h.Ok("SHOW TABLES"), (Lines{"movies"}));
  EXPECT_EQ(h.Ok("SHOW TABLES LIKE 'mov%'"), (Lines{"movies"}));
  EXPECT_EQ(h.Ok("SHOW TABLES LIKE 'x%'"), (Lines{}));
  Lines create = h.Ok("SHOW CREATE TABLE movies");
  ASSERT_EQ(create.size(), 1u);
  EXPECT_NE(create[0].find("CREATE TABLE movies"), std::string::npos);
  EXPECT_EQ(h.Ok("DROP TABLE movies"), (Lines{"DROP_TABLE"}));
  EXPECT_EQ(h.Fail("DROP TABLE movies"), "42P01");
  EXPECT_EQ(h.last_error().message(), "table \"movies\" does not exist");
  h.notices.clear();
  h.Ok("DROP TABLE IF EXISTS movies");
  ASSERT_EQ(h.notices.size(), 1u);
  EXPECT_EQ(h.notices[0].message, "table \"movies\" does not exist, skipping");
}

TEST(EngineTest, DmlWritesTheChangeLog) {
  Harness h;
  h.Ok("CREATE TABLE m (year int, title varchar, d varchar, PRIMARY KEY (year, title))");
  uint32_t id = h.engine().catalog().FindTable("m")->id;
  ASSERT_TRUE(h.db().storage().RegisterCursorAtLatest(1, id).ok());
  h.Ok("INSERT INTO m VALUES (2020, 'a', 'x'), (2019, 'b', 'y')");
  h.Ok("INSERT INTO m VALUES (2020, 'a', 'x2')");
  h.Ok("UPDATE m SET d = upper(d) WHERE year = 2019");
  h.Ok("DELETE FROM m WHERE title = 'a'");
  storage::ChangeLogReader reader(h.db().storage(), id, 0);
  storage::ChangeBatch batch;
  ASSERT_TRUE(reader.Read({}, &batch).ok());
  std::vector<std::string> ops;
  for (const auto& e : batch) ops.emplace_back(storage::ChangeOpName(e.op));
  EXPECT_EQ(ops, (std::vector<std::string>{"Insert", "Insert", "UpdateBefore", "UpdateAfter",
                                           "UpdateBefore", "UpdateAfter", "Delete"}));
  EXPECT_EQ(h.Ok("SELECT * FROM m"), (Lines{"2019|b|Y"}));
  EXPECT_EQ(h.Fail("UPDATE m SET year = 1"), "0A000");
  EXPECT_EQ(h.last_error().message(), "update modifying the PK column is unsupported");
}

TEST(EngineTest, DefaultsSerialsAndRowIds) {
  Harness h;
  h.Ok("CREATE TABLE s (id serial PRIMARY KEY, v varchar DEFAULT 'dflt', t timestamptz DEFAULT "
       "now(), n int)");
  EXPECT_EQ(h.Ok("INSERT INTO s (n) VALUES (1), (2)"), (Lines{"INSERT 0 2"}));
  h.Ok("INSERT INTO s (n, v) VALUES (3, DEFAULT)");
  h.Ok("INSERT INTO s DEFAULT VALUES");
  EXPECT_EQ(h.Ok("SELECT id, v, n, t IS NOT NULL FROM s ORDER BY id"),
            (Lines{"1|dflt|1|t", "2|dflt|2|t", "3|dflt|3|t", "4|dflt|NULL|t"}));
  h.Ok("CREATE TABLE k (a int, b varchar)");
  h.Ok("INSERT INTO k VALUES (1, 'x'), (1, 'x')");
  EXPECT_EQ(h.Ok("SELECT count(*), count(DISTINCT _row_id) FROM k"), (Lines{"2|2"}));
  EXPECT_EQ(h.Ok("SELECT * FROM k"), (Lines{"1|x", "1|x"}));  // * hides _row_id
  EXPECT_EQ(h.Fail("INSERT INTO k (_row_id) VALUES (5)"), "428C9");
  h.Ok("CREATE TABLE ao (a int) APPEND ONLY");
  h.Ok("INSERT INTO ao VALUES (1), (1)");
  EXPECT_EQ(h.Fail("DELETE FROM ao"), "0A000");
}

TEST(EngineTest, QueriesJoinsAndSystemTables) {
  Harness h;
  h.Ok("CREATE TABLE a (id int PRIMARY KEY, name varchar)");
  h.Ok("CREATE TABLE b (id int PRIMARY KEY, a_id int, amount numeric)");
  h.Ok("INSERT INTO a VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  h.Ok("INSERT INTO b VALUES (10, 1, 1.5), (11, 1, 2.5), (12, 2, 3)");
  EXPECT_EQ(h.Ok("SELECT a.name, sum(b.amount) FROM a JOIN b ON a.id = b.a_id GROUP BY a.name "
                 "ORDER BY 1"),
            (Lines{"one|4.0", "two|3"}));
  EXPECT_EQ(h.Ok("SELECT a.name, b.id FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.id IS NULL"),
            (Lines{"three|NULL"}));
  EXPECT_EQ(h.Ok("SELECT b.id, a.name FROM b RIGHT JOIN a ON a.id = b.a_id ORDER BY a.id, b.id"),
            (Lines{"10|one", "11|one", "12|two", "NULL|three"}));
  EXPECT_EQ(h.Ok("SELECT count(*) FROM a, b"), (Lines{"9"}));
  EXPECT_EQ(h.Ok("SELECT name FROM a JOIN b USING (id)"), (Lines{}));
  EXPECT_EQ(h.Ok("SELECT x.n FROM (SELECT name AS n, id FROM a WHERE id > 1) x ORDER BY x.id DESC"),
            (Lines{"three", "two"}));
  EXPECT_EQ(h.Ok("SELECT DISTINCT a_id FROM b ORDER BY a_id LIMIT 1 OFFSET 1"), (Lines{"2"}));
  EXPECT_EQ(h.Ok("VALUES (2, 'b'), (1, 'a') ORDER BY 1"), (Lines{"1|a", "2|b"}));
  EXPECT_EQ(h.Ok("SELECT name FROM rw_catalog.rw_tables ORDER BY name"), (Lines{"a", "b"}));
  EXPECT_EQ(h.Ok("SELECT name FROM rw_tables WHERE name = 'a'"), (Lines{"a"}));
  EXPECT_EQ(h.Ok("SELECT column_name, data_type FROM information_schema.columns WHERE "
                 "table_name = 'b' ORDER BY ordinal_position"),
            (Lines{"id|integer", "a_id|integer", "amount|numeric"}));
  EXPECT_EQ(h.Fail("SELECT * FROM a WHERE id IN (SELECT a_id FROM b)"), "0A000");
  EXPECT_EQ(h.Fail("SELECT 1 UNION SELECT 2"), "0A000");
  EXPECT_EQ(h.Fail("INSERT INTO rw_catalog.rw_tables VALUES (1)"), "42809");
}

TEST(EngineTest, ReturningAndInsertSelect) {
  Harness h;
  h.Ok("CREATE TABLE t (id int PRIMARY KEY, v varchar)");
  EXPECT_EQ(h.Ok("INSERT INTO t VALUES (1, 'a'), (2, 'b') RETURNING id, upper(v)"),
            (Lines{"1|A", "2|B"}));
  EXPECT_EQ(h.Ok("UPDATE t SET v = v || '!' WHERE id = 2 RETURNING *"), (Lines{"2|b!"}));
  EXPECT_EQ(h.Ok("DELETE FROM t WHERE id = 1 RETURNING v"), (Lines{"a"}));
  EXPECT_EQ(h.Ok("INSERT INTO t SELECT id + 10, v FROM t"), (Lines{"INSERT 0 1"}));
  EXPECT_EQ(h.Ok("SELECT id FROM t ORDER BY id"), (Lines{"2", "12"}));
  EXPECT_EQ(h.Fail("INSERT INTO t SELECT id, v, v FROM t"), "42601");
  EXPECT_EQ(h.Fail("INSERT INTO t (id) SELECT v FROM t"), "42804");
}

TEST(EngineTest, CopyFromStdin) {
  Harness h;
  h.Ok("CREATE TABLE c (id bigint PRIMARY KEY, name varchar DEFAULT 'none', score float8)");
  auto r = RunOne(h.session(), "COPY c (id, score) FROM STDIN");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->kind, ExecResult::Kind::kCopyIn);
  EXPECT_EQ(r->copy_columns, (std::vector<std::string>{"id", "score"}));
  EXPECT_EQ(r->copy_relation, "c");
  ASSERT_TRUE(r->copy->Write(Copied(Copied::Table{{"1", "0.5"}, {"2", std::nullopt}})).ok());
  ASSERT_TRUE(r->copy->Write(Copied(Copied::Table{{"1", "1.5"}})).ok());  // the same key again: last wins
  EXPECT_EQ(h.Ok("SELECT count(*) FROM c"), (Lines{"0"}));  // nothing visible before Finish
  auto tag = r->copy->Finish();
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(*tag, "COPY 3");
  EXPECT_EQ(h.Ok("SELECT id, name, score FROM c ORDER BY id"), (Lines{"1|none|1.5", "2|none|NULL"}));

  auto bad = RunOne(h.session(), "COPY c FROM STDIN WITH (FORMAT csv)");
  ASSERT_TRUE(bad.ok());
  Status s = bad->copy->Write(Copied(Copied::Table{{"5", "x", "1"}, {"abc", "y", "2"}}));
  EXPECT_EQ(s.sqlstate(), "22P02");
  EXPECT_NE(s.message().find("CONTEXT: COPY c, line 2, column id: \"abc\""), std::string::npos);
  bad->copy->Abort();
  EXPECT_EQ(h.Ok("SELECT count(*) FROM c"), (Lines{"2"}));
  EXPECT_EQ(h.Fail("COPY c TO STDOUT"), "0A000");
}

class EchoHandler final : public StatementHandler {
 public:
  class Plan_ final : public StatementPlan {
   public:
    Result<ExecResult> Execute(ExecContext& ctx) override {
      ctx.session.SendNotice({Notice::Severity::kNotice, "00000", "handled", "", ""});
      return ExecResult::Command("CREATE_SINK");
    }
  };
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement& stmt) override {
    seen = std::string(StatementKindName(stmt.kind));
    return std::unique_ptr<StatementPlan>(new Plan_());
  }
  std::string seen;
};

TEST(EngineTest, HandlersRegisteredFromOutside) {
  Harness h;
  h.Ok("CREATE TABLE t (id int PRIMARY KEY)");
  EXPECT_EQ(h.Fail("CREATE SINK s FROM t WITH (connector = 'dynamodb')"), "0A000");
  auto handler = std::make_shared<EchoHandler>();
  h.engine().statements().Register(HandlerKey::Of(StatementKind::kCreateSink), handler);
  h.notices.clear();
  EXPECT_EQ(h.Ok("CREATE SINK s FROM t WITH (connector = 'dynamodb')"), (Lines{"CREATE_SINK"}));
  ASSERT_EQ(h.notices.size(), 1u);
  EXPECT_EQ(h.notices[0].message, "handled");
  EXPECT_FALSE(handler->seen.empty());
  // SHOW SINKS has a built-in answer from the catalog, which a handler may replace.
  EXPECT_EQ(h.Ok("SHOW SINKS"), (Lines{}));
}

TEST(EngineTest, DropTableRefusedWhileASinkReadsIt) {
  Harness h;
  h.Ok("CREATE TABLE t (id int PRIMARY KEY)");
  catalog::SinkDefinition sink;
  sink.name = "s";
  sink.from_table_id = h.engine().catalog().FindTable("t")->id;
  ASSERT_TRUE(h.engine().catalog().CreateSink(sink).ok());
  EXPECT_EQ(h.Ok("SHOW SINKS"), (Lines{"s"}));
  EXPECT_EQ(h.Fail("DROP TABLE t"), "2BP01");
  EXPECT_NE(h.last_error().message().find("DROP SINK s"), std::string::npos);
  EXPECT_EQ(h.Fail("DROP TABLE s"), "42809");
  EXPECT_EQ(h.Fail("SELECT * FROM s"), "42809");
  EXPECT_EQ(h.Fail("CREATE TABLE s (x int)"), "42P07");
}

TEST(EngineTest, DataSurvivesReopen) {
  Harness h;
  h.Ok("CREATE TABLE t (id int PRIMARY KEY, v jsonb, a int[], s STRUCT<x int>)");
  h.Ok("INSERT INTO t VALUES (1, '{\"b\": 1, \"a\": 2}', ARRAY[1, 2], ROW(5))");
  h.db().Reopen();
  h.Reset();
  EXPECT_EQ(h.Ok("SELECT id, v, a, (s).x FROM t"), (Lines{"1|{\"a\": 2, \"b\": 1}|{1,2}|5"}));
}

}  // namespace
}  // namespace dynasink::sql
