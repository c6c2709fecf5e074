// The shared payload of a non-null Jsonb (internal to src/types).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "types/jsonb.h"

namespace dynasink::types {

struct Jsonb::Node {
  // The alternative's index + 1 is the Kind (kNull has no node).
  std::variant<bool, Decimal, std::string, std::vector<Jsonb>, std::vector<Member>> value;
};

}  // namespace dynasink::types
