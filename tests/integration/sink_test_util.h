// The fixture of the DynamoDB sink's end-to-end tests (sink_*_test.cc): one DynamoDB Local and
// one `dynasink serve` per test file (support/sink_e2e.h), a SQL session per test, and
// assertions that compare DynamoDB, read through the AWS CLI, with the SQL side.
//
// Each test uses its own SQL table, sink and DynamoDB table names, so the tests of a file can
// share the two processes (a JVM start costs seconds).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/sink_e2e.h"

namespace dynasink::test {

using std::chrono::milliseconds;
using std::chrono::seconds;

// `text` with the test's secret replaced, for failure messages (tests grep outputs for it).
inline std::string HideSecret(std::string text) {
  const std::string secret = kTestSecretAccessKey;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "<secret>");
  }
  return text;
}

// Runs `sql` (one or more statements) and reports the error with the statement.
inline ::testing::AssertionResult SqlOk(PgConnection& conn, const std::string& sql) {
  auto r = conn.ExecAll(sql);
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << HideSecret(sql.substr(0, 2000)) << "\n  failed: " << r.status().ToString();
}

// The error of `sql` (its message with DETAIL/HINT lines), or nullopt when it succeeded.
inline std::optional<Status> SqlError(PgConnection& conn, const std::string& sql) {
  auto r = conn.ExecAll(sql);
  if (r.ok()) return std::nullopt;
  return r.status();
}

// What DynamoDB holds, read through the AWS CLI, equals what `query` says it should hold.
inline ::testing::AssertionResult DynamoMatchesQuery(PgConnection& conn,
                                                     const std::string& endpoint,
                                                     const std::string& table,
                                                     const std::string& query,
                                                     const std::vector<AttrKind>& kinds,
                                                     const std::vector<std::string>& keys) {
  auto want = ItemsFromQuery(conn, query, kinds, keys);
  if (!want.ok()) {
    return ::testing::AssertionFailure() << query << ": " << want.status().ToString();
  }
  auto got = ScanWithCli(endpoint, table, keys);
  if (!got.ok()) {
    return ::testing::AssertionFailure()
           << "aws dynamodb scan " << table << ": " << got.status().ToString();
  }
  std::string diff = DiffItems(*want, *got);
  if (diff.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "DynamoDB table " << table << " differs from `" << query << "`:\n"
         << diff;
}

class SinkE2eTest : public ::testing::Test {
 protected:
  // Starts the shared test bed; a file that needs other options calls it from its own
  // SetUpTestSuite.
  static void StartBed(SinkTestBedOptions options = {}) {
    auto bed = SinkTestBed::Start(std::move(options));
    ASSERT_TRUE(bed.ok()) << bed.status().ToString();
    bed_ = std::move(bed).value();
  }
  static void SetUpTestSuite() { StartBed(); }
  static void TearDownTestSuite() { bed_.reset(); }

  void SetUp() override {
    ASSERT_NE(bed_, nullptr) << "the test bed did not start";
    ASSERT_TRUE(bed_->server().Alive())
        << "dynasink is not running: " << bed_->server().exit_description();
    auto conn = bed_->Connect();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    sql_ = std::make_unique<PgConnection>(std::move(conn).value());
  }
  void TearDown() override {
    sql_.reset();
    // A failed test may have left the server dead; the next test of the file gets a new one.
    if (bed_ != nullptr && !bed_->server().Alive()) {
      ADD_FAILURE() << "dynasink died: " << bed_->server().exit_description() << "\n"
                    << bed_->server().LogTail();
      EXPECT_TRUE(bed_->server().Restart().ok());
    }
  }

  static std::string endpoint() { return bed_->endpoint(); }
  PgConnection& sql() { return *sql_; }

  static inline std::unique_ptr<SinkTestBed> bed_;
  std::unique_ptr<PgConnection> sql_;
};

}  // namespace dynasink::test
