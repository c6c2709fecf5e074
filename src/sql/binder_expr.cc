// Binding expressions: names, literals, operators, CASE, IN, LIKE, casts, arrays and rows.
#include "sql/binder_internal.h"
#include "sql/lexer.h"
#include "types/text_format.h"

namespace dynasink::sql {

using internal::ExprCtx;
using internal::Scope;
using types::DataType;
using types::TypeId;
using types::Value;

namespace {

exec::BinaryOperator ToExecOp(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEq:
      return exec::BinaryOperator::kEq;
    case BinaryOp::kNotEq:
      return exec::BinaryOperator::kNotEq;
    case BinaryOp::kLt:
      return exec::BinaryOperator::kLt;
    case BinaryOp::kLtEq:
      return exec::BinaryOperator::kLtEq;
    case BinaryOp::kGt:
      return exec::BinaryOperator::kGt;
    case BinaryOp::kGtEq:
      return exec::BinaryOperator::kGtEq;
    case BinaryOp::kAdd:
      return exec::BinaryOperator::kAdd;
    case BinaryOp::kSub:
      return exec::BinaryOperator::kSub;
    case BinaryOp::kMul:
      return exec::BinaryOperator::kMul;
    case BinaryOp::kDiv:
      return exec::BinaryOperator::kDiv;
    case BinaryOp::kMod:
      return exec::BinaryOperator::kMod;
    case BinaryOp::kPow:
      return exec::BinaryOperator::kPow;
    case BinaryOp::kConcat:
      return exec::BinaryOperator::kConcat;
    case BinaryOp::kJsonGet:
      return exec::BinaryOperator::kJsonGet;
    case BinaryOp::kJsonGetText:
      return exec::BinaryOperator::kJsonGetText;
    case BinaryOp::kContains:
      return exec::BinaryOperator::kContains;
    case BinaryOp::kContainedBy:
      return exec::BinaryOperator::kContainedBy;
    default:
      return exec::BinaryOperator::kEq;  // AND/OR are bound elsewhere
  }
}

std::string TypeText(const DataType& t) {
  return t.id() == TypeId::kUnknown ? "unknown" : t.ToString();
}

}  // namespace

int Binder::Impl::CharPos(uint32_t offset) const {
  if (env.sql.empty() || offset > env.sql.size()) return 0;
  return CharPosition(env.sql, offset);
}

Status Binder::Impl::ErrorAt(uint32_t offset, std::string_view sqlstate, std::string message) const {
  return Status::Sql(sqlstate, std::move(message), CharPos(offset));
}

Result<BoundPtr> Binder::Impl::Bind(const Expr& e, ExprCtx& ctx) {
  if (ctx.agg != nullptr && !ctx.in_aggregate) {
    if (auto matched = MatchGroupKey(e, ctx)) return std::move(*matched);
  }
  switch (e.kind) {
    case ExprKind::kLiteral:
      return BindLiteral(e.As<LiteralExpr>());
    case ExprKind::kTypedLiteral:
      return BindTypedLiteral(e.As<TypedLiteralExpr>());
    case ExprKind::kParameter:
      return BindParameter(e.As<ParameterExpr>(), ctx);
    case ExprKind::kColumnRef:
      return BindColumnRef(e.As<ColumnRefExpr>(), ctx);
    case ExprKind::kStar:
      return ErrorAt(e.pos, "42601", "\"*\" is not allowed here");
    case ExprKind::kUnary:
      return BindUnary(e.As<UnaryExpr>(), ctx);
    case ExprKind::kBinary: {
      const auto& b = e.As<BinaryExpr>();
      if (b.op == BinaryOp::kAnd || b.op == BinaryOp::kOr) return BindBoolean(b, ctx);
      return BindBinary(b, ctx);
    }
    case ExprKind::kIsTest:
      return BindIsTest(e.As<IsTestExpr>(), ctx);
    case ExprKind::kIsDistinctFrom: {
      const auto& d = e.As<IsDistinctFromExpr>();
      DataType common;
      DS_ASSIGN_OR_RETURN(auto both, BindCommon({d.left.get(), d.right.get()}, ctx,
                                                "IS DISTINCT FROM", d.pos, &common));
      return Fold(exec::MakeIsDistinct(std::move(both[0]), std::move(both[1]), d.negated));
    }
    case ExprKind::kBetween:
      return BindBetween(e.As<BetweenExpr>(), ctx);
    case ExprKind::kInList:
      return BindInList(e.As<InListExpr>(), ctx);
    case ExprKind::kLike:
      return BindLike(e.As<LikeExpr>(), ctx);
    case ExprKind::kCast:
      return BindCast(e.As<CastExpr>(), ctx);
    case ExprKind::kSubscript:
      return BindSubscript(e.As<SubscriptExpr>(), ctx);
    case ExprKind::kFieldAccess:
      return BindFieldAccess(e.As<FieldAccessExpr>(), ctx);
    case ExprKind::kRow:
      return BindRow(e.As<RowExpr>(), ctx);
    case ExprKind::kArray:
      return BindArray(e.As<ArrayExpr>(), ctx);
    case ExprKind::kCase:
      return BindCase(e.As<CaseExpr>(), ctx);
    case ExprKind::kFunctionCall:
      return BindFunctionCall(e.As<FunctionCallExpr>(), ctx);
    case ExprKind::kExtract:
      return BindExtract(e.As<ExtractExpr>(), ctx);
    case ExprKind::kSqlValue:
      return BindSqlValue(e.As<SqlValueExpr>(), ctx);
    case ExprKind::kSubquery:
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
      return ErrorAt(e.pos, "0A000",
                     ctx.sink ? "subqueries are not allowed in a sink query"
                              : "subqueries in expressions are not supported by dynasink\nHINT: "
                                "Use a subquery in FROM instead, or run the inner query first.");
    case ExprKind::kDefault:
      return ErrorAt(e.pos, "42601", "DEFAULT is not allowed in this context");
  }
  return ErrorAt(e.pos, "XX000", "unknown expression kind");
}

Result<BoundPtr> Binder::Impl::BindLiteral(const LiteralExpr& e) {
  switch (e.literal_kind) {
    case LiteralKind::kNull:
      return exec::MakeLiteral(Value(), DataType());
    case LiteralKind::kBoolean:
      return exec::MakeLiteral(Value::Boolean(e.bool_value()), TypeId::kBoolean);
    case LiteralKind::kString:
      return exec::MakeLiteral(Value::Varchar(e.value), DataType());
    case LiteralKind::kInteger: {
      // The smallest of integer, bigint and numeric that holds the value, as PostgreSQL.
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(e.value.c_str(), &end, 10);
      if (errno == 0 && end != nullptr && *end == '\0') {
        if (v >= INT32_MIN && v <= INT32_MAX) {
          return exec::MakeLiteral(Value::Int32(static_cast<int32_t>(v)), TypeId::kInt32);
        }
        return exec::MakeLiteral(Value::Int64(v), TypeId::kInt64);
      }
      [[fallthrough]];
    }
    case LiteralKind::kDecimal: {
      auto d = types::Decimal::Parse(e.value);
      if (!d.ok()) return d.status().WithSqlState(d.status().sqlstate(), CharPos(e.pos));
      return exec::MakeLiteral(Value::Numeric(std::move(d).value()), TypeId::kDecimal);
    }
  }
  return ErrorAt(e.pos, "XX000", "unknown literal kind");
}

Result<BoundPtr> Binder::Impl::BindTypedLiteral(const TypedLiteralExpr& e) {
  std::string text = e.value;
  // INTERVAL '1' DAY: a bare number takes the qualifier's unit (its last word for ranges
  // such as DAY TO SECOND, whose strings carry their own units anyway).
  if (e.type.type.id() == TypeId::kInterval && !e.interval_qualifier.empty()) {
    bool bare_number = !text.empty() && text.find_first_not_of("0123456789.+- ") == std::string::npos;
    if (bare_number) {
      std::string unit = e.interval_qualifier.substr(0, e.interval_qualifier.find(' '));
      text += " " + unit;
    }
  }
  auto v = types::ParseValue(text, e.type.type);
  if (!v.ok()) return v.status().WithSqlState(v.status().sqlstate(), CharPos(e.pos));
  return exec::MakeLiteral(std::move(v).value(), e.type.type);
}

Result<BoundPtr> Binder::Impl::BindParameter(const ParameterExpr& e, ExprCtx& ctx) {
  if (ctx.sink) return ErrorAt(e.pos, "0A000", "parameters are not allowed in a sink query");
  int index = e.index - 1;
  if (index < 0) return ErrorAt(e.pos, "42P02", "there is no parameter $" + std::to_string(e.index));
  if (static_cast<size_t>(index) >= params->size()) params->resize(static_cast<size_t>(index) + 1);
  return exec::MakeParam(index, (*params)[static_cast<size_t>(index)]);
}

Result<BoundPtr> Binder::Impl::BindColumnRef(const ColumnRefExpr& e, ExprCtx& ctx) {
  const auto& parts = e.parts;
  const Scope* scope = ctx.scope;
  auto find = [&](std::string_view table, std::string_view name, int* found) -> int {
    int index = -1;
    *found = 0;
    if (scope == nullptr) return -1;
    for (size_t i = 0; i < scope->columns.size(); ++i) {
      const auto& c = scope->columns[i];
      if (c.name == name && (table.empty() || c.table == table)) {
        if (index < 0) index = static_cast<int>(i);
        ++*found;
      }
    }
    return index;
  };
  auto has_table = [&](std::string_view t) {
    if (scope == nullptr) return false;
    for (const auto& name : scope->tables) {
      if (name == t) return true;
    }
    return false;
  };

  int index = -1;
  size_t consumed = 0;  // parts used for table + column; the rest are struct fields
  int found = 0;
  if (parts.size() >= 2 && has_table(parts[0].name)) {
    index = find(parts[0].name, parts[1].name, &found);
    if (index < 0) {
      return ErrorAt(e.pos, "42703",
                     "column " + parts[0].name + "." + parts[1].name + " does not exist");
    }
    consumed = 2;
  } else if (parts.size() >= 3 && parts[0].name == "public" && has_table(parts[1].name)) {
    index = find(parts[1].name, parts[2].name, &found);
    if (index < 0) {
      return ErrorAt(e.pos, "42703",
                     "column " + parts[1].name + "." + parts[2].name + " does not exist");
    }
    consumed = 3;
  } else {
    index = find("", parts[0].name, &found);
    if (index < 0) {
      if (parts.size() >= 2) {
        return ErrorAt(e.pos, "42P01",
                       "missing FROM-clause entry for table \"" + parts[0].name + "\"");
      }
      return ErrorAt(e.pos, "42703", "column \"" + parts[0].name + "\" does not exist");
    }
    if (found > 1) {
      return ErrorAt(e.pos, "42702", "column reference \"" + parts[0].name + "\" is ambiguous");
    }
    consumed = 1;
  }
  const auto& column = scope->columns[static_cast<size_t>(index)];
  if (ctx.agg != nullptr && !ctx.in_aggregate) {
    return ErrorAt(e.pos, "42803",
                   "column \"" + column.table + "." + column.name +
                       "\" must appear in the GROUP BY clause or be used in an aggregate function");
  }
  BoundPtr result = exec::MakeColumn(index, column.type);
  // Remaining parts are struct fields: s.a.b.
  for (size_t i = consumed; i < parts.size(); ++i) {
    const DataType& t = result->type();
    if (t.id() != TypeId::kStruct) {
      return ErrorAt(parts[i].pos, "42809",
                     "column notation ." + parts[i].name + " applied to type " + t.ToString() +
                         ", which is not a composite type");
    }
    int field = -1;
    for (size_t f = 0; f < t.fields().size(); ++f) {
      if (t.fields()[f].name == parts[i].name) field = static_cast<int>(f);
    }
    if (field < 0) {
      return ErrorAt(parts[i].pos, "42703",
                     "column \"" + parts[i].name + "\" not found in data type " + t.ToString());
    }
    result = exec::MakeField(std::move(result), field);
  }
  return result;
}

Result<BoundPtr> Binder::Impl::BindUnary(const UnaryExpr& e, ExprCtx& ctx) {
  DS_ASSIGN_OR_RETURN(BoundPtr operand, Bind(*e.operand, ctx));
  switch (e.op) {
    case UnaryOp::kNot: {
      DS_ASSIGN_OR_RETURN(operand, CoerceBoolean(std::move(operand), "NOT", e.operand->pos));
      return Fold(exec::MakeNot(std::move(operand)));
    }
    case UnaryOp::kMinus: {
      auto fn = exec::ResolveNegation(operand->type());
      if (!fn.ok()) return fn.status().WithSqlState(fn.status().sqlstate(), CharPos(e.pos));
      std::vector<BoundPtr> args;
      args.push_back(std::move(operand));
      return CallResolved(std::move(fn).value(), std::move(args), e.pos);
    }
    case UnaryOp::kPlus:
      if (!operand->type().is_numeric() && operand->type().id() != TypeId::kInterval &&
          operand->type().id() != TypeId::kUnknown) {
        return ErrorAt(e.pos, "42883",
                       "operator does not exist: + " + operand->type().ToString());
      }
      return operand;
  }
  return operand;
}

Result<BoundPtr> Binder::Impl::BindBoolean(const BinaryExpr& e, ExprCtx& ctx) {
  // Flatten a chain of the same operator into one n-ary node.
  std::vector<const Expr*> operands;
  std::vector<const Expr*> stack{&e};
  while (!stack.empty()) {
    const Expr* x = stack.back();
    stack.pop_back();
    if (x->kind == ExprKind::kBinary && x->As<BinaryExpr>().op == e.op) {
      stack.push_back(x->As<BinaryExpr>().right.get());
      stack.push_back(x->As<BinaryExpr>().left.get());
    } else {
      operands.push_back(x);
    }
  }
  const char* name = e.op == BinaryOp::kAnd ? "AND" : "OR";
  std::vector<BoundPtr> children;
  for (const Expr* x : operands) {
    DS_ASSIGN_OR_RETURN(BoundPtr c, Bind(*x, ctx));
    DS_ASSIGN_OR_RETURN(c, CoerceBoolean(std::move(c), name, x->pos));
    children.push_back(std::move(c));
  }
  return Fold(e.op == BinaryOp::kAnd ? exec::MakeAnd(std::move(children))
                                     : exec::MakeOr(std::move(children)));
}

Result<BoundPtr> Binder::Impl::BindBinary(const BinaryExpr& e, ExprCtx& ctx) {
  DS_ASSIGN_OR_RETURN(BoundPtr left, Bind(*e.left, ctx));
  DS_ASSIGN_OR_RETURN(BoundPtr right, Bind(*e.right, ctx));
  return BindOperator(ToExecOp(e.op), std::move(left), std::move(right), e.pos, e.left->pos,
                      e.right->pos);
}

Result<BoundPtr> Binder::Impl::BindOperator(exec::BinaryOperator op, BoundPtr left, BoundPtr right,
                                            uint32_t pos, uint32_t left_pos, uint32_t right_pos) {
  // A row or array with untyped members takes the other side's type when it can.
  if (left->type().is_nested() && internal::ContainsUnknown(left->type()) &&
      !internal::ContainsUnknown(right->type())) {
    auto c = Coerce(left->Clone(), right->type(), types::CastContext::kImplicit, pos);
    if (c.ok()) left = std::move(c).value();
  } else if (right->type().is_nested() && internal::ContainsUnknown(right->type()) &&
             !internal::ContainsUnknown(left->type())) {
    auto c = Coerce(right->Clone(), left->type(), types::CastContext::kImplicit, pos);
    if (c.ok()) right = std::move(c).value();
  }
  // Nested untyped members left over become text; plain untyped values are resolved by the
  // operator (they adopt the other side's type).
  if (left->type().is_nested()) {
    DS_ASSIGN_OR_RETURN(left, ResolveUnknown(std::move(left), pos));
  }
  if (right->type().is_nested()) {
    DS_ASSIGN_OR_RETURN(right, ResolveUnknown(std::move(right), pos));
  }
  auto fn = exec::ResolveBinaryOperator(op, left->type(), right->type());
  if (!fn.ok()) return fn.status().WithSqlState(fn.status().sqlstate(), CharPos(pos));
  std::vector<BoundPtr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  return CallResolved(std::move(fn).value(), std::move(args), pos, {left_pos, right_pos});
}

Result<BoundPtr> Binder::Impl::BindIsTest(const IsTestExpr& e, ExprCtx& ctx) {
  DS_ASSIGN_OR_RETURN(BoundPtr operand, Bind(*e.operand, ctx));
  if (e.test == IsTestKind::kNull) return Fold(exec::MakeIsNull(std::move(operand), e.negated));
  const char* what = e.test == IsTestKind::kTrue    ? "IS TRUE"
                     : e.test == IsTestKind::kFalse ? "IS FALSE"
                                                    : "IS UNKNOWN";
  DS_ASSIGN_OR_RETURN(operand, CoerceBoolean(std::move(operand), what, e.operand->pos));
  exec::BoolTest test = e.test == IsTestKind::kTrue    ? exec::BoolTest::kTrue
                        : e.test == IsTestKind::kFalse ? exec::BoolTest::kFalse
                                                       : exec::BoolTest::kUnknown;
  return Fold(exec::MakeIsBool(std::move(operand), test, e.negated));
}

Result<BoundPtr> Binder::Impl::BindBetween(const BetweenExpr& e, ExprCtx& ctx) {
  // x BETWEEN a AND b is x >= a AND x <= b (SYMMETRIC also tries the bounds swapped).
  auto range = [&](const Expr& lo, const Expr& hi) -> Result<BoundPtr> {
    DS_ASSIGN_OR_RETURN(BoundPtr x1, Bind(*e.operand, ctx));
    DS_ASSIGN_OR_RETURN(BoundPtr l, Bind(lo, ctx));
    DS_ASSIGN_OR_RETURN(BoundPtr ge, BindOperator(exec::BinaryOperator::kGtEq, std::move(x1),
                                                  std::move(l), e.pos, e.operand->pos, lo.pos));
    DS_ASSIGN_OR_RETURN(BoundPtr x2, Bind(*e.operand, ctx));
    DS_ASSIGN_OR_RETURN(BoundPtr h, Bind(hi, ctx));
    DS_ASSIGN_OR_RETURN(BoundPtr le, BindOperator(exec::BinaryOperator::kLtEq, std::move(x2),
                                                  std::move(h), e.pos, e.operand->pos, hi.pos));
    std::vector<BoundPtr> both;
    both.push_back(std::move(ge));
    both.push_back(std::move(le));
    return exec::MakeAnd(std::move(both));
  };
  DS_ASSIGN_OR_RETURN(BoundPtr result, range(*e.low, *e.high));
  if (e.symmetric) {
    DS_ASSIGN_OR_RETURN(BoundPtr swapped, range(*e.high, *e.low));
    std::vector<BoundPtr> either;
    either.push_back(std::move(result));
    either.push_back(std::move(swapped));
    result = exec::MakeOr(std::move(either));
  }
  if (e.negated) result = exec::MakeNot(std::move(result));
  return Fold(std::move(result));
}

Result<BoundPtr> Binder::Impl::BindInList(const InListExpr& e, ExprCtx& ctx) {
  std::vector<const Expr*> items{e.operand.get()};
  for (const auto& item : e.list) items.push_back(item.get());
  DataType common;
  DS_ASSIGN_OR_RETURN(auto bound, BindCommon(items, ctx, "IN", e.pos, &common));
  BoundPtr operand = std::move(bound[0]);
  std::vector<BoundPtr> list;
  for (size_t i = 1; i < bound.size(); ++i) list.push_back(std::move(bound[i]));
  return Fold(exec::MakeInList(std::move(operand), std::move(list), e.negated));
}

Result<BoundPtr> Binder::Impl::BindLike(const LikeExpr& e, ExprCtx& ctx) {
  DS_ASSIGN_OR_RETURN(BoundPtr operand, Bind(*e.operand, ctx));
  DS_ASSIGN_OR_RETURN(BoundPtr pattern, Bind(*e.pattern, ctx));
  const DataType text(TypeId::kVarchar);
  auto is_text = [](const DataType& t) {
    return t.id() == TypeId::kVarchar || t.id() == TypeId::kUnknown;
  };
  if (!is_text(operand->type()) || !is_text(pattern->type())) {
    std::string op = e.case_insensitive ? "~~*" : "~~";
    if (e.negated) op = "!" + op;
    return ErrorAt(e.pos, "42883",
                   "operator does not exist: " + TypeText(operand->type()) + " " + op + " " +
                       TypeText(pattern->type()) +
                       "\nHINT: No operator matches the given name and argument types. You "
                       "might need to add explicit type casts.");
  }
  DS_ASSIGN_OR_RETURN(operand, Coerce(std::move(operand), text, types::CastContext::kImplicit,
                                      e.operand->pos));
  DS_ASSIGN_OR_RETURN(pattern, Coerce(std::move(pattern), text, types::CastContext::kImplicit,
                                      e.pattern->pos));
  BoundPtr escape;
  if (e.escape) {
    DS_ASSIGN_OR_RETURN(escape, Bind(*e.escape, ctx));
    DS_ASSIGN_OR_RETURN(escape, Coerce(std::move(escape), text, types::CastContext::kImplicit,
                                       e.escape->pos));
  }
  return Fold(exec::MakeLike(std::move(operand), std::move(pattern), std::move(escape),
                             e.case_insensitive, e.negated));
}

Result<BoundPtr> Binder::Impl::BindCast(const CastExpr& e, ExprCtx& ctx) {
  // ARRAY[]::int[] is an empty array of the cast's type.
  if (e.operand->kind == ExprKind::kArray && e.operand->As<ArrayExpr>().items.empty() &&
      e.type.type.id() == TypeId::kList) {
    return exec::MakeLiteral(Value::List({}), e.type.type);
  }
  DS_ASSIGN_OR_RETURN(BoundPtr operand, Bind(*e.operand, ctx));
  return Coerce(std::move(operand), e.type.type, types::CastContext::kExplicit, e.pos);
}

Result<BoundPtr> Binder::Impl::BindSubscript(const SubscriptExpr& e, ExprCtx& ctx) {
  DS_ASSIGN_OR_RETURN(BoundPtr base, Bind(*e.base, ctx));
  if (base->type().id() != TypeId::kList) {
    return ErrorAt(e.pos, "42804",
                   "cannot subscript type " + TypeText(base->type()) +
                       " because it does not support subscripting");
  }
  auto bind_index = [&](const ExprPtr& ast) -> Result<BoundPtr> {
    DS_ASSIGN_OR_RETURN(BoundPtr idx, Bind(*ast, ctx));
    if (idx->type().id() == TypeId::kUnknown) {
      return Coerce(std::move(idx), TypeId::kInt32, types::CastContext::kImplicit, ast->pos);
    }
    if (!idx->type().is_integer()) {
      return ErrorAt(ast->pos, "42804", "array subscript must have type integer");
    }
    return idx;
  };
  if (!e.is_slice) {
    DS_ASSIGN_OR_RETURN(BoundPtr index, bind_index(e.index));
    return Fold(exec::MakeSubscript(std::move(base), std::move(index)));
  }
  BoundPtr lower, upper;
  if (e.index) {
    DS_ASSIGN_OR_RETURN(lower, bind_index(e.index));
  }
  if (e.upper) {
    DS_ASSIGN_OR_RETURN(upper, bind_index(e.upper));
  }
  return Fold(exec::MakeSlice(std::move(base), std::move(lower), std::move(upper)));
}

Result<BoundPtr> Binder::Impl::BindFieldAccess(const FieldAccessExpr& e, ExprCtx& ctx) {
  DS_ASSIGN_OR_RETURN(BoundPtr base, Bind(*e.base, ctx));
  const DataType& t = base->type();
  if (t.id() != TypeId::kStruct) {
    return ErrorAt(e.field.pos, "42809",
                   "column notation ." + e.field.name + " applied to type " + TypeText(t) +
                       ", which is not a composite type");
  }
  for (size_t f = 0; f < t.fields().size(); ++f) {
    if (t.fields()[f].name == e.field.name) {
      return Fold(exec::MakeField(std::move(base), static_cast<int>(f)));
    }
  }
  return ErrorAt(e.field.pos, "42703",
                 "column \"" + e.field.name + "\" not found in data type " + t.ToString());
}

Result<BoundPtr> Binder::Impl::BindRow(const RowExpr& e, ExprCtx& ctx) {
  std::vector<BoundPtr> items;
  std::vector<std::pair<std::string, DataType>> fields;
  for (size_t i = 0; i < e.items.size(); ++i) {
    // Untyped members stay untyped until the row meets its context (see Coerce).
    DS_ASSIGN_OR_RETURN(BoundPtr item, Bind(*e.items[i], ctx));
    fields.emplace_back("f" + std::to_string(i + 1), item->type());
    items.push_back(std::move(item));
  }
  return Fold(exec::MakeRow(std::move(items), DataType::Struct(std::move(fields))));
}

Result<BoundPtr> Binder::Impl::BindArray(const ArrayExpr& e, ExprCtx& ctx) {
  if (e.items.empty()) {
    return ErrorAt(e.pos, "42P18",
                   "cannot determine type of empty array\nHINT: Explicitly cast to the desired "
                   "type, for example ARRAY[]::integer[].");
  }
  std::vector<BoundPtr> bound;
  DataType common;
  for (const auto& item : e.items) {
    DS_ASSIGN_OR_RETURN(BoundPtr b, Bind(*item, ctx));
    auto next = types::CommonSupertype(common, b->type());
    if (!next.ok()) {
      return ErrorAt(item->pos, "42804", "ARRAY types " + common.ToString() + " and " +
                                             b->type().ToString() + " cannot be matched");
    }
    common = *next;
    bound.push_back(std::move(b));
  }
  // ARRAY['a', NULL] stays untyped until its context decides (see Coerce).
  if (!internal::ContainsUnknown(common)) {
    for (size_t i = 0; i < bound.size(); ++i) {
      DS_ASSIGN_OR_RETURN(bound[i], Coerce(std::move(bound[i]), common,
                                           types::CastContext::kImplicit, e.items[i]->pos));
    }
  }
  return Fold(exec::MakeArray(std::move(bound), DataType::List(common)));
}

Result<BoundPtr> Binder::Impl::BindCase(const CaseExpr& e, ExprCtx& ctx) {
  std::vector<BoundPtr> conditions;
  for (const WhenClause& w : e.whens) {
    BoundPtr cond;
    if (e.operand) {
      DS_ASSIGN_OR_RETURN(BoundPtr x, Bind(*e.operand, ctx));
      DS_ASSIGN_OR_RETURN(BoundPtr v, Bind(*w.condition, ctx));
      DS_ASSIGN_OR_RETURN(cond, BindOperator(exec::BinaryOperator::kEq, std::move(x), std::move(v),
                                             w.condition->pos, e.operand->pos, w.condition->pos));
    } else {
      DS_ASSIGN_OR_RETURN(cond, Bind(*w.condition, ctx));
      DS_ASSIGN_OR_RETURN(cond, CoerceBoolean(std::move(cond), "CASE/WHEN", w.condition->pos));
    }
    conditions.push_back(std::move(cond));
  }
  std::vector<const Expr*> results;
  for (const WhenClause& w : e.whens) results.push_back(w.result.get());
  if (e.else_result) results.push_back(e.else_result.get());
  DataType common;
  DS_ASSIGN_OR_RETURN(auto bound, BindCommon(results, ctx, "CASE", e.pos, &common));
  std::vector<std::pair<BoundPtr, BoundPtr>> whens;
  for (size_t i = 0; i < conditions.size(); ++i) {
    whens.emplace_back(std::move(conditions[i]), std::move(bound[i]));
  }
  BoundPtr else_result = e.else_result ? std::move(bound.back()) : nullptr;
  return Fold(exec::MakeCase(std::move(whens), std::move(else_result), common));
}

Result<std::vector<BoundPtr>> Binder::Impl::BindCommon(const std::vector<const Expr*>& items,
                                                      ExprCtx& ctx, const char* construct,
                                                      uint32_t pos, DataType* common) {
  std::vector<BoundPtr> bound;
  *common = DataType();
  for (const Expr* item : items) {
    DS_ASSIGN_OR_RETURN(BoundPtr b, Bind(*item, ctx));
    auto next = types::CommonSupertype(*common, b->type());
    if (!next.ok()) {
      return ErrorAt(item->pos, "42804",
                     std::string(construct) + " types " + common->ToString() + " and " +
                         b->type().ToString() + " cannot be matched");
    }
    *common = *next;
    bound.push_back(std::move(b));
  }
  *common = internal::ResolveUnknownType(*common);
  for (size_t i = 0; i < bound.size(); ++i) {
    DS_ASSIGN_OR_RETURN(bound[i], Coerce(std::move(bound[i]), *common,
                                         types::CastContext::kImplicit, items[i]->pos));
  }
  return bound;
}

}  // namespace dynasink::sql
