// BindSinkQuery: the AS query of CREATE SINK as a per-row program.
#include <unordered_set>

#include "sql/binder_internal.h"

namespace dynasink::sql {

namespace {

Status NotInSink(const Binder::Impl& b, uint32_t pos, const std::string& what) {
  return b.ErrorAt(pos, "0A000",
                   what + " is not allowed in a sink query\nHINT: A sink query is a SELECT of "
                          "columns and expressions from one table, with an optional WHERE.");
}

}  // namespace

Result<std::unique_ptr<exec::RowProgram>> BindSinkQuery(const catalog::Catalog& catalog,
                                                        const Query& query,
                                                        std::string_view sql) {
  BindEnv env;
  env.catalog = &catalog;
  env.sql = sql;
  std::vector<types::DataType> params;
  Binder::Impl b(env, &params);
  if (!query.with.empty()) return NotInSink(b, query.pos, "WITH");
  if (query.body->kind != QueryBodyKind::kSelect) {
    return NotInSink(b, query.body->pos,
                     query.body->kind == QueryBodyKind::kSetOperation ? "UNION" : "VALUES");
  }
  if (query.limit) return NotInSink(b, query.limit->pos, "LIMIT");
  if (query.offset) return NotInSink(b, query.offset->pos, "OFFSET");
  const auto& body = query.body->As<SelectBody>();
  if (body.distinct || !body.distinct_on.empty()) return NotInSink(b, body.pos, "DISTINCT");
  if (!body.group_by.empty()) return NotInSink(b, body.group_by[0]->pos, "GROUP BY");
  if (body.having) return NotInSink(b, body.having->pos, "HAVING");
  if (body.from.empty()) {
    return b.ErrorAt(body.pos, "0A000", "a sink query must read a table (FROM is missing)");
  }
  if (body.from.size() > 1 || body.from[0]->kind != TableRefKind::kTable) {
    return NotInSink(b, body.from[body.from.size() > 1 ? 1 : 0]->pos,
                     body.from[0]->kind == TableRefKind::kJoin ? "a join" : "a subquery");
  }
  // Bind as a query in sink mode: no parameters, no clock, no aggregates, no subqueries.
  DS_ASSIGN_OR_RETURN(BoundQuery bound, b.BindQuery(query, /*sink_mode=*/true));
  // The plan is Project(Filter?(TableScan)): take it apart into the program.
  PlanNode* project = bound.plan.get();
  while (project->kind != PlanNode::Kind::kProject) project = project->input.get();
  PlanNode* below = project->input.get();
  exec::ExprPtr filter;
  if (below->kind == PlanNode::Kind::kFilter) {
    filter = std::move(below->predicate);
    below = below->input.get();
  }
  const catalog::TableDef& table = *below->table;
  std::vector<exec::RowProgram::Column> columns;
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < bound.names.size(); ++i) {
    if (!names.insert(bound.names[i]).second) {
      return b.ErrorAt(query.pos, "42701",
                       "column \"" + bound.names[i] + "\" specified more than once in the sink "
                       "query\nHINT: Give the expressions distinct aliases.");
    }
    const exec::ExprPtr& e = project->exprs[i];
    int source = e->kind() == exec::ExprKind::kColumn ? exec::ColumnIndex(*e) : -1;
    columns.push_back({bound.names[i], bound.types[i], source});
  }
  std::vector<std::string> notices;
  if (!query.order_by.empty()) {
    notices.push_back("The ORDER BY clause in the CREATE SINK statement has no effect at all.");
  }
  std::vector<exec::ExprPtr> projections;
  for (size_t i = 0; i < bound.names.size(); ++i) projections.push_back(std::move(project->exprs[i]));
  return std::make_unique<exec::RowProgram>(table.id, table.column_types(), std::move(columns),
                                            std::move(projections), std::move(filter),
                                            std::move(notices));
}

Result<std::unique_ptr<exec::RowProgram>> SinkProgramForTable(const catalog::TableDef& table) {
  std::vector<exec::RowProgram::Column> columns;
  std::vector<exec::ExprPtr> projections;
  for (uint32_t c : table.visible_columns()) {
    columns.push_back({table.columns[c].name, table.columns[c].type, static_cast<int>(c)});
    projections.push_back(exec::MakeColumn(static_cast<int>(c), table.columns[c].type));
  }
  return std::make_unique<exec::RowProgram>(table.id, table.column_types(), std::move(columns),
                                            std::move(projections), nullptr,
                                            std::vector<std::string>{});
}

}  // namespace dynasink::sql
