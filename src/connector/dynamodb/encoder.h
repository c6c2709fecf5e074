// ItemEncoder: sink rows -> DynamoDB write requests, by the type mapping of the specification
// with the exact texts of COMPATIBILITY.md section 4, every value checked against DynamoDB's
// rules (value_rules.h) before it is sent.
//
//   boolean                              BOOL
//   smallint, integer, bigint, serial    N   plain digits
//   numeric                              N   with its scale, never an exponent ("1.10")
//   real, double precision               N   shortest round-trip text ("1e+16", "0.1")
//   varchar                              S   as is
//   bytea                                B   raw bytes (base64 on the wire)
//   date, time, timestamp, timestamptz,  S   types::FormatValue's text ("2023-12-31
//   interval, jsonb                          16:00:00+00:00", "1 year 2 mons", ...)
//   struct                               M   field name -> value, recursively
//   array                                L   element by element, recursively
//   NULL (anywhere, also in M and L)     NULL: true
//
// An upsert becomes a PutRequest with every sink column; a delete a DeleteRequest with the key
// columns only. A value DynamoDB would refuse makes Encode() fill a SinkRejection that names the
// sink, the table, the key, the column (with its path inside structs and arrays), the value and
// the rule.
//
// Thread-safety: Encode() is const and may run on several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/attribute_value.h"
#include "common/result.h"
#include "connector/connector.h"
#include "connector/dynamodb/encoded_change.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::connector::dynamodb {

class ItemEncoder {
 public:
  // `primary_key` names the key columns. Fails when one is missing (RisingWave's message) or has
  // a type DynamoDB keys cannot have (boolean, struct, array).
  static Result<std::unique_ptr<ItemEncoder>> Create(std::string sink_name, std::string table,
                                                     const SinkSchema& schema,
                                                     const std::vector<std::string>& primary_key);

  // Per key column (in primary_key order): true when it is the table's sort key. Sets the value
  // size limits (2048 bytes for a partition key, 1024 for a sort key); without it every key
  // value is held to 2048 bytes and DynamoDB catches the rest.
  void SetSortKeyColumns(const std::vector<bool>& is_sort_key);

  // Encodes `row` into `out` (whose buffer is reused). True when it can be sent; false when a
  // value breaks a rule, with `out->rejection` set (seq is filled in by the caller).
  bool Encode(ChangeOp op, const types::Row& row, EncodedChange* out) const;

  // The canonical key of an item or key returned by DynamoDB (UnprocessedItems), equal to the
  // key() of the change that sent it. False when a key attribute is missing.
  bool CanonicalKeyOf(const aws::Item& item, std::string* out) const;
  // The key of an item as text for messages: `year=2020, title='The Emoji Movie'`.
  std::string KeyTextOfItem(const aws::Item& item) const;
  // The key of a row as text, in the same form.
  std::string KeyTextOfRow(const types::Row& row) const;
  // The key attributes of an item (or key) in DynamoDB's JSON form, for the error table;
  // `item_json` itself when it cannot be parsed.
  std::string KeyJsonOfItemJson(std::string_view item_json) const;

  // The key attribute names, in primary_key order.
  const std::vector<std::string>& key_names() const { return key_names_; }
  const std::string& sink_name() const { return sink_name_; }
  const std::string& table() const { return table_; }
  size_t column_count() const { return columns_.size(); }

 private:
  struct Column {
    std::string name;
    std::string json_prefix;  // "\"name\":" escaped, with the comma handled by the caller
    types::DataType type;
    size_t name_bytes = 0;
    int key_position = -1;  // index in key_names_, or -1
  };
  ItemEncoder() = default;

  std::string sink_name_;
  std::string table_;
  std::vector<Column> columns_;
  std::vector<int> key_columns_;  // column indexes, in primary_key order
  std::vector<std::string> key_names_;
  std::vector<size_t> key_limits_;  // bytes, per key column
};

}  // namespace dynasink::connector::dynamodb
