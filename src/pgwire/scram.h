// The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it over SASL.
//
// One ScramServer handles one exchange:
//   client-first-message  -> HandleClientFirst  -> server-first-message
//   client-final-message  -> HandleClientFinal  -> server-final-message ("v=<ServerSignature>")
// Channel binding is not offered (the server has no TLS), so the gs2 header must be "n,," or
// "y,,"; "p=..." and an authorization identity ("a=...") are refused. As in PostgreSQL, the user
// name inside the SCRAM message is ignored: the user is the one from the startup packet.
//
// An unknown user gets a mock exchange (MockScramSecret) that looks like a real one and fails
// at the end, so that a client cannot probe which users exist.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "pgwire/auth.h"

namespace dynasink::pgwire {

inline constexpr std::string_view kScramMechanism = "SCRAM-SHA-256";

// A stable fake secret for an unknown user: the salt is derived from the name with a
// per-process random key, so repeated attempts see the same salt, as for a real user.
ScramSecret MockScramSecret(std::string_view user);

class ScramServer {
 public:
  // `secret` is the user's secret; `mock` marks an exchange for an unknown user (always fails).
  // `server_nonce` is for tests (RFC test vectors); empty picks 18 random bytes.
  ScramServer(ScramSecret secret, bool mock, std::string server_nonce = "");

  // Errors: 08P01 for a malformed message, 0A000 for unsupported features.
  Result<std::string> HandleClientFirst(std::string_view message);
  // Errors: 08P01 for a malformed message; PermissionDenied (28P01) for a wrong password.
  Result<std::string> HandleClientFinal(std::string_view message);

 private:
  ScramSecret secret_;
  bool mock_;
  std::string server_nonce_;
  std::string gs2_header_;         // "n,," or "y,,"
  std::string client_first_bare_;  // "n=...,r=..."
  std::string server_first_;
  std::string nonce_;  // client nonce + server nonce
  bool first_done_ = false;
};

}  // namespace dynasink::pgwire
