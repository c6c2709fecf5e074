// libpq from C++ against the dynasink server: PQexecParams with text and binary parameters and
// results, prepared statements, result column types, COPY through PQputCopyData (text and CSV,
// atomic on error), errors with SQLSTATE and position, many concurrent sessions, single-row
// mode, and the cancellation of a long statement. One server for the whole file.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "shared_server_test.h"
#include "support/dynasink_server.h"
#include "support/pg_client.h"

namespace dynasink::test {
namespace {

using namespace std::chrono_literals;

// Type OIDs (pg_type.h), as drivers expect them.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25,
              kFloat4 = 700, kFloat8 = 701, kVarchar = 1043, kDate = 1082, kTime = 1083,
              kTimestamp = 1114, kTimestamptz = 1184, kInterval = 1186, kNumeric = 1700,
              kJsonb = 3802, kInt4Array = 1007, kVarcharArray = 1015;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Res = std::unique_ptr<PGresult, ResultDeleter>;

std::string Field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v ? v : "";
}

std::string Describe(const PGresult* r) {
  return std::string(PQresStatus(PQresultStatus(r))) + ": " + PQresultErrorMessage(r);
}

uint64_t BigEndian(const char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

class LibpqClientTest : public SharedServerTest {
 protected:
  void SetUp() override {
    RequireServer();
    if (IsSkipped() || HasFatalFailure()) return;
    conn_ = PQconnectdb(server_->ConnInfo().c_str());
    ASSERT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }

  void TearDown() override {
    if (conn_) PQfinish(conn_);
    SharedServerTest::TearDown();
  }

  Res Exec(const std::string& sql) { return Res(PQexec(conn_, sql.c_str())); }
  void MustExec(const std::string& sql) {
    Res r = Exec(sql);
    ASSERT_TRUE(PQresultStatus(r.get()) == PGRES_COMMAND_OK ||
                PQresultStatus(r.get()) == PGRES_TUPLES_OK)
        << sql << ": " << Describe(r.get());
  }
  // Every row of `sql` as "v1|v2|..." with NULL as "NULL".
  std::vector<std::string> Rows(const std::string& sql) {
    Res r = Exec(sql);
    std::vector<std::string> out;
    EXPECT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << sql << ": " << Describe(r.get());
    for (int t = 0; t < PQntuples(r.get()); ++t) {
      std::string line;
      for (int c = 0; c < PQnfields(r.get()); ++c) {
        if (c) line += "|";
        line += PQgetisnull(r.get(), t, c) ? "NULL" : PQgetvalue(r.get(), t, c);
      }
      out.push_back(line);
    }
    return out;
  }

  // Sends `chunks` as CopyData for `copy_sql` and returns the final result.
  Res Copy(const std::string& copy_sql, const std::vector<std::string>& chunks) {
    Res start(PQexec(conn_, copy_sql.c_str()));
    EXPECT_EQ(PQresultStatus(start.get()), PGRES_COPY_IN) << Describe(start.get());
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) return start;
    for (const std::string& c : chunks) {
      EXPECT_EQ(PQputCopyData(conn_, c.data(), static_cast<int>(c.size())), 1);
    }
    EXPECT_EQ(PQputCopyEnd(conn_, nullptr), 1);
    Res result(PQgetResult(conn_));
    while (PGresult* extra = PQgetResult(conn_))
      PQclear(extra);
    return result;
  }

  PGconn* conn_ = nullptr;
};

TEST_F(LibpqClientTest, ExecParamsWithTextParameters) {
  MustExec(
      "CREATE TABLE lp_text (id int PRIMARY KEY, name varchar, price numeric, "
      "at timestamptz, ok boolean)");
  const char* values[5] = {"1", "apple", "1.50", "2024-01-01 00:00:00+08:00", "t"};
  // Untyped parameters take the types of the columns they are assigned to.
  Res ins(PQexecParams(conn_, "INSERT INTO lp_text VALUES ($1, $2, $3, $4, $5)", 5, nullptr, values,
                       nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(ins.get()), PGRES_COMMAND_OK) << Describe(ins.get());
  EXPECT_STREQ(PQcmdTuples(ins.get()), "1");
  // Typed parameters, and a NULL.
  const Oid types[5] = {kInt4, kVarchar, kNumeric, kTimestamptz, kBool};
  const char* values2[5] = {"2", nullptr, "-0.5", "2024-01-01 00:00:00Z", "false"};
  Res ins2(PQexecParams(conn_, "INSERT INTO lp_text VALUES ($1, $2, $3, $4, $5)", 5, types, values2,
                        nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(ins2.get()), PGRES_COMMAND_OK) << Describe(ins2.get());

  const char* where[1] = {"0"};
  Res sel(PQexecParams(conn_,
                       "SELECT id, name, price, at = '2023-12-31 16:00:00Z', ok FROM lp_text "
                       "WHERE price > $1 ORDER BY id",
                       1, nullptr, where, nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(sel.get()), PGRES_TUPLES_OK) << Describe(sel.get());
  ASSERT_EQ(PQntuples(sel.get()), 1);
  EXPECT_STREQ(PQgetvalue(sel.get(), 0, 0), "1");
  EXPECT_STREQ(PQgetvalue(sel.get(), 0, 1), "apple");
  EXPECT_STREQ(PQgetvalue(sel.get(), 0, 2), "1.50");
  EXPECT_STREQ(PQgetvalue(sel.get(), 0, 3), "t");
  EXPECT_STREQ(PQgetvalue(sel.get(), 0, 4), "t");

  EXPECT_EQ(Rows("SELECT id, name, price, ok FROM lp_text ORDER BY id"),
            (std::vector<std::string>{"1|apple|1.50|t", "2|NULL|-0.5|f"}));

  // A parameter that does not parse as its type.
  const char* bad[1] = {"abc"};
  Res err(PQexecParams(conn_, "SELECT id FROM lp_text WHERE id = $1", 1, nullptr, bad, nullptr,
                       nullptr, 0));
  EXPECT_EQ(PQresultStatus(err.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(Field(err.get(), PG_DIAG_SQLSTATE), "22P02");
  EXPECT_EQ(Field(err.get(), PG_DIAG_MESSAGE_PRIMARY),
            "invalid input syntax for type integer: \"abc\"");
}

TEST_F(LibpqClientTest, BinaryParametersAndResults) {
  MustExec(
      "CREATE TABLE lp_bin (id bigint PRIMARY KEY, small int, f double precision, "
      "b boolean, raw bytea, t varchar)");
  uint64_t id = htobe64(static_cast<uint64_t>(-42));
  uint32_t small = htonl(static_cast<uint32_t>(123456));
  double f = 2.5;
  uint64_t fbits;
  std::memcpy(&fbits, &f, 8);
  fbits = htobe64(fbits);
  char b = 1;
  const char raw[4] = {'\0', '\x01', '\xff', '\x7f'};
  const char* text = "héllo";
  const Oid types[6] = {kInt8, kInt4, kFloat8, kBool, kBytea, kText};
  const char* values[6] = {reinterpret_cast<const char*>(&id),
                           reinterpret_cast<const char*>(&small),
                           reinterpret_cast<const char*>(&fbits),
                           &b,
                           raw,
                           text};
  const int lengths[6] = {8, 4, 8, 1, 4, static_cast<int>(std::strlen(text))};
  const int formats[6] = {1, 1, 1, 1, 1, 1};
  Res ins(PQexecParams(conn_, "INSERT INTO lp_bin VALUES ($1, $2, $3, $4, $5, $6)", 6, types,
                       values, lengths, formats, 0));
  ASSERT_EQ(PQresultStatus(ins.get()), PGRES_COMMAND_OK) << Describe(ins.get());

  // Text results show what arrived.
  EXPECT_EQ(Rows("SELECT id, small, f, b, raw, t FROM lp_bin"),
            (std::vector<std::string>{"-42|123456|2.5|t|\\x0001ff7f|héllo"}));

  // Binary results.
  Res sel(PQexecParams(conn_, "SELECT id, small, f, b, raw, t FROM lp_bin", 0, nullptr, nullptr,
                       nullptr, nullptr, 1));
  ASSERT_EQ(PQresultStatus(sel.get()), PGRES_TUPLES_OK) << Describe(sel.get());
  ASSERT_EQ(PQntuples(sel.get()), 1);
  for (int c = 0; c < 6; ++c)
    EXPECT_EQ(PQfformat(sel.get(), c), 1) << c;
  ASSERT_EQ(PQgetlength(sel.get(), 0, 0), 8);
  EXPECT_EQ(static_cast<int64_t>(BigEndian(PQgetvalue(sel.get(), 0, 0), 8)), -42);
  ASSERT_EQ(PQgetlength(sel.get(), 0, 1), 4);
  EXPECT_EQ(BigEndian(PQgetvalue(sel.get(), 0, 1), 4), 123456u);
  ASSERT_EQ(PQgetlength(sel.get(), 0, 2), 8);
  uint64_t got_bits = BigEndian(PQgetvalue(sel.get(), 0, 2), 8);
  double got;
  std::memcpy(&got, &got_bits, 8);
  EXPECT_EQ(got, 2.5);
  ASSERT_EQ(PQgetlength(sel.get(), 0, 3), 1);
  EXPECT_EQ(PQgetvalue(sel.get(), 0, 3)[0], 1);
  ASSERT_EQ(PQgetlength(sel.get(), 0, 4), 4);
  EXPECT_EQ(std::memcmp(PQgetvalue(sel.get(), 0, 4), raw, 4), 0);
  EXPECT_EQ(std::string(PQgetvalue(sel.get(), 0, 5), PQgetlength(sel.get(), 0, 5)), "héllo");

  // A binary parameter longer than its type is refused.
  const char twelve[12] = {0};
  const Oid t1[1] = {kInt8};
  const char* v1[1] = {twelve};
  const int l1[1] = {12};
  const int f1[1] = {1};
  Res bad(PQexecParams(conn_, "SELECT $1", 1, t1, v1, l1, f1, 0));
  EXPECT_EQ(PQresultStatus(bad.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(Field(bad.get(), PG_DIAG_SQLSTATE), "22P03") << Describe(bad.get());
}

TEST_F(LibpqClientTest, PreparedStatements) {
  MustExec("CREATE TABLE lp_prep (id int PRIMARY KEY, name varchar, score double precision)");
  Res prep(PQprepare(conn_, "lp_ins", "INSERT INTO lp_prep VALUES ($1, $2, $3)", 3, nullptr));
  ASSERT_EQ(PQresultStatus(prep.get()), PGRES_COMMAND_OK) << Describe(prep.get());

  Res desc(PQdescribePrepared(conn_, "lp_ins"));
  ASSERT_EQ(PQresultStatus(desc.get()), PGRES_COMMAND_OK) << Describe(desc.get());
  ASSERT_EQ(PQnparams(desc.get()), 3);
  EXPECT_EQ(PQparamtype(desc.get(), 0), kInt4);
  EXPECT_EQ(PQparamtype(desc.get(), 1), kVarchar);
  EXPECT_EQ(PQparamtype(desc.get(), 2), kFloat8);
  EXPECT_EQ(PQnfields(desc.get()), 0);

  for (int i = 0; i < 200; ++i) {
    std::string id = std::to_string(i), name = "n" + std::to_string(i),
                score = std::to_string(i) + ".5";
    const char* values[3] = {id.c_str(), name.c_str(), i % 10 == 0 ? nullptr : score.c_str()};
    Res r(PQexecPrepared(conn_, "lp_ins", 3, values, nullptr, nullptr, 0));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << i << ": " << Describe(r.get());
    ASSERT_STREQ(PQcmdTuples(r.get()), "1");
  }

  Res sel(PQprepare(conn_, "lp_sel", "SELECT name, score FROM lp_prep WHERE id = $1", 0, nullptr));
  ASSERT_EQ(PQresultStatus(sel.get()), PGRES_COMMAND_OK) << Describe(sel.get());
  Res sel_desc(PQdescribePrepared(conn_, "lp_sel"));
  ASSERT_EQ(PQnparams(sel_desc.get()), 1);
  EXPECT_EQ(PQparamtype(sel_desc.get(), 0), kInt4);
  ASSERT_EQ(PQnfields(sel_desc.get()), 2);
  EXPECT_STREQ(PQfname(sel_desc.get(), 0), "name");
  EXPECT_EQ(PQftype(sel_desc.get(), 0), kVarchar);
  EXPECT_EQ(PQftype(sel_desc.get(), 1), kFloat8);
  for (int id : {7, 20, 999}) {
    std::string s = std::to_string(id);
    const char* values[1] = {s.c_str()};
    Res r(PQexecPrepared(conn_, "lp_sel", 1, values, nullptr, nullptr, 0));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << Describe(r.get());
    if (id == 999) {
      EXPECT_EQ(PQntuples(r.get()), 0);
      continue;
    }
    ASSERT_EQ(PQntuples(r.get()), 1);
    EXPECT_EQ(std::string(PQgetvalue(r.get(), 0, 0)), "n" + s);
    if (id == 20) {
      EXPECT_TRUE(PQgetisnull(r.get(), 0, 1));
    } else {
      EXPECT_STREQ(PQgetvalue(r.get(), 0, 1), "7.5");
    }
  }
  EXPECT_EQ(Rows("SELECT count(*), count(score), sum(id) FROM lp_prep"),
            (std::vector<std::string>{"200|180|19900"}));

  // Same name again: 42P05; an unknown name: 26000.
  Res again(PQprepare(conn_, "lp_ins", "SELECT 1", 0, nullptr));
  EXPECT_EQ(Field(again.get(), PG_DIAG_SQLSTATE), "42P05") << Describe(again.get());
  Res unknown(PQexecPrepared(conn_, "lp_nope", 0, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(Field(unknown.get(), PG_DIAG_SQLSTATE), "26000") << Describe(unknown.get());
  // A statement that fails to prepare names the problem.
  Res bad(PQprepare(conn_, "lp_bad", "SELECT nope FROM lp_prep", 0, nullptr));
  EXPECT_EQ(Field(bad.get(), PG_DIAG_SQLSTATE), "42703") << Describe(bad.get());
}

TEST_F(LibpqClientTest, ResultColumnTypes) {
  MustExec(
      "CREATE TABLE lp_types (b boolean PRIMARY KEY, i2 smallint, i4 int, i8 bigint, "
      "r real, d double precision, n numeric, v varchar, bt bytea, dt date, tm time, "
      "ts timestamp, tz timestamptz, iv interval, j jsonb, ai int[], av varchar[])");
  Res r = Exec("SELECT * FROM lp_types");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << Describe(r.get());
  const Oid expected[] = {kBool,        kInt2,     kInt4,  kInt8,      kFloat4,      kFloat8,
                          kNumeric,     kVarchar,  kBytea, kDate,      kTime,        kTimestamp,
                          kTimestamptz, kInterval, kJsonb, kInt4Array, kVarcharArray};
  ASSERT_EQ(PQnfields(r.get()), static_cast<int>(std::size(expected)));
  for (int c = 0; c < PQnfields(r.get()); ++c) {
    EXPECT_EQ(PQftype(r.get(), c), expected[c]) << "column " << PQfname(r.get(), c);
  }
  EXPECT_STREQ(PQfname(r.get(), 6), "n");
  EXPECT_EQ(PQfsize(r.get(), 2), 4);
  EXPECT_EQ(PQfsize(r.get(), 3), 8);
  EXPECT_EQ(PQfsize(r.get(), 7), -1);
  // Expressions are named as PostgreSQL names them.
  Res named = Exec("SELECT 1 AS one, count(*), lower('A') FROM lp_types");
  ASSERT_EQ(PQresultStatus(named.get()), PGRES_TUPLES_OK) << Describe(named.get());
  EXPECT_STREQ(PQfname(named.get(), 0), "one");
  EXPECT_STREQ(PQfname(named.get(), 1), "count");
  EXPECT_STREQ(PQfname(named.get(), 2), "lower");
  EXPECT_EQ(PQftype(named.get(), 1), kInt8);
}

TEST_F(LibpqClientTest, CopyTextFormatInChunks) {
  MustExec(
      "CREATE TABLE lp_copy (id int PRIMARY KEY, name varchar, score double precision, "
      "tags varchar[])");
  const std::string data =
      "1\tone\t1.5\t{a,b}\n"
      "2\t\\N\t\\N\t\\N\n"
      "3\ttab\\there, newline\\nand \\\\ backslash\t-2\t{}\n"
      "4\t\\x41\\102C\t1e16\t{\"x y\"}\n";
  // Cut the data everywhere, also inside escapes.
  std::vector<std::string> chunks;
  for (size_t i = 0; i < data.size(); i += 5)
    chunks.push_back(data.substr(i, 5));
  Res r = Copy("COPY lp_copy FROM STDIN", chunks);
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << Describe(r.get());
  EXPECT_STREQ(PQcmdStatus(r.get()), "COPY 4");
  EXPECT_STREQ(PQcmdTuples(r.get()), "4");
  EXPECT_EQ(Rows("SELECT id, name, score, tags FROM lp_copy ORDER BY id"),
            (std::vector<std::string>{"1|one|1.5|{a,b}", "2|NULL|NULL|NULL",
                                      "3|tab\there, newline\nand \\ backslash|-2|{}",
                                      "4|ABC|1e+16|{\"x y\"}"}));

  // A column list, and an explicit delimiter and NULL marker.
  Res cols = Copy("COPY lp_copy (name, id) FROM STDIN WITH (DELIMITER '|', NULL 'nil')",
                  {"five|5\n", "nil|6\n"});
  ASSERT_EQ(PQresultStatus(cols.get()), PGRES_COMMAND_OK) << Describe(cols.get());
  EXPECT_EQ(Rows("SELECT id, name, score FROM lp_copy WHERE id >= 5 ORDER BY id"),
            (std::vector<std::string>{"5|five|NULL", "6|NULL|NULL"}));
}

TEST_F(LibpqClientTest, CopyCsvFormat) {
  MustExec("CREATE TABLE lp_csv (id int PRIMARY KEY, name varchar, note varchar)");
  Res r = Copy("COPY lp_csv FROM STDIN WITH (FORMAT csv, HEADER true)",
               {"id,name,note\r\n1,plain,\"quoted, comma\"\r\n",
                "2,,\"\"\r\n3,\"multi\r\nline\",\"say \"\"hi\"\"\"\r\n"});
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << Describe(r.get());
  EXPECT_STREQ(PQcmdTuples(r.get()), "3");
  EXPECT_EQ(Rows("SELECT id, name, note, name IS NULL, note IS NULL FROM lp_csv ORDER BY id"),
            (std::vector<std::string>{"1|plain|quoted, comma|f|f", "2|NULL||t|f",
                                      "3|multi\r\nline|say \"hi\"|f|f"}));
}

TEST_F(LibpqClientTest, CopyErrorsLeaveNothingBehind) {
  MustExec("CREATE TABLE lp_copy_err (id int PRIMARY KEY, v int NOT NULL)");
  std::string many;
  for (int i = 0; i < 10000; ++i)
    many += std::to_string(i) + "\t" + std::to_string(i) + "\n";
  Res bad_value = Copy("COPY lp_copy_err FROM STDIN", {many, "10000\tnot a number\n"});
  EXPECT_EQ(PQresultStatus(bad_value.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(Field(bad_value.get(), PG_DIAG_SQLSTATE), "22P02") << Describe(bad_value.get());
  EXPECT_NE(Field(bad_value.get(), PG_DIAG_CONTEXT).find("line 10001"), std::string::npos)
      << Describe(bad_value.get());

  Res null_value = Copy("COPY lp_copy_err FROM STDIN", {"1\t1\n2\t\\N\n"});
  EXPECT_EQ(Field(null_value.get(), PG_DIAG_SQLSTATE), "23502") << Describe(null_value.get());

  Res short_row = Copy("COPY lp_copy_err FROM STDIN", {"1\t1\n2\n"});
  EXPECT_EQ(Field(short_row.get(), PG_DIAG_SQLSTATE), "22P04") << Describe(short_row.get());

  // The client gives up: CopyFail.
  Res start(PQexec(conn_, "COPY lp_copy_err FROM STDIN"));
  ASSERT_EQ(PQresultStatus(start.get()), PGRES_COPY_IN) << Describe(start.get());
  ASSERT_EQ(PQputCopyData(conn_, "1\t1\n", 4), 1);
  ASSERT_EQ(PQputCopyEnd(conn_, "client changed its mind"), 1);
  Res failed(PQgetResult(conn_));
  while (PGresult* extra = PQgetResult(conn_))
    PQclear(extra);
  EXPECT_EQ(Field(failed.get(), PG_DIAG_SQLSTATE), "57014") << Describe(failed.get());

  EXPECT_EQ(Rows("SELECT count(*) FROM lp_copy_err"), (std::vector<std::string>{"0"}));

  Res missing = Exec("COPY lp_no_such_table FROM STDIN");
  EXPECT_EQ(Field(missing.get(), PG_DIAG_SQLSTATE), "42P01") << Describe(missing.get());
}

TEST_F(LibpqClientTest, ErrorsCarrySqlstateAndPosition) {
  Res r = Exec("SELECT * FROM lp_missing");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(Field(r.get(), PG_DIAG_SQLSTATE), "42P01");
  EXPECT_EQ(Field(r.get(), PG_DIAG_SEVERITY), "ERROR");
  EXPECT_EQ(Field(r.get(), PG_DIAG_MESSAGE_PRIMARY), "relation \"lp_missing\" does not exist");
  EXPECT_EQ(Field(r.get(), PG_DIAG_STATEMENT_POSITION), "15");

  Res syntax = Exec("SELECT 1 +");
  EXPECT_EQ(Field(syntax.get(), PG_DIAG_SQLSTATE), "42601");
  EXPECT_EQ(Field(syntax.get(), PG_DIAG_STATEMENT_POSITION), "11");

  Res div = Exec("SELECT 1 / 0");
  EXPECT_EQ(Field(div.get(), PG_DIAG_SQLSTATE), "22012");
  EXPECT_EQ(Field(div.get(), PG_DIAG_MESSAGE_PRIMARY), "division by zero");

  // The connection is still good, and its transaction status idle.
  EXPECT_EQ(Rows("SELECT 40 + 2"), (std::vector<std::string>{"42"}));
  EXPECT_EQ(PQtransactionStatus(conn_), PQTRANS_IDLE);
}

TEST_F(LibpqClientTest, ManyConcurrentSessions) {
  MustExec("CREATE TABLE lp_many (client int, seq int, v varchar, PRIMARY KEY (client, seq))");
  constexpr int kClients = 32;
  constexpr int kRowsEach = 50;
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kClients);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      auto conn =
          PgConnection::Connect(server_->ConnInfo("application_name=client" + std::to_string(c)));
      if (!conn.ok()) {
        errors[c] = conn.status().ToString();
        ++failures;
        return;
      }
      Status s = conn->Execute("SET extra_float_digits = " + std::to_string(c % 3 + 1));
      for (int i = 0; s.ok() && i < kRowsEach; i += 5) {
        std::string sql = "INSERT INTO lp_many VALUES ";
        for (int k = i; k < i + 5; ++k) {
          sql += (k == i ? "" : ", ") + ("(" + std::to_string(c) + ", " + std::to_string(k) +
                                         ", 'c" + std::to_string(c) + "')");
        }
        s = conn->Execute(sql);
      }
      auto mine =
          s.ok()
              ? conn->QueryValue("SELECT count(*) FROM lp_many WHERE client = " + std::to_string(c))
              : Result<std::string>(s);
      auto app = conn->QueryValue("SHOW application_name");
      auto digits = conn->QueryValue("SHOW extra_float_digits");
      if (!mine.ok() || *mine != std::to_string(kRowsEach) || !app.ok() ||
          *app != "client" + std::to_string(c) || !digits.ok() ||
          *digits != std::to_string(c % 3 + 1)) {
        errors[c] = !mine.ok() ? mine.status().ToString()
                               : "count " + *mine + ", app " + app.value_or("?") + ", digits " +
                                     digits.value_or("?");
        ++failures;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (int c = 0; c < kClients; ++c)
    EXPECT_EQ(errors[c], "") << "client " << c;
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Rows("SELECT count(*), count(DISTINCT client), min(seq), max(seq) FROM lp_many"),
            (std::vector<std::string>{"1600|32|0|49"}));
}

TEST_F(LibpqClientTest, SingleRowModeStreamsRows) {
  MustExec("CREATE TABLE lp_stream (id int PRIMARY KEY)");
  MustExec("INSERT INTO lp_stream VALUES (1), (2), (3), (4)");
  for (int offset : {4, 8, 16}) {
    MustExec("INSERT INTO lp_stream SELECT id + " + std::to_string(offset) + " FROM lp_stream");
  }
  ASSERT_EQ(PQsendQuery(conn_, "SELECT id FROM lp_stream ORDER BY id"), 1);
  ASSERT_EQ(PQsetSingleRowMode(conn_), 1);
  int rows = 0;
  int64_t sum = 0;
  while (PGresult* r = PQgetResult(conn_)) {
    Res res(r);
    if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
      ++rows;
      sum += std::atoi(PQgetvalue(r, 0, 0));
    } else {
      EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << Describe(r);
    }
  }
  EXPECT_EQ(rows, 32);
  EXPECT_EQ(sum, 32 * 33 / 2);
}

TEST_F(LibpqClientTest, CancelALongStatement) {
  PGcancel* cancel = PQgetCancel(conn_);
  ASSERT_NE(cancel, nullptr);
  ASSERT_EQ(PQsendQuery(conn_, "SELECT pg_sleep(30)"), 1);
  std::this_thread::sleep_for(300ms);
  const auto start = std::chrono::steady_clock::now();
  char err[256];
  ASSERT_EQ(PQcancel(cancel, err, sizeof(err)), 1) << err;
  PQfreeCancel(cancel);
  Res r(PQgetResult(conn_));
  const auto took = std::chrono::steady_clock::now() - start;
  while (PGresult* extra = PQgetResult(conn_))
    PQclear(extra);
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(Field(r.get(), PG_DIAG_SQLSTATE), "57014") << Describe(r.get());
  EXPECT_EQ(Field(r.get(), PG_DIAG_MESSAGE_PRIMARY), "canceling statement due to user request");
  EXPECT_LT(took, 5s) << "the cancel took effect only after the statement ended";
  // The session survives the cancel.
  EXPECT_EQ(Rows("SELECT 1"), (std::vector<std::string>{"1"}));
}

}  // namespace
}  // namespace dynasink::test
