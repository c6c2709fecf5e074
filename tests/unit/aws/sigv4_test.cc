// SigV4Signer beyond the AWS suite: double encoding, Host handling, re-signing, the key cache
// under concurrency, and signatures that a server-side check (tests/support/sigv4_check.h)
// accepts on the wire or rejects when tampered with.
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "aws/crypto.h"
#include "aws/sigv4_canonical.h"
#include "support/local_http_server.h"
#include "support/sigv4_check.h"

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;

Credentials Creds(std::string token = "") {
  return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", std::move(token), {}};
}

std::string HeaderValue(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

int Count(const Headers& headers, std::string_view name) {
  int n = 0;
  for (const auto& [k, v] : headers)
    n += k == name;
  return n;
}

TEST(CryptoTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), sigv4::kEmptyPayloadHash);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2, and case 6 (a key longer than the block size).
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Hex(HmacSha256(std::string(131, '\xaa'),
                           "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(SigV4CanonicalTest, UriDoubleEncodingAndNormalisation) {
  std::string out;
  sigv4::AppendCanonicalUri("/a%20b/c d", true, true, &out);
  EXPECT_EQ(out, "/a%2520b/c%20d");
  out.clear();
  sigv4::AppendCanonicalUri("/a%20b/c d", false, false, &out);  // S3 style: encoded once
  EXPECT_EQ(out, "/a%20b/c%20d");
  out.clear();
  sigv4::AppendCanonicalUri("/a/b/../c/./d//", true, true, &out);
  EXPECT_EQ(out, "/a/c/d/");
  out.clear();
  sigv4::AppendCanonicalUri("", true, true, &out);
  EXPECT_EQ(out, "/");
}

TEST(SigV4CanonicalTest, QuerySortedAndEncoded) {
  std::string out;
  sigv4::AppendCanonicalQuery("b=2&a=z&a=y&c&d=a+b&e=%7e%2F", &out);
  EXPECT_EQ(out, "a=y&a=z&b=2&c=&d=a%2Bb&e=~%2F");
}

TEST(SigV4CanonicalTest, HeaderValuesTrimmedAndCollapsed) {
  std::string out;
  sigv4::AppendCanonicalHeaderValue("  a \t b\r\n   c  ", &out);
  EXPECT_EQ(out, "a b c");
}

TEST(SigV4CanonicalTest, UnsignedHeadersAreLeftOut) {
  Headers headers = {{"User-Agent", "x"},
                     {"Host", "h"},
                     {"Expect", "100-continue"},
                     {"X-Amzn-Trace-Id", "t"},
                     {"Content-Type", "c"}};
  auto canonical = sigv4::BuildCanonicalHeaders(headers, true);
  EXPECT_EQ(canonical.signed_names, "content-type;host");
  EXPECT_EQ(canonical.block, "content-type:c\nhost:h\n");
}

TEST(SigV4SignerTest, AddsHostFromUrlWithPort) {
  SigV4Signer signer("us-east-1", "dynamodb");
  HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:8000/";
  req.body = "{}";
  SigningResult r = signer.Sign(req, Creds());
  EXPECT_EQ(HeaderValue(req.headers, "Host"), "127.0.0.1:8000");
  EXPECT_NE(r.canonical_request.find("host:127.0.0.1:8000\n"), std::string::npos);
  EXPECT_TRUE(r.canonical_request.ends_with(Sha256Hex("{}")));
  EXPECT_EQ(Count(req.headers, "x-amz-content-sha256"), 0);
}

TEST(SigV4SignerTest, SessionTokenAndResigning) {
  SigV4Signer signer("eu-west-1", "sts");
  HttpRequest req;
  req.method = "POST";
  req.url = "https://sts.eu-west-1.amazonaws.com/";
  auto t0 = Clock::from_time_t(1700000000);
  SigningResult first = signer.Sign(req, Creds("token-one"), t0);
  EXPECT_EQ(HeaderValue(req.headers, "X-Amz-Security-Token"), "token-one");
  EXPECT_NE(first.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token"),
            std::string::npos);
  EXPECT_NE(first.authorization.find("/20231114/eu-west-1/sts/aws4_request"), std::string::npos);

  SigningResult second = signer.Sign(req, Creds("token-two"), t0 + 10s);
  EXPECT_EQ(Count(req.headers, "Authorization"), 1);
  EXPECT_EQ(Count(req.headers, "X-Amz-Date"), 1);
  EXPECT_EQ(Count(req.headers, "X-Amz-Security-Token"), 1);
  EXPECT_EQ(Count(req.headers, "Host"), 1);
  EXPECT_EQ(HeaderValue(req.headers, "X-Amz-Security-Token"), "token-two");
  EXPECT_NE(first.signature, second.signature);
}

TEST(SigV4SignerTest, CallerProvidedPayloadHash) {
  SigV4Signer signer("us-east-1", "s3", {.normalize_path = false, .double_encode_path = false});
  HttpRequest req;
  req.method = "PUT";
  req.url = "https://bucket.s3.amazonaws.com/key";
  req.body = "data";
  req.headers.emplace_back("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  SigningResult r = signer.Sign(req, Creds());
  EXPECT_TRUE(r.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4SignerTest, KeyCacheIsPerSecretAndDateAndThreadSafe) {
  SigV4Signer signer("us-east-1", "dynamodb");
  auto day1 = Clock::from_time_t(1700000000);
  auto day2 = day1 + 24h;
  auto sign = [&](const Credentials& c, Clock::time_point when) {
    HttpRequest req;
    req.method = "POST";
    req.url = "https://dynamodb.us-east-1.amazonaws.com/";
    req.body = "{}";
    return signer.Sign(req, c, when).signature;
  };
  Credentials a = Creds();
  Credentials b = Creds();
  b.secret_access_key = "another/secret+key+0123456789abcdefghij";
  std::string a1 = sign(a, day1), b1 = sign(b, day1), a2 = sign(a, day2);
  EXPECT_NE(a1, b1);
  EXPECT_NE(a1, a2);

  // Reference values computed without the cache.
  auto reference = [&](const Credentials& c, Clock::time_point when) {
    SigV4Signer fresh("us-east-1", "dynamodb");
    HttpRequest req;
    req.method = "POST";
    req.url = "https://dynamodb.us-east-1.amazonaws.com/";
    req.body = "{}";
    return fresh.Sign(req, c, when).signature;
  };
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const Credentials& c = (i + t) % 3 == 0 ? b : a;
        Clock::time_point when = (i % 2) ? day1 : day2 + std::chrono::hours(24 * (i % 5));
        if (sign(c, when) != reference(c, when)) ++wrong;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(SigV4SignerTest, PresignAppendsParameters) {
  SigV4Signer signer("us-east-1", "service");
  HttpRequest req;
  req.url = "https://example.amazonaws.com/path?a=1#frag";
  std::string url = signer.Presign(req, Creds("tok/en"), 3600s, Clock::from_time_t(1440938160));
  EXPECT_TRUE(url.starts_with("https://example.amazonaws.com/path?a=1&X-Amz-Algorithm="));
  EXPECT_NE(url.find("&X-Amz-Security-Token=tok%2Fen&"), std::string::npos);
  EXPECT_NE(url.find("&X-Amz-Signature="), std::string::npos);
  EXPECT_EQ(url.find('#'), std::string::npos);
  // Expiry is clamped to AWS's maximum of 7 days.
  std::string week = signer.Presign(req, Creds(), std::chrono::hours(24 * 30));
  EXPECT_NE(week.find("X-Amz-Expires=604800"), std::string::npos);
}

// End to end: a signed request sent over HTTP is accepted by the server-side check, which also
// catches a wrong secret, a tampered body and a wrong region.
TEST(SigV4CheckTest, SignedRequestsVerifyOnTheWire) {
  std::mutex mu;
  std::vector<test::ServerRequest> received;
  test::LocalHttpServer server([&](const test::ServerRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    received.push_back(req);
    return test::ServerResponse::Json(200, "{}");
  });
  auto client = HttpClient::Create();
  SigV4Signer signer("us-west-2", "dynamodb");
  HttpRequest req;
  req.method = "POST";
  req.url = server.url() + "/";
  req.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                 {"X-Amz-Target", "DynamoDB_20120810.ListTables"},
                 {"User-Agent", "dynasink-test"}};
  req.body = R"({"Limit":  5})";
  signer.Sign(req, Creds("session-token-value"));
  ASSERT_TRUE(client->SendSync(req).ok());

  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(received.size(), 1u);
  test::SigV4Expectation expect;
  expect.access_key_id = "AKIDEXAMPLE";
  expect.secret_access_key = Creds().secret_access_key;
  expect.session_token = "session-token-value";
  expect.region = "us-west-2";
  expect.service = "dynamodb";
  Status ok = test::VerifySigV4(received[0], expect);
  EXPECT_TRUE(ok.ok()) << ok.ToString();

  test::SigV4Expectation wrong_secret = expect;
  wrong_secret.secret_access_key = "not-the-secret-at-all-0123456789";
  Status bad = test::VerifySigV4(received[0], wrong_secret);
  EXPECT_EQ(bad.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(bad.message().find("does not match"), std::string::npos) << bad.message();

  test::ServerRequest tampered = received[0];
  tampered.body = R"({"Limit": 50})";
  EXPECT_FALSE(test::VerifySigV4(tampered, expect).ok());

  test::SigV4Expectation wrong_region = expect;
  wrong_region.region = "eu-west-1";
  EXPECT_NE(test::VerifySigV4(received[0], wrong_region).message().find("region"),
            std::string::npos);

  test::SigV4Expectation wrong_token = expect;
  wrong_token.session_token = "another-token";
  EXPECT_FALSE(test::VerifySigV4(received[0], wrong_token).ok());
}

TEST(SigV4CheckTest, StaleSignatureRejected) {
  test::ServerRequest req;
  HttpRequest out;
  out.method = "GET";
  out.url = "http://127.0.0.1:1/";
  SigV4Signer signer("us-east-1", "sts");
  signer.Sign(out, Creds(), Clock::now() - 1h);
  req.method = "GET";
  req.path = "/";
  for (auto& [n, v] : out.headers) {
    std::string lower = n;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(c));
    req.headers.emplace_back(lower, v);
  }
  test::SigV4Expectation expect{"AKIDEXAMPLE", Creds().secret_access_key, "", "us-east-1", "sts"};
  Status s = test::VerifySigV4(req, expect);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("too far"), std::string::npos) << s.message();
  expect.max_skew = std::chrono::hours(2);
  EXPECT_TRUE(test::VerifySigV4(req, expect).ok());
}

}  // namespace
}  // namespace dynasink::aws
