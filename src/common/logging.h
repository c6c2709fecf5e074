// Structured logging to stderr: one line per event,
//   2026-11-24T05:40:00.123Z INFO  [sink] message key=value ...
// Every line passes through Redact() (common/redact.h), so a secret never reaches the log even
// when a caller formats one by mistake. Formatting uses {fmt}; arguments are only formatted when
// the level is enabled.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace dynasink::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

// Parses "trace", "debug", "info", "warn", "error", "off" (case-insensitive). False if unknown.
bool ParseLevel(std::string_view text, Level* level);
void SetLevel(Level level);
Level GetLevel();
inline bool Enabled(Level level);

// Writes one line. `component` names the subsystem ("pgwire", "sink", "aws", ...).
void Write(Level level, std::string_view component, std::string_view message);

namespace internal {
extern Level g_level;
}
inline bool Enabled(Level level) { return level >= internal::g_level; }

}  // namespace dynasink::log

#define DS_LOG_AT_(lvl, component, ...)                                               \
  do {                                                                                \
    if (::dynasink::log::Enabled(lvl))                                                \
      ::dynasink::log::Write(lvl, component, ::fmt::format(__VA_ARGS__));             \
  } while (0)
#define DS_LOG_TRACE(component, ...) DS_LOG_AT_(::dynasink::log::Level::kTrace, component, __VA_ARGS__)
#define DS_LOG_DEBUG(component, ...) DS_LOG_AT_(::dynasink::log::Level::kDebug, component, __VA_ARGS__)
#define DS_LOG_INFO(component, ...) DS_LOG_AT_(::dynasink::log::Level::kInfo, component, __VA_ARGS__)
#define DS_LOG_WARN(component, ...) DS_LOG_AT_(::dynasink::log::Level::kWarn, component, __VA_ARGS__)
#define DS_LOG_ERROR(component, ...) DS_LOG_AT_(::dynasink::log::Level::kError, component, __VA_ARGS__)
