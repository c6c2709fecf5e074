#include "catalog/sink_def.h"

#include "catalog/meta_codec.h"

namespace dynasink::catalog {

namespace {
constexpr uint8_t kSinkFormat = 1;

void PutMap(internal::MetaWriter& w, const std::map<std::string, std::string>& m) {
  w.Varint(m.size());
  for (const auto& [k, v] : m) {
    w.String(k);
    w.String(v);
  }
}

bool GetMap(internal::MetaReader& r, size_t limit, std::map<std::string, std::string>* m) {
  uint64_t n = 0;
  if (!r.Varint(&n) || n > limit) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, v;
    if (!r.String(&k) || !r.String(&v)) return false;
    (*m)[std::move(k)] = std::move(v);
  }
  return true;
}
}  // namespace

void SinkDefinition::Serialize(std::string* out) const {
  internal::MetaWriter w(out);
  w.U8(kSinkFormat);
  w.Varint(id);
  w.String(name);
  w.Varint(from_table_id);
  w.Varint(column_names.size());
  for (size_t i = 0; i < column_names.size(); ++i) {
    w.String(column_names[i]);
    w.Type(i < column_types.size() ? column_types[i] : types::DataType());
  }
  w.String(query_sql);
  PutMap(w, options);
  w.String(format);
  w.String(encode);
  PutMap(w, format_options);
  w.String(definition);
  w.SignedVarint(created_at_us);
  w.String(state);
}

Result<SinkDefinition> SinkDefinition::Deserialize(std::string_view data) {
  internal::MetaReader r(data);
  SinkDefinition def;
  uint8_t format = 0;
  if (r.U8(&format) && format != kSinkFormat) {
    return Status::NotSupported("sink definition format " + std::to_string(format) +
                                " is newer than this dynasink understands");
  }
  r.U32(&def.id);
  r.String(&def.name);
  r.U32(&def.from_table_id);
  uint64_t ncols = 0;
  r.Varint(&ncols);
  if (ncols > data.size()) return Status::Corruption("sink definition: bad column count");
  def.column_names.resize(ncols);
  def.column_types.resize(ncols);
  for (size_t i = 0; i < ncols; ++i) {
    r.String(&def.column_names[i]);
    r.Type(&def.column_types[i]);
  }
  r.String(&def.query_sql);
  bool maps_ok = GetMap(r, data.size(), &def.options);
  r.String(&def.format);
  r.String(&def.encode);
  maps_ok = maps_ok && GetMap(r, data.size(), &def.format_options);
  r.String(&def.definition);
  r.SignedVarint(&def.created_at_us);
  r.String(&def.state);
  if (!maps_ok) return Status::Corruption("sink definition: malformed catalog record");
  DS_RETURN_IF_ERROR(r.Finish("sink definition"));
  return def;
}

}  // namespace dynasink::catalog
