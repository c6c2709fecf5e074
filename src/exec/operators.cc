// Inner operators: filter, project, aggregate, distinct, sort, limit, nested-loop join.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "exec/operator.h"

namespace dynasink::exec {

using types::Row;
using types::Value;

namespace {

Status CheckCancel(const QueryContext* ctx, int* counter) {
  if (++*counter < QueryContext::kCheckEvery) return Status::OK();
  *counter = 0;
  return ctx->cancel != nullptr ? ctx->cancel->Check() : Status::OK();
}

class FilterOp final : public Operator {
 public:
  FilterOp(const QueryContext* ctx, OperatorPtr input, ExprPtr predicate)
      : ctx_(ctx), input_(std::move(input)), predicate_(std::move(predicate)) {}
  Status Next(Row* row, bool* has_row) override {
    for (;;) {
      DS_RETURN_IF_ERROR(input_->Next(row, has_row));
      if (!*has_row) return Status::OK();
      Status status;
      Value scratch;
      const Value* v = predicate_->Evaluate(ctx_->eval, *row, &scratch, &status);
      if (v == nullptr) return status;
      if (IsTrue(v)) return Status::OK();
      DS_RETURN_IF_ERROR(CheckCancel(ctx_, &since_check_));
    }
  }

 private:
  const QueryContext* ctx_;
  OperatorPtr input_;
  ExprPtr predicate_;
  int since_check_ = 0;
};

class ProjectOp final : public Operator {
 public:
  ProjectOp(const QueryContext* ctx, OperatorPtr input, std::vector<ExprPtr> exprs)
      : ctx_(ctx), input_(std::move(input)), exprs_(std::move(exprs)) {}
  Status Next(Row* row, bool* has_row) override {
    DS_RETURN_IF_ERROR(input_->Next(&in_, has_row));
    if (!*has_row) return Status::OK();
    row->resize(exprs_.size());
    for (size_t i = 0; i < exprs_.size(); ++i) {
      DS_RETURN_IF_ERROR(exprs_[i]->EvalInto(ctx_->eval, in_, &(*row)[i]));
    }
    return Status::OK();
  }

 private:
  const QueryContext* ctx_;
  OperatorPtr input_;
  std::vector<ExprPtr> exprs_;
  Row in_;
};

class HashAggregateOp final : public Operator {
 public:
  HashAggregateOp(const QueryContext* ctx, OperatorPtr input, std::vector<ExprPtr> keys,
                  std::vector<std::unique_ptr<AggregateCall>> aggs)
      : ctx_(ctx), input_(std::move(input)), keys_(std::move(keys)), aggs_(std::move(aggs)) {}

  Status Next(Row* row, bool* has_row) override {
    *has_row = false;
    if (!done_) {
      done_ = true;
      DS_RETURN_IF_ERROR(Consume());
    }
    if (next_ >= groups_.size()) return Status::OK();
    Group& g = groups_[next_++];
    Row out = std::move(g.key);
    out.reserve(out.size() + g.accumulators.size());
    for (const Accumulator& a : g.accumulators) {
      DS_ASSIGN_OR_RETURN(Value v, a.Finish());
      out.push_back(std::move(v));
    }
    *row = std::move(out);
    *has_row = true;
    return Status::OK();
  }

 private:
  struct Group {
    Row key;
    std::vector<Accumulator> accumulators;
  };

  Group NewGroup(Row key) {
    Group g;
    g.key = std::move(key);
    g.accumulators.reserve(aggs_.size());
    for (const auto& a : aggs_) g.accumulators.emplace_back(a.get());
    return g;
  }

  Status Consume() {
    std::unordered_map<Row, size_t, RowHash> index;
    Row in, key;
    int since_check = 0;
    for (;;) {
      bool has = false;
      DS_RETURN_IF_ERROR(input_->Next(&in, &has));
      if (!has) break;
      DS_RETURN_IF_ERROR(CheckCancel(ctx_, &since_check));
      key.resize(keys_.size());
      for (size_t i = 0; i < keys_.size(); ++i) {
        DS_RETURN_IF_ERROR(keys_[i]->EvalInto(ctx_->eval, in, &key[i]));
      }
      auto it = index.find(key);
      size_t g;
      if (it == index.end()) {
        g = groups_.size();
        index.emplace(key, g);
        groups_.push_back(NewGroup(key));
      } else {
        g = it->second;
      }
      for (Accumulator& a : groups_[g].accumulators) DS_RETURN_IF_ERROR(a.Add(ctx_->eval, in));
    }
    // An aggregate without GROUP BY has one row even over no input.
    if (keys_.empty() && groups_.empty()) groups_.push_back(NewGroup({}));
    return Status::OK();
  }

  const QueryContext* ctx_;
  OperatorPtr input_;
  std::vector<ExprPtr> keys_;
  std::vector<std::unique_ptr<AggregateCall>> aggs_;
  std::vector<Group> groups_;
  bool done_ = false;
  size_t next_ = 0;
};

class DistinctOp final : public Operator {
 public:
  DistinctOp(const QueryContext* ctx, OperatorPtr input, size_t width)
      : ctx_(ctx), input_(std::move(input)), width_(width) {}
  Status Next(Row* row, bool* has_row) override {
    for (;;) {
      DS_RETURN_IF_ERROR(input_->Next(row, has_row));
      if (!*has_row) return Status::OK();
      Row key(row->begin(), row->begin() + static_cast<long>(std::min(width_, row->size())));
      if (seen_.insert(std::move(key)).second) return Status::OK();
      DS_RETURN_IF_ERROR(CheckCancel(ctx_, &since_check_));
    }
  }

 private:
  const QueryContext* ctx_;
  OperatorPtr input_;
  size_t width_;
  std::unordered_set<Row, RowHash> seen_;
  int since_check_ = 0;
};

class SortOp final : public Operator {
 public:
  SortOp(const QueryContext* ctx, OperatorPtr input, std::vector<SortKey> keys)
      : ctx_(ctx), input_(std::move(input)), keys_(std::move(keys)) {}
  Status Next(Row* row, bool* has_row) override {
    *has_row = false;
    if (!sorted_) {
      sorted_ = true;
      int since_check = 0;
      for (;;) {
        Row r;
        bool has = false;
        DS_RETURN_IF_ERROR(input_->Next(&r, &has));
        if (!has) break;
        DS_RETURN_IF_ERROR(CheckCancel(ctx_, &since_check));
        rows_.push_back(std::move(r));
      }
      std::stable_sort(rows_.begin(), rows_.end(), [this](const Row& a, const Row& b) {
        for (const SortKey& k : keys_) {
          const Value& x = a[k.column];
          const Value& y = b[k.column];
          if (x.is_null() || y.is_null()) {
            if (x.is_null() && y.is_null()) continue;
            // NULL placement is independent of the direction.
            return x.is_null() == k.nulls_first;
          }
          int c = x.Compare(y);
          if (c != 0) return k.descending ? c > 0 : c < 0;
        }
        return false;
      });
    }
    if (next_ >= rows_.size()) return Status::OK();
    *row = std::move(rows_[next_++]);
    *has_row = true;
    return Status::OK();
  }

 private:
  const QueryContext* ctx_;
  OperatorPtr input_;
  std::vector<SortKey> keys_;
  std::vector<Row> rows_;
  bool sorted_ = false;
  size_t next_ = 0;
};

class LimitOp final : public Operator {
 public:
  LimitOp(const QueryContext* ctx, OperatorPtr input, ExprPtr limit, ExprPtr offset)
      : ctx_(ctx), input_(std::move(input)), limit_expr_(std::move(limit)), offset_expr_(std::move(offset)) {}
  Status Next(Row* row, bool* has_row) override {
    *has_row = false;
    if (!started_) {
      started_ = true;
      DS_RETURN_IF_ERROR(Bound(limit_expr_.get(), "LIMIT", &limit_));
      int64_t offset = 0;
      DS_RETURN_IF_ERROR(Bound(offset_expr_.get(), "OFFSET", &offset));
      for (int64_t i = 0; i < offset; ++i) {
        bool has = false;
        DS_RETURN_IF_ERROR(input_->Next(row, &has));
        if (!has) {
          limit_ = 0;
          return Status::OK();
        }
      }
    }
    if (limit_ >= 0 && emitted_ >= limit_) return Status::OK();
    DS_RETURN_IF_ERROR(input_->Next(row, has_row));
    if (*has_row) ++emitted_;
    return Status::OK();
  }

 private:
  Status Bound(const Expr* e, const char* what, int64_t* out) {
    if (e == nullptr) return Status::OK();
    DS_ASSIGN_OR_RETURN(Value v, e->Eval(ctx_->eval, Row()));
    if (v.is_null()) return Status::OK();  // LIMIT NULL is no limit, OFFSET NULL is 0
    int64_t n = v.as_integer();
    if (n < 0) {
      // PostgreSQL: 2201W for LIMIT, 2201X for OFFSET.
      return Status::Sql(std::string_view(what) == "LIMIT" ? "2201W" : "2201X",
                         std::string(what) + " must not be negative");
    }
    *out = n;
    return Status::OK();
  }

  const QueryContext* ctx_;
  OperatorPtr input_;
  ExprPtr limit_expr_, offset_expr_;
  bool started_ = false;
  int64_t limit_ = -1;
  int64_t emitted_ = 0;
};

class NestedLoopJoinOp final : public Operator {
 public:
  NestedLoopJoinOp(const QueryContext* ctx, OperatorPtr left, OperatorPtr right, size_t right_width,
                   ExprPtr condition, bool left_outer)
      : ctx_(ctx),
        left_(std::move(left)),
        right_(std::move(right)),
        right_width_(right_width),
        condition_(std::move(condition)),
        left_outer_(left_outer) {}

  Status Next(Row* row, bool* has_row) override {
    *has_row = false;
    if (!loaded_) {
      loaded_ = true;
      int since_check = 0;
      for (;;) {
        Row r;
        bool has = false;
        DS_RETURN_IF_ERROR(right_->Next(&r, &has));
        if (!has) break;
        DS_RETURN_IF_ERROR(CheckCancel(ctx_, &since_check));
        right_rows_.push_back(std::move(r));
      }
    }
    for (;;) {
      if (!have_left_) {
        bool has = false;
        DS_RETURN_IF_ERROR(left_->Next(&left_row_, &has));
        if (!has) return Status::OK();
        have_left_ = true;
        matched_ = false;
        next_right_ = 0;
      }
      while (next_right_ < right_rows_.size()) {
        DS_RETURN_IF_ERROR(CheckCancel(ctx_, &since_check_));
        const Row& r = right_rows_[next_right_++];
        Row joined = left_row_;
        joined.insert(joined.end(), r.begin(), r.end());
        if (condition_ != nullptr) {
          Status status;
          Value scratch;
          const Value* v = condition_->Evaluate(ctx_->eval, joined, &scratch, &status);
          if (v == nullptr) return status;
          if (!IsTrue(v)) continue;
        }
        matched_ = true;
        *row = std::move(joined);
        *has_row = true;
        return Status::OK();
      }
      have_left_ = false;
      if (left_outer_ && !matched_) {
        Row joined = std::move(left_row_);
        joined.resize(joined.size() + right_width_);
        *row = std::move(joined);
        *has_row = true;
        return Status::OK();
      }
    }
  }

 private:
  const QueryContext* ctx_;
  OperatorPtr left_, right_;
  size_t right_width_;
  ExprPtr condition_;
  bool left_outer_;
  bool loaded_ = false;
  std::vector<Row> right_rows_;
  Row left_row_;
  bool have_left_ = false;
  bool matched_ = false;
  size_t next_right_ = 0;
  int since_check_ = 0;
};

}  // namespace

OperatorPtr MakeFilter(const QueryContext* ctx, OperatorPtr input, ExprPtr predicate) {
  return std::make_unique<FilterOp>(ctx, std::move(input), std::move(predicate));
}
OperatorPtr MakeProject(const QueryContext* ctx, OperatorPtr input, std::vector<ExprPtr> exprs) {
  return std::make_unique<ProjectOp>(ctx, std::move(input), std::move(exprs));
}
OperatorPtr MakeHashAggregate(const QueryContext* ctx, OperatorPtr input,
                              std::vector<ExprPtr> group_keys,
                              std::vector<std::unique_ptr<AggregateCall>> aggregates) {
  return std::make_unique<HashAggregateOp>(ctx, std::move(input), std::move(group_keys),
                                           std::move(aggregates));
}
OperatorPtr MakeDistinct(const QueryContext* ctx, OperatorPtr input, size_t width) {
  return std::make_unique<DistinctOp>(ctx, std::move(input), width);
}
OperatorPtr MakeSort(const QueryContext* ctx, OperatorPtr input, std::vector<SortKey> keys) {
  return std::make_unique<SortOp>(ctx, std::move(input), std::move(keys));
}
OperatorPtr MakeLimit(const QueryContext* ctx, OperatorPtr input, ExprPtr limit, ExprPtr offset) {
  return std::make_unique<LimitOp>(ctx, std::move(input), std::move(limit), std::move(offset));
}
OperatorPtr MakeNestedLoopJoin(const QueryContext* ctx, OperatorPtr left, OperatorPtr right,
                               size_t right_width, ExprPtr condition, bool left_outer) {
  return std::make_unique<NestedLoopJoinOp>(ctx, std::move(left), std::move(right), right_width,
                                            std::move(condition), left_outer);
}

}  // namespace dynasink::exec
