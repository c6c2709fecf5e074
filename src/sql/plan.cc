#include "sql/plan.h"

namespace dynasink::sql {

namespace {

std::vector<exec::ExprPtr> CloneAll(const std::vector<exec::ExprPtr>& v) {
  std::vector<exec::ExprPtr> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(e->Clone());
  return out;
}

std::string ListText(const std::vector<exec::ExprPtr>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ", ";
    out += v[i]->ToString();
  }
  return out + "]";
}

void Explain(const PlanNode& p, int depth, std::vector<std::string>* out) {
  std::string line(static_cast<size_t>(depth) * 2, ' ');
  switch (p.kind) {
    case PlanNode::Kind::kTableScan:
      line += "TableScan " + p.table->name + " (" + p.access.Describe() + ")";
      break;
    case PlanNode::Kind::kSystemScan:
      line += "SystemScan " + p.system->QualifiedName();
      break;
    case PlanNode::Kind::kValues:
      line += "Values (" + std::to_string(p.rows.size()) + " rows)";
      break;
    case PlanNode::Kind::kFilter:
      line += "Filter " + p.predicate->ToString();
      break;
    case PlanNode::Kind::kProject:
      line += "Project " + ListText(p.exprs);
      break;
    case PlanNode::Kind::kAggregate: {
      line += "HashAggregate group by " + ListText(p.exprs) + " aggregates [";
      for (size_t i = 0; i < p.aggregates.size(); ++i) {
        if (i > 0) line += ", ";
        const auto& a = *p.aggregates[i];
        line += a.name + "(" + (a.distinct ? "DISTINCT " : "");
        for (size_t j = 0; j < a.args.size(); ++j) line += (j ? ", " : "") + a.args[j]->ToString();
        if (a.args.empty()) line += "*";
        line += ")";
      }
      line += "]";
      break;
    }
    case PlanNode::Kind::kDistinct:
      line += "Distinct";
      break;
    case PlanNode::Kind::kSort: {
      line += "Sort [";
      for (size_t i = 0; i < p.sort_keys.size(); ++i) {
        const auto& k = p.sort_keys[i];
        line += (i ? ", #" : "#") + std::to_string(k.column) + (k.descending ? " DESC" : "") +
                (k.nulls_first ? " NULLS FIRST" : " NULLS LAST");
      }
      line += "]";
      break;
    }
    case PlanNode::Kind::kLimit:
      line += "Limit";
      if (p.limit) line += " " + p.limit->ToString();
      if (p.offset) line += " offset " + p.offset->ToString();
      break;
    case PlanNode::Kind::kJoin:
      line += std::string(p.left_outer ? "LeftOuter" : "") + "NestedLoopJoin";
      if (p.predicate) line += " on " + p.predicate->ToString();
      break;
  }
  out->push_back(std::move(line));
  if (p.input) Explain(*p.input, depth + 1, out);
  if (p.right) Explain(*p.right, depth + 1, out);
}

}  // namespace

exec::OperatorPtr Instantiate(const PlanNode& p, const exec::QueryContext* ctx) {
  switch (p.kind) {
    case PlanNode::Kind::kTableScan:
      return exec::MakeTableScan(ctx, p.table, p.access.Clone());
    case PlanNode::Kind::kSystemScan:
      return exec::MakeSystemScan(ctx, p.system);
    case PlanNode::Kind::kValues: {
      std::vector<std::vector<exec::ExprPtr>> rows;
      for (const auto& r : p.rows) rows.push_back(CloneAll(r));
      return exec::MakeValues(ctx, std::move(rows));
    }
    case PlanNode::Kind::kFilter:
      return exec::MakeFilter(ctx, Instantiate(*p.input, ctx), p.predicate->Clone());
    case PlanNode::Kind::kProject:
      return exec::MakeProject(ctx, Instantiate(*p.input, ctx), CloneAll(p.exprs));
    case PlanNode::Kind::kAggregate: {
      std::vector<std::unique_ptr<exec::AggregateCall>> aggs;
      for (const auto& a : p.aggregates) aggs.push_back(a->Clone());
      return exec::MakeHashAggregate(ctx, Instantiate(*p.input, ctx), CloneAll(p.exprs),
                                     std::move(aggs));
    }
    case PlanNode::Kind::kDistinct:
      return exec::MakeDistinct(ctx, Instantiate(*p.input, ctx), p.width);
    case PlanNode::Kind::kSort:
      return exec::MakeSort(ctx, Instantiate(*p.input, ctx), p.sort_keys);
    case PlanNode::Kind::kLimit:
      return exec::MakeLimit(ctx, Instantiate(*p.input, ctx), p.limit ? p.limit->Clone() : nullptr,
                             p.offset ? p.offset->Clone() : nullptr);
    case PlanNode::Kind::kJoin:
      return exec::MakeNestedLoopJoin(ctx, Instantiate(*p.input, ctx), Instantiate(*p.right, ctx),
                                      p.right->types.size(),
                                      p.predicate ? p.predicate->Clone() : nullptr, p.left_outer);
  }
  return nullptr;
}

std::vector<std::string> ExplainPlan(const PlanNode& plan) {
  std::vector<std::string> out;
  Explain(plan, 0, &out);
  return out;
}

bool ReadsTables(const PlanNode& plan) {
  if (plan.kind == PlanNode::Kind::kTableScan) return true;
  return (plan.input && ReadsTables(*plan.input)) || (plan.right && ReadsTables(*plan.right));
}

}  // namespace dynasink::sql
