#include "support/local_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace dynasink::test {
namespace {

constexpr size_t kMaxHeaderBytes = 1 << 20;
constexpr size_t kMaxBodyBytes = size_t{512} << 20;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "LocalHttpServer: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string_view ServerRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (IEquals(n, name)) return v;
  }
  return {};
}

std::vector<std::string> ServerRequest::header_values(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [n, v] : headers) {
    if (IEquals(n, name)) values.push_back(v);
  }
  return values;
}

std::map<std::string, std::string> ServerRequest::query_params() const {
  return ParseFormUrlEncoded(query);
}

std::map<std::string, std::string> ServerRequest::form_params() const {
  return ParseFormUrlEncoded(body);
}

std::map<std::string, std::string> ParseFormUrlEncoded(std::string_view text) {
  std::map<std::string, std::string> params;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name = FormDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1));
    params[std::move(name)] = std::move(value);
  }
  return params;
}

ServerResponse ServerResponse::Text(int status, std::string body) {
  ServerResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

ServerResponse ServerResponse::Json(int status, std::string body) {
  ServerResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

ServerResponse ServerResponse::Xml(int status, std::string body) {
  ServerResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/xml");
  r.body = std::move(body);
  return r;
}

LocalHttpServer::LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) Die("pipe");
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) Die("socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Die("bind");
  if (::listen(listen_fd_, 1024) != 0) Die("listen");
  socklen_t len = sizeof(addr);
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Die("getsockname");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

LocalHttpServer::~LocalHttpServer() {
  Stop();
}

std::string LocalHttpServer::url() const {
  return "http://" + authority();
}

std::string LocalHttpServer::authority() const {
  return "127.0.0.1:" + std::to_string(port_);
}

size_t LocalHttpServer::open_connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const Connection& c : connections_)
    n += c.finished.load() ? 0 : 1;
  return n;
}

void LocalHttpServer::CloseConnections() {
  std::lock_guard<std::mutex> lock(mu_);
  for (Connection& c : connections_) {
    if (!c.finished.load()) ::shutdown(c.fd, SHUT_RDWR);
  }
}

void LocalHttpServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_.store(true);
  char byte = 1;
  while (::write(wake_pipe_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::list<Connection> connections;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Connection& c : connections_)
      ::shutdown(c.fd, SHUT_RDWR);
    connections.splice(connections.end(), connections_);
  }
  for (Connection& c : connections) {
    if (c.thread.joinable()) c.thread.join();
    ::close(c.fd);
  }
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

int LocalHttpServer::WaitReadable(int fd, int timeout_ms) const {
  pollfd fds[2] = {{fd, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
  while (true) {
    int rc = ::poll(fds, 2, timeout_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return -1;
    if (fds[1].revents != 0 || stopping_.load()) return -1;
    if (rc == 0) return 0;
    return 1;
  }
}

bool LocalHttpServer::Sleep(std::chrono::milliseconds delay) const {
  if (delay.count() <= 0) return !stopping_.load();
  pollfd fd = {wake_pipe_[0], POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + delay;
  while (true) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return !stopping_.load();
    int rc = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (rc > 0 || stopping_.load()) return false;
  }
}

void LocalHttpServer::ReapFinishedLocked() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->finished.load()) {
      it->thread.join();
      ::close(it->fd);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void LocalHttpServer::AcceptLoop() {
  uint64_t next_id = 0;
  while (true) {
    int ready = WaitReadable(listen_fd_, 200);
    if (ready < 0) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ReapFinishedLocked();
    }
    if (ready == 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // EAGAIN, ECONNABORTED, EMFILE: try again
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    uint64_t id = ++next_id;
    connections_accepted_.fetch_add(1);
    std::lock_guard<std::mutex> lock(mu_);
    Connection& conn = connections_.emplace_back();
    conn.fd = fd;
    conn.thread = std::thread([this, c = &conn, id] { Serve(c, id); });
  }
}

void LocalHttpServer::Serve(Connection* conn, uint64_t id) {
  const int fd = conn->fd;
  // However serving ends, the client sees the connection close at once (not when the acceptor
  // reaps it), and the acceptor may then join the thread and close the descriptor.
  struct Finish {
    Connection* conn;
    ~Finish() {
      ::shutdown(conn->fd, SHUT_RDWR);
      conn->finished.store(true);
    }
  } finish{conn};
  std::string buf;
  uint64_t index = 0;
  char chunk[16384];

  // Reads more bytes into buf. False on EOF, error or Stop().
  auto read_more = [&]() -> bool {
    if (WaitReadable(fd, -1) != 1) return false;
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  };
  auto bad_request = [&](const char* why) {
    std::string body = std::string(why) + "\n";
    WriteAll(fd,
             "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\n"
             "Content-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
  };

  while (!stopping_.load()) {
    // Request line and headers.
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > kMaxHeaderBytes) {
        bad_request("headers too large");
        return;
      }
      if (!read_more()) return;
    }
    ServerRequest req;
    req.connection_id = id;
    req.index_on_connection = index++;
    std::string_view head(buf.data(), head_end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) {
      bad_request("malformed request line");
      return;
    }
    req.method = std::string(request_line.substr(0, sp1));
    req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    req.version = std::string(request_line.substr(sp2 + 1));
    std::string_view target = req.target;
    if (size_t scheme = target.find("://"); scheme != std::string_view::npos) {
      size_t slash = target.find('/', scheme + 3);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    size_t question = target.find('?');
    req.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) req.query = std::string(target.substr(question + 1));

    std::string_view rest =
        line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
    while (!rest.empty()) {
      size_t eol = rest.find("\r\n");
      std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
      if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !req.headers.empty()) {
        req.headers.back().second.append(" ").append(Trim(line));
        continue;
      }
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(Trim(line.substr(0, colon)));
      for (char& c : name)
        c = Lower(c);
      req.headers.emplace_back(std::move(name), std::string(Trim(line.substr(colon + 1))));
    }
    buf.erase(0, head_end + 4);

    if (IEquals(req.header("expect"), "100-continue")) {
      if (!WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) break;
    }

    // Body.
    if (IEquals(req.header("transfer-encoding"), "chunked")) {
      while (true) {
        size_t eol;
        while ((eol = buf.find("\r\n")) == std::string::npos) {
          if (!read_more()) return;
        }
        size_t size = std::strtoull(buf.substr(0, eol).c_str(), nullptr, 16);
        if (req.body.size() + size > kMaxBodyBytes) {
          bad_request("body too large");
          return;
        }
        while (buf.size() < eol + 2 + size + 2) {
          if (!read_more()) return;
        }
        req.body.append(buf, eol + 2, size);
        buf.erase(0, eol + 2 + size + 2);
        if (size == 0) break;  // trailers are not supported; the last chunk ends the body
      }
    } else if (std::string_view cl = req.header("content-length"); !cl.empty()) {
      size_t length = std::strtoull(std::string(cl).c_str(), nullptr, 10);
      if (length > kMaxBodyBytes) {
        bad_request("body too large");
        return;
      }
      while (buf.size() < length) {
        if (!read_more()) return;
      }
      req.body = buf.substr(0, length);
      buf.erase(0, length);
    }

    bool client_close =
        IEquals(req.header("connection"), "close") ||
        (req.version == "HTTP/1.0" && !IEquals(req.header("connection"), "keep-alive"));

    ServerResponse resp = handler_(req);
    requests_handled_.fetch_add(1);
    if (!Sleep(resp.delay)) break;

    if (resp.action == ServerResponse::Action::kClose) break;
    if (resp.action == ServerResponse::Action::kHang) {
      // Wait for the client to go away (readable with EOF) or for Stop().
      while (WaitReadable(fd, -1) == 1) {
        if (::recv(fd, chunk, sizeof(chunk), 0) <= 0) break;
      }
      break;
    }
    if (resp.action == ServerResponse::Action::kRaw) {
      if (!WriteAll(fd, resp.raw) || resp.close || client_close) break;
      continue;
    }

    bool close = resp.close || client_close;
    std::string out;
    out.reserve(128 + resp.body.size());
    out.append("HTTP/1.1 ").append(std::to_string(resp.status)).append(" ");
    out.append(resp.reason.empty() ? ReasonPhrase(resp.status) : resp.reason).append("\r\n");
    bool has_length = false;
    for (const auto& [name, value] : resp.headers) {
      has_length = has_length || IEquals(name, "content-length");
      out.append(name).append(": ").append(value).append("\r\n");
    }
    if (!has_length)
      out.append("Content-Length: ").append(std::to_string(resp.body.size())).append("\r\n");
    if (close) out.append("Connection: close\r\n");
    out.append("\r\n");
    if (req.method != "HEAD") out.append(resp.body);
    if (!WriteAll(fd, out) || close) break;
  }
}

}  // namespace dynasink::test
