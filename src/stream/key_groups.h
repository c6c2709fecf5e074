// KeyGroups: the durable index behind a sink whose destination key does not contain the
// upstream table's key, so that several upstream rows can map to one destination item.
//
// The destination must then hold, per destination key K, the latest of the rows that map to K
// (latest by commit order), and lose K only when no row maps to it any more. The index keeps,
// per K, every upstream row that maps to it: its upstream key U, the sequence number of the
// change that put it there, and the sink row itself, so that when the latest row of K goes
// away the newest remaining one can be put without reading the table.
//
// Layout: rows of the storage "table" whose id is the sink's id (sinks and tables share one id
// space, so nothing else uses it; rows there write no change log):
//   key   = length-prefixed K, then U
//   value = seq:8 (big-endian), then the sink row encoded by types::EncodeRow
//
// Changes are staged (Put/Remove) and made durable by Commit(), which the runtime calls before
// it hands the resulting destination changes to the sink; so the index is never behind what the
// destination was told, and since every cursor position at or before the index's state replays
// the same changes in the same order, replaying from the cursor after a crash converges to the
// same index. Rows backfilled from a snapshot carry the snapshot's sequence number: their commit
// order is not recorded in the table, so among them the larger upstream key counts as later.
//
// Not thread-safe: the sink's runner owns it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/storage.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::stream {

class KeyGroups {
 public:
  KeyGroups(storage::Storage* storage, uint32_t index_id, std::vector<types::DataType> row_types)
      : storage_(storage), index_id_(index_id), row_types_(std::move(row_types)) {}

  // Stages: upstream row `upstream` now maps to `dest_key` with sink row `row`, as of `seq`.
  Status Put(std::string_view dest_key, std::string_view upstream, uint64_t seq,
             const types::Row& row);
  // Stages: upstream row `upstream` no longer maps to `dest_key`.
  void Remove(std::string_view dest_key, std::string_view upstream);

  // The row the destination must hold for `dest_key`, staged changes included: the latest row
  // that maps to it, or nullopt when none does.
  Result<std::optional<types::Row>> Latest(std::string_view dest_key);

  // Writes the staged changes durably in one storage commit.
  Status Commit();
  bool has_staged() const { return !staged_.empty(); }

  // DROP SINK removes the index in two steps, since the catalog's write (with the cursor) may
  // hold metadata only: MarkForDrop adds a marker to that write, and DropMarked then removes the
  // index of every marked id, each with its marker in one commit. The runtime calls DropMarked
  // again on start, so an index a crash left between the two steps goes then.
  static void MarkForDrop(uint32_t index_id, storage::WriteBatch* meta);
  static Status DropMarked(storage::Storage* storage);

 private:
  static std::string GroupPrefix(std::string_view dest_key);

  storage::Storage* storage_;
  uint32_t index_id_;
  std::vector<types::DataType> row_types_;
  // Index key -> value, or nullopt for a removal; applied by Commit().
  std::map<std::string, std::optional<std::string>, std::less<>> staged_;
  std::string scratch_;
};

}  // namespace dynasink::stream
