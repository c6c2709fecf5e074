#include "types/data_type.h"

#include <cstdio>
#include <cstdlib>

#include "types/type_name_parser.h"

namespace dynasink::types {

DataType::DataType(TypeId id) : id_(id) {}

DataType DataType::Struct(std::vector<std::pair<std::string, DataType>> fields) {
  DataType t(TypeId::kStruct);
  auto v = std::make_shared<std::vector<StructField>>();
  v->reserve(fields.size());
  for (auto& [name, type] : fields) {
    v->push_back(StructField{std::move(name), std::make_shared<const DataType>(std::move(type))});
  }
  t.fields_ = std::move(v);
  return t;
}

DataType DataType::List(DataType element) {
  DataType t(TypeId::kList);
  t.element_ = std::make_shared<const DataType>(std::move(element));
  return t;
}

const std::vector<StructField>& DataType::fields() const {
  static const std::vector<StructField> kNone;
  return fields_ ? *fields_ : kNone;
}

const DataType& DataType::element() const {
  if (element_ == nullptr) {
    std::fprintf(stderr, "fatal: DataType::element() on %s\n", ToString().c_str());
    std::abort();
  }
  return *element_;
}

namespace {

const char* ScalarName(TypeId id) {
  switch (id) {
    case TypeId::kUnknown:
      return "unknown";
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kInt16:
      return "smallint";
    case TypeId::kInt32:
      return "integer";
    case TypeId::kInt64:
      return "bigint";
    case TypeId::kSerial:
      return "serial";
    case TypeId::kDecimal:
      return "numeric";
    case TypeId::kFloat32:
      return "real";
    case TypeId::kFloat64:
      return "double precision";
    case TypeId::kVarchar:
      return "character varying";
    case TypeId::kBytea:
      return "bytea";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return "time without time zone";
    case TypeId::kTimestamp:
      return "timestamp without time zone";
    case TypeId::kTimestamptz:
      return "timestamp with time zone";
    case TypeId::kInterval:
      return "interval";
    case TypeId::kJsonb:
      return "jsonb";
    case TypeId::kStruct:
      return "struct";
    case TypeId::kList:
      return "list";
  }
  return "unknown";
}

void AppendName(const DataType& t, std::string* out) {
  switch (t.id()) {
    case TypeId::kStruct: {
      out->append("struct<");
      bool first = true;
      for (const StructField& f : t.fields()) {
        if (!first) out->append(", ");
        first = false;
        out->append(f.name);
        out->push_back(' ');
        AppendName(*f.type, out);
      }
      out->push_back('>');
      return;
    }
    case TypeId::kList:
      AppendName(t.element(), out);
      out->append("[]");
      return;
    default:
      out->append(ScalarName(t.id()));
  }
}

}  // namespace

std::string DataType::ToString() const {
  std::string out;
  AppendName(*this, &out);
  return out;
}

Result<DataType> DataType::Parse(std::string_view name) {
  return ParseTypeName(name);
}

// ---------------------------------------------------------------------------------------------
// Serialization: one byte TypeId; a struct adds a varint field count and, per field, a
// varint-length name and the field type; a list adds its element type. Version changes would
// use TypeId values not assigned yet.

namespace {

constexpr int kMaxSerializedDepth = 64;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = r;
      return true;
    }
  }
  return false;
}

Result<DataType> DeserializeAt(std::string_view* in, int depth) {
  if (depth > kMaxSerializedDepth) return Status::Corruption("data type nested too deeply");
  if (in->empty()) return Status::Corruption("truncated data type");
  uint8_t id = static_cast<uint8_t>(in->front());
  in->remove_prefix(1);
  if (id > static_cast<uint8_t>(TypeId::kList)) {
    return Status::Corruption("unknown data type id " + std::to_string(id));
  }
  TypeId tid = static_cast<TypeId>(id);
  if (tid == TypeId::kList) {
    DS_ASSIGN_OR_RETURN(DataType element, DeserializeAt(in, depth + 1));
    return DataType::List(std::move(element));
  }
  if (tid == TypeId::kStruct) {
    uint64_t n;
    if (!GetVarint(in, &n) || n > in->size()) return Status::Corruption("bad struct field count");
    std::vector<std::pair<std::string, DataType>> fields;
    fields.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t len;
      if (!GetVarint(in, &len) || len > in->size()) {
        return Status::Corruption("bad struct field name");
      }
      std::string name(in->substr(0, len));
      in->remove_prefix(len);
      DS_ASSIGN_OR_RETURN(DataType ft, DeserializeAt(in, depth + 1));
      fields.emplace_back(std::move(name), std::move(ft));
    }
    return DataType::Struct(std::move(fields));
  }
  return DataType(tid);
}

}  // namespace

void DataType::Serialize(std::string* out) const {
  out->push_back(static_cast<char>(id_));
  if (id_ == TypeId::kList) {
    element().Serialize(out);
  } else if (id_ == TypeId::kStruct) {
    PutVarint(fields().size(), out);
    for (const StructField& f : fields()) {
      PutVarint(f.name.size(), out);
      out->append(f.name);
      f.type->Serialize(out);
    }
  }
}

Result<DataType> DataType::Deserialize(std::string_view* in) {
  return DeserializeAt(in, 0);
}

bool DataType::operator==(const DataType& other) const {
  if (id_ != other.id_) return false;
  if (id_ == TypeId::kList) {
    if (element_ == nullptr || other.element_ == nullptr) return element_ == other.element_;
    return *element_ == *other.element_;
  }
  if (id_ == TypeId::kStruct) {
    const auto& a = fields();
    const auto& b = other.fields();
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].name != b[i].name || *a[i].type != *b[i].type) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL type OIDs (pg_type.oid and typarray).

namespace {
struct Oids {
  uint32_t scalar;
  uint32_t array;
};
Oids OidsOf(TypeId id) {
  switch (id) {
    case TypeId::kUnknown:
      return {705, 0};  // unknown; has no array type
    case TypeId::kBoolean:
      return {16, 1000};
    case TypeId::kInt16:
      return {21, 1005};
    case TypeId::kInt32:
      return {23, 1007};
    case TypeId::kInt64:
    case TypeId::kSerial:
      return {20, 1016};
    case TypeId::kDecimal:
      return {1700, 1231};
    case TypeId::kFloat32:
      return {700, 1021};
    case TypeId::kFloat64:
      return {701, 1022};
    case TypeId::kVarchar:
      return {1043, 1015};
    case TypeId::kBytea:
      return {17, 1001};
    case TypeId::kDate:
      return {1082, 1182};
    case TypeId::kTime:
      return {1083, 1183};
    case TypeId::kTimestamp:
      return {1114, 1115};
    case TypeId::kTimestamptz:
      return {1184, 1185};
    case TypeId::kInterval:
      return {1186, 1187};
    case TypeId::kJsonb:
      return {3802, 3807};
    case TypeId::kStruct:
      return {2249, 2287};  // record, record[]
    case TypeId::kList:
      break;
  }
  return {0, 0};
}
}  // namespace

uint32_t PgTypeOid(const DataType& type) {
  if (type.id() != TypeId::kList) return OidsOf(type.id()).scalar;
  // PostgreSQL arrays of arrays are the same type as one-level arrays.
  const DataType* e = &type.element();
  while (e->id() == TypeId::kList)
    e = &e->element();
  uint32_t oid = OidsOf(e->id()).array;
  return oid != 0 ? oid : 1009;  // text[] for an unknown element type
}

int16_t PgTypeLength(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean:
      return 1;
    case TypeId::kInt16:
      return 2;
    case TypeId::kInt32:
    case TypeId::kFloat32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kSerial:
    case TypeId::kFloat64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
      return 8;
    case TypeId::kInterval:
      return 16;
    case TypeId::kUnknown:
      return -2;  // cstring-like, as PostgreSQL reports unknown literals
    default:
      return -1;
  }
}

}  // namespace dynasink::types
