// Password authentication pieces: base64, SCRAM-SHA-256 (RFC 7677 vectors), MD5, users files.
#include "pgwire/auth.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "common/redact.h"
#include "pgwire/crypto.h"
#include "pgwire/scram.h"

namespace dynasink::pgwire {
namespace {

TEST(Base64, RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(crypto::Base64Encode(""), "");
  EXPECT_EQ(crypto::Base64Encode("f"), "Zg==");
  EXPECT_EQ(crypto::Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(crypto::Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(crypto::Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*crypto::Base64Decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(*crypto::Base64Decode("Zg=="), "f");
  EXPECT_FALSE(crypto::Base64Decode("Zg=").ok());
  EXPECT_FALSE(crypto::Base64Decode("Z!==").ok());
  EXPECT_FALSE(crypto::Base64Decode("Zg==Zg==").ok());  // padding in the middle
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  EXPECT_EQ(*crypto::Base64Decode(crypto::Base64Encode(all)), all);
}

TEST(Crypto, KnownDigests) {
  EXPECT_EQ(crypto::Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(crypto::Base64Encode(crypto::Sha256("abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  EXPECT_TRUE(crypto::ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(crypto::ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(crypto::ConstantTimeEquals("abc", "abcd"));
  EXPECT_NE(crypto::RandomBytes(16), crypto::RandomBytes(16));
}

// The example exchange of RFC 7677 section 3.
constexpr char kSalt[] = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr char kClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr char kServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramSecret PencilSecret() {
  return MakeScramSecret("pencil", *crypto::Base64Decode(kSalt), 4096);
}

TEST(Scram, Rfc7677Exchange) {
  ScramServer server(PencilSecret(), /*mock=*/false, kServerNonce);
  auto first = server.HandleClientFirst(kClientFirst);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, kServerFirst);
  auto final_msg = server.HandleClientFinal(kClientFinal);
  ASSERT_TRUE(final_msg.ok()) << final_msg.status().ToString();
  EXPECT_EQ(*final_msg, kServerFinal);
}

TEST(Scram, WrongProofIsPermissionDenied) {
  ScramServer server(MakeScramSecret("not-pencil", *crypto::Base64Decode(kSalt), 4096), false,
                     kServerNonce);
  ASSERT_TRUE(server.HandleClientFirst(kClientFirst).ok());
  auto final_msg = server.HandleClientFinal(kClientFinal);
  ASSERT_FALSE(final_msg.ok());
  EXPECT_EQ(final_msg.status().code(), StatusCode::kPermissionDenied);
}

TEST(Scram, MockExchangeAlwaysFailsEvenWithTheRightProof) {
  ScramServer server(PencilSecret(), /*mock=*/true, kServerNonce);
  ASSERT_TRUE(server.HandleClientFirst(kClientFirst).ok());
  EXPECT_EQ(server.HandleClientFinal(kClientFinal).status().code(), StatusCode::kPermissionDenied);
}

TEST(Scram, MockSecretIsStablePerUser) {
  EXPECT_EQ(MockScramSecret("ghost").salt, MockScramSecret("ghost").salt);
  EXPECT_NE(MockScramSecret("ghost").salt, MockScramSecret("other").salt);
}

TEST(Scram, RejectsMalformedAndUnsupportedMessages) {
  auto first_error = [](std::string_view msg) {
    ScramServer server(PencilSecret(), false);
    return server.HandleClientFirst(msg).status();
  };
  EXPECT_EQ(first_error("p=tls-server-end-point,,n=,r=abc").sqlstate(), "08P01");
  EXPECT_EQ(first_error("n,a=admin,n=,r=abc").sqlstate(), "0A000");
  EXPECT_EQ(first_error("x,,n=,r=abc").sqlstate(), "08P01");
  EXPECT_EQ(first_error("n,,r=abc").sqlstate(), "08P01");  // no user attribute
  EXPECT_EQ(first_error("n,,n=,r=").sqlstate(), "08P01");  // empty nonce
  EXPECT_EQ(first_error("n,,m=ext,n=,r=abc").sqlstate(), "0A000");
  EXPECT_EQ(first_error("").sqlstate(), "08P01");
  EXPECT_TRUE(first_error("y,,n=,r=abc").ok());  // client could bind, server offers none

  ScramServer server(PencilSecret(), false, kServerNonce);
  ASSERT_TRUE(server.HandleClientFirst(kClientFirst).ok());
  // Wrong nonce, wrong channel binding, missing proof, bad base64.
  EXPECT_EQ(server.HandleClientFinal("c=biws,r=other,p=AAAA").status().sqlstate(), "08P01");
  ScramServer s2(PencilSecret(), false, kServerNonce);
  ASSERT_TRUE(s2.HandleClientFirst(kClientFirst).ok());
  EXPECT_EQ(s2.HandleClientFinal(std::string("c=eSws,r=rOprNGfwEbeRWgbNEkqO") + kServerNonce +
                                 ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
                .status()
                .sqlstate(),
            "08P01");
  ScramServer s3(PencilSecret(), false, kServerNonce);
  ASSERT_TRUE(s3.HandleClientFirst(kClientFirst).ok());
  EXPECT_EQ(s3.HandleClientFinal("c=biws").status().sqlstate(), "08P01");
  ScramServer s4(PencilSecret(), false);
  EXPECT_EQ(s4.HandleClientFinal(kClientFinal).status().sqlstate(), "08P01");  // out of order
}

TEST(ScramVerifier, FormatsAndParsesPostgresText) {
  ScramSecret s = PencilSecret();
  std::string text = FormatScramVerifier(s);
  EXPECT_TRUE(text.starts_with("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$")) << text;
  auto parsed = ParseScramVerifier(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->iterations, 4096);
  EXPECT_EQ(parsed->salt, s.salt);
  EXPECT_EQ(parsed->stored_key, s.stored_key);
  EXPECT_EQ(parsed->server_key, s.server_key);
  EXPECT_FALSE(ParseScramVerifier("SCRAM-SHA-256$x:abc$def:ghi").ok());
  EXPECT_FALSE(ParseScramVerifier("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:AAAA").ok());
  EXPECT_FALSE(ParseScramVerifier("md5abc").ok());
}

TEST(Md5, MatchesPostgresFormulas) {
  // PostgreSQL stores "md5" || md5(password || user).
  EXPECT_EQ(Md5PasswordHash("postgres", "secret"), "md5" + crypto::Md5Hex("secretpostgres"));
  std::string stored = Md5PasswordHash("u", "p");
  std::string salt("\x01\x02\x03\x04", 4);
  EXPECT_EQ(Md5ExpectedResponse(stored, salt), "md5" + crypto::Md5Hex(stored.substr(3) + salt));
}

TEST(UserStore, ParsesAllLineForms) {
  ScramSecret s = PencilSecret();
  std::string text = "# users\n\nroot:clear-text-password-1\r\nalice:" + FormatScramVerifier(s) +
                     "\nbob:" + Md5PasswordHash("bob", "builder") + "\ncarol:has:colons\n";
  auto store = UserStore::Parse(text);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(store->size(), 4u);
  const UserCredential* root = store->Find("root");
  ASSERT_NE(root, nullptr);
  ASSERT_TRUE(root->scram.has_value());
  EXPECT_EQ(root->md5_hash, Md5PasswordHash("root", "clear-text-password-1"));
  EXPECT_EQ(root->scram->iterations, UserStore::kDefaultScramIterations);
  const UserCredential* alice = store->Find("alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_TRUE(alice->md5_hash.empty());
  EXPECT_EQ(alice->scram->stored_key, s.stored_key);
  const UserCredential* bob = store->Find("bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_FALSE(bob->scram.has_value());
  EXPECT_EQ(bob->md5_hash, Md5PasswordHash("bob", "builder"));
  EXPECT_EQ(store->Find("carol")->md5_hash, Md5PasswordHash("carol", "has:colons"));
  EXPECT_EQ(store->Find("nobody"), nullptr);
  // Clear-text passwords are registered as secrets.
  EXPECT_EQ(Redact("oops clear-text-password-1 leaked").find("clear-text-password-1"),
            std::string::npos);
}

TEST(UserStore, ErrorsNameTheLineButNotTheSecret) {
  auto bad = UserStore::Parse("root:ok-password\nsome-bare-password-line\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("some-bare-password-line"), std::string::npos);
  EXPECT_FALSE(UserStore::LoadFile("/nonexistent/users.txt").ok());
}

TEST(UserStore, LoadsAFile) {
  std::string path = ::testing::TempDir() + "/pgwire_users.txt";
  {
    std::ofstream f(path);
    f << "root:file-password-123\n";
  }
  auto store = UserStore::LoadFile(path);
  std::remove(path.c_str());
  ASSERT_TRUE(store.ok());
  EXPECT_NE(store->Find("root"), nullptr);
}

TEST(AuthMethod, ParsesNames) {
  EXPECT_EQ(*ParseAuthMethod("TRUST"), AuthMethod::kTrust);
  EXPECT_EQ(*ParseAuthMethod("scram-sha-256"), AuthMethod::kScramSha256);
  EXPECT_EQ(*ParseAuthMethod("md5"), AuthMethod::kMd5);
  EXPECT_FALSE(ParseAuthMethod("password").ok());
  EXPECT_EQ(AuthMethodName(AuthMethod::kMd5), "md5");
}

}  // namespace
}  // namespace dynasink::pgwire
