#include "pgwire/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "common/logging.h"
#include "common/thread_name.h"
#include "pgwire/connection.h"
#include "pgwire/crypto.h"

namespace dynasink::pgwire {
namespace {

// Threads beyond max_connections that may exist at once: cancel requests, and clients that are
// told "too many clients" (they need a thread to read their startup packet).
constexpr int kExtraThreads = 32;

std::string PeerName(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    port = ntohs(a->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  return "unknown";
}

void Poke(int fd) {
  uint64_t one = 1;
  ssize_t n = ::write(fd, &one, sizeof one);
  (void)n;  // fails only if the counter is saturated, i.e. already signalled
}

}  // namespace

Server::Server(ServerOptions options, std::shared_ptr<Backend> backend)
    : options_(std::move(options)), backend_(std::move(backend)) {}

Server::~Server() {
  Shutdown();
}

Status Server::Start() {
  if (started_.load()) return Status::FailedPrecondition("the pgwire server is already started");
  if (!backend_) return Status::InvalidArgument("the pgwire server needs a backend");
  if (options_.auth_method != AuthMethod::kTrust && !options_.users) {
    return Status::InvalidArgument(std::string("authentication method ") +
                                   std::string(AuthMethodName(options_.auth_method)) +
                                   " needs a user store (users file or password)");
  }
  if (options_.max_connections < 1) return Status::InvalidArgument("max_connections must be >= 1");

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port_text = std::to_string(options_.port);
  int rc = ::getaddrinfo(options_.host.empty() ? nullptr : options_.host.c_str(), port_text.c_str(),
                         &hints, &res);
  if (rc != 0) {
    return Status::InvalidArgument("cannot resolve listen address \"" + options_.host +
                                   "\": " + gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 256) == 0) {
      listen_fd_ = fd;
      break;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  if (listen_fd_ < 0) {
    return Status::IOError("cannot listen on " + options_.host + ":" + port_text + ": " +
                           last_error);
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return Status::IOError(std::string("eventfd: ") + std::strerror(errno));
  }
  started_.store(true);
  accept_thread_ = std::thread([this] {
    SetThreadName("ds-pg-accept");
    AcceptLoop();
  });
  DS_LOG_INFO("pgwire", "listening on {}:{} (auth {})", options_.host, port_,
              AuthMethodName(options_.auth_method));
  return Status::OK();
}

void Server::AcceptLoop() {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (!shutting_down()) {
    int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      DS_LOG_ERROR("pgwire", "poll on the listening socket failed: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents & POLLIN) {
      uint64_t v;
      ssize_t r = ::read(wake_fd_, &v, sizeof v);
      (void)r;
      ReapFinished();
      continue;
    }
    if (!(fds[0].revents & POLLIN)) continue;
    sockaddr_storage addr{};
    socklen_t addr_len = sizeof addr;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &addr_len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) continue;
      // Out of file descriptors or memory: back off instead of spinning.
      DS_LOG_WARN("pgwire", "accept failed: {}", std::strerror(errno));
      ::poll(nullptr, 0, 100);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    ReapFinished();
    std::lock_guard<std::mutex> lock(mu_);
    if (connections_.size() >= static_cast<size_t>(options_.max_connections) + kExtraThreads) {
      DS_LOG_WARN("pgwire", "refusing a connection from {}: {} connections are open",
                  PeerName(addr), connections_.size());
      ::close(fd);
      continue;
    }
    // Process ids wrap around within int32, skipping ids still in use.
    do {
      next_pid_ = next_pid_ == INT32_MAX ? 1 : next_pid_ + 1;
    } while (connections_.count(next_pid_));
    int32_t secret = 0;
    std::string random = crypto::RandomBytes(sizeof secret);
    std::memcpy(&secret, random.data(), sizeof secret);
    auto conn = std::make_shared<internal::Connection>(this, fd, PeerName(addr), next_pid_, secret);
    Entry& entry = connections_[next_pid_];
    entry.connection = conn;
    entry.thread = std::thread([this, conn, pid = next_pid_] {
      SetThreadName("ds-pg-" + std::to_string(pid));
      conn->Run();
      Poke(wake_fd_);  // lets the accept loop join this thread
    });
  }
}

void Server::ReapFinished() {
  std::vector<std::thread> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (it->second.connection->finished()) {
        done.push_back(std::move(it->second.thread));
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& t : done)
    t.join();
}

void Server::Shutdown() {
  std::lock_guard<std::mutex> shutdown_lock(shutdown_mu_);
  if (!started_.load() || shutting_down()) return;
  DS_LOG_INFO("pgwire", "shutting down: closing {} connections", connection_count());
  shutting_down_.store(true, std::memory_order_release);
  Poke(wake_fd_);
  if (accept_thread_.joinable()) accept_thread_.join();
  ::close(listen_fd_);
  listen_fd_ = -1;

  std::unordered_map<int32_t, Entry> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [pid, entry] : connections_)
      entry.connection->Terminate();
    all.swap(connections_);
  }
  for (auto& [pid, entry] : all) {
    // A statement that started just as the first cancel arrived may have cleared it (sessions
    // reset their cancel flag when a statement starts): repeat until the connection is gone.
    while (!entry.connection->finished()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!entry.connection->finished()) entry.connection->Terminate();
    }
    entry.thread.join();
  }
  ::close(wake_fd_);
  wake_fd_ = -1;
  DS_LOG_INFO("pgwire", "shut down");
}

size_t Server::connection_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [pid, entry] : connections_)
    n += entry.connection->finished() ? 0 : 1;
  return n;
}

void Server::CancelBackend(int32_t process_id, int32_t secret_key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(process_id);
  if (it == connections_.end() || it->second.connection->secret_key() != secret_key) {
    DS_LOG_INFO("pgwire", "cancel request for unknown process id {} ignored", process_id);
    return;
  }
  DS_LOG_DEBUG("pgwire", "cancel request for connection {}", process_id);
  it->second.connection->Cancel();
}

bool Server::AcquireSlot() {
  int used = slots_used_.fetch_add(1);
  if (used >= options_.max_connections) {
    slots_used_.fetch_sub(1);
    return false;
  }
  return true;
}

void Server::ReleaseSlot() {
  slots_used_.fetch_sub(1);
}

}  // namespace dynasink::pgwire
