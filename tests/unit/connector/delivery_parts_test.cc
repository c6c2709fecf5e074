// The parts of delivery on their own: the acknowledgement ledger (watermark from out-of-order
// completions), the key index (dedup table), the retry schedule and adaptive concurrency.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "connector/ack_ledger.h"
#include "connector/dynamodb/key_index.h"
#include "connector/dynamodb/retry_schedule.h"

namespace dynasink::connector {
namespace {

TEST(AckLedgerTest, WatermarkFollowsTheFirstUnfinishedChange) {
  AckLedger ledger(100);
  EXPECT_EQ(ledger.watermark(), 100u);
  uint64_t a = ledger.Take(101), b = ledger.Take(102), c = ledger.Take(105);
  EXPECT_FALSE(ledger.Advance());
  ledger.MarkDone(b);
  EXPECT_FALSE(ledger.Advance());  // 101 is not done
  EXPECT_EQ(ledger.watermark(), 100u);
  ledger.MarkDone(a);
  EXPECT_TRUE(ledger.Advance());
  EXPECT_EQ(ledger.watermark(), 104u);  // everything below 105 is done
  ledger.MarkDone(c);
  EXPECT_TRUE(ledger.Advance());
  EXPECT_EQ(ledger.watermark(), 105u);
  EXPECT_EQ(ledger.outstanding(), 0u);
}

TEST(AckLedgerTest, SharedSeqsHoldTheWatermarkUntilAllAreDone) {
  AckLedger ledger;
  uint64_t a = ledger.Take(7), b = ledger.Take(7);
  ledger.MarkDone(a);
  ledger.Advance();
  EXPECT_EQ(ledger.watermark(), 6u);
  ledger.MarkDone(b);
  ledger.Advance();
  EXPECT_EQ(ledger.watermark(), 7u);
}

TEST(AckLedgerTest, RandomCompletionsAcrossGrowth) {
  std::mt19937_64 rng(1);
  AckLedger ledger;
  std::vector<uint64_t> open;
  std::set<uint64_t> done_seqs;
  uint64_t seq = 0;
  std::vector<uint64_t> seq_of;
  for (int round = 0; round < 50000; ++round) {
    if (rng() % 3 != 0 || open.empty()) {
      ++seq;
      open.push_back(ledger.Take(seq));
      seq_of.push_back(seq);
    } else {
      size_t i = rng() % open.size();
      ledger.MarkDone(open[i]);
      done_seqs.insert(seq_of[open[i]]);
      open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
    }
    ledger.Advance();
    // The watermark is exactly the last seq before the first unfinished one.
    uint64_t expected = 0;
    while (done_seqs.count(expected + 1))
      ++expected;
    ASSERT_EQ(ledger.watermark(), expected);
  }
}

}  // namespace

namespace dynamodb {
namespace {

EncodedChange* Change(const std::string& key) {
  auto* c = new EncodedChange();
  c->buf = key;
  c->json_len = 0;
  c->key_hash = std::hash<std::string_view>()(c->key());
  return c;
}

TEST(KeyIndexTest, InsertFindEraseAgainstASet) {
  std::mt19937_64 rng(2);
  KeyIndex index;
  std::map<std::string, EncodedChange*> model;
  for (int i = 0; i < 100000; ++i) {
    std::string key = "k" + std::to_string(rng() % 5000);
    EncodedChange probe;
    probe.buf = key;
    probe.key_hash = std::hash<std::string_view>()(probe.key());
    KeySlot* slot = index.Find(probe);
    auto it = model.find(key);
    ASSERT_EQ(slot != nullptr, it != model.end()) << key;
    if (slot == nullptr) {
      EncodedChange* c = Change(key);
      index.Insert(c);
      model[key] = c;
    } else if (rng() % 2 == 0) {
      EXPECT_EQ(slot->ref, it->second);
      EXPECT_EQ(index.Find(*it->second), slot);  // by the change itself: no key comparison
      index.Erase(slot);
      delete it->second;
      model.erase(it);
    }
    ASSERT_EQ(index.size(), model.size());
  }
  size_t seen = 0;
  index.ForEach([&](KeySlot& s) {
    ++seen;
    EXPECT_EQ(model.at(std::string(s.ref->key())), s.ref);
  });
  EXPECT_EQ(seen, model.size());
  for (auto& [k, c] : model)
    delete c;
}

TEST(KeyIndexTest, KeysWithOneHashAreToldApartByTheirBytes) {
  KeyIndex index;
  EncodedChange* a = Change("alpha");
  EncodedChange* b = Change("beta");
  b->key_hash = a->key_hash;  // a collision: only the key bytes differ
  index.Insert(a);
  EXPECT_EQ(index.Find(*b), nullptr);  // b's own object is not in the index, its key is not
  index.Insert(b);
  KeySlot* slot_a = index.Find(*a);
  KeySlot* slot_b = index.Find(*b);
  ASSERT_NE(slot_a, nullptr);
  ASSERT_NE(slot_b, nullptr);
  EXPECT_NE(slot_a, slot_b);
  EXPECT_EQ(slot_a->ref, a);
  EXPECT_EQ(slot_b->ref, b);
  // A different object with b's key finds b's slot by comparing bytes.
  EncodedChange probe;
  probe.buf = "beta";
  probe.key_hash = a->key_hash;
  EXPECT_EQ(index.Find(probe), slot_b);
  index.Erase(slot_a);
  EXPECT_EQ(index.Find(*a), nullptr);
  EXPECT_EQ(index.Find(probe)->ref, b);
  delete a;
  delete b;
}

TEST(KeyIndexTest, GrownBytesFollowTheKeysAndReturnToZero) {
  KeyIndex index;
  EXPECT_EQ(index.grown_bytes(), 0u);
  std::vector<EncodedChange*> changes;
  for (int i = 0; i < 20000; ++i) {
    changes.push_back(Change("k" + std::to_string(i)));
    index.Insert(changes.back());
  }
  // At least two slots per key, 32 bytes each, beyond the 1024 slots always kept.
  EXPECT_GE(index.grown_bytes(), (2 * 20000 - KeyIndex::kKeptSlots) * sizeof(KeySlot));
  EXPECT_LE(index.grown_bytes(), 4 * 20000 * sizeof(KeySlot));
  for (EncodedChange* c : changes) {
    index.Erase(index.Find(*c));
    delete c;
  }
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.grown_bytes(), 0u);  // an idle sink is charged nothing for its index
}

TEST(RetryScheduleTest, FirstScheduleThenSlow) {
  RetrySchedule s(3, std::chrono::milliseconds(100));
  EXPECT_EQ(s.MaxDelay(1).count(), 100);
  EXPECT_EQ(s.MaxDelay(2).count(), 200);
  EXPECT_EQ(s.MaxDelay(3).count(), 400);
  EXPECT_FALSE(s.IsSlow(3));
  EXPECT_TRUE(s.IsSlow(4));
  EXPECT_EQ(s.MaxDelay(4).count(), 2000);  // slow retries wait at least 2 s
  EXPECT_EQ(s.MaxDelay(6).count(), 3200);
  EXPECT_EQ(s.MaxDelay(9).count(), 25600);
  EXPECT_EQ(s.MaxDelay(10).count(), 30000);  // capped
  EXPECT_EQ(s.MaxDelay(1000).count(), 30000);
  RetrySchedule fast(10, std::chrono::milliseconds(500));
  EXPECT_EQ(fast.MaxDelay(4).count(), 2000);  // the first schedule is capped at 2 s
  std::mt19937_64 rng(3);
  for (int n = 1; n < 12; ++n) {
    for (int i = 0; i < 100; ++i) {
      auto d = s.Delay(n, rng).count();
      EXPECT_GE(d, s.MaxDelay(n).count() / 2);
      EXPECT_LE(d, s.MaxDelay(n).count());
    }
  }
}

TEST(AdaptiveConcurrencyTest, HalvesOncePerCooldownAndRegrows) {
  AdaptiveConcurrency c(64);
  EXPECT_EQ(c.limit(), 64);
  auto t = AdaptiveConcurrency::Clock::now();
  EXPECT_TRUE(c.OnThrottle(t));
  EXPECT_EQ(c.limit(), 32);
  // The other calls that were in flight come back throttled too: no further cut yet.
  EXPECT_FALSE(c.OnThrottle(t + std::chrono::milliseconds(50)));
  EXPECT_EQ(c.limit(), 32);
  EXPECT_TRUE(c.OnThrottle(t + std::chrono::milliseconds(250)));
  EXPECT_EQ(c.limit(), 16);
  for (int i = 0; i < 10; ++i)
    c.OnThrottle(t + std::chrono::seconds(1 + i));
  EXPECT_EQ(c.limit(), 1);
  // About one more call per round of `limit` successes.
  for (int i = 0; i < 10; ++i)
    c.OnSuccess();
  EXPECT_GE(c.limit(), 4);
  for (int i = 0; i < 100000; ++i)
    c.OnSuccess();
  EXPECT_EQ(c.limit(), 64);
}

}  // namespace
}  // namespace dynamodb
}  // namespace dynasink::connector
