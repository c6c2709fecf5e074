// The test server other tests depend on: raw HTTP/1.1 over a socket, so that framing, keep-alive,
// chunked bodies, 100-continue, proxies' absolute-form targets, and stopping while a request
// hangs are all checked without our client in between.
#include "support/local_http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

namespace dynasink::test {
namespace {

using namespace std::chrono_literals;

// A blocking client socket with a receive timeout, so a broken server fails the test.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  }
  ~RawClient() { ::close(fd_); }
  void Send(const std::string& data) {
    ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }
  // Reads until `marker` has been seen `count` times, EOF, or 5 seconds pass.
  std::string ReadUntil(const std::string& marker, int count = 1) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      int seen = 0;
      for (size_t p = got.find(marker); p != std::string::npos; p = got.find(marker, p + 1))
        ++seen;
      if (seen >= count) break;
      pollfd pfd = {fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  // True if the server closes the connection within 5 seconds.
  bool WaitClosed() {
    ReadUntil("\x01never\x02");
    return closed_;
  }

 private:
  int fd_;
  bool closed_ = false;
};

ServerResponse Echo(const ServerRequest& r) {
  return ServerResponse::Text(200, r.method + " " + r.target + " [" + r.body +
                                       "] conn=" + std::to_string(r.connection_id) + "#" +
                                       std::to_string(r.index_on_connection));
}

TEST(LocalHttpServerTest, KeepAliveAndPipelinedRequests) {
  LocalHttpServer server(Echo);
  RawClient c(server.port());
  c.Send(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b?q=1 HTTP/1.1\r\nHost: x\r\n"
      "Content-Length: 5\r\n\r\nhello");
  std::string out = c.ReadUntil("conn=", 2);
  EXPECT_NE(out.find("GET /a [] conn=1#0"), std::string::npos) << out;
  EXPECT_NE(out.find("POST /b?q=1 [hello] conn=1#1"), std::string::npos) << out;
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(server.requests_handled(), 2u);
}

TEST(LocalHttpServerTest, ChunkedBodyAndContinue) {
  LocalHttpServer server(Echo);
  RawClient c(server.port());
  c.Send(
      "PUT /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Transfer-Encoding: chunked\r\n\r\n");
  EXPECT_NE(c.ReadUntil("\r\n\r\n").find("100 Continue"), std::string::npos);
  c.Send("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_NE(c.ReadUntil("conn=").find("[hello world]"), std::string::npos);
}

TEST(LocalHttpServerTest, ConnectionCloseAndHttp10) {
  LocalHttpServer server(Echo);
  {
    RawClient c(server.port());
    c.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(c.ReadUntil("conn=").find("Connection: close"), std::string::npos);
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    RawClient c(server.port());
    c.Send("GET / HTTP/1.0\r\n\r\n");
    EXPECT_TRUE(c.WaitClosed());
  }
}

TEST(LocalHttpServerTest, ProxyStyleTargetAndParsedParameters) {
  std::promise<ServerRequest> seen;
  LocalHttpServer server([&](const ServerRequest& r) {
    seen.set_value(r);
    return ServerResponse::Text(200, "");
  });
  RawClient c(server.port());
  c.Send(
      "POST http://sts.example.invalid/path?a=1&b=x+y HTTP/1.1\r\nHost: sts.example.invalid\r\n"
      "X-Folded: one\r\n  two\r\nContent-Length: 22\r\n\r\nAction=Go&Name=a%2Fb+c");
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  ServerRequest r = future.get();
  EXPECT_EQ(r.target, "http://sts.example.invalid/path?a=1&b=x+y");
  EXPECT_EQ(r.path, "/path");
  EXPECT_EQ(r.query_params().at("b"), "x y");
  EXPECT_EQ(r.form_params().at("Name"), "a/b c");
  EXPECT_EQ(r.header("X-FOLDED"), "one two");
  EXPECT_EQ(r.header("host"), "sts.example.invalid");
}

TEST(LocalHttpServerTest, RawAndDelayedResponses) {
  LocalHttpServer server([](const ServerRequest& r) {
    ServerResponse resp;
    if (r.path == "/raw") {
      resp.action = ServerResponse::Action::kRaw;
      resp.raw = "HTTP/1.1 418 Teapot\r\nContent-Length: 3\r\n\r\ntea";
    } else {
      resp = ServerResponse::Text(200, "late");
      resp.delay = 200ms;
    }
    return resp;
  });
  RawClient c(server.port());
  c.Send("GET /raw HTTP/1.1\r\n\r\n");
  EXPECT_NE(c.ReadUntil("tea").find("418 Teapot"), std::string::npos);
  auto start = std::chrono::steady_clock::now();
  c.Send("GET /slow HTTP/1.1\r\n\r\n");
  EXPECT_NE(c.ReadUntil("late").find("200 OK"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

TEST(LocalHttpServerTest, StopEndsHangingRequestsAndCloseConnections) {
  auto server = std::make_unique<LocalHttpServer>([](const ServerRequest&) {
    ServerResponse r;
    r.action = ServerResponse::Action::kHang;
    return r;
  });
  RawClient a(server->port());
  RawClient b(server->port());
  a.Send("GET / HTTP/1.1\r\n\r\n");
  b.Send("GET / HTTP/1.1\r\n\r\n");
  for (int i = 0; i < 100 && server->requests_handled() < 2; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server->open_connections(), 2u);
  auto start = std::chrono::steady_clock::now();
  server.reset();  // must not wait for the hanging handlers' clients
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(a.WaitClosed());
  EXPECT_TRUE(b.WaitClosed());
}

TEST(LocalHttpServerTest, CloseConnectionsKeepsListening) {
  LocalHttpServer server(Echo);
  RawClient a(server.port());
  a.Send("GET / HTTP/1.1\r\n\r\n");
  a.ReadUntil("conn=");
  server.CloseConnections();
  EXPECT_TRUE(a.WaitClosed());
  RawClient b(server.port());
  b.Send("GET / HTTP/1.1\r\n\r\n");
  EXPECT_NE(b.ReadUntil("conn=").find("conn=2#0"), std::string::npos);
}

TEST(LocalHttpServerTest, MalformedRequestGets400) {
  LocalHttpServer server(Echo);
  RawClient c(server.port());
  c.Send("NONSENSE\r\n\r\n");
  EXPECT_NE(c.ReadUntil("\n", 4).find("400 Bad Request"), std::string::npos);
  EXPECT_TRUE(c.WaitClosed());
}

}  // namespace
}  // namespace dynasink::test
