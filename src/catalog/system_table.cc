#include "catalog/system_table.h"

namespace dynasink::catalog {

Status SystemTableRegistry::Register(SystemTable table) {
  if (table.columns.empty() || !table.rows || table.schema.empty() || table.name.empty()) {
    return Status::InvalidArgument("system table " + table.QualifiedName() +
                                   " needs a schema, a name, columns and a row provider");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(table.schema, table.name);
  if (tables_.count(key) != 0) {
    return Status::AlreadyExists("system table " + table.QualifiedName() + " already exists");
  }
  tables_.emplace(std::move(key), std::make_shared<const SystemTable>(std::move(table)));
  return Status::OK();
}

void SystemTableRegistry::Unregister(std::string_view schema, std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  tables_.erase(std::make_pair(std::string(schema), std::string(name)));
}

SystemTablePtr SystemTableRegistry::Find(std::string_view schema, std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(std::make_pair(std::string(schema), std::string(name)));
  return it == tables_.end() ? nullptr : it->second;
}

SystemTablePtr SystemTableRegistry::FindUnqualified(std::string_view name) const {
  for (std::string_view schema : {"rw_catalog", "pg_catalog"}) {
    if (SystemTablePtr t = Find(schema, name)) return t;
  }
  return nullptr;
}

std::vector<SystemTablePtr> SystemTableRegistry::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SystemTablePtr> out;
  out.reserve(tables_.size());
  for (const auto& [key, table] : tables_) out.push_back(table);
  return out;
}

}  // namespace dynasink::catalog
