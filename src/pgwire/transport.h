// Buffered, interruptible message I/O on one client socket.
//
// The socket is non-blocking; every wait is a poll() on the socket and on the connection's
// wake-up eventfd, so that Server::Shutdown() can interrupt a connection blocked on a slow or
// silent client, and on an optional deadline (the startup timeout). Reads return views into an
// internal buffer when a whole message is buffered (the common case: no copy); larger messages
// are assembled in a second buffer, growing only as bytes arrive, so a client that announces a
// 1 GB message and sends nothing costs nothing.
//
// Outgoing messages are built in out() and written by Flush() or, once large, by MaybeFlush(),
// so that a stream of DataRows goes out in big writes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "pgwire/wire_buffer.h"

namespace dynasink::pgwire {

struct Message {
  char type = 0;
  std::string_view body;  // valid until the next read
};

class Transport {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes ownership of `fd`; `wake_fd` (an eventfd owned by the caller) interrupts waits once
  // it becomes readable.
  Transport(int fd, int wake_fd, size_t flush_bytes);
  ~Transport();
  // Closes the socket now (the destructor would otherwise, whenever the owner goes away).
  void Close();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Waits until this time at most; nullopt waits forever (still interruptible).
  void SetDeadline(std::optional<Clock::time_point> deadline) { deadline_ = deadline; }

  // The startup-phase packet: int32 length (including itself), then the body. Lengths below 8
  // or above `max_bytes` (which counts the length word too, as PostgreSQL's limit does) fail
  // with 08P01.
  Result<std::string_view> ReadStartupPacket(size_t max_bytes);
  // A regular message: type byte, int32 length, body. `max_bytes_for_type` returns the limit
  // for a given type byte.
  template <typename LimitFn>
  Result<Message> ReadMessage(LimitFn max_bytes_for_type) {
    ReleaseLargeBuffers();  // the previous message's view ends here
    DS_RETURN_IF_ERROR(Fill(5));
    Message m;
    m.type = in_[rpos_];
    uint32_t len = ReadLength(rpos_ + 1);
    if (len < 4) return Status::Sql("08P01", "invalid message length");
    size_t limit = max_bytes_for_type(m.type);
    if (len - 4 > limit) {
      return Status::Sql("08P01", "message of type \"" + Printable(m.type) + "\" is too large (" +
                                      std::to_string(len - 4) + " bytes, the limit is " +
                                      std::to_string(limit) + ")");
    }
    rpos_ += 5;
    DS_ASSIGN_OR_RETURN(m.body, ReadBody(len - 4));
    return m;
  }

  MessageWriter& out() { return out_; }
  // Writes everything buffered.
  Status Flush();
  // Writes the buffer once it holds at least the flush threshold.
  Status MaybeFlush() { return out_.size() >= flush_bytes_ ? Flush() : Status::OK(); }
  // For a connection that is being torn down: tries to write what is buffered without waiting
  // on the wake-up fd, for at most `timeout`; errors are ignored.
  void FlushBestEffort(std::chrono::milliseconds timeout);
  // Sends a single byte immediately (the answer to SSLRequest / GSSENCRequest).
  Status WriteByteNow(char c);

  // Whether bytes the client sent are already buffered (they arrived after a message that
  // was meant to be the last one, e.g. after an SSLRequest).
  bool HasBufferedInput() const { return wpos_ > rpos_; }

  static std::string Printable(char type);

 private:
  // Frees the assembly buffer of an earlier huge message.
  void ReleaseLargeBuffers();
  // Ensures at least n unread bytes are buffered.
  Status Fill(size_t n);
  Result<std::string_view> ReadBody(size_t len);
  // One recv() into the buffer after waiting for readability. 0 bytes means EOF.
  Status RecvSome();
  Status Wait(short events, bool interruptible);
  uint32_t ReadLength(size_t at) const;

  int fd_;
  int wake_fd_;
  size_t flush_bytes_;
  std::optional<Clock::time_point> deadline_;
  std::string in_;
  size_t rpos_ = 0;
  size_t wpos_ = 0;
  std::string big_;  // a message larger than the read buffer
  MessageWriter out_;
};

}  // namespace dynasink::pgwire
