// Crash safety: a child process commits statements from several threads and reports each
// acknowledged one over a pipe; the parent SIGKILLs it at a random moment, reopens the database,
// and checks that every acknowledged statement is there completely, that no statement is there
// partly, and that the log, the cursor, the sequence and the id counters are consistent. Several
// rounds on the same directory, each killed at a different point, so recovery also runs on
// databases that already went through crashes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "storage/storage.h"
#include "storage_test_util.h"

namespace dynasink::storage {
namespace {

using testing::MustOpen;
using testing::Pk;
using testing::PkValue;
using testing::TempDir;
using testing::TestOptions;

constexpr int kThreads = 4;
constexpr uint32_t kAckStatement = 1;
constexpr uint32_t kAckCursor = 2;

// One acknowledgement; 32 bytes, so each write() to the pipe is atomic.
struct Ack {
  uint32_t kind;
  uint32_t thread;
  uint64_t stmt;
  uint64_t first_seq;
  uint64_t last_seq;
};
static_assert(sizeof(Ack) == 32);

uint32_t TableOf(int round) {
  return 100 + round;
}
std::string MetaKey(int round, int thread, uint64_t stmt) {
  return "crash/" + std::to_string(round) + "/" + Pk(thread) + Pk(stmt);
}
uint64_t RowKey(int thread, uint64_t stmt, int j) {
  return (uint64_t(thread) << 48) | (stmt << 8) | uint64_t(j);
}
int RowsOf(int thread, uint64_t stmt) {
  return 1 + int((stmt * 7 + thread) % 6);
}
std::string RowOf(uint64_t key, uint64_t id) {
  return Pk(key) + Pk(id) + std::string((key * 31) % 300, char('a' + key % 26));
}

[[noreturn]] void ChildDie(const char* what, const Status& s) {
  std::fprintf(stderr, "crash child: %s: %s\n", what, s.ToString().c_str());
  _exit(2);
}

// How the child writes. With `bulk`, every statement that holds only rows (no marker) and whose
// group has no cursor advance is written as ingested SST files (bulk_write.cc); the rows then
// stand for the marker.
struct Mode {
  bool bulk = false;
};

// Runs in the forked child until killed.
[[noreturn]] void RunChild(const std::string& path, int round, int fd, Mode mode) {
  StorageOptions options = TestOptions(path);
  if (mode.bulk) options.bulk_write_bytes = 1;
  auto opened = Storage::Open(options);
  if (!opened.ok()) ChildDie("open", opened.status());
  Storage& s = **opened;
  const uint32_t table = TableOf(round);
  auto start = s.RegisterCursorAtLatest(uint64_t(round), table);
  if (!start.ok()) ChildDie("register", start.status());

  auto send = [fd](const Ack& ack) {
    if (write(fd, &ack, sizeof ack) != sizeof ack) _exit(3);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      WriteBatch b;
      for (uint64_t stmt = 0;; ++stmt) {
        const int n = RowsOf(t, stmt);
        auto id = s.AllocateIds(table, 0, n);
        if (!id.ok()) ChildDie("allocate", id.status());
        b.Clear();
        for (int j = 0; j < n; ++j) {
          const uint64_t key = RowKey(t, stmt, j);
          b.Insert(table, Pk(key), RowOf(key, *id + j));
        }
        if (!mode.bulk) b.PutMeta(MetaKey(round, t, stmt), std::to_string(n));
        auto r = s.Commit(b);
        if (!r.ok()) ChildDie("commit", r.status());
        send(Ack{kAckStatement, uint32_t(t), stmt, r->first_seq, r->last_seq});
      }
    });
  }
  threads.emplace_back([&] {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
      const uint64_t seq = s.LastCommittedSeq();
      Status st = s.AdvanceCursor(uint64_t(round), seq);
      if (!st.ok()) ChildDie("advance", st);
      send(Ack{kAckCursor, 0, 0, seq, s.GetStats().bulk_writes});
    }
  });
  for (auto& t : threads)
    t.join();
  _exit(0);
}

struct RoundAcks {
  std::map<int, int64_t> last_stmt;  // thread -> highest acked stmt
  std::map<std::pair<int, uint64_t>, std::pair<uint64_t, uint64_t>> seqs;  // -> first, last
  uint64_t cursor = 0;
  size_t count = 0;
  uint64_t bulk_writes = 0;  // as the child last reported
};

// Forks the child, lets it run for `run_ms` after its first acknowledgement, kills it.
RoundAcks CrashRound(const std::string& path, int round, int run_ms, Mode mode) {
  RoundAcks acks;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return acks;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    RunChild(path, round, fds[1], mode);
  }
  close(fds[1]);
  auto record = [&](const Ack& a) {
    ++acks.count;
    if (a.kind == kAckCursor) {
      acks.cursor = std::max(acks.cursor, a.first_seq);
      acks.bulk_writes = std::max(acks.bulk_writes, a.last_seq);
      return;
    }
    auto& last = acks.last_stmt.try_emplace(int(a.thread), -1).first->second;
    last = std::max(last, int64_t(a.stmt));
    acks.seqs[{int(a.thread), a.stmt}] = {a.first_seq, a.last_seq};
  };
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::chrono::steady_clock::time_point kill_at = std::chrono::steady_clock::time_point::max();
  Ack a;
  size_t have = 0;
  auto* bytes = reinterpret_cast<char*>(&a);
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= kill_at || now >= give_up) break;
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 1) <= 0) continue;
    const ssize_t n = read(fds[0], bytes + have, sizeof a - have);
    if (n <= 0) break;  // the child died on its own
    have += size_t(n);
    if (have < sizeof a) continue;
    have = 0;
    record(a);
    if (kill_at == std::chrono::steady_clock::time_point::max()) {
      kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
    }
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended by itself; status " << status;
  // Acknowledgements already in the pipe were acknowledged before the kill: they count.
  for (;;) {
    const ssize_t n = read(fds[0], bytes + have, sizeof a - have);
    if (n <= 0) break;
    have += size_t(n);
    if (have == sizeof a) {
      have = 0;
      record(a);
    }
  }
  close(fds[0]);
  return acks;
}

void VerifyRound(Storage& s, int round, const RoundAcks& acks, bool latest, Mode mode) {
  SCOPED_TRACE("round " + std::to_string(round));
  const uint32_t table = TableOf(round);
  // Statements whose marker is present, and the rows present, per statement.
  std::map<std::pair<int, uint64_t>, int> markers;
  auto scan = s.ScanMeta("crash/" + std::to_string(round) + "/");
  ASSERT_TRUE(scan.ok());
  for (const auto& [key, value] : *scan) {
    const std::string_view tail = std::string_view(key).substr(key.size() - 16);
    markers[{int(PkValue(tail.substr(0, 8))), PkValue(tail.substr(8))}] = std::stoi(value);
  }
  std::map<std::pair<int, uint64_t>, int> rows;
  std::set<uint64_t> ids;
  uint64_t max_id = 0;
  auto it = s.NewRowIterator(table);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const uint64_t key = PkValue(it->pk());
    const uint64_t id = PkValue(it->row().substr(8, 8));
    ASSERT_EQ(it->row(), RowOf(key, id));
    ASSERT_TRUE(ids.insert(id).second) << "id " << id << " used twice";
    max_id = std::max(max_id, id);
    rows[{int(key >> 48), (key >> 8) & 0xFFFFFFFFFFULL}]++;
  }
  ASSERT_TRUE(it->status().ok());
  if (mode.bulk) {
    for (const auto& [stmt, n] : rows)
      markers[stmt] = RowsOf(stmt.first, stmt.second);
  }

  // No partial statement: rows and marker together, all rows or none.
  for (const auto& [stmt, n] : rows) {
    ASSERT_TRUE(markers.contains(stmt)) << "rows without their statement's marker";
    ASSERT_EQ(n, RowsOf(stmt.first, stmt.second)) << "a statement is partly present";
  }
  uint64_t total_rows = 0;
  for (const auto& [stmt, n] : markers) {
    ASSERT_EQ(rows[stmt], n) << "marker without all of its rows";
    total_rows += uint64_t(n);
  }
  // Each thread commits in order: present statements are a prefix, covering every acknowledged
  // one and at most the one in flight at the kill.
  for (int t = 0; t < kThreads; ++t) {
    int64_t present = -1;
    while (markers.contains({t, uint64_t(present + 1)}))
      ++present;
    const int64_t acked = acks.last_stmt.contains(t) ? acks.last_stmt.at(t) : -1;
    EXPECT_GE(present, acked) << "an acknowledged statement of thread " << t << " is missing";
    EXPECT_LE(present, acked + 1) << "thread " << t << " has statements never committed";
  }
  size_t beyond_prefix = 0;
  for (const auto& [stmt, n] : markers) {
    for (uint64_t i = 0; i < stmt.second; ++i) {
      if (!markers.contains({stmt.first, i})) ++beyond_prefix;
    }
  }
  EXPECT_EQ(beyond_prefix, 0u);

  // The change log (never truncated here: the cursor only pins it) holds exactly the rows of
  // the present statements, each acknowledged one at its acknowledged seqs.
  auto cursor = s.GetCursor(uint64_t(round));
  ASSERT_TRUE(cursor.ok());
  EXPECT_GE(cursor->acked_seq, acks.cursor) << "an acknowledged cursor advance was lost";
  EXPECT_LE(cursor->acked_seq, s.LastCommittedSeq());
  ChangeLogReader reader(s, table, 0);
  ChangeBatch batch;
  std::map<uint64_t, uint64_t> seq_to_key;
  uint64_t entries = 0;
  for (;;) {
    ASSERT_TRUE(reader.Read({}, &batch).ok());
    if (batch.empty()) break;
    for (const auto& e : batch) {
      ASSERT_EQ(e.op, ChangeOp::kInsert);
      seq_to_key[e.seq] = PkValue(e.row);
      ++entries;
      EXPECT_LE(e.seq, s.LastCommittedSeq());
    }
  }
  EXPECT_EQ(entries, total_rows);
  for (const auto& [stmt, range] : acks.seqs) {
    for (uint64_t q = range.first; q <= range.second; ++q) {
      ASSERT_TRUE(seq_to_key.contains(q));
      EXPECT_EQ(seq_to_key[q], RowKey(stmt.first, stmt.second, int(q - range.first)));
    }
  }
  if (latest) {
    // Ids handed out from now on are above every committed one.
    auto next = s.AllocateIds(table, 0, 1);
    ASSERT_TRUE(next.ok());
    EXPECT_GT(*next, max_id);
    EXPECT_GT(acks.count, 0u);
  }
}

void RunCrashRounds(Mode mode, uint32_t seed) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  std::mt19937 rng(seed);
  // Kill points: right after the first acknowledgement, then at random moments.
  std::vector<int> run_ms = {0, 5 + int(rng() % 40), 50 + int(rng() % 150), 200 + int(rng() % 200)};
  std::vector<RoundAcks> rounds;
  for (size_t round = 0; round < run_ms.size(); ++round) {
    rounds.push_back(CrashRound(path, int(round), run_ms[round], mode));
    auto s = MustOpen(TestOptions(path));
    ASSERT_NE(s, nullptr);
    for (size_t r = 0; r <= round; ++r) {
      VerifyRound(*s, int(r), rounds[r], r == round, mode);
      if (::testing::Test::HasFatalFailure()) return;
    }
    const std::string bulk_dir = dir.Sub("db/bulk");
    EXPECT_TRUE(!std::filesystem::exists(bulk_dir) || std::filesystem::is_empty(bulk_dir))
        << "Open removes the files of an interrupted bulk write";
    // Writing after recovery continues the sequence.
    const uint64_t last = s->LastCommittedSeq();
    WriteBatch b;
    b.Insert(999, Pk(round), "after recovery");
    auto c = s->Commit(b);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->first_seq, last + 1);
  }
  uint64_t bulk_writes = 0;
  for (const RoundAcks& r : rounds)
    bulk_writes += r.bulk_writes;
  if (mode.bulk) {
    EXPECT_GT(bulk_writes, 0u) << "the children wrote no statement as files";
  } else {
    EXPECT_EQ(bulk_writes, 0u);
  }
}

TEST(CrashTest, KillNineKeepsEveryAcknowledgedStatementAndNothingPartial) {
  RunCrashRounds(Mode{}, 20261124);
}

// The same with statements written as ingested SST files (and groups with a cursor advance
// written the normal way in between).
TEST(CrashTest, KillNineDuringBulkWritesKeepsEveryAcknowledgedStatementAndNothingPartial) {
  RunCrashRounds(Mode{.bulk = true}, 20261125);
}

}  // namespace
}  // namespace dynasink::storage
