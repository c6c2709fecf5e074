// The binder: name resolution and its errors with positions, type inference for untyped
// literals and parameters, GROUP BY rules, ORDER BY resolution, primary-key lookups, and
// BindSinkQuery / RowProgram for sinks.
#include "sql/binder.h"

#include <gtest/gtest.h>

#include "sql/parser.h"
#include "unit/sql/engine_test_util.h"

namespace dynasink::sql {
namespace {

using testing::Harness;
using testing::Lines;
using types::DataType;
using types::TypeId;

class BinderTest : public ::testing::Test {
 protected:
  BinderTest() {
    h_.Ok("CREATE TABLE t (id int PRIMARY KEY, name varchar, score double precision, "
          "s STRUCT<a int, b varchar>, tags varchar[])");
    h_.Ok("CREATE TABLE pair (a int, b varchar, c int, PRIMARY KEY (a, b))");
  }

  // Prepares `sql` with declared parameter types and returns the inferred ones.
  std::vector<DataType> ParamTypes(std::string_view sql, std::vector<DataType> declared = {}) {
    auto stmt = h_.session().Prepare(sql, std::move(declared));
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) return {};
    auto types = (*stmt)->ParamTypes();
    EXPECT_TRUE(types.ok());
    return **types;
  }

  std::string Explain(std::string_view sql) {
    Lines lines = h_.Ok("EXPLAIN " + std::string(sql));
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  Harness h_;
};

TEST_F(BinderTest, NameErrorsCarryPositions) {
  EXPECT_EQ(h_.Fail("SELECT * FROM nope"), "42P01");
  EXPECT_EQ(h_.last_error().message(), "relation \"nope\" does not exist");
  EXPECT_EQ(h_.last_error().position(), 15);
  EXPECT_EQ(h_.Fail("SELECT nope FROM t"), "42703");
  EXPECT_EQ(h_.last_error().message(), "column \"nope\" does not exist");
  EXPECT_EQ(h_.last_error().position(), 8);
  EXPECT_EQ(h_.Fail("SELECT x.id FROM t"), "42P01");
  EXPECT_EQ(h_.last_error().message(), "missing FROM-clause entry for table \"x\"");
  EXPECT_EQ(h_.Fail("SELECT t.nope FROM t"), "42703");
  EXPECT_EQ(h_.last_error().message(), "column t.nope does not exist");
  EXPECT_EQ(h_.Ok("SELECT a, id FROM t, pair WHERE id = c"), (Lines{}));  // a is only in pair
  EXPECT_EQ(h_.Fail("SELECT a FROM pair p1, pair p2"), "42702");
  EXPECT_EQ(h_.last_error().message(), "column reference \"a\" is ambiguous");
  EXPECT_EQ(h_.Fail("SELECT id FROM t, t"), "42712");
  EXPECT_EQ(h_.Fail("SELECT (s).c FROM t"), "42703");
  EXPECT_EQ(h_.Fail("SELECT (id).c FROM t"), "42809");
  EXPECT_EQ(h_.Fail("SELECT lower(id) FROM t"), "42883");
  EXPECT_EQ(h_.Fail("SELECT * FROM rw_catalog.nope"), "42P01");
  EXPECT_EQ(h_.last_error().message(), "relation \"rw_catalog.nope\" does not exist");
}

TEST_F(BinderTest, UntypedLiteralsAdoptTheirContext) {
  h_.Ok("INSERT INTO t (id, name, score) VALUES ('1', 'x', '2.5')");
  EXPECT_EQ(h_.Ok("SELECT id + '1', score * '2' FROM t WHERE id = '1'"), (Lines{"2|5"}));
  EXPECT_EQ(h_.Fail("SELECT id FROM t WHERE id = 'x'"), "22P02");
  EXPECT_EQ(h_.last_error().message(), "invalid input syntax for type integer: \"x\"");
  EXPECT_EQ(h_.last_error().position(), 29);
  EXPECT_EQ(h_.Ok("SELECT 'a' || 'b', 'x'"), (Lines{"ab|x"}));
  EXPECT_EQ(h_.Ok("SELECT ROW(1, 'a'), ARRAY['x', NULL]"), (Lines{"(1,a)|{x,NULL}"}));
  // ROW and ARRAY members take the target's types in assignments.
  h_.Ok("UPDATE t SET s = ROW(NULL, 'n'), tags = ARRAY['p', NULL] WHERE id = 1");
  EXPECT_EQ(h_.Ok("SELECT (s).a, (s).b, tags[1] FROM t"), (Lines{"NULL|n|p"}));
  // A stored struct compares its NULL fields as equal, as PostgreSQL's composite values do.
  EXPECT_EQ(h_.Ok("SELECT s = ROW(NULL, 'n') FROM t"), (Lines{"t"}));
}

TEST_F(BinderTest, ParameterTypesAreInferred) {
  EXPECT_EQ(ParamTypes("SELECT * FROM t WHERE id = $1"), (std::vector<DataType>{TypeId::kInt32}));
  EXPECT_EQ(ParamTypes("INSERT INTO t (id, name, score) VALUES ($1, $2, $3)"),
            (std::vector<DataType>{TypeId::kInt32, TypeId::kVarchar, TypeId::kFloat64}));
  EXPECT_EQ(ParamTypes("UPDATE t SET score = $2 WHERE id = $1"),
            (std::vector<DataType>{TypeId::kInt32, TypeId::kFloat64}));
  // Parameters without a context are text, declared ones keep their type.
  EXPECT_EQ(ParamTypes("SELECT $1"), (std::vector<DataType>{TypeId::kVarchar}));
  EXPECT_EQ(ParamTypes("SELECT $1", {TypeId::kInt64}), (std::vector<DataType>{TypeId::kInt64}));
  EXPECT_EQ(ParamTypes("SELECT $2::int"),
            (std::vector<DataType>{TypeId::kVarchar, TypeId::kInt32}));
  EXPECT_EQ(ParamTypes("SELECT * FROM t LIMIT $1"), (std::vector<DataType>{TypeId::kInt64}));
}

TEST_F(BinderTest, GroupByRules) {
  h_.Ok("INSERT INTO pair VALUES (1, 'x', 10), (1, 'y', 20), (2, 'x', 5)");
  EXPECT_EQ(h_.Ok("SELECT a, sum(c) FROM pair GROUP BY a ORDER BY a"), (Lines{"1|30", "2|5"}));
  EXPECT_EQ(h_.Ok("SELECT a + 1 AS n, count(*) FROM pair GROUP BY a + 1 ORDER BY n"),
            (Lines{"2|2", "3|1"}));
  EXPECT_EQ(h_.Ok("SELECT b, count(*) FROM pair GROUP BY 1 ORDER BY 1"), (Lines{"x|2", "y|1"}));
  EXPECT_EQ(h_.Ok("SELECT pair.a, max(c) FROM pair GROUP BY a HAVING max(c) > 6 ORDER BY a"),
            (Lines{"1|20"}));
  EXPECT_EQ(h_.Fail("SELECT a, c FROM pair GROUP BY a"), "42803");
  EXPECT_EQ(h_.last_error().message(),
            "column \"pair.c\" must appear in the GROUP BY clause or be used in an aggregate "
            "function");
  EXPECT_EQ(h_.Fail("SELECT * FROM pair WHERE count(*) > 1"), "42803");
  EXPECT_EQ(h_.Fail("SELECT sum(sum(c)) FROM pair"), "42803");
  EXPECT_EQ(h_.Fail("SELECT a FROM pair GROUP BY 5"), "42P10");
  EXPECT_EQ(h_.Ok("SELECT count(*) FROM pair WHERE a > 100"), (Lines{"0"}));
}

TEST_F(BinderTest, OrderByNamesPositionsAndExpressions) {
  h_.Ok("INSERT INTO t (id, name) VALUES (1, 'b'), (2, 'a'), (3, NULL)");
  EXPECT_EQ(h_.Ok("SELECT id AS x FROM t ORDER BY x DESC"), (Lines{"3", "2", "1"}));
  EXPECT_EQ(h_.Ok("SELECT name FROM t ORDER BY 1"), (Lines{"a", "b", "NULL"}));
  EXPECT_EQ(h_.Ok("SELECT name FROM t ORDER BY 1 DESC"), (Lines{"NULL", "b", "a"}));
  EXPECT_EQ(h_.Ok("SELECT id FROM t ORDER BY -id LIMIT 2"), (Lines{"3", "2"}));
  EXPECT_EQ(h_.Fail("SELECT DISTINCT name FROM t ORDER BY id"), "42P10");
  EXPECT_EQ(h_.Fail("SELECT id FROM t ORDER BY 2"), "42P10");
}

TEST_F(BinderTest, WherePinningTheKeyBecomesALookup) {
  EXPECT_NE(Explain("SELECT * FROM t WHERE id = 5").find("key lookup (1 key)"), std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM t WHERE id IN (1, 2, 3)").find("key lookup (3 keys)"),
            std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM t WHERE id > 5 AND id <= 9").find("key range"),
            std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM pair WHERE a = 1 AND b = 'x'").find("key lookup"),
            std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM pair WHERE a = 1").find("key range"), std::string::npos);
  // Not the key, or not comparable without a cast of the column: a full scan.
  EXPECT_NE(Explain("SELECT * FROM t WHERE name = 'x'").find("full scan"), std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM t WHERE id = 1.5").find("full scan"), std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM pair WHERE b = 'x'").find("full scan"), std::string::npos);
  EXPECT_NE(Explain("UPDATE t SET name = 'x' WHERE id = 3").find("key lookup"), std::string::npos);
  EXPECT_NE(Explain("DELETE FROM t WHERE id = 3 OR id = 4").find("full scan"), std::string::npos);
  // The lookups give the same answers as the scan would.
  h_.Ok("INSERT INTO t (id, name) VALUES (4, 'd'), (6, 'f'), (9, 'i'), (12, 'l')");
  EXPECT_EQ(h_.Ok("SELECT name FROM t WHERE id > 4 AND id <= 9 ORDER BY id"), (Lines{"f", "i"}));
  EXPECT_EQ(h_.Ok("SELECT name FROM t WHERE id IN (12, 4, 5, NULL) ORDER BY id"),
            (Lines{"d", "l"}));
  EXPECT_EQ(h_.Ok("SELECT name FROM t WHERE id = NULL"), (Lines{}));
  EXPECT_EQ(h_.Ok("SELECT name FROM t WHERE 9 >= id AND id > 6"), (Lines{"i"}));
}

TEST_F(BinderTest, SinkQueriesBecomeRowPrograms) {
  auto bind = [&](std::string_view sql) {
    auto stmt = ParseSingleStatement(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    return BindSinkQuery(h_.engine().catalog(), *(*stmt)->As<QueryStmt>().query, sql);
  };
  auto program = bind(
      "SELECT id AS pk, upper(name) AS who, score::numeric AS points, (s).a FROM t "
      "WHERE score > 1 ORDER BY id");
  ASSERT_TRUE(program.ok()) << program.status().ToString();
  const exec::RowProgram& p = **program;
  EXPECT_EQ(p.source_table_id(), h_.engine().catalog().FindTable("t")->id);
  EXPECT_EQ(p.column_names(), (std::vector<std::string>{"pk", "who", "points", "a"}));
  EXPECT_EQ(p.column_types(), (std::vector<DataType>{TypeId::kInt32, TypeId::kVarchar,
                                                     TypeId::kDecimal, TypeId::kInt32}));
  EXPECT_EQ(p.columns()[0].source_column, 0);
  EXPECT_EQ(p.columns()[1].source_column, -1);
  ASSERT_EQ(p.notices().size(), 1u);
  EXPECT_EQ(p.notices()[0], "The ORDER BY clause in the CREATE SINK statement has no effect at all.");
  EXPECT_TRUE(p.has_filter());
  types::Row row = {types::Value::Int32(7), types::Value::Varchar("ann"),
                    types::Value::Float64(2.5), types::Value(), types::Value()};
  EXPECT_TRUE(p.Filter(row).value());
  types::Row out;
  ASSERT_TRUE(p.Project(row, &out).ok());
  EXPECT_EQ(out[1].as_string(), "ANN");
  EXPECT_EQ(out[2].as_decimal().ToString(), "2.5");
  EXPECT_TRUE(out[3].is_null());
  row[2] = types::Value();  // NULL > 1 is not true
  EXPECT_FALSE(p.Filter(row).value());

  auto star = bind("SELECT * FROM t");
  ASSERT_TRUE(star.ok());
  EXPECT_EQ((*star)->column_names().size(), 5u);
  EXPECT_TRUE((*star)->is_identity());

  auto refused = [&](std::string_view sql) {
    auto r = bind(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? std::string() : r.status().sqlstate();
  };
  EXPECT_EQ(refused("SELECT a FROM t JOIN pair ON true"), "0A000");
  EXPECT_EQ(refused("SELECT id FROM t, pair"), "0A000");
  EXPECT_EQ(refused("SELECT count(*) FROM t"), "0A000");
  EXPECT_EQ(refused("SELECT name FROM t GROUP BY name"), "0A000");
  EXPECT_EQ(refused("SELECT DISTINCT name FROM t"), "0A000");
  EXPECT_EQ(refused("SELECT id FROM t LIMIT 1"), "0A000");
  EXPECT_EQ(refused("SELECT now() FROM t"), "0A000");
  EXPECT_EQ(refused("SELECT id FROM t WHERE id = $1"), "0A000");
  EXPECT_EQ(refused("SELECT id FROM (SELECT id FROM t) x"), "0A000");
  EXPECT_EQ(refused("SELECT id FROM t WHERE id IN (SELECT a FROM pair)"), "0A000");
  EXPECT_EQ(refused("SELECT * FROM rw_catalog.rw_tables"), "0A000");
  EXPECT_EQ(refused("SELECT id, id FROM t"), "42701");
  EXPECT_EQ(refused("SELECT nope FROM t"), "42703");
  EXPECT_EQ(refused("SELECT 1"), "0A000");

  auto from = SinkProgramForTable(*h_.engine().catalog().FindTable("pair"));
  ASSERT_TRUE(from.ok());
  EXPECT_TRUE((*from)->is_identity());
  EXPECT_EQ((*from)->column_names(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(BinderTest, ColumnNamesFollowPostgres) {
  auto s2 = h_.session().Prepare(
      "SELECT id, t.name, upper(name), 1 + 1, '5'::int, id::bigint, (s).a, "
      "CASE WHEN true THEN 1 END, ARRAY[1], current_timestamp FROM t",
      {});
  ASSERT_TRUE(s2.ok()) << s2.status().ToString();
  bool rows = false;
  auto columns = (*s2)->Columns(&rows);
  ASSERT_TRUE(columns.ok());
  std::vector<std::string> names;
  for (const auto& c : **columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "name", "upper", "?column?", "int4", "id", "a",
                                             "case", "array", "current_timestamp"}));
}

}  // namespace
}  // namespace dynasink::sql
