// The system tables the catalog provides itself: rw_catalog.rw_tables, rw_catalog.rw_columns,
// information_schema.tables and information_schema.columns.
#include "catalog/catalog.h"

namespace dynasink::catalog {

namespace {

using types::DataType;
using types::Row;
using types::TypeId;
using types::Value;

// The database and schema every user table lives in (dynasink has one of each).
constexpr std::string_view kDatabase = "dev";
constexpr std::string_view kSchema = "public";
// Ids RisingWave reports for the public schema and the root user.
constexpr int32_t kPublicSchemaId = 2200;
constexpr int32_t kRootUserId = 1;

Value Text(std::string_view s) { return Value::Varchar(std::string(s)); }

Result<std::vector<Row>> RwTables(const Catalog* catalog) {
  std::vector<Row> rows;
  for (const TableDefPtr& t : catalog->ListTables()) {
    rows.push_back({Value::Int32(static_cast<int32_t>(t->id)), Text(t->name),
                    Value::Int32(kPublicSchemaId), Value::Int32(kRootUserId),
                    Text(t->definition), Value::Boolean(t->append_only),
                    Value::TimestamptzV(types::Timestamptz{t->created_at_us})});
  }
  return rows;
}

Result<std::vector<Row>> RwColumns(const Catalog* catalog) {
  std::vector<Row> rows;
  for (const TableDefPtr& t : catalog->ListTables()) {
    for (size_t i = 0; i < t->columns.size(); ++i) {
      const ColumnDef& c = t->columns[i];
      rows.push_back({Value::Int32(static_cast<int32_t>(t->id)), Text(c.name),
                      Value::Int32(static_cast<int32_t>(i + 1)), Value::Boolean(c.hidden),
                      Value::Boolean(t->is_key_column(i)), Text(c.type.ToString())});
    }
  }
  return rows;
}

Result<std::vector<Row>> InfoTables(const Catalog* catalog) {
  std::vector<Row> rows;
  for (const TableDefPtr& t : catalog->ListTables()) {
    rows.push_back({Text(kDatabase), Text(kSchema), Text(t->name), Text("BASE TABLE")});
  }
  for (const SystemTablePtr& t : catalog->system_tables().List()) {
    rows.push_back({Text(kDatabase), Text(t->schema), Text(t->name), Text("SYSTEM TABLE")});
  }
  return rows;
}

Result<std::vector<Row>> InfoColumns(const Catalog* catalog) {
  std::vector<Row> rows;
  for (const TableDefPtr& t : catalog->ListTables()) {
    int32_t position = 0;
    for (const ColumnDef& c : t->columns) {
      if (c.hidden) continue;
      ++position;
      rows.push_back({Text(kDatabase), Text(kSchema), Text(t->name), Text(c.name),
                      Value::Int32(position),
                      c.default_sql.empty() ? Value::Null() : Text(c.default_sql),
                      Text(c.not_null ? "NO" : "YES"), Text(c.type.ToString())});
    }
  }
  for (const SystemTablePtr& t : catalog->system_tables().List()) {
    int32_t position = 0;
    for (const SystemColumn& c : t->columns) {
      rows.push_back({Text(kDatabase), Text(t->schema), Text(t->name), Text(c.name),
                      Value::Int32(++position), Value::Null(), Text("YES"),
                      Text(c.type.ToString())});
    }
  }
  return rows;
}

void MustRegister(Catalog* catalog, SystemTable table) {
  // Registration only fails for a duplicate name, which cannot happen for a fresh catalog.
  Status s = catalog->system_tables().Register(std::move(table));
  (void)s;
}

}  // namespace

void RegisterBuiltinSystemTables(Catalog* catalog) {
  const Catalog* c = catalog;
  MustRegister(catalog, SystemTable{
                            .schema = "rw_catalog",
                            .name = "rw_tables",
                            .columns = {{"id", TypeId::kInt32},
                                        {"name", TypeId::kVarchar},
                                        {"schema_id", TypeId::kInt32},
                                        {"owner", TypeId::kInt32},
                                        {"definition", TypeId::kVarchar},
                                        {"append_only", TypeId::kBoolean},
                                        {"created_at", TypeId::kTimestamptz}},
                            .rows = [c] { return RwTables(c); },
                            .description = "user tables",
                        });
  MustRegister(catalog, SystemTable{
                            .schema = "rw_catalog",
                            .name = "rw_columns",
                            .columns = {{"relation_id", TypeId::kInt32},
                                        {"name", TypeId::kVarchar},
                                        {"position", TypeId::kInt32},
                                        {"is_hidden", TypeId::kBoolean},
                                        {"is_primary_key", TypeId::kBoolean},
                                        {"data_type", TypeId::kVarchar}},
                            .rows = [c] { return RwColumns(c); },
                            .description = "columns of user tables, hidden ones included",
                        });
  MustRegister(catalog, SystemTable{
                            .schema = "information_schema",
                            .name = "tables",
                            .columns = {{"table_catalog", TypeId::kVarchar},
                                        {"table_schema", TypeId::kVarchar},
                                        {"table_name", TypeId::kVarchar},
                                        {"table_type", TypeId::kVarchar}},
                            .rows = [c] { return InfoTables(c); },
                            .description = "tables and system tables",
                        });
  MustRegister(catalog, SystemTable{
                            .schema = "information_schema",
                            .name = "columns",
                            .columns = {{"table_catalog", TypeId::kVarchar},
                                        {"table_schema", TypeId::kVarchar},
                                        {"table_name", TypeId::kVarchar},
                                        {"column_name", TypeId::kVarchar},
                                        {"ordinal_position", TypeId::kInt32},
                                        {"column_default", TypeId::kVarchar},
                                        {"is_nullable", TypeId::kVarchar},
                                        {"data_type", TypeId::kVarchar}},
                            .rows = [c] { return InfoColumns(c); },
                            .description = "visible columns of tables and system tables",
                        });
}

}  // namespace dynasink::catalog
