#include "connector/dynamodb/dynamodb_connector.h"

#include <fmt/format.h>

#include "aws/credentials_chain.h"
#include "aws/dynamodb_client.h"
#include "common/logging.h"
#include "connector/dynamodb/dynamodb_sink.h"
#include "connector/dynamodb/options.h"
#include "connector/dynamodb/validator.h"

namespace dynasink::connector::dynamodb {

std::vector<std::string_view> DynamoDbConnector::option_names() const {
  return DynamoDbOptionNames();
}

bool DynamoDbConnector::IsSecretOption(std::string_view option) const {
  return IsDynamoDbSecretOption(option);
}

std::vector<std::string_view> DynamoDbConnector::tunable_options() const {
  return {"dynamodb.max_batch_item_nums", "dynamodb.max_future_send_nums",
          "dynamodb.batch_write_retry_times", "dynamodb.batch_write_retry_backoff_ms"};
}

std::vector<std::string_view> DynamoDbConnector::credential_options() const {
  // Static keys only: a role, an external id or a profile changes whose identity the sink
  // uses, not just its current keys, and providers that fetch keys (profiles, roles, instance
  // metadata) rotate them on their own.
  return {"aws.credentials.access_key_id", "aws.credentials.secret_access_key",
          "aws.credentials.session_token"};
}

std::string_view DynamoDbConnector::MainOptionName(std::string_view option) const {
  return DynamoDbMainOptionName(option);
}

Status DynamoDbConnector::CheckOptions(const SinkOptionList& options,
                                       std::vector<std::string>* notices) const {
  return ParseDynamoDbOptions(options, notices).status();
}

Status DynamoDbConnector::CheckSchema(const SinkOptionList& options,
                                      const SinkSchema& schema) const {
  DS_ASSIGN_OR_RETURN(DynamoDbSinkOptions parsed, ParseDynamoDbOptions(options, nullptr));
  return CheckKeyColumns(parsed, schema);
}

Result<std::vector<int>> DynamoDbConnector::KeyColumns(const SinkOptionList& options,
                                                       const SinkSchema& schema) const {
  DS_ASSIGN_OR_RETURN(DynamoDbSinkOptions parsed, ParseDynamoDbOptions(options, nullptr));
  DS_RETURN_IF_ERROR(CheckKeyColumns(parsed, schema));
  std::vector<int> columns;
  for (const std::string& name : parsed.primary_key)
    columns.push_back(schema.Find(name));
  return columns;
}

Result<std::unique_ptr<Sink>> DynamoDbConnector::Open(const SinkOptionList& options,
                                                      SinkContext context) const {
  DS_ASSIGN_OR_RETURN(DynamoDbSinkOptions parsed, ParseDynamoDbOptions(options, nullptr));
  return OpenDynamoDbSink(parsed, std::move(context));
}

Result<std::unique_ptr<Sink>> OpenDynamoDbSink(const DynamoDbSinkOptions& options,
                                               SinkContext context) {
  DS_ASSIGN_OR_RETURN(
      std::unique_ptr<ItemEncoder> encoder,
      ItemEncoder::Create(context.sink_name, options.table, context.schema, options.primary_key));
  DS_ASSIGN_OR_RETURN(std::shared_ptr<aws::CredentialsProvider> credentials,
                      aws::MakeCredentialsProvider(options.credentials));

  aws::HttpClientOptions http_options;
  http_options.max_connections = std::max(options.max_future_send_nums, 4);
  // A call that takes longer than this is retried: DynamoDB answers in milliseconds, so a
  // silent connection is better abandoned than waited for.
  http_options.request_timeout = std::chrono::seconds(10);
  auto http = aws::HttpClient::Create(http_options);

  aws::DynamoDbClientOptions client_options;
  client_options.region = options.region;
  client_options.endpoint_url = options.endpoint_url;
  client_options.credentials = credentials;
  client_options.http = http;

  if (context.validate) {
    DS_ASSIGN_OR_RETURN(auto control, aws::DynamoDbClient::Create(client_options));
    DS_ASSIGN_OR_RETURN(ValidatedTable checked, ValidateTable(*control, options, context.schema));
    encoder->SetSortKeyColumns(checked.sort_key_columns);
  }

  // The writer's client does not retry by itself: the sink retries with its own schedule, keeps
  // per-key order, and reports what it is doing.
  client_options.retry.max_attempts = 1;
  client_options.retry.retry_quota = false;
  client_options.http = std::move(http);  // the client is now the pool's only owner
  DS_ASSIGN_OR_RETURN(auto writer_client, aws::DynamoDbClient::Create(std::move(client_options)));

  WriterConfig config;
  config.max_batch_items = options.max_batch_item_nums;
  config.max_in_flight = options.max_future_send_nums;
  config.retry_times = options.batch_write_retry_times;
  config.retry_backoff_ms = options.batch_write_retry_backoff_ms;
  DS_LOG_INFO("sink", "sink {} writes to DynamoDB table {} at {} (region {} from {})",
              context.sink_name, options.table, writer_client->endpoint().url, options.region,
              options.region_source);
  std::unique_ptr<BatchWriteClient> batch_client =
      MakeDynamoDbBatchWriteClient(std::shared_ptr<aws::DynamoDbClient>(std::move(writer_client)));
  return std::unique_ptr<Sink>(
      DynamoDbSink::Start(std::move(context), config, std::move(encoder), std::move(batch_client)));
}

}  // namespace dynasink::connector::dynamodb
