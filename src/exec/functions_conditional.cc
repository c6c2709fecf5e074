// Conditional functions with a common argument type: greatest, least, nullif.
#include "exec/function_table.h"
#include "types/cast.h"

namespace dynasink::exec::internal {

namespace {

using types::DataType;
using types::TypeId;
using types::Value;

// greatest/least ignore NULLs and are NULL only when every argument is.
template <bool greatest>
Status Extreme(const CallContext& call, const Value* const* a, Value* out) {
  const Value* best = nullptr;
  for (size_t i = 0; i < call.arg_types.size(); ++i) {
    if (a[i]->is_null()) continue;
    if (best == nullptr || (greatest ? a[i]->Compare(*best) > 0 : a[i]->Compare(*best) < 0)) {
      best = a[i];
    }
  }
  *out = best == nullptr ? Value() : *best;
  return Status::OK();
}

Status NullIf(const CallContext&, const Value* const* a, Value* out) {
  if (!a[0]->is_null() && !a[1]->is_null() && a[0]->Compare(*a[1]) == 0) {
    *out = Value();
  } else {
    *out = *a[0];
  }
  return Status::OK();
}

Result<DataType> CommonOf(const std::vector<DataType>& args) {
  DataType common;
  for (const DataType& t : args) {
    DS_ASSIGN_OR_RETURN(common, types::CommonSupertype(common, t));
  }
  if (common.id() == TypeId::kUnknown) common = TypeId::kVarchar;
  return common;
}

Result<ResolvedFunction> ResolveConditional(std::string_view name,
                                            const std::vector<DataType>& args) {
  if (args.empty() || (name == "nullif" && args.size() != 2)) return NoSuchFunction(name, args);
  auto common = CommonOf(args);
  if (!common.ok()) {
    // PostgreSQL names the construct: "GREATEST types integer and boolean cannot be matched".
    std::string upper;
    for (char c : name) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return Status::Sql(common.status().sqlstate(), upper + " " + common.status().message());
  }
  std::vector<DataType> types(args.size(), *common);
  ScalarKernel k = name == "greatest" ? Extreme<true> : (name == "least" ? Extreme<false> : NullIf);
  return Resolved(std::string(name), k, std::move(types), *common, /*strict=*/false);
}

}  // namespace

void AddConditionalFunctions(FunctionTable* t) {
  for (const char* name : {"greatest", "least", "nullif"}) (*t)[name].resolver = ResolveConditional;
}

}  // namespace dynasink::exec::internal
