// Shared helpers of the connector integration tests (connector_*_test.cc): DynamoDB Local as a
// suite fixture, tables, sinks opened through the connector registry as the runtime opens them,
// and reading the table back through the AWS CLI.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/credentials_static.h"
#include "aws/dynamodb_client.h"
#include "connector/connector.h"
#include "connector/sink_metrics.h"
#include "support/aws_cli.h"
#include "support/dynamodb_local.h"

namespace dynasink::connector::testing {

using std::chrono::milliseconds;
using types::DataType;
using types::TypeId;
using types::Value;

inline Deadline Soon() {
  return SteadyClock::now() + std::chrono::seconds(90);
}

inline std::unique_ptr<aws::DynamoDbClient> MakeClient(const std::string& endpoint) {
  aws::DynamoDbClientOptions o;
  o.region = "us-east-1";
  o.endpoint_url = endpoint;
  o.credentials = std::make_shared<aws::StaticCredentialsProvider>(
      aws::Credentials{"AKIDDYNASINKTEST", "dynasink-connector-secret", "", std::nullopt});
  auto client = aws::DynamoDbClient::Create(std::move(o));
  if (!client.ok()) ADD_FAILURE() << client.status().ToString();
  return client.ok() ? std::move(client).value() : nullptr;
}

// Creates `name` with the given key attributes (HASH first) and waits until it is ACTIVE.
inline void CreateTable(aws::DynamoDbClient& client, const std::string& name,
                        std::vector<std::pair<std::string, aws::ScalarAttributeType>> keys) {
  aws::CreateTableRequest r;
  r.table_name = name;
  for (size_t i = 0; i < keys.size(); ++i) {
    r.key_schema.push_back({keys[i].first, i == 0 ? aws::KeyType::kHash : aws::KeyType::kRange});
    r.attribute_definitions.push_back({keys[i].first, keys[i].second});
  }
  auto created = client.CreateTable(r);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto active = client.WaitForTableActive(name, milliseconds(30000));
  ASSERT_TRUE(active.ok()) << active.status().ToString();
}

inline SinkOptionList Options(const std::string& endpoint, const std::string& table,
                              const std::string& primary_key) {
  return {{"table", table},
          {"primary_key", primary_key},
          {"aws.region", "us-east-1"},
          {"aws.endpoint_url", endpoint},
          {"aws.credentials.access_key_id", "AKIDDYNASINKTEST"},
          {"aws.credentials.secret_access_key", "dynasink-connector-secret"}};
}

// Rejections the sink hands over, kept as the error table would.
struct ErrorTable {
  std::mutex mu;
  std::vector<SinkRejection> rows;
  RejectionHandler Handler() {
    return [this](const SinkRejection& r) {
      std::lock_guard<std::mutex> lock(mu);
      rows.push_back(r);
      return Status::OK();
    };
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return rows.size();
  }
};

// Opens a sink through the registry, as the runtime does at CREATE SINK.
inline Result<std::unique_ptr<Sink>> OpenSink(const SinkOptionList& options, SinkSchema schema,
                                              ErrorTable* errors, metrics::Registry* registry,
                                              std::string name = "s1") {
  const SinkConnector* connector = FindSinkConnector("dynamodb");
  if (connector == nullptr) return Status::Internal("no dynamodb connector");
  std::vector<std::string> notices;
  DS_RETURN_IF_ERROR(connector->CheckOptions(options, &notices));
  DS_RETURN_IF_ERROR(connector->CheckSchema(options, schema));
  SinkContext context;
  context.sink_name = std::move(name);
  context.schema = std::move(schema);
  context.options.connector = "dynamodb";
  context.on_rejection = errors->Handler();
  context.metrics = registry;
  return connector->Open(options, std::move(context));
}

// The table's items through the AWS CLI, by the text of one key attribute.
inline std::map<std::string, aws::Item> ScanByKey(const std::string& endpoint,
                                                  const std::string& table,
                                                  const std::string& key) {
  test::AwsCli cli(endpoint);
  auto items = cli.ScanItems(table);
  EXPECT_TRUE(items.ok()) << items.status().ToString();
  std::map<std::string, aws::Item> out;
  if (!items.ok()) return out;
  for (aws::Item& item : *items) {
    const aws::AttributeValue* k = item.Find(key);
    EXPECT_NE(k, nullptr);
    if (k != nullptr) out[k->scalar()] = std::move(item);
  }
  return out;
}

// Writes `changes` (all of them) to `sink`.
inline void WriteAll(Sink& sink, const std::vector<SinkChange>& changes) {
  size_t offset = 0;
  while (offset < changes.size()) {
    auto n = sink.Write(std::span<const SinkChange>(changes).subspan(offset), Soon());
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    offset += *n;
  }
}

}  // namespace dynasink::connector::testing
