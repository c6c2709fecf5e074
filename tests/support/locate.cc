#include "support/locate.h"

#include <cstdlib>
#include <system_error>

namespace dynasink::test {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::vector<fs::path> UnderAncestorsOfSelf(const fs::path& relative) {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return out;
  for (fs::path dir = exe.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    out.push_back(dir / relative);
    if (dir == dir.root_path()) break;
  }
  return out;
}

std::optional<std::string> FirstMatching(const std::vector<fs::path>& candidates,
                                         const std::function<bool(const fs::path&)>& ok,
                                         std::string* looked) {
  looked->clear();
  for (const fs::path& c : candidates) {
    if (ok(c)) return c.string();
    if (looked->size() < 600) *looked += (looked->empty() ? "" : ", ") + c.string();
  }
  return std::nullopt;
}

}  // namespace dynasink::test
