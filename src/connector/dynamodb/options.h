// The WITH options of a DynamoDB sink (COMPATIBILITY.md section 2), parsed and checked without
// I/O. Every alias is accepted wherever its option is; giving an option and its alias together is
// refused, since one would silently win.
//
//   option                              aliases                 default
//   table                               dynamodb.table          required
//   primary_key                                                 required: 'col1,col2'
//   aws.region                          region                  the AWS default region chain
//   aws.endpoint_url                    endpoint_url, endpoint  https://dynamodb.<region>...
//   aws.credentials.access_key_id       access_key              (secret: redacted)
//   aws.credentials.secret_access_key   secret_key              (secret: redacted)
//   aws.credentials.session_token       session_token           (secret: redacted)
//   aws.credentials.role.arn            arn
//   aws.credentials.role.external_id    external_id
//   aws.profile                         profile
//   dynamodb.max_batch_rows                                     deprecated, ignored (a notice)
//   dynamodb.max_batch_item_nums                                25, 1..25
//   dynamodb.max_future_send_nums                               256, 1..256
//   dynamodb.batch_write_retry_times                            3, 0..1000
//   dynamodb.batch_write_retry_backoff_ms                       100, 1..2000
//
// The generic options (connector, type, force_append_only, snapshot, sink.error_policy) are
// parsed in connector/sink_options.h and never reach this file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials_chain.h"
#include "common/result.h"
#include "connector/sink_options.h"

namespace dynasink::connector::dynamodb {

struct DynamoDbSinkOptions {
  std::string table;
  // The sink columns that form the DynamoDB key, as written (trimmed, empty parts skipped).
  std::vector<std::string> primary_key;
  std::string region;         // resolved: explicit, else the AWS default region chain
  std::string region_source;  // "aws.region", "AWS_REGION", "profile 'x'", ...
  std::string endpoint_url;   // empty: the region's default endpoint
  // Keys, token, role ARN, external id and profile, ready for aws::MakeCredentialsProvider.
  aws::CredentialsConfig credentials;
  int max_batch_item_nums = 25;
  int max_future_send_nums = 256;
  int batch_write_retry_times = 3;
  int batch_write_retry_backoff_ms = 100;
};

// Every accepted option name, main names and aliases.
const std::vector<std::string_view>& DynamoDbOptionNames();
// The options whose values are secrets (the key id, the secret key, the session token).
bool IsDynamoDbSecretOption(std::string_view option);
// The main name of a DynamoDB option given by any of its names (aws.credentials.access_key_id
// for access_key); unknown names are returned as they are.
std::string_view DynamoDbMainOptionName(std::string_view option);

// Parses `options` (only names from DynamoDbOptionNames(); sink_options.cc refuses the others).
// Registers the secret values with RegisterSecret(). Appends a notice for deprecated options.
// Errors are InvalidArgument and name the option and the fix; they never contain a secret.
Result<DynamoDbSinkOptions> ParseDynamoDbOptions(const SinkOptionList& options,
                                                 std::vector<std::string>* notices);

// Splits primary_key: comma separated, each part trimmed, empty parts skipped.
std::vector<std::string> ParsePrimaryKeyList(std::string_view text);

}  // namespace dynasink::connector::dynamodb
