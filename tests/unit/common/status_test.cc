#include "common/result.h"
#include "common/status.h"

#include <gtest/gtest.h>

namespace dynasink {
namespace {

TEST(StatusTest, OkHasNoMessageAndDefaultState) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.sqlstate(), "00000");
}

TEST(StatusTest, SqlErrorKeepsStateAndPosition) {
  Status s = Status::Sql("42P01", "table \"t\" does not exist", 15);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.sqlstate(), "42P01");
  EXPECT_EQ(s.position(), 15);
  EXPECT_EQ(s.ToString(), "NotFound: table \"t\" does not exist");
}

TEST(StatusTest, DerivedSqlStateAndContext) {
  Status s = Status::OutOfRange("integer out of range");
  EXPECT_EQ(s.sqlstate(), "22003");
  Status c = s.WithContext("column a");
  EXPECT_EQ(c.message(), "column a: integer out of range");
  EXPECT_EQ(c.sqlstate(), "22003");
  Status copy = c;  // copies are deep
  EXPECT_EQ(copy.message(), c.message());
}

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  DS_ASSIGN_OR_RETURN(int h, Half(x));
  DS_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(ResultTest, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd");
  EXPECT_EQ(r.value_or(-1), -1);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> r = Status::Internal("boom");
  EXPECT_DEATH((void)r.value(), "boom");
}

}  // namespace
}  // namespace dynasink
