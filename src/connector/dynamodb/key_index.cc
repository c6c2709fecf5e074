#include "connector/dynamodb/key_index.h"

namespace dynasink::connector::dynamodb {

KeySlot* KeyIndex::Find(uint64_t hash, std::string_view key, const EncodedChange* self) {
  for (size_t i = Mix(hash) & mask_;; i = (i + 1) & mask_) {
    KeySlot& s = slots_[i];
    if (s.ref == nullptr) return nullptr;
    if (s.hash == hash && (s.ref == self || s.ref->key() == key)) return &s;
  }
}

KeySlot* KeyIndex::Insert(EncodedChange* change) {
  if ((size_ + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
  for (size_t i = Mix(change->key_hash) & mask_;; i = (i + 1) & mask_) {
    KeySlot& s = slots_[i];
    if (s.ref == nullptr) {
      s = KeySlot{change->key_hash, change, change, false};
      ++size_;
      return &s;
    }
  }
}

void KeyIndex::Erase(KeySlot* slot) {
  size_t i = static_cast<size_t>(slot - slots_.data());
  // Backward shift: move later members of the probe run into the hole when their home position
  // does not lie cyclically in (hole, their position].
  for (size_t j = (i + 1) & mask_; slots_[j].ref != nullptr; j = (j + 1) & mask_) {
    size_t home = Mix(slots_[j].hash) & mask_;
    bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = KeySlot{};
  --size_;
  // Shrink after a burst of keys, so that an idle sink gives the memory back.
  if (slots_.size() > kKeptSlots && size_ * 8 < slots_.size()) Rehash(slots_.size() / 2);
}

void KeyIndex::Rehash(size_t capacity) {
  std::vector<KeySlot> old = std::move(slots_);
  slots_.assign(capacity, KeySlot{});
  mask_ = capacity - 1;
  size_ = 0;
  for (const KeySlot& s : old) {
    if (s.ref == nullptr) continue;
    for (size_t i = Mix(s.hash) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].ref == nullptr) {
        slots_[i] = s;
        ++size_;
        break;
      }
    }
  }
}

}  // namespace dynasink::connector::dynamodb
