// A fixture for the SinkRunner tests: a temporary storage and catalog with one table
// t(k integer primary key, v varchar, n integer), writes to it through storage::WriteBatch
// (so each test controls the exact change log), row programs built directly from exec
// expressions, and sinks started the way SinkManager::StartRunner starts them, over the fake
// connector (fake_sink.h).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "exec/expr.h"
#include "exec/functions.h"
#include "exec/row_program.h"
#include "stream/error_table.h"
#include "stream/sink_runner.h"
#include "types/key_codec.h"
#include "types/row_codec.h"
#include "unit/catalog/test_db.h"
#include "unit/stream/fake_sink.h"

namespace dynasink::stream::testing {

using Clock = std::chrono::steady_clock;
using types::DataType;
using types::Row;
using types::TypeId;
using types::Value;

// Polls `done` every few milliseconds until it holds or `timeout` passes.
inline bool WaitUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// a <op> b over the table's columns, with the casts the binder would add.
inline exec::ExprPtr Binary(exec::BinaryOperator op, exec::ExprPtr a, exec::ExprPtr b) {
  auto fn = exec::ResolveBinaryOperator(op, a->type(), b->type());
  EXPECT_TRUE(fn.ok()) << fn.status().ToString();
  if (!fn.ok()) return nullptr;
  if (fn->arg_types[0].id() != a->type().id()) a = exec::MakeCast(std::move(a), fn->arg_types[0]);
  if (fn->arg_types[1].id() != b->type().id()) b = exec::MakeCast(std::move(b), fn->arg_types[1]);
  std::vector<exec::ExprPtr> args;
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  return exec::MakeCall(std::move(fn).value(), std::move(args));
}
inline exec::ExprPtr Col(int i, DataType t) {
  return exec::MakeColumn(i, std::move(t));
}
inline exec::ExprPtr Int(int32_t v) {
  return exec::MakeLiteral(Value::Int32(v), TypeId::kInt32);
}

// One output column of a sink query: a name and an expression (source_column when it is a plain
// copy of a table column).
struct OutColumn {
  std::string name;
  exec::ExprPtr expr;
};

struct SinkSpec {
  std::string name = "s";
  // Null: the table's columns unchanged (CREATE SINK ... FROM t).
  std::shared_ptr<const exec::RowProgram> program = nullptr;
  connector::SinkOptionList connector_options = {};  // e.g. {"primary_key", "k,v"}
  connector::SinkType type = connector::SinkType::kUpsert;
  connector::ErrorPolicy policy = connector::ErrorPolicy::kErrorTable;
  bool snapshot = true;
};

class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest() : db_(dir_.path()) {
    auto errors = ErrorTable::Open(&db_.storage());
    EXPECT_TRUE(errors.ok()) << errors.status().ToString();
    errors_ = std::move(errors).value();
    catalog::TableDef def;
    def.name = "t";
    def.columns = {{"k", TypeId::kInt32, true, false, ""},
                   {"v", TypeId::kVarchar, false, false, ""},
                   {"n", TypeId::kInt32, false, false, ""}};
    def.primary_key = {0};
    auto t = db_.catalog().CreateTable(def);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    table_ = *t;
    catalog::TableDef other = def;
    other.name = "other";
    auto o = db_.catalog().CreateTable(other);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    other_table_ = *o;
  }
  ~RunnerTest() override {
    // Runners first: they use the storage.
    for (auto& r : runners_)
      r->Stop();
    runners_.clear();
  }

  // ---- writes to t (one commit each; returns the commit's last seq)

  uint64_t Commit(storage::WriteBatch& batch) {
    auto r = db_.storage().Commit(batch);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->last_seq : 0;
  }
  std::string Key(int k) {
    std::string key;
    EXPECT_TRUE(types::EncodeKey({Value::Int32(k)}, table_->key_types(), &key).ok());
    return key;
  }
  std::string Encode(const Row& row) {
    std::string out;
    EXPECT_TRUE(types::EncodeRow(row, table_->column_types(), &out).ok());
    return out;
  }
  static Row R(int k, std::string v, std::optional<int> n = std::nullopt) {
    return {Value::Int32(k), Value::Varchar(std::move(v)), n ? Value::Int32(*n) : Value::Null()};
  }
  uint64_t Insert(int k, std::string v, std::optional<int> n = std::nullopt,
                  const catalog::TableDefPtr& table = nullptr) {
    Row row = R(k, std::move(v), n);
    storage::WriteBatch b;
    b.Insert(table ? table->id : table_->id, Key(k), Encode(row));
    if (!table) model_[k] = row;
    return Commit(b);
  }
  // Inserts rows [from, to] with v = "v<k>" in one commit.
  uint64_t InsertRange(int from, int to) {
    storage::WriteBatch b;
    for (int k = from; k <= to; ++k) {
      Row row = R(k, "v" + std::to_string(k), k);
      b.Insert(table_->id, Key(k), Encode(row));
      model_[k] = row;
    }
    return Commit(b);
  }
  uint64_t Update(int k, std::string v, std::optional<int> n = std::nullopt) {
    EXPECT_TRUE(model_.count(k)) << "no row " << k;
    Row after = R(k, std::move(v), n);
    storage::WriteBatch b;
    b.Update(table_->id, Key(k), Encode(model_[k]), Encode(after));
    model_[k] = after;
    return Commit(b);
  }
  uint64_t Delete(int k) {
    EXPECT_TRUE(model_.count(k)) << "no row " << k;
    storage::WriteBatch b;
    b.Delete(table_->id, Key(k), Encode(model_[k]));
    model_.erase(k);
    return Commit(b);
  }

  // ---- programs

  // SELECT <columns> FROM t [WHERE filter]. A column whose expression is a bare column
  // reference copies that table column (source_column), as the binder marks it.
  std::shared_ptr<const exec::RowProgram> Program(std::vector<OutColumn> columns,
                                                  exec::ExprPtr filter = nullptr) {
    std::vector<exec::RowProgram::Column> cols;
    std::vector<exec::ExprPtr> projections;
    for (OutColumn& c : columns) {
      int source = c.expr->kind() == exec::ExprKind::kColumn ? exec::ColumnIndex(*c.expr) : -1;
      cols.push_back({c.name, c.expr->type(), source});
      projections.push_back(std::move(c.expr));
    }
    return std::make_shared<exec::RowProgram>(table_->id, table_->column_types(), std::move(cols),
                                              std::move(projections), std::move(filter),
                                              std::vector<std::string>{});
  }
  std::shared_ptr<const exec::RowProgram> IdentityProgram() {
    std::vector<OutColumn> cols;
    for (uint32_t c : table_->visible_columns()) {
      cols.push_back({table_->columns[c].name, Col(static_cast<int>(c), table_->columns[c].type)});
    }
    return Program(std::move(cols));
  }
  // FROM t WHERE n > bound.
  std::shared_ptr<const exec::RowProgram> WhereNGreaterThan(int bound) {
    std::vector<OutColumn> cols;
    cols.push_back({"k", Col(0, TypeId::kInt32)});
    cols.push_back({"v", Col(1, TypeId::kVarchar)});
    cols.push_back({"n", Col(2, TypeId::kInt32)});
    return Program(std::move(cols),
                   Binary(exec::BinaryOperator::kGt, Col(2, TypeId::kInt32), Int(bound)));
  }

  // ---- sinks

  // Creates the sink in the catalog with its cursor (and snapshot), as SinkManager::CreateSink
  // does, and starts its runner.
  SinkRunner* CreateSink(SinkSpec spec) {
    if (spec.program == nullptr) spec.program = IdentityProgram();
    catalog::SinkDefinition def;
    auto id = db_.catalog().AllocateObjectId();
    EXPECT_TRUE(id.ok());
    def.id = *id;
    def.name = spec.name;
    def.from_table_id = table_->id;
    def.column_names = spec.program->column_names();
    def.column_types = spec.program->column_types();
    def.options["connector"] = "fake";
    SinkRuntimeState state;
    state.backfill_pending = spec.snapshot;
    def.state = state.Encode();
    std::shared_ptr<const storage::Snapshot> snap;
    const uint32_t sink_id = def.id, table_id = table_->id;
    auto created = db_.catalog().CreateSink(def, [&](const storage::WriteBatch& meta) -> Status {
      if (spec.snapshot) {
        DS_ASSIGN_OR_RETURN(snap,
                            db_.storage().RegisterCursorWithSnapshot(sink_id, table_id, &meta));
        return Status::OK();
      }
      return db_.storage().RegisterCursorAtLatest(sink_id, table_id, &meta).status();
    });
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    specs_[sink_id] = spec;
    return StartRunner(sink_id, std::move(snap));
  }

  // Starts the runner of stored sink `id` from its durable cursor and state (a restart when
  // `snapshot` is null).
  SinkRunner* StartRunner(uint32_t id, std::shared_ptr<const storage::Snapshot> snapshot = nullptr,
                          const std::function<void(RunnerConfig&)>& tweak = nullptr) {
    catalog::SinkDefPtr def = db_.catalog().FindSinkById(id);
    EXPECT_NE(def, nullptr);
    const SinkSpec& spec = specs_[id];
    auto state = SinkRuntimeState::Decode(def->state);
    EXPECT_TRUE(state.ok());
    auto cursor = db_.storage().GetCursor(id);
    EXPECT_TRUE(cursor.ok()) << cursor.status().ToString();
    if (state->backfill_pending) state->backfill_seq = cursor->acked_seq;

    RunnerConfig config;
    config.def = def;
    config.table = table_;
    config.program = spec.program;
    config.connector = &fake_;
    config.connector_options = spec.connector_options;
    config.generic.connector = "fake";
    config.generic.type = spec.type;
    config.generic.snapshot = spec.snapshot;
    config.generic.error_policy = spec.policy;
    connector::SinkSchema schema{def->column_names, def->column_types};
    auto keys = fake_.KeyColumns(spec.connector_options, schema);
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    config.key_columns = *keys;
    // As SinkManager decides: the index is needed unless every upstream key column reaches the
    // destination key unchanged.
    bool covered = true;
    for (uint32_t pk : table_->primary_key) {
      bool found = false;
      for (int c : config.key_columns) {
        found = found || spec.program->columns()[c].source_column == static_cast<int>(pk);
      }
      covered = covered && found;
    }
    config.use_key_groups = spec.type == connector::SinkType::kUpsert && !covered;
    config.cursor = cursor->acked_seq;
    config.state = *state;
    config.snapshot = std::move(snapshot);
    config.metrics = &registry_;
    config.save_state = [this, id](const SinkRuntimeState& s) { SaveState(id, s); };
    if (tweak) tweak(config);
    auto runner = std::make_unique<SinkRunner>(&db_.storage(), errors_.get(), std::move(config));
    Status s = runner->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    runners_.push_back(std::move(runner));
    return runners_.back().get();
  }

  // Stops `runner` (cursor and state persisted) and starts it again from what is durable.
  SinkRunner* Restart(SinkRunner* runner,
                      const std::function<void(RunnerConfig&)>& tweak = nullptr) {
    const uint32_t id = runner->def().id;
    StopAndForget(runner);
    return StartRunner(id, nullptr, tweak);
  }
  void StopAndForget(SinkRunner* runner) {
    runner->Stop();
    for (auto it = runners_.begin(); it != runners_.end(); ++it) {
      if (it->get() == runner) {
        runners_.erase(it);
        break;
      }
    }
  }

  void SaveState(uint32_t id, const SinkRuntimeState& state) {
    std::lock_guard<std::mutex> lock(save_mu_);
    catalog::SinkDefPtr def = db_.catalog().FindSinkById(id);
    if (def == nullptr) return;
    catalog::SinkDefinition next = *def;
    next.state = state.Encode();
    Status s = db_.catalog().UpdateSink(std::move(next));
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  SinkRuntimeState SavedState(uint32_t id) {
    auto s = SinkRuntimeState::Decode(db_.catalog().FindSinkById(id)->state);
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : SinkRuntimeState{};
  }
  uint64_t CursorOf(uint32_t id) {
    auto c = db_.storage().GetCursor(id);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? c->acked_seq : 0;
  }

  // Waits until the sink acknowledged every change of t up to `seq`.
  Status Flush(SinkRunner* runner, uint64_t seq,
               std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    exec::CancelToken cancel;
    return runner->WaitFlushed(seq, cancel, Clock::now() + timeout);
  }

  // The destination as "key=row" strings, and what the table holds, in the same form (for an
  // identity sink keyed by k).
  std::vector<std::string> Items() {
    std::vector<std::string> out;
    for (const auto& [k, row] : fake_.destination().items())
      out.push_back(k + "=" + row);
    return out;
  }
  std::vector<std::string> ModelItems() {
    std::map<std::string, std::string> sorted;  // the fake orders keys as text
    for (const auto& [k, row] : model_) {
      std::string text = std::to_string(k) + "|" + row[1].as_string() + "|" +
                         (row[2].is_null() ? "NULL" : std::to_string(row[2].as_int32()));
      sorted[std::to_string(k)] = text;
    }
    std::vector<std::string> out;
    for (const auto& [k, row] : sorted)
      out.push_back(k + "=" + row);
    return out;
  }
  std::vector<std::string> Received() { return fake_.destination().received(); }

  ::dynasink::testing::EngineTempDir dir_;
  ::dynasink::testing::TestDb db_;
  std::unique_ptr<ErrorTable> errors_;
  catalog::TableDefPtr table_;
  catalog::TableDefPtr other_table_;
  std::map<int, Row> model_;  // what t holds
  FakeSinkConnector fake_;
  metrics::Registry registry_;
  std::map<uint32_t, SinkSpec> specs_;
  std::mutex save_mu_;
  std::vector<std::unique_ptr<SinkRunner>> runners_;
};

}  // namespace dynasink::stream::testing
