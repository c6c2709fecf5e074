// psql's aligned output, command-line parsing, COPY option translation and the address parser.
#include "server/psql_format.h"

#include <gtest/gtest.h>

#include "server/commands.h"
#include "server/metrics_http.h"
#include "server/pg_backend.h"

namespace dynasink::server {
namespace {

using types::TypeId;
using types::Value;

TEST(PsqlFormatTest, AlignedTables) {
  std::vector<sql::ResultColumn> columns = {{"id", TypeId::kInt32}, {"name", TypeId::kVarchar}};
  EXPECT_EQ(FormatAligned(columns, {{Value::Int32(1), Value::Varchar("apple")},
                                    {Value::Int32(100), Value()}}),
            " id  | name  \n"
            "-----+-------\n"
            "   1 | apple\n"
            " 100 | \n"
            "(2 rows)\n\n");
  EXPECT_EQ(FormatAligned({{"?column?", TypeId::kInt32}}, {{Value::Int32(1)}}),
            " ?column? \n----------\n        1\n(1 row)\n\n");
  EXPECT_EQ(FormatAligned(columns, {}), " id | name \n----+------\n(0 rows)\n\n");
  // Characters, not bytes, set the width.
  EXPECT_EQ(FormatAligned({{"v", TypeId::kVarchar}}, {{Value::Varchar("héllo")}}),
            "   v   \n-------\n héllo\n(1 row)\n\n");
}

TEST(PsqlFormatTest, Messages) {
  EXPECT_EQ(FormatError(Status::Sql("23502", "null value\nDETAIL: Failing row contains (null).")),
            "ERROR:  null value\nDETAIL:  Failing row contains (null).\n");
  EXPECT_EQ(FormatNotice({sql::Notice::Severity::kWarning, "25P01", "no transaction", "", "a hint"}),
            "WARNING:  no transaction\nHINT:  a hint\n");
}

TEST(CommandLineTest, Parses) {
  auto cl = ParseCommandLine({"serve", "--data-dir", "/d", "--listen=0.0.0.0:5000", "--metrics",
                              "127.0.0.1:9464", "--log-level", "debug"});
  ASSERT_TRUE(cl.ok()) << cl.status().ToString();
  EXPECT_EQ(cl->data_dir, "/d");
  EXPECT_EQ(cl->listen, "0.0.0.0:5000");
  EXPECT_EQ(cl->metrics, "127.0.0.1:9464");
  auto sql = ParseCommandLine({"sql", "-D", "/d", "-c", "SELECT 1"});
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(*sql->command_text, "SELECT 1");
  EXPECT_FALSE(ParseCommandLine({"sql", "-D", "/d", "-c", "x", "-f", "y"}).ok());
  EXPECT_FALSE(ParseCommandLine({"serve", "--data-dir", "/d", "-c", "x"}).ok());
  EXPECT_FALSE(ParseCommandLine({"serve", "--data-dir"}).ok());
  EXPECT_EQ(ParseCommandLine({"--version"})->command, "version");
}

TEST(CommandLineTest, ChangeLog) {
  EXPECT_FALSE(ParseCommandLine({"serve", "-D", "/d"})->change_log_always);
  EXPECT_TRUE(ParseCommandLine({"serve", "-D", "/d", "--change-log", "always"})->change_log_always);
  EXPECT_FALSE(
      ParseCommandLine({"serve", "-D", "/d", "--change-log=with-sinks"})->change_log_always);
  auto bad = ParseCommandLine({"serve", "-D", "/d", "--change-log", "sometimes"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("with-sinks or always"), std::string::npos);
  EXPECT_FALSE(ParseCommandLine({"sql", "-D", "/d", "-c", "x", "--change-log", "always"}).ok());
}

TEST(CommandLineTest, HostPort) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(ParseHostPort("127.0.0.1:4566", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 4566);
  ASSERT_TRUE(ParseHostPort("[::1]:9", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  ASSERT_TRUE(ParseHostPort(":80", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_FALSE(ParseHostPort("nohost", &host, &port).ok());
  EXPECT_FALSE(ParseHostPort("h:99999", &host, &port).ok());
}

TEST(CopyOptionsTest, TranslatesAndChecks) {
  sql::CopyOptions csv;
  csv.format = sql::CopyFormat::kCsv;
  csv.header = true;
  csv.delimiter = ";";
  auto o = ToWireCopyOptions(csv);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->format, pgwire::CopyFormat::kCsv);
  EXPECT_EQ(o->delimiter, ';');
  EXPECT_EQ(o->header, pgwire::CopyHeader::kSkip);
  EXPECT_EQ(o->null_string, "");
  sql::CopyOptions text;
  EXPECT_EQ(ToWireCopyOptions(text)->null_string, "\\N");
  text.quote = "'";
  EXPECT_EQ(ToWireCopyOptions(text).status().sqlstate(), "0A000");
  sql::CopyOptions wide;
  wide.delimiter = "ab";
  EXPECT_EQ(ToWireCopyOptions(wide).status().sqlstate(), "0A000");
  sql::CopyOptions latin;
  latin.encoding = "LATIN1";
  EXPECT_FALSE(ToWireCopyOptions(latin).ok());
}

}  // namespace
}  // namespace dynasink::server
