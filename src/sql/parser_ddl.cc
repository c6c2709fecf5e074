// DDL and catalog inspection: CREATE TABLE, DROP, SHOW, DESCRIBE, and WITH (...) option lists.
#include <fmt/format.h>

#include "sql/parser_internal.h"

namespace dynasink::sql {

namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Object kinds that RisingWave has and dynasink does not: named in a clear error instead of a
// bare syntax error.
bool IsUnsupportedObjectWord(const Token& t) {
  static constexpr std::string_view kWords[] = {
      "view", "materialized", "source",     "index",     "schema", "database",  "function",
      "user", "secret",       "connection", "temporary", "temp",   "aggregate", "subscription"};
  if (!t.Is(TokenKind::kWord)) return false;
  for (std::string_view word : kWords) {
    if (t.text == word) return true;
  }
  return false;
}

}  // namespace

Result<StatementPtr> Parser::ParseCreate() {
  Next();  // CREATE
  const Token& t = Peek();
  if (t.IsKeyword(Keyword::kTable)) return ParseCreateTable();
  if (t.IsKeyword(Keyword::kSink)) return ParseCreateSink();
  if (t.IsKeyword(Keyword::kOr)) {
    return NotSupportedAt(t.offset, "CREATE OR REPLACE is not supported; drop and create instead");
  }
  if (IsUnsupportedObjectWord(t)) {
    std::string what = Upper(t.text);
    if (t.text == "materialized" && Peek(1).IsWord("view")) what = "MATERIALIZED VIEW";
    return NotSupportedAt(t.offset, fmt::format("CREATE {} is not supported; dynasink supports "
                                                "CREATE TABLE and CREATE SINK",
                                                what));
  }
  return SyntaxError();
}

Result<StatementPtr> Parser::ParseCreateTable() {
  Next();  // TABLE
  auto stmt = std::make_unique<CreateTableStmt>();
  if (Peek().IsKeyword(Keyword::kIf) && Peek(1).IsKeyword(Keyword::kNot)) {
    Next();
    Next();
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kExists));
    stmt->if_not_exists = true;
  }
  DS_ASSIGN_OR_RETURN(stmt->name, ParseObjectName());
  if (Peek().IsKeyword(Keyword::kAs)) {
    return NotSupportedAt(Peek().offset,
                          "CREATE TABLE ... AS is not supported; create the table, then INSERT ... "
                          "SELECT");
  }
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  if (Peek().Is(TokenKind::kRParen)) {
    return ErrorAt(Peek().offset, "42601", "a table must have at least one column");
  }
  do {
    const Token& t = Peek();
    if (t.IsKeyword(Keyword::kPrimary) || t.IsKeyword(Keyword::kConstraint) ||
        t.IsKeyword(Keyword::kUnique) || t.IsKeyword(Keyword::kCheck) ||
        t.IsKeyword(Keyword::kForeign)) {
      DS_RETURN_IF_ERROR(ParseTableConstraint(stmt.get()));
    } else {
      DS_RETURN_IF_ERROR(ParseColumnDef(stmt.get()));
    }
  } while (Accept(TokenKind::kComma));
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  if (stmt->columns.empty()) {
    return ErrorAt(stmt->name.pos, "42601", "a table must have at least one column");
  }
  if (AcceptKeyword(Keyword::kAppend)) {
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kOnly));
    stmt->append_only = true;
  }
  if (AcceptKeyword(Keyword::kOn)) {
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kConflict));
    if (AcceptKeyword(Keyword::kOverwrite)) {
      stmt->on_conflict = OnConflictBehavior::kOverwrite;
    } else if (AcceptKeyword(Keyword::kIgnore)) {
      stmt->on_conflict = OnConflictBehavior::kDoNothing;
    } else if (AcceptKeyword(Keyword::kDo)) {
      if (AcceptKeyword(Keyword::kNothing)) {
        stmt->on_conflict = OnConflictBehavior::kDoNothing;
      } else if (AcceptKeyword(Keyword::kUpdate)) {
        if (AcceptKeyword(Keyword::kFull)) {
          stmt->on_conflict = OnConflictBehavior::kOverwrite;
        } else if (AcceptKeyword(Keyword::kIf)) {
          DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kNot));
          DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kNull));
          stmt->on_conflict = OnConflictBehavior::kDoUpdateIfNotNull;
        } else {
          return SyntaxError();
        }
      } else {
        return SyntaxError();
      }
    } else {
      return SyntaxError();
    }
  }
  if (AcceptKeyword(Keyword::kWith)) {
    DS_ASSIGN_OR_RETURN(stmt->with_options, ParseOptionList());
  }
  if (Peek().IsKeyword(Keyword::kFormat)) {
    return NotSupportedAt(Peek().offset,
                          "CREATE TABLE with a connector (FORMAT ... ENCODE ...) is not "
                          "supported; dynasink tables hold their own data");
  }
  return StatementPtr(std::move(stmt));
}

Status Parser::ParseColumnDef(CreateTableStmt* table) {
  ColumnDef column;
  column.pos = Peek().offset;
  DS_ASSIGN_OR_RETURN(column.name, ParseColId());
  DS_ASSIGN_OR_RETURN(column.type, ParseType());
  const std::string& table_name = table->name.name();
  auto conflicting_null = [&](uint32_t pos) {
    return ErrorAt(pos, "42601",
                   fmt::format("conflicting NULL/NOT NULL declarations for column \"{}\" of "
                               "table \"{}\"",
                               column.name.name, table_name));
  };
  while (true) {
    const Token& t = Peek();
    if (t.IsKeyword(Keyword::kConstraint)) {
      // A constraint name on a column constraint documents nothing dynasink keeps.
      Next();
      DS_RETURN_IF_ERROR(ParseColId().status());
      continue;
    }
    if (t.IsKeyword(Keyword::kPrimary)) {
      Next();
      DS_RETURN_IF_ERROR(ExpectWord("key"));
      bool other_key = column.primary_key || !table->table_primary_key.empty();
      for (const auto& other : table->columns)
        other_key = other_key || other.primary_key;
      if (other_key) {
        return ErrorAt(
            t.offset, "42P16",
            fmt::format("multiple primary keys for table \"{}\" are not allowed", table_name));
      }
      if (column.nullability == Nullability::kNull) return conflicting_null(t.offset);
      column.primary_key = true;
    } else if (t.IsKeyword(Keyword::kNot)) {
      Next();
      DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kNull));
      if (column.nullability == Nullability::kNull) return conflicting_null(t.offset);
      column.nullability = Nullability::kNotNull;
    } else if (t.IsKeyword(Keyword::kNull)) {
      Next();
      if (column.nullability == Nullability::kNotNull || column.primary_key) {
        return conflicting_null(t.offset);
      }
      column.nullability = Nullability::kNull;
    } else if (t.IsKeyword(Keyword::kDefault)) {
      Next();
      if (column.default_value) {
        return ErrorAt(t.offset, "42601",
                       fmt::format("multiple default values specified for column \"{}\" of "
                                   "table \"{}\"",
                                   column.name.name, table_name));
      }
      DS_ASSIGN_OR_RETURN(column.default_value, ParseExpr());
    } else if (t.IsKeyword(Keyword::kUnique) || t.IsKeyword(Keyword::kCheck) ||
               t.IsKeyword(Keyword::kReferences)) {
      return NotSupportedAt(t.offset, fmt::format("{} constraints are not supported; only PRIMARY "
                                                  "KEY, NOT NULL and DEFAULT are",
                                                  Upper(t.text)));
    } else if (t.IsWord("generated") || t.IsKeyword(Keyword::kAs)) {
      return NotSupportedAt(t.offset, "generated columns are not supported");
    } else {
      break;
    }
  }
  table->columns.push_back(std::move(column));
  return Status::OK();
}

Status Parser::ParseTableConstraint(CreateTableStmt* table) {
  std::string constraint_name;
  if (AcceptKeyword(Keyword::kConstraint)) {
    DS_ASSIGN_OR_RETURN(Ident name, ParseColId());
    constraint_name = std::move(name.name);
  }
  const Token& t = Peek();
  if (t.IsKeyword(Keyword::kPrimary)) {
    Next();
    DS_RETURN_IF_ERROR(ExpectWord("key"));
    bool other_key = !table->table_primary_key.empty();
    for (const auto& column : table->columns)
      other_key = other_key || column.primary_key;
    if (other_key) {
      return ErrorAt(t.offset, "42P16",
                     fmt::format("multiple primary keys for table \"{}\" are not allowed",
                                 table->name.name()));
    }
    table->table_primary_key_pos = t.offset;
    DS_ASSIGN_OR_RETURN(table->table_primary_key, ParseParenIdentList());
    table->primary_key_constraint_name = std::move(constraint_name);
    return Status::OK();
  }
  if (t.IsKeyword(Keyword::kUnique) || t.IsKeyword(Keyword::kCheck) ||
      t.IsKeyword(Keyword::kForeign)) {
    return NotSupportedAt(
        t.offset, fmt::format("{} constraints are not supported; only PRIMARY "
                              "KEY, NOT NULL and DEFAULT are",
                              t.IsKeyword(Keyword::kForeign) ? "FOREIGN KEY" : Upper(t.text)));
  }
  return SyntaxError();
}

Result<StatementPtr> Parser::ParseDrop() {
  Next();  // DROP
  auto stmt = std::make_unique<DropStmt>();
  const Token& t = Peek();
  if (t.IsKeyword(Keyword::kTable)) {
    stmt->object_type = ObjectType::kTable;
  } else if (t.IsKeyword(Keyword::kSink)) {
    stmt->object_type = ObjectType::kSink;
  } else if (IsUnsupportedObjectWord(t)) {
    std::string what = Upper(t.text);
    if (t.text == "materialized" && Peek(1).IsWord("view")) what = "MATERIALIZED VIEW";
    return NotSupportedAt(t.offset, fmt::format("DROP {} is not supported; dynasink supports DROP "
                                                "TABLE and DROP SINK",
                                                what));
  } else {
    return SyntaxError();
  }
  Next();
  if (Peek().IsKeyword(Keyword::kIf) && Peek(1).IsKeyword(Keyword::kExists)) {
    Next();
    Next();
    stmt->if_exists = true;
  }
  do {
    DS_ASSIGN_OR_RETURN(ObjectName name, ParseObjectName());
    stmt->names.push_back(std::move(name));
  } while (Accept(TokenKind::kComma));
  if (AcceptKeyword(Keyword::kCascade)) {
    stmt->behavior = DropBehavior::kCascade;
  } else if (AcceptKeyword(Keyword::kRestrict)) {
    stmt->behavior = DropBehavior::kRestrict;
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::ParseShow() {
  Next();  // SHOW
  const Token& t = Peek();

  if (t.IsKeyword(Keyword::kCreate)) {
    Next();
    auto stmt = std::make_unique<ShowCreateStmt>();
    const Token& what = Peek();
    if (what.IsKeyword(Keyword::kTable)) {
      stmt->object_type = ObjectType::kTable;
    } else if (what.IsKeyword(Keyword::kSink)) {
      stmt->object_type = ObjectType::kSink;
    } else if (IsUnsupportedObjectWord(what)) {
      return NotSupportedAt(what.offset, "SHOW CREATE supports TABLE and SINK");
    } else {
      return SyntaxError();
    }
    Next();
    DS_ASSIGN_OR_RETURN(stmt->name, ParseObjectName());
    return StatementPtr(std::move(stmt));
  }

  // SHOW TABLES / SINKS / ... [FROM schema] [LIKE 'pattern']
  std::optional<ShowObjectsKind> objects;
  if (t.IsKeyword(Keyword::kTables)) objects = ShowObjectsKind::kTables;
  if (t.IsKeyword(Keyword::kSinks)) objects = ShowObjectsKind::kSinks;
  if (t.IsKeyword(Keyword::kViews)) objects = ShowObjectsKind::kViews;
  if (t.IsKeyword(Keyword::kSources)) objects = ShowObjectsKind::kSources;
  if (t.IsKeyword(Keyword::kDatabases)) objects = ShowObjectsKind::kDatabases;
  if (t.IsKeyword(Keyword::kSchemas)) objects = ShowObjectsKind::kSchemas;
  if (t.IsKeyword(Keyword::kColumns)) objects = ShowObjectsKind::kColumns;
  if (t.IsKeyword(Keyword::kMaterialized) && Peek(1).IsKeyword(Keyword::kViews)) {
    Next();
    objects = ShowObjectsKind::kMaterializedViews;
  }
  if (objects) {
    Next();
    auto stmt = std::make_unique<ShowObjectsStmt>();
    stmt->what = *objects;
    const bool takes_from =
        *objects != ShowObjectsKind::kDatabases && *objects != ShowObjectsKind::kSchemas;
    if (takes_from && (AcceptKeyword(Keyword::kFrom) || AcceptKeyword(Keyword::kIn))) {
      DS_ASSIGN_OR_RETURN(stmt->from, ParseObjectName());
    } else if (*objects == ShowObjectsKind::kColumns) {
      return SyntaxError();  // SHOW COLUMNS needs FROM table
    }
    if (AcceptKeyword(Keyword::kLike)) {
      if (!Peek().Is(TokenKind::kString)) return SyntaxError();
      stmt->like_pattern = std::string(Next().text);
    }
    return StatementPtr(std::move(stmt));
  }

  auto stmt = std::make_unique<ShowVariableStmt>();
  if (t.IsKeyword(Keyword::kAll)) {
    Next();
    stmt->all = true;
    stmt->name = "all";
  } else if (t.IsWord("time") && Peek(1).IsKeyword(Keyword::kZone)) {
    Next();
    Next();
    stmt->name = "timezone";
  } else if (t.IsKeyword(Keyword::kTransaction) && Peek(1).IsKeyword(Keyword::kIsolation)) {
    Next();
    Next();
    DS_RETURN_IF_ERROR(ExpectKeyword(Keyword::kLevel));
    stmt->name = "transaction_isolation";
  } else if (t.IsKeyword(Keyword::kSession) && Peek(1).IsKeyword(Keyword::kAuthorization)) {
    Next();
    Next();
    stmt->name = "session_authorization";
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

Result<StatementPtr> Parser::ParseDescribe() {
  Next();  // DESCRIBE or DESC
  auto stmt = std::make_unique<DescribeStmt>();
  DS_ASSIGN_OR_RETURN(stmt->name, ParseObjectName());
  return StatementPtr(std::move(stmt));
}

Result<ConstValue> Parser::ParseConstValue() {
  ConstValue value;
  const uint32_t begin = Peek().offset;
  const Token& t = Peek();
  if (t.Is(TokenKind::kString)) {
    value.kind = ConstValue::Kind::kString;
    value.text = std::string(t.text);
    Next();
  } else if (t.Is(TokenKind::kInteger) || t.Is(TokenKind::kDecimal)) {
    value.kind = ConstValue::Kind::kNumber;
    value.text = std::string(t.text);
    Next();
  } else if ((t.Is(TokenKind::kMinus) || t.Is(TokenKind::kPlus)) &&
             (Peek(1).Is(TokenKind::kInteger) || Peek(1).Is(TokenKind::kDecimal))) {
    value.kind = ConstValue::Kind::kNumber;
    Next();
    value.text = t.Is(TokenKind::kMinus) ? "-" : "";
    value.text += Next().text;
  } else if (t.IsKeyword(Keyword::kTrue) || t.IsKeyword(Keyword::kFalse)) {
    value.kind = ConstValue::Kind::kBoolean;
    value.text = std::string(t.text);
    Next();
  } else if (t.Is(TokenKind::kWord) || t.Is(TokenKind::kQuotedIdent)) {
    value.kind = ConstValue::Kind::kWord;
    value.text = std::string(t.text);
    Next();
  } else {
    return SyntaxError();
  }
  value.span = SourceSpan{begin, last_end_};
  return value;
}

Result<std::vector<SqlOption>> Parser::ParseOptionList() {
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  std::vector<SqlOption> options;
  do {
    SqlOption option;
    option.key_pos = Peek().offset;
    if (Peek().Is(TokenKind::kString)) {
      option.key = std::string(Next().text);
    } else {
      DS_ASSIGN_OR_RETURN(Ident part, ParseColLabel());
      option.key = std::move(part.name);
      while (Accept(TokenKind::kDot)) {
        DS_ASSIGN_OR_RETURN(Ident next, ParseColLabel());
        option.key += '.';
        option.key += next.name;
      }
    }
    DS_RETURN_IF_ERROR(Expect(TokenKind::kEq));
    DS_ASSIGN_OR_RETURN(option.value, ParseConstValue());
    if (FindOption(options, option.key) != nullptr) {
      return ErrorAt(option.key_pos, "42601",
                     fmt::format("option \"{}\" is specified more than once", option.key));
    }
    options.push_back(std::move(option));
  } while (Accept(TokenKind::kComma));
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return options;
}

}  // namespace dynasink::sql
