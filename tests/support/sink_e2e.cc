// The test bed, SQL text, status rows, metrics and psql of sink_e2e.h. Items and their
// comparison are in sink_e2e_items.cc, the recording proxy in sink_e2e_proxy.cc.
#include "support/sink_e2e.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "aws/credentials_static.h"
#include "aws/dynamodb_client.h"

namespace dynasink::test {
namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<aws::CredentialsProvider> TestCredentials() {
  return std::make_shared<aws::StaticCredentialsProvider>(
      aws::Credentials{kTestAccessKeyId, kTestSecretAccessKey, "", std::nullopt});
}

int64_t ToInt(const std::optional<std::string>& v) {
  return v ? std::strtoll(v->c_str(), nullptr, 10) : 0;
}
double ToDouble(const std::optional<std::string>& v) {
  return v ? std::strtod(v->c_str(), nullptr) : 0;
}

}  // namespace

Result<std::unique_ptr<aws::DynamoDbClient>> MakeTestDynamoClient(const std::string& endpoint) {
  aws::DynamoDbClientOptions o;
  o.region = kTestRegion;
  o.endpoint_url = endpoint;
  o.credentials = TestCredentials();
  return aws::DynamoDbClient::Create(std::move(o));
}

Status CreateDynamoTable(const std::string& endpoint, const std::string& table,
                         const std::vector<KeyAttribute>& keys) {
  DS_ASSIGN_OR_RETURN(auto client, MakeTestDynamoClient(endpoint));
  aws::CreateTableRequest r;
  r.table_name = table;
  for (size_t i = 0; i < keys.size(); ++i) {
    r.key_schema.push_back({keys[i].name, i == 0 ? aws::KeyType::kHash : aws::KeyType::kRange});
    aws::ScalarAttributeType type = keys[i].type == KeyType::kS   ? aws::ScalarAttributeType::kS
                                    : keys[i].type == KeyType::kN ? aws::ScalarAttributeType::kN
                                                                  : aws::ScalarAttributeType::kB;
    r.attribute_definitions.push_back({keys[i].name, type});
  }
  auto created = client->CreateTable(r);
  if (!created.ok()) return created.status().WithContext("CreateTable " + table);
  auto active = client->WaitForTableActive(table, std::chrono::milliseconds(30000));
  if (!active.ok()) return active.status().WithContext("waiting for " + table);
  return Status::OK();
}

std::string SqlLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string SinkWith(const std::string& endpoint, const std::string& table,
                     const std::string& primary_key,
                     const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string out = fmt::format(
      "WITH (connector = 'dynamodb', table = {}, primary_key = {}, aws.region = '{}', "
      "aws.endpoint_url = {}, aws.credentials.access_key_id = '{}', "
      "aws.credentials.secret_access_key = '{}'",
      SqlLiteral(table), SqlLiteral(primary_key), kTestRegion, SqlLiteral(endpoint),
      kTestAccessKeyId, kTestSecretAccessKey);
  for (const auto& [name, value] : extra) {
    out += fmt::format(", {} = {}", name, SqlLiteral(value));
  }
  out += ")";
  return out;
}

std::string SinkStatusRow::ToString() const {
  return fmt::format(
      "{{sink {}: state={} backfill={}/{} changes_acked={} acked_seq={} lag_changes={} "
      "lag_seconds={:.3f} error_rows={} rows_per_second={:.0f} last_error={} paused_reason={}}}",
      name, state, backfill_rows_done,
      backfill_rows_total ? std::to_string(*backfill_rows_total) : "NULL", changes_acked, acked_seq,
      lag_changes, lag_seconds, error_rows, rows_per_second, last_error.value_or("NULL"),
      paused_reason.value_or("NULL"));
}

Result<SinkStatusRow> ReadSinkStatus(PgConnection& conn, const std::string& name) {
  DS_ASSIGN_OR_RETURN(
      PgResult r,
      conn.Exec("SELECT sink_name, state, backfill_rows_done, backfill_rows_total, "
                "changes_acked, acked_seq, lag_changes, lag_seconds, error_rows, "
                "rows_per_second, last_error, paused_reason FROM rw_catalog.rw_sink_status "
                "WHERE sink_name = " +
                SqlLiteral(name)));
  if (r.rows.empty()) return Status::NotFound("rw_sink_status has no row for sink " + name);
  if (r.rows.size() > 1) return Status::Corruption("rw_sink_status has two rows for " + name);
  const PgRow& row = r.rows[0];
  SinkStatusRow s;
  s.name = row[0].value_or("");
  s.state = row[1].value_or("NULL");
  s.backfill_rows_done = ToInt(row[2]);
  if (row[3]) s.backfill_rows_total = ToInt(row[3]);
  s.changes_acked = ToInt(row[4]);
  s.acked_seq = ToInt(row[5]);
  s.lag_changes = ToInt(row[6]);
  s.lag_seconds = ToDouble(row[7]);
  s.error_rows = ToInt(row[8]);
  s.rows_per_second = ToDouble(row[9]);
  s.last_error = row[10];
  s.paused_reason = row[11];
  return s;
}

Result<SinkStatusRow> WaitForSinkStatus(PgConnection& conn, const std::string& name,
                                        const std::function<bool(const SinkStatusRow&)>& done,
                                        std::chrono::milliseconds timeout, std::string_view what,
                                        std::chrono::milliseconds poll) {
  auto deadline = Clock::now() + timeout;
  std::string last = "nothing read";
  while (true) {
    auto row = ReadSinkStatus(conn, name);
    if (row.ok()) {
      if (done(*row)) return row;
      last = row->ToString();
    } else {
      last = row.status().ToString();
    }
    if (Clock::now() >= deadline) {
      return Status::Timeout(fmt::format("sink {} did not reach \"{}\" within {} ms; last: {}",
                                         name, what, timeout.count(), last));
    }
    std::this_thread::sleep_for(poll);
  }
}

Result<std::string> FetchMetricsPage(int port) {
  auto http = aws::HttpClient::Create();
  aws::HttpRequest request;
  request.url = fmt::format("http://127.0.0.1:{}/metrics", port);
  request.timeout = std::chrono::milliseconds(10000);
  DS_ASSIGN_OR_RETURN(aws::HttpResponse response, http->SendSync(std::move(request)));
  if (response.status != 200) {
    return Status::IOError(
        fmt::format("GET /metrics answered {}: {}", response.status, response.body.substr(0, 200)));
  }
  return std::move(response.body);
}

double MetricValue(std::string_view page, std::string_view name, const metrics::Labels& labels) {
  double sum = 0;
  size_t start = 0;
  while (start < page.size()) {
    size_t end = page.find('\n', start);
    if (end == std::string_view::npos) end = page.size();
    std::string_view line = page.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#' || !line.starts_with(name)) continue;
    std::string_view rest = line.substr(name.size());
    std::string_view label_text;
    if (!rest.empty() && rest[0] == '{') {
      size_t close = rest.find('}');
      if (close == std::string_view::npos) continue;
      label_text = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    }
    if (rest.empty() || rest[0] != ' ') continue;  // a longer name with this prefix
    bool match = true;
    for (const auto& [label, value] : labels) {
      // Values in these tests need no escaping, so the pair's text is searched as written.
      std::string pair = fmt::format("{}=\"{}\"", label, value);
      size_t at = label_text.find(pair);
      bool bounded = at != std::string_view::npos && (at == 0 || label_text[at - 1] == ',');
      if (!bounded) {
        match = false;
        break;
      }
    }
    if (match) sum += std::strtod(std::string(rest.substr(1)).c_str(), nullptr);
  }
  return sum;
}

Result<CommandOutput> RunPsqlFile(const DynasinkServer& server, const std::string& file,
                                  std::chrono::milliseconds timeout) {
  const char* home = std::getenv("HOME");
  std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8",
                                  std::string("HOME=") + (home != nullptr ? home : "/tmp"),
                                  "PGCONNECT_TIMEOUT=10", "PSQLRC=/dev/null"};
  return RunCommand(
      {"/usr/bin/psql", "-X", "-h", server.host(), "-p", std::to_string(server.port()), "-d", "dev",
       "-U", "root", "-v", "ON_ERROR_STOP=1", "-f", file},
      env, timeout);
}

Result<std::unique_ptr<SinkTestBed>> SinkTestBed::Start(SinkTestBedOptions options) {
  std::unique_ptr<SinkTestBed> bed(new SinkTestBed());
  DynamoDbLocalOptions ddb_options;
  if (options.persistent_dynamodb) {
    char pattern[] = "/tmp/dynasink-sinke2e-ddb-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return Status::IOError("mkdtemp for DynamoDB Local's data");
    bed->db_dir_ = pattern;
    ddb_options.db_path = bed->db_dir_;
  }
  DS_ASSIGN_OR_RETURN(bed->dynamodb_, DynamoDbLocal::Start(ddb_options));
  DynasinkServerOptions server_options = options.server;
  server_options.metrics = options.metrics;
  DS_ASSIGN_OR_RETURN(bed->server_, DynasinkServer::Start(server_options));
  return bed;
}

SinkTestBed::~SinkTestBed() {
  // The server first: its sinks stop writing before DynamoDB Local goes away.
  server_.reset();
  dynamodb_.reset();
  if (!db_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(db_dir_, ec);
  }
}

Result<PgConnection> SinkTestBed::Connect() const {
  DS_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(server_->ConnInfo()));
  conn.set_statement_timeout(std::chrono::seconds(120));
  return conn;
}

}  // namespace dynasink::test
