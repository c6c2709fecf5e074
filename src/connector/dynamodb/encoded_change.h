// EncodedChange: one change, encoded once into the exact JSON that BatchWriteItem sends.
//
// The encoder writes a change straight from its Values into one buffer: the WriteRequest's JSON
// ({"PutRequest":{"Item":{...}}} or {"DeleteRequest":{"Key":{...}}}) followed by the change's
// canonical key (key attributes in a form where equal keys give equal bytes, e.g. numbers
// normalised). A BatchWriteItem body is then the concatenation of these fragments, so retries
// and splits never encode again, and no AttributeValue tree is ever built on the hot path.
//
// Objects are recycled by the sink (the buffer keeps its capacity), so a steady stream of
// changes allocates almost nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "connector/sink.h"

namespace dynasink::connector::dynamodb {

struct EncodedChange {
  std::string buf;  // [0, json_len): the WriteRequest JSON; then the canonical key
  uint32_t json_len = 0;
  uint32_t item_size = 0;  // by DynamoDB's size rule
  uint64_t key_hash = 0;   // hash of the canonical key
  ChangeOp op = ChangeOp::kUpsert;
  uint64_t seq = 0;
  uint64_t ticket = 0;  // position in the sink's acknowledgement ledger
  size_t charged = 0;   // bytes charged against the sink's buffer budget when accepted
  // Set when the change cannot be sent (a value DynamoDB refuses); then `buf` holds the item's
  // JSON as far as it could be written, for the error table, and no canonical key.
  std::unique_ptr<SinkRejection> rejection;

  std::string_view json() const { return std::string_view(buf.data(), json_len); }
  std::string_view key() const {
    return std::string_view(buf.data() + json_len, buf.size() - json_len);
  }
  // Bytes this change holds, for the sink's memory budget.
  size_t charge() const { return sizeof(EncodedChange) + buf.capacity(); }

  void Reset() {
    buf.clear();
    json_len = 0;
    item_size = 0;
    key_hash = 0;
    op = ChangeOp::kUpsert;
    seq = 0;
    ticket = 0;
    charged = 0;
    rejection.reset();
  }
};

// The item (for a put) or key (for a delete) inside a WriteRequest's JSON, e.g.
// {"year":{"N":"2020"}} out of {"PutRequest":{"Item":{"year":{"N":"2020"}}}}.
std::string_view ItemJsonOf(std::string_view write_request_json);

}  // namespace dynasink::connector::dynamodb
