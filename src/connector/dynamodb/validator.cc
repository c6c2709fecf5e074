#include "connector/dynamodb/validator.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/redact.h"
#include "connector/dynamodb/encoder.h"

namespace dynasink::connector::dynamodb {

namespace {

using aws::DynamoDbErrorKind;
using aws::ScalarAttributeType;
using types::TypeId;

// The attribute type the encoder writes for a column type, or none for types that cannot be keys.
std::optional<ScalarAttributeType> WrittenAs(const types::DataType& type) {
  switch (type.id()) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kSerial:
    case TypeId::kDecimal:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return ScalarAttributeType::kN;
    case TypeId::kVarchar:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
    case TypeId::kInterval:
    case TypeId::kJsonb:
      return ScalarAttributeType::kS;
    case TypeId::kBytea:
      return ScalarAttributeType::kB;
    default:
      return std::nullopt;
  }
}

std::string_view AttributeTypeWords(ScalarAttributeType t) {
  switch (t) {
    case ScalarAttributeType::kS:
      return "S (string)";
    case ScalarAttributeType::kN:
      return "N (number)";
    case ScalarAttributeType::kB:
      return "B (binary)";
  }
  return "?";
}

// A column type that the sink writes as `t`, for the fix in a message.
std::string_view ExampleTypeFor(ScalarAttributeType t) {
  switch (t) {
    case ScalarAttributeType::kS:
      return "varchar";
    case ScalarAttributeType::kN:
      return "bigint or numeric";
    case ScalarAttributeType::kB:
      return "bytea";
  }
  return "?";
}

// ["a", "b"], as RisingWave prints its key lists.
std::string QuotedList(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += '"';
    out += names[i];
    out += '"';
  }
  out += ']';
  return out;
}

std::string EndpointText(const aws::DynamoDbClient& client) {
  return fmt::format("{} (region {})", client.endpoint().url, client.region());
}

}  // namespace

Status CheckKeyColumns(const DynamoDbSinkOptions& options, const SinkSchema& schema) {
  // The encoder makes exactly these checks; creating one keeps the messages in one place.
  return ItemEncoder::Create("", options.table, schema, options.primary_key).status();
}

Result<ValidatedTable> CheckTable(const aws::TableDescription& table,
                                  const DynamoDbSinkOptions& options, const SinkSchema& schema) {
  DS_RETURN_IF_ERROR(CheckKeyColumns(options, schema));
  const std::string& name = options.table;
  if (table.table_status != "ACTIVE") {
    return Status::FailedPrecondition(fmt::format(
        "table {} is not active (status {}); wait until it is ACTIVE and create the sink again",
        name, table.table_status.empty() ? "unknown" : table.table_status));
  }
  // The DynamoDB key, partition key first.
  std::vector<std::string> ddb_key;
  if (!table.hash_key().empty()) ddb_key.push_back(table.hash_key());
  if (!table.range_key().empty()) ddb_key.push_back(table.range_key());
  std::vector<std::string> a = ddb_key;
  std::vector<std::string> b = options.primary_key;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if (a != b) {
    return Status::InvalidArgument(
        fmt::format("DynamoDB table {} primary key {} must match RisingWave primary key {}", name,
                    QuotedList(ddb_key), QuotedList(options.primary_key)));
  }

  ValidatedTable out;
  out.table = table;
  for (const std::string& key : options.primary_key) {
    out.sort_key_columns.push_back(key == table.range_key());
    const types::DataType& column_type = schema.types[schema.Find(key)];
    auto def =
        std::find_if(table.attribute_definitions.begin(), table.attribute_definitions.end(),
                     [&](const aws::AttributeDefinition& d) { return d.attribute_name == key; });
    if (def == table.attribute_definitions.end()) {
      return Status::Corruption(fmt::format(
          "DescribeTable of {} gives no attribute definition for its key attribute {}", name, key));
    }
    std::optional<ScalarAttributeType> written = WrittenAs(column_type);
    if (!written || *written != def->attribute_type) {
      return Status::InvalidArgument(fmt::format(
          "DynamoDB table {} key attribute {} has type {}, but sink column {} has type {}, which "
          "the sink writes as {}; use a column of type {} (e.g. cast it in the sink query: "
          "{}::{}), or a table whose key attribute {} has type {}",
          name, key, AttributeTypeWords(def->attribute_type), key, column_type.ToString(),
          written ? AttributeTypeWords(*written) : std::string_view("a non-key type"),
          ExampleTypeFor(def->attribute_type), key,
          def->attribute_type == ScalarAttributeType::kN   ? "numeric"
          : def->attribute_type == ScalarAttributeType::kB ? "bytea"
                                                           : "varchar",
          key, written ? AttributeTypeWords(*written) : std::string_view("S, N or B")));
    }
  }
  return out;
}

Result<ValidatedTable> ValidateTable(aws::DynamoDbClient& client,
                                     const DynamoDbSinkOptions& options, const SinkSchema& schema) {
  DS_RETURN_IF_ERROR(CheckKeyColumns(options, schema));
  auto described = client.DescribeTable(options.table);
  if (!described.ok()) {
    const aws::DynamoDbError& e = described.error();
    std::string detail = Redact(e.ToStatus().message());
    switch (e.kind) {
      case DynamoDbErrorKind::kResourceNotFound:
        return Status::NotFound(fmt::format("table {} not found in DynamoDB at {}", options.table,
                                            EndpointText(client)));
      case DynamoDbErrorKind::kNetwork:
      case DynamoDbErrorKind::kTimeout:
        return Status::Unavailable(fmt::format(
            "cannot reach DynamoDB at {}: {}; check aws.endpoint_url and aws.region, and that "
            "the endpoint is up",
            EndpointText(client), detail));
      case DynamoDbErrorKind::kCredentials:
        return Status::PermissionDenied(fmt::format(
            "no AWS credentials for the sink: {}; set aws.credentials.access_key_id and "
            "aws.credentials.secret_access_key, aws.profile, or the AWS environment",
            detail));
      default:
        break;
    }
    if (e.auth_failure()) {
      return Status::PermissionDenied(
          fmt::format("DynamoDB at {} refused the sink's credentials: {}; check "
                      "aws.credentials.access_key_id and aws.credentials.secret_access_key (and "
                      "aws.credentials.session_token), aws.profile, or the AWS environment",
                      EndpointText(client), detail));
    }
    return e.ToStatus().WithContext(fmt::format("DescribeTable {}", options.table));
  }
  return CheckTable(*described, options, schema);
}

}  // namespace dynasink::connector::dynamodb
