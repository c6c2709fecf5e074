#include "pgwire/auth.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "common/redact.h"
#include "pgwire/crypto.h"

namespace dynasink::pgwire {
namespace {

constexpr std::string_view kScramPrefix = "SCRAM-SHA-256$";

bool IsMd5Hash(std::string_view text) {
  if (text.size() != 35 || !text.starts_with("md5")) return false;
  for (char c : text.substr(3)) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<AuthMethod> ParseAuthMethod(std::string_view name) {
  std::string n = Lower(name);
  if (n == "trust") return AuthMethod::kTrust;
  if (n == "scram-sha-256" || n == "scram") return AuthMethod::kScramSha256;
  if (n == "md5") return AuthMethod::kMd5;
  return Status::InvalidArgument("unknown authentication method \"" + std::string(name) +
                                 "\": use trust, scram-sha-256 or md5");
}

std::string_view AuthMethodName(AuthMethod method) {
  switch (method) {
    case AuthMethod::kTrust:
      return "trust";
    case AuthMethod::kScramSha256:
      return "scram-sha-256";
    case AuthMethod::kMd5:
      return "md5";
  }
  return "unknown";
}

ScramSecret MakeScramSecret(std::string_view password, std::string_view salt, int iterations) {
  std::string salted = crypto::Pbkdf2Sha256(password, salt, iterations);
  ScramSecret secret;
  secret.iterations = iterations;
  secret.salt = std::string(salt);
  secret.stored_key = crypto::Sha256(crypto::HmacSha256(salted, "Client Key"));
  secret.server_key = crypto::HmacSha256(salted, "Server Key");
  return secret;
}

std::string FormatScramVerifier(const ScramSecret& secret) {
  return std::string(kScramPrefix) + std::to_string(secret.iterations) + ":" +
         crypto::Base64Encode(secret.salt) + "$" + crypto::Base64Encode(secret.stored_key) + ":" +
         crypto::Base64Encode(secret.server_key);
}

Result<ScramSecret> ParseScramVerifier(std::string_view v) {
  auto bad = [] {
    return Status::InvalidArgument(
        "invalid SCRAM verifier: expected "
        "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
  };
  if (!v.starts_with(kScramPrefix)) return bad();
  v.remove_prefix(kScramPrefix.size());
  size_t colon = v.find(':');
  size_t dollar = v.find('$');
  if (colon == std::string_view::npos || dollar == std::string_view::npos || dollar < colon)
    return bad();
  std::string_view iter_text = v.substr(0, colon);
  ScramSecret secret;
  auto [ptr, ec] =
      std::from_chars(iter_text.data(), iter_text.data() + iter_text.size(), secret.iterations);
  if (ec != std::errc() || ptr != iter_text.data() + iter_text.size() || secret.iterations < 1)
    return bad();
  std::string_view salt = v.substr(colon + 1, dollar - colon - 1);
  std::string_view keys = v.substr(dollar + 1);
  size_t colon2 = keys.find(':');
  if (colon2 == std::string_view::npos) return bad();
  auto salt_bytes = crypto::Base64Decode(salt);
  auto stored = crypto::Base64Decode(keys.substr(0, colon2));
  auto server = crypto::Base64Decode(keys.substr(colon2 + 1));
  if (!salt_bytes.ok() || !stored.ok() || !server.ok() || salt_bytes->empty() ||
      stored->size() != 32 || server->size() != 32)
    return bad();
  secret.salt = std::move(*salt_bytes);
  secret.stored_key = std::move(*stored);
  secret.server_key = std::move(*server);
  return secret;
}

std::string Md5PasswordHash(std::string_view user, std::string_view password) {
  std::string input(password);
  input.append(user);
  return "md5" + crypto::Md5Hex(input);
}

std::string Md5ExpectedResponse(std::string_view stored_md5_hash, std::string_view salt) {
  std::string input(stored_md5_hash.substr(3));
  input.append(salt);
  return "md5" + crypto::Md5Hex(input);
}

Status UserStore::AddUser(std::string_view user, std::string_view password, int scram_iterations) {
  if (user.empty()) return Status::InvalidArgument("a user name must not be empty");
  if (scram_iterations < 1) return Status::InvalidArgument("SCRAM iterations must be at least 1");
  RegisterSecret(password);
  UserCredential cred;
  cred.scram = MakeScramSecret(password, crypto::RandomBytes(16), scram_iterations);
  cred.md5_hash = Md5PasswordHash(user, password);
  RegisterSecret(cred.md5_hash);
  users_[std::string(user)] = std::move(cred);
  return Status::OK();
}

Status UserStore::AddUserVerifier(std::string_view user, std::string_view verifier) {
  if (user.empty()) return Status::InvalidArgument("a user name must not be empty");
  UserCredential cred;
  if (verifier.starts_with(kScramPrefix)) {
    DS_ASSIGN_OR_RETURN(ScramSecret secret, ParseScramVerifier(verifier));
    cred.scram = std::move(secret);
  } else if (IsMd5Hash(verifier)) {
    cred.md5_hash = std::string(verifier);
  } else {
    return Status::InvalidArgument("user \"" + std::string(user) +
                                   "\": not a SCRAM-SHA-256 or md5 verifier");
  }
  RegisterSecret(verifier);
  users_[std::string(user)] = std::move(cred);
  return Status::OK();
}

Result<UserStore> UserStore::Parse(std::string_view text) {
  UserStore store;
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos || line[start] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      // The line may be a bare password typed by mistake: never echo it.
      return Status::InvalidArgument("users file line " + std::to_string(line_no) +
                                     ": expected user:password");
    }
    std::string_view user = line.substr(0, colon);
    std::string_view secret = line.substr(colon + 1);
    Status s = (secret.starts_with(kScramPrefix) || IsMd5Hash(secret))
                   ? store.AddUserVerifier(user, secret)
                   : store.AddUser(user, secret);
    if (!s.ok()) return s.WithContext("users file line " + std::to_string(line_no));
  }
  return store;
}

Result<UserStore> UserStore::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read users file " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  auto store = Parse(buf.str());
  if (!store.ok()) return store.status().WithContext(path);
  return store;
}

const UserCredential* UserStore::Find(std::string_view user) const {
  auto it = users_.find(user);
  return it == users_.end() ? nullptr : &it->second;
}

}  // namespace dynasink::pgwire
