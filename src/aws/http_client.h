// HttpClient: HTTP/1.1 over libcurl, asynchronous, with keep-alive connection reuse.
//
// One I/O thread drives a curl multi handle, so many requests are in flight at once over a pool
// of reused connections. Send() never blocks on the network: the callback runs later on the I/O
// thread and must be quick (hand work off; never call SendSync from it).
//
// Network failures (refused, reset, DNS, TLS) are Status::Unavailable; timeouts are
// Status::Timeout; a URL curl cannot use is InvalidArgument. Messages name the method and the
// URL's host and port, never the path, query or headers (which may carry signatures). Any HTTP
// status, 5xx included, is a successful HttpResponse: interpreting it is the caller's job.
//
// TLS verification is on by default. The standard proxy environment variables (https_proxy,
// http_proxy, all_proxy, no_proxy, in either case) are read once, when the client is created;
// loopback and link-local hosts (127.0.0.0/8, localhost, ::1, 169.254.0.0/16: DynamoDB Local,
// instance metadata, container credentials) never go through a proxy, as in the AWS SDKs.
//
// Only http and https URLs are accepted. Requests go out as HTTP/1.1 without
// "Expect: 100-continue" and without libcurl's default Accept and Content-Type headers, so the
// server sees exactly the headers given (plus Host, Content-Length and Connection management).
#pragma once

#include <chrono>
#include <cstddef>
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
  std::string url{};           // absolute: scheme://host[:port]/path[?query]
  Headers headers{};           // sent as given; Host is derived from the URL unless present
  std::string body{};
  // Override HttpClientOptions::request_timeout / connect_timeout for this request when
  // positive (instance metadata calls, for example, give up after one second).
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds connect_timeout{0};
};

struct HttpResponse {
  int status = 0;
  Headers headers{};  // names lower-cased
  std::string body{};
  // First value of a header by case-insensitive name, or empty.
  std::string_view header(std::string_view name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{30000};
  bool verify_tls = true;
  std::string ca_file{};       // optional CA bundle; empty means the system default
  bool use_proxy_env = true;   // read the proxy environment variables
  long max_connections = 256;  // connection pool size (curl CURLMOPT_MAX_TOTAL_CONNECTIONS);
                               // further requests wait in libcurl's queue for a free connection
  // A longer response body fails the request (Unavailable) instead of exhausting memory.
  size_t max_response_bytes = size_t{256} << 20;
};

class HttpClient {
 public:
  using Callback = std::function<void(Result<HttpResponse>)>;

  static std::shared_ptr<HttpClient> Create(HttpClientOptions options = {});
  virtual ~HttpClient() = default;

  // Queues `request`; `done` runs exactly once on the I/O thread, also when the client is
  // destroyed first (then with Status::Aborted). Two requests fail at once, on the calling
  // thread: one sent while the client is being destroyed (Aborted), and one that cannot be sent
  // at all (a URL that does not parse, or is not http or https: InvalidArgument).
  virtual void Send(HttpRequest request, Callback done) = 0;

  // Blocking convenience for control-plane calls. Returns Internal instead of deadlocking when
  // called on the I/O thread.
  Result<HttpResponse> SendSync(HttpRequest request);

  // Requests queued by Send() that the I/O thread has not yet taken up: a snapshot, for callers
  // that hold work back while the I/O thread (rather than the server) is the bottleneck.
  virtual size_t queued_requests() const { return 0; }

 protected:
  // True on the thread that runs callbacks. Implementations that have one override this.
  virtual bool OnIoThread() const { return false; }
};

// A process-wide client for control-plane calls (STS, instance metadata, container
// credentials), created on first use with default options and destroyed when the last holder
// releases it. Credential providers use it when not given a client, so that many sinks do not
// each start an I/O thread for a call an hour.
std::shared_ptr<HttpClient> SharedControlPlaneHttpClient();

}  // namespace dynasink::aws
