// DataType: the SQL types of RisingWave that dynasink supports (COMPATIBILITY.md sections 4, 6).
//
// A DataType is a small immutable value: a TypeId plus, for structs, the named fields and, for
// arrays, the element type (shared, so copies are cheap). Names follow RisingWave's output of
// DESCRIBE: "integer", "character varying", "struct<a integer, b character varying>",
// "integer[]".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace dynasink::types {

enum class TypeId : uint8_t {
  kUnknown = 0,  // the type of an untyped literal ('abc', NULL) before binding resolves it
  kBoolean,
  kInt16,    // smallint
  kInt32,    // integer
  kInt64,    // bigint
  kSerial,   // serial: 64-bit, generated when not given; stored like bigint
  kDecimal,  // numeric: exact, arbitrary precision, NaN and +-Infinity
  kFloat32,  // real
  kFloat64,  // double precision
  kVarchar,  // character varying, alias text
  kBytea,
  kDate,
  kTime,         // time without time zone
  kTimestamp,    // timestamp without time zone
  kTimestamptz,  // timestamp with time zone, stored in UTC
  kInterval,
  kJsonb,
  kStruct,
  kList,  // array
};

class DataType;

struct StructField {
  std::string name;
  std::shared_ptr<const DataType> type;  // never null
};

class DataType {
 public:
  DataType() = default;  // kUnknown
  DataType(TypeId id);   // NOLINT: implicit from a scalar TypeId is convenient and unambiguous

  static DataType Struct(std::vector<std::pair<std::string, DataType>> fields);
  static DataType List(DataType element);

  TypeId id() const { return id_; }
  // Struct fields, in declaration order. Empty for other types.
  const std::vector<StructField>& fields() const;
  // Element type of a list. Must only be called when id() == kList.
  const DataType& element() const;

  bool is_integer() const {  // smallint, integer, bigint, serial
    return id_ == TypeId::kInt16 || id_ == TypeId::kInt32 || id_ == TypeId::kInt64 ||
           id_ == TypeId::kSerial;
  }
  bool is_numeric() const {  // every type DynamoDB stores as N
    return is_integer() || id_ == TypeId::kDecimal || id_ == TypeId::kFloat32 ||
           id_ == TypeId::kFloat64;
  }
  bool is_nested() const { return id_ == TypeId::kStruct || id_ == TypeId::kList; }

  // RisingWave's display name, e.g. "timestamp with time zone", "struct<a integer>", "integer[]".
  std::string ToString() const;

  // Parses a type name as written in SQL: "int", "int4", "integer", "varchar", "text",
  // "character varying", "double precision", "float8", "timestamptz", "numeric", "decimal",
  // "STRUCT<a INT, b VARCHAR>", "INT[]", "int[][]", ... Case-insensitive. (The SQL parser has
  // its own grammar for types; this is for tests, the catalog and tools.)
  static Result<DataType> Parse(std::string_view name);

  // Binary-stable serialization used by the catalog.
  void Serialize(std::string* out) const;
  static Result<DataType> Deserialize(std::string_view* in);

  bool operator==(const DataType& other) const;
  bool operator!=(const DataType& other) const { return !(*this == other); }

 private:
  TypeId id_ = TypeId::kUnknown;
  std::shared_ptr<const std::vector<StructField>> fields_;  // kStruct
  std::shared_ptr<const DataType> element_;                 // kList
};

// PostgreSQL type OID for the wire protocol (e.g. int4 = 23, varchar = 1043, jsonb = 3802,
// int4[] = 1007; structs are reported as record = 2249 ... as RisingWave does).
uint32_t PgTypeOid(const DataType& type);
// Fixed size in bytes for RowDescription, or -1 for variable length.
int16_t PgTypeLength(const DataType& type);

}  // namespace dynasink::types
