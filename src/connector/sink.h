// Sink: what the stream runtime talks to. One Sink per running CREATE SINK; the DynamoDB
// connector implements it (connector/dynamodb/dynamodb_sink.h), and another connector fits beside
// it without touching the runtime.
//
// The contract, in the order a change lives through it:
//
// 1. Write. The runtime hands over changes in commit order, in batches, from ONE thread (it may
//    be any thread, but Write() calls never overlap). Each change has a sequence number: the
//    position of the change in the sink's stream (the change-log sequence). Sequence numbers are
//    non-decreasing across calls and greater than SinkContext::resume_after; several changes may
//    share one (e.g. the delete and the put that an update of a key column becomes). The row is
//    read during Write() only: the sink copies what it needs.
//
// 2. Backpressure. The sink buffers a bounded number of bytes (SinkContext::buffer_bytes). When
//    the buffer is full, Write() blocks until the sink drains or `deadline` passes, and returns
//    how many of the changes it accepted; the runtime offers the rest again later. So the runtime
//    reads the log only as fast as the sink drains, and memory stays bounded whatever the backlog.
//
// 3. Acknowledgement. AckedThrough() is a watermark: the highest S such that every change with
//    seq <= S is done, where done means acknowledged by the destination, handed to the rejection
//    handler (which returned OK), or superseded: replaced by a later change to the same key before
//    it was sent (last write wins). A superseding change has a higher seq and holds the watermark
//    back until it is done itself, so every state the watermark admits is restored by replaying
//    the changes after it. The runtime persists its cursor from this watermark, never past it;
//    replaying from the cursor after a crash is safe because puts and deletes by key are
//    idempotent. SinkContext::on_progress, when set, is called (on a
//    sink thread, quickly) each time the watermark advances.
//
// 4. Rejection. A change the destination can never accept (a value DynamoDB refuses, found
//    before sending or isolated by splitting a refused batch) is rejected, per the sink's error
//    policy (sink_options.h):
//      - kErrorTable: the sink calls SinkContext::on_rejection with a SinkRejection, on a sink
//        thread. The handler must store it durably (the error table) before returning OK; only
//        then may the watermark pass the change. If the handler returns an error, the sink keeps
//        the change, reports itself "retrying" with that error and calls the handler again later.
//      - kPause: the sink stops at the change: changes before it are still delivered, nothing
//        after it is sent (calls in flight finish), and it reports "paused" with the change's seq
//        and the reason. Resume(kRetry) tries again: a held change that a later change to its key
//        (the user's fix of the row) replaces is done; one the destination refused is sent
//        again (after the user fixed the cause, e.g. the DynamoDB table); one whose value is
//        still invalid pauses the sink again. Resume(kSkip) hands the held changes to the
//        rejection handler (as with kErrorTable) and goes on.
//    Either way a change is never silently lost: until it is delivered, replaced or stored, the
//    watermark stays below it.
//
// 5. Flush. WaitAcked(seq, deadline) returns OK once AckedThrough() >= seq; Flush(deadline) does
//    so for everything written so far. They fail at once when the wait cannot end while the sink
//    is paused (paused by the user, or at a held change at or before seq), naming the change and
//    the reason; with Timeout naming the sink and its last error when the deadline passes; and
//    with Aborted after Close().
//
// 6. Close. Stops promptly, for DROP SINK while running and for shutdown: calls in flight are
//    cancelled (their changes stay unacknowledged, so a restart resends them), blocked Write()
//    and Flush() calls return Aborted, and no callback runs after Close() returns. AckedThrough()
//    and GetStatus() stay valid. The destructor closes.
//
// Every method but Write() may be called from any thread, concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "types/value.h"

namespace dynasink::connector {

class SinkMetrics;

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

enum class ChangeOp : uint8_t {
  kUpsert,  // insert, or the new half of an update: the destination holds this row for its key
  kDelete,  // the key no longer exists; only the key columns of the row are read
};
// "upsert" or "delete".
std::string_view ChangeOpName(ChangeOp op);

struct SinkChange {
  uint64_t seq = 0;
  ChangeOp op = ChangeOp::kUpsert;
  const types::Row* row = nullptr;  // every sink column, in schema order; never null
};

// A change the destination cannot accept, with everything the error table keeps.
struct SinkRejection {
  std::string sink;  // the sink's name
  uint64_t seq = 0;  // the change's sequence number
  ChangeOp op = ChangeOp::kUpsert;
  std::string key;  // the key as text: `year=2020, title='The Emoji Movie'`
  // The key in the destination's JSON form (DynamoDB: {"year":{"N":"2020"},...}); for a value
  // that breaks a rule it holds the key attributes as they would have been sent.
  std::string key_json;
  std::string item;    // the item (or the key, for a delete) in the destination's JSON form
  std::string column;  // the offending column when one is known, else empty
  // Why: the sink, the key, the column, the value and the rule, or the destination's own message.
  std::string reason;
  // A short machine-readable cause: "InvalidValue" when found before sending, else the
  // destination's error type (e.g. "ValidationException").
  std::string error_type;
};

// Stores a rejection durably; called on a sink thread. See the contract above.
using RejectionHandler = std::function<Status(const SinkRejection&)>;

enum class ResumeAction : uint8_t {
  kRetry,  // send the held changes again
  kSkip,   // hand the held changes to the rejection handler (the error table) and go on
};

enum class SinkState : uint8_t {
  kRunning,   // delivering normally (possibly with transient retries)
  kRetrying,  // failing: a call exhausted its first retry schedule, or a rejection cannot be
              // stored; retrying slowly, nothing dropped. last_error says why.
  kPaused,    // paused by the pause error policy (or the user); reason says why
  kClosed,    // Close() was called
};
// "running", "retrying", "paused", "closed".
std::string_view SinkStateName(SinkState state);

struct SinkStatus {
  SinkState state = SinkState::kRunning;
  std::string last_error;           // the latest error (kept after recovery, for diagnostics)
  std::string pause_reason;         // for kPaused
  uint64_t paused_at_seq = 0;       // for kPaused by a rejection: the held change
  uint64_t acked_through = 0;       // AckedThrough()
  uint64_t written_through = 0;     // the highest seq accepted by Write()
  uint64_t changes_accepted = 0;    // by Write(), since the sink was opened
  uint64_t changes_delivered = 0;   // acknowledged by the destination
  uint64_t changes_superseded = 0;  // replaced by a later change to the same key before sending
  uint64_t changes_rejected = 0;    // stored by the rejection handler
  uint64_t changes_held = 0;        // rejected and not stored yet (paused, or handler failing)
  uint64_t buffered_changes = 0;    // accepted and not done
  uint64_t buffered_bytes = 0;
  int in_flight_calls = 0;
  int concurrency_limit = 0;  // the adaptive limit on calls in flight
};

class Sink {
 public:
  virtual ~Sink() = default;

  // Accepts changes in order, blocking while the buffer is full until `deadline`. Returns the
  // number accepted: changes.size(), or fewer when the deadline passed first. Aborted after
  // Close(). See the contract above.
  virtual Result<size_t> Write(std::span<const SinkChange> changes, Deadline deadline) = 0;

  // The watermark: every change with seq <= AckedThrough() is done. Starts at resume_after.
  virtual uint64_t AckedThrough() const = 0;

  // Waits until AckedThrough() >= seq. See the contract above for errors.
  virtual Status WaitAcked(uint64_t seq, Deadline deadline) = 0;
  // WaitAcked(the highest seq written so far).
  virtual Status Flush(Deadline deadline) = 0;

  // Pauses delivery (ALTER SINK ... PAUSE): calls in flight finish, no new ones start.
  virtual void Pause(std::string reason) = 0;
  // Resumes after a pause; `action` says what happens to changes held by the pause policy.
  // OK when not paused.
  virtual Status Resume(ResumeAction action) = 0;

  // Stops; see the contract above. Idempotent.
  virtual void Close() = 0;

  virtual SinkStatus GetStatus() const = 0;
  // The sink's metrics; the runtime sets the lag gauges there.
  virtual SinkMetrics& metrics() = 0;
};

}  // namespace dynasink::connector
