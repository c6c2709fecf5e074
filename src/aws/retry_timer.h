// RetryTimer: runs callbacks after a delay on one background thread.
//
// Retries of asynchronous calls wait out their backoff here rather than on the HTTP client's I/O
// thread (which must never sleep) or in a thread per retry. Callbacks run one at a time on the
// timer thread and must be quick: they re-sign and re-queue a request, nothing more.
//
// Destruction runs every callback still pending at once with `fire == false`, so each is called
// exactly once and owners can complete their calls with an "aborted" error.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dynasink::aws {

class RetryTimer {
 public:
  // `fire` is true when the delay elapsed, false when the timer is shutting down.
  using Task = std::function<void(bool fire)>;

  RetryTimer();
  ~RetryTimer();
  RetryTimer(const RetryTimer&) = delete;
  RetryTimer& operator=(const RetryTimer&) = delete;

  void Schedule(std::chrono::milliseconds delay, Task task);
  size_t pending() const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    TimePoint due;
    uint64_t seq;  // keeps equal deadlines in scheduling order
    Task task;
  };
  static bool Later(const Entry& a, const Entry& b) {
    return a.due != b.due ? a.due > b.due : a.seq > b.seq;
  }
  void Run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Entry> heap_;  // min-heap by (due, seq)
  uint64_t next_seq_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dynasink::aws
