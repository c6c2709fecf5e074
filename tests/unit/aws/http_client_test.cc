// HttpClient against LocalHttpServer on 127.0.0.1: request and response shapes, keep-alive,
// concurrency, timeouts, network errors, large bodies, proxies and shutdown.
#include "aws/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "support/local_http_server.h"

namespace dynasink::aws {
namespace {

using test::LocalHttpServer;
using test::ServerRequest;
using test::ServerResponse;
using namespace std::chrono_literals;

// Waits for `count` callbacks, failing the test instead of hanging.
class Latch {
 public:
  explicit Latch(int count) : count_(count) {}
  void CountDown() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--count_ <= 0) cv_.notify_all();
  }
  bool Wait(std::chrono::milliseconds timeout = 30s) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return count_ <= 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_;
};

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.method = "GET";
  r.url = url;
  return r;
}

// A port on 127.0.0.1 where nothing listens.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(HttpClientTest, SendsRequestAndReturnsResponse) {
  std::mutex mu;
  ServerRequest seen;
  LocalHttpServer server([&](const ServerRequest& req) {
    {
      std::lock_guard<std::mutex> lock(mu);
      seen = req;
    }
    ServerResponse r = ServerResponse::Json(201, R"({"ok":true})");
    r.headers.emplace_back("X-Amzn-RequestId", "abc");
    r.headers.emplace_back("X-Multi", "1");
    r.headers.emplace_back("X-Multi", "2");
    return r;
  });
  auto client = HttpClient::Create();
  HttpRequest req;
  req.method = "POST";
  req.url = server.url() + "/a/b?x=1&y=two";
  req.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                 {"X-Amz-Target", "DynamoDB_20120810.PutItem"}};
  req.body = R"({"TableName":"t"})";
  Result<HttpResponse> resp = client->SendSync(req);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->status, 201);
  EXPECT_EQ(resp->body, R"({"ok":true})");
  EXPECT_EQ(resp->header("content-type"), "application/json");
  EXPECT_EQ(resp->header("X-AMZN-REQUESTID"), "abc");
  int multi = 0;
  for (const auto& [name, value] : resp->headers) {
    EXPECT_EQ(name, [&] {
      std::string lower = name;
      for (char& c : lower)
        c = static_cast<char>(std::tolower(c));
      return lower;
    }());
    if (name == "x-multi") ++multi;
  }
  EXPECT_EQ(multi, 2);

  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/a/b");
  EXPECT_EQ(seen.query, "x=1&y=two");
  EXPECT_EQ(seen.body, req.body);
  EXPECT_EQ(seen.header("content-type"), "application/x-amz-json-1.0");
  EXPECT_EQ(seen.header("x-amz-target"), "DynamoDB_20120810.PutItem");
  EXPECT_EQ(seen.header("host"), server.authority());
  EXPECT_EQ(seen.header("content-length"), std::to_string(req.body.size()));
  // Nothing libcurl would add by itself.
  EXPECT_TRUE(seen.header("expect").empty());
  EXPECT_TRUE(seen.header("accept").empty());
  EXPECT_TRUE(seen.header("user-agent").empty());
  EXPECT_EQ(seen.version, "HTTP/1.1");
}

TEST(HttpClientTest, ErrorStatusesAreResponses) {
  LocalHttpServer server([](const ServerRequest& req) {
    return ServerResponse::Json(req.path == "/500" ? 500 : 400, R"({"__type":"x"})");
  });
  auto client = HttpClient::Create();
  auto r400 = client->SendSync(Get(server.url() + "/400"));
  auto r500 = client->SendSync(Get(server.url() + "/500"));
  ASSERT_TRUE(r400.ok() && r500.ok());
  EXPECT_EQ(r400->status, 400);
  EXPECT_EQ(r500->status, 500);
  EXPECT_EQ(r500->body, R"({"__type":"x"})");
}

TEST(HttpClientTest, MethodsAndEmptyBodies) {
  std::mutex mu;
  std::vector<ServerRequest> seen;
  LocalHttpServer server([&](const ServerRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(req);
    return ServerResponse::Text(200, "body");
  });
  auto client = HttpClient::Create();
  // One connection, so each request reuses the previous one's handle: nothing of one method
  // (a HEAD's missing body, a custom verb, a POST body) may leak into the next.
  const std::vector<std::string> methods = {"PUT", "DELETE", "HEAD", "POST",
                                            "GET", "HEAD",   "GET",  "DELETE"};
  for (const std::string& method : methods) {
    HttpRequest req = Get(server.url() + "/m");
    req.method = method;
    auto resp = client->SendSync(req);
    ASSERT_TRUE(resp.ok()) << method << ": " << resp.status().ToString();
    EXPECT_EQ(resp->body, method == "HEAD" ? "" : "body") << method;
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(seen.size(), methods.size());
  for (size_t i = 0; i < methods.size(); ++i) {
    EXPECT_EQ(seen[i].method, methods[i]) << i;
    if (methods[i] != "PUT" && methods[i] != "POST") {
      EXPECT_TRUE(seen[i].header("content-length").empty()) << i << " " << methods[i];
      EXPECT_TRUE(seen[i].body.empty()) << i;
    }
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].header("content-length"), "0");  // IMDS insists on it for the token PUT
  EXPECT_TRUE(seen[0].header("content-type").empty());
  EXPECT_EQ(seen[1].method, "DELETE");
  EXPECT_EQ(seen[2].method, "HEAD");
  EXPECT_EQ(seen[3].method, "POST");
  EXPECT_EQ(seen[3].header("content-length"), "0");
}

TEST(HttpClientTest, EmptyHeaderValueIsSent) {
  std::promise<std::string> value;
  LocalHttpServer server([&](const ServerRequest& req) {
    value.set_value(req.header_values("x-empty").empty() ? "absent" : "present");
    return ServerResponse::Text(200, "");
  });
  auto client = HttpClient::Create();
  HttpRequest req = Get(server.url());
  req.headers.emplace_back("X-Empty", "");
  ASSERT_TRUE(client->SendSync(req).ok());
  EXPECT_EQ(value.get_future().get(), "present");
}

TEST(HttpClientTest, ReusesConnections) {
  LocalHttpServer server([](const ServerRequest&) { return ServerResponse::Text(200, "ok"); });
  auto client = HttpClient::Create();
  for (int i = 0; i < 100; ++i) {
    auto resp = client->SendSync(Get(server.url() + "/" + std::to_string(i)));
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(server.requests_handled(), 100u);
}

// Pooled handles keep the options of their last URL: one handle sent in turn to two servers
// and to several paths must reach each one, and the same path twice too.
TEST(HttpClientTest, PooledHandlesFollowEveryChangeOfUrl) {
  std::mutex mu;
  std::vector<std::string> got_a, got_b;
  LocalHttpServer a([&](const ServerRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    got_a.push_back(r.path);
    return ServerResponse::Text(200, "a");
  });
  LocalHttpServer b([&](const ServerRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    got_b.push_back(r.path);
    return ServerResponse::Text(200, "b");
  });
  auto client = HttpClient::Create();
  std::vector<std::string> want_a, want_b;
  for (int i = 0; i < 12; ++i) {
    const bool to_a = i % 3 != 1;  // a, b, a, a, b, a, ...: changes and repeats
    const std::string path = "/p" + std::to_string(i / 2);
    auto resp = client->SendSync(Get((to_a ? a.url() : b.url()) + path));
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->body, to_a ? "a" : "b") << i;
    (to_a ? want_a : want_b).push_back(path);
  }
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(got_a, want_a);
  EXPECT_EQ(got_b, want_b);
}

TEST(HttpClientTest, ReconnectsAfterServerClosesConnection) {
  LocalHttpServer server([](const ServerRequest& req) {
    ServerResponse r = ServerResponse::Text(200, "ok");
    r.close = req.path == "/close";
    return r;
  });
  auto client = HttpClient::Create();
  ASSERT_TRUE(client->SendSync(Get(server.url() + "/close")).ok());
  auto again = client->SendSync(Get(server.url() + "/next"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST(HttpClientTest, ManyRequestsInFlightEachCallbackOnce) {
  constexpr int kRequests = 200;
  // Every handler waits until all requests have arrived: they can only all arrive if the client
  // really has them in flight at once. The wait is bounded, so a client that cannot keep up
  // fails the count below instead of hanging.
  std::mutex arrive_mu;
  std::condition_variable all_arrived;
  int arrived = 0;
  LocalHttpServer server([&](const ServerRequest& req) {
    std::unique_lock<std::mutex> lock(arrive_mu);
    if (++arrived == kRequests) all_arrived.notify_all();
    all_arrived.wait_for(lock, 20s, [&] { return arrived >= kRequests; });
    return ServerResponse::Text(200, req.path);
  });
  auto client = HttpClient::Create();
  Latch latch(kRequests);
  std::mutex mu;
  std::vector<int> calls(kRequests, 0);
  std::vector<std::string> bodies(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    client->Send(Get(server.url() + "/" + std::to_string(i)), [&, i](Result<HttpResponse> r) {
      {
        std::lock_guard<std::mutex> lock(mu);
        ++calls[i];
        bodies[i] = r.ok() ? r->body : r.status().ToString();
      }
      latch.CountDown();
    });
  }
  ASSERT_TRUE(latch.Wait());
  std::this_thread::sleep_for(50ms);  // a duplicate callback would show up here
  std::lock_guard<std::mutex> lock(mu);
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(calls[i], 1) << i;
    EXPECT_EQ(bodies[i], "/" + std::to_string(i));
  }
  {
    std::lock_guard<std::mutex> arrive_lock(arrive_mu);
    EXPECT_EQ(arrived, kRequests);
  }
  EXPECT_EQ(server.connections_accepted(), static_cast<uint64_t>(kRequests));
}

TEST(HttpClientTest, ConnectionPoolLimitQueuesRequests) {
  std::atomic<int> concurrent{0};
  std::atomic<int> max_concurrent{0};
  LocalHttpServer server([&](const ServerRequest&) {
    int now = ++concurrent;
    int seen = max_concurrent.load();
    while (now > seen && !max_concurrent.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(20ms);
    --concurrent;
    return ServerResponse::Text(200, "ok");
  });
  HttpClientOptions options;
  options.max_connections = 4;
  auto client = HttpClient::Create(options);
  Latch latch(40);
  std::atomic<int> ok{0};
  for (int i = 0; i < 40; ++i) {
    client->Send(Get(server.url()), [&](Result<HttpResponse> r) {
      if (r.ok()) ++ok;
      latch.CountDown();
    });
  }
  ASSERT_TRUE(latch.Wait());
  EXPECT_EQ(ok.load(), 40);
  EXPECT_LE(max_concurrent.load(), 4);
  EXPECT_LE(server.connections_accepted(), 4u);
}

// queued_requests() counts what waits for the I/O thread: held up in a callback, it takes
// nothing new; once free, it takes the whole queue at once.
TEST(HttpClientTest, QueuedRequestsCountsWhatTheIoThreadHasNotTakenUp) {
  LocalHttpServer server([](const ServerRequest&) { return ServerResponse::Text(200, "ok"); });
  auto client = HttpClient::Create();
  EXPECT_EQ(client->queued_requests(), 0u);
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Latch done(6);
  client->Send(Get(server.url()), [&](Result<HttpResponse> r) {
    EXPECT_TRUE(r.ok());
    entered.set_value();
    released.wait();  // the I/O thread is busy
    done.CountDown();
  });
  entered.get_future().wait();
  for (int i = 0; i < 5; ++i) {
    client->Send(Get(server.url()), [&](Result<HttpResponse> r) {
      EXPECT_TRUE(r.ok());
      done.CountDown();
    });
    EXPECT_EQ(client->queued_requests(), static_cast<size_t>(i + 1));
  }
  release.set_value();
  ASSERT_TRUE(done.Wait());
  EXPECT_EQ(client->queued_requests(), 0u);
}

TEST(HttpClientTest, RequestTimeout) {
  LocalHttpServer server([](const ServerRequest& req) {
    if (req.path == "/fast") return ServerResponse::Text(200, "ok");
    ServerResponse r;
    r.action = ServerResponse::Action::kHang;
    return r;
  });
  HttpClientOptions options;
  options.request_timeout = 300ms;
  auto client = HttpClient::Create(options);
  ASSERT_TRUE(client->SendSync(Get(server.url() + "/fast")).ok());  // the connection is reused
  auto start = std::chrono::steady_clock::now();
  auto resp = client->SendSync(Get(server.url() + "/secret-path?X-Amz-Signature=abc"));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().IsTimeout()) << resp.status().ToString();
  EXPECT_LT(elapsed, 5s);
  const std::string& msg = resp.status().message();
  EXPECT_NE(msg.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos) << msg;
  EXPECT_NE(msg.find("no complete response within 300 ms"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("secret-path"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("Signature"), std::string::npos) << msg;
}

TEST(HttpClientTest, PerRequestTimeoutOverridesDefault) {
  LocalHttpServer server([](const ServerRequest&) {
    ServerResponse r = ServerResponse::Text(200, "late");
    r.delay = 2s;
    return r;
  });
  auto client = HttpClient::Create();  // 30 s by default
  HttpRequest req = Get(server.url());
  req.timeout = 200ms;
  auto resp = client->SendSync(req);
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().IsTimeout()) << resp.status().ToString();
}

TEST(HttpClientTest, ConnectTimeout) {
  // A listener whose accept queue is full and never drained: Linux drops further SYNs, so the
  // next connect() neither succeeds nor fails until the client gives up.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 0), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    fillers.push_back(c);
  }
  std::this_thread::sleep_for(100ms);

  HttpClientOptions options;
  options.connect_timeout = 300ms;
  options.request_timeout = 10s;
  auto client = HttpClient::Create(options);
  auto start = std::chrono::steady_clock::now();
  auto resp = client->SendSync(Get("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))));
  auto elapsed = std::chrono::steady_clock::now() - start;
  for (int c : fillers)
    ::close(c);
  ::close(fd);
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().IsTimeout()) << resp.status().ToString();
  EXPECT_NE(resp.status().message().find("could not connect within 300 ms"), std::string::npos)
      << resp.status().message();
  EXPECT_LT(elapsed, 5s);
}

TEST(HttpClientTest, ConnectionRefusedIsUnavailable) {
  int port = ClosedPort();
  auto client = HttpClient::Create();
  auto resp = client->SendSync(Get("http://127.0.0.1:" + std::to_string(port) + "/x"));
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().IsUnavailable()) << resp.status().ToString();
  EXPECT_NE(resp.status().message().find("GET 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << resp.status().message();
}

TEST(HttpClientTest, ServerClosingWithoutAnswerIsUnavailable) {
  LocalHttpServer server([](const ServerRequest&) {
    ServerResponse r;
    r.action = ServerResponse::Action::kClose;
    return r;
  });
  auto client = HttpClient::Create();
  auto resp = client->SendSync(Get(server.url()));
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().IsUnavailable()) << resp.status().ToString();
}

TEST(HttpClientTest, MalformedResponseIsUnavailable) {
  LocalHttpServer server([](const ServerRequest&) {
    ServerResponse r;
    r.action = ServerResponse::Action::kRaw;
    r.raw = "this is not HTTP\r\n\r\n";
    r.close = true;
    return r;
  });
  auto client = HttpClient::Create();
  auto resp = client->SendSync(Get(server.url()));
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().IsUnavailable()) << resp.status().ToString();
}

TEST(HttpClientTest, LargeBodies) {
  std::string request_body(8 << 20, '\0');
  for (size_t i = 0; i < request_body.size(); ++i)
    request_body[i] = static_cast<char>(i * 131 % 251);
  LocalHttpServer server([&](const ServerRequest& req) {
    if (req.body != request_body) return ServerResponse::Text(400, "body differs");
    return ServerResponse::Text(200, std::string(16 << 20, 'x'));
  });
  auto client = HttpClient::Create();
  HttpRequest req = Get(server.url());
  req.method = "POST";
  req.body = request_body;
  auto resp = client->SendSync(req);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->status, 200) << resp->body.substr(0, 100);
  EXPECT_EQ(resp->body.size(), size_t{16} << 20);
  EXPECT_EQ(resp->body.find_first_not_of('x'), std::string::npos);
}

TEST(HttpClientTest, ResponseSizeLimit) {
  LocalHttpServer server(
      [](const ServerRequest&) { return ServerResponse::Text(200, std::string(1 << 20, 'x')); });
  HttpClientOptions options;
  options.max_response_bytes = 1000;
  auto client = HttpClient::Create(options);
  auto resp = client->SendSync(Get(server.url()));
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().IsUnavailable());
  EXPECT_NE(resp.status().message().find("larger than 1000 bytes"), std::string::npos)
      << resp.status().message();
}

TEST(HttpClientTest, RejectsNonHttpUrls) {
  auto client = HttpClient::Create();
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "no-scheme"}) {
    auto resp = client->SendSync(Get(url));
    ASSERT_FALSE(resp.ok()) << url;
    EXPECT_EQ(resp.status().code(), StatusCode::kInvalidArgument) << resp.status().ToString();
  }
  // Such a request never reaches the I/O thread: it fails at once, on the caller's thread.
  bool called = false;
  client->Send(Get("ftp://127.0.0.1/x"), [&](Result<HttpResponse> r) {
    called = true;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  });
  EXPECT_TRUE(called);
  // A good request after a bad one on the same client still goes out.
  LocalHttpServer server([](const ServerRequest&) { return ServerResponse::Text(200, "ok"); });
  auto ok = client->SendSync(Get(server.url()));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->body, "ok");
}

TEST(HttpClientTest, DestructionAbortsOutstandingRequestsOnce) {
  LocalHttpServer server([](const ServerRequest&) {
    ServerResponse r;
    r.action = ServerResponse::Action::kHang;
    return r;
  });
  constexpr int kRequests = 20;
  std::mutex mu;
  std::vector<int> calls(kRequests, 0);
  std::vector<StatusCode> codes(kRequests, StatusCode::kOk);
  {
    auto client = HttpClient::Create();
    for (int i = 0; i < kRequests; ++i) {
      client->Send(Get(server.url()), [&, i](Result<HttpResponse> r) {
        std::lock_guard<std::mutex> lock(mu);
        ++calls[i];
        codes[i] = r.status().code();
      });
    }
    // Let some of them reach the server.
    for (int i = 0; i < 200 && server.requests_handled() < 5; ++i)
      std::this_thread::sleep_for(5ms);
  }  // the destructor returns after every callback ran
  std::lock_guard<std::mutex> lock(mu);
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(calls[i], 1) << i;
    EXPECT_EQ(codes[i], StatusCode::kAborted) << i;
  }
}

TEST(HttpClientTest, ClientMayBeReleasedFromItsOwnCallback) {
  LocalHttpServer server([](const ServerRequest&) { return ServerResponse::Text(200, "ok"); });
  auto client = HttpClient::Create();
  std::promise<void> done;
  std::shared_ptr<HttpClient> holder = client;
  client.reset();
  HttpClient* raw = holder.get();
  raw->Send(Get(server.url()), [&holder, &done](Result<HttpResponse> r) {
    EXPECT_TRUE(r.ok());
    holder.reset();  // the last reference: destroys the client on its own I/O thread
    done.set_value();
  });
  ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
}

TEST(HttpClientTest, SendSyncFromCallbackFailsInsteadOfDeadlocking) {
  LocalHttpServer server([](const ServerRequest&) { return ServerResponse::Text(200, "ok"); });
  auto client = HttpClient::Create();
  std::promise<Status> inner;
  client->Send(Get(server.url()), [&](Result<HttpResponse>) {
    inner.set_value(client->SendSync(Get(server.url())).status());
  });
  auto future = inner.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get().code(), StatusCode::kInternal);
}

TEST(HttpClientTest, ConcurrentSendersFromManyThreads) {
  LocalHttpServer server(
      [](const ServerRequest& req) { return ServerResponse::Text(200, req.body); });
  auto client = HttpClient::Create();
  constexpr int kThreads = 8, kPerThread = 100;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        HttpRequest req = Get(server.url());
        req.method = "POST";
        req.body = std::to_string(t * 1000 + i);
        auto resp = client->SendSync(req);
        if (resp.ok() && resp->body == req.body) ++ok;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
}

// Proxy variables are read when the client is created.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(HttpClientTest, HonoursProxyEnvironmentButNotForLoopback) {
  std::mutex mu;
  std::vector<std::string> proxied_targets;
  LocalHttpServer proxy([&](const ServerRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    proxied_targets.push_back(req.target);
    return ServerResponse::Text(200, "via proxy");
  });
  LocalHttpServer direct([](const ServerRequest&) { return ServerResponse::Text(200, "direct"); });
  ScopedEnv lower("http_proxy", "");
  ScopedEnv upper("HTTP_PROXY", proxy.url());
  ScopedEnv no_proxy("NO_PROXY", "");
  ScopedEnv no_proxy_lower("no_proxy", "");
  auto client = HttpClient::Create();

  auto via = client->SendSync(Get("http://dynamodb.example.invalid/path?q=1"));
  ASSERT_TRUE(via.ok()) << via.status().ToString();
  EXPECT_EQ(via->body, "via proxy");
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(proxied_targets.size(), 1u);
    EXPECT_EQ(proxied_targets[0], "http://dynamodb.example.invalid/path?q=1");
  }

  auto loopback = client->SendSync(Get(direct.url()));
  ASSERT_TRUE(loopback.ok()) << loopback.status().ToString();
  EXPECT_EQ(loopback->body, "direct");

  HttpClientOptions no_env;
  no_env.use_proxy_env = false;
  auto plain = HttpClient::Create(no_env);
  auto again = plain->SendSync(Get(direct.url()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->body, "direct");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(proxied_targets.size(), 1u);
}

}  // namespace
}  // namespace dynasink::aws
