#include "catalog/table_def.h"

#include <unordered_set>

#include "catalog/meta_codec.h"
#include "types/key_codec.h"

namespace dynasink::catalog {

namespace {
constexpr uint8_t kTableFormat = 1;
constexpr uint8_t kFlagNotNull = 1;
constexpr uint8_t kFlagHidden = 2;
}  // namespace

std::string_view OnConflictName(OnConflict c) {
  switch (c) {
    case OnConflict::kOverwrite:
      return "OVERWRITE";
    case OnConflict::kDoNothing:
      return "DO NOTHING";
    case OnConflict::kDoUpdateIfNotNull:
      return "DO UPDATE IF NOT NULL";
  }
  return "?";
}

Status TableDef::Build() {
  if (columns.empty()) {
    return Status::Sql("42601", "table \"" + name + "\" must have at least one column");
  }
  std::unordered_set<std::string_view> seen;
  for (const ColumnDef& c : columns) {
    if (!seen.insert(c.name).second) {
      return Status::Sql("42701", "column \"" + c.name + "\" specified more than once");
    }
  }
  if (primary_key.empty()) return Status::Internal("table \"" + name + "\" has no key columns");
  column_types_.clear();
  visible_columns_.clear();
  serial_columns_.clear();
  key_types_.clear();
  key_position_.assign(columns.size(), -1);
  for (size_t i = 0; i < columns.size(); ++i) {
    column_types_.push_back(columns[i].type);
    if (!columns[i].hidden) visible_columns_.push_back(static_cast<uint32_t>(i));
    if (columns[i].type.id() == types::TypeId::kSerial && !columns[i].hidden) {
      serial_columns_.push_back(static_cast<uint32_t>(i));
    }
  }
  for (size_t k = 0; k < primary_key.size(); ++k) {
    uint32_t idx = primary_key[k];
    if (idx >= columns.size()) return Status::Internal("primary key column index out of range");
    if (key_position_[idx] >= 0) {
      return Status::Sql("42701", "column \"" + columns[idx].name +
                                      "\" appears twice in primary key constraint");
    }
    if (!types::IsKeyableType(columns[idx].type)) {
      return Status::Sql("0A000", "column \"" + columns[idx].name + "\" of type " +
                                      columns[idx].type.ToString() +
                                      " cannot be part of a primary key");
    }
    key_position_[idx] = static_cast<int>(k);
    key_types_.push_back(columns[idx].type);
  }
  return Status::OK();
}

int TableDef::FindColumn(std::string_view column_name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column_name) return static_cast<int>(i);
  }
  return -1;
}

std::string TableDef::KeyNames() const {
  std::string out;
  for (uint32_t idx : primary_key) {
    if (!out.empty()) out += ", ";
    out += columns[idx].name;
  }
  return out;
}

void TableDef::Serialize(std::string* out) const {
  internal::MetaWriter w(out);
  w.U8(kTableFormat);
  w.Varint(id);
  w.String(name);
  w.Varint(columns.size());
  for (const ColumnDef& c : columns) {
    w.String(c.name);
    w.Type(c.type);
    w.U8(static_cast<uint8_t>((c.not_null ? kFlagNotNull : 0) | (c.hidden ? kFlagHidden : 0)));
    w.String(c.default_sql);
  }
  w.Varint(primary_key.size());
  for (uint32_t k : primary_key) w.Varint(k);
  w.U8(has_row_id ? 1 : 0);
  w.U8(static_cast<uint8_t>(on_conflict));
  w.U8(append_only ? 1 : 0);
  w.String(definition);
  w.SignedVarint(created_at_us);
  w.Varint(catalog_version);
}

Result<std::shared_ptr<const TableDef>> TableDef::Deserialize(std::string_view data) {
  internal::MetaReader r(data);
  auto def = std::make_shared<TableDef>();
  uint8_t format = 0;
  if (r.U8(&format) && format != kTableFormat) {
    return Status::NotSupported("table definition format " + std::to_string(format) +
                                " is newer than this dynasink understands");
  }
  uint64_t ncols = 0;
  r.U32(&def->id);
  r.String(&def->name);
  r.Varint(&ncols);
  if (ncols > data.size()) return Status::Corruption("table definition: bad column count");
  def->columns.resize(ncols);
  for (ColumnDef& c : def->columns) {
    uint8_t flags = 0;
    r.String(&c.name);
    r.Type(&c.type);
    r.U8(&flags);
    r.String(&c.default_sql);
    c.not_null = (flags & kFlagNotNull) != 0;
    c.hidden = (flags & kFlagHidden) != 0;
  }
  uint64_t nkey = 0;
  r.Varint(&nkey);
  if (nkey > ncols) return Status::Corruption("table definition: bad key column count");
  def->primary_key.resize(nkey);
  for (uint32_t& k : def->primary_key) r.U32(&k);
  uint8_t has_row_id = 0, on_conflict = 0, append_only = 0;
  r.U8(&has_row_id);
  r.U8(&on_conflict);
  r.U8(&append_only);
  r.String(&def->definition);
  r.SignedVarint(&def->created_at_us);
  r.Varint(&def->catalog_version);
  DS_RETURN_IF_ERROR(r.Finish("table definition"));
  if (on_conflict > static_cast<uint8_t>(OnConflict::kDoUpdateIfNotNull)) {
    return Status::Corruption("table definition: unknown ON CONFLICT behaviour");
  }
  def->has_row_id = has_row_id != 0;
  def->on_conflict = static_cast<OnConflict>(on_conflict);
  def->append_only = append_only != 0;
  Status s = def->Build();
  if (!s.ok()) return Status::Corruption("table definition \"" + def->name + "\": " + s.message());
  return std::shared_ptr<const TableDef>(std::move(def));
}

}  // namespace dynasink::catalog
