// The SQL abstract syntax tree: the building blocks shared by expressions and statements.
//
// The AST is a tagged hierarchy: every expression derives from Expr (ast_expr.h) and every
// statement from Statement (ast_stmt.h); each base carries a `kind` tag, and each concrete node
// a static `kKind`, so code walks the tree with a switch on kind and As<Node>():
//
//   switch (expr.kind) {
//     case ExprKind::kBinary: { const auto& b = expr.As<BinaryExpr>(); ... }
//   }
//
// Children are owned through std::unique_ptr; lists are std::vector. Every node keeps the byte
// offset of its first token (or, for operators, of the operator) in the parsed text, so that
// later stages can report errors at PostgreSQL's 1-based character position with
// sql::CharPosition(text, node.pos). Names are already folded: unquoted identifiers are in lower
// case, quoted ones as written. The AST owns all its strings; it does not point into the text.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "types/data_type.h"

namespace dynasink::sql {

// Byte range [begin, end) of the parsed text.
struct SourceSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
};

// One (folded) name with the offset of its token.
struct Ident {
  std::string name;
  uint32_t pos = 0;
};

// A possibly qualified name: `t`, `rw_catalog.rw_sinks`, `pg_catalog.version`.
struct ObjectName {
  std::vector<Ident> parts;  // never empty once parsed
  uint32_t pos = 0;

  // The last part, i.e. the object's own name.
  const std::string& name() const { return parts.back().name; }
  // The parts joined with '.', unquoted: "rw_catalog.rw_sinks".
  std::string ToString() const;
};

// A type as written in SQL, resolved to the engine's DataType.
//   `varchar(20)`, `numeric(10, 2)`, `time(3)`: the modifiers are kept in `modifiers` and, as in
//   RisingWave, do not change the type (there is one varchar, one numeric).
struct TypeName {
  types::DataType type;
  std::vector<int32_t> modifiers;  // of the outermost written type, before any []
  uint32_t pos = 0;
};

// A constant as written where the grammar wants a plain value: option values, SET values.
struct ConstValue {
  enum class Kind : uint8_t {
    kString,   // 'value'          text: the decoded string
    kNumber,   // 25, -1, 1.5      text: as written, with its sign
    kBoolean,  // true / false     text: "true" or "false"
    kWord,     // bare word        text: folded like an identifier (quoted: as written)
  };
  Kind kind = Kind::kString;
  std::string text;
  // The raw spelling in the parsed text (quotes included), e.g. to redact a secret from the
  // statement's original text (see CreateSinkStmt::definition).
  SourceSpan span;
};

// A `key = value` pair of a WITH (...) or FORMAT ... ENCODE ... (...) list.
struct SqlOption {
  // Dotted keys are joined with '.': `aws.region`, `"aws.region"` and 'aws.region' all give
  // "aws.region". Unquoted parts are folded to lower case; quoted ones keep their case.
  std::string key;
  uint32_t key_pos = 0;
  ConstValue value;
};

// The option named `key`, or null.
const SqlOption* FindOption(const std::vector<SqlOption>& options, std::string_view key);

struct Expr;
struct Query;
struct Statement;
using ExprPtr = std::unique_ptr<Expr>;
using ExprList = std::vector<ExprPtr>;

}  // namespace dynasink::sql
