// Finding what the tests need on disk (the dynasink binary, DynamoDB Local): candidate paths
// in order of preference, the first that passes a check wins, and otherwise a list of where
// the search looked, for the error message.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dynasink::test {

// The environment variable `name`, or "" when unset.
std::string Env(const char* name);

// `relative` under this executable's directory and under each of its ancestors, nearest first
// (a test binary in build/x/tests finds build/x/src/dynasink and the checkout's .cache).
std::vector<std::filesystem::path> UnderAncestorsOfSelf(const std::filesystem::path& relative);

// The first candidate for which `ok` holds. Otherwise nullopt, with `*looked` set to the
// candidates joined by ", " (cut short after about 600 characters).
std::optional<std::string> FirstMatching(
    const std::vector<std::filesystem::path>& candidates,
    const std::function<bool(const std::filesystem::path&)>& ok, std::string* looked);

}  // namespace dynasink::test
