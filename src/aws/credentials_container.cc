#include "aws/credentials_container.h"

#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "aws/credentials_json.h"
#include "aws/url.h"
#include "common/redact.h"

namespace dynasink::aws {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

bool AllowedHttpHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.") ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23";
}

// The "message" (or "Message") of a JSON error document, if any.
std::string ErrorMessage(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  for (const char* key : {"message", "Message"}) {
    auto it = doc.FindMember(key);
    if (it != doc.MemberEnd() && it->value.IsString()) return Redact(it->value.GetString());
  }
  return {};
}

}  // namespace

ContainerCredentialsProvider::ContainerCredentialsProvider(ContainerCredentialsOptions options)
    : options_(std::move(options)), cache_(options_.refresh) {
  if (!options_.http) options_.http = SharedControlPlaneHttpClient();
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

Result<Credentials> ContainerCredentialsProvider::GetCredentials() {
  return cache_.Get([this] { return Fetch(); }, Name());
}

Result<Credentials> ContainerCredentialsProvider::Fetch() {
  HttpRequest request;
  request.method = "GET";
  request.timeout = options_.timeout;
  request.connect_timeout = options_.timeout;
  std::string relative = Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  std::string full = Env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!relative.empty()) {
    if (relative.front() != '/') relative.insert(relative.begin(), '/');
    request.url = options_.relative_uri_host + relative;
  } else if (!full.empty()) {
    Result<UrlParts> url = ParseUrl(full);
    if (!url.ok()) {
      return Status::InvalidArgument(
          "container: AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: " + url.status().message());
    }
    if (!(url->scheme == "https" || (url->scheme == "http" && AllowedHttpHost(url->host)))) {
      return Status::InvalidArgument(
          "container: AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback "
          "address or the ECS/EKS agent (169.254.170.2, 169.254.170.23, fd00:ec2::23); host " +
          std::string(url->host) + " is not allowed");
    }
    request.url = full;
  } else {
    return Status::NotFound(
        "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI "
        "are not set");
  }

  std::string token;
  if (std::string file = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return Status::IOError("container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
                             file);
    }
    std::stringstream text;
    text << in.rdbuf();
    token = text.str();
  } else {
    token = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  RegisterSecret(token);
  if (token.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument("container: the authorization token contains a line break");
  }
  if (!token.empty()) request.headers.emplace_back("Authorization", token);

  Result<UrlParts> url = ParseUrl(request.url);
  std::string where =
      "container credentials endpoint " +
      (url.ok() ? std::string(url->host) + ":" + std::to_string(url->port) : std::string("?"));
  Result<Credentials> result = Status::Internal("no attempt made");
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    result = FetchOnce(request, where);
    bool transient =
        !result.ok() && (result.status().IsUnavailable() || result.status().IsTimeout());
    if (!transient) break;
    if (attempt < options_.max_attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
    }
  }
  return result;
}

Result<Credentials> ContainerCredentialsProvider::FetchOnce(const HttpRequest& request,
                                                            std::string_view where) {
  Result<HttpResponse> response = options_.http->SendSync(request);
  if (!response.ok()) return response.status().WithContext("container");
  if (response->status != 200) {
    std::string message = ErrorMessage(response->body);
    std::string text = std::string(where) + " answered HTTP " + std::to_string(response->status) +
                       (message.empty() ? "" : ": " + message);
    if (response->status >= 500 || response->status == 429) return Status::Unavailable(text);
    if (response->status == 401 || response->status == 403) {
      return Status::PermissionDenied(text + " (check AWS_CONTAINER_AUTHORIZATION_TOKEN)");
    }
    return Status::InvalidArgument(text);
  }
  return ParseCredentialsJson(response->body, CredentialsJsonFormat::kContainer, where);
}

}  // namespace dynasink::aws
