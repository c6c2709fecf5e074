#include "stream/error_table.h"

#include <chrono>

#include "common/coding.h"

namespace dynasink::stream {

namespace {

constexpr std::string_view kPrefix = "sinkerr/";

std::string SinkPrefix(uint32_t sink_id) {
  std::string key(kPrefix);
  char id[4];
  PutBigEndian32(id, sink_id);
  key.append(id, 4);
  return key;
}

bool GetString(std::string_view* in, std::string* out) {
  std::string_view s;
  if (!ReadLengthPrefixed(in, &s)) return false;
  out->assign(s);
  return true;
}

std::string EncodeValue(const connector::SinkRejection& r, int64_t now_us) {
  std::string v;
  char t[8];
  PutBigEndian64(t, static_cast<uint64_t>(now_us));
  v.append(t, 8);
  AppendLengthPrefixed(&v, r.op == connector::ChangeOp::kDelete ? std::string_view() : r.item);
  AppendLengthPrefixed(&v, r.column);
  AppendLengthPrefixed(&v, r.reason);
  AppendLengthPrefixed(&v, r.error_type);
  return v;
}

Result<ErrorRecord> Decode(std::string_view key, std::string_view value) {
  ErrorRecord rec;
  key.remove_prefix(kPrefix.size());
  if (key.size() < 13 || value.size() < 8) return Status::Corruption("bad sink error record");
  rec.sink_id = GetBigEndian32(key.data());
  rec.seq = GetBigEndian64(key.data() + 4);
  rec.op = key[12] == 'd' ? connector::ChangeOp::kDelete : connector::ChangeOp::kUpsert;
  rec.key_json.assign(key.substr(13));
  rec.recorded_at_us = static_cast<int64_t>(GetBigEndian64(value.data()));
  value.remove_prefix(8);
  if (!GetString(&value, &rec.item_json) || !GetString(&value, &rec.column) ||
      !GetString(&value, &rec.reason) || !GetString(&value, &rec.error_type)) {
    return Status::Corruption("bad sink error record");
  }
  return rec;
}

}  // namespace

Result<std::unique_ptr<ErrorTable>> ErrorTable::Open(storage::Storage* storage) {
  std::unique_ptr<ErrorTable> table(new ErrorTable(storage));
  DS_ASSIGN_OR_RETURN(auto records, storage->ScanMeta(kPrefix));
  for (const auto& [key, value] : records) {
    if (key.size() < kPrefix.size() + 4) continue;
    ++table->counts_[GetBigEndian32(key.data() + kPrefix.size())];
  }
  return table;
}

Status ErrorTable::Store(uint32_t sink_id, const connector::SinkRejection& rejection) {
  std::string key = SinkPrefix(sink_id);
  char seq[8];
  PutBigEndian64(seq, rejection.seq);
  key.append(seq, 8);
  key.push_back(rejection.op == connector::ChangeOp::kDelete ? 'd' : 'p');
  key.append(rejection.key_json.empty() ? rejection.key : rejection.key_json);
  int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  // A replay re-rejects the same change: keep one row (and one count) for it.
  DS_ASSIGN_OR_RETURN(std::optional<std::string> existing, storage_->GetMeta(key));
  if (existing.has_value()) return Status::OK();
  DS_RETURN_IF_ERROR(storage_->PutMeta(key, EncodeValue(rejection, now_us)));
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[sink_id];
  return Status::OK();
}

void ErrorTable::DeleteSinkRecords(uint32_t sink_id, storage::WriteBatch* batch) {
  auto records = storage_->ScanMeta(SinkPrefix(sink_id));
  if (!records.ok()) return;
  for (const auto& [key, value] : *records)
    batch->DeleteMeta(key);
}

void ErrorTable::ForgetSink(uint32_t sink_id) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.erase(sink_id);
}

uint64_t ErrorTable::Count(uint32_t sink_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(sink_id);
  return it == counts_.end() ? 0 : it->second;
}

Result<std::vector<ErrorRecord>> ErrorTable::List() const {
  DS_ASSIGN_OR_RETURN(auto records, storage_->ScanMeta(kPrefix));
  std::vector<ErrorRecord> out;
  out.reserve(records.size());
  for (const auto& [key, value] : records) {
    DS_ASSIGN_OR_RETURN(ErrorRecord rec, Decode(key, value));
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace dynasink::stream
