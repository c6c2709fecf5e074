// Runs parsed sqllogictest records (slt_parser.h) against a server over libpq and reports every
// mismatch with its file:line, the SQL, and expected versus actual.
//
//   slt::ExecutorOptions options;
//   options.engine = "postgres";
//   options.connect = [] { return PgConnection::Connect("host=... dbname=dev user=root"); };
//   slt::Executor executor(options, std::cout);
//   slt::Summary summary = executor.Run(records);   // summary.failed == 0: all passed
//
// Each record's SQL is sent as one simple Query message; a query's rows are the last result
// set it returns. Values are compared as text: NULL is `NULL`, the empty string `(empty)`,
// columns are joined with one space, and the comparison is exact (unlike sqllogictest-rs,
// which collapses whitespace), so output formats are checked byte for byte. rowsort sorts the
// actual and the expected lines; valuesort compares the sorted multisets of single values
// (expected lines are split at spaces). A label makes every query with that label produce the
// same rows. `statement count N` compares the row count of the command tag.
//
// Error records compare, in order, the SQLSTATE, the @position, then either the regex
// (ECMAScript, searched anywhere in the error text) or the exact text after `----`. The error
// text is the primary message, plus "\nDETAIL: ..." and "\nHINT: ..." lines when the server
// sent those fields.
//
// Named connections (`connection NAME`) are opened on first use with options.connect; the
// unnamed one is opened at the start. A connection that breaks is reopened for the next record
// (session state is lost); if that fails, the run stops (Summary::aborted).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "support/pg_client.h"
#include "support/slt_parser.h"

namespace dynasink::test::slt {

struct ExecutorOptions {
  std::string engine = "dynasink";  // for skipif/onlyif
  std::function<Result<PgConnection>()> connect;
  bool require_sqlstate = false;  // an error record without a SQLSTATE is a failure
  bool fail_fast = false;         // stop at the first failure
  bool verbose = false;           // print each record before running it
  std::chrono::milliseconds statement_timeout{30'000};
};

struct Summary {
  int records = 0;  // statement and query records seen (halt/sleep not counted)
  int ran = 0;
  int skipped = 0;
  int failed = 0;
  bool halted = false;   // a `halt` record stopped the run
  bool aborted = false;  // a connection could not be (re)opened, or --fail-fast stopped it
  // A connection broke during the run (SQLSTATE 08006): the server may have crashed.
  bool connection_lost = false;
};

class Executor {
 public:
  Executor(ExecutorOptions options, std::ostream& out);
  Summary Run(const std::vector<Record>& records);

 private:
  // Returns the connection for `name`, opening or reopening it as needed; null on failure
  // (already reported).
  PgConnection* Connection(const std::string& name, const Record& record);
  // Runs one record; returns an empty string on success, else the failure's description.
  std::string RunStatement(PgConnection* conn, const Record& record);
  std::string RunQuery(PgConnection* conn, const Record& record);
  std::string CheckError(const Status& status, const Record& record);
  void ReportFailure(const Record& record, const std::string& what);

  ExecutorOptions options_;
  std::ostream& out_;
  std::map<std::string, PgConnection> connections_;
  std::map<std::string, std::vector<std::string>> labels_;
  Summary summary_;
};

// The text form of a row as the expected lines write it.
std::string FormatRow(const PgRow& row);

}  // namespace dynasink::test::slt
