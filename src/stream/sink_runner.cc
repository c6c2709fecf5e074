#include "stream/sink_runner.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/logging.h"
#include "common/thread_name.h"
#include "connector/sink_metrics.h"
#include "types/key_codec.h"
#include "types/row_codec.h"
#include "types/text_format.h"

namespace dynasink::stream {

namespace {

using Clock = std::chrono::steady_clock;
using connector::ChangeOp;

// Changes per Write() during a backfill, and log entries per read.
constexpr size_t kBackfillChunk = 1024;
constexpr size_t kMaxSpareRows = 2048;  // a read batch's worth (kReadLimits.max_entries)
constexpr storage::ReadLimits kReadLimits{.max_entries = 2048, .max_bytes = size_t{4} << 20};
// How long one ReadOrWait may block: bounds how stale the cursor, lag and rate get when idle.
constexpr auto kIdleWait = std::chrono::milliseconds(50);
// How long one Write() may block on backpressure before the runner checks for Stop().
constexpr auto kWriteSlice = std::chrono::milliseconds(200);
// The recent-throughput window of the status view.
constexpr auto kRateWindow = std::chrono::seconds(10);

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SinkRunner::SinkRunner(storage::Storage* storage, ErrorTable* errors, RunnerConfig config)
    : storage_(storage), errors_(errors), config_(std::move(config)) {
  state_ = config_.state;
  cursor_ = config_.cursor;
  read_through_ = config_.cursor;
  last_written_seq_ = config_.cursor;
  acked_base_ = config_.state.changes_acked;
}

SinkRunner::~SinkRunner() {
  Stop();
  RemoveGauges();
}

void SinkRunner::RegisterGauges() {
  metrics::Registry* registry =
      config_.metrics != nullptr ? config_.metrics : &metrics::Registry::Default();
  gauges_.registry = registry;
  const std::string& name = config_.def->name;
  for (const char* state : {"backfilling", "running", "retrying", "paused"}) {
    gauges_.states.emplace_back(
        state, registry->AddGauge("dynasink_sink_state",
                                  "1 for the sink's current state, 0 for the others",
                                  {{"sink", name}, {"state", state}}));
  }
  gauges_.backfill_total = registry->AddGauge("dynasink_sink_backfill_rows_total",
                                              "rows the sink's backfill sends", {{"sink", name}});
  gauges_.backfill_done = registry->AddGauge("dynasink_sink_backfill_rows_done",
                                             "backfilled rows acknowledged", {{"sink", name}});
}

void SinkRunner::UpdateGauges(const RunnerStatus& status) {
  if (gauges_.registry == nullptr) return;
  for (auto& [state, gauge] : gauges_.states)
    gauge->Set(state == status.state ? 1 : 0);
  gauges_.backfill_total->Set(static_cast<double>(status.backfill_rows_total.value_or(0)));
  gauges_.backfill_done->Set(static_cast<double>(status.backfill_rows_done));
}

void SinkRunner::RemoveGauges() {
  if (gauges_.registry == nullptr) return;
  for (auto& [state, gauge] : gauges_.states)
    gauges_.registry->Remove(gauge.get());
  gauges_.registry->Remove(gauges_.backfill_total.get());
  gauges_.registry->Remove(gauges_.backfill_done.get());
  gauges_ = {};
}

Status SinkRunner::Start() {
  const catalog::SinkDefinition& def = *config_.def;
  if (state_.backfill_pending && state_.backfill_seq == 0) {
    // Nothing was ever committed when the sink was created: there is nothing to backfill.
    // Saved now: otherwise a crash after the cursor moved would make the next start backfill
    // the whole table from backfill_seq = the cursor.
    state_.backfill_pending = false;
    SaveState();
  }
  if (config_.use_key_groups) {
    groups_ = std::make_unique<KeyGroups>(storage_, def.id, def.column_types);
  }
  connector::SinkContext context;
  context.sink_name = def.name;
  context.schema.names = def.column_names;
  context.schema.types = def.column_types;
  context.options = config_.generic;
  // Backfilled rows carry backfill_seq, so the watermark starts just below it.
  context.resume_after = state_.backfill_pending ? state_.backfill_seq - 1 : cursor_;
  {
    // What the Sink starts from: with a pending backfill nothing with backfill_seq has been
    // written yet (a backfill whose rows the WHERE filters out never writes any), and
    // FlushedThrough / CheckBackfillDone must not believe otherwise.
    std::lock_guard<std::mutex> lock(mu_);
    last_written_seq_ = context.resume_after;
  }
  const uint32_t sink_id = def.id;
  context.on_rejection = [this, sink_id](const connector::SinkRejection& r) {
    return errors_->Store(sink_id, r);
  };
  context.on_progress = [this](uint64_t) { cv_.notify_all(); };
  context.metrics = config_.metrics;
  context.buffer_bytes = config_.buffer_bytes;
  context.validate = false;
  DS_ASSIGN_OR_RETURN(sink_,
                      config_.connector->Open(config_.connector_options, std::move(context)));
  if (state_.paused_by_user) sink_->Pause(UserPauseReason());
  // The total is known before CREATE SINK returns, so the status view shows progress at once.
  if (state_.backfill_pending) DS_RETURN_IF_ERROR(CountBackfillRows());
  reader_ = std::make_unique<storage::ChangeLogReader>(*storage_, config_.table->id, cursor_);
  RegisterGauges();
  UpdateGauges(GetStatus());
  thread_ = std::thread([this] {
    SetThreadName("ds-sink-read");  // reads the change log, computes and hands over changes
    Run();
  });
  return Status::OK();
}

std::string SinkRunner::UserPauseReason() const {
  return fmt::format("paused by ALTER SINK {} PAUSE; run ALTER SINK {} RESUME to continue",
                     config_.def->name, config_.def->name);
}

void SinkRunner::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  if (reader_ != nullptr) reader_->Cancel();
  if (sink_ != nullptr) sink_->Close();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (sink_ != nullptr) {
    AdvanceCursor(/*sync=*/true);
    SaveState();
  }
}

// ---------------------------------------------------------------- the runner thread

void SinkRunner::Run() {
  while (!stopping_ && state_.backfill_pending && !backfill_written_) {
    Status s = Backfill();
    if (s.ok() || stopping_) break;
    SetError(s);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
  }
  if (!stopping_) Tail();
}

Status SinkRunner::CountBackfillRows() {
  // After a restart mid-backfill the original snapshot is gone: a newer one works too, since
  // the log from backfill_seq on is replayed after it (see the header).
  if (config_.snapshot == nullptr) config_.snapshot = storage_->GetSnapshot(/*exact=*/true);
  uint64_t total = 0;
  std::unique_ptr<storage::RowIterator> it =
      storage_->NewRowIterator(config_.table->id, {}, config_.snapshot.get());
  for (it->SeekToFirst(); it->Valid(); it->Next())
    ++total;
  DS_RETURN_IF_ERROR(it->status());
  std::lock_guard<std::mutex> lock(mu_);
  backfill_total_ = total;
  backfill_done_rows_ = 0;
  return Status::OK();
}

Status SinkRunner::Backfill() {
  if (!backfill_total_.has_value()) DS_RETURN_IF_ERROR(CountBackfillRows());
  std::shared_ptr<const storage::Snapshot> snapshot = std::move(config_.snapshot);
  if (snapshot == nullptr) snapshot = storage_->GetSnapshot(/*exact=*/true);
  const uint32_t table = config_.table->id;
  const uint64_t total = *backfill_total_;
  DS_LOG_INFO("stream", "sink {}: backfilling {} rows of table {}", config_.def->name, total,
              config_.table->name);
  const uint64_t seq = state_.backfill_seq;
  std::unique_ptr<storage::RowIterator> it = storage_->NewRowIterator(table, {}, snapshot.get());
  uint64_t rows = 0;
  types::Row in;
  for (it->SeekToFirst(); it->Valid() && !stopping_; it->Next()) {
    ReuseSpareRow(&in);
    DS_RETURN_IF_ERROR(types::DecodeRow(it->row(), config_.program->input_types(), &in));
    DS_RETURN_IF_ERROR(TransformInsert(&in, seq));
    ++rows;
    if (outputs_.size() >= kBackfillChunk) {
      DS_RETURN_IF_ERROR(FlushOutputs());
      std::lock_guard<std::mutex> lock(mu_);
      backfill_done_rows_ = rows;
    }
  }
  DS_RETURN_IF_ERROR(it->status());
  if (stopping_) return Status::Aborted("stopping");
  DS_RETURN_IF_ERROR(FlushOutputs());
  std::lock_guard<std::mutex> lock(mu_);
  backfill_done_rows_ = rows;
  backfill_written_ = true;
  backfill_emitted_ = last_written_seq_ >= seq && rows > 0;
  return Status::OK();
}

void SinkRunner::Tail() {
  storage::ChangeBatch batch;
  types::Row row;
  while (!stopping_) {
    CheckBackfillDone();
    Status s = reader_->ReadOrWait(kReadLimits, Clock::now() + kIdleWait, &batch);
    if (s.IsAborted()) break;
    if (!s.ok()) {
      SetError(s);
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
      continue;
    }
    int64_t first_commit_us = batch.empty() ? 0 : batch[0].commit_time_us;
    for (const storage::ChangeLogEntry& e : batch) {
      ReuseSpareRow(&row);
      s = types::DecodeRow(e.row, config_.program->input_types(), &row);
      if (!s.ok()) {
        RejectUpstream(e.seq, ChangeOp::kUpsert, nullptr, s);
        continue;
      }
      switch (e.op) {
        case storage::ChangeOp::kInsert:
          s = TransformInsert(&row, e.seq);
          break;
        case storage::ChangeOp::kDelete:
          s = Transform(&row, nullptr, e.seq);
          break;
        case storage::ChangeOp::kUpdateBefore:
          pending_before_ = row;
          pending_before_seq_ = e.seq;
          break;
        case storage::ChangeOp::kUpdateAfter: {
          const size_t before = outputs_.size();
          s = Transform(pending_before_ ? &*pending_before_ : nullptr, &row, e.seq);
          if (s.ok() && outputs_.size() > before) written_update_afters_.push_back(e.seq);
          pending_before_.reset();
          break;
        }
      }
      if (!s.ok()) break;
    }
    if (s.ok()) s = FlushOutputs();
    if (!s.ok()) {
      if (stopping_) break;
      SetError(s);
      // Read the same entries again after a pause, rather than skipping them.
      outputs_.clear();
      written_update_afters_.clear();
      pending_before_.reset();
      uint64_t position;
      {
        std::lock_guard<std::mutex> lock(mu_);
        position = read_through_;
      }
      reader_->Seek(position);
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
      continue;
    }
    // The cursor must not split an update's two halves.
    uint64_t safe = pending_before_ ? pending_before_seq_ - 1 : batch.end_seq();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!batch.empty())
        unacked_batches_.emplace_back(batch.entries().back().seq, first_commit_us);
      read_through_ = std::max(read_through_, safe);
    }
    cv_.notify_all();
    AdvanceCursor(/*sync=*/false);
    UpdateLagAndRate();
    PublishStatus();
  }
}

void SinkRunner::CheckBackfillDone() {
  SinkRuntimeState copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!state_.backfill_pending || !backfill_written_) return;
    if (backfill_emitted_ && sink_->AckedThrough() < state_.backfill_seq) return;
    state_.backfill_pending = false;
  }
  DS_LOG_INFO("stream", "sink {}: backfill complete ({} rows)", config_.def->name,
              backfill_done_rows_);
  SaveState();
  cv_.notify_all();
}

// ---------------------------------------------------------------- changes

Status SinkRunner::Project(const types::Row& in, bool* keep, types::Row* out) const {
  const exec::RowProgram& program = *config_.program;
  if (program.has_filter()) {
    DS_ASSIGN_OR_RETURN(*keep, program.Filter(in));
    if (!*keep) return Status::OK();
  }
  *keep = true;
  return program.Project(in, out);
}

Status SinkRunner::Transform(const types::Row* before, const types::Row* after, uint64_t seq) {
  const connector::SinkType type = config_.generic.type;
  types::Row b_out, a_out;
  bool b_keep = false, a_keep = false;
  Status s;
  if (after != nullptr) s = Project(*after, &a_keep, &a_out);
  // Append-only sinks send inserts (and, forced, the new half of updates) and nothing else.
  if (type != connector::SinkType::kUpsert) {
    if (!s.ok()) return RejectUpstream(seq, ChangeOp::kUpsert, after, s);
    if (a_keep) Emit(ChangeOp::kUpsert, seq, std::move(a_out));
    return Status::OK();
  }
  if (s.ok() && before != nullptr) s = Project(*before, &b_keep, &b_out);
  if (!s.ok()) {
    return RejectUpstream(seq, after ? ChangeOp::kUpsert : ChangeOp::kDelete,
                          after ? after : before, s);
  }
  if (groups_ != nullptr) {
    return TransformGrouped(b_keep ? &b_out : nullptr, a_keep ? &a_out : nullptr,
                            after ? *after : *before, seq);
  }
  if (a_keep) {
    // A key that changed (a sink query computing its key, or a row moved by its new values)
    // leaves the old item behind unless it is deleted.
    if (b_keep && KeysDiffer(b_out, a_out)) Emit(ChangeOp::kDelete, seq, std::move(b_out));
    Emit(ChangeOp::kUpsert, seq, std::move(a_out));
  } else if (b_keep) {
    Emit(ChangeOp::kDelete, seq, std::move(b_out));
  }
  return Status::OK();
}

Status SinkRunner::TransformInsert(types::Row* row, uint64_t seq) {
  const exec::RowProgram& program = *config_.program;
  if (!program.is_identity() || groups_ != nullptr) return Transform(nullptr, row, seq);
  // Identity: the output is the visible columns, which come first; hidden ones (a row id) end
  // the row. Both sink types send an insert as an upsert.
  row->resize(program.columns().size());
  Emit(ChangeOp::kUpsert, seq, std::move(*row));
  row->clear();
  return Status::OK();
}

Status SinkRunner::TransformGrouped(types::Row* before_out, types::Row* after_out,
                                    const types::Row& upstream_row, uint64_t seq) {
  if (before_out == nullptr && after_out == nullptr) return Status::OK();
  DS_ASSIGN_OR_RETURN(std::string upstream, UpstreamKey(upstream_row));
  std::string before_key, after_key;
  if (before_out != nullptr) {
    DS_ASSIGN_OR_RETURN(before_key, DestKey(*before_out));
    groups_->Remove(before_key, upstream);
  }
  if (after_out != nullptr) {
    DS_ASSIGN_OR_RETURN(after_key, DestKey(*after_out));
    DS_RETURN_IF_ERROR(groups_->Put(after_key, upstream, seq, *after_out));
  }
  // What each touched destination key must hold now: its latest row, or nothing.
  auto settle = [&](const std::string& key, types::Row* row) -> Status {
    DS_ASSIGN_OR_RETURN(std::optional<types::Row> latest, groups_->Latest(key));
    if (latest.has_value()) {
      Emit(ChangeOp::kUpsert, seq, std::move(*latest));
    } else {
      Emit(ChangeOp::kDelete, seq, std::move(*row));
    }
    return Status::OK();
  };
  if (before_out != nullptr && (after_out == nullptr || before_key != after_key)) {
    DS_RETURN_IF_ERROR(settle(before_key, before_out));
  }
  if (after_out != nullptr) DS_RETURN_IF_ERROR(settle(after_key, after_out));
  return Status::OK();
}

void SinkRunner::ReuseSpareRow(types::Row* row) {
  // A row moved into outputs_ is left without a buffer: take a spare one instead.
  if (row->capacity() == 0 && !spare_rows_.empty()) {
    *row = std::move(spare_rows_.back());
    spare_rows_.pop_back();
  }
}

void SinkRunner::Emit(ChangeOp op, uint64_t seq, types::Row&& row) {
  outputs_.push_back(Output{op, seq, std::move(row)});
}

Status SinkRunner::FlushOutputs() {
  // The index first: it must never be behind what the destination was told.
  if (groups_ != nullptr) DS_RETURN_IF_ERROR(groups_->Commit());
  if (outputs_.empty()) return Status::OK();
  changes_.clear();
  changes_.reserve(outputs_.size());
  uint64_t max_seq = 0;
  for (const Output& o : outputs_) {
    changes_.push_back(connector::SinkChange{o.seq, o.op, &o.row});
    max_seq = std::max(max_seq, o.seq);
  }
  size_t done = 0;
  while (done < changes_.size()) {
    if (stopping_) return Status::Aborted("sink stopping");
    auto accepted = sink_->Write(std::span<const connector::SinkChange>(changes_).subspan(done),
                                 Clock::now() + kWriteSlice);
    if (!accepted.ok()) return accepted.status();
    done += *accepted;
    if (done < changes_.size()) {
      // Backpressure: keep the cursor, lag and rate current while the destination drains.
      AdvanceCursor(/*sync=*/false);
      UpdateLagAndRate();
    }
  }
  for (Output& o : outputs_) {
    if (spare_rows_.size() >= kMaxSpareRows) break;
    o.row.clear();
    spare_rows_.push_back(std::move(o.row));
  }
  outputs_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  last_written_seq_ = std::max(last_written_seq_, max_seq);
  update_afters_.insert(update_afters_.end(), written_update_afters_.begin(),
                        written_update_afters_.end());
  written_update_afters_.clear();
  return Status::OK();
}

Status SinkRunner::RejectUpstream(uint64_t seq, ChangeOp op, const types::Row* row,
                                  const Status& error) {
  // The sink query failed on this row (e.g. a division by zero in the WHERE clause): no item
  // can be computed, so the change goes to the error table, named by its upstream key.
  connector::SinkRejection r;
  r.sink = config_.def->name;
  r.seq = seq;
  r.op = op;
  r.key = row != nullptr ? UpstreamKeyText(*row) : std::string("(unreadable row)");
  r.reason = fmt::format("sink {}: the sink query failed on the row of table {} with key ({}): {}",
                         config_.def->name, config_.table->name, r.key, error.message());
  r.error_type = "QueryError";
  DS_LOG_WARN("stream", "{}", r.reason);
  Status s = errors_->Store(config_.def->id, r);
  if (s.ok()) ++query_rejections_;
  return s;
}

bool SinkRunner::KeysDiffer(const types::Row& a, const types::Row& b) const {
  for (int c : config_.key_columns) {
    if (!(a[c] == b[c])) return true;
  }
  return false;
}

Result<std::string> SinkRunner::DestKey(const types::Row& out) const {
  std::vector<types::Value> values;
  std::vector<types::DataType> types;
  for (int c : config_.key_columns) {
    values.push_back(out[c]);
    types.push_back(config_.def->column_types[c]);
  }
  std::string key;
  DS_RETURN_IF_ERROR(types::EncodeKey(values, types, &key));
  return key;
}

Result<std::string> SinkRunner::UpstreamKey(const types::Row& in) const {
  std::vector<types::Value> values;
  for (uint32_t c : config_.table->primary_key)
    values.push_back(in[c]);
  std::string key;
  DS_RETURN_IF_ERROR(types::EncodeKey(values, config_.table->key_types(), &key));
  return key;
}

std::string SinkRunner::UpstreamKeyText(const types::Row& in) const {
  std::string text;
  for (uint32_t c : config_.table->primary_key) {
    if (!text.empty()) text += ", ";
    text += config_.table->columns[c].name + "=";
    text += in[c].is_null() ? std::string("NULL")
                            : types::FormatValue(in[c], config_.table->columns[c].type);
  }
  return text;
}

// ---------------------------------------------------------------- cursor, lag, status

void SinkRunner::AdvanceCursor(bool sync) {
  uint64_t target;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_.backfill_pending) return;
    uint64_t acked = sink_->AckedThrough();
    while (!update_afters_.empty() && update_afters_.front() <= acked)
      update_afters_.pop_front();
    // Everything written is acknowledged: the cursor may move to what was read, gaps included.
    target = acked >= last_written_seq_ ? read_through_ : acked;
    // The watermark stops one below the first change not done. When that is an update's output
    // (which carries the seq of the after half), the watermark is the update's before half, and
    // a cursor there would replay the after half alone after a restart: a row that left the
    // WHERE, or a changed destination key, would then never have its old item deleted.
    // The updates of a batch still being written (under backpressure) count too.
    auto next_after = [&]() -> uint64_t {
      if (!update_afters_.empty()) return update_afters_.front();
      for (uint64_t seq : written_update_afters_) {
        if (seq > acked) return seq;
      }
      return 0;
    };
    if (target == acked && next_after() == acked + 1) target = acked - 1;
  }
  target = std::min(target, storage_->LastCommittedSeq());
  if (target <= cursor_) return;
  Status s = storage_->AdvanceCursor(config_.def->id, target, sync);
  if (!s.ok()) {
    if (!s.IsAborted()) SetError(s);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  cursor_ = target;
}

void SinkRunner::UpdateLagAndRate() {
  connector::SinkStatus st = sink_->GetStatus();
  const uint64_t done = ChangesDone(st);
  const auto now = Clock::now();
  const int64_t now_us = NowMicros();
  std::lock_guard<std::mutex> lock(mu_);
  while (!unacked_batches_.empty() && unacked_batches_.front().first <= st.acked_through) {
    unacked_batches_.pop_front();
  }
  lag_seconds_ = unacked_batches_.empty()
                     ? 0
                     : std::max<double>(0, (now_us - unacked_batches_.front().second) / 1e6);
  // Entries committed to the table and not read yet: estimated by sequence numbers, which
  // other tables share, so an upper bound while the reader is behind.
  uint64_t last = storage_->TableLastSeq(config_.table->id);
  uint64_t unread = last > read_through_ ? last - read_through_ : 0;
  lag_changes_ = st.buffered_changes + unread;
  if (rate_samples_.empty() || now - rate_samples_.back().first >= std::chrono::seconds(1)) {
    rate_samples_.emplace_back(now, done);
    while (rate_samples_.size() > 2 && now - rate_samples_[1].first >= kRateWindow) {
      rate_samples_.pop_front();
    }
  }
  const auto& oldest = rate_samples_.front();
  double secs = std::chrono::duration<double>(now - oldest.first).count();
  rows_per_second_ = secs >= 0.5 ? static_cast<double>(done - oldest.second) / secs : 0;
  sink_->metrics().SetLag(lag_changes_, lag_seconds_);
}

void SinkRunner::PublishStatus() {
  UpdateGauges(GetStatus());
}

bool SinkRunner::FlushedThrough(uint64_t seq) {
  uint64_t acked = sink_->AckedThrough();
  std::lock_guard<std::mutex> lock(mu_);
  if (state_.backfill_pending) return false;
  if (acked >= seq) return true;
  if (acked < last_written_seq_) return false;
  return ReadThroughLocked(seq);
}

bool SinkRunner::ReadThroughLocked(uint64_t seq) const {
  // Nothing of this table after what was read: the entries up to seq belong to other tables.
  return read_through_ >= seq || storage_->TableLastSeq(config_.table->id) <= read_through_;
}

Status SinkRunner::WaitFlushed(uint64_t seq, const exec::CancelToken& cancel,
                               Clock::time_point deadline) {
  const std::string& name = config_.def->name;
  while (true) {
    if (stopping_) return Status::OK();  // dropped meanwhile: nothing left to wait for
    if (FlushedThrough(seq)) return Status::OK();
    connector::SinkStatus st = sink_->GetStatus();
    if (st.state == connector::SinkState::kPaused) {
      bool by_user;
      {
        std::lock_guard<std::mutex> lock(mu_);
        by_user = state_.paused_by_user;
      }
      if (st.paused_at_seq != 0 && st.paused_at_seq <= seq) {
        return Status::Sql(
            "55000",
            fmt::format("sink {} is paused at a change it cannot deliver: {}\nHINT: fix the row "
                        "upstream (UPDATE or DELETE it) and run ALTER SINK {} RESUME; or run "
                        "ALTER SINK {} SET (sink.error_policy = 'error_table') and then ALTER "
                        "SINK {} RESUME to move the change to rw_catalog.rw_sink_errors",
                        name, st.pause_reason, name, name, name));
      }
      // Paused by the user: FLUSH does not wait for it.
      if (by_user && st.paused_at_seq == 0) return Status::OK();
    }
    if (Clock::now() >= deadline) {
      RunnerStatus rs = GetStatus();
      return Status::Sql(
          "57014",
          fmt::format("FLUSH timed out: sink {} has not acknowledged every change yet (state {}, "
                      "{} changes behind; last error: {}). Nothing is lost: the sink keeps "
                      "retrying and delivers them once the destination accepts them",
                      name, rs.state, rs.lag_changes,
                      rs.last_error.empty() ? std::string("none") : rs.last_error));
    }
    DS_RETURN_IF_ERROR(cancel.Check());
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(10));
  }
}

void SinkRunner::Pause() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_.paused_by_user = true;
  }
  sink_->Pause(UserPauseReason());
  SaveState();
}

Status SinkRunner::Resume() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_.paused_by_user = false;
  }
  SaveState();
  // The user's fix of a held row (an UPDATE committed just before RESUME) must reach the Sink
  // before it retries, or the retry finds the held change still invalid and pauses again. Give
  // the runner a moment to hand over everything committed so far; a paused Sink still accepts
  // changes into its buffer, so this only waits for the log to be read.
  const uint64_t target = storage_->LastCommittedSeq();
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5),
                 [&] { return stopping_ || ReadThroughLocked(target); });
  }
  return sink_->Resume(connector::ResumeAction::kRetry);
}

void SinkRunner::SaveState() {
  if (!config_.save_state) return;
  SinkRuntimeState copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    copy = state_;
  }
  copy.changes_acked = ChangesDone(sink_ != nullptr ? sink_->GetStatus() : connector::SinkStatus{});
  config_.save_state(copy);
}

uint64_t SinkRunner::ChangesDone(const connector::SinkStatus& st) const {
  return acked_base_ + st.changes_delivered + st.changes_superseded + st.changes_rejected +
         query_rejections_.load();
}

void SinkRunner::SetError(const Status& s) {
  DS_LOG_WARN("stream", "sink {}: {}", config_.def->name, s.message());
  std::lock_guard<std::mutex> lock(mu_);
  last_error_ = s.message();
}

RunnerStatus SinkRunner::GetStatus() const {
  RunnerStatus out;
  connector::SinkStatus st;
  if (sink_ != nullptr) st = sink_->GetStatus();
  out.changes_acked = ChangesDone(st);
  std::lock_guard<std::mutex> lock(mu_);
  if (st.state == connector::SinkState::kPaused) {
    out.state = "paused";
    out.paused_reason = st.pause_reason;
  } else if (state_.backfill_pending) {
    out.state = "backfilling";
  } else if (st.state == connector::SinkState::kRetrying) {
    out.state = "retrying";
  } else {
    out.state = "running";
  }
  if (backfill_total_.has_value()) {
    out.backfill_rows_total = backfill_total_;
    uint64_t sent = st.changes_delivered + st.changes_superseded + st.changes_rejected;
    out.backfill_rows_done =
        state_.backfill_pending ? std::min(sent, backfill_done_rows_) : *backfill_total_;
  }
  out.acked_seq = cursor_;
  // Computed now rather than at the runner's last pass, so that a caught-up sink shows 0 at
  // once (FLUSH can return before the runner's next pass).
  const uint64_t last = storage_->TableLastSeq(config_.table->id);
  out.lag_changes = st.buffered_changes + (last > read_through_ ? last - read_through_ : 0);
  if (out.lag_changes == 0) out.lag_seconds = 0;
  if (out.lag_changes != 0) out.lag_seconds = lag_seconds_;
  out.rows_per_second = rows_per_second_;
  out.last_error = !st.last_error.empty() ? st.last_error : last_error_;
  return out;
}

}  // namespace dynasink::stream
