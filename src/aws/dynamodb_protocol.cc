#include "aws/dynamodb_protocol.h"

#include <fmt/format.h>

namespace dynasink::aws {
namespace {

using rapidjson::SizeType;
using rapidjson::Value;

SizeType Len(size_t n) {
  return static_cast<SizeType>(n);
}
void Key(JsonWriter& w, std::string_view k) {
  w.Key(k.data(), Len(k.size()));
}
void Str(JsonWriter& w, std::string_view s) {
  w.String(s.data(), Len(s.size()));
}
std::string_view View(const Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// Runs `write` against the thread's reused buffer and copies the result into `out`: the buffer
// keeps its capacity across calls, so steady-state encoding does not grow memory piecemeal.
JsonBuffer& ThreadBuffer() {
  thread_local JsonBuffer buffer;
  return buffer;
}

template <typename Fn>
void Encode(std::string* out, Fn&& write) {
  JsonBuffer& buffer = ThreadBuffer();
  buffer.Clear();
  JsonWriter writer(buffer);
  write(writer);
  out->assign(buffer.GetString(), buffer.GetSize());
}

void WriteCondition(JsonWriter& w, const Condition& c) {
  if (c.expression.empty()) return;
  Key(w, "ConditionExpression");
  Str(w, c.expression);
  if (!c.names.empty()) {
    Key(w, "ExpressionAttributeNames");
    w.StartObject();
    for (const auto& [placeholder, name] : c.names) {
      Key(w, placeholder);
      Str(w, name);
    }
    w.EndObject();
  }
  if (!c.values.empty()) {
    Key(w, "ExpressionAttributeValues");
    WriteItem(w, c.values);
  }
}

Status Malformed(std::string_view what) {
  return Status::Corruption(fmt::format("malformed DynamoDB response: {}", what));
}

// Optional members: absent is fine, a wrong JSON type is not.
Status GetString(const Value& obj, const char* name, std::string* out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return Status::OK();
  if (!it->value.IsString()) return Malformed(fmt::format("{} is not a string", name));
  out->assign(View(it->value));
  return Status::OK();
}

Status GetInt(const Value& obj, const char* name, int64_t* out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return Status::OK();
  if (!it->value.IsInt64()) return Malformed(fmt::format("{} is not an integer", name));
  *out = it->value.GetInt64();
  return Status::OK();
}

Status GetDouble(const Value& obj, const char* name, double* out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return Status::OK();
  if (!it->value.IsNumber()) return Malformed(fmt::format("{} is not a number", name));
  *out = it->value.GetDouble();
  return Status::OK();
}

Result<const Value*> GetObject(const Value& obj, const char* name, bool required) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) {
    if (required) return Malformed(fmt::format("no {}", name));
    return static_cast<const Value*>(nullptr);
  }
  if (!it->value.IsObject()) return Malformed(fmt::format("{} is not an object", name));
  return &it->value;
}

Status ParseBody(std::string_view body, rapidjson::Document* doc) {
  DS_RETURN_IF_ERROR(ParseJsonDocument(body, doc).WithContext("DynamoDB response"));
  if (!doc->IsObject()) return Malformed("the body is not a JSON object");
  return Status::OK();
}

Status ParseWriteRequests(const Value& json, std::vector<TableWriteRequests>* out) {
  for (const auto& table : json.GetObject()) {
    if (!table.value.IsArray()) return Malformed("UnprocessedItems entry is not an array");
    TableWriteRequests t;
    t.table_name.assign(View(table.name));
    t.requests.reserve(table.value.Size());
    for (const Value& r : table.value.GetArray()) {
      if (!r.IsObject()) return Malformed("write request is not an object");
      if (auto put = r.FindMember("PutRequest"); put != r.MemberEnd()) {
        DS_ASSIGN_OR_RETURN(const Value* item, GetObject(put->value, "Item", true));
        DS_ASSIGN_OR_RETURN(Item parsed, ParseItem(*item));
        t.requests.push_back(WriteRequest::Put(std::move(parsed)));
      } else if (auto del = r.FindMember("DeleteRequest"); del != r.MemberEnd()) {
        DS_ASSIGN_OR_RETURN(const Value* key, GetObject(del->value, "Key", true));
        DS_ASSIGN_OR_RETURN(Item parsed, ParseItem(*key));
        t.requests.push_back(WriteRequest::Delete(std::move(parsed)));
      } else {
        return Malformed("write request is neither PutRequest nor DeleteRequest");
      }
    }
    out->push_back(std::move(t));
  }
  return Status::OK();
}

Result<TableDescription> ParseTable(const Value& t) {
  TableDescription d;
  DS_RETURN_IF_ERROR(GetString(t, "TableName", &d.table_name));
  DS_RETURN_IF_ERROR(GetString(t, "TableArn", &d.table_arn));
  DS_RETURN_IF_ERROR(GetString(t, "TableId", &d.table_id));
  DS_RETURN_IF_ERROR(GetString(t, "TableStatus", &d.table_status));
  DS_RETURN_IF_ERROR(GetInt(t, "ItemCount", &d.item_count));
  DS_RETURN_IF_ERROR(GetInt(t, "TableSizeBytes", &d.table_size_bytes));
  DS_RETURN_IF_ERROR(GetDouble(t, "CreationDateTime", &d.creation_date_time));
  if (auto it = t.FindMember("KeySchema"); it != t.MemberEnd()) {
    if (!it->value.IsArray()) return Malformed("KeySchema is not an array");
    for (const Value& k : it->value.GetArray()) {
      KeySchemaElement e;
      std::string type;
      if (!k.IsObject()) return Malformed("KeySchema element is not an object");
      DS_RETURN_IF_ERROR(GetString(k, "AttributeName", &e.attribute_name));
      DS_RETURN_IF_ERROR(GetString(k, "KeyType", &type));
      if (!ParseKeyType(type, &e.key_type)) return Malformed("unknown KeyType " + type);
      d.key_schema.push_back(std::move(e));
    }
  }
  if (auto it = t.FindMember("AttributeDefinitions"); it != t.MemberEnd()) {
    if (!it->value.IsArray()) return Malformed("AttributeDefinitions is not an array");
    for (const Value& a : it->value.GetArray()) {
      AttributeDefinition e;
      std::string type;
      if (!a.IsObject()) return Malformed("AttributeDefinitions element is not an object");
      DS_RETURN_IF_ERROR(GetString(a, "AttributeName", &e.attribute_name));
      DS_RETURN_IF_ERROR(GetString(a, "AttributeType", &type));
      if (!ParseScalarAttributeType(type, &e.attribute_type)) {
        return Malformed("unknown AttributeType " + type);
      }
      d.attribute_definitions.push_back(std::move(e));
    }
  }
  DS_ASSIGN_OR_RETURN(const Value* billing, GetObject(t, "BillingModeSummary", false));
  if (billing != nullptr) {
    std::string mode;
    DS_RETURN_IF_ERROR(GetString(*billing, "BillingMode", &mode));
    BillingMode parsed;
    if (!ParseBillingMode(mode, &parsed)) return Malformed("unknown BillingMode " + mode);
    d.billing_mode = parsed;
  }
  DS_ASSIGN_OR_RETURN(const Value* pt, GetObject(t, "ProvisionedThroughput", false));
  if (pt != nullptr) {
    DS_RETURN_IF_ERROR(
        GetInt(*pt, "ReadCapacityUnits", &d.provisioned_throughput.read_capacity_units));
    DS_RETURN_IF_ERROR(
        GetInt(*pt, "WriteCapacityUnits", &d.provisioned_throughput.write_capacity_units));
  }
  return d;
}

}  // namespace

void EncodeTableName(std::string_view table_name, std::string* out) {
  Encode(out, [&](JsonWriter& w) {
    w.StartObject();
    Key(w, "TableName");
    Str(w, table_name);
    w.EndObject();
  });
}

void EncodeCreateTable(const CreateTableRequest& r, std::string* out) {
  Encode(out, [&](JsonWriter& w) {
    w.StartObject();
    Key(w, "TableName");
    Str(w, r.table_name);
    Key(w, "KeySchema");
    w.StartArray();
    for (const auto& k : r.key_schema) {
      w.StartObject();
      Key(w, "AttributeName");
      Str(w, k.attribute_name);
      Key(w, "KeyType");
      Str(w, KeyTypeName(k.key_type));
      w.EndObject();
    }
    w.EndArray();
    Key(w, "AttributeDefinitions");
    w.StartArray();
    for (const auto& a : r.attribute_definitions) {
      w.StartObject();
      Key(w, "AttributeName");
      Str(w, a.attribute_name);
      Key(w, "AttributeType");
      Str(w, ScalarAttributeTypeName(a.attribute_type));
      w.EndObject();
    }
    w.EndArray();
    Key(w, "BillingMode");
    Str(w, BillingModeName(r.billing_mode));
    if (r.billing_mode == BillingMode::kProvisioned) {
      Key(w, "ProvisionedThroughput");
      w.StartObject();
      Key(w, "ReadCapacityUnits");
      w.Int64(r.provisioned_throughput.read_capacity_units);
      Key(w, "WriteCapacityUnits");
      w.Int64(r.provisioned_throughput.write_capacity_units);
      w.EndObject();
    }
    w.EndObject();
  });
}

void EncodeListTables(const ListTablesRequest& r, std::string* out) {
  Encode(out, [&](JsonWriter& w) {
    w.StartObject();
    if (!r.exclusive_start_table_name.empty()) {
      Key(w, "ExclusiveStartTableName");
      Str(w, r.exclusive_start_table_name);
    }
    if (r.limit > 0) {
      Key(w, "Limit");
      w.Int(r.limit);
    }
    w.EndObject();
  });
}

void EncodeBatchWriteItem(const BatchWriteItemRequest& r, std::string* out) {
  Encode(out, [&](JsonWriter& w) {
    w.StartObject();
    Key(w, "RequestItems");
    w.StartObject();
    for (const TableWriteRequests& t : r.tables) {
      Key(w, t.table_name);
      w.StartArray();
      for (const WriteRequest& req : t.requests) {
        w.StartObject();
        if (req.type == WriteRequest::Type::kPut) {
          Key(w, "PutRequest");
          w.StartObject();
          Key(w, "Item");
        } else {
          Key(w, "DeleteRequest");
          w.StartObject();
          Key(w, "Key");
        }
        WriteItem(w, req.item);
        w.EndObject();
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
    w.EndObject();
  });
}

void EncodePutItem(const PutItemRequest& r, std::string* out) {
  Encode(out, [&](JsonWriter& w) {
    w.StartObject();
    Key(w, "TableName");
    Str(w, r.table_name);
    Key(w, "Item");
    WriteItem(w, r.item);
    WriteCondition(w, r.condition);
    w.EndObject();
  });
}

void EncodeDeleteItem(const DeleteItemRequest& r, std::string* out) {
  Encode(out, [&](JsonWriter& w) {
    w.StartObject();
    Key(w, "TableName");
    Str(w, r.table_name);
    Key(w, "Key");
    WriteItem(w, r.key);
    WriteCondition(w, r.condition);
    w.EndObject();
  });
}

void EncodeGetItem(const GetItemRequest& r, std::string* out) {
  Encode(out, [&](JsonWriter& w) {
    w.StartObject();
    Key(w, "TableName");
    Str(w, r.table_name);
    Key(w, "Key");
    WriteItem(w, r.key);
    if (r.consistent_read) {
      Key(w, "ConsistentRead");
      w.Bool(true);
    }
    w.EndObject();
  });
}

void EncodeScan(const ScanRequest& r, std::string* out) {
  Encode(out, [&](JsonWriter& w) {
    w.StartObject();
    Key(w, "TableName");
    Str(w, r.table_name);
    if (r.limit > 0) {
      Key(w, "Limit");
      w.Int(r.limit);
    }
    if (r.exclusive_start_key) {
      Key(w, "ExclusiveStartKey");
      WriteItem(w, *r.exclusive_start_key);
    }
    if (r.consistent_read) {
      Key(w, "ConsistentRead");
      w.Bool(true);
    }
    if (r.total_segments > 0) {
      Key(w, "Segment");
      w.Int(r.segment);
      Key(w, "TotalSegments");
      w.Int(r.total_segments);
    }
    w.EndObject();
  });
}

Result<TableDescription> DecodeTableDescription(std::string_view body, const char* member) {
  rapidjson::Document doc;
  DS_RETURN_IF_ERROR(ParseBody(body, &doc));
  DS_ASSIGN_OR_RETURN(const Value* table, GetObject(doc, member, true));
  return ParseTable(*table);
}

Result<ListTablesResponse> DecodeListTables(std::string_view body) {
  rapidjson::Document doc;
  DS_RETURN_IF_ERROR(ParseBody(body, &doc));
  ListTablesResponse r;
  if (auto it = doc.FindMember("TableNames"); it != doc.MemberEnd()) {
    if (!it->value.IsArray()) return Malformed("TableNames is not an array");
    for (const Value& name : it->value.GetArray()) {
      if (!name.IsString()) return Malformed("TableNames element is not a string");
      r.table_names.emplace_back(View(name));
    }
  }
  DS_RETURN_IF_ERROR(GetString(doc, "LastEvaluatedTableName", &r.last_evaluated_table_name));
  return r;
}

Result<BatchWriteItemResponse> DecodeBatchWriteItem(std::string_view body) {
  BatchWriteItemResponse r;
  // The common answer of a healthy table; skipping the parse matters at tens of thousands of
  // calls per second.
  if (body == R"({"UnprocessedItems":{}})") return r;
  rapidjson::Document doc;
  DS_RETURN_IF_ERROR(ParseBody(body, &doc));
  DS_ASSIGN_OR_RETURN(const Value* unprocessed, GetObject(doc, "UnprocessedItems", false));
  if (unprocessed != nullptr) {
    DS_RETURN_IF_ERROR(ParseWriteRequests(*unprocessed, &r.unprocessed_items));
  }
  return r;
}

Result<GetItemResponse> DecodeGetItem(std::string_view body) {
  rapidjson::Document doc;
  DS_RETURN_IF_ERROR(ParseBody(body, &doc));
  GetItemResponse r;
  DS_ASSIGN_OR_RETURN(const Value* item, GetObject(doc, "Item", false));
  if (item != nullptr) {
    DS_ASSIGN_OR_RETURN(Item parsed, ParseItem(*item));
    r.item = std::move(parsed);
  }
  return r;
}

Result<ScanResponse> DecodeScan(std::string_view body) {
  rapidjson::Document doc;
  DS_RETURN_IF_ERROR(ParseBody(body, &doc));
  ScanResponse r;
  if (auto it = doc.FindMember("Items"); it != doc.MemberEnd()) {
    if (!it->value.IsArray()) return Malformed("Items is not an array");
    r.items.reserve(it->value.Size());
    for (const Value& item : it->value.GetArray()) {
      DS_ASSIGN_OR_RETURN(Item parsed, ParseItem(item));
      r.items.push_back(std::move(parsed));
    }
  }
  DS_ASSIGN_OR_RETURN(const Value* last, GetObject(doc, "LastEvaluatedKey", false));
  if (last != nullptr) {
    DS_ASSIGN_OR_RETURN(Item parsed, ParseItem(*last));
    r.last_evaluated_key = std::move(parsed);
  }
  DS_RETURN_IF_ERROR(GetInt(doc, "Count", &r.count));
  DS_RETURN_IF_ERROR(GetInt(doc, "ScannedCount", &r.scanned_count));
  return r;
}

void WriteTableDescription(JsonWriter& w, const TableDescription& t) {
  w.StartObject();
  Key(w, "TableName");
  Str(w, t.table_name);
  Key(w, "TableStatus");
  Str(w, t.table_status);
  Key(w, "KeySchema");
  w.StartArray();
  for (const auto& k : t.key_schema) {
    w.StartObject();
    Key(w, "AttributeName");
    Str(w, k.attribute_name);
    Key(w, "KeyType");
    Str(w, KeyTypeName(k.key_type));
    w.EndObject();
  }
  w.EndArray();
  Key(w, "AttributeDefinitions");
  w.StartArray();
  for (const auto& a : t.attribute_definitions) {
    w.StartObject();
    Key(w, "AttributeName");
    Str(w, a.attribute_name);
    Key(w, "AttributeType");
    Str(w, ScalarAttributeTypeName(a.attribute_type));
    w.EndObject();
  }
  w.EndArray();
  if (t.billing_mode) {
    Key(w, "BillingModeSummary");
    w.StartObject();
    Key(w, "BillingMode");
    Str(w, BillingModeName(*t.billing_mode));
    w.EndObject();
  }
  Key(w, "ProvisionedThroughput");
  w.StartObject();
  Key(w, "ReadCapacityUnits");
  w.Int64(t.provisioned_throughput.read_capacity_units);
  Key(w, "WriteCapacityUnits");
  w.Int64(t.provisioned_throughput.write_capacity_units);
  w.EndObject();
  Key(w, "ItemCount");
  w.Int64(t.item_count);
  Key(w, "TableSizeBytes");
  w.Int64(t.table_size_bytes);
  Key(w, "CreationDateTime");
  w.Double(t.creation_date_time);
  if (!t.table_arn.empty()) {
    Key(w, "TableArn");
    Str(w, t.table_arn);
  }
  w.EndObject();
}

}  // namespace dynasink::aws
