// Validation of a DynamoDB sink at CREATE SINK, before anything is written: DescribeTable, then
// the table against the sink's options and columns. Each failure has its own message:
//
//   unreachable endpoint   Unavailable: cannot reach DynamoDB at <url> ...
//   bad credentials        PermissionDenied: DynamoDB refused the credentials ...
//   no credentials         PermissionDenied: no AWS credentials for the sink ...
//   missing table          NotFound: table Movies not found (...)
//   table not ACTIVE       FailedPrecondition: table Movies is not active (status CREATING)
//   key names differ       InvalidArgument: DynamoDB table Movies primary key ["year"] must match
//                          RisingWave primary key ["year", "title"]   (compared as sets)
//   key column missing     InvalidArgument: Sink primary key column not found: xx. Please use ','
//                          as the delimiter for different primary key columns.
//   key type mismatch      InvalidArgument naming the column, both types and the fix
//
// Key types: a key attribute of type S needs a column the sink writes as S (varchar, date, time,
// timestamp, timestamptz, interval, jsonb), N a numeric column (smallint, integer, bigint,
// serial, numeric, real, double precision), B a bytea column.
#pragma once

#include <vector>

#include "aws/dynamodb_client.h"
#include "common/result.h"
#include "connector/connector.h"
#include "connector/dynamodb/options.h"

namespace dynasink::connector::dynamodb {

struct ValidatedTable {
  aws::TableDescription table;
  // Per primary_key column (in the option's order): whether it is the table's sort key.
  std::vector<bool> sort_key_columns;
};

// The checks that need no I/O: the key columns exist and can be DynamoDB key attributes.
Status CheckKeyColumns(const DynamoDbSinkOptions& options, const SinkSchema& schema);

// Every check above, with one DescribeTable through `client`.
Result<ValidatedTable> ValidateTable(aws::DynamoDbClient& client,
                                     const DynamoDbSinkOptions& options, const SinkSchema& schema);

// The table part alone, on a description already fetched (for tests and for callers that have
// one).
Result<ValidatedTable> CheckTable(const aws::TableDescription& table,
                                  const DynamoDbSinkOptions& options, const SinkSchema& schema);

}  // namespace dynasink::connector::dynamodb
