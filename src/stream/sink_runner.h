// SinkRunner: one running sink. A thread that backfills the table's rows (when the sink still
// has to), then tails the table's change log from the sink's cursor, turns each change into the
// sink's changes (the sink query's filter and projection; an update that moves a row into or
// out of the WHERE becomes a put or a delete), hands them to the connector's Sink in commit
// order, and moves the durable cursor forward as the Sink acknowledges them.
//
// Guarantees (ARCHITECTURE.md, contracts 2 and 3):
//  - The cursor never passes a change the Sink has not acknowledged: it moves to the Sink's
//    watermark, or to the log position read once everything written is acknowledged. After a
//    crash the runner replays from the cursor; puts and deletes by key are idempotent.
//  - Snapshot then changes: backfilled rows come from a snapshot taken at the cursor's position
//    at creation (or, after a restart mid-backfill, a newer one, with the log replayed from the
//    original position, which converges to the same result).
//  - An update's two halves are never split by the cursor.
//
// Threads: Start() spawns the runner's thread; WaitFlushed() and GetStatus() may be called from
// any thread; Stop() joins. The Sink's own threads call back into on_progress / on_rejection.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/sink_def.h"
#include "catalog/table_def.h"
#include "common/result.h"
#include "connector/connector.h"
#include "exec/cancel.h"
#include "exec/row_program.h"
#include "storage/change_log.h"
#include "storage/storage.h"
#include "stream/error_table.h"
#include "stream/key_groups.h"
#include "stream/sink_state.h"

namespace dynasink::stream {

// What the status view shows of one sink.
struct RunnerStatus {
  std::string state;  // backfilling, running, retrying, paused
  uint64_t backfill_rows_done = 0;
  std::optional<uint64_t> backfill_rows_total;
  uint64_t changes_acked = 0;
  uint64_t acked_seq = 0;
  uint64_t lag_changes = 0;
  double lag_seconds = 0;
  double rows_per_second = 0;
  std::string last_error;
  std::string paused_reason;
};

struct RunnerConfig {
  catalog::SinkDefPtr def;
  catalog::TableDefPtr table;
  std::shared_ptr<const exec::RowProgram> program;
  const connector::SinkConnector* connector = nullptr;
  connector::SinkOptionList connector_options;
  connector::GenericSinkOptions generic;
  // The sink columns that form the destination key.
  std::vector<int> key_columns;
  // Several upstream rows can map to one destination key: keep the KeyGroups index.
  bool use_key_groups = false;
  // The cursor's durable position (the cursor's id is the sink's id).
  uint64_t cursor = 0;
  SinkRuntimeState state;
  // For a sink just created: the snapshot registered with its cursor, to backfill from.
  std::shared_ptr<const storage::Snapshot> snapshot;
  metrics::Registry* metrics = nullptr;
  size_t buffer_bytes = size_t{64} << 20;
  // Persists the runtime state (backfill done, pause, counts). Thread-safe; called by the runner
  // thread and by Pause()/Resume()/Stop().
  std::function<void(const SinkRuntimeState&)> save_state;
};

class SinkRunner {
 public:
  SinkRunner(storage::Storage* storage, ErrorTable* errors, RunnerConfig config);
  ~SinkRunner();
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  // Opens the connector's Sink (without checking the destination: CREATE SINK did) and starts
  // the thread.
  Status Start();
  // Stops promptly (calls in flight are cancelled and resent after a restart), persists the
  // cursor and the state. Idempotent.
  void Stop();

  // Returns once every change of the table with seq <= `seq` has been acknowledged (and the
  // backfill is complete). OK at once for a sink paused by the user; fails at once when the
  // sink is paused at a change at or before `seq`; fails when `cancel` fires or `deadline`
  // passes, naming the sink and its last error.
  Status WaitFlushed(uint64_t seq, const exec::CancelToken& cancel,
                     std::chrono::steady_clock::time_point deadline);

  // ALTER SINK PAUSE / RESUME.
  void Pause();
  Status Resume();

  RunnerStatus GetStatus() const;
  const catalog::SinkDefinition& def() const { return *config_.def; }
  uint32_t table_id() const { return config_.table->id; }

 private:
  struct Output {
    connector::ChangeOp op;
    uint64_t seq;
    types::Row row;
  };

  void Run();
  Status CountBackfillRows();
  Status Backfill();
  void Tail();
  void CheckBackfillDone();
  // Turns one upstream change (before and/or after image, as table rows) into sink changes.
  Status Transform(const types::Row* before, const types::Row* after, uint64_t seq);
  // Transform(nullptr, row, seq) for an inserted row, which it may consume: a sink that sends
  // the table's rows unchanged (no query, no key groups) emits the row itself, without
  // evaluating a projection or copying a value. Leaves *row empty or unchanged.
  Status TransformInsert(types::Row* row, uint64_t seq);
  Status TransformGrouped(types::Row* before_out, types::Row* after_out,
                          const types::Row& upstream_row, uint64_t seq);
  void Emit(connector::ChangeOp op, uint64_t seq, types::Row&& row);
  // Gives `row` a spare row's buffer when it has none.
  void ReuseSpareRow(types::Row* row);
  // Writes the pending outputs to the Sink, blocking on backpressure. Aborted when stopping.
  Status FlushOutputs();
  // Stores a change the sink query cannot compute (an expression error) in the error table.
  Status RejectUpstream(uint64_t seq, connector::ChangeOp op, const types::Row* row,
                        const Status& error);
  void AdvanceCursor(bool sync);
  void UpdateLagAndRate();
  void PublishStatus();
  bool FlushedThrough(uint64_t seq);
  // Every entry of the table up to `seq` has been handed to the Sink. Needs mu_.
  bool ReadThroughLocked(uint64_t seq) const;
  bool KeysDiffer(const types::Row& a, const types::Row& b) const;
  Result<std::string> DestKey(const types::Row& out) const;
  Result<std::string> UpstreamKey(const types::Row& in) const;
  std::string UpstreamKeyText(const types::Row& in) const;
  Status Project(const types::Row& in, bool* keep, types::Row* out) const;
  std::string UserPauseReason() const;
  void SaveState();
  // Changes acknowledged since creation, from the Sink's status `st`.
  uint64_t ChangesDone(const connector::SinkStatus& st) const;
  void SetError(const Status& s);

  storage::Storage* storage_;
  ErrorTable* errors_;
  RunnerConfig config_;
  std::unique_ptr<connector::Sink> sink_;
  std::unique_ptr<storage::ChangeLogReader> reader_;
  std::unique_ptr<KeyGroups> groups_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;

  // Runner-thread state.
  std::vector<Output> outputs_;
  // Emptied rows of outputs_ already handed over, whose buffers the next decodes reuse (a row
  // per change would otherwise cost an allocation and a free). At most kMaxSpareRows.
  std::vector<types::Row> spare_rows_;
  std::vector<connector::SinkChange> changes_;
  uint64_t cursor_ = 0;  // the cursor as last written (guarded by mu_ for readers)
  std::optional<types::Row> pending_before_;
  // The after-half seqs of the updates among outputs_ that produced changes (see AdvanceCursor).
  std::vector<uint64_t> written_update_afters_;
  uint64_t pending_before_seq_ = 0;
  uint64_t acked_base_ = 0;  // changes acknowledged before this run (from the saved state)
  std::atomic<uint64_t> query_rejections_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  SinkRuntimeState state_;         // guarded by mu_
  uint64_t read_through_ = 0;      // every entry <= this has been written to the Sink
  uint64_t last_written_seq_ = 0;  // the highest seq handed to the Sink
  // After-half seqs of updates whose changes were handed to the Sink and may not be done yet,
  // ascending: the cursor must not stop between such an update's two halves.
  std::deque<uint64_t> update_afters_;
  bool backfill_written_ = false;    // every backfill row was handed to the Sink
  bool backfill_emitted_ = false;    // and there was at least one
  uint64_t backfill_done_rows_ = 0;  // backfill rows written
  std::optional<uint64_t> backfill_total_;
  std::string last_error_;
  // (first seq, commit time) of written batches not yet acknowledged, for lag in seconds.
  std::deque<std::pair<uint64_t, int64_t>> unacked_batches_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, uint64_t>> rate_samples_;
  double lag_seconds_ = 0;
  uint64_t lag_changes_ = 0;
  double rows_per_second_ = 0;

  // dynasink_sink_state{state=...} (1 for the current state) and
  // dynasink_sink_backfill_rows_total / _done.
  struct StateGauges {
    metrics::Registry* registry = nullptr;
    std::vector<std::pair<std::string, std::shared_ptr<metrics::Gauge>>> states;
    std::shared_ptr<metrics::Gauge> backfill_total;
    std::shared_ptr<metrics::Gauge> backfill_done;
  };
  StateGauges gauges_;
  void RegisterGauges();
  void UpdateGauges(const RunnerStatus& status);
  void RemoveGauges();
};

}  // namespace dynasink::stream
