// A DynamoDbSink over the FakeDynamoDb, with a model of what the table must end up holding, for
// the sink's unit tests. Rows have the columns k (integer, the key), seq (bigint: the change's
// sequence number, so that the fake's table shows which change it holds) and v (a value column
// whose type the test chooses).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "connector/dynamodb/dynamodb_sink.h"
#include "fake_dynamodb.h"

namespace dynasink::connector::dynamodb::testing {

using types::DataType;
using types::TypeId;
using types::Value;

inline Deadline In(std::chrono::milliseconds d) {
  return SteadyClock::now() + d;
}
inline Deadline Soon() {
  return In(std::chrono::seconds(60));
}

class SinkHarness {
 public:
  struct Config {
    WriterConfig writer;
    FakeDynamoDb::Options fake;
    ErrorPolicy policy = ErrorPolicy::kErrorTable;
    SinkType type = SinkType::kUpsert;
    size_t buffer_bytes = size_t{64} << 20;
    DataType value_type = DataType(TypeId::kVarchar);
    uint64_t resume_after = 0;
  };

  SinkHarness() : SinkHarness(Config{}) {}
  explicit SinkHarness(Config config) : config_(std::move(config)) {
    state = std::make_shared<FakeDynamoDb::State>();
    SinkContext context;
    context.sink_name = "s1";
    context.schema =
        SinkSchema{{"k", "seq", "v"},
                   {DataType(TypeId::kInt32), DataType(TypeId::kInt64), config_.value_type}};
    context.options.connector = "dynamodb";
    context.options.type = config_.type;
    context.options.error_policy = config_.policy;
    context.resume_after = config_.resume_after;
    context.metrics = &registry;
    context.buffer_bytes = config_.buffer_bytes;
    context.on_rejection = [this](const SinkRejection& r) {
      std::lock_guard<std::mutex> lock(mu);
      if (handler) {
        Status s = handler(r);
        if (!s.ok()) return s;
      }
      rejections.push_back(r);
      return Status::OK();
    };
    context.on_progress = [this](uint64_t w) {
      std::lock_guard<std::mutex> lock(mu);
      if (on_progress) on_progress(w);
      progress.push_back(w);
    };
    auto encoder = ItemEncoder::Create("s1", "T", context.schema, {"k"});
    EXPECT_TRUE(encoder.ok());
    next_seq = config_.resume_after + 1;
    if (config_.writer.rng_seed == 0) config_.writer.rng_seed = 42;
    sink = DynamoDbSink::Start(std::move(context), config_.writer, std::move(*encoder),
                               std::make_unique<FakeDynamoDb>(state, config_.fake));
  }

  // The sink first: its threads call back into the members below.
  ~SinkHarness() { sink.reset(); }

  // Queues a change; Write() sends what is queued.
  uint64_t Upsert(int k, Value v) {
    uint64_t seq = next_seq++;
    rows_.push_back(std::make_unique<types::Row>(
        types::Row{Value::Int32(k), Value::Int64(static_cast<int64_t>(seq)), std::move(v)}));
    changes_.push_back(SinkChange{seq, ChangeOp::kUpsert, rows_.back().get()});
    return seq;
  }
  uint64_t Upsert(int k, std::string v) { return Upsert(k, Value::Varchar(std::move(v))); }
  uint64_t Delete(int k) {
    uint64_t seq = next_seq++;
    rows_.push_back(std::make_unique<types::Row>(types::Row{Value::Int32(k), Value(), Value()}));
    changes_.push_back(SinkChange{seq, ChangeOp::kDelete, rows_.back().get()});
    return seq;
  }
  // Writes the queued changes; all of them must be accepted before `deadline`.
  void Write(Deadline deadline = Soon()) {
    size_t offset = 0;
    while (offset < changes_.size()) {
      auto n = sink->Write(std::span<const SinkChange>(changes_).subspan(offset), deadline);
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      offset += *n;
      ASSERT_TRUE(*n > 0 || SteadyClock::now() < deadline) << "Write made no progress";
    }
    changes_.clear();
    rows_.clear();
  }
  // Writes what it can until `deadline`; returns how many were accepted (and forgets them).
  Result<size_t> TryWrite(Deadline deadline) {
    auto n = sink->Write(changes_, deadline);
    if (n.ok())
      changes_.erase(changes_.begin(), changes_.begin() + static_cast<std::ptrdiff_t>(*n));
    return n;
  }

  // The fake's table as key -> seq attribute ("-" when the item has none).
  std::map<std::string, std::string> TableSeqs() {
    std::lock_guard<std::mutex> lock(state->mu);
    std::map<std::string, std::string> out;
    for (const auto& [k, item] : state->table) {
      const aws::AttributeValue* s = item.Find("seq");
      out[k] = s != nullptr && s->is_n() ? s->scalar() : "-";
    }
    return out;
  }

  std::shared_ptr<FakeDynamoDb::State> state;
  metrics::Registry registry;
  std::unique_ptr<DynamoDbSink> sink;
  uint64_t next_seq = 1;

  std::mutex mu;  // guards the three below
  std::vector<SinkRejection> rejections;
  std::vector<uint64_t> progress;
  std::function<Status(const SinkRejection&)> handler;
  std::function<void(uint64_t)> on_progress;

 private:
  Config config_;
  std::vector<std::unique_ptr<types::Row>> rows_;
  std::vector<SinkChange> changes_;
};

// A model of the table: what the sink must leave after every change is acknowledged.
class TableModel {
 public:
  void Upsert(int k, uint64_t seq) { table_[std::to_string(k)] = std::to_string(seq); }
  void Delete(int k) { table_.erase(std::to_string(k)); }
  const std::map<std::string, std::string>& table() const { return table_; }

 private:
  std::map<std::string, std::string> table_;
};

}  // namespace dynasink::connector::dynamodb::testing
