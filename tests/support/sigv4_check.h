// VerifySigV4: checks the SigV4 Authorization of a request that a LocalHttpServer received,
// the way an AWS service does, so fake endpoints in tests reject what AWS would reject.
//
// It rebuilds the canonical request from what arrived on the wire (method, path, query, the
// headers named in SignedHeaders, the body), derives the signing key from the expected secret,
// and compares signatures. It also checks the credential scope (access key id, date, region,
// service), that host and x-amz-date are signed, the clock skew, the session token, and
// x-amz-content-sha256 when present. The error names the first problem found and, for a
// signature mismatch, includes the canonical request the server computed.
#pragma once

#include <chrono>
#include <string>

#include "common/status.h"
#include "support/local_http_server.h"

namespace dynasink::test {

struct SigV4Expectation {
  std::string access_key_id{};
  std::string secret_access_key{};
  std::string session_token{};  // when set, X-Amz-Security-Token must carry it and be signed
  std::string region{};
  std::string service{};
  // How far X-Amz-Date may be from the server's clock; AWS allows 15 minutes.
  std::chrono::seconds max_skew{15 * 60};
};

Status VerifySigV4(const ServerRequest& request, const SigV4Expectation& expected);

}  // namespace dynasink::test
