// Tokens of dynasink's SQL dialect (RisingWave's PostgreSQL dialect) and its keyword table.
//
// A Token is a small value that points into the query text (for its raw spelling) and carries a
// `text` view of its meaning: identifiers folded to lower case (quoted ones as written), string
// literals with quotes and escapes resolved, numbers as written. `text` points either into the
// query text or into storage owned by the TokenStream that produced the token (lexer.h).
//
// Keywords follow PostgreSQL's categories, which decide where a word may serve as a name:
//   kUnreserved  a name anywhere (column, table, alias, function)            e.g. sink, flush
//   kColName     a column or table name, but special syntax before "("      e.g. extract, row
//   kTypeFunc    a function name before "(", never a column or table name   e.g. left, like, join
//   kReserved    never a bare name; allowed after AS, after ".", as an option key  e.g. select
// Type names (int, varchar, timestamp, ...) are not keywords: the type grammar matches words.
#pragma once

#include <cstdint>
#include <string_view>

namespace dynasink::sql {

enum class TokenKind : uint8_t {
  kEof = 0,
  kWord,         // unquoted identifier or keyword; text is folded to lower case
  kQuotedIdent,  // "Quoted Identifier"; text keeps its case
  kString,       // 'string', E'escaped', $$dollar$$; text is the decoded value
  kInteger,      // 42
  kDecimal,      // 4.2, .5, 1e10 (any number with a point or an exponent)
  kParam,        // $1; text is the digits
  kLParen,       // (
  kRParen,       // )
  kLBracket,     // [
  kRBracket,     // ]
  kComma,        // ,
  kSemicolon,    // ;
  kDot,          // .
  kColon,        // :
  kDoubleColon,  // ::
  kPlus,         // +
  kMinus,        // -
  kStar,         // *
  kSlash,        // /
  kPercent,      // %
  kCaret,        // ^
  kEq,           // =
  kNotEq,        // <> or !=
  kLt,           // <
  kGt,           // > (never ">>": nested STRUCT<a STRUCT<b INT>> closes with two tokens)
  kLtEq,         // <=
  kGtEq,         // >=
  kConcat,       // ||
  kArrow,        // ->
  kLongArrow,    // ->>
  kAtGt,         // @> (jsonb / array containment)
  kLtAt,         // <@
};

// A human-readable name for messages and tests, e.g. "identifier", "\"(\"".
std::string_view TokenKindName(TokenKind kind);

enum class KeywordCategory : uint8_t { kUnreserved, kColName, kTypeFunc, kReserved };

// Every word the grammar recognises. The X-macro keeps the enum and the table in one place.
// Order here is free; the lookup table is sorted at startup.
#define DS_SQL_KEYWORDS(X)                             \
  X(kAbort, "abort", kUnreserved)                      \
  X(kAll, "all", kReserved)                            \
  X(kAlter, "alter", kUnreserved)                      \
  X(kAnalyse, "analyse", kReserved)                    \
  X(kAnalyze, "analyze", kReserved)                    \
  X(kAnd, "and", kReserved)                            \
  X(kAny, "any", kReserved)                            \
  X(kAppend, "append", kUnreserved)                    \
  X(kArray, "array", kReserved)                        \
  X(kAs, "as", kReserved)                              \
  X(kAsc, "asc", kReserved)                            \
  X(kAsymmetric, "asymmetric", kReserved)              \
  X(kAt, "at", kUnreserved)                            \
  X(kAuthorization, "authorization", kTypeFunc)        \
  X(kBegin, "begin", kUnreserved)                      \
  X(kBetween, "between", kReserved)                    \
  X(kBinary, "binary", kTypeFunc)                      \
  X(kBoth, "both", kReserved)                          \
  X(kBy, "by", kUnreserved)                            \
  X(kCascade, "cascade", kUnreserved)                  \
  X(kCase, "case", kReserved)                          \
  X(kCast, "cast", kReserved)                          \
  X(kCheck, "check", kReserved)                        \
  X(kCollate, "collate", kReserved)                    \
  X(kColumn, "column", kReserved)                      \
  X(kColumns, "columns", kUnreserved)                  \
  X(kCommit, "commit", kUnreserved)                    \
  X(kConflict, "conflict", kUnreserved)                \
  X(kConstraint, "constraint", kReserved)              \
  X(kCopy, "copy", kUnreserved)                        \
  X(kCreate, "create", kReserved)                      \
  X(kCross, "cross", kTypeFunc)                        \
  X(kCsv, "csv", kUnreserved)                          \
  X(kCurrentCatalog, "current_catalog", kReserved)     \
  X(kCurrentDate, "current_date", kReserved)           \
  X(kCurrentRole, "current_role", kReserved)           \
  X(kCurrentSchema, "current_schema", kTypeFunc)       \
  X(kCurrentTime, "current_time", kReserved)           \
  X(kCurrentTimestamp, "current_timestamp", kReserved) \
  X(kCurrentUser, "current_user", kReserved)           \
  X(kDatabases, "databases", kUnreserved)              \
  X(kDeallocate, "deallocate", kUnreserved)            \
  X(kDefault, "default", kReserved)                    \
  X(kDeferrable, "deferrable", kReserved)              \
  X(kDelete, "delete", kUnreserved)                    \
  X(kDelimiter, "delimiter", kUnreserved)              \
  X(kDesc, "desc", kReserved)                          \
  X(kDescribe, "describe", kUnreserved)                \
  X(kDistinct, "distinct", kReserved)                  \
  X(kDo, "do", kReserved)                              \
  X(kDrop, "drop", kUnreserved)                        \
  X(kElse, "else", kReserved)                          \
  X(kEncode, "encode", kUnreserved)                    \
  X(kEnd, "end", kReserved)                            \
  X(kEscape, "escape", kUnreserved)                    \
  X(kExcept, "except", kReserved)                      \
  X(kExecute, "execute", kUnreserved)                  \
  X(kExists, "exists", kColName)                       \
  X(kExplain, "explain", kUnreserved)                  \
  X(kExtract, "extract", kColName)                     \
  X(kFalse, "false", kReserved)                        \
  X(kFetch, "fetch", kReserved)                        \
  X(kFilter, "filter", kUnreserved)                    \
  X(kFirst, "first", kUnreserved)                      \
  X(kFlush, "flush", kUnreserved)                      \
  X(kFor, "for", kReserved)                            \
  X(kForeign, "foreign", kReserved)                    \
  X(kFormat, "format", kUnreserved)                    \
  X(kFreeze, "freeze", kTypeFunc)                      \
  X(kFrom, "from", kReserved)                          \
  X(kFull, "full", kTypeFunc)                          \
  X(kGrant, "grant", kReserved)                        \
  X(kGroup, "group", kReserved)                        \
  X(kHaving, "having", kReserved)                      \
  X(kHeader, "header", kUnreserved)                    \
  X(kIf, "if", kUnreserved)                            \
  X(kIgnore, "ignore", kUnreserved)                    \
  X(kIlike, "ilike", kTypeFunc)                        \
  X(kIn, "in", kReserved)                              \
  X(kInitially, "initially", kReserved)                \
  X(kInner, "inner", kTypeFunc)                        \
  X(kInsert, "insert", kUnreserved)                    \
  X(kIntersect, "intersect", kReserved)                \
  X(kInto, "into", kReserved)                          \
  X(kIs, "is", kTypeFunc)                              \
  X(kIsnull, "isnull", kTypeFunc)                      \
  X(kIsolation, "isolation", kUnreserved)              \
  X(kJoin, "join", kTypeFunc)                          \
  X(kLast, "last", kUnreserved)                        \
  X(kLateral, "lateral", kReserved)                    \
  X(kLeading, "leading", kReserved)                    \
  X(kLeft, "left", kTypeFunc)                          \
  X(kLevel, "level", kUnreserved)                      \
  X(kLike, "like", kTypeFunc)                          \
  X(kLimit, "limit", kReserved)                        \
  X(kLocal, "local", kUnreserved)                      \
  X(kLocaltime, "localtime", kReserved)                \
  X(kLocaltimestamp, "localtimestamp", kReserved)      \
  X(kMaterialized, "materialized", kUnreserved)        \
  X(kNames, "names", kUnreserved)                      \
  X(kNatural, "natural", kTypeFunc)                    \
  X(kNot, "not", kReserved)                            \
  X(kNothing, "nothing", kUnreserved)                  \
  X(kNotnull, "notnull", kTypeFunc)                    \
  X(kNull, "null", kReserved)                          \
  X(kNulls, "nulls", kUnreserved)                      \
  X(kOffset, "offset", kReserved)                      \
  X(kOn, "on", kReserved)                              \
  X(kOnly, "only", kReserved)                          \
  X(kOr, "or", kReserved)                              \
  X(kOrder, "order", kReserved)                        \
  X(kOuter, "outer", kTypeFunc)                        \
  X(kOverlaps, "overlaps", kTypeFunc)                  \
  X(kOverwrite, "overwrite", kUnreserved)              \
  X(kPause, "pause", kUnreserved)                      \
  X(kPlacing, "placing", kReserved)                    \
  X(kPosition, "position", kColName)                   \
  X(kPrepare, "prepare", kUnreserved)                  \
  X(kPrimary, "primary", kReserved)                    \
  X(kRead, "read", kUnreserved)                        \
  X(kRecursive, "recursive", kUnreserved)              \
  X(kReferences, "references", kReserved)              \
  X(kRename, "rename", kUnreserved)                    \
  X(kReset, "reset", kUnreserved)                      \
  X(kRestrict, "restrict", kUnreserved)                \
  X(kResume, "resume", kUnreserved)                    \
  X(kReturning, "returning", kReserved)                \
  X(kRight, "right", kTypeFunc)                        \
  X(kRollback, "rollback", kUnreserved)                \
  X(kRow, "row", kColName)                             \
  X(kRows, "rows", kUnreserved)                        \
  X(kSchemas, "schemas", kUnreserved)                  \
  X(kSelect, "select", kReserved)                      \
  X(kSession, "session", kUnreserved)                  \
  X(kSessionUser, "session_user", kReserved)           \
  X(kSet, "set", kUnreserved)                          \
  X(kShow, "show", kUnreserved)                        \
  X(kSimilar, "similar", kTypeFunc)                    \
  X(kSink, "sink", kUnreserved)                        \
  X(kSinks, "sinks", kUnreserved)                      \
  X(kSome, "some", kReserved)                          \
  X(kSources, "sources", kUnreserved)                  \
  X(kStart, "start", kUnreserved)                      \
  X(kStdin, "stdin", kUnreserved)                      \
  X(kStdout, "stdout", kUnreserved)                    \
  X(kSubstring, "substring", kColName)                 \
  X(kSymmetric, "symmetric", kReserved)                \
  X(kTable, "table", kReserved)                        \
  X(kTables, "tables", kUnreserved)                    \
  X(kThen, "then", kReserved)                          \
  X(kTo, "to", kReserved)                              \
  X(kTrailing, "trailing", kReserved)                  \
  X(kTransaction, "transaction", kUnreserved)          \
  X(kTrim, "trim", kColName)                           \
  X(kTrue, "true", kReserved)                          \
  X(kUnion, "union", kReserved)                        \
  X(kUnique, "unique", kReserved)                      \
  X(kUnknown, "unknown", kUnreserved)                  \
  X(kUpdate, "update", kUnreserved)                    \
  X(kUser, "user", kReserved)                          \
  X(kUsing, "using", kReserved)                        \
  X(kValues, "values", kColName)                       \
  X(kVariadic, "variadic", kReserved)                  \
  X(kVerbose, "verbose", kTypeFunc)                    \
  X(kViews, "views", kUnreserved)                      \
  X(kWhen, "when", kReserved)                          \
  X(kWhere, "where", kReserved)                        \
  X(kWindow, "window", kReserved)                      \
  X(kWith, "with", kReserved)                          \
  X(kWork, "work", kUnreserved)                        \
  X(kWrite, "write", kUnreserved)                      \
  X(kZone, "zone", kUnreserved)

enum class Keyword : uint16_t {
  kNone = 0,
#define DS_SQL_KEYWORD_ENUM_(name, text, category) name,
  DS_SQL_KEYWORDS(DS_SQL_KEYWORD_ENUM_)
#undef DS_SQL_KEYWORD_ENUM_
};

// The keyword spelled `lower` (already folded to lower case), or Keyword::kNone.
Keyword LookupKeyword(std::string_view lower);
// The lower-case spelling of a keyword ("" for kNone).
std::string_view KeywordText(Keyword keyword);
// kUnreserved for kNone: an ordinary identifier may be used anywhere.
KeywordCategory KeywordCategoryOf(Keyword keyword);

struct Token {
  TokenKind kind = TokenKind::kEof;
  Keyword keyword = Keyword::kNone;  // only for kWord
  uint32_t offset = 0;               // byte offset of the raw spelling in the query text
  uint32_t length = 0;               // byte length of the raw spelling
  std::string_view text;             // meaning, see the file comment

  bool Is(TokenKind k) const { return kind == k; }
  bool IsKeyword(Keyword k) const { return kind == TokenKind::kWord && keyword == k; }
  // An unquoted word that is not a keyword, e.g. a type name or unreserved option word.
  bool IsWord(std::string_view lower) const { return kind == TokenKind::kWord && text == lower; }
  uint32_t end() const { return offset + length; }
};

}  // namespace dynasink::sql
