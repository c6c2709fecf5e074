// ChangeOp: the kind of one change-log entry.
#pragma once

#include <cstdint>
#include <string_view>

namespace dynasink::storage {

// Table ids are uint32 values below kInvalidTable; 0xFFFFFFFF is reserved so that "the next
// table" is always representable as a key bound.
inline constexpr uint32_t kInvalidTable = 0xFFFFFFFFu;

// The stored byte values are part of the on-disk format: never renumber.
enum class ChangeOp : uint8_t {
  kInsert = 1,        // a new row; the entry holds it
  kDelete = 2,        // a removed row; the entry holds the row as it was
  kUpdateBefore = 3,  // the old half of an update; the next entry (seq + 1) is its kUpdateAfter
  kUpdateAfter = 4,   // the new half of an update
};

inline bool IsValidChangeOp(uint8_t v) {
  return v >= 1 && v <= 4;
}

// "Insert", "Delete", "UpdateBefore", "UpdateAfter".
std::string_view ChangeOpName(ChangeOp op);

}  // namespace dynasink::storage
