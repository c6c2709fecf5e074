// Id counters (hidden row ids, serial columns, catalog ids).
//
// Allocation is pure memory. Durability rides on the commit path: each group leader writes the
// high-water mark of every counter that moved since the last group ("dirty") into the group's
// own RocksDB write. A statement allocates its ids before it queues its commit, so the group
// that carries the statement also carries a high-water mark covering its ids; recovery resumes
// after the mark. Ids never cost a write of their own, however many rows use them.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "storage/format.h"
#include "storage/storage_impl.h"

namespace dynasink::storage {

namespace {

uint64_t CounterId(uint32_t table, uint32_t counter) {
  return (uint64_t{table} << 32) | counter;
}

}  // namespace

Result<uint64_t> Storage::AllocateIds(uint32_t table, uint32_t counter, uint64_t count) {
  if (count == 0) return Status::InvalidArgument("storage: cannot allocate 0 ids");
  std::lock_guard<std::mutex> lock(impl_->counters_mu);
  CounterState& c = impl_->counters[CounterId(table, counter)];
  if (std::numeric_limits<uint64_t>::max() - c.next < count) {
    return Status::OutOfRange(
        fmt::format("storage: id counter {} of table {} is exhausted", counter, table));
  }
  const uint64_t first = c.next;
  c.next += count;
  if (!c.dirty) {
    c.dirty = true;
    impl_->dirty_counters.push_back(CounterId(table, counter));
  }
  return first;
}

void Storage::Impl::EmitCounters() {
  std::lock_guard<std::mutex> lock(counters_mu);
  if (dirty_counters.empty()) return;
  std::vector<uint64_t> keep;  // counters of tables this group drops stay dirty until publish
  char key[format::kCounterPrefix.size() + 8];
  std::memcpy(key, format::kCounterPrefix.data(), format::kCounterPrefix.size());
  char value[8];
  for (uint64_t id : dirty_counters) {
    auto it = counters.find(id);
    if (it == counters.end() || !it->second.dirty) continue;
    const auto table = static_cast<uint32_t>(id >> 32);
    if (std::find(dropped.begin(), dropped.end(), table) != dropped.end()) {
      keep.push_back(id);
      continue;
    }
    const uint64_t high = it->second.next - 1;
    format::PutBigEndian32(key + format::kCounterPrefix.size(), table);
    format::PutBigEndian32(key + format::kCounterPrefix.size() + 4, static_cast<uint32_t>(id));
    format::PutLittleEndian64(value, high);
    Check(group_batch.Put(cf_system, rocksdb::Slice(key, sizeof key),
                          rocksdb::Slice(value, sizeof value)));
    it->second.dirty = false;
    counter_writes.emplace_back(id, high);
  }
  dirty_counters.swap(keep);
}

void Storage::Impl::CountersWriteFailed() {
  std::lock_guard<std::mutex> lock(counters_mu);
  for (const auto& [id, high] : counter_writes) {
    auto it = counters.find(id);
    if (it == counters.end() || it->second.dirty) continue;
    it->second.dirty = true;
    dirty_counters.push_back(id);
  }
}

void Storage::Impl::ForgetTableCounters(uint32_t table) {
  std::lock_guard<std::mutex> lock(counters_mu);
  counters.erase(counters.lower_bound(CounterId(table, 0)),
                 table + 1 == 0 ? counters.end() : counters.lower_bound(CounterId(table + 1, 0)));
  std::erase_if(dirty_counters, [table](uint64_t id) { return (id >> 32) == table; });
}

}  // namespace dynasink::storage
