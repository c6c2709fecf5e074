// SinkDefinition: what the catalog keeps of one sink. The catalog stores and lists sinks; the
// sink runtime (src/stream) and the CREATE SINK statement (src/sql) give them meaning.
//
// The record is persisted in the storage meta keyspace next to the tables, and can be written
// in the same atomic storage write as the sink's cursor (see Catalog::CreateSink), so that a
// sink's definition and its position in the change log appear and disappear together.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/data_type.h"

namespace dynasink::catalog {

struct SinkDefinition {
  uint32_t id = 0;  // from Catalog::AllocateObjectId(); shares the id space with tables
  std::string name;
  uint32_t from_table_id = 0;  // the table whose change log the sink reads
  // The sink's columns: the table's visible columns for CREATE SINK ... FROM, or the AS query's
  // output columns.
  std::vector<std::string> column_names;
  std::vector<types::DataType> column_types;
  std::string query_sql;  // the AS query as written; empty for FROM
  // WITH (...) options as written (secrets included: never show them unredacted).
  std::map<std::string, std::string> options;
  std::string format;  // FORMAT ... (lower case), empty when absent
  std::string encode;  // ENCODE ...
  std::map<std::string, std::string> format_options;
  std::string definition;  // the CREATE SINK statement as written
  int64_t created_at_us = 0;  // Unix microseconds
  // Free-form bytes owned by the sink runtime (e.g. paused and why); the catalog only stores it.
  std::string state;

  void Serialize(std::string* out) const;
  static Result<SinkDefinition> Deserialize(std::string_view data);
  bool operator==(const SinkDefinition&) const = default;
};

using SinkDefPtr = std::shared_ptr<const SinkDefinition>;

}  // namespace dynasink::catalog
