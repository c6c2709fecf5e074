// Commit: atomicity, sequence numbering, durability across reopen, group commit.
#include <gtest/gtest.h>
#include <rocksdb/slice_transform.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "storage/storage.h"
#include "storage/storage_impl.h"
#include "storage_test_util.h"

namespace dynasink::storage {
namespace {

using testing::MustOpen;
using testing::Pk;
using testing::PkValue;
using testing::ReadAll;
using testing::TempDir;
using testing::TestOptions;

TEST(WriteBatchTest, CountsAndClear) {
  WriteBatch b;
  EXPECT_TRUE(b.empty());
  b.Insert(1, "k1", "row1");
  b.Update(1, "k2", "before", "after");
  b.Delete(1, "k3", "old");
  b.PutRow(2, "k", "v");
  b.AppendChange(2, ChangeOp::kInsert, "v");
  b.PutMeta("m", "v");
  EXPECT_FALSE(b.empty());
  EXPECT_EQ(b.num_records(), 6u);
  EXPECT_EQ(b.num_changes(), 5u);  // insert 1 + update 2 + delete 1 + append 1
  EXPECT_GT(b.ByteSize(), 30u);
  b.Clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.num_changes(), 0u);
  EXPECT_EQ(b.ByteSize(), 0u);
}

TEST(FormatTest, KeysSortNumerically) {
  EXPECT_LT(format::LogKey(1, 255), format::LogKey(1, 256));
  EXPECT_LT(format::LogKey(1, ~uint64_t{0}), format::LogKey(2, 0));
  EXPECT_LT(format::TablePrefix(7) + "zzz", format::TableUpperBound(7));
  uint32_t table;
  uint64_t seq;
  ASSERT_TRUE(format::DecodeLogKey(format::LogKey(9, 12345), &table, &seq).ok());
  EXPECT_EQ(table, 9u);
  EXPECT_EQ(seq, 12345u);
  EXPECT_EQ(format::DecodeLogKey("short", &table, &seq).code(), StatusCode::kCorruption);
  ChangeOp op;
  int64_t t;
  std::string_view row;
  std::string value(format::kLogValueHeaderSize, '\0');
  format::EncodeLogValueHeader(value.data(), ChangeOp::kUpdateAfter, 42);
  value += "payload";
  ASSERT_TRUE(format::DecodeLogValue(value, &op, &t, &row).ok());
  EXPECT_EQ(op, ChangeOp::kUpdateAfter);
  EXPECT_EQ(t, 42);
  EXPECT_EQ(row, "payload");
  value[0] = 9;
  EXPECT_EQ(format::DecodeLogValue(value, &op, &t, &row).code(), StatusCode::kCorruption);
}

TEST(FormatTest, PacksRoundTripAndRejectDamage) {
  format::LogPackBuilder builder;
  builder.Start(77);
  const std::string big(300, 'b');  // a row size of two varint bytes
  builder.Add(ChangeOp::kInsert, "one");
  builder.Add(ChangeOp::kUpdateBefore, "");
  builder.Add(ChangeOp::kUpdateAfter, big);
  const std::string value(builder.Finish());
  ASSERT_EQ(static_cast<uint8_t>(value[0]), format::kLogPackMarker);

  auto read_all = [](uint64_t key_seq, std::string_view v, std::vector<format::LogEntryView>* out) {
    format::LogValueIterator it;
    DS_RETURN_IF_ERROR(it.Init(key_seq, v));
    format::LogEntryView e;
    for (;;) {
      Result<bool> more = it.Next(&e);
      if (!more.ok()) return more.status();
      if (!*more) return Status::OK();
      out->push_back(e);
    }
  };
  std::vector<format::LogEntryView> got;
  ASSERT_TRUE(read_all(12, value, &got).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].seq, 10u);
  EXPECT_EQ(got[0].op, ChangeOp::kInsert);
  EXPECT_EQ(got[0].row, "one");
  EXPECT_EQ(got[1].seq, 11u);
  EXPECT_EQ(got[1].row, "");
  EXPECT_EQ(got[2].seq, 12u);
  EXPECT_EQ(got[2].op, ChangeOp::kUpdateAfter);
  EXPECT_EQ(got[2].row, big);
  format::LogValueIterator it;
  ASSERT_TRUE(it.Init(12, value).ok());
  EXPECT_EQ(it.commit_time_us(), 77);
  EXPECT_EQ(it.first_seq(), 10u);

  // A plain entry reads as a run of one.
  std::string plain(format::kLogValueHeaderSize, '\0');
  format::EncodeLogValueHeader(plain.data(), ChangeOp::kDelete, 5);
  plain += "gone";
  got.clear();
  ASSERT_TRUE(read_all(40, plain, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, 40u);
  EXPECT_EQ(got[0].op, ChangeOp::kDelete);
  EXPECT_EQ(got[0].row, "gone");

  auto code = [&](uint64_t key_seq, std::string v) {
    std::vector<format::LogEntryView> ignored;
    return read_all(key_seq, v, &ignored).code();
  };
  EXPECT_EQ(code(2, value), StatusCode::kCorruption) << "3 entries cannot end at seq 2";
  EXPECT_EQ(code(12, value.substr(0, 10)), StatusCode::kCorruption) << "short header";
  EXPECT_EQ(code(12, value.substr(0, value.size() - 1)), StatusCode::kCorruption) << "cut row";
  EXPECT_EQ(code(12, value + "x"), StatusCode::kCorruption) << "trailing bytes";
  std::string bad_op = value;
  bad_op[format::kLogPackHeaderSize] = 9;
  EXPECT_EQ(code(12, bad_op), StatusCode::kCorruption);
  std::string zero = value;
  zero[9] = zero[10] = zero[11] = zero[12] = 0;
  EXPECT_EQ(code(12, zero), StatusCode::kCorruption) << "an empty pack";
}

TEST(CommitTest, EmptyBatchCommitsNothing) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  auto r = s->Commit(WriteBatch());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first_seq, 0u);
  EXPECT_EQ(r->last_seq, 0u);
  EXPECT_EQ(s->GetStats().commit_groups, 0u);
}

TEST(CommitTest, RowsLogAndMetaLandTogether) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(100, 1, 0).ok());
  WriteBatch b;
  b.Insert(1, Pk(1), "one");
  b.Insert(1, Pk(2), "two");
  b.Update(1, Pk(1), "one", "uno");
  b.PutMeta("catalog/t1", "def");
  auto r = s->Commit(b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->first_seq, 1u);
  EXPECT_EQ(r->last_seq, 4u);
  EXPECT_EQ(s->LastCommittedSeq(), 4u);
  EXPECT_EQ(s->TableLastSeq(1), 4u);

  std::string row;
  bool found = false;
  ASSERT_TRUE(s->GetRow(1, Pk(1), &row, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(row, "uno");
  auto meta = s->GetMeta("catalog/t1");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->value_or(""), "def");

  auto entries = ReadAll(*s, 1, 0);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].first.op, ChangeOp::kInsert);
  EXPECT_EQ(entries[0].second, "one");
  EXPECT_EQ(entries[1].second, "two");
  EXPECT_EQ(entries[2].first.op, ChangeOp::kUpdateBefore);
  EXPECT_EQ(entries[2].second, "one");
  EXPECT_EQ(entries[3].first.op, ChangeOp::kUpdateAfter);
  EXPECT_EQ(entries[3].second, "uno");
  for (size_t i = 0; i < entries.size(); ++i)
    EXPECT_EQ(entries[i].first.seq, i + 1);
  EXPECT_GT(entries[0].first.commit_time_us, 1600000000LL * 1000000);
}

TEST(CommitTest, DeleteRemovesRowAndLogsBeforeImage) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 5, 0).ok());
  WriteBatch b;
  b.Insert(5, Pk(9), "nine");
  ASSERT_TRUE(s->Commit(b).ok());
  b.Clear();
  b.Delete(5, Pk(9), "nine");
  auto r = s->Commit(b);
  ASSERT_TRUE(r.ok());
  std::string row;
  bool found = true;
  ASSERT_TRUE(s->GetRow(5, Pk(9), &row, &found).ok());
  EXPECT_FALSE(found);
  auto entries = ReadAll(*s, 5, 1);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].first.op, ChangeOp::kDelete);
  EXPECT_EQ(entries[0].second, "nine");
}

TEST(CommitTest, ReservedTableIdIsRefused) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  WriteBatch b;
  b.Insert(kInvalidTable, "k", "v");
  auto r = s->Commit(b);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(CommitTest, SequenceSurvivesReopenEvenWhenEntriesAreSkipped) {
  TempDir dir;
  uint64_t last = 0;
  {
    auto s = MustOpen(TestOptions(dir.path()));
    WriteBatch b;
    for (int i = 0; i < 10; ++i)
      b.Insert(3, Pk(i), "x");  // table 3 has no cursor
    auto r = s->Commit(b);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->first_seq, 1u);
    EXPECT_EQ(r->last_seq, 10u);
    last = r->last_seq;
    EXPECT_EQ(s->GetStats().log_entries_skipped, 10u);
    EXPECT_EQ(s->GetStats().log_entries_written, 0u);
    EXPECT_EQ(s->TableLastSeq(3), 0u);
  }
  auto s = MustOpen(TestOptions(dir.path()));
  EXPECT_EQ(s->LastCommittedSeq(), last);
  WriteBatch b;
  b.Insert(3, Pk(100), "y");
  auto r = s->Commit(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first_seq, last + 1);
  // A commit without entries reports the last seq before it.
  WriteBatch meta;
  meta.PutMeta("k", "v");
  auto m = s->Commit(meta);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->first_seq, 0u);
  EXPECT_EQ(m->last_seq, last + 1);
}

TEST(CommitTest, DropTableDataRemovesRowsLogAndCounters) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 4, 0).ok());
  WriteBatch b;
  for (int i = 0; i < 50; ++i)
    b.Insert(4, Pk(i), "r");
  b.Insert(6, Pk(1), "other table");
  ASSERT_TRUE(s->AllocateIds(4, 0, 10).ok());
  ASSERT_TRUE(s->Commit(b).ok());
  ASSERT_TRUE(s->DeleteCursor(1).ok());

  WriteBatch drop;
  drop.DropTableData(4);
  drop.DeleteMeta("table/4");
  ASSERT_TRUE(s->Commit(drop).ok());
  auto it = s->NewRowIterator(4);
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(ReadAll(*s, 4, 0).empty());
  std::string row;
  bool found = false;
  ASSERT_TRUE(s->GetRow(6, Pk(1), &row, &found).ok());
  EXPECT_TRUE(found) << "another table's rows must survive";
  auto id = s->AllocateIds(4, 0, 1);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1u) << "a dropped table's counters start over";
}

// The leader writes a group's row writes sorted by key: the result must still be the writes
// applied in statement order (the later of two writes to one key wins, a drop removes exactly
// what came before it), whatever the key order.
TEST(CommitTest, RowWritesInAnyKeyOrderApplyInStatementOrder) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  std::map<uint64_t, std::string> expect;  // table 2's rows
  WriteBatch b;
  for (int i = 0; i < 200; ++i) {
    const uint64_t k = (i * 7919) % 100;  // every key twice, in scrambled order
    const std::string row = "v" + std::to_string(i);
    b.PutRow(2, Pk(k), row);
    expect[k] = row;
    if (i % 9 == 0) {
      b.DeleteRow(2, Pk(k));
      expect.erase(k);
    }
  }
  for (int i = 40; i > 0; --i)
    b.PutRow(3, Pk(i), "before the drop");
  b.DropTableData(3);
  for (int i = 30; i > 20; --i)
    b.PutRow(3, Pk(i), "after the drop");
  ASSERT_TRUE(s->Commit(b).ok());

  std::map<uint64_t, std::string> got;
  auto it = s->NewRowIterator(2);
  for (it->SeekToFirst(); it->Valid(); it->Next())
    got[PkValue(it->pk())] = std::string(it->row());
  EXPECT_EQ(got, expect);
  std::map<uint64_t, std::string> table3;
  auto it3 = s->NewRowIterator(3);
  for (it3->SeekToFirst(); it3->Valid(); it3->Next())
    table3[PkValue(it3->pk())] = std::string(it3->row());
  ASSERT_EQ(table3.size(), 10u);
  for (const auto& [k, v] : table3) {
    EXPECT_TRUE(k > 20 && k <= 30) << k;
    EXPECT_EQ(v, "after the drop");
  }
}

// A group's row writes are sorted by key before they reach the memtable: keys that are prefixes
// of one another, keys that share long prefixes, and repeated keys (the later write wins) must
// still land as written.
TEST(CommitTest, RowWritesSortByKeyPrefixesAndTies) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  const std::string shared = "common-prefix/";
  std::vector<std::string> tails = {"",
                                    std::string(1, '\0'),
                                    std::string(2, '\0') + "x",
                                    "a",
                                    "a" + std::string(1, '\0'),
                                    "ab",
                                    "abc",
                                    "0123456789abcdefXYZ-1",
                                    "0123456789abcdefXYZ-2",
                                    "0123456789abcdef",
                                    "0123456789abcde",
                                    "\xff\xff",
                                    "\x80"};
  for (int i = 0; i < 40; ++i)
    tails.push_back("k" + std::to_string((i * 37) % 40));  // k0..k39, scrambled
  std::map<std::string, std::string> expect;
  WriteBatch b;
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < tails.size(); ++i) {
      const size_t at = (i * 11 + static_cast<size_t>(round) * 5) % tails.size();
      const std::string pk = shared + tails[at];
      const std::string row = "r" + std::to_string(round) + "." + std::to_string(i);
      b.PutRow(5, pk, row);
      expect[pk] = row;
    }
  }
  ASSERT_TRUE(s->Commit(b).ok());
  std::map<std::string, std::string> got;
  std::vector<std::string> order;
  auto it = s->NewRowIterator(5);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    got[std::string(it->pk())] = std::string(it->row());
    order.emplace_back(it->pk());
  }
  EXPECT_EQ(got, expect);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

// The rows column family keeps a memtable insert hint per table; DROP TABLE's range deletion
// goes to the same memtable and must never use (or clobber) a hint. The rows under many
// commits of scrambled keys into several tables, dropped and written again in between, equal
// a model after every commit and after a reopen (which replays the WAL through the same
// inserts). Under ASan a hint handed to the wrong skiplist shows as a memory error.
TEST(CommitTest, RowsMatchAModelThroughHintedInsertsAndDrops) {
  TempDir dir;
  std::map<uint32_t, std::map<uint64_t, std::string>> model;
  auto check = [&](Storage& s) {
    for (uint32_t table = 2; table <= 4; ++table) {
      std::map<uint64_t, std::string> got;
      auto it = s.NewRowIterator(table);
      for (it->SeekToFirst(); it->Valid(); it->Next())
        got[PkValue(it->pk())] = std::string(it->row());
      ASSERT_EQ(got, model[table]) << "table " << table;
      // Point reads too: they search the skiplists the hinted inserts built.
      for (const auto& [k, v] : model[table]) {
        std::string row;
        bool found = false;
        ASSERT_TRUE(s.GetRow(table, Pk(k), &row, &found).ok());
        ASSERT_TRUE(found) << "table " << table << " key " << k;
        ASSERT_EQ(row, v);
      }
    }
  };
  {
    auto s = MustOpen(TestOptions(dir.path()));
    uint64_t x = 12345;
    for (int round = 0; round < 30; ++round) {
      WriteBatch b;
      for (int i = 0; i < 300; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const uint32_t table = 2 + static_cast<uint32_t>((x >> 33) % 3);
        const uint64_t k = (x >> 40) % 1000;
        const std::string row = "r" + std::to_string(round) + "." + std::to_string(i);
        b.PutRow(table, Pk(k), row);
        model[table][k] = row;
        if ((x >> 20) % 13 == 0) {
          b.DeleteRow(table, Pk(k));
          model[table].erase(k);
        }
      }
      if (round % 4 == 3) {
        const uint32_t dropped = 2 + static_cast<uint32_t>(round % 3);
        b.DropTableData(dropped);
        model[dropped].clear();
        for (uint64_t k = 500; k < 520; ++k) {  // written again right after the drop
          b.PutRow(dropped, Pk(k), "after drop " + std::to_string(round));
          model[dropped][k] = "after drop " + std::to_string(round);
        }
      }
      ASSERT_TRUE(s->Commit(b).ok());
      check(*s);
    }
  }
  auto reopened = MustOpen(TestOptions(dir.path()));
  check(*reopened);
}

// The hint's domain (see rocksdb_options.cc): row keys of the rows column family share their
// table's hint; the bare table prefix (where DROP TABLE's range deletion starts) gets none; the
// change log has no extractor at all (its truncations are range deletions over ordinary keys).
TEST(CommitTest, OnlyRowKeysGetInsertHints) {
  rocksdb::DBOptions db;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  BuildRocksOptions(TestOptions("/unused"), &db, &cfs);
  ASSERT_EQ(cfs.size(), 5u);
  ASSERT_EQ(cfs[1].name, format::kRowsCf);
  ASSERT_EQ(cfs[2].name, format::kChangeLogCf);
  const auto& hint = cfs[1].options.memtable_insert_with_hint_prefix_extractor;
  ASSERT_NE(hint, nullptr);
  const std::string prefix = format::TablePrefix(7);
  const std::string row_key = prefix + Pk(42);
  EXPECT_FALSE(hint->InDomain(prefix));
  EXPECT_TRUE(hint->InDomain(row_key));
  EXPECT_EQ(hint->Transform(row_key).ToString(), prefix);
  EXPECT_EQ(hint->Transform(format::TablePrefix(8) + Pk(42)).ToString(), format::TablePrefix(8));
  for (size_t i = 0; i < cfs.size(); ++i) {
    if (i != 1) {
      EXPECT_EQ(cfs[i].options.memtable_insert_with_hint_prefix_extractor, nullptr) << cfs[i].name;
    }
  }
}

TEST(CommitTest, EveryCommitIsAllOrNothingForConcurrentReaders) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  constexpr int kStatements = 300;
  constexpr int kRowsPerStatement = 7;
  std::atomic<bool> done{false};
  std::atomic<int> checks{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto snap = s->GetSnapshot();
        std::map<uint64_t, int> per_statement;
        auto it = s->NewRowIterator(2, {}, snap.get());
        for (it->SeekToFirst(); it->Valid(); it->Next())
          per_statement[PkValue(it->pk()) / 100]++;
        ASSERT_TRUE(it->status().ok());
        for (const auto& [stmt, n] : per_statement) {
          ASSERT_EQ(n, kRowsPerStatement) << "statement " << stmt << " is partly visible";
          bool found = false;
          std::string v;
          ASSERT_TRUE(s->GetRow(3, Pk(stmt), &v, &found, snap.get()).ok());
          ASSERT_TRUE(found) << "rows of statement " << stmt << " visible without its marker";
        }
        checks++;
      }
    });
  }
  WriteBatch b;
  for (int i = 0; i < kStatements; ++i) {
    b.Clear();
    for (int j = 0; j < kRowsPerStatement; ++j)
      b.Insert(2, Pk(i * 100 + j), "row");
    b.PutRow(3, Pk(i), "marker");
    ASSERT_TRUE(s->Commit(b).ok());
  }
  done = true;
  for (auto& t : readers)
    t.join();
  EXPECT_GT(checks.load(), 0);
}

// Group commit: order, and that groups actually form.

struct CommitRecord {
  int thread;
  int index;
  uint64_t first_seq;
  uint64_t last_seq;
  uint64_t start_tick;
  uint64_t end_tick;
};

TEST(GroupCommitTest, SequenceOrderIsCommitOrder) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  ASSERT_TRUE(s->RegisterCursor(1, 10, 0).ok());
  ASSERT_TRUE(s->RegisterCursor(2, 11, 0).ok());
  constexpr int kThreads = 8;
  constexpr int kCommits = 60;
  std::atomic<uint64_t> clock{0};
  std::vector<std::vector<CommitRecord>> records(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      WriteBatch b;
      for (int i = 0; i < kCommits; ++i) {
        b.Clear();
        const int rows = 1 + (i % 3);
        for (int j = 0; j < rows; ++j) {
          const uint64_t key = (uint64_t(t) << 32) | (uint64_t(i) << 8) | j;
          b.Insert(10 + t % 2, Pk(key), Pk(key));
        }
        CommitRecord rec{t, i, 0, 0, clock.fetch_add(1), 0};
        auto r = s->Commit(b);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        rec.end_tick = clock.fetch_add(1);
        rec.first_seq = r->first_seq;
        rec.last_seq = r->last_seq;
        ASSERT_EQ(rec.last_seq - rec.first_seq + 1, uint64_t(rows));
        records[t].push_back(rec);
      }
    });
  }
  for (auto& th : threads)
    th.join();

  std::vector<CommitRecord> all;
  for (auto& v : records)
    all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end(),
            [](const CommitRecord& a, const CommitRecord& b) { return a.first_seq < b.first_seq; });
  // The ranges tile 1..N with no gap and no overlap.
  uint64_t expect = 1;
  for (const auto& r : all) {
    ASSERT_EQ(r.first_seq, expect);
    expect = r.last_seq + 1;
  }
  EXPECT_EQ(s->LastCommittedSeq(), expect - 1);
  // A commit that returned before another one started has the smaller numbers.
  for (const auto& a : all) {
    for (const auto& b : all) {
      if (a.end_tick < b.start_tick) {
        ASSERT_LT(a.last_seq, b.first_seq);
      }
    }
  }
  // The log of each table holds exactly its commits' entries, in seq order.
  std::map<uint64_t, uint64_t> seq_to_key;
  for (uint32_t table : {10u, 11u}) {
    auto entries = ReadAll(*s, table, 0);
    uint64_t prev = 0;
    for (const auto& [e, row] : entries) {
      ASSERT_GT(e.seq, prev);
      prev = e.seq;
      seq_to_key[e.seq] = PkValue(row);
    }
  }
  ASSERT_EQ(seq_to_key.size(), expect - 1);
  for (const auto& r : all) {
    for (uint64_t q = r.first_seq; q <= r.last_seq; ++q) {
      const uint64_t key = seq_to_key[q];
      EXPECT_EQ(int(key >> 32), r.thread);
      EXPECT_EQ(int((key >> 8) & 0xFFFFFF), r.index);
      EXPECT_EQ(key & 0xFF, q - r.first_seq);
    }
  }
}

TEST(GroupCommitTest, ConcurrentCommitsShareSyncs) {
  TempDir dir;
  auto options = TestOptions(dir.path());
  // A slow leader (as with a slow disk) lets the other sessions queue behind it.
  options.test_hooks.before_group_write = [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  };
  auto s = MustOpen(options);
  constexpr int kThreads = 8;
  constexpr int kCommits = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      WriteBatch b;
      for (int i = 0; i < kCommits; ++i) {
        b.Clear();
        b.Insert(1, Pk(t * 1000 + i), "r");
        ASSERT_TRUE(s->Commit(b).ok());
      }
    });
  }
  for (auto& th : threads)
    th.join();
  const StorageStats st = s->GetStats();
  EXPECT_EQ(st.commits, uint64_t(kThreads * kCommits));
  EXPECT_EQ(st.wal_syncs, st.commit_groups);
  EXPECT_LT(st.wal_syncs * 2, st.commits) << "expected at least 2 commits per sync on average";
  EXPECT_GT(st.max_group_commits, 2u);
  EXPECT_GT(st.bytes_written, 0u);
}

TEST(GroupCommitTest, GroupSizeIsBounded) {
  TempDir dir;
  auto options = TestOptions(dir.path());
  options.max_group_bytes = 1;  // every group holds exactly one commit
  options.test_hooks.before_group_write = [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };
  auto s = MustOpen(options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      WriteBatch b;
      for (int i = 0; i < 10; ++i) {
        b.Clear();
        b.Insert(1, Pk(t * 100 + i), "r");
        ASSERT_TRUE(s->Commit(b).ok());
      }
    });
  }
  for (auto& th : threads)
    th.join();
  const StorageStats st = s->GetStats();
  EXPECT_EQ(st.commits, 40u);
  EXPECT_EQ(st.commit_groups, 40u);
  EXPECT_EQ(st.max_group_commits, 1u);
}

TEST(CommitTest, CommitsAfterShutdownAreRefused) {
  TempDir dir;
  auto s = MustOpen(TestOptions(dir.path()));
  s->Shutdown();
  WriteBatch b;
  b.Insert(1, "k", "v");
  EXPECT_EQ(s->Commit(b).status().code(), StatusCode::kAborted);
}

}  // namespace
}  // namespace dynasink::storage
