// ScopedAwsEnvironment: isolates a test from the machine's AWS set-up.
//
// On construction it removes every AWS_* variable and the proxy variables from the environment,
// points HOME at a new empty temporary directory (so ~/.aws is empty), and sets
// AWS_EC2_METADATA_DISABLED=true so that nothing ever calls the real instance metadata address.
// The destructor restores the previous environment and deletes the directory. Tests that use it
// must not run threads that read the environment concurrently (our providers read it on the
// calling thread).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace dynasink::test {

class ScopedAwsEnvironment {
 public:
  ScopedAwsEnvironment();
  ~ScopedAwsEnvironment();
  ScopedAwsEnvironment(const ScopedAwsEnvironment&) = delete;
  ScopedAwsEnvironment& operator=(const ScopedAwsEnvironment&) = delete;

  void Set(const std::string& name, const std::string& value);
  void Unset(const std::string& name);

  // The temporary HOME.
  const std::filesystem::path& home() const { return home_; }
  // Writes `content` to `relative` under home(), creating directories; returns the full path.
  std::filesystem::path WriteFile(const std::string& relative, const std::string& content,
                                  bool executable = false) const;

 private:
  void Remember(const std::string& name);

  std::map<std::string, std::optional<std::string>> saved_;  // original values
  std::filesystem::path home_;
};

}  // namespace dynasink::test
