// DynamoDB's JSON wire form of AttributeValue and items, over RapidJSON.
//
// Writing is the hot path of the sink (every BatchWriteItem body), so it streams straight into a
// rapidjson::Writer with no DOM and no intermediate strings; B values are base64-encoded into a
// per-thread scratch buffer and written raw. Parsing works on a rapidjson DOM value, as the
// responses that carry items (GetItem, Scan, UnprocessedItems) are parsed once each.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "aws/attribute_value.h"
#include "common/result.h"

namespace dynasink::aws {

using JsonBuffer = rapidjson::StringBuffer;
using JsonWriter = rapidjson::Writer<JsonBuffer>;

// Standard base64 (RFC 4648, '+' and '/', with '=' padding), appended to `out`.
void Base64Encode(std::string_view bytes, std::string* out);
inline std::string Base64Encode(std::string_view bytes) {
  std::string out;
  Base64Encode(bytes, &out);
  return out;
}
// Decodes standard base64; padding is optional. False on any other character or a bad length.
bool Base64Decode(std::string_view text, std::string* out);

// {"S":"..."}, {"N":"..."}, {"B":"<base64>"}, {"BOOL":true}, {"NULL":true}, {"M":{...}},
// {"L":[...]}, {"SS":[...]}, {"NS":[...]}, {"BS":[...]}.
void WriteAttributeValue(JsonWriter& writer, const AttributeValue& value);
// {"name":<value>,...}
void WriteItem(JsonWriter& writer, const AttributeMap& item);

// The inverse. Errors are Status::Corruption naming the attribute path, e.g.
// "attribute 'tags[2]': B value is not valid base64".
Result<AttributeValue> ParseAttributeValue(const rapidjson::Value& json);
Result<AttributeMap> ParseItem(const rapidjson::Value& json);
// Parses JSON text holding one item in DynamoDB's form, e.g. {"year":{"N":"2020"}}.
Result<AttributeMap> ParseItemJson(std::string_view text);

// Parses `text` into `doc`; Corruption with RapidJSON's reason and offset on malformed input.
Status ParseJsonDocument(std::string_view text, rapidjson::Document* doc);

}  // namespace dynasink::aws
