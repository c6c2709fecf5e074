#include "stream/key_groups.h"

#include "common/coding.h"
#include "storage/write_batch.h"
#include "types/row_codec.h"

namespace dynasink::stream {

namespace {

// The smallest byte string greater than every string that starts with `prefix`, or nullopt when
// there is none (a prefix of 0xFF bytes only).
std::optional<std::string> PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    auto last = static_cast<unsigned char>(prefix.back());
    if (last != 0xFF) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::nullopt;
}

struct Candidate {
  uint64_t seq = 0;
  std::string upstream;
  std::string row;
  bool found = false;

  // Later commit first; among equal sequence numbers (a backfill) the larger upstream key.
  void Offer(uint64_t s, std::string_view u, std::string_view r) {
    if (found && (s < seq || (s == seq && u <= upstream))) return;
    found = true;
    seq = s;
    upstream.assign(u);
    row.assign(r);
  }
};

}  // namespace

std::string KeyGroups::GroupPrefix(std::string_view dest_key) {
  std::string p;
  AppendLengthPrefixed(&p, dest_key);
  return p;
}

Status KeyGroups::Put(std::string_view dest_key, std::string_view upstream, uint64_t seq,
                      const types::Row& row) {
  std::string key = GroupPrefix(dest_key);
  key.append(upstream);
  std::string value;
  AppendBigEndian64(&value, seq);
  scratch_.clear();
  DS_RETURN_IF_ERROR(types::EncodeRow(row, row_types_, &scratch_));
  value.append(scratch_);
  staged_[std::move(key)] = std::move(value);
  return Status::OK();
}

void KeyGroups::Remove(std::string_view dest_key, std::string_view upstream) {
  std::string key = GroupPrefix(dest_key);
  key.append(upstream);
  staged_[std::move(key)] = std::nullopt;
}

Result<std::optional<types::Row>> KeyGroups::Latest(std::string_view dest_key) {
  const std::string prefix = GroupPrefix(dest_key);
  const std::optional<std::string> end = PrefixEnd(prefix);
  Candidate best;
  auto offer = [&](std::string_view key, std::string_view value) -> Status {
    if (value.size() < 8) return Status::Corruption("sink key index: short value");
    best.Offer(GetBigEndian64(value.data()), key.substr(prefix.size()), value.substr(8));
    return Status::OK();
  };
  // Stored entries that no staged change overrides.
  storage::RowRange range{prefix, end ? std::optional<std::string_view>(*end) : std::nullopt};
  std::unique_ptr<storage::RowIterator> it = storage_->NewRowIterator(index_id_, range);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (staged_.find(it->pk()) != staged_.end()) continue;
    DS_RETURN_IF_ERROR(offer(it->pk(), it->row()));
  }
  DS_RETURN_IF_ERROR(it->status());
  // Staged entries of this group.
  for (auto s = staged_.lower_bound(prefix);
       s != staged_.end() && s->first.compare(0, prefix.size(), prefix) == 0; ++s) {
    if (s->second.has_value()) DS_RETURN_IF_ERROR(offer(s->first, *s->second));
  }
  if (!best.found) return std::optional<types::Row>();
  types::Row row;
  DS_RETURN_IF_ERROR(types::DecodeRow(best.row, row_types_, &row));
  return std::optional<types::Row>(std::move(row));
}

Status KeyGroups::Commit() {
  if (staged_.empty()) return Status::OK();
  storage::WriteBatch batch;
  for (const auto& [key, value] : staged_) {
    if (value.has_value()) {
      batch.PutRow(index_id_, key, *value);
    } else {
      batch.DeleteRow(index_id_, key);
    }
  }
  DS_RETURN_IF_ERROR(storage_->Commit(batch).status());
  staged_.clear();
  return Status::OK();
}

namespace {
constexpr std::string_view kDropPrefix = "sinkindex-drop/";
}  // namespace

void KeyGroups::MarkForDrop(uint32_t index_id, storage::WriteBatch* meta) {
  std::string key(kDropPrefix);
  AppendBigEndian32(&key, index_id);
  meta->PutMeta(key, "");
}

Status KeyGroups::DropMarked(storage::Storage* storage) {
  DS_ASSIGN_OR_RETURN(auto markers, storage->ScanMeta(kDropPrefix));
  for (const auto& [key, value] : markers) {
    if (key.size() != kDropPrefix.size() + 4) {
      return Status::Corruption("bad sink index drop marker of " + std::to_string(key.size()) +
                                " bytes");
    }
    storage::WriteBatch batch;
    batch.DropTableData(GetBigEndian32(key.data() + kDropPrefix.size()));
    batch.DeleteMeta(key);
    DS_RETURN_IF_ERROR(storage->Commit(batch).status());
  }
  return Status::OK();
}

}  // namespace dynasink::stream
