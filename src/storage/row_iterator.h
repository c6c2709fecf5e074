// RowIterator: an ordered scan over one table's rows, by primary-key bytes.
//
// Created by Storage::NewRowIterator() for a key range, over the latest state or a Snapshot.
// Without a snapshot the iterator still reads one consistent state: the one current when it
// was created. It starts unpositioned: call SeekToFirst(), SeekToLast(), Seek() or
// SeekForPrev() first. pk() and row() stay valid until the iterator moves. Errors (I/O,
// corruption) end the scan: Valid() turns false and status() says why; check status() after
// every loop. Not thread-safe; must not outlive its Storage or Snapshot.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace dynasink::storage {

class RowIterator {
 public:
  ~RowIterator();
  RowIterator(const RowIterator&) = delete;
  RowIterator& operator=(const RowIterator&) = delete;

  bool Valid() const;
  void SeekToFirst();
  void SeekToLast();
  // The first row with pk >= `pk` (within the range).
  void Seek(std::string_view pk);
  // The last row with pk <= `pk` (within the range).
  void SeekForPrev(std::string_view pk);
  void Next();
  void Prev();

  // The primary-key bytes (without the table prefix) and the row, of the current row.
  std::string_view pk() const;
  std::string_view row() const;

  Status status() const;

 private:
  friend class Storage;
  struct State;  // the RocksDB iterator and the bounds its ReadOptions point to
  explicit RowIterator(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace dynasink::storage
