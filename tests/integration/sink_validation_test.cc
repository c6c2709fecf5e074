// Every validation and option error of CREATE SINK with its message (COMPATIBILITY.md section 2,
// docs/sinks/dynamodb.md), each refused before anything is created; the statements around sinks
// (IF NOT EXISTS, DROP, DROP TABLE under a sink, ALTER SINK, key rotation by ALTER SINK ... SET);
// SHOW CREATE SINK and rw_catalog.rw_sinks with their columns and secrets redacted; and the secret
// never appearing in any output, error or line of the server's log (which runs at debug level
// here).
#include <fmt/format.h>

#include "sink_test_util.h"
#include "support/fault_proxy.h"

namespace dynasink::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSessionToken = "e2eSessionToken/AlsoNeverPrint+9";
// The keys a sink is rotated to by ALTER SINK.
constexpr const char* kRotatedKeyId = "AKIDROTATEDTESTKEY2";
constexpr const char* kRotatedSecret = "rotatedSecret/NeverPrint+Zq4";

class SinkValidationTest : public SinkE2eTest {
 protected:
  static void SetUpTestSuite() {
    SinkTestBedOptions options;
    options.server.log_level = "debug";
    StartBed(options);
    if (bed_ == nullptr) return;
    ASSERT_TRUE(
        CreateDynamoTable(endpoint(), "Movies", {{"year", KeyType::kN}, {"title", KeyType::kS}})
            .ok());
    auto conn = bed_->Connect();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(SqlOk(*conn,
                      "CREATE TABLE movies (year integer, title varchar, description varchar, "
                      "primary key (year, title));"
                      "CREATE TABLE movies_text (year varchar, title varchar, description "
                      "varchar, primary key (year, title));"
                      "CREATE TABLE other (id int PRIMARY KEY, year int)"));
  }

  // `sql` must fail with a message that has every one of `parts`, never a secret, and leave the
  // sinks as they were.
  void ExpectRefused(const std::string& sql_text, const std::vector<std::string>& parts) {
    SCOPED_TRACE(HideSecret(sql_text.substr(0, 300)));
    auto before = sql().Query("SELECT name FROM rw_catalog.rw_sinks ORDER BY name");
    ASSERT_TRUE(before.ok()) << before.status().ToString();
    auto error = SqlError(sql(), sql_text);
    ASSERT_TRUE(error.has_value()) << "it succeeded";
    for (const std::string& part : parts)
      EXPECT_THAT(error->message(), HasSubstr(part));
    ExpectNoSecret(error->message());
    auto after = sql().Query("SELECT name FROM rw_catalog.rw_sinks ORDER BY name");
    ASSERT_TRUE(after.ok()) << after.status().ToString();
    EXPECT_EQ(*after, *before) << "a refused statement changed the sinks";
  }

  static void ExpectNoSecret(const std::string& text) {
    EXPECT_THAT(text, Not(HasSubstr(kTestSecretAccessKey)));
    EXPECT_THAT(text, Not(HasSubstr(kSessionToken)));
    EXPECT_THAT(text, Not(HasSubstr(kRotatedSecret)));
  }

  std::string Movies(const std::vector<std::pair<std::string, std::string>>& extra = {},
                     const std::string& table = "Movies", const std::string& key = "year,title") {
    return "CREATE SINK s FROM movies " + SinkWith(endpoint(), table, key, extra);
  }
};

TEST_F(SinkValidationTest, OptionErrors) {
  ExpectRefused(Movies({{"dynamodb.max_batch_item_num", "10"}}),
                {"unknown option \"dynamodb.max_batch_item_num\" for sink connector dynamodb; "
                 "did you mean \"dynamodb.max_batch_item_nums\"?"});
  ExpectRefused(Movies({{"aws.regoin", "us-east-1"}}), {"did you mean \"aws.region\"?"});
  for (const char* bad : {"0", "26"}) {
    ExpectRefused(
        Movies({{"dynamodb.max_batch_item_nums", bad}}),
        {"dynamodb.max_batch_item_nums must be between 1 and 25", std::string("not ") + bad});
  }
  ExpectRefused(Movies({{"dynamodb.max_batch_item_nums", "ten"}}),
                {"dynamodb.max_batch_item_nums must be an integer between 1 and 25"});
  for (const char* bad : {"0", "257"}) {
    ExpectRefused(Movies({{"dynamodb.max_future_send_nums", bad}}),
                  {"dynamodb.max_future_send_nums must be between 1 and 256"});
  }
  // The bounds themselves are fine.
  ASSERT_TRUE(SqlOk(sql(), Movies({{"dynamodb.max_batch_item_nums", "25"},
                                   {"dynamodb.max_future_send_nums", "256"}})));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK s"));
  ASSERT_TRUE(SqlOk(sql(), Movies({{"dynamodb.max_batch_item_nums", "1"},
                                   {"dynamodb.max_future_send_nums", "1"}})));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK s"));

  std::string creds = fmt::format(
      "aws.region = 'us-east-1', aws.endpoint_url = '{}', aws.credentials.access_key_id = '{}', "
      "aws.credentials.secret_access_key = '{}'",
      endpoint(), kTestAccessKeyId, kTestSecretAccessKey);
  ExpectRefused(
      "CREATE SINK s FROM movies WITH (connector = 'dynamodb', primary_key = "
      "'year,title', " +
          creds + ")",
      {"option \"table\" is required for sink connector dynamodb"});
  ExpectRefused(
      "CREATE SINK s FROM movies WITH (connector = 'dynamodb', table = 'Movies', " + creds + ")",
      {"option \"primary_key\" is required for sink connector dynamodb"});
  ExpectRefused("CREATE SINK s FROM movies WITH (table = 'Movies', primary_key = 'year,title', " +
                    creds + ")",
                {"connector not specified when create sink"});
  ExpectRefused(
      "CREATE SINK s FROM movies WITH (connector = 'dynamodbb', table = 'Movies', "
      "primary_key = 'year,title', " +
          creds + ")",
      {"unsupported sink connector 'dynamodbb'", "dynamodb"});
  ExpectRefused(Movies({{"region", "us-east-1"}}), {"are the same option", "aws.region"});
  ExpectRefused(
      "CREATE SINK s FROM movies WITH (connector = 'dynamodb', table = 'Movies', "
      "primary_key = 'year,title', aws.region = 'us-east-1', aws.endpoint_url = '" +
          endpoint() + "', aws.credentials.access_key_id = 'AKIDONLY')",
      {"aws.credentials.access_key_id and aws.credentials.secret_access_key must be "
       "given together"});

  // type, force_append_only, snapshot: RisingWave's rules and messages.
  ExpectRefused(Movies({{"type", "append-only"}}),
                {"The sink cannot be append-only. Please add \"force_append_only='true'\" in "
                 "WITH options to force the sink to be append-only. Notice that this will cause "
                 "the sink executor to drop DELETE messages and convert UPDATE messages to "
                 "INSERT."});
  ExpectRefused(Movies({{"force_append_only", "true"}}),
                {"Cannot force the sink to be append-only without \"type='append-only'\"."});
  ExpectRefused(Movies({{"type", "upsert"}, {"force_append_only", "true"}}),
                {"The force_append_only can be only used for type = 'append-only'"});
  ExpectRefused(Movies({{"type", "upsertt"}}), {"`type` must be append-only or upsert"});
  ExpectRefused("CREATE SINK s AS SELECT year, title FROM movies " +
                    SinkWith(endpoint(), "Movies", "year,title", {{"snapshot", "false"}}),
                {"snapshot = 'false' is only supported by CREATE SINK ... FROM a table"});
  ExpectRefused(Movies({{"sink.error_policy", "ignore"}}),
                {"must be error_table", "or pause", "not 'ignore'"});

  // FORMAT ... ENCODE: UPSERT JSON and PLAIN JSON (append-only) are accepted, anything else not.
  ExpectRefused(Movies() + " FORMAT DEBEZIUM ENCODE JSON",
                {"is not supported by sink connector dynamodb; accepted: FORMAT UPSERT ENCODE "
                 "JSON (the default, upsert) or FORMAT PLAIN ENCODE JSON (append-only)"});
  ExpectRefused(Movies() + " FORMAT UPSERT ENCODE AVRO", {"is not supported by sink connector "
                                                          "dynamodb"});
  ExpectRefused(Movies() + " FORMAT PLAIN ENCODE JSON",
                {"The sink cannot be append-only", "force_append_only='true'"});
  ExpectRefused(Movies({{"type", "append-only"}, {"force_append_only", "true"}}) +
                    " FORMAT UPSERT ENCODE JSON",
                {"contradicts FORMAT"});
  ASSERT_TRUE(SqlOk(sql(), Movies() + " FORMAT UPSERT ENCODE JSON"));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK s"));
  ASSERT_TRUE(SqlOk(sql(), Movies() + " FORMAT PLAIN ENCODE JSON (force_append_only = 'true')"));
  auto type = sql().Query("SELECT sink_type, append_only FROM rw_sinks WHERE name = 's'");
  ASSERT_TRUE(type.ok()) << type.status().ToString();
  EXPECT_EQ(*type, (std::vector<std::vector<std::string>>{{"FORCE_APPEND_ONLY", "t"}}));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK s"));

  // A deprecated option is accepted with a notice.
  sql().TakeNotices();
  ASSERT_TRUE(SqlOk(sql(), Movies({{"dynamodb.max_batch_rows", "1024"}})));
  EXPECT_THAT(sql().TakeNotices(),
              ::testing::Contains(HasSubstr("dynamodb.max_batch_rows is deprecated")));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK s"));
}

TEST_F(SinkValidationTest, DestinationErrors) {
  ExpectRefused(Movies({}, "NoSuchTable"), {"table NoSuchTable not found"});
  ExpectRefused(Movies({}, "Movies", "year"),
                {"DynamoDB table Movies primary key [\"year\", \"title\"] must match RisingWave "
                 "primary key [\"year\"]"});
  ExpectRefused(Movies({}, "Movies", "year,description"),
                {"must match RisingWave primary key [\"year\", \"description\"]"});
  ExpectRefused(Movies({}, "Movies", "year,xx"),
                {"Sink primary key column not found: xx. Please use ',' as the delimiter for "
                 "different primary key columns."});
  ExpectRefused(Movies({}, "Movies", "year;title"), {"Sink primary key column not found: "
                                                     "year;title."});
  ExpectRefused("CREATE SINK s FROM movies_text " + SinkWith(endpoint(), "Movies", "year,title"),
                {"DynamoDB table Movies key attribute year has type N (number), but sink column "
                 "year has type character varying, which the sink writes as S (string)",
                 "year::numeric"});
  // A cast in the sink query is the documented fix.
  ASSERT_TRUE(
      SqlOk(sql(), "CREATE SINK s AS SELECT year::numeric AS year, title FROM movies_text " +
                       SinkWith(endpoint(), "Movies", "year,title")));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK s"));
  // The key order does not matter (compared as sets).
  ASSERT_TRUE(SqlOk(sql(), Movies({}, "Movies", " title , year ")));
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK s"));

  auto port = PickFreeLoopbackPort();
  ASSERT_TRUE(port.ok());
  std::string dead = fmt::format("http://127.0.0.1:{}", *port);
  ExpectRefused("CREATE SINK s FROM movies " + SinkWith(dead, "Movies", "year,title"),
                {"cannot reach DynamoDB at " + dead, "check aws.endpoint_url"});

  // What DynamoDB Local cannot show: refused credentials and a table not yet ACTIVE.
  LocalHttpServer refusing([](const ServerRequest&) {
    return ServerResponse::Json(
        400, R"({"__type":"com.amazon.coral.service#UnrecognizedClientException",)"
             R"("message":"The security token included in the request is invalid."})");
  });
  ExpectRefused(
      "CREATE SINK s FROM movies " + SinkWith(refusing.url(), "Movies", "year,title",
                                              {{"aws.credentials.session_token", kSessionToken}}),
      {"refused the sink's credentials", "UnrecognizedClientException",
       "check aws.credentials.access_key_id"});
  LocalHttpServer creating([](const ServerRequest&) {
    return ServerResponse::Json(
        200, R"({"Table":{"TableName":"Movies","TableStatus":"CREATING",)"
             R"("KeySchema":[{"AttributeName":"year","KeyType":"HASH"},)"
             R"({"AttributeName":"title","KeyType":"RANGE"}],)"
             R"("AttributeDefinitions":[{"AttributeName":"year","AttributeType":"N"},)"
             R"({"AttributeName":"title","AttributeType":"S"}]}})");
  });
  ExpectRefused("CREATE SINK s FROM movies " + SinkWith(creating.url(), "Movies", "year,title"),
                {"table Movies is not active (status CREATING)"});
}

TEST_F(SinkValidationTest, StatementsAroundSinks) {
  ExpectRefused("CREATE SINK s FROM nosuch " + SinkWith(endpoint(), "Movies", "year,title"),
                {"relation \"nosuch\" does not exist"});
  ExpectRefused(
      "CREATE SINK s AS SELECT m.year, m.title FROM movies m JOIN other o ON "
      "o.year = m.year " +
          SinkWith(endpoint(), "Movies", "year,title"),
      {"a join is not allowed in a sink query"});
  ExpectRefused("CREATE SINK s AS SELECT year, max(title) AS title FROM movies GROUP BY year " +
                    SinkWith(endpoint(), "Movies", "year,title"),
                {"not allowed in a sink query"});

  ASSERT_TRUE(SqlOk(sql(), "CREATE SINK movie_sink FROM movies " +
                               SinkWith(endpoint(), "Movies", "year,title",
                                        {{"aws.credentials.session_token", kSessionToken}})));
  ExpectRefused(
      "CREATE SINK movie_sink FROM movies " + SinkWith(endpoint(), "Movies", "year,title"),
      {"sink with name movie_sink exists"});
  sql().TakeNotices();
  ASSERT_TRUE(SqlOk(sql(), "CREATE SINK IF NOT EXISTS movie_sink FROM movies " +
                               SinkWith(endpoint(), "Movies", "year,title")));
  EXPECT_THAT(sql().TakeNotices(),
              ::testing::Contains(HasSubstr("relation \"movie_sink\" already exists, skipping")));
  ExpectRefused("DROP TABLE movies", {"movie_sink", "DROP SINK"});
  ExpectRefused("ALTER SINK movie_sink SET (sink.error_policy = 'bogus')", {"not 'bogus'"});
  ExpectRefused("ALTER SINK nosuch PAUSE", {"nosuch"});
  ExpectRefused("DROP SINK nosuch", {"nosuch"});
  sql().TakeNotices();
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK IF EXISTS nosuch"));
  EXPECT_THAT(sql().TakeNotices(), ::testing::ElementsAre(HasSubstr("nosuch")));

  // SHOW CREATE SINK and rw_sinks: the definition with the secrets redacted.
  auto shown = sql().Exec("SHOW CREATE SINK movie_sink");
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  ASSERT_EQ(shown->rows.size(), 1u);
  std::string create;
  for (const auto& v : shown->rows[0])
    create += v.value_or("") + "\n";
  EXPECT_THAT(create, HasSubstr("CREATE SINK movie_sink FROM movies"));
  EXPECT_THAT(create, HasSubstr("[REDACTED]"));
  EXPECT_THAT(create, HasSubstr("table = 'Movies'"));
  EXPECT_THAT(create, Not(HasSubstr(kTestAccessKeyId)));
  ExpectNoSecret(create);

  // ALTER SINK ... SET shows in the definition: appended the first time, replaced after; the
  // secrets stay redacted.
  auto show_create = [&] {
    auto r = sql().Exec("SHOW CREATE SINK movie_sink");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->rows.size() == 1 ? r->rows[0][1].value_or("") : std::string();
  };
  const std::string before = show_create();
  ASSERT_TRUE(SqlOk(sql(), "ALTER SINK movie_sink SET (sink.error_policy = 'pause')"));
  std::string altered = show_create();
  EXPECT_THAT(altered, HasSubstr(", sink.error_policy = 'pause')")) << altered;
  EXPECT_THAT(altered, HasSubstr("table = 'Movies'"));
  ExpectNoSecret(altered);
  ASSERT_TRUE(SqlOk(sql(), "ALTER SINK movie_sink SET (sink.error_policy = 'error_table')"));
  altered = show_create();
  EXPECT_THAT(altered, HasSubstr("sink.error_policy = 'error_table'")) << altered;
  EXPECT_THAT(altered, Not(HasSubstr("'pause'"))) << altered;
  EXPECT_EQ(altered.find("sink.error_policy"), altered.rfind("sink.error_policy")) << altered;
  const size_t close = before.rfind(')');
  ASSERT_NE(close, std::string::npos) << before;
  EXPECT_EQ(altered,
            before.substr(0, close) + ", sink.error_policy = 'error_table'" + before.substr(close))
      << "only the option was added";
  // Delivery tuning may change too (the sink restarts from its cursor); its bounds hold; what
  // is written or where may not, and the message names what may.
  ASSERT_TRUE(SqlOk(sql(),
                    "ALTER SINK movie_sink SET (dynamodb.max_future_send_nums = '8', "
                    "dynamodb.batch_write_retry_backoff_ms = '50')"));
  altered = show_create();
  EXPECT_THAT(altered, HasSubstr("dynamodb.max_future_send_nums = '8'")) << altered;
  EXPECT_THAT(altered, HasSubstr("dynamodb.batch_write_retry_backoff_ms = '50'")) << altered;
  ExpectRefused("ALTER SINK movie_sink SET (dynamodb.max_future_send_nums = '0')",
                {"dynamodb.max_future_send_nums", "1"});
  ExpectRefused("ALTER SINK movie_sink SET (table = 'Other')",
                {"can change sink.error_policy, dynamodb.max_batch_item_nums", "not table",
                 "drop the sink and create it again"});
  EXPECT_THAT(show_create(), HasSubstr("table = 'Movies'"));
  auto row = sql().Exec(
      "SELECT id, name, schema_id, owner, connector, sink_type, connection_id, definition, "
      "append_only, created_at, initialized_at, created_at_cluster_version, "
      "initialized_at_cluster_version FROM rw_catalog.rw_sinks");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  ASSERT_EQ(row->rows.size(), 1u);
  const PgRow& r = row->rows[0];
  EXPECT_TRUE(r[0].has_value());
  EXPECT_EQ(r[1], "movie_sink");
  EXPECT_EQ(r[4], "DYNAMODB");
  EXPECT_EQ(r[5], "UPSERT");
  EXPECT_FALSE(r[6].has_value()) << "connection_id";
  ASSERT_TRUE(r[7].has_value());
  EXPECT_THAT(*r[7], HasSubstr("[REDACTED]"));
  EXPECT_THAT(*r[7], Not(HasSubstr(kTestAccessKeyId)));
  ExpectNoSecret(*r[7]);
  EXPECT_EQ(r[8], "f");
  EXPECT_TRUE(r[9].has_value()) << "created_at";
  auto unqualified = sql().Query("SELECT name FROM rw_sinks");
  ASSERT_TRUE(unqualified.ok()) << unqualified.status().ToString();
  EXPECT_EQ(unqualified->size(), 1u);
  auto listed = sql().Query("SHOW SINKS");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0][0], "movie_sink");

  // Once its sink is gone, a table can be dropped.
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK movie_sink"));
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE scratch (id int PRIMARY KEY);"
                    "CREATE SINK scratch_sink AS SELECT id AS year, 'x' AS title FROM "
                    "scratch " +
                        SinkWith(endpoint(), "Movies", "year,title") +
                        ";"
                        "DROP SINK scratch_sink;"
                        "DROP TABLE scratch"));
}

// Key rotation with ALTER SINK ... SET. The proxy checks every request's signature as DynamoDB
// does (DynamoDB Local does not): once the old keys are revoked the sink retries and holds its
// rows; new keys that DynamoDB refuses are refused by the ALTER, and the sink keeps running as it
// was; working new keys (given under the option's aliases) restart it from its cursor and the
// held rows arrive, with no new backfill. The definition keeps every secret redacted.
TEST_F(SinkValidationTest, AlterSinkRotatesCredentials) {
  ASSERT_TRUE(CreateDynamoTable(endpoint(), "Rotation", {{"id", KeyType::kN}}).ok());
  FaultProxy proxy(endpoint());
  const SigV4Expectation old_keys{.access_key_id = kTestAccessKeyId,
                                  .secret_access_key = kTestSecretAccessKey,
                                  .region = kTestRegion,
                                  .service = "dynamodb"};
  SigV4Expectation new_keys = old_keys;
  new_keys.access_key_id = kRotatedKeyId;
  new_keys.secret_access_key = kRotatedSecret;
  proxy.RequireSignature(old_keys);
  ASSERT_TRUE(SqlOk(sql(),
                    "CREATE TABLE rotation (id int PRIMARY KEY, v varchar);"
                    "INSERT INTO rotation VALUES (1, 'before the sink');"
                    "CREATE SINK rotation_sink FROM rotation " +
                        SinkWith(proxy.url(), "Rotation", "id") +
                        ";"
                        "INSERT INTO rotation VALUES (2, 'old keys'); FLUSH"));
  const std::string query = "SELECT id, v FROM rotation";
  const std::vector<AttrKind> kinds = {AttrKind::kN, AttrKind::kS};
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "Rotation", query, kinds, {"id"}));
  auto show_create = [&] {
    auto r = sql().Exec("SHOW CREATE SINK rotation_sink");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->rows.size() == 1 ? r->rows[0][1].value_or("") : std::string();
  };
  const std::string before = show_create();

  // The old keys are revoked: the sink keeps the new row and retries, naming DynamoDB's error.
  proxy.RequireSignature(new_keys);
  ASSERT_TRUE(SqlOk(sql(), "INSERT INTO rotation VALUES (3, 'while revoked')"));
  auto failing = WaitForSinkStatus(
      sql(), "rotation_sink",
      [](const SinkStatusRow& s) {
        return s.last_error.has_value() &&
               s.last_error->find("UnrecognizedClientException") != std::string::npos;
      },
      seconds(60), "the revoked keys' error in the status");
  ASSERT_TRUE(failing.ok()) << failing.status().ToString();
  EXPECT_EQ(failing->error_rows, 0) << "a refused signature is no bad value";

  // New keys that DynamoDB refuses (a wrong secret): the ALTER fails with CREATE's message and
  // the sink is left as it was.
  ExpectRefused(fmt::format("ALTER SINK rotation_sink SET (aws.credentials.access_key_id = '{}', "
                            "aws.credentials.secret_access_key = 'not-the-secret')",
                            kRotatedKeyId),
                {"refused the sink's credentials", "InvalidSignatureException",
                 "check aws.credentials.access_key_id"});
  EXPECT_EQ(show_create(), before);
  ExpectRefused(
      "ALTER SINK rotation_sink SET (aws.credentials.role.arn = "
      "'arn:aws:iam::123456789012:role/x')",
      {"not aws.credentials.role.arn", "aws.credentials.secret_access_key"});

  // The right keys, under the aliases: the held row arrives once the sink restarts.
  const uint64_t refusals = proxy.counts().signature_refusals;
  EXPECT_GT(refusals, 0u);
  ASSERT_TRUE(SqlOk(sql(), fmt::format("ALTER SINK rotation_sink SET (access_key = '{}', "
                                       "secret_key = '{}');"
                                       "INSERT INTO rotation VALUES (4, 'new keys'); FLUSH",
                                       kRotatedKeyId, kRotatedSecret)));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "Rotation", query, kinds, {"id"}));
  auto status = ReadSinkStatus(sql(), "rotation_sink");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->state, "running") << status->ToString();

  // An empty session token means none (the keys above are long-term keys).
  ASSERT_TRUE(SqlOk(sql(),
                    "ALTER SINK rotation_sink SET (aws.credentials.session_token = '');"
                    "INSERT INTO rotation VALUES (5, 'no token'); FLUSH"));
  EXPECT_TRUE(DynamoMatchesQuery(sql(), endpoint(), "Rotation", query, kinds, {"id"}));

  // The definition: the same text plus the (redacted) token, the values still redacted where
  // they were written.
  const std::string after = show_create();
  const size_t close = before.rfind(')');
  ASSERT_NE(close, std::string::npos) << before;
  EXPECT_EQ(after, before.substr(0, close) + ", aws.credentials.session_token = '[REDACTED]'" +
                       before.substr(close));
  EXPECT_THAT(after, Not(HasSubstr(kRotatedKeyId)));
  ExpectNoSecret(after);
  EXPECT_THAT(after, Not(HasSubstr(", access_key =")));  // replaced in place, not appended
  EXPECT_THAT(after, Not(HasSubstr(", secret_key =")));
  auto definition =
      sql().Query("SELECT definition FROM rw_catalog.rw_sinks WHERE name = 'rotation_sink'");
  ASSERT_TRUE(definition.ok()) << definition.status().ToString();
  ASSERT_EQ(definition->size(), 1u);
  EXPECT_EQ((*definition)[0][0], after);
  ASSERT_TRUE(SqlOk(sql(), "DROP SINK rotation_sink; DROP TABLE rotation"));
}

// Last (GoogleTest runs a file's tests in order): nothing any test did put a secret in the log.
TEST_F(SinkValidationTest, TheSecretNeverReachesTheLog) {
  std::string log = bed_->server().ReadLog();
  EXPECT_FALSE(log.empty());
  ExpectNoSecret(log);
}

}  // namespace
}  // namespace dynasink::test
