// The Parser class shared by the parser_*.cc files. Not a public interface: use parser.h.
//
// The parser walks a TokenStream with one cursor. Every Parse* method either consumes what it
// recognises and returns the node, or returns an error Status; after an error the parser is not
// used again, so methods need not restore the cursor on failure. Speculative parses (typed
// literals) save and restore the cursor explicitly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sql/ast_stmt.h"
#include "sql/lexer.h"

namespace dynasink::sql {

// Binding power of infix operators, lowest first (PostgreSQL's table).
enum Precedence : int {
  kPrecLowest = 0,
  kPrecOr = 1,
  kPrecAnd,
  kPrecNot,        // prefix NOT
  kPrecIs,         // IS ..., ISNULL, NOTNULL (non-associative)
  kPrecCompare,    // = <> < > <= >= (non-associative)
  kPrecPredicate,  // BETWEEN IN LIKE ILIKE (non-associative)
  kPrecOther,      // || -> ->> @> <@
  kPrecAdd,        // + -
  kPrecMul,        // * / %
  kPrecPow,        // ^
  kPrecAtTimeZone,
  kPrecUnary,  // prefix + -
};

// A call of the unqualified function `name`, for the syntaxes that desugar into one.
ExprPtr MakeFunctionCall(uint32_t pos, std::string name, ExprList args);

class Parser {
 public:
  explicit Parser(const TokenStream& stream);

  Result<std::vector<StatementPtr>> ParseAll();
  // The statement at the cursor (no ';' consumed).
  Result<StatementPtr> ParseStatement();
  Result<ExprPtr> ParseExpr(int min_prec = kPrecLowest);
  Result<TypeName> ParseType();
  // Fails unless the cursor is at the end of input.
  Status ExpectEnd();

 private:
  friend class DepthGuard;

  Result<StatementPtr> ParseStatementBody();
  Result<StatementPtr> ParseQueryStatement();

  // ---- cursor -------------------------------------------------------------------------------
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    last_end_ = t.end();
    return t;
  }
  bool Accept(TokenKind kind) {
    if (!Peek().Is(kind)) return false;
    Next();
    return true;
  }
  bool AcceptKeyword(Keyword kw) {
    if (!Peek().IsKeyword(kw)) return false;
    Next();
    return true;
  }
  // An unquoted word spelled `lower`, keyword or not (e.g. "precision", "key").
  bool AcceptWord(std::string_view lower) {
    if (!Peek().IsWord(lower)) return false;
    Next();
    return true;
  }
  Status Expect(TokenKind kind);
  Status ExpectKeyword(Keyword kw);
  Status ExpectWord(std::string_view lower);
  bool AtStatementEnd() const {
    return Peek().Is(TokenKind::kSemicolon) || Peek().Is(TokenKind::kEof);
  }
  // True when the cursor is at SELECT, VALUES or WITH, or, with allow_parens, at '('s before
  // one of them.
  bool AtQueryStart(bool allow_parens) const;

  // ---- errors -------------------------------------------------------------------------------
  Status SyntaxError() const { return SyntaxErrorAt(Peek()); }
  Status SyntaxErrorAt(const Token& token) const;
  Status ErrorAt(uint32_t offset, std::string_view sqlstate, std::string message) const {
    return SqlErrorAt(sql_, offset, sqlstate, std::move(message));
  }
  Status NotSupportedAt(uint32_t offset, std::string message) const {
    return ErrorAt(offset, "0A000", std::move(message));
  }

  // ---- names --------------------------------------------------------------------------------
  // A name usable as a column, table or alias: an unreserved or column-name keyword, any other
  // word, or a quoted identifier.
  bool AtColId(size_t ahead = 0) const;
  Result<Ident> ParseColId();
  // Any word, reserved or not, or a quoted identifier (after AS, after '.', option keys).
  bool AtColLabel(size_t ahead = 0) const;
  Result<Ident> ParseColLabel();
  // ColId ('.' ColLabel)*
  Result<ObjectName> ParseObjectName();
  // '(' ColId, ... ')'
  Result<std::vector<Ident>> ParseParenIdentList();

  // ---- expressions (parser_expr.cc, parser_expr_forms.cc) ----------------------------------
  Result<ExprPtr> ParsePrefix();
  Result<ExprPtr> ParseInfix(ExprPtr left, int min_prec);
  Result<ExprPtr> ParsePostfix(ExprPtr expr, bool field_access_ok);
  // The primary expression; *parenthesized tells whether it was `( expr )`.
  Result<ExprPtr> ParsePrimary(bool* parenthesized);
  Result<ExprPtr> ParseParenthesized();
  Result<ExprPtr> ParseNameOrCall();
  Result<ExprPtr> ParseFunctionArgs(ObjectName name);
  Result<ExprPtr> ParseCase();
  Result<ExprPtr> ParseCast();
  Result<ExprPtr> ParseArrayConstructor(uint32_t pos);
  Result<ExprPtr> ParseExtract();
  Result<ExprPtr> ParseSubstring();
  Result<ExprPtr> ParsePosition();
  Result<ExprPtr> ParseTrim();
  Result<ExprPtr> ParseSqlValue();
  // A typed literal (`date '...'`) if one starts at the cursor; null (cursor unchanged) if not.
  Result<ExprPtr> TryParseTypedLiteral();
  Result<ExprList> ParseExprList();                     // expr (',' expr)*
  Result<std::vector<OrderByItem>> ParseOrderByList();  // after ORDER BY
  // An expression, or DEFAULT where INSERT's VALUES and UPDATE's SET allow it.
  Result<ExprPtr> ParseExprOrDefault();

  // ---- types (parser_type.cc) ---------------------------------------------------------------
  Result<types::DataType> ParseBaseType(std::vector<int32_t>* modifiers);
  Result<std::vector<int32_t>> ParseTypeModifiers();
  Result<types::DataType> ParseStructType();
  // ( WITH | WITHOUT ) TIME ZONE, if present: *with_tz is set when it is WITH.
  bool AcceptTimeZoneSuffix(bool* with_tz);

  // ---- queries and DML (parser_query.cc) ----------------------------------------------------
  Result<std::unique_ptr<Query>> ParseQuery();
  Result<QueryBodyPtr> ParseQueryBody(int min_prec);
  Result<QueryBodyPtr> ParseQueryPrimary();
  Result<QueryBodyPtr> ParseSelectBody();
  Result<QueryBodyPtr> ParseValuesBody();
  Result<std::vector<SelectItem>> ParseSelectItems();
  // [AS] alias. A bare alias is a ColId other than `stop_word` (UPDATE t SET: SET is not an
  // alias).
  Result<std::optional<Ident>> ParseOptionalAlias(Keyword stop_word = Keyword::kNone);
  Result<TableRefPtr> ParseFromItem();
  Result<TableRefPtr> ParseFromPrimary();
  Result<StatementPtr> ParseInsert();
  Result<StatementPtr> ParseUpdate();
  Result<StatementPtr> ParseDelete();
  Result<std::vector<Assignment>> ParseAssignments();
  Result<std::vector<SelectItem>> ParseReturning();

  // ---- DDL (parser_ddl.cc) ------------------------------------------------------------------
  Result<StatementPtr> ParseCreate();
  Result<StatementPtr> ParseCreateTable();
  Status ParseColumnDef(CreateTableStmt* table);
  Status ParseTableConstraint(CreateTableStmt* table);
  Result<StatementPtr> ParseDrop();
  Result<StatementPtr> ParseShow();
  Result<StatementPtr> ParseDescribe();
  // '(' key = value, ... ')'
  Result<std::vector<SqlOption>> ParseOptionList();
  Result<ConstValue> ParseConstValue();

  // ---- sinks (parser_sink.cc) ---------------------------------------------------------------
  Result<StatementPtr> ParseCreateSink();
  Result<StatementPtr> ParseAlter();

  // ---- utility (parser_utility.cc) ----------------------------------------------------------
  Result<StatementPtr> ParseSet();
  Result<StatementPtr> ParseReset();
  Result<StatementPtr> ParseTransaction();
  Result<StatementPtr> ParseCopy();
  Status ParseCopyOptions(CopyOptions* options);
  Result<StatementPtr> ParseExplain();
  Result<StatementPtr> ParsePrepare();
  Result<StatementPtr> ParseExecute();
  Result<StatementPtr> ParseDeallocate();

  // Text of [begin, end) of the input.
  std::string SourceText(uint32_t begin, uint32_t end) const {
    return std::string(sql_.substr(begin, end - begin));
  }

  std::string_view sql_;
  const std::vector<Token>& tokens_;
  size_t pos_ = 0;
  uint32_t last_end_ = 0;  // end offset of the last consumed token
  int depth_ = 0;
};

// Counts nesting; Enter() fails with 54001 past kMaxParseDepth. Declare one in every method
// that may recurse without consuming a bounded number of tokens first.
class DepthGuard {
 public:
  explicit DepthGuard(Parser* parser) : parser_(parser) { ++parser_->depth_; }
  ~DepthGuard() { --parser_->depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  Status Check() const;

 private:
  Parser* parser_;
};

}  // namespace dynasink::sql
