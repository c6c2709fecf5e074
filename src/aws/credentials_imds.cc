#include "aws/credentials_imds.h"

#include <cstdlib>
#include <thread>

#include "aws/credentials_json.h"
#include "aws/url.h"
#include "common/redact.h"

namespace dynasink::aws {
namespace {

constexpr std::string_view kCredentialsPath = "/latest/meta-data/iam/security-credentials/";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

bool IsTrue(const std::string& value) {
  std::string v = value;
  for (char& c : v)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "1";
}

std::string Where(const std::string& endpoint) {
  Result<UrlParts> url = ParseUrl(endpoint);
  return "instance metadata service at " +
         (url.ok() ? std::string(url->authority) : std::string("?"));
}

}  // namespace

InstanceMetadataCredentialsProvider::InstanceMetadataCredentialsProvider(
    InstanceMetadataOptions options)
    : options_(std::move(options)), cache_(options_.refresh) {
  if (!options_.http) options_.http = SharedControlPlaneHttpClient();
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

Result<Credentials> InstanceMetadataCredentialsProvider::GetCredentials() {
  return cache_.Get([this] { return Fetch(); }, Name());
}

Result<Credentials> InstanceMetadataCredentialsProvider::Fetch() {
  if (IsTrue(Env("AWS_EC2_METADATA_DISABLED"))) {
    return Status::NotFound("instance metadata: disabled by AWS_EC2_METADATA_DISABLED");
  }
  std::string endpoint = options_.endpoint;
  if (endpoint.empty()) endpoint = Env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) {
    std::string mode = Env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    for (char& c : mode)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    endpoint = mode == "ipv6" ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
  }
  while (!endpoint.empty() && endpoint.back() == '/')
    endpoint.pop_back();

  Result<Credentials> result = Status::Internal("no attempt made");
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    result = FetchOnce(endpoint);
    bool transient =
        !result.ok() && (result.status().IsUnavailable() || result.status().IsTimeout());
    if (!transient) break;
    if (attempt < options_.max_attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
    }
  }
  return result;
}

Result<std::string> InstanceMetadataCredentialsProvider::SessionToken(const std::string& endpoint,
                                                                      bool force_new) {
  std::lock_guard<std::mutex> lock(token_mu_);
  Clock::time_point now = Clock::now();
  if (!force_new && !token_.empty() && now < token_expiry_) return token_;

  HttpRequest put;
  put.method = "PUT";
  put.url = endpoint + "/latest/api/token";
  put.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds",
                           std::to_string(options_.token_ttl.count()));
  put.timeout = options_.timeout;
  put.connect_timeout = options_.timeout;
  Result<HttpResponse> response = options_.http->SendSync(std::move(put));
  if (!response.ok()) {
    return response.status().WithContext("instance metadata: " + Where(endpoint) +
                                         " is not reachable");
  }
  if (response->status == 200 && !response->body.empty()) {
    token_ = response->body;
    RegisterSecret(token_);
    // Renew a minute early, so a token never expires between the PUT and the GETs.
    token_expiry_ = now + options_.token_ttl - std::chrono::seconds(60);
    return token_;
  }
  if ((response->status == 404 || response->status == 405) &&
      !IsTrue(Env("AWS_EC2_METADATA_V1_DISABLED"))) {
    token_.clear();
    return std::string();  // IMDSv1
  }
  if (response->status == 403) {
    return Status::PermissionDenied("instance metadata: " + Where(endpoint) +
                                    " refused a session token (HTTP 403): IMDS is disabled for "
                                    "this instance");
  }
  return Status::Unavailable("instance metadata: " + Where(endpoint) +
                             " answered the token request with HTTP " +
                             std::to_string(response->status));
}

Result<HttpResponse> InstanceMetadataCredentialsProvider::Get(const std::string& url,
                                                              const std::string& token) {
  HttpRequest get;
  get.method = "GET";
  get.url = url;
  if (!token.empty()) get.headers.emplace_back("X-aws-ec2-metadata-token", token);
  get.timeout = options_.timeout;
  get.connect_timeout = options_.timeout;
  return options_.http->SendSync(std::move(get));
}

Result<Credentials> InstanceMetadataCredentialsProvider::FetchOnce(const std::string& endpoint) {
  const std::string where = Where(endpoint);
  for (int token_attempt = 0; token_attempt < 2; ++token_attempt) {
    DS_ASSIGN_OR_RETURN(std::string token, SessionToken(endpoint, token_attempt > 0));

    std::string list_url = endpoint + std::string(kCredentialsPath);
    Result<HttpResponse> list = Get(list_url, token);
    if (!list.ok()) return list.status().WithContext("instance metadata");
    if (list->status == 401 && token_attempt == 0) continue;  // the token expired: renew it
    if (list->status == 404) {
      return Status::NotFound("instance metadata: no IAM role is attached to this instance (" +
                              where + ")");
    }
    if (list->status != 200) {
      return Status::Unavailable("instance metadata: " + where + " answered HTTP " +
                                 std::to_string(list->status) + " for the role name");
    }
    std::string_view names = list->body;
    while (!names.empty() && (names.front() == '\n' || names.front() == ' '))
      names.remove_prefix(1);
    std::string role(names.substr(0, names.find_first_of("\r\n")));
    if (role.empty()) {
      return Status::NotFound("instance metadata: no IAM role is attached to this instance (" +
                              where + ")");
    }

    Result<HttpResponse> creds = Get(list_url + UriEncode(role), token);
    if (!creds.ok()) return creds.status().WithContext("instance metadata");
    if (creds->status == 401 && token_attempt == 0) continue;
    if (creds->status != 200) {
      return Status::Unavailable("instance metadata: " + where + " answered HTTP " +
                                 std::to_string(creds->status) + " for the credentials of role " +
                                 role);
    }
    return ParseCredentialsJson(creds->body, CredentialsJsonFormat::kInstanceMetadata,
                                "instance metadata role " + role);
  }
  return Status::PermissionDenied("instance metadata: " + where +
                                  " rejected a fresh session token (HTTP 401)");
}

}  // namespace dynasink::aws
