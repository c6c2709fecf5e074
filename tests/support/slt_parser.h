// The sqllogictest file format, as RisingWave's sqllogictest-rs uses it, plus dynasink's
// SQLSTATE and error-position extension. docs/internals/testing.md is the user guide; in short:
//
//   # a comment (only between records)
//   statement ok
//   CREATE TABLE t (a int PRIMARY KEY, b varchar)
//
//   statement count 2
//   INSERT INTO t VALUES (1, 'x'), (2, NULL)
//
//   query IT rowsort
//   SELECT a, b FROM t
//   ----
//   1 x
//   2 NULL
//
//   statement error 22P02 invalid input syntax for type integer: "abc"
//   SELECT 'abc'::int
//
//   query error 42601 @8 syntax error at or near "FORM"
//   SELECT * FORM t
//
//   statement error 42P01
//   SELECT * FROM missing
//   ----
//   relation "missing" does not exist
//
// Records: `statement ok | count N | error [SQLSTATE] [@POSITION] [REGEX]`, `query TYPES
// [nosort|rowsort|valuesort] [LABEL]`, `query error ...`, `halt`, `sleep DURATION`,
// `include GLOB`; before a record, any number of `skipif ENGINE`, `onlyif ENGINE` and one
// `connection NAME`. `hash-threshold N` is accepted and ignored. Every other directive is an
// error, so a typo fails loudly instead of silently skipping a test.
//
// The SQL of a record is its lines up to a blank line or `----`, joined with '\n'. Expected
// rows follow `----` up to a blank line or the end of the file, one row per line with columns
// separated by one space; NULL is `NULL` and the empty string `(empty)`. The expected message
// of an error record may follow `----` instead of a regex on the directive line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace dynasink::test::slt {

enum class RecordKind { kStatement, kQuery, kHalt, kSleep };
enum class SortMode { kNoSort, kRowSort, kValueSort };

// What an error record expects. Every part that is set must match.
struct ExpectedError {
  std::string sqlstate;                      // 5 characters; empty: any
  std::optional<int> position;               // @N: the 1-based character position of the error
  std::string regex;                         // searched in the error text; empty: any message
  bool icase = false;                        // the regex started with (?i)
  std::optional<std::string> exact_message;  // after `----`: the whole error text
};

struct Condition {
  bool only_if = false;  // onlyif (else skipif)
  std::string engine;
};

struct Record {
  RecordKind kind = RecordKind::kStatement;
  std::string file;  // as given to ParseFile, or the include's path
  int line = 0;      // 1-based line of the directive
  std::vector<Condition> conditions;
  std::string connection;  // empty: the default connection
  std::string sql;

  // kStatement: ok, count or error. kQuery: rows or error.
  std::optional<int64_t> expected_count;  // statement count N
  std::optional<ExpectedError> error;     // statement error / query error
  std::string types;                      // query: one character per column
  SortMode sort = SortMode::kNoSort;
  std::string label;
  std::vector<std::string> expected_rows;  // query, as written

  std::chrono::milliseconds sleep{0};  // kSleep

  // The directive line as written, for reports.
  std::string directive;

  // True if the record runs on `engine`.
  bool RunsOn(std::string_view engine) const;
};

// Parses a file, expanding `include` directives (paths relative to the including file; glob
// patterns allowed, matches in sorted order; at most 16 levels). Errors name the file and line.
Result<std::vector<Record>> ParseFile(const std::string& path);
// Parses text as if read from `name`; includes are resolved relative to `name`'s directory.
Result<std::vector<Record>> ParseText(std::string_view text, const std::string& name);

// Parses a duration such as "500ms", "2s", "1.5s", "1m".
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
// True for a 5-character SQLSTATE ([0-9A-Z]{5} with at least one digit).
bool LooksLikeSqlState(std::string_view token);

}  // namespace dynasink::test::slt
