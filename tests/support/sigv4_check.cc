#include "support/sigv4_check.h"

#include <ctime>
#include <string_view>
#include <vector>

#include "aws/crypto.h"
#include "aws/sigv4_canonical.h"

namespace dynasink::test {
namespace {

namespace sigv4 = aws::sigv4;

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = text.find(sep);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text = text.substr(at + 1);
  }
  return parts;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

// Parses "20150830T123600Z". False if malformed.
bool ParseAmzDate(std::string_view text, std::time_t* out) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  std::tm tm{};
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *out = timegm(&tm);
  return true;
}

Status Denied(std::string message) {
  return Status::PermissionDenied(std::move(message));
}

}  // namespace

Status VerifySigV4(const ServerRequest& request, const SigV4Expectation& expected) {
  std::string_view auth = request.header("authorization");
  if (auth.empty()) return Denied("missing Authorization header");
  if (!auth.starts_with(sigv4::kAlgorithm) || auth.size() <= sigv4::kAlgorithm.size() ||
      auth[sigv4::kAlgorithm.size()] != ' ') {
    return Denied("Authorization does not start with 'AWS4-HMAC-SHA256 '");
  }
  std::string_view credential, signed_names, signature;
  for (std::string_view part : Split(auth.substr(sigv4::kAlgorithm.size() + 1), ',')) {
    part = TrimSpaces(part);
    if (part.starts_with("Credential="))
      credential = part.substr(11);
    else if (part.starts_with("SignedHeaders="))
      signed_names = part.substr(14);
    else if (part.starts_with("Signature="))
      signature = part.substr(10);
    else
      return Denied("unexpected Authorization component '" + std::string(part) + "'");
  }
  if (credential.empty() || signed_names.empty() || signature.empty()) {
    return Denied("Authorization lacks Credential, SignedHeaders or Signature");
  }

  std::vector<std::string_view> scope = Split(credential, '/');
  if (scope.size() != 5 || scope[4] != "aws4_request") {
    return Denied("malformed credential scope '" + std::string(credential) + "'");
  }
  if (scope[0] != expected.access_key_id) {
    return Denied("unknown access key id '" + std::string(scope[0]) + "'");
  }
  if (scope[2] != expected.region) {
    return Denied("credential scope names region '" + std::string(scope[2]) + "', expected '" +
                  expected.region + "'");
  }
  if (scope[3] != expected.service) {
    return Denied("credential scope names service '" + std::string(scope[3]) + "', expected '" +
                  expected.service + "'");
  }

  std::string_view amz_date = request.header("x-amz-date");
  std::time_t signed_at = 0;
  if (!ParseAmzDate(amz_date, &signed_at)) return Denied("missing or malformed X-Amz-Date");
  if (amz_date.substr(0, 8) != scope[1]) {
    return Denied("credential scope date does not match X-Amz-Date");
  }
  std::time_t now = std::time(nullptr);
  if (std::abs(static_cast<double>(now - signed_at)) >
      static_cast<double>(expected.max_skew.count())) {
    return Denied("signature expired or not yet valid: X-Amz-Date " + std::string(amz_date) +
                  " is too far from the server's clock");
  }

  std::vector<std::string_view> names = Split(signed_names, ';');
  auto is_signed = [&](std::string_view name) {
    for (std::string_view n : names) {
      if (n == name) return true;
    }
    return false;
  };
  if (!is_signed("host")) return Denied("the host header is not signed");
  if (!is_signed("x-amz-date")) return Denied("x-amz-date is not signed");
  if (!expected.session_token.empty()) {
    if (request.header("x-amz-security-token") != expected.session_token) {
      return Denied("X-Amz-Security-Token is missing or wrong");
    }
    if (!is_signed("x-amz-security-token")) return Denied("x-amz-security-token is not signed");
  }

  aws::Headers signed_headers;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty() || (i > 0 && names[i] <= names[i - 1])) {
      return Denied("SignedHeaders is not a sorted list of lower-case names");
    }
    std::vector<std::string> values = request.header_values(names[i]);
    if (values.empty()) {
      return Denied("signed header '" + std::string(names[i]) + "' is not in the request");
    }
    for (std::string& v : values)
      signed_headers.emplace_back(std::string(names[i]), std::move(v));
  }

  std::string body_hash = aws::Sha256Hex(request.body);
  std::string payload_hash = body_hash;
  if (std::string_view given = request.header("x-amz-content-sha256"); !given.empty()) {
    if (given != body_hash && given != "UNSIGNED-PAYLOAD") {
      return Denied("x-amz-content-sha256 does not match the body");
    }
    payload_hash = std::string(given);
  }

  sigv4::CanonicalHeaders canonical = sigv4::BuildCanonicalHeaders(signed_headers, false);
  std::string creq;
  creq.append(request.method).push_back('\n');
  sigv4::AppendCanonicalUri(request.path, /*normalize=*/true, /*double_encode=*/true, &creq);
  creq.push_back('\n');
  sigv4::AppendCanonicalQuery(request.query, &creq);
  creq.push_back('\n');
  creq.append(canonical.block).push_back('\n');
  creq.append(canonical.signed_names).push_back('\n');
  creq.append(payload_hash);

  std::string sts =
      sigv4::StringToSign(amz_date, sigv4::CredentialScope(scope[1], scope[2], scope[3]), creq);
  aws::Sha256Digest key =
      sigv4::DeriveSigningKey(expected.secret_access_key, scope[1], scope[2], scope[3]);
  std::string computed = aws::Hex(aws::HmacSha256(key, sts));
  if (computed != signature) {
    return Denied("the request signature does not match; the canonical request was:\n" + creq);
  }
  return Status::OK();
}

}  // namespace dynasink::test
