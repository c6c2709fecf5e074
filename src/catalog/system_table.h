// System tables: virtual, read-only tables whose rows a provider computes when a query reads
// them (rw_catalog.rw_tables, information_schema.columns, and those the sink runtime adds:
// rw_catalog.rw_sinks, the sink status view, the sink error table, ...).
//
// A layer above the catalog registers a table with its columns and a provider:
//
//   catalog.system_tables().Register(catalog::SystemTable{
//       .schema = "rw_catalog", .name = "rw_sinks",
//       .columns = {{"id", TypeId::kInt32}, {"name", TypeId::kVarchar}, ...},
//       .rows = [&runtime]() -> Result<std::vector<types::Row>> { return runtime.SinkRows(); }});
//
// The provider runs on the querying session's thread, once per scan, and must return rows with
// one value per column, each NULL or of the column's representation. It may be called from many
// sessions at once, so it must be thread-safe; it must not call back into DDL.
//
// Name resolution (the binder's): a qualified name `schema.name` finds exactly that table; an
// unqualified name that is not a user table is looked up in rw_catalog, then pg_catalog (the
// schemas RisingWave searches implicitly). information_schema must be written out.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::catalog {

struct SystemColumn {
  std::string name;
  types::DataType type = {};
};

struct SystemTable {
  std::string schema = {};  // "rw_catalog", "pg_catalog", "information_schema"
  std::string name = {};
  std::vector<SystemColumn> columns = {};
  std::function<Result<std::vector<types::Row>>()> rows = nullptr;
  std::string description = {};  // one line, for documentation

  std::string QualifiedName() const { return schema + "." + name; }
};

using SystemTablePtr = std::shared_ptr<const SystemTable>;

// Thread-safe.
class SystemTableRegistry {
 public:
  // AlreadyExists if schema.name is registered; InvalidArgument without columns or provider.
  Status Register(SystemTable table);
  // Removes schema.name if registered (e.g. when the sink runtime shuts down).
  void Unregister(std::string_view schema, std::string_view name);

  // nullptr when unknown.
  SystemTablePtr Find(std::string_view schema, std::string_view name) const;
  // rw_catalog first, then pg_catalog.
  SystemTablePtr FindUnqualified(std::string_view name) const;
  // Every table, ordered by schema then name.
  std::vector<SystemTablePtr> List() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, SystemTablePtr, std::less<>> tables_;
};

}  // namespace dynasink::catalog
