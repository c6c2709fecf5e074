// Sessions: SET/SHOW/RESET and ParameterStatus, startup parameters, FLUSH and implicit_flush
// through the flush hook, cancellation and statement_timeout, transaction blocks, prepared
// statements (re-planned after DDL) and SQL-level PREPARE/EXECUTE.
#include "sql/session.h"

#include <gtest/gtest.h>

#include <thread>

#include "unit/sql/engine_test_util.h"

namespace dynasink::sql {
namespace {

using testing::Harness;
using testing::Lines;
using types::DataType;
using types::TypeId;
using types::Value;

TEST(SessionTest, SetShowReset) {
  Harness h;
  EXPECT_EQ(h.Ok("SHOW TimeZone"), (Lines{"UTC"}));
  EXPECT_EQ(h.Ok("SHOW timezone"), (Lines{"UTC"}));
  EXPECT_EQ(h.Ok("SHOW DateStyle"), (Lines{"ISO, MDY"}));
  EXPECT_EQ(h.Ok("SHOW search_path"), (Lines{"\"$user\", public"}));
  EXPECT_EQ(h.Ok("SHOW server_version"), (Lines{"13.14.0"}));
  EXPECT_EQ(h.Ok("SET application_name = 'my app'"), (Lines{"SET"}));
  EXPECT_EQ(h.Ok("SHOW application_name"), (Lines{"my app"}));
  ASSERT_FALSE(h.parameters.empty());
  EXPECT_EQ(h.parameters.back(), (std::pair<std::string, std::string>{"application_name", "my app"}));
  h.Ok("SET search_path = \"$user\", public");
  EXPECT_EQ(h.Ok("SHOW search_path"), (Lines{"\"$user\", public"}));
  h.Ok("SET search_path TO public");
  EXPECT_EQ(h.Ok("SHOW search_path"), (Lines{"public"}));
  h.Ok("SET statement_timeout = '5s'");
  EXPECT_EQ(h.Ok("SHOW statement_timeout"), (Lines{"5s"}));
  EXPECT_EQ(h.session().variables().statement_timeout_ms(), 5000);
  h.Ok("SET statement_timeout = 1500");
  EXPECT_EQ(h.Ok("SHOW statement_timeout"), (Lines{"1500ms"}));
  h.Ok("SET rw_implicit_flush = true");
  EXPECT_EQ(h.Ok("SHOW implicit_flush"), (Lines{"true"}));
  h.Ok("SET sink_decouple = 'disable'");
  EXPECT_EQ(h.Ok("SELECT current_setting('sink_decouple')"), (Lines{"disable"}));
  h.Ok("SET TIME ZONE 'Etc/UTC'");
  EXPECT_EQ(h.Ok("SHOW TIME ZONE"), (Lines{"UTC"}));
  EXPECT_EQ(h.Fail("SET TimeZone = 'Europe/Paris'"), "22023");
  EXPECT_EQ(h.Fail("SET client_encoding = 'LATIN1'"), "22023");
  EXPECT_EQ(h.Fail("SET DateStyle = 'German'"), "22023");
  EXPECT_EQ(h.Fail("SET extra_float_digits = 4"), "22023");
  EXPECT_EQ(h.Fail("SET implicit_flush = 'sometimes'"), "22023");
  EXPECT_EQ(h.Fail("SET server_version = '9'"), "55P02");
  EXPECT_EQ(h.Fail("SET no_such_setting = 1"), "42704");
  EXPECT_EQ(h.last_error().message(), "unrecognized configuration parameter \"no_such_setting\"");
  EXPECT_EQ(h.Fail("SHOW no_such_setting"), "42704");
  h.Ok("RESET ALL");
  EXPECT_EQ(h.Ok("SHOW application_name"), (Lines{""}));
  EXPECT_EQ(h.Ok("SHOW implicit_flush"), (Lines{"false"}));
  Lines all = h.Ok("SHOW ALL");
  EXPECT_GT(all.size(), 15u);
  bool found = false;
  for (const auto& l : all) found = found || l.rfind("implicit_flush|false|", 0) == 0;
  EXPECT_TRUE(found);
  // Settings are per session.
  auto other = h.NewSession();
  h.Ok("SET application_name = 'one'");
  EXPECT_EQ(h.Ok("SHOW application_name", other.get()), (Lines{""}));
}

TEST(SessionTest, StartupParameters) {
  Harness h;
  SessionInfo info;
  info.application_name = "psql";
  info.parameters = {{"client_encoding", "utf-8"}, {"DateStyle", "ISO"}, {"TimeZone", "Europe/Berlin"},
                     {"extra_float_digits", "3"}, {"some_unknown_option", "x"}};
  auto s = h.NewSession(info);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(h.Ok("SHOW client_encoding", s.get()), (Lines{"UTF8"}));
  EXPECT_EQ(h.Ok("SHOW TimeZone", s.get()), (Lines{"UTC"}));  // stays UTC, reported as such
  EXPECT_EQ(h.Ok("SHOW extra_float_digits", s.get()), (Lines{"3"}));
  EXPECT_EQ(h.Ok("SHOW application_name", s.get()), (Lines{"psql"}));
  auto initial = s->InitialParameters();
  bool tz = false;
  for (const auto& [name, value] : initial) tz = tz || (name == "TimeZone" && value == "UTC");
  EXPECT_TRUE(tz);
  SessionInfo bad;
  bad.parameters = {{"client_encoding", "LATIN1"}};
  auto refused = h.engine().NewSession(bad, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().sqlstate(), "22023");
}

TEST(SessionTest, FlushCallsTheHook) {
  Harness h;
  h.Ok("CREATE TABLE t (k int PRIMARY KEY)");
  EXPECT_EQ(h.Ok("FLUSH"), (Lines{"FLUSH"}));  // no hook: nothing to wait for
  std::vector<FlushRequest> calls;
  h.engine().SetFlushHook([&](const FlushRequest& r) {
    calls.push_back(r);
    return Status::OK();
  });
  h.Ok("INSERT INTO t VALUES (1)");
  EXPECT_TRUE(calls.empty());  // implicit_flush is off
  h.Ok("FLUSH");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].seq, h.db().storage().LastCommittedSeq());
  EXPECT_FALSE(calls[0].implicit);
  EXPECT_NE(calls[0].cancel, nullptr);

  h.Ok("SET implicit_flush = true");
  h.Ok("INSERT INTO t VALUES (2), (3)");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_TRUE(calls[1].implicit);
  EXPECT_EQ(calls[1].seq, h.db().storage().LastCommittedSeq());
  h.Ok("DELETE FROM t WHERE k = 3");
  h.Ok("SELECT * FROM t");  // queries do not flush
  size_t dml_calls = calls.size();
  EXPECT_GE(dml_calls, 3u);

  // A failing hook fails FLUSH with its message, and an implicit flush says the DML itself
  // was committed.
  h.engine().SetFlushHook([](const FlushRequest&) {
    return Status::Sql("57014", "sink s1 did not catch up: its last error was throttling");
  });
  EXPECT_EQ(h.Fail("FLUSH"), "57014");
  EXPECT_EQ(h.last_error().message(), "sink s1 did not catch up: its last error was throttling");
  EXPECT_EQ(h.Fail("INSERT INTO t VALUES (4)"), "57014");
  EXPECT_NE(h.last_error().message().find("The statement itself was committed"), std::string::npos);
  h.engine().SetFlushHook(nullptr);
  EXPECT_EQ(h.Ok("SELECT count(*) FROM t WHERE k = 4"), (Lines{"1"}));
}

TEST(SessionTest, StatementTimeoutAndCancel) {
  Harness h;
  h.Ok("SET statement_timeout = 100");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(h.Fail("SELECT pg_sleep(10)"), "57014");
  EXPECT_EQ(h.last_error().message(), "canceling statement due to statement timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  h.Ok("SET statement_timeout = 0");
  // A flush hook that waits sees the same deadline.
  h.Ok("SET statement_timeout = 50");
  h.engine().SetFlushHook([](const FlushRequest& r) {
    while (r.cancel->Check().ok()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return r.cancel->Check();
  });
  EXPECT_EQ(h.Fail("FLUSH"), "57014");
  h.engine().SetFlushHook(nullptr);
  h.Ok("RESET statement_timeout");

  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    h.session().Cancel();
  });
  EXPECT_EQ(h.Fail("SELECT pg_sleep(10)"), "57014");
  canceller.join();
  EXPECT_EQ(h.last_error().message(), "canceling statement due to user request");
  // A cancel that arrives between statements does not hit the next one.
  h.session().Cancel();
  EXPECT_EQ(h.Ok("SELECT 1"), (Lines{"1"}));
}

TEST(SessionTest, TransactionBlocksAreAcceptedAndSaySo) {
  Harness h;
  h.Ok("CREATE TABLE t (k int PRIMARY KEY)");
  EXPECT_EQ(h.session().TransactionStatus(), 'I');
  EXPECT_EQ(h.Ok("BEGIN"), (Lines{"BEGIN"}));
  EXPECT_EQ(h.session().TransactionStatus(), 'T');
  h.Ok("INSERT INTO t VALUES (1)");
  auto other = h.NewSession();
  EXPECT_EQ(h.Ok("SELECT count(*) FROM t", other.get()), (Lines{"1"}));  // committed already
  h.notices.clear();
  EXPECT_EQ(h.Ok("ROLLBACK"), (Lines{"ROLLBACK"}));
  ASSERT_EQ(h.notices.size(), 1u);
  EXPECT_EQ(h.notices[0].severity, Notice::Severity::kWarning);
  EXPECT_NE(h.notices[0].message.find("does not undo"), std::string::npos);
  EXPECT_EQ(h.session().TransactionStatus(), 'I');
  EXPECT_EQ(h.Ok("SELECT count(*) FROM t"), (Lines{"1"}));
  h.notices.clear();
  h.Ok("COMMIT");
  ASSERT_EQ(h.notices.size(), 1u);
  EXPECT_EQ(h.notices[0].sqlstate, "25P01");
  h.Ok("START TRANSACTION READ ONLY");
  h.Ok("END");
  EXPECT_EQ(h.session().TransactionStatus(), 'I');
}

TEST(SessionTest, PreparedStatementsAndDdl) {
  Harness h;
  h.Ok("CREATE TABLE t (k int PRIMARY KEY, v varchar)");
  auto insert = h.session().Prepare("INSERT INTO t VALUES ($1, $2)", {});
  ASSERT_TRUE(insert.ok()) << insert.status().ToString();
  for (int i = 0; i < 3; ++i) {
    auto portal = h.session().Bind(**insert, {Value::Int32(i), Value::Varchar("v")});
    ASSERT_TRUE(portal.ok());
    auto r = (*portal)->Run();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->tag, "INSERT 0 1");
  }
  auto select = h.session().Prepare("SELECT v FROM t WHERE k = $1", {});
  ASSERT_TRUE(select.ok());
  bool rows = false;
  ASSERT_TRUE((*select)->Columns(&rows).ok());
  // The table is dropped and created again with the same shape: the statements plan again.
  h.Ok("DROP TABLE t");
  h.Ok("CREATE TABLE t (k int PRIMARY KEY, v varchar)");
  auto portal = h.session().Bind(**insert, {Value::Int32(7), Value::Varchar("again")});
  ASSERT_TRUE(portal.ok()) << portal.status().ToString();
  ASSERT_TRUE((*portal)->Run().ok());
  auto p2 = h.session().Bind(**select, {Value::Int32(7)});
  ASSERT_TRUE(p2.ok());
  auto r2 = (*p2)->Run();
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(*Harness::Collect(std::move(r2).value(), (*p2)->columns()), (Lines{"again"}));
  // A changed result type is refused, as PostgreSQL's cached plans do.
  h.Ok("DROP TABLE t");
  h.Ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
  auto p3 = h.session().Bind(**select, {Value::Int32(7)});
  ASSERT_FALSE(p3.ok());
  EXPECT_EQ(p3.status().sqlstate(), "0A000");
  // Dropped for good: 42P01.
  h.Ok("DROP TABLE t");
  auto p4 = h.session().Bind(**insert, {Value::Int32(1), Value::Varchar("x")});
  ASSERT_FALSE(p4.ok());
  EXPECT_EQ(p4.status().sqlstate(), "42P01");
}

TEST(SessionTest, SqlPrepareExecuteDeallocate) {
  Harness h;
  h.Ok("CREATE TABLE t (k int PRIMARY KEY, v varchar)");
  EXPECT_EQ(h.Ok("PREPARE ins (int, varchar) AS INSERT INTO t VALUES ($1, $2)"), (Lines{"PREPARE"}));
  EXPECT_EQ(h.Ok("EXECUTE ins (1, 'a')"), (Lines{"INSERT 0 1"}));
  EXPECT_EQ(h.Ok("EXECUTE ins (2, 'b')"), (Lines{"INSERT 0 1"}));
  h.Ok("PREPARE q AS SELECT v FROM t WHERE k = $1");
  EXPECT_EQ(h.Ok("EXECUTE q (2)"), (Lines{"b"}));
  EXPECT_EQ(h.Fail("EXECUTE q (1, 2)"), "42601");
  EXPECT_EQ(h.Fail("PREPARE q AS SELECT 1"), "42P05");
  h.Ok("DEALLOCATE q");
  EXPECT_EQ(h.Fail("EXECUTE q (2)"), "26000");
  h.Ok("DEALLOCATE ALL");
  EXPECT_EQ(h.Fail("EXECUTE ins (3, 'c')"), "26000");
}

TEST(SessionTest, SessionFunctions) {
  Harness h;
  EXPECT_EQ(h.Ok("SELECT current_database(), current_user, current_schema()"),
            (Lines{"dev|root|public"}));
  Lines v = h.Ok("SELECT version()");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rfind("PostgreSQL 13.14.0", 0), 0u);
  EXPECT_NE(v[0].find("dynasink"), std::string::npos);
  EXPECT_EQ(h.Ok("SELECT pg_typeof(1), pg_typeof('a'::varchar)"), (Lines{"integer|character varying"}));
  EXPECT_EQ(h.Fail("SELECT current_setting('nope')"), "42704");
  EXPECT_EQ(h.Ok("SELECT current_setting('nope', true)"), (Lines{"NULL"}));
}

}  // namespace
}  // namespace dynasink::sql
