// Expressions: precedence, every form of the grammar, the AST they produce, and their errors.
#include <gtest/gtest.h>

#include <string>

#include "sql/ast_printer.h"
#include "sql/parser.h"
#include "sql_test_util.h"

namespace dynasink::sql {
namespace {

using testing::ExprTree;

ExprPtr Parse(std::string_view sql) {
  auto expr = ParseExpression(sql);
  EXPECT_TRUE(expr.ok()) << sql << " -> " << expr.status().ToString();
  return expr.ok() ? std::move(expr).value() : nullptr;
}

Status ExprError(std::string_view sql) {
  auto expr = ParseExpression(sql);
  EXPECT_FALSE(expr.ok()) << sql << " parsed as " << (expr.ok() ? PrintExpr(**expr) : "");
  return expr.ok() ? Status::OK() : expr.status();
}

struct PrecedenceCase {
  const char* sql;
  const char* tree;
};

// Each input with its tree, every operator parenthesized. Mirrors PostgreSQL's precedence
// table, lowest first: OR, AND, NOT, IS, comparison, BETWEEN/IN/LIKE, other operators, + -,
// * / %, ^, AT TIME ZONE, unary minus, then [] . :: tightest.
const PrecedenceCase kPrecedence[] = {
    {"1 + 2 * 3", "(1 + (2 * 3))"},
    {"1 * 2 + 3", "((1 * 2) + 3)"},
    {"1 - 2 - 3", "((1 - 2) - 3)"},
    {"8 / 4 / 2", "((8 / 4) / 2)"},
    {"7 % 4 * 2", "((7 % 4) * 2)"},
    {"2 ^ 3 ^ 2", "((2 ^ 3) ^ 2)"},
    {"2 * 3 ^ 2", "(2 * (3 ^ 2))"},
    {"-2 ^ 2", "(-2 ^ 2)"},
    {"- a ^ 2", "((-a) ^ 2)"},
    {"a * -b", "(a * (-b))"},
    {"-a::int", "(-(a::INT))"},
    {"- -a", "(-(-a))"},
    {"+a", "(+a)"},
    {"a OR b AND c", "(a OR (b AND c))"},
    {"a AND b OR c", "((a AND b) OR c)"},
    {"a OR b OR c", "((a OR b) OR c)"},
    {"NOT a AND b", "((NOT a) AND b)"},
    {"NOT a = b", "(NOT (a = b))"},
    {"NOT NOT a", "(NOT (NOT a))"},
    {"a = NOT b AND c", "((a = (NOT b)) AND c)"},
    {"a = b IS NULL", "((a = b) IS NULL)"},
    {"NOT a IS NULL", "(NOT (a IS NULL))"},
    {"a IS NOT NULL AND b IS TRUE", "((a IS NOT NULL) AND (b IS TRUE))"},
    {"a IS FALSE OR b IS NOT UNKNOWN", "((a IS FALSE) OR (b IS NOT UNKNOWN))"},
    {"a ISNULL", "(a IS NULL)"},
    {"a NOTNULL", "(a IS NOT NULL)"},
    {"a IS DISTINCT FROM b + 1", "(a IS DISTINCT FROM (b + 1))"},
    {"a IS NOT DISTINCT FROM b", "(a IS NOT DISTINCT FROM b)"},
    {"a < b + 1", "(a < (b + 1))"},
    {"a <> b", "(a <> b)"},
    {"a != b", "(a <> b)"},
    {"a <= b OR a >= c", "((a <= b) OR (a >= c))"},
    {"a BETWEEN 1 AND 2 AND c", "((a BETWEEN 1 AND 2) AND c)"},
    {"a BETWEEN b + 1 AND c * 2", "(a BETWEEN (b + 1) AND (c * 2))"},
    {"a NOT BETWEEN SYMMETRIC 2 AND 1", "(a NOT BETWEEN SYMMETRIC 2 AND 1)"},
    {"a BETWEEN ASYMMETRIC 1 AND 2", "(a BETWEEN 1 AND 2)"},
    {"a BETWEEN 1 AND 2 = TRUE", "((a BETWEEN 1 AND 2) = TRUE)"},
    {"a IN (1, 2 + 3)", "(a IN (1, (2 + 3)))"},
    {"a NOT IN ('x')", "(a NOT IN ('x'))"},
    {"a + 1 IN (b) = c", "(((a + 1) IN (b)) = c)"},
    {"a LIKE 'x%'", "(a LIKE 'x%')"},
    {"a NOT LIKE 'x!%' ESCAPE '!'", "(a NOT LIKE 'x!%' ESCAPE '!')"},
    {"a ILIKE b || '%'", "(a ILIKE (b || '%'))"},
    {"a NOT ILIKE 'q'", "(a NOT ILIKE 'q')"},
    {"a || b = c", "((a || b) = c)"},
    {"a + b || c", "((a + b) || c)"},
    {"a || b || c", "((a || b) || c)"},
    {"j -> 'a' ->> 'b'", "((j -> 'a') ->> 'b')"},
    {"j -> 'a' = '1'", "((j -> 'a') = '1')"},
    {"j ->> 0 || 'x'", "((j ->> 0) || 'x')"},
    {"j @> '{}' AND '{}' <@ j", "((j @> '{}') AND ('{}' <@ j))"},
    {"a::int + 1", "((a::INT) + 1)"},
    {"a[1]::text", "(a[1]::CHARACTER VARYING)"},
    {"a::text::int", "((a::CHARACTER VARYING)::INT)"},
    {"(a + b) * c", "((a + b) * c)"},
    {"(a, b) = (1, 2)", "((a, b) = (1, 2))"},
    {"ts AT TIME ZONE 'UTC'", "timezone('UTC', ts)"},
    {"ts AT TIME ZONE 'UTC' = x", "(timezone('UTC', ts) = x)"},
    {"a + ts AT TIME ZONE 'UTC'", "(a + timezone('UTC', ts))"},
    {"x % 2 = 0 AND y", "(((x % 2) = 0) AND y)"},
    {"a = 1 OR b = 2 AND NOT c", "((a = 1) OR ((b = 2) AND (NOT c)))"},
    {"1 - -1", "(1 - -1)"},
};

TEST(ParserExprTest, Precedence) {
  for (const auto& c : kPrecedence) {
    EXPECT_EQ(ExprTree(c.sql), c.tree) << c.sql;
  }
}

TEST(ParserExprTest, ComparisonsDoNotChain) {
  // PostgreSQL's comparison, IS and BETWEEN/IN/LIKE levels are non-associative.
  struct Case {
    const char* sql;
    const char* near;
    int position;
  } cases[] = {
      {"a = b = c", "=", 7},           {"a < b < c", "<", 7},
      {"a IS NULL IS NULL", "IS", 11}, {"a LIKE b LIKE c", "LIKE", 10},
      {"a IN (1) IN (2)", "IN", 10},
  };
  for (const auto& c : cases) {
    Status s = ExprError(c.sql);
    EXPECT_EQ(s.sqlstate(), "42601") << c.sql;
    EXPECT_EQ(s.message(), std::string("syntax error at or near \"") + c.near + "\"") << c.sql;
    EXPECT_EQ(s.position(), c.position) << c.sql;
  }
}

TEST(ParserExprTest, Literals) {
  struct Case {
    const char* sql;
    LiteralKind kind;
    const char* value;
  } cases[] = {
      {"42", LiteralKind::kInteger, "42"},
      {"-42", LiteralKind::kInteger, "-42"},
      {"- 42", LiteralKind::kInteger, "-42"},
      {"-9223372036854775808", LiteralKind::kInteger, "-9223372036854775808"},
      {"- -7", LiteralKind::kInteger, "7"},
      {"-(7)", LiteralKind::kInteger, "-7"},
      {"1.5", LiteralKind::kDecimal, "1.5"},
      {"-.5", LiteralKind::kDecimal, "-.5"},
      {"1e10", LiteralKind::kDecimal, "1e10"},
      {"-1.5E-3", LiteralKind::kDecimal, "-1.5E-3"},
      {"'it''s'", LiteralKind::kString, "it's"},
      {"E'a\\tb'", LiteralKind::kString, "a\tb"},
      {"$$x$$", LiteralKind::kString, "x"},
      {"'\\x0102'", LiteralKind::kString, "\\x0102"},
      {"TRUE", LiteralKind::kBoolean, "true"},
      {"false", LiteralKind::kBoolean, "false"},
      {"NULL", LiteralKind::kNull, ""},
  };
  for (const auto& c : cases) {
    ExprPtr e = Parse(c.sql);
    ASSERT_NE(e, nullptr) << c.sql;
    ASSERT_EQ(e->kind, ExprKind::kLiteral) << c.sql;
    const auto& literal = e->As<LiteralExpr>();
    EXPECT_EQ(literal.literal_kind, c.kind) << c.sql;
    EXPECT_EQ(literal.value, c.value) << c.sql;
    EXPECT_EQ(literal.pos, 0u) << c.sql;
  }
  // +1 stays an operator, as in PostgreSQL; -x is an operator too.
  EXPECT_EQ(Parse("+1")->kind, ExprKind::kUnary);
  EXPECT_EQ(Parse("-x")->kind, ExprKind::kUnary);
  EXPECT_EQ(Parse("-'1'")->kind, ExprKind::kUnary);
}

TEST(ParserExprTest, TypedLiterals) {
  struct Case {
    const char* sql;
    const char* type;
    const char* value;
    const char* qualifier;
  } cases[] = {
      {"DATE '2020-01-01'", "date", "2020-01-01", ""},
      {"time '12:34:56'", "time without time zone", "12:34:56", ""},
      {"timestamp '2020-01-01 00:00:00'", "timestamp without time zone", "2020-01-01 00:00:00", ""},
      {"timestamptz '2024-01-01 00:00:00+08:00'", "timestamp with time zone",
       "2024-01-01 00:00:00+08:00", ""},
      {"TIMESTAMP WITH TIME ZONE '2024-01-01'", "timestamp with time zone", "2024-01-01", ""},
      {"interval '1 day'", "interval", "1 day", ""},
      {"INTERVAL '1' DAY", "interval", "1", "day"},
      {"interval '1:30' hour to minute", "interval", "1:30", "hour to minute"},
      {"jsonb '{\"a\": 1}'", "jsonb", "{\"a\": 1}", ""},
      {"bytea '\\x01'", "bytea", "\\x01", ""},
      {"int '7'", "integer", "7", ""},
      {"double precision '1.5'", "double precision", "1.5", ""},
      {"character varying 'x'", "character varying", "x", ""},
      {"boolean 't'", "boolean", "t", ""},
      {"numeric '1.10'", "numeric", "1.10", ""},
  };
  for (const auto& c : cases) {
    ExprPtr e = Parse(c.sql);
    ASSERT_NE(e, nullptr) << c.sql;
    ASSERT_EQ(e->kind, ExprKind::kTypedLiteral) << c.sql;
    const auto& literal = e->As<TypedLiteralExpr>();
    EXPECT_EQ(literal.type.type.ToString(), c.type) << c.sql;
    EXPECT_EQ(literal.value, c.value) << c.sql;
    EXPECT_EQ(literal.interval_qualifier, c.qualifier) << c.sql;
  }
  // Type words stay column names when no string follows.
  EXPECT_EQ(ExprTree("date + interval"), "(date + interval)");
  EXPECT_EQ(ExprTree("timestamp IS NULL"), "(timestamp IS NULL)");
  EXPECT_EQ(ExprTree("double = 1"), "(double = 1)");
  EXPECT_EQ(ExprTree("text || 'x'"), "(text || 'x')");
  // A word followed by a string can only be a typed literal: its type's error is reported.
  Status s = ExprError("json '{}'");
  EXPECT_EQ(s.sqlstate(), "0A000");
  EXPECT_EQ(s.message(), "type json is not supported; use jsonb");
  s = ExprError("a || date 'x' 'y'");
  EXPECT_EQ(s.message(), "syntax error at or near \"'y'\"");
}

TEST(ParserExprTest, Casts) {
  ExprPtr e = Parse("'{\"a\": 1}'::jsonb");
  ASSERT_EQ(e->kind, ExprKind::kCast);
  const auto& cast = e->As<CastExpr>();
  EXPECT_EQ(cast.syntax, CastSyntax::kDoubleColon);
  EXPECT_EQ(cast.type.type.ToString(), "jsonb");
  EXPECT_EQ(cast.pos, 10u);  // at "::"
  ASSERT_EQ(cast.operand->kind, ExprKind::kLiteral);

  e = Parse("CAST(x + 1 AS numeric(10, 2))");
  ASSERT_EQ(e->kind, ExprKind::kCast);
  EXPECT_EQ(e->As<CastExpr>().syntax, CastSyntax::kCast);
  EXPECT_EQ(e->As<CastExpr>().type.modifiers, (std::vector<int32_t>{10, 2}));
  EXPECT_EQ(e->As<CastExpr>().operand->kind, ExprKind::kBinary);

  EXPECT_EQ(ExprTree("'{1,2}'::int[]"), "('{1,2}'::INT[])");
  EXPECT_EQ(ExprTree("x::INT[][]"), "(x::INT[][])");
  EXPECT_EQ(ExprTree("x::timestamp with time zone"), "(x::TIMESTAMP WITH TIME ZONE)");
  EXPECT_EQ(ExprTree("'\\x0102'::bytea"), "('\\x0102'::BYTEA)");
  EXPECT_EQ(ExprTree("'2024-01-01 00:00:00+00:00'::timestamptz"),
            "('2024-01-01 00:00:00+00:00'::TIMESTAMP WITH TIME ZONE)");
  EXPECT_EQ(ExprTree("x::pg_catalog.text"), "(x::CHARACTER VARYING)");
  EXPECT_EQ(ExprTree("(x::int[])[1]"), "(x::INT[])[1]");
  EXPECT_EQ(ExprTree("x::STRUCT<a INT, b STRUCT<c VARCHAR>>"),
            "(x::STRUCT<a INT, b STRUCT<c CHARACTER VARYING>>)");
}

TEST(ParserExprTest, SubscriptsAndFields) {
  ExprPtr e = Parse("a[1]");
  ASSERT_EQ(e->kind, ExprKind::kSubscript);
  EXPECT_FALSE(e->As<SubscriptExpr>().is_slice);
  EXPECT_EQ(e->As<SubscriptExpr>().base->kind, ExprKind::kColumnRef);

  e = Parse("a[2:3]");
  ASSERT_EQ(e->kind, ExprKind::kSubscript);
  EXPECT_TRUE(e->As<SubscriptExpr>().is_slice);
  EXPECT_NE(e->As<SubscriptExpr>().index, nullptr);
  EXPECT_NE(e->As<SubscriptExpr>().upper, nullptr);
  EXPECT_EQ(ExprTree("a[:2]"), "a[:2]");
  EXPECT_EQ(ExprTree("a[2:]"), "a[2:]");
  EXPECT_EQ(ExprTree("a[1][2]"), "a[1][2]");
  EXPECT_EQ(ExprTree("a[i + 1]"), "a[(i + 1)]");

  e = Parse("(s).f");
  ASSERT_EQ(e->kind, ExprKind::kFieldAccess);
  EXPECT_EQ(e->As<FieldAccessExpr>().field.name, "f");
  EXPECT_EQ(e->As<FieldAccessExpr>().base->kind, ExprKind::kColumnRef);

  e = Parse("(s).f.g");
  ASSERT_EQ(e->kind, ExprKind::kFieldAccess);
  EXPECT_EQ(e->As<FieldAccessExpr>().field.name, "g");
  EXPECT_EQ(e->As<FieldAccessExpr>().base->kind, ExprKind::kFieldAccess);

  EXPECT_EQ(ExprTree("(s).arr[1].f"), "(s).arr[1].f");
  EXPECT_EQ(ExprTree("(t.s).\"Field\""), "(t.s).\"Field\"");
  EXPECT_EQ(ExprTree("(ROW(1, 2)).f"), "(ROW(1, 2)).f");

  e = Parse("t.col");
  ASSERT_EQ(e->kind, ExprKind::kColumnRef);
  ASSERT_EQ(e->As<ColumnRefExpr>().parts.size(), 2u);
  EXPECT_EQ(e->As<ColumnRefExpr>().parts[0].name, "t");
  EXPECT_EQ(e->As<ColumnRefExpr>().parts[1].name, "col");
  EXPECT_EQ(e->As<ColumnRefExpr>().parts[1].pos, 2u);

  e = Parse("Sch.\"Tab\".c");
  ASSERT_EQ(e->kind, ExprKind::kColumnRef);
  EXPECT_EQ(e->As<ColumnRefExpr>().parts[1].name, "Tab");
  EXPECT_EQ(ExprTree("t.select"), "t.select");  // any word after a dot
}

TEST(ParserExprTest, RowsAndArrays) {
  ExprPtr e = Parse("ROW(1, 'x')");
  ASSERT_EQ(e->kind, ExprKind::kRow);
  EXPECT_TRUE(e->As<RowExpr>().explicit_row);
  EXPECT_EQ(e->As<RowExpr>().items.size(), 2u);

  e = Parse("(1, 'x', NULL)");
  ASSERT_EQ(e->kind, ExprKind::kRow);
  EXPECT_FALSE(e->As<RowExpr>().explicit_row);
  EXPECT_EQ(e->As<RowExpr>().items.size(), 3u);

  EXPECT_EQ(Parse("ROW()")->As<RowExpr>().items.size(), 0u);
  EXPECT_EQ(Parse("ROW(1)")->As<RowExpr>().items.size(), 1u);
  EXPECT_EQ(Parse("((1))")->kind, ExprKind::kLiteral);  // parentheses make no node

  e = Parse("ARRAY[1, 2]");
  ASSERT_EQ(e->kind, ExprKind::kArray);
  EXPECT_EQ(e->As<ArrayExpr>().items.size(), 2u);
  e = Parse("ARRAY[[1, 2], [3]]");
  ASSERT_EQ(e->kind, ExprKind::kArray);
  ASSERT_EQ(e->As<ArrayExpr>().items.size(), 2u);
  EXPECT_EQ(e->As<ArrayExpr>().items[0]->kind, ExprKind::kArray);
  EXPECT_EQ(e->As<ArrayExpr>().items[1]->As<ArrayExpr>().items.size(), 1u);
  EXPECT_EQ(Parse("ARRAY[]")->As<ArrayExpr>().items.size(), 0u);
  EXPECT_EQ(ExprTree("ARRAY[ROW(1, 'a'), ROW(2, 'b')]"), "ARRAY[ROW(1, 'a'), ROW(2, 'b')]");
  EXPECT_EQ(ExprTree("ARRAY[1, 2][1]"), "ARRAY[1, 2][1]");
  EXPECT_EQ(ExprError("ARRAY(SELECT 1)").sqlstate(), "0A000");
  EXPECT_EQ(ExprError("[1, 2]").message(), "syntax error at or near \"[\"");
}

TEST(ParserExprTest, Case) {
  ExprPtr e = Parse("CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END");
  ASSERT_EQ(e->kind, ExprKind::kCase);
  const auto& searched = e->As<CaseExpr>();
  EXPECT_EQ(searched.operand, nullptr);
  EXPECT_EQ(searched.whens.size(), 2u);
  EXPECT_NE(searched.else_result, nullptr);

  e = Parse("CASE a WHEN 1 THEN 'one' END");
  const auto& simple = e->As<CaseExpr>();
  EXPECT_NE(simple.operand, nullptr);
  EXPECT_EQ(simple.whens.size(), 1u);
  EXPECT_EQ(simple.else_result, nullptr);

  EXPECT_EQ(ExprTree("CASE WHEN a = 1 OR b THEN x + 1 END * 2"),
            "(CASE WHEN ((a = 1) OR b) THEN (x + 1) END * 2)");
  EXPECT_EQ(ExprError("CASE END").message(), "syntax error at or near \"END\"");
  EXPECT_EQ(ExprError("CASE WHEN 1 THEN 2").message(), "syntax error at end of input");
}

TEST(ParserExprTest, FunctionCalls) {
  ExprPtr e = Parse("count(*)");
  ASSERT_EQ(e->kind, ExprKind::kFunctionCall);
  EXPECT_TRUE(e->As<FunctionCallExpr>().star);
  EXPECT_TRUE(e->As<FunctionCallExpr>().args.empty());
  EXPECT_EQ(e->As<FunctionCallExpr>().name.ToString(), "count");

  e = Parse("COUNT(DISTINCT a)");
  EXPECT_TRUE(e->As<FunctionCallExpr>().distinct);
  EXPECT_EQ(e->As<FunctionCallExpr>().name.ToString(), "count");

  e = Parse("string_agg(a, ',' ORDER BY b DESC NULLS LAST) FILTER (WHERE a <> '')");
  const auto& agg = e->As<FunctionCallExpr>();
  EXPECT_EQ(agg.args.size(), 2u);
  ASSERT_EQ(agg.order_by.size(), 1u);
  EXPECT_EQ(agg.order_by[0].direction, SortDirection::kDesc);
  EXPECT_EQ(agg.order_by[0].nulls, NullsOrder::kLast);
  EXPECT_NE(agg.filter, nullptr);

  struct Case {
    const char* sql;
    const char* tree;
  } cases[] = {
      {"coalesce(a, b, 1)", "coalesce(a, b, 1)"},
      {"NULLIF(a, 0)", "nullif(a, 0)"},
      {"GREATEST(1, 2) + LEAST(3, 4)", "(greatest(1, 2) + least(3, 4))"},
      {"now()", "now()"},
      {"pg_catalog.version()", "pg_catalog.version()"},
      {"current_database()", "current_database()"},
      {"left('abc', 2) || right('abc', 1)", "(left('abc', 2) || right('abc', 1))"},
      {"sum(ALL a)", "sum(a)"},
      {"lower(upper(x))", "lower(upper(x))"},
      {"date_trunc('day', ts)", "date_trunc('day', ts)"},
      {"\"MyFunc\"(1)", "\"MyFunc\"(1)"},
      {"round(avg(x), 2)", "round(avg(x), 2)"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(ExprTree(c.sql), c.tree) << c.sql;

  EXPECT_EQ(ExprError("sum(a) OVER ()").sqlstate(), "0A000");
  Status any = ExprError("a = ANY(ARRAY[1, 2])");
  EXPECT_EQ(any.sqlstate(), "0A000");
  EXPECT_EQ(any.message(), "ANY(...) comparisons are not supported; use IN");
  EXPECT_EQ(any.position(), 5);
  EXPECT_EQ(ExprError("f(a,)").message(), "syntax error at or near \")\"");
  EXPECT_EQ(ExprError("left").message(), "syntax error at or near \"left\"");
  EXPECT_EQ(ExprError("select").message(), "syntax error at or near \"select\"");
}

TEST(ParserExprTest, SpecialCallSyntax) {
  struct Case {
    const char* sql;
    const char* tree;
  } cases[] = {
      {"SUBSTRING(s FROM 2 FOR 3)", "substring(s, 2, 3)"},
      {"substring(s for 3 from 2)", "substring(s, 2, 3)"},
      {"substring(s FROM 2)", "substring(s, 2)"},
      {"substring(s FOR 3)", "substring(s, 1, 3)"},
      {"substring(s, 1, 2)", "substring(s, 1, 2)"},
      {"POSITION('b' IN s)", "POSITION('b' IN s)"},
      {"position(a || b IN c)", "POSITION((a || b) IN c)"},
      {"TRIM(s)", "btrim(s)"},
      {"trim(BOTH 'x' FROM s)", "btrim(s, 'x')"},
      {"TRIM(LEADING FROM s)", "ltrim(s)"},
      {"trim(trailing 'x' from s)", "rtrim(s, 'x')"},
      {"trim(s, 'x')", "btrim(s, 'x')"},
      {"EXTRACT(YEAR FROM ts)", "EXTRACT(YEAR FROM ts)"},
      {"extract('EPOCH' from ts + interval '1 day')",
       "EXTRACT(EPOCH FROM (ts + INTERVAL '1 day'))"},
      {"CURRENT_DATE", "CURRENT_DATE"},
      {"current_timestamp(3)", "CURRENT_TIMESTAMP(3)"},
      {"localtimestamp", "LOCALTIMESTAMP"},
      {"current_user", "CURRENT_USER"},
      {"current_schema", "CURRENT_SCHEMA"},
      {"current_schema()", "current_schema()"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(ExprTree(c.sql), c.tree) << c.sql;

  ExprPtr e = Parse("POSITION('b' IN s)");
  ASSERT_EQ(e->kind, ExprKind::kFunctionCall);
  const auto& position = e->As<FunctionCallExpr>();
  EXPECT_EQ(position.name.ToString(), "position");
  EXPECT_EQ(position.args[0]->kind, ExprKind::kColumnRef);  // strpos order: (string, substring)

  e = Parse("extract(year from ts)");
  ASSERT_EQ(e->kind, ExprKind::kExtract);
  EXPECT_EQ(e->As<ExtractExpr>().field, "year");

  e = Parse("current_timestamp");
  ASSERT_EQ(e->kind, ExprKind::kSqlValue);
  EXPECT_EQ(e->As<SqlValueExpr>().value, SqlValueKind::kCurrentTimestamp);
  EXPECT_EQ(e->As<SqlValueExpr>().precision, -1);

  // Without parentheses the special words are ordinary column names.
  EXPECT_EQ(ExprTree("substring || position"), "(\"substring\" || \"position\")");
  EXPECT_EQ(ExprTree("extract + 1"), "(\"extract\" + 1)");
}

TEST(ParserExprTest, ParametersAndSubqueries) {
  ExprPtr e = Parse("$1 + $12");
  const auto& sum = e->As<BinaryExpr>();
  EXPECT_EQ(sum.left->As<ParameterExpr>().index, 1);
  EXPECT_EQ(sum.right->As<ParameterExpr>().index, 12);
  Status s = ExprError("$0");
  EXPECT_EQ(s.sqlstate(), "42P02");
  EXPECT_EQ(s.message(), "there is no parameter $0");
  EXPECT_EQ(ExprError("$99999999999").sqlstate(), "42P02");

  EXPECT_EQ(Parse("(SELECT max(a) FROM t)")->kind, ExprKind::kSubquery);
  EXPECT_EQ(Parse("EXISTS (SELECT 1 FROM t WHERE x)")->kind, ExprKind::kExists);
  e = Parse("a NOT IN (SELECT b FROM u)");
  ASSERT_EQ(e->kind, ExprKind::kInSubquery);
  EXPECT_TRUE(e->As<InSubqueryExpr>().negated);
  EXPECT_EQ(ExprTree("a IN (SELECT b FROM u) AND EXISTS (SELECT 1)"),
            "((a IN (SELECT b FROM u)) AND EXISTS (SELECT 1))");
  EXPECT_EQ(ExprTree("exists"), "\"exists\"");  // a column named exists
}

TEST(ParserExprTest, Positions) {
  //               0123456789012345678901234
  ExprPtr e = Parse("f(a) + b * (c - 1)");
  const auto& add = e->As<BinaryExpr>();
  EXPECT_EQ(add.pos, 5u);
  EXPECT_EQ(add.left->pos, 0u);
  const auto& mul = add.right->As<BinaryExpr>();
  EXPECT_EQ(mul.pos, 9u);
  EXPECT_EQ(mul.left->pos, 7u);
  EXPECT_EQ(mul.right->pos, 14u);  // the '-' inside the parentheses
  EXPECT_EQ(mul.right->As<BinaryExpr>().right->pos, 16u);
  e = Parse("x IS NULL");
  EXPECT_EQ(e->pos, 2u);
}

TEST(ParserExprTest, ErrorsCarryPositions) {
  struct Case {
    const char* sql;
    const char* message;
    int position;
    const char* sqlstate;
  } cases[] = {
      {"1 +", "syntax error at end of input", 4, "42601"},
      {"(1", "syntax error at end of input", 3, "42601"},
      {"1 + )", "syntax error at or near \")\"", 5, "42601"},
      {"f(", "syntax error at end of input", 3, "42601"},
      {"'x'::foo", "type \"foo\" does not exist", 6, "42704"},
      {"CAST(1 AS \"int4\")", "type \"int4\" does not exist", 11, "42704"},
      {"x::time with time zone",
       "type time with time zone is not supported; use time or "
       "timestamp with time zone",
       4, "0A000"},
      {"a IS 5", "syntax error at or near \"5\"", 6, "42601"},
      {"a BETWEEN 1", "syntax error at end of input", 12, "42601"},
      {"a NOT 1", "syntax error at or near \"NOT\"", 3, "42601"},
      {"é + ", "syntax error at end of input", 5, "42601"},
  };
  for (const auto& c : cases) {
    Status s = ExprError(c.sql);
    EXPECT_EQ(s.message(), c.message) << c.sql;
    EXPECT_EQ(s.position(), c.position) << c.sql;
    EXPECT_EQ(s.sqlstate(), c.sqlstate) << c.sql;
  }
}

TEST(ParserExprTest, DeepNestingIsRefusedNotACrash) {
  std::string deep(5000, '(');
  deep += "1";
  deep += std::string(5000, ')');
  Status s = ExprError(deep);
  EXPECT_EQ(s.sqlstate(), "54001");
  std::string minuses;
  for (int i = 0; i < 5000; ++i)
    minuses += "- ";
  EXPECT_EQ(ExprError(minuses + "1").sqlstate(), "54001");
  std::string nots;
  for (int i = 0; i < 5000; ++i)
    nots += "NOT ";
  EXPECT_EQ(ExprError(nots + "x").sqlstate(), "54001");
  std::string arrays = "ARRAY" + std::string(5000, '[') + std::string(5000, ']');
  EXPECT_EQ(ExprError(arrays).sqlstate(), "54001");
  std::string type = "x::";
  for (int i = 0; i < 5000; ++i)
    type += "STRUCT<a ";
  EXPECT_EQ(ExprError(type).sqlstate(), "54001");
  // Moderate nesting is fine, and long flat chains are not nesting at all.
  EXPECT_NE(Parse(std::string(50, '(') + "1" + std::string(50, ')')), nullptr);
  std::string chain = "1";
  for (int i = 0; i < 20000; ++i)
    chain += " + 1";
  EXPECT_NE(Parse(chain), nullptr);
}

TEST(ParserExprTest, VisitChildrenSeesEveryDirectChildInOrder) {
  ExprPtr e = Parse("CASE a WHEN 1 THEN f(b, c) ELSE d[e] END");
  std::vector<ExprKind> kinds;
  ForEachChild(*e, [&](const Expr& child) { kinds.push_back(child.kind); });
  EXPECT_EQ(kinds, (std::vector<ExprKind>{ExprKind::kColumnRef, ExprKind::kLiteral,
                                          ExprKind::kFunctionCall, ExprKind::kSubscript}));
  // Count every column reference of a tree, recursively.
  std::function<int(const Expr&)> count = [&](const Expr& x) {
    int n = x.kind == ExprKind::kColumnRef ? 1 : 0;
    ForEachChild(x, [&](const Expr& child) { n += count(child); });
    return n;
  };
  EXPECT_EQ(count(*e), 5);
  EXPECT_EQ(count(*Parse("a BETWEEN b AND c OR d LIKE e ESCAPE f")), 6);
  // VisitChildren may replace children.
  ExprPtr sum = Parse("a + b");
  VisitChildren(*sum, [](ExprPtr& child) {
    child = std::make_unique<LiteralExpr>(child->pos, LiteralKind::kInteger, "0");
  });
  EXPECT_EQ(PrintExpr(*sum), "0 + 0");
}

}  // namespace
}  // namespace dynasink::sql
