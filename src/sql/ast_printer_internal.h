// The printer class shared by ast_printer.cc (expressions, types) and ast_printer_stmt.cc
// (queries, statements). Not a public interface: use ast_printer.h.
#pragma once

#include <string>
#include <string_view>

#include "sql/ast_printer.h"

namespace dynasink::sql {

// How an identifier is used decides what must be quoted.
enum class NameUse : uint8_t {
  kColId,     // columns, tables, aliases without AS: any keyword but an unreserved one is quoted
  kLabel,     // after AS or '.', option keys, struct fields: only unusual spellings are quoted
  kFunction,  // a function name before '(': reserved words and special-syntax words are quoted
};

class AstPrinter {
 public:
  explicit AstPrinter(const PrintOptions& options) : options_(options) {}

  std::string Take() { return std::move(out_); }

  void Expr(const sql::Expr& expr, int min_prec = 0);
  void ExprList(const sql::ExprList& list);
  void Type(const TypeName& type);
  void Name(std::string_view name, NameUse use);
  // A qualified name: a.b.c.
  void Names(const std::vector<Ident>& parts, NameUse first_use);
  // A list of names: a, b, c.
  void IdentList(const std::vector<Ident>& idents);
  void ObjectName(const sql::ObjectName& name) { Names(name.parts, NameUse::kColId); }
  void OrderBy(const std::vector<OrderByItem>& items);

  void Query(const sql::Query& query);
  void QueryBody(const sql::QueryBody& body, int min_prec = 0);
  void SelectItems(const std::vector<SelectItem>& items);
  void TableRef(const sql::TableRef& ref);
  void Alias(const std::optional<Ident>& alias);
  void Options(const std::vector<SqlOption>& options, bool redactable);
  void Value(const ConstValue& value);
  void Assignments(const std::vector<Assignment>& assignments);
  void Statement(const sql::Statement& stmt);

  void Append(std::string_view text) { out_.append(text); }

 private:
  void Operand(const sql::Expr& expr, int min_prec) { Expr(expr, min_prec); }
  void Call(const FunctionCallExpr& call);
  void CreateTable(const CreateTableStmt& stmt);
  void CreateSink(const CreateSinkStmt& stmt);
  void Copy(const CopyStmt& stmt);

  const PrintOptions& options_;
  std::string out_;
};

// The binding power of an expression as printed (see parser_internal.h for the table); primaries
// and calls are kPrimaryPrec, postfix forms (x::t, a[i], (s).f) kPostfixPrec.
inline constexpr int kPostfixPrec = 13;
inline constexpr int kPrimaryPrec = 14;
int PrintPrecedence(const Expr& expr);

}  // namespace dynasink::sql
