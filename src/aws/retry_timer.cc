#include "aws/retry_timer.h"

#include <algorithm>

namespace dynasink::aws {

RetryTimer::RetryTimer() : thread_([this] { Run(); }) {}

RetryTimer::~RetryTimer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  // Tasks scheduled by the cancelled ones (or racing with shutdown) are cancelled too.
  std::vector<Entry> rest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rest.swap(heap_);
  }
  for (Entry& e : rest)
    e.task(false);
}

void RetryTimer::Schedule(std::chrono::milliseconds delay, Task task) {
  bool cancel = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      cancel = true;
    } else {
      heap_.push_back({std::chrono::steady_clock::now() + delay, next_seq_++, std::move(task)});
      std::push_heap(heap_.begin(), heap_.end(), Later);
    }
  }
  if (cancel) {
    task(false);
    return;
  }
  cv_.notify_one();
}

size_t RetryTimer::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return heap_.size();
}

void RetryTimer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (heap_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const TimePoint due = heap_.front().due;
    if (std::chrono::steady_clock::now() < due) {
      cv_.wait_until(lock, due);
      continue;
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    Task task = std::move(heap_.back().task);
    heap_.pop_back();
    lock.unlock();
    task(true);
    lock.lock();
  }
}

}  // namespace dynasink::aws
