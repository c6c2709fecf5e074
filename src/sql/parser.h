// The SQL parser: query text to AST (ast_stmt.h), for RisingWave's dialect of PostgreSQL SQL.
//
// Hand-written recursive descent, with precedence climbing for expressions following
// PostgreSQL's operator precedence (lowest first): OR; AND; NOT; IS / ISNULL / NOTNULL;
// comparisons (non-associative); BETWEEN / IN / LIKE / ILIKE; other operators (|| -> ->> @> <@);
// + -; * / %; ^; AT TIME ZONE; unary + -; then [] subscripts, .field and :: casts bind tightest.
//
// Errors follow PostgreSQL: SQLSTATE 42601 with `syntax error at or near "tok"` or `syntax error
// at end of input`, and Status::position() set to the 1-based character position of the token.
// Other codes where PostgreSQL uses them: 42704 `type "foo" does not exist`, 0A000 for valid
// syntax that dynasink does not support (the message says what is), 42P16 for two primary keys,
// 42P02 for a bad parameter number, 54001 for nesting deeper than kMaxParseDepth.
//
// The parser is linear in the input; a multi-row INSERT costs one node per value.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "sql/ast_stmt.h"

namespace dynasink::sql {

// Nesting (parentheses, subqueries, prefix operators, nested types) deeper than this is refused
// rather than risking the stack of the calling thread.
inline constexpr int kMaxParseDepth = 200;

// Parses every statement of `sql`, separated by ';'. Empty statements (";;", a text of only
// whitespace and comments) are skipped, so an empty vector means an empty query (the protocol's
// EmptyQueryResponse). Each statement's span is its range in `sql`. Any error fails the whole
// text, as PostgreSQL does for a simple query.
Result<std::vector<StatementPtr>> ParseStatements(std::string_view sql);

// Parses a text that must hold at most one statement, as the extended protocol's Parse message
// and PREPARE need. Returns null for an empty text; several statements are refused with
// PostgreSQL's `cannot insert multiple commands into a prepared statement` (42601).
Result<StatementPtr> ParseSingleStatement(std::string_view sql);

// Parses one expression that must span the whole text (tests, DEFAULT expressions, tools).
Result<ExprPtr> ParseExpression(std::string_view sql);

// Parses one type name that must span the whole text: "int", "varchar(10)", "double precision",
// "timestamp with time zone", "STRUCT<a INT, b VARCHAR>[]", ...
Result<TypeName> ParseTypeName(std::string_view sql);

}  // namespace dynasink::sql
