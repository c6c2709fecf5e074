// A raw-socket PostgreSQL protocol client for edge cases that libpq never produces.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dynasink::pgwire::testing {

inline std::string I16(int v) {
  return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
inline std::string I32(int64_t v) {
  uint32_t u = static_cast<uint32_t>(v);
  return {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8),
          static_cast<char>(u)};
}
inline std::string Cstr(const std::string& s) {
  return s + std::string(1, '\0');
}

struct RawMessage {
  char type = 0;
  std::string body;

  // A field of an ErrorResponse / NoticeResponse ('C' SQLSTATE, 'M' message, 'S' severity...).
  std::string Field(char code) const {
    size_t i = 0;
    while (i < body.size() && body[i] != '\0') {
      char c = body[i++];
      size_t end = body.find('\0', i);
      if (end == std::string::npos) return "";
      if (c == code) return body.substr(i, end - i);
      i = end + 1;
    }
    return "";
  }
  int32_t Int32At(size_t at) const {
    return static_cast<int32_t>((uint32_t(uint8_t(body[at])) << 24) |
                                (uint32_t(uint8_t(body[at + 1])) << 16) |
                                (uint32_t(uint8_t(body[at + 2])) << 8) | uint8_t(body[at + 3]));
  }
};

class RawClient {
 public:
  using Ms = std::chrono::milliseconds;

  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool Send(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  bool SendMessage(char type, const std::string& body) {
    return Send(std::string(1, type) + I32(static_cast<int64_t>(body.size()) + 4) + body);
  }
  static std::string StartupPacket(const std::vector<std::pair<std::string, std::string>>& params,
                                   int32_t version = 3 << 16) {
    std::string body = I32(version);
    for (const auto& [k, v] : params)
      body += Cstr(k) + Cstr(v);
    body += std::string(1, '\0');
    return I32(static_cast<int64_t>(body.size()) + 4) + body;
  }
  void CloseWrite() { ::shutdown(fd_, SHUT_WR); }

  // Startup as root/dev with trust auth; returns the messages up to ReadyForQuery.
  std::vector<RawMessage> Startup() {
    Send(StartupPacket({{"user", "root"}, {"database", "dev"}}));
    auto msgs = ReadUntilReady();
    for (const auto& m : msgs) {
      if (m.type == 'K') {
        pid_ = m.Int32At(0);
        key_ = m.Int32At(4);
      }
    }
    return msgs;
  }
  int32_t pid() const { return pid_; }
  int32_t key() const { return key_; }

  // One byte, for the answer to SSLRequest.
  std::optional<char> ReadByte(Ms timeout = Ms(5000)) {
    if (!Fill(1, timeout)) return std::nullopt;
    char c = buf_[0];
    buf_.erase(0, 1);
    return c;
  }

  // The next message, or nullopt on timeout or end of stream.
  std::optional<RawMessage> Read(Ms timeout = Ms(5000)) {
    if (!Fill(5, timeout)) return std::nullopt;
    RawMessage m;
    m.type = buf_[0];
    uint32_t len = (uint32_t(uint8_t(buf_[1])) << 24) | (uint32_t(uint8_t(buf_[2])) << 16) |
                   (uint32_t(uint8_t(buf_[3])) << 8) | uint8_t(buf_[4]);
    if (!Fill(1 + len, timeout)) return std::nullopt;
    m.body = buf_.substr(5, len - 4);
    buf_.erase(0, 1 + len);
    return m;
  }

  // Messages up to and including ReadyForQuery (or until the stream ends or times out).
  std::vector<RawMessage> ReadUntilReady(Ms timeout = Ms(5000)) {
    std::vector<RawMessage> out;
    while (auto m = Read(timeout)) {
      out.push_back(*m);
      if (m->type == 'Z') break;
    }
    return out;
  }

  // True once the server closed the connection (all pending messages are consumed).
  bool WaitClosed(Ms timeout = Ms(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char tmp[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      int left = static_cast<int>(
          std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()).count());
      if (::poll(&p, 1, std::max(left, 1)) <= 0) continue;
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      buf_.append(tmp, static_cast<size_t>(n));
    }
    return false;
  }
  // Bytes received but not yet returned as messages.
  const std::string& pending() const { return buf_; }

 private:
  bool Fill(size_t n, Ms timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char tmp[65536];
    while (buf_.size() < n) {
      int left = static_cast<int>(
          std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()).count());
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, left) <= 0) continue;
      ssize_t r = ::recv(fd_, tmp, sizeof tmp, 0);
      if (r <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(r));
    }
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
  int32_t pid_ = 0;
  int32_t key_ = 0;
};

// Extended-protocol message bodies.
inline std::string ParseBody(const std::string& name, const std::string& sql,
                             const std::vector<int>& oids = {}) {
  std::string b = Cstr(name) + Cstr(sql) + I16(static_cast<int>(oids.size()));
  for (int o : oids)
    b += I32(o);
  return b;
}
inline std::string BindBody(const std::string& portal, const std::string& stmt,
                            const std::vector<std::optional<std::string>>& text_params = {},
                            const std::vector<int>& result_formats = {}) {
  std::string b = Cstr(portal) + Cstr(stmt) + I16(0) + I16(static_cast<int>(text_params.size()));
  for (const auto& p : text_params)
    b += p ? I32(static_cast<int64_t>(p->size())) + *p : I32(-1);
  b += I16(static_cast<int>(result_formats.size()));
  for (int f : result_formats)
    b += I16(f);
  return b;
}
inline std::string ExecuteBody(const std::string& portal, int max_rows) {
  return Cstr(portal) + I32(max_rows);
}
inline std::string DescribeBody(char kind, const std::string& name) {
  return std::string(1, kind) + Cstr(name);
}

}  // namespace dynasink::pgwire::testing
