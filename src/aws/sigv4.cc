#include "aws/sigv4.h"

#include <algorithm>
#include <ctime>
#include <mutex>
#include <string_view>
#include <vector>

#include "aws/crypto.h"
#include "aws/sigv4_canonical.h"
#include "aws/url.h"

namespace dynasink::aws {
namespace sigv4 {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char ToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = ToLower(c);
  return out;
}

// remove_dot_segments, plus dropping empty segments so "//a//" becomes "/a/". A trailing slash,
// or a final "." or "..", leaves the result ending in '/'.
void NormalizeSegments(std::string_view path, std::string* out) {
  std::vector<std::string_view> segments;
  std::string_view last;
  size_t pos = 0;
  while (true) {
    size_t slash = path.find('/', pos);
    last = path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (last == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!last.empty() && last != ".") {
      segments.push_back(last);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  bool trailing_slash = last.empty() || last == "." || last == "..";
  out->push_back('/');
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out->push_back('/');
    out->append(segments[i]);
  }
  if (!segments.empty() && trailing_slash) out->push_back('/');
}

constexpr std::string_view kUnsignedHeaders[] = {
    "authorization", "user-agent", "expect", "connection", "transfer-encoding", "x-amzn-trace-id",
};

}  // namespace

void AppendCanonicalUri(std::string_view path, bool normalize, bool double_encode,
                        std::string* out) {
  if (path.empty()) {
    out->push_back('/');
    return;
  }
  std::string normalized;
  if (normalize) {
    NormalizeSegments(path, &normalized);
    path = normalized;
  }
  if (double_encode) {
    UriEncode(path, /*keep_slash=*/true, out);
  } else {
    UriEncode(PercentDecode(path), /*keep_slash=*/true, out);
  }
}

void AppendCanonicalQuery(std::string_view query, std::string* out) {
  if (query.empty()) return;
  std::vector<std::pair<std::string, std::string>> params;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    std::string_view pair =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string_view name = pair.substr(0, eq);
      std::string_view value =
          eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      params.emplace_back(UriEncode(PercentDecode(name)), UriEncode(PercentDecode(value)));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  std::sort(params.begin(), params.end());
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out->push_back('&');
    out->append(params[i].first);
    out->push_back('=');
    out->append(params[i].second);
  }
}

void AppendCanonicalHeaderValue(std::string_view value, std::string* out) {
  size_t begin = 0;
  size_t end = value.size();
  while (begin < end && IsSpace(value[begin]))
    ++begin;
  while (end > begin && IsSpace(value[end - 1]))
    --end;
  bool in_space = false;
  for (size_t i = begin; i < end; ++i) {
    if (IsSpace(value[i])) {
      in_space = true;
      continue;
    }
    if (in_space) out->push_back(' ');
    in_space = false;
    out->push_back(value[i]);
  }
}

bool IsUnsignedHeader(std::string_view lower_name) {
  return std::find(std::begin(kUnsignedHeaders), std::end(kUnsignedHeaders), lower_name) !=
         std::end(kUnsignedHeaders);
}

CanonicalHeaders BuildCanonicalHeaders(const Headers& headers, bool skip_unsigned) {
  struct Entry {
    std::string name;
    const std::string* value;
  };
  std::vector<Entry> entries;
  entries.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    std::string lower = Lower(name);
    if (skip_unsigned && IsUnsignedHeader(lower)) continue;
    entries.push_back({std::move(lower), &value});
  }
  // Stable, so repeated headers keep their request order when joined.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.name < b.name; });
  CanonicalHeaders result;
  result.block.reserve(headers.size() * 48);
  for (size_t i = 0; i < entries.size(); ++i) {
    bool continues = i > 0 && entries[i].name == entries[i - 1].name;
    if (continues) {
      result.block.back() = ',';  // replace the previous line's '\n'
    } else {
      if (!result.signed_names.empty()) result.signed_names.push_back(';');
      result.signed_names.append(entries[i].name);
      result.block.append(entries[i].name);
      result.block.push_back(':');
    }
    AppendCanonicalHeaderValue(*entries[i].value, &result.block);
    result.block.push_back('\n');
  }
  return result;
}

std::string FormatAmzDate(Clock::time_point when) {
  std::time_t t = Clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[17];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf, 16);
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string scope;
  scope.reserve(date.size() + region.size() + service.size() + 16);
  scope.append(date).append("/").append(region).append("/").append(service).append("/aws4_request");
  return scope;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string sts;
  sts.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 67);
  sts.append(kAlgorithm).push_back('\n');
  sts.append(amz_date).push_back('\n');
  sts.append(scope).push_back('\n');
  Sha256Digest hash = Sha256(canonical_request);
  AppendHex(&sts, hash.data(), hash.size());
  return sts;
}

Sha256Digest DeriveSigningKey(std::string_view secret, std::string_view date,
                              std::string_view region, std::string_view service) {
  std::string k_secret;
  k_secret.reserve(4 + secret.size());
  k_secret.append("AWS4").append(secret);
  Sha256Digest k = HmacSha256(k_secret, date);
  // Overwrite the copy of the secret; it is not needed past the first HMAC.
  std::fill(k_secret.begin(), k_secret.end(), '\0');
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

}  // namespace sigv4

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const std::string* FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (IEquals(n, name)) return &v;
  }
  return nullptr;
}

void EraseHeaders(Headers& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return IEquals(h.first, name); });
}

// The parts of a request the canonical request needs, from its URL. A URL that does not parse
// is signed as if its path were "/" and its host empty: the request then fails at the HTTP
// layer with a clear error, which is more useful than a signing error.
struct Target {
  std::string_view authority;
  std::string_view path;
  std::string_view query;
};

Target TargetOf(const std::string& url) {
  Result<UrlParts> parts = ParseUrl(url);
  if (!parts.ok()) return {};
  return {parts->authority, parts->path, parts->query};
}

void AppendCanonicalRequestHead(std::string_view method, const Target& target,
                                const SigV4Options& options, std::string_view query,
                                std::string* out) {
  out->append(method).push_back('\n');
  sigv4::AppendCanonicalUri(target.path, options.normalize_path, options.double_encode_path, out);
  out->push_back('\n');
  sigv4::AppendCanonicalQuery(query, out);
  out->push_back('\n');
}

std::string Authorization(std::string_view access_key_id, std::string_view scope,
                          std::string_view signed_names, std::string_view signature) {
  std::string auth;
  auth.reserve(sigv4::kAlgorithm.size() + access_key_id.size() + scope.size() +
               signed_names.size() + signature.size() + 48);
  auth.append(sigv4::kAlgorithm)
      .append(" Credential=")
      .append(access_key_id)
      .append("/")
      .append(scope)
      .append(", SignedHeaders=")
      .append(signed_names)
      .append(", Signature=")
      .append(signature);
  return auth;
}

}  // namespace

// A handful of recent (secret, date) keys. One signer usually sees one secret per day; a few
// slots cover rotation of temporary credentials without thrashing.
struct SigV4Signer::KeyCache {
  struct Entry {
    std::string secret;
    std::string date;
    Sha256Digest key;
  };
  static constexpr size_t kSlots = 4;
  std::mutex mu;
  Entry entries[kSlots];
  size_t next = 0;
};

SigV4Signer::SigV4Signer(std::string region, std::string service, SigV4Options options)
    : region_(std::move(region)),
      service_(std::move(service)),
      options_(options),
      cache_(std::make_shared<KeyCache>()) {}

Sha256Digest SigV4Signer::SigningKey(const std::string& secret, std::string_view date) const {
  {
    std::lock_guard<std::mutex> lock(cache_->mu);
    for (const KeyCache::Entry& e : cache_->entries) {
      if (e.date == date && e.secret == secret) return e.key;
    }
  }
  // Derived outside the lock: four HMACs, and two threads racing here both get the right key.
  Sha256Digest key = sigv4::DeriveSigningKey(secret, date, region_, service_);
  std::lock_guard<std::mutex> lock(cache_->mu);
  KeyCache::Entry& slot = cache_->entries[cache_->next];
  cache_->next = (cache_->next + 1) % KeyCache::kSlots;
  slot.secret = secret;
  slot.date = std::string(date);
  slot.key = key;
  return key;
}

SigningResult SigV4Signer::Sign(HttpRequest& request, const Credentials& credentials,
                                Clock::time_point now) const {
  EraseHeaders(request.headers, "authorization");
  EraseHeaders(request.headers, "x-amz-date");
  EraseHeaders(request.headers, "x-amz-security-token");

  const Target target = TargetOf(request.url);
  std::string amz_date = sigv4::FormatAmzDate(now);
  std::string_view date = std::string_view(amz_date).substr(0, 8);

  if (FindHeader(request.headers, "host") == nullptr) {
    request.headers.emplace_back("Host", std::string(target.authority));
  }
  request.headers.emplace_back("X-Amz-Date", amz_date);
  bool has_token = !credentials.session_token.empty();
  if (has_token && !options_.omit_session_token) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }

  std::string payload_hash;
  if (const std::string* given = FindHeader(request.headers, "x-amz-content-sha256")) {
    payload_hash = *given;
  } else if (request.body.empty()) {
    payload_hash = sigv4::kEmptyPayloadHash;
  } else {
    payload_hash = Sha256Hex(request.body);
  }
  if (options_.add_content_sha256_header &&
      FindHeader(request.headers, "x-amz-content-sha256") == nullptr) {
    request.headers.emplace_back("x-amz-content-sha256", payload_hash);
  }

  sigv4::CanonicalHeaders headers = sigv4::BuildCanonicalHeaders(request.headers, true);

  SigningResult result;
  std::string& creq = result.canonical_request;
  creq.reserve(request.method.size() + target.path.size() + target.query.size() +
               headers.block.size() + headers.signed_names.size() + 80);
  AppendCanonicalRequestHead(request.method, target, options_, target.query, &creq);
  creq.append(headers.block).push_back('\n');
  creq.append(headers.signed_names).push_back('\n');
  creq.append(payload_hash);

  std::string scope = sigv4::CredentialScope(date, region_, service_);
  result.string_to_sign = sigv4::StringToSign(amz_date, scope, creq);
  Sha256Digest signature =
      HmacSha256(SigningKey(credentials.secret_access_key, date), result.string_to_sign);
  result.signature = Hex(signature);
  result.authorization =
      Authorization(credentials.access_key_id, scope, headers.signed_names, result.signature);
  request.headers.emplace_back("Authorization", result.authorization);
  if (has_token && options_.omit_session_token) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  return result;
}

std::string SigV4Signer::Presign(const HttpRequest& request, const Credentials& credentials,
                                 std::chrono::seconds expires, Clock::time_point now,
                                 SigningResult* out) const {
  const Target target = TargetOf(request.url);
  std::string amz_date = sigv4::FormatAmzDate(now);
  std::string_view date = std::string_view(amz_date).substr(0, 8);
  std::string scope = sigv4::CredentialScope(date, region_, service_);
  long long expires_s = std::clamp<long long>(expires.count(), 1, 7 * 24 * 3600);

  Headers headers = request.headers;
  if (FindHeader(headers, "host") == nullptr) {
    headers.emplace_back("host", std::string(target.authority));
  }
  sigv4::CanonicalHeaders canonical = sigv4::BuildCanonicalHeaders(headers, true);

  // The added parameters, in the order the AWS SDKs append them.
  std::string added;
  added.append("X-Amz-Algorithm=").append(sigv4::kAlgorithm);
  added.append("&X-Amz-Credential=");
  UriEncode(std::string(credentials.access_key_id) + "/" + scope, false, &added);
  added.append("&X-Amz-Date=").append(amz_date);
  added.append("&X-Amz-SignedHeaders=");
  UriEncode(canonical.signed_names, false, &added);
  added.append("&X-Amz-Expires=").append(std::to_string(expires_s));
  std::string token_param;
  if (!credentials.session_token.empty()) {
    token_param.append("&X-Amz-Security-Token=");
    UriEncode(credentials.session_token, false, &token_param);
  }
  if (!options_.omit_session_token) added.append(token_param);

  std::string signed_query(target.query);
  if (!signed_query.empty()) signed_query.push_back('&');
  signed_query.append(added);

  std::string payload_hash;
  if (const std::string* given = FindHeader(headers, "x-amz-content-sha256")) {
    payload_hash = *given;
  } else {
    payload_hash = Sha256Hex(request.body);
  }

  SigningResult result;
  std::string& creq = result.canonical_request;
  AppendCanonicalRequestHead(request.method, target, options_, signed_query, &creq);
  creq.append(canonical.block).push_back('\n');
  creq.append(canonical.signed_names).push_back('\n');
  creq.append(payload_hash);
  result.string_to_sign = sigv4::StringToSign(amz_date, scope, creq);
  result.signature =
      Hex(HmacSha256(SigningKey(credentials.secret_access_key, date), result.string_to_sign));

  // The URL as given (without a fragment), then our parameters after the original query.
  std::string url = request.url;
  if (size_t hash = url.find('#'); hash != std::string::npos) url.resize(hash);
  if (url.find('?') == std::string::npos) {
    url.push_back('?');
  } else if (url.back() != '?' && url.back() != '&') {
    url.push_back('&');
  }
  url.append(added);
  if (options_.omit_session_token) url.append(token_param);
  url.append("&X-Amz-Signature=").append(result.signature);
  if (out != nullptr) *out = std::move(result);
  return url;
}

}  // namespace dynasink::aws
