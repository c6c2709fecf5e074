#include "storage/row_iterator.h"

#include <rocksdb/db.h>

#include "storage/format.h"
#include "storage/storage_impl.h"

namespace dynasink::storage {

struct RowIterator::State {
  std::string lower;
  std::string upper;
  rocksdb::Slice lower_slice;
  rocksdb::Slice upper_slice;
  std::string scratch;
  std::unique_ptr<rocksdb::Iterator> it;

  const std::string& Key(std::string_view pk) {
    scratch.assign(lower.data(), format::kTablePrefixSize);
    scratch.append(pk);
    return scratch;
  }
};

RowIterator::RowIterator(std::unique_ptr<State> state) : state_(std::move(state)) {}
RowIterator::~RowIterator() = default;

bool RowIterator::Valid() const {
  return state_->it->Valid();
}
void RowIterator::SeekToFirst() {
  state_->it->SeekToFirst();
}
void RowIterator::SeekToLast() {
  state_->it->SeekToLast();
}
void RowIterator::Seek(std::string_view pk) {
  state_->it->Seek(state_->Key(pk));
}
void RowIterator::SeekForPrev(std::string_view pk) {
  state_->it->SeekForPrev(state_->Key(pk));
}
void RowIterator::Next() {
  state_->it->Next();
}
void RowIterator::Prev() {
  state_->it->Prev();
}

std::string_view RowIterator::pk() const {
  return state_->it->key().ToStringView().substr(format::kTablePrefixSize);
}
std::string_view RowIterator::row() const {
  return state_->it->value().ToStringView();
}

Status RowIterator::status() const {
  const rocksdb::Status& s = state_->it->status();
  return s.ok() ? Status::OK() : FromRocks(s, "storage: scanning rows");
}

std::unique_ptr<RowIterator> Storage::NewRowIterator(uint32_t table, const RowRange& range,
                                                     const Snapshot* snapshot) {
  auto state = std::make_unique<RowIterator::State>();
  state->lower = format::TablePrefix(table);
  state->lower.append(range.start);
  if (range.end.has_value()) {
    state->upper = format::TablePrefix(table);
    state->upper.append(*range.end);
  } else {
    state->upper = format::TableUpperBound(table);
  }
  state->lower_slice = rocksdb::Slice(state->lower);
  state->upper_slice = rocksdb::Slice(state->upper);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &state->lower_slice;
  ro.iterate_upper_bound = &state->upper_slice;
  if (snapshot != nullptr) ro.snapshot = snapshot->rocksdb_snapshot();
  state->it.reset(impl_->db->NewIterator(ro, impl_->cf_rows));
  return std::unique_ptr<RowIterator>(new RowIterator(std::move(state)));
}

}  // namespace dynasink::storage
