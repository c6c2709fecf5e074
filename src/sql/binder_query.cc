// Binding queries: SELECT (FROM, joins, WHERE, GROUP BY, HAVING, DISTINCT, ORDER BY,
// LIMIT/OFFSET), VALUES and parenthesized queries, into a logical plan.
#include <unordered_set>

#include "exec/aggregate.h"
#include "sql/binder_internal.h"

namespace dynasink::sql {

using internal::AggState;
using internal::ExprCtx;
using internal::Scope;
using types::DataType;
using types::TypeId;
using types::Value;

namespace {

PlanPtr Node(PlanNode::Kind kind, PlanPtr input, std::vector<DataType> types) {
  auto p = std::make_unique<PlanNode>(kind);
  p->input = std::move(input);
  p->types = std::move(types);
  return p;
}

// True if `e` calls an aggregate outside of subqueries.
bool ContainsAggregate(const Expr& e) {
  if (e.kind == ExprKind::kFunctionCall &&
      exec::IsAggregateFunction(e.As<FunctionCallExpr>().name.name())) {
    return true;
  }
  bool found = false;
  ForEachChild(e, [&](const Expr& c) { found = found || ContainsAggregate(c); });
  return found;
}

bool IsPositionLiteral(const Expr& e, int64_t* position) {
  if (e.kind != ExprKind::kLiteral) return false;
  const auto& l = e.As<LiteralExpr>();
  if (l.literal_kind != LiteralKind::kInteger) return false;
  *position = std::strtoll(l.value.c_str(), nullptr, 10);
  return true;
}

// The state shared by the select list and ORDER BY: outputs, their fingerprints and names.
struct Outputs {
  std::vector<BoundPtr> exprs;
  std::vector<std::string> names;
  std::vector<std::string> keys;   // fingerprints, to match ORDER BY expressions
  std::vector<const Expr*> asts;   // null for * expansions
};

}  // namespace

Result<BoundQuery> Binder::Impl::BindQuery(const Query& q, bool sink_mode) {
  if (!q.with.empty()) {
    return ErrorAt(q.pos, "0A000", "WITH queries are not supported by dynasink");
  }
  switch (q.body->kind) {
    case QueryBodyKind::kSelect:
      return BindSelect(q.body->As<SelectBody>(), &q, sink_mode);
    case QueryBodyKind::kValues: {
      DS_ASSIGN_OR_RETURN(BoundQuery bound, BindValues(q.body->As<ValuesBody>()));
      DS_RETURN_IF_ERROR(ApplyOrderLimit(q, &bound));
      return bound;
    }
    case QueryBodyKind::kParenthesized: {
      DS_ASSIGN_OR_RETURN(BoundQuery bound,
                          BindQuery(*q.body->As<ParenthesizedBody>().query, sink_mode));
      DS_RETURN_IF_ERROR(ApplyOrderLimit(q, &bound));
      return bound;
    }
    case QueryBodyKind::kSetOperation:
      return ErrorAt(q.body->pos, "0A000",
                     "UNION, INTERSECT and EXCEPT are not supported by dynasink");
  }
  return ErrorAt(q.pos, "XX000", "unknown query body");
}

Result<BoundQuery> Binder::Impl::BindValues(const ValuesBody& body) {
  BoundQuery out;
  size_t width = body.rows.empty() ? 0 : body.rows[0].size();
  ExprCtx ctx;
  ctx.clause = "VALUES";
  // Each column's type is the common type of its values across the rows.
  std::vector<std::vector<BoundPtr>> rows(body.rows.size());
  std::vector<DataType> types(width);
  for (size_t r = 0; r < body.rows.size(); ++r) {
    if (body.rows[r].size() != width) {
      return ErrorAt(body.rows[r].empty() ? body.pos : body.rows[r][0]->pos, "42601",
                     "VALUES lists must all be the same length");
    }
    for (size_t c = 0; c < width; ++c) {
      DS_ASSIGN_OR_RETURN(BoundPtr e, Bind(*body.rows[r][c], ctx));
      auto common = types::CommonSupertype(types[c], e->type());
      if (!common.ok()) {
        return ErrorAt(body.rows[r][c]->pos, "42804",
                       "VALUES types " + types[c].ToString() + " and " + e->type().ToString() +
                           " cannot be matched");
      }
      types[c] = *common;
      rows[r].push_back(std::move(e));
    }
  }
  for (size_t c = 0; c < width; ++c) {
    types[c] = internal::ResolveUnknownType(types[c]);
    for (size_t r = 0; r < rows.size(); ++r) {
      DS_ASSIGN_OR_RETURN(rows[r][c], Coerce(std::move(rows[r][c]), types[c],
                                             types::CastContext::kImplicit, body.rows[r][c]->pos));
    }
    out.names.push_back("column" + std::to_string(c + 1));
  }
  auto plan = std::make_unique<PlanNode>(PlanNode::Kind::kValues);
  plan->rows = std::move(rows);
  plan->types = types;
  out.types = std::move(types);
  out.plan = std::move(plan);
  return out;
}

Result<PlanPtr> Binder::Impl::BindTableRef(const TableRef& ref, Scope* scope, bool sink_mode) {
  switch (ref.kind) {
    case TableRefKind::kTable: {
      const auto& t = ref.As<TableNameRef>();
      const auto& parts = t.name.parts;
      std::string alias = t.alias ? t.alias->name : t.name.name();
      for (const auto& existing : scope->tables) {
        if (existing == alias) {
          return ErrorAt(ref.pos, "42712", "table name \"" + alias + "\" specified more than once");
        }
      }
      catalog::TableDefPtr table;
      catalog::SystemTablePtr system;
      const auto& registry = env.catalog->system_tables();
      if (parts.size() == 1) {
        table = env.catalog->FindTable(parts[0].name);
        if (table == nullptr) system = registry.FindUnqualified(parts[0].name);
      } else if (parts.size() == 2 || (parts.size() == 3 && parts[0].name == env.database)) {
        const std::string& schema = parts[parts.size() - 2].name;
        if (schema == "public") {
          table = env.catalog->FindTable(parts.back().name);
        } else {
          system = registry.Find(schema, parts.back().name);
        }
      }
      if (table == nullptr && system == nullptr) {
        if (parts.size() == 1 &&
            env.catalog->FindRelation(parts[0].name) == catalog::RelationKind::kSink) {
          return ErrorAt(t.name.pos, "42809",
                         "\"" + parts[0].name + "\" is a sink, which cannot be queried");
        }
        return ErrorAt(t.name.pos, "42P01",
                       "relation \"" + t.name.ToString() + "\" does not exist");
      }
      if (sink_mode && table == nullptr) {
        return ErrorAt(t.name.pos, "0A000",
                       "a sink can only read a table, not the system table " +
                           system->QualifiedName());
      }
      scope->tables.push_back(alias);
      PlanPtr plan;
      if (table != nullptr) {
        plan = std::make_unique<PlanNode>(PlanNode::Kind::kTableScan);
        plan->table = table;
        plan->types = table->column_types();
        for (const auto& c : table->columns) {
          scope->columns.push_back({alias, c.name, c.type, c.hidden});
        }
      } else {
        plan = std::make_unique<PlanNode>(PlanNode::Kind::kSystemScan);
        plan->system = system;
        for (const auto& c : system->columns) {
          plan->types.push_back(c.type);
          scope->columns.push_back({alias, c.name, c.type, false});
        }
      }
      return plan;
    }
    case TableRefKind::kSubquery: {
      const auto& s = ref.As<SubqueryRef>();
      if (sink_mode) {
        return ErrorAt(ref.pos, "0A000", "subqueries are not allowed in a sink query");
      }
      DS_ASSIGN_OR_RETURN(BoundQuery inner, BindQuery(*s.query, false));
      std::string alias = s.alias ? s.alias->name : "subquery";
      scope->tables.push_back(alias);
      for (size_t i = 0; i < inner.names.size(); ++i) {
        scope->columns.push_back({alias, inner.names[i], inner.types[i], false});
      }
      return std::move(inner.plan);
    }
    case TableRefKind::kJoin: {
      const auto& j = ref.As<JoinRef>();
      if (sink_mode) {
        return ErrorAt(ref.pos, "0A000", "joins are not allowed in a sink query: a sink reads "
                                         "exactly one table");
      }
      if (j.type == JoinType::kFull) {
        return ErrorAt(ref.pos, "0A000", "FULL JOIN is not supported by dynasink");
      }
      bool right_join = j.type == JoinType::kRight;
      size_t left_begin = scope->columns.size();
      DS_ASSIGN_OR_RETURN(PlanPtr left, BindTableRef(*j.left, scope, false));
      size_t right_begin = scope->columns.size();
      DS_ASSIGN_OR_RETURN(PlanPtr right, BindTableRef(*j.right, scope, false));
      size_t right_end = scope->columns.size();
      BoundPtr condition;
      std::vector<std::string> using_columns;
      for (const Ident& u : j.using_columns) using_columns.push_back(u.name);
      if (j.natural) {
        for (size_t r = right_begin; r < right_end; ++r) {
          for (size_t l = left_begin; l < right_begin; ++l) {
            if (scope->columns[l].name == scope->columns[r].name && !scope->columns[l].hidden) {
              using_columns.push_back(scope->columns[l].name);
            }
          }
        }
      }
      std::vector<BoundPtr> conjuncts;
      for (const std::string& name : using_columns) {
        int l = -1, r = -1;
        for (size_t i = left_begin; i < right_begin; ++i) {
          if (scope->columns[i].name == name) l = static_cast<int>(i);
        }
        for (size_t i = right_begin; i < right_end; ++i) {
          if (scope->columns[i].name == name) r = static_cast<int>(i);
        }
        if (l < 0 || r < 0) {
          return ErrorAt(ref.pos, "42703", "column \"" + name + "\" specified in USING clause "
                                           "does not exist in " + (l < 0 ? "left" : "right") +
                                           " table");
        }
        DS_ASSIGN_OR_RETURN(
            BoundPtr eq, BindOperator(exec::BinaryOperator::kEq,
                                     exec::MakeColumn(l, scope->columns[l].type),
                                     exec::MakeColumn(r, scope->columns[r].type), ref.pos,
                                     ref.pos, ref.pos));
        conjuncts.push_back(std::move(eq));
      }
      if (j.on) {
        ExprCtx ctx;
        ctx.scope = scope;
        ctx.clause = "JOIN conditions";
        DS_ASSIGN_OR_RETURN(BoundPtr on, Bind(*j.on, ctx));
        DS_ASSIGN_OR_RETURN(on, CoerceBoolean(std::move(on), "JOIN/ON", j.on->pos));
        conjuncts.push_back(std::move(on));
      }
      if (!conjuncts.empty()) condition = exec::MakeAnd(std::move(conjuncts));
      // The condition refers to [left..., right...] positions relative to the whole scope;
      // joins of joins keep the scope contiguous, so positions within this join start at
      // left_begin, which the enclosing plan rows also start at.
      if (left_begin != 0) {
        return ErrorAt(ref.pos, "0A000",
                       "a join after other FROM items is not supported by dynasink; write the "
                       "joins first");
      }
      std::vector<DataType> types = left->types;
      types.insert(types.end(), right->types.begin(), right->types.end());
      if (right_join) {
        // Run it as the mirrored left join, then put the columns back in order.
        size_t lw = left->types.size(), rw = right->types.size();
        std::vector<DataType> swapped = right->types;
        swapped.insert(swapped.end(), left->types.begin(), left->types.end());
        auto join = Node(PlanNode::Kind::kJoin, std::move(right), swapped);
        join->right = std::move(left);
        join->left_outer = true;
        // Remap the condition: it was bound over [left, right]; rebind over [right, left].
        Scope mirrored;
        mirrored.tables = scope->tables;
        for (size_t i = right_begin; i < right_end; ++i) mirrored.columns.push_back(scope->columns[i]);
        for (size_t i = left_begin; i < right_begin; ++i) mirrored.columns.push_back(scope->columns[i]);
        if (j.on || !using_columns.empty()) {
          if (!using_columns.empty()) {
            return ErrorAt(ref.pos, "0A000", "RIGHT JOIN with USING is not supported by dynasink");
          }
          ExprCtx ctx;
          ctx.scope = &mirrored;
          ctx.clause = "JOIN conditions";
          DS_ASSIGN_OR_RETURN(BoundPtr on, Bind(*j.on, ctx));
          DS_ASSIGN_OR_RETURN(on, CoerceBoolean(std::move(on), "JOIN/ON", j.on->pos));
          join->predicate = std::move(on);
        }
        std::vector<BoundPtr> reorder;
        for (size_t i = 0; i < lw; ++i) reorder.push_back(exec::MakeColumn(static_cast<int>(rw + i), types[i]));
        for (size_t i = 0; i < rw; ++i) reorder.push_back(exec::MakeColumn(static_cast<int>(i), types[lw + i]));
        auto project = Node(PlanNode::Kind::kProject, std::move(join), types);
        project->exprs = std::move(reorder);
        return project;
      }
      auto join = Node(PlanNode::Kind::kJoin, std::move(left), std::move(types));
      join->right = std::move(right);
      join->predicate = std::move(condition);
      join->left_outer = j.type == JoinType::kLeft;
      return join;
    }
  }
  return ErrorAt(ref.pos, "XX000", "unknown FROM item");
}

Result<PlanPtr> Binder::Impl::BindFrom(const std::vector<TableRefPtr>& from, Scope* scope,
                                       bool sink_mode) {
  if (from.empty()) {
    // SELECT without FROM: one row of no columns.
    auto values = std::make_unique<PlanNode>(PlanNode::Kind::kValues);
    values->rows.emplace_back();
    return values;
  }
  if (sink_mode && from.size() > 1) {
    return ErrorAt(from[1]->pos, "0A000",
                   "a sink query reads exactly one table: joins are not allowed");
  }
  DS_ASSIGN_OR_RETURN(PlanPtr plan, BindTableRef(*from[0], scope, sink_mode));
  for (size_t i = 1; i < from.size(); ++i) {
    DS_ASSIGN_OR_RETURN(PlanPtr right, BindTableRef(*from[i], scope, sink_mode));
    std::vector<DataType> types = plan->types;
    types.insert(types.end(), right->types.begin(), right->types.end());
    auto join = Node(PlanNode::Kind::kJoin, std::move(plan), std::move(types));
    join->right = std::move(right);
    plan = std::move(join);
  }
  return plan;
}

Result<BoundPtr> Binder::Impl::BindLimitValue(const Expr& e, const char* what) {
  ExprCtx ctx;
  ctx.clause = what;
  DS_ASSIGN_OR_RETURN(BoundPtr v, Bind(e, ctx));
  return Coerce(std::move(v), TypeId::kInt64, types::CastContext::kImplicit, e.pos,
                [&](const DataType& from) {
                  return ErrorAt(e.pos, "42804",
                                 std::string("argument of ") + what +
                                     " must be type bigint, not type " + from.ToString());
                });
}

Result<BoundQuery> Binder::Impl::BindSelect(const SelectBody& body, const Query* query,
                                            bool sink_mode) {
  Scope scope;
  DS_ASSIGN_OR_RETURN(PlanPtr plan, BindFrom(body.from, &scope, sink_mode));

  if (body.where) {
    ExprCtx ctx;
    ctx.scope = &scope;
    ctx.clause = "WHERE";
    ctx.sink = sink_mode;
    DS_ASSIGN_OR_RETURN(BoundPtr pred, Bind(*body.where, ctx));
    DS_ASSIGN_OR_RETURN(pred, CoerceBoolean(std::move(pred), "WHERE", body.where->pos));
    if (plan->kind == PlanNode::Kind::kTableScan) {
      plan->access = ExtractKeyAccess(*plan->table, pred.get());
    }
    auto filter = Node(PlanNode::Kind::kFilter, std::move(plan), {});
    filter->types = filter->input->types;
    filter->predicate = std::move(pred);
    plan = std::move(filter);
  }

  bool aggregating = !body.group_by.empty() || body.having != nullptr;
  for (const SelectItem& item : body.items) aggregating = aggregating || ContainsAggregate(*item.expr);
  if (query != nullptr) {
    for (const auto& o : query->order_by) aggregating = aggregating || ContainsAggregate(*o.expr);
  }

  AggState agg;
  agg.input = &scope;
  std::vector<BoundPtr> group_exprs;
  if (aggregating) {
    for (const ExprPtr& g : body.group_by) {
      // GROUP BY 2 and GROUP BY alias name select items, as in PostgreSQL.
      const Expr* ast = g.get();
      int64_t position = 0;
      if (IsPositionLiteral(*ast, &position)) {
        if (position < 1 || position > static_cast<int64_t>(body.items.size()) ||
            body.items[static_cast<size_t>(position - 1)].expr->kind == ExprKind::kStar) {
          return ErrorAt(ast->pos, "42P10",
                         "GROUP BY position " + std::to_string(position) +
                             " is not in select list");
        }
        ast = body.items[static_cast<size_t>(position - 1)].expr.get();
      } else if (ast->kind == ExprKind::kColumnRef && ast->As<ColumnRefExpr>().parts.size() == 1) {
        const std::string& name = ast->As<ColumnRefExpr>().parts[0].name;
        bool is_column = false;
        for (const auto& c : scope.columns) is_column = is_column || c.name == name;
        if (!is_column) {
          for (const SelectItem& item : body.items) {
            if (item.alias && item.alias->name == name) ast = item.expr.get();
          }
        }
      }
      if (ContainsAggregate(*ast)) {
        return ErrorAt(ast->pos, "42803", "aggregate functions are not allowed in GROUP BY");
      }
      ExprCtx ctx;
      ctx.scope = &scope;
      ctx.clause = "GROUP BY";
      DS_ASSIGN_OR_RETURN(BoundPtr key, Bind(*ast, ctx));
      DS_ASSIGN_OR_RETURN(key, ResolveUnknown(std::move(key), ast->pos));
      std::string fp = key->ToString();
      bool duplicate = false;
      for (const auto& existing : agg.group_keys) duplicate = duplicate || existing == fp;
      if (duplicate) continue;
      agg.group_keys.push_back(fp);
      agg.group_types.push_back(key->type());
      group_exprs.push_back(std::move(key));
    }
  }

  ExprCtx select_ctx;
  select_ctx.scope = &scope;
  select_ctx.clause = "SELECT";
  select_ctx.sink = sink_mode;
  if (aggregating) select_ctx.agg = &agg;

  Outputs out;
  for (const SelectItem& item : body.items) {
    if (item.expr->kind == ExprKind::kStar) {
      const auto& star = item.expr->As<StarExpr>();
      std::string qualifier = star.qualifier.empty() ? "" : star.qualifier.back().name;
      if (!qualifier.empty()) {
        bool known = false;
        for (const auto& t : scope.tables) known = known || t == qualifier;
        if (!known) {
          return ErrorAt(item.expr->pos, "42P01",
                         "missing FROM-clause entry for table \"" + qualifier + "\"");
        }
      } else if (body.from.empty()) {
        return ErrorAt(item.expr->pos, "42601", "SELECT * with no tables specified is not valid");
      }
      for (size_t i = 0; i < scope.columns.size(); ++i) {
        const auto& c = scope.columns[i];
        if (c.hidden || (!qualifier.empty() && c.table != qualifier)) continue;
        BoundPtr col = exec::MakeColumn(static_cast<int>(i), c.type);
        if (aggregating) {
          std::string fp = col->ToString();
          int found = -1;
          for (size_t g = 0; g < agg.group_keys.size(); ++g) {
            if (agg.group_keys[g] == fp) found = static_cast<int>(g);
          }
          if (found < 0) {
            return ErrorAt(item.expr->pos, "42803",
                           "column \"" + c.table + "." + c.name +
                               "\" must appear in the GROUP BY clause or be used in an "
                               "aggregate function");
          }
          col = exec::MakeColumn(found, c.type);
        }
        out.keys.push_back(col->ToString());
        out.exprs.push_back(std::move(col));
        out.names.push_back(c.name);
        out.asts.push_back(nullptr);
      }
      continue;
    }
    DS_ASSIGN_OR_RETURN(BoundPtr e, Bind(*item.expr, select_ctx));
    DS_ASSIGN_OR_RETURN(e, ResolveUnknown(std::move(e), item.expr->pos));
    out.keys.push_back(e->ToString());
    out.exprs.push_back(std::move(e));
    out.names.push_back(item.alias ? item.alias->name : FigureColumnName(*item.expr));
    out.asts.push_back(item.expr.get());
  }

  BoundPtr having;
  if (body.having) {
    ExprCtx ctx = select_ctx;
    ctx.clause = "HAVING";
    DS_ASSIGN_OR_RETURN(having, Bind(*body.having, ctx));
    DS_ASSIGN_OR_RETURN(having, CoerceBoolean(std::move(having), "HAVING", body.having->pos));
  }

  if (!body.distinct_on.empty()) {
    return ErrorAt(body.distinct_on[0]->pos, "0A000", "DISTINCT ON is not supported by dynasink");
  }

  // ORDER BY: an output name or position, else an expression (appended as a hidden column).
  size_t visible = out.exprs.size();
  std::vector<exec::SortKey> sort_keys;
  if (query != nullptr) {
    ExprCtx ctx = select_ctx;
    ctx.clause = "ORDER BY";
    for (const OrderByItem& o : query->order_by) {
      int column = -1;
      int64_t position = 0;
      if (IsPositionLiteral(*o.expr, &position)) {
        if (position < 1 || position > static_cast<int64_t>(visible)) {
          return ErrorAt(o.expr->pos, "42P10",
                         "ORDER BY position " + std::to_string(position) +
                             " is not in select list");
        }
        column = static_cast<int>(position - 1);
      } else if (o.expr->kind == ExprKind::kColumnRef &&
                 o.expr->As<ColumnRefExpr>().parts.size() == 1) {
        const std::string& name = o.expr->As<ColumnRefExpr>().parts[0].name;
        for (size_t i = 0; i < visible; ++i) {
          if (out.names[i] != name) continue;
          if (column >= 0 && out.keys[static_cast<size_t>(column)] != out.keys[i]) {
            return ErrorAt(o.expr->pos, "42702", "ORDER BY \"" + name + "\" is ambiguous");
          }
          if (column < 0) column = static_cast<int>(i);
        }
      }
      if (column < 0) {
        DS_ASSIGN_OR_RETURN(BoundPtr e, Bind(*o.expr, ctx));
        DS_ASSIGN_OR_RETURN(e, ResolveUnknown(std::move(e), o.expr->pos));
        std::string fp = e->ToString();
        for (size_t i = 0; i < out.keys.size() && column < 0; ++i) {
          if (out.keys[i] == fp) column = static_cast<int>(i);
        }
        if (column < 0) {
          if (body.distinct) {
            return ErrorAt(o.expr->pos, "42P10",
                           "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
          }
          column = static_cast<int>(out.exprs.size());
          out.keys.push_back(fp);
          out.exprs.push_back(std::move(e));
          out.names.push_back("?sort?");
        }
      }
      exec::SortKey key;
      key.column = column;
      key.descending = o.direction == SortDirection::kDesc;
      key.nulls_first = o.nulls == NullsOrder::kDefault ? key.descending
                                                        : o.nulls == NullsOrder::kFirst;
      sort_keys.push_back(key);
    }
  }

  // Assemble: [Aggregate -> HAVING] -> Project -> [Distinct] -> [Sort] -> [Limit] -> [Project].
  if (aggregating) {
    std::vector<DataType> types = agg.group_types;
    for (const auto& c : agg.calls) types.push_back(c->result_type);
    auto aggregate = Node(PlanNode::Kind::kAggregate, std::move(plan), types);
    aggregate->exprs = std::move(group_exprs);
    aggregate->aggregates = std::move(agg.calls);
    plan = std::move(aggregate);
    if (having) {
      auto filter = Node(PlanNode::Kind::kFilter, std::move(plan), types);
      filter->predicate = std::move(having);
      plan = std::move(filter);
    }
  }
  BoundQuery result;
  std::vector<DataType> types;
  for (const auto& e : out.exprs) types.push_back(e->type());
  auto project = Node(PlanNode::Kind::kProject, std::move(plan), types);
  project->exprs = std::move(out.exprs);
  plan = std::move(project);
  if (body.distinct) {
    auto distinct = Node(PlanNode::Kind::kDistinct, std::move(plan), types);
    distinct->width = visible;
    plan = std::move(distinct);
  }
  if (!sort_keys.empty() && !sink_mode) {
    auto sort = Node(PlanNode::Kind::kSort, std::move(plan), types);
    sort->sort_keys = std::move(sort_keys);
    plan = std::move(sort);
  }
  if (query != nullptr && (query->limit || query->offset)) {
    auto limit = Node(PlanNode::Kind::kLimit, std::move(plan), types);
    if (query->limit) {
      DS_ASSIGN_OR_RETURN(limit->limit, BindLimitValue(*query->limit, "LIMIT"));
    }
    if (query->offset) {
      DS_ASSIGN_OR_RETURN(limit->offset, BindLimitValue(*query->offset, "OFFSET"));
    }
    plan = std::move(limit);
  }
  types.resize(visible);
  if (out.names.size() > visible) {
    auto trim = Node(PlanNode::Kind::kProject, std::move(plan), types);
    for (size_t i = 0; i < visible; ++i) {
      trim->exprs.push_back(exec::MakeColumn(static_cast<int>(i), types[i]));
    }
    plan = std::move(trim);
  }
  out.names.resize(visible);
  result.names = std::move(out.names);
  result.types = std::move(types);
  result.plan = std::move(plan);
  return result;
}

Status Binder::Impl::ApplyOrderLimit(const Query& q, BoundQuery* bound) {
  if (q.order_by.empty() && !q.limit && !q.offset) return Status::OK();
  // ORDER BY over the output columns of a VALUES or parenthesized query.
  Scope scope;
  scope.tables.push_back("");
  for (size_t i = 0; i < bound->names.size(); ++i) {
    scope.columns.push_back({"", bound->names[i], bound->types[i], false});
  }
  size_t visible = bound->types.size();
  std::vector<BoundPtr> exprs;
  for (size_t i = 0; i < visible; ++i) {
    exprs.push_back(exec::MakeColumn(static_cast<int>(i), bound->types[i]));
  }
  std::vector<exec::SortKey> keys;
  for (const OrderByItem& o : q.order_by) {
    int column = -1;
    int64_t position = 0;
    if (IsPositionLiteral(*o.expr, &position)) {
      if (position < 1 || position > static_cast<int64_t>(visible)) {
        return ErrorAt(o.expr->pos, "42P10",
                       "ORDER BY position " + std::to_string(position) + " is not in select list");
      }
      column = static_cast<int>(position - 1);
    } else {
      ExprCtx ctx;
      ctx.scope = &scope;
      ctx.clause = "ORDER BY";
      DS_ASSIGN_OR_RETURN(BoundPtr e, Bind(*o.expr, ctx));
      DS_ASSIGN_OR_RETURN(e, ResolveUnknown(std::move(e), o.expr->pos));
      if (e->kind() == exec::ExprKind::kColumn) {
        column = exec::ColumnIndex(*e);
      } else {
        column = static_cast<int>(exprs.size());
        exprs.push_back(std::move(e));
      }
    }
    exec::SortKey key;
    key.column = column;
    key.descending = o.direction == SortDirection::kDesc;
    key.nulls_first =
        o.nulls == NullsOrder::kDefault ? key.descending : o.nulls == NullsOrder::kFirst;
    keys.push_back(key);
  }
  std::vector<DataType> types;
  for (const auto& e : exprs) types.push_back(e->type());
  PlanPtr plan = std::move(bound->plan);
  if (exprs.size() > visible) {
    auto project = Node(PlanNode::Kind::kProject, std::move(plan), types);
    project->exprs = std::move(exprs);
    plan = std::move(project);
  }
  if (!keys.empty()) {
    auto sort = Node(PlanNode::Kind::kSort, std::move(plan), types);
    sort->sort_keys = std::move(keys);
    plan = std::move(sort);
  }
  if (q.limit || q.offset) {
    auto limit = Node(PlanNode::Kind::kLimit, std::move(plan), types);
    if (q.limit) {
      DS_ASSIGN_OR_RETURN(limit->limit, BindLimitValue(*q.limit, "LIMIT"));
    }
    if (q.offset) {
      DS_ASSIGN_OR_RETURN(limit->offset, BindLimitValue(*q.offset, "OFFSET"));
    }
    plan = std::move(limit);
  }
  if (types.size() > visible) {
    types.resize(visible);
    auto trim = Node(PlanNode::Kind::kProject, std::move(plan), types);
    for (size_t i = 0; i < visible; ++i) trim->exprs.push_back(exec::MakeColumn(static_cast<int>(i), types[i]));
    plan = std::move(trim);
  }
  bound->plan = std::move(plan);
  return Status::OK();
}

}  // namespace dynasink::sql
