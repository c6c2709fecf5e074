#include "connector/dynamodb/dynamodb_sink.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "common/thread_name.h"

namespace dynasink::connector::dynamodb {

namespace {

// Bookkeeping charged per ledger ticket (a seq and a flag, in a ring that grows by doubling).
constexpr size_t kTicketCharge = 16;
// Write() hands encoded changes to the worker in chunks of this many: small enough for the
// worker to start sending early, large enough to keep the lock out of the per-change cost.
constexpr size_t kChunk = 256;
// Recycled changes kept for reuse; the rest are freed. Large buffers are never kept.
constexpr size_t kMaxRecycled = 8192;
constexpr size_t kMaxRecycledCapacity = 64 * 1024;

}  // namespace

std::unique_ptr<DynamoDbSink> DynamoDbSink::Start(SinkContext context, WriterConfig config,
                                                  std::unique_ptr<ItemEncoder> encoder,
                                                  std::unique_ptr<BatchWriteClient> client) {
  auto sink = std::unique_ptr<DynamoDbSink>(
      new DynamoDbSink(std::move(context), config, std::move(encoder), std::move(client)));
  sink->worker_ = std::thread([s = sink.get()] {
    SetThreadName("ds-sink-write");  // batches, retries and acknowledges
    s->Run();
  });
  return sink;
}

DynamoDbSink::DynamoDbSink(SinkContext context, WriterConfig config,
                           std::unique_ptr<ItemEncoder> encoder,
                           std::unique_ptr<BatchWriteClient> client)
    : context_(std::move(context)),
      encoder_(std::move(encoder)),
      client_(std::move(client)),
      budget_(std::max<size_t>(context_.buffer_bytes, 1 << 20)),
      last_seq_written_(context_.resume_after),
      acked_(context_.resume_after) {
  metrics::Registry& registry =
      context_.metrics != nullptr ? *context_.metrics : metrics::Registry::Default();
  metrics_ = std::make_unique<SinkMetrics>(registry, context_.sink_name);
  metrics_->acked_seq->Set(static_cast<double>(context_.resume_after));
  config.resume_after = context_.resume_after;
  config.error_policy = context_.options.error_policy;
  writer_ = std::make_unique<Writer>(
      config, *encoder_, client_.get(), *metrics_, context_.on_rejection,
      [this](CallOutcome outcome) {
        std::lock_guard<std::mutex> lock(mu_);
        outcomes_.push_back(std::move(outcome));
        work_cv_.notify_one();
      },
      [this](EncodedChange* change) { RecycleChange(change); });
  written_through_ = context_.resume_after;
  status_.acked_through = context_.resume_after;
  status_.written_through = context_.resume_after;
  status_.concurrency_limit = config.max_in_flight;
}

DynamoDbSink::~DynamoDbSink() {
  Close();
  for (EncodedChange* e : write_free_)
    delete e;
  for (EncodedChange* e : write_chunk_)
    delete e;
}

EncodedChange* DynamoDbSink::TakeChange() {
  if (write_free_.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    write_free_.swap(recycled_);
  }
  if (write_free_.empty()) return new EncodedChange();
  EncodedChange* e = write_free_.back();
  write_free_.pop_back();
  return e;
}

// Worker side (and Close()): the change is finished; keep it for reuse or free it.
void DynamoDbSink::RecycleChange(EncodedChange* change) {
  buffered_bytes_.fetch_sub(change->charged, std::memory_order_relaxed);
  if (change->buf.capacity() > kMaxRecycledCapacity || recycled_pending_.size() >= kMaxRecycled) {
    delete change;
    return;
  }
  change->Reset();
  // recycled_ is guarded by mu_, but the worker frees many changes per loop: it collects them
  // here, and Run() moves them over under one lock per loop.
  recycled_pending_.push_back(change);
}

void DynamoDbSink::Publish(std::vector<EncodedChange*>* changes, size_t bytes) {
  if (changes->empty()) return;
  std::unique_lock<std::mutex> lock(mu_);
  if (stop_) {
    lock.unlock();
    for (EncodedChange* e : *changes)
      delete e;
    changes->clear();
    return;
  }
  buffered_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  metrics_->changes_accepted->Increment(changes->size());
  for (EncodedChange* e : *changes) {
    inbox_.emplace_back(e, e->json_len == 0 && e->rejection == nullptr);
  }
  written_through_ = last_seq_written_;
  changes->clear();
  work_cv_.notify_one();
}

Result<size_t> DynamoDbSink::Write(std::span<const SinkChange> changes, Deadline deadline) {
  if (closed_.load(std::memory_order_acquire)) {
    return Status::Aborted(fmt::format("sink {} is closed", context_.sink_name));
  }
  const bool append_only = context_.options.type != SinkType::kUpsert;
  size_t accepted = 0;
  size_t chunk_bytes = 0;
  for (const SinkChange& c : changes) {
    Status bad;
    if (c.row == nullptr) {
      bad = Status::InvalidArgument(
          fmt::format("sink {}: change {} has no row", context_.sink_name, c.seq));
    } else if (c.seq < last_seq_written_ || c.seq <= context_.resume_after) {
      bad = Status::InvalidArgument(
          fmt::format("sink {}: change {} is out of order (after {}, resuming after {})",
                      context_.sink_name, c.seq, last_seq_written_, context_.resume_after));
    } else if (c.row->size() != encoder_->column_count()) {
      bad = Status::InvalidArgument(fmt::format("sink {}: change {} has {} values for {} columns",
                                                context_.sink_name, c.seq, c.row->size(),
                                                encoder_->column_count()));
    }
    if (!bad.ok()) {
      Publish(&write_chunk_, chunk_bytes);
      return bad;
    }
    if (buffered_bytes_.load(std::memory_order_relaxed) + chunk_bytes >= budget_) {
      Publish(&write_chunk_, chunk_bytes);
      chunk_bytes = 0;
      std::unique_lock<std::mutex> lock(mu_);
      space_cv_.wait_until(lock, deadline, [&] {
        return stop_ || buffered_bytes_.load(std::memory_order_relaxed) < budget_;
      });
      if (stop_) return Status::Aborted(fmt::format("sink {} is closed", context_.sink_name));
      if (buffered_bytes_.load(std::memory_order_relaxed) >= budget_) return accepted;
    }
    EncodedChange* e = TakeChange();
    e->seq = c.seq;
    if (append_only && c.op == ChangeOp::kDelete) {
      e->op = ChangeOp::kDelete;  // json_len stays 0: the worker only takes its ticket
    } else {
      encoder_->Encode(c.op, *c.row, e);
    }
    e->charged = e->charge() + kTicketCharge;
    chunk_bytes += e->charged;
    last_seq_written_ = c.seq;
    write_chunk_.push_back(e);
    ++accepted;
    if (write_chunk_.size() >= kChunk) {
      Publish(&write_chunk_, chunk_bytes);
      chunk_bytes = 0;
    }
  }
  Publish(&write_chunk_, chunk_bytes);
  return accepted;
}

void DynamoDbSink::Run() {
  std::vector<std::pair<EncodedChange*, bool>> inbox;
  std::vector<CallOutcome> outcomes;
  std::vector<Control> controls;
  uint64_t controls_taken = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Freed changes go back to Write() in one step per loop.
      if (!recycled_pending_.empty()) {
        if (recycled_.size() < kMaxRecycled) {
          recycled_.insert(recycled_.end(), recycled_pending_.begin(), recycled_pending_.end());
        } else {
          for (EncodedChange* e : recycled_pending_)
            delete e;
        }
        recycled_pending_.clear();
      }
      auto ready = [&] {
        return stop_ || !inbox_.empty() || !outcomes_.empty() || !controls_.empty();
      };
      SteadyClock::time_point due = writer_->NextDue();
      if (due == SteadyClock::time_point::max()) {
        work_cv_.wait(lock, ready);
      } else {
        work_cv_.wait_until(lock, due, ready);
      }
      if (stop_) break;
      inbox.swap(inbox_);
      outcomes.swap(outcomes_);
      controls.swap(controls_);
      controls_taken = controls_requested_;
    }
    // Completions first: they free keys, so that new changes to them can go out at once.
    for (CallOutcome& o : outcomes)
      writer_->OnOutcome(std::move(o));
    outcomes.clear();
    // Each Accept() looks its key up in the index, which misses the cache once many keys are
    // buffered: prefetch a few changes ahead so that the misses overlap.
    constexpr size_t kPrefetchAhead = 8;
    for (size_t i = 0; i < inbox.size(); ++i) {
      if (i + kPrefetchAhead < inbox.size()) writer_->PrefetchKey(*inbox[i + kPrefetchAhead].first);
      writer_->Accept(inbox[i].first, inbox[i].second);
    }
    inbox.clear();
    // After the inbox: a RESUME must see the changes written before it (a fixed row that
    // replaces a held change).
    for (Control& c : controls) {
      if (c.kind == Control::Kind::kPause) {
        writer_->Pause(std::move(c.reason));
      } else {
        (void)writer_->Resume(c.action);
      }
    }
    controls.clear();
    writer_->Pump(SteadyClock::now());

    bool advanced = writer_->AdvanceWatermark();
    uint64_t watermark = writer_->watermark();
    const WriterStats& stats = writer_->stats();
    // A finished change's ticket stays in the ledger until the watermark passes it; charge those
    // too, so that one stuck change cannot let the ledger grow without bound. What the key index
    // grew for buffered keys (32 bytes per slot, at least two slots per key) is charged as well:
    // with small items it is a sizeable part of what the buffer really holds.
    size_t extra = (writer_->outstanding_tickets() - stats.live_changes) * kTicketCharge +
                   writer_->key_index_bytes();
    buffered_bytes_.fetch_add(extra - bookkeeping_charge_, std::memory_order_relaxed);
    bookkeeping_charge_ = extra;
    metrics_->buffered_changes->Set(static_cast<double>(stats.live_changes));
    metrics_->buffered_bytes->Set(
        static_cast<double>(buffered_bytes_.load(std::memory_order_relaxed)));
    // The status first, then the watermark: whoever sees the new watermark (a FLUSH returning)
    // must find a status at least as new (not "retrying" with changes still buffered).
    {
      std::lock_guard<std::mutex> lock(mu_);
      PublishStatusLocked(stats, watermark);
      controls_done_ = controls_taken;
    }
    if (advanced) {
      acked_.store(watermark, std::memory_order_release);
      metrics_->acked_seq->Set(static_cast<double>(watermark));
      if (context_.on_progress) context_.on_progress(watermark);
    }
    ack_cv_.notify_all();
    space_cv_.notify_all();
  }
}

void DynamoDbSink::PublishStatusLocked(const WriterStats& stats, uint64_t watermark) {
  SinkStatus& s = status_;
  s.state = stats.paused     ? SinkState::kPaused
            : stats.retrying ? SinkState::kRetrying
                             : SinkState::kRunning;
  s.last_error = stats.last_error;
  s.pause_reason = stats.pause_reason;
  s.paused_at_seq = stats.paused_at_seq;
  s.acked_through = watermark;
  s.changes_accepted = stats.accepted;
  s.changes_delivered = stats.delivered;
  s.changes_superseded = stats.superseded;
  s.changes_rejected = stats.rejected;
  s.changes_held = stats.held;
  s.buffered_changes = stats.live_changes;
  s.in_flight_calls = stats.in_flight;
  s.concurrency_limit = stats.concurrency_limit;
}

SinkStatus DynamoDbSink::GetStatus() const {
  std::lock_guard<std::mutex> lock(mu_);
  SinkStatus s = status_;
  if (stop_) s.state = SinkState::kClosed;
  s.written_through = written_through_;
  s.buffered_bytes = buffered_bytes_.load(std::memory_order_relaxed);
  return s;
}

Status DynamoDbSink::WaitAckedLocked(std::unique_lock<std::mutex>& lock, uint64_t seq,
                                     Deadline deadline) {
  while (true) {
    if (acked_.load(std::memory_order_acquire) >= seq) return Status::OK();
    if (stop_) {
      return Status::Aborted(fmt::format("sink {} was closed before change {} was acknowledged",
                                         context_.sink_name, seq));
    }
    // Paused by the user, nothing new goes out; paused at a held change, what comes before it
    // still does, so only a wait for the held change or later fails at once.
    if (status_.state == SinkState::kPaused &&
        (status_.paused_at_seq == 0 || seq >= status_.paused_at_seq)) {
      return Status::FailedPrecondition(
          fmt::format("sink {} is paused: {}", context_.sink_name, status_.pause_reason));
    }
    if (ack_cv_.wait_until(lock, deadline) == std::cv_status::timeout &&
        acked_.load(std::memory_order_acquire) < seq) {
      return Status::Timeout(fmt::format(
          "sink {} has not caught up: DynamoDB acknowledged changes through {}, waiting for {} "
          "({} changes buffered, {}){}",
          context_.sink_name, acked_.load(), seq, status_.buffered_changes,
          SinkStateName(status_.state),
          status_.last_error.empty() ? std::string() : "; last error: " + status_.last_error));
    }
  }
}

Status DynamoDbSink::WaitAcked(uint64_t seq, Deadline deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return WaitAckedLocked(lock, seq, deadline);
}

Status DynamoDbSink::Flush(Deadline deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return WaitAckedLocked(lock, written_through_, deadline);
}

void DynamoDbSink::RunControl(Control control) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stop_) return;
  controls_.push_back(std::move(control));
  uint64_t generation = ++controls_requested_;
  work_cv_.notify_one();
  // The worker applies controls between two rounds of work, which take milliseconds; the bound
  // only guards against waiting forever on a wedged worker.
  ack_cv_.wait_for(lock, std::chrono::seconds(30),
                   [&] { return stop_ || controls_done_ >= generation; });
}

void DynamoDbSink::Pause(std::string reason) {
  RunControl(Control{Control::Kind::kPause, ResumeAction::kRetry, std::move(reason)});
}

Status DynamoDbSink::Resume(ResumeAction action) {
  if (closed_.load(std::memory_order_acquire)) {
    return Status::Aborted(fmt::format("sink {} is closed", context_.sink_name));
  }
  RunControl(Control{Control::Kind::kResume, action, {}});
  return Status::OK();
}

void DynamoDbSink::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
    closed_.store(true, std::memory_order_release);
  }
  work_cv_.notify_all();
  space_cv_.notify_all();
  ack_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  // Cancels the calls in flight: their callbacks post into outcomes_, which is then discarded
  // (ReleaseAll() frees the batches they name).
  client_.reset();
  writer_->ReleaseAll();
  std::lock_guard<std::mutex> lock(mu_);
  outcomes_.clear();
  for (auto& [change, skip] : inbox_)
    delete change;
  inbox_.clear();
  recycled_.insert(recycled_.end(), recycled_pending_.begin(), recycled_pending_.end());
  recycled_pending_.clear();
  for (EncodedChange* e : recycled_)
    delete e;
  recycled_.clear();
  DS_LOG_INFO("sink", "sink {} closed; acknowledged through {}", context_.sink_name, acked_.load());
}

}  // namespace dynasink::connector::dynamodb
