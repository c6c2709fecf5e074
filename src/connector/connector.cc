#include "connector/connector.h"

#include <algorithm>
#include <cctype>

#include "connector/dynamodb/dynamodb_connector.h"

namespace dynasink::connector {

namespace {

// Every connector, by name. A new connector is one line here.
const std::vector<const SinkConnector*>& Connectors() {
  static const auto* kConnectors = new std::vector<const SinkConnector*>{
      new dynamodb::DynamoDbConnector(),
  };
  return *kConnectors;
}

}  // namespace

int SinkSchema::Find(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const SinkConnector* FindSinkConnector(std::string_view name) {
  for (const SinkConnector* c : Connectors()) {
    std::string_view n = c->name();
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return c;
    }
  }
  return nullptr;
}

std::vector<std::string_view> SinkConnectorNames() {
  std::vector<std::string_view> names;
  for (const SinkConnector* c : Connectors())
    names.push_back(c->name());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace dynasink::connector
