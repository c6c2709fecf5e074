// Expressions: operator and function resolution, NULL semantics and three-valued logic,
// errors with SQLSTATEs, LIKE, IN, CASE, COALESCE, nested values, cloning, aggregates.
#include "exec/expr.h"

#include <gtest/gtest.h>

#include "exec/aggregate.h"
#include "exec/functions.h"
#include "exec/like.h"
#include "types/text_format.h"

namespace dynasink::exec {
namespace {

using types::DataType;
using types::Decimal;
using types::Row;
using types::TypeId;
using types::Value;

ExprPtr Lit(Value v, DataType t) { return MakeLiteral(std::move(v), std::move(t)); }
ExprPtr I32(int32_t v) { return Lit(Value::Int32(v), TypeId::kInt32); }
ExprPtr I64(int64_t v) { return Lit(Value::Int64(v), TypeId::kInt64); }
ExprPtr Text(std::string v) { return Lit(Value::Varchar(std::move(v)), TypeId::kVarchar); }
ExprPtr Bool(bool v) { return Lit(Value::Boolean(v), TypeId::kBoolean); }
ExprPtr Null(DataType t) { return Lit(Value(), std::move(t)); }
ExprPtr Num(std::string_view s) {
  return Lit(Value::Numeric(Decimal::Parse(s).value()), TypeId::kDecimal);
}

// Resolves `op` for the operand types and inserts the casts the resolution asks for.
ExprPtr Op(BinaryOperator op, ExprPtr l, ExprPtr r) {
  auto fn = ResolveBinaryOperator(op, l->type(), r->type());
  EXPECT_TRUE(fn.ok()) << fn.status().ToString();
  std::vector<ExprPtr> args;
  if (l->type() != fn->arg_types[0]) l = MakeCast(std::move(l), fn->arg_types[0]);
  if (r->type() != fn->arg_types[1]) r = MakeCast(std::move(r), fn->arg_types[1]);
  args.push_back(std::move(l));
  args.push_back(std::move(r));
  return MakeCall(std::move(fn).value(), std::move(args));
}

ExprPtr Call(std::string_view name, std::vector<ExprPtr> args) {
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type());
  auto fn = ResolveFunction(name, types);
  EXPECT_TRUE(fn.ok()) << fn.status().ToString();
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i]->type() != fn->arg_types[i]) args[i] = MakeCast(std::move(args[i]), fn->arg_types[i]);
  }
  return MakeCall(std::move(fn).value(), std::move(args));
}

Result<Value> Eval(const Expr& e, const Row& row = {}) {
  EvalContext ctx;
  return e.Eval(ctx, row);
}

std::string Show(const Expr& e, const Row& row = {}) {
  auto v = Eval(e, row);
  if (!v.ok()) return "error " + v.status().sqlstate() + ": " + v.status().message();
  return v->is_null() ? "NULL" : types::FormatValue(*v, e.type());
}

std::vector<ExprPtr> List(ExprPtr a, ExprPtr b) {
  std::vector<ExprPtr> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  return v;
}

TEST(ExprTest, ArithmeticTypesAndOverflow) {
  EXPECT_EQ(Show(*Op(BinaryOperator::kAdd, I32(2), I32(3))), "5");
  auto mixed = Op(BinaryOperator::kAdd, I32(1), Num("1.5"));
  EXPECT_EQ(mixed->type().id(), TypeId::kDecimal);
  EXPECT_EQ(Show(*mixed), "2.5");
  EXPECT_EQ(Show(*Op(BinaryOperator::kDiv, I32(7), I32(2))), "3");  // integer division truncates
  EXPECT_EQ(Show(*Op(BinaryOperator::kMod, I32(-7), I32(2))), "-1");
  EXPECT_EQ(Show(*Op(BinaryOperator::kAdd, I32(INT32_MAX), I32(1))),
            "error 22003: integer out of range");
  EXPECT_EQ(Show(*Op(BinaryOperator::kMul, I64(INT64_MAX), I64(2))),
            "error 22003: bigint out of range");
  EXPECT_EQ(Show(*Op(BinaryOperator::kDiv, I64(INT64_MIN), I64(-1))),
            "error 22003: bigint out of range");
  EXPECT_EQ(Show(*Op(BinaryOperator::kDiv, I32(1), I32(0))), "error 22012: division by zero");
  EXPECT_EQ(Show(*Op(BinaryOperator::kMod, I32(1), I32(0))), "error 22012: division by zero");
  EXPECT_EQ(Show(*Op(BinaryOperator::kDiv, Num("1"), Num("0"))), "error 22012: division by zero");
  EXPECT_EQ(Show(*Op(BinaryOperator::kDiv, Lit(Value::Float64(1), TypeId::kFloat64),
                     Lit(Value::Float64(0), TypeId::kFloat64))),
            "error 22012: division by zero");
  EXPECT_EQ(Show(*Op(BinaryOperator::kMul, Lit(Value::Float64(1e308), TypeId::kFloat64),
                     Lit(Value::Float64(10), TypeId::kFloat64))),
            "error 22003: value out of range: overflow");
  EXPECT_EQ(Show(*Op(BinaryOperator::kPow, I32(2), I32(10))), "1024");
  EXPECT_EQ(Show(*Op(BinaryOperator::kPow, Num("1.5"), I32(2))), "2.25");
  auto neg = ResolveNegation(TypeId::kInt32);
  ASSERT_TRUE(neg.ok());
  std::vector<ExprPtr> a;
  a.push_back(I32(INT32_MIN));
  EXPECT_EQ(Show(*MakeCall(*neg, std::move(a))), "error 22003: integer out of range");
  // NULL in, NULL out, without calling the kernel (no division by zero for NULL / 0).
  EXPECT_EQ(Show(*Op(BinaryOperator::kDiv, Null(TypeId::kInt32), I32(0))), "NULL");
  // Operators that do not exist.
  auto bad = ResolveBinaryOperator(BinaryOperator::kAdd, TypeId::kInt32, TypeId::kBoolean);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().sqlstate(), "42883");
  EXPECT_NE(bad.status().message().find("operator does not exist: integer + boolean"),
            std::string::npos);
  EXPECT_EQ(ResolveBinaryOperator(BinaryOperator::kMod, TypeId::kFloat64, TypeId::kFloat64)
                .status()
                .sqlstate(),
            "42883");
}

TEST(ExprTest, DatetimeArithmetic) {
  auto date = Lit(types::ParseValue("2024-01-31", TypeId::kDate).value(), TypeId::kDate);
  auto month = Lit(types::ParseValue("1 mon", TypeId::kInterval).value(), TypeId::kInterval);
  auto plus = Op(BinaryOperator::kAdd, std::move(date), std::move(month));
  EXPECT_EQ(plus->type().id(), TypeId::kTimestamp);
  EXPECT_EQ(Show(*plus), "2024-02-29 00:00:00");
  auto d1 = Lit(types::ParseValue("2024-03-01", TypeId::kDate).value(), TypeId::kDate);
  auto d2 = Lit(types::ParseValue("2024-02-01", TypeId::kDate).value(), TypeId::kDate);
  EXPECT_EQ(Show(*Op(BinaryOperator::kSub, std::move(d1), std::move(d2))), "29");
  auto iv = Lit(types::ParseValue("1 day", TypeId::kInterval).value(), TypeId::kInterval);
  EXPECT_EQ(Show(*Op(BinaryOperator::kMul, std::move(iv), I32(3))), "3 days");
}

TEST(ExprTest, ThreeValuedLogic) {
  const std::vector<std::optional<bool>> vals = {true, false, std::nullopt};
  auto lit = [](std::optional<bool> b) { return b ? Bool(*b) : Null(TypeId::kBoolean); };
  auto name = [](std::optional<bool> b) { return b ? (*b ? "t" : "f") : "NULL"; };
  for (auto a : vals) {
    for (auto b : vals) {
      std::optional<bool> want_and, want_or;
      if (a == false || b == false) {
        want_and = false;
      } else if (a && b) {
        want_and = true;
      }
      if (a == true || b == true) {
        want_or = true;
      } else if (a && b) {
        want_or = false;
      }
      EXPECT_EQ(Show(*MakeAnd(List(lit(a), lit(b)))), name(want_and)) << name(a) << name(b);
      EXPECT_EQ(Show(*MakeOr(List(lit(a), lit(b)))), name(want_or)) << name(a) << name(b);
    }
    std::optional<bool> negated = a ? std::optional<bool>(!*a) : std::nullopt;
    EXPECT_EQ(Show(*MakeNot(lit(a))), name(negated));
  }
  // AND stops at the first false: the division by zero after it is never evaluated.
  auto guarded = MakeAnd(List(Bool(false), Op(BinaryOperator::kEq,
                                               Op(BinaryOperator::kDiv, I32(1), I32(0)), I32(1))));
  EXPECT_EQ(Show(*guarded), "f");
  EXPECT_EQ(Show(*MakeIsNull(Null(TypeId::kInt32), false)), "t");
  EXPECT_EQ(Show(*MakeIsNull(I32(1), true)), "t");
  EXPECT_EQ(Show(*MakeIsBool(Null(TypeId::kBoolean), BoolTest::kUnknown, false)), "t");
  EXPECT_EQ(Show(*MakeIsBool(Null(TypeId::kBoolean), BoolTest::kTrue, true)), "t");
  EXPECT_EQ(Show(*MakeIsDistinct(Null(TypeId::kInt32), Null(TypeId::kInt32), false)), "f");
  EXPECT_EQ(Show(*MakeIsDistinct(I32(1), Null(TypeId::kInt32), false)), "t");
  // Comparisons with NULL are NULL.
  EXPECT_EQ(Show(*Op(BinaryOperator::kEq, I32(1), Null(TypeId::kInt32))), "NULL");
}

TEST(ExprTest, InListCaseCoalesce) {
  std::vector<ExprPtr> list;
  list.push_back(I32(1));
  list.push_back(Null(TypeId::kInt32));
  EXPECT_EQ(Show(*MakeInList(I32(1), std::move(list), false)), "t");
  list.clear();
  list.push_back(I32(2));
  list.push_back(Null(TypeId::kInt32));
  EXPECT_EQ(Show(*MakeInList(I32(1), std::move(list), false)), "NULL");  // no match, a NULL
  list.clear();
  list.push_back(I32(2));
  EXPECT_EQ(Show(*MakeInList(I32(1), std::move(list), true)), "t");

  std::vector<std::pair<ExprPtr, ExprPtr>> whens;
  whens.emplace_back(Null(TypeId::kBoolean), Text("null is not true"));
  whens.emplace_back(Bool(true), Text("second"));
  EXPECT_EQ(Show(*MakeCase(std::move(whens), Text("else"), TypeId::kVarchar)), "second");
  whens.clear();
  whens.emplace_back(Bool(false), Text("x"));
  EXPECT_EQ(Show(*MakeCase(std::move(whens), nullptr, TypeId::kVarchar)), "NULL");

  std::vector<ExprPtr> c;
  c.push_back(Null(TypeId::kInt32));
  c.push_back(I32(7));
  c.push_back(Op(BinaryOperator::kDiv, I32(1), I32(0)));  // never evaluated
  EXPECT_EQ(Show(*MakeCoalesce(std::move(c), TypeId::kInt32)), "7");

  auto nullif = Call("nullif", List(I32(1), I32(1)));
  EXPECT_EQ(Show(*nullif), "NULL");
  std::vector<ExprPtr> g;
  g.push_back(I32(3));
  g.push_back(Null(TypeId::kInt32));
  g.push_back(I32(9));
  EXPECT_EQ(Show(*Call("greatest", std::move(g))), "9");
}

TEST(ExprTest, Like) {
  auto like = [](std::string text, std::string pattern, bool ci = false,
                 std::optional<std::string> esc = std::nullopt) {
    auto p = LikePattern::Compile(pattern, ci, esc ? std::optional<std::string_view>(*esc) : std::nullopt);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() && p->Matches(text);
  };
  EXPECT_TRUE(like("abc", "a%"));
  EXPECT_TRUE(like("abc", "_b_"));
  EXPECT_FALSE(like("abc", "ab"));
  EXPECT_TRUE(like("", "%"));
  EXPECT_FALSE(like("a", ""));
  EXPECT_TRUE(like("a%c", "a\\%c"));
  EXPECT_FALSE(like("abc", "a\\%c"));
  EXPECT_TRUE(like("a_c", "a#_c", false, "#"));
  EXPECT_TRUE(like("héllo", "h_llo"));  // _ is one character, not one byte
  EXPECT_TRUE(like("ÄBC", "äbc", true));
  EXPECT_TRUE(like("xxaxxbxx", "%a%b%"));
  EXPECT_FALSE(like("xxbxxaxx", "%a%b%"));
  auto bad = LikePattern::Compile("ab\\", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().sqlstate(), "22025");
  EXPECT_EQ(FoldCase("ÀÉÎ Straße ΣΑΣ Жук"), "àéî straße σασ жук");
  EXPECT_EQ(FoldCase("àéî", true), "ÀÉÎ");
}

TEST(ExprTest, FunctionsResolveAndCompute) {
  std::vector<ExprPtr> a;
  a.push_back(Text("héllo"));
  a.push_back(I32(2));
  a.push_back(I32(2));
  EXPECT_EQ(Show(*Call("substr", std::move(a))), "él");
  a.clear();
  a.push_back(Text("hello"));
  a.push_back(I32(0));
  a.push_back(I32(3));
  EXPECT_EQ(Show(*Call("substr", std::move(a))), "he");
  a.clear();
  a.push_back(Text("hello"));
  a.push_back(I32(1));
  a.push_back(I32(-1));
  EXPECT_EQ(Show(*Call("substr", std::move(a))), "error 22011: negative substring length not allowed");
  std::vector<ExprPtr> one;
  one.push_back(Text("héllo"));
  EXPECT_EQ(Show(*Call("length", std::move(one))), "5");
  std::vector<ExprPtr> concat;
  concat.push_back(Text("n"));
  concat.push_back(Null(TypeId::kVarchar));
  concat.push_back(I32(1));
  concat.push_back(Num("2.50"));
  EXPECT_EQ(Show(*Call("concat", std::move(concat))), "n12.50");
  one.clear();
  one.push_back(Num("2.5"));
  EXPECT_EQ(Show(*Call("round", std::move(one))), "3");
  one.clear();
  one.push_back(Lit(Value::Float64(2.5), TypeId::kFloat64));
  EXPECT_EQ(Show(*Call("round", std::move(one))), "2");  // half to even for doubles
  one.clear();
  one.push_back(I32(5));
  auto r = Call("round", std::move(one));
  EXPECT_EQ(r->type().id(), TypeId::kFloat64);  // PostgreSQL's preferred type for integers
  one.clear();
  one.push_back(I32(INT32_MIN));
  EXPECT_EQ(Show(*Call("abs", std::move(one))), "error 22003: integer out of range");
  // Unknown functions and argument types.
  auto missing = ResolveFunction("no_such_function", {TypeId::kInt32});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().sqlstate(), "42883");
  EXPECT_NE(missing.status().message().find("function no_such_function(integer) does not exist"),
            std::string::npos);
  EXPECT_EQ(ResolveFunction("lower", {TypeId::kInt32}).status().sqlstate(), "42883");
  // An untyped argument adopts the overload's type.
  auto lower_unknown = ResolveFunction("lower", {DataType()});
  ASSERT_TRUE(lower_unknown.ok());
  EXPECT_EQ(lower_unknown->arg_types[0].id(), TypeId::kVarchar);
}

TEST(ExprTest, DatetimeFunctionsUseTheStatementClock) {
  auto now = Call("now", {});
  EXPECT_FALSE(now->IsConstant());  // not folded: it depends on the statement
  EvalContext ctx;
  ctx.statement_time = types::Timestamptz{1'700'000'000'000'000};
  auto v = now->Eval(ctx, {});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_timestamptz().micros, 1'700'000'000'000'000);
  std::vector<ExprPtr> a;
  a.push_back(Text("month"));
  a.push_back(Lit(types::ParseValue("2001-05-16 20:38:40", TypeId::kTimestamp).value(),
                  TypeId::kTimestamp));
  EXPECT_EQ(Show(*Call("date_trunc", std::move(a))), "2001-05-01 00:00:00");
  a.clear();
  a.push_back(Text("eon"));
  a.push_back(Lit(types::ParseValue("2001-05-16", TypeId::kDate).value(), TypeId::kDate));
  EXPECT_EQ(Show(*Call("extract", std::move(a))),
            "error 22023: unit \"eon\" not recognized for type date");
}

TEST(ExprTest, NestedValuesAndJsonb) {
  DataType list = DataType::List(TypeId::kInt32);
  std::vector<ExprPtr> items;
  items.push_back(I32(10));
  items.push_back(Null(TypeId::kInt32));
  items.push_back(I32(30));
  Row row = {Eval(*MakeArray(std::move(items), list)).value()};
  auto col = [&] { return MakeColumn(0, list); };
  EXPECT_EQ(Show(*MakeSubscript(col(), I32(1)), row), "10");
  EXPECT_EQ(Show(*MakeSubscript(col(), I32(2)), row), "NULL");
  EXPECT_EQ(Show(*MakeSubscript(col(), I32(4)), row), "NULL");  // out of range is NULL
  EXPECT_EQ(Show(*MakeSubscript(col(), I32(0)), row), "NULL");
  EXPECT_EQ(Show(*MakeSlice(col(), I32(2), nullptr), row), "{NULL,30}");

  DataType st = DataType::Struct({{"a", TypeId::kInt32}, {"b", TypeId::kVarchar}});
  std::vector<ExprPtr> fields;
  fields.push_back(I32(1));
  fields.push_back(Text("x"));
  auto r = MakeRow(std::move(fields), st);
  EXPECT_EQ(Show(*r), "(1,x)");
  EXPECT_EQ(Show(*MakeField(std::move(r), 1)), "x");

  auto json = Lit(types::ParseValue("{\"k\": [1, 2], \"s\": \"v\"}", TypeId::kJsonb).value(),
                  TypeId::kJsonb);
  auto get = Op(BinaryOperator::kJsonGet, json->Clone(), Text("k"));
  EXPECT_EQ(get->type().id(), TypeId::kJsonb);
  EXPECT_EQ(Show(*get), "[1, 2]");
  EXPECT_EQ(Show(*Op(BinaryOperator::kJsonGetText, json->Clone(), Text("s"))), "v");
  EXPECT_EQ(Show(*Op(BinaryOperator::kJsonGetText, json->Clone(), Text("nope"))), "NULL");
  auto contained = Lit(types::ParseValue("{\"k\": [2]}", TypeId::kJsonb).value(), TypeId::kJsonb);
  EXPECT_EQ(Show(*Op(BinaryOperator::kContains, json->Clone(), std::move(contained))), "t");
  auto concat = Op(BinaryOperator::kConcat, MakeColumn(0, list), MakeColumn(0, list));
  EXPECT_EQ(Show(*concat, row), "{10,NULL,30,10,NULL,30}");
}

TEST(ExprTest, CloneAndFingerprint) {
  auto e = Op(BinaryOperator::kAdd, MakeColumn(2, TypeId::kInt32), I32(1));
  auto c = e->Clone();
  EXPECT_EQ(e->ToString(), c->ToString());
  EXPECT_EQ(e->ToString(), "+(#2, '1'::integer)");
  EXPECT_TRUE(e->ReadsRow());
  EXPECT_FALSE(e->IsConstant());
  Row row = {Value(), Value(), Value::Int32(41)};
  EXPECT_EQ(Show(*c, row), "42");
  auto p = MakeParam(0, TypeId::kInt32);
  std::vector<Value> params = {Value::Int32(5)};
  EvalContext ctx;
  ctx.params = &params;
  EXPECT_EQ(p->Eval(ctx, {}).value().as_int32(), 5);
  EXPECT_FALSE(p->IsConstant());
}

TEST(ExprTest, Aggregates) {
  auto make = [](std::string_view name, DataType arg, bool distinct = false) {
    auto sig = ResolveAggregate(name, {arg}, false);
    EXPECT_TRUE(sig.ok()) << sig.status().ToString();
    auto call = std::make_unique<AggregateCall>();
    call->kind = sig->kind;
    call->name = std::string(name);
    call->args.push_back(MakeColumn(0, arg));
    call->distinct = distinct;
    call->result_type = sig->result_type;
    return call;
  };
  auto run = [](const AggregateCall& call, const std::vector<Value>& values) {
    Accumulator acc(&call);
    EvalContext ctx;
    for (const Value& v : values) EXPECT_TRUE(acc.Add(ctx, {v}).ok());
    auto r = acc.Finish();
    EXPECT_TRUE(r.ok());
    return r->is_null() ? std::string("NULL") : types::FormatValue(*r, call.result_type);
  };
  auto sum_int = make("sum", TypeId::kInt32);
  EXPECT_EQ(sum_int->result_type.id(), TypeId::kInt64);
  EXPECT_EQ(run(*sum_int, {Value::Int32(INT32_MAX), Value::Int32(INT32_MAX), Value()}),
            "4294967294");
  auto sum_big = make("sum", TypeId::kInt64);
  EXPECT_EQ(sum_big->result_type.id(), TypeId::kDecimal);
  EXPECT_EQ(run(*sum_big, {Value::Int64(INT64_MAX), Value::Int64(INT64_MAX)}),
            "18446744073709551614");
  auto avg = make("avg", TypeId::kInt32);
  EXPECT_EQ(avg->result_type.id(), TypeId::kDecimal);
  EXPECT_EQ(run(*avg, {Value::Int32(1), Value::Int32(2)}), "1.5000000000000000");
  EXPECT_EQ(run(*avg, {}), "NULL");
  auto count_distinct = make("count", TypeId::kInt32, true);
  EXPECT_EQ(run(*count_distinct, {Value::Int32(1), Value::Int32(1), Value(), Value::Int32(2)}),
            "2");
  auto max = make("max", TypeId::kVarchar);
  EXPECT_EQ(run(*max, {Value::Varchar("pear"), Value::Varchar("apple")}), "pear");
  EXPECT_EQ(ResolveAggregate("sum", {TypeId::kVarchar}, false).status().sqlstate(), "42883");
  EXPECT_EQ(ResolveAggregate("avg", {TypeId::kBoolean}, false).status().sqlstate(), "42883");
}

}  // namespace
}  // namespace dynasink::exec
