#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "common/redact.h"

namespace dynasink::log {
namespace internal {
// Default from DYNASINK_LOG_LEVEL, else info. Read once at start-up, before threads exist.
Level g_level = [] {
  Level level = Level::kInfo;
  if (const char* env = std::getenv("DYNASINK_LOG_LEVEL")) ParseLevel(env, &level);
  return level;
}();
}  // namespace internal

namespace {
spdlog::logger& Logger() {
  // stderr sink, synchronised; spdlog's own level is left at trace since we filter first.
  static auto logger = [] {
    auto l = std::make_shared<spdlog::logger>("dynasink",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kTrace: return spdlog::level::trace;
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
    case Level::kOff: return spdlog::level::off;
  }
  return spdlog::level::info;
}
}  // namespace

bool ParseLevel(std::string_view text, Level* level) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "trace") *level = Level::kTrace;
  else if (t == "debug") *level = Level::kDebug;
  else if (t == "info") *level = Level::kInfo;
  else if (t == "warn" || t == "warning") *level = Level::kWarn;
  else if (t == "error") *level = Level::kError;
  else if (t == "off" || t == "none") *level = Level::kOff;
  else return false;
  return true;
}

void SetLevel(Level level) { internal::g_level = level; }
Level GetLevel() { return internal::g_level; }

void Write(Level level, std::string_view component, std::string_view message) {
  if (!Enabled(level)) return;
  std::string line = Redact(message);
  Logger().log(ToSpd(level), "[{}] {}", component, line);
}

}  // namespace dynasink::log
