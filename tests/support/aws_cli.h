// AwsCli: runs the AWS CLI (/usr/bin/aws, Debian's awscli) against an endpoint and parses its
// JSON output: an independent check, through botocore, of what dynasink wrote.
//
//   AwsCli cli(ddb->endpoint());
//   auto out = cli.Run({"dynamodb", "scan", "--table-name", "Movies"});
//   ASSERT_TRUE(out.ok()) << out.status().ToString();
//   (*out)["Count"].GetInt();
//
// Always /usr/bin/aws: the `aws` on PATH may be another build (pyenv) with other behaviour.
// The CLI runs with a fixed environment: dummy keys (DynamoDB Local with -sharedDb ignores them),
// the given region, no pager, no config or credentials files, no instance metadata lookups, so
// the developer's own AWS setup can never leak in or be used. Each run has a timeout.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/attribute_value.h"
#include "aws/dynamodb_json.h"
#include "common/result.h"

namespace dynasink::test {

struct CommandOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] an absolute path) with exactly `env`, capturing stdout and stderr.
// Kills it and returns Timeout after `timeout`.
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 const std::vector<std::string>& env,
                                 std::chrono::milliseconds timeout);

class AwsCli {
 public:
  static constexpr const char* kPath = "/usr/bin/aws";

  explicit AwsCli(std::string endpoint_url, std::string region = "us-east-1");

  // Runs `aws <args> --endpoint-url URL --region R --output json` and parses stdout (an empty
  // output, as from delete-item, gives a null document). A non-zero exit is an error carrying the
  // CLI's stderr.
  Result<rapidjson::Document> Run(const std::vector<std::string>& args,
                                  std::chrono::seconds timeout = std::chrono::seconds(120)) const;

  // The CLI's own view of a table's items, through `aws dynamodb scan` (which follows pages),
  // parsed from the CLI's DynamoDB JSON.
  Result<std::vector<aws::Item>> ScanItems(const std::string& table) const;

  const std::string& endpoint() const { return endpoint_; }

 private:
  std::string endpoint_;
  std::string region_;
};

inline Result<std::vector<aws::Item>> AwsCli::ScanItems(const std::string& table) const {
  DS_ASSIGN_OR_RETURN(rapidjson::Document doc, Run({"dynamodb", "scan", "--table-name", table}));
  if (!doc.IsObject() || !doc.HasMember("Items") || !doc["Items"].IsArray()) {
    return Status::Corruption("aws dynamodb scan printed no Items array");
  }
  std::vector<aws::Item> items;
  for (const auto& item : doc["Items"].GetArray()) {
    DS_ASSIGN_OR_RETURN(aws::Item parsed, aws::ParseItem(item));
    items.push_back(std::move(parsed));
  }
  return items;
}

}  // namespace dynasink::test
