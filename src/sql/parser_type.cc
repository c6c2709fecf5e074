// The type grammar: every spelling of RisingWave's types, to types::DataType.
//
//   boolean bool | smallint int2 | integer int int4 | bigint int8 | serial
//   numeric decimal dec [(p [, s])] | real float4 | double precision float8 | float [(p)]
//   varchar [(n)] | character varying [(n)] | char varying [(n)] | character | char [(n)]
//   text | string | bytea | date | time [(p)] [without time zone]
//   timestamp [(p)] [with | without time zone] | timestamptz [(p)] | interval | jsonb
//   struct<name type, ...> (nested) | any of these followed by [] / [n] / ARRAY, repeatedly
//
// An optional `pg_catalog.` prefix is accepted, as drivers write it. Modifiers are validated the
// way PostgreSQL validates them and kept in TypeName::modifiers; they do not change the type.
// char(n) is read as varchar, as RisingWave does (no blank padding).
#include <fmt/format.h>

#include <charconv>

#include "sql/parser_internal.h"

namespace dynasink::sql {

using types::DataType;
using types::TypeId;

Result<TypeName> Parser::ParseType() {
  DepthGuard guard(this);
  DS_RETURN_IF_ERROR(guard.Check());
  TypeName type_name;
  type_name.pos = Peek().offset;
  DS_ASSIGN_OR_RETURN(DataType type, ParseBaseType(&type_name.modifiers));
  while (true) {
    if (Peek().Is(TokenKind::kLBracket) &&
        (Peek(1).Is(TokenKind::kRBracket) ||
         (Peek(1).Is(TokenKind::kInteger) && Peek(2).Is(TokenKind::kRBracket)))) {
      // int[] and int[3] (the bound is ignored, as in PostgreSQL).
      Next();
      if (Peek().Is(TokenKind::kInteger)) Next();
      Next();
      type = DataType::List(std::move(type));
    } else if (Peek().IsKeyword(Keyword::kArray)) {
      // int ARRAY and int ARRAY[3].
      Next();
      if (Peek().Is(TokenKind::kLBracket) && Peek(1).Is(TokenKind::kInteger) &&
          Peek(2).Is(TokenKind::kRBracket)) {
        Next();
        Next();
        Next();
      }
      type = DataType::List(std::move(type));
    } else {
      break;
    }
  }
  type_name.type = std::move(type);
  return type_name;
}

Result<std::vector<int32_t>> Parser::ParseTypeModifiers() {
  std::vector<int32_t> modifiers;
  if (!Accept(TokenKind::kLParen)) return modifiers;
  do {
    const bool negative = Accept(TokenKind::kMinus);
    const Token& t = Peek();
    if (!t.Is(TokenKind::kInteger)) return SyntaxError();
    int32_t value = 0;
    auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
    if (ec != std::errc() || end != t.text.data() + t.text.size()) {
      return ErrorAt(t.offset, "22023", fmt::format("type modifier {} is out of range", t.text));
    }
    Next();
    modifiers.push_back(negative ? -value : value);
  } while (Accept(TokenKind::kComma));
  DS_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return modifiers;
}

bool Parser::AcceptTimeZoneSuffix(bool* with_tz) {
  const Token& t = Peek();
  const bool with = t.IsKeyword(Keyword::kWith);
  if (!(with || t.IsWord("without")) || !Peek(1).IsWord("time") || !Peek(2).IsWord("zone")) {
    return false;
  }
  Next();
  Next();
  Next();
  *with_tz = with;
  return true;
}

Result<DataType> Parser::ParseStructType() {
  // STRUCT<> lexes as "<>".
  if (Accept(TokenKind::kNotEq)) return DataType::Struct({});
  DS_RETURN_IF_ERROR(Expect(TokenKind::kLt));
  std::vector<std::pair<std::string, DataType>> fields;
  do {
    DS_ASSIGN_OR_RETURN(Ident name, ParseColLabel());
    DS_ASSIGN_OR_RETURN(TypeName field_type, ParseType());
    fields.emplace_back(std::move(name.name), std::move(field_type.type));
  } while (Accept(TokenKind::kComma));
  DS_RETURN_IF_ERROR(Expect(TokenKind::kGt));
  return DataType::Struct(std::move(fields));
}

Result<DataType> Parser::ParseBaseType(std::vector<int32_t>* modifiers) {
  if (Peek().IsWord("pg_catalog") && Peek(1).Is(TokenKind::kDot)) {
    Next();
    Next();
  }
  const Token& t = Peek();
  if (t.Is(TokenKind::kQuotedIdent)) {
    return ErrorAt(t.offset, "42704", fmt::format("type \"{}\" does not exist", t.text));
  }
  if (!t.Is(TokenKind::kWord) || KeywordCategoryOf(t.keyword) == KeywordCategory::kReserved) {
    return SyntaxError();
  }
  Next();
  const std::string_view name = t.text;
  // Types that take no modifier refuse one with PostgreSQL's message.
  auto plain = [&](DataType type, std::string_view display) -> Result<DataType> {
    if (Peek().Is(TokenKind::kLParen)) {
      return ErrorAt(Peek().offset, "42601",
                     fmt::format("type modifier is not allowed for type \"{}\"", display));
    }
    return type;
  };
  auto modifier_count_error = [&](std::string_view display) {
    return ErrorAt(t.offset, "42601",
                   fmt::format("invalid type modifier for type \"{}\"", display));
  };

  if (name == "boolean" || name == "bool") return plain(TypeId::kBoolean, "boolean");
  if (name == "smallint" || name == "int2") return plain(TypeId::kInt16, "smallint");
  if (name == "integer" || name == "int" || name == "int4") return plain(TypeId::kInt32, "integer");
  if (name == "bigint" || name == "int8") return plain(TypeId::kInt64, "bigint");
  if (name == "serial") return plain(TypeId::kSerial, "serial");
  if (name == "real" || name == "float4") return plain(TypeId::kFloat32, "real");
  if (name == "float8") return plain(TypeId::kFloat64, "double precision");
  if (name == "double") {
    DS_RETURN_IF_ERROR(ExpectWord("precision"));
    return plain(TypeId::kFloat64, "double precision");
  }
  if (name == "bytea") return plain(TypeId::kBytea, "bytea");
  if (name == "date") return plain(TypeId::kDate, "date");
  if (name == "interval") return plain(TypeId::kInterval, "interval");
  if (name == "jsonb") return plain(TypeId::kJsonb, "jsonb");
  if (name == "text" || name == "string") return plain(TypeId::kVarchar, "text");
  if (name == "struct") return ParseStructType();
  if (name == "json") {
    return NotSupportedAt(t.offset, "type json is not supported; use jsonb");
  }
  if (name == "float") {
    // float(p) picks real or double precision; the type alone then says everything, so the
    // modifier is not kept.
    DS_ASSIGN_OR_RETURN(std::vector<int32_t> precision, ParseTypeModifiers());
    if (precision.empty()) return DataType(TypeId::kFloat64);
    if (precision.size() > 1) return modifier_count_error("float");
    int32_t p = precision.front();
    if (p < 1) {
      return ErrorAt(t.offset, "22023", "precision for type float must be at least 1 bit");
    }
    if (p > 53) {
      return ErrorAt(t.offset, "22023", "precision for type float must be less than 54 bits");
    }
    return DataType(p <= 24 ? TypeId::kFloat32 : TypeId::kFloat64);
  }
  if (name == "numeric" || name == "decimal" || name == "dec") {
    DS_ASSIGN_OR_RETURN(*modifiers, ParseTypeModifiers());
    if (modifiers->size() > 2) return modifier_count_error("numeric");
    if (!modifiers->empty()) {
      int32_t precision = (*modifiers)[0];
      if (precision < 1 || precision > 1000) {
        return ErrorAt(t.offset, "22023",
                       fmt::format("NUMERIC precision {} must be between 1 and 1000", precision));
      }
      if (modifiers->size() == 2 && ((*modifiers)[1] < -1000 || (*modifiers)[1] > 1000)) {
        return ErrorAt(
            t.offset, "22023",
            fmt::format("NUMERIC scale {} must be between -1000 and 1000", (*modifiers)[1]));
      }
    }
    return DataType(TypeId::kDecimal);
  }
  if (name == "varchar" || name == "character" || name == "char") {
    if (name != "varchar") AcceptWord("varying");
    DS_ASSIGN_OR_RETURN(*modifiers, ParseTypeModifiers());
    if (modifiers->size() > 1) return modifier_count_error("character varying");
    if (!modifiers->empty() && modifiers->front() < 1) {
      return ErrorAt(t.offset, "22023", fmt::format("length for type {} must be at least 1", name));
    }
    return DataType(TypeId::kVarchar);
  }
  if (name == "time" || name == "timestamp" || name == "timestamptz") {
    DS_ASSIGN_OR_RETURN(*modifiers, ParseTypeModifiers());
    if (modifiers->size() > 1) return modifier_count_error(name);
    if (!modifiers->empty() && modifiers->front() < 0) {
      return ErrorAt(
          t.offset, "22023",
          fmt::format("{}({}) precision must not be negative", name, modifiers->front()));
    }
    bool with_tz = false;
    if (name != "timestamptz") AcceptTimeZoneSuffix(&with_tz);
    if (name == "time") {
      if (with_tz) {
        return NotSupportedAt(t.offset,
                              "type time with time zone is not supported; use "
                              "time or timestamp with time zone");
      }
      return DataType(TypeId::kTime);
    }
    return DataType(name == "timestamptz" || with_tz ? TypeId::kTimestamptz : TypeId::kTimestamp);
  }
  return ErrorAt(t.offset, "42704", fmt::format("type \"{}\" does not exist", name));
}

}  // namespace dynasink::sql
