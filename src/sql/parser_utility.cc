// Session and utility statements: SET, RESET, transactions, COPY, EXPLAIN, PREPARE, EXECUTE,
// DEALLOCATE.
#include <fmt/format.h>

#include "sql/parser_internal.h"

namespace dynasink::sql {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Result<StatementPtr> Parser::ParseSet() {
  Next();  // SET
  auto stmt = std::make_unique<SetStmt>();
  if (Peek().IsKeyword(Keyword::kSession) &&
      (Peek(1).IsWord("characteristics") || Peek(1).IsKeyword(Keyword::kAuthorization))) {
    return NotSupportedAt(Peek().offset,
                          fmt::format("SET SESSION {} is not supported", Lower(Peek(1).text)));
  }
  if (AcceptKeyword(Keyword::kSession)) {
    stmt->scope = SetScope::kSession;
  } else if (AcceptKeyword(Keyword::kLocal)) {
    stmt->scope = SetScope::kLocal;
  }
  stmt->name_pos = Peek().offset;
  if (Peek().IsKeyword(Keyword::kTransaction)) {
    return NotSupportedAt(Peek().offset,
                          "SET TRANSACTION is not supported; each statement commits on its own");
  }
  if (Peek().IsWord("time") && Peek(1).IsKeyword(Keyword::kZone)) {
    Next();
    Next();
    stmt->name = "timezone";
    if (AcceptKeyword(Keyword::kLocal) || AcceptKeyword(Keyword::kDefault)) {
      stmt->to_default = true;
    } else if (Peek().IsWord("interval")) {
      return NotSupportedAt(Peek().offset,
                            "SET TIME ZONE INTERVAL is not supported; use a zone name or offset "
                            "such as 'UTC' or '+08:00'");
    } else {
      DS_ASSIGN_OR_RETURN(ConstValue value, ParseConstValue());
      stmt->values.push_back(std::move(value));
    }
    return StatementPtr(std::move(stmt));
  }
  if (AcceptKeyword(Keyword::kNames)) {
    stmt->name = "client_encoding";
    if (AcceptKeyword(Keyword::kDefault)) {
      stmt->to_default = true;
    } else {
      DS_ASSIGN_OR_RETURN(ConstValue value, ParseConstValue());
      stmt->values.push_back(std::move(value));
    }
    return StatementPtr(std::move(stmt));
  }
  DS_ASSIGN_OR_RETURN(Ident first, ParseColLabel());
  stmt->name = std::move(first.name);
  while (Accept(TokenKind::kDot)) {
    DS_ASSIGN_OR_RETURN(Ident part, ParseColLabel());
    stmt->name += '.';
    stmt->name += part.name;
  }
  if (!Accept(TokenKind::kEq) && !AcceptKeyword(Keyword::kTo)) return SyntaxError();
  if (AcceptKeyword(Keyword::kDefault)) {
    stmt->to_default = true;
    return StatementPtr(std::move(stmt));
  }
  do {
    DS_ASSIGN_OR_RETURN(ConstValue value, ParseConstValue());
    stmt->values.push_back(std::move(value));
  } while (Accept(TokenKind::kComma));
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseReset() {
  Next();  // RESET
  auto stmt = std::make_unique<ResetStmt>();
  if (AcceptKeyword(Keyword::kAll)) {
    stmt->all = true;
  } else if (Peek().IsWord("time") && Peek(1).IsKeyword(Keyword::kZone)) {
    Next();
    Next();
    stmt->name = "timezone";
  } else {
    DS_ASSIGN_OR_RETURN(Ident first, ParseColLabel());
    stmt->name = std::move(first.name);
    while (Accept(TokenKind::kDot)) {
      DS_ASSIGN_OR_RETURN(Ident part, ParseColLabel());
      stmt->name += '.';
      stmt->name += part.name;
    }
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseTransaction() {
  const Token& t = Next();
  auto stmt = std::make_unique<TransactionStmt>();
  switch (t.keyword) {
    case Keyword::kStart:
      DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kTransaction));
      stmt->action = TransactionKind::kBegin;
      break;
    case Keyword::kBegin:
      if (!AcceptKeyword(Keyword::kWork)) AcceptKeyword(Keyword::kTransaction);
      stmt->action = TransactionKind::kBegin;
      break;
    case Keyword::kCommit:
    case Keyword::kEnd:
      if (!AcceptKeyword(Keyword::kWork)) AcceptKeyword(Keyword::kTransaction);
      stmt->action = TransactionKind::kCommit;
      break;
    default:  // ROLLBACK, ABORT
      if (!AcceptKeyword(Keyword::kWork)) AcceptKeyword(Keyword::kTransaction);
      stmt->action = TransactionKind::kRollback;
      break;
  }
  if (stmt->action != TransactionKind::kBegin) return StatementPtr(std::move(stmt));
  // Transaction modes, separated by commas or spaces.
  while (!AtStatementEnd()) {
    if (AcceptKeyword(Keyword::kIsolation)) {
      DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kLevel));
      std::string mode = "isolation level ";
      if (AcceptWord("serializable")) {
        mode += "serializable";
      } else if (AcceptWord("repeatable")) {
        DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kRead));
        mode += "repeatable read";
      } else if (AcceptKeyword(Keyword::kRead)) {
        if (AcceptWord("committed")) {
          mode += "read committed";
        } else if (AcceptWord("uncommitted")) {
          mode += "read uncommitted";
        } else {
          return SyntaxError();
        }
      } else {
        return SyntaxError();
      }
      stmt->modes.push_back(std::move(mode));
    } else if (AcceptKeyword(Keyword::kRead)) {
      if (AcceptKeyword(Keyword::kOnly)) {
        stmt->modes.push_back("read only");
      } else if (AcceptKeyword(Keyword::kWrite)) {
        stmt->modes.push_back("read write");
      } else {
        return SyntaxError();
      }
    } else if (AcceptKeyword(Keyword::kDeferrable)) {
      stmt->modes.push_back("deferrable");
    } else if (AcceptKeyword(Keyword::kNot)) {
      DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kDeferrable));
      stmt->modes.push_back("not deferrable");
    } else {
      return SyntaxError();
    }
    Accept(TokenKind::kComma);
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseCopy() {
  Next();  // COPY
  auto stmt = std::make_unique<CopyStmt>();
  if (Accept(TokenKind::kLParen)) {
    if (!AtQueryStart(true)) return SyntaxError();
    DS_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  } else {
    DS_ASSIGN_OR_RETURN(stmt->table, ParseObjectName());
    if (Peek().Is(TokenKind::kLParen)) {
      DS_ASSIGN_OR_RETURN(stmt->columns, ParseParenIdentList());
    }
  }
  if (!stmt->query && AcceptKeyword(Keyword::kFrom)) {
    stmt->direction = CopyDirection::kFrom;
  } else if (AcceptKeyword(Keyword::kTo)) {
    stmt->direction = CopyDirection::kTo;
  } else {
    return SyntaxError();
  }
  // Like PostgreSQL, STDIN and STDOUT both name the client's stream, whichever the direction.
  const Token& target = Peek();
  if (target.Is(TokenKind::kString) || target.IsWord("program")) {
    return NotSupportedAt(target.offset,
                          "COPY to or from a server file or program is not supported; use COPY "
                          "... FROM STDIN or TO STDOUT (psql: \\copy)");
  }
  if (!AcceptKeyword(Keyword::kStdin) && !AcceptKeyword(Keyword::kStdout)) return SyntaxError();
  DS_RETURN_IF_ERROR(ParseCopyOptions(&stmt->options));
  return StatementPtr(std::move(stmt));
}

Status Parser::ParseCopyOptions(CopyOptions* options) {
  AcceptKeyword(Keyword::kWith);
  uint32_t seen = 0;  // one bit per option, to refuse repeats as PostgreSQL does
  enum Bit : uint32_t {
    kFormatBit = 1,
    kHeaderBit = 2,
    kDelimiterBit = 4,
    kNullBit = 8,
    kQuoteBit = 16,
    kEscapeBit = 32,
    kEncodingBit = 64
  };
  auto mark = [&](Bit bit, uint32_t pos) -> Status {
    if (seen & bit) return ErrorAt(pos, "42601", "conflicting or redundant options");
    seen |= bit;
    return Status::OK();
  };
  auto set_format = [&](std::string_view format, uint32_t pos) -> Status {
    DS_RETURN_IF_ERROR(mark(kFormatBit, pos));
    std::string lower = Lower(format);
    if (lower == "text") {
      options->format = CopyFormat::kText;
    } else if (lower == "csv") {
      options->format = CopyFormat::kCsv;
    } else if (lower == "binary") {
      options->format = CopyFormat::kBinary;
    } else {
      return ErrorAt(pos, "22023", fmt::format("COPY format \"{}\" not recognized", format));
    }
    return Status::OK();
  };
  // The string-valued options, by name.
  auto string_option = [&](std::string_view name) -> std::pair<Bit, std::optional<std::string>*> {
    if (name == "delimiter") return {kDelimiterBit, &options->delimiter};
    if (name == "null") return {kNullBit, &options->null_string};
    if (name == "quote") return {kQuoteBit, &options->quote};
    if (name == "escape") return {kEscapeBit, &options->escape};
    if (name == "encoding") return {kEncodingBit, &options->encoding};
    return {kFormatBit, nullptr};
  };

  if (Accept(TokenKind::kLParen)) {
    // The modern form: (name [value], ...).
    do {
      DS_ASSIGN_OR_RETURN(Ident name, ParseColLabel());
      std::optional<ConstValue> value;
      if (!Peek().Is(TokenKind::kComma) && !Peek().Is(TokenKind::kRParen)) {
        DS_ASSIGN_OR_RETURN(ConstValue v, ParseConstValue());
        value = std::move(v);
      }
      if (name.name == "format") {
        if (!value) {
          return ErrorAt(name.pos, "42601", "format requires a parameter");
        }
        DS_RETURN_IF_ERROR(set_format(value->text, value->span.begin));
      } else if (name.name == "header") {
        DS_RETURN_IF_ERROR(mark(kHeaderBit, name.pos));
        std::string text = value ? Lower(value->text) : "true";
        if (text == "true" || text == "on" || text == "1" || text == "yes" || text == "t" ||
            text == "y") {
          options->header = true;
        } else if (text == "false" || text == "off" || text == "0" || text == "no" || text == "f" ||
                   text == "n") {
          options->header = false;
        } else if (text == "match") {
          return NotSupportedAt(value->span.begin, "COPY HEADER MATCH is not supported");
        } else {
          return ErrorAt(value->span.begin, "22023", "header requires a Boolean value");
        }
      } else if (auto [bit, slot] = string_option(name.name); slot != nullptr) {
        DS_RETURN_IF_ERROR(mark(bit, name.pos));
        if (!value) {
          return ErrorAt(name.pos, "42601", fmt::format("{} requires a parameter", name.name));
        }
        *slot = value->text;
      } else if (name.name == "freeze" || name.name == "force_quote" ||
                 name.name == "force_not_null" || name.name == "force_null" ||
                 name.name == "default") {
        return NotSupportedAt(name.pos,
                              fmt::format("COPY option \"{}\" is not supported", name.name));
      } else {
        return ErrorAt(name.pos, "42601", fmt::format("option \"{}\" not recognized", name.name));
      }
    } while (Accept(TokenKind::kComma));
    return Expect(TokenKind::kRParen);
  }

  // The old form: BINARY | CSV | HEADER | DELIMITER [AS] 'c' | NULL [AS] 's' | QUOTE [AS] 'q' |
  // ESCAPE [AS] 'e' | ENCODING 'e', in any order.
  while (!AtStatementEnd()) {
    const Token& t = Peek();
    if (t.IsKeyword(Keyword::kBinary)) {
      Next();
      DS_RETURN_IF_ERROR(set_format("binary", t.offset));
    } else if (t.IsKeyword(Keyword::kCsv)) {
      Next();
      DS_RETURN_IF_ERROR(set_format("csv", t.offset));
    } else if (t.IsKeyword(Keyword::kHeader)) {
      Next();
      DS_RETURN_IF_ERROR(mark(kHeaderBit, t.offset));
      options->header = true;
    } else if (t.Is(TokenKind::kWord) && string_option(t.text).second != nullptr) {
      auto [bit, slot] = string_option(t.text);
      Next();
      DS_RETURN_IF_ERROR(mark(bit, t.offset));
      AcceptKeyword(Keyword::kAs);
      if (!Peek().Is(TokenKind::kString)) return SyntaxError();
      *slot = std::string(Next().text);
    } else if (t.IsWord("force") || t.IsKeyword(Keyword::kFreeze)) {
      return NotSupportedAt(t.offset, fmt::format("COPY option \"{}\" is not supported", t.text));
    } else {
      return SyntaxError();
    }
  }
  return Status::OK();
}

Result<StatementPtr> Parser::ParseExplain() {
  Next();  // EXPLAIN
  auto stmt = std::make_unique<ExplainStmt>();
  stmt->verbose = AcceptKeyword(Keyword::kVerbose);
  if (Peek().Is(TokenKind::kLParen) && !AtQueryStart(true)) {
    return NotSupportedAt(Peek().offset, "EXPLAIN options in parentheses are not supported");
  }
  const uint32_t inner_pos = Peek().offset;
  DS_ASSIGN_OR_RETURN(stmt->statement, ParseStatement());
  switch (stmt->statement->kind) {
    case StatementKind::kQuery:
    case StatementKind::kInsert:
    case StatementKind::kUpdate:
    case StatementKind::kDelete:
    case StatementKind::kCreateSink:
      break;
    default:
      return NotSupportedAt(inner_pos,
                            "EXPLAIN supports SELECT, INSERT, UPDATE, DELETE and CREATE SINK");
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParsePrepare() {
  Next();  // PREPARE
  auto stmt = std::make_unique<PrepareStmt>();
  DS_ASSIGN_OR_RETURN(stmt->name, ParseColId());
  if (Accept(TokenKind::kLParen)) {
    do {
      DS_ASSIGN_OR_RETURN(TypeName type, ParseType());
      stmt->param_types.push_back(std::move(type));
    } while (Accept(TokenKind::kComma));
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  }
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kAs));
  // PostgreSQL prepares only queries and DML.
  const Token& t = Peek();
  if (!AtQueryStart(true) && !t.IsKeyword(Keyword::kInsert) && !t.IsKeyword(Keyword::kUpdate) &&
      !t.IsKeyword(Keyword::kDelete)) {
    return SyntaxError();
  }
  DS_ASSIGN_OR_RETURN(stmt->statement, ParseStatement());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseExecute() {
  Next();  // EXECUTE
  auto stmt = std::make_unique<ExecuteStmt>();
  DS_ASSIGN_OR_RETURN(stmt->name, ParseColId());
  if (Accept(TokenKind::kLParen)) {
    DS_ASSIGN_OR_RETURN(stmt->params, ParseExprList());
    DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseDeallocate() {
  Next();  // DEALLOCATE
  AcceptKeyword(Keyword::kPrepare);
  auto stmt = std::make_unique<DeallocateStmt>();
  if (AcceptKeyword(Keyword::kAll)) {
    stmt->all = true;
  } else {
    DS_ASSIGN_OR_RETURN(stmt->name, ParseColId());
  }
  return StatementPtr(std::move(stmt));
}

}  // namespace dynasink::sql
