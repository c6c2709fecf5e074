// CancelToken: how a running statement learns that it should stop, either because the client
// asked (a CancelRequest, or shutdown) or because statement_timeout passed.
//
// The session owns one token, arms it when a statement starts (Reset with the statement's
// deadline) and hands it to everything the statement runs: scans, DML loops, COPY, FLUSH waits.
// Those call Check() every few hundred rows; Check() is one relaxed atomic load plus, when a
// deadline is set, a clock read. Cancel() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>

#include "common/status.h"

namespace dynasink::exec {

class CancelToken {
 public:
  using Clock = std::chrono::steady_clock;

  // Clears a pending cancel and sets the deadline (Clock::time_point::max() for none).
  void Reset(Clock::time_point deadline = Clock::time_point::max()) {
    cancelled_.store(false, std::memory_order_relaxed);
    deadline_ = deadline;
  }
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  Clock::time_point deadline() const { return deadline_; }
  bool has_deadline() const { return deadline_ != Clock::time_point::max(); }

  // OK, or 57014 "canceling statement due to user request" / "... due to statement timeout".
  Status Check() const {
    if (cancelled()) return CancelledError();
    if (has_deadline() && Clock::now() >= deadline_) return TimeoutError();
    return Status::OK();
  }

  static Status CancelledError() {
    return Status::Sql("57014", "canceling statement due to user request");
  }
  static Status TimeoutError() {
    return Status::Sql("57014", "canceling statement due to statement timeout");
  }

 private:
  std::atomic<bool> cancelled_{false};
  Clock::time_point deadline_ = Clock::time_point::max();
};

}  // namespace dynasink::exec
