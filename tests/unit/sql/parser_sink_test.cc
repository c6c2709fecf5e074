// CREATE SINK (every option of COMPATIBILITY.md section 2, FROM and AS, FORMAT ... ENCODE),
// ALTER SINK, DROP SINK, and what the sink engineer needs from the AST: option keys and values
// as written, their spans, the statement's text and the AS query's text.
#include <gtest/gtest.h>

#include "sql_test_util.h"

namespace dynasink::sql {
namespace {

using testing::Normalized;
using testing::ParseAs;
using testing::ParseError;

TEST(ParserSinkTest, ReferenceCaseFromTable) {
  const char* sql =
      "CREATE SINK IF NOT EXISTS movies_sink FROM movies WITH (\n"
      "  connector = 'dynamodb',\n"
      "  table = 'Movies',\n"
      "  primary_key = 'year,title',\n"
      "  aws.region = 'us-east-1',\n"
      "  aws.endpoint_url = 'http://127.0.0.1:8000'\n"
      ")";
  auto stmt = ParseAs<CreateSinkStmt>(sql);
  ASSERT_NE(stmt, nullptr);
  EXPECT_TRUE(stmt->if_not_exists);
  EXPECT_EQ(stmt->name.ToString(), "movies_sink");
  ASSERT_TRUE(stmt->from.has_value());
  EXPECT_EQ(stmt->from->ToString(), "movies");
  EXPECT_EQ(stmt->query, nullptr);
  EXPECT_TRUE(stmt->query_text.empty());
  EXPECT_FALSE(stmt->format_encode.has_value());
  EXPECT_EQ(stmt->definition, sql);
  ASSERT_EQ(stmt->with_options.size(), 5u);
  const char* keys[] = {"connector", "table", "primary_key", "aws.region", "aws.endpoint_url"};
  const char* values[] = {"dynamodb", "Movies", "year,title", "us-east-1", "http://127.0.0.1:8000"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(stmt->with_options[i].key, keys[i]);
    EXPECT_EQ(stmt->with_options[i].value.kind, ConstValue::Kind::kString);
    EXPECT_EQ(stmt->with_options[i].value.text, values[i]);
  }
  ASSERT_NE(FindOption(stmt->with_options, "table"), nullptr);
  EXPECT_EQ(FindOption(stmt->with_options, "table")->value.text, "Movies");
  EXPECT_EQ(FindOption(stmt->with_options, "missing"), nullptr);
  EXPECT_EQ(PrintStatement(*stmt),
            "CREATE SINK IF NOT EXISTS movies_sink FROM movies WITH (connector = 'dynamodb', "
            "table = 'Movies', primary_key = 'year,title', aws.region = 'us-east-1', "
            "aws.endpoint_url = 'http://127.0.0.1:8000')");
}

TEST(ParserSinkTest, EveryOptionOfSectionTwoAndItsAliases) {
  // Every option name and alias of COMPATIBILITY.md section 2, plus the generic sink options.
  const std::vector<std::string> keys = {
      "connector",
      "table",
      "dynamodb.table",
      "primary_key",
      "aws.region",
      "region",
      "aws.endpoint_url",
      "endpoint_url",
      "endpoint",
      "aws.credentials.access_key_id",
      "access_key",
      "aws.credentials.secret_access_key",
      "secret_key",
      "aws.credentials.session_token",
      "session_token",
      "aws.credentials.role.arn",
      "arn",
      "aws.credentials.role.external_id",
      "external_id",
      "aws.profile",
      "profile",
      "dynamodb.max_batch_rows",
      "dynamodb.max_batch_item_nums",
      "dynamodb.max_future_send_nums",
      "dynamodb.batch_write_retry_times",
      "dynamodb.batch_write_retry_backoff_ms",
      "type",
      "force_append_only",
      "snapshot",
  };
  std::string sql = "CREATE SINK s FROM t WITH (";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += keys[i] + " = 'v" + std::to_string(i) + "'";
  }
  sql += ")";
  auto stmt = ParseAs<CreateSinkStmt>(sql);
  ASSERT_NE(stmt, nullptr);
  ASSERT_EQ(stmt->with_options.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(stmt->with_options[i].key, keys[i]);
    EXPECT_EQ(stmt->with_options[i].value.text, "v" + std::to_string(i));
    // The key's position points at its first character.
    EXPECT_EQ(sql.substr(stmt->with_options[i].key_pos, keys[i].size()), keys[i]);
  }
  testing::ExpectRoundTrip(sql);
}

TEST(ParserSinkTest, OptionKeysAndValuesAsWritten) {
  auto stmt = ParseAs<CreateSinkStmt>(
      "CREATE SINK s FROM t WITH (Connector = 'dynamodb', \"Table\" = 'Movies', "
      "'aws.region' = 'eu-west-1', \"aws.profile\" = 'dev', dynamodb.max_batch_item_nums = 25, "
      "dynamodb.max_future_send_nums = -1, snapshot = false, force_append_only = TRUE, "
      "type = upsert, aws . credentials . role . arn = 'arn:aws:iam::1:role/x', "
      "dynamodb.batch_write_retry_backoff_ms = 1.5, primary_key = $$year, title$$)");
  ASSERT_NE(stmt, nullptr);
  struct Expected {
    const char* key;
    ConstValue::Kind kind;
    const char* text;
  } expected[] = {
      {"connector", ConstValue::Kind::kString, "dynamodb"},  // unquoted keys fold
      {"Table", ConstValue::Kind::kString, "Movies"},        // quoted keys keep case
      {"aws.region", ConstValue::Kind::kString, "eu-west-1"},
      {"aws.profile", ConstValue::Kind::kString, "dev"},
      {"dynamodb.max_batch_item_nums", ConstValue::Kind::kNumber, "25"},
      {"dynamodb.max_future_send_nums", ConstValue::Kind::kNumber, "-1"},
      {"snapshot", ConstValue::Kind::kBoolean, "false"},
      {"force_append_only", ConstValue::Kind::kBoolean, "true"},
      {"type", ConstValue::Kind::kWord, "upsert"},
      {"aws.credentials.role.arn", ConstValue::Kind::kString, "arn:aws:iam::1:role/x"},
      {"dynamodb.batch_write_retry_backoff_ms", ConstValue::Kind::kNumber, "1.5"},
      {"primary_key", ConstValue::Kind::kString, "year, title"},
  };
  ASSERT_EQ(stmt->with_options.size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    SCOPED_TRACE(expected[i].key);
    EXPECT_EQ(stmt->with_options[i].key, expected[i].key);
    EXPECT_EQ(stmt->with_options[i].value.kind, expected[i].kind);
    EXPECT_EQ(stmt->with_options[i].value.text, expected[i].text);
  }
  EXPECT_EQ(PrintStatement(*stmt),
            "CREATE SINK s FROM t WITH (connector = 'dynamodb', \"Table\" = 'Movies', aws.region = "
            "'eu-west-1', aws.profile = 'dev', dynamodb.max_batch_item_nums = 25, "
            "dynamodb.max_future_send_nums = -1, snapshot = false, force_append_only = true, type "
            "= upsert, aws.credentials.role.arn = 'arn:aws:iam::1:role/x', "
            "dynamodb.batch_write_retry_backoff_ms = 1.5, primary_key = 'year, title')");
}

TEST(ParserSinkTest, ValueSpansLocateSecretsInTheDefinition) {
  const std::string sql =
      "CREATE SINK s FROM t WITH (connector = 'dynamodb', aws.credentials.secret_access_key = "
      "'it''s secret', access_key = 'AKIA')";
  auto stmt = ParseAs<CreateSinkStmt>(sql);
  ASSERT_NE(stmt, nullptr);
  const SqlOption* secret = FindOption(stmt->with_options, "aws.credentials.secret_access_key");
  ASSERT_NE(secret, nullptr);
  EXPECT_EQ(secret->value.text, "it's secret");
  const SourceSpan span = secret->value.span;
  EXPECT_EQ(sql.substr(span.begin, span.size()), "'it''s secret'");
  // Relative to the definition, as the catalog stores it.
  const size_t begin = span.begin - stmt->span.begin;
  std::string redacted = stmt->definition;
  redacted.replace(begin, span.size(), "'[REDACTED]'");
  EXPECT_EQ(redacted,
            "CREATE SINK s FROM t WITH (connector = 'dynamodb', aws.credentials.secret_access_key "
            "= '[REDACTED]', access_key = 'AKIA')");
  // Or print normalized SQL with secrets replaced.
  PrintOptions options;
  options.redact_option = [](std::string_view key) {
    return key == "aws.credentials.secret_access_key" || key == "access_key";
  };
  EXPECT_EQ(PrintStatement(*stmt, options),
            "CREATE SINK s FROM t WITH (connector = 'dynamodb', aws.credentials.secret_access_key "
            "= '[REDACTED]', access_key = '[REDACTED]')");
  options.redaction = "***";
  EXPECT_NE(PrintStatement(*stmt, options).find("access_key = '***'"), std::string::npos);
}

TEST(ParserSinkTest, AsQueryKeepsItsText) {
  const std::string sql =
      "-- leading comment\nCREATE SINK s AS SELECT year AS y, upper(title) AS t, (s).f "
      "FROM movies WHERE year > 2000 /* keep */ ORDER BY y WITH (connector = 'dynamodb', "
      "table = 'T', primary_key = 'y,t')";
  auto stmt = ParseAs<CreateSinkStmt>(sql);
  ASSERT_NE(stmt, nullptr);
  EXPECT_FALSE(stmt->from.has_value());
  ASSERT_NE(stmt->query, nullptr);
  EXPECT_EQ(stmt->query_text,
            "SELECT year AS y, upper(title) AS t, (s).f FROM movies WHERE year > 2000 /* keep */ "
            "ORDER BY y");
  EXPECT_EQ(stmt->definition, sql.substr(sql.find("CREATE")));
  const auto& select = stmt->query->body->As<SelectBody>();
  ASSERT_EQ(select.items.size(), 3u);
  EXPECT_EQ(select.items[0].alias->name, "y");
  EXPECT_EQ(select.items[1].alias->name, "t");
  EXPECT_EQ(stmt->query->order_by.size(), 1u);
  EXPECT_EQ(stmt->with_options.size(), 3u);
  EXPECT_EQ(PrintStatement(*stmt),
            "CREATE SINK s AS SELECT year AS y, upper(title) AS t, (s).f FROM movies WHERE year > "
            "2000 ORDER BY y WITH (connector = 'dynamodb', table = 'T', primary_key = 'y,t')");
}

TEST(ParserSinkTest, FormatEncode) {
  auto stmt = ParseAs<CreateSinkStmt>(
      "CREATE SINK s FROM t WITH (connector = 'dynamodb', table = 'T', primary_key = 'k') "
      "FORMAT UPSERT ENCODE JSON");
  ASSERT_NE(stmt, nullptr);
  ASSERT_TRUE(stmt->format_encode.has_value());
  EXPECT_EQ(stmt->format_encode->format, "upsert");
  EXPECT_EQ(stmt->format_encode->encode, "json");
  EXPECT_TRUE(stmt->format_encode->options.empty());

  stmt = ParseAs<CreateSinkStmt>(
      "CREATE SINK s FROM t WITH (connector = 'dynamodb') FORMAT plain ENCODE json "
      "(force_append_only = 'true', timestamptz.handling.mode = 'utc_string')");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->format_encode->format, "plain");
  ASSERT_EQ(stmt->format_encode->options.size(), 2u);
  EXPECT_EQ(stmt->format_encode->options[1].key, "timestamptz.handling.mode");
  EXPECT_EQ(PrintStatement(*stmt),
            "CREATE SINK s FROM t WITH (connector = 'dynamodb') FORMAT PLAIN ENCODE JSON "
            "(force_append_only = 'true', timestamptz.handling.mode = 'utc_string')");

  // Any words parse; the connector decides which it accepts and says so.
  stmt = ParseAs<CreateSinkStmt>(
      "CREATE SINK s FROM t WITH (connector = 'dynamodb') FORMAT DEBEZIUM ENCODE AVRO");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->format_encode->format, "debezium");
  EXPECT_EQ(stmt->format_encode->encode, "avro");
  EXPECT_EQ(stmt->format_encode->format_pos, 51u);
  EXPECT_EQ(stmt->format_encode->encode_pos, 67u);

  EXPECT_EQ(ParseError("CREATE SINK s FROM t WITH (a = 'b') FORMAT UPSERT").message(),
            "syntax error at end of input");
  EXPECT_EQ(ParseError("CREATE SINK s FROM t WITH (a = 'b') FORMAT UPSERT JSON").message(),
            "syntax error at or near \"JSON\"");
}

TEST(ParserSinkTest, CreateSinkErrors) {
  struct Case {
    const char* sql;
    const char* sqlstate;
    const char* message;
    int position;
  } cases[] = {
      {"CREATE SINK s WITH (a = 'b')", "42601", "syntax error at or near \"WITH\"", 15},
      {"CREATE SINK s FROM t", "42601", "syntax error at end of input", 21},
      {"CREATE SINK s FROM t WITH ()", "42601", "syntax error at or near \")\"", 28},
      {"CREATE SINK s FROM t WITH (a)", "42601", "syntax error at or near \")\"", 29},
      {"CREATE SINK s FROM t WITH (a = )", "42601", "syntax error at or near \")\"", 32},
      {"CREATE SINK s FROM t WITH (a = 'x' b = 'y')", "42601", "syntax error at or near \"b\"", 36},
      {"CREATE SINK s FROM t WITH (table = 'a', table = 'b')", "42601",
       "option \"table\" is specified more than once", 41},
      {"CREATE SINK s AS WITH (a = 'b')", "42601", "syntax error at or near \"(\"", 23},
      {"CREATE SINK s AS SELECT FROM t WITH (a = 'b')", "42601", "syntax error at or near \"FROM\"",
       25},
      {"CREATE SINK s INTO t FROM u WITH (a = 'b')", "0A000",
       "CREATE SINK ... INTO a table is not supported", 15},
      {"CREATE SINK FROM t WITH (a = 'b')", "42601", "syntax error at or near \"FROM\"", 13},
      {"CREATE SINK s FROM t WITH (connector = 'dynamodb') extra", "42601",
       "syntax error at or near \"extra\"", 52},
  };
  for (const auto& c : cases) {
    Status s = ParseError(c.sql);
    EXPECT_EQ(s.sqlstate(), c.sqlstate) << c.sql;
    EXPECT_EQ(s.message(), c.message) << c.sql;
    EXPECT_EQ(s.position(), c.position) << c.sql;
  }
}

TEST(ParserSinkTest, DropSink) {
  auto stmt = ParseAs<DropStmt>("DROP SINK IF EXISTS s");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->object_type, ObjectType::kSink);
  EXPECT_TRUE(stmt->if_exists);
  EXPECT_EQ(stmt->names[0].ToString(), "s");
  EXPECT_EQ(PrintStatement(*stmt), "DROP SINK IF EXISTS s");
}

TEST(ParserSinkTest, AlterSink) {
  auto stmt = ParseAs<AlterSinkStmt>("ALTER SINK s PAUSE");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->action, AlterSinkAction::kPause);
  EXPECT_EQ(ParseAs<AlterSinkStmt>("alter sink s resume")->action, AlterSinkAction::kResume);

  stmt = ParseAs<AlterSinkStmt>("ALTER SINK s SET (error_policy = 'pause', aws.profile = 'p')");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->action, AlterSinkAction::kSetOptions);
  ASSERT_EQ(stmt->options.size(), 2u);
  EXPECT_EQ(stmt->options[0].key, "error_policy");
  EXPECT_EQ(stmt->options[1].value.text, "p");

  stmt = ParseAs<AlterSinkStmt>("ALTER SINK s CONNECTOR WITH (aws.region = 'x')");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->action, AlterSinkAction::kSetOptions);
  EXPECT_EQ(stmt->options[0].key, "aws.region");

  stmt = ParseAs<AlterSinkStmt>("ALTER SINK s RENAME TO t");
  ASSERT_NE(stmt, nullptr);
  EXPECT_EQ(stmt->action, AlterSinkAction::kRename);
  EXPECT_EQ(stmt->new_name.name, "t");

  EXPECT_EQ(Normalized("alter sink s set (a='b')"), "ALTER SINK s SET (a = 'b')");
  EXPECT_EQ(Normalized("ALTER SINK s CONNECTOR WITH (a = 'b')"), "ALTER SINK s SET (a = 'b')");
  EXPECT_EQ(Normalized("ALTER SINK \"S\" RENAME TO \"T\""), "ALTER SINK \"S\" RENAME TO \"T\"");
  EXPECT_EQ(ParseError("ALTER SINK s STOP").message(), "syntax error at or near \"STOP\"");
  EXPECT_EQ(ParseError("ALTER SINK s SET x = 1").message(), "syntax error at or near \"SET\"");
  Status s = ParseError("ALTER TABLE t ADD COLUMN c INT");
  EXPECT_EQ(s.sqlstate(), "0A000");
  EXPECT_EQ(s.message(), "ALTER TABLE is not supported; dynasink supports ALTER SINK");
  EXPECT_EQ(s.position(), 7);
}

}  // namespace
}  // namespace dynasink::sql
