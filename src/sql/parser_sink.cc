// Sinks: CREATE SINK and ALTER SINK (and the refusal of other ALTERs).
//
//   CREATE SINK [IF NOT EXISTS] name { FROM relation | AS query }
//     WITH (key = value, ...) [FORMAT format ENCODE encode [(key = value, ...)]]
//   ALTER SINK name PAUSE | RESUME | SET (key = value, ...) | CONNECTOR WITH (...) |
//     RENAME TO new_name
//
// Option semantics (which keys exist, aliases, bounds) belong to the connector; the parser only
// keeps keys and values as written (see SqlOption) and refuses a key given twice.
#include <fmt/format.h>

#include "sql/parser_internal.h"

namespace dynasink::sql {

Result<StatementPtr> Parser::ParseCreateSink() {
  Next();  // SINK
  auto stmt = std::make_unique<CreateSinkStmt>();
  if (Peek().IsKeyword(Keyword::kIf) && Peek(1).IsKeyword(Keyword::kNot)) {
    Next();
    Next();
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kExists));
    stmt->if_not_exists = true;
  }
  DS_ASSIGN_OR_RETURN(stmt->name, ParseObjectName());
  if (Peek().IsKeyword(Keyword::kInto)) {
    return NotSupportedAt(Peek().offset, "CREATE SINK ... INTO a table is not supported");
  }
  if (AcceptKeyword(Keyword::kFrom)) {
    DS_ASSIGN_OR_RETURN(ObjectName from, ParseObjectName());
    stmt->from = std::move(from);
  } else if (AcceptKeyword(Keyword::kAs)) {
    DS_ASSIGN_OR_RETURN(stmt->query, ParseQuery());
    stmt->query_text = SourceText(stmt->query->span.begin, stmt->query->span.end);
  } else {
    return SyntaxError();
  }
  DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kWith));
  DS_ASSIGN_OR_RETURN(stmt->with_options, ParseOptionList());
  if (Peek().IsKeyword(Keyword::kFormat)) {
    FormatEncode format;
    format.format_pos = Next().offset;
    DS_ASSIGN_OR_RETURN(Ident format_name, ParseColLabel());
    format.format = std::move(format_name.name);
    format.encode_pos = Peek().offset;
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kEncode));
    DS_ASSIGN_OR_RETURN(Ident encode_name, ParseColLabel());
    format.encode = std::move(encode_name.name);
    if (Peek().Is(TokenKind::kLParen)) {
      DS_ASSIGN_OR_RETURN(format.options, ParseOptionList());
    }
    stmt->format_encode = std::move(format);
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseAlter() {
  Next();  // ALTER
  const Token& what = Peek();
  if (!what.IsKeyword(Keyword::kSink)) {
    if (!what.Is(TokenKind::kWord)) return SyntaxError();
    std::string name(what.text);
    for (char& c : name) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return NotSupportedAt(
        what.offset, fmt::format("ALTER {} is not supported; dynasink supports ALTER SINK", name));
  }
  Next();
  auto stmt = std::make_unique<AlterSinkStmt>();
  DS_ASSIGN_OR_RETURN(stmt->name, ParseObjectName());
  if (AcceptKeyword(Keyword::kPause)) {
    stmt->action = AlterSinkAction::kPause;
  } else if (AcceptKeyword(Keyword::kResume)) {
    stmt->action = AlterSinkAction::kResume;
  } else if (Peek().IsKeyword(Keyword::kSet) && Peek(1).Is(TokenKind::kLParen)) {
    Next();
    stmt->action = AlterSinkAction::kSetOptions;
    DS_ASSIGN_OR_RETURN(stmt->options, ParseOptionList());
  } else if (Peek().IsWord("connector") && Peek(1).IsKeyword(Keyword::kWith)) {
    // RisingWave's spelling of the same change.
    Next();
    Next();
    stmt->action = AlterSinkAction::kSetOptions;
    DS_ASSIGN_OR_RETURN(stmt->options, ParseOptionList());
  } else if (AcceptKeyword(Keyword::kRename)) {
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kTo));
    stmt->action = AlterSinkAction::kRename;
    DS_ASSIGN_OR_RETURN(stmt->new_name, ParseColId());
  } else {
    return SyntaxError();
  }
  return StatementPtr(std::move(stmt));
}

}  // namespace dynasink::sql
