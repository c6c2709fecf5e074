// The JSON bodies of DynamoDB requests and responses (the awsJson1_0 protocol), without any I/O.
//
// Encode* write a request body into `out` (replacing its contents) through a per-thread reused
// rapidjson buffer, so encoding a BatchWriteItem allocates only the output string. Decode* parse
// a 2xx response body; a body that does not have the documented shape is Status::Corruption.
#pragma once

#include <string>
#include <string_view>

#include "aws/dynamodb_json.h"
#include "aws/dynamodb_model.h"
#include "common/result.h"

namespace dynasink::aws {

// {"TableName":"..."}: DescribeTable and DeleteTable.
void EncodeTableName(std::string_view table_name, std::string* out);
void EncodeCreateTable(const CreateTableRequest& request, std::string* out);
void EncodeListTables(const ListTablesRequest& request, std::string* out);
void EncodeBatchWriteItem(const BatchWriteItemRequest& request, std::string* out);
void EncodePutItem(const PutItemRequest& request, std::string* out);
void EncodeDeleteItem(const DeleteItemRequest& request, std::string* out);
void EncodeGetItem(const GetItemRequest& request, std::string* out);
void EncodeScan(const ScanRequest& request, std::string* out);

// DescribeTable answers {"Table":{...}}, CreateTable and DeleteTable {"TableDescription":{...}};
// `member` names which.
Result<TableDescription> DecodeTableDescription(std::string_view body, const char* member);
Result<ListTablesResponse> DecodeListTables(std::string_view body);
Result<BatchWriteItemResponse> DecodeBatchWriteItem(std::string_view body);
Result<GetItemResponse> DecodeGetItem(std::string_view body);
Result<ScanResponse> DecodeScan(std::string_view body);

// The JSON of a table description in DynamoDB's own shape (TableName, KeySchema, ...), as the
// AWS CLI prints it, for tools.
void WriteTableDescription(JsonWriter& writer, const TableDescription& table);

}  // namespace dynasink::aws
