// CREATE TABLE and DROP TABLE.
#include <unordered_set>

#include "common/logging.h"
#include "sql/ast_printer.h"
#include "sql/binder.h"
#include "sql/builtin_statements.h"
#include "sql/engine.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/session.h"
#include "types/cast.h"

namespace dynasink::sql {

namespace {

Status ErrorAt(std::string_view sql, uint32_t offset, std::string_view sqlstate, std::string msg) {
  int pos = offset <= sql.size() ? CharPosition(sql, offset) : 0;
  return Status::Sql(sqlstate, std::move(msg), pos);
}

// A DEFAULT must be a constant-ish expression of a type assignable to the column.
Status CheckDefault(PlanContext& ctx, const catalog::ColumnDef& column, uint32_t pos) {
  auto ast = ParseExpression(column.default_sql);
  if (!ast.ok()) return ast.status();
  BindEnv env = ctx.MakeBindEnv();
  env.sql = column.default_sql;
  std::vector<types::DataType> params;
  Binder binder(env, &params);
  auto bound = binder.BindScalar(**ast, &column.type);
  if (!bound.ok()) {
    const Status& s = bound.status();
    if (s.sqlstate() == "42703") {
      return ErrorAt(ctx.sql, pos, "0A000", "cannot use column reference in DEFAULT expression");
    }
    if (s.sqlstate() == "42846") {
      // No assignment conversion: say it in PostgreSQL's words.
      auto untyped = binder.BindScalar(**ast);
      std::string from = untyped.ok() ? (*untyped)->type().ToString() : std::string("unknown");
      return ErrorAt(ctx.sql, pos, "42804",
                     "column \"" + column.name + "\" is of type " + column.type.ToString() +
                         " but default expression is of type " + from +
                         "\nHINT: You will need to rewrite or cast the expression.");
    }
    return Status::Sql(s.sqlstate(), s.message(), CharPosition(ctx.sql, pos));
  }
  if (!params.empty()) {
    return ErrorAt(ctx.sql, pos, "42P02", "there is no parameter $1 in a DEFAULT expression");
  }
  // A constant default that cannot be computed fails now rather than at every INSERT.
  if ((*bound)->IsConstant()) {
    exec::EvalContext eval;
    auto v = (*bound)->Eval(eval, types::Row());
    if (!v.ok()) return v.status();
  }
  return Status::OK();
}

class CreateTablePlan final : public StatementPlan {
 public:
  CreateTablePlan(catalog::TableDef def, bool if_not_exists)
      : def_(std::move(def)), if_not_exists_(if_not_exists) {}

  Result<ExecResult> Execute(ExecContext& ctx) override {
    catalog::Catalog& catalog = ctx.engine.catalog();
    if (if_not_exists_ && catalog.FindRelation(def_.name) != catalog::RelationKind::kNone) {
      ctx.session.SendNotice({Notice::Severity::kNotice, "42P07",
                              "relation \"" + def_.name + "\" already exists, skipping", "", ""});
      return ExecResult::Command("CREATE_TABLE");
    }
    DS_RETURN_IF_ERROR(catalog.CreateTable(def_).status());
    return ExecResult::Command("CREATE_TABLE");
  }

 private:
  catalog::TableDef def_;
  bool if_not_exists_;
};

class CreateTableHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const auto& s = stmt.As<CreateTableStmt>();
    const auto& parts = s.name.parts;
    if (parts.size() > 2 || (parts.size() == 2 && parts[0].name != "public")) {
      return ErrorAt(ctx.sql, s.name.pos, "3F000",
                     "schema \"" + parts[0].name + "\" does not exist\nHINT: dynasink keeps "
                     "every table in the schema public.");
    }
    if (!s.with_options.empty()) {
      return ErrorAt(ctx.sql, s.with_options[0].key_pos, "0A000",
                     "CREATE TABLE ... WITH options are not supported: dynasink tables have no "
                     "source connector\nHINT: Connectors belong to CREATE SINK.");
    }
    catalog::TableDef def;
    def.name = s.name.name();
    def.definition = s.definition;
    def.append_only = s.append_only;
    std::unordered_set<std::string> seen;
    for (const ColumnDef& c : s.columns) {
      if (!seen.insert(c.name.name).second) {
        return ErrorAt(ctx.sql, c.name.pos, "42701",
                       "column \"" + c.name.name + "\" specified more than once");
      }
      catalog::ColumnDef col;
      col.name = c.name.name;
      col.type = c.type.type;
      col.not_null = c.nullability == Nullability::kNotNull;
      if (c.default_value) col.default_sql = PrintExpr(*c.default_value);
      def.columns.push_back(std::move(col));
    }
    std::vector<std::string> key = s.PrimaryKey();
    for (const std::string& name : key) {
      int idx = def.FindColumn(name);
      if (idx < 0) {
        return ErrorAt(ctx.sql, s.table_primary_key_pos, "42703",
                       "column \"" + name + "\" named in key does not exist");
      }
      def.primary_key.push_back(static_cast<uint32_t>(idx));
      def.columns[static_cast<size_t>(idx)].not_null = true;
    }
    if (key.empty()) {
      if (def.FindColumn(catalog::kRowIdColumnName) >= 0) {
        return ErrorAt(ctx.sql, s.name.pos, "42701",
                       "column name \"" + std::string(catalog::kRowIdColumnName) +
                           "\" is reserved for the hidden row id of a table without a primary "
                           "key");
      }
      catalog::ColumnDef row_id;
      row_id.name = std::string(catalog::kRowIdColumnName);
      row_id.type = types::TypeId::kSerial;
      row_id.hidden = true;
      row_id.not_null = true;
      def.columns.push_back(std::move(row_id));
      def.primary_key = {static_cast<uint32_t>(def.columns.size() - 1)};
      def.has_row_id = true;
    } else if (s.append_only) {
      return ErrorAt(ctx.sql, s.name.pos, "0A000",
                     "an APPEND ONLY table cannot have a primary key");
    }
    switch (s.on_conflict) {
      case OnConflictBehavior::kDefault:
      case OnConflictBehavior::kOverwrite:
        def.on_conflict = catalog::OnConflict::kOverwrite;
        break;
      case OnConflictBehavior::kDoNothing:
        def.on_conflict = catalog::OnConflict::kDoNothing;
        break;
      case OnConflictBehavior::kDoUpdateIfNotNull:
        def.on_conflict = catalog::OnConflict::kDoUpdateIfNotNull;
        break;
    }
    if (s.on_conflict != OnConflictBehavior::kDefault && key.empty()) {
      return ErrorAt(ctx.sql, s.name.pos, "0A000",
                     "ON CONFLICT needs a primary key: table \"" + def.name + "\" has none");
    }
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (!def.columns[i].default_sql.empty()) {
        DS_RETURN_IF_ERROR(CheckDefault(ctx, def.columns[i], s.columns[i].default_value->pos));
      }
    }
    // Key types and the like are checked here too, so that errors come before execution.
    catalog::TableDef check = def;
    Status built = check.Build();
    if (!built.ok()) return built.WithSqlState(built.sqlstate(), CharPosition(ctx.sql, s.name.pos));
    return std::unique_ptr<StatementPlan>(new CreateTablePlan(std::move(def), s.if_not_exists));
  }
};

class DropTablePlan final : public StatementPlan {
 public:
  explicit DropTablePlan(const DropStmt& stmt) : stmt_(stmt) {}

  Result<ExecResult> Execute(ExecContext& ctx) override {
    catalog::Catalog& catalog = ctx.engine.catalog();
    std::vector<catalog::TableDefPtr> tables;
    for (const ObjectName& name : stmt_.names) {
      const auto& parts = name.parts;
      bool public_schema = parts.size() == 1 || (parts.size() == 2 && parts[0].name == "public");
      catalog::TableDefPtr table = public_schema ? catalog.FindTable(name.name()) : nullptr;
      if (table != nullptr) {
        tables.push_back(std::move(table));
        continue;
      }
      if (public_schema && catalog.FindRelation(name.name()) == catalog::RelationKind::kSink) {
        return ErrorAt(ctx.sql, name.pos, "42809",
                       "\"" + name.name() + "\" is not a table\nHINT: Use DROP SINK to remove a "
                       "sink.");
      }
      if (!stmt_.if_exists) {
        return ErrorAt(ctx.sql, name.pos, "42P01",
                       "table \"" + name.ToString() + "\" does not exist");
      }
      ctx.session.SendNotice({Notice::Severity::kNotice, "00000",
                              "table \"" + name.ToString() + "\" does not exist, skipping", "",
                              ""});
    }
    for (const catalog::TableDefPtr& table : tables) {
      // Writers of the table finish first; later ones find it gone.
      {
        DS_ASSIGN_OR_RETURN(exec::TableLocks::Guard guard,
                            ctx.engine.locks().LockTable(table->id, &ctx.cancel));
        DS_RETURN_IF_ERROR(catalog.DropTable(table->id));
      }
      ctx.engine.locks().Forget(table->id);
    }
    return ExecResult::Command("DROP_TABLE");
  }

 private:
  const DropStmt& stmt_;
};

class DropTableHandler final : public StatementHandler {
 public:
  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const auto& d = stmt.As<DropStmt>();
    if (d.behavior == DropBehavior::kCascade) {
      return Status::Sql("0A000",
                         "DROP TABLE ... CASCADE is not supported\nHINT: Drop the sinks that "
                         "read the table first.");
    }
    return std::unique_ptr<StatementPlan>(new DropTablePlan(d));
  }
};

}  // namespace

void RegisterDdlStatements(StatementRegistry* registry) {
  registry->Register(HandlerKey::Of(StatementKind::kCreateTable),
                     std::make_shared<CreateTableHandler>());
  registry->Register(HandlerKey::Drop(ObjectType::kTable), std::make_shared<DropTableHandler>());
}

}  // namespace dynasink::sql
