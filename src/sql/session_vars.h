// Session variables: what SET, SHOW, RESET and current_setting() know.
//
// Names are case-insensitive and have PostgreSQL's display spelling (DateStyle, TimeZone).
// Values are validated and normalized when set (22023 `invalid value for parameter "x": "v"`);
// unknown names are 42704 `unrecognized configuration parameter "x"`, read-only ones 55P02.
// The session keeps only the values that differ from the defaults.
//
//   client_encoding     UTF8 (also accepted: SQL_ASCII, which is passed through unchanged)
//   DateStyle           ISO, MDY (ISO output only; the MDY/DMY/YMD input order is recorded)
//   TimeZone            UTC (the only zone; UTC, Etc/UTC, GMT, Z, +00:00 ... are accepted)
//   IntervalStyle       postgres
//   extra_float_digits  1 (-15..3; floats always print shortest round-trip)
//   application_name    the client's
//   search_path         "$user", public
//   statement_timeout   0 (off); milliseconds or with a unit: 5s, 1min, 100ms
//   implicit_flush      false (alias rw_implicit_flush): DML waits as FLUSH does
//   sink_decouple       default (default | enable | disable | true | false)
// and read-only ones drivers ask for: server_version, server_version_num, server_encoding,
// integer_datetimes, standard_conforming_strings, is_superuser, session_authorization,
// transaction_isolation, max_identifier_length, ...
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sql/ast.h"

namespace dynasink::sql {

struct VariableDef {
  std::string name;           // display name
  std::string default_value;  // empty for per-session defaults (application_name, user)
  std::string description;
  bool reported = false;      // sent to the client as ParameterStatus when it changes
  bool read_only = false;
  // Validates and normalizes a value; null accepts anything as written.
  Result<std::string> (*normalize)(std::string_view value) = nullptr;
};

// The definition for `name` (case-insensitive; aliases such as rw_implicit_flush), or null.
const VariableDef* FindVariable(std::string_view name);
// Every variable, in name order (SHOW ALL).
const std::vector<VariableDef>& AllVariables();

// A value as SET wrote it: values joined with ", ", identifiers quoted where PostgreSQL
// would quote them (search_path = "$user", public).
std::string SetValueText(const std::vector<ConstValue>& values);

// Milliseconds of a statement_timeout value ("0", "1500", "5s", "1min").
Result<int64_t> ParseDurationMillis(std::string_view value);

class SessionVariables {
 public:
  // `session_defaults` fills variables whose default depends on the session (user, ...).
  explicit SessionVariables(std::map<std::string, std::string> session_defaults = {});

  // The current value; 42704 when unknown.
  Result<std::string> Get(std::string_view name) const;
  // Validates, normalizes and stores; returns the definition (for ParameterStatus). 42704,
  // 55P02 (read-only) or 22023 (bad value).
  Result<const VariableDef*> Set(std::string_view name, std::string_view value);
  Result<const VariableDef*> Reset(std::string_view name);
  // Resets everything; returns the reported variables whose value changed.
  std::vector<const VariableDef*> ResetAll();

  // Fast accessors for values the engine reads per statement.
  bool implicit_flush() const { return implicit_flush_; }
  int64_t statement_timeout_ms() const { return statement_timeout_ms_; }

 private:
  std::string DefaultOf(const VariableDef& def) const;
  void Refresh();

  std::map<std::string, std::string> session_defaults_;  // by display name
  std::map<std::string, std::string> values_;            // by display name
  bool implicit_flush_ = false;
  int64_t statement_timeout_ms_ = 0;
};

}  // namespace dynasink::sql
