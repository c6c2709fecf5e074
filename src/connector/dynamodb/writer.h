// Writer: the delivery engine of a DynamoDB sink, everything between "encoded changes in order"
// and "DynamoDB acknowledged them". It is a single-threaded state machine owned by the sink's
// worker thread (dynamodb_sink.h runs it); calls complete on other threads and are handed back
// through the worker's queue, so nothing here takes a lock.
//
// Per key (KeyIndex): at most one change in flight, and at most one waiting (the latest: a newer
// change replaces a waiting one in place, and the replaced one is done at once). A key whose
// change is not in flight is "ready"; ready keys form batches in the order they became ready.
// This is the limit case of lanes by key hash, one lane per key: calls for different keys run in
// parallel (up to the adaptive concurrency limit), while a key's changes go out one after the
// other, in order, and a batch never names a key twice.
//
// Batches: at most max_batch_items requests and 16 MB of JSON. A finished call:
//   - success: every item is done; UnprocessedItems are matched back to their changes by key and
//     sent again after a backoff (the rest are done); throttling lowers the concurrency limit;
//   - ValidationException (also SerializationException, ItemCollectionSizeLimitExceeded): the
//     batch is split in halves, sent again at once, until the offending change is alone; that one
//     is rejected with DynamoDB's reason and the others are delivered;
//   - any other error (throttling, 5xx, network, timeouts, credentials, a missing table): the
//     whole batch is sent again after a backoff (retry_schedule.h). Past the first schedule the
//     sink reports "retrying" with the error, and keeps trying.
// Before a batch is sent again, a change for which a newer one is now waiting is replaced by it.
//
// Rejections (a value found invalid by the encoder, or isolated by splitting) are held until the
// error policy lets them go: the error_table policy hands them to the rejection handler, the
// pause policy pauses the writer (calls in flight and their retries finish; nothing new starts)
// until Resume().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "connector/ack_ledger.h"
#include "connector/dynamodb/batch_client.h"
#include "connector/dynamodb/encoder.h"
#include "connector/dynamodb/key_index.h"
#include "connector/dynamodb/retry_schedule.h"
#include "connector/sink.h"
#include "connector/sink_metrics.h"
#include "connector/sink_options.h"

namespace dynasink::connector::dynamodb {

struct WriterConfig {
  int max_batch_items = 25;
  int max_in_flight = 256;
  int retry_times = 3;
  int retry_backoff_ms = 100;
  ErrorPolicy error_policy = ErrorPolicy::kErrorTable;
  uint64_t resume_after = 0;
  uint64_t rng_seed = 0;  // 0: random
};

// A BatchWriteItem call's changes, and its retry state.
struct Batch {
  std::vector<EncodedChange*> entries;
  int retries = 0;    // times this batch (or the part of it still unfinished) was sent again
  bool slow = false;  // past the first retry schedule
  SteadyClock::time_point due{};      // when a waiting batch may be sent
  SteadyClock::time_point sent_at{};  // for the latency histogram
};

// A finished call, as the worker receives it.
struct CallOutcome {
  Batch* batch = nullptr;
  aws::DynamoDbResult<aws::BatchWriteItemResponse> result;
  SteadyClock::time_point finished{};
};

struct WriterStats {
  uint64_t accepted = 0;
  uint64_t delivered = 0;
  uint64_t superseded = 0;
  uint64_t rejected = 0;
  uint64_t skipped = 0;  // deletes dropped by an append-only sink
  uint64_t held = 0;
  uint64_t live_changes = 0;
  int in_flight = 0;
  int concurrency_limit = 0;
  bool retrying = false;
  bool paused = false;
  std::string last_error;
  std::string pause_reason;
  uint64_t paused_at_seq = 0;
};

class Writer {
 public:
  // Calls waiting for the client's I/O thread at which the writer stops adding calls (see
  // ClientBacklogged below).
  static constexpr size_t kMaxQueuedCalls = 8;

  // Routes a finished call to the worker (thread-safe; called on the client's threads).
  using PostOutcome = std::function<void(CallOutcome)>;
  // Gives a change back for reuse (its buffer keeps its capacity).
  using FreeChange = std::function<void(EncodedChange*)>;

  Writer(WriterConfig config, const ItemEncoder& encoder, BatchWriteClient* client,
         SinkMetrics& metrics, RejectionHandler on_rejection, PostOutcome post,
         FreeChange free_change);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // A change accepted by the sink, in accept order. A change with `rejection` set is held; an
  // append-only sink passes deletes with `skip` true, which are done at once.
  void Accept(EncodedChange* change, bool skip);
  // Starts loading the index slot of `change`'s key: for a caller about to Accept() a run of
  // changes (see KeyIndex::Prefetch).
  [[gnu::always_inline]] void PrefetchKey(const EncodedChange& change) const {
    index_.Prefetch(change.key_hash);
  }
  // A call finished.
  void OnOutcome(CallOutcome outcome);
  // Sends what may be sent now; hands held rejections on per the policy.
  void Pump(SteadyClock::time_point now);
  // When Pump() next has something to do without new input (a retry coming due), or max().
  SteadyClock::time_point NextDue() const;

  void Pause(std::string reason);
  // Resumes; see sink.h. Returns OK (also when not paused).
  Status Resume(ResumeAction action);

  // Moves the watermark; true when it rose.
  bool AdvanceWatermark() { return ledger_.Advance(); }
  uint64_t watermark() const { return ledger_.watermark(); }
  uint64_t outstanding_tickets() const { return ledger_.outstanding(); }
  size_t key_index_bytes() const { return index_.grown_bytes(); }
  const WriterStats& stats();

  // Frees every change the writer still holds (after the client is gone and no call is in
  // flight). The writer is unusable afterwards.
  void ReleaseAll();

 private:
  void Send(Batch* batch, SteadyClock::time_point now);
  Batch* FormBatch();
  void Delivered(EncodedChange* change);
  // Releases the key of `change` (in flight until now); a waiting change becomes ready.
  void ReleaseKey(EncodedChange* change);
  void Done(EncodedChange* change);
  // Puts `batch` back to be sent after the next backoff; `error` is why.
  void ScheduleRetry(Batch* batch, SteadyClock::time_point now, std::string error);
  void OnUnprocessed(Batch* batch, const aws::BatchWriteItemResponse& response,
                     SteadyClock::time_point now);
  void OnError(Batch* batch, const aws::DynamoDbError& error, SteadyClock::time_point now);
  void RejectAfterSend(EncodedChange* change, const aws::DynamoDbError& error);
  void HandleHeld(SteadyClock::time_point now);
  void Retire(Batch* batch);
  Batch* NewBatch();
  std::string BuildBody(const Batch& batch) const;
  bool NewerChangeWaits(const EncodedChange& change);
  void Unpark();

  WriterConfig config_;
  const ItemEncoder& encoder_;
  BatchWriteClient* client_;
  SinkMetrics& metrics_;
  RejectionHandler on_rejection_;
  PostOutcome post_;
  FreeChange free_change_;
  RetrySchedule schedule_;
  AdaptiveConcurrency concurrency_;
  std::mt19937_64 rng_;
  std::string body_prefix_;  // {"RequestItems":{"<table>":[

  AckLedger ledger_;
  KeyIndex index_;
  std::deque<EncodedChange*> ready_;
  // While paused by a rejection: ready changes after the held one, set aside until the pause
  // ends (those before it still go out, so that the sink stops exactly at the held change).
  std::deque<EncodedChange*> parked_;
  std::deque<Batch*> immediate_;      // halves of split batches: sent before anything else
  std::vector<Batch*> waiting_;       // min-heap by due: batches backing off
  std::vector<EncodedChange*> held_;  // rejected changes, in ticket order
  std::vector<Batch*> spare_batches_;
  std::vector<Batch*> in_flight_batches_;  // for ReleaseAll(); unordered
  int in_flight_ = 0;
  int slow_batches_ = 0;
  // The endpoint gate. A call that fails as a whole for a reason every call shares (no
  // connection, a timeout, a 5xx, bad credentials, a missing table) closes it: from then on at
  // most one call (a probe) is in flight, and only from gate_until_ on, until a call succeeds.
  // Without it, an endpoint that is down would see every batch of the buffer retried on its own
  // schedule: hundreds of failing calls per second and a busy core for nothing. Only probes
  // (calls sent after the last failure was seen) count, so the calls already in flight when
  // the endpoint went down do not push the delay to its cap at once.
  int endpoint_failures_ = 0;
  SteadyClock::time_point endpoint_failed_at_{};
  SteadyClock::time_point gate_until_{};
  // Calls that may be in flight now: the adaptive limit, or the gate's single probe; no more
  // than are in flight while the client is backlogged.
  int CallSlots(SteadyClock::time_point now) const;
  // True when kMaxQueuedCalls calls wait in the client for its I/O thread (see
  // BatchWriteClient::queued_calls) and one of ours is in flight. Then the I/O thread, not
  // DynamoDB, is the bottleneck: a further call would only wait in its queue, and the calls in
  // flight would need more connections, whose number makes each of libcurl's requests dearer
  // (it walks the pool to pick one). Ready changes wait here instead, where a newer change to
  // the same key still replaces them; the next completion pumps again.
  bool ClientBacklogged() const;

  bool paused_by_user_ = false;
  bool paused_by_rejection_ = false;
  uint64_t pause_ticket_ = 0;  // the first held change's ticket, while paused_by_rejection_
  std::string user_pause_reason_;
  uint64_t skip_through_ticket_ = 0;  // held changes up to this ticket go to the handler
  bool skip_requested_ = false;
  int handler_failures_ = 0;
  SteadyClock::time_point handler_retry_at_{};
  std::string handler_error_;

  WriterStats stats_;
  std::string last_error_;
};

}  // namespace dynasink::connector::dynamodb
