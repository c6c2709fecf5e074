// KeyReader: the rows of one table selected by a KeyAccess, as raw (primary key, encoded row)
// pairs (internal to src/exec). Table scans decode them; UPDATE and DELETE keep the bytes for
// their change-log before-images.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exec/operator.h"

namespace dynasink::exec::internal {

// Evaluates the point keys of `access` (kind kPoints) into encoded primary keys, dropping keys
// with a NULL value and duplicates.
Status EncodePointKeys(const QueryContext& ctx, const catalog::TableDef& table,
                       const KeyAccess& access, std::vector<std::string>* keys);

class KeyReader {
 public:
  // `access` must outlive the reader.
  KeyReader(const QueryContext* ctx, const catalog::TableDef* table, const KeyAccess* access)
      : ctx_(ctx), table_(table), access_(access) {}

  // The next row; the views stay valid until the next call.
  Status Next(std::string_view* pk, std::string_view* row, bool* has_row);

 private:
  Status Start();

  const QueryContext* ctx_;
  const catalog::TableDef* table_;
  const KeyAccess* access_;
  bool started_ = false;
  int since_check_ = 0;
  // kPoints
  std::vector<std::string> keys_;
  std::vector<std::string> rows_;
  std::vector<bool> found_;
  size_t next_point_ = 0;
  // scans
  std::string start_, end_;
  bool has_end_ = false;
  std::unique_ptr<storage::RowIterator> iter_;
  bool positioned_ = false;
};

}  // namespace dynasink::exec::internal
