// KeyIndex: the per-key state of a sink's buffered changes, for O(1) dedup and the "never two
// changes for one key in flight" rule.
//
// A slot exists while its key has a change in flight or waiting. `ref` points at a live change
// whose buffer holds the key (the one in flight, else the waiting one), so the index stores no
// key bytes of its own; `pending` is the latest change not yet sent (last write wins: a newer one
// replaces it), and `in_flight` says whether a call for this key is outstanding.
//
// Open addressing with linear probing on the change's precomputed hash, and backward-shift
// deletion (no tombstones), so lookups stay short however many keys come and go. Slot pointers
// are valid until the next Insert() or Erase(). Not thread-safe: the sink's worker owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "connector/dynamodb/encoded_change.h"

namespace dynasink::connector::dynamodb {

struct KeySlot {
  uint64_t hash = 0;
  EncodedChange* ref = nullptr;  // null: the slot is empty
  EncodedChange* pending = nullptr;
  bool in_flight = false;
};

class KeyIndex {
 public:
  KeyIndex() { Rehash(64); }

  // The slot of the key of `change` (same hash and key bytes), or null.
  // A slot whose ref is `change` itself matches without comparing key bytes: the common case
  // when a change goes out or comes back, and it spares two cache misses on cold keys.
  KeySlot* Find(const EncodedChange& change) {
    return Find(change.key_hash, change.key(), &change);
  }
  KeySlot* Find(uint64_t hash, std::string_view key, const EncodedChange* self = nullptr);
  // Starts loading the home slot of `hash` into the cache. With many keys buffered the table is
  // larger than the cache and each lookup misses; callers about to look up several keys in a row
  // (a batch's entries, the changes of one Write) prefetch them first so the misses overlap.
  // (always_inline: GCC 12 judges a function whose only effect is a prefetch to have none, and
  // drops calls to it that are not inlined early.)
  [[gnu::always_inline]] void Prefetch(uint64_t hash) const {
    __builtin_prefetch(slots_.data() + (Mix(hash) & mask_));
  }
  // Adds a slot for the key of `change`, which must be absent; ref = pending = change.
  KeySlot* Insert(EncodedChange* change);
  // Removes `slot` (from Find() or Insert(), with no Insert() or Erase() since).
  void Erase(KeySlot* slot);

  size_t size() const { return size_; }
  // The table never shrinks below kKeptSlots; what it holds beyond that was grown for buffered
  // keys, and is charged to the sink's buffer budget.
  static constexpr size_t kKeptSlots = 1024;
  size_t grown_bytes() const {
    return slots_.size() > kKeptSlots ? (slots_.size() - kKeptSlots) * sizeof(KeySlot) : 0;
  }

  // Calls fn(KeySlot&) for every slot in use (no Insert() or Erase() meanwhile).
  template <typename Fn>
  void ForEach(Fn fn) {
    for (KeySlot& s : slots_) {
      if (s.ref != nullptr) fn(s);
    }
  }
  // Forgets every key.
  void Clear() {
    slots_.assign(64, KeySlot{});
    mask_ = 63;
    size_ = 0;
  }

 private:
  // The hash of std::hash<string_view> is well mixed in its low bits already, but a cheap
  // finaliser guards against a weak hash making linear probing cluster.
  static size_t Mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return static_cast<size_t>(h);
  }
  void Rehash(size_t capacity);

  std::vector<KeySlot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace dynasink::connector::dynamodb
