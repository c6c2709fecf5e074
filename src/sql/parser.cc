// The parser's core: cursor helpers, names, errors, statement dispatch and the entry points.
#include "sql/parser.h"

#include <fmt/format.h>

#include "sql/parser_internal.h"

namespace dynasink::sql {

Status DepthGuard::Check() const {
  if (parser_->depth_ <= kMaxParseDepth) return Status::OK();
  return parser_->ErrorAt(
      parser_->Peek().offset, "54001",
      fmt::format("statement is nested too deeply (more than {} levels)", kMaxParseDepth));
}

Parser::Parser(const TokenStream& stream) : sql_(stream.sql()), tokens_(stream.tokens()) {}

Status Parser::SyntaxErrorAt(const Token& token) const {
  if (token.Is(TokenKind::kEof)) {
    return ErrorAt(static_cast<uint32_t>(sql_.size()), "42601", "syntax error at end of input");
  }
  return ErrorAt(token.offset, "42601",
                 fmt::format("syntax error at or near \"{}\"",
                             ErrorExcerpt(sql_.substr(token.offset, token.length))));
}

Status Parser::Expect(TokenKind kind) {
  if (!Accept(kind)) return SyntaxError();
  return Status::OK();
}

Status Parser::ExpectKeyword(Keyword kw) {
  if (!AcceptKeyword(kw)) return SyntaxError();
  return Status::OK();
}

Status Parser::ExpectWord(std::string_view lower) {
  if (!AcceptWord(lower)) return SyntaxError();
  return Status::OK();
}

Status Parser::ExpectEnd() {
  if (!Peek().Is(TokenKind::kEof)) return SyntaxError();
  return Status::OK();
}

bool Parser::AtQueryStart(bool allow_parens) const {
  size_t ahead = 0;
  // ((SELECT 1)) UNION (SELECT 2) is a query too.
  while (allow_parens && Peek(ahead).Is(TokenKind::kLParen))
    ++ahead;
  const Token& t = Peek(ahead);
  return t.IsKeyword(Keyword::kSelect) || t.IsKeyword(Keyword::kValues) ||
         t.IsKeyword(Keyword::kWith);
}

bool Parser::AtColId(size_t ahead) const {
  const Token& t = Peek(ahead);
  if (t.Is(TokenKind::kQuotedIdent)) return true;
  if (!t.Is(TokenKind::kWord)) return false;
  KeywordCategory category = KeywordCategoryOf(t.keyword);
  return category == KeywordCategory::kUnreserved || category == KeywordCategory::kColName;
}

Result<Ident> Parser::ParseColId() {
  if (!AtColId()) return SyntaxError();
  const Token& t = Next();
  return Ident{std::string(t.text), t.offset};
}

bool Parser::AtColLabel(size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.Is(TokenKind::kWord) || t.Is(TokenKind::kQuotedIdent);
}

Result<Ident> Parser::ParseColLabel() {
  if (!AtColLabel()) return SyntaxError();
  const Token& t = Next();
  return Ident{std::string(t.text), t.offset};
}

Result<ObjectName> Parser::ParseObjectName() {
  ObjectName name;
  name.pos = Peek().offset;
  DS_ASSIGN_OR_RETURN(Ident first, ParseColId());
  name.parts.push_back(std::move(first));
  while (Peek().Is(TokenKind::kDot) && AtColLabel(1)) {
    Next();
    DS_ASSIGN_OR_RETURN(Ident part, ParseColLabel());
    name.parts.push_back(std::move(part));
  }
  return name;
}

Result<std::vector<Ident>> Parser::ParseParenIdentList() {
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  std::vector<Ident> idents;
  do {
    DS_ASSIGN_OR_RETURN(Ident ident, ParseColId());
    idents.push_back(std::move(ident));
  } while (Accept(TokenKind::kComma));
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return idents;
}

Result<StatementPtr> Parser::ParseQueryStatement() {
  auto stmt = std::make_unique<QueryStmt>();
  DS_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseStatementBody() {
  const Token& first = Peek();
  if (first.Is(TokenKind::kLParen)) {
    if (!AtQueryStart(true)) return SyntaxError();
    return ParseQueryStatement();
  }
  if (!first.Is(TokenKind::kWord)) return SyntaxError();
  switch (first.keyword) {
    case Keyword::kSelect:
    case Keyword::kValues:
    case Keyword::kWith:
      return ParseQueryStatement();
    case Keyword::kInsert:
      return ParseInsert();
    case Keyword::kUpdate:
      return ParseUpdate();
    case Keyword::kDelete:
      return ParseDelete();
    case Keyword::kCreate:
      return ParseCreate();
    case Keyword::kDrop:
      return ParseDrop();
    case Keyword::kAlter:
      return ParseAlter();
    case Keyword::kShow:
      return ParseShow();
    case Keyword::kDescribe:
    case Keyword::kDesc:
      return ParseDescribe();
    case Keyword::kSet:
      return ParseSet();
    case Keyword::kReset:
      return ParseReset();
    case Keyword::kBegin:
    case Keyword::kStart:
    case Keyword::kCommit:
    case Keyword::kEnd:
    case Keyword::kRollback:
    case Keyword::kAbort:
      return ParseTransaction();
    case Keyword::kFlush:
      Next();
      return StatementPtr(std::make_unique<FlushStmt>());
    case Keyword::kCopy:
      return ParseCopy();
    case Keyword::kExplain:
      return ParseExplain();
    case Keyword::kPrepare:
      return ParsePrepare();
    case Keyword::kExecute:
      return ParseExecute();
    case Keyword::kDeallocate:
      return ParseDeallocate();
    default:
      return SyntaxError();
  }
}

Result<StatementPtr> Parser::ParseStatement() {
  DepthGuard guard(this);  // EXPLAIN and PREPARE nest statements
  DS_RETURN_IF_ERROR(guard.Check());
  const uint32_t begin = Peek().offset;
  DS_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatementBody());
  stmt->span = SourceSpan{begin, last_end_};
  // The catalog keeps the text of what it creates.
  if (stmt->kind == StatementKind::kCreateTable) {
    stmt->As<CreateTableStmt>().definition = SourceText(begin, last_end_);
  } else if (stmt->kind == StatementKind::kCreateSink) {
    stmt->As<CreateSinkStmt>().definition = SourceText(begin, last_end_);
  }
  return stmt;
}

Result<std::vector<StatementPtr>> Parser::ParseAll() {
  std::vector<StatementPtr> statements;
  while (true) {
    while (Accept(TokenKind::kSemicolon)) {
    }
    if (Peek().Is(TokenKind::kEof)) break;
    DS_ASSIGN_OR_RETURN(StatementPtr stmt, ParseStatement());
    if (!AtStatementEnd()) return SyntaxError();
    statements.push_back(std::move(stmt));
  }
  return statements;
}

Result<std::vector<StatementPtr>> ParseStatements(std::string_view sql) {
  DS_ASSIGN_OR_RETURN(TokenStream tokens, Tokenize(sql));
  Parser parser(tokens);
  return parser.ParseAll();
}

Result<StatementPtr> ParseSingleStatement(std::string_view sql) {
  DS_ASSIGN_OR_RETURN(std::vector<StatementPtr> statements, ParseStatements(sql));
  if (statements.empty()) return StatementPtr();
  if (statements.size() > 1) {
    return SqlErrorAt(sql, statements[1]->span.begin, "42601",
                      "cannot insert multiple commands into a prepared statement");
  }
  return std::move(statements.front());
}

Result<ExprPtr> ParseExpression(std::string_view sql) {
  DS_ASSIGN_OR_RETURN(TokenStream tokens, Tokenize(sql));
  Parser parser(tokens);
  DS_ASSIGN_OR_RETURN(ExprPtr expr, parser.ParseExpr());
  DS_RETURN_IF_ERROR(parser.ExpectEnd());
  return expr;
}

Result<TypeName> ParseTypeName(std::string_view sql) {
  DS_ASSIGN_OR_RETURN(TokenStream tokens, Tokenize(sql));
  Parser parser(tokens);
  DS_ASSIGN_OR_RETURN(TypeName type, parser.ParseType());
  DS_RETURN_IF_ERROR(parser.ExpectEnd());
  return type;
}

}  // namespace dynasink::sql
