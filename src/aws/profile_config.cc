#include "aws/profile_config.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/redact.h"

namespace dynasink::aws {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Removes a comment that starts with whitespace followed by '#' or ';'.
std::string_view StripInlineComment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && IsSpace(value[i - 1])) {
      return Trim(value.substr(0, i));
    }
  }
  return value;
}

bool IsSecretKey(std::string_view key) {
  return key == "aws_secret_access_key" || key == "aws_session_token" ||
         key == "aws_security_token";
}

Status LineError(std::string_view path, int line, std::string_view what) {
  return Status::InvalidArgument("malformed AWS profile file " + std::string(path) + " line " +
                                 std::to_string(line) + ": " + std::string(what));
}

}  // namespace

ProfileFilePaths ProfileFilePaths::FromEnvironment() {
  ProfileFilePaths paths;
  std::string config = Env("AWS_CONFIG_FILE");
  std::string credentials = Env("AWS_SHARED_CREDENTIALS_FILE");
  paths.config = ExpandHome(config.empty() ? "~/.aws/config" : config);
  paths.credentials = ExpandHome(credentials.empty() ? "~/.aws/credentials" : credentials);
  return paths;
}

std::string ExpandHome(std::string_view path) {
  if (path == "~" || path.starts_with("~/")) {
    std::string home = Env("HOME");
    return home + std::string(path.substr(1));
  }
  return std::string(path);
}

std::optional<std::string> Profile::Get(std::string_view key) const {
  auto it = values.find(std::string(key));
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

const Profile* ProfileSet::Find(std::string_view name) const {
  auto it = profiles.find(name);
  return it == profiles.end() ? nullptr : &it->second;
}

Status ParseProfileFile(std::string_view text, bool is_config, std::string_view path,
                        ProfileSet* into) {
  Profile* current = nullptr;  // null inside a skipped section
  bool in_section = false;
  std::string last_key;  // the property that indented lines belong to
  bool last_key_empty = false;
  int line_no = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;

    if (line[0] == '[') {
      line = StripInlineComment(line);
      if (line.back() != ']') return LineError(path, line_no, "section header without ']'");
      std::string_view header = Trim(line.substr(1, line.size() - 2));
      if (header.empty()) return LineError(path, line_no, "empty section name");
      in_section = true;
      last_key.clear();
      current = nullptr;
      std::string name;
      if (is_config) {
        if (header == "default") {
          name = "default";
        } else if (header.starts_with("profile") && header.size() > 7 && IsSpace(header[7])) {
          name = std::string(Trim(header.substr(8)));
        }
        // Anything else ("sso-session x", "services x", or a bare "x", which the SDKs ignore in
        // the config file) is skipped.
      } else if (!header.starts_with("profile ")) {
        name = std::string(header);
      }
      if (!name.empty()) {
        Profile& p = into->profiles[name];
        p.name = name;
        current = &p;
      }
      continue;
    }

    if (IsSpace(raw[0])) {
      // An indented line: a sub-property or a continuation of the previous value.
      if (!in_section || last_key.empty()) {
        return LineError(path, line_no, "indented line without a property above it");
      }
      if (current == nullptr) continue;
      if (last_key_empty) {
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
          return LineError(path, line_no, "expected 'name = value' in a sub-property");
        }
        std::string key = last_key + "." + Lower(Trim(line.substr(0, eq)));
        current->values[key] = std::string(StripInlineComment(Trim(line.substr(eq + 1))));
      } else {
        std::string& value = current->values[last_key];
        value.append("\n").append(line);
        if (IsSecretKey(last_key)) RegisterSecret(value);
      }
      continue;
    }

    if (!in_section) return LineError(path, line_no, "property outside of a [section]");
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return LineError(path, line_no, "expected 'name = value' or '[section]'");
    }
    std::string key = Lower(Trim(line.substr(0, eq)));
    if (key.empty()) return LineError(path, line_no, "property without a name");
    std::string value(StripInlineComment(Trim(line.substr(eq + 1))));
    if (IsSecretKey(key)) RegisterSecret(value);
    last_key = key;
    last_key_empty = value.empty();
    if (current != nullptr) current->values[key] = std::move(value);
  }
  return Status::OK();
}

Result<ProfileSet> LoadProfiles(const ProfileFilePaths& paths) {
  ProfileSet set;
  set.paths = paths;
  // Config first, so that the credentials file's values replace it.
  for (bool is_config : {true, false}) {
    const std::string& path = is_config ? paths.config : paths.credentials;
    if (path.empty()) continue;
    std::error_code ec;
    std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (st.type() == std::filesystem::file_type::not_found) continue;
    if (ec) return Status::IOError("cannot read AWS profile file " + path + ": " + ec.message());
    if (std::filesystem::is_directory(st)) {
      return Status::IOError("AWS profile file " + path + " is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::IOError("cannot read AWS profile file " + path + ": " + std::strerror(errno));
    }
    std::stringstream text;
    text << in.rdbuf();
    DS_RETURN_IF_ERROR(ParseProfileFile(text.str(), is_config, path, &set));
  }
  return set;
}

std::string SelectedProfileName(std::string_view explicit_name) {
  if (!explicit_name.empty()) return std::string(explicit_name);
  std::string env = Env("AWS_PROFILE");
  return env.empty() ? "default" : env;
}

}  // namespace dynasink::aws
