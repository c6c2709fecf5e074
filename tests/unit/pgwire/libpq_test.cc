// The pgwire server driven by libpq: simple and extended queries, formats, COPY, errors,
// notices, parameter status, cancellation, authentication, concurrency and shutdown.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "common/redact.h"
#include "pgwire/value_codec.h"
#include "unit/pgwire/test_server.h"

namespace dynasink::pgwire::testing {
namespace {

using namespace std::chrono_literals;

uint64_t BigEndian(const char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

PgResult Exec(PGconn* c, const char* sql) {
  return PgResult(PQexec(c, sql));
}

class LibpqTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = Connect(server_.ConnInfo());
    ASSERT_EQ(PQstatus(conn_.get()), CONNECTION_OK) << PQerrorMessage(conn_.get());
  }
  TestServer server_;
  Conn conn_;
};

TEST_F(LibpqTest, StartupReportsParametersAndKey) {
  PGconn* c = conn_.get();
  EXPECT_STREQ(PQparameterStatus(c, "server_version"), "13.14.0");
  EXPECT_STREQ(PQparameterStatus(c, "server_encoding"), "UTF8");
  EXPECT_STREQ(PQparameterStatus(c, "integer_datetimes"), "on");
  EXPECT_STREQ(PQparameterStatus(c, "standard_conforming_strings"), "on");
  EXPECT_STREQ(PQparameterStatus(c, "TimeZone"), "UTC");
  EXPECT_STREQ(PQparameterStatus(c, "DateStyle"), "ISO, MDY");
  EXPECT_STREQ(PQparameterStatus(c, "session_authorization"), "root");
  EXPECT_STREQ(PQparameterStatus(c, "IntervalStyle"), "postgres");
  EXPECT_GT(PQbackendPID(c), 0);
  EXPECT_EQ(PQprotocolVersion(c), 3);
  EXPECT_EQ(PQserverVersion(c), 131400);  // what libpq makes of "13.14.0", as with RisingWave
  StartupInfo info = server_.backend().last_startup();
  EXPECT_EQ(info.user, "root");
  EXPECT_EQ(info.database, "dev");
  EXPECT_EQ(info.process_id, PQbackendPID(c));
}

TEST_F(LibpqTest, StartupOptionsAndApplicationName) {
  Conn c =
      Connect(server_.ConnInfo("application_name=myapp options='-c search_path=abc "
                               "--statement-timeout=5 -cTimeZone=UTC+3'"));
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  EXPECT_STREQ(PQparameterStatus(c.get(), "application_name"), "myapp");
  // The session reported its TimeZone from the options: InitialParameters overrides defaults.
  EXPECT_STREQ(PQparameterStatus(c.get(), "TimeZone"), "UTC+3");
  StartupInfo info = server_.backend().last_startup();
  EXPECT_EQ(info.application_name, "myapp");
  auto has = [&](const std::string& k, const std::string& v) {
    for (const auto& [name, value] : info.parameters)
      if (name == k && value == v) return true;
    return false;
  };
  EXPECT_TRUE(has("search_path", "abc"));
  EXPECT_TRUE(has("statement_timeout", "5"));
  EXPECT_TRUE(has("TimeZone", "UTC+3"));
}

TEST_F(LibpqTest, UnknownDatabaseIsFatal) {
  Conn c = Connect(server_.ConnInfo("dbname=missing"));
  EXPECT_EQ(PQstatus(c.get()), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(c.get())).find("database \"missing\" does not exist"),
            std::string::npos);
}

TEST_F(LibpqTest, MultiStatementSimpleQuery) {
  PGconn* c = conn_.get();
  ASSERT_EQ(PQsendQuery(c,
                        "INSERT INTO t VALUES (1, 'one'), (2, 'two'); SELECT * FROM t; "
                        "DELETE FROM t; SELECT * FROM t"),
            1);
  std::vector<PgResult> results;
  while (PGresult* r = PQgetResult(c))
    results.emplace_back(r);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(PQresultStatus(results[0].get()), PGRES_COMMAND_OK);
  EXPECT_STREQ(PQcmdStatus(results[0].get()), "INSERT 0 2");
  EXPECT_STREQ(PQcmdTuples(results[0].get()), "2");
  ASSERT_EQ(PQresultStatus(results[1].get()), PGRES_TUPLES_OK);
  EXPECT_EQ(PQntuples(results[1].get()), 2);
  EXPECT_EQ(PQnfields(results[1].get()), 2);
  EXPECT_STREQ(PQfname(results[1].get(), 0), "id");
  EXPECT_EQ(PQftype(results[1].get(), 0), 23u);
  EXPECT_EQ(PQftype(results[1].get(), 1), 1043u);
  EXPECT_STREQ(PQgetvalue(results[1].get(), 1, 1), "two");
  EXPECT_STREQ(PQcmdStatus(results[1].get()), "SELECT 2");
  EXPECT_STREQ(PQcmdStatus(results[2].get()), "DELETE 2");
  EXPECT_EQ(PQntuples(results[3].get()), 0);
}

TEST_F(LibpqTest, SimpleQueryStopsAtFirstError) {
  PGconn* c = conn_.get();
  ASSERT_EQ(PQsendQuery(c,
                        "INSERT INTO t VALUES (1, 'a'); SELECT * FROM nope; "
                        "INSERT INTO t VALUES (2, 'b')"),
            1);
  std::vector<PgResult> results;
  while (PGresult* r = PQgetResult(c))
    results.emplace_back(r);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(PQresultStatus(results[1].get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(ErrorField(results[1].get(), PG_DIAG_SQLSTATE), "42P01");
  EXPECT_EQ(ErrorField(results[1].get(), PG_DIAG_MESSAGE_PRIMARY),
            "relation \"nope\" does not exist");
  // The position counts from the start of the whole query string.
  EXPECT_EQ(ErrorField(results[1].get(), PG_DIAG_STATEMENT_POSITION), "46");
  EXPECT_EQ(server_.backend().table_size(), 1u);
  auto r = Exec(c, "SELECT * FROM t");
  EXPECT_EQ(PQntuples(r.get()), 1);
}

TEST_F(LibpqTest, SyntaxErrorAnywhereRunsNothing) {
  auto r = Exec(conn_.get(), "INSERT INTO t VALUES (1, 'a');\n  bogus stuff");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SQLSTATE), "42601");
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY), "syntax error at or near \"bogus\"");
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_STATEMENT_POSITION), "34");
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SEVERITY), "ERROR");
  EXPECT_EQ(server_.backend().table_size(), 0u);
}

TEST_F(LibpqTest, EmptyQuery) {
  EXPECT_EQ(PQresultStatus(Exec(conn_.get(), "").get()), PGRES_EMPTY_QUERY);
  EXPECT_EQ(PQresultStatus(Exec(conn_.get(), " ; ;").get()), PGRES_EMPTY_QUERY);
  // Extended protocol: an empty prepared statement.
  auto r = PgResult(PQexecParams(conn_.get(), "", 0, nullptr, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_EMPTY_QUERY);
}

TEST_F(LibpqTest, NoticesArriveWithTheResult) {
  std::vector<std::string> notices;
  PQsetNoticeReceiver(
      conn_.get(),
      [](void* arg, const PGresult* r) {
        auto* out = static_cast<std::vector<std::string>*>(arg);
        out->push_back(ErrorField(r, PG_DIAG_SEVERITY) + "|" + ErrorField(r, PG_DIAG_SQLSTATE) +
                       "|" + ErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
      },
      &notices);
  auto r = Exec(conn_.get(), "CREATE TABLE IF NOT EXISTS t (id int)");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK);
  EXPECT_STREQ(PQcmdStatus(r.get()), "CREATE_TABLE");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0], "NOTICE|42P07|relation \"t\" already exists, skipping");
}

TEST_F(LibpqTest, SetReportsParameterStatusAndShow) {
  auto r = Exec(conn_.get(), "SET TimeZone = 'Asia/Tokyo'");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK);
  EXPECT_STREQ(PQcmdStatus(r.get()), "SET");
  EXPECT_STREQ(PQparameterStatus(conn_.get(), "TimeZone"), "Asia/Tokyo");
  r = Exec(conn_.get(), "SHOW timezone");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK);
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "Asia/Tokyo");
  EXPECT_STREQ(PQcmdStatus(r.get()), "SHOW");
}

TEST_F(LibpqTest, TransactionStatus) {
  EXPECT_EQ(PQtransactionStatus(conn_.get()), PQTRANS_IDLE);
  Exec(conn_.get(), "BEGIN");
  EXPECT_EQ(PQtransactionStatus(conn_.get()), PQTRANS_INTRANS);
  Exec(conn_.get(), "COMMIT");
  EXPECT_EQ(PQtransactionStatus(conn_.get()), PQTRANS_IDLE);
}

TEST_F(LibpqTest, ExecParamsTextParamsBinaryResults) {
  Exec(conn_.get(), "INSERT INTO t VALUES (7, 'seven'), (8, 'eight')");
  const char* values[] = {"8"};
  auto r = PgResult(PQexecParams(conn_.get(), "SELECT * FROM t WHERE id = $1", 1, nullptr, values,
                                 nullptr, nullptr, /*resultFormat=*/1));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(r.get());
  ASSERT_EQ(PQntuples(r.get()), 1);
  EXPECT_EQ(PQfformat(r.get(), 0), 1);
  ASSERT_EQ(PQgetlength(r.get(), 0, 0), 4);
  EXPECT_EQ(BigEndian(PQgetvalue(r.get(), 0, 0), 4), 8u);
  EXPECT_EQ(std::string(PQgetvalue(r.get(), 0, 1), PQgetlength(r.get(), 0, 1)), "eight");
}

TEST_F(LibpqTest, BinaryParamsRoundTrip) {
  // int8, float8, bool, bytea, text, int2, date, timestamptz, numeric, interval, int4[]
  Oid types[] = {20, 701, 16, 17, 25, 21, 1082, 1184, 1700, 1186, 1007};
  std::vector<std::string> bin;
  auto be = [](uint64_t v, int n) {
    std::string s(n, '\0');
    for (int i = 0; i < n; ++i)
      s[i] = static_cast<char>(v >> (8 * (n - 1 - i)));
    return s;
  };
  double d = -2.5;
  uint64_t dbits;
  std::memcpy(&dbits, &d, 8);
  bin.push_back(be(static_cast<uint64_t>(-42), 8));
  bin.push_back(be(dbits, 8));
  bin.push_back(std::string(1, '\1'));
  bin.push_back(std::string("\x00\xff\x10", 3));
  bin.push_back("héllo");
  bin.push_back(be(static_cast<uint16_t>(-7), 2));
  bin.push_back(be(static_cast<uint32_t>(366), 4));  // 2001-01-01
  bin.push_back(be(0, 8));                           // 2000-01-01 00:00:00 UTC
  bin.push_back(*NumericTextToBinary("-12345.6780"));
  bin.push_back(be(4 * 3600 * 1000000ull, 8) + be(3, 4) + be(14, 4));  // 1 year 2 mons 3 days 04:00
  bin.push_back(be(1, 4) + be(0, 4) + be(23, 4) + be(2, 4) + be(1, 4) + be(4, 4) + be(10, 4) +
                be(4, 4) + be(20, 4));
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (auto& b : bin) {
    values.push_back(b.data());
    lengths.push_back(static_cast<int>(b.size()));
    formats.push_back(1);
  }
  const char* sql = "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11";
  // Text results show the decoded values.
  auto text = PgResult(
      PQexecParams(conn_.get(), sql, 11, types, values.data(), lengths.data(), formats.data(), 0));
  ASSERT_EQ(PQresultStatus(text.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(text.get());
  const char* expected[] = {"-42",         "-2.5",
                            "t",           "\\x00ff10",
                            "héllo",       "-7",
                            "2001-01-01",  "2000-01-01 00:00:00+00:00",
                            "-12345.6780", "1 year 2 mons 3 days 04:00:00",
                            "{10,20}"};
  for (int i = 0; i < 11; ++i) {
    EXPECT_STREQ(PQgetvalue(text.get(), 0, i), expected[i]) << "column " << i;
    EXPECT_EQ(PQftype(text.get(), i), types[i] == 25 ? 1043u : types[i]) << "column " << i;
  }
  // Binary results give back the same bytes.
  auto binary = PgResult(
      PQexecParams(conn_.get(), sql, 11, types, values.data(), lengths.data(), formats.data(), 1));
  ASSERT_EQ(PQresultStatus(binary.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(binary.get());
  for (int i = 0; i < 11; ++i) {
    EXPECT_EQ(std::string(PQgetvalue(binary.get(), 0, i), PQgetlength(binary.get(), 0, i)), bin[i])
        << "column " << i;
  }
}

TEST_F(LibpqTest, BadParamsAreErrors) {
  const char* values[] = {"abc"};
  auto r = PgResult(PQexecParams(conn_.get(), "SELECT * FROM t WHERE id = $1", 1, nullptr, values,
                                 nullptr, nullptr, 0));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SQLSTATE), "22P02");
  // A binary int4 of the wrong length.
  Oid type = 23;
  const char* bad[] = {"\x01\x02"};
  int len[] = {2}, fmt[] = {1};
  r = PgResult(PQexecParams(conn_.get(), "SELECT $1", 1, &type, bad, len, fmt, 0));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SQLSTATE), "22P03");
  // An unknown type OID.
  Oid uuid = 2950;
  const char* v[] = {"x"};
  r = PgResult(PQexecParams(conn_.get(), "SELECT $1", 1, &uuid, v, nullptr, nullptr, 0));
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SQLSTATE), "42704");
  // The connection is still fine.
  EXPECT_EQ(PQresultStatus(Exec(conn_.get(), "SELECT * FROM t").get()), PGRES_TUPLES_OK);
}

TEST_F(LibpqTest, AllTypesTextAndBinary) {
  auto text = Exec(conn_.get(), "SELECT all_types()");
  ASSERT_EQ(PQresultStatus(text.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(text.get());
  ASSERT_EQ(PQnfields(text.get()), 17);
  EXPECT_STREQ(PQgetvalue(text.get(), 0, 0), "t");
  EXPECT_STREQ(PQgetvalue(text.get(), 0, 12), "2023-12-31 16:00:00+00:00");
  EXPECT_TRUE(PQgetisnull(text.get(), 0, 16));
  Oid oids[] = {16,   21,   23,   20,   700,  701,  1700, 1043, 17,
                1082, 1083, 1114, 1184, 1186, 3802, 1007, 23};
  for (int i = 0; i < 17; ++i)
    EXPECT_EQ(PQftype(text.get(), i), oids[i]) << i;

  auto bin = PgResult(
      PQexecParams(conn_.get(), "SELECT all_types()", 0, nullptr, nullptr, nullptr, nullptr, 1));
  ASSERT_EQ(PQresultStatus(bin.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(bin.get());
  auto field = [&](int i) {
    return std::string(PQgetvalue(bin.get(), 0, i), PQgetlength(bin.get(), 0, i));
  };
  EXPECT_EQ(field(0), std::string(1, '\1'));
  EXPECT_EQ(static_cast<int16_t>(BigEndian(field(1).data(), 2)), -12);
  EXPECT_EQ(BigEndian(field(2).data(), 4), 123456u);
  EXPECT_EQ(static_cast<int64_t>(BigEndian(field(3).data(), 8)), INT64_MIN);
  uint32_t f4 = static_cast<uint32_t>(BigEndian(field(4).data(), 4));
  float fv;
  std::memcpy(&fv, &f4, 4);
  EXPECT_EQ(fv, 1.5f);
  EXPECT_EQ(*NumericBinaryToText(field(6)), "-12345.678900");
  EXPECT_EQ(field(7), "héllo");
  EXPECT_EQ(field(8), std::string("\x00\xff\x10", 3));
  EXPECT_EQ(BigEndian(field(9).data(), 4), 501u);  // 2001-05-16 is day 501 after 2000-01-01
  EXPECT_EQ(BigEndian(field(10).data(), 8), (12 * 3600 + 34 * 60 + 56) * 1000000ull + 500000);
  // 2023-12-31 16:00:00 UTC in microseconds since 2000-01-01.
  EXPECT_EQ(BigEndian(field(12).data(), 8), 757353600ull * 1000000);
  EXPECT_EQ(field(14), "\1{\"a\": [1, null], \"b\": 1}");
  EXPECT_TRUE(PQgetisnull(bin.get(), 0, 16));
}

TEST_F(LibpqTest, PreparedStatements) {
  PGconn* c = conn_.get();
  auto r = PgResult(PQprepare(c, "ins", "INSERT INTO t VALUES ($1, $2)", 0, nullptr));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQresultErrorMessage(r.get());
  auto d = PgResult(PQdescribePrepared(c, "ins"));
  ASSERT_EQ(PQnparams(d.get()), 2);
  EXPECT_EQ(PQparamtype(d.get(), 0), 23u);
  EXPECT_EQ(PQparamtype(d.get(), 1), 1043u);
  EXPECT_EQ(PQnfields(d.get()), 0);
  for (int i = 0; i < 5; ++i) {
    std::string id = std::to_string(i), name = "n" + id;
    const char* v[] = {id.c_str(), i == 3 ? nullptr : name.c_str()};
    auto e = PgResult(PQexecPrepared(c, "ins", 2, v, nullptr, nullptr, 0));
    ASSERT_EQ(PQresultStatus(e.get()), PGRES_COMMAND_OK) << PQresultErrorMessage(e.get());
    EXPECT_STREQ(PQcmdTuples(e.get()), "1");
  }
  r = PgResult(PQprepare(c, "sel", "SELECT * FROM t WHERE id = $1", 0, nullptr));
  d = PgResult(PQdescribePrepared(c, "sel"));
  EXPECT_EQ(PQnfields(d.get()), 2);
  EXPECT_STREQ(PQfname(d.get(), 1), "name");
  const char* v[] = {"3"};
  auto e = PgResult(PQexecPrepared(c, "sel", 1, v, nullptr, nullptr, 0));
  ASSERT_EQ(PQntuples(e.get()), 1);
  EXPECT_TRUE(PQgetisnull(e.get(), 0, 1));
  // A second prepare under the same name fails; the statement is unaffected.
  r = PgResult(PQprepare(c, "ins", "SELECT * FROM t", 0, nullptr));
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SQLSTATE), "42P05");
  r = PgResult(PQexecPrepared(c, "nope", 0, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SQLSTATE), "26000");
  r = PgResult(PQprepare(c, "multi", "SELECT * FROM t; SELECT * FROM t", 0, nullptr));
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SQLSTATE), "42601");
  EXPECT_EQ(server_.backend().table_size(), 5u);
}

TEST_F(LibpqTest, SingleRowModeStreamsALargeResult) {
  PGconn* c = conn_.get();
  ASSERT_EQ(PQsendQuery(c, "SELECT generate_series(1, 100000)"), 1);
  ASSERT_EQ(PQsetSingleRowMode(c), 1);
  int64_t rows = 0, sum = 0;
  while (PGresult* raw = PQgetResult(c)) {
    PgResult r(raw);
    if (PQresultStatus(raw) == PGRES_SINGLE_TUPLE) {
      ++rows;
      sum += std::stoll(PQgetvalue(raw, 0, 0));
    } else {
      EXPECT_EQ(PQresultStatus(raw), PGRES_TUPLES_OK);
      EXPECT_STREQ(PQcmdStatus(raw), "SELECT 100000");
    }
  }
  EXPECT_EQ(rows, 100000);
  EXPECT_EQ(sum, int64_t{100000} * 100001 / 2);
}

TEST_F(LibpqTest, ErrorAfterSomeRows) {
  auto r = Exec(conn_.get(), "SELECT fail_after(1000)");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(ErrorField(r.get(), PG_DIAG_SQLSTATE), "22012");
  EXPECT_EQ(PQresultStatus(Exec(conn_.get(), "SELECT * FROM t").get()), PGRES_TUPLES_OK);
}

TEST_F(LibpqTest, CopyFromStdinText) {
  PGconn* c = conn_.get();
  auto r = Exec(c, "COPY t FROM STDIN");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COPY_IN) << PQresultErrorMessage(r.get());
  EXPECT_EQ(PQnfields(r.get()), 2);
  EXPECT_EQ(PQbinaryTuples(r.get()), 0);
  std::string data;
  for (int i = 0; i < 20000; ++i)
    data += std::to_string(i) + "\tname\\t" + std::to_string(i) + "\n";
  data += "20000\t\\N\n";
  // Chunks that cut rows anywhere.
  for (size_t i = 0; i < data.size(); i += 777) {
    std::string chunk = data.substr(i, 777);
    ASSERT_EQ(PQputCopyData(c, chunk.data(), static_cast<int>(chunk.size())), 1);
  }
  ASSERT_EQ(PQputCopyEnd(c, nullptr), 1);
  PgResult done(PQgetResult(c));
  ASSERT_EQ(PQresultStatus(done.get()), PGRES_COMMAND_OK) << PQresultErrorMessage(done.get());
  EXPECT_STREQ(PQcmdStatus(done.get()), "COPY 20001");
  while (PGresult* extra = PQgetResult(c))
    PQclear(extra);
  EXPECT_EQ(server_.backend().table_size(), 20001u);
  const char* v[] = {"5"};
  r = PgResult(
      PQexecParams(c, "SELECT * FROM t WHERE id = $1", 1, nullptr, v, nullptr, nullptr, 0));
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 1), "name\t5");
}

TEST_F(LibpqTest, CopyCsvWithHeader) {
  PGconn* c = conn_.get();
  auto r = Exec(c, "COPY t FROM STDIN WITH (FORMAT csv, HEADER true)");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COPY_IN) << PQresultErrorMessage(r.get());
  std::string data = "id,name\n1,\"a, b\"\n2,\n3,\"\"\n";
  ASSERT_EQ(PQputCopyData(c, data.data(), static_cast<int>(data.size())), 1);
  ASSERT_EQ(PQputCopyEnd(c, nullptr), 1);
  PgResult done(PQgetResult(c));
  EXPECT_STREQ(PQcmdStatus(done.get()), "COPY 3");
  while (PGresult* extra = PQgetResult(c))
    PQclear(extra);
  r = Exec(c, "SELECT * FROM t");
  ASSERT_EQ(PQntuples(r.get()), 3);
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 1), "a, b");
  EXPECT_TRUE(PQgetisnull(r.get(), 1, 1));
  EXPECT_FALSE(PQgetisnull(r.get(), 2, 1));
}

TEST_F(LibpqTest, CopyBadDataFailsAtomicallyAndConnectionRecovers) {
  PGconn* c = conn_.get();
  auto r = Exec(c, "COPY t FROM STDIN");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COPY_IN);
  std::string data = "1\ta\n2\tb\nnot-a-number\tc\n4\td\n";
  PQputCopyData(c, data.data(), static_cast<int>(data.size()));
  PQputCopyEnd(c, nullptr);
  PgResult done(PQgetResult(c));
  EXPECT_EQ(PQresultStatus(done.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(ErrorField(done.get(), PG_DIAG_SQLSTATE), "22P02");
  EXPECT_NE(ErrorField(done.get(), PG_DIAG_CONTEXT).find("line 3"), std::string::npos);
  while (PGresult* extra = PQgetResult(c))
    PQclear(extra);
  EXPECT_EQ(server_.backend().table_size(), 0u);
  EXPECT_EQ(server_.backend().shared().copy_aborts.load(), 1);
  EXPECT_EQ(PQresultStatus(Exec(c, "SELECT * FROM t").get()), PGRES_TUPLES_OK);
}

TEST_F(LibpqTest, CopyFailFromClient) {
  PGconn* c = conn_.get();
  auto r = Exec(c, "COPY t FROM STDIN WITH CSV");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COPY_IN);
  PQputCopyData(c, "1,a\n", 4);
  PQputCopyEnd(c, "client gave up");
  PgResult done(PQgetResult(c));
  EXPECT_EQ(PQresultStatus(done.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(ErrorField(done.get(), PG_DIAG_SQLSTATE), "57014");
  EXPECT_NE(ErrorField(done.get(), PG_DIAG_MESSAGE_PRIMARY).find("client gave up"),
            std::string::npos);
  while (PGresult* extra = PQgetResult(c))
    PQclear(extra);
  EXPECT_EQ(server_.backend().table_size(), 0u);
}

TEST_F(LibpqTest, CancelARunningStatement) {
  PGconn* c = conn_.get();
  std::atomic<bool> done{false};
  PgResult result;
  auto start = std::chrono::steady_clock::now();
  std::thread runner([&] {
    result.reset(PQexec(c, "SELECT pg_sleep(30)"));
    done = true;
  });
  // A cancel that arrives before the statement starts is ignored (as in PostgreSQL), so on a
  // loaded machine it may take more than one.
  PGcancel* cancel = PQgetCancel(c);
  for (int i = 0; i < 50 && !done; ++i) {
    std::this_thread::sleep_for(100ms);
    char err[256];
    EXPECT_EQ(PQcancel(cancel, err, sizeof err), 1) << err;
  }
  PQfreeCancel(cancel);
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  ASSERT_TRUE(done);
  EXPECT_EQ(PQresultStatus(result.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(ErrorField(result.get(), PG_DIAG_SQLSTATE), "57014");
  EXPECT_EQ(PQresultStatus(Exec(c, "SELECT * FROM t").get()), PGRES_TUPLES_OK);
}

TEST_F(LibpqTest, CancelWhileIdleDoesNothing) {
  PGcancel* cancel = PQgetCancel(conn_.get());
  char err[256];
  EXPECT_EQ(PQcancel(cancel, err, sizeof err), 1);
  PQfreeCancel(cancel);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server_.backend().shared().cancels.load(), 0);
  EXPECT_EQ(PQresultStatus(Exec(conn_.get(), "SELECT generate_series(1, 3)").get()),
            PGRES_TUPLES_OK);
}

TEST_F(LibpqTest, ErrorMessagesAreRedacted) {
  RegisterSecret("hunter2-super-secret");
  auto r = Exec(conn_.get(), "SELECT secret('hunter2-super-secret')");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  std::string msg = ErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY);
  EXPECT_EQ(msg.find("hunter2-super-secret"), std::string::npos) << msg;
  EXPECT_NE(msg.find("<redacted>"), std::string::npos) << msg;
}

TEST(LibpqConcurrency, FiftyClientsAtOnce) {
  TestServer server;
  constexpr int kClients = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      Conn c = Connect(server.ConnInfo());
      if (PQstatus(c.get()) != CONNECTION_OK) return;
      std::string id = std::to_string(i);
      const char* v[] = {id.c_str(), "x"};
      bool good = true;
      for (int k = 0; k < 20 && good; ++k) {
        auto r = PgResult(PQexecParams(c.get(), "SELECT * FROM t WHERE id = $1", 1, nullptr, v,
                                       nullptr, nullptr, k % 2));
        good = PQresultStatus(r.get()) == PGRES_TUPLES_OK;
      }
      auto r = PgResult(PQexecParams(c.get(), "INSERT INTO t VALUES ($1, $2)", 2, nullptr, v,
                                     nullptr, nullptr, 0));
      if (good && PQresultStatus(r.get()) == PGRES_COMMAND_OK) ok.fetch_add(1);
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_EQ(server.backend().table_size(), static_cast<size_t>(kClients));
  // Every session ends with its connection.
  for (int i = 0; i < 200 && server.backend().shared().sessions_alive.load() != 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.backend().shared().sessions_alive.load(), 0);
}

TEST(LibpqAuth, ScramSha256) {
  ServerOptions options;
  options.auth_method = AuthMethod::kScramSha256;
  auto users = std::make_shared<UserStore>();
  ASSERT_TRUE(users->AddUser("root", "correct horse").ok());
  options.users = users;
  TestServer server(options);
  Conn good = Connect(server.ConnInfo("password='correct horse'"));
  ASSERT_EQ(PQstatus(good.get()), CONNECTION_OK) << PQerrorMessage(good.get());
  EXPECT_EQ(PQresultStatus(Exec(good.get(), "SELECT * FROM t").get()), PGRES_TUPLES_OK);

  Conn bad = Connect(server.ConnInfo("password=wrong"));
  EXPECT_EQ(PQstatus(bad.get()), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(bad.get()))
                .find("password authentication failed for user \"root\""),
            std::string::npos)
      << PQerrorMessage(bad.get());
  // An unknown user fails the same way: no hint that the user does not exist.
  Conn ghost = Connect(server.ConnInfo("user=ghost password=whatever"));
  EXPECT_EQ(PQstatus(ghost.get()), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(ghost.get()))
                .find("password authentication failed for user \"ghost\""),
            std::string::npos);
  Conn none = Connect(server.ConnInfo());
  EXPECT_EQ(PQstatus(none.get()), CONNECTION_BAD);
  EXPECT_TRUE(PQconnectionNeedsPassword(none.get()));
}

TEST(LibpqAuth, Md5AndScramFallback) {
  ServerOptions options;
  options.auth_method = AuthMethod::kMd5;
  auto users = std::make_shared<UserStore>();
  ASSERT_TRUE(users->AddUser("root", "md5-pass").ok());
  // A user known only by a SCRAM verifier is authenticated with SCRAM even under md5.
  ASSERT_TRUE(users
                  ->AddUserVerifier(
                      "alice", FormatScramVerifier(MakeScramSecret("alice-pass", "saltsalt", 4096)))
                  .ok());
  options.users = users;
  TestServer server(options);
  Conn good = Connect(server.ConnInfo("password=md5-pass"));
  ASSERT_EQ(PQstatus(good.get()), CONNECTION_OK) << PQerrorMessage(good.get());
  Conn bad = Connect(server.ConnInfo("password=nope"));
  EXPECT_EQ(PQstatus(bad.get()), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(bad.get())).find("password authentication failed"),
            std::string::npos);
  Conn alice = Connect(server.ConnInfo("user=alice password=alice-pass"));
  EXPECT_EQ(PQstatus(alice.get()), CONNECTION_OK) << PQerrorMessage(alice.get());
}

TEST(LibpqShutdown, TerminatesIdleAndBusySessions) {
  auto server = std::make_unique<TestServer>();
  Conn idle = Connect(server->ConnInfo());
  Conn busy = Connect(server->ConnInfo());
  ASSERT_EQ(PQstatus(idle.get()), CONNECTION_OK);
  ASSERT_EQ(PQstatus(busy.get()), CONNECTION_OK);
  PgResult busy_result;
  std::thread runner([&] { busy_result.reset(PQexec(busy.get(), "SELECT pg_sleep(30)")); });
  std::this_thread::sleep_for(200ms);
  auto start = std::chrono::steady_clock::now();
  server->server().Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  runner.join();
  // libpq reports the FATAL message and then the closed connection (as with PostgreSQL's
  // SIGTERM); the raw-protocol test checks the SQLSTATE.
  EXPECT_NE(PQresultStatus(busy_result.get()), PGRES_TUPLES_OK);
  EXPECT_NE(std::string(PQerrorMessage(busy.get()))
                .find("FATAL:  terminating connection due to administrator command"),
            std::string::npos)
      << PQerrorMessage(busy.get());
  auto r = Exec(idle.get(), "SELECT * FROM t");
  EXPECT_NE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
  EXPECT_EQ(server->server().connection_count(), 0u);
  EXPECT_EQ(server->backend().shared().sessions_alive.load(), 0);
  // New connections are refused.
  Conn late = Connect(server->ConnInfo());
  EXPECT_EQ(PQstatus(late.get()), CONNECTION_BAD);
}

}  // namespace
}  // namespace dynasink::pgwire::testing
