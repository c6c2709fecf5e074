// The generic options of CREATE SINK, shared by every connector, and the checks RisingWave makes
// on them (COMPATIBILITY.md section 2). Connector-specific options are checked by the connector
// named in `connector` (connector.h); this file routes them there.
//
// Generic options (every value is a quoted string; names are case-sensitive):
//   connector           required; "dynamodb"
//   type                'upsert' (default for a table with a primary key) | 'append-only'
//   force_append_only   'true' | 'false', only with type = 'append-only'
//   snapshot            'true' (default: backfill the existing rows first) | 'false' (only with
//                       CREATE SINK ... FROM)
//   sink.error_policy   'error_table' (default) | 'pause': what happens to a change the
//                       destination can never accept (sink.h, "Rejection")
//
// FORMAT ... ENCODE ...: FORMAT UPSERT ENCODE JSON means the default (upsert); FORMAT PLAIN
// ENCODE JSON means append-only, with the same rules as type = 'append-only' (its options may
// carry force_append_only). Anything else is refused, listing what is accepted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace dynasink::connector {

// WITH (k = 'v', ...) in the order written. Keys are as the SQL layer normalised them.
using SinkOptionList = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kConnectorOption = "connector";
inline constexpr std::string_view kTypeOption = "type";
inline constexpr std::string_view kForceAppendOnlyOption = "force_append_only";
inline constexpr std::string_view kSnapshotOption = "snapshot";
inline constexpr std::string_view kErrorPolicyOption = "sink.error_policy";

// What replaces a secret value in SHOW CREATE SINK and rw_sinks.definition.
inline constexpr std::string_view kRedactedValue = "[REDACTED]";

enum class SinkType : uint8_t { kUpsert, kAppendOnly, kForceAppendOnly };
// rw_sinks.sink_type: "UPSERT", "APPEND_ONLY", "FORCE_APPEND_ONLY".
std::string_view SinkTypeName(SinkType type);

enum class ErrorPolicy : uint8_t {
  kErrorTable,  // store the rejected change in the error table, count it, go on (default)
  kPause,       // pause the sink at the change until ALTER SINK ... RESUME
};
// "error_table" or "pause", as written in the option.
std::string_view ErrorPolicyName(ErrorPolicy policy);

// FORMAT format ENCODE encode [(options)], names in any case.
struct FormatEncodeClause {
  std::string format;
  std::string encode;
  SinkOptionList options;
};

// Where the sink's rows come from, which some rules depend on.
struct SinkSource {
  bool from_relation = true;       // CREATE SINK ... FROM t; false for AS select_query
  bool input_append_only = false;  // the upstream never updates or deletes (APPEND ONLY table)
};

struct GenericSinkOptions {
  std::string connector;  // lower case, e.g. "dynamodb"
  SinkType type = SinkType::kUpsert;
  bool snapshot = true;
  ErrorPolicy error_policy = ErrorPolicy::kErrorTable;
};

struct ParsedSinkOptions {
  GenericSinkOptions generic;
  // The connector's own options, in the order written, already checked by the connector.
  SinkOptionList connector_options;
  // Messages for the client (NoticeResponse), e.g. a deprecated option that is ignored.
  std::vector<std::string> notices;
};

// Parses and checks CREATE SINK's options: the generic ones here, the rest by the connector
// (unknown names are refused with the nearest valid name suggested). No I/O. Errors are
// InvalidArgument with RisingWave's messages where it has one.
Result<ParsedSinkOptions> ParseSinkOptions(const SinkOptionList& with_options,
                                           const std::optional<FormatEncodeClause>& format_encode,
                                           const SinkSource& source);

// The options with every secret value replaced by kRedactedValue, for SHOW CREATE SINK and
// rw_sinks.definition. `connector` names whose secrets to look for; unknown connectors redact
// nothing but the generic secret names every AWS connector shares.
SinkOptionList RedactSinkOptions(const SinkOptionList& options, std::string_view connector);
// Whether the value of `option` is a secret for `connector`.
bool IsSecretSinkOption(std::string_view connector, std::string_view option);
// The options ALTER SINK ... SET may change for a sink of `connector`, by their main names: the
// error policy, the connector's delivery tuning (SinkConnector::tunable_options) and its
// credentials (SinkConnector::credential_options).
std::vector<std::string_view> AlterableSinkOptions(std::string_view connector);
// Whether `option` (any of its names) names credentials of `connector`'s sinks.
bool IsCredentialSinkOption(std::string_view connector, std::string_view option);
// The main name of `option` for `connector` (SinkConnector::MainOptionName); `option` itself
// for generic options and unknown connectors.
std::string_view MainSinkOptionName(std::string_view connector, std::string_view option);

// ---- Helpers shared by connectors ----

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
size_t EditDistance(std::string_view a, std::string_view b);
// The candidate nearest to `name` if it is close enough to be a likely typo, else empty.
std::string_view NearestName(std::string_view name,
                             const std::vector<std::string_view>& candidates);
// `unknown option "x" for sink connector dynamodb; did you mean "y"?` (or without the
// suggestion, listing nothing when nothing is close).
Status UnknownOptionError(std::string_view option, std::string_view connector,
                          const std::vector<std::string_view>& candidates);
// Parses 'true'/'false' in any case; InvalidArgument "`name` must be true or false" otherwise.
Result<bool> ParseBoolOption(std::string_view name, std::string_view value);

}  // namespace dynasink::connector
