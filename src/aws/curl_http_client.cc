// HttpClient on the libcurl multi interface.
//
// One I/O thread owns the multi handle and every easy handle. Other threads only append to a
// mutex-protected queue and wake the thread through an eventfd. The thread uses libcurl's
// event-driven API: curl tells us (socket callback) which sockets to watch in an epoll set and
// (timer callback) when it next needs a timeout; the thread sleeps in epoll_wait() and reports
// ready sockets with curl_multi_socket_action(), so the work per wake-up is proportional to the
// sockets that are ready rather than to the transfers in flight (curl_multi_perform() and
// curl_multi_poll() walk all of them every time). Connections stay in the multi handle's cache,
// so consecutive requests to one host reuse them; easy handles are pooled too.
//
// The thread's state (Engine) is shared between the client object and the thread, so that a
// callback may drop the last reference to the client: the destructor then detaches the thread,
// which aborts what is left and exits on its own.
#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "aws/http_client.h"
#include "aws/url.h"
#include "common/logging.h"
#include "common/thread_name.h"

namespace dynasink::aws {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string EnvValue(const char* lower, const char* upper) {
  const char* v = std::getenv(lower);
  if (v == nullptr || *v == '\0') v = std::getenv(upper);
  return v == nullptr ? std::string() : std::string(v);
}

struct ProxySettings {
  std::string http;      // for http:// URLs; empty for a direct connection
  std::string https;     // for https:// URLs
  std::string no_proxy;  // curl's NOPROXY list
};

ProxySettings ReadProxyEnvironment() {
  ProxySettings p;
  std::string all = EnvValue("all_proxy", "ALL_PROXY");
  p.http = EnvValue("http_proxy", "HTTP_PROXY");
  if (p.http.empty()) p.http = all;
  p.https = EnvValue("https_proxy", "HTTPS_PROXY");
  if (p.https.empty()) p.https = all;
  p.no_proxy = EnvValue("no_proxy", "NO_PROXY");
  return p;
}

// Hosts that are always reached directly: the local machine and the link-local range where the
// EC2 instance metadata service and the ECS container credentials endpoint live.
bool IsDirectHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.") ||
         host.starts_with("169.254.");
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

struct Transfer {
  HttpRequest request;
  HttpClient::Callback done;
  HttpResponse response;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  size_t max_body = 0;
  bool body_too_large = false;
  char error[CURL_ERROR_SIZE] = {0};

  ~Transfer() { curl_slist_free_all(header_list); }

  // "POST dynamodb.us-east-1.amazonaws.com:443" for messages: never the path or query.
  std::string Describe() const {
    Result<UrlParts> parts = ParseUrl(request.url);
    std::string where = parts.ok() ? std::string(parts->host) + ":" + std::to_string(parts->port)
                                   : std::string("<unparsable URL>");
    return request.method + " " + where;
  }
};

bool HasBody(const HttpRequest& r) {
  return !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
}

bool AppendHeader(curl_slist** list, const std::string& line) {
  curl_slist* grown = curl_slist_append(*list, line.c_str());
  if (grown == nullptr) return false;
  *list = grown;
  return true;
}

// What a request needs before the I/O thread takes it: its URL checked and its header list
// built. Done by Send() on the caller's thread, which spares the I/O thread (the busiest one
// under load) a URL parse and a dozen allocations per request.
Status PrepareTransfer(Transfer& t) {
  const HttpRequest& r = t.request;
  Result<UrlParts> url = ParseUrl(r.url);
  if (!url.ok()) {
    return Status::InvalidArgument("cannot send HTTP " + r.method + ": " + url.status().message());
  }
  if (url->scheme != "http" && url->scheme != "https") {
    return Status::InvalidArgument("cannot send HTTP " + r.method + " to " +
                                   std::string(url->host) +
                                   ": only http and https URLs are "
                                   "supported, not '" +
                                   std::string(url->scheme) + "'");
  }
  bool has_accept = false, has_content_type = false;
  std::string line;
  for (const auto& [name, value] : r.headers) {
    has_accept = has_accept || IEquals(name, "accept");
    has_content_type = has_content_type || IEquals(name, "content-type");
    line.assign(name);
    // "Name;" is curl's way of sending a header with an empty value.
    if (value.empty()) {
      line.push_back(';');
    } else {
      line.append(": ").append(value);
    }
    if (!AppendHeader(&t.header_list, line)) return Status::Internal("out of memory for headers");
  }
  // Remove what libcurl would add on its own.
  if (!AppendHeader(&t.header_list, "Expect:")) {
    return Status::Internal("out of memory for headers");
  }
  if (!has_accept && !AppendHeader(&t.header_list, "Accept:")) {
    return Status::Internal("out of memory for headers");
  }
  if (HasBody(r) && !has_content_type && !AppendHeader(&t.header_list, "Content-Type:")) {
    return Status::Internal("out of memory for headers");
  }
  return Status::OK();
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->response.body.size() + n > t->max_body) {
    t->body_too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response starts (after "100 Continue" or an informational response): drop what the
    // previous one said.
    t->response.headers.clear();
    return n;
  }
  if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    // Obsolete line folding: the line continues the previous header's value.
    if (!t->response.headers.empty()) {
      std::string_view more = Trim(line);
      if (!more.empty()) t->response.headers.back().second.append(" ").append(more);
    }
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;  // the blank line that ends the headers
  std::string name(Trim(line.substr(0, colon)));
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view value = Trim(line.substr(colon + 1));
  if (name == "content-length") {
    // Reserve for the body up front, within the configured limit.
    size_t length = std::strtoull(std::string(value).c_str(), nullptr, 10);
    if (length > 0 && length <= t->max_body) t->response.body.reserve(length);
  }
  t->response.headers.emplace_back(std::move(name), std::string(value));
  return n;
}

class Engine {
 public:
  explicit Engine(HttpClientOptions options)
      : options_(std::move(options)),
        multi_(curl_multi_init()),
        epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
        wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (options_.use_proxy_env) proxies_ = ReadProxyEnvironment();
    if (!valid()) return;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Engine::OnSocket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Engine::OnTimer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, options_.max_connections);
    // Keep as many idle connections as may be open, so a burst does not close and reopen them.
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options_.max_connections);
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, long{CURLPIPE_NOTHING});
  }

  ~Engine() {
    for (CURL* easy : idle_) {
      DestroyHandle(easy);
    }
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
  }

  bool valid() const { return multi_ != nullptr && epoll_fd_ >= 0 && wake_fd_ >= 0; }

  // Queues a transfer, taking it from `transfer`. False when the engine is stopping: `transfer`
  // is then left to the caller to abort.
  bool Enqueue(std::unique_ptr<Transfer>& transfer) {
    bool was_empty;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return false;
      was_empty = queue_.empty();
      queue_.push_back(std::move(transfer));
      queued_.store(queue_.size(), std::memory_order_relaxed);
    }
    // One wake-up per batch: a non-empty queue means a wake-up is already pending, and the I/O
    // thread takes the whole queue when it wakes. This saves a socket write and a poll() per
    // request under load.
    if (was_empty) Wake();
    return true;
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    Wake();
  }

  std::thread::id io_thread() const { return io_thread_.load(); }
  size_t queued() const { return queued_.load(std::memory_order_relaxed); }  // see queued_

  void Run() {
    io_thread_.store(std::this_thread::get_id());
    std::vector<std::unique_ptr<Transfer>> incoming;
    epoll_event events[64];
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) break;
        incoming.swap(queue_);
        queued_.store(0, std::memory_order_relaxed);
      }
      // Adding a handle makes curl ask for an immediate timeout, which starts the transfer below.
      for (auto& t : incoming) {
        Start(std::move(t));
      }
      incoming.clear();

      int n = ::epoll_wait(epoll_fd_, events, 64, WaitMillis());
      int running = 0;
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == wake_fd_) {
          uint64_t count;
          while (::read(wake_fd_, &count, sizeof(count)) > 0) {
          }
          continue;
        }
        int flags = 0;
        if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
        Check(curl_multi_socket_action(multi_, fd, flags, &running));
      }
      if (deadline_ && std::chrono::steady_clock::now() >= *deadline_) {
        deadline_.reset();  // the timer callback may set a new one during the call
        Check(curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running));
      }
      CompleteFinished();
    }
    AbortAll();
  }

 private:
  void Wake() {
    uint64_t one = 1;
    // Fails only when the counter would overflow, i.e. a wake-up is pending anyway.
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
  }

  static void Check(CURLMcode mc) {
    if (mc != CURLM_OK) {
      DS_LOG_ERROR("http", "curl_multi_socket_action failed: {}", curl_multi_strerror(mc));
    }
  }

  // How long epoll_wait() may sleep: until curl's next timeout, or a second at most, so that a
  // lost wake-up could never stall the thread for long.
  int WaitMillis() const {
    if (!deadline_) return 1000;
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - std::chrono::steady_clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, 1000));
  }

  // curl: watch socket `s` for `what` (CURL_POLL_IN/OUT/INOUT), or stop (CURL_POLL_REMOVE).
  static int OnSocket(CURL*, curl_socket_t s, int what, void* userp, void* socketp) {
    auto* self = static_cast<Engine*>(userp);
    if (what == CURL_POLL_REMOVE) {
      ::epoll_ctl(self->epoll_fd_, EPOLL_CTL_DEL, s, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.data.fd = s;
    if (what & CURL_POLL_IN) ev.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) ev.events |= EPOLLOUT;
    // socketp marks sockets already in the epoll set. A descriptor number can come back after
    // a close, so fall back to the other operation when the first one disagrees.
    int op = socketp == nullptr ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (::epoll_ctl(self->epoll_fd_, op, s, &ev) != 0) {
      op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
      if (::epoll_ctl(self->epoll_fd_, op, s, &ev) != 0) {
        DS_LOG_ERROR("http", "epoll_ctl failed for a connection: {}", std::strerror(errno));
        return -1;
      }
    }
    if (socketp == nullptr) curl_multi_assign(self->multi_, s, self);
    return 0;
  }

  // curl: call curl_multi_socket_action(CURL_SOCKET_TIMEOUT) after `timeout_ms` (-1: never).
  static int OnTimer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Engine*>(userp);
    if (timeout_ms < 0) {
      self->deadline_.reset();
    } else {
      self->deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    }
    return 0;
  }

  void Start(std::unique_ptr<Transfer> t) {
    CURL* easy = nullptr;
    if (!idle_.empty()) {
      // Reused as configured: Configure() sets every option a request may change, and
      // curl_easy_reset (which frees and rebuilds the handle's settings) cost a sizeable share
      // of the HTTP thread at thousands of calls per second.
      easy = idle_.back();
      idle_.pop_back();
    } else {
      easy = NewHandle();
    }
    if (easy == nullptr) {
      Finish(std::move(t), Status::Unavailable("cannot create a libcurl handle (out of memory?)"));
      return;
    }
    t->easy = easy;
    t->max_body = options_.max_response_bytes;
    Configure(*t);
    if (curl_multi_add_handle(multi_, easy) != CURLM_OK) {
      Release(t.get());
      Finish(std::move(t), Status::Internal("curl_multi_add_handle failed"));
      return;
    }
    active_.insert(t.release());
  }

  // A new easy handle with the options that are the same for every request of this engine.
  CURL* NewHandle() {
    CURL* e = curl_easy_init();
    if (e == nullptr) return nullptr;
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long{CURL_HTTP_VERSION_1_1});
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(e, CURLOPT_NOPROXY, proxies_.no_proxy.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
    return e;
  }

  void DestroyHandle(CURL* e) {
    configured_url_.erase(e);
    curl_easy_cleanup(e);
  }

  // Sets the handle up for `t`, prepared by PrepareTransfer() (URL checked, header list built).
  void Configure(Transfer& t) {
    CURL* e = t.easy;
    const HttpRequest& r = t.request;
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    // A pooled handle keeps its options: those that depend only on the URL (which libcurl
    // copies and parses, and the proxy it chooses) are set again only for another URL. A sink
    // sends every call to one endpoint, thousands per second.
    std::string& configured = configured_url_[e];
    if (configured != r.url) {
      Result<UrlParts> url = ParseUrl(r.url);  // checked by PrepareTransfer()
      curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
      // An empty proxy string makes curl connect directly and ignore the environment, which
      // we have read ourselves (see the header).
      const bool https = url.ok() && url->scheme == "https";
      const std::string& proxy = https ? proxies_.https : proxies_.http;
      curl_easy_setopt(e, CURLOPT_PROXY, url.ok() && IsDirectHost(url->host) ? "" : proxy.c_str());
      configured = r.url;
    }
    auto connect_timeout = ConnectTimeout(r);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    auto timeout = r.timeout.count() > 0 ? r.timeout : options_.request_timeout;
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);

    const std::string& m = r.method;
    // What an earlier request on a reused handle may have set: a HEAD's NOBODY, a custom method.
    curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, nullptr);
    if (m == "GET" && r.body.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (m == "HEAD") {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (HasBody(r)) {
      // POSTFIELDS with an explicit size sends the body from our buffer without a copy, with
      // Content-Length; CUSTOMREQUEST then sets the method if it is not POST.
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
      if (m != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
    } else {
      // A bodiless verb (DELETE, ...): a GET with another name, never the POST of a handle's
      // previous request.
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
  }

  std::chrono::milliseconds ConnectTimeout(const HttpRequest& r) const {
    return r.connect_timeout.count() > 0 ? r.connect_timeout : options_.connect_timeout;
  }

  void CompleteFinished() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      Transfer* raw = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &raw);
      curl_multi_remove_handle(multi_, easy);
      active_.erase(raw);
      std::unique_ptr<Transfer> t(raw);
      Result<HttpResponse> result = Outcome(*t, code);
      Release(t.get());
      Finish(std::move(t), std::move(result));
    }
  }

  Result<HttpResponse> Outcome(Transfer& t, CURLcode code) {
    if (code == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
      t.response.status = static_cast<int>(status);
      return std::move(t.response);
    }
    std::string what = t.Describe();
    std::string detail = t.error[0] != '\0' ? std::string(t.error) : curl_easy_strerror(code);
    switch (code) {
      case CURLE_OPERATION_TIMEDOUT: {
        // The connection was not ready when time ran out if the request never started to go
        // out (no pre-transfer time; a reused connection has one too, but no connect time).
        curl_off_t pretransfer_us = 0;
        curl_easy_getinfo(t.easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
        bool transferring = std::strncmp(t.error, "Operation timed out", 19) == 0;
        if (pretransfer_us == 0 && !transferring) {
          return Status::Timeout("HTTP " + what + ": could not connect within " +
                                 std::to_string(ConnectTimeout(t.request).count()) + " ms");
        }
        auto limit = t.request.timeout.count() > 0 ? t.request.timeout : options_.request_timeout;
        return Status::Timeout("HTTP " + what + ": no complete response within " +
                               std::to_string(limit.count()) + " ms");
      }
      case CURLE_WRITE_ERROR:
        if (t.body_too_large) {
          return Status::Unavailable("HTTP " + what + ": response body larger than " +
                                     std::to_string(options_.max_response_bytes) + " bytes");
        }
        break;
      case CURLE_URL_MALFORMAT:
        return Status::InvalidArgument("HTTP " + what + ": bad URL: " + detail);
      default:
        break;
    }
    return Status::Unavailable("HTTP " + what + " failed: " + detail);
  }

  // Returns the easy handle to the pool. Pooled handles are bounded by the connection limit.
  void Release(Transfer* t) {
    if (t->easy == nullptr) return;
    if (idle_.size() < static_cast<size_t>(std::max(options_.max_connections, 16L))) {
      idle_.push_back(t->easy);
    } else {
      DestroyHandle(t->easy);
    }
    t->easy = nullptr;
  }

  static void Finish(std::unique_ptr<Transfer> t, Result<HttpResponse> result) {
    HttpClient::Callback done = std::move(t->done);
    t.reset();  // free the request before running user code
    done(std::move(result));
  }

  void AbortAll() {
    std::vector<std::unique_ptr<Transfer>> pending;
    for (Transfer* raw : active_) {
      curl_multi_remove_handle(multi_, raw->easy);
      pending.emplace_back(raw);
    }
    active_.clear();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& t : queue_)
        pending.push_back(std::move(t));
      queue_.clear();
    }
    for (auto& t : pending) {
      std::string what = t->Describe();
      Release(t.get());
      Finish(std::move(t), Status::Aborted("HTTP " + what + ": the HTTP client was shut down"));
    }
  }

  const HttpClientOptions options_;
  ProxySettings proxies_;
  CURLM* multi_;
  int epoll_fd_;
  int wake_fd_;  // eventfd: readable when Send() or Stop() wants the thread's attention
  std::atomic<std::thread::id> io_thread_{};
  std::optional<std::chrono::steady_clock::time_point> deadline_;  // I/O thread only

  std::mutex mu_;
  bool stopping_ = false;                         // guarded by mu_
  std::vector<std::unique_ptr<Transfer>> queue_;  // guarded by mu_
  std::atomic<size_t> queued_{0};                 // queue_.size(), readable without mu_

  // Owned by the I/O thread.
  std::unordered_set<Transfer*> active_;
  std::vector<CURL*> idle_;
  std::unordered_map<CURL*, std::string> configured_url_;  // the URL each handle is set up for
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(std::shared_ptr<Engine> engine) : engine_(std::move(engine)) {
    thread_ = std::thread([engine = engine_] {
      SetThreadName("ds-http");
      engine->Run();
    });
  }

  ~CurlHttpClient() override {
    engine_->Stop();
    if (std::this_thread::get_id() == thread_.get_id()) {
      // Destroyed from one of our own callbacks: the thread cannot join itself. It holds the
      // engine and finishes (aborting what is left) after the callback returns.
      thread_.detach();
    } else {
      thread_.join();
    }
  }

  size_t queued_requests() const override { return engine_->queued(); }

  void Send(HttpRequest request, Callback done) override {
    auto t = std::make_unique<Transfer>();
    t->request = std::move(request);
    t->done = std::move(done);
    Status prepared = PrepareTransfer(*t);
    if (!prepared.ok()) {
      Callback callback = std::move(t->done);
      t.reset();
      callback(std::move(prepared));
      return;
    }
    if (!engine_->Enqueue(t)) {
      std::string what = t->Describe();
      Callback callback = std::move(t->done);
      t.reset();
      callback(Status::Aborted("HTTP " + what + ": the HTTP client is shutting down"));
    }
  }

 protected:
  bool OnIoThread() const override { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  std::shared_ptr<Engine> engine_;
  std::thread thread_;
};

}  // namespace

std::shared_ptr<HttpClient> HttpClient::Create(HttpClientOptions options) {
  GlobalInit();
  auto engine = std::make_shared<Engine>(std::move(options));
  if (!engine->valid()) {
    std::fprintf(stderr, "fatal: curl_multi_init failed\n");
    std::abort();
  }
  return std::make_shared<CurlHttpClient>(std::move(engine));
}

}  // namespace dynasink::aws
