#include "connector/sink_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "connector/connector.h"

namespace dynasink::connector {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const std::vector<std::string_view>& GenericOptionNames() {
  static const std::vector<std::string_view> kNames = {
      kConnectorOption, kTypeOption, kForceAppendOnlyOption, kSnapshotOption, kErrorPolicyOption};
  return kNames;
}

bool IsGenericOption(std::string_view name) {
  const auto& names = GenericOptionNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The secrets of the AWS options every AWS connector shares (COMPATIBILITY.md section 2), so
// that even a definition naming an unknown connector never shows them.
bool IsAwsSecretOption(std::string_view option) {
  return option == "aws.credentials.access_key_id" || option == "access_key" ||
         option == "aws.credentials.secret_access_key" || option == "secret_key" ||
         option == "aws.credentials.session_token" || option == "session_token";
}

enum class UserType { kNone, kUpsert, kAppendOnly };

}  // namespace

std::string_view SinkTypeName(SinkType type) {
  switch (type) {
    case SinkType::kUpsert:
      return "UPSERT";
    case SinkType::kAppendOnly:
      return "APPEND_ONLY";
    case SinkType::kForceAppendOnly:
      return "FORCE_APPEND_ONLY";
  }
  return "UPSERT";
}

std::string_view ErrorPolicyName(ErrorPolicy policy) {
  return policy == ErrorPolicy::kPause ? "pause" : "error_table";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic programme suffice for optimal string alignment.
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string_view NearestName(std::string_view name,
                             const std::vector<std::string_view>& candidates) {
  std::string lowered = Lower(name);
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view c : candidates) {
    // Case differences are typos too ("Table" for "table"), so compare lower-cased.
    size_t d = EditDistance(lowered, Lower(c));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Close enough to be a typo: a third of the name, and at least 2 edits for short names.
  size_t limit = std::max<size_t>(2, name.size() / 3);
  return best_distance <= limit ? best : std::string_view();
}

Status UnknownOptionError(std::string_view option, std::string_view connector,
                          const std::vector<std::string_view>& candidates) {
  std::string_view nearest = NearestName(option, candidates);
  if (!nearest.empty()) {
    return Status::InvalidArgument(
        fmt::format("unknown option \"{}\" for sink connector {}; did you mean \"{}\"?", option,
                    connector, nearest));
  }
  return Status::InvalidArgument(fmt::format(
      "unknown option \"{}\" for sink connector {}; see docs/sinks/{}.md for the options", option,
      connector, connector));
}

Result<bool> ParseBoolOption(std::string_view name, std::string_view value) {
  if (EqualsIgnoreCase(value, "true")) return true;
  if (EqualsIgnoreCase(value, "false")) return false;
  return Status::InvalidArgument(fmt::format("`{}` must be true or false", name));
}

Result<ParsedSinkOptions> ParseSinkOptions(const SinkOptionList& with_options,
                                           const std::optional<FormatEncodeClause>& format_encode,
                                           const SinkSource& source) {
  ParsedSinkOptions out;
  const std::string* connector_name = nullptr;
  const std::string* type_value = nullptr;
  const std::string* force_value = nullptr;
  const std::string* snapshot_value = nullptr;
  const std::string* policy_value = nullptr;

  // Same key twice: refuse rather than guess which one the user meant.
  for (size_t i = 0; i < with_options.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (with_options[i].first == with_options[j].first) {
        return Status::InvalidArgument(
            fmt::format("option \"{}\" is given twice", with_options[i].first));
      }
    }
  }
  for (const auto& [key, value] : with_options) {
    if (key == kConnectorOption) {
      connector_name = &value;
    } else if (key == kTypeOption) {
      type_value = &value;
    } else if (key == kForceAppendOnlyOption) {
      force_value = &value;
    } else if (key == kSnapshotOption) {
      snapshot_value = &value;
    } else if (key == kErrorPolicyOption) {
      policy_value = &value;
    }
  }

  if (connector_name == nullptr) {
    return Status::InvalidArgument("connector not specified when create sink");
  }
  const SinkConnector* connector = FindSinkConnector(*connector_name);
  if (connector == nullptr) {
    std::vector<std::string_view> names = SinkConnectorNames();
    std::string_view nearest = NearestName(*connector_name, names);
    std::string hint = nearest.empty() ? fmt::format("supported: {}", fmt::join(names, ", "))
                                       : fmt::format("did you mean '{}'?", nearest);
    return Status::InvalidArgument(
        fmt::format("unsupported sink connector '{}'; {}", *connector_name, hint));
  }
  out.generic.connector = std::string(connector->name());

  // Unknown names first, so that a typo is reported as such and not as a missing option.
  std::vector<std::string_view> connector_names = connector->option_names();
  std::vector<std::string_view> all_names = GenericOptionNames();
  all_names.insert(all_names.end(), connector_names.begin(), connector_names.end());
  for (const auto& [key, value] : with_options) {
    if (IsGenericOption(key)) continue;
    if (std::find(connector_names.begin(), connector_names.end(), key) == connector_names.end()) {
      return UnknownOptionError(key, connector->name(), all_names);
    }
    out.connector_options.emplace_back(key, value);
  }

  // FORMAT ... ENCODE ...
  UserType user_type = UserType::kNone;
  bool format_given = format_encode.has_value();
  if (format_given) {
    const std::string format = Lower(format_encode->format);
    const std::string encode = Lower(format_encode->encode);
    if (format == "upsert" && encode == "json") {
      user_type = UserType::kUpsert;
    } else if (format == "plain" && encode == "json") {
      user_type = UserType::kAppendOnly;
    } else {
      return Status::InvalidArgument(fmt::format(
          "FORMAT {} ENCODE {} is not supported by sink connector {}; accepted: FORMAT UPSERT "
          "ENCODE JSON (the default, upsert) or FORMAT PLAIN ENCODE JSON (append-only), or no "
          "FORMAT clause",
          format_encode->format, format_encode->encode, connector->name()));
    }
    for (const auto& [key, value] : format_encode->options) {
      if (key != kForceAppendOnlyOption) {
        std::string_view nearest = NearestName(key, {kForceAppendOnlyOption});
        return Status::InvalidArgument(
            fmt::format("unknown FORMAT ENCODE option \"{}\"; the only one accepted is \"{}\"{}",
                        key, kForceAppendOnlyOption, nearest.empty() ? "" : " (did you mean it?)"));
      }
      if (force_value != nullptr && !EqualsIgnoreCase(*force_value, value)) {
        return Status::InvalidArgument(
            "force_append_only is given in both WITH and FORMAT ENCODE options with different "
            "values; give it once");
      }
      force_value = &value;
    }
  }
  if (type_value != nullptr) {
    UserType from_with;
    if (*type_value == "append-only") {
      from_with = UserType::kAppendOnly;
    } else if (*type_value == "upsert") {
      from_with = UserType::kUpsert;
    } else {
      return Status::InvalidArgument("`type` must be append-only or upsert");
    }
    if (format_given && from_with != user_type) {
      return Status::InvalidArgument(
          fmt::format("type = '{}' contradicts FORMAT {}; remove one of them", *type_value,
                      format_encode->format));
    }
    user_type = from_with;
  }

  bool force = false;
  if (force_value != nullptr) {
    DS_ASSIGN_OR_RETURN(force, ParseBoolOption(kForceAppendOnlyOption, *force_value));
  }
  // RisingWave's derivation of the sink type, with its messages (the FORMAT form names the
  // FORMAT clause instead of the WITH option).
  if (force && user_type != UserType::kNone && user_type != UserType::kAppendOnly) {
    return Status::InvalidArgument(
        "The force_append_only can be only used for type = 'append-only'");
  }
  if (force && source.input_append_only) force = false;  // already append-only: nothing to force
  if (force && user_type != UserType::kAppendOnly) {
    return Status::InvalidArgument(
        fmt::format("Cannot force the sink to be append-only without \"{}\".",
                    format_given ? "FORMAT PLAIN" : "type='append-only'"));
  }
  if (user_type == UserType::kAppendOnly) {
    if (force) {
      out.generic.type = SinkType::kForceAppendOnly;
    } else if (!source.input_append_only) {
      return Status::InvalidArgument(fmt::format(
          "The sink cannot be append-only. Please add \"force_append_only='true'\" in {} options "
          "to force the sink to be append-only. Notice that this will cause the sink executor to "
          "drop DELETE messages and convert UPDATE messages to INSERT.",
          format_given ? "FORMAT ENCODE" : "WITH"));
    } else {
      out.generic.type = SinkType::kAppendOnly;
    }
  } else if (user_type == UserType::kUpsert) {
    out.generic.type = SinkType::kUpsert;
  } else {
    out.generic.type = source.input_append_only ? SinkType::kAppendOnly : SinkType::kUpsert;
  }

  if (snapshot_value != nullptr) {
    DS_ASSIGN_OR_RETURN(out.generic.snapshot, ParseBoolOption(kSnapshotOption, *snapshot_value));
    if (!out.generic.snapshot && !source.from_relation) {
      return Status::InvalidArgument(
          "snapshot = 'false' is only supported by CREATE SINK ... FROM a table; a sink AS a "
          "query always starts from the query's current result (remove the snapshot option or "
          "use FROM)");
    }
  }
  if (policy_value != nullptr) {
    if (EqualsIgnoreCase(*policy_value, "error_table")) {
      out.generic.error_policy = ErrorPolicy::kErrorTable;
    } else if (EqualsIgnoreCase(*policy_value, "pause")) {
      out.generic.error_policy = ErrorPolicy::kPause;
    } else {
      return Status::InvalidArgument(fmt::format(
          "`{}` must be error_table (store a change the destination refuses in the error table "
          "and go on) or pause (pause the sink at that change), not '{}'",
          kErrorPolicyOption, *policy_value));
    }
  }

  DS_RETURN_IF_ERROR(connector->CheckOptions(out.connector_options, &out.notices));
  return out;
}

bool IsSecretSinkOption(std::string_view connector, std::string_view option) {
  if (IsAwsSecretOption(option)) return true;
  const SinkConnector* c = FindSinkConnector(connector);
  return c != nullptr && c->IsSecretOption(option);
}

std::vector<std::string_view> AlterableSinkOptions(std::string_view connector) {
  std::vector<std::string_view> out = {kErrorPolicyOption};
  if (const SinkConnector* c = FindSinkConnector(connector)) {
    for (std::string_view o : c->tunable_options())
      out.push_back(o);
    for (std::string_view o : c->credential_options())
      out.push_back(o);
  }
  return out;
}

std::string_view MainSinkOptionName(std::string_view connector, std::string_view option) {
  const SinkConnector* c = FindSinkConnector(connector);
  return c == nullptr ? option : c->MainOptionName(option);
}

bool IsCredentialSinkOption(std::string_view connector, std::string_view option) {
  const SinkConnector* c = FindSinkConnector(connector);
  if (c == nullptr) return false;
  const std::vector<std::string_view> names = c->credential_options();
  return std::find(names.begin(), names.end(), c->MainOptionName(option)) != names.end();
}

SinkOptionList RedactSinkOptions(const SinkOptionList& options, std::string_view connector) {
  SinkOptionList out = options;
  for (auto& [key, value] : out) {
    if (IsSecretSinkOption(connector, key)) value = std::string(kRedactedValue);
  }
  return out;
}

}  // namespace dynasink::connector
