// ddbctl: a small command-line tool over dynasink's own DynamoDB client, printing JSON in the
// shape the AWS CLI prints, so the two can be compared side by side (scripts/demo).
//
//   ddbctl [--endpoint URL] [--region R] COMMAND [options]
//     list-tables
//     describe-table --table-name T
//     create-table   --table-name T --key NAME:S|N|B:HASH|RANGE ... [--wait]
//                    [--billing-mode PAY_PER_REQUEST | PROVISIONED --read N --write N]
//     delete-table   --table-name T [--wait]
//     put-item       --table-name T --item JSON
//     get-item       --table-name T --key JSON [--consistent-read]
//     delete-item    --table-name T --key JSON
//     scan           --table-name T [--limit N] [--consistent-read]   (all pages)
//
// JSON arguments and output use DynamoDB's form ({"year":{"N":"2020"}}). The region defaults to
// AWS_REGION, AWS_DEFAULT_REGION, then us-east-1. Credentials: the default chain (environment,
// profile, ...); with --endpoint and no AWS_ACCESS_KEY_ID in the environment, fixed dummy keys,
// which is what DynamoDB Local expects. Exit code 0 on success, 1 on a DynamoDB or connection
// error (printed on stderr), 2 on bad usage.
#include <rapidjson/prettywriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "aws/credentials_chain.h"
#include "aws/credentials_static.h"
#include "aws/dynamodb_client.h"
#include "aws/dynamodb_json.h"
#include "aws/dynamodb_protocol.h"

namespace dynasink::aws {
namespace {

constexpr char kUsage[] =
    "usage: ddbctl [--endpoint URL] [--region R] COMMAND [options]\n"
    "  list-tables\n"
    "  describe-table --table-name T\n"
    "  create-table   --table-name T --key NAME:S|N|B:HASH|RANGE ... [--wait]\n"
    "                 [--billing-mode PAY_PER_REQUEST | PROVISIONED --read N --write N]\n"
    "  delete-table   --table-name T [--wait]\n"
    "  put-item       --table-name T --item JSON\n"
    "  get-item       --table-name T --key JSON [--consistent-read]\n"
    "  delete-item    --table-name T --key JSON\n"
    "  scan           --table-name T [--limit N] [--consistent-read]\n";

struct Args {
  std::string command;
  std::map<std::string, std::string> values;  // --name value
  std::vector<std::string> keys;              // --key: repeated for create-table
  std::map<std::string, bool> flags;          // --wait, --consistent-read
};

int UsageError(const std::string& why) {
  std::fprintf(stderr, "ddbctl: %s\n%s", why.c_str(), kUsage);
  return 2;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "ddbctl: %s\n", status.ToString().c_str());
  return 1;
}

// Pretty-prints compact JSON with a 4-space indent, as the AWS CLI does.
void PrintJson(const std::string& compact) {
  rapidjson::Document doc;
  doc.Parse(compact.data(), compact.size());
  rapidjson::StringBuffer out;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pretty(out);
  pretty.SetIndent(' ', 4);
  doc.Accept(pretty);
  std::printf("%s\n", out.GetString());
}

template <typename Fn>
void PrintObject(Fn&& fill) {
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  fill(w);
  w.EndObject();
  PrintJson(std::string(buffer.GetString(), buffer.GetSize()));
}

Result<KeySchemaElement> ParseKeySpec(const std::string& spec, AttributeDefinition* def) {
  // NAME:TYPE:ROLE, split from the right so names may contain ':'.
  size_t second = spec.rfind(':');
  size_t first =
      second == std::string::npos || second == 0 ? std::string::npos : spec.rfind(':', second - 1);
  if (first == std::string::npos || first == 0) {
    return Status::InvalidArgument("--key must be NAME:S|N|B:HASH|RANGE, got '" + spec + "'");
  }
  KeySchemaElement key;
  key.attribute_name = spec.substr(0, first);
  def->attribute_name = key.attribute_name;
  if (!ParseScalarAttributeType(spec.substr(first + 1, second - first - 1), &def->attribute_type)) {
    return Status::InvalidArgument("key type must be S, N or B in '" + spec + "'");
  }
  if (!ParseKeyType(spec.substr(second + 1), &key.key_type)) {
    return Status::InvalidArgument("key role must be HASH or RANGE in '" + spec + "'");
  }
  return key;
}

int Run(DynamoDbClient& client, const Args& a) {
  auto need = [&](const char* name) -> const std::string* {
    auto it = a.values.find(name);
    return it == a.values.end() ? nullptr : &it->second;
  };
  static const char* const kCommands[] = {
      "list-tables", "describe-table", "create-table", "delete-table",
      "put-item",    "get-item",       "delete-item",  "scan"};
  if (std::find(std::begin(kCommands), std::end(kCommands), a.command) == std::end(kCommands)) {
    return UsageError("unknown command '" + a.command + "'");
  }
  const std::string* table = need("--table-name");
  const bool needs_table = a.command != "list-tables";
  if (needs_table && table == nullptr) return UsageError(a.command + " needs --table-name");

  if (a.command == "list-tables") {
    auto names = client.ListAllTables();
    if (!names.ok()) return Fail(names.status());
    PrintObject([&](JsonWriter& w) {
      w.Key("TableNames");
      w.StartArray();
      for (const auto& n : *names)
        w.String(n.data(), static_cast<rapidjson::SizeType>(n.size()));
      w.EndArray();
    });
    return 0;
  }
  if (a.command == "describe-table" || a.command == "create-table" || a.command == "delete-table") {
    DynamoDbResult<TableDescription> result = TableDescription{};
    const char* member = "TableDescription";
    if (a.command == "describe-table") {
      result = client.DescribeTable(*table);
      member = "Table";
    } else if (a.command == "create-table") {
      CreateTableRequest r;
      r.table_name = *table;
      if (a.keys.empty()) return UsageError("create-table needs at least one --key");
      for (const std::string& spec : a.keys) {
        AttributeDefinition def;
        auto key = ParseKeySpec(spec, &def);
        if (!key.ok()) return UsageError(key.status().message());
        r.key_schema.push_back(*key);
        r.attribute_definitions.push_back(def);
      }
      if (const std::string* mode = need("--billing-mode")) {
        if (!ParseBillingMode(*mode, &r.billing_mode)) {
          return UsageError("--billing-mode must be PAY_PER_REQUEST or PROVISIONED");
        }
      }
      if (r.billing_mode == BillingMode::kProvisioned) {
        const std::string* read = need("--read");
        const std::string* write = need("--write");
        if (read == nullptr || write == nullptr) {
          return UsageError("PROVISIONED billing needs --read and --write");
        }
        r.provisioned_throughput = {std::atoll(read->c_str()), std::atoll(write->c_str())};
      }
      result = client.CreateTable(r);
      if (result.ok() && a.flags.count("--wait")) {
        result = client.WaitForTableActive(*table, std::chrono::minutes(5));
      }
    } else {
      result = client.DeleteTable(*table);
      if (result.ok() && a.flags.count("--wait")) {
        auto gone = client.WaitForTableGone(*table, std::chrono::minutes(5));
        if (!gone.ok()) return Fail(gone.status());
      }
    }
    if (!result.ok()) return Fail(result.status());
    PrintObject([&](JsonWriter& w) {
      w.Key(member);
      WriteTableDescription(w, *result);
    });
    return 0;
  }
  if (a.command == "put-item") {
    const std::string* json = need("--item");
    if (json == nullptr) return UsageError("put-item needs --item JSON");
    auto item = ParseItemJson(*json);
    if (!item.ok()) return Fail(item.status().WithContext("--item"));
    PutItemRequest r;
    r.table_name = *table;
    r.item = std::move(item).value();
    auto result = client.PutItem(r);
    return result.ok() ? 0 : Fail(result.status());
  }
  if (a.command == "get-item" || a.command == "delete-item") {
    if (a.keys.size() != 1) return UsageError(a.command + " needs one --key JSON");
    const std::string* json = &a.keys.front();
    auto key = ParseItemJson(*json);
    if (!key.ok()) return Fail(key.status().WithContext("--key"));
    if (a.command == "delete-item") {
      DeleteItemRequest r;
      r.table_name = *table;
      r.key = std::move(key).value();
      auto result = client.DeleteItem(r);
      return result.ok() ? 0 : Fail(result.status());
    }
    GetItemRequest r;
    r.table_name = *table;
    r.key = std::move(key).value();
    r.consistent_read = a.flags.count("--consistent-read") > 0;
    auto result = client.GetItem(r);
    if (!result.ok()) return Fail(result.status());
    PrintObject([&](JsonWriter& w) {
      if (result->item) {
        w.Key("Item");
        WriteItem(w, *result->item);
      }
    });
    return 0;
  }
  if (a.command == "scan") {
    ScanRequest r;
    r.table_name = *table;
    r.consistent_read = a.flags.count("--consistent-read") > 0;
    if (const std::string* limit = need("--limit")) r.limit = std::atoi(limit->c_str());
    auto result = client.ScanAll(r);
    if (!result.ok()) return Fail(result.status());
    PrintObject([&](JsonWriter& w) {
      w.Key("Items");
      w.StartArray();
      for (const Item& item : result->items)
        WriteItem(w, item);
      w.EndArray();
      w.Key("Count");
      w.Int64(result->count);
      w.Key("ScannedCount");
      w.Int64(result->scanned_count);
    });
    return 0;
  }
  return UsageError("unknown command '" + a.command + "'");
}

int Main(int argc, char** argv) {
  std::string endpoint, region;
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s", kUsage);
      return 0;
    }
    if (arg == "--wait" || arg == "--consistent-read") {
      a.flags[arg] = true;
      continue;
    }
    if (arg.rfind("--", 0) == 0) {
      if (i + 1 >= argc) return UsageError(arg + " needs a value");
      std::string value = argv[++i];
      if (arg == "--endpoint" || arg == "--endpoint-url") {
        endpoint = value;
      } else if (arg == "--region") {
        region = value;
      } else if (arg == "--key") {
        a.keys.push_back(value);
      } else {
        a.values[arg] = value;
      }
      continue;
    }
    if (!a.command.empty()) return UsageError("unexpected argument '" + arg + "'");
    a.command = arg;
  }
  if (a.command.empty()) return UsageError("no command");
  for (const char* var : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* v = std::getenv(var);
    if (region.empty() && v != nullptr) region = v;
  }
  if (region.empty()) region = "us-east-1";

  DynamoDbClientOptions options;
  options.region = region;
  options.endpoint_url = endpoint;
  if (!endpoint.empty() && std::getenv("AWS_ACCESS_KEY_ID") == nullptr) {
    options.credentials = std::make_shared<StaticCredentialsProvider>(
        Credentials{"ddbctlLocalKeyId", "ddbctlLocalSecretKey", "", std::nullopt}, "ddbctl-local");
  } else {
    options.credentials = std::make_shared<DefaultCredentialsChain>();
  }
  auto client = DynamoDbClient::Create(std::move(options));
  if (!client.ok()) return Fail(client.status());
  return Run(**client, a);
}

}  // namespace
}  // namespace dynasink::aws

int main(int argc, char** argv) {
  return dynasink::aws::Main(argc, argv);
}
