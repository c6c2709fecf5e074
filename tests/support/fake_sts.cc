#include "support/fake_sts.h"

#include "aws/iso8601.h"
#include "support/sigv4_check.h"

namespace dynasink::test {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

FakeSts::FakeSts(FakeStsCaller caller, std::string region)
    : region_(std::move(region)), server_([this](const ServerRequest& r) { return Handle(r); }) {
  known_[caller.access_key_id] = std::move(caller);
}

void FakeSts::set_lifetime(std::chrono::seconds lifetime) {
  std::lock_guard<std::mutex> lock(mu_);
  lifetime_ = lifetime;
}

void FakeSts::set_web_identity_token(std::string token) {
  std::lock_guard<std::mutex> lock(mu_);
  web_identity_token_ = std::move(token);
}

void FakeSts::FailNext(int http_status, std::string code, std::string message, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < times; ++i)
    failures_.push_back({http_status, code, message});
}

std::vector<std::map<std::string, std::string>> FakeSts::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

int FakeSts::call_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(calls_.size());
}

std::vector<std::string> FakeSts::problems() const {
  std::lock_guard<std::mutex> lock(mu_);
  return problems_;
}

FakeStsCaller FakeSts::last_issued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_issued_;
}

ServerResponse FakeSts::Error(int status, const std::string& code, const std::string& message) {
  return ServerResponse::Xml(status,
                             "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                             "  <Error>\n    <Type>Sender</Type>\n    <Code>" +
                                 Escape(code) + "</Code>\n    <Message>" + Escape(message) +
                                 "</Message>\n  </Error>\n"
                                 "  <RequestId>4f5e6a2b-0000-4000-8000-fa6e5e7f0001</RequestId>\n"
                                 "</ErrorResponse>\n");
}

ServerResponse FakeSts::Handle(const ServerRequest& request) {
  std::map<std::string, std::string> params = request.form_params();
  std::lock_guard<std::mutex> lock(mu_);
  calls_.push_back(params);
  auto problem = [&](std::string what) {
    problems_.push_back(what);
    return what;
  };

  if (request.method != "POST" || request.path != "/") {
    return Error(400, "InvalidAction",
                 problem("expected POST /, got " + request.method + " " + request.path));
  }
  if (!request.header("content-type").starts_with("application/x-www-form-urlencoded")) {
    return Error(400, "ValidationError", problem("body is not form-encoded"));
  }
  if (params["Version"] != "2011-06-15") {
    return Error(400, "InvalidParameterValue", problem("Version is not 2011-06-15"));
  }
  const std::string& action = params["Action"];
  if (params["RoleArn"].empty() || params["RoleSessionName"].empty()) {
    return Error(400, "ValidationError", problem("RoleArn or RoleSessionName missing"));
  }

  if (action == "AssumeRole") {
    std::string_view auth = request.header("authorization");
    size_t cred = auth.find("Credential=");
    std::string akid = cred == std::string_view::npos
                           ? ""
                           : std::string(auth.substr(cred + 11, auth.find('/', cred) - cred - 11));
    auto it = known_.find(akid);
    if (it == known_.end()) {
      return Error(403, "InvalidClientTokenId",
                   problem("The security token included in the request is invalid: unknown "
                           "access key id '" +
                           akid + "'"));
    }
    SigV4Expectation expect;
    expect.access_key_id = it->second.access_key_id;
    expect.secret_access_key = it->second.secret_access_key;
    expect.session_token = it->second.session_token;
    expect.region = region_;
    expect.service = "sts";
    Status verified = VerifySigV4(request, expect);
    if (!verified.ok()) return Error(403, "SignatureDoesNotMatch", problem(verified.message()));
  } else if (action == "AssumeRoleWithWebIdentity") {
    if (!request.header("authorization").empty()) {
      return Error(400, "ValidationError", problem("web identity request is signed"));
    }
    if (params["WebIdentityToken"] != web_identity_token_) {
      return Error(400, "InvalidIdentityToken", problem("wrong web identity token"));
    }
  } else {
    return Error(400, "InvalidAction", problem("unknown Action '" + action + "'"));
  }

  if (!failures_.empty()) {
    Failure f = failures_.front();
    failures_.pop_front();
    return Error(f.status, f.code, f.message);
  }

  ++issued_;
  FakeStsCaller issued;
  char id[32];
  std::snprintf(id, sizeof(id), "ASIAFAKESTS%09d", issued_);
  issued.access_key_id = id;
  issued.secret_access_key = "fakeStsSecret/" + std::to_string(issued_) + "+wJalrXUtnFEMIK7MDENG";
  issued.session_token = "FwoGZXIvYXdzEFAKE//token" + std::to_string(issued_) + "+sessionDATA==";
  known_[issued.access_key_id] = issued;
  last_issued_ = issued;
  std::string expiration = aws::FormatIso8601(aws::Clock::now() + lifetime_);
  std::string result = action + "Result";
  return ServerResponse::Xml(
      200, "<" + action +
               "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
               "  <" +
               result +
               ">\n"
               "    <AssumedRoleUser>\n"
               "      <AssumedRoleId>AROAFAKE:" +
               Escape(params["RoleSessionName"]) +
               "</AssumedRoleId>\n"
               "      <Arn>" +
               Escape(params["RoleArn"]) + "/" + Escape(params["RoleSessionName"]) +
               "</Arn>\n"
               "    </AssumedRoleUser>\n"
               "    <Credentials>\n"
               "      <AccessKeyId>" +
               issued.access_key_id +
               "</AccessKeyId>\n"
               "      <SecretAccessKey>" +
               Escape(issued.secret_access_key) +
               "</SecretAccessKey>\n"
               "      <SessionToken>" +
               Escape(issued.session_token) +
               "</SessionToken>\n"
               "      <Expiration>" +
               expiration +
               "</Expiration>\n"
               "    </Credentials>\n"
               "    <PackedPolicySize>6</PackedPolicySize>\n"
               "  </" +
               result +
               ">\n"
               "  <ResponseMetadata>\n"
               "    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
               "  </ResponseMetadata>\n"
               "</" +
               action + "Response>\n");
}

}  // namespace dynasink::test
