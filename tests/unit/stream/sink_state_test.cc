// SinkRuntimeState: the bytes the runtime keeps in SinkDefinition::state survive a round trip,
// the empty string is the default state, and unreadable bytes are refused rather than guessed.
#include "stream/sink_state.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace dynasink::stream {
namespace {

TEST(SinkRuntimeStateTest, EmptyDecodesToTheDefault) {
  auto s = SinkRuntimeState::Decode("");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->backfill_pending);
  EXPECT_EQ(s->backfill_seq, 0u);
  EXPECT_FALSE(s->paused_by_user);
  EXPECT_EQ(s->changes_acked, 0u);
}

TEST(SinkRuntimeStateTest, RoundTripsEveryField) {
  SinkRuntimeState in;
  in.backfill_pending = true;
  in.backfill_seq = 0x0102030405060708ull;
  in.paused_by_user = true;
  in.changes_acked = UINT64_MAX - 3;
  std::string bytes = in.Encode();
  auto out = SinkRuntimeState::Decode(bytes);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(out->backfill_pending);
  EXPECT_EQ(out->backfill_seq, in.backfill_seq);
  EXPECT_TRUE(out->paused_by_user);
  EXPECT_EQ(out->changes_acked, in.changes_acked);

  // Each flag on its own, so that one field cannot stand in for another.
  for (int mask = 0; mask < 4; ++mask) {
    SinkRuntimeState s;
    s.backfill_pending = (mask & 1) != 0;
    s.paused_by_user = (mask & 2) != 0;
    s.backfill_seq = 17 + static_cast<uint64_t>(mask);
    s.changes_acked = 1000 + static_cast<uint64_t>(mask);
    auto d = SinkRuntimeState::Decode(s.Encode());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->backfill_pending, s.backfill_pending) << mask;
    EXPECT_EQ(d->paused_by_user, s.paused_by_user) << mask;
    EXPECT_EQ(d->backfill_seq, s.backfill_seq) << mask;
    EXPECT_EQ(d->changes_acked, s.changes_acked) << mask;
  }
}

TEST(SinkRuntimeStateTest, EncodingIsDeterministic) {
  // SinkManager::SaveState skips the catalog write when the bytes did not change.
  SinkRuntimeState a, b;
  a.changes_acked = b.changes_acked = 42;
  EXPECT_EQ(a.Encode(), b.Encode());
  b.changes_acked = 43;
  EXPECT_NE(a.Encode(), b.Encode());
}

TEST(SinkRuntimeStateTest, CorruptInputIsRefused) {
  SinkRuntimeState in;
  in.backfill_seq = 9;
  std::string good = in.Encode();

  // Truncated at every length.
  for (size_t n = 1; n < good.size(); ++n) {
    auto d = SinkRuntimeState::Decode(std::string_view(good).substr(0, n));
    EXPECT_FALSE(d.ok()) << "length " << n;
    if (!d.ok()) {
      EXPECT_EQ(d.status().code(), StatusCode::kCorruption);
    }
  }
  // An unknown version.
  std::string bad_version = good;
  bad_version[0] = 7;
  auto v = SinkRuntimeState::Decode(bad_version);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kCorruption);
  EXPECT_NE(v.status().message().find("sink runtime state"), std::string::npos);
  // Garbage.
  EXPECT_FALSE(SinkRuntimeState::Decode("x").ok());
}

}  // namespace
}  // namespace dynasink::stream
