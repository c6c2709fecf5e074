#include "common/redact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <set>

namespace dynasink {
namespace {

constexpr std::string_view kMask = "<redacted>";

std::mutex& SecretsMutex() {
  static std::mutex m;
  return m;
}
std::set<std::string, std::greater<>>& Secrets() {  // longest-first is not needed; any order works
  static std::set<std::string, std::greater<>> s;
  return s;
}

// Field names whose value is secret. Matched case-insensitively. "authorization" also masks
// the scheme, since the credential scope and signature follow it.
constexpr std::array<std::string_view, 13> kSecretFields = {
    "authorization",
    "x-amz-security-token",
    "x-amz-signature",
    "x-amz-credential",
    "aws_secret_access_key",
    "aws_session_token",
    "secretaccesskey",
    "sessiontoken",
    "aws.credentials.secret_access_key",
    "aws.credentials.session_token",
    "secret_key",
    "session_token",
    "\"token\"",
};

bool IEqualsAt(std::string_view text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) != word[i]) return false;
  }
  return true;
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// Masks the value that follows a secret field name at [pos, pos+len) in `out`. Returns the
// position to continue scanning from.
size_t MaskValueAfter(std::string& out, size_t pos, size_t len) {
  size_t i = pos + len;
  // Skip the closing quote of a JSON key, spaces, and one separator: ':' or '=', or the '>'
  // that ends an XML start tag (then the value runs to the next '<').
  while (i < out.size() && (out[i] == '"' || out[i] == '\'' || out[i] == ' ')) ++i;
  if (i >= out.size() || (out[i] != ':' && out[i] != '=' && out[i] != '>')) return pos + len;
  bool xml = out[i] == '>';
  ++i;
  while (i < out.size() && (out[i] == ' ' || out[i] == '\t')) ++i;
  char quote = 0;
  if (i < out.size() && (out[i] == '"' || out[i] == '\'')) quote = out[i++];
  size_t start = i;
  size_t end = start;
  if (quote) {
    while (end < out.size() && out[end] != quote) ++end;
  } else if (xml) {
    while (end < out.size() && out[end] != '<') ++end;
  } else if (IEqualsAt(out, pos, "authorization")) {
    // The whole header value, up to the end of the line.
    while (end < out.size() && out[end] != '\n' && out[end] != '\r' && out[end] != '"') ++end;
  } else {
    while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end])) &&
           out[end] != ',' && out[end] != '&' && out[end] != ';' && out[end] != ')' &&
           out[end] != '"' && out[end] != '}') {
      ++end;
    }
  }
  if (end == start) return i;
  out.replace(start, end - start, kMask);
  return start + kMask.size();
}

void MaskFields(std::string& out) {
  for (size_t pos = 0; pos < out.size();) {
    bool matched = false;
    if (pos == 0 || !IsIdentChar(out[pos - 1]) || out[pos] == '"') {
      for (std::string_view field : kSecretFields) {
        if (IEqualsAt(out, pos, field) &&
            (field.back() == '"' || pos + field.size() >= out.size() ||
             !IsIdentChar(out[pos + field.size()]))) {
          pos = MaskValueAfter(out, pos, field.size());
          matched = true;
          break;
        }
      }
    }
    if (!matched) ++pos;
  }
}

// AKIA/ASIA followed by 16 upper-case letters or digits: keep the last four.
void MaskAccessKeyIds(std::string& out) {
  for (size_t pos = 0; pos + 20 <= out.size(); ++pos) {
    if (!(out.compare(pos, 4, "AKIA") == 0 || out.compare(pos, 4, "ASIA") == 0)) continue;
    if (pos > 0 && std::isalnum(static_cast<unsigned char>(out[pos - 1]))) continue;
    bool all = true;
    for (size_t i = pos + 4; i < pos + 20; ++i) {
      char c = out[i];
      if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)))) {
        all = false;
        break;
      }
    }
    if (!all || (pos + 20 < out.size() && std::isalnum(static_cast<unsigned char>(out[pos + 20])))) continue;
    for (size_t i = pos + 4; i < pos + 16; ++i) out[i] = '*';
    pos += 19;
  }
}

}  // namespace

void RegisterSecret(std::string_view secret) {
  if (secret.size() < 8) return;  // too short to mask safely without mangling ordinary text
  std::lock_guard<std::mutex> lock(SecretsMutex());
  if (Secrets().size() < 1024) Secrets().emplace(secret);
}

std::string Redact(std::string_view text) {
  std::string out(text);
  {
    std::lock_guard<std::mutex> lock(SecretsMutex());
    for (const std::string& secret : Secrets()) {
      for (size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos)) {
        out.replace(pos, secret.size(), kMask);
        pos += kMask.size();
      }
    }
  }
  MaskFields(out);
  MaskAccessKeyIds(out);
  return out;
}

}  // namespace dynasink
