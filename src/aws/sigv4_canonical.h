// The building blocks of SigV4, shared by SigV4Signer and by code that verifies signatures
// (tests/support/sigv4_check.h). Each follows "Create a canonical request" of the AWS SigV4
// documentation and the aws-c-auth signing test suite byte for byte.
#pragma once

#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/crypto.h"
#include "aws/http_client.h"

namespace dynasink::aws::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
// SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Appends the canonical URI of `path` (as it appears in the URL). With `normalize`, "." and ".."
// segments and empty segments are removed (RFC 3986 remove_dot_segments plus slash collapsing);
// with `double_encode`, the path is percent-encoded as it stands (so "%20" becomes "%2520"),
// as every service but S3 expects; otherwise it is decoded first and encoded once.
void AppendCanonicalUri(std::string_view path, bool normalize, bool double_encode,
                        std::string* out);

// Appends the canonical query string: parameters decoded, strictly re-encoded, sorted by name
// then value, a missing '=' read as an empty value.
void AppendCanonicalQuery(std::string_view query, std::string* out);

// Appends `value` with leading and trailing whitespace removed and each inner run of whitespace
// (including folded line breaks) replaced by one space.
void AppendCanonicalHeaderValue(std::string_view value, std::string* out);

struct CanonicalHeaders {
  std::string block;         // "name:value\n" per header, sorted by name
  std::string signed_names;  // "name1;name2"
};

// Canonical headers of `headers`: names lower-cased and sorted, values of repeated names joined
// with ',' in request order. With `skip_unsigned`, headers that proxies and libraries rewrite
// (user-agent, expect, connection, transfer-encoding, x-amzn-trace-id, authorization) are left
// out, as the AWS SDKs do.
CanonicalHeaders BuildCanonicalHeaders(const Headers& headers, bool skip_unsigned);

// True if BuildCanonicalHeaders(..., true) leaves out a header called `lower_name`.
bool IsUnsignedHeader(std::string_view lower_name);

// "20150830T123600Z" for `when`, in UTC.
std::string FormatAmzDate(Clock::time_point when);

// "<date>/<region>/<service>/aws4_request", with the 8-digit date.
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
Sha256Digest DeriveSigningKey(std::string_view secret, std::string_view date,
                              std::string_view region, std::string_view service);

}  // namespace dynasink::aws::sigv4
