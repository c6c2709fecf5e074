// Out-of-line parts of the AST: names of enum values, and destructors of nodes that own a
// Query (which must be a complete type where the destructor is defined).
#include "sql/ast.h"

#include "sql/ast_expr.h"
#include "sql/ast_query.h"
#include "sql/ast_stmt.h"

namespace dynasink::sql {

std::string ObjectName::ToString() const {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out.push_back('.');
    out += part.name;
  }
  return out;
}

const SqlOption* FindOption(const std::vector<SqlOption>& options, std::string_view key) {
  for (const auto& option : options) {
    if (option.key == key) return &option;
  }
  return nullptr;
}

InSubqueryExpr::InSubqueryExpr(uint32_t p) : Expr(kKind, p) {}
SubqueryExpr::SubqueryExpr(uint32_t p) : Expr(kKind, p) {}
ExistsExpr::ExistsExpr(uint32_t p) : Expr(kKind, p) {}
InSubqueryExpr::~InSubqueryExpr() = default;
SubqueryExpr::~SubqueryExpr() = default;
ExistsExpr::~ExistsExpr() = default;
SubqueryRef::~SubqueryRef() = default;
ParenthesizedBody::~ParenthesizedBody() = default;

std::string_view ExprKindName(ExprKind kind) {
  switch (kind) {
    case ExprKind::kLiteral:
      return "Literal";
    case ExprKind::kTypedLiteral:
      return "TypedLiteral";
    case ExprKind::kParameter:
      return "Parameter";
    case ExprKind::kColumnRef:
      return "ColumnRef";
    case ExprKind::kStar:
      return "Star";
    case ExprKind::kUnary:
      return "Unary";
    case ExprKind::kBinary:
      return "Binary";
    case ExprKind::kIsTest:
      return "IsTest";
    case ExprKind::kIsDistinctFrom:
      return "IsDistinctFrom";
    case ExprKind::kBetween:
      return "Between";
    case ExprKind::kInList:
      return "InList";
    case ExprKind::kInSubquery:
      return "InSubquery";
    case ExprKind::kLike:
      return "Like";
    case ExprKind::kCast:
      return "Cast";
    case ExprKind::kSubscript:
      return "Subscript";
    case ExprKind::kFieldAccess:
      return "FieldAccess";
    case ExprKind::kRow:
      return "Row";
    case ExprKind::kArray:
      return "Array";
    case ExprKind::kCase:
      return "Case";
    case ExprKind::kFunctionCall:
      return "FunctionCall";
    case ExprKind::kExtract:
      return "Extract";
    case ExprKind::kSqlValue:
      return "SqlValue";
    case ExprKind::kSubquery:
      return "Subquery";
    case ExprKind::kExists:
      return "Exists";
    case ExprKind::kDefault:
      return "Default";
  }
  return "Expr";
}

std::string_view BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNotEq:
      return "<>";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLtEq:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGtEq:
      return ">=";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kJsonGet:
      return "->";
    case BinaryOp::kJsonGetText:
      return "->>";
    case BinaryOp::kContains:
      return "@>";
    case BinaryOp::kContainedBy:
      return "<@";
  }
  return "?";
}

std::string_view SqlValueKindText(SqlValueKind kind) {
  switch (kind) {
    case SqlValueKind::kCurrentDate:
      return "CURRENT_DATE";
    case SqlValueKind::kCurrentTime:
      return "CURRENT_TIME";
    case SqlValueKind::kCurrentTimestamp:
      return "CURRENT_TIMESTAMP";
    case SqlValueKind::kLocalTime:
      return "LOCALTIME";
    case SqlValueKind::kLocalTimestamp:
      return "LOCALTIMESTAMP";
    case SqlValueKind::kCurrentUser:
      return "CURRENT_USER";
    case SqlValueKind::kCurrentRole:
      return "CURRENT_ROLE";
    case SqlValueKind::kSessionUser:
      return "SESSION_USER";
    case SqlValueKind::kUser:
      return "USER";
    case SqlValueKind::kCurrentCatalog:
      return "CURRENT_CATALOG";
    case SqlValueKind::kCurrentSchema:
      return "CURRENT_SCHEMA";
  }
  return "?";
}

std::string_view StatementKindName(StatementKind kind) {
  switch (kind) {
    case StatementKind::kQuery:
      return "Query";
    case StatementKind::kInsert:
      return "Insert";
    case StatementKind::kUpdate:
      return "Update";
    case StatementKind::kDelete:
      return "Delete";
    case StatementKind::kCreateTable:
      return "CreateTable";
    case StatementKind::kCreateSink:
      return "CreateSink";
    case StatementKind::kDrop:
      return "Drop";
    case StatementKind::kAlterSink:
      return "AlterSink";
    case StatementKind::kShowObjects:
      return "ShowObjects";
    case StatementKind::kShowVariable:
      return "ShowVariable";
    case StatementKind::kShowCreate:
      return "ShowCreate";
    case StatementKind::kDescribe:
      return "Describe";
    case StatementKind::kSet:
      return "Set";
    case StatementKind::kReset:
      return "Reset";
    case StatementKind::kTransaction:
      return "Transaction";
    case StatementKind::kFlush:
      return "Flush";
    case StatementKind::kCopy:
      return "Copy";
    case StatementKind::kExplain:
      return "Explain";
    case StatementKind::kPrepare:
      return "Prepare";
    case StatementKind::kExecute:
      return "Execute";
    case StatementKind::kDeallocate:
      return "Deallocate";
  }
  return "Statement";
}

std::string_view ObjectTypeText(ObjectType type) {
  switch (type) {
    case ObjectType::kTable:
      return "TABLE";
    case ObjectType::kSink:
      return "SINK";
  }
  return "?";
}

std::vector<std::string> CreateTableStmt::PrimaryKey() const {
  std::vector<std::string> key;
  for (const auto& ident : table_primary_key)
    key.push_back(ident.name);
  for (const auto& column : columns) {
    if (column.primary_key) key.push_back(column.name.name);
  }
  return key;
}

}  // namespace dynasink::sql
