// Requests and responses of the DynamoDB calls dynasink makes, as plain structs.
//
// They mirror the DynamoDB API (version 2012-08-10) for the fields dynasink uses; names follow
// the API's, in snake_case. dynamodb_protocol.h turns them into JSON bodies and back, and
// dynamodb_client.h sends them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/attribute_value.h"

namespace dynasink::aws {

enum class KeyType : uint8_t { kHash, kRange };
enum class ScalarAttributeType : uint8_t { kS, kN, kB };
enum class BillingMode : uint8_t { kPayPerRequest, kProvisioned };

struct KeySchemaElement {
  std::string attribute_name;
  KeyType key_type = KeyType::kHash;
  friend bool operator==(const KeySchemaElement&, const KeySchemaElement&) = default;
};

struct AttributeDefinition {
  std::string attribute_name;
  ScalarAttributeType attribute_type = ScalarAttributeType::kS;
  friend bool operator==(const AttributeDefinition&, const AttributeDefinition&) = default;
};

struct ProvisionedThroughput {
  int64_t read_capacity_units = 0;
  int64_t write_capacity_units = 0;
};

// "HASH"/"RANGE", "S"/"N"/"B", "PAY_PER_REQUEST"/"PROVISIONED" and back; Parse* return false on an
// unknown name.
std::string_view KeyTypeName(KeyType type);
std::string_view ScalarAttributeTypeName(ScalarAttributeType type);
std::string_view BillingModeName(BillingMode mode);
bool ParseKeyType(std::string_view name, KeyType* out);
bool ParseScalarAttributeType(std::string_view name, ScalarAttributeType* out);
bool ParseBillingMode(std::string_view name, BillingMode* out);

struct TableDescription {
  std::string table_name;
  std::string table_arn;
  std::string table_id;
  std::string table_status;  // CREATING, ACTIVE, DELETING, UPDATING, ...
  std::vector<KeySchemaElement> key_schema;
  std::vector<AttributeDefinition> attribute_definitions;
  std::optional<BillingMode> billing_mode;  // absent when DynamoDB leaves out BillingModeSummary
  ProvisionedThroughput provisioned_throughput;
  int64_t item_count = 0;
  int64_t table_size_bytes = 0;
  double creation_date_time = 0;  // seconds since the epoch

  // The partition (HASH) and sort (RANGE) key names; empty when absent.
  std::string hash_key() const;
  std::string range_key() const;
};

struct CreateTableRequest {
  std::string table_name;
  std::vector<KeySchemaElement> key_schema;
  std::vector<AttributeDefinition> attribute_definitions;
  BillingMode billing_mode = BillingMode::kPayPerRequest;
  ProvisionedThroughput provisioned_throughput;  // sent only for kProvisioned
};

struct ListTablesRequest {
  std::string exclusive_start_table_name;  // empty for the first page
  int limit = 0;                           // 0: DynamoDB's default (100)
};
struct ListTablesResponse {
  std::vector<std::string> table_names;
  std::string last_evaluated_table_name;  // empty on the last page
};

// One put or delete inside a BatchWriteItem.
struct WriteRequest {
  enum class Type : uint8_t { kPut, kDelete };
  Type type = Type::kPut;
  Item item;  // the whole item for a put, only the key attributes for a delete

  static WriteRequest Put(Item item) { return {Type::kPut, std::move(item)}; }
  static WriteRequest Delete(Item key) { return {Type::kDelete, std::move(key)}; }
  friend bool operator==(const WriteRequest&, const WriteRequest&) = default;
};

struct TableWriteRequests {
  std::string table_name;
  std::vector<WriteRequest> requests;
};

// At most 25 requests in all and 16 MB; DynamoDB refuses more (ValidationException), and also
// the same key twice in one batch.
struct BatchWriteItemRequest {
  std::vector<TableWriteRequests> tables;
};
struct BatchWriteItemResponse {
  // What DynamoDB did not write (throttling, internal limits), in the request's form, so it can
  // be sent again as a BatchWriteItemRequest. Empty when everything was written.
  std::vector<TableWriteRequests> unprocessed_items;

  bool all_processed() const { return unprocessed_count() == 0; }
  size_t unprocessed_count() const;
};

// Optional condition on PutItem and DeleteItem; a failing condition is a typed
// ConditionalCheckFailed error.
struct Condition {
  std::string expression;                                  // e.g. "attribute_not_exists(#k)"
  std::vector<std::pair<std::string, std::string>> names;  // "#k" -> "year"
  AttributeMap values;                                     // ":v" -> value
};

struct PutItemRequest {
  std::string table_name;
  Item item;
  Condition condition;  // ignored when expression is empty
};
struct PutItemResponse {};

struct DeleteItemRequest {
  std::string table_name;
  Item key;
  Condition condition;
};
struct DeleteItemResponse {};

struct GetItemRequest {
  std::string table_name;
  Item key;
  bool consistent_read = false;
};
struct GetItemResponse {
  std::optional<Item> item;  // absent when no item has the key
};

struct ScanRequest {
  std::string table_name;
  int limit = 0;                            // items evaluated per page; 0: up to 1 MB
  std::optional<Item> exclusive_start_key;  // LastEvaluatedKey of the previous page
  bool consistent_read = false;
  // Parallel scan: segment in [0, total_segments); total_segments 0 for a plain scan.
  int segment = 0;
  int total_segments = 0;
};
struct ScanResponse {
  std::vector<Item> items;
  std::optional<Item> last_evaluated_key;  // present when more pages follow
  int64_t count = 0;
  int64_t scanned_count = 0;
};

}  // namespace dynasink::aws
