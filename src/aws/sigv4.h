// AWS Signature Version 4 (header signing, and presigned URLs).
//
// Sign() adds X-Amz-Date, X-Amz-Security-Token (with a session token), Host (from the URL, when
// absent) and Authorization to a request, signing every header present except those that
// proxies rewrite (see sigv4_canonical.h). Signing the same request again, e.g. for a retry,
// replaces the previous X-Amz-Date, X-Amz-Security-Token and Authorization. The signing key is
// derived once per (secret, date) for the signer's region and service and cached, so a signature
// costs two SHA-256 passes over small strings, one HMAC and the hash of the body.
//
// The canonical request and string to sign are exposed for tests and diagnostics; they follow
// the AWS SigV4 test suite byte for byte. A SigV4Signer is immutable apart from its key cache and
// safe to share between threads; copies share the cache.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "aws/credentials.h"
#include "aws/http_client.h"

namespace dynasink::aws {

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
};

struct SigV4Options {
  // Remove "." / ".." / empty path segments before signing. True for every service but S3.
  bool normalize_path = true;
  // Percent-encode the path as it appears in the URL (so it is encoded twice on the wire). True
  // for every service but S3.
  bool double_encode_path = true;
  // Add x-amz-content-sha256 (the body hash) as a signed header. S3 requires it; DynamoDB and
  // STS do not, so it is off to keep requests small.
  bool add_content_sha256_header = false;
  // Send X-Amz-Security-Token without signing it (a few services, e.g. IoT, want this).
  bool omit_session_token = false;
};

class SigV4Signer {
 public:
  SigV4Signer(std::string region, std::string service, SigV4Options options = {});

  // Signs `request` in place at time `now`. The body is hashed unless the caller already set
  // x-amz-content-sha256 (whose value is then used as the payload hash).
  SigningResult Sign(HttpRequest& request, const Credentials& credentials,
                     Clock::time_point now = Clock::now()) const;

  // Returns `request.url` with X-Amz-* query parameters that authorise it for `expires`, which
  // is clamped to 1 second .. 7 days (AWS's limit). Headers of `request` are signed as well and
  // must be sent unchanged with the URL. `result`, when given, receives the intermediate strings.
  std::string Presign(const HttpRequest& request, const Credentials& credentials,
                      std::chrono::seconds expires, Clock::time_point now = Clock::now(),
                      SigningResult* result = nullptr) const;

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }
  const SigV4Options& options() const { return options_; }

 private:
  struct KeyCache;
  // The derived key for (secret, 8-digit date), from the cache when possible.
  std::array<uint8_t, 32> SigningKey(const std::string& secret, std::string_view date) const;

  std::string region_;
  std::string service_;
  SigV4Options options_;
  std::shared_ptr<KeyCache> cache_;
};

}  // namespace dynasink::aws
