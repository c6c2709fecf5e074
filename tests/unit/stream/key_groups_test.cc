// KeyGroups: per destination key, the latest upstream row by sequence number (ties: the larger
// upstream key), staged changes visible to Latest() before Commit() and durable after it, the
// newest remaining row after removals, groups kept apart, and dropping an index (also one
// marked just before a crash).
#include "stream/key_groups.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "unit/storage/storage_test_util.h"

namespace dynasink::stream {
namespace {

using storage::testing::MustOpen;
using storage::testing::TempDir;
using storage::testing::TestOptions;
using types::DataType;
using types::Row;
using types::TypeId;
using types::Value;

constexpr uint32_t kIndex = 77;

class KeyGroupsTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }
  void Open() {
    storage_ = MustOpen(TestOptions(dir_.path()));
    ASSERT_NE(storage_, nullptr);
    groups_ = NewGroups();
  }
  void Close() {
    groups_.reset();
    if (storage_) storage_->Shutdown();
    storage_.reset();
  }
  std::unique_ptr<KeyGroups> NewGroups() {
    return std::make_unique<KeyGroups>(storage_.get(), kIndex,
                                       std::vector<DataType>{TypeId::kInt32, TypeId::kVarchar});
  }
  static Row R(int k, std::string v) { return {Value::Int32(k), Value::Varchar(std::move(v))}; }

  // The `v` of the latest row of `dest`, "none" when no row maps to it.
  static std::string LatestV(KeyGroups& g, std::string_view dest) {
    auto latest = g.Latest(dest);
    EXPECT_TRUE(latest.ok()) << latest.status().ToString();
    if (!latest.ok()) return "error";
    if (!latest->has_value()) return "none";
    return (**latest)[1].as_string();
  }

  TempDir dir_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<KeyGroups> groups_;
};

TEST_F(KeyGroupsTest, LatestIsTheHighestSeq) {
  EXPECT_EQ(LatestV(*groups_, "K"), "none");
  // The larger upstream key is older here: seq decides, not the key.
  ASSERT_TRUE(groups_->Put("K", "b", 5, R(1, "b@5")).ok());
  ASSERT_TRUE(groups_->Put("K", "a", 7, R(2, "a@7")).ok());
  ASSERT_TRUE(groups_->Put("K", "c", 6, R(3, "c@6")).ok());
  EXPECT_EQ(LatestV(*groups_, "K"), "a@7");
  // The whole row comes back.
  auto latest = groups_->Latest("K");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((**latest)[0], Value::Int32(2));
}

TEST_F(KeyGroupsTest, EqualSeqIsDecidedByTheLargerUpstreamKey) {
  // Backfilled rows share the snapshot's seq.
  ASSERT_TRUE(groups_->Put("K", "m", 10, R(1, "m")).ok());
  ASSERT_TRUE(groups_->Put("K", "z", 10, R(2, "z")).ok());
  ASSERT_TRUE(groups_->Put("K", "a", 10, R(3, "a")).ok());
  EXPECT_EQ(LatestV(*groups_, "K"), "z");
  // Also across stored and staged entries.
  ASSERT_TRUE(groups_->Commit().ok());
  ASSERT_TRUE(groups_->Put("K", "zz", 10, R(4, "zz")).ok());
  EXPECT_EQ(LatestV(*groups_, "K"), "zz");
  // A later change still beats every backfilled row.
  ASSERT_TRUE(groups_->Put("K", "b", 11, R(5, "b@11")).ok());
  EXPECT_EQ(LatestV(*groups_, "K"), "b@11");
}

TEST_F(KeyGroupsTest, StagedChangesAreReadBeforeCommitAndDurableAfter) {
  ASSERT_TRUE(groups_->Put("K", "u1", 1, R(1, "u1@1")).ok());
  EXPECT_TRUE(groups_->has_staged());
  EXPECT_EQ(LatestV(*groups_, "K"), "u1@1");
  // Another instance reads only what is committed.
  EXPECT_EQ(LatestV(*NewGroups(), "K"), "none");
  ASSERT_TRUE(groups_->Commit().ok());
  EXPECT_FALSE(groups_->has_staged());
  EXPECT_EQ(LatestV(*NewGroups(), "K"), "u1@1");

  // A staged update of a stored entry overrides it (even with a lower seq: the entry is the
  // upstream row's current mapping).
  ASSERT_TRUE(groups_->Put("K", "u2", 4, R(2, "u2@4")).ok());
  ASSERT_TRUE(groups_->Commit().ok());
  ASSERT_TRUE(groups_->Put("K", "u2", 3, R(2, "u2@3")).ok());
  EXPECT_EQ(LatestV(*groups_, "K"), "u2@3");
  // A staged removal hides a stored entry.
  ASSERT_TRUE(groups_->Put("K", "u2", 8, R(2, "u2@8")).ok());
  groups_->Remove("K", "u2");
  EXPECT_EQ(LatestV(*groups_, "K"), "u1@1");
  EXPECT_EQ(LatestV(*NewGroups(), "K"), "u2@4");  // not committed yet
  ASSERT_TRUE(groups_->Commit().ok());
  EXPECT_EQ(LatestV(*NewGroups(), "K"), "u1@1");
}

TEST_F(KeyGroupsTest, RemovingTheLatestLeavesTheNewestRemaining) {
  ASSERT_TRUE(groups_->Put("K", "u1", 3, R(1, "u1")).ok());
  ASSERT_TRUE(groups_->Put("K", "u2", 9, R(2, "u2")).ok());
  ASSERT_TRUE(groups_->Put("K", "u3", 5, R(3, "u3")).ok());
  ASSERT_TRUE(groups_->Commit().ok());
  EXPECT_EQ(LatestV(*groups_, "K"), "u2");
  groups_->Remove("K", "u2");
  EXPECT_EQ(LatestV(*groups_, "K"), "u3");
  ASSERT_TRUE(groups_->Commit().ok());
  groups_->Remove("K", "u3");
  EXPECT_EQ(LatestV(*groups_, "K"), "u1");
  groups_->Remove("K", "u1");
  EXPECT_EQ(LatestV(*groups_, "K"), "none");
  // Removing what is not there is harmless.
  groups_->Remove("K", "nobody");
  ASSERT_TRUE(groups_->Commit().ok());
  EXPECT_EQ(LatestV(*NewGroups(), "K"), "none");
}

TEST_F(KeyGroupsTest, GroupsDoNotBleedIntoEachOther) {
  // "a" is a prefix of "ab", and "a" + upstream "b..." spells "ab": the length prefix keeps
  // the groups apart.
  ASSERT_TRUE(groups_->Put("a", "b1", 1, R(1, "in a")).ok());
  ASSERT_TRUE(groups_->Put("ab", "1", 2, R(2, "in ab")).ok());
  ASSERT_TRUE(groups_->Put(std::string("\xff\xff", 2), "x", 3, R(3, "in ff")).ok());
  ASSERT_TRUE(groups_->Commit().ok());
  ASSERT_TRUE(groups_->Put("b", "z", 9, R(4, "in b")).ok());
  EXPECT_EQ(LatestV(*groups_, "a"), "in a");
  EXPECT_EQ(LatestV(*groups_, "ab"), "in ab");
  EXPECT_EQ(LatestV(*groups_, std::string("\xff\xff", 2)), "in ff");
  EXPECT_EQ(LatestV(*groups_, "b"), "in b");
  EXPECT_EQ(LatestV(*groups_, ""), "none");
  groups_->Remove("a", "b1");
  EXPECT_EQ(LatestV(*groups_, "a"), "none");
  EXPECT_EQ(LatestV(*groups_, "ab"), "in ab");
}

TEST_F(KeyGroupsTest, CommitSurvivesReopen) {
  ASSERT_TRUE(groups_->Put("K1", "u1", 1, R(1, "one")).ok());
  ASSERT_TRUE(groups_->Put("K1", "u2", 2, R(2, "two")).ok());
  ASSERT_TRUE(groups_->Put("K2", "u3", 3, R(3, "three")).ok());
  ASSERT_TRUE(groups_->Commit().ok());
  ASSERT_TRUE(groups_->Put("K2", "u4", 4, R(4, "staged only")).ok());
  Close();  // the staged entry is lost, the committed ones stay
  Open();
  EXPECT_EQ(LatestV(*groups_, "K1"), "two");
  EXPECT_EQ(LatestV(*groups_, "K2"), "three");
  EXPECT_FALSE(groups_->has_staged());
}

TEST_F(KeyGroupsTest, DropMarkedRemovesEveryGroupOfTheMarkedIndexOnly) {
  ASSERT_TRUE(groups_->Put("K1", "u1", 1, R(1, "one")).ok());
  ASSERT_TRUE(groups_->Put("K2", "u2", 2, R(2, "two")).ok());
  ASSERT_TRUE(groups_->Commit().ok());
  // Another index (another sink) is untouched.
  KeyGroups other(storage_.get(), kIndex + 1, {TypeId::kInt32, TypeId::kVarchar});
  ASSERT_TRUE(other.Put("K1", "u1", 1, R(9, "other")).ok());
  ASSERT_TRUE(other.Commit().ok());

  // The marker is metadata only, so it can ride in a cursor's write (DROP SINK's).
  storage::WriteBatch meta;
  KeyGroups::MarkForDrop(kIndex, &meta);
  ASSERT_TRUE(storage_->Commit(meta).ok());
  // Marked but not dropped yet, as after a crash between the two steps.
  EXPECT_EQ(LatestV(*NewGroups(), "K1"), "one");
  Close();
  Open();
  ASSERT_TRUE(KeyGroups::DropMarked(storage_.get()).ok());
  EXPECT_EQ(LatestV(*NewGroups(), "K1"), "none");
  EXPECT_EQ(LatestV(*NewGroups(), "K2"), "none");
  KeyGroups reopened(storage_.get(), kIndex + 1, {TypeId::kInt32, TypeId::kVarchar});
  EXPECT_EQ(LatestV(reopened, "K1"), "other");
  // The marker went with the index: nothing is left to drop.
  auto markers = storage_->ScanMeta("sinkindex-drop/");
  ASSERT_TRUE(markers.ok());
  EXPECT_TRUE(markers->empty());
  ASSERT_TRUE(KeyGroups::DropMarked(storage_.get()).ok());
  EXPECT_EQ(LatestV(reopened, "K1"), "other");
}

TEST_F(KeyGroupsTest, RowsOfAWrongShapeAreRefused) {
  // The row must match the index's types: encoding errors surface from Put.
  Row bad = {Value::Varchar("not an int"), Value::Varchar("v")};
  EXPECT_FALSE(groups_->Put("K", "u", 1, bad).ok());
  EXPECT_FALSE(groups_->has_staged());
}

}  // namespace
}  // namespace dynasink::stream
