// ErrorTable: the durable home of the changes a sink's destination can never accept, when the
// sink's error policy is `error_table` (connector/sink.h, "Rejection"). It backs the view
// rw_catalog.rw_sink_errors.
//
// Each rejection is one record in the storage meta keyspace under
//   "sinkerr/" sink_id:4 seq:8 op:1 key_json
// so storing the same rejection twice (a replay after a crash re-rejects the same change) keeps
// one row, and a sink's rows are one contiguous range that DROP SINK removes in the same write
// as the sink's definition. Store() returns once the record is durable: only then may the sink's
// watermark pass the change.
//
// Thread-safe. Counts per sink are kept in memory (loaded on Open) so that the status view does
// not scan the records.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "connector/sink.h"
#include "storage/storage.h"
#include "storage/write_batch.h"

namespace dynasink::stream {

struct ErrorRecord {
  uint32_t sink_id = 0;
  uint64_t seq = 0;
  connector::ChangeOp op = connector::ChangeOp::kUpsert;
  std::string key_json;
  std::string item_json;  // empty for a delete
  std::string column;
  std::string reason;
  std::string error_type;
  int64_t recorded_at_us = 0;  // Unix microseconds
};

class ErrorTable {
 public:
  // Loads the per-sink counts. `storage` must outlive the table.
  static Result<std::unique_ptr<ErrorTable>> Open(storage::Storage* storage);

  // Stores `rejection` for sink `sink_id` durably. Idempotent for the same change.
  Status Store(uint32_t sink_id, const connector::SinkRejection& rejection);

  // Adds the deletion of every record of `sink_id` to `batch` (for DROP SINK); call
  // ForgetSink() once the batch is committed.
  void DeleteSinkRecords(uint32_t sink_id, storage::WriteBatch* batch);
  void ForgetSink(uint32_t sink_id);

  // Rows stored for `sink_id`.
  uint64_t Count(uint32_t sink_id) const;
  // Every record, by sink then seq.
  Result<std::vector<ErrorRecord>> List() const;

 private:
  explicit ErrorTable(storage::Storage* storage) : storage_(storage) {}
  storage::Storage* storage_;
  mutable std::mutex mu_;
  std::map<uint32_t, uint64_t> counts_;
};

}  // namespace dynasink::stream
