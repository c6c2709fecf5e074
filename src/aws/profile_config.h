// The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials).
//
// Locations: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and
// ~/.aws/credentials (HOME; "~/" in the variables is expanded too). A missing file is not an
// error: it just holds no profiles.
//
// Format, as the AWS CLI and SDKs read it: sections "[name]" followed by "key = value" lines;
// full-line comments start with '#' or ';', and a '#' or ';' after whitespace ends a value.
// In the config file a profile is "[profile name]" (or "[default]"); in the credentials file it is
// "[name]". Other config sections ("[sso-session x]", "[services x]") are skipped. Indented lines
// under a key with an empty value are its sub-properties ("s3 =\n  region = x") and are kept as
// "key.sub"; other indented lines continue the previous value. Keys are case-insensitive and
// stored lower-case. When both files define a key of a profile, the credentials file wins.
//
// Parse errors name the file and line but never quote the line, which may hold a secret.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace dynasink::aws {

struct ProfileFilePaths {
  std::string config{};       // path of the config file
  std::string credentials{};  // path of the credentials file

  // From AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE / HOME.
  static ProfileFilePaths FromEnvironment();
};

struct Profile {
  std::string name{};
  std::map<std::string, std::string> values{};  // keys lower-case

  // The value of `key` (lower-case), or none when absent. An empty value counts as absent.
  std::optional<std::string> Get(std::string_view key) const;
};

struct ProfileSet {
  ProfileFilePaths paths{};
  std::map<std::string, Profile, std::less<>> profiles{};

  const Profile* Find(std::string_view name) const;
};

// Reads both files. IOError when a file exists but cannot be read; InvalidArgument for a syntax
// error. Every value of a secret-bearing key (aws_secret_access_key, aws_session_token, ...) is
// registered for redaction as it is read.
Result<ProfileSet> LoadProfiles(
    const ProfileFilePaths& paths = ProfileFilePaths::FromEnvironment());

// Parses the text of one file. `is_config` selects the config file's section naming rules;
// `path` is only for messages.
Status ParseProfileFile(std::string_view text, bool is_config, std::string_view path,
                        ProfileSet* into);

// The profile to use: `explicit_name` when not empty, else AWS_PROFILE, else "default".
std::string SelectedProfileName(std::string_view explicit_name = {});

// Expands a leading "~/" with HOME.
std::string ExpandHome(std::string_view path);

}  // namespace dynasink::aws
