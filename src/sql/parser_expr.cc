// Expressions: precedence climbing over PostgreSQL's operator table (parser.h), then postfix
// operators and primaries by recursive descent. Calls and SQL's special call syntaxes are in
// parser_expr_forms.cc.
#include <fmt/format.h>

#include <charconv>

#include "sql/parser_internal.h"

namespace dynasink::sql {

namespace {

// What the token at the cursor does as an infix (or postfix) operator.
enum class InfixKind : uint8_t {
  kNone,
  kBinary,
  kIs,       // IS [NOT] ...
  kIsNull,   // ISNULL
  kNotNull,  // NOTNULL
  kBetween,  // [NOT] BETWEEN
  kIn,       // [NOT] IN
  kLike,     // [NOT] LIKE
  kILike,    // [NOT] ILIKE
  kAtTimeZone,
};

struct InfixInfo {
  InfixKind kind = InfixKind::kNone;
  int prec = kPrecLowest;
  BinaryOp op = BinaryOp::kEq;
  bool negated = false;  // NOT BETWEEN / NOT IN / NOT LIKE
};

bool IsNonAssociative(int prec) {
  return prec == kPrecIs || prec == kPrecCompare || prec == kPrecPredicate;
}

InfixInfo Binary(int prec, BinaryOp op) {
  return InfixInfo{InfixKind::kBinary, prec, op, false};
}

// The words that may begin a type in a typed literal (`date '2020-01-01'`). Type names are not
// keywords, so this list keeps the speculative type parse away from ordinary column names.
bool IsTypeStartWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "bool",   "boolean",   "smallint",    "int2",     "integer", "int",    "int4",   "bigint",
      "int8",   "numeric",   "decimal",     "dec",      "real",    "float",  "float4", "float8",
      "double", "varchar",   "character",   "char",     "text",    "string", "bytea",  "date",
      "time",   "timestamp", "timestamptz", "interval", "jsonb",   "json",   "serial"};
  for (std::string_view word : kWords) {
    if (word == w) return true;
  }
  return false;
}

bool IsIntervalUnit(const Token& t) {
  if (!t.Is(TokenKind::kWord)) return false;
  return t.text == "year" || t.text == "month" || t.text == "day" || t.text == "hour" ||
         t.text == "minute" || t.text == "second";
}

}  // namespace

Result<ExprPtr> Parser::ParseExpr(int min_prec) {
  DepthGuard guard(this);
  DS_RETURN_IF_ERROR(guard.Check());
  DS_ASSIGN_OR_RETURN(ExprPtr left, ParsePrefix());
  return ParseInfix(std::move(left), min_prec);
}

Result<ExprPtr> Parser::ParsePrefix() {
  const Token& t = Peek();
  if (t.IsKeyword(Keyword::kNot)) {
    Next();
    // NOT's operand takes every operator that binds tighter than NOT: NOT a = b is NOT (a = b).
    DS_ASSIGN_OR_RETURN(ExprPtr operand, ParseExpr(kPrecNot + 1));
    auto node = std::make_unique<UnaryExpr>(t.offset);
    node->op = UnaryOp::kNot;
    node->operand = std::move(operand);
    return ExprPtr(std::move(node));
  }
  if (t.Is(TokenKind::kMinus) || t.Is(TokenKind::kPlus)) {
    const bool minus = t.Is(TokenKind::kMinus);
    const uint32_t pos = t.offset;
    Next();
    DepthGuard guard(this);
    DS_RETURN_IF_ERROR(guard.Check());
    DS_ASSIGN_OR_RETURN(ExprPtr operand, ParsePrefix());
    if (minus && operand->kind == ExprKind::kLiteral) {
      auto& literal = operand->As<LiteralExpr>();
      if (literal.literal_kind == LiteralKind::kInteger ||
          literal.literal_kind == LiteralKind::kDecimal) {
        // Fold the sign into the constant, as PostgreSQL's grammar does.
        if (!literal.value.empty() && literal.value[0] == '-') {
          literal.value.erase(0, 1);
        } else {
          literal.value.insert(0, 1, '-');
        }
        literal.pos = pos;
        return operand;
      }
    }
    auto node = std::make_unique<UnaryExpr>(pos);
    node->op = minus ? UnaryOp::kMinus : UnaryOp::kPlus;
    node->operand = std::move(operand);
    return ExprPtr(std::move(node));
  }
  bool parenthesized = false;
  DS_ASSIGN_OR_RETURN(ExprPtr primary, ParsePrimary(&parenthesized));
  return ParsePostfix(std::move(primary), parenthesized);
}

Result<ExprPtr> Parser::ParseInfix(ExprPtr left, int min_prec) {
  int last_nonassoc = -1;
  while (true) {
    const Token& t = Peek();
    InfixInfo info;
    switch (t.kind) {
      case TokenKind::kEq:
        info = Binary(kPrecCompare, BinaryOp::kEq);
        break;
      case TokenKind::kNotEq:
        info = Binary(kPrecCompare, BinaryOp::kNotEq);
        break;
      case TokenKind::kLt:
        info = Binary(kPrecCompare, BinaryOp::kLt);
        break;
      case TokenKind::kLtEq:
        info = Binary(kPrecCompare, BinaryOp::kLtEq);
        break;
      case TokenKind::kGt:
        info = Binary(kPrecCompare, BinaryOp::kGt);
        break;
      case TokenKind::kGtEq:
        info = Binary(kPrecCompare, BinaryOp::kGtEq);
        break;
      case TokenKind::kConcat:
        info = Binary(kPrecOther, BinaryOp::kConcat);
        break;
      case TokenKind::kArrow:
        info = Binary(kPrecOther, BinaryOp::kJsonGet);
        break;
      case TokenKind::kLongArrow:
        info = Binary(kPrecOther, BinaryOp::kJsonGetText);
        break;
      case TokenKind::kAtGt:
        info = Binary(kPrecOther, BinaryOp::kContains);
        break;
      case TokenKind::kLtAt:
        info = Binary(kPrecOther, BinaryOp::kContainedBy);
        break;
      case TokenKind::kPlus:
        info = Binary(kPrecAdd, BinaryOp::kAdd);
        break;
      case TokenKind::kMinus:
        info = Binary(kPrecAdd, BinaryOp::kSub);
        break;
      case TokenKind::kStar:
        info = Binary(kPrecMul, BinaryOp::kMul);
        break;
      case TokenKind::kSlash:
        info = Binary(kPrecMul, BinaryOp::kDiv);
        break;
      case TokenKind::kPercent:
        info = Binary(kPrecMul, BinaryOp::kMod);
        break;
      case TokenKind::kCaret:
        info = Binary(kPrecPow, BinaryOp::kPow);
        break;
      case TokenKind::kWord:
        switch (t.keyword) {
          case Keyword::kOr:
            info = Binary(kPrecOr, BinaryOp::kOr);
            break;
          case Keyword::kAnd:
            info = Binary(kPrecAnd, BinaryOp::kAnd);
            break;
          case Keyword::kIs:
            info = {InfixKind::kIs, kPrecIs};
            break;
          case Keyword::kIsnull:
            info = {InfixKind::kIsNull, kPrecIs};
            break;
          case Keyword::kNotnull:
            info = {InfixKind::kNotNull, kPrecIs};
            break;
          case Keyword::kBetween:
            info = {InfixKind::kBetween, kPrecPredicate};
            break;
          case Keyword::kIn:
            info = {InfixKind::kIn, kPrecPredicate};
            break;
          case Keyword::kLike:
            info = {InfixKind::kLike, kPrecPredicate};
            break;
          case Keyword::kIlike:
            info = {InfixKind::kILike, kPrecPredicate};
            break;
          case Keyword::kNot: {
            const Token& n = Peek(1);
            if (n.IsKeyword(Keyword::kBetween)) info = {InfixKind::kBetween, kPrecPredicate};
            if (n.IsKeyword(Keyword::kIn)) info = {InfixKind::kIn, kPrecPredicate};
            if (n.IsKeyword(Keyword::kLike)) info = {InfixKind::kLike, kPrecPredicate};
            if (n.IsKeyword(Keyword::kIlike)) info = {InfixKind::kILike, kPrecPredicate};
            info.negated = info.kind != InfixKind::kNone;
            break;
          }
          case Keyword::kAt:
            if (Peek(1).IsWord("time") && Peek(2).IsWord("zone")) {
              info = {InfixKind::kAtTimeZone, kPrecAtTimeZone};
            }
            break;
          default:
            break;
        }
        break;
      default:
        break;
    }
    if (info.kind == InfixKind::kNone || info.prec < min_prec) break;
    if (IsNonAssociative(info.prec) && info.prec == last_nonassoc) return SyntaxErrorAt(t);
    last_nonassoc = IsNonAssociative(info.prec) ? info.prec : -1;

    const uint32_t pos = t.offset;
    if (info.negated) Next();  // NOT of NOT IN / NOT LIKE / NOT BETWEEN
    Next();                    // the operator
    switch (info.kind) {
      case InfixKind::kNone:
        break;
      case InfixKind::kBinary: {
        DS_ASSIGN_OR_RETURN(ExprPtr right, ParseExpr(info.prec + 1));
        left = std::make_unique<BinaryExpr>(pos, info.op, std::move(left), std::move(right));
        break;
      }
      case InfixKind::kIs: {
        const bool negated = AcceptKeyword(Keyword::kNot);
        const Token& what = Peek();
        if (what.IsKeyword(Keyword::kDistinct)) {
          Next();
          DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kFrom));
          DS_ASSIGN_OR_RETURN(ExprPtr right, ParseExpr(kPrecIs + 1));
          auto node = std::make_unique<IsDistinctFromExpr>(pos);
          node->left = std::move(left);
          node->right = std::move(right);
          node->negated = negated;
          left = std::move(node);
          break;
        }
        IsTestKind test;
        if (what.IsKeyword(Keyword::kNull)) {
          test = IsTestKind::kNull;
        } else if (what.IsKeyword(Keyword::kTrue)) {
          test = IsTestKind::kTrue;
        } else if (what.IsKeyword(Keyword::kFalse)) {
          test = IsTestKind::kFalse;
        } else if (what.IsKeyword(Keyword::kUnknown)) {
          test = IsTestKind::kUnknown;
        } else {
          return SyntaxError();
        }
        Next();
        auto node = std::make_unique<IsTestExpr>(pos);
        node->operand = std::move(left);
        node->test = test;
        node->negated = negated;
        left = std::move(node);
        break;
      }
      case InfixKind::kIsNull:
      case InfixKind::kNotNull: {
        auto node = std::make_unique<IsTestExpr>(pos);
        node->operand = std::move(left);
        node->test = IsTestKind::kNull;
        node->negated = info.kind == InfixKind::kNotNull;
        left = std::move(node);
        break;
      }
      case InfixKind::kBetween: {
        auto node = std::make_unique<BetweenExpr>(pos);
        node->negated = info.negated;
        if (AcceptKeyword(Keyword::kSymmetric)) {
          node->symmetric = true;
        } else {
          AcceptKeyword(Keyword::kAsymmetric);
        }
        DS_ASSIGN_OR_RETURN(node->low, ParseExpr(kPrecPredicate + 1));
        DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kAnd));
        DS_ASSIGN_OR_RETURN(node->high, ParseExpr(kPrecPredicate + 1));
        node->operand = std::move(left);
        left = std::move(node);
        break;
      }
      case InfixKind::kIn: {
        DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
        if (AtQueryStart(false)) {
          auto node = std::make_unique<InSubqueryExpr>(pos);
          DS_ASSIGN_OR_RETURN(node->query, ParseQuery());
          DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
          node->operand = std::move(left);
          node->negated = info.negated;
          left = std::move(node);
          break;
        }
        auto node = std::make_unique<InListExpr>(pos);
        DS_ASSIGN_OR_RETURN(node->list, ParseExprList());
        DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        node->operand = std::move(left);
        node->negated = info.negated;
        left = std::move(node);
        break;
      }
      case InfixKind::kLike:
      case InfixKind::kILike: {
        auto node = std::make_unique<LikeExpr>(pos);
        node->negated = info.negated;
        node->case_insensitive = info.kind == InfixKind::kILike;
        DS_ASSIGN_OR_RETURN(node->pattern, ParseExpr(kPrecPredicate + 1));
        if (AcceptKeyword(Keyword::kEscape)) {
          DS_ASSIGN_OR_RETURN(node->escape, ParseExpr(kPrecPredicate + 1));
        }
        node->operand = std::move(left);
        left = std::move(node);
        break;
      }
      case InfixKind::kAtTimeZone: {
        Next();  // TIME
        Next();  // ZONE
        DS_ASSIGN_OR_RETURN(ExprPtr zone, ParseExpr(kPrecAtTimeZone + 1));
        ExprList args;
        args.push_back(std::move(zone));
        args.push_back(std::move(left));
        left = MakeFunctionCall(pos, "timezone", std::move(args));
        break;
      }
    }
  }
  return left;
}

Result<ExprPtr> Parser::ParsePostfix(ExprPtr expr, bool field_access_ok) {
  while (true) {
    const Token& t = Peek();
    if (t.Is(TokenKind::kDoubleColon)) {
      Next();
      auto node = std::make_unique<CastExpr>(t.offset);
      DS_ASSIGN_OR_RETURN(node->type, ParseType());
      node->operand = std::move(expr);
      node->syntax = CastSyntax::kDoubleColon;
      expr = std::move(node);
      field_access_ok = false;
    } else if (t.Is(TokenKind::kLBracket)) {
      Next();
      auto node = std::make_unique<SubscriptExpr>(t.offset);
      if (!Peek().Is(TokenKind::kColon)) {
        DS_ASSIGN_OR_RETURN(node->index, ParseExpr());
      }
      if (Accept(TokenKind::kColon)) {
        node->is_slice = true;
        if (!Peek().Is(TokenKind::kRBracket)) {
          DS_ASSIGN_OR_RETURN(node->upper, ParseExpr());
        }
      }
      DS_RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
      node->base = std::move(expr);
      expr = std::move(node);
      field_access_ok = true;
    } else if (t.Is(TokenKind::kDot) && field_access_ok) {
      Next();
      auto node = std::make_unique<FieldAccessExpr>(t.offset);
      DS_ASSIGN_OR_RETURN(node->field, ParseColLabel());
      node->base = std::move(expr);
      expr = std::move(node);
    } else {
      return expr;
    }
  }
}

Result<ExprPtr> Parser::ParsePrimary(bool* parenthesized) {
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kInteger:
      Next();
      return ExprPtr(
          std::make_unique<LiteralExpr>(t.offset, LiteralKind::kInteger, std::string(t.text)));
    case TokenKind::kDecimal:
      Next();
      return ExprPtr(
          std::make_unique<LiteralExpr>(t.offset, LiteralKind::kDecimal, std::string(t.text)));
    case TokenKind::kString:
      Next();
      return ExprPtr(
          std::make_unique<LiteralExpr>(t.offset, LiteralKind::kString, std::string(t.text)));
    case TokenKind::kParam: {
      Next();
      int index = 0;
      auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), index);
      if (ec != std::errc() || end != t.text.data() + t.text.size() || index < 1 || index > 65535) {
        return ErrorAt(t.offset, "42P02", fmt::format("there is no parameter ${}", t.text));
      }
      auto node = std::make_unique<ParameterExpr>(t.offset);
      node->index = index;
      return ExprPtr(std::move(node));
    }
    case TokenKind::kLParen:
      *parenthesized = true;
      return ParseParenthesized();
    case TokenKind::kQuotedIdent:
      return ParseNameOrCall();
    case TokenKind::kWord:
      break;
    default:
      return SyntaxError();
  }
  const bool call_follows = Peek(1).Is(TokenKind::kLParen);
  switch (t.keyword) {
    case Keyword::kNull:
      Next();
      return ExprPtr(std::make_unique<LiteralExpr>(t.offset, LiteralKind::kNull, std::string()));
    case Keyword::kTrue:
    case Keyword::kFalse:
      Next();
      return ExprPtr(
          std::make_unique<LiteralExpr>(t.offset, LiteralKind::kBoolean, std::string(t.text)));
    case Keyword::kCase:
      return ParseCase();
    case Keyword::kCast:
      return ParseCast();
    case Keyword::kArray:
      Next();
      if (Peek().Is(TokenKind::kLBracket)) return ParseArrayConstructor(t.offset);
      if (Peek().Is(TokenKind::kLParen)) {
        return NotSupportedAt(t.offset, "ARRAY(subquery) is not supported; use ARRAY[...]");
      }
      return SyntaxError();
    case Keyword::kRow:
      if (!call_follows) break;
      {
        Next();
        Next();  // (
        auto node = std::make_unique<RowExpr>(t.offset);
        node->explicit_row = true;
        if (!Peek().Is(TokenKind::kRParen)) {
          DS_ASSIGN_OR_RETURN(node->items, ParseExprList());
        }
        DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        return ExprPtr(std::move(node));
      }
    case Keyword::kExists:
      if (!call_follows) break;
      {
        Next();
        Next();  // (
        if (!AtQueryStart(true)) return SyntaxError();
        auto node = std::make_unique<ExistsExpr>(t.offset);
        DS_ASSIGN_OR_RETURN(node->query, ParseQuery());
        DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        return ExprPtr(std::move(node));
      }
    case Keyword::kExtract:
      if (call_follows) return ParseExtract();
      break;
    case Keyword::kSubstring:
      if (call_follows) return ParseSubstring();
      break;
    case Keyword::kPosition:
      if (call_follows) return ParsePosition();
      break;
    case Keyword::kTrim:
      if (call_follows) return ParseTrim();
      break;
    case Keyword::kCurrentDate:
    case Keyword::kCurrentTime:
    case Keyword::kCurrentTimestamp:
    case Keyword::kLocaltime:
    case Keyword::kLocaltimestamp:
    case Keyword::kCurrentUser:
    case Keyword::kCurrentRole:
    case Keyword::kSessionUser:
    case Keyword::kUser:
    case Keyword::kCurrentCatalog:
    case Keyword::kCurrentSchema:
      return ParseSqlValue();
    case Keyword::kNone:
      if (IsTypeStartWord(t.text) &&
          (Peek(1).Is(TokenKind::kString) || Peek(1).Is(TokenKind::kWord))) {
        DS_ASSIGN_OR_RETURN(ExprPtr literal, TryParseTypedLiteral());
        if (literal) return literal;
      }
      break;
    default:
      break;
  }
  return ParseNameOrCall();
}

Result<ExprPtr> Parser::TryParseTypedLiteral() {
  const size_t saved_pos = pos_;
  const uint32_t saved_end = last_end_;
  const uint32_t start = Peek().offset;
  // A word directly followed by a string can only be a typed literal: report its type's error
  // (e.g. `json '{}'`) instead of a syntax error at the string.
  const bool certain = Peek(1).Is(TokenKind::kString);
  Result<TypeName> type = ParseType();
  if (!type.ok() && certain) return type.status();
  if (!type.ok() || !Peek().Is(TokenKind::kString)) {
    pos_ = saved_pos;
    last_end_ = saved_end;
    return ExprPtr();
  }
  const Token& value = Next();
  auto node = std::make_unique<TypedLiteralExpr>(start);
  node->type = std::move(type).value();
  node->value = std::string(value.text);
  if (node->type.type.id() == types::TypeId::kInterval && IsIntervalUnit(Peek())) {
    node->interval_qualifier = std::string(Next().text);
    if (Peek().IsKeyword(Keyword::kTo) && IsIntervalUnit(Peek(1))) {
      Next();
      node->interval_qualifier += " to ";
      node->interval_qualifier += Next().text;
    }
  }
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::ParseParenthesized() {
  const Token& open = Next();
  if (AtQueryStart(false)) {
    auto node = std::make_unique<SubqueryExpr>(open.offset);
    DS_ASSIGN_OR_RETURN(node->query, ParseQuery());
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return ExprPtr(std::move(node));
  }
  DS_ASSIGN_OR_RETURN(ExprPtr first, ParseExpr());
  if (Accept(TokenKind::kComma)) {
    auto row = std::make_unique<RowExpr>(open.offset);
    row->items.push_back(std::move(first));
    DS_ASSIGN_OR_RETURN(ExprList rest, ParseExprList());
    for (auto& item : rest)
      row->items.push_back(std::move(item));
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return ExprPtr(std::move(row));
  }
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return first;
}

Result<ExprPtr> Parser::ParseNameOrCall() {
  const Token& t = Peek();
  if (t.Is(TokenKind::kWord)) {
    KeywordCategory category = KeywordCategoryOf(t.keyword);
    if ((t.IsKeyword(Keyword::kAny) || t.IsKeyword(Keyword::kAll) || t.IsKeyword(Keyword::kSome)) &&
        Peek(1).Is(TokenKind::kLParen)) {
      const char* quantifier = t.IsKeyword(Keyword::kAny)   ? "ANY"
                               : t.IsKeyword(Keyword::kAll) ? "ALL"
                                                            : "SOME";
      return NotSupportedAt(
          t.offset, fmt::format("{}(...) comparisons are not supported; use IN", quantifier));
    }
    if (category == KeywordCategory::kReserved) return SyntaxError();
    // LEFT, RIGHT, ... name functions but never columns.
    if (category == KeywordCategory::kTypeFunc && !Peek(1).Is(TokenKind::kLParen)) {
      return SyntaxError();
    }
  } else if (!t.Is(TokenKind::kQuotedIdent)) {
    return SyntaxError();
  }
  Next();
  ObjectName name;
  name.pos = t.offset;
  name.parts.push_back(Ident{std::string(t.text), t.offset});
  while (Peek().Is(TokenKind::kDot)) {
    if (Peek(1).Is(TokenKind::kStar)) {
      Next();
      Next();
      auto star = std::make_unique<StarExpr>(t.offset);
      star->qualifier = std::move(name.parts);
      return ExprPtr(std::move(star));
    }
    if (!AtColLabel(1)) {
      Next();
      return SyntaxError();
    }
    Next();
    DS_ASSIGN_OR_RETURN(Ident part, ParseColLabel());
    name.parts.push_back(std::move(part));
  }
  if (Peek().Is(TokenKind::kLParen)) return ParseFunctionArgs(std::move(name));
  auto ref = std::make_unique<ColumnRefExpr>(t.offset);
  ref->parts = std::move(name.parts);
  return ExprPtr(std::move(ref));
}

Result<ExprList> Parser::ParseExprList() {
  ExprList list;
  do {
    DS_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr());
    list.push_back(std::move(expr));
  } while (Accept(TokenKind::kComma));
  return list;
}

Result<std::vector<OrderByItem>> Parser::ParseOrderByList() {
  std::vector<OrderByItem> items;
  do {
    OrderByItem item;
    DS_ASSIGN_OR_RETURN(item.expr, ParseExpr());
    if (AcceptKeyword(Keyword::kAsc)) {
      item.direction = SortDirection::kAsc;
    } else if (AcceptKeyword(Keyword::kDesc)) {
      item.direction = SortDirection::kDesc;
    }
    if (AcceptKeyword(Keyword::kNulls)) {
      if (AcceptKeyword(Keyword::kFirst)) {
        item.nulls = NullsOrder::kFirst;
      } else if (AcceptKeyword(Keyword::kLast)) {
        item.nulls = NullsOrder::kLast;
      } else {
        return SyntaxError();
      }
    }
    items.push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  return items;
}

Result<ExprPtr> Parser::ParseExprOrDefault() {
  if (Peek().IsKeyword(Keyword::kDefault)) {
    return ExprPtr(std::make_unique<DefaultExpr>(Next().offset));
  }
  return ParseExpr();
}

}  // namespace dynasink::sql
