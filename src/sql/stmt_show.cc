// SHOW TABLES / SINKS / DATABASES / SCHEMAS / COLUMNS, DESCRIBE, SHOW CREATE TABLE, and
// SHOW <variable> / SHOW ALL.
#include <algorithm>

#include "exec/like.h"
#include "sql/builtin_statements.h"
#include "sql/engine.h"
#include "sql/lexer.h"
#include "sql/session.h"

namespace dynasink::sql {

namespace {

using types::Row;
using types::TypeId;
using types::Value;

Value Text(std::string s) { return Value::Varchar(std::move(s)); }

// A plan whose rows are computed when it runs, by `compute`.
class RowsPlan final : public StatementPlan {
 public:
  using Compute = std::function<Result<std::vector<Row>>(ExecContext&)>;
  RowsPlan(std::vector<ResultColumn> columns, std::string tag, Compute compute)
      : columns_(std::move(columns)), tag_(std::move(tag)), compute_(std::move(compute)) {}
  bool returns_rows() const override { return true; }
  const std::vector<ResultColumn>& columns() const override { return columns_; }
  Result<ExecResult> Execute(ExecContext& ctx) override {
    DS_ASSIGN_OR_RETURN(std::vector<Row> rows, compute_(ctx));
    return ExecResult::Rows(std::make_unique<VectorRowStream>(std::move(rows)), tag_, false);
  }

 private:
  std::vector<ResultColumn> columns_;
  std::string tag_;
  Compute compute_;
};

std::unique_ptr<StatementPlan> Rows(std::vector<ResultColumn> columns, std::string tag,
                                    RowsPlan::Compute compute) {
  return std::make_unique<RowsPlan>(std::move(columns), std::move(tag), std::move(compute));
}

Result<catalog::TableDefPtr> FindTable(const Engine& engine, std::string_view sql,
                                       const ObjectName& name) {
  const auto& parts = name.parts;
  bool public_schema = parts.size() == 1 || (parts.size() == 2 && parts[0].name == "public");
  catalog::TableDefPtr t =
      public_schema ? const_cast<Engine&>(engine).catalog().FindTable(name.name()) : nullptr;
  if (t == nullptr) {
    int pos = name.pos <= sql.size() ? CharPosition(sql, name.pos) : 0;
    return Status::Sql("42P01", "relation \"" + name.ToString() + "\" does not exist", pos);
  }
  return t;
}

// One row per column, and per field of struct columns (s.a, s.b.c), as RisingWave's DESCRIBE.
void ColumnRows(const std::string& name, const types::DataType& type, bool hidden,
                std::vector<Row>* rows) {
  rows->push_back({Text(name), Text(type.ToString()), Text(hidden ? "true" : "false"), Value()});
  if (type.id() != TypeId::kStruct) return;
  for (const auto& f : type.fields()) ColumnRows(name + "." + f.name, *f.type, hidden, rows);
}

std::vector<ResultColumn> DescribeColumns() {
  return {{"Name", TypeId::kVarchar},
          {"Type", TypeId::kVarchar},
          {"Is Hidden", TypeId::kVarchar},
          {"Description", TypeId::kVarchar}};
}

class DescribeHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const ObjectName name = stmt.As<DescribeStmt>().name;
    std::string sql(ctx.sql);
    return Rows(DescribeColumns(), "DESCRIBE", [name, sql](ExecContext& ectx) -> Result<std::vector<Row>> {
      DS_ASSIGN_OR_RETURN(catalog::TableDefPtr t, FindTable(ectx.engine, sql, name));
      std::vector<Row> rows;
      for (const auto& c : t->columns) ColumnRows(c.name, c.type, c.hidden, &rows);
      std::string key = t->KeyNames();
      rows.push_back({Text("primary key"), Text(key), Value(), Value()});
      rows.push_back({Text("distribution key"), Text(key), Value(), Value()});
      rows.push_back({Text("table description"), Text(t->name), Value(), Value()});
      return rows;
    });
  }
};

class ShowObjectsHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const auto& s = stmt.As<ShowObjectsStmt>();
    std::optional<exec::LikePattern> like;
    if (s.like_pattern) {
      DS_ASSIGN_OR_RETURN(exec::LikePattern p, exec::LikePattern::Compile(*s.like_pattern, false));
      like = std::move(p);
    }
    auto names = [like](std::vector<std::string> all) {
      std::sort(all.begin(), all.end());
      std::vector<Row> rows;
      for (std::string& n : all) {
        if (!like || like->Matches(n)) rows.push_back({Text(std::move(n))});
      }
      return rows;
    };
    std::vector<ResultColumn> name_column = {{"Name", TypeId::kVarchar}};
    if (s.from && s.what != ShowObjectsKind::kColumns) {
      // SHOW TABLES FROM schema: only public has tables.
      const std::string& schema = s.from->name();
      if (schema != "public" && schema != "rw_catalog" && schema != "pg_catalog" &&
          schema != "information_schema") {
        return Status::Sql("3F000", "schema \"" + schema + "\" does not exist");
      }
    }
    bool public_only = !s.from || s.from->name() == "public";
    switch (s.what) {
      case ShowObjectsKind::kTables:
        return Rows(name_column, "SHOW", [names, public_only](ExecContext& ctx) -> Result<std::vector<Row>> {
          std::vector<std::string> all;
          if (public_only) {
            for (const auto& t : ctx.engine.catalog().ListTables()) all.push_back(t->name);
          }
          return names(std::move(all));
        });
      case ShowObjectsKind::kSinks:
        return Rows(name_column, "SHOW", [names, public_only](ExecContext& ctx) -> Result<std::vector<Row>> {
          std::vector<std::string> all;
          if (public_only) {
            for (const auto& t : ctx.engine.catalog().ListSinks()) all.push_back(t->name);
          }
          return names(std::move(all));
        });
      case ShowObjectsKind::kDatabases:
        return Rows(name_column, "SHOW", [names](ExecContext& ctx) -> Result<std::vector<Row>> {
          return names({ctx.session.info().database});
        });
      case ShowObjectsKind::kSchemas:
        return Rows(name_column, "SHOW", [names](ExecContext&) -> Result<std::vector<Row>> {
          return names({"information_schema", "pg_catalog", "public", "rw_catalog"});
        });
      case ShowObjectsKind::kColumns: {
        ObjectName table = *s.from;
        std::string sql(ctx.sql);
        return Rows(DescribeColumns(), "SHOW", [table, sql](ExecContext& ectx) -> Result<std::vector<Row>> {
          DS_ASSIGN_OR_RETURN(catalog::TableDefPtr t, FindTable(ectx.engine, sql, table));
          std::vector<Row> rows;
          for (const auto& c : t->columns) ColumnRows(c.name, c.type, c.hidden, &rows);
          return rows;
        });
      }
      default:
        // Views, materialized views and sources: dynasink has none.
        return Rows(name_column, "SHOW", [](ExecContext&) -> Result<std::vector<Row>> {
          return std::vector<Row>{};
        });
    }
  }
};

class ShowCreateTableHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    ObjectName name = stmt.As<ShowCreateStmt>().name;
    std::string sql(ctx.sql);
    std::vector<ResultColumn> columns = {{"Name", TypeId::kVarchar}, {"Create Sql", TypeId::kVarchar}};
    return Rows(columns, "SHOW", [name, sql](ExecContext& ectx) -> Result<std::vector<Row>> {
      DS_ASSIGN_OR_RETURN(catalog::TableDefPtr t, FindTable(ectx.engine, sql, name));
      return std::vector<Row>{{Text("public." + t->name), Text(t->definition)}};
    });
  }
};

class ShowVariableHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const auto& s = stmt.As<ShowVariableStmt>();
    if (s.all) {
      std::vector<ResultColumn> columns = {{"Name", TypeId::kVarchar},
                                           {"Setting", TypeId::kVarchar},
                                           {"Description", TypeId::kVarchar}};
      return Rows(columns, "SHOW", [](ExecContext& ectx) -> Result<std::vector<Row>> {
        std::vector<Row> rows;
        for (const VariableDef& def : AllVariables()) {
          DS_ASSIGN_OR_RETURN(std::string value, ectx.session.variables().Get(def.name));
          rows.push_back({Text(def.name), Text(value), Text(def.description)});
        }
        return rows;
      });
    }
    const VariableDef* def = FindVariable(s.name);
    if (def == nullptr) {
      return Status::Sql("42704", "unrecognized configuration parameter \"" + s.name + "\"");
    }
    std::string name = def->name;
    return Rows({{name, TypeId::kVarchar}}, "SHOW", [name](ExecContext& ectx) -> Result<std::vector<Row>> {
      DS_ASSIGN_OR_RETURN(std::string value, ectx.session.variables().Get(name));
      return std::vector<Row>{{Text(value)}};
    });
  }
};

}  // namespace

void RegisterShowStatements(StatementRegistry* registry) {
  registry->Register(HandlerKey::Of(StatementKind::kDescribe), std::make_shared<DescribeHandler>());
  auto show = std::make_shared<ShowObjectsHandler>();
  for (ShowObjectsKind k : {ShowObjectsKind::kTables, ShowObjectsKind::kSinks,
                            ShowObjectsKind::kViews, ShowObjectsKind::kMaterializedViews,
                            ShowObjectsKind::kSources, ShowObjectsKind::kDatabases,
                            ShowObjectsKind::kSchemas, ShowObjectsKind::kColumns}) {
    registry->Register(HandlerKey::Show(k), show);
  }
  registry->Register(HandlerKey::ShowCreate(ObjectType::kTable),
                     std::make_shared<ShowCreateTableHandler>());
  registry->Register(HandlerKey::Of(StatementKind::kShowVariable),
                     std::make_shared<ShowVariableHandler>());
}

}  // namespace dynasink::sql
