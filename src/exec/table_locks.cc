#include "exec/table_locks.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace dynasink::exec {

struct TableLockEntry {
  std::shared_timed_mutex table;
  std::array<std::mutex, TableLocks::kStripes> stripes;
  // Statements waiting for the exclusive lock. Shared lockers step aside while there are any:
  // the rwlock prefers readers, and a steady stream of small inserts must not starve a COPY.
  std::atomic<int> exclusive_waiting{0};
};

namespace {
constexpr std::chrono::milliseconds kCancelPoll{20};
constexpr std::chrono::microseconds kYield{200};
}  // namespace

TableLocks::TableLocks() = default;
TableLocks::~TableLocks() = default;

TableLocks::Guard& TableLocks::Guard::operator=(Guard&& other) noexcept {
  if (this != &other) {
    Release();
    entry_ = std::move(other.entry_);
    exclusive_ = other.exclusive_;
    stripes_ = std::move(other.stripes_);
    other.entry_ = nullptr;
    other.stripes_.clear();
  }
  return *this;
}

void TableLocks::Guard::Release() {
  if (entry_ == nullptr) return;
  for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) entry_->stripes[*it].unlock();
  stripes_.clear();
  if (exclusive_) {
    entry_->table.unlock();
  } else {
    entry_->table.unlock_shared();
  }
  entry_ = nullptr;
}

uint32_t TableLocks::StripeOf(std::string_view key) {
  // FNV-1a: keys are short and this runs once per written row.
  uint32_t h = 2166136261u;
  for (unsigned char c : key) h = (h ^ c) * 16777619u;
  return (h ^ (h >> 16)) % kStripes;
}

std::shared_ptr<TableLockEntry> TableLocks::EntryFor(uint32_t table) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& e = entries_[table];
  if (e == nullptr) e = std::make_shared<TableLockEntry>();
  return e;
}

void TableLocks::Forget(uint32_t table) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(table);
}

Result<TableLocks::Guard> TableLocks::LockKeys(uint32_t table, std::vector<uint32_t> stripes,
                                               const CancelToken* cancel) {
  std::shared_ptr<TableLockEntry> e = EntryFor(table);
  for (;;) {
    while (e->exclusive_waiting.load(std::memory_order_acquire) > 0) {
      if (cancel != nullptr) DS_RETURN_IF_ERROR(cancel->Check());
      std::this_thread::sleep_for(kYield);
    }
    if (e->table.try_lock_shared_for(kCancelPoll)) break;
    if (cancel != nullptr) DS_RETURN_IF_ERROR(cancel->Check());
  }
  Guard g;
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (uint32_t s : stripes) e->stripes[s].lock();
  g.entry_ = std::move(e);
  g.exclusive_ = false;
  g.stripes_ = std::move(stripes);
  return g;
}

Result<TableLocks::Guard> TableLocks::LockTable(uint32_t table, const CancelToken* cancel) {
  std::shared_ptr<TableLockEntry> e = EntryFor(table);
  e->exclusive_waiting.fetch_add(1, std::memory_order_acq_rel);
  while (!e->table.try_lock_for(kCancelPoll)) {
    if (cancel != nullptr) {
      Status s = cancel->Check();
      if (!s.ok()) {
        e->exclusive_waiting.fetch_sub(1, std::memory_order_acq_rel);
        return s;
      }
    }
  }
  e->exclusive_waiting.fetch_sub(1, std::memory_order_acq_rel);
  Guard g;
  g.entry_ = std::move(e);
  g.exclusive_ = true;
  return g;
}

}  // namespace dynasink::exec
