// bench_sql_ingest: one libpq client that loads rows into a PostgreSQL-protocol server, used for
// dynasink and PostgreSQL 15 alike (bench/sql_ingest.sh runs both in the same run).
//
//   bench_sql_ingest --conninfo "host=127.0.0.1 port=4566 dbname=dev user=root" --mode copy
//
// The table, dropped and created before each run:
//   CREATE TABLE <table> (id bigint PRIMARY KEY, name varchar, score double precision,
//                         ts timestamptz, payload varchar)
// Row i: id i, name 'name-<i>', score i * 0.25, ts 2024-01-01 00:00:00+00 plus i seconds,
// payload 64 hexadecimal characters derived from i (about 110 bytes of text per row).
//
// Modes (each statement is committed on its own, as autocommit clients do):
//   copy      one COPY ... FROM STDIN (text format), rows sent with PQputCopyData in 64 KiB
//             chunks;
//   insert    multi-row INSERT ... VALUES statements of --batch rows (default 1000);
//   prepared  --clients connections (default 8), each PQprepare-ing a single-row INSERT and
//             running it with PQexecPrepared for its share of the rows.
// The clock runs from the first statement of the load to the last acknowledgement (table
// creation excluded); afterwards count(*) must equal --rows, or the run fails. The last line of
// output is machine-readable: `mode=copy rows=1000000 seconds=3.21 finish_seconds=0.15
// rows_per_s=311526` (finish_seconds, for COPY only: from the end of the data to the server's
// acknowledgement, i.e. what the commit adds after the last row arrived).
#include <fmt/format.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kBaseEpoch = 1704067200;  // 2024-01-01 00:00:00 UTC

struct Options {
  std::string conninfo;
  std::string mode;
  std::string table = "bench_ingest";
  int64_t rows = 1'000'000;
  int batch = 1000;
  int clients = 8;
};

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "bench_sql_ingest: " << message << "\n";
  std::exit(1);
}

PGconn* Connect(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) Die(std::string("connect: ") + PQerrorMessage(c));
  return c;
}

void Exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string err = PQresultErrorMessage(r);
    PQclear(r);
    Die(sql.substr(0, 120) + ": " + err);
  }
  PQclear(r);
}

uint64_t Mix(uint64_t x) {  // splitmix64: a cheap, fixed pseudo-random payload per row
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The five values of row i as text, appended to `out` separated by `sep`; strings are wrapped
// in `quote` (empty for COPY, "'" for SQL literals; no value needs escaping).
void AppendRow(int64_t i, char sep, const char* quote, std::string* out) {
  const time_t t = static_cast<time_t>(kBaseEpoch + i);
  struct tm tm;
  gmtime_r(&t, &tm);
  const uint64_t h = Mix(static_cast<uint64_t>(i));
  fmt::format_to(std::back_inserter(*out),
                 "{}{}{}name-{}{}{}{}{}{}{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00{}{}{}{:016x}"
                 "{:016x}{:016x}{:016x}{}",
                 i, sep, quote, i, quote, sep, static_cast<double>(i) * 0.25, sep, quote,
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 quote, sep, quote, h, Mix(h), Mix(h + 1), Mix(h + 2), quote);
}

// Seconds from the end of the data (PQputCopyEnd) to the server's acknowledgement: the part of
// a COPY that its commit adds after the last row arrived.
double copy_finish_seconds = 0;

void LoadCopy(PGconn* c, const Options& o) {
  const std::string sql = fmt::format("COPY {} FROM STDIN", o.table);
  PGresult* r = PQexec(c, sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) Die(std::string("COPY: ") + PQresultErrorMessage(r));
  PQclear(r);
  std::string buf;
  buf.reserve(80 * 1024);
  for (int64_t i = 0; i < o.rows; ++i) {
    AppendRow(i, '\t', "", &buf);
    buf.push_back('\n');
    if (buf.size() >= 64 * 1024) {
      if (PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1) {
        Die(std::string("PQputCopyData: ") + PQerrorMessage(c));
      }
      buf.clear();
    }
  }
  if (!buf.empty() && PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1) {
    Die(std::string("PQputCopyData: ") + PQerrorMessage(c));
  }
  const auto end_of_data = Clock::now();
  if (PQputCopyEnd(c, nullptr) != 1) Die(std::string("PQputCopyEnd: ") + PQerrorMessage(c));
  r = PQgetResult(c);
  copy_finish_seconds = std::chrono::duration<double>(Clock::now() - end_of_data).count();
  if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(std::string("COPY: ") + PQresultErrorMessage(r));
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr)
    PQclear(r);
}

void LoadInsert(PGconn* c, const Options& o) {
  std::string sql;
  const std::string head = fmt::format("INSERT INTO {} VALUES ", o.table);
  for (int64_t start = 0; start < o.rows; start += o.batch) {
    sql = head;
    const int64_t end = std::min<int64_t>(o.rows, start + o.batch);
    for (int64_t i = start; i < end; ++i) {
      if (i > start) sql += ", ";
      sql += '(';
      AppendRow(i, ',', "'", &sql);
      sql += ')';
    }
    Exec(c, sql);
  }
}

void LoadPrepared(const Options& o) {
  std::vector<PGconn*> conns;
  for (int k = 0; k < o.clients; ++k)
    conns.push_back(Connect(o.conninfo));
  const std::string sql = fmt::format("INSERT INTO {} VALUES ($1, $2, $3, $4, $5)", o.table);
  for (PGconn* c : conns) {
    PGresult* r = PQprepare(c, "ins", sql.c_str(), 5, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      Die(std::string("PQprepare: ") + PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  std::atomic<int64_t> next{0};
  std::vector<std::thread> threads;
  for (PGconn* c : conns) {
    threads.emplace_back([&, c] {
      std::string row;
      std::vector<std::string> fields(5);
      const char* values[5];
      while (true) {
        const int64_t i = next.fetch_add(1);
        if (i >= o.rows) break;
        row.clear();
        AppendRow(i, '\t', "", &row);
        size_t start = 0;
        for (int f = 0; f < 5; ++f) {
          size_t end = f == 4 ? row.size() : row.find('\t', start);
          fields[f].assign(row, start, end - start);
          values[f] = fields[f].c_str();
          start = end + 1;
        }
        PGresult* r = PQexecPrepared(c, "ins", 5, values, nullptr, nullptr, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
          Die(std::string("PQexecPrepared: ") + PQresultErrorMessage(r));
        }
        PQclear(r);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (PGconn* c : conns)
    PQfinish(c);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--conninfo") {
      o.conninfo = value();
    } else if (a == "--mode") {
      o.mode = value();
    } else if (a == "--table") {
      o.table = value();
    } else if (a == "--rows") {
      o.rows = std::atoll(value().c_str());
    } else if (a == "--batch") {
      o.batch = std::atoi(value().c_str());
    } else if (a == "--clients") {
      o.clients = std::atoi(value().c_str());
    } else {
      Die("unknown argument " + a +
          "\nusage: bench_sql_ingest --conninfo STR --mode copy|insert|prepared [--rows N] "
          "[--batch N] [--clients N] [--table NAME]");
    }
  }
  if (o.conninfo.empty()) Die("--conninfo is required");
  if (o.mode != "copy" && o.mode != "insert" && o.mode != "prepared") {
    Die("--mode must be copy, insert or prepared");
  }
  if (o.rows <= 0 || o.batch <= 0 || o.clients <= 0) Die("--rows/--batch/--clients must be > 0");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  PGconn* c = Connect(o.conninfo);
  Exec(c, fmt::format("DROP TABLE IF EXISTS {}", o.table));
  Exec(c, fmt::format("CREATE TABLE {} (id bigint PRIMARY KEY, name varchar, "
                      "score double precision, ts timestamptz, payload varchar)",
                      o.table));
  const auto start = Clock::now();
  if (o.mode == "copy") {
    LoadCopy(c, o);
  } else if (o.mode == "insert") {
    LoadInsert(c, o);
  } else {
    LoadPrepared(o);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  PGresult* r = PQexec(c, fmt::format("SELECT count(*) FROM {}", o.table).c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) Die(std::string("count: ") + PQresultErrorMessage(r));
  const int64_t count = std::atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  if (count != o.rows) Die(fmt::format("loaded {} rows but the table has {}", o.rows, count));
  PQfinish(c);
  std::string finish;
  if (o.mode == "copy") finish = fmt::format(" finish_seconds={:.3f}", copy_finish_seconds);
  std::cout << fmt::format("mode={} rows={} seconds={:.3f}{} rows_per_s={:.0f}\n", o.mode, o.rows,
                           seconds, finish, static_cast<double>(o.rows) / seconds);
  return 0;
}
