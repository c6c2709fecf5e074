// credential_process: runs a real shell command and reads its JSON.
#include "aws/credentials_process.h"

#include <gtest/gtest.h>

#include "aws/iso8601.h"
#include "aws/subprocess.h"
#include "common/redact.h"
#include "support/aws_test_env.h"

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;

TEST(SubprocessTest, CapturesOutputAndStatus) {
  auto r = RunShellCommand("echo out; echo err >&2; exit 3", 10s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->timed_out);
}

TEST(SubprocessTest, KillsOnTimeoutAndOversizedOutput) {
  auto start = std::chrono::steady_clock::now();
  auto slow = RunShellCommand("sleep 30 & sleep 30", 300ms);
  ASSERT_TRUE(slow.ok());
  EXPECT_TRUE(slow->timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);

  auto chatty = RunShellCommand("yes", 10s, 4096);
  ASSERT_TRUE(chatty.ok());
  EXPECT_TRUE(chatty->output_too_large);
}

class ProcessCredentialsTest : public ::testing::Test {
 protected:
  // A script that prints `body` and exits with `code`.
  std::string Script(const std::string& body, int code = 0) {
    auto path = env_.WriteFile(
        "helper-" + std::to_string(n_++) + ".sh",
        "#!/bin/sh\ncat <<'EOF'\n" + body + "\nEOF\nexit " + std::to_string(code) + "\n", true);
    return path.string();
  }
  test::ScopedAwsEnvironment env_;
  int n_ = 0;
};

TEST_F(ProcessCredentialsTest, ReadsVersion1Json) {
  std::string expiration = FormatIso8601(Clock::now() + 1h);
  ProcessCredentialsProvider p(Script(R"({"Version": 1, "AccessKeyId": "AKIDPROCESS",
      "SecretAccessKey": "process/secret/value+1", "SessionToken": "process-token-1",
      "Expiration": ")" + expiration + "\"}"),
                               "dev");
  auto c = p.GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDPROCESS");
  EXPECT_EQ(c->session_token, "process-token-1");
  EXPECT_EQ(FormatIso8601(*c->expiration), expiration);
  EXPECT_EQ(Redact("process/secret/value+1"), "<redacted>");
  EXPECT_EQ(p.Name(), "credential_process (profile 'dev')");
}

TEST_F(ProcessCredentialsTest, RerunsBeforeExpiration) {
  // Each run prints a new key id, counting runs in a file.
  std::string counter = (env_.home() / "runs").string();
  std::string expiration = FormatIso8601(Clock::now() + 20s);
  auto script = env_.WriteFile(
      "counting.sh",
      "#!/bin/sh\nn=$(cat " + counter + " 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > " +
          counter +
          "\nprintf '{\"Version\":1,\"AccessKeyId\":\"AKIDRUN%s\",\"SecretAccessKey\":\"s/run/"
          "secret\",\"Expiration\":\"" +
          expiration + "\"}' $n\n",
      true);
  ProcessCredentialsProvider p(script.string(), "dev",
                               {.refresh_margin = 60s, .min_remaining = 1s, .retry_interval = 0s});
  EXPECT_EQ(p.GetCredentials()->access_key_id, "AKIDRUN1");
  EXPECT_EQ(p.GetCredentials()->access_key_id, "AKIDRUN2");  // within the margin: run again

  ProcessCredentialsProvider lasting(script.string(), "dev", {.refresh_margin = 5s});
  EXPECT_EQ(lasting.GetCredentials()->access_key_id, "AKIDRUN3");
  EXPECT_EQ(lasting.GetCredentials()->access_key_id, "AKIDRUN3");  // cached
}

TEST_F(ProcessCredentialsTest, FailingCommand) {
  ProcessCredentialsProvider p(
      "echo 'token for SSO session expired; run aws sso login' >&2; exit 2", "corp");
  auto c = p.GetCredentials();
  ASSERT_FALSE(c.ok());
  const std::string& msg = c.status().message();
  EXPECT_NE(msg.find("profile 'corp'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("exited with status 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("run aws sso login"), std::string::npos) << msg;
}

TEST_F(ProcessCredentialsTest, GarbageOutputIsNotEchoed) {
  ProcessCredentialsProvider p(Script("AKIDGARBAGE1234 garbage-that-might-be-a-secret"), "dev");
  auto c = p.GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("did not return a JSON object"), std::string::npos);
  EXPECT_EQ(c.status().message().find("garbage-that-might-be-a-secret"), std::string::npos);
}

TEST_F(ProcessCredentialsTest, BadJsonFields) {
  ProcessCredentialsProvider v2(Script(R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"s"})"),
                                "p");
  EXPECT_NE(v2.GetCredentials().status().message().find("\"Version\": 1"), std::string::npos);
  ProcessCredentialsProvider no_secret(Script(R"({"Version":1,"AccessKeyId":"A"})"), "p");
  EXPECT_NE(no_secret.GetCredentials().status().message().find("SecretAccessKey"),
            std::string::npos);
  ProcessCredentialsProvider expired(
      Script(
          R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"2001-01-01T00:00:00Z"})"),
      "p");
  EXPECT_NE(expired.GetCredentials().status().message().find("expired"), std::string::npos);
}

TEST_F(ProcessCredentialsTest, Timeout) {
  ProcessCredentialsProvider p("sleep 20", "slow", {}, 200ms);
  auto c = p.GetCredentials();
  EXPECT_TRUE(c.status().IsTimeout()) << c.status().ToString();
}

}  // namespace
}  // namespace dynasink::aws
