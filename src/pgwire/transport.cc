#include "pgwire/transport.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace dynasink::pgwire {
namespace {
constexpr size_t kReadBuffer = 64 * 1024;
// Buffers above this size are released after use, so that one huge message or row does not pin
// its memory for the rest of the connection.
constexpr size_t kKeepBytes = 1 << 20;

Status Closed() {
  return Status::Unavailable("the client closed the connection");
}
}  // namespace

Transport::Transport(int fd, int wake_fd, size_t flush_bytes)
    : fd_(fd), wake_fd_(wake_fd), flush_bytes_(flush_bytes) {
  in_.resize(kReadBuffer);
}

Transport::~Transport() {
  Close();
}

void Transport::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string Transport::Printable(char type) {
  unsigned char c = static_cast<unsigned char>(type);
  if (c >= 0x20 && c < 0x7f) return std::string(1, type);
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

uint32_t Transport::ReadLength(size_t at) const {
  return (uint32_t{static_cast<uint8_t>(in_[at])} << 24) |
         (uint32_t{static_cast<uint8_t>(in_[at + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(in_[at + 2])} << 8) | static_cast<uint8_t>(in_[at + 3]);
}

Status Transport::Wait(short events, bool interruptible) {
  pollfd fds[2] = {{fd_, events, 0}, {wake_fd_, POLLIN, 0}};
  while (true) {
    int timeout = -1;
    if (deadline_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
      if (left.count() <= 0) return Status::Timeout("timeout waiting for the client");
      timeout = static_cast<int>(std::min<int64_t>(left.count() + 1, 1 << 30));
    }
    int n = ::poll(fds, interruptible ? 2 : 1, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("poll: ") + std::strerror(errno));
    }
    if (n == 0) continue;  // re-check the deadline
    if (interruptible && (fds[1].revents & POLLIN)) return Status::Aborted("connection terminated");
    if (fds[0].revents) return Status::OK();
  }
}

Status Transport::RecvSome() {
  if (rpos_ == wpos_) {
    rpos_ = wpos_ = 0;
  } else if (wpos_ == in_.size()) {
    std::memmove(in_.data(), in_.data() + rpos_, wpos_ - rpos_);
    wpos_ -= rpos_;
    rpos_ = 0;
  }
  while (true) {
    ssize_t n = ::recv(fd_, in_.data() + wpos_, in_.size() - wpos_, 0);
    if (n > 0) {
      wpos_ += static_cast<size_t>(n);
      return Status::OK();
    }
    if (n == 0) return Closed();
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      DS_RETURN_IF_ERROR(Wait(POLLIN, true));
      continue;
    }
    if (errno == ECONNRESET || errno == EPIPE) return Closed();
    return Status::IOError(std::string("recv: ") + std::strerror(errno));
  }
}

void Transport::ReleaseLargeBuffers() {
  if (big_.capacity() > kKeepBytes) std::string().swap(big_);
}

Status Transport::Fill(size_t n) {
  // n is at most a header's size, far below the buffer's.
  while (wpos_ - rpos_ < n)
    DS_RETURN_IF_ERROR(RecvSome());
  return Status::OK();
}

Result<std::string_view> Transport::ReadBody(size_t len) {
  size_t have = wpos_ - rpos_;
  if (have >= len) {
    std::string_view body(in_.data() + rpos_, len);
    rpos_ += len;
    return body;
  }
  if (len <= in_.size()) {
    // Fits the buffer: make room at the front, then read the rest in place.
    if (in_.size() - rpos_ < len) {
      std::memmove(in_.data(), in_.data() + rpos_, have);
      rpos_ = 0;
      wpos_ = have;
    }
    while (wpos_ - rpos_ < len)
      DS_RETURN_IF_ERROR(RecvSome());
    std::string_view body(in_.data() + rpos_, len);
    rpos_ += len;
    return body;
  }
  // Larger than the buffer: assemble in big_, which grows only with what really arrives.
  big_.clear();
  big_.append(in_.data() + rpos_, have);
  rpos_ = wpos_ = 0;
  while (big_.size() < len) {
    DS_RETURN_IF_ERROR(RecvSome());
    size_t take = std::min(wpos_ - rpos_, len - big_.size());
    big_.append(in_.data() + rpos_, take);
    rpos_ += take;
  }
  return std::string_view(big_);
}

Result<std::string_view> Transport::ReadStartupPacket(size_t max_bytes) {
  DS_RETURN_IF_ERROR(Fill(4));
  uint32_t len = ReadLength(rpos_);
  if (len < 8 || len > max_bytes) return Status::Sql("08P01", "invalid length of startup packet");
  rpos_ += 4;
  return ReadBody(len - 4);
}

Status Transport::Flush() {
  std::string_view data = out_.view();
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      Status s = Wait(POLLOUT, true);
      if (!s.ok()) {
        // Keep what was not sent, so that a connection being terminated can still finish the
        // message it was writing before its final FATAL (FlushBestEffort).
        out_.buffer()->erase(0, off);
        return s;
      }
      continue;
    }
    out_.Clear();
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) return Closed();
    return Status::IOError(std::string("send: ") + std::strerror(errno));
  }
  out_.Clear();
  if (out_.buffer()->capacity() > kKeepBytes) std::string().swap(*out_.buffer());
  return Status::OK();
}

void Transport::FlushBestEffort(std::chrono::milliseconds timeout) {
  auto saved = deadline_;
  deadline_ = Clock::now() + timeout;
  std::string_view data = out_.view();
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && Wait(POLLOUT, false).ok()) continue;
    break;
  }
  out_.Clear();
  deadline_ = saved;
}

Status Transport::WriteByteNow(char c) {
  out_.Byte(c);
  return Flush();
}

}  // namespace dynasink::pgwire
