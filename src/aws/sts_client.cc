#include "aws/sts_client.h"

#include <thread>

#include "aws/endpoint.h"
#include "aws/iso8601.h"
#include "aws/retry_policy.h"
#include "aws/sigv4.h"
#include "aws/url.h"
#include "aws/xml.h"
#include "common/logging.h"
#include "common/redact.h"

namespace dynasink::aws {
namespace {

constexpr std::string_view kVersion = "2011-06-15";

void AppendParam(std::string* body, std::string_view name, std::string_view value) {
  if (!body->empty()) body->push_back('&');
  body->append(name).push_back('=');
  UriEncode(value, /*keep_slash=*/false, body);
}

// How an STS error code should be reported, and whether to try again.
struct ErrorKind {
  StatusCode code;
  bool retryable;
  bool throttling;
};

ErrorKind Classify(int http_status, std::string_view code) {
  static constexpr std::string_view kDenied[] = {
      "AccessDenied",
      "AccessDeniedException",
      "InvalidClientTokenId",
      "SignatureDoesNotMatch",
      "ExpiredToken",
      "ExpiredTokenException",
      "InvalidIdentityToken",
      "IDPRejectedClaim",
      "AuthFailure",
      "UnrecognizedClientException",
      "MissingAuthenticationToken",
      "IncompleteSignature",
  };
  static constexpr std::string_view kThrottled[] = {
      "Throttling",           "ThrottlingException",
      "RequestLimitExceeded", "TooManyRequestsException",
      "RequestThrottled",     "SlowDown",
  };
  static constexpr std::string_view kTransient[] = {
      "InternalFailure",       "InternalError",  "ServiceUnavailable",
      "IDPCommunicationError", "RequestTimeout", "RequestTimeoutException",
  };
  for (std::string_view c : kThrottled) {
    if (code == c) return {StatusCode::kUnavailable, true, true};
  }
  for (std::string_view c : kTransient) {
    if (code == c) return {StatusCode::kUnavailable, true, false};
  }
  for (std::string_view c : kDenied) {
    if (code == c) return {StatusCode::kPermissionDenied, false, false};
  }
  if (code == "RegionDisabledException") return {StatusCode::kFailedPrecondition, false, false};
  if (http_status >= 500) return {StatusCode::kUnavailable, true, false};
  if (http_status == 429) return {StatusCode::kUnavailable, true, true};
  if (http_status == 401 || http_status == 403)
    return {StatusCode::kPermissionDenied, false, false};
  return {StatusCode::kInvalidArgument, false, false};
}

}  // namespace

Status ValidateRoleArn(std::string_view role_arn) {
  // arn:<partition>:iam::<account>:role/<path/name>
  bool ok = role_arn.starts_with("arn:");
  size_t iam = role_arn.find(":iam::");
  size_t role = role_arn.find(":role/");
  ok = ok && iam != std::string_view::npos && role != std::string_view::npos && iam < role &&
       role + 6 < role_arn.size();
  if (!ok) {
    return Status::InvalidArgument("'" + std::string(role_arn) +
                                   "' is not an IAM role ARN; expected "
                                   "arn:aws:iam::<account id>:role/<role name>");
  }
  return Status::OK();
}

Result<std::shared_ptr<StsClient>> StsClient::Create(StsClientOptions options) {
  std::string signing_region = options.region.empty() ? "us-east-1" : options.region;
  std::string url;
  if (!options.endpoint_override.empty()) {
    DS_ASSIGN_OR_RETURN(Endpoint e, ParseEndpointUrl(options.endpoint_override));
    url = e.url;
  } else if (options.region.empty()) {
    url = "https://sts.amazonaws.com/";
  } else {
    DS_ASSIGN_OR_RETURN(Endpoint e, ResolveEndpoint("sts", options.region));
    url = e.url;
  }
  if (!options.http) options.http = SharedControlPlaneHttpClient();
  if (options.max_attempts < 1) options.max_attempts = 1;
  return std::shared_ptr<StsClient>(
      new StsClient(std::move(options), std::move(url), std::move(signing_region)));
}

StsClient::StsClient(StsClientOptions options, std::string endpoint_url, std::string signing_region)
    : options_(std::move(options)),
      endpoint_url_(std::move(endpoint_url)),
      signing_region_(std::move(signing_region)) {}

Result<Credentials> StsClient::AssumeRole(const AssumeRoleParams& params,
                                          const Credentials& caller) const {
  std::string body;
  AppendParam(&body, "Action", "AssumeRole");
  AppendParam(&body, "Version", kVersion);
  AppendParam(&body, "RoleArn", params.role_arn);
  AppendParam(&body, "RoleSessionName", params.role_session_name);
  AppendParam(&body, "DurationSeconds", std::to_string(params.duration.count()));
  if (!params.external_id.empty()) AppendParam(&body, "ExternalId", params.external_id);
  if (!params.policy.empty()) AppendParam(&body, "Policy", params.policy);
  return Call("AssumeRole", body, &caller, params.role_arn);
}

Result<Credentials> StsClient::AssumeRoleWithWebIdentity(const WebIdentityParams& params) const {
  RegisterSecret(params.web_identity_token);
  std::string body;
  AppendParam(&body, "Action", "AssumeRoleWithWebIdentity");
  AppendParam(&body, "Version", kVersion);
  AppendParam(&body, "RoleArn", params.role_arn);
  AppendParam(&body, "RoleSessionName", params.role_session_name);
  AppendParam(&body, "DurationSeconds", std::to_string(params.duration.count()));
  AppendParam(&body, "WebIdentityToken", params.web_identity_token);
  return Call("AssumeRoleWithWebIdentity", body, nullptr, params.role_arn);
}

Result<Credentials> StsClient::Call(std::string_view action, const std::string& body,
                                    const Credentials* caller, std::string_view role_arn) const {
  Result<UrlParts> url = ParseUrl(endpoint_url_);
  const std::string context = "STS " + std::string(action) + " of role " + std::string(role_arn) +
                              " at " + std::string(url.ok() ? url->authority : "?");
  RetryOptions retry_options;
  retry_options.max_attempts = options_.max_attempts;
  retry_options.base_delay = std::chrono::milliseconds(100);
  retry_options.max_backoff = std::chrono::milliseconds(5000);
  retry_options.retry_quota = false;
  RetryPolicy retry(retry_options);
  SigV4Signer signer(signing_region_, "sts");

  for (int attempt = 1;; ++attempt) {
    HttpRequest request;
    request.method = "POST";
    request.url = endpoint_url_;
    request.headers.emplace_back("Content-Type",
                                 "application/x-www-form-urlencoded; charset=utf-8");
    request.body = body;
    request.timeout = options_.timeout;
    if (caller != nullptr) signer.Sign(request, *caller);

    Result<HttpResponse> response = options_.http->SendSync(std::move(request));
    Status failure;
    bool retryable = false, throttling = false, timeout = false;
    if (!response.ok()) {
      failure = response.status().WithContext(context);
      timeout = true;  // network errors and timeouts alike
      retryable = response.status().IsUnavailable() || response.status().IsTimeout();
    } else if (response->status == 200) {
      std::string result = std::string(action) + "Result/Credentials/";
      Credentials creds;
      creds.secret_access_key = XmlText(response->body, result + "SecretAccessKey").value_or("");
      creds.session_token = XmlText(response->body, result + "SessionToken").value_or("");
      RegisterSecrets(creds);
      creds.access_key_id = XmlText(response->body, result + "AccessKeyId").value_or("");
      std::string expiration = XmlText(response->body, result + "Expiration").value_or("");
      if (creds.access_key_id.empty() || creds.secret_access_key.empty() ||
          creds.session_token.empty() || expiration.empty()) {
        return Status::Unavailable(context + ": the answer has no complete <Credentials>");
      }
      Result<Clock::time_point> when = ParseIso8601(expiration);
      if (!when.ok()) {
        return Status::Unavailable(context + ": bad <Expiration>: " + when.status().message());
      }
      creds.expiration = *when;
      return creds;
    } else {
      std::string code = XmlText(response->body, "Error/Code").value_or("");
      std::string message = XmlText(response->body, "Error/Message").value_or("");
      std::string request_id = XmlText(response->body, "RequestId")
                                   .value_or(std::string(response->header("x-amzn-requestid")));
      ErrorKind kind = Classify(response->status, code);
      std::string text = context + " failed: HTTP " + std::to_string(response->status);
      if (!code.empty()) text += " " + code;
      if (!message.empty()) text += ": " + message;
      if (!request_id.empty()) text += " (request id " + request_id + ")";
      failure = Status(kind.code, Redact(text));
      retryable = kind.retryable;
      throttling = kind.throttling;
    }
    RetryDecision decision = retry.Decide(retryable, throttling, timeout, attempt);
    if (!decision.retry) {
      if (attempt == 1) return failure;
      return Status(failure.code(),
                    failure.message() + " (after " + std::to_string(attempt) + " attempts)");
    }
    DS_LOG_DEBUG("aws", "{}; retrying in {} ms", failure.ToString(), decision.delay.count());
    std::this_thread::sleep_for(decision.delay);
  }
}

}  // namespace dynasink::aws
