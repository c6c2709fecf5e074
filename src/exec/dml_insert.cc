// INSERT and COPY: InsertWriter.
#include <cstring>
#include <functional>

#include "exec/dml.h"
#include "types/key_codec.h"
#include "types/row_codec.h"
#include "types/text_format.h"

namespace dynasink::exec {

using types::Row;
using types::Value;

namespace {

// Rows per MultiGetRows call when looking for existing keys.
constexpr size_t kReadBatch = 4096;
// Below this many pending rows, duplicate keys are found by a linear search.
constexpr size_t kLinearSearchRows = 16;
// Statements of up to this many keys read them without first seeking the key range.
constexpr size_t kMaxPointReadsWithoutSeek = 64;
// Ids are reserved in blocks that start small and double (up to this many), so that a
// one-row INSERT takes one id, consecutive statements give consecutive ids, and a bulk load
// does not call AllocateIds per row. Ids left in a block at the end of a statement are skipped.
constexpr uint64_t kMaxIdBlock = 4096;

uint64_t HashKey(std::string_view key) {
  return std::hash<std::string_view>()(key);
}

Status TableGone(const catalog::TableDef& table) {
  return Status::Sql("42P01", "relation \"" + table.name + "\" does not exist");
}

}  // namespace

struct InsertWriter::Pending {
  size_t key_offset;  // of the key in the write batch; the entry's first row follows it
  const char* row;    // the row that replaced the first one (in the arena), or null
  uint32_t key_len;
  uint32_t row_len;
  uint64_t hash;  // computed when the entry is first indexed
};

// A pending key that is already stored, with the stored row (in the arena).
struct InsertWriter::Conflict {
  size_t entry;
  std::string_view stored;
};

std::string_view InsertWriter::KeyOf(const Pending& p, const storage::WriteBatch& batch) const {
  return batch.Piece(p.key_offset, p.key_len);
}

std::string_view InsertWriter::RowOf(const Pending& p, const storage::WriteBatch& batch) const {
  if (p.row != nullptr) return {p.row, p.row_len};
  return batch.Piece(p.key_offset + p.key_len, p.row_len);
}

std::string_view InsertWriter::Arena::Append(std::string_view bytes) {
  if (blocks_.empty() || used_ + bytes.size() > capacity_) {
    capacity_ = std::max(kBlockBytes, bytes.size());
    blocks_.push_back(std::make_unique<char[]>(capacity_));
    used_ = 0;
  }
  char* dst = blocks_.back().get() + used_;
  if (!bytes.empty()) std::memcpy(dst, bytes.data(), bytes.size());
  used_ += bytes.size();
  return {dst, bytes.size()};
}

Status NotNullViolation(const catalog::TableDef& table, size_t column, const Row& row) {
  std::string detail = "Failing row contains (";
  bool first = true;
  for (size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
    if (table.columns[i].hidden) continue;
    if (!first) detail += ", ";
    first = false;
    detail += row[i].is_null() ? "null" : types::FormatValue(row[i], table.columns[i].type);
  }
  detail += ").";
  return Status::Sql("23502", "null value in column \"" + table.columns[column].name +
                                  "\" of relation \"" + table.name +
                                  "\" violates not-null constraint\nDETAIL: " + detail);
}

InsertWriter::InsertWriter(const DmlContext& ctx, catalog::TableDefPtr table,
                           std::vector<bool> generate, bool collect)
    : ctx_(ctx), table_(std::move(table)), generate_(std::move(generate)), collect_(collect) {
  keyed_ = !table_->has_row_id && !table_->append_only;
  generate_.resize(table_->columns.size(), false);
  id_blocks_.assign(table_->columns.size() + 1, {0, 0});
  ctx_.batch->Clear();
}

InsertWriter::~InsertWriter() = default;

Status InsertWriter::Generate(Row& row, const std::vector<bool>& generate) {
  auto next_id = [this](uint32_t counter) -> Result<uint64_t> {
    auto& block = id_blocks_[counter];
    if (block.first == block.second) {
      uint64_t n = std::max<uint64_t>(1, std::min(next_block_, kMaxIdBlock));
      DS_ASSIGN_OR_RETURN(uint64_t first, ctx_.storage->AllocateIds(table_->id, counter, n));
      block = {first, first + n};
      next_block_ = std::min(next_block_ * 2, kMaxIdBlock);
    }
    return block.first++;
  };
  if (table_->has_row_id) {
    uint32_t idx = table_->primary_key[0];
    DS_ASSIGN_OR_RETURN(uint64_t id, next_id(catalog::kRowIdCounter));
    row[idx] = Value::Int64(static_cast<int64_t>(id));
  }
  for (uint32_t idx : table_->serial_columns()) {
    if (idx < generate.size() && generate[idx]) {
      DS_ASSIGN_OR_RETURN(uint64_t id, next_id(catalog::SerialCounter(idx)));
      row[idx] = Value::Int64(static_cast<int64_t>(id));
    }
  }
  return Status::OK();
}

Status InsertWriter::CheckNotNull(const Row& row) const {
  for (size_t i = 0; i < table_->columns.size(); ++i) {
    if (row[i].is_null() && (table_->columns[i].not_null || table_->is_key_column(i))) {
      return NotNullViolation(*table_, i, row);
    }
  }
  return Status::OK();
}

void InsertWriter::ExpectRows(size_t rows) {
  next_block_ = std::max<uint64_t>(1, std::min<uint64_t>(rows, kMaxIdBlock));
}

Status InsertWriter::Add(Row& row) {
  return Add(row, generate_);
}

Status InsertWriter::Add(Row& row, const std::vector<bool>& generate) {
  if (row.size() != table_->columns.size()) {
    return Status::Internal("insert row has " + std::to_string(row.size()) + " values for " +
                            std::to_string(table_->columns.size()) + " columns");
  }
  if ((++added_ & 255) == 0 && ctx_.cancel != nullptr) DS_RETURN_IF_ERROR(ctx_.cancel->Check());
  DS_RETURN_IF_ERROR(Generate(row, generate));
  DS_RETURN_IF_ERROR(CheckNotNull(row));
  key_buf_.clear();
  for (size_t k = 0; k < table_->primary_key.size(); ++k) {
    DS_RETURN_IF_ERROR(types::AppendKeyValue(row[table_->primary_key[k]],
                                             types::KeyColumn{table_->key_types()[k]}, &key_buf_));
  }
  row_buf_.clear();
  DS_RETURN_IF_ERROR(types::EncodeRow(row, table_->column_types(), &row_buf_));
  if (!keyed_) {
    ctx_.batch->Insert(table_->id, key_buf_, row_buf_);
    if (collect_) written_.push_back(row);
    return Status::OK();
  }
  return AddKeyed(row);
}

size_t InsertWriter::Find(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) {
    // Few rows so far: a linear search beats building a hash table per small statement.
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (KeyOf(pending_[i], *ctx_.batch) == key) return i;
    }
    return SIZE_MAX;
  }
  size_t mask = slots_.size() - 1;
  const uint64_t tag = hash >> 32;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint64_t s = slots_[i];
    if (s == 0) return SIZE_MAX;
    // Only a slot whose tag matches sends us to its pending entry (a likely cache miss).
    if ((s >> 32) != tag) continue;
    const size_t e = static_cast<size_t>(s & 0xffffffffu) - 1;
    if (KeyOf(pending_[e], *ctx_.batch) == key) return e;
  }
}

void InsertWriter::Index(size_t entry, std::optional<uint64_t> hash) {
  if (slots_.empty() && pending_.size() < kLinearSearchRows) return;
  auto place = [this](size_t e, std::optional<uint64_t> known) {
    Pending& p = pending_[e];
    p.hash = known.has_value() ? *known : HashKey(KeyOf(p, *ctx_.batch));
    size_t mask = slots_.size() - 1;
    size_t i = p.hash & mask;
    while (slots_[i] != 0)
      i = (i + 1) & mask;
    // Entries number fewer than 2^32 (a batch is under 4 GiB).
    slots_[i] = (p.hash >> 32 << 32) | static_cast<uint64_t>(e + 1);
  };
  if (pending_.size() * 2 > slots_.size()) {
    // Grow (the first time: start indexing), keeping the load factor under one half.
    size_t size = 1024;
    while (size < pending_.size() * 2)
      size *= 2;
    const bool hashed = !slots_.empty();  // every entry but `entry` has its hash already
    slots_.assign(std::max(size, slots_.size() * 2), 0);
    for (size_t e = 0; e < pending_.size(); ++e) {
      if (e != entry) place(e, hashed ? std::optional<uint64_t>(pending_[e].hash) : std::nullopt);
    }
  }
  place(entry, hash);
}

Status InsertWriter::AddKeyed(const Row& row) {
  // While keys arrive in increasing order (bulk loads usually do), none can repeat an earlier
  // one: no hashing and no index until the first key that is not larger than all before it.
  if (sorted_ && (pending_.empty() || key_buf_ > max_key_)) {
    Append();
    return Status::OK();
  }
  if (sorted_) {
    sorted_ = false;
    Index(pending_.size() - 1);  // indexes every entry so far (if there are enough of them)
  }
  uint64_t hash = HashKey(key_buf_);
  size_t existing = Find(key_buf_, hash);
  if (existing == SIZE_MAX) {
    Append();
    Index(pending_.size() - 1, hash);
    return Status::OK();
  }
  Pending& p = pending_[existing];
  switch (table_->on_conflict) {
    case catalog::OnConflict::kDoNothing:
      return Status::OK();  // the first row of a key wins
    case catalog::OnConflict::kOverwrite: {
      std::string_view stored = arena_.Append(row_buf_);
      p.row = stored.data();
      p.row_len = static_cast<uint32_t>(stored.size());
      rebuild_ = true;  // the batch holds the entry's first row
      return Status::OK();
    }
    case catalog::OnConflict::kDoUpdateIfNotNull: {
      std::string merged;
      DS_RETURN_IF_ERROR(MergeIfNotNull(RowOf(p, *ctx_.batch), row_buf_, &merged));
      std::string_view stored = arena_.Append(merged);
      p.row = stored.data();
      p.row_len = static_cast<uint32_t>(stored.size());
      rebuild_ = true;
      return Status::OK();
    }
  }
  return Status::OK();
}

void InsertWriter::Append() {
  if (pending_.empty() || key_buf_ < min_key_) min_key_ = key_buf_;
  if (pending_.empty() || key_buf_ > max_key_) max_key_ = key_buf_;
  // Sizes of 4 GiB and more make the batch invalid (its Commit() fails), so the casts are safe.
  const size_t offset = ctx_.batch->Insert(table_->id, key_buf_, row_buf_);
  pending_.push_back(Pending{offset, nullptr, static_cast<uint32_t>(key_buf_.size()),
                             static_cast<uint32_t>(row_buf_.size()), 0});
}

Status InsertWriter::MergeIfNotNull(std::string_view old_row, std::string_view new_row,
                                    std::string* out) {
  DS_ASSIGN_OR_RETURN(Row before, types::DecodeRow(old_row, table_->column_types()));
  DS_ASSIGN_OR_RETURN(Row after, types::DecodeRow(new_row, table_->column_types()));
  for (size_t i = 0; i < after.size(); ++i) {
    if (after[i].is_null()) after[i] = before[i];
  }
  out->clear();
  return types::EncodeRow(after, table_->column_types(), out);
}

Result<bool> InsertWriter::MayConflict() {
  // A bulk load into an empty table, or into a key range beyond the existing rows, has no
  // conflicts to look for: one seek proves it and saves a read per row. Small statements just
  // read their keys (a point read is cheaper than an iterator).
  if (pending_.size() <= kMaxPointReadsWithoutSeek) return true;
  storage::RowRange range;
  range.start = min_key_;
  std::string end = max_key_;
  end.push_back('\0');  // the smallest key after max_key_
  range.end = std::string_view(end);
  auto it = ctx_.storage->NewRowIterator(table_->id, range);
  it->SeekToFirst();
  DS_RETURN_IF_ERROR(it->status());
  return it->Valid();
}

Status InsertWriter::Collect(std::string_view row) {
  if (!collect_) return Status::OK();
  DS_ASSIGN_OR_RETURN(Row r, types::DecodeRow(row, table_->column_types()));
  written_.push_back(std::move(r));
  return Status::OK();
}

Status InsertWriter::Emit(std::string_view key, std::string_view row, const std::string* before) {
  if (before == nullptr) {
    ctx_.batch->Insert(table_->id, key, row);
  } else {
    ctx_.batch->Update(table_->id, key, *before, row);
  }
  return Collect(row);
}

Status InsertWriter::FindConflicts(std::vector<Conflict>* conflicts) {
  std::vector<std::string_view> keys;
  std::vector<std::string> existing;
  std::vector<bool> found;
  for (size_t begin = 0; begin < pending_.size(); begin += kReadBatch) {
    if (ctx_.cancel != nullptr) DS_RETURN_IF_ERROR(ctx_.cancel->Check());
    size_t end = std::min(pending_.size(), begin + kReadBatch);
    keys.clear();
    for (size_t i = begin; i < end; ++i) {
      keys.push_back(KeyOf(pending_[i], *ctx_.batch));
    }
    DS_RETURN_IF_ERROR(ctx_.storage->MultiGetRows(table_->id, keys, &existing, &found));
    for (size_t i = begin; i < end; ++i) {
      if (found[i - begin]) conflicts->push_back({i, arena_.Append(existing[i - begin])});
    }
  }
  return Status::OK();
}

Status InsertWriter::Rebuild(std::vector<Conflict>& conflicts) {
  // The pending entries point into the batch as it is: move it aside and write a new one.
  storage::WriteBatch old = std::move(*ctx_.batch);
  ctx_.batch->Clear();
  std::string before, merged;
  size_t next = 0;
  for (size_t i = 0; i < pending_.size(); ++i) {
    if ((i & 4095) == 4095 && ctx_.cancel != nullptr) DS_RETURN_IF_ERROR(ctx_.cancel->Check());
    const Pending& p = pending_[i];
    std::string_view key = KeyOf(p, old);
    std::string_view row = RowOf(p, old);
    if (next == conflicts.size() || conflicts[next].entry != i) {
      DS_RETURN_IF_ERROR(Emit(key, row, nullptr));
      continue;
    }
    before.assign(conflicts[next++].stored);
    switch (table_->on_conflict) {
      case catalog::OnConflict::kOverwrite:
        DS_RETURN_IF_ERROR(Emit(key, row, &before));
        break;
      case catalog::OnConflict::kDoUpdateIfNotNull:
        DS_RETURN_IF_ERROR(MergeIfNotNull(before, row, &merged));
        DS_RETURN_IF_ERROR(Emit(key, merged, &before));
        break;
      case catalog::OnConflict::kDoNothing:
        break;  // the stored row stays and nothing is logged
    }
  }
  return Status::OK();
}

Result<DmlResult> InsertWriter::Commit() {
  DmlResult result;
  TableLocks::Guard guard;
  if (keyed_ && pending_.size() > TableLocks::kMaxKeyLocks) {
    DS_ASSIGN_OR_RETURN(guard, ctx_.locks->LockTable(table_->id, ctx_.cancel));
  } else {
    std::vector<uint32_t> stripes;
    stripes.reserve(pending_.size());
    for (const Pending& p : pending_) {
      stripes.push_back(TableLocks::StripeOf(KeyOf(p, *ctx_.batch)));
    }
    DS_ASSIGN_OR_RETURN(guard, ctx_.locks->LockKeys(table_->id, std::move(stripes), ctx_.cancel));
  }
  if (ctx_.catalog != nullptr && ctx_.catalog->FindTableById(table_->id) == nullptr) {
    return TableGone(*table_);
  }
  // The tag counts every row the statement gave, as RisingWave does (also the ones an
  // overwrite or DO NOTHING folded into another row of the same key).
  result.rows = added_;
  if (keyed_) {
    DS_ASSIGN_OR_RETURN(bool may_conflict, MayConflict());
    std::vector<Conflict> conflicts;
    if (may_conflict) DS_RETURN_IF_ERROR(FindConflicts(&conflicts));
    if (rebuild_ || !conflicts.empty()) {
      DS_RETURN_IF_ERROR(Rebuild(conflicts));
    } else {
      // Every pending row is a new key, already in the batch as an insert.
      if (collect_) {
        for (const Pending& p : pending_)
          DS_RETURN_IF_ERROR(Collect(RowOf(p, *ctx_.batch)));
      }
    }
  }
  DS_ASSIGN_OR_RETURN(result.commit, ctx_.storage->Commit(*ctx_.batch));
  return result;
}

}  // namespace dynasink::exec
