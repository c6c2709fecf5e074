// FakeDynamoDb: an in-process BatchWriteClient for the sink's unit tests. It parses each request
// body, checks the rules DynamoDB enforces (at most 25 requests, no key twice in one call) and the
// sink's own promise (never two calls in flight for one key), applies the processed writes to an
// in-memory table, and completes calls on its own threads after a random delay, so completions
// arrive out of order. A script decides each call's fate: success, UnprocessedItems, or an error
// (optionally after applying the writes, as when an acknowledgement is lost).
//
// Items are keyed by the attribute "k" (the tests' key column).
#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "aws/dynamodb_json.h"
#include "connector/dynamodb/batch_client.h"

namespace dynasink::connector::dynamodb::testing {

struct FakeRequest {
  bool put = true;
  std::string key;  // the "k" attribute's text
  aws::Item item;   // the item (put) or the key (delete)
};

struct Fate {
  enum class Kind { kOk, kUnprocessed, kError, kHang };
  Kind kind = Kind::kOk;
  std::vector<size_t> unprocessed;  // indexes into the call's requests, for kUnprocessed
  aws::DynamoDbError error;         // for kError
  bool apply_before_error = false;  // the write happened, the answer was lost

  static Fate Ok() { return {}; }
  static Fate Unprocessed(std::vector<size_t> which) {
    Fate f;
    f.kind = Kind::kUnprocessed;
    f.unprocessed = std::move(which);
    return f;
  }
  static Fate Error(aws::DynamoDbErrorKind kind, std::string type, int http_status,
                    std::string message = "injected") {
    Fate f;
    f.kind = Kind::kError;
    f.error.kind = kind;
    f.error.type = std::move(type);
    f.error.http_status = http_status;
    f.error.message = std::move(message);
    f.error.operation = "BatchWriteItem";
    return f;
  }
  static Fate Hang() {
    Fate f;
    f.kind = Kind::kHang;
    return f;
  }
};

struct FakeOptions {
  std::chrono::microseconds max_delay{0};  // completion delay drawn from [0, max_delay]
  int threads = 2;
  uint64_t seed = 1;
};

class FakeDynamoDb : public BatchWriteClient {
 public:
  using Script = std::function<Fate(const std::vector<FakeRequest>& requests, uint64_t call)>;

  using Options = FakeOptions;

  // Shared state, also readable after the fake is destroyed (the sink owns the fake).
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::map<std::string, aws::Item> table;
    std::multiset<std::string> in_flight;
    uint64_t calls = 0;
    uint64_t completed = 0;
    uint64_t violations = 0;      // a key sent while a call for it was in flight
    uint64_t duplicate_keys = 0;  // a key twice in one call
    uint64_t oversized = 0;       // more than 25 requests or 16 MB in one call
    int in_flight_calls = 0;
    int max_in_flight_calls = 0;
    size_t max_body = 0;
    std::vector<size_t> batch_sizes;
    bool gate_closed = false;  // while true, completions wait
    // What queued_calls() reports: calls said to wait for the client's I/O thread.
    std::atomic<size_t> queued_calls{0};
    Script script;
    // Every processed request, in the order applied.
    std::vector<FakeRequest> applied;
  };

  FakeDynamoDb(std::shared_ptr<State> state, Options options);
  ~FakeDynamoDb() override;

  void BatchWriteItem(std::string body, Callback done) override;
  size_t queued_calls() const override { return state_->queued_calls.load(); }

  // Holds completions back until Open() (to pile up calls, or reorder them).
  static void Close(State& s) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.gate_closed = true;
  }
  static void Open(State& s) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.gate_closed = false;
    s.cv.notify_all();
  }

 private:
  struct Pending {
    std::chrono::steady_clock::time_point due;
    std::vector<FakeRequest> requests;
    Fate fate;
    Callback done;
  };
  void Worker();
  void Complete(Pending& p);

  std::shared_ptr<State> state_;
  Options options_;
  std::mt19937_64 rng_;
  std::deque<Pending> queue_;  // guarded by state_->mu
  std::vector<Pending> hung_;  // guarded by state_->mu
  bool stopping_ = false;      // guarded by state_->mu
  std::vector<std::thread> threads_;
};

// Parses a BatchWriteItem body into requests; false on a malformed body.
inline bool ParseBatchBody(const std::string& body, std::vector<FakeRequest>* out) {
  rapidjson::Document doc;
  if (!aws::ParseJsonDocument(body, &doc).ok() || !doc.IsObject()) return false;
  auto items = doc.FindMember("RequestItems");
  if (items == doc.MemberEnd() || !items->value.IsObject()) return false;
  for (auto& table : items->value.GetObject()) {
    if (!table.value.IsArray()) return false;
    for (auto& request : table.value.GetArray()) {
      FakeRequest r;
      const rapidjson::Value* item = nullptr;
      if (request.HasMember("PutRequest")) {
        item = &request["PutRequest"]["Item"];
      } else if (request.HasMember("DeleteRequest")) {
        r.put = false;
        item = &request["DeleteRequest"]["Key"];
      } else {
        return false;
      }
      auto parsed = aws::ParseItem(*item);
      if (!parsed.ok()) return false;
      r.item = std::move(*parsed);
      const aws::AttributeValue* k = r.item.Find("k");
      if (k == nullptr || k->is_null() || k->is_m() || k->is_l()) return false;
      r.key = k->scalar();
      out->push_back(std::move(r));
    }
  }
  return true;
}

inline FakeDynamoDb::FakeDynamoDb(std::shared_ptr<State> state, Options options)
    : state_(std::move(state)), options_(options), rng_(options.seed) {
  for (int i = 0; i < options_.threads; ++i)
    threads_.emplace_back([this] { Worker(); });
}

inline FakeDynamoDb::~FakeDynamoDb() {
  std::vector<Pending> left;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    stopping_ = true;
    state_->cv.notify_all();
  }
  for (auto& t : threads_)
    t.join();
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (auto& p : queue_)
      left.push_back(std::move(p));
    for (auto& p : hung_)
      left.push_back(std::move(p));
    queue_.clear();
    hung_.clear();
  }
  // Calls still pending are cancelled, as the real client's destructor does.
  for (Pending& p : left) {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      for (const FakeRequest& r : p.requests)
        state_->in_flight.erase(state_->in_flight.find(r.key));
      --state_->in_flight_calls;
    }
    aws::DynamoDbError e;
    e.kind = aws::DynamoDbErrorKind::kAborted;
    e.message = "the fake client was destroyed";
    p.done(e);
  }
}

inline void FakeDynamoDb::BatchWriteItem(std::string body, Callback done) {
  std::vector<FakeRequest> requests;
  bool parsed = ParseBatchBody(body, &requests);
  std::unique_lock<std::mutex> lock(state_->mu);
  State& s = *state_;
  uint64_t call = s.calls++;
  s.max_body = std::max(s.max_body, body.size());
  s.batch_sizes.push_back(requests.size());
  if (!parsed || requests.size() > 25 || body.size() > 16 * 1024 * 1024) ++s.oversized;
  std::set<std::string> seen;
  for (const FakeRequest& r : requests) {
    if (!seen.insert(r.key).second) ++s.duplicate_keys;
    if (s.in_flight.count(r.key) > 0) ++s.violations;
    s.in_flight.insert(r.key);
  }
  ++s.in_flight_calls;
  s.max_in_flight_calls = std::max(s.max_in_flight_calls, s.in_flight_calls);
  Fate fate = s.script ? s.script(requests, call) : Fate::Ok();
  Pending p;
  int64_t max_us = options_.max_delay.count();
  int64_t delay = max_us > 0 ? std::uniform_int_distribution<int64_t>(0, max_us)(rng_) : 0;
  p.due = std::chrono::steady_clock::now() + std::chrono::microseconds(delay);
  p.requests = std::move(requests);
  p.fate = std::move(fate);
  p.done = std::move(done);
  if (p.fate.kind == Fate::Kind::kHang) {
    hung_.push_back(std::move(p));
    return;
  }
  queue_.push_back(std::move(p));
  s.cv.notify_all();
}

inline void FakeDynamoDb::Worker() {
  std::unique_lock<std::mutex> lock(state_->mu);
  while (true) {
    state_->cv.wait(lock, [&] { return stopping_ || (!queue_.empty() && !state_->gate_closed); });
    if (stopping_) return;
    // The earliest due call; ties and later ones wait their turn, so completions reorder.
    auto it = std::min_element(queue_.begin(), queue_.end(),
                               [](const Pending& a, const Pending& b) { return a.due < b.due; });
    if (it->due > std::chrono::steady_clock::now()) {
      auto due = it->due;  // a copy: another worker may take the call while this one waits
      state_->cv.wait_until(lock, due);
      continue;
    }
    Pending p = std::move(*it);
    queue_.erase(it);
    lock.unlock();
    Complete(p);
    lock.lock();
  }
}

inline void FakeDynamoDb::Complete(Pending& p) {
  aws::BatchWriteItemResponse response;
  bool fail = p.fate.kind == Fate::Kind::kError;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    State& s = *state_;
    std::set<size_t> unprocessed(p.fate.unprocessed.begin(), p.fate.unprocessed.end());
    for (size_t i = 0; i < p.requests.size(); ++i) {
      const FakeRequest& r = p.requests[i];
      bool apply = !(fail && !p.fate.apply_before_error) && unprocessed.count(i) == 0;
      if (apply) {
        if (r.put) {
          s.table[r.key] = r.item;
        } else {
          s.table.erase(r.key);
        }
        s.applied.push_back(r);
      } else if (!fail) {
        if (response.unprocessed_items.empty()) response.unprocessed_items.push_back({"T", {}});
        response.unprocessed_items[0].requests.push_back(r.put ? aws::WriteRequest::Put(r.item)
                                                               : aws::WriteRequest::Delete(r.item));
      }
      // The key leaves flight before the sink hears of it: the sink may resend it at once.
      s.in_flight.erase(s.in_flight.find(r.key));
    }
    --s.in_flight_calls;
    ++s.completed;
    s.cv.notify_all();
  }
  if (fail) {
    p.done(p.fate.error);
  } else {
    p.done(std::move(response));
  }
}

}  // namespace dynasink::connector::dynamodb::testing
