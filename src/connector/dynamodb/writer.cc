#include "connector/dynamodb/writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "aws/dynamodb_json.h"
#include "common/logging.h"
#include "common/redact.h"
#include "connector/dynamodb/value_rules.h"

namespace dynasink::connector::dynamodb {

namespace {

using aws::DynamoDbErrorKind;

bool LaterDue(const Batch* a, const Batch* b) {
  return a->due > b->due;
}

// Errors that concern the items themselves: splitting the batch finds the offending one.
bool IsItemError(DynamoDbErrorKind kind) {
  return kind == DynamoDbErrorKind::kValidation || kind == DynamoDbErrorKind::kSerialization ||
         kind == DynamoDbErrorKind::kItemCollectionSizeLimitExceeded;
}

bool TicketLess(const EncodedChange* a, const EncodedChange* b) {
  return a->ticket < b->ticket;
}

}  // namespace

Writer::Writer(WriterConfig config, const ItemEncoder& encoder, BatchWriteClient* client,
               SinkMetrics& metrics, RejectionHandler on_rejection, PostOutcome post,
               FreeChange free_change)
    : config_(config),
      encoder_(encoder),
      client_(client),
      metrics_(metrics),
      on_rejection_(std::move(on_rejection)),
      post_(std::move(post)),
      free_change_(std::move(free_change)),
      schedule_(config.retry_times, std::chrono::milliseconds(config.retry_backoff_ms)),
      concurrency_(config.max_in_flight),
      rng_(config.rng_seed != 0 ? config.rng_seed : std::random_device()()),
      ledger_(config.resume_after) {
  body_prefix_ = R"({"RequestItems":{")";
  AppendJsonEscaped(encoder_.table(), &body_prefix_);
  body_prefix_ += "\":[";
  metrics_.concurrency_limit->Set(concurrency_.limit());
}

Writer::~Writer() {
  for (Batch* b : spare_batches_)
    delete b;
}

void Writer::Accept(EncodedChange* change, bool skip) {
  change->ticket = ledger_.Take(change->seq);
  ++stats_.accepted;
  ++stats_.live_changes;
  if (skip) {
    ++stats_.skipped;
    Done(change);
    return;
  }
  if (change->rejection != nullptr) {
    change->rejection->seq = change->seq;
    held_.push_back(change);  // tickets only grow, so held_ stays in ticket order
    return;
  }
  KeySlot* slot = index_.Find(*change);
  if (slot == nullptr) {
    index_.Insert(change);
    ready_.push_back(change);
  } else if (slot->pending != nullptr) {
    // Last write wins: the new change takes the waiting one's place (the same object, so its
    // place in ready_ is kept) and the replaced one is done.
    std::swap(*slot->pending, *change);
    ++stats_.superseded;
    metrics_.changes_superseded->Increment();
    Done(change);
  } else {
    slot->pending = change;  // the key is in flight: wait for it
  }
}

bool Writer::NewerChangeWaits(const EncodedChange& change) {
  if (change.key().empty()) return false;
  KeySlot* slot = index_.Find(change);
  if (slot == nullptr) return false;
  const EncodedChange* latest = slot->pending != nullptr ? slot->pending : slot->ref;
  return latest->ticket > change.ticket;
}

Batch* Writer::NewBatch() {
  if (spare_batches_.empty()) return new Batch();
  Batch* b = spare_batches_.back();
  spare_batches_.pop_back();
  return b;
}

void Writer::Retire(Batch* batch) {
  batch->entries.clear();
  batch->retries = 0;
  batch->slow = false;
  if (spare_batches_.size() < 1024) {
    spare_batches_.push_back(batch);
  } else {
    delete batch;
  }
}

void Writer::Done(EncodedChange* change) {
  ledger_.MarkDone(change->ticket);
  --stats_.live_changes;
  free_change_(change);
}

void Writer::ReleaseKey(EncodedChange* change) {
  KeySlot* slot = index_.Find(*change);
  if (slot == nullptr) return;
  slot->in_flight = false;
  if (slot->pending != nullptr) {
    slot->ref = slot->pending;
    ready_.push_back(slot->pending);
  } else {
    index_.Erase(slot);
  }
}

void Writer::Delivered(EncodedChange* change) {
  if (change->op == ChangeOp::kDelete) {
    metrics_.deletes_written->Increment();
  } else {
    metrics_.puts_written->Increment();
  }
  ++stats_.delivered;
  ReleaseKey(change);
  Done(change);
}

Batch* Writer::FormBatch() {
  Batch* b = NewBatch();
  size_t bytes = body_prefix_.size() + 3;
  // Every entry taken is looked up in the index: start loading the slots of the likely ones.
  const size_t likely = std::min(ready_.size(), static_cast<size_t>(config_.max_batch_items));
  for (size_t i = 0; i < likely; ++i)
    index_.Prefetch(ready_[i]->key_hash);
  while (b->entries.size() < static_cast<size_t>(config_.max_batch_items) && !ready_.empty()) {
    EncodedChange* e = ready_.front();
    if (paused_by_rejection_ && e->ticket > pause_ticket_) {
      ready_.pop_front();
      parked_.push_back(e);
      continue;
    }
    if (!b->entries.empty() && bytes + e->json_len + 1 > kMaxBatchBytes) break;
    ready_.pop_front();
    KeySlot* slot = index_.Find(*e);
    slot->pending = nullptr;
    slot->in_flight = true;
    slot->ref = e;
    b->entries.push_back(e);
    bytes += e->json_len + 1;
  }
  return b;
}

std::string Writer::BuildBody(const Batch& batch) const {
  size_t size = body_prefix_.size() + 3;
  for (const EncodedChange* e : batch.entries)
    size += e->json_len + 1;
  std::string body;
  body.reserve(size);
  body += body_prefix_;
  for (size_t i = 0; i < batch.entries.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(batch.entries[i]->json());
  }
  body += "]}}";
  return body;
}

void Writer::Send(Batch* batch, SteadyClock::time_point now) {
  if (batch->retries > 0) {
    // A change whose key got a newer change while this batch waited is replaced by it: the
    // newer one overwrites it anyway, and sending it now saves a round.
    for (EncodedChange*& e : batch->entries) {
      KeySlot* slot = index_.Find(*e);
      if (slot == nullptr || slot->pending == nullptr) continue;
      EncodedChange* newer = slot->pending;
      slot->pending = nullptr;
      slot->ref = newer;
      ++stats_.superseded;
      metrics_.changes_superseded->Increment();
      Done(e);
      e = newer;
    }
    metrics_.retries->Increment();
  }
  batch->sent_at = now;
  ++in_flight_;
  in_flight_batches_.push_back(batch);
  metrics_.in_flight_calls->Set(in_flight_);
  std::string body = BuildBody(*batch);
  PostOutcome& post = post_;
  client_->BatchWriteItem(std::move(body),
                          [&post, batch](aws::DynamoDbResult<aws::BatchWriteItemResponse> r) {
                            post(CallOutcome{batch, std::move(r), SteadyClock::now()});
                          });
}

bool Writer::ClientBacklogged() const {
  // Only with a call of ours in flight: its completion is what pumps again. (The count may
  // include other callers' requests when the HTTP client is shared.)
  return in_flight_ > 0 && client_->queued_calls() >= kMaxQueuedCalls;
}

int Writer::CallSlots(SteadyClock::time_point now) const {
  if (endpoint_failures_ > 0) return now >= gate_until_ ? 1 : 0;
  return ClientBacklogged() ? in_flight_ : concurrency_.limit();
}

void Writer::Pump(SteadyClock::time_point now) {
  HandleHeld(now);
  if (!paused_by_rejection_ && !parked_.empty()) Unpark();
  while (in_flight_ < CallSlots(now)) {
    Batch* b = nullptr;
    if (!immediate_.empty()) {
      b = immediate_.front();
      immediate_.pop_front();
    } else if (!waiting_.empty() && waiting_.front()->due <= now) {
      std::pop_heap(waiting_.begin(), waiting_.end(), LaterDue);
      b = waiting_.back();
      waiting_.pop_back();
    } else if (!paused_by_user_ && !ready_.empty()) {
      b = FormBatch();
      if (b->entries.empty()) {  // everything ready lies after the held change
        Retire(b);
        break;
      }
    } else {
      break;
    }
    Send(b, now);
  }
}

void Writer::Unpark() {
  // Parked changes are older than anything that became ready since: they go first.
  ready_.insert(ready_.begin(), parked_.begin(), parked_.end());
  parked_.clear();
}

SteadyClock::time_point Writer::NextDue() const {
  SteadyClock::time_point due = SteadyClock::time_point::max();
  // With every call slot taken, a due retry waits for a completion, which wakes the worker
  // anyway: no timer then, or the worker would spin.
  if (endpoint_failures_ > 0) {
    // Gated: the probe's completion wakes the worker; with no probe out, the gate's opening
    // does, if by then there is something to send.
    if (in_flight_ == 0) {
      SteadyClock::time_point work = SteadyClock::time_point::max();
      if (!immediate_.empty() || (!paused_by_user_ && !paused_by_rejection_ && !ready_.empty())) {
        work = SteadyClock::time_point::min();
      } else if (!waiting_.empty()) {
        work = waiting_.front()->due;
      }
      if (work != SteadyClock::time_point::max()) due = std::max(gate_until_, work);
    }
  } else if (!waiting_.empty() && in_flight_ < concurrency_.limit() && !ClientBacklogged()) {
    due = waiting_.front()->due;
  }
  if (!held_.empty() && handler_failures_ > 0) due = std::min(due, handler_retry_at_);
  return due;
}

void Writer::ScheduleRetry(Batch* batch, SteadyClock::time_point now, std::string error) {
  ++batch->retries;
  int n = std::max(1, batch->retries);
  if (schedule_.IsSlow(n) && !batch->slow) {
    batch->slow = true;
    ++slow_batches_;
    DS_LOG_WARN("sink",
                "sink {}: a BatchWriteItem call to table {} failed {} times, retrying every "
                "{} s at most until it succeeds: {}",
                encoder_.sink_name(), encoder_.table(), n, RetrySchedule::kSlowCap.count() / 1000,
                error);
  }
  last_error_ = std::move(error);
  batch->due = now + schedule_.Delay(n, rng_);
  waiting_.push_back(batch);
  std::push_heap(waiting_.begin(), waiting_.end(), LaterDue);
}

void Writer::OnOutcome(CallOutcome outcome) {
  Batch* batch = outcome.batch;
  --in_flight_;
  auto it = std::find(in_flight_batches_.begin(), in_flight_batches_.end(), batch);
  if (it != in_flight_batches_.end()) {
    *it = in_flight_batches_.back();
    in_flight_batches_.pop_back();
  }
  metrics_.in_flight_calls->Set(in_flight_);
  metrics_.call_duration->Observe(
      std::chrono::duration<double>(outcome.finished - batch->sent_at).count());
  const SteadyClock::time_point now = outcome.finished;

  if (!outcome.result.ok()) {
    OnError(batch, outcome.result.error(), now);
    return;
  }
  metrics_.batches->Increment();
  const aws::BatchWriteItemResponse& response = outcome.result.value();
  if (!response.all_processed()) {
    OnUnprocessed(batch, response, now);
    return;
  }
  endpoint_failures_ = 0;  // the endpoint answers: open the gate
  for (const EncodedChange* e : batch->entries)
    index_.Prefetch(e->key_hash);  // Delivered() looks every key up; let the misses overlap
  for (EncodedChange* e : batch->entries)
    Delivered(e);
  concurrency_.OnSuccess();
  metrics_.concurrency_limit->Set(concurrency_.limit());
  if (batch->slow) --slow_batches_;
  Retire(batch);
}

void Writer::OnUnprocessed(Batch* batch, const aws::BatchWriteItemResponse& response,
                           SteadyClock::time_point now) {
  endpoint_failures_ = 0;  // an answer, if a throttled one: concurrency handles that
  // Match the unprocessed requests back to their changes by canonical key.
  std::vector<bool> unprocessed(batch->entries.size(), false);
  size_t count = 0;
  bool unmatched = false;
  std::string key;
  for (const auto& table : response.unprocessed_items) {
    for (const auto& request : table.requests) {
      ++count;
      bool found = false;
      if (encoder_.CanonicalKeyOf(request.item, &key)) {
        for (size_t i = 0; i < batch->entries.size(); ++i) {
          if (!unprocessed[i] && batch->entries[i]->key() == key) {
            unprocessed[i] = true;
            found = true;
            break;
          }
        }
      }
      unmatched |= !found;
    }
  }
  metrics_.unprocessed_items->Increment(count);
  if (unmatched) {
    // DynamoDB returned something we did not send in this form: we cannot tell what was
    // written, so everything is sent again (puts and deletes by key are idempotent).
    DS_LOG_WARN("sink",
                "sink {}: UnprocessedItems of table {} did not match the request; "
                "sending the whole batch again",
                encoder_.sink_name(), encoder_.table());
    std::fill(unprocessed.begin(), unprocessed.end(), true);
  }
  std::vector<EncodedChange*> rest;
  for (size_t i = 0; i < batch->entries.size(); ++i) {
    if (unprocessed[i]) {
      rest.push_back(batch->entries[i]);
    } else {
      Delivered(batch->entries[i]);
    }
  }
  if (concurrency_.OnThrottle(now)) metrics_.concurrency_limit->Set(concurrency_.limit());
  size_t total = batch->entries.size();
  batch->entries = std::move(rest);
  if (batch->entries.size() < total) {
    // Part of it went through: the table is throttled, not failing. Keep backing off within the
    // first schedule rather than reporting the sink as failing.
    if (batch->slow) {
      batch->slow = false;
      --slow_batches_;
    }
    batch->retries = std::max(0, std::min(batch->retries, schedule_.first_retries() - 1));
  }
  ScheduleRetry(batch, now,
                fmt::format("DynamoDB left {} of {} items unprocessed (the table is throttled "
                            "or at its capacity)",
                            batch->entries.size(), total));
}

void Writer::OnError(Batch* batch, const aws::DynamoDbError& error, SteadyClock::time_point now) {
  metrics_.call_errors(aws::DynamoDbErrorKindName(error.kind)).Increment();
  if (IsItemError(error.kind)) {
    if (batch->entries.size() == 1) {
      EncodedChange* e = batch->entries.front();
      if (batch->slow) --slow_batches_;
      Retire(batch);
      RejectAfterSend(e, error);
      return;
    }
    // Halves go out at once; each keeps its keys in flight, so the per-key rule still holds.
    Batch* second = NewBatch();
    size_t half = batch->entries.size() / 2;
    second->entries.assign(batch->entries.begin() + static_cast<std::ptrdiff_t>(half),
                           batch->entries.end());
    batch->entries.resize(half);
    if (batch->slow) --slow_batches_;
    batch->retries = 0;
    batch->slow = false;
    immediate_.push_front(second);
    immediate_.push_front(batch);
    return;
  }
  std::string text = error.ToStatus().message();
  // Every call would fail alike: close the endpoint gate (see writer.h). A probe's failure
  // counts; the batch carries the endpoint's count, so that the sink reports itself failing
  // once the first schedule is used up, whichever batches the probes were.
  const bool probe =
      !error.throttling() && (endpoint_failures_ == 0 || batch->sent_at >= endpoint_failed_at_);
  if (probe) {
    ++endpoint_failures_;
    endpoint_failed_at_ = now;
    batch->retries = std::max(batch->retries, endpoint_failures_ - 1);
  }
  if (error.throttling()) {
    metrics_.throttles->Increment();
    if (concurrency_.OnThrottle(now)) metrics_.concurrency_limit->Set(concurrency_.limit());
  } else if (error.auth_failure() || error.kind == DynamoDbErrorKind::kCredentials) {
    text = fmt::format(
        "{} (check the sink's credentials: aws.credentials.*, aws.profile or the AWS "
        "environment; the sink retries with fresh credentials)",
        text);
  } else if (error.kind == DynamoDbErrorKind::kResourceNotFound) {
    text = fmt::format("table {} not found: {}", encoder_.table(), text);
  }
  ScheduleRetry(batch, now, Redact(text));
  if (probe) gate_until_ = batch->due;
}

void Writer::RejectAfterSend(EncodedChange* change, const aws::DynamoDbError& error) {
  ReleaseKey(change);
  auto r = std::make_unique<SinkRejection>();
  r->sink = encoder_.sink_name();
  r->seq = change->seq;
  r->op = change->op;
  r->item = std::string(ItemJsonOf(change->json()));
  auto item = aws::ParseItemJson(r->item);
  r->key = item.ok() ? encoder_.KeyTextOfItem(*item) : std::string("?");
  r->key_json = encoder_.KeyJsonOfItemJson(r->item);
  r->error_type =
      error.type.empty() ? std::string(aws::DynamoDbErrorKindName(error.kind)) : error.type;
  r->reason = fmt::format("sink {}: DynamoDB table {} refused the {} of key ({}): {}: {}",
                          encoder_.sink_name(), encoder_.table(),
                          change->op == ChangeOp::kDelete ? "delete" : "row", r->key, r->error_type,
                          Redact(error.message));
  change->rejection = std::move(r);
  held_.insert(std::upper_bound(held_.begin(), held_.end(), change, TicketLess), change);
}

void Writer::HandleHeld(SteadyClock::time_point now) {
  if (held_.empty()) {
    paused_by_rejection_ = false;
    return;
  }
  const bool to_handler = config_.error_policy == ErrorPolicy::kErrorTable || skip_requested_;
  if (!to_handler) {
    if (!paused_by_rejection_) {
      paused_by_rejection_ = true;
      DS_LOG_WARN("sink", "sink {} paused (sink.error_policy = 'pause'): {}", encoder_.sink_name(),
                  held_.front()->rejection->reason);
    }
    pause_ticket_ = held_.front()->ticket;
    return;
  }
  if (handler_failures_ > 0 && now < handler_retry_at_) return;
  size_t handled = 0;
  for (EncodedChange* e : held_) {
    if (config_.error_policy == ErrorPolicy::kPause && e->ticket > skip_through_ticket_) break;
    Status s = on_rejection_ ? on_rejection_(*e->rejection)
                             : Status::FailedPrecondition("the sink has no rejection handler");
    if (!s.ok()) {
      ++handler_failures_;
      handler_error_ = fmt::format(
          "cannot store a rejected change of sink {} (seq {}) in the "
          "error table: {}",
          encoder_.sink_name(), e->seq, s.message());
      last_error_ = handler_error_;
      handler_retry_at_ = now + schedule_.Delay(std::min(handler_failures_, 20), rng_);
      break;
    }
    handler_failures_ = 0;
    ++stats_.rejected;
    metrics_.rejected_changes->Increment();
    Done(e);
    ++handled;
  }
  held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(handled));
  if (config_.error_policy == ErrorPolicy::kPause) {
    if (held_.empty() || held_.front()->ticket > skip_through_ticket_) skip_requested_ = false;
    paused_by_rejection_ = !held_.empty() && !skip_requested_;
    if (paused_by_rejection_) pause_ticket_ = held_.front()->ticket;
  } else {
    paused_by_rejection_ = false;
  }
}

void Writer::Pause(std::string reason) {
  paused_by_user_ = true;
  user_pause_reason_ = std::move(reason);
}

Status Writer::Resume(ResumeAction action) {
  paused_by_user_ = false;
  if (held_.empty()) {
    paused_by_rejection_ = false;
    return Status::OK();
  }
  if (action == ResumeAction::kSkip) {
    skip_requested_ = true;
    skip_through_ticket_ = held_.back()->ticket;
    paused_by_rejection_ = false;
    return Status::OK();
  }
  // Retry: a held change that a newer change to its key has replaced is done; one DynamoDB
  // refused is sent again; one the encoder refused cannot be sent and stays held.
  std::vector<EncodedChange*> still_held;
  for (EncodedChange* e : held_) {
    if (NewerChangeWaits(*e)) {
      ++stats_.superseded;
      metrics_.changes_superseded->Increment();
      Done(e);
      continue;
    }
    bool refused_by_dynamodb = e->rejection->error_type != "InvalidValue";
    if (!refused_by_dynamodb) {
      still_held.push_back(e);
      continue;
    }
    e->rejection.reset();
    KeySlot* slot = index_.Find(*e);
    if (slot == nullptr) {
      index_.Insert(e);
      ready_.push_back(e);
    } else if (slot->pending != nullptr) {
      // An older change waits (NewerChangeWaits said it is older): this one replaces it.
      std::swap(*slot->pending, *e);
      Done(e);
    } else {
      slot->pending = e;
    }
  }
  held_ = std::move(still_held);
  paused_by_rejection_ = false;  // HandleHeld() pauses again if something is still held
  return Status::OK();
}

const WriterStats& Writer::stats() {
  stats_.in_flight = in_flight_;
  stats_.concurrency_limit = concurrency_.limit();
  stats_.held = held_.size();
  stats_.retrying = slow_batches_ > 0 || handler_failures_ > 0;
  stats_.paused = paused_by_user_ || paused_by_rejection_;
  stats_.last_error = last_error_;
  if (paused_by_rejection_ && !held_.empty()) {
    stats_.pause_reason = held_.front()->rejection->reason +
                          "; resume with ALTER SINK ... RESUME (retry) after fixing the cause, or "
                          "skip it into the error table";
    stats_.paused_at_seq = held_.front()->seq;
  } else if (paused_by_user_) {
    stats_.pause_reason = user_pause_reason_;
    stats_.paused_at_seq = 0;
  } else {
    stats_.pause_reason.clear();
    stats_.paused_at_seq = 0;
  }
  return stats_;
}

void Writer::ReleaseAll() {
  // Waiting (not in flight) changes are owned by their key's slot; changes in flight, backing
  // off or held by their batch or the held list. Each object is freed exactly once.
  std::vector<EncodedChange*> all;
  while (!ready_.empty())
    ready_.pop_front();
  for (Batch* b : in_flight_batches_) {
    all.insert(all.end(), b->entries.begin(), b->entries.end());
    delete b;
  }
  in_flight_batches_.clear();
  for (Batch* b : waiting_) {
    all.insert(all.end(), b->entries.begin(), b->entries.end());
    delete b;
  }
  waiting_.clear();
  for (Batch* b : immediate_) {
    all.insert(all.end(), b->entries.begin(), b->entries.end());
    delete b;
  }
  immediate_.clear();
  // Pending changes: look each key up through the changes in flight, and the rest through a
  // scan of what is left (ready keys are pending changes of keys not in flight).
  std::vector<EncodedChange*> pendings;
  index_.ForEach([&](KeySlot& slot) {
    if (slot.pending != nullptr) pendings.push_back(slot.pending);
  });
  all.insert(all.end(), pendings.begin(), pendings.end());
  all.insert(all.end(), held_.begin(), held_.end());
  held_.clear();
  index_.Clear();
  for (EncodedChange* e : all)
    free_change_(e);
  stats_.live_changes = 0;
}

}  // namespace dynasink::connector::dynamodb
