// Users and their password secrets for the pgwire server's password authentication.
//
// A UserStore maps user names to what the server needs to check a password without keeping it:
// the SCRAM-SHA-256 secret (salt, iteration count, StoredKey, ServerKey; RFC 5802/7677) and the
// MD5 hash "md5" + md5(password || user) that PostgreSQL's md5 method uses. A user added from a
// clear-text password gets both; a user added from a stored verifier gets only that one.
//
// Users file format (LoadFile / Parse), one user per line, split at the first ':':
//   root:secret-password                         clear text (both methods work)
//   alice:SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>   PostgreSQL's pg_authid format
//   bob:md5<32 lower-case hex digits>             PostgreSQL's md5 format
// Blank lines and lines starting with '#' are skipped.
//
// Passwords are used as their bytes: SASLprep (RFC 4013) normalization is not applied, which
// is exact for ASCII passwords, and libpq sends non-normalizable passwords unchanged too.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace dynasink::pgwire {

// How the server authenticates clients.
//   kTrust        no password (the default, as RisingWave's default user root has none)
//   kScramSha256  SCRAM-SHA-256; a user known only by an md5 hash cannot log in
//   kMd5          MD5 challenge; a user known only by a SCRAM verifier gets SCRAM instead,
//                 as PostgreSQL's "md5" method does
enum class AuthMethod { kTrust, kScramSha256, kMd5 };

Result<AuthMethod> ParseAuthMethod(std::string_view name);  // "trust", "scram-sha-256", "md5"
std::string_view AuthMethodName(AuthMethod method);

struct ScramSecret {
  int iterations = 0;
  std::string salt;        // raw bytes
  std::string stored_key;  // H(HMAC(SaltedPassword, "Client Key")), 32 bytes
  std::string server_key;  // HMAC(SaltedPassword, "Server Key"), 32 bytes
};

// Derives the secret of `password` with the given salt and iteration count.
ScramSecret MakeScramSecret(std::string_view password, std::string_view salt, int iterations);
// PostgreSQL's text form: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> (base64).
std::string FormatScramVerifier(const ScramSecret& secret);
Result<ScramSecret> ParseScramVerifier(std::string_view verifier);

// "md5" followed by the hex MD5 of password || user, as PostgreSQL stores it.
std::string Md5PasswordHash(std::string_view user, std::string_view password);
// The response a client sends to an MD5 challenge: "md5" + md5hex(md5hex(password||user) || salt)
// computed from the stored hash. `salt` is the 4 bytes the server sent.
std::string Md5ExpectedResponse(std::string_view stored_md5_hash, std::string_view salt);

struct UserCredential {
  std::optional<ScramSecret> scram;
  std::string md5_hash;  // empty when unknown
};

class UserStore {
 public:
  static constexpr int kDefaultScramIterations = 4096;  // PostgreSQL's default

  // Adds or replaces `user` with a clear-text password. The password is registered with
  // RegisterSecret() so that it never reaches a log or an error message.
  Status AddUser(std::string_view user, std::string_view password,
                 int scram_iterations = kDefaultScramIterations);
  // Adds or replaces `user` from a stored verifier ("SCRAM-SHA-256$..." or "md5...").
  Status AddUserVerifier(std::string_view user, std::string_view verifier);

  static Result<UserStore> Parse(std::string_view text);
  static Result<UserStore> LoadFile(const std::string& path);

  // nullptr when the user is unknown.
  const UserCredential* Find(std::string_view user) const;
  size_t size() const { return users_.size(); }

 private:
  std::map<std::string, UserCredential, std::less<>> users_;
};

}  // namespace dynasink::pgwire
