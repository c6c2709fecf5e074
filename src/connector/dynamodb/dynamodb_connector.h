// DynamoDbConnector: the "dynamodb" SinkConnector (connector/connector.h). The runtime reaches it
// through FindSinkConnector("dynamodb"); nothing outside this folder needs the DynamoDB headers.
#pragma once

#include "connector/connector.h"

namespace dynasink::connector::dynamodb {

class DynamoDbConnector final : public SinkConnector {
 public:
  std::string_view name() const override { return "dynamodb"; }
  std::vector<std::string_view> option_names() const override;
  bool IsSecretOption(std::string_view option) const override;
  std::vector<std::string_view> tunable_options() const override;
  std::vector<std::string_view> credential_options() const override;
  std::string_view MainOptionName(std::string_view option) const override;
  Status CheckOptions(const SinkOptionList& options,
                      std::vector<std::string>* notices) const override;
  Status CheckSchema(const SinkOptionList& options, const SinkSchema& schema) const override;
  Result<std::vector<int>> KeyColumns(const SinkOptionList& options,
                                      const SinkSchema& schema) const override;
  Result<std::unique_ptr<Sink>> Open(const SinkOptionList& options,
                                     SinkContext context) const override;
};

}  // namespace dynasink::connector::dynamodb
