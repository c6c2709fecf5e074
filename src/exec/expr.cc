// The expression nodes of exec/expr.h.
#include "exec/expr.h"

#include <array>
#include <cassert>

#include "exec/like.h"
#include "types/cast.h"
#include "types/text_format.h"

namespace dynasink::exec {

using types::DataType;
using types::Row;
using types::Value;

namespace {

// Up to this many arguments are evaluated into stack slots (no allocation per row).
constexpr size_t kInlineArgs = 4;

const Value* SetNull(Value* scratch) {
  *scratch = Value();
  return scratch;
}

const Value* SetBool(Value* scratch, bool b) {
  *scratch = Value::Boolean(b);
  return scratch;
}

void AppendChildren(std::string* out, const Expr& e, std::string_view name) {
  out->append(name);
  out->push_back('(');
  for (size_t i = 0; i < e.num_children(); ++i) {
    if (i > 0) out->append(", ");
    e.child(i).AppendTo(out);
  }
  out->push_back(')');
}

std::vector<ExprPtr> CloneAll(const std::vector<ExprPtr>& v) {
  std::vector<ExprPtr> out;
  out.reserve(v.size());
  for (const ExprPtr& e : v) out.push_back(e ? e->Clone() : nullptr);
  return out;
}

ExprPtr CloneOrNull(const ExprPtr& e) { return e ? e->Clone() : nullptr; }

// A node with a vector of children.
class NaryExpr : public Expr {
 public:
  NaryExpr(ExprKind kind, DataType type, std::vector<ExprPtr> children)
      : Expr(kind, std::move(type)), children_(std::move(children)) {}
  size_t num_children() const override { return children_.size(); }
  const Expr& child(size_t i) const override { return *children_[i]; }

 protected:
  std::vector<ExprPtr> children_;
};

class LiteralExpr final : public Expr {
 public:
  LiteralExpr(Value v, DataType t) : Expr(ExprKind::kLiteral, std::move(t)), value_(std::move(v)) {}
  const Value* Evaluate(const EvalContext&, const Row&, Value*, Status*) const override {
    return &value_;
  }
  void AppendTo(std::string* out) const override {
    if (value_.is_null()) {
      out->append("NULL");
    } else {
      out->push_back('\'');
      out->append(types::FormatValue(value_, type()));
      out->push_back('\'');
    }
    out->append("::");
    out->append(type().ToString());
  }
  const Value& value() const { return value_; }

  ExprPtr Clone() const override { return std::make_unique<LiteralExpr>(value_, type()); }

 private:
  Value value_;
};

class ParamExpr final : public Expr {
 public:
  ParamExpr(int index, DataType t) : Expr(ExprKind::kParam, std::move(t)), index_(index) {}
  const Value* Evaluate(const EvalContext& ctx, const Row&, Value*, Status* status) const override {
    if (ctx.params == nullptr || static_cast<size_t>(index_) >= ctx.params->size()) {
      *status = Status::Sql("08P01", "there is no parameter $" + std::to_string(index_ + 1));
      return nullptr;
    }
    return &(*ctx.params)[index_];
  }
  void AppendTo(std::string* out) const override { out->append("$" + std::to_string(index_ + 1)); }
  int index() const { return index_; }

  ExprPtr Clone() const override { return std::make_unique<ParamExpr>(index_, type()); }

 private:
  int index_;
};

class ColumnExpr final : public Expr {
 public:
  ColumnExpr(int index, DataType t) : Expr(ExprKind::kColumn, std::move(t)), index_(index) {}
  const Value* Evaluate(const EvalContext&, const Row& row, Value*, Status*) const override {
    assert(static_cast<size_t>(index_) < row.size());
    return &row[index_];
  }
  void AppendTo(std::string* out) const override { out->append("#" + std::to_string(index_)); }
  int index() const { return index_; }

  ExprPtr Clone() const override { return std::make_unique<ColumnExpr>(index_, type()); }

 private:
  int index_;
};

class CastExpr final : public Expr {
 public:
  CastExpr(ExprPtr child, DataType to) : Expr(ExprKind::kCast, std::move(to)), child_(std::move(child)) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    const Value* v = child_->Evaluate(ctx, row, scratch, status);
    if (v == nullptr) return nullptr;
    if (v->is_null()) return SetNull(scratch);
    auto r = types::CastValue(*v, child_->type(), type());
    if (!r.ok()) {
      *status = r.status();
      return nullptr;
    }
    *scratch = std::move(r).value();
    return scratch;
  }
  void AppendTo(std::string* out) const override {
    out->append("CAST(");
    child_->AppendTo(out);
    out->append(" AS ");
    out->append(type().ToString());
    out->push_back(')');
  }
  size_t num_children() const override { return 1; }
  const Expr& child(size_t) const override { return *child_; }

  ExprPtr Clone() const override { return std::make_unique<CastExpr>(child_->Clone(), type()); }

 private:
  ExprPtr child_;
};

class CallExpr final : public NaryExpr {
 public:
  CallExpr(ResolvedFunction fn, std::vector<ExprPtr> args)
      : NaryExpr(ExprKind::kCall, fn.result_type, std::move(args)), fn_(std::move(fn)) {
    arg_types_.reserve(children_.size());
    for (const ExprPtr& a : children_) arg_types_.push_back(a->type());
  }
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    size_t n = children_.size();
    if (n <= kInlineArgs) {
      std::array<Value, kInlineArgs> slots;
      std::array<const Value*, kInlineArgs> args;
      return Run(ctx, row, slots.data(), args.data(), scratch, status);
    }
    std::vector<Value> slots(n);
    std::vector<const Value*> args(n);
    return Run(ctx, row, slots.data(), args.data(), scratch, status);
  }
  void AppendTo(std::string* out) const override { AppendChildren(out, *this, fn_.name); }
  const ResolvedFunction& function() const { return fn_; }

  ExprPtr Clone() const override { return std::make_unique<CallExpr>(fn_, CloneAll(children_)); }

 private:
  const Value* Run(const EvalContext& ctx, const Row& row, Value* slots, const Value** args,
                   Value* scratch, Status* status) const {
    for (size_t i = 0; i < children_.size(); ++i) {
      args[i] = children_[i]->Evaluate(ctx, row, &slots[i], status);
      if (args[i] == nullptr) return nullptr;
      if (fn_.strict && args[i]->is_null()) return SetNull(scratch);
    }
    Value result;
    CallContext call{ctx, arg_types_, type()};
    Status s = fn_.kernel(call, args, &result);
    if (!s.ok()) {
      *status = std::move(s);
      return nullptr;
    }
    *scratch = std::move(result);
    return scratch;
  }

  ResolvedFunction fn_;
  std::vector<DataType> arg_types_;
};

class AndOrExpr final : public NaryExpr {
 public:
  AndOrExpr(bool is_and, std::vector<ExprPtr> children)
      : NaryExpr(is_and ? ExprKind::kAnd : ExprKind::kOr, types::TypeId::kBoolean,
                 std::move(children)),
        is_and_(is_and) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    // AND: false wins over NULL; OR: true wins over NULL. Evaluation stops at the winner.
    bool saw_null = false;
    for (const ExprPtr& c : children_) {
      const Value* v = c->Evaluate(ctx, row, scratch, status);
      if (v == nullptr) return nullptr;
      if (v->is_null()) {
        saw_null = true;
      } else if (v->as_bool() != is_and_) {
        return SetBool(scratch, !is_and_);
      }
    }
    return saw_null ? SetNull(scratch) : SetBool(scratch, is_and_);
  }
  void AppendTo(std::string* out) const override {
    AppendChildren(out, *this, is_and_ ? "AND" : "OR");
  }

  ExprPtr Clone() const override {
    return std::make_unique<AndOrExpr>(is_and_, CloneAll(children_));
  }

 private:
  bool is_and_;
};

class NotExpr final : public Expr {
 public:
  explicit NotExpr(ExprPtr child)
      : Expr(ExprKind::kNot, types::TypeId::kBoolean), child_(std::move(child)) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    const Value* v = child_->Evaluate(ctx, row, scratch, status);
    if (v == nullptr) return nullptr;
    if (v->is_null()) return SetNull(scratch);
    return SetBool(scratch, !v->as_bool());
  }
  void AppendTo(std::string* out) const override { AppendChildren(out, *this, "NOT"); }
  size_t num_children() const override { return 1; }
  const Expr& child(size_t) const override { return *child_; }

  ExprPtr Clone() const override { return std::make_unique<NotExpr>(child_->Clone()); }

 private:
  ExprPtr child_;
};

class IsNullExpr final : public Expr {
 public:
  IsNullExpr(ExprPtr child, bool negated)
      : Expr(ExprKind::kIsNull, types::TypeId::kBoolean), child_(std::move(child)), negated_(negated) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    const Value* v = child_->Evaluate(ctx, row, scratch, status);
    if (v == nullptr) return nullptr;
    // PostgreSQL: a row value IS NULL when every field is NULL, IS NOT NULL when none is.
    bool result;
    if (!v->is_null() && v->holds<types::StructValue>()) {
      bool all_null = true, none_null = true;
      for (const Value& f : v->as_struct()) {
        (f.is_null() ? none_null : all_null) = false;
      }
      result = negated_ ? none_null : all_null;
    } else {
      result = v->is_null() != negated_;
    }
    return SetBool(scratch, result);
  }
  void AppendTo(std::string* out) const override {
    AppendChildren(out, *this, negated_ ? "IS NOT NULL" : "IS NULL");
  }
  size_t num_children() const override { return 1; }
  const Expr& child(size_t) const override { return *child_; }

  ExprPtr Clone() const override {
    return std::make_unique<IsNullExpr>(child_->Clone(), negated_);
  }

 private:
  ExprPtr child_;
  bool negated_;
};

class IsBoolExpr final : public Expr {
 public:
  IsBoolExpr(ExprPtr child, BoolTest test, bool negated)
      : Expr(ExprKind::kIsBool, types::TypeId::kBoolean),
        child_(std::move(child)),
        test_(test),
        negated_(negated) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    const Value* v = child_->Evaluate(ctx, row, scratch, status);
    if (v == nullptr) return nullptr;
    bool r;
    switch (test_) {
      case BoolTest::kTrue:
        r = !v->is_null() && v->as_bool();
        break;
      case BoolTest::kFalse:
        r = !v->is_null() && !v->as_bool();
        break;
      default:
        r = v->is_null();
        break;
    }
    return SetBool(scratch, r != negated_);
  }
  void AppendTo(std::string* out) const override {
    static const char* kNames[] = {"IS TRUE", "IS FALSE", "IS UNKNOWN"};
    std::string name = kNames[static_cast<int>(test_)];
    if (negated_) name.insert(3, "NOT ");
    AppendChildren(out, *this, name);
  }
  size_t num_children() const override { return 1; }
  const Expr& child(size_t) const override { return *child_; }

  ExprPtr Clone() const override {
    return std::make_unique<IsBoolExpr>(child_->Clone(), test_, negated_);
  }

 private:
  ExprPtr child_;
  BoolTest test_;
  bool negated_;
};

class IsDistinctExpr final : public NaryExpr {
 public:
  IsDistinctExpr(std::vector<ExprPtr> children, bool negated)
      : NaryExpr(ExprKind::kIsDistinct, types::TypeId::kBoolean, std::move(children)),
        negated_(negated) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    Value left_slot;
    const Value* a = children_[0]->Evaluate(ctx, row, &left_slot, status);
    if (a == nullptr) return nullptr;
    const Value* b = children_[1]->Evaluate(ctx, row, scratch, status);
    if (b == nullptr) return nullptr;
    bool distinct = a->Compare(*b) != 0;  // NULL equals NULL here, as IS DISTINCT FROM wants
    return SetBool(scratch, distinct != negated_);
  }
  void AppendTo(std::string* out) const override {
    AppendChildren(out, *this, negated_ ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM");
  }

  ExprPtr Clone() const override {
    return std::make_unique<IsDistinctExpr>(CloneAll(children_), negated_);
  }

 private:
  bool negated_;
};

class CaseExpr final : public Expr {
 public:
  CaseExpr(std::vector<std::pair<ExprPtr, ExprPtr>> whens, ExprPtr else_result, DataType type)
      : Expr(ExprKind::kCase, std::move(type)), whens_(std::move(whens)), else_(std::move(else_result)) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    for (const auto& [cond, result] : whens_) {
      const Value* c = cond->Evaluate(ctx, row, scratch, status);
      if (c == nullptr) return nullptr;
      if (IsTrue(c)) return result->Evaluate(ctx, row, scratch, status);
    }
    if (else_ == nullptr) return SetNull(scratch);
    return else_->Evaluate(ctx, row, scratch, status);
  }
  void AppendTo(std::string* out) const override {
    out->append("CASE");
    for (const auto& [cond, result] : whens_) {
      out->append(" WHEN ");
      cond->AppendTo(out);
      out->append(" THEN ");
      result->AppendTo(out);
    }
    if (else_ != nullptr) {
      out->append(" ELSE ");
      else_->AppendTo(out);
    }
    out->append(" END");
  }
  size_t num_children() const override { return whens_.size() * 2 + (else_ ? 1 : 0); }
  const Expr& child(size_t i) const override {
    if (i / 2 < whens_.size()) return i % 2 == 0 ? *whens_[i / 2].first : *whens_[i / 2].second;
    return *else_;
  }

  ExprPtr Clone() const override {
    std::vector<std::pair<ExprPtr, ExprPtr>> whens;
    for (const auto& [c, r] : whens_) whens.emplace_back(c->Clone(), r->Clone());
    return std::make_unique<CaseExpr>(std::move(whens), CloneOrNull(else_), type());
  }

 private:
  std::vector<std::pair<ExprPtr, ExprPtr>> whens_;
  ExprPtr else_;
};

class CoalesceExpr final : public NaryExpr {
 public:
  CoalesceExpr(std::vector<ExprPtr> children, DataType type)
      : NaryExpr(ExprKind::kCoalesce, std::move(type), std::move(children)) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    for (const ExprPtr& c : children_) {
      const Value* v = c->Evaluate(ctx, row, scratch, status);
      if (v == nullptr || !v->is_null()) return v;
    }
    return SetNull(scratch);
  }
  void AppendTo(std::string* out) const override { AppendChildren(out, *this, "COALESCE"); }
  ExprPtr Clone() const override {
    return std::make_unique<CoalesceExpr>(CloneAll(children_), type());
  }
};

class InListExpr final : public NaryExpr {
 public:
  InListExpr(std::vector<ExprPtr> children, bool negated)
      : NaryExpr(ExprKind::kInList, types::TypeId::kBoolean, std::move(children)),
        negated_(negated) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    Value operand_slot;
    const Value* x = children_[0]->Evaluate(ctx, row, &operand_slot, status);
    if (x == nullptr) return nullptr;
    if (x->is_null()) return SetNull(scratch);
    bool saw_null = false;
    for (size_t i = 1; i < children_.size(); ++i) {
      const Value* v = children_[i]->Evaluate(ctx, row, scratch, status);
      if (v == nullptr) return nullptr;
      if (v->is_null()) {
        saw_null = true;
      } else if (x->Compare(*v) == 0) {
        return SetBool(scratch, !negated_);
      }
    }
    return saw_null ? SetNull(scratch) : SetBool(scratch, negated_);
  }
  void AppendTo(std::string* out) const override {
    AppendChildren(out, *this, negated_ ? "NOT IN" : "IN");
  }
  bool negated() const { return negated_; }
  ExprPtr Clone() const override {
    return std::make_unique<InListExpr>(CloneAll(children_), negated_);
  }

 private:
  bool negated_;
};

class LikeExpr final : public NaryExpr {
 public:
  LikeExpr(std::vector<ExprPtr> children, bool ci, bool negated)
      : NaryExpr(ExprKind::kLike, types::TypeId::kBoolean, std::move(children)),
        ci_(ci),
        negated_(negated) {
    // A constant pattern (and escape) is compiled once; a bad one fails at evaluation.
    bool constant = children_[1]->kind() == ExprKind::kLiteral &&
                    (children_.size() < 3 || children_[2]->kind() == ExprKind::kLiteral);
    if (constant) {
      const Value& p = LiteralValue(*children_[1]);
      std::optional<std::string_view> esc;
      if (children_.size() == 3) {
        const Value& e = LiteralValue(*children_[2]);
        if (e.is_null()) return;
        esc = e.as_string();
      }
      if (p.is_null()) return;
      auto compiled = LikePattern::Compile(p.as_string(), ci_, esc);
      if (compiled.ok()) compiled_ = std::make_unique<LikePattern>(std::move(compiled).value());
    }
  }
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    Value text_slot, pattern_slot, escape_slot;
    const Value* text = children_[0]->Evaluate(ctx, row, &text_slot, status);
    if (text == nullptr) return nullptr;
    if (text->is_null()) return SetNull(scratch);
    if (compiled_ != nullptr) return SetBool(scratch, compiled_->Matches(text->as_string()) != negated_);
    const Value* pattern = children_[1]->Evaluate(ctx, row, &pattern_slot, status);
    if (pattern == nullptr) return nullptr;
    if (pattern->is_null()) return SetNull(scratch);
    std::optional<std::string_view> esc;
    if (children_.size() == 3) {
      const Value* e = children_[2]->Evaluate(ctx, row, &escape_slot, status);
      if (e == nullptr) return nullptr;
      if (e->is_null()) return SetNull(scratch);
      esc = e->as_string();
    }
    auto p = LikePattern::Compile(pattern->as_string(), ci_, esc);
    if (!p.ok()) {
      *status = p.status();
      return nullptr;
    }
    return SetBool(scratch, p->Matches(text->as_string()) != negated_);
  }
  void AppendTo(std::string* out) const override {
    std::string name = ci_ ? "ILIKE" : "LIKE";
    if (negated_) name = "NOT " + name;
    AppendChildren(out, *this, name);
  }

  ExprPtr Clone() const override {
    return std::make_unique<LikeExpr>(CloneAll(children_), ci_, negated_);
  }

 private:
  bool ci_;
  bool negated_;
  std::unique_ptr<LikePattern> compiled_;
};

class FieldExpr final : public Expr {
 public:
  FieldExpr(ExprPtr base, int index)
      : Expr(ExprKind::kField, *base->type().fields()[index].type),
        base_(std::move(base)),
        index_(index) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    const Value* v = base_->Evaluate(ctx, row, scratch, status);
    if (v == nullptr) return nullptr;
    if (v->is_null()) return SetNull(scratch);
    const auto& fields = v->as_struct();
    if (static_cast<size_t>(index_) >= fields.size()) return SetNull(scratch);
    if (v == scratch) {
      Value f = fields[index_];  // copy before overwriting the struct that owns it
      *scratch = std::move(f);
      return scratch;
    }
    return &fields[index_];
  }
  void AppendTo(std::string* out) const override {
    out->push_back('(');
    base_->AppendTo(out);
    out->append(").");
    out->append(std::to_string(index_));
  }
  size_t num_children() const override { return 1; }
  const Expr& child(size_t) const override { return *base_; }

  ExprPtr Clone() const override { return std::make_unique<FieldExpr>(base_->Clone(), index_); }

 private:
  ExprPtr base_;
  int index_;
};

class SubscriptExpr final : public NaryExpr {
 public:
  // `element` is the base's element type (read before the children are moved in).
  SubscriptExpr(std::vector<ExprPtr> children, DataType element)
      : NaryExpr(ExprKind::kSubscript, std::move(element), std::move(children)) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    Value index_slot;
    const Value* idx = children_[1]->Evaluate(ctx, row, &index_slot, status);
    if (idx == nullptr) return nullptr;
    if (idx->is_null()) return SetNull(scratch);
    const Value* arr = children_[0]->Evaluate(ctx, row, scratch, status);
    if (arr == nullptr) return nullptr;
    if (arr->is_null()) return SetNull(scratch);
    int64_t i = idx->as_integer();
    const auto& elems = arr->as_list();
    if (i < 1 || static_cast<uint64_t>(i) > elems.size()) return SetNull(scratch);
    if (arr == scratch) {
      Value e = elems[i - 1];
      *scratch = std::move(e);
      return scratch;
    }
    return &elems[i - 1];
  }
  void AppendTo(std::string* out) const override { AppendChildren(out, *this, "SUBSCRIPT"); }
  ExprPtr Clone() const override {
    return std::make_unique<SubscriptExpr>(CloneAll(children_), type());
  }
};

class SliceExpr final : public Expr {
 public:
  SliceExpr(ExprPtr base, ExprPtr lower, ExprPtr upper)
      : Expr(ExprKind::kSlice, base->type()),
        base_(std::move(base)),
        lower_(std::move(lower)),
        upper_(std::move(upper)) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    Value lo_slot, hi_slot;
    int64_t lo = 1, hi = INT64_MAX;
    if (lower_ != nullptr) {
      const Value* v = lower_->Evaluate(ctx, row, &lo_slot, status);
      if (v == nullptr) return nullptr;
      if (v->is_null()) return SetNull(scratch);
      lo = v->as_integer();
    }
    if (upper_ != nullptr) {
      const Value* v = upper_->Evaluate(ctx, row, &hi_slot, status);
      if (v == nullptr) return nullptr;
      if (v->is_null()) return SetNull(scratch);
      hi = v->as_integer();
    }
    const Value* arr = base_->Evaluate(ctx, row, scratch, status);
    if (arr == nullptr) return nullptr;
    if (arr->is_null()) return SetNull(scratch);
    const auto& elems = arr->as_list();
    std::vector<Value> out;
    int64_t first = std::max<int64_t>(lo, 1);
    int64_t last = std::min<int64_t>(hi, static_cast<int64_t>(elems.size()));
    for (int64_t i = first; i <= last; ++i) out.push_back(elems[i - 1]);
    *scratch = Value::List(std::move(out));
    return scratch;
  }
  void AppendTo(std::string* out) const override {
    out->append("SLICE(");
    base_->AppendTo(out);
    out->append(", ");
    if (lower_) lower_->AppendTo(out);
    out->append(", ");
    if (upper_) upper_->AppendTo(out);
    out->push_back(')');
  }
  size_t num_children() const override { return 1 + (lower_ ? 1 : 0) + (upper_ ? 1 : 0); }
  const Expr& child(size_t i) const override {
    if (i == 0) return *base_;
    if (i == 1 && lower_) return *lower_;
    return *upper_;
  }

  ExprPtr Clone() const override {
    return std::make_unique<SliceExpr>(base_->Clone(), CloneOrNull(lower_), CloneOrNull(upper_));
  }

 private:
  ExprPtr base_, lower_, upper_;
};

class ConstructExpr final : public NaryExpr {
 public:
  ConstructExpr(ExprKind kind, std::vector<ExprPtr> children, DataType type)
      : NaryExpr(kind, std::move(type), std::move(children)) {}
  const Value* Evaluate(const EvalContext& ctx, const Row& row, Value* scratch,
                        Status* status) const override {
    std::vector<Value> values(children_.size());
    for (size_t i = 0; i < children_.size(); ++i) {
      const Value* v = children_[i]->Evaluate(ctx, row, &values[i], status);
      if (v == nullptr) return nullptr;
      if (v != &values[i]) values[i] = *v;
    }
    *scratch = kind() == ExprKind::kRow ? Value::Struct(std::move(values))
                                        : Value::List(std::move(values));
    return scratch;
  }
  void AppendTo(std::string* out) const override {
    AppendChildren(out, *this, kind() == ExprKind::kRow ? "ROW" : "ARRAY");
  }
  ExprPtr Clone() const override {
    return std::make_unique<ConstructExpr>(kind(), CloneAll(children_), type());
  }
};

}  // namespace

// ---- Expr ----------------------------------------------------------------------------------

Status Expr::EvalInto(const EvalContext& ctx, const Row& row, Value* out) const {
  Status status;
  Value scratch;
  const Value* v = Evaluate(ctx, row, &scratch, &status);
  if (v == nullptr) return status;
  *out = v == &scratch ? std::move(scratch) : *v;
  return Status::OK();
}

Result<Value> Expr::Eval(const EvalContext& ctx, const Row& row) const {
  Value out;
  DS_RETURN_IF_ERROR(EvalInto(ctx, row, &out));
  return out;
}

std::string Expr::ToString() const {
  std::string out;
  AppendTo(&out);
  return out;
}

const Expr& Expr::child(size_t) const {
  assert(false && "expression has no children");
  std::abort();
}

bool Expr::IsConstant() const {
  switch (kind_) {
    case ExprKind::kLiteral:
      return true;
    case ExprKind::kParam:
    case ExprKind::kColumn:
      return false;
    case ExprKind::kCall:
      if (static_cast<const CallExpr*>(this)->function().stable) return false;
      break;
    default:
      break;
  }
  for (size_t i = 0; i < num_children(); ++i) {
    if (!child(i).IsConstant()) return false;
  }
  return true;
}

bool Expr::ReadsRow() const {
  if (kind_ == ExprKind::kColumn) return true;
  for (size_t i = 0; i < num_children(); ++i) {
    if (child(i).ReadsRow()) return true;
  }
  return false;
}

// ---- constructors --------------------------------------------------------------------------

ExprPtr MakeLiteral(Value value, DataType type) {
  return std::make_unique<LiteralExpr>(std::move(value), std::move(type));
}
ExprPtr MakeParam(int index, DataType type) {
  return std::make_unique<ParamExpr>(index, std::move(type));
}
ExprPtr MakeColumn(int index, DataType type) {
  return std::make_unique<ColumnExpr>(index, std::move(type));
}
ExprPtr MakeCast(ExprPtr child, DataType to) {
  return std::make_unique<CastExpr>(std::move(child), std::move(to));
}
ExprPtr MakeCall(ResolvedFunction fn, std::vector<ExprPtr> args) {
  return std::make_unique<CallExpr>(std::move(fn), std::move(args));
}
ExprPtr MakeAnd(std::vector<ExprPtr> children) {
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<AndOrExpr>(true, std::move(children));
}
ExprPtr MakeOr(std::vector<ExprPtr> children) {
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<AndOrExpr>(false, std::move(children));
}
ExprPtr MakeNot(ExprPtr child) { return std::make_unique<NotExpr>(std::move(child)); }
ExprPtr MakeIsNull(ExprPtr child, bool negated) {
  return std::make_unique<IsNullExpr>(std::move(child), negated);
}
ExprPtr MakeIsBool(ExprPtr child, BoolTest test, bool negated) {
  return std::make_unique<IsBoolExpr>(std::move(child), test, negated);
}
ExprPtr MakeIsDistinct(ExprPtr left, ExprPtr right, bool negated) {
  std::vector<ExprPtr> c;
  c.push_back(std::move(left));
  c.push_back(std::move(right));
  return std::make_unique<IsDistinctExpr>(std::move(c), negated);
}
ExprPtr MakeCase(std::vector<std::pair<ExprPtr, ExprPtr>> whens, ExprPtr else_result,
                 DataType type) {
  return std::make_unique<CaseExpr>(std::move(whens), std::move(else_result), std::move(type));
}
ExprPtr MakeCoalesce(std::vector<ExprPtr> children, DataType type) {
  return std::make_unique<CoalesceExpr>(std::move(children), std::move(type));
}
ExprPtr MakeInList(ExprPtr operand, std::vector<ExprPtr> list, bool negated) {
  std::vector<ExprPtr> c;
  c.reserve(list.size() + 1);
  c.push_back(std::move(operand));
  for (ExprPtr& e : list) c.push_back(std::move(e));
  return std::make_unique<InListExpr>(std::move(c), negated);
}
ExprPtr MakeLike(ExprPtr operand, ExprPtr pattern, ExprPtr escape, bool case_insensitive,
                 bool negated) {
  std::vector<ExprPtr> c;
  c.push_back(std::move(operand));
  c.push_back(std::move(pattern));
  if (escape) c.push_back(std::move(escape));
  return std::make_unique<LikeExpr>(std::move(c), case_insensitive, negated);
}
ExprPtr MakeField(ExprPtr base, int index) {
  return std::make_unique<FieldExpr>(std::move(base), index);
}
ExprPtr MakeSubscript(ExprPtr base, ExprPtr index) {
  DataType element = base->type().element();
  std::vector<ExprPtr> c;
  c.push_back(std::move(base));
  c.push_back(std::move(index));
  return std::make_unique<SubscriptExpr>(std::move(c), std::move(element));
}
ExprPtr MakeSlice(ExprPtr base, ExprPtr lower, ExprPtr upper) {
  return std::make_unique<SliceExpr>(std::move(base), std::move(lower), std::move(upper));
}
ExprPtr MakeRow(std::vector<ExprPtr> fields, DataType struct_type) {
  return std::make_unique<ConstructExpr>(ExprKind::kRow, std::move(fields), std::move(struct_type));
}
ExprPtr MakeArray(std::vector<ExprPtr> elements, DataType list_type) {
  return std::make_unique<ConstructExpr>(ExprKind::kArray, std::move(elements),
                                         std::move(list_type));
}

const Value& LiteralValue(const Expr& literal) {
  assert(literal.kind() == ExprKind::kLiteral);
  return static_cast<const LiteralExpr&>(literal).value();
}
int ParamIndex(const Expr& param) {
  assert(param.kind() == ExprKind::kParam);
  return static_cast<const ParamExpr&>(param).index();
}
int ColumnIndex(const Expr& column) {
  assert(column.kind() == ExprKind::kColumn);
  return static_cast<const ColumnExpr&>(column).index();
}
bool InListNegated(const Expr& in_list) {
  assert(in_list.kind() == ExprKind::kInList);
  return static_cast<const InListExpr&>(in_list).negated();
}

const std::string& CallName(const Expr& call) {
  assert(call.kind() == ExprKind::kCall);
  return static_cast<const CallExpr&>(call).function().name;
}

}  // namespace dynasink::exec
