// bench_storage_commit: durable commits/s and rows/s of storage::Storage::Commit().
//
// Every commit is what an INSERT statement costs the storage layer: its rows (8-byte keys,
// ~100-byte rows) AND their change-log entries (a cursor is registered on the table, so the log
// is written), in one atomic RocksDB write with the WAL synced. Scenarios: 1 and 8 threads,
// with 1 row per commit (single-row prepared INSERTs) and with many rows per commit
// (multi-row INSERT / COPY batches). Each scenario runs on a fresh database.
//
//   bench_storage_commit [--dir DIR] [--seconds S] [--row-bytes N] [--threads T --rows R]
//   bench_storage_commit --backlog N [--dir DIR] [--row-bytes N]
//
// --threads/--rows run one scenario instead of the whole table. --backlog commits N changes
// (1000 per commit) with nobody reading, then streams them with a ChangeLogReader as a sink
// would, and reports the read rate and the process's RSS (current and peak) at each step.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/format.h"
#include "storage/storage.h"

namespace {

using dynasink::storage::Storage;
using dynasink::storage::StorageOptions;
using dynasink::storage::StorageStats;
using dynasink::storage::WriteBatch;

struct Scenario {
  int threads;
  int rows_per_commit;
};

struct Result {
  double seconds = 0;
  uint64_t commits = 0;
  uint64_t rows = 0;
  StorageStats stats;
};

Result Run(const std::string& path, const Scenario& sc, double seconds, size_t row_bytes) {
  std::filesystem::remove_all(path);
  StorageOptions options;
  options.path = path;
  auto opened = Storage::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    std::exit(1);
  }
  std::unique_ptr<Storage> storage = std::move(opened).value();
  constexpr uint32_t kTable = 1;
  if (!storage->RegisterCursor(1, kTable, 0).ok()) std::exit(1);

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> commits{0};
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < sc.threads; ++t) {
    threads.emplace_back([&, t] {
      WriteBatch batch;
      std::string row(row_bytes, 'r');
      char pk[8];
      uint64_t key = uint64_t(t) << 40;
      uint64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        batch.Clear();
        for (int i = 0; i < sc.rows_per_commit; ++i, ++key) {
          dynasink::storage::format::PutBigEndian64(pk, key);
          std::memcpy(row.data(), pk, 8);
          batch.Insert(kTable, std::string_view(pk, 8), row);
        }
        auto r = storage->Commit(batch);
        if (!r.ok()) {
          std::fprintf(stderr, "commit: %s\n", r.status().ToString().c_str());
          std::exit(1);
        }
        ++mine;
      }
      commits.fetch_add(mine);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : threads)
    th.join();
  Result res;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  res.commits = commits.load();
  res.rows = res.commits * uint64_t(sc.rows_per_commit);
  res.stats = storage->GetStats();
  storage.reset();
  std::filesystem::remove_all(path);
  return res;
}

long ProcStatusKb(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  long kb = -1;
  const size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, field, n) == 0 && line[n] == ':') kb = std::atol(line + n + 1);
  }
  std::fclose(f);
  return kb;
}

void PrintMemory(const char* when) {
  std::printf("  %-28s RSS %6ld MB   peak %6ld MB\n", when, ProcStatusKb("VmRSS") / 1024,
              ProcStatusKb("VmHWM") / 1024);
  std::fflush(stdout);
}

int RunBacklog(const std::string& path, uint64_t changes, size_t row_bytes) {
  std::filesystem::remove_all(path);
  StorageOptions options;
  options.path = path;
  auto opened = Storage::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<Storage> storage = std::move(opened).value();
  constexpr uint32_t kTable = 1;
  constexpr uint64_t kCursor = 1;
  if (!storage->RegisterCursor(kCursor, kTable, 0).ok()) return 1;
  std::printf("backlog of %llu changes, %zu-byte rows\n", (unsigned long long)changes, row_bytes);
  PrintMemory("opened");

  WriteBatch batch;
  std::string row(row_bytes, 'r');
  char pk[8];
  auto start = std::chrono::steady_clock::now();
  for (uint64_t key = 0; key < changes;) {
    batch.Clear();
    for (int i = 0; i < 1000 && key < changes; ++i, ++key) {
      dynasink::storage::format::PutBigEndian64(pk, key);
      std::memcpy(row.data(), pk, 8);
      batch.Insert(kTable, std::string_view(pk, 8), row);
    }
    auto r = storage->Commit(batch);
    if (!r.ok()) {
      std::fprintf(stderr, "commit: %s\n", r.status().ToString().c_str());
      return 1;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("  wrote   %12.0f changes/s (rows + log, 1000 per commit)\n", changes / secs);
  PrintMemory("after writing the backlog");

  dynasink::storage::ChangeLogReader reader(*storage, kTable, 0);
  dynasink::storage::ChangeBatch changes_read;
  uint64_t n = 0, bytes = 0, expect = 0;
  start = std::chrono::steady_clock::now();
  auto last_ack = start;
  for (;;) {
    auto s = reader.Read({.max_entries = 1024, .max_bytes = 4 << 20}, &changes_read);
    if (!s.ok()) {
      std::fprintf(stderr, "read: %s\n", s.ToString().c_str());
      return 1;
    }
    if (changes_read.empty()) break;
    for (const auto& e : changes_read) {
      if (dynasink::storage::format::GetBigEndian64(e.row.data()) != expect++) {
        std::fprintf(stderr, "out of order at change %llu\n", (unsigned long long)n);
        return 1;
      }
      bytes += e.row.size();
      ++n;
    }
    // A sink acknowledges now and then; the background thread truncates behind it.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ack > std::chrono::milliseconds(100)) {
      if (!storage->AdvanceCursor(kCursor, changes_read.end_seq()).ok()) return 1;
      last_ack = now;
    }
  }
  secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("  read    %12.0f changes/s (%.0f MB/s of rows), %llu changes\n", n / secs,
              bytes / secs / 1e6, (unsigned long long)n);
  PrintMemory("after reading it");
  storage.reset();
  std::filesystem::remove_all(path);
  return n == changes ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/bench_storage_commit." + std::to_string(getpid());
  double seconds = 5;
  size_t row_bytes = 100;
  int only_threads = 0, only_rows = 0;
  uint64_t backlog = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--row-bytes" && i + 1 < argc) {
      row_bytes = size_t(std::atol(argv[++i]));
    } else if (arg == "--backlog" && i + 1 < argc) {
      backlog = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--threads" && i + 1 < argc) {
      only_threads = std::atoi(argv[++i]);
    } else if (arg == "--rows" && i + 1 < argc) {
      only_rows = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: %s [--dir DIR] [--seconds S] [--row-bytes N] [--threads T --rows R] "
                   "[--backlog N]\n",
                   argv[0]);
      return 2;
    }
  }
  if (row_bytes < 8) row_bytes = 8;
  std::filesystem::create_directories(dir);
  if (backlog > 0) {
    const int rc = RunBacklog(dir + "/db", backlog, row_bytes);
    std::filesystem::remove_all(dir);
    return rc;
  }
  std::vector<Scenario> scenarios = {{1, 1}, {8, 1}, {1, 100}, {8, 100}, {1, 1000}, {8, 1000}};
  if (only_threads > 0 || only_rows > 0) {
    scenarios = {{std::max(1, only_threads), std::max(1, only_rows)}};
  }
  std::printf("durable commits (WAL synced), rows + change log, %zu-byte rows, %.0f s each\n",
              row_bytes, seconds);
  std::printf("%7s %8s %12s %12s %10s %14s %10s\n", "threads", "rows/cmt", "commits/s", "rows/s",
              "syncs/s", "commits/sync", "MB/s");
  for (const Scenario& sc : scenarios) {
    const Result r = Run(dir + "/db", sc, seconds, row_bytes);
    const double syncs = double(r.stats.wal_syncs);
    std::printf("%7d %8d %12.0f %12.0f %10.0f %14.2f %10.1f\n", sc.threads, sc.rows_per_commit,
                double(r.commits) / r.seconds, double(r.rows) / r.seconds, syncs / r.seconds,
                syncs > 0 ? double(r.stats.commits) / syncs : 0.0,
                double(r.stats.bytes_written) / r.seconds / 1e6);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
