// FakeSts: an AWS STS endpoint on 127.0.0.1 for credential provider tests.
//
// It serves AssumeRole and AssumeRoleWithWebIdentity as STS does: POST / with a form body,
// answered in STS's XML (ErrorResponse XML on errors). AssumeRole requests must carry a valid
// SigV4 signature (service "sts", the configured region) by a known caller: the initial caller,
// or any credentials this fake has issued (so chained roles work). Web identity requests must be
// unsigned and carry the expected token. Anything else is answered as STS would (403
// SignatureDoesNotMatch / InvalidClientTokenId, 400 ValidationError / InvalidIdentityToken) and
// recorded in problems(), which a test should expect to be empty.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/local_http_server.h"

namespace dynasink::test {

struct FakeStsCaller {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

class FakeSts {
 public:
  FakeSts(FakeStsCaller caller, std::string region);

  std::string url() const { return server_.url(); }

  // Lifetime of the credentials issued from now on (default one hour).
  void set_lifetime(std::chrono::seconds lifetime);
  // The token AssumeRoleWithWebIdentity must carry.
  void set_web_identity_token(std::string token);
  // The next `times` calls fail with this HTTP status and STS error code/message.
  void FailNext(int http_status, std::string code, std::string message, int times = 1);

  // Form parameters of every call received, in order.
  std::vector<std::map<std::string, std::string>> calls() const;
  int call_count() const;
  // Requests that STS would have rejected for a reason the test did not ask for.
  std::vector<std::string> problems() const;
  // The credentials issued by the last successful call.
  FakeStsCaller last_issued() const;

 private:
  ServerResponse Handle(const ServerRequest& request);
  ServerResponse Error(int status, const std::string& code, const std::string& message);

  const std::string region_;
  mutable std::mutex mu_;
  std::map<std::string, FakeStsCaller> known_;  // by access key id
  std::chrono::seconds lifetime_{3600};
  std::string web_identity_token_;
  struct Failure {
    int status;
    std::string code;
    std::string message;
  };
  std::deque<Failure> failures_;
  std::vector<std::map<std::string, std::string>> calls_;
  std::vector<std::string> problems_;
  FakeStsCaller last_issued_;
  int issued_ = 0;
  LocalHttpServer server_;  // last: it calls Handle() until destroyed
};

}  // namespace dynasink::test
