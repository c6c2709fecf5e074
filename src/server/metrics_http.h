// MetricsServer: a minimal HTTP/1.1 endpoint for Prometheus scrapes (`dynasink serve
// --metrics ADDR`). GET /metrics answers with metrics::Registry::Default() in the text format
// (version 0.0.4); other paths get 404, other methods 405. One request per connection,
// served by the accept thread itself: scrapes are rare and cheap, and a slow client is cut
// off after 5 seconds.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "common/status.h"

namespace dynasink::server {

class MetricsServer {
 public:
  MetricsServer() = default;
  ~MetricsServer() { Stop(); }
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Listens on host:port (port 0 picks one; see port()).
  Status Start(const std::string& host, uint16_t port);
  uint16_t port() const { return port_; }
  void Stop();

 private:
  void Loop();
  void Serve(int fd);

  int listen_fd_ = -1;
  int wake_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Splits "host:port", "[v6]:port" or ":port" (host 127.0.0.1). InvalidArgument otherwise.
Status ParseHostPort(const std::string& text, std::string* host, uint16_t* port);

}  // namespace dynasink::server
