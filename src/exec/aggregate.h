// Aggregate functions: count, sum, min, max, avg, bool_and/bool_or (every), string_agg and
// array_agg, with DISTINCT and FILTER (WHERE ...).
//
// Result types follow PostgreSQL (and RisingWave): count is bigint; sum of smallint/integer is
// bigint, of bigint and numeric is numeric, of real/double/interval the same type; avg of any
// integer or numeric is numeric (scale chosen like numeric division: at least 16 significant
// digits), of real/double is double precision, of interval is interval; min/max keep the type.
// Every aggregate but count is NULL over no rows (or only NULLs).
#pragma once

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "exec/expr.h"
#include "types/data_type.h"
#include "types/value.h"

namespace dynasink::exec {

enum class AggKind : uint8_t {
  kCountStar,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kBoolAnd,
  kBoolOr,
  kStringAgg,
  kArrayAgg,
};

// True for the names above (count, sum, avg, min, max, bool_and, bool_or, every, string_agg,
// array_agg).
bool IsAggregateFunction(std::string_view name);

struct AggregateSignature {
  AggKind kind;
  std::vector<types::DataType> arg_types;  // what the arguments must be converted to
  types::DataType result_type;
};

// Resolves name(args). `star` for count(*). 42883 when the types do not fit
// (`function sum(character varying) does not exist`).
Result<AggregateSignature> ResolveAggregate(std::string_view name,
                                            const std::vector<types::DataType>& args, bool star);

// One aggregate call of a query, bound: its arguments are evaluated over the input rows.
struct AggregateCall {
  AggKind kind = AggKind::kCountStar;
  std::string name;
  std::vector<ExprPtr> args;  // 0 (count(*)), 1, or 2 (string_agg's delimiter)
  bool distinct = false;
  ExprPtr filter;  // null when absent
  types::DataType result_type;

  std::unique_ptr<AggregateCall> Clone() const;
};

struct ValueHash {
  size_t operator()(const types::Value& v) const { return v.Hash(); }
};
struct RowHash {
  size_t operator()(const types::Row& r) const {
    size_t h = 0x9E3779B97F4A7C15ULL;
    for (const types::Value& v : r) h = (h ^ v.Hash()) * 0x100000001B3ULL;
    return h;
  }
};

// The running state of one aggregate call for one group.
class Accumulator {
 public:
  explicit Accumulator(const AggregateCall* call) : call_(call) {}

  // Feeds one input row (evaluates arguments and FILTER itself).
  Status Add(const EvalContext& ctx, const types::Row& row);
  // The aggregate's value.
  Result<types::Value> Finish() const;

 private:
  Status AddValue(const types::Value& v, const types::Value* delimiter);

  const AggregateCall* call_;
  int64_t count_ = 0;
  bool has_value_ = false;
  types::Value value_;        // sum (non-integer), min, max, bool
  __int128 int_sum_ = 0;      // sum and avg of integers
  std::string text_;          // string_agg
  std::vector<types::Value> list_;  // array_agg
  std::unique_ptr<std::unordered_set<types::Value, ValueHash>> seen_;  // DISTINCT
};

}  // namespace dynasink::exec
