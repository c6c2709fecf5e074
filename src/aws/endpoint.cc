#include "aws/endpoint.h"

#include <fmt/format.h>

#include <cctype>

#include "common/redact.h"

namespace dynasink::aws {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Status Invalid(std::string_view url, std::string_view why) {
  return Status::InvalidArgument(fmt::format(
      "invalid endpoint URL '{}': {}; expected http(s)://host[:port]", Redact(url), why));
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

}  // namespace

Status ValidateRegion(std::string_view region) {
  if (region.empty()) {
    return Status::InvalidArgument(
        "no AWS region: set aws.region (or AWS_REGION / AWS_DEFAULT_REGION)");
  }
  bool ok = region.size() <= 64 && region.front() != '-' && region.back() != '-';
  for (char c : region) {
    ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                std::isdigit(static_cast<unsigned char>(c)) || c == '-');
  }
  if (!ok) {
    return Status::InvalidArgument(fmt::format(
        "invalid AWS region '{}': expected a name such as us-east-1 (lower-case letters, digits "
        "and '-')",
        region));
  }
  return Status::OK();
}

Result<Endpoint> ParseEndpointUrl(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Invalid(url, "no scheme");
  Endpoint e;
  e.scheme = Lower(url.substr(0, sep));
  if (e.scheme != "http" && e.scheme != "https") {
    return Invalid(url, fmt::format("scheme '{}' is not http or https", e.scheme));
  }
  std::string_view rest = url.substr(sep + 3);
  size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view tail = auth_end == std::string_view::npos ? "" : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos) {
    // Never echo it: user info in a URL is usually a secret.
    return Status::InvalidArgument(
        "invalid endpoint URL: it contains user info ('user@'); credentials belong in the "
        "aws.credentials.* options");
  }
  if (tail.find_first_of("?#") != std::string_view::npos) {
    return Invalid(url, "a query or fragment is not allowed");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return Invalid(url, "it contains a space or control character");
    }
  }
  std::string_view port_text;
  bool ipv6 = false;
  if (StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(url, "unterminated IPv6 address");
    std::string_view addr = authority.substr(1, close - 1);
    for (char c : addr) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return Invalid(url, "bad IPv6 address");
      }
    }
    if (addr.empty()) return Invalid(url, "empty IPv6 address");
    e.host = Lower(addr);
    ipv6 = true;
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Invalid(url, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return Invalid(url, "empty port");
    }
  } else {
    size_t colon = authority.find(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return Invalid(url, "empty port");
    }
    if (host.empty()) return Invalid(url, "no host");
    for (char c : host) {
      if (!IsHostChar(c)) return Invalid(url, fmt::format("bad character '{}' in the host", c));
    }
    e.host = Lower(host);
  }
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) {
        return Invalid(url, "the port is not a number from 1 to 65535");
      }
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return Invalid(url, "the port is not a number from 1 to 65535");
    e.port = port;
  }
  e.path = tail.empty() ? "/" : std::string(tail);
  e.url = e.scheme + "://" + (ipv6 ? "[" + e.host + "]" : e.host);
  if (e.port != 0) e.url += fmt::format(":{}", e.port);
  e.url += e.path;
  return e;
}

Result<Endpoint> ResolveEndpoint(std::string_view service, std::string_view region,
                                 std::string_view override_url) {
  if (!override_url.empty()) return ParseEndpointUrl(override_url);
  DS_RETURN_IF_ERROR(ValidateRegion(region));
  std::string_view suffix = "amazonaws.com";
  if (StartsWith(region, "cn-")) {
    suffix = "amazonaws.com.cn";
  } else if (StartsWith(region, "us-isob-")) {
    suffix = "sc2s.sgov.gov";
  } else if (StartsWith(region, "us-iso-")) {
    suffix = "c2s.ic.gov";
  }
  Endpoint e;
  e.scheme = "https";
  e.host = fmt::format("{}.{}.{}", service, region, suffix);
  e.path = "/";
  e.url = "https://" + e.host + "/";
  return e;
}

}  // namespace dynasink::aws
