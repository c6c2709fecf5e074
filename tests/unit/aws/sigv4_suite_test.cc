// Runs every case of the AWS SigV4 signing test suite (../shared/testdata/aws-sigv4-suite, the
// aws-c-auth vectors) through SigV4Signer: header signing must reproduce the canonical request,
// the string to sign, the signature and the signed request byte for byte, and presigning the
// query-* files likewise. Cases are discovered from the folder, and a missing suite fails.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aws/sigv4.h"

namespace dynasink::aws {
namespace {

namespace fs = std::filesystem;

fs::path SuiteDir() {
  if (const char* src = std::getenv("DYNASINK_SOURCE_DIR"); src != nullptr && *src != '\0') {
    return fs::path(src) / ".." / "shared" / "testdata" / "aws-sigv4-suite";
  }
  // This file is <root>/tests/unit/aws/sigv4_suite_test.cc.
  return fs::path(__FILE__).parent_path() / ".." / ".." / ".." / ".." / "shared" / "testdata" /
         "aws-sigv4-suite";
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(SuiteDir(), ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "request.txt")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string StripTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

// A raw HTTP request as the suite writes it. The request target may contain spaces, so the
// method ends at the first space and the version starts at the last. Continuation lines of a
// folded header are kept, line break included, for the signer to collapse.
struct RawRequest {
  std::string method;
  std::string target;
  Headers headers;
  std::string body;
};

RawRequest ParseRawRequest(const std::string& text) {
  RawRequest req;
  size_t line_end = text.find('\n');
  std::string first = text.substr(0, line_end);
  size_t sp1 = first.find(' ');
  size_t sp2 = first.rfind(' ');
  req.method = first.substr(0, sp1);
  req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end == std::string::npos ? text.size() : line_end + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.empty()) {
      req.body = text.substr(pos);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !req.headers.empty()) {
      req.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    req.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return req;
}

std::string HeaderValue(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

Clock::time_point ParseTimestamp(const std::string& text) {
  std::tm tm{};
  EXPECT_EQ(std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
                        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec),
            6);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return Clock::from_time_t(timegm(&tm));
}

struct Case {
  std::string name;
  fs::path dir;
  Credentials credentials;
  std::string region;
  std::string service;
  Clock::time_point now;
  std::chrono::seconds expires{3600};
  SigV4Options options;
  RawRequest raw;

  HttpRequest Request() const {
    HttpRequest request;
    request.method = raw.method;
    request.url = "https://" + HeaderValue(raw.headers, "Host") + raw.target;
    request.headers = raw.headers;
    request.body = raw.body;
    return request;
  }
  std::string Expected(const char* file) const { return ReadFile(dir / file); }
};

Case LoadCase(const std::string& name) {
  Case c;
  c.name = name;
  c.dir = SuiteDir() / name;
  rapidjson::Document doc;
  std::string json = ReadFile(c.dir / "context.json");
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << name << "/context.json";
  const auto& creds = doc["credentials"];
  c.credentials.access_key_id = creds["access_key_id"].GetString();
  c.credentials.secret_access_key = creds["secret_access_key"].GetString();
  if (creds.HasMember("token")) c.credentials.session_token = creds["token"].GetString();
  c.region = doc["region"].GetString();
  c.service = doc["service"].GetString();
  c.now = ParseTimestamp(doc["timestamp"].GetString());
  if (doc.HasMember("expiration_in_seconds")) {
    c.expires = std::chrono::seconds(doc["expiration_in_seconds"].GetInt());
  }
  c.options.normalize_path = doc["normalize"].GetBool();
  c.options.add_content_sha256_header = doc["sign_body"].GetBool();
  if (doc.HasMember("omit_session_token")) {
    c.options.omit_session_token = doc["omit_session_token"].GetBool();
  }
  c.raw = ParseRawRequest(ReadFile(c.dir / "request.txt"));
  return c;
}

Headers Sorted(Headers h) {
  std::sort(h.begin(), h.end());
  return h;
}

TEST(SigV4SuiteTest, SuiteIsPresent) {
  ASSERT_TRUE(fs::is_directory(SuiteDir()))
      << "the SigV4 test suite is missing at " << SuiteDir()
      << "; it belongs in ../shared/testdata/aws-sigv4-suite beside the repository";
  EXPECT_GE(CaseNames().size(), 30u) << "the suite at " << SuiteDir() << " looks incomplete";
}

class SigV4SuiteCase : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteCase, HeaderSigning) {
  Case c = LoadCase(GetParam());
  SigV4Signer signer(c.region, c.service, c.options);
  HttpRequest request = c.Request();
  SigningResult result = signer.Sign(request, c.credentials, c.now);

  EXPECT_EQ(result.canonical_request, c.Expected("header-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, c.Expected("header-string-to-sign.txt"));
  EXPECT_EQ(result.signature, StripTrailingNewlines(c.Expected("header-signature.txt")));

  RawRequest expected = ParseRawRequest(c.Expected("header-signed-request.txt"));
  EXPECT_EQ(HeaderValue(request.headers, "Authorization"),
            HeaderValue(expected.headers, "Authorization"));
  EXPECT_EQ(Sorted(request.headers), Sorted(expected.headers));
  EXPECT_EQ(request.body, expected.body);

  // Signing again (a retry) replaces the date, token and Authorization instead of adding more.
  SigningResult again = signer.Sign(request, c.credentials, c.now);
  EXPECT_EQ(again.signature, result.signature);
  EXPECT_EQ(Sorted(request.headers), Sorted(expected.headers));
}

TEST_P(SigV4SuiteCase, QuerySigning) {
  Case c = LoadCase(GetParam());
  if (!fs::exists(c.dir / "query-canonical-request.txt")) GTEST_SKIP() << "no query case";
  // Presigned URLs never carry x-amz-content-sha256; the suite hashes the body all the same.
  SigV4Options options = c.options;
  options.add_content_sha256_header = false;
  SigV4Signer signer(c.region, c.service, options);
  SigningResult result;
  HttpRequest request = c.Request();
  std::string url = signer.Presign(request, c.credentials, c.expires, c.now, &result);

  EXPECT_EQ(result.canonical_request, c.Expected("query-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, c.Expected("query-string-to-sign.txt"));
  EXPECT_EQ(result.signature, StripTrailingNewlines(c.Expected("query-signature.txt")));

  RawRequest expected = ParseRawRequest(c.Expected("query-signed-request.txt"));
  std::string prefix = "https://" + HeaderValue(c.raw.headers, "Host");
  ASSERT_EQ(url.substr(0, prefix.size()), prefix);
  EXPECT_EQ(url.substr(prefix.size()), expected.target);
}

INSTANTIATE_TEST_SUITE_P(Suite, SigV4SuiteCase, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SigV4SuiteCase);

}  // namespace
}  // namespace dynasink::aws
