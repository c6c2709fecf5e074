// AST to SQL text: normalized SQL for SHOW CREATE, messages and tests.
//
// The output re-parses to the same tree (parse(print(ast)) == ast, positions aside). Keywords and
// type names are upper case; identifiers are quoted only when they must be (upper case or
// unusual characters, or a keyword that would be misread); expressions get the parentheses that
// precedence requires and no more, unless PrintOptions::fully_parenthesized asks to show the
// tree's shape: `a + b * c` prints as `(a + (b * c))`.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sql/ast_stmt.h"

namespace dynasink::sql {

struct PrintOptions {
  // Wrap every operator expression in parentheses.
  bool fully_parenthesized = false;
  // For CREATE SINK / ALTER SINK options: when this returns true for a key, the value prints as
  // `redaction` (quoted) instead of its text.
  std::function<bool(std::string_view key)> redact_option;
  std::string redaction = "[REDACTED]";
};

std::string PrintStatement(const Statement& stmt, const PrintOptions& options = {});
std::string PrintQuery(const Query& query, const PrintOptions& options = {});
std::string PrintExpr(const Expr& expr, const PrintOptions& options = {});

// A type in SQL spelling: "INT", "CHARACTER VARYING", "TIMESTAMP WITH TIME ZONE",
// "STRUCT<a INT, b CHARACTER VARYING>", "INT[]".
std::string PrintType(const types::DataType& type);
// The same with the written modifiers: "NUMERIC(10,2)", "CHARACTER VARYING(20)[]".
std::string PrintTypeName(const TypeName& type);

// An identifier as SQL: bare when it reads back as itself in any position, else "quoted".
std::string QuoteIdent(std::string_view name);
// A string literal: 'it''s'. Backslashes are plain characters (standard_conforming_strings).
std::string QuoteString(std::string_view value);

}  // namespace dynasink::sql
