#include "aws/dynamodb_protocol.h"

#include <gtest/gtest.h>

namespace dynasink::aws {
namespace {

using AV = AttributeValue;

TEST(DynamoDbProtocolTest, EncodesBatchWriteItem) {
  BatchWriteItemRequest request;
  request.tables.push_back(
      {"Movies",
       {WriteRequest::Put({{"year", AV::N("2020")}, {"title", AV::S("The Emoji Movie")}}),
        WriteRequest::Delete({{"year", AV::N("2017")}, {"title", AV::S("Wonder Woman")}})}});
  request.tables.push_back({"Other", {WriteRequest::Put({{"k", AV::B("x")}})}});
  std::string body = "previous contents are replaced";
  EncodeBatchWriteItem(request, &body);
  EXPECT_EQ(body,
            R"({"RequestItems":{"Movies":[)"
            R"({"PutRequest":{"Item":{"year":{"N":"2020"},"title":{"S":"The Emoji Movie"}}}},)"
            R"({"DeleteRequest":{"Key":{"year":{"N":"2017"},"title":{"S":"Wonder Woman"}}}}],)"
            R"("Other":[{"PutRequest":{"Item":{"k":{"B":"eA=="}}}}]}})");
}

TEST(DynamoDbProtocolTest, EncodesControlPlaneRequests) {
  std::string body;
  EncodeTableName("Movies", &body);
  EXPECT_EQ(body, R"({"TableName":"Movies"})");

  CreateTableRequest create;
  create.table_name = "Movies";
  create.key_schema = {{"year", KeyType::kHash}, {"title", KeyType::kRange}};
  create.attribute_definitions = {{"year", ScalarAttributeType::kN},
                                  {"title", ScalarAttributeType::kS}};
  EncodeCreateTable(create, &body);
  EXPECT_EQ(body,
            R"({"TableName":"Movies","KeySchema":[{"AttributeName":"year","KeyType":"HASH"},)"
            R"({"AttributeName":"title","KeyType":"RANGE"}],"AttributeDefinitions":[)"
            R"({"AttributeName":"year","AttributeType":"N"},)"
            R"({"AttributeName":"title","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})");
  create.billing_mode = BillingMode::kProvisioned;
  create.provisioned_throughput = {5, 7};
  EncodeCreateTable(create, &body);
  EXPECT_NE(body.find(R"("BillingMode":"PROVISIONED","ProvisionedThroughput":)"
                      R"({"ReadCapacityUnits":5,"WriteCapacityUnits":7})"),
            std::string::npos)
      << body;

  EncodeListTables({}, &body);
  EXPECT_EQ(body, "{}");
  EncodeListTables({"Movies", 10}, &body);
  EXPECT_EQ(body, R"({"ExclusiveStartTableName":"Movies","Limit":10})");
}

TEST(DynamoDbProtocolTest, EncodesItemCalls) {
  std::string body;
  PutItemRequest put;
  put.table_name = "T";
  put.item = {{"k", AV::S("v")}};
  put.condition.expression = "attribute_not_exists(#k) OR #n < :max";
  put.condition.names = {{"#k", "k"}, {"#n", "n"}};
  put.condition.values = {{":max", AV::N("3")}};
  EncodePutItem(put, &body);
  EXPECT_EQ(body, R"({"TableName":"T","Item":{"k":{"S":"v"}},)"
                  R"("ConditionExpression":"attribute_not_exists(#k) OR #n < :max",)"
                  R"("ExpressionAttributeNames":{"#k":"k","#n":"n"},)"
                  R"("ExpressionAttributeValues":{":max":{"N":"3"}}})");

  DeleteItemRequest del;
  del.table_name = "T";
  del.key = {{"k", AV::S("v")}};
  EncodeDeleteItem(del, &body);
  EXPECT_EQ(body, R"({"TableName":"T","Key":{"k":{"S":"v"}}})");

  GetItemRequest get;
  get.table_name = "T";
  get.key = {{"k", AV::S("v")}};
  get.consistent_read = true;
  EncodeGetItem(get, &body);
  EXPECT_EQ(body, R"({"TableName":"T","Key":{"k":{"S":"v"}},"ConsistentRead":true})");

  ScanRequest scan;
  scan.table_name = "T";
  scan.limit = 10;
  scan.exclusive_start_key = Item{{"k", AV::S("v")}};
  scan.total_segments = 4;
  scan.segment = 1;
  EncodeScan(scan, &body);
  EXPECT_EQ(body, R"({"TableName":"T","Limit":10,"ExclusiveStartKey":{"k":{"S":"v"}},)"
                  R"("Segment":1,"TotalSegments":4})");
}

TEST(DynamoDbProtocolTest, DecodesTableDescription) {
  const char* body =
      R"({"Table":{"AttributeDefinitions":[{"AttributeName":"title","AttributeType":"S"},)"
      R"({"AttributeName":"year","AttributeType":"N"}],"TableName":"Movies",)"
      R"("KeySchema":[{"AttributeName":"year","KeyType":"HASH"},)"
      R"({"AttributeName":"title","KeyType":"RANGE"}],"TableStatus":"ACTIVE",)"
      R"("CreationDateTime":1.7E9,"ProvisionedThroughput":{"LastIncreaseDateTime":0.0,)"
      R"("NumberOfDecreasesToday":0,"ReadCapacityUnits":0,"WriteCapacityUnits":0},)"
      R"("TableSizeBytes":12,"ItemCount":3,"TableArn":"arn:aws:dynamodb:ddblocal:000000000000:table/Movies",)"
      R"("BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST","LastUpdateToPayPerRequestDateTime":1.7E9}}})";
  auto t = DecodeTableDescription(body, "Table");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->table_name, "Movies");
  EXPECT_EQ(t->table_status, "ACTIVE");
  EXPECT_EQ(t->hash_key(), "year");
  EXPECT_EQ(t->range_key(), "title");
  ASSERT_EQ(t->attribute_definitions.size(), 2u);
  EXPECT_EQ(t->attribute_definitions[1].attribute_type, ScalarAttributeType::kN);
  EXPECT_EQ(t->billing_mode, BillingMode::kPayPerRequest);
  EXPECT_EQ(t->item_count, 3);
  EXPECT_EQ(t->table_size_bytes, 12);
  EXPECT_DOUBLE_EQ(t->creation_date_time, 1.7e9);
  EXPECT_EQ(t->table_arn, "arn:aws:dynamodb:ddblocal:000000000000:table/Movies");

  // Written back in the same shape, it decodes to the same description.
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Table");
  WriteTableDescription(writer, *t);
  writer.EndObject();
  auto again = DecodeTableDescription(buffer.GetString(), "Table");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->key_schema, t->key_schema);
  EXPECT_EQ(again->attribute_definitions, t->attribute_definitions);
  EXPECT_EQ(again->billing_mode, t->billing_mode);

  EXPECT_FALSE(DecodeTableDescription(body, "TableDescription").ok());
  EXPECT_FALSE(
      DecodeTableDescription(R"({"Table":{"KeySchema":[{"KeyType":"BOTH"}]}})", "Table").ok());
  EXPECT_FALSE(DecodeTableDescription(R"({"Table":{"ItemCount":"3"}})", "Table").ok());
}

TEST(DynamoDbProtocolTest, DecodesUnprocessedItemsBackIntoRequests) {
  auto none = DecodeBatchWriteItem(R"({"UnprocessedItems":{}})");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->all_processed());
  auto spaced = DecodeBatchWriteItem(R"({ "UnprocessedItems" : { } , "ConsumedCapacity": [] })");
  ASSERT_TRUE(spaced.ok()) << spaced.status().ToString();
  EXPECT_TRUE(spaced->all_processed());

  auto some = DecodeBatchWriteItem(
      R"({"UnprocessedItems":{"Movies":[{"PutRequest":{"Item":{"year":{"N":"1"},"t":{"S":"a"}}}},)"
      R"({"DeleteRequest":{"Key":{"year":{"N":"2"}}}}]}})");
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  EXPECT_EQ(some->unprocessed_count(), 2u);
  ASSERT_EQ(some->unprocessed_items.size(), 1u);
  const auto& t = some->unprocessed_items[0];
  EXPECT_EQ(t.table_name, "Movies");
  EXPECT_EQ(t.requests[0], WriteRequest::Put({{"year", AV::N("1")}, {"t", AV::S("a")}}));
  EXPECT_EQ(t.requests[1], WriteRequest::Delete({{"year", AV::N("2")}}));

  // They can be sent again as they are.
  BatchWriteItemRequest again{some->unprocessed_items};
  std::string body;
  EncodeBatchWriteItem(again, &body);
  EXPECT_EQ(
      body,
      R"({"RequestItems":{"Movies":[{"PutRequest":{"Item":{"year":{"N":"1"},"t":{"S":"a"}}}},)"
      R"({"DeleteRequest":{"Key":{"year":{"N":"2"}}}}]}})");

  EXPECT_FALSE(DecodeBatchWriteItem(R"({"UnprocessedItems":{"T":[{"Other":{}}]}})").ok());
  EXPECT_FALSE(DecodeBatchWriteItem(R"({"UnprocessedItems":{"T":[{"PutRequest":{}}]}})").ok());
  EXPECT_FALSE(DecodeBatchWriteItem("not json").ok());
}

TEST(DynamoDbProtocolTest, DecodesGetItemAndScan) {
  auto found = DecodeGetItem(R"({"Item":{"k":{"S":"v"}}})");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->item.has_value());
  EXPECT_EQ(*found->item, Item({{"k", AV::S("v")}}));
  auto missing = DecodeGetItem("{}");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->item.has_value());

  auto page = DecodeScan(R"({"Items":[{"k":{"N":"1"}},{"k":{"N":"2"}}],"Count":2,"ScannedCount":5,)"
                         R"("LastEvaluatedKey":{"k":{"N":"2"}}})");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->count, 2);
  EXPECT_EQ(page->scanned_count, 5);
  ASSERT_TRUE(page->last_evaluated_key.has_value());
  EXPECT_EQ(*page->last_evaluated_key, Item({{"k", AV::N("2")}}));
  auto last = DecodeScan(R"({"Items":[],"Count":0,"ScannedCount":0})");
  ASSERT_TRUE(last.ok());
  EXPECT_FALSE(last->last_evaluated_key.has_value());

  auto lists = DecodeListTables(R"({"TableNames":["a","b"],"LastEvaluatedTableName":"b"})");
  ASSERT_TRUE(lists.ok());
  EXPECT_EQ(lists->table_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(lists->last_evaluated_table_name, "b");

  auto bad = DecodeScan(R"({"Items":[{"k":{"Q":"1"}}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("attribute 'k'"), std::string::npos);
}

}  // namespace
}  // namespace dynasink::aws
