#include "aws/dynamodb_model.h"

namespace dynasink::aws {

std::string_view KeyTypeName(KeyType type) {
  return type == KeyType::kHash ? "HASH" : "RANGE";
}

std::string_view ScalarAttributeTypeName(ScalarAttributeType type) {
  switch (type) {
    case ScalarAttributeType::kS:
      return "S";
    case ScalarAttributeType::kN:
      return "N";
    case ScalarAttributeType::kB:
      return "B";
  }
  return "?";
}

std::string_view BillingModeName(BillingMode mode) {
  return mode == BillingMode::kPayPerRequest ? "PAY_PER_REQUEST" : "PROVISIONED";
}

bool ParseKeyType(std::string_view name, KeyType* out) {
  if (name == "HASH") {
    *out = KeyType::kHash;
  } else if (name == "RANGE") {
    *out = KeyType::kRange;
  } else {
    return false;
  }
  return true;
}

bool ParseScalarAttributeType(std::string_view name, ScalarAttributeType* out) {
  if (name == "S") {
    *out = ScalarAttributeType::kS;
  } else if (name == "N") {
    *out = ScalarAttributeType::kN;
  } else if (name == "B") {
    *out = ScalarAttributeType::kB;
  } else {
    return false;
  }
  return true;
}

bool ParseBillingMode(std::string_view name, BillingMode* out) {
  if (name == "PAY_PER_REQUEST") {
    *out = BillingMode::kPayPerRequest;
  } else if (name == "PROVISIONED") {
    *out = BillingMode::kProvisioned;
  } else {
    return false;
  }
  return true;
}

std::string TableDescription::hash_key() const {
  for (const auto& k : key_schema) {
    if (k.key_type == KeyType::kHash) return k.attribute_name;
  }
  return {};
}

std::string TableDescription::range_key() const {
  for (const auto& k : key_schema) {
    if (k.key_type == KeyType::kRange) return k.attribute_name;
  }
  return {};
}

size_t BatchWriteItemResponse::unprocessed_count() const {
  size_t n = 0;
  for (const auto& t : unprocessed_items)
    n += t.requests.size();
  return n;
}

}  // namespace dynasink::aws
