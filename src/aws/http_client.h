// HttpClient: HTTP/1.1 over libcurl, asynchronous, with keep-alive connection reuse.
//
// One I/O thread drives a curl multi handle, so many requests are in flight at once over a pool
// of reused connections. Send() never blocks on the network: the callback runs later on the I/O
// thread and must be quick (hand work off; never call SendSync from it).
//
// Network failures (refused, reset, DNS, TLS) are Status::Unavailable; timeouts are
// Status::Timeout. Any HTTP status, 5xx included, is a successful HttpResponse: interpreting it
// is the caller's job. TLS verification is on by default; the standard proxy environment
// variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, ALL_PROXY) are honoured.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace dynasink::aws {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE, HEAD
  std::string url;             // absolute: scheme://host[:port]/path[?query]
  Headers headers;             // sent as given; Host is derived from the URL unless present
  std::string body;
};

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-cased
  std::string body;
  // First value of a header by case-insensitive name, or empty.
  std::string_view header(std::string_view name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{30000};
  bool verify_tls = true;
  std::string ca_file;        // optional CA bundle; empty means the system default
  bool use_proxy_env = true;  // read the proxy environment variables
  long max_connections = 256; // connection pool size (curl CURLMOPT_MAX_TOTAL_CONNECTIONS)
};

class HttpClient {
 public:
  using Callback = std::function<void(Result<HttpResponse>)>;

  static std::shared_ptr<HttpClient> Create(HttpClientOptions options = {});
  virtual ~HttpClient() = default;

  // Queues `request`; `done` runs exactly once on the I/O thread, also when the client is
  // destroyed first (then with Status::Aborted).
  virtual void Send(HttpRequest request, Callback done) = 0;

  // Blocking convenience for control-plane calls. Must not be called on the I/O thread.
  Result<HttpResponse> SendSync(HttpRequest request);
};

}  // namespace dynasink::aws
