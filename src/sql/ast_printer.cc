// The printer's expressions, types and names. Statements are in ast_printer_stmt.cc.
#include "sql/ast_printer.h"

#include "sql/ast_printer_internal.h"
#include "sql/ast_query.h"
#include "sql/parser_internal.h"
#include "sql/token.h"

namespace dynasink::sql {

namespace {

// [a-z_][a-z0-9_$]*: reads back as itself when not quoted.
bool IsPlainWord(std::string_view name) {
  if (name.empty()) return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) return false;
  }
  return true;
}

std::string QuoteAlways(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool IsCompound(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kUnary:
    case ExprKind::kBinary:
    case ExprKind::kIsTest:
    case ExprKind::kIsDistinctFrom:
    case ExprKind::kBetween:
    case ExprKind::kInList:
    case ExprKind::kInSubquery:
    case ExprKind::kLike:
      return true;
    case ExprKind::kCast:
      return e.As<CastExpr>().syntax == CastSyntax::kDoubleColon;
    default:
      return false;
  }
}

int BinaryPrecedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return kPrecOr;
    case BinaryOp::kAnd:
      return kPrecAnd;
    case BinaryOp::kEq:
    case BinaryOp::kNotEq:
    case BinaryOp::kLt:
    case BinaryOp::kLtEq:
    case BinaryOp::kGt:
    case BinaryOp::kGtEq:
      return kPrecCompare;
    case BinaryOp::kConcat:
    case BinaryOp::kJsonGet:
    case BinaryOp::kJsonGetText:
    case BinaryOp::kContains:
    case BinaryOp::kContainedBy:
      return kPrecOther;
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
      return kPrecAdd;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
      return kPrecMul;
    case BinaryOp::kPow:
      return kPrecPow;
  }
  return kPrecOr;
}

std::string_view TypeIdSql(types::TypeId id) {
  using types::TypeId;
  switch (id) {
    case TypeId::kUnknown:
      return "UNKNOWN";
    case TypeId::kBoolean:
      return "BOOLEAN";
    case TypeId::kInt16:
      return "SMALLINT";
    case TypeId::kInt32:
      return "INT";
    case TypeId::kInt64:
      return "BIGINT";
    case TypeId::kSerial:
      return "SERIAL";
    case TypeId::kDecimal:
      return "NUMERIC";
    case TypeId::kFloat32:
      return "REAL";
    case TypeId::kFloat64:
      return "DOUBLE PRECISION";
    case TypeId::kVarchar:
      return "CHARACTER VARYING";
    case TypeId::kBytea:
      return "BYTEA";
    case TypeId::kDate:
      return "DATE";
    case TypeId::kTime:
      return "TIME";
    case TypeId::kTimestamp:
      return "TIMESTAMP";
    case TypeId::kTimestamptz:
      return "TIMESTAMP WITH TIME ZONE";
    case TypeId::kInterval:
      return "INTERVAL";
    case TypeId::kJsonb:
      return "JSONB";
    case TypeId::kStruct:
      return "STRUCT";
    case TypeId::kList:
      return "ARRAY";
  }
  return "UNKNOWN";
}

void AppendType(const types::DataType& type, const std::vector<int32_t>* modifiers,
                std::string* out) {
  using types::TypeId;
  if (type.id() == TypeId::kList) {
    AppendType(type.element(), modifiers, out);
    out->append("[]");
    return;
  }
  if (type.id() == TypeId::kStruct) {
    out->append("STRUCT<");
    bool first = true;
    for (const auto& field : type.fields()) {
      if (!first) out->append(", ");
      first = false;
      out->append(IsPlainWord(field.name) ? field.name : QuoteAlways(field.name));
      out->push_back(' ');
      AppendType(*field.type, nullptr, out);
    }
    out->push_back('>');
    return;
  }
  std::string modifier_text;
  if (modifiers != nullptr && !modifiers->empty()) {
    modifier_text.push_back('(');
    for (size_t i = 0; i < modifiers->size(); ++i) {
      if (i > 0) modifier_text.push_back(',');
      modifier_text += std::to_string((*modifiers)[i]);
    }
    modifier_text.push_back(')');
  }
  if (type.id() == TypeId::kTimestamptz) {
    // The precision goes between the words: TIMESTAMP(3) WITH TIME ZONE.
    out->append("TIMESTAMP");
    out->append(modifier_text);
    out->append(" WITH TIME ZONE");
    return;
  }
  out->append(TypeIdSql(type.id()));
  out->append(modifier_text);
}

}  // namespace

std::string QuoteIdent(std::string_view name) {
  if (IsPlainWord(name) && LookupKeyword(name) == Keyword::kNone) return std::string(name);
  if (IsPlainWord(name) && KeywordCategoryOf(LookupKeyword(name)) == KeywordCategory::kUnreserved) {
    return std::string(name);
  }
  return QuoteAlways(name);
}

std::string QuoteString(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('\'');
  for (char c : value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string PrintType(const types::DataType& type) {
  std::string out;
  AppendType(type, nullptr, &out);
  return out;
}

std::string PrintTypeName(const TypeName& type) {
  std::string out;
  AppendType(type.type, &type.modifiers, &out);
  return out;
}

int PrintPrecedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral: {
      const auto& literal = e.As<LiteralExpr>();
      // A negative number reads like a unary minus: (-1)::int needs its parentheses.
      const bool negative = !literal.value.empty() && literal.value[0] == '-' &&
                            (literal.literal_kind == LiteralKind::kInteger ||
                             literal.literal_kind == LiteralKind::kDecimal);
      return negative ? kPrecUnary : kPrimaryPrec;
    }
    case ExprKind::kUnary:
      return e.As<UnaryExpr>().op == UnaryOp::kNot ? kPrecNot : kPrecUnary;
    case ExprKind::kBinary:
      return BinaryPrecedence(e.As<BinaryExpr>().op);
    case ExprKind::kIsTest:
    case ExprKind::kIsDistinctFrom:
      return kPrecIs;
    case ExprKind::kBetween:
    case ExprKind::kInList:
    case ExprKind::kInSubquery:
    case ExprKind::kLike:
      return kPrecPredicate;
    case ExprKind::kCast:
      return e.As<CastExpr>().syntax == CastSyntax::kDoubleColon ? kPostfixPrec : kPrimaryPrec;
    case ExprKind::kSubscript:
    case ExprKind::kFieldAccess:
      return kPostfixPrec;
    default:
      return kPrimaryPrec;
  }
}

void AstPrinter::Name(std::string_view name, NameUse use) {
  switch (use) {
    case NameUse::kColId:
      out_ += QuoteIdent(name);
      return;
    case NameUse::kLabel:
      out_ += IsPlainWord(name) ? std::string(name) : QuoteAlways(name);
      return;
    case NameUse::kFunction: {
      bool plain = IsPlainWord(name);
      if (plain) {
        const Keyword kw = LookupKeyword(name);
        const KeywordCategory category = KeywordCategoryOf(kw);
        // substring(...) keeps its comma form when read back; the other special-syntax words
        // (extract, row, exists, trim, position, values) would be misread.
        if (category == KeywordCategory::kReserved ||
            (category == KeywordCategory::kColName && kw != Keyword::kSubstring)) {
          plain = false;
        }
      }
      out_ += plain ? std::string(name) : QuoteAlways(name);
      return;
    }
  }
}

void AstPrinter::Names(const std::vector<Ident>& parts, NameUse first_use) {
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out_.push_back('.');
    Name(parts[i].name, i == 0 ? first_use : NameUse::kLabel);
  }
}

void AstPrinter::IdentList(const std::vector<Ident>& idents) {
  for (size_t i = 0; i < idents.size(); ++i) {
    if (i > 0) out_.append(", ");
    Name(idents[i].name, NameUse::kColId);
  }
}

void AstPrinter::Type(const TypeName& type) {
  out_ += PrintTypeName(type);
}

void AstPrinter::ExprList(const sql::ExprList& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out_.append(", ");
    Expr(*list[i]);
  }
}

void AstPrinter::OrderBy(const std::vector<OrderByItem>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out_.append(", ");
    Expr(*items[i].expr);
    if (items[i].direction == SortDirection::kAsc) out_.append(" ASC");
    if (items[i].direction == SortDirection::kDesc) out_.append(" DESC");
    if (items[i].nulls == NullsOrder::kFirst) out_.append(" NULLS FIRST");
    if (items[i].nulls == NullsOrder::kLast) out_.append(" NULLS LAST");
  }
}

void AstPrinter::Call(const FunctionCallExpr& call) {
  // position(b, a) came from POSITION(a IN b), the only spelling PostgreSQL reads.
  if (call.name.parts.size() == 1 && call.name.parts[0].name == "position" &&
      call.args.size() == 2 && !call.star && !call.distinct && call.order_by.empty() &&
      !call.filter) {
    out_.append("POSITION(");
    Expr(*call.args[1], kPrecPredicate + 1);
    out_.append(" IN ");
    Expr(*call.args[0], kPrecPredicate + 1);
    out_.push_back(')');
    return;
  }
  Names(call.name.parts, NameUse::kFunction);
  out_.push_back('(');
  if (call.star) {
    out_.push_back('*');
  } else {
    if (call.distinct) out_.append("DISTINCT ");
    ExprList(call.args);
    if (!call.order_by.empty()) {
      out_.append(" ORDER BY ");
      OrderBy(call.order_by);
    }
  }
  out_.push_back(')');
  if (call.filter) {
    out_.append(" FILTER (WHERE ");
    Expr(*call.filter);
    out_.push_back(')');
  }
}

void AstPrinter::Expr(const sql::Expr& e, int min_prec) {
  const int prec = PrintPrecedence(e);
  const bool parens = prec < min_prec || (options_.fully_parenthesized && IsCompound(e));
  if (parens) out_.push_back('(');
  switch (e.kind) {
    case ExprKind::kLiteral: {
      const auto& literal = e.As<LiteralExpr>();
      switch (literal.literal_kind) {
        case LiteralKind::kNull:
          out_.append("NULL");
          break;
        case LiteralKind::kBoolean:
          out_.append(literal.bool_value() ? "TRUE" : "FALSE");
          break;
        case LiteralKind::kInteger:
        case LiteralKind::kDecimal:
          out_.append(literal.value);
          break;
        case LiteralKind::kString:
          out_ += QuoteString(literal.value);
          break;
      }
      break;
    }
    case ExprKind::kTypedLiteral: {
      const auto& literal = e.As<TypedLiteralExpr>();
      Type(literal.type);
      out_.push_back(' ');
      out_ += QuoteString(literal.value);
      if (!literal.interval_qualifier.empty()) {
        out_.push_back(' ');
        for (char c : literal.interval_qualifier) {
          out_.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
        }
      }
      break;
    }
    case ExprKind::kParameter:
      out_.push_back('$');
      out_ += std::to_string(e.As<ParameterExpr>().index);
      break;
    case ExprKind::kColumnRef:
      Names(e.As<ColumnRefExpr>().parts, NameUse::kColId);
      break;
    case ExprKind::kStar: {
      const auto& star = e.As<StarExpr>();
      if (!star.qualifier.empty()) {
        Names(star.qualifier, NameUse::kColId);
        out_.push_back('.');
      }
      out_.push_back('*');
      break;
    }
    case ExprKind::kUnary: {
      const auto& unary = e.As<UnaryExpr>();
      if (unary.op == UnaryOp::kNot) {
        out_.append("NOT ");
        Operand(*unary.operand, kPrecNot + 1);
      } else {
        out_.push_back(unary.op == UnaryOp::kMinus ? '-' : '+');
        const size_t mark = out_.size();
        Operand(*unary.operand, kPrecUnary);
        // "- -x" must not become "--x", a comment.
        if (out_.size() > mark && (out_[mark] == '-' || out_[mark] == '+')) {
          out_.insert(mark, 1, ' ');
        }
      }
      break;
    }
    case ExprKind::kBinary: {
      const auto& binary = e.As<BinaryExpr>();
      const bool nonassoc = prec == kPrecCompare;
      Operand(*binary.left, nonassoc ? prec + 1 : prec);
      out_.push_back(' ');
      out_.append(BinaryOpText(binary.op));
      out_.push_back(' ');
      Operand(*binary.right, prec + 1);
      break;
    }
    case ExprKind::kIsTest: {
      const auto& test = e.As<IsTestExpr>();
      Operand(*test.operand, kPrecIs + 1);
      out_.append(test.negated ? " IS NOT " : " IS ");
      switch (test.test) {
        case IsTestKind::kNull:
          out_.append("NULL");
          break;
        case IsTestKind::kTrue:
          out_.append("TRUE");
          break;
        case IsTestKind::kFalse:
          out_.append("FALSE");
          break;
        case IsTestKind::kUnknown:
          out_.append("UNKNOWN");
          break;
      }
      break;
    }
    case ExprKind::kIsDistinctFrom: {
      const auto& d = e.As<IsDistinctFromExpr>();
      Operand(*d.left, kPrecIs + 1);
      out_.append(d.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
      Operand(*d.right, kPrecIs + 1);
      break;
    }
    case ExprKind::kBetween: {
      const auto& b = e.As<BetweenExpr>();
      Operand(*b.operand, kPrecPredicate + 1);
      out_.append(b.negated ? " NOT BETWEEN " : " BETWEEN ");
      if (b.symmetric) out_.append("SYMMETRIC ");
      Operand(*b.low, kPrecPredicate + 1);
      out_.append(" AND ");
      Operand(*b.high, kPrecPredicate + 1);
      break;
    }
    case ExprKind::kInList: {
      const auto& in = e.As<InListExpr>();
      Operand(*in.operand, kPrecPredicate + 1);
      out_.append(in.negated ? " NOT IN (" : " IN (");
      ExprList(in.list);
      out_.push_back(')');
      break;
    }
    case ExprKind::kInSubquery: {
      const auto& in = e.As<InSubqueryExpr>();
      Operand(*in.operand, kPrecPredicate + 1);
      out_.append(in.negated ? " NOT IN (" : " IN (");
      Query(*in.query);
      out_.push_back(')');
      break;
    }
    case ExprKind::kLike: {
      const auto& like = e.As<LikeExpr>();
      Operand(*like.operand, kPrecPredicate + 1);
      out_.append(like.negated ? " NOT " : " ");
      out_.append(like.case_insensitive ? "ILIKE " : "LIKE ");
      Operand(*like.pattern, kPrecPredicate + 1);
      if (like.escape) {
        out_.append(" ESCAPE ");
        Operand(*like.escape, kPrecPredicate + 1);
      }
      break;
    }
    case ExprKind::kCast: {
      const auto& cast = e.As<CastExpr>();
      if (cast.syntax == CastSyntax::kCast) {
        out_.append("CAST(");
        Expr(*cast.operand);
        out_.append(" AS ");
        Type(cast.type);
        out_.push_back(')');
      } else {
        Operand(*cast.operand, kPostfixPrec);
        out_.append("::");
        Type(cast.type);
      }
      break;
    }
    case ExprKind::kSubscript: {
      const auto& s = e.As<SubscriptExpr>();
      // A cast's type would swallow the brackets (x::int[1] is a type), so it needs parentheses.
      const bool chained =
          s.base->kind == ExprKind::kSubscript || s.base->kind == ExprKind::kFieldAccess;
      Operand(*s.base, chained ? kPostfixPrec : kPrimaryPrec);
      out_.push_back('[');
      if (s.index) Expr(*s.index);
      if (s.is_slice) {
        out_.push_back(':');
        if (s.upper) Expr(*s.upper);
      }
      out_.push_back(']');
      break;
    }
    case ExprKind::kFieldAccess: {
      const auto& f = e.As<FieldAccessExpr>();
      const bool chained =
          f.base->kind == ExprKind::kSubscript || f.base->kind == ExprKind::kFieldAccess;
      if (chained) {
        Operand(*f.base, kPostfixPrec);
      } else {
        // (s).f: a bare s.f would read as table s, column f.
        out_.push_back('(');
        Expr(*f.base);
        out_.push_back(')');
      }
      out_.push_back('.');
      Name(f.field.name, NameUse::kLabel);
      break;
    }
    case ExprKind::kRow: {
      const auto& row = e.As<RowExpr>();
      // Without ROW, fewer than two items would read as a parenthesized expression.
      if (row.explicit_row || row.items.size() < 2) out_.append("ROW");
      out_.push_back('(');
      ExprList(row.items);
      out_.push_back(')');
      break;
    }
    case ExprKind::kArray:
      out_.append("ARRAY[");
      ExprList(e.As<ArrayExpr>().items);
      out_.push_back(']');
      break;
    case ExprKind::kCase: {
      const auto& c = e.As<CaseExpr>();
      out_.append("CASE");
      if (c.operand) {
        out_.push_back(' ');
        Expr(*c.operand);
      }
      for (const auto& when : c.whens) {
        out_.append(" WHEN ");
        Expr(*when.condition);
        out_.append(" THEN ");
        Expr(*when.result);
      }
      if (c.else_result) {
        out_.append(" ELSE ");
        Expr(*c.else_result);
      }
      out_.append(" END");
      break;
    }
    case ExprKind::kFunctionCall:
      Call(e.As<FunctionCallExpr>());
      break;
    case ExprKind::kExtract: {
      const auto& x = e.As<ExtractExpr>();
      out_.append("EXTRACT(");
      if (IsPlainWord(x.field)) {
        for (char c : x.field) {
          out_.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
        }
      } else {
        out_ += QuoteString(x.field);
      }
      out_.append(" FROM ");
      Expr(*x.source);
      out_.push_back(')');
      break;
    }
    case ExprKind::kSqlValue: {
      const auto& v = e.As<SqlValueExpr>();
      out_.append(SqlValueKindText(v.value));
      if (v.precision >= 0) {
        out_.push_back('(');
        out_ += std::to_string(v.precision);
        out_.push_back(')');
      }
      break;
    }
    case ExprKind::kSubquery:
      out_.push_back('(');
      Query(*e.As<SubqueryExpr>().query);
      out_.push_back(')');
      break;
    case ExprKind::kExists:
      out_.append("EXISTS (");
      Query(*e.As<ExistsExpr>().query);
      out_.push_back(')');
      break;
    case ExprKind::kDefault:
      out_.append("DEFAULT");
      break;
  }
  if (parens) out_.push_back(')');
}

std::string PrintExpr(const Expr& expr, const PrintOptions& options) {
  AstPrinter printer(options);
  printer.Expr(expr);
  return printer.Take();
}

}  // namespace dynasink::sql
