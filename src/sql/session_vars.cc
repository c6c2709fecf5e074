#include "sql/session_vars.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace dynasink::sql {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

Status Invalid(std::string_view name, std::string_view value, std::string_view detail = {}) {
  std::string msg = "invalid value for parameter \"" + std::string(name) + "\": \"" +
                    std::string(value) + "\"";
  if (!detail.empty()) msg += "\nDETAIL: " + std::string(detail);
  return Status::Sql("22023", std::move(msg));
}

Result<std::string> NormalizeEncoding(std::string_view v) {
  std::string l = Lower(Trim(v));
  l.erase(std::remove(l.begin(), l.end(), '-'), l.end());
  l.erase(std::remove(l.begin(), l.end(), '_'), l.end());
  if (l == "utf8" || l == "unicode") return std::string("UTF8");
  if (l == "sqlascii") return std::string("SQL_ASCII");
  return Invalid("client_encoding", v, "dynasink speaks UTF8 only.");
}

Result<std::string> NormalizeDateStyle(std::string_view v) {
  std::string order = "MDY";
  bool iso = false;
  std::string l = Lower(v);
  size_t pos = 0;
  while (pos <= l.size()) {
    size_t comma = l.find(',', pos);
    std::string part = Trim(std::string_view(l).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (part == "iso") {
      iso = true;
    } else if (part == "mdy" || part == "us" || part == "noneuropean") {
      order = "MDY";
    } else if (part == "dmy" || part == "euro" || part == "european") {
      order = "DMY";
    } else if (part == "ymd") {
      order = "YMD";
    } else if (!part.empty()) {
      return Invalid("DateStyle", v, "dynasink prints dates in the ISO style only.");
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  (void)iso;  // "MDY" alone keeps the ISO output style, as in PostgreSQL
  return "ISO, " + order;
}

bool IsUtc(std::string_view v) {
  std::string l = Lower(Trim(v));
  return l == "utc" || l == "etc/utc" || l == "gmt" || l == "etc/gmt" || l == "z" ||
         l == "zulu" || l == "universal" || l == "etc/universal" || l == "+00:00" ||
         l == "+00" || l == "00:00" || l == "0" || l == "-00:00" || l == "utc+0" || l == "gmt0";
}

Result<std::string> NormalizeTimeZone(std::string_view v) {
  if (IsUtc(v)) return std::string("UTC");
  return Invalid("TimeZone", v, "dynasink keeps timestamps with time zone in UTC only.");
}

Result<std::string> NormalizeIntervalStyle(std::string_view v) {
  if (Lower(Trim(v)) == "postgres") return std::string("postgres");
  return Invalid("IntervalStyle", v, "dynasink prints intervals in the postgres style only.");
}

Result<int64_t> ParseInt(std::string_view v) {
  std::string t = Trim(v);
  int64_t out = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc() || p != t.data() + t.size() || t.empty()) {
    return Status::InvalidArgument("not an integer");
  }
  return out;
}

Result<std::string> NormalizeExtraFloatDigits(std::string_view v) {
  auto n = ParseInt(v);
  if (!n.ok()) return Invalid("extra_float_digits", v);
  if (*n < -15 || *n > 3) {
    return Status::Sql("22023", std::to_string(*n) +
                                    " is outside the valid range for parameter "
                                    "\"extra_float_digits\" (-15 .. 3)");
  }
  return std::to_string(*n);
}

Result<std::string> NormalizeBool(std::string_view name, std::string_view v) {
  std::string l = Lower(Trim(v));
  if (l == "true" || l == "on" || l == "yes" || l == "1" || l == "t") return std::string("true");
  if (l == "false" || l == "off" || l == "no" || l == "0" || l == "f") return std::string("false");
  return Invalid(name, v, "A boolean is expected: true or false.");
}

Result<std::string> NormalizeImplicitFlush(std::string_view v) {
  return NormalizeBool("implicit_flush", v);
}

Result<std::string> NormalizeSinkDecouple(std::string_view v) {
  std::string l = Lower(Trim(v));
  if (l == "default" || l == "enable" || l == "disable") return l;
  auto b = NormalizeBool("sink_decouple", v);
  if (b.ok()) return b;
  return Invalid("sink_decouple", v, "Accepted values: default, enable, disable, true, false.");
}

Result<std::string> NormalizeStatementTimeout(std::string_view v) {
  auto ms = ParseDurationMillis(v);
  if (!ms.ok()) return Invalid("statement_timeout", v, "Give milliseconds or a unit: 5s, 1min.");
  if (*ms == 0) return std::string("0");
  if (*ms % 60000 == 0) return std::to_string(*ms / 60000) + "min";
  if (*ms % 1000 == 0) return std::to_string(*ms / 1000) + "s";
  return std::to_string(*ms) + "ms";
}

Result<std::string> NormalizeStandardConformingStrings(std::string_view v) {
  auto b = NormalizeBool("standard_conforming_strings", v);
  if (b.ok() && *b == "true") return std::string("on");
  return Invalid("standard_conforming_strings", v,
                 "dynasink always treats backslashes in ordinary strings literally.");
}

Result<std::string> NormalizeOnOff(std::string_view v) {
  auto b = NormalizeBool("parameter", v);
  if (!b.ok()) return b.status();
  return std::string(*b == "true" ? "on" : "off");
}

Result<std::string> NormalizeNonNegativeMillis(std::string_view v) {
  auto ms = ParseDurationMillis(v);
  if (!ms.ok()) return Invalid("timeout", v);
  return std::to_string(*ms);
}

Result<std::string> NormalizeMessageLevel(std::string_view v) {
  std::string l = Lower(Trim(v));
  for (const char* level : {"debug5", "debug4", "debug3", "debug2", "debug1", "debug", "log",
                            "info", "notice", "warning", "error"}) {
    if (l == level) return l;
  }
  return Invalid("client_min_messages", v);
}

Result<std::string> NormalizeIsolation(std::string_view v) {
  std::string l = Lower(Trim(v));
  if (l == "read committed" || l == "read uncommitted" || l == "repeatable read" ||
      l == "serializable") {
    return l;
  }
  return Invalid("transaction_isolation", v);
}

std::vector<VariableDef> MakeVariables() {
  std::vector<VariableDef> v = {
      {"application_name", "", "Sets the application name to be reported in statistics and logs.",
       true, false, nullptr},
      {"bytea_output", "hex", "Sets the output format for bytea.", false, false,
       [](std::string_view x) -> Result<std::string> {
         if (Lower(Trim(x)) == "hex") return std::string("hex");
         return Invalid("bytea_output", x, "dynasink prints bytea in hex only.");
       }},
      {"client_encoding", "UTF8", "Sets the client's character set encoding.", true, false,
       NormalizeEncoding},
      {"client_min_messages", "notice", "Sets the message levels that are sent to the client.",
       false, false, NormalizeMessageLevel},
      {"DateStyle", "ISO, MDY", "Sets the display format for date and time values.", true, false,
       NormalizeDateStyle},
      {"default_transaction_isolation", "read committed",
       "Sets the transaction isolation level of each new transaction.", false, false,
       NormalizeIsolation},
      {"extra_float_digits", "1",
       "Sets the number of digits displayed for floating-point values (output is always the "
       "shortest exact form).",
       false, false, NormalizeExtraFloatDigits},
      {"idle_in_transaction_session_timeout", "0",
       "Accepted for compatibility; dynasink transactions hold no resources.", false, false,
       NormalizeNonNegativeMillis},
      {"implicit_flush", "false",
       "If true, each INSERT, UPDATE and DELETE waits, like FLUSH, until every running sink has "
       "delivered it. Alias: rw_implicit_flush.",
       false, false, NormalizeImplicitFlush},
      {"integer_datetimes", "on", "Shows whether datetimes are integer based.", true, true,
       nullptr},
      {"IntervalStyle", "postgres", "Sets the display format for interval values.", true, false,
       NormalizeIntervalStyle},
      {"is_superuser", "on", "Shows whether the current user is a superuser.", true, true,
       nullptr},
      {"lock_timeout", "0", "Accepted for compatibility; dynasink statements wait for rows only "
       "while another statement commits them.", false, false, NormalizeNonNegativeMillis},
      {"max_identifier_length", "63", "Shows the maximum identifier length.", false, true,
       nullptr},
      {"search_path", "\"$user\", public",
       "Sets the schema search order for names that are not schema-qualified.", false, false,
       nullptr},
      {"server_encoding", "UTF8", "Shows the server (database) character set encoding.", true,
       true, nullptr},
      {"server_version", "13.14.0", "Shows the server version.", true, true, nullptr},
      {"server_version_num", "130014", "Shows the server version as an integer.", false, true,
       nullptr},
      {"session_authorization", "", "Shows the session user name.", true, true, nullptr},
      {"sink_decouple", "default",
       "Recorded for RisingWave compatibility (default, enable, disable, true, false); "
       "dynasink sinks always deliver from their durable change log.",
       false, false, NormalizeSinkDecouple},
      {"standard_conforming_strings", "on",
       "Causes '...' strings to treat backslashes literally.", true, false,
       NormalizeStandardConformingStrings},
      {"statement_timeout", "0",
       "Sets the maximum allowed duration of any statement (0 turns it off).", false, false,
       NormalizeStatementTimeout},
      {"synchronize_seqscans", "on", "Accepted for compatibility.", false, false, NormalizeOnOff},
      {"TimeZone", "UTC", "Sets the time zone for displaying and interpreting time stamps.", true,
       false, NormalizeTimeZone},
      {"transaction_isolation", "read committed",
       "Shows the current transaction's isolation level.", false, false, NormalizeIsolation},
      {"transaction_read_only", "off", "Shows whether the current transaction is read-only.",
       false, false, NormalizeOnOff},
  };
  std::sort(v.begin(), v.end(), [](const VariableDef& a, const VariableDef& b) {
    return Lower(a.name) < Lower(b.name);
  });
  return v;
}

}  // namespace

const std::vector<VariableDef>& AllVariables() {
  static const std::vector<VariableDef> kVariables = MakeVariables();
  return kVariables;
}

const VariableDef* FindVariable(std::string_view name) {
  std::string l = Lower(name);
  if (l == "rw_implicit_flush") l = "implicit_flush";
  if (l == "time zone") l = "timezone";
  for (const VariableDef& v : AllVariables()) {
    if (Lower(v.name) == l) return &v;
  }
  return nullptr;
}

std::string SetValueText(const std::vector<ConstValue>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    const ConstValue& v = values[i];
    if (v.kind == ConstValue::Kind::kWord && values.size() > 1) {
      // A list element that is not a plain lower-case identifier is shown quoted.
      bool plain = !v.text.empty() && (std::islower(static_cast<unsigned char>(v.text[0])) ||
                                       v.text[0] == '_');
      for (char c : v.text) {
        plain = plain && (std::islower(static_cast<unsigned char>(c)) ||
                          std::isdigit(static_cast<unsigned char>(c)) || c == '_');
      }
      out += plain ? v.text : "\"" + v.text + "\"";
    } else {
      out += v.text;
    }
  }
  return out;
}

Result<int64_t> ParseDurationMillis(std::string_view value) {
  std::string t = Lower(Trim(value));
  size_t digits = 0;
  while (digits < t.size() && (std::isdigit(static_cast<unsigned char>(t[digits])))) ++digits;
  if (digits == 0) return Status::InvalidArgument("not a duration");
  auto n = ParseInt(t.substr(0, digits));
  if (!n.ok()) return n.status();
  std::string unit = Trim(std::string_view(t).substr(digits));
  int64_t scale = 1;
  if (unit.empty() || unit == "ms") {
    scale = 1;
  } else if (unit == "s" || unit == "sec" || unit == "secs") {
    scale = 1000;
  } else if (unit == "min" || unit == "mins") {
    scale = 60000;
  } else if (unit == "h") {
    scale = 3600000;
  } else if (unit == "d") {
    scale = 86400000;
  } else {
    return Status::InvalidArgument("unknown unit");
  }
  if (*n > INT64_MAX / scale) return Status::InvalidArgument("too large");
  return *n * scale;
}

SessionVariables::SessionVariables(std::map<std::string, std::string> session_defaults)
    : session_defaults_(std::move(session_defaults)) {
  Refresh();
}

std::string SessionVariables::DefaultOf(const VariableDef& def) const {
  auto it = session_defaults_.find(def.name);
  return it != session_defaults_.end() ? it->second : def.default_value;
}

Result<std::string> SessionVariables::Get(std::string_view name) const {
  const VariableDef* def = FindVariable(name);
  if (def == nullptr) {
    return Status::Sql("42704", "unrecognized configuration parameter \"" + std::string(name) + "\"");
  }
  auto it = values_.find(def->name);
  return it != values_.end() ? it->second : DefaultOf(*def);
}

Result<const VariableDef*> SessionVariables::Set(std::string_view name, std::string_view value) {
  const VariableDef* def = FindVariable(name);
  if (def == nullptr) {
    return Status::Sql("42704", "unrecognized configuration parameter \"" + std::string(name) + "\"");
  }
  if (def->read_only) {
    return Status::Sql("55P02", "parameter \"" + def->name + "\" cannot be changed");
  }
  std::string v(value);
  if (def->normalize != nullptr) {
    auto n = def->normalize(value);
    if (!n.ok()) return n.status();
    v = std::move(n).value();
  }
  values_[def->name] = std::move(v);
  Refresh();
  return def;
}

Result<const VariableDef*> SessionVariables::Reset(std::string_view name) {
  const VariableDef* def = FindVariable(name);
  if (def == nullptr) {
    return Status::Sql("42704", "unrecognized configuration parameter \"" + std::string(name) + "\"");
  }
  if (def->read_only) {
    return Status::Sql("55P02", "parameter \"" + def->name + "\" cannot be changed");
  }
  values_.erase(def->name);
  Refresh();
  return def;
}

std::vector<const VariableDef*> SessionVariables::ResetAll() {
  std::vector<const VariableDef*> changed;
  for (const auto& [name, value] : values_) {
    const VariableDef* def = FindVariable(name);
    if (def != nullptr && def->reported && value != DefaultOf(*def)) changed.push_back(def);
  }
  values_.clear();
  Refresh();
  return changed;
}

void SessionVariables::Refresh() {
  implicit_flush_ = Get("implicit_flush").value_or("false") == "true";
  statement_timeout_ms_ = ParseDurationMillis(Get("statement_timeout").value_or("0")).value_or(0);
}

}  // namespace dynasink::sql
