#include "support/aws_test_env.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string_view>
#include <vector>

extern char** environ;

namespace dynasink::test {

ScopedAwsEnvironment::ScopedAwsEnvironment() {
  std::vector<std::string> names;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string name(entry.substr(0, entry.find('=')));
    std::string lower = name;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.starts_with("AWS_") || lower.ends_with("_proxy")) names.push_back(name);
  }
  for (const std::string& name : names)
    Unset(name);

  std::string pattern = (std::filesystem::temp_directory_path() / "dynasink-aws-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  home_ = pattern;
  Set("HOME", home_.string());
  Set("AWS_EC2_METADATA_DISABLED", "true");
}

ScopedAwsEnvironment::~ScopedAwsEnvironment() {
  for (const auto& [name, value] : saved_) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(home_, ec);
}

void ScopedAwsEnvironment::Remember(const std::string& name) {
  if (saved_.count(name)) return;
  const char* old = std::getenv(name.c_str());
  saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
}

void ScopedAwsEnvironment::Set(const std::string& name, const std::string& value) {
  Remember(name);
  ::setenv(name.c_str(), value.c_str(), 1);
}

void ScopedAwsEnvironment::Unset(const std::string& name) {
  Remember(name);
  ::unsetenv(name.c_str());
}

std::filesystem::path ScopedAwsEnvironment::WriteFile(const std::string& relative,
                                                      const std::string& content,
                                                      bool executable) const {
  std::filesystem::path path = home_ / relative;
  std::filesystem::create_directories(path.parent_path());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
  }
  if (executable) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
  }
  return path;
}

}  // namespace dynasink::test
