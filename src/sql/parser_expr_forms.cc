// Function calls and the expression forms with their own syntax: CASE, CAST, ARRAY[...],
// EXTRACT, SUBSTRING, POSITION, TRIM and the SQL-standard niladic values (CURRENT_DATE, ...).
// The special call syntaxes become ordinary calls, as ast_expr.h describes.
#include <charconv>

#include "sql/parser_internal.h"

namespace dynasink::sql {

ExprPtr MakeFunctionCall(uint32_t pos, std::string name, ExprList args) {
  auto call = std::make_unique<FunctionCallExpr>(pos);
  call->name.pos = pos;
  call->name.parts.push_back(Ident{std::move(name), pos});
  call->args = std::move(args);
  return call;
}

Result<ExprPtr> Parser::ParseFunctionArgs(ObjectName name) {
  auto call = std::make_unique<FunctionCallExpr>(name.pos);
  call->name = std::move(name);
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  if (Peek().Is(TokenKind::kStar) && Peek(1).Is(TokenKind::kRParen)) {
    Next();
    call->star = true;
  } else if (!Peek().Is(TokenKind::kRParen)) {
    if (AcceptKeyword(Keyword::kDistinct)) {
      call->distinct = true;
    } else {
      AcceptKeyword(Keyword::kAll);
    }
    DS_ASSIGN_OR_RETURN(call->args, ParseExprList());
    if (Peek().IsKeyword(Keyword::kOrder)) {
      Next();
      DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kBy));
      DS_ASSIGN_OR_RETURN(call->order_by, ParseOrderByList());
    }
  }
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  if (Peek().IsKeyword(Keyword::kFilter) && Peek(1).Is(TokenKind::kLParen)) {
    Next();
    Next();
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kWhere));
    DS_ASSIGN_OR_RETURN(call->filter, ParseExpr());
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  }
  if (Peek().IsWord("over")) {
    return NotSupportedAt(Peek().offset, "window functions (OVER) are not supported");
  }
  return ExprPtr(std::move(call));
}

Result<ExprPtr> Parser::ParseCase() {
  auto node = std::make_unique<CaseExpr>(Next().offset);
  if (!Peek().IsKeyword(Keyword::kWhen)) {
    DS_ASSIGN_OR_RETURN(node->operand, ParseExpr());
  }
  while (AcceptKeyword(Keyword::kWhen)) {
    WhenClause when;
    DS_ASSIGN_OR_RETURN(when.condition, ParseExpr());
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kThen));
    DS_ASSIGN_OR_RETURN(when.result, ParseExpr());
    node->whens.push_back(std::move(when));
  }
  if (node->whens.empty()) return SyntaxError();
  if (AcceptKeyword(Keyword::kElse)) {
    DS_ASSIGN_OR_RETURN(node->else_result, ParseExpr());
  }
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kEnd));
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::ParseCast() {
  auto node = std::make_unique<CastExpr>(Next().offset);
  node->syntax = CastSyntax::kCast;
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  DS_ASSIGN_OR_RETURN(node->operand, ParseExpr());
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kAs));
  DS_ASSIGN_OR_RETURN(node->type, ParseType());
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::ParseArrayConstructor(uint32_t pos) {
  DepthGuard guard(this);
  DS_RETURN_IF_ERROR(guard.Check());
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLBracket));
  auto node = std::make_unique<ArrayExpr>(pos);
  if (!Accept(TokenKind::kRBracket)) {
    do {
      if (Peek().Is(TokenKind::kLBracket)) {
        // Inside ARRAY[...], a bare [...] is a nested array: ARRAY[[1, 2], [3, 4]].
        DS_ASSIGN_OR_RETURN(ExprPtr inner, ParseArrayConstructor(Peek().offset));
        node->items.push_back(std::move(inner));
      } else {
        DS_ASSIGN_OR_RETURN(ExprPtr item, ParseExpr());
        node->items.push_back(std::move(item));
      }
    } while (Accept(TokenKind::kComma));
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
  }
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::ParseExtract() {
  auto node = std::make_unique<ExtractExpr>(Next().offset);
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  const Token& field = Peek();
  if (field.Is(TokenKind::kWord)) {
    node->field = std::string(field.text);
  } else if (field.Is(TokenKind::kString)) {
    node->field = std::string(field.text);
    for (char& c : node->field) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  } else {
    return SyntaxError();
  }
  Next();
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kFrom));
  DS_ASSIGN_OR_RETURN(node->source, ParseExpr());
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::ParseSubstring() {
  const uint32_t pos = Next().offset;
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  ExprList args;
  if (!Peek().Is(TokenKind::kRParen)) {
    DS_ASSIGN_OR_RETURN(ExprPtr source, ParseExpr());
    args.push_back(std::move(source));
    if (Accept(TokenKind::kComma)) {
      DS_ASSIGN_OR_RETURN(ExprList rest, ParseExprList());
      for (auto& arg : rest)
        args.push_back(std::move(arg));
    } else if (Peek().IsKeyword(Keyword::kFrom) || Peek().IsKeyword(Keyword::kFor)) {
      // SQL's SUBSTRING(s FROM a FOR b), in either order, becomes substring(s, a, b).
      ExprPtr from, count;
      for (int i = 0; i < 2; ++i) {
        if (!from && AcceptKeyword(Keyword::kFrom)) {
          DS_ASSIGN_OR_RETURN(from, ParseExpr());
        } else if (!count && AcceptKeyword(Keyword::kFor)) {
          DS_ASSIGN_OR_RETURN(count, ParseExpr());
        }
      }
      if (!from) {
        from = std::make_unique<LiteralExpr>(pos, LiteralKind::kInteger, "1");
      }
      args.push_back(std::move(from));
      if (count) args.push_back(std::move(count));
    }
  }
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return MakeFunctionCall(pos, "substring", std::move(args));
}

Result<ExprPtr> Parser::ParsePosition() {
  const uint32_t pos = Next().offset;
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  // The operands bind tighter than IN, so `a IN b` is not read as an IN list.
  DS_ASSIGN_OR_RETURN(ExprPtr needle, ParseExpr(kPrecPredicate + 1));
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kIn));
  DS_ASSIGN_OR_RETURN(ExprPtr haystack, ParseExpr(kPrecPredicate + 1));
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  ExprList args;
  args.push_back(std::move(haystack));
  args.push_back(std::move(needle));
  return MakeFunctionCall(pos, "position", std::move(args));
}

Result<ExprPtr> Parser::ParseTrim() {
  const uint32_t pos = Next().offset;
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  std::string function = "btrim";
  if (AcceptKeyword(Keyword::kLeading)) {
    function = "ltrim";
  } else if (AcceptKeyword(Keyword::kTrailing)) {
    function = "rtrim";
  } else {
    AcceptKeyword(Keyword::kBoth);
  }
  ExprList args;
  if (AcceptKeyword(Keyword::kFrom)) {
    DS_ASSIGN_OR_RETURN(args, ParseExprList());
  } else {
    DS_ASSIGN_OR_RETURN(ExprPtr first, ParseExpr());
    if (AcceptKeyword(Keyword::kFrom)) {
      // TRIM(chars FROM s) is btrim(s, chars).
      DS_ASSIGN_OR_RETURN(args, ParseExprList());
      args.push_back(std::move(first));
    } else {
      args.push_back(std::move(first));
      if (Accept(TokenKind::kComma)) {
        DS_ASSIGN_OR_RETURN(ExprList rest, ParseExprList());
        for (auto& arg : rest)
          args.push_back(std::move(arg));
      }
    }
  }
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return MakeFunctionCall(pos, std::move(function), std::move(args));
}

Result<ExprPtr> Parser::ParseSqlValue() {
  const Token& t = Next();
  if (t.keyword == Keyword::kCurrentSchema && Peek().Is(TokenKind::kLParen) &&
      Peek(1).Is(TokenKind::kRParen)) {
    Next();
    Next();
    return MakeFunctionCall(t.offset, "current_schema", ExprList());
  }
  auto node = std::make_unique<SqlValueExpr>(t.offset);
  bool takes_precision = false;
  switch (t.keyword) {
    case Keyword::kCurrentDate:
      node->value = SqlValueKind::kCurrentDate;
      break;
    case Keyword::kCurrentTime:
      node->value = SqlValueKind::kCurrentTime;
      takes_precision = true;
      break;
    case Keyword::kCurrentTimestamp:
      node->value = SqlValueKind::kCurrentTimestamp;
      takes_precision = true;
      break;
    case Keyword::kLocaltime:
      node->value = SqlValueKind::kLocalTime;
      takes_precision = true;
      break;
    case Keyword::kLocaltimestamp:
      node->value = SqlValueKind::kLocalTimestamp;
      takes_precision = true;
      break;
    case Keyword::kCurrentUser:
      node->value = SqlValueKind::kCurrentUser;
      break;
    case Keyword::kCurrentRole:
      node->value = SqlValueKind::kCurrentRole;
      break;
    case Keyword::kSessionUser:
      node->value = SqlValueKind::kSessionUser;
      break;
    case Keyword::kUser:
      node->value = SqlValueKind::kUser;
      break;
    case Keyword::kCurrentCatalog:
      node->value = SqlValueKind::kCurrentCatalog;
      break;
    default:
      node->value = SqlValueKind::kCurrentSchema;
      break;
  }
  if (takes_precision && Accept(TokenKind::kLParen)) {
    const Token& p = Peek();
    int precision = -1;
    if (!p.Is(TokenKind::kInteger) ||
        std::from_chars(p.text.data(), p.text.data() + p.text.size(), precision).ec !=
            std::errc() ||
        precision > 6) {
      return SyntaxError();
    }
    Next();
    node->precision = precision;
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  }
  return ExprPtr(std::move(node));
}

}  // namespace dynasink::sql
