// A fake in-memory connector for the stream runtime's unit tests: a connector::SinkConnector and
// the connector::Sink it opens, following the contract of connector/sink.h closely enough that
// the SinkRunner can be tested deterministically, without DynamoDB and without threads.
//
// What the fake does:
//  - Records every change it is given (FakeDestination::received, across sinks, so a restarted
//    runner's replay shows up) and applies acknowledged ones, in order, to an in-memory table
//    keyed by the sink's key columns (FakeDestination::items).
//  - Acknowledges at once (auto_ack) or when the test says so (AckThrough / AckAll).
//  - Rejects the changes `reject` names: with sink.error_policy = error_table it calls
//    SinkContext::on_rejection (as the real sink does; a failing handler keeps the change and
//    reports "retrying"); with pause it stops at the change (state paused, paused_at_seq) until
//    Resume(): kRetry re-checks the change (dropped as superseded when a later change to its key
//    waits, delivered when `reject` now accepts it, held again otherwise), kSkip hands it to the
//    rejection handler.
//  - Backpressure: at most `capacity` changes accepted and not done; Write() then blocks until
//    space or its deadline and returns how many it accepted.
//
// Everything happens on the caller's thread, under the sink's mutex, callbacks included
// (on_progress, on_rejection): the runner's callbacks never call back into the sink, and doing
// the work synchronously makes every test deterministic. The key column option is
// `primary_key` (comma-separated sink column names; the first column by default).
//
// Lifetime: a FakeSink belongs to the SinkRunner that opened it; FakeSinkConnector::last() is
// valid while that runner lives.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "connector/connector.h"
#include "connector/sink_metrics.h"
#include "types/text_format.h"

namespace dynasink::stream::testing {

// One change as the fake received it.
struct FakeChange {
  uint64_t seq = 0;
  connector::ChangeOp op = connector::ChangeOp::kUpsert;
  std::string key;  // the key columns as text, "1" or "1|a"
  std::string row;  // every column as text, "1|a|NULL"

  // "put 1|a@7" or "delete 1@8".
  std::string ToString() const {
    return std::string(op == connector::ChangeOp::kDelete ? "delete " : "put ") +
           (op == connector::ChangeOp::kDelete ? key : row) + "@" + std::to_string(seq);
  }
};

// What the destination holds, shared by every sink a connector opens.
class FakeDestination {
 public:
  // Key text -> row text of every item.
  std::map<std::string, std::string> items() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_;
  }
  // Every change written, in order, by every sink (ToString() forms).
  std::vector<std::string> received() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const FakeChange& c : received_)
      out.push_back(c.ToString());
    return out;
  }
  size_t received_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return received_.size();
  }
  void ClearReceived() {
    std::lock_guard<std::mutex> lock(mu_);
    received_.clear();
  }

  void Receive(const FakeChange& c) {
    std::lock_guard<std::mutex> lock(mu_);
    received_.push_back(c);
  }
  void Apply(const FakeChange& c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (c.op == connector::ChangeOp::kDelete) {
      items_.erase(c.key);
    } else {
      items_[c.key] = c.row;
    }
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> items_;
  std::vector<FakeChange> received_;
};

struct FakeBehavior {
  bool auto_ack = true;
  size_t capacity = size_t{1} << 20;  // changes accepted and not done before Write() blocks
  // A reason when the destination can never accept `change`, else empty.
  std::function<std::string(const FakeChange&)> reject;
  // When set, replaces the rejection handler's result (to simulate an error table that fails).
  std::function<Status()> handler_failure;
};

class FakeSink final : public connector::Sink {
 public:
  FakeSink(connector::SinkContext context, std::vector<int> key_columns, FakeBehavior behavior,
           FakeDestination* destination)
      : context_(std::move(context)),
        key_columns_(std::move(key_columns)),
        behavior_(std::move(behavior)),
        destination_(destination),
        metrics_(context_.metrics != nullptr ? *context_.metrics : metrics::Registry::Default(),
                 context_.sink_name),
        acked_(context_.resume_after),
        written_through_(context_.resume_after) {}
  ~FakeSink() override { Close(); }

  Result<size_t> Write(std::span<const connector::SinkChange> changes,
                       connector::Deadline deadline) override {
    std::unique_lock<std::mutex> lock(mu_);
    size_t accepted = 0;
    for (const connector::SinkChange& c : changes) {
      if (closed_) return Status::Aborted("fake sink " + context_.sink_name + " is closed");
      if (c.seq <= context_.resume_after || c.seq < written_through_) {
        contract_violations_.push_back("seq " + std::to_string(c.seq) + " out of order after " +
                                       std::to_string(written_through_));
      }
      if (pending_.size() >= behavior_.capacity) {
        if (!space_cv_.wait_until(
                lock, deadline, [&] { return closed_ || pending_.size() < behavior_.capacity; })) {
          break;
        }
        if (closed_) return Status::Aborted("fake sink " + context_.sink_name + " is closed");
      }
      Entry e;
      e.change.seq = c.seq;
      e.change.op = c.op;
      e.change.key = KeyText(*c.row);
      e.change.row = RowText(*c.row);
      if (behavior_.reject) e.reason = behavior_.reject(e.change);
      destination_->Receive(e.change);
      pending_.push_back(std::move(e));
      written_through_ = std::max(written_through_, c.seq);
      ++accepted_;
      ++accepted;
    }
    PumpLocked();
    return accepted;
  }

  uint64_t AckedThrough() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }

  Status WaitAcked(uint64_t seq, connector::Deadline deadline) override {
    std::unique_lock<std::mutex> lock(mu_);
    return WaitAckedLocked(lock, seq, deadline);
  }
  Status Flush(connector::Deadline deadline) override {
    std::unique_lock<std::mutex> lock(mu_);
    return WaitAckedLocked(lock, written_through_, deadline);
  }

  void Pause(std::string reason) override {
    std::lock_guard<std::mutex> lock(mu_);
    paused_by_user_ = true;
    user_reason_ = std::move(reason);
  }
  Status Resume(connector::ResumeAction action) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return Status::Aborted("fake sink " + context_.sink_name + " is closed");
    paused_by_user_ = false;
    ++resumes_;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->reason.empty()) {
        ++it;
        continue;
      }
      if (action == connector::ResumeAction::kSkip) {
        skip_through_ = std::max(skip_through_, it->change.seq);
        ++it;
        continue;
      }
      // kRetry: a later change to the same key replaces the held one; otherwise check again.
      const std::string& key = it->change.key;
      bool superseded = std::any_of(std::next(it), pending_.end(),
                                    [&](const Entry& later) { return later.change.key == key; });
      if (superseded) {
        ++superseded_;
        it = pending_.erase(it);
        continue;
      }
      it->reason = behavior_.reject ? behavior_.reject(it->change) : std::string();
      ++it;
    }
    PumpLocked();
    return Status::OK();
  }

  void Close() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    ack_cv_.notify_all();
    space_cv_.notify_all();
  }

  connector::SinkStatus GetStatus() const override {
    std::lock_guard<std::mutex> lock(mu_);
    connector::SinkStatus s;
    const Entry* held = HeldLocked();
    if (closed_) {
      s.state = connector::SinkState::kClosed;
    } else if (held != nullptr || paused_by_user_) {
      s.state = connector::SinkState::kPaused;
    } else if (!handler_error_.empty()) {
      s.state = connector::SinkState::kRetrying;
    }
    s.last_error = handler_error_;
    if (held != nullptr) {
      s.pause_reason = held->reason;
      s.paused_at_seq = held->change.seq;
    } else if (paused_by_user_) {
      s.pause_reason = user_reason_;
    }
    s.acked_through = acked_;
    s.written_through = written_through_;
    s.changes_accepted = accepted_;
    s.changes_delivered = delivered_;
    s.changes_superseded = superseded_;
    s.changes_rejected = rejected_;
    s.changes_held = held != nullptr ? 1 : 0;
    s.buffered_changes = pending_.size();
    return s;
  }

  connector::SinkMetrics& metrics() override { return metrics_; }

  // ---- test controls

  // Acknowledges every pending change with seq <= `seq` (as if its call returned).
  void AckThrough(uint64_t seq) {
    std::lock_guard<std::mutex> lock(mu_);
    for (Entry& e : pending_) {
      if (e.change.seq <= seq) e.acked = true;
    }
    PumpLocked();
  }
  void AckAll() { AckThrough(UINT64_MAX); }
  void SetAutoAck(bool on) {
    std::lock_guard<std::mutex> lock(mu_);
    behavior_.auto_ack = on;
    PumpLocked();
  }
  void SetReject(std::function<std::string(const FakeChange&)> reject) {
    std::lock_guard<std::mutex> lock(mu_);
    behavior_.reject = std::move(reject);
  }
  void SetHandlerFailure(std::function<Status()> failure) {
    std::lock_guard<std::mutex> lock(mu_);
    behavior_.handler_failure = std::move(failure);
  }
  // Tries the held rejections again (the real sink does so on a timer).
  void Retry() {
    std::lock_guard<std::mutex> lock(mu_);
    PumpLocked();
  }

  const connector::SinkContext& context() const { return context_; }
  size_t pending() const {
    std::lock_guard<std::mutex> lock(mu_);
    return pending_.size();
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  // Writes that broke the ordering contract of sink.h (should stay empty).
  std::vector<std::string> contract_violations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return contract_violations_;
  }

 private:
  struct Entry {
    FakeChange change;
    std::string reason;  // non-empty: rejected
    bool acked = false;
  };

  std::string KeyText(const types::Row& row) const {
    std::string out;
    for (size_t i = 0; i < key_columns_.size(); ++i) {
      if (i > 0) out += "|";
      out += ValueText(row, key_columns_[i]);
    }
    return out;
  }
  std::string RowText(const types::Row& row) const {
    std::string out;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += "|";
      out += ValueText(row, static_cast<int>(i));
    }
    return out;
  }
  std::string ValueText(const types::Row& row, int c) const {
    const types::Value& v = row[c];
    return v.is_null() ? std::string("NULL") : types::FormatValue(v, context_.schema.types[c]);
  }

  // The change the pause policy holds the sink at: the first rejected one not skipped.
  const Entry* HeldLocked() const {
    if (context_.options.error_policy != connector::ErrorPolicy::kPause) return nullptr;
    for (const Entry& e : pending_) {
      if (!e.reason.empty() && e.change.seq > skip_through_) return &e;
    }
    return nullptr;
  }

  // Completes what can be completed, in order, and moves the watermark over the done prefix.
  void PumpLocked() {
    while (!pending_.empty()) {
      Entry& e = pending_.front();
      if (!e.reason.empty()) {
        bool to_handler = context_.options.error_policy == connector::ErrorPolicy::kErrorTable ||
                          e.change.seq <= skip_through_;
        if (!to_handler) break;  // paused at this change
        Status s = behavior_.handler_failure ? behavior_.handler_failure() : Status::OK();
        if (s.ok()) s = context_.on_rejection(Rejection(e));
        if (!s.ok()) {
          handler_error_ =
              "cannot store a rejected change of sink " + context_.sink_name + ": " + s.message();
          break;
        }
        handler_error_.clear();
        ++rejected_;
        pending_.pop_front();
        continue;
      }
      bool deliver = e.acked || (behavior_.auto_ack && !paused_by_user_);
      if (!deliver) break;
      destination_->Apply(e.change);
      ++delivered_;
      pending_.pop_front();
    }
    uint64_t watermark = pending_.empty() ? written_through_ : pending_.front().change.seq - 1;
    if (watermark > acked_) {
      acked_ = watermark;
      if (context_.on_progress) context_.on_progress(acked_);
    }
    ack_cv_.notify_all();
    space_cv_.notify_all();
  }

  connector::SinkRejection Rejection(const Entry& e) const {
    connector::SinkRejection r;
    r.sink = context_.sink_name;
    r.seq = e.change.seq;
    r.op = e.change.op;
    r.key = e.change.key;
    r.key_json = "{\"k\":\"" + e.change.key + "\"}";
    r.item = e.change.op == connector::ChangeOp::kDelete ? std::string() : e.change.row;
    r.reason = e.reason;
    r.error_type = "InvalidValue";
    return r;
  }

  Status WaitAckedLocked(std::unique_lock<std::mutex>& lock, uint64_t seq,
                         connector::Deadline deadline) {
    while (true) {
      if (acked_ >= seq) return Status::OK();
      if (closed_) return Status::Aborted("fake sink " + context_.sink_name + " is closed");
      const Entry* held = HeldLocked();
      if (paused_by_user_ || (held != nullptr && seq >= held->change.seq)) {
        return Status::FailedPrecondition("fake sink " + context_.sink_name + " is paused");
      }
      if (ack_cv_.wait_until(lock, deadline) == std::cv_status::timeout && acked_ < seq) {
        return Status::Timeout("fake sink " + context_.sink_name + " has not caught up");
      }
    }
  }

  connector::SinkContext context_;
  std::vector<int> key_columns_;
  FakeBehavior behavior_;
  FakeDestination* destination_;
  connector::SinkMetrics metrics_;

  mutable std::mutex mu_;
  std::condition_variable ack_cv_, space_cv_;
  std::deque<Entry> pending_;  // accepted and not done, in order
  uint64_t acked_;
  uint64_t written_through_;
  uint64_t skip_through_ = 0;  // held changes up to here go to the handler (Resume(kSkip))
  bool paused_by_user_ = false;
  std::string user_reason_;
  std::string handler_error_;
  bool closed_ = false;
  uint64_t accepted_ = 0, delivered_ = 0, superseded_ = 0, rejected_ = 0;
  int resumes_ = 0;
  std::vector<std::string> contract_violations_;
};

class FakeSinkConnector final : public connector::SinkConnector {
 public:
  std::string_view name() const override { return "fake"; }
  std::vector<std::string_view> option_names() const override { return {"primary_key"}; }
  bool IsSecretOption(std::string_view) const override { return false; }

  Status CheckOptions(const connector::SinkOptionList& options,
                      std::vector<std::string>*) const override {
    for (const auto& [k, v] : options) {
      if (k != "primary_key") return connector::UnknownOptionError(k, "fake", option_names());
    }
    return Status::OK();
  }
  Status CheckSchema(const connector::SinkOptionList& options,
                     const connector::SinkSchema& schema) const override {
    return KeyColumns(options, schema).status();
  }
  Result<std::vector<int>> KeyColumns(const connector::SinkOptionList& options,
                                      const connector::SinkSchema& schema) const override {
    std::string spec;
    for (const auto& [k, v] : options) {
      if (k == "primary_key") spec = v;
    }
    if (spec.empty()) return std::vector<int>{0};
    std::vector<int> out;
    size_t start = 0;
    while (start <= spec.size()) {
      size_t comma = spec.find(',', start);
      std::string name = spec.substr(start, comma == std::string::npos ? comma : comma - start);
      int c = schema.Find(name);
      if (c < 0) return Status::InvalidArgument("no sink column named " + name);
      out.push_back(c);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }

  Result<std::unique_ptr<connector::Sink>> Open(const connector::SinkOptionList& options,
                                                connector::SinkContext context) const override {
    DS_ASSIGN_OR_RETURN(std::vector<int> keys, KeyColumns(options, context.schema));
    std::lock_guard<std::mutex> lock(mu_);
    if (!open_error.ok()) return open_error;
    auto sink =
        std::make_unique<FakeSink>(std::move(context), std::move(keys), behavior, &destination_);
    last_ = sink.get();
    ++opened_;
    return std::unique_ptr<connector::Sink>(std::move(sink));
  }

  // The sink opened last (owned by its runner).
  FakeSink* last() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }
  int opened() const {
    std::lock_guard<std::mutex> lock(mu_);
    return opened_;
  }
  FakeDestination& destination() { return destination_; }

  // Copied into each sink Open() creates.
  FakeBehavior behavior;
  // Open() fails with this when set.
  Status open_error;

 private:
  mutable std::mutex mu_;
  mutable FakeDestination destination_;
  mutable FakeSink* last_ = nullptr;
  mutable int opened_ = 0;
};

}  // namespace dynasink::stream::testing
