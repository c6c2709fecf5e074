// Binding INSERT, UPDATE and DELETE.
#include <unordered_set>

#include "sql/binder_internal.h"
#include "sql/parser.h"

namespace dynasink::sql {

using internal::ExprCtx;
using internal::Scope;
using types::DataType;
using types::TypeId;
using types::Value;

namespace {

ColumnFill CloneFill(const ColumnFill& f) {
  ColumnFill c;
  c.kind = f.kind;
  c.value = f.value;
  if (f.expr) c.expr = f.expr->Clone();
  return c;
}

Scope TableScope(const catalog::TableDef& table, const std::string& alias) {
  Scope scope;
  scope.tables.push_back(alias);
  for (const auto& c : table.columns)
    scope.columns.push_back({alias, c.name, c.type, c.hidden});
  return scope;
}

}  // namespace

Result<catalog::TableDefPtr> Binder::Impl::FindTable(const ObjectName& name) {
  const auto& parts = name.parts;
  bool public_schema =
      parts.size() == 1 || (parts.size() == 2 && parts[0].name == "public") ||
      (parts.size() == 3 && parts[0].name == env.database && parts[1].name == "public");
  catalog::TableDefPtr table = public_schema ? env.catalog->FindTable(name.name()) : nullptr;
  if (table == nullptr) {
    if (!public_schema &&
        env.catalog->system_tables().Find(parts[parts.size() - 2].name, name.name()) != nullptr) {
      return ErrorAt(name.pos, "42809", "cannot change system table \"" + name.ToString() + "\"");
    }
    return ErrorAt(name.pos, "42P01", "relation \"" + name.ToString() + "\" does not exist");
  }
  return table;
}

Result<ColumnFill> Binder::Impl::DefaultFill(const catalog::TableDef& table, size_t column) {
  const catalog::ColumnDef& c = table.columns[column];
  ColumnFill fill;
  if (c.hidden || (c.type.id() == TypeId::kSerial && c.default_sql.empty())) {
    fill.kind = ColumnFill::Kind::kGenerate;
    return fill;
  }
  if (c.default_sql.empty()) {
    fill.value = Value();
    return fill;
  }
  // The DEFAULT's own text, bound on its own (positions refer to it).
  auto ast = ParseExpression(c.default_sql);
  if (!ast.ok()) {
    return Status::Internal("stored DEFAULT of column \"" + c.name +
                            "\" does not parse: " + ast.status().message());
  }
  BindEnv sub_env = env;
  sub_env.sql = c.default_sql;
  std::vector<DataType> no_params;
  Binder::Impl sub(sub_env, &no_params);
  ExprCtx ctx;
  ctx.clause = "DEFAULT expressions";
  DS_ASSIGN_OR_RETURN(BoundPtr e, sub.Bind(**ast, ctx));
  DS_ASSIGN_OR_RETURN(e, sub.Coerce(std::move(e), c.type, types::CastContext::kAssignment, 0));
  if (e->kind() == exec::ExprKind::kLiteral) {
    fill.value = exec::LiteralValue(*e);
  } else {
    fill.kind = ColumnFill::Kind::kExpr;
    fill.expr = std::move(e);
  }
  return fill;
}

Result<ReturningList> Binder::Impl::BindReturning(const std::vector<SelectItem>& items,
                                                  const Scope& scope) {
  ReturningList out;
  ExprCtx ctx;
  ctx.scope = &scope;
  ctx.clause = "RETURNING";
  for (const SelectItem& item : items) {
    if (item.expr->kind == ExprKind::kStar) {
      for (size_t i = 0; i < scope.columns.size(); ++i) {
        if (scope.columns[i].hidden) continue;
        out.exprs.push_back(exec::MakeColumn(static_cast<int>(i), scope.columns[i].type));
        out.names.push_back(scope.columns[i].name);
        out.types.push_back(scope.columns[i].type);
      }
      continue;
    }
    DS_ASSIGN_OR_RETURN(BoundPtr e, Bind(*item.expr, ctx));
    DS_ASSIGN_OR_RETURN(e, ResolveUnknown(std::move(e), item.expr->pos));
    out.types.push_back(e->type());
    out.names.push_back(item.alias ? item.alias->name : FigureColumnName(*item.expr));
    out.exprs.push_back(std::move(e));
  }
  return out;
}

namespace {

Status AssignmentError(const Binder::Impl& impl, const catalog::ColumnDef& column,
                       const DataType& from, uint32_t pos) {
  return impl.ErrorAt(pos, "42804",
                      "column \"" + column.name + "\" is of type " + column.type.ToString() +
                          " but expression is of type " + from.ToString() +
                          "\nHINT: You will need to rewrite or cast the expression.");
}

}  // namespace

Result<BoundInsert> Binder::BindInsert(const InsertStmt& stmt) {
  Impl& b = *impl_;
  BoundInsert out;
  DS_ASSIGN_OR_RETURN(out.table, b.FindTable(stmt.table));
  const catalog::TableDef& table = *out.table;
  if (stmt.on_conflict) {
    return b.ErrorAt(stmt.on_conflict->pos, "0A000",
                     "INSERT ... ON CONFLICT is not supported\nHINT: A table's conflict "
                     "behaviour is part of its definition: CREATE TABLE ... ON CONFLICT "
                     "OVERWRITE (the default) or DO NOTHING.");
  }
  // Target columns.
  std::vector<size_t> targets;
  if (stmt.columns.empty()) {
    for (uint32_t c : table.visible_columns())
      targets.push_back(c);
  } else {
    std::unordered_set<size_t> seen;
    for (const Ident& id : stmt.columns) {
      int c = table.FindColumn(id.name);
      if (c < 0) {
        return b.ErrorAt(
            id.pos, "42703",
            "column \"" + id.name + "\" of relation \"" + table.name + "\" does not exist");
      }
      if (table.columns[static_cast<size_t>(c)].hidden) {
        return b.ErrorAt(id.pos, "428C9",
                         "cannot insert a non-DEFAULT value into column \"" + id.name +
                             "\"\nDETAIL: Column \"" + id.name +
                             "\" is a hidden generated column.");
      }
      if (!seen.insert(static_cast<size_t>(c)).second) {
        return b.ErrorAt(id.pos, "42701", "column \"" + id.name + "\" specified more than once");
      }
      targets.push_back(static_cast<size_t>(c));
    }
  }
  bool explicit_columns = !stmt.columns.empty();
  // Defaults, bound once and copied into each row.
  std::vector<ColumnFill> defaults;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    DS_ASSIGN_OR_RETURN(ColumnFill f, b.DefaultFill(table, c));
    defaults.push_back(std::move(f));
  }
  auto defaults_copy = [&] {
    std::vector<ColumnFill> row;
    row.reserve(defaults.size());
    for (const ColumnFill& f : defaults)
      row.push_back(CloneFill(f));
    return row;
  };

  const Query* source = stmt.source.get();
  bool plain_values = source != nullptr && source->body->kind == QueryBodyKind::kValues &&
                      source->with.empty() && source->order_by.empty() && !source->limit &&
                      !source->offset;
  if (stmt.default_values || source == nullptr) {
    out.rows.push_back(defaults_copy());
  } else if (plain_values) {
    const auto& rows = source->body->As<ValuesBody>().rows;
    out.rows.reserve(rows.size());
    ExprCtx ctx;
    ctx.clause = "VALUES";
    for (const ExprList& values : rows) {
      if (values.size() > targets.size()) {
        return b.ErrorAt(values[targets.size()]->pos, "42601",
                         "INSERT has more expressions than target columns");
      }
      if (values.size() < targets.size() && explicit_columns) {
        return b.ErrorAt(values.empty() ? source->pos : values.back()->pos, "42601",
                         "INSERT has more target columns than expressions");
      }
      std::vector<ColumnFill> row = defaults_copy();
      for (size_t j = 0; j < values.size(); ++j) {
        const Expr& ast = *values[j];
        if (ast.kind == ExprKind::kDefault) continue;
        const catalog::ColumnDef& col = table.columns[targets[j]];
        DS_ASSIGN_OR_RETURN(BoundPtr e, b.Bind(ast, ctx));
        DS_ASSIGN_OR_RETURN(e, b.Coerce(std::move(e), col.type, types::CastContext::kAssignment,
                                        ast.pos, [&](const DataType& from) {
                                          return AssignmentError(b, col, from, ast.pos);
                                        }));
        ColumnFill& fill = row[targets[j]];
        if (e->kind() == exec::ExprKind::kLiteral) {
          fill.kind = ColumnFill::Kind::kConst;
          fill.value = exec::LiteralValue(*e);
          fill.expr.reset();
        } else {
          fill.kind = ColumnFill::Kind::kExpr;
          fill.expr = std::move(e);
        }
      }
      out.rows.push_back(std::move(row));
    }
  } else {
    DS_ASSIGN_OR_RETURN(BoundQuery query, b.BindQuery(*source, false));
    if (query.types.size() > targets.size()) {
      return b.ErrorAt(source->pos, "42601", "INSERT has more expressions than target columns");
    }
    if (query.types.size() < targets.size() && explicit_columns) {
      return b.ErrorAt(source->pos, "42601", "INSERT has more target columns than expressions");
    }
    out.source_fill = defaults_copy();
    for (size_t j = 0; j < query.types.size(); ++j) {
      const catalog::ColumnDef& col = table.columns[targets[j]];
      BoundPtr e = exec::MakeColumn(static_cast<int>(j), query.types[j]);
      DS_ASSIGN_OR_RETURN(e, b.Coerce(std::move(e), col.type, types::CastContext::kAssignment,
                                      source->pos, [&](const DataType& from) {
                                        return AssignmentError(b, col, from, source->pos);
                                      }));
      ColumnFill& fill = out.source_fill[targets[j]];
      fill.kind = ColumnFill::Kind::kExpr;
      fill.expr = std::move(e);
    }
    out.source = std::move(query);
  }
  if (!stmt.returning.empty()) {
    Scope scope = TableScope(table, table.name);
    DS_ASSIGN_OR_RETURN(out.returning, b.BindReturning(stmt.returning, scope));
  }
  return out;
}

namespace {

// The table an UPDATE or DELETE (`verb`) changes: append-only tables refuse both.
Result<catalog::TableDefPtr> FindChangeableTable(Binder::Impl& b, const ObjectName& name,
                                                 std::string_view verb) {
  DS_ASSIGN_OR_RETURN(catalog::TableDefPtr table, b.FindTable(name));
  if (table->append_only) {
    return b.ErrorAt(
        name.pos, "0A000",
        "table \"" + table->name + "\" is append-only: " + std::string(verb) + " is not allowed");
  }
  return table;
}

}  // namespace

Result<BoundUpdate> Binder::BindUpdate(const UpdateStmt& stmt) {
  Impl& b = *impl_;
  BoundUpdate out;
  DS_ASSIGN_OR_RETURN(out.spec.table, FindChangeableTable(b, stmt.table, "UPDATE"));
  const catalog::TableDef& table = *out.spec.table;
  Scope scope = TableScope(table, stmt.alias ? stmt.alias->name : table.name);
  ExprCtx ctx;
  ctx.scope = &scope;
  ctx.clause = "UPDATE";
  std::unordered_set<size_t> assigned;
  for (const Assignment& a : stmt.assignments) {
    std::vector<const Expr*> values;
    if (a.columns.size() > 1 || a.parenthesized) {
      if (a.value->kind != ExprKind::kRow) {
        return b.ErrorAt(a.value->pos, "0A000",
                         "only a row of values can be assigned to a list of columns");
      }
      for (const auto& item : a.value->As<RowExpr>().items)
        values.push_back(item.get());
      if (values.size() != a.columns.size()) {
        return b.ErrorAt(a.value->pos, "42601",
                         "number of columns does not match number of values");
      }
    } else {
      values.push_back(a.value.get());
    }
    for (size_t i = 0; i < a.columns.size(); ++i) {
      const Ident& id = a.columns[i];
      int c = table.FindColumn(id.name);
      if (c < 0) {
        return b.ErrorAt(
            id.pos, "42703",
            "column \"" + id.name + "\" of relation \"" + table.name + "\" does not exist");
      }
      size_t col = static_cast<size_t>(c);
      if (table.is_key_column(col)) {
        return b.ErrorAt(id.pos, "0A000", "update modifying the PK column is unsupported");
      }
      if (!assigned.insert(col).second) {
        return b.ErrorAt(id.pos, "42601",
                         "multiple assignments to same column \"" + id.name + "\"");
      }
      const catalog::ColumnDef& def = table.columns[col];
      BoundPtr e;
      if (values[i]->kind == ExprKind::kDefault) {
        DS_ASSIGN_OR_RETURN(ColumnFill fill, b.DefaultFill(table, col));
        if (fill.kind == ColumnFill::Kind::kGenerate) {
          return b.ErrorAt(
              values[i]->pos, "0A000",
              "DEFAULT of serial column \"" + def.name + "\" in UPDATE is not supported");
        }
        e = fill.kind == ColumnFill::Kind::kConst ? exec::MakeLiteral(fill.value, def.type)
                                                  : std::move(fill.expr);
      } else {
        DS_ASSIGN_OR_RETURN(e, b.Bind(*values[i], ctx));
        const Expr& ast = *values[i];
        DS_ASSIGN_OR_RETURN(e, b.Coerce(std::move(e), def.type, types::CastContext::kAssignment,
                                        ast.pos, [&](const DataType& from) {
                                          return AssignmentError(b, def, from, ast.pos);
                                        }));
      }
      out.spec.assignments.emplace_back(c, std::move(e));
    }
  }
  if (stmt.where) {
    ExprCtx where_ctx;
    where_ctx.scope = &scope;
    where_ctx.clause = "WHERE";
    DS_ASSIGN_OR_RETURN(BoundPtr pred, b.Bind(*stmt.where, where_ctx));
    DS_ASSIGN_OR_RETURN(pred, b.CoerceBoolean(std::move(pred), "WHERE", stmt.where->pos));
    out.spec.access = b.ExtractKeyAccess(table, pred.get());
    out.spec.where = std::move(pred);
  }
  if (!stmt.returning.empty()) {
    DS_ASSIGN_OR_RETURN(out.returning, b.BindReturning(stmt.returning, scope));
  }
  return out;
}

Result<BoundDelete> Binder::BindDelete(const DeleteStmt& stmt) {
  Impl& b = *impl_;
  BoundDelete out;
  DS_ASSIGN_OR_RETURN(out.spec.table, FindChangeableTable(b, stmt.table, "DELETE"));
  const catalog::TableDef& table = *out.spec.table;
  Scope scope = TableScope(table, stmt.alias ? stmt.alias->name : table.name);
  if (stmt.where) {
    ExprCtx ctx;
    ctx.scope = &scope;
    ctx.clause = "WHERE";
    DS_ASSIGN_OR_RETURN(BoundPtr pred, b.Bind(*stmt.where, ctx));
    DS_ASSIGN_OR_RETURN(pred, b.CoerceBoolean(std::move(pred), "WHERE", stmt.where->pos));
    out.spec.access = b.ExtractKeyAccess(table, pred.get());
    out.spec.where = std::move(pred);
  }
  if (!stmt.returning.empty()) {
    DS_ASSIGN_OR_RETURN(out.returning, b.BindReturning(stmt.returning, scope));
  }
  return out;
}

}  // namespace dynasink::sql
