// Binder: the public entry points (the work is in binder_*.cc).
#include "sql/binder.h"

#include "sql/binder_internal.h"

namespace dynasink::sql {

Binder::Binder(const BindEnv& env, std::vector<types::DataType>* params)
    : impl_(std::make_unique<Impl>(env, params)) {}

Binder::~Binder() = default;

Result<BoundQuery> Binder::BindQuery(const Query& query) {
  return impl_->BindQuery(query, /*sink_mode=*/false);
}

Result<exec::ExprPtr> Binder::BindScalar(const Expr& expr, const types::DataType* target) {
  internal::ExprCtx ctx;
  ctx.clause = "this context";
  DS_ASSIGN_OR_RETURN(exec::ExprPtr e, impl_->Bind(expr, ctx));
  if (target != nullptr) {
    return impl_->Coerce(std::move(e), *target, types::CastContext::kAssignment, expr.pos);
  }
  return impl_->ResolveUnknown(std::move(e), expr.pos);
}

void Binder::FinishParams() {
  for (types::DataType& t : *impl_->params) {
    if (t.id() == types::TypeId::kUnknown) t = types::TypeId::kVarchar;
  }
}

}  // namespace dynasink::sql
