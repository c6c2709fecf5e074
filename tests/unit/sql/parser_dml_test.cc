// Queries and DML: SELECT, VALUES, set operations, FROM, INSERT, UPDATE, DELETE.
#include <gtest/gtest.h>

#include "sql_test_util.h"

namespace dynasink::sql {
namespace {

using testing::Normalized;
using testing::ParseAs;
using testing::ParseError;
using testing::Tree;

const SelectBody& Select(const QueryStmt& stmt) {
  return stmt.query->body->As<SelectBody>();
}

TEST(ParserDmlTest, SelectClauses) {
  auto stmt = ParseAs<QueryStmt>(
      "SELECT DISTINCT year, count(*) AS n, max(title) m FROM movies AS mv WHERE year > 2000 "
      "GROUP BY year HAVING count(*) > 1 ORDER BY year DESC NULLS FIRST, n LIMIT 10 OFFSET 5");
  ASSERT_NE(stmt, nullptr);
  const auto& select = Select(*stmt);
  EXPECT_TRUE(select.distinct);
  ASSERT_EQ(select.items.size(), 3u);
  EXPECT_FALSE(select.items[0].alias.has_value());
  EXPECT_EQ(select.items[1].alias->name, "n");
  EXPECT_EQ(select.items[2].alias->name, "m");
  ASSERT_EQ(select.from.size(), 1u);
  const auto& table = select.from[0]->As<TableNameRef>();
  EXPECT_EQ(table.name.ToString(), "movies");
  EXPECT_EQ(table.alias->name, "mv");
  EXPECT_NE(select.where, nullptr);
  EXPECT_EQ(select.group_by.size(), 1u);
  EXPECT_NE(select.having, nullptr);
  ASSERT_EQ(stmt->query->order_by.size(), 2u);
  EXPECT_EQ(stmt->query->order_by[0].direction, SortDirection::kDesc);
  EXPECT_EQ(stmt->query->order_by[0].nulls, NullsOrder::kFirst);
  EXPECT_EQ(stmt->query->order_by[1].direction, SortDirection::kDefault);
  EXPECT_EQ(PrintExpr(*stmt->query->limit), "10");
  EXPECT_EQ(PrintExpr(*stmt->query->offset), "5");
  EXPECT_EQ(PrintStatement(*stmt),
            "SELECT DISTINCT year, count(*) AS n, max(title) AS m FROM movies AS mv WHERE year > "
            "2000 GROUP BY year HAVING count(*) > 1 ORDER BY year DESC NULLS FIRST, n LIMIT 10 "
            "OFFSET 5");
}

TEST(ParserDmlTest, SelectWithoutFromAndOtherShapes) {
  struct Case {
    const char* sql;
    const char* normalized;
  } cases[] = {
      {"SELECT 1", "SELECT 1"},
      {"select version()", "SELECT version()"},
      {"SELECT current_database()", "SELECT current_database()"},
      {"SELECT *", "SELECT *"},
      {"SELECT * FROM t", "SELECT * FROM t"},
      {"SELECT t.*, u.a FROM t, u", "SELECT t.*, u.a FROM t, u"},
      {"SELECT * FROM rw_catalog.rw_sinks", "SELECT * FROM rw_catalog.rw_sinks"},
      {"SELECT a \"Col A\" FROM t", "SELECT a AS \"Col A\" FROM t"},
      {"SELECT a AS select FROM t", "SELECT a AS select FROM t"},
      {"SELECT ALL a FROM t", "SELECT a FROM t"},
      {"SELECT DISTINCT ON (a, b) a, c FROM t", "SELECT DISTINCT ON (a, b) a, c FROM t"},
      {"SELECT a FROM t LIMIT ALL", "SELECT a FROM t"},
      {"SELECT a FROM t OFFSET 2 ROWS LIMIT 1", "SELECT a FROM t LIMIT 1 OFFSET 2"},
      {"SELECT (s).a, (s).b.c FROM t", "SELECT (s).a, (s).b.c FROM t"},
      {"SELECT arr[1], j->>'k' FROM t", "SELECT arr[1], j ->> 'k' FROM t"},
      {"SELECT 1 UNION SELECT 2", "SELECT 1 UNION SELECT 2"},
      {"SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3",
       "SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3"},
      {"SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"},
      {"(SELECT 1 ORDER BY 1) UNION (SELECT 2) ORDER BY 1 LIMIT 1",
       "(SELECT 1 ORDER BY 1) UNION (SELECT 2) ORDER BY 1 LIMIT 1"},
      {"VALUES (1, 'a'), (2, 'b')", "VALUES (1, 'a'), (2, 'b')"},
      {"WITH x AS (SELECT 1 AS a), y (b) AS (SELECT 2) SELECT * FROM x, y",
       "WITH x AS (SELECT 1 AS a), y (b) AS (SELECT 2) SELECT * FROM x, y"},
      {"SELECT * FROM (SELECT a FROM t) AS s WHERE s.a > 0",
       "SELECT * FROM (SELECT a FROM t) AS s WHERE s.a > 0"},
      {"SELECT * FROM (SELECT a FROM t) s", "SELECT * FROM (SELECT a FROM t) AS s"},
      {"SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (id)",
       "SELECT * FROM a JOIN b ON a.id = b.id LEFT JOIN c USING (id)"},
      {"SELECT * FROM a INNER JOIN b ON TRUE CROSS JOIN c NATURAL JOIN d",
       "SELECT * FROM a JOIN b ON TRUE CROSS JOIN c NATURAL JOIN d"},
      {"SELECT * FROM a RIGHT JOIN b ON x FULL OUTER JOIN c ON y",
       "SELECT * FROM a RIGHT JOIN b ON x FULL JOIN c ON y"},
      {"SELECT * FROM a JOIN (b JOIN c ON p) ON q", "SELECT * FROM a JOIN (b JOIN c ON p) ON q"},
      {"SELECT * FROM t WHERE a IN (SELECT b FROM u) AND EXISTS (SELECT 1)",
       "SELECT * FROM t WHERE a IN (SELECT b FROM u) AND EXISTS (SELECT 1)"},
      {"SELECT count(*) FILTER (WHERE x) FROM t", "SELECT count(*) FILTER (WHERE x) FROM t"},
      {"SELECT a year FROM t", "SELECT a AS year FROM t"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Normalized(c.sql), c.normalized) << c.sql;
}

TEST(ParserDmlTest, SetOperationTree) {
  auto stmt = ParseAs<QueryStmt>("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3");
  ASSERT_NE(stmt, nullptr);
  const auto& top = stmt->query->body->As<SetOperationBody>();
  EXPECT_EQ(top.op, SetOperator::kUnion);
  EXPECT_EQ(top.left->kind, QueryBodyKind::kSelect);
  ASSERT_EQ(top.right->kind, QueryBodyKind::kSetOperation);
  EXPECT_EQ(top.right->As<SetOperationBody>().op, SetOperator::kIntersect);

  stmt = ParseAs<QueryStmt>("SELECT 1 EXCEPT ALL SELECT 2 UNION SELECT 3");
  ASSERT_NE(stmt, nullptr);
  const auto& left_assoc = stmt->query->body->As<SetOperationBody>();
  EXPECT_EQ(left_assoc.op, SetOperator::kUnion);
  ASSERT_EQ(left_assoc.left->kind, QueryBodyKind::kSetOperation);
  EXPECT_TRUE(left_assoc.left->As<SetOperationBody>().all);
}

TEST(ParserDmlTest, JoinTree) {
  auto stmt = ParseAs<QueryStmt>("SELECT * FROM a LEFT JOIN b ON a.x = b.x JOIN c USING (y, z)");
  ASSERT_NE(stmt, nullptr);
  const auto& select = Select(*stmt);
  ASSERT_EQ(select.from.size(), 1u);
  const auto& top = select.from[0]->As<JoinRef>();
  EXPECT_EQ(top.type, JoinType::kInner);
  EXPECT_EQ(top.using_columns.size(), 2u);
  EXPECT_EQ(top.on, nullptr);
  const auto& left = top.left->As<JoinRef>();
  EXPECT_EQ(left.type, JoinType::kLeft);
  EXPECT_NE(left.on, nullptr);
  EXPECT_EQ(left.left->As<TableNameRef>().name.ToString(), "a");
  EXPECT_EQ(ParseError("SELECT * FROM a JOIN b").message(), "syntax error at end of input");
  EXPECT_EQ(ParseError("SELECT * FROM a NATURAL CROSS JOIN b").message(),
            "syntax error at or near \"CROSS\"");
  EXPECT_EQ(ParseError("SELECT * FROM generate_series(1, 3)").sqlstate(), "0A000");
}

TEST(ParserDmlTest, InsertValues) {
  const char* sql =
      "INSERT INTO movies (year, title, description) VALUES (2020, 'The Emoji Movie', 'a'), "
      "(2019, 'Avengers: Endgame', 'b')";
  auto stmt = ParseAs<InsertStmt>(sql);
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->table.ToString(), "movies");
  ASSERT_EQ(stmt->columns.size(), 3u);
  EXPECT_EQ(stmt->columns[2].name, "description");
  ASSERT_NE(stmt->source, nullptr);
  const auto& values = stmt->source->body->As<ValuesBody>();
  ASSERT_EQ(values.rows.size(), 2u);
  ASSERT_EQ(values.rows[0].size(), 3u);
  EXPECT_EQ(values.rows[0][0]->As<LiteralExpr>().value, "2020");
  EXPECT_EQ(values.rows[1][1]->As<LiteralExpr>().value, "Avengers: Endgame");
  EXPECT_FALSE(stmt->default_values);
  EXPECT_FALSE(stmt->on_conflict.has_value());
  EXPECT_EQ(PrintStatement(*stmt), sql);
}

TEST(ParserDmlTest, InsertForms) {
  struct Case {
    const char* sql;
    const char* normalized;
  } cases[] = {
      {"insert into t values (1)", "INSERT INTO t VALUES (1)"},
      {"INSERT INTO t VALUES (1, DEFAULT), (DEFAULT, -2)",
       "INSERT INTO t VALUES (1, DEFAULT), (DEFAULT, -2)"},
      {"INSERT INTO t DEFAULT VALUES", "INSERT INTO t DEFAULT VALUES"},
      {"INSERT INTO t SELECT * FROM u WHERE x", "INSERT INTO t SELECT * FROM u WHERE x"},
      {"INSERT INTO t (a) SELECT b FROM u", "INSERT INTO t (a) SELECT b FROM u"},
      {"INSERT INTO t (SELECT 1)", "INSERT INTO t (SELECT 1)"},
      {"INSERT INTO t (VALUES (1))", "INSERT INTO t (VALUES (1))"},
      {"INSERT INTO t (\"values\") VALUES (1)", "INSERT INTO t (\"values\") VALUES (1)"},
      {"INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
       "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING"},
      {"INSERT INTO t VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = 3 WHERE b < 3",
       "INSERT INTO t VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = 3 WHERE b < 3"},
      {"INSERT INTO t VALUES (1) RETURNING *", "INSERT INTO t VALUES (1) RETURNING *"},
      {"INSERT INTO t VALUES (1) RETURNING a, b AS c",
       "INSERT INTO t VALUES (1) RETURNING a, b AS c"},
      {"INSERT INTO t VALUES (ROW(1, 'x'), ARRAY[1, 2], '{\"a\": 1}'::jsonb)",
       "INSERT INTO t VALUES (ROW(1, 'x'), ARRAY[1, 2], '{\"a\": 1}'::JSONB)"},
      {"INSERT INTO t VALUES ($1, $2)", "INSERT INTO t VALUES ($1, $2)"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Normalized(c.sql), c.normalized) << c.sql;

  auto stmt =
      ParseAs<InsertStmt>("INSERT INTO t VALUES (1) ON CONFLICT (a, b) DO UPDATE SET c = 1");
  ASSERT_NE(stmt, nullptr);
  ASSERT_TRUE(stmt->on_conflict.has_value());
  EXPECT_EQ(stmt->on_conflict->action, InsertConflictAction::kDoUpdate);
  EXPECT_EQ(stmt->on_conflict->target_columns.size(), 2u);
  EXPECT_EQ(stmt->on_conflict->assignments.size(), 1u);
  stmt = ParseAs<InsertStmt>("INSERT INTO t VALUES (1, DEFAULT)");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->source->body->As<ValuesBody>().rows[0][1]->kind, ExprKind::kDefault);
}

TEST(ParserDmlTest, InsertErrors) {
  struct Case {
    const char* sql;
    const char* message;
    int position;
  } cases[] = {
      {"INSERT INTO t VALUES (1, 2), (3)", "VALUES lists must all be the same length", 30},
      {"INSERT INTO t VALUES (1), (2, 3)", "VALUES lists must all be the same length", 27},
      {"INSERT t VALUES (1)", "syntax error at or near \"t\"", 8},
      {"INSERT INTO t VALUES", "syntax error at end of input", 21},
      {"INSERT INTO t VALUES (1", "syntax error at end of input", 24},
      {"INSERT INTO t VALUES ()", "syntax error at or near \")\"", 23},
      {"INSERT INTO t (a, b VALUES (1)", "syntax error at or near \"VALUES\"", 21},
      {"INSERT INTO t VALUES (1) ON CONFLICT DO", "syntax error at end of input", 40},
      {"INSERT INTO t", "syntax error at end of input", 14},
      {"INSERT INTO t SELECT DEFAULT", "syntax error at or near \"DEFAULT\"", 22},
  };
  for (const auto& c : cases) {
    Status s = ParseError(c.sql);
    EXPECT_EQ(s.sqlstate(), "42601") << c.sql;
    EXPECT_EQ(s.message(), c.message) << c.sql;
    EXPECT_EQ(s.position(), c.position) << c.sql;
  }
}

TEST(ParserDmlTest, Update) {
  auto stmt = ParseAs<UpdateStmt>(
      "UPDATE movies SET description = 'ABC', (a, b) = (1, 2) WHERE year = 2017 RETURNING year");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->table.ToString(), "movies");
  EXPECT_FALSE(stmt->alias.has_value());
  ASSERT_EQ(stmt->assignments.size(), 2u);
  EXPECT_EQ(stmt->assignments[0].columns[0].name, "description");
  EXPECT_FALSE(stmt->assignments[0].parenthesized);
  EXPECT_TRUE(stmt->assignments[1].parenthesized);
  EXPECT_EQ(stmt->assignments[1].columns.size(), 2u);
  EXPECT_EQ(stmt->assignments[1].value->kind, ExprKind::kRow);
  EXPECT_NE(stmt->where, nullptr);
  EXPECT_EQ(stmt->returning.size(), 1u);

  struct Case {
    const char* sql;
    const char* normalized;
  } cases[] = {
      {"update t set a = a + 1", "UPDATE t SET a = a + 1"},
      {"UPDATE t AS x SET a = DEFAULT WHERE x.b", "UPDATE t AS x SET a = DEFAULT WHERE x.b"},
      {"UPDATE t x SET a = 1", "UPDATE t AS x SET a = 1"},
      {"UPDATE t SET (a) = ROW(1)", "UPDATE t SET (a) = ROW(1)"},
      {"UPDATE t SET (a, b) = (SELECT 1, 2)", "UPDATE t SET (a, b) = (SELECT 1, 2)"},
      {"UPDATE t SET s = ROW(1, 'x'), arr = ARRAY[1]",
       "UPDATE t SET s = ROW(1, 'x'), arr = ARRAY[1]"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Normalized(c.sql), c.normalized) << c.sql;

  EXPECT_EQ(ParseError("UPDATE t SET (a, b) = (1)").message(),
            "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression");
  EXPECT_EQ(ParseError("UPDATE t SET (a, b) = (1, 2, 3)").message(),
            "number of columns does not match number of values");
  EXPECT_EQ(ParseError("UPDATE t SET (a) = (1)").position(), 20);
  EXPECT_EQ(ParseError("UPDATE t SET s.f = 1").sqlstate(), "0A000");
  EXPECT_EQ(ParseError("UPDATE t SET a = 1 FROM u").sqlstate(), "0A000");
  EXPECT_EQ(ParseError("UPDATE t WHERE a = 1").message(), "syntax error at or near \"WHERE\"");
  EXPECT_EQ(ParseError("UPDATE t SET").message(), "syntax error at end of input");
}

TEST(ParserDmlTest, Delete) {
  auto stmt = ParseAs<DeleteStmt>("DELETE FROM movies WHERE title = 'Beautiful beauty'");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->table.ToString(), "movies");
  ASSERT_NE(stmt->where, nullptr);
  EXPECT_EQ(PrintExpr(*stmt->where), "title = 'Beautiful beauty'");
  EXPECT_EQ(Normalized("delete from t"), "DELETE FROM t");
  EXPECT_EQ(Normalized("DELETE FROM t AS x WHERE x.a IS NULL RETURNING *"),
            "DELETE FROM t AS x WHERE x.a IS NULL RETURNING *");
  EXPECT_EQ(ParseError("DELETE t").message(), "syntax error at or near \"t\"");
  EXPECT_EQ(ParseError("DELETE FROM t USING u").sqlstate(), "0A000");
}

TEST(ParserDmlTest, SelectErrors) {
  struct Case {
    const char* sql;
    const char* message;
    int position;
  } cases[] = {
      {"SELECT", "syntax error at end of input", 7},
      {"SELECT 1,", "syntax error at end of input", 10},
      {"SELECT a FROM", "syntax error at end of input", 14},
      {"SELECT a FROM t WHERE", "syntax error at end of input", 22},
      {"SELECT a b c FROM t", "syntax error at or near \"c\"", 12},
      {"SELECT * FROM t ORDER a", "syntax error at or near \"a\"", 23},
      {"SELECT * FROM t GROUP a", "syntax error at or near \"a\"", 23},
      {"SELECT * FROM t LIMIT 1 LIMIT 2", "syntax error at or near \"LIMIT\"", 25},
      {"SELECT (1", "syntax error at end of input", 10},
      {"SELECT 1 FROM t WHERE x UNION", "syntax error at end of input", 30},
      {"SELECT * FROM t WHERE a = 1 ORDER BY a NULLS", "syntax error at end of input", 45},
      {"SELECT 1 2", "syntax error at or near \"2\"", 10},
      {"SELECT FROM t", "syntax error at or near \"FROM\"", 8},
      {"SELEC 1", "syntax error at or near \"SELEC\"", 1},
      {"SELECT * FROM select", "syntax error at or near \"select\"", 15},
  };
  for (const auto& c : cases) {
    Status s = ParseError(c.sql);
    EXPECT_EQ(s.sqlstate(), "42601") << c.sql;
    EXPECT_EQ(s.message(), c.message) << c.sql;
    EXPECT_EQ(s.position(), c.position) << c.sql;
  }
  EXPECT_EQ(ParseError("SELECT a FROM t WINDOW w AS ()").sqlstate(), "0A000");
}

TEST(ParserDmlTest, QuerySpanAndPositions) {
  const std::string sql = "  SELECT a FROM t WHERE b ;";
  auto parsed = ParseStatements(sql);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 1u);
  const auto& stmt = (*parsed)[0]->As<QueryStmt>();
  EXPECT_EQ(stmt.span.begin, 2u);
  EXPECT_EQ(stmt.span.end, 25u);
  EXPECT_EQ(stmt.query->span.begin, 2u);
  EXPECT_EQ(stmt.query->span.end, 25u);
  const auto& select = Select(stmt);
  EXPECT_EQ(select.pos, 2u);
  EXPECT_EQ(select.items[0].expr->pos, 9u);
  EXPECT_EQ(select.from[0]->pos, 16u);
  EXPECT_EQ(select.where->pos, 24u);
}

TEST(ParserDmlTest, TreesShowPrecedenceInsideStatements) {
  EXPECT_EQ(Tree("SELECT a + b * c FROM t WHERE x = 1 OR y = 2 AND z"),
            "SELECT (a + (b * c)) FROM t WHERE ((x = 1) OR ((y = 2) AND z))");
  EXPECT_EQ(Tree("UPDATE t SET a = -b::int WHERE NOT c IS NULL"),
            "UPDATE t SET a = (-(b::INT)) WHERE (NOT (c IS NULL))");
}

}  // namespace
}  // namespace dynasink::sql
