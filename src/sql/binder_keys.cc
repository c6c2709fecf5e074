// Narrowing a scan to primary-key lookups: `WHERE pk = v` (every key column pinned, by equality
// or a one-column IN list) becomes point reads, and comparisons on the first key column a key
// range. The WHERE filter still runs over the rows read, so this only has to be sound, not
// complete: a conjunct it does not understand is simply left to the filter.
#include "sql/binder_internal.h"

namespace dynasink::sql {

using BExpr = exec::Expr;
using BKind = exec::ExprKind;
using types::TypeId;

namespace {

TypeId Norm(TypeId t) { return t == TypeId::kSerial ? TypeId::kInt64 : t; }

// The table column `e` reads unchanged (a serial <-> bigint cast counts as unchanged), or -1.
int ColumnOf(const BExpr& e) {
  if (e.kind() == BKind::kColumn) return exec::ColumnIndex(e);
  if (e.kind() == BKind::kCast && e.child(0).kind() == BKind::kColumn &&
      Norm(e.type().id()) == Norm(e.child(0).type().id())) {
    return exec::ColumnIndex(e.child(0));
  }
  return -1;
}

// A value known before any row is read: literals, parameters, the statement's clock.
bool IsRowIndependent(const BExpr& e) { return !e.ReadsRow(); }

}  // namespace

exec::KeyAccess Binder::Impl::ExtractKeyAccess(const catalog::TableDef& table,
                                               const BExpr* predicate) {
  exec::KeyAccess access;
  if (predicate == nullptr) return access;
  std::vector<const BExpr*> conjuncts;
  if (predicate->kind() == BKind::kAnd) {
    for (size_t i = 0; i < predicate->num_children(); ++i) conjuncts.push_back(&predicate->child(i));
  } else {
    conjuncts.push_back(predicate);
  }
  size_t nkey = table.primary_key.size();
  std::vector<const BExpr*> equal(nkey, nullptr);
  const BExpr* in_list = nullptr;
  const BExpr* lower = nullptr;
  const BExpr* upper = nullptr;
  bool lower_inclusive = true, upper_inclusive = true;

  auto key_of = [&](const BExpr& column_side, const BExpr& value_side) -> int {
    int col = ColumnOf(column_side);
    if (col < 0 || !IsRowIndependent(value_side)) return -1;
    int k = table.key_position(static_cast<size_t>(col));
    if (k < 0) return -1;
    if (Norm(value_side.type().id()) != Norm(table.key_types()[static_cast<size_t>(k)].id()) ||
        value_side.type().is_nested()) {
      return -1;
    }
    return k;
  };

  for (const BExpr* c : conjuncts) {
    if (c->kind() == BKind::kInList && !exec::InListNegated(*c) && nkey == 1) {
      bool usable = ColumnOf(c->child(0)) >= 0 &&
               table.key_position(static_cast<size_t>(ColumnOf(c->child(0)))) == 0;
      for (size_t i = 1; i < c->num_children() && usable; ++i) {
        usable = key_of(c->child(0), c->child(i)) == 0;
      }
      if (usable && in_list == nullptr) in_list = c;
      continue;
    }
    if (c->kind() != BKind::kCall || c->num_children() != 2) continue;
    const std::string& op = exec::CallName(*c);
    bool mirrored = false;
    int k = key_of(c->child(0), c->child(1));
    if (k < 0) {
      k = key_of(c->child(1), c->child(0));
      mirrored = true;
    }
    if (k < 0) continue;
    const BExpr& value = mirrored ? c->child(0) : c->child(1);
    if (op == "=") {
      if (equal[static_cast<size_t>(k)] == nullptr) equal[static_cast<size_t>(k)] = &value;
      continue;
    }
    if (k != 0) continue;
    // Normalize to `key op value`.
    std::string o = op;
    if (mirrored) o = o == "<" ? ">" : o == "<=" ? ">=" : o == ">" ? "<" : o == ">=" ? "<=" : o;
    if ((o == ">" || o == ">=") && lower == nullptr) {
      lower = &value;
      lower_inclusive = o == ">=";
    } else if ((o == "<" || o == "<=") && upper == nullptr) {
      upper = &value;
      upper_inclusive = o == "<=";
    }
  }

  bool all_equal = true;
  for (const BExpr* e : equal) all_equal = all_equal && e != nullptr;
  if (all_equal) {
    access.kind = exec::KeyAccess::Kind::kPoints;
    std::vector<BoundPtr> point;
    for (const BExpr* e : equal) point.push_back(e->Clone());
    access.points.push_back(std::move(point));
    return access;
  }
  if (in_list != nullptr) {
    access.kind = exec::KeyAccess::Kind::kPoints;
    for (size_t i = 1; i < in_list->num_children(); ++i) {
      std::vector<BoundPtr> point;
      point.push_back(in_list->child(i).Clone());
      access.points.push_back(std::move(point));
    }
    return access;
  }
  if (equal[0] != nullptr) {
    // The first key column pinned: a range covering exactly that value.
    access.kind = exec::KeyAccess::Kind::kRange;
    access.lower = equal[0]->Clone();
    access.upper = equal[0]->Clone();
    return access;
  }
  if (lower != nullptr || upper != nullptr) {
    access.kind = exec::KeyAccess::Kind::kRange;
    if (lower) access.lower = lower->Clone();
    access.lower_inclusive = lower_inclusive;
    if (upper) access.upper = upper->Clone();
    access.upper_inclusive = upper_inclusive;
  }
  return access;
}

}  // namespace dynasink::sql
