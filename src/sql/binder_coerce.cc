// Type conversion during binding, constant folding, and PostgreSQL's output column names.
#include "sql/binder_internal.h"
#include "types/text_format.h"

namespace dynasink::sql {

using types::DataType;
using types::TypeId;
using types::Value;

namespace internal {

bool ContainsUnknown(const DataType& t) {
  switch (t.id()) {
    case TypeId::kUnknown:
      return true;
    case TypeId::kList:
      return ContainsUnknown(t.element());
    case TypeId::kStruct:
      for (const auto& f : t.fields()) {
        if (ContainsUnknown(*f.type)) return true;
      }
      return false;
    default:
      return false;
  }
}

DataType ResolveUnknownType(const DataType& t) {
  switch (t.id()) {
    case TypeId::kUnknown:
      return TypeId::kVarchar;
    case TypeId::kList:
      return DataType::List(ResolveUnknownType(t.element()));
    case TypeId::kStruct: {
      std::vector<std::pair<std::string, DataType>> fields;
      for (const auto& f : t.fields()) fields.emplace_back(f.name, ResolveUnknownType(*f.type));
      return DataType::Struct(std::move(fields));
    }
    default:
      return t;
  }
}

}  // namespace internal

void Binder::Impl::NoteParam(int index, const DataType& type) {
  auto& slot = (*params)[static_cast<size_t>(index)];
  if (slot.id() == TypeId::kUnknown) slot = type;
}

Result<BoundPtr> Binder::Impl::Coerce(BoundPtr e, const DataType& to, types::CastContext context,
                                     uint32_t pos, const internal::CoerceError& on_error) {
  const DataType& from = e->type();
  if (from == to) return e;
  // A NULL constant is a NULL of any type.
  if (e->kind() == exec::ExprKind::kLiteral && exec::LiteralValue(*e).is_null()) {
    return exec::MakeLiteral(Value(), to);
  }
  // ROW(...) and ARRAY[...] convert member by member, so that their untyped members take the
  // target's field or element types (ROW(NULL, 'x') into a struct<a int, b date>).
  if (e->kind() == exec::ExprKind::kRow && to.id() == TypeId::kStruct &&
      e->num_children() == to.fields().size()) {
    std::vector<BoundPtr> fields;
    for (size_t i = 0; i < e->num_children(); ++i) {
      DS_ASSIGN_OR_RETURN(BoundPtr f, Coerce(e->child(i).Clone(), *to.fields()[i].type, context,
                                            pos, on_error));
      fields.push_back(std::move(f));
    }
    return Fold(exec::MakeRow(std::move(fields), to));
  }
  if (e->kind() == exec::ExprKind::kArray && to.id() == TypeId::kList) {
    std::vector<BoundPtr> elements;
    for (size_t i = 0; i < e->num_children(); ++i) {
      DS_ASSIGN_OR_RETURN(BoundPtr x, Coerce(e->child(i).Clone(), to.element(), context, pos,
                                            on_error));
      elements.push_back(std::move(x));
    }
    return Fold(exec::MakeArray(std::move(elements), to));
  }
  if (from.id() == TypeId::kUnknown) {
    if (e->kind() == exec::ExprKind::kLiteral) {
      const Value& v = exec::LiteralValue(*e);
      if (v.is_null()) return exec::MakeLiteral(Value(), to);
      auto parsed = types::ParseValue(v.as_string(), to);
      if (!parsed.ok()) {
        return parsed.status().WithSqlState(parsed.status().sqlstate(), CharPos(pos));
      }
      return exec::MakeLiteral(std::move(parsed).value(), to);
    }
    if (e->kind() == exec::ExprKind::kParam) {
      int index = exec::ParamIndex(*e);
      DataType t = to.id() == TypeId::kSerial ? DataType(TypeId::kInt64) : to;
      NoteParam(index, t);
      return exec::MakeParam(index, (*params)[static_cast<size_t>(index)]);
    }
  }
  if (!types::CanCast(from, to, context)) {
    if (on_error) return on_error(from);
    return ErrorAt(pos, "42846",
                   "cannot cast type " + from.ToString() + " to " + to.ToString());
  }
  return Fold(exec::MakeCast(std::move(e), to));
}

Result<BoundPtr> Binder::Impl::CoerceBoolean(BoundPtr e, const char* what, uint32_t pos) {
  const DataType& t = e->type();
  if (t.id() == TypeId::kBoolean) return e;
  if (t.id() == TypeId::kUnknown) {
    return Coerce(std::move(e), TypeId::kBoolean, types::CastContext::kImplicit, pos);
  }
  return ErrorAt(pos, "42804",
                 std::string("argument of ") + what + " must be type boolean, not type " +
                     t.ToString());
}

Result<BoundPtr> Binder::Impl::ResolveUnknown(BoundPtr e, uint32_t pos) {
  if (!internal::ContainsUnknown(e->type())) return e;
  return Coerce(std::move(e), internal::ResolveUnknownType(e->type()),
                types::CastContext::kImplicit, pos);
}

BoundPtr Binder::Impl::Fold(BoundPtr e) const {
  if (e->kind() == exec::ExprKind::kLiteral || !e->IsConstant()) return e;
  // Rows and arrays with untyped members wait for their context (see Coerce).
  if (internal::ContainsUnknown(e->type())) return e;
  exec::EvalContext ctx;
  auto v = e->Eval(ctx, types::Row());
  if (!v.ok()) return e;  // reported when the statement runs
  return exec::MakeLiteral(std::move(v).value(), e->type());
}

namespace {

// PostgreSQL's short type names, used for the column name of a cast ('1'::int is "int4").
std::string InternalTypeName(const DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean:
      return "bool";
    case TypeId::kInt16:
      return "int2";
    case TypeId::kInt32:
      return "int4";
    case TypeId::kInt64:
    case TypeId::kSerial:
      return "int8";
    case TypeId::kDecimal:
      return "numeric";
    case TypeId::kFloat32:
      return "float4";
    case TypeId::kFloat64:
      return "float8";
    case TypeId::kVarchar:
      return "varchar";
    case TypeId::kBytea:
      return "bytea";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return "time";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kTimestamptz:
      return "timestamptz";
    case TypeId::kInterval:
      return "interval";
    case TypeId::kJsonb:
      return "jsonb";
    case TypeId::kList:
      return InternalTypeName(t.element());
    case TypeId::kStruct:
      return "row";
    default:
      return "?column?";
  }
}

// PostgreSQL's FigureColnameInternal: a name and whether it is a real one (strength > 0).
std::string Figure(const Expr& e, bool* strong) {
  *strong = true;
  switch (e.kind) {
    case ExprKind::kColumnRef:
      return e.As<ColumnRefExpr>().parts.back().name;
    case ExprKind::kFieldAccess:
      return e.As<FieldAccessExpr>().field.name;
    case ExprKind::kSubscript:
      return Figure(*e.As<SubscriptExpr>().base, strong);
    case ExprKind::kFunctionCall:
      return e.As<FunctionCallExpr>().name.name();
    case ExprKind::kCast: {
      const auto& c = e.As<CastExpr>();
      std::string inner = Figure(*c.operand, strong);
      if (*strong) return inner;
      // A cast of something nameless is named after its type, a weaker name.
      *strong = false;
      return InternalTypeName(c.type.type);
    }
    case ExprKind::kTypedLiteral:
      *strong = false;
      return InternalTypeName(e.As<TypedLiteralExpr>().type.type);
    case ExprKind::kCase:
      return "case";
    case ExprKind::kArray:
      return "array";
    case ExprKind::kRow:
      return "row";
    case ExprKind::kExtract:
      return "extract";
    case ExprKind::kExists:
      return "exists";
    case ExprKind::kSqlValue: {
      std::string text(SqlValueKindText(e.As<SqlValueExpr>().value));
      for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return text;
    }
    default:
      *strong = false;
      return "?column?";
  }
}

}  // namespace

std::string FigureColumnName(const Expr& expr) {
  bool strong = false;
  return Figure(expr, &strong);
}

}  // namespace dynasink::sql
