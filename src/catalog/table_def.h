// TableDef: the definition of one user table, immutable once published by the Catalog.
//
// Columns are stored in declaration order. A table without a declared primary key gets a hidden
// last column `_row_id` of type serial (RisingWave's name), filled from a per-table counter, and
// that column is its key; hidden columns are left out of `SELECT *`, INSERT's default column
// list and DESCRIBE's visible rows. Rows are stored with every column (hidden ones included) in
// this order, encoded by types::EncodeRow over column_types(); the storage key is
// types::EncodeKey of the key columns' values.
//
// DEFAULT expressions are kept as SQL text and bound where they are used (INSERT), so the
// catalog does not depend on the binder.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/data_type.h"

namespace dynasink::catalog {

// The name RisingWave gives the hidden key of a table without a primary key.
inline constexpr std::string_view kRowIdColumnName = "_row_id";

// Id counters of a table in storage (Storage::AllocateIds(table_id, counter, n)):
// counter 0 is the hidden row id; counter i + 1 serves the serial column at index i.
inline constexpr uint32_t kRowIdCounter = 0;
inline uint32_t SerialCounter(size_t column_index) { return static_cast<uint32_t>(column_index + 1); }

// What an INSERT does with a row whose key exists already (RisingWave's ON CONFLICT clause of
// CREATE TABLE; COMPATIBILITY.md section 6).
enum class OnConflict : uint8_t {
  kOverwrite = 0,          // the new row replaces the old one (logged as an update)
  kDoNothing = 1,          // the old row stays; the new one is dropped
  kDoUpdateIfNotNull = 2,  // the new row's non-NULL values replace the old ones
};
std::string_view OnConflictName(OnConflict c);  // "OVERWRITE", "DO NOTHING", ...

struct ColumnDef {
  std::string name;
  types::DataType type;
  bool not_null = false;
  bool hidden = false;      // the generated _row_id
  std::string default_sql;  // DEFAULT expression as SQL text; empty when none
  bool operator==(const ColumnDef&) const = default;
};

class TableDef {
 public:
  uint32_t id = 0;
  std::string name;
  std::vector<ColumnDef> columns;
  std::vector<uint32_t> primary_key;  // column indexes, in key order; never empty once built
  bool has_row_id = false;            // the key is the hidden _row_id column
  OnConflict on_conflict = OnConflict::kOverwrite;
  bool append_only = false;  // APPEND ONLY: no UPDATE/DELETE, no key checks on INSERT
  std::string definition;    // the CREATE TABLE statement as written
  int64_t created_at_us = 0;  // Unix microseconds
  uint64_t catalog_version = 0;  // the catalog version that created this definition

  // Checks the definition and computes the derived fields below. InvalidArgument (with the
  // SQLSTATE the user should see) for duplicate column names, a bad key or an unkeyable type.
  Status Build();

  // -1 when no column has that name (hidden columns included).
  int FindColumn(std::string_view column_name) const;
  const std::vector<types::DataType>& column_types() const { return column_types_; }
  const std::vector<types::DataType>& key_types() const { return key_types_; }
  // Indexes of the visible (not hidden) columns, in order.
  const std::vector<uint32_t>& visible_columns() const { return visible_columns_; }
  bool is_key_column(size_t index) const { return key_position_[index] >= 0; }
  // Position of column `index` in the key, or -1.
  int key_position(size_t index) const { return key_position_[index]; }
  // The key columns' names joined with ", " ("year, title").
  std::string KeyNames() const;
  // Indexes of serial columns (other than _row_id).
  const std::vector<uint32_t>& serial_columns() const { return serial_columns_; }

  void Serialize(std::string* out) const;
  static Result<std::shared_ptr<const TableDef>> Deserialize(std::string_view data);

 private:
  std::vector<types::DataType> column_types_;
  std::vector<types::DataType> key_types_;
  std::vector<uint32_t> visible_columns_;
  std::vector<int> key_position_;
  std::vector<uint32_t> serial_columns_;
};

using TableDefPtr = std::shared_ptr<const TableDef>;

}  // namespace dynasink::catalog
