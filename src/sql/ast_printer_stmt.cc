// The printer's queries and statements. Expressions and types are in ast_printer.cc.
#include "sql/ast_printer_internal.h"

namespace dynasink::sql {

namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

int SetOperatorPrecedence(SetOperator op) {
  return op == SetOperator::kIntersect ? 2 : 1;
}

}  // namespace

void AstPrinter::Alias(const std::optional<Ident>& alias) {
  if (!alias) return;
  out_.append(" AS ");
  Name(alias->name, NameUse::kLabel);
}

void AstPrinter::SelectItems(const std::vector<SelectItem>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out_.append(", ");
    Expr(*items[i].expr);
    Alias(items[i].alias);
  }
}

void AstPrinter::TableRef(const sql::TableRef& ref) {
  switch (ref.kind) {
    case TableRefKind::kTable: {
      const auto& table = ref.As<TableNameRef>();
      ObjectName(table.name);
      Alias(table.alias);
      break;
    }
    case TableRefKind::kSubquery: {
      const auto& sub = ref.As<SubqueryRef>();
      out_.push_back('(');
      Query(*sub.query);
      out_.push_back(')');
      Alias(sub.alias);
      break;
    }
    case TableRefKind::kJoin: {
      const auto& join = ref.As<JoinRef>();
      TableRef(*join.left);
      out_.push_back(' ');
      if (join.natural) out_.append("NATURAL ");
      switch (join.type) {
        case JoinType::kInner:
          out_.append("JOIN ");
          break;
        case JoinType::kLeft:
          out_.append("LEFT JOIN ");
          break;
        case JoinType::kRight:
          out_.append("RIGHT JOIN ");
          break;
        case JoinType::kFull:
          out_.append("FULL JOIN ");
          break;
        case JoinType::kCross:
          out_.append("CROSS JOIN ");
          break;
      }
      // Joins nest to the left; a join on the right needs parentheses.
      const bool nested = join.right->kind == TableRefKind::kJoin;
      if (nested) out_.push_back('(');
      TableRef(*join.right);
      if (nested) out_.push_back(')');
      if (join.on) {
        out_.append(" ON ");
        Expr(*join.on);
      } else if (!join.using_columns.empty()) {
        out_.append(" USING (");
        IdentList(join.using_columns);
        out_.push_back(')');
      }
      break;
    }
  }
}

void AstPrinter::QueryBody(const sql::QueryBody& body, int min_prec) {
  switch (body.kind) {
    case QueryBodyKind::kSelect: {
      const auto& select = body.As<SelectBody>();
      out_.append("SELECT ");
      if (select.distinct) {
        out_.append("DISTINCT ");
        if (!select.distinct_on.empty()) {
          out_.append("ON (");
          ExprList(select.distinct_on);
          out_.append(") ");
        }
      }
      SelectItems(select.items);
      if (!select.from.empty()) {
        out_.append(" FROM ");
        for (size_t i = 0; i < select.from.size(); ++i) {
          if (i > 0) out_.append(", ");
          TableRef(*select.from[i]);
        }
      }
      if (select.where) {
        out_.append(" WHERE ");
        Expr(*select.where);
      }
      if (!select.group_by.empty()) {
        out_.append(" GROUP BY ");
        ExprList(select.group_by);
      }
      if (select.having) {
        out_.append(" HAVING ");
        Expr(*select.having);
      }
      break;
    }
    case QueryBodyKind::kValues: {
      const auto& values = body.As<ValuesBody>();
      out_.append("VALUES ");
      for (size_t i = 0; i < values.rows.size(); ++i) {
        if (i > 0) out_.append(", ");
        out_.push_back('(');
        ExprList(values.rows[i]);
        out_.push_back(')');
      }
      break;
    }
    case QueryBodyKind::kSetOperation: {
      const auto& set = body.As<SetOperationBody>();
      const int prec = SetOperatorPrecedence(set.op);
      const bool parens = prec < min_prec;
      if (parens) out_.push_back('(');
      QueryBody(*set.left, prec);
      switch (set.op) {
        case SetOperator::kUnion:
          out_.append(" UNION ");
          break;
        case SetOperator::kIntersect:
          out_.append(" INTERSECT ");
          break;
        case SetOperator::kExcept:
          out_.append(" EXCEPT ");
          break;
      }
      if (set.all) out_.append("ALL ");
      QueryBody(*set.right, prec + 1);
      if (parens) out_.push_back(')');
      break;
    }
    case QueryBodyKind::kParenthesized:
      out_.push_back('(');
      Query(*body.As<ParenthesizedBody>().query);
      out_.push_back(')');
      break;
  }
}

void AstPrinter::Query(const sql::Query& query) {
  if (!query.with.empty()) {
    out_.append(query.with_recursive ? "WITH RECURSIVE " : "WITH ");
    for (size_t i = 0; i < query.with.size(); ++i) {
      const auto& cte = query.with[i];
      if (i > 0) out_.append(", ");
      Name(cte.name.name, NameUse::kColId);
      if (!cte.columns.empty()) {
        out_.append(" (");
        IdentList(cte.columns);
        out_.push_back(')');
      }
      out_.append(" AS (");
      Query(*cte.query);
      out_.push_back(')');
    }
    out_.push_back(' ');
  }
  QueryBody(*query.body);
  if (!query.order_by.empty()) {
    out_.append(" ORDER BY ");
    OrderBy(query.order_by);
  }
  if (query.limit) {
    out_.append(" LIMIT ");
    Expr(*query.limit);
  }
  if (query.offset) {
    out_.append(" OFFSET ");
    Expr(*query.offset);
  }
}

void AstPrinter::Value(const ConstValue& value) {
  switch (value.kind) {
    case ConstValue::Kind::kString:
      out_ += QuoteString(value.text);
      break;
    case ConstValue::Kind::kNumber:
    case ConstValue::Kind::kBoolean:
      out_.append(value.text);
      break;
    case ConstValue::Kind::kWord:
      Name(value.text, NameUse::kLabel);
      break;
  }
}

void AstPrinter::Options(const std::vector<SqlOption>& options, bool redactable) {
  out_.push_back('(');
  for (size_t i = 0; i < options.size(); ++i) {
    const auto& option = options[i];
    if (i > 0) out_.append(", ");
    // Dotted keys print part by part; a key that does not split into names prints as a string.
    bool dotted_ok = !option.key.empty();
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (dotted_ok) {
      size_t dot = option.key.find('.', start);
      std::string_view part =
          std::string_view(option.key).substr(start, dot == std::string::npos ? dot : dot - start);
      if (part.empty()) dotted_ok = false;
      parts.push_back(part);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (dotted_ok) {
      for (size_t p = 0; p < parts.size(); ++p) {
        if (p > 0) out_.push_back('.');
        Name(parts[p], NameUse::kLabel);
      }
    } else {
      out_ += QuoteString(option.key);
    }
    out_.append(" = ");
    if (redactable && options_.redact_option && options_.redact_option(option.key)) {
      out_ += QuoteString(options_.redaction);
    } else {
      Value(option.value);
    }
  }
  out_.push_back(')');
}

void AstPrinter::Assignments(const std::vector<Assignment>& assignments) {
  for (size_t i = 0; i < assignments.size(); ++i) {
    const auto& a = assignments[i];
    if (i > 0) out_.append(", ");
    if (a.parenthesized) {
      out_.push_back('(');
      IdentList(a.columns);
      out_.push_back(')');
    } else {
      Name(a.columns.front().name, NameUse::kColId);
    }
    out_.append(" = ");
    Expr(*a.value);
  }
}

void AstPrinter::CreateTable(const CreateTableStmt& stmt) {
  out_.append(stmt.if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ");
  ObjectName(stmt.name);
  out_.append(" (");
  for (size_t i = 0; i < stmt.columns.size(); ++i) {
    const auto& column = stmt.columns[i];
    if (i > 0) out_.append(", ");
    Name(column.name.name, NameUse::kColId);
    out_.push_back(' ');
    Type(column.type);
    if (column.primary_key) out_.append(" PRIMARY KEY");
    if (column.nullability == Nullability::kNotNull) out_.append(" NOT NULL");
    if (column.nullability == Nullability::kNull) out_.append(" NULL");
    if (column.default_value) {
      out_.append(" DEFAULT ");
      Expr(*column.default_value);
    }
  }
  if (!stmt.table_primary_key.empty()) {
    out_.append(", ");
    if (!stmt.primary_key_constraint_name.empty()) {
      out_.append("CONSTRAINT ");
      Name(stmt.primary_key_constraint_name, NameUse::kColId);
      out_.push_back(' ');
    }
    out_.append("PRIMARY KEY (");
    IdentList(stmt.table_primary_key);
    out_.push_back(')');
  }
  out_.push_back(')');
  if (stmt.append_only) out_.append(" APPEND ONLY");
  switch (stmt.on_conflict) {
    case OnConflictBehavior::kDefault:
      break;
    case OnConflictBehavior::kOverwrite:
      out_.append(" ON CONFLICT OVERWRITE");
      break;
    case OnConflictBehavior::kDoNothing:
      out_.append(" ON CONFLICT DO NOTHING");
      break;
    case OnConflictBehavior::kDoUpdateIfNotNull:
      out_.append(" ON CONFLICT DO UPDATE IF NOT NULL");
      break;
  }
  if (!stmt.with_options.empty()) {
    out_.append(" WITH ");
    Options(stmt.with_options, false);
  }
}

void AstPrinter::CreateSink(const CreateSinkStmt& stmt) {
  out_.append(stmt.if_not_exists ? "CREATE SINK IF NOT EXISTS " : "CREATE SINK ");
  ObjectName(stmt.name);
  if (stmt.from) {
    out_.append(" FROM ");
    ObjectName(*stmt.from);
  } else if (stmt.query) {
    out_.append(" AS ");
    Query(*stmt.query);
  }
  out_.append(" WITH ");
  Options(stmt.with_options, true);
  if (stmt.format_encode) {
    out_.append(" FORMAT ");
    out_ += Upper(stmt.format_encode->format);
    out_.append(" ENCODE ");
    out_ += Upper(stmt.format_encode->encode);
    if (!stmt.format_encode->options.empty()) {
      out_.push_back(' ');
      Options(stmt.format_encode->options, true);
    }
  }
}

void AstPrinter::Copy(const CopyStmt& stmt) {
  out_.append("COPY ");
  if (stmt.query) {
    out_.push_back('(');
    Query(*stmt.query);
    out_.push_back(')');
  } else {
    ObjectName(stmt.table);
    if (!stmt.columns.empty()) {
      out_.append(" (");
      IdentList(stmt.columns);
      out_.push_back(')');
    }
  }
  out_.append(stmt.direction == CopyDirection::kFrom ? " FROM STDIN" : " TO STDOUT");
  const CopyOptions& o = stmt.options;
  std::vector<std::string> parts;
  if (o.format == CopyFormat::kCsv) parts.push_back("FORMAT csv");
  if (o.format == CopyFormat::kBinary) parts.push_back("FORMAT binary");
  if (o.header) parts.push_back("HEADER true");
  if (o.delimiter) parts.push_back("DELIMITER " + QuoteString(*o.delimiter));
  if (o.null_string) parts.push_back("NULL " + QuoteString(*o.null_string));
  if (o.quote) parts.push_back("QUOTE " + QuoteString(*o.quote));
  if (o.escape) parts.push_back("ESCAPE " + QuoteString(*o.escape));
  if (o.encoding) parts.push_back("ENCODING " + QuoteString(*o.encoding));
  if (parts.empty()) return;
  out_.append(" WITH (");
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out_.append(", ");
    out_ += parts[i];
  }
  out_.push_back(')');
}

void AstPrinter::Statement(const sql::Statement& stmt) {
  switch (stmt.kind) {
    case StatementKind::kQuery:
      Query(*stmt.As<QueryStmt>().query);
      break;
    case StatementKind::kInsert: {
      const auto& s = stmt.As<InsertStmt>();
      out_.append("INSERT INTO ");
      ObjectName(s.table);
      if (!s.columns.empty()) {
        out_.append(" (");
        IdentList(s.columns);
        out_.push_back(')');
      }
      if (s.default_values) {
        out_.append(" DEFAULT VALUES");
      } else {
        out_.push_back(' ');
        Query(*s.source);
      }
      if (s.on_conflict) {
        out_.append(" ON CONFLICT");
        if (!s.on_conflict->target_columns.empty()) {
          out_.append(" (");
          IdentList(s.on_conflict->target_columns);
          out_.push_back(')');
        }
        if (s.on_conflict->action == InsertConflictAction::kDoNothing) {
          out_.append(" DO NOTHING");
        } else {
          out_.append(" DO UPDATE SET ");
          Assignments(s.on_conflict->assignments);
          if (s.on_conflict->where) {
            out_.append(" WHERE ");
            Expr(*s.on_conflict->where);
          }
        }
      }
      if (!s.returning.empty()) {
        out_.append(" RETURNING ");
        SelectItems(s.returning);
      }
      break;
    }
    case StatementKind::kUpdate: {
      const auto& s = stmt.As<UpdateStmt>();
      out_.append("UPDATE ");
      ObjectName(s.table);
      Alias(s.alias);
      out_.append(" SET ");
      Assignments(s.assignments);
      if (s.where) {
        out_.append(" WHERE ");
        Expr(*s.where);
      }
      if (!s.returning.empty()) {
        out_.append(" RETURNING ");
        SelectItems(s.returning);
      }
      break;
    }
    case StatementKind::kDelete: {
      const auto& s = stmt.As<DeleteStmt>();
      out_.append("DELETE FROM ");
      ObjectName(s.table);
      Alias(s.alias);
      if (s.where) {
        out_.append(" WHERE ");
        Expr(*s.where);
      }
      if (!s.returning.empty()) {
        out_.append(" RETURNING ");
        SelectItems(s.returning);
      }
      break;
    }
    case StatementKind::kCreateTable:
      CreateTable(stmt.As<CreateTableStmt>());
      break;
    case StatementKind::kCreateSink:
      CreateSink(stmt.As<CreateSinkStmt>());
      break;
    case StatementKind::kDrop: {
      const auto& s = stmt.As<DropStmt>();
      out_.append("DROP ");
      out_.append(ObjectTypeText(s.object_type));
      out_.append(s.if_exists ? " IF EXISTS " : " ");
      for (size_t i = 0; i < s.names.size(); ++i) {
        if (i > 0) out_.append(", ");
        ObjectName(s.names[i]);
      }
      if (s.behavior == DropBehavior::kCascade) out_.append(" CASCADE");
      if (s.behavior == DropBehavior::kRestrict) out_.append(" RESTRICT");
      break;
    }
    case StatementKind::kAlterSink: {
      const auto& s = stmt.As<AlterSinkStmt>();
      out_.append("ALTER SINK ");
      ObjectName(s.name);
      switch (s.action) {
        case AlterSinkAction::kPause:
          out_.append(" PAUSE");
          break;
        case AlterSinkAction::kResume:
          out_.append(" RESUME");
          break;
        case AlterSinkAction::kSetOptions:
          out_.append(" SET ");
          Options(s.options, true);
          break;
        case AlterSinkAction::kRename:
          out_.append(" RENAME TO ");
          Name(s.new_name.name, NameUse::kColId);
          break;
      }
      break;
    }
    case StatementKind::kShowObjects: {
      const auto& s = stmt.As<ShowObjectsStmt>();
      out_.append("SHOW ");
      switch (s.what) {
        case ShowObjectsKind::kTables:
          out_.append("TABLES");
          break;
        case ShowObjectsKind::kSinks:
          out_.append("SINKS");
          break;
        case ShowObjectsKind::kViews:
          out_.append("VIEWS");
          break;
        case ShowObjectsKind::kMaterializedViews:
          out_.append("MATERIALIZED VIEWS");
          break;
        case ShowObjectsKind::kSources:
          out_.append("SOURCES");
          break;
        case ShowObjectsKind::kDatabases:
          out_.append("DATABASES");
          break;
        case ShowObjectsKind::kSchemas:
          out_.append("SCHEMAS");
          break;
        case ShowObjectsKind::kColumns:
          out_.append("COLUMNS");
          break;
      }
      if (s.from) {
        out_.append(" FROM ");
        ObjectName(*s.from);
      }
      if (s.like_pattern) {
        out_.append(" LIKE ");
        out_ += QuoteString(*s.like_pattern);
      }
      break;
    }
    case StatementKind::kShowVariable: {
      const auto& s = stmt.As<ShowVariableStmt>();
      if (s.all) {
        out_.append("SHOW ALL");
      } else {
        out_.append("SHOW ");
        Name(s.name, NameUse::kLabel);
      }
      break;
    }
    case StatementKind::kShowCreate: {
      const auto& s = stmt.As<ShowCreateStmt>();
      out_.append("SHOW CREATE ");
      out_.append(ObjectTypeText(s.object_type));
      out_.push_back(' ');
      ObjectName(s.name);
      break;
    }
    case StatementKind::kDescribe:
      out_.append("DESCRIBE ");
      ObjectName(stmt.As<DescribeStmt>().name);
      break;
    case StatementKind::kSet: {
      const auto& s = stmt.As<SetStmt>();
      out_.append("SET ");
      if (s.scope == SetScope::kSession) out_.append("SESSION ");
      if (s.scope == SetScope::kLocal) out_.append("LOCAL ");
      Name(s.name, NameUse::kLabel);
      out_.append(" = ");
      if (s.to_default) {
        out_.append("DEFAULT");
      } else {
        for (size_t i = 0; i < s.values.size(); ++i) {
          if (i > 0) out_.append(", ");
          Value(s.values[i]);
        }
      }
      break;
    }
    case StatementKind::kReset: {
      const auto& s = stmt.As<ResetStmt>();
      out_.append("RESET ");
      if (s.all) {
        out_.append("ALL");
      } else {
        Name(s.name, NameUse::kLabel);
      }
      break;
    }
    case StatementKind::kTransaction: {
      const auto& s = stmt.As<TransactionStmt>();
      switch (s.action) {
        case TransactionKind::kBegin:
          out_.append("BEGIN");
          break;
        case TransactionKind::kCommit:
          out_.append("COMMIT");
          break;
        case TransactionKind::kRollback:
          out_.append("ROLLBACK");
          break;
      }
      for (size_t i = 0; i < s.modes.size(); ++i) {
        out_.append(i == 0 ? " " : ", ");
        out_ += Upper(s.modes[i]);
      }
      break;
    }
    case StatementKind::kFlush:
      out_.append("FLUSH");
      break;
    case StatementKind::kCopy:
      Copy(stmt.As<CopyStmt>());
      break;
    case StatementKind::kExplain: {
      const auto& s = stmt.As<ExplainStmt>();
      out_.append(s.verbose ? "EXPLAIN VERBOSE " : "EXPLAIN ");
      Statement(*s.statement);
      break;
    }
    case StatementKind::kPrepare: {
      const auto& s = stmt.As<PrepareStmt>();
      out_.append("PREPARE ");
      Name(s.name.name, NameUse::kColId);
      if (!s.param_types.empty()) {
        out_.append(" (");
        for (size_t i = 0; i < s.param_types.size(); ++i) {
          if (i > 0) out_.append(", ");
          Type(s.param_types[i]);
        }
        out_.push_back(')');
      }
      out_.append(" AS ");
      Statement(*s.statement);
      break;
    }
    case StatementKind::kExecute: {
      const auto& s = stmt.As<ExecuteStmt>();
      out_.append("EXECUTE ");
      Name(s.name.name, NameUse::kColId);
      if (!s.params.empty()) {
        out_.append(" (");
        ExprList(s.params);
        out_.push_back(')');
      }
      break;
    }
    case StatementKind::kDeallocate: {
      const auto& s = stmt.As<DeallocateStmt>();
      out_.append("DEALLOCATE ");
      if (s.all) {
        out_.append("ALL");
      } else {
        Name(s.name.name, NameUse::kColId);
      }
      break;
    }
  }
}

std::string PrintStatement(const Statement& stmt, const PrintOptions& options) {
  AstPrinter printer(options);
  printer.Statement(stmt);
  return printer.Take();
}

std::string PrintQuery(const Query& query, const PrintOptions& options) {
  AstPrinter printer(options);
  printer.Query(query);
  return printer.Take();
}

}  // namespace dynasink::sql
