// The reference case of COMPATIBILITY.md section 7, driven exactly as a user would drive it:
// SQL scripts run by Debian's psql (-v ON_ERROR_STOP=1 -f script.sql), and after each FLUSH the
// DynamoDB table read through the AWS CLI. It must end with exactly the four items, years 2017 to
// 2020, descriptions a, b, c and ABC. Also implicit_flush through psql: each DML statement
// returns only once DynamoDB has its change.
#include <filesystem>
#include <fstream>
#include <optional>

#include "sink_test_util.h"

namespace dynasink::test {
namespace {

using ::testing::HasSubstr;

struct Movie {
  int year;
  std::string title;
  std::string description;
};

class SinkReferencePsqlTest : public SinkE2eTest {
 protected:
  void SetUp() override {
    SinkE2eTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           ("dynasink-sinke2e-psql-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    SinkE2eTest::TearDown();
  }

  // Writes `sql` to a script file and runs it with psql; returns psql's stdout, or nullopt (with
  // the failure reported) unless psql exited 0 with no error on stderr.
  std::optional<std::string> Psql(const std::string& step, const std::string& sql) {
    std::string path = (dir_ / (step + ".sql")).string();
    std::ofstream(path) << sql;
    auto out = RunPsqlFile(bed_->server(), path);
    if (!out.ok()) {
      ADD_FAILURE() << "psql -f " << step << ".sql: " << out.status().ToString();
      return std::nullopt;
    }
    if (out->exit_code != 0 || out->err.find("ERROR") != std::string::npos) {
      ADD_FAILURE() << "psql -f " << step << ".sql exited with " << out->exit_code << ":\n"
                    << out->err << out->out;
      return std::nullopt;
    }
    return out->out;
  }

  // The table through the AWS CLI holds exactly `movies`, each item with exactly the three
  // attributes of the SQL table.
  void ExpectDynamoHolds(const std::string& table, const std::vector<Movie>& movies,
                         const std::string& after) {
    auto got = ScanWithCli(endpoint(), table, {"year", "title"});
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ItemsByKey want;
    for (const Movie& m : movies) {
      aws::Item item{{"year", aws::AttributeValue::N(m.year)},
                     {"title", aws::AttributeValue::S(m.title)},
                     {"description", aws::AttributeValue::S(m.description)}};
      want.emplace(KeyText(item, {"year", "title"}), std::move(item));
    }
    EXPECT_EQ(DiffItems(want, *got), "") << "after " << after;
  }

  std::filesystem::path dir_;
};

TEST_F(SinkReferencePsqlTest, MoviesLeavesExactlyFourItemsCheckedAfterEachFlush) {
  ASSERT_TRUE(
      CreateDynamoTable(endpoint(), "Movies", {{"year", KeyType::kN}, {"title", KeyType::kS}})
          .ok());
  auto out = Psql("1-create",
                  "CREATE TABLE IF NOT EXISTS movies (\n"
                  "    year integer,\n"
                  "    title varchar,\n"
                  "    description varchar,\n"
                  "    primary key (year, title)\n"
                  ");\n"
                  "CREATE SINK movies_sink FROM movies\n" +
                      SinkWith(endpoint(), "Movies", "year,title") + ";\n");
  ASSERT_TRUE(out);
  EXPECT_THAT(*out, HasSubstr("CREATE_TABLE"));
  EXPECT_THAT(*out, HasSubstr("CREATE_SINK"));
  ExpectDynamoHolds("Movies", {}, "CREATE SINK on an empty table");

  out = Psql("2-insert",
             "INSERT INTO movies (year, title, description) VALUES\n"
             "    (2020, 'The Emoji Movie', 'a'),\n"
             "    (2019, 'Avengers: Endgame', 'b'),\n"
             "    (2018, 'Black Panther', 'c'),\n"
             "    (2017, 'Wonder Woman', 'd'),\n"
             "    (2023, 'Beautiful beauty', 'ABC DUMMY');\n"
             "FLUSH;\n");
  ASSERT_TRUE(out);
  EXPECT_THAT(*out, HasSubstr("INSERT 0 5"));
  EXPECT_THAT(*out, HasSubstr("FLUSH"));
  ExpectDynamoHolds("Movies",
                    {{2020, "The Emoji Movie", "a"},
                     {2019, "Avengers: Endgame", "b"},
                     {2018, "Black Panther", "c"},
                     {2017, "Wonder Woman", "d"},
                     {2023, "Beautiful beauty", "ABC DUMMY"}},
                    "the first FLUSH");

  out = Psql("3-delete",
             "DELETE FROM movies WHERE title = 'Beautiful beauty';\n"
             "DELETE FROM movies WHERE year = 2017;\n"
             "FLUSH;\n");
  ASSERT_TRUE(out);
  EXPECT_THAT(*out, HasSubstr("DELETE 1"));
  ExpectDynamoHolds("Movies",
                    {{2020, "The Emoji Movie", "a"},
                     {2019, "Avengers: Endgame", "b"},
                     {2018, "Black Panther", "c"}},
                    "the deletes");

  out = Psql("4-insert-again",
             "INSERT INTO movies (year, title, description) VALUES\n"
             "    (2017, 'Beautiful beauty', 'ABC DUMMY');\n"
             "FLUSH;\n");
  ASSERT_TRUE(out);
  EXPECT_THAT(*out, HasSubstr("INSERT 0 1"));
  ExpectDynamoHolds("Movies",
                    {{2020, "The Emoji Movie", "a"},
                     {2019, "Avengers: Endgame", "b"},
                     {2018, "Black Panther", "c"},
                     {2017, "Beautiful beauty", "ABC DUMMY"}},
                    "the second insert");

  out = Psql("5-update",
             "UPDATE movies SET description = 'ABC' WHERE year = 2017;\n"
             "FLUSH;\n");
  ASSERT_TRUE(out);
  EXPECT_THAT(*out, HasSubstr("UPDATE 1"));
  ExpectDynamoHolds("Movies",
                    {{2020, "The Emoji Movie", "a"},
                     {2019, "Avengers: Endgame", "b"},
                     {2018, "Black Panther", "c"},
                     {2017, "Beautiful beauty", "ABC"}},
                    "the update: the reference case's end state");

  // The status row through psql, unaligned: running, caught up, no errors.
  out = Psql("6-status",
             "\\pset format unaligned\n"
             "\\pset tuples_only on\n"
             "SELECT sink_name, state, lag_changes, error_rows, last_error IS NULL, "
             "paused_reason IS NULL FROM rw_catalog.rw_sink_status;\n"
             "SHOW SINKS;\n");
  ASSERT_TRUE(out);
  EXPECT_THAT(*out, HasSubstr("movies_sink|running|0|0|t|t"));
  auto status = ReadSinkStatus(sql(), "movies_sink");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_GE(status->changes_acked, 1) << status->ToString();
  EXPECT_GT(status->acked_seq, 0) << status->ToString();
  EXPECT_FALSE(status->backfill_rows_total.has_value()) << status->ToString();

  ASSERT_TRUE(Psql("7-drop", "DROP SINK movies_sink;\nDROP TABLE movies;\n"));
}

// SET implicit_flush = true: each DML statement returns only once DynamoDB has its change, so the
// item is there the moment psql has run the statement, without FLUSH.
TEST_F(SinkReferencePsqlTest, ImplicitFlushMakesEachStatementWait) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "MoviesImplicit",
                                {{"year", KeyType::kN}, {"title", KeyType::kS}})
                  .ok());
  ASSERT_TRUE(
      Psql("1-create",
           "CREATE TABLE movies_implicit (year integer, title varchar, description varchar, "
           "primary key (year, title));\n"
           "CREATE SINK movies_implicit_sink FROM movies_implicit\n" +
               SinkWith(endpoint(), "MoviesImplicit", "year,title") + ";\n"));
  ASSERT_TRUE(Psql("2-insert",
                   "SET implicit_flush = true;\n"
                   "INSERT INTO movies_implicit VALUES (2020, 'The Emoji Movie', 'a');\n"));
  ExpectDynamoHolds("MoviesImplicit", {{2020, "The Emoji Movie", "a"}},
                    "an INSERT with implicit_flush");
  // The RisingWave alias of the same variable.
  ASSERT_TRUE(Psql("3-update",
                   "SET rw_implicit_flush = true;\n"
                   "UPDATE movies_implicit SET description = 'z' WHERE year = 2020;\n"
                   "INSERT INTO movies_implicit VALUES (2019, 'Avengers: Endgame', 'b');\n"
                   "DELETE FROM movies_implicit WHERE year = 2020;\n"));
  ExpectDynamoHolds("MoviesImplicit", {{2019, "Avengers: Endgame", "b"}},
                    "UPDATE, INSERT and DELETE with rw_implicit_flush");
  ASSERT_TRUE(Psql("4-drop", "DROP SINK movies_implicit_sink;\nDROP TABLE movies_implicit;\n"));
}

}  // namespace
}  // namespace dynasink::test
