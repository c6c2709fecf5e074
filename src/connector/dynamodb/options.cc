#include "connector/dynamodb/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "aws/endpoint.h"
#include "aws/region.h"
#include "common/redact.h"

namespace dynasink::connector::dynamodb {

namespace {

// An option and its aliases; the first name is the main one.
struct OptionSpec {
  std::vector<std::string_view> names;
};

enum Opt : int {
  kTable,
  kPrimaryKey,
  kRegion,
  kEndpoint,
  kAccessKey,
  kSecretKey,
  kSessionToken,
  kRoleArn,
  kExternalId,
  kProfile,
  kMaxBatchRows,
  kMaxBatchItemNums,
  kMaxFutureSendNums,
  kRetryTimes,
  kRetryBackoffMs,
  kOptCount,
};

const std::vector<OptionSpec>& Specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {{"table", "dynamodb.table"}},
      {{"primary_key"}},
      {{"aws.region", "region"}},
      {{"aws.endpoint_url", "endpoint_url", "endpoint"}},
      {{"aws.credentials.access_key_id", "access_key"}},
      {{"aws.credentials.secret_access_key", "secret_key"}},
      {{"aws.credentials.session_token", "session_token"}},
      {{"aws.credentials.role.arn", "arn"}},
      {{"aws.credentials.role.external_id", "external_id"}},
      {{"aws.profile", "profile"}},
      {{"dynamodb.max_batch_rows"}},
      {{"dynamodb.max_batch_item_nums"}},
      {{"dynamodb.max_future_send_nums"}},
      {{"dynamodb.batch_write_retry_times"}},
      {{"dynamodb.batch_write_retry_backoff_ms"}},
  };
  return kSpecs;
}

int SpecIndex(std::string_view name) {
  const auto& specs = Specs();
  for (size_t i = 0; i < specs.size(); ++i) {
    for (std::string_view n : specs[i].names) {
      if (n == name) return static_cast<int>(i);
    }
  }
  return -1;
}

// The value of `name` as given by the user: a plain decimal integer in [lo, hi].
Result<int> ParseIntOption(std::string_view name, std::string_view value, int lo, int hi,
                           std::string_view why) {
  int parsed = 0;
  const char* begin = value.data();
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(begin, end, parsed);
  bool is_int = !value.empty() && ec == std::errc() && ptr == end && value[0] != '-';
  if (ec == std::errc::result_out_of_range || (is_int && (parsed < lo || parsed > hi))) {
    return Status::InvalidArgument(
        fmt::format("{} must be between {} and {}{}, not {}", name, lo, hi, why, value));
  }
  if (!is_int) {
    return Status::InvalidArgument(
        fmt::format("{} must be an integer between {} and {}, not '{}'", name, lo, hi, value));
  }
  return parsed;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

}  // namespace

const std::vector<std::string_view>& DynamoDbOptionNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const auto& spec : Specs())
      names.insert(names.end(), spec.names.begin(), spec.names.end());
    return names;
  }();
  return kNames;
}

std::string_view DynamoDbMainOptionName(std::string_view option) {
  int i = SpecIndex(option);
  return i < 0 ? option : Specs()[i].names[0];
}

bool IsDynamoDbSecretOption(std::string_view option) {
  int i = SpecIndex(option);
  return i == kAccessKey || i == kSecretKey || i == kSessionToken;
}

std::vector<std::string> ParsePrimaryKeyList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view part = Trim(text.substr(start, comma - start));
    if (!part.empty()) out.emplace_back(part);
    start = comma + 1;
  }
  return out;
}

Result<DynamoDbSinkOptions> ParseDynamoDbOptions(const SinkOptionList& options,
                                                 std::vector<std::string>* notices) {
  // Which name set each option, so that an option and its alias together are refused.
  std::vector<const std::pair<std::string, std::string>*> given(kOptCount, nullptr);
  for (const auto& option : options) {
    int i = SpecIndex(option.first);
    if (i < 0) {
      return UnknownOptionError(option.first, "dynamodb", DynamoDbOptionNames());
    }
    if (given[i] != nullptr) {
      return Status::InvalidArgument(
          fmt::format("options \"{}\" and \"{}\" are the same option (\"{}\"); give it once",
                      given[i]->first, option.first, Specs()[i].names[0]));
    }
    given[i] = &option;
  }
  auto value = [&](int i) -> std::optional<std::string_view> {
    if (given[i] == nullptr) return std::nullopt;
    return std::string_view(given[i]->second);
  };
  // Secrets first: whatever fails below, nothing may echo them.
  for (int i : {kSecretKey, kSessionToken}) {
    if (auto v = value(i)) RegisterSecret(*v);
  }

  DynamoDbSinkOptions out;
  if (auto v = value(kTable); v && !Trim(*v).empty()) {
    out.table = std::string(*v);
  } else {
    return Status::InvalidArgument(
        "option \"table\" is required for sink connector dynamodb: the name of the DynamoDB "
        "table to write to, e.g. table = 'Movies'");
  }
  if (auto v = value(kPrimaryKey)) out.primary_key = ParsePrimaryKeyList(*v);
  if (out.primary_key.empty()) {
    return Status::InvalidArgument(
        "option \"primary_key\" is required for sink connector dynamodb: the sink columns that "
        "form the DynamoDB table's key, separated by ',', e.g. primary_key = 'year,title'");
  }
  for (size_t i = 0; i < out.primary_key.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (out.primary_key[i] == out.primary_key[j]) {
        return Status::InvalidArgument(fmt::format(
            "primary_key names column {} twice; a DynamoDB key has one partition key and at "
            "most one sort key",
            out.primary_key[i]));
      }
    }
  }

  // Credentials (COMPATIBILITY.md section 2). MakeCredentialsProvider checks them again; the
  // messages here name our options.
  auto& creds = out.credentials;
  if (auto v = value(kAccessKey)) creds.access_key_id = std::string(*v);
  if (auto v = value(kSecretKey)) creds.secret_access_key = std::string(*v);
  if (auto v = value(kSessionToken)) creds.session_token = std::string(*v);
  if (auto v = value(kRoleArn)) creds.role_arn = std::string(*v);
  if (auto v = value(kExternalId)) creds.external_id = std::string(*v);
  if (auto v = value(kProfile)) creds.profile = std::string(*v);
  if (creds.access_key_id.empty() != creds.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "aws.credentials.access_key_id and aws.credentials.secret_access_key must be given "
        "together (or neither, to use the AWS default credentials chain)");
  }
  if (!creds.session_token.empty() && creds.access_key_id.empty()) {
    return Status::InvalidArgument(
        "aws.credentials.session_token needs aws.credentials.access_key_id and "
        "aws.credentials.secret_access_key (it belongs to temporary keys)");
  }
  if (!creds.external_id.empty() && creds.role_arn.empty()) {
    return Status::InvalidArgument(
        "aws.credentials.role.external_id needs aws.credentials.role.arn (the role to assume)");
  }

  // Region: explicit, else the default chain (environment, then the profile's config).
  std::string_view explicit_region = value(kRegion).value_or("");
  if (!explicit_region.empty()) {
    Status valid = aws::ValidateRegion(explicit_region);
    if (!valid.ok()) {
      return Status::InvalidArgument(fmt::format("aws.region '{}' is not a region name: {}",
                                                 explicit_region, valid.message()));
    }
    out.region = std::string(explicit_region);
    out.region_source = "aws.region";
  } else {
    auto resolved = aws::ResolveRegion("", creds.profile);
    if (!resolved.ok()) {
      return Status::InvalidArgument(fmt::format(
          "option \"aws.region\" is required for sink connector dynamodb, as no default region "
          "was found ({}); e.g. aws.region = 'us-east-1'",
          resolved.status().message()));
    }
    out.region = resolved->region;
    out.region_source = resolved->source;
  }
  creds.region = out.region;

  if (auto v = value(kEndpoint); v && !v->empty()) {
    auto endpoint = aws::ParseEndpointUrl(*v);
    if (!endpoint.ok()) {
      return Status::InvalidArgument(
          fmt::format("aws.endpoint_url: {}", endpoint.status().message()));
    }
    out.endpoint_url = std::string(*v);
  }

  if (auto v = value(kMaxBatchRows)) {
    DS_RETURN_IF_ERROR(ParseIntOption("dynamodb.max_batch_rows", *v, 1, INT32_MAX, "").status());
    if (notices != nullptr) {
      notices->push_back(
          "dynamodb.max_batch_rows is deprecated and ignored: each BatchWriteItem call carries "
          "at most dynamodb.max_batch_item_nums items (25 by default)");
    }
  }
  if (auto v = value(kMaxBatchItemNums)) {
    DS_ASSIGN_OR_RETURN(
        out.max_batch_item_nums,
        ParseIntOption("dynamodb.max_batch_item_nums", *v, 1, 25,
                       " (DynamoDB accepts at most 25 requests per BatchWriteItem)"));
  }
  if (auto v = value(kMaxFutureSendNums)) {
    DS_ASSIGN_OR_RETURN(out.max_future_send_nums,
                        ParseIntOption("dynamodb.max_future_send_nums", *v, 1, 256,
                                       " (BatchWriteItem calls in flight at once)"));
  }
  if (auto v = value(kRetryTimes)) {
    DS_ASSIGN_OR_RETURN(out.batch_write_retry_times,
                        ParseIntOption("dynamodb.batch_write_retry_times", *v, 0, 1000, ""));
  }
  if (auto v = value(kRetryBackoffMs)) {
    DS_ASSIGN_OR_RETURN(out.batch_write_retry_backoff_ms,
                        ParseIntOption("dynamodb.batch_write_retry_backoff_ms", *v, 1, 2000,
                                       " (milliseconds; backoffs are capped at 2 s)"));
  }
  return out;
}

}  // namespace dynasink::connector::dynamodb
