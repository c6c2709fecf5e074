// TableLocks: serializes the writers of the same rows, as storage requires of a statement that
// reads before it writes (an INSERT that may overwrite, UPDATE, DELETE): from its first read of
// a row until its Commit() returns, no other statement may write that row.
//
// Each table has a reader-writer lock and 1024 key stripes. A statement that touches a few
// known keys takes the table lock shared and the stripes of its keys (in stripe order, so two
// statements never deadlock); one that scans or writes many rows takes the table lock
// exclusively. DROP TABLE takes it exclusively too, so no writer is inside a table being
// dropped. Writers of different rows therefore run concurrently and their commits share WAL
// syncs through storage's group commit; no lock is global.
//
// Waiting for the table lock honours the statement's CancelToken (cancel and statement_timeout),
// since a bulk load may hold it for seconds. Stripes are held only around a commit and are
// waited for without a timeout.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "exec/cancel.h"

namespace dynasink::exec {

class TableLocks {
 public:
  static constexpr uint32_t kStripes = 1024;
  // Statements touching more keys than this lock the whole table.
  static constexpr size_t kMaxKeyLocks = 64;

  // Holds what LockKeys/LockTable acquired; releases on destruction.
  class Guard {
   public:
    Guard() = default;
    Guard(Guard&& other) noexcept { *this = std::move(other); }
    Guard& operator=(Guard&& other) noexcept;
    ~Guard() { Release(); }
    void Release();
    bool exclusive() const { return exclusive_; }

   private:
    friend class TableLocks;
    std::shared_ptr<struct TableLockEntry> entry_;
    bool exclusive_ = false;
    std::vector<uint32_t> stripes_;  // sorted, unique
  };

  TableLocks();
  ~TableLocks();

  // The stripe of an encoded primary key.
  static uint32_t StripeOf(std::string_view key);

  // Shared table lock plus the given stripes (any order, duplicates allowed).
  Result<Guard> LockKeys(uint32_t table, std::vector<uint32_t> stripes, const CancelToken* cancel);
  // Exclusive table lock.
  Result<Guard> LockTable(uint32_t table, const CancelToken* cancel);

  // Forgets a dropped table's locks (statements still waiting keep theirs alive).
  void Forget(uint32_t table);

 private:
  std::shared_ptr<struct TableLockEntry> EntryFor(uint32_t table);

  std::mutex mu_;
  std::unordered_map<uint32_t, std::shared_ptr<struct TableLockEntry>> entries_;
};

}  // namespace dynasink::exec
