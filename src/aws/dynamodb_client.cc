#include "aws/dynamodb_client.h"

#include <fmt/format.h>

#include <future>
#include <thread>

#include "aws/dynamodb_checksum.h"
#include "aws/dynamodb_protocol.h"
#include "common/logging.h"

namespace dynasink::aws {

namespace {

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kContentType = "application/x-amz-json-1.0";

// Wraps a typed callback: decodes a 2xx body with `decode`, passes errors through.
template <typename T, typename Decode>
std::function<void(DynamoDbResult<HttpResponse>)> Decoding(const char* operation,
                                                           DynamoDbClient::Callback<T> done,
                                                           Decode decode) {
  return [operation, done = std::move(done),
          decode = std::move(decode)](DynamoDbResult<HttpResponse> r) {
    if (!r.ok()) {
      done(r.error());
      return;
    }
    Result<T> decoded = decode(r.value().body);
    if (!decoded.ok()) {
      DynamoDbError e =
          ErrorFromStatus(operation, DynamoDbErrorKind::kBadResponse, decoded.status());
      e.http_status = r.value().status;
      e.request_id = std::string(r.value().header("x-amzn-requestid"));
      done(std::move(e));
      return;
    }
    done(std::move(decoded).value());
  };
}

// Runs an async call and waits for its callback.
template <typename T, typename Start>
DynamoDbResult<T> Wait(Start start) {
  auto promise = std::make_shared<std::promise<DynamoDbResult<T>>>();
  auto future = promise->get_future();
  start([promise](DynamoDbResult<T> r) { promise->set_value(std::move(r)); });
  return future.get();
}

Result<PutItemResponse> DecodeEmptyPut(std::string_view) {
  return PutItemResponse{};
}
Result<DeleteItemResponse> DecodeEmptyDelete(std::string_view) {
  return DeleteItemResponse{};
}

}  // namespace

struct DynamoDbClient::Call {
  const char* operation;
  std::string target;  // X-Amz-Target
  std::string body;
  RawCallback done;
  int attempts = 0;
  int last_quota_cost = 0;
};

Result<std::unique_ptr<DynamoDbClient>> DynamoDbClient::Create(DynamoDbClientOptions options) {
  DS_RETURN_IF_ERROR(ValidateRegion(options.region));
  if (options.credentials == nullptr) {
    return Status::InvalidArgument("DynamoDB client: no credentials provider");
  }
  DS_ASSIGN_OR_RETURN(Endpoint endpoint,
                      ResolveEndpoint("dynamodb", options.region, options.endpoint_url));
  if (options.http == nullptr) options.http = HttpClient::Create(options.http_options);
  return std::unique_ptr<DynamoDbClient>(
      new DynamoDbClient(std::move(options), std::move(endpoint)));
}

DynamoDbClient::DynamoDbClient(DynamoDbClientOptions options, Endpoint endpoint)
    : region_(std::move(options.region)),
      endpoint_(std::move(endpoint)),
      credentials_(std::move(options.credentials)),
      http_(std::move(options.http)),
      retry_policy_(options.retry_policy ? std::move(options.retry_policy)
                                         : std::make_shared<RetryPolicy>(options.retry)),
      signer_(region_, "dynamodb"),
      verify_crc32_(options.verify_crc32),
      user_agent_("dynasink/0.1 (DynamoDB client)"),
      timer_(std::make_unique<RetryTimer>()) {}

DynamoDbClient::~DynamoDbClient() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_.store(true);
  }
  // Pending retries end now, with kAborted; a retry firing concurrently still sends its request,
  // which the wait below covers.
  timer_.reset();
  // Dropping our reference aborts in-flight requests if we were the pool's only user.
  http_.reset();
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return calls_in_progress_ == 0; });
}

void DynamoDbClient::Execute(const char* operation, std::string body, RawCallback done) {
  auto call = std::make_shared<Call>();
  call->operation = operation;
  call->target.reserve(kTargetPrefix.size() + 24);
  call->target.append(kTargetPrefix).append(operation);
  call->body = std::move(body);
  call->done = std::move(done);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_in_progress_;
  }
  if (shutting_down_.load(std::memory_order_relaxed)) {
    Finish(call, ErrorFromStatus(operation, DynamoDbErrorKind::kAborted,
                                 Status::Aborted("the DynamoDB client is shutting down")));
    return;
  }
  Attempt(std::move(call));
}

void DynamoDbClient::Attempt(std::shared_ptr<Call> call) {
  ++call->attempts;
  Result<Credentials> credentials = credentials_->GetCredentials();
  if (!credentials.ok()) {
    Finish(call, ErrorFromStatus(call->operation, DynamoDbErrorKind::kCredentials,
                                 credentials.status().WithContext(fmt::format(
                                     "credentials from provider '{}'", credentials_->Name()))));
    return;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint_.url;
  request.headers.reserve(8);
  request.headers.emplace_back("Content-Type", kContentType);
  request.headers.emplace_back("X-Amz-Target", call->target);
  request.headers.emplace_back("User-Agent", user_agent_);
  // The body is kept for retries unless none can happen.
  const bool may_retry = retry_policy_->options().max_attempts > call->attempts;
  request.body = may_retry ? call->body : std::move(call->body);
  signer_.Sign(request, *credentials);
  http_->Send(std::move(request),
              [this, call](Result<HttpResponse> result) { OnResponse(call, std::move(result)); });
}

void DynamoDbClient::OnResponse(const std::shared_ptr<Call>& call, Result<HttpResponse> result) {
  DynamoDbError error;
  if (!result.ok()) {
    error = ErrorFromHttpStatus(call->operation, result.status());
  } else if (result->status >= 200 && result->status < 300) {
    if (!verify_crc32_ || Crc32Matches(result->header("x-amz-crc32"), result->body)) {
      retry_policy_->OnSuccess(call->last_quota_cost);
      Finish(call, std::move(result).value());
      return;
    }
    error = ErrorFromStatus(
        call->operation, DynamoDbErrorKind::kChecksumMismatch,
        Status::Unavailable("the response body does not match its x-amz-crc32 checksum"));
    error.http_status = result->status;
    error.request_id = std::string(result->header("x-amzn-requestid"));
  } else {
    error = ErrorFromResponse(call->operation, *result);
  }

  if (shutting_down_.load(std::memory_order_relaxed)) {
    Finish(call, std::move(error));
    return;
  }
  RetryDecision decision = retry_policy_->Decide(error, call->attempts);
  if (!decision.retry) {
    if (error.retryable()) {
      DS_LOG_DEBUG("dynamodb", "{} not retried after {} attempt(s) ({}): {}", call->operation,
                   call->attempts, decision.reason, error.ToString());
    }
    Finish(call, std::move(error));
    return;
  }
  call->last_quota_cost = decision.quota_cost;
  DS_LOG_DEBUG("dynamodb", "{} attempt {} failed, retrying in {} ms: {}", call->operation,
               call->attempts, decision.delay.count(), error.ToString());
  RetryTimer::Task task = [this, call, error = std::move(error)](bool fire) mutable {
    if (!fire || shutting_down_.load(std::memory_order_relaxed)) {
      error.message += " (retry cancelled: the client is shutting down)";
      Finish(call, std::move(error));
      return;
    }
    Attempt(call);
  };
  {
    // Under mu_, so the destructor cannot destroy the timer between the check and Schedule().
    std::lock_guard<std::mutex> lock(mu_);
    if (!shutting_down_.load(std::memory_order_relaxed)) {
      timer_->Schedule(decision.delay, std::move(task));
      return;
    }
  }
  task(false);
}

void DynamoDbClient::Finish(const std::shared_ptr<Call>& call,
                            DynamoDbResult<HttpResponse> outcome) {
  RawCallback done = std::move(call->done);
  done(std::move(outcome));
  std::lock_guard<std::mutex> lock(mu_);
  if (--calls_in_progress_ == 0) idle_.notify_all();
}

// ---- Async calls ----

void DynamoDbClient::DescribeTableAsync(std::string_view table_name,
                                        Callback<TableDescription> done) {
  std::string body;
  EncodeTableName(table_name, &body);
  Execute("DescribeTable", std::move(body),
          Decoding<TableDescription>("DescribeTable", std::move(done), [](std::string_view b) {
            return DecodeTableDescription(b, "Table");
          }));
}

void DynamoDbClient::CreateTableAsync(const CreateTableRequest& request,
                                      Callback<TableDescription> done) {
  std::string body;
  EncodeCreateTable(request, &body);
  Execute("CreateTable", std::move(body),
          Decoding<TableDescription>("CreateTable", std::move(done), [](std::string_view b) {
            return DecodeTableDescription(b, "TableDescription");
          }));
}

void DynamoDbClient::DeleteTableAsync(std::string_view table_name,
                                      Callback<TableDescription> done) {
  std::string body;
  EncodeTableName(table_name, &body);
  Execute("DeleteTable", std::move(body),
          Decoding<TableDescription>("DeleteTable", std::move(done), [](std::string_view b) {
            return DecodeTableDescription(b, "TableDescription");
          }));
}

void DynamoDbClient::ListTablesAsync(const ListTablesRequest& request,
                                     Callback<ListTablesResponse> done) {
  std::string body;
  EncodeListTables(request, &body);
  Execute("ListTables", std::move(body),
          Decoding<ListTablesResponse>("ListTables", std::move(done), DecodeListTables));
}

void DynamoDbClient::BatchWriteItemAsync(const BatchWriteItemRequest& request,
                                         Callback<BatchWriteItemResponse> done) {
  std::string body;
  EncodeBatchWriteItem(request, &body);
  Execute(
      "BatchWriteItem", std::move(body),
      Decoding<BatchWriteItemResponse>("BatchWriteItem", std::move(done), DecodeBatchWriteItem));
}

void DynamoDbClient::BatchWriteItemJsonAsync(std::string body,
                                             Callback<BatchWriteItemResponse> done) {
  Execute(
      "BatchWriteItem", std::move(body),
      Decoding<BatchWriteItemResponse>("BatchWriteItem", std::move(done), DecodeBatchWriteItem));
}

void DynamoDbClient::PutItemAsync(const PutItemRequest& request, Callback<PutItemResponse> done) {
  std::string body;
  EncodePutItem(request, &body);
  Execute("PutItem", std::move(body),
          Decoding<PutItemResponse>("PutItem", std::move(done), DecodeEmptyPut));
}

void DynamoDbClient::DeleteItemAsync(const DeleteItemRequest& request,
                                     Callback<DeleteItemResponse> done) {
  std::string body;
  EncodeDeleteItem(request, &body);
  Execute("DeleteItem", std::move(body),
          Decoding<DeleteItemResponse>("DeleteItem", std::move(done), DecodeEmptyDelete));
}

void DynamoDbClient::GetItemAsync(const GetItemRequest& request, Callback<GetItemResponse> done) {
  std::string body;
  EncodeGetItem(request, &body);
  Execute("GetItem", std::move(body),
          Decoding<GetItemResponse>("GetItem", std::move(done), DecodeGetItem));
}

void DynamoDbClient::ScanAsync(const ScanRequest& request, Callback<ScanResponse> done) {
  std::string body;
  EncodeScan(request, &body);
  Execute("Scan", std::move(body), Decoding<ScanResponse>("Scan", std::move(done), DecodeScan));
}

// ---- Blocking forms ----

DynamoDbResult<TableDescription> DynamoDbClient::DescribeTable(std::string_view table_name) {
  return Wait<TableDescription>([&](auto cb) { DescribeTableAsync(table_name, std::move(cb)); });
}

DynamoDbResult<TableDescription> DynamoDbClient::CreateTable(const CreateTableRequest& request) {
  return Wait<TableDescription>([&](auto cb) { CreateTableAsync(request, std::move(cb)); });
}

DynamoDbResult<TableDescription> DynamoDbClient::DeleteTable(std::string_view table_name) {
  return Wait<TableDescription>([&](auto cb) { DeleteTableAsync(table_name, std::move(cb)); });
}

DynamoDbResult<ListTablesResponse> DynamoDbClient::ListTables(const ListTablesRequest& request) {
  return Wait<ListTablesResponse>([&](auto cb) { ListTablesAsync(request, std::move(cb)); });
}

DynamoDbResult<BatchWriteItemResponse> DynamoDbClient::BatchWriteItem(
    const BatchWriteItemRequest& request) {
  return Wait<BatchWriteItemResponse>(
      [&](auto cb) { BatchWriteItemAsync(request, std::move(cb)); });
}

DynamoDbResult<PutItemResponse> DynamoDbClient::PutItem(const PutItemRequest& request) {
  return Wait<PutItemResponse>([&](auto cb) { PutItemAsync(request, std::move(cb)); });
}

DynamoDbResult<DeleteItemResponse> DynamoDbClient::DeleteItem(const DeleteItemRequest& request) {
  return Wait<DeleteItemResponse>([&](auto cb) { DeleteItemAsync(request, std::move(cb)); });
}

DynamoDbResult<GetItemResponse> DynamoDbClient::GetItem(const GetItemRequest& request) {
  return Wait<GetItemResponse>([&](auto cb) { GetItemAsync(request, std::move(cb)); });
}

DynamoDbResult<ScanResponse> DynamoDbClient::Scan(const ScanRequest& request) {
  return Wait<ScanResponse>([&](auto cb) { ScanAsync(request, std::move(cb)); });
}

DynamoDbResult<std::vector<std::string>> DynamoDbClient::ListAllTables() {
  std::vector<std::string> names;
  ListTablesRequest request;
  while (true) {
    auto page = ListTables(request);
    if (!page.ok()) return page.error();
    for (auto& n : page->table_names)
      names.push_back(std::move(n));
    if (page->last_evaluated_table_name.empty()) return names;
    request.exclusive_start_table_name = std::move(page->last_evaluated_table_name);
  }
}

DynamoDbResult<ScanResponse> DynamoDbClient::ScanAll(ScanRequest request) {
  ScanResponse all;
  while (true) {
    auto page = Scan(request);
    if (!page.ok()) return page.error();
    all.count += page->count;
    all.scanned_count += page->scanned_count;
    if (all.items.empty()) {
      all.items = std::move(page->items);
    } else {
      for (auto& item : page->items)
        all.items.push_back(std::move(item));
    }
    if (!page->last_evaluated_key) return all;
    request.exclusive_start_key = std::move(page->last_evaluated_key);
  }
}

DynamoDbResult<TableDescription> DynamoDbClient::WaitForTableActive(
    std::string_view table_name, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto table = DescribeTable(table_name);
    if (!table.ok() || table->table_status == "ACTIVE") return table;
    if (std::chrono::steady_clock::now() >= deadline) {
      return ErrorFromStatus(
          "DescribeTable", DynamoDbErrorKind::kTimeout,
          Status::Timeout(fmt::format("table {} is still {} after {} ms", table_name,
                                      table->table_status, timeout.count())));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

DynamoDbResult<bool> DynamoDbClient::WaitForTableGone(std::string_view table_name,
                                                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto table = DescribeTable(table_name);
    if (!table.ok()) {
      if (table.error().kind == DynamoDbErrorKind::kResourceNotFound) return true;
      return table.error();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return ErrorFromStatus("DescribeTable", DynamoDbErrorKind::kTimeout,
                             Status::Timeout(fmt::format("table {} still exists after {} ms",
                                                         table_name, timeout.count())));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace dynasink::aws
