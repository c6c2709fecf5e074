// Statement nodes of the SQL AST (see ast.h for the conventions).
//
// Every statement carries its `span` in the parsed text (from its first token to the end of its
// last one, without the terminating ';'), so a caller holding the text can show or store the
// statement as written. CREATE TABLE and CREATE SINK also keep that text themselves, since the
// catalog persists it (SHOW CREATE, rw_sinks.definition).
#pragma once

#include <optional>

#include "sql/ast_query.h"

namespace dynasink::sql {

enum class StatementKind : uint8_t {
  kQuery,         // QueryStmt: SELECT / VALUES / WITH ...
  kInsert,        // InsertStmt
  kUpdate,        // UpdateStmt
  kDelete,        // DeleteStmt
  kCreateTable,   // CreateTableStmt
  kCreateSink,    // CreateSinkStmt
  kDrop,          // DropStmt: DROP TABLE / DROP SINK
  kAlterSink,     // AlterSinkStmt
  kShowObjects,   // ShowObjectsStmt: SHOW TABLES / SINKS / COLUMNS FROM t / ...
  kShowVariable,  // ShowVariableStmt: SHOW name / SHOW ALL
  kShowCreate,    // ShowCreateStmt: SHOW CREATE TABLE|SINK name
  kDescribe,      // DescribeStmt: DESCRIBE t / DESC t
  kSet,           // SetStmt
  kReset,         // ResetStmt
  kTransaction,   // TransactionStmt: BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT
  kFlush,         // FlushStmt
  kCopy,          // CopyStmt
  kExplain,       // ExplainStmt
  kPrepare,       // PrepareStmt
  kExecute,       // ExecuteStmt
  kDeallocate,    // DeallocateStmt
};
std::string_view StatementKindName(StatementKind kind);

struct Statement {
  const StatementKind kind;
  SourceSpan span;

  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  template <typename T>
  bool Is() const {
    return kind == T::kKind;
  }
  template <typename T>
  T& As() {
    assert(kind == T::kKind);
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& As() const {
    assert(kind == T::kKind);
    return static_cast<const T&>(*this);
  }

 protected:
  explicit Statement(StatementKind k) : kind(k) {}
};
using StatementPtr = std::unique_ptr<Statement>;

#define DS_SQL_STMT_NODE_(Name, Kind)          \
  static constexpr StatementKind kKind = Kind; \
  Name() : Statement(Kind) {}

// ---- queries and DML -----------------------------------------------------------------------

struct QueryStmt final : Statement {
  DS_SQL_STMT_NODE_(QueryStmt, StatementKind::kQuery)
  std::unique_ptr<Query> query;
};

// `col = value` or `(a, b) = (v1, v2)` (the value is then a RowExpr or a SubqueryExpr).
struct Assignment {
  std::vector<Ident> columns;  // one, or several for the parenthesized form
  bool parenthesized = false;  // written as (a, ...) = ..., even with one column
  ExprPtr value;               // may be a DefaultExpr
  uint32_t pos = 0;
};

enum class InsertConflictAction : uint8_t { kDoNothing, kDoUpdate };

// INSERT ... ON CONFLICT [(cols)] DO NOTHING | DO UPDATE SET ... [WHERE ...]
struct InsertOnConflict {
  std::vector<Ident> target_columns;
  InsertConflictAction action = InsertConflictAction::kDoNothing;
  std::vector<Assignment> assignments;  // kDoUpdate only
  ExprPtr where;                        // kDoUpdate only; null when absent
  uint32_t pos = 0;
};

// INSERT INTO t [(cols)] { VALUES ... | SELECT ... | DEFAULT VALUES } [ON CONFLICT ...]
//   [RETURNING ...]
struct InsertStmt final : Statement {
  DS_SQL_STMT_NODE_(InsertStmt, StatementKind::kInsert)
  ObjectName table;
  std::vector<Ident> columns;  // empty: every column in table order
  std::unique_ptr<Query>
      source;  // VALUES rows are a Query with a ValuesBody; null for DEFAULT VALUES
  bool default_values = false;
  std::optional<InsertOnConflict> on_conflict;
  std::vector<SelectItem> returning;
};

// UPDATE t [[AS] alias] SET ... [WHERE ...] [RETURNING ...]
struct UpdateStmt final : Statement {
  DS_SQL_STMT_NODE_(UpdateStmt, StatementKind::kUpdate)
  ObjectName table;
  std::optional<Ident> alias;
  std::vector<Assignment> assignments;  // never empty
  ExprPtr where;
  std::vector<SelectItem> returning;
};

// DELETE FROM t [[AS] alias] [WHERE ...] [RETURNING ...]
struct DeleteStmt final : Statement {
  DS_SQL_STMT_NODE_(DeleteStmt, StatementKind::kDelete)
  ObjectName table;
  std::optional<Ident> alias;
  ExprPtr where;
  std::vector<SelectItem> returning;
};

// ---- DDL -----------------------------------------------------------------------------------

enum class Nullability : uint8_t { kUnspecified, kNull, kNotNull };

struct ColumnDef {
  Ident name;
  TypeName type;
  bool primary_key = false;  // column constraint PRIMARY KEY
  Nullability nullability = Nullability::kUnspecified;
  ExprPtr default_value;  // DEFAULT expr, or null
  uint32_t pos = 0;
};

// RisingWave's `CREATE TABLE ... ON CONFLICT <behavior>`.
enum class OnConflictBehavior : uint8_t {
  kDefault,            // not written: OVERWRITE for a table with a primary key
  kOverwrite,          // OVERWRITE, or DO UPDATE FULL
  kDoNothing,          // DO NOTHING, or IGNORE
  kDoUpdateIfNotNull,  // DO UPDATE IF NOT NULL
};

// CREATE TABLE [IF NOT EXISTS] name (columns [, PRIMARY KEY (a, b)]) [APPEND ONLY]
//   [ON CONFLICT ...] [WITH (...)]
// A primary key is declared either on one column or as a table constraint; the parser refuses
// two declarations (42P16), so PrimaryKey() is the table's key either way.
struct CreateTableStmt final : Statement {
  DS_SQL_STMT_NODE_(CreateTableStmt, StatementKind::kCreateTable)
  ObjectName name;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;           // never empty
  std::vector<Ident> table_primary_key;     // PRIMARY KEY (a, b) table constraint; may be empty
  std::string primary_key_constraint_name;  // CONSTRAINT name PRIMARY KEY (...), else empty
  uint32_t table_primary_key_pos = 0;
  bool append_only = false;  // APPEND ONLY
  OnConflictBehavior on_conflict = OnConflictBehavior::kDefault;
  std::vector<SqlOption> with_options;
  std::string definition;  // the statement's text as written

  // The primary key's column names, from whichever form declared it; empty when none.
  std::vector<std::string> PrimaryKey() const;
};

// The options of `FORMAT data_format ENCODE data_encode [(k = 'v', ...)]`.
struct FormatEncode {
  std::string format;  // lower case: "upsert", "plain", "debezium", ...
  std::string encode;  // lower case: "json", ...
  std::vector<SqlOption> options;
  uint32_t format_pos = 0;
  uint32_t encode_pos = 0;
};

// CREATE SINK [IF NOT EXISTS] name { FROM relation | AS query } WITH (...)
//   [FORMAT ... ENCODE ... [(...)]]
struct CreateSinkStmt final : Statement {
  DS_SQL_STMT_NODE_(CreateSinkStmt, StatementKind::kCreateSink)
  ObjectName name;
  bool if_not_exists = false;
  std::optional<ObjectName> from;  // FROM relation, or
  std::unique_ptr<Query> query;    // AS query
  std::string query_text;          // the AS query as written; empty for FROM
  std::vector<SqlOption> with_options;
  std::optional<FormatEncode> format_encode;
  // The statement as written. The options' ConstValue::span minus span.begin gives each value's
  // range within this text, e.g. to replace secrets before showing it.
  std::string definition;
};

enum class ObjectType : uint8_t { kTable, kSink };
std::string_view ObjectTypeText(ObjectType type);  // "TABLE", "SINK"

enum class DropBehavior : uint8_t { kDefault, kCascade, kRestrict };

// DROP TABLE|SINK [IF EXISTS] name [, ...] [CASCADE | RESTRICT]
struct DropStmt final : Statement {
  DS_SQL_STMT_NODE_(DropStmt, StatementKind::kDrop)
  ObjectType object_type = ObjectType::kTable;
  bool if_exists = false;
  std::vector<ObjectName> names;  // never empty
  DropBehavior behavior = DropBehavior::kDefault;
};

enum class AlterSinkAction : uint8_t { kPause, kResume, kSetOptions, kRename };

// ALTER SINK name PAUSE | RESUME | SET (k = 'v', ...) | RENAME TO new_name
struct AlterSinkStmt final : Statement {
  DS_SQL_STMT_NODE_(AlterSinkStmt, StatementKind::kAlterSink)
  ObjectName name;
  AlterSinkAction action = AlterSinkAction::kPause;
  std::vector<SqlOption> options;  // kSetOptions
  Ident new_name;                  // kRename
};

// ---- SHOW / DESCRIBE -----------------------------------------------------------------------

enum class ShowObjectsKind : uint8_t {
  kTables,
  kSinks,
  kViews,
  kMaterializedViews,
  kSources,
  kDatabases,
  kSchemas,
  kColumns,  // SHOW COLUMNS FROM t: `from` is the table
};

// SHOW TABLES [FROM schema] [LIKE 'pattern'], SHOW SINKS ..., SHOW COLUMNS FROM t.
struct ShowObjectsStmt final : Statement {
  DS_SQL_STMT_NODE_(ShowObjectsStmt, StatementKind::kShowObjects)
  ShowObjectsKind what = ShowObjectsKind::kTables;
  std::optional<ObjectName> from;
  std::optional<std::string> like_pattern;
};

// SHOW name | SHOW ALL. Multi-word names are normalized as in PostgreSQL:
// SHOW TIME ZONE -> "timezone", SHOW TRANSACTION ISOLATION LEVEL -> "transaction_isolation".
struct ShowVariableStmt final : Statement {
  DS_SQL_STMT_NODE_(ShowVariableStmt, StatementKind::kShowVariable)
  std::string name;  // lower case (unless quoted); "all" with all = true
  bool all = false;
};

// SHOW CREATE TABLE|SINK name
struct ShowCreateStmt final : Statement {
  DS_SQL_STMT_NODE_(ShowCreateStmt, StatementKind::kShowCreate)
  ObjectType object_type = ObjectType::kTable;
  ObjectName name;
};

// DESCRIBE name | DESC name
struct DescribeStmt final : Statement {
  DS_SQL_STMT_NODE_(DescribeStmt, StatementKind::kDescribe)
  ObjectName name;
};

// ---- session and utility -------------------------------------------------------------------

enum class SetScope : uint8_t { kDefault, kSession, kLocal };

// SET [SESSION|LOCAL] name {TO|=} value [, ...] | DEFAULT
// SET TIME ZONE value|LOCAL|DEFAULT   -> name "timezone"
// SET NAMES 'enc'                      -> name "client_encoding"
struct SetStmt final : Statement {
  DS_SQL_STMT_NODE_(SetStmt, StatementKind::kSet)
  SetScope scope = SetScope::kDefault;
  std::string name;  // lower case unless quoted; dotted names joined with '.'
  uint32_t name_pos = 0;
  std::vector<ConstValue> values;  // empty when to_default
  bool to_default = false;         // TO DEFAULT, = DEFAULT, TIME ZONE LOCAL|DEFAULT
};

// RESET name | RESET ALL
struct ResetStmt final : Statement {
  DS_SQL_STMT_NODE_(ResetStmt, StatementKind::kReset)
  std::string name;  // empty when all
  bool all = false;
};

enum class TransactionKind : uint8_t { kBegin, kCommit, kRollback };

// BEGIN [WORK|TRANSACTION] [modes] / START TRANSACTION [modes] / COMMIT / END / ROLLBACK / ABORT
struct TransactionStmt final : Statement {
  DS_SQL_STMT_NODE_(TransactionStmt, StatementKind::kTransaction)
  TransactionKind action = TransactionKind::kBegin;
  // BEGIN's modes in lower case, e.g. "isolation level read committed", "read only".
  std::vector<std::string> modes;
};

struct FlushStmt final : Statement {
  DS_SQL_STMT_NODE_(FlushStmt, StatementKind::kFlush)
};

enum class CopyDirection : uint8_t { kFrom, kTo };
enum class CopyFormat : uint8_t { kText, kCsv, kBinary };

// COPY's options, from the modern list `WITH (FORMAT csv, HEADER, DELIMITER ',', NULL '')` or
// the old `WITH CSV HEADER DELIMITER AS ','` syntax. Unset options take PostgreSQL's defaults
// for the format (text: tab and \N; csv: comma, empty string, quote and escape '"').
struct CopyOptions {
  CopyFormat format = CopyFormat::kText;
  bool header = false;
  std::optional<std::string> delimiter;
  std::optional<std::string> null_string;
  std::optional<std::string> quote;
  std::optional<std::string> escape;
  std::optional<std::string> encoding;
};

// COPY t [(cols)] FROM STDIN [[WITH] options] / COPY t [(cols)] | (query) TO STDOUT [...]
struct CopyStmt final : Statement {
  DS_SQL_STMT_NODE_(CopyStmt, StatementKind::kCopy)
  ObjectName table;  // empty parts when copying a query
  std::vector<Ident> columns;
  std::unique_ptr<Query> query;  // COPY (query) TO STDOUT
  CopyDirection direction = CopyDirection::kFrom;
  CopyOptions options;
};

// EXPLAIN [VERBOSE] statement
struct ExplainStmt final : Statement {
  DS_SQL_STMT_NODE_(ExplainStmt, StatementKind::kExplain)
  bool verbose = false;
  StatementPtr statement;
};

// PREPARE name [(types)] AS statement
struct PrepareStmt final : Statement {
  DS_SQL_STMT_NODE_(PrepareStmt, StatementKind::kPrepare)
  Ident name;
  std::vector<TypeName> param_types;
  StatementPtr statement;
};

// EXECUTE name [(params)]
struct ExecuteStmt final : Statement {
  DS_SQL_STMT_NODE_(ExecuteStmt, StatementKind::kExecute)
  Ident name;
  ExprList params;
};

// DEALLOCATE [PREPARE] name | ALL
struct DeallocateStmt final : Statement {
  DS_SQL_STMT_NODE_(DeallocateStmt, StatementKind::kDeallocate)
  Ident name;  // empty when all
  bool all = false;
};

#undef DS_SQL_STMT_NODE_

}  // namespace dynasink::sql
