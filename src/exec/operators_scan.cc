// Leaf operators: table scans (full, key points, key ranges), system tables, VALUES.
#include <algorithm>

#include "exec/key_reader.h"
#include "exec/operator.h"
#include "types/key_codec.h"
#include "types/row_codec.h"

namespace dynasink::exec {

using types::Row;
using types::Value;

namespace {

// The smallest byte string greater than every string that starts with `prefix`; empty when
// there is none (all 0xFF).
std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char c = static_cast<unsigned char>(prefix.back());
    if (c != 0xFF) {
      prefix.back() = static_cast<char>(c + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

class TableScan final : public Operator {
 public:
  TableScan(const QueryContext* ctx, catalog::TableDefPtr table, KeyAccess access)
      : table_(std::move(table)), access_(std::move(access)), reader_(ctx, table_.get(), &access_) {}

  Status Next(Row* row, bool* has_row) override {
    std::string_view pk, bytes;
    DS_RETURN_IF_ERROR(reader_.Next(&pk, &bytes, has_row));
    if (!*has_row) return Status::OK();
    return types::DecodeRow(bytes, table_->column_types(), row);
  }

 private:
  catalog::TableDefPtr table_;
  KeyAccess access_;
  internal::KeyReader reader_;
};

class SystemScan final : public Operator {
 public:
  SystemScan(const QueryContext* ctx, catalog::SystemTablePtr table)
      : ctx_(ctx), table_(std::move(table)) {}
  Status Next(Row* row, bool* has_row) override {
    *has_row = false;
    if (!loaded_) {
      loaded_ = true;
      if (ctx_->cancel != nullptr) DS_RETURN_IF_ERROR(ctx_->cancel->Check());
      DS_ASSIGN_OR_RETURN(rows_, table_->rows());
      for (const Row& r : rows_) {
        if (r.size() != table_->columns.size()) {
          return Status::Internal("system table " + table_->QualifiedName() +
                                  " returned a row of the wrong width");
        }
      }
    }
    if (next_ >= rows_.size()) return Status::OK();
    *row = std::move(rows_[next_++]);
    *has_row = true;
    return Status::OK();
  }

 private:
  const QueryContext* ctx_;
  catalog::SystemTablePtr table_;
  bool loaded_ = false;
  std::vector<Row> rows_;
  size_t next_ = 0;
};

class ValuesOp final : public Operator {
 public:
  ValuesOp(const QueryContext* ctx, std::vector<std::vector<ExprPtr>> rows)
      : ctx_(ctx), rows_(std::move(rows)) {}
  Status Next(Row* row, bool* has_row) override {
    *has_row = false;
    if (next_ >= rows_.size()) return Status::OK();
    const auto& exprs = rows_[next_++];
    Row out(exprs.size());
    static const Row kEmpty;
    for (size_t i = 0; i < exprs.size(); ++i) {
      DS_RETURN_IF_ERROR(exprs[i]->EvalInto(ctx_->eval, kEmpty, &out[i]));
    }
    *row = std::move(out);
    *has_row = true;
    return Status::OK();
  }

 private:
  const QueryContext* ctx_;
  std::vector<std::vector<ExprPtr>> rows_;
  size_t next_ = 0;
};

}  // namespace

namespace internal {

namespace {

// Encodes the values of `exprs` (a key prefix); *null when one of them is NULL.
Status EvalKey(const QueryContext& ctx, const catalog::TableDef& table,
               const std::vector<const Expr*>& exprs, std::string* out, bool* null) {
  std::vector<Value> values(exprs.size());
  static const Row kNoRow;
  for (size_t i = 0; i < exprs.size(); ++i) {
    DS_RETURN_IF_ERROR(exprs[i]->EvalInto(ctx.eval, kNoRow, &values[i]));
    if (values[i].is_null()) {
      *null = true;
      return Status::OK();
    }
  }
  std::vector<types::DataType> types(table.key_types().begin(),
                                     table.key_types().begin() + static_cast<long>(exprs.size()));
  return EncodeKeyValues(values, types, out);
}

}  // namespace

Status EncodePointKeys(const QueryContext& ctx, const catalog::TableDef& table,
                       const KeyAccess& access, std::vector<std::string>* keys) {
  keys->clear();
  for (const auto& point : access.points) {
    std::string key;
    bool null = false;
    std::vector<const Expr*> exprs;
    for (const ExprPtr& e : point) exprs.push_back(e.get());
    DS_RETURN_IF_ERROR(EvalKey(ctx, table, exprs, &key, &null));
    if (null) continue;
    // The same key twice (WHERE id IN (1, 1)) is one row.
    if (std::find(keys->begin(), keys->end(), key) == keys->end()) keys->push_back(std::move(key));
  }
  return Status::OK();
}

Status KeyReader::Start() {
  const storage::Snapshot* snap = ctx_->snapshot.get();
  if (access_->kind == KeyAccess::Kind::kPoints) {
    DS_RETURN_IF_ERROR(EncodePointKeys(*ctx_, *table_, *access_, &keys_));
    std::vector<std::string_view> views(keys_.begin(), keys_.end());
    return ctx_->storage->MultiGetRows(table_->id, views, &rows_, &found_, snap);
  }
  storage::RowRange range;
  if (access_->kind == KeyAccess::Kind::kRange) {
    bool null = false;
    if (access_->lower != nullptr) {
      std::string key;
      DS_RETURN_IF_ERROR(EvalKey(*ctx_, *table_, {access_->lower.get()}, &key, &null));
      start_ = access_->lower_inclusive ? key : PrefixSuccessor(key);
      if (!access_->lower_inclusive && start_.empty()) null = true;  // nothing is greater
    }
    if (access_->upper != nullptr && !null) {
      std::string key;
      DS_RETURN_IF_ERROR(EvalKey(*ctx_, *table_, {access_->upper.get()}, &key, &null));
      end_ = access_->upper_inclusive ? PrefixSuccessor(key) : key;
      has_end_ = !end_.empty() || !access_->upper_inclusive;
    }
    if (null) return Status::OK();  // a NULL bound: no row compares true
    if (has_end_ && end_ <= start_) return Status::OK();
  }
  range.start = start_;
  if (has_end_) range.end = std::string_view(end_);
  iter_ = ctx_->storage->NewRowIterator(table_->id, range, snap);
  iter_->SeekToFirst();
  return Status::OK();
}

Status KeyReader::Next(std::string_view* pk, std::string_view* row, bool* has_row) {
  *has_row = false;
  if (!started_) {
    started_ = true;
    DS_RETURN_IF_ERROR(Start());
  }
  if (++since_check_ >= QueryContext::kCheckEvery) {
    since_check_ = 0;
    if (ctx_->cancel != nullptr) DS_RETURN_IF_ERROR(ctx_->cancel->Check());
  }
  if (access_->kind == KeyAccess::Kind::kPoints) {
    while (next_point_ < found_.size()) {
      size_t i = next_point_++;
      if (!found_[i]) continue;
      *pk = keys_[i];
      *row = rows_[i];
      *has_row = true;
      return Status::OK();
    }
    return Status::OK();
  }
  if (iter_ == nullptr) return Status::OK();  // an empty range
  if (positioned_) {
    iter_->Next();
  } else {
    positioned_ = true;
  }
  if (!iter_->Valid()) return iter_->status();
  *pk = iter_->pk();
  *row = iter_->row();
  *has_row = true;
  return Status::OK();
}

}  // namespace internal

Status EncodeKeyValues(const std::vector<Value>& values, const std::vector<types::DataType>& key_types,
                       std::string* out) {
  out->clear();
  for (size_t i = 0; i < values.size(); ++i) {
    DS_RETURN_IF_ERROR(types::AppendKeyValue(values[i], types::KeyColumn{key_types[i]}, out));
  }
  return Status::OK();
}

std::string KeyAccess::Describe() const {
  switch (kind) {
    case Kind::kFullScan:
      return "full scan";
    case Kind::kPoints:
      return "key lookup (" + std::to_string(points.size()) + " key" +
             (points.size() == 1 ? "" : "s") + ")";
    case Kind::kRange: {
      std::string out = "key range";
      if (lower) out += std::string(lower_inclusive ? " >= " : " > ") + lower->ToString();
      if (upper) out += std::string(upper_inclusive ? " <= " : " < ") + upper->ToString();
      return out;
    }
  }
  return "";
}

KeyAccess KeyAccess::Clone() const {
  KeyAccess c;
  c.kind = kind;
  for (const auto& point : points) {
    std::vector<ExprPtr> p;
    for (const ExprPtr& e : point) p.push_back(e->Clone());
    c.points.push_back(std::move(p));
  }
  c.lower = lower ? lower->Clone() : nullptr;
  c.lower_inclusive = lower_inclusive;
  c.upper = upper ? upper->Clone() : nullptr;
  c.upper_inclusive = upper_inclusive;
  return c;
}

OperatorPtr MakeTableScan(const QueryContext* ctx, catalog::TableDefPtr table, KeyAccess access) {
  return std::make_unique<TableScan>(ctx, std::move(table), std::move(access));
}
OperatorPtr MakeSystemScan(const QueryContext* ctx, catalog::SystemTablePtr table) {
  return std::make_unique<SystemScan>(ctx, std::move(table));
}
OperatorPtr MakeValues(const QueryContext* ctx, std::vector<std::vector<ExprPtr>> rows) {
  return std::make_unique<ValuesOp>(ctx, std::move(rows));
}

}  // namespace dynasink::exec
