// LocalHttpServer: a small threaded HTTP/1.1 server on 127.0.0.1 for tests.
//
// It listens on an ephemeral port, serves each connection on its own thread with keep-alive, and
// answers every request by calling a handler. Tests use it for fake AWS endpoints (STS, instance
// metadata, container credentials, DynamoDB error paths), and as the front of a forwarding or
// fault-injecting proxy (a handler may block, e.g. to forward the request with an HttpClient).
//
//   LocalHttpServer server([](const ServerRequest& req) {
//     return ServerResponse::Json(200, R"({"ok":true})");
//   });
//   client->SendSync({.method = "GET", .url = server.url() + "/path"});
//
// What it supports: Content-Length and chunked request bodies, "Expect: 100-continue",
// "Connection: close" and HTTP/1.0, absolute-form request targets (as proxies receive them), and
// responses that are delayed, never sent, cut off (connection closed instead of answering), or
// raw bytes for malformed-response tests. Every wait is interrupted by Stop(), so a test never
// hangs on the server; the destructor stops it.
//
// The handler runs on connection threads, possibly several at once: it must be thread-safe.
// Counters are exact once the client has seen the response.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace dynasink::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ServerRequest {
  std::string method;          // as received, e.g. "POST"
  std::string target;          // the request target: "/p?q", or "http://host/p?q" through a proxy
  std::string path;            // the target's path, still percent-encoded
  std::string query;           // after '?', without it
  std::string version;         // "HTTP/1.1"
  HeaderList headers;          // names lower-cased, values trimmed, in the order received
  std::string body;            // de-chunked
  uint64_t connection_id = 0;  // 1 for the first connection the server accepted, and so on
  uint64_t index_on_connection = 0;  // 0 for the first request on its connection

  // First value of the header with this (case-insensitive) name, or empty.
  std::string_view header(std::string_view name) const;
  // Every value of the header with this name, in order.
  std::vector<std::string> header_values(std::string_view name) const;
  // Decoded query parameters (application/x-www-form-urlencoded rules, '+' is a space).
  std::map<std::string, std::string> query_params() const;
  // Decoded body parameters, for form-encoded POSTs such as STS calls.
  std::map<std::string, std::string> form_params() const;
};

struct ServerResponse {
  enum class Action {
    kRespond,  // send status, headers and body
    kClose,    // close the connection without answering (a reset from the client's view)
    kHang,     // never answer; the connection stays open until the client gives up or Stop()
    kRaw,      // write `raw` verbatim instead of a formatted response
  };

  int status = 200;
  std::string reason;  // empty: the standard phrase for `status`
  HeaderList headers;  // Content-Length is added unless present; Connection as needed
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before acting
  Action action = Action::kRespond;
  std::string raw;
  bool close = false;  // close the connection after this response

  static ServerResponse Text(int status, std::string body);
  static ServerResponse Json(int status, std::string body);
  static ServerResponse Xml(int status, std::string body);
};

// Decodes application/x-www-form-urlencoded text: "a=1&b=x+y" -> {a: "1", b: "x y"}.
std::map<std::string, std::string> ParseFormUrlEncoded(std::string_view text);

class LocalHttpServer {
 public:
  using Handler = std::function<ServerResponse(const ServerRequest&)>;

  // Binds 127.0.0.1 on an ephemeral port and starts serving. Aborts the test program if the
  // socket cannot be created, which only happens on a broken machine.
  explicit LocalHttpServer(Handler handler);
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port>"
  std::string url() const;
  // "127.0.0.1:<port>", as in a Host header.
  std::string authority() const;

  uint64_t connections_accepted() const { return connections_accepted_.load(); }
  uint64_t requests_handled() const { return requests_handled_.load(); }
  // Connections currently open (accepted and not yet closed by either side).
  size_t open_connections() const;

  // Closes every open connection (the listener stays open), e.g. to test reconnecting.
  void CloseConnections();

  // Stops accepting, closes every connection, ends pending waits and joins all threads.
  // Idempotent; the destructor calls it.
  void Stop();

 private:
  struct Connection {
    int fd = -1;
    std::thread thread;
    std::atomic<bool> finished{false};
  };

  void AcceptLoop();
  void Serve(Connection* conn, uint64_t id);
  // Joins and closes finished connections. Requires mu_.
  void ReapFinishedLocked();
  // Waits until `fd` is readable, Stop() is called, or `timeout` (negative: forever) passes.
  // Returns 1 if readable, 0 on timeout, -1 when stopping.
  int WaitReadable(int fd, int timeout_ms) const;
  // Sleeps for `delay` unless Stop() comes first. False when stopping.
  bool Sleep(std::chrono::milliseconds delay) const;

  Handler handler_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};  // written once by Stop(); never drained, so every poll wakes
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> connections_accepted_{0};
  std::atomic<uint64_t> requests_handled_{0};
  std::thread acceptor_;

  mutable std::mutex mu_;
  std::list<Connection> connections_;  // guarded by mu_
  bool stopped_ = false;               // guarded by mu_
};

}  // namespace dynasink::test
