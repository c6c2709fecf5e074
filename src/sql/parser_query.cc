// Queries (SELECT, VALUES, set operations, FROM) and DML (INSERT, UPDATE, DELETE).
#include <fmt/format.h>

#include "sql/parser_internal.h"

namespace dynasink::sql {

Result<std::unique_ptr<Query>> Parser::ParseQuery() {
  DepthGuard guard(this);
  DS_RETURN_IF_ERROR(guard.Check());
  auto query = std::make_unique<Query>();
  query->pos = Peek().offset;
  if (AcceptKeyword(Keyword::kWith)) {
    query->with_recursive = AcceptKeyword(Keyword::kRecursive);
    do {
      CommonTableExpr cte;
      DS_ASSIGN_OR_RETURN(cte.name, ParseColId());
      if (Peek().Is(TokenKind::kLParen)) {
        DS_ASSIGN_OR_RETURN(cte.columns, ParseParenIdentList());
      }
      DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kAs));
      DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
      DS_ASSIGN_OR_RETURN(cte.query, ParseQuery());
      DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      query->with.push_back(std::move(cte));
    } while (Accept(TokenKind::kComma));
  }
  DS_ASSIGN_OR_RETURN(query->body, ParseQueryBody(kPrecLowest));
  if (Peek().IsKeyword(Keyword::kOrder)) {
    Next();
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kBy));
    DS_ASSIGN_OR_RETURN(query->order_by, ParseOrderByList());
  }
  // LIMIT and OFFSET, each at most once, in either order.
  bool seen_limit = false, seen_offset = false;
  while (true) {
    if (!seen_limit && AcceptKeyword(Keyword::kLimit)) {
      seen_limit = true;
      if (!AcceptKeyword(Keyword::kAll)) {
        DS_ASSIGN_OR_RETURN(query->limit, ParseExpr());
      }
    } else if (!seen_offset && AcceptKeyword(Keyword::kOffset)) {
      seen_offset = true;
      DS_ASSIGN_OR_RETURN(query->offset, ParseExpr());
      if (!AcceptKeyword(Keyword::kRows)) AcceptWord("row");
    } else {
      break;
    }
  }
  query->span = SourceSpan{query->pos, last_end_};
  return query;
}

Result<QueryBodyPtr> Parser::ParseQueryBody(int min_prec) {
  DS_ASSIGN_OR_RETURN(QueryBodyPtr left, ParseQueryPrimary());
  while (true) {
    const Token& t = Peek();
    int prec;
    SetOperator op;
    if (t.IsKeyword(Keyword::kUnion)) {
      prec = 1;
      op = SetOperator::kUnion;
    } else if (t.IsKeyword(Keyword::kExcept)) {
      prec = 1;
      op = SetOperator::kExcept;
    } else if (t.IsKeyword(Keyword::kIntersect)) {
      prec = 2;  // INTERSECT binds tighter than UNION and EXCEPT
      op = SetOperator::kIntersect;
    } else {
      break;
    }
    if (prec < min_prec) break;
    Next();
    auto node = std::make_unique<SetOperationBody>(t.offset);
    node->op = op;
    if (AcceptKeyword(Keyword::kAll)) {
      node->all = true;
    } else {
      AcceptKeyword(Keyword::kDistinct);
    }
    DS_ASSIGN_OR_RETURN(node->right, ParseQueryBody(prec + 1));
    node->left = std::move(left);
    left = std::move(node);
  }
  return left;
}

Result<QueryBodyPtr> Parser::ParseQueryPrimary() {
  const Token& t = Peek();
  if (t.IsKeyword(Keyword::kSelect)) return ParseSelectBody();
  if (t.IsKeyword(Keyword::kValues)) return ParseValuesBody();
  if (t.Is(TokenKind::kLParen)) {
    Next();
    auto node = std::make_unique<ParenthesizedBody>(t.offset);
    DS_ASSIGN_OR_RETURN(node->query, ParseQuery());
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return QueryBodyPtr(std::move(node));
  }
  return SyntaxError();
}

Result<QueryBodyPtr> Parser::ParseSelectBody() {
  auto body = std::make_unique<SelectBody>(Next().offset);
  if (AcceptKeyword(Keyword::kDistinct)) {
    body->distinct = true;
    if (AcceptKeyword(Keyword::kOn)) {
      DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
      DS_ASSIGN_OR_RETURN(body->distinct_on, ParseExprList());
      DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    }
  } else {
    AcceptKeyword(Keyword::kAll);
  }
  DS_ASSIGN_OR_RETURN(body->items, ParseSelectItems());
  if (AcceptKeyword(Keyword::kFrom)) {
    do {
      DS_ASSIGN_OR_RETURN(TableRefPtr item, ParseFromItem());
      body->from.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
  }
  if (AcceptKeyword(Keyword::kWhere)) {
    DS_ASSIGN_OR_RETURN(body->where, ParseExpr());
  }
  if (Peek().IsKeyword(Keyword::kGroup)) {
    Next();
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kBy));
    DS_ASSIGN_OR_RETURN(body->group_by, ParseExprList());
  }
  if (AcceptKeyword(Keyword::kHaving)) {
    DS_ASSIGN_OR_RETURN(body->having, ParseExpr());
  }
  if (Peek().IsKeyword(Keyword::kWindow)) {
    return NotSupportedAt(Peek().offset, "window functions (WINDOW) are not supported");
  }
  return QueryBodyPtr(std::move(body));
}

Result<QueryBodyPtr> Parser::ParseValuesBody() {
  auto body = std::make_unique<ValuesBody>(Next().offset);
  size_t width = 0;
  do {
    const uint32_t row_pos = Peek().offset;
    DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
    ExprList row;
    row.reserve(width == 0 ? 4 : width);
    do {
      DS_ASSIGN_OR_RETURN(ExprPtr item, ParseExprOrDefault());
      row.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    if (width != 0 && row.size() != width) {
      return ErrorAt(row_pos, "42601", "VALUES lists must all be the same length");
    }
    width = row.size();
    body->rows.push_back(std::move(row));
  } while (Accept(TokenKind::kComma));
  return QueryBodyPtr(std::move(body));
}

Result<std::vector<SelectItem>> Parser::ParseSelectItems() {
  std::vector<SelectItem> items;
  do {
    SelectItem item;
    if (Peek().Is(TokenKind::kStar)) {
      // A bare * takes no alias (PostgreSQL's grammar): `SELECT * FORM t` fails at FORM.
      item.expr = std::make_unique<StarExpr>(Next().offset);
      items.push_back(std::move(item));
      continue;
    } else {
      DS_ASSIGN_OR_RETURN(item.expr, ParseExpr());
    }
    DS_ASSIGN_OR_RETURN(item.alias, ParseOptionalAlias());
    items.push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  return items;
}

Result<std::optional<Ident>> Parser::ParseOptionalAlias(Keyword stop_word) {
  if (AcceptKeyword(Keyword::kAs)) {
    DS_ASSIGN_OR_RETURN(Ident alias, ParseColLabel());
    return std::optional<Ident>(std::move(alias));
  }
  if (AtColId() && !(stop_word != Keyword::kNone && Peek().IsKeyword(stop_word))) {
    DS_ASSIGN_OR_RETURN(Ident alias, ParseColId());
    return std::optional<Ident>(std::move(alias));
  }
  return std::optional<Ident>();
}

Result<TableRefPtr> Parser::ParseFromItem() {
  DepthGuard guard(this);
  DS_RETURN_IF_ERROR(guard.Check());
  DS_ASSIGN_OR_RETURN(TableRefPtr left, ParseFromPrimary());
  while (true) {
    const Token& t = Peek();
    bool natural = false;
    if (t.IsKeyword(Keyword::kNatural)) {
      natural = true;
      Next();
    }
    JoinType type;
    const Token& k = Peek();
    if (k.IsKeyword(Keyword::kJoin)) {
      type = JoinType::kInner;
    } else if (k.IsKeyword(Keyword::kInner)) {
      Next();
      type = JoinType::kInner;
    } else if (k.IsKeyword(Keyword::kLeft) || k.IsKeyword(Keyword::kRight) ||
               k.IsKeyword(Keyword::kFull)) {
      Next();
      AcceptKeyword(Keyword::kOuter);
      type = k.IsKeyword(Keyword::kLeft)    ? JoinType::kLeft
             : k.IsKeyword(Keyword::kRight) ? JoinType::kRight
                                            : JoinType::kFull;
    } else if (k.IsKeyword(Keyword::kCross) && !natural) {
      Next();
      type = JoinType::kCross;
    } else {
      if (natural) return SyntaxError();
      break;
    }
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kJoin));
    auto join = std::make_unique<JoinRef>(t.offset);
    join->type = type;
    join->natural = natural;
    DS_ASSIGN_OR_RETURN(join->right, ParseFromPrimary());
    if (type != JoinType::kCross && !natural) {
      if (AcceptKeyword(Keyword::kOn)) {
        DS_ASSIGN_OR_RETURN(join->on, ParseExpr());
      } else if (AcceptKeyword(Keyword::kUsing)) {
        DS_ASSIGN_OR_RETURN(join->using_columns, ParseParenIdentList());
      } else {
        return SyntaxError();
      }
    }
    join->left = std::move(left);
    left = std::move(join);
  }
  return left;
}

Result<TableRefPtr> Parser::ParseFromPrimary() {
  const Token& t = Peek();
  if (t.Is(TokenKind::kLParen)) {
    if (AtQueryStart(true)) {
      Next();
      auto ref = std::make_unique<SubqueryRef>(t.offset);
      DS_ASSIGN_OR_RETURN(ref->query, ParseQuery());
      DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      DS_ASSIGN_OR_RETURN(ref->alias, ParseOptionalAlias());
      return TableRefPtr(std::move(ref));
    }
    Next();
    DS_ASSIGN_OR_RETURN(TableRefPtr inner, ParseFromItem());
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return inner;
  }
  auto ref = std::make_unique<TableNameRef>(t.offset);
  DS_ASSIGN_OR_RETURN(ref->name, ParseObjectName());
  if (Peek().Is(TokenKind::kLParen)) {
    return NotSupportedAt(t.offset, "table functions in FROM are not supported");
  }
  DS_ASSIGN_OR_RETURN(ref->alias, ParseOptionalAlias());
  return TableRefPtr(std::move(ref));
}

Result<StatementPtr> Parser::ParseInsert() {
  Next();  // INSERT
  auto stmt = std::make_unique<InsertStmt>();
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kInto));
  DS_ASSIGN_OR_RETURN(stmt->table, ParseObjectName());
  // A column list, unless the '(' opens the query: INSERT INTO t (VALUES (1)).
  if (Peek().Is(TokenKind::kLParen) && AtColId(1) &&
      !(Peek(1).IsKeyword(Keyword::kValues) && Peek(2).Is(TokenKind::kLParen))) {
    DS_ASSIGN_OR_RETURN(stmt->columns, ParseParenIdentList());
  }
  if (AcceptKeyword(Keyword::kDefault)) {
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kValues));
    stmt->default_values = true;
  } else if (AtQueryStart(true)) {
    DS_ASSIGN_OR_RETURN(stmt->source, ParseQuery());
  } else {
    return SyntaxError();
  }
  if (Peek().IsKeyword(Keyword::kOn)) {
    InsertOnConflict conflict;
    conflict.pos = Next().offset;
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kConflict));
    if (Peek().Is(TokenKind::kLParen)) {
      DS_ASSIGN_OR_RETURN(conflict.target_columns, ParseParenIdentList());
    }
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kDo));
    if (AcceptKeyword(Keyword::kNothing)) {
      conflict.action = InsertConflictAction::kDoNothing;
    } else if (AcceptKeyword(Keyword::kUpdate)) {
      conflict.action = InsertConflictAction::kDoUpdate;
      DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kSet));
      DS_ASSIGN_OR_RETURN(conflict.assignments, ParseAssignments());
      if (AcceptKeyword(Keyword::kWhere)) {
        DS_ASSIGN_OR_RETURN(conflict.where, ParseExpr());
      }
    } else {
      return SyntaxError();
    }
    stmt->on_conflict = std::move(conflict);
  }
  if (Peek().IsKeyword(Keyword::kReturning)) {
    DS_ASSIGN_OR_RETURN(stmt->returning, ParseReturning());
  }
  return StatementPtr(std::move(stmt));
}

Result<std::vector<Assignment>> Parser::ParseAssignments() {
  std::vector<Assignment> assignments;
  do {
    Assignment assignment;
    assignment.pos = Peek().offset;
    if (Peek().Is(TokenKind::kLParen)) {
      assignment.parenthesized = true;
      DS_ASSIGN_OR_RETURN(assignment.columns, ParseParenIdentList());
      DS_RETURN_IF_ERROR(Expect(TokenKind::kEq));
      const uint32_t value_pos = Peek().offset;
      DS_ASSIGN_OR_RETURN(assignment.value, ParseExpr());
      const Expr& value = *assignment.value;
      if (value.kind == ExprKind::kRow) {
        if (value.As<RowExpr>().items.size() != assignment.columns.size()) {
          return ErrorAt(value_pos, "42601", "number of columns does not match number of values");
        }
      } else if (value.kind != ExprKind::kSubquery) {
        return ErrorAt(value_pos, "42601",
                       "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() "
                       "expression");
      }
    } else {
      DS_ASSIGN_OR_RETURN(Ident column, ParseColId());
      assignment.columns.push_back(std::move(column));
      if (Peek().Is(TokenKind::kDot) || Peek().Is(TokenKind::kLBracket)) {
        return NotSupportedAt(Peek().offset,
                              "assigning to a struct field or an array element is not supported; "
                              "assign the whole column");
      }
      DS_RETURN_IF_ERROR(Expect(TokenKind::kEq));
      DS_ASSIGN_OR_RETURN(assignment.value, ParseExprOrDefault());
    }
    assignments.push_back(std::move(assignment));
  } while (Accept(TokenKind::kComma));
  return assignments;
}

Result<std::vector<SelectItem>> Parser::ParseReturning() {
  Next();  // RETURNING
  return ParseSelectItems();
}

Result<StatementPtr> Parser::ParseUpdate() {
  Next();  // UPDATE
  auto stmt = std::make_unique<UpdateStmt>();
  DS_ASSIGN_OR_RETURN(stmt->table, ParseObjectName());
  DS_ASSIGN_OR_RETURN(stmt->alias, ParseOptionalAlias(Keyword::kSet));
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kSet));
  DS_ASSIGN_OR_RETURN(stmt->assignments, ParseAssignments());
  if (Peek().IsKeyword(Keyword::kFrom)) {
    return NotSupportedAt(Peek().offset, "UPDATE ... FROM is not supported");
  }
  if (AcceptKeyword(Keyword::kWhere)) {
    DS_ASSIGN_OR_RETURN(stmt->where, ParseExpr());
  }
  if (Peek().IsKeyword(Keyword::kReturning)) {
    DS_ASSIGN_OR_RETURN(stmt->returning, ParseReturning());
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseDelete() {
  Next();  // DELETE
  auto stmt = std::make_unique<DeleteStmt>();
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kFrom));
  DS_ASSIGN_OR_RETURN(stmt->table, ParseObjectName());
  DS_ASSIGN_OR_RETURN(stmt->alias, ParseOptionalAlias());
  if (Peek().IsKeyword(Keyword::kUsing)) {
    return NotSupportedAt(Peek().offset, "DELETE ... USING is not supported");
  }
  if (AcceptKeyword(Keyword::kWhere)) {
    DS_ASSIGN_OR_RETURN(stmt->where, ParseExpr());
  }
  if (Peek().IsKeyword(Keyword::kReturning)) {
    DS_ASSIGN_OR_RETURN(stmt->returning, ParseReturning());
  }
  return StatementPtr(std::move(stmt));
}

}  // namespace dynasink::sql
