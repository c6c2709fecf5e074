// DynamoDbClient: the DynamoDB calls dynasink needs, over HttpClient, signed with SigV4.
//
//   DynamoDbClientOptions options;
//   options.region = "us-east-1";
//   options.endpoint_url = "http://127.0.0.1:8000";   // optional; default from the region
//   options.credentials = provider;                   // any CredentialsProvider
//   DS_ASSIGN_OR_RETURN(auto client, DynamoDbClient::Create(std::move(options)));
//
//   client->BatchWriteItemAsync(request, [](DynamoDbResult<BatchWriteItemResponse> r) {
//     if (!r.ok()) { /* r.error().kind, .retryable(), .http_status, .message, .request_id */ }
//     else if (!r->all_processed()) { /* resend r->unprocessed_items later */ }
//   });
//   DynamoDbResult<TableDescription> t = client->DescribeTable("Movies");  // blocking form
//
// Every call is POST / with X-Amz-Target: DynamoDB_20120810.<Operation> and a JSON body of
// content type application/x-amz-json-1.0, signed for service "dynamodb" with fresh credentials
// from the provider on each attempt. Connections are reused through the HttpClient's pool.
//
// Retries: a failed attempt is retried according to the RetryPolicy (standard mode: full-jitter
// exponential backoff, larger for throttling, attempts capped, shared retry quota); backoffs wait
// on a timer thread, never on the I/O thread. A 2xx response is never retried, and neither are
// UnprocessedItems: what to do with them is the caller's decision (the sink keeps per-key order).
// Responses carrying x-amz-crc32 are checked, and a mismatch is retried like a network error.
//
// Threads: the Async calls never block on the network and may be called from any thread. Their
// callbacks run on the HttpClient's I/O thread or the retry timer thread (or on the calling
// thread when the call fails before sending, e.g. credentials); they must be quick and must not
// call the blocking forms or destroy the client. The blocking forms wait for the async ones and
// must not be called from a callback.
//
// Destruction cancels pending retries (their callbacks get the error that caused the retry,
// marked "retry cancelled"), aborts calls not yet sent (kAborted) and waits for requests in
// flight, so no callback runs after the destructor returns.
//
// Secrets: nothing here logs a header or a body; error messages pass through Redact().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/dynamodb_error.h"
#include "aws/dynamodb_model.h"
#include "aws/endpoint.h"
#include "aws/http_client.h"
#include "aws/retry_policy.h"
#include "aws/retry_timer.h"
#include "aws/sigv4.h"
#include "common/result.h"

namespace dynasink::aws {

struct DynamoDbClientOptions {
  std::string region;        // required: signing region, and the endpoint when no override
  std::string endpoint_url;  // optional override, e.g. DynamoDB Local; validated by Create()
  std::shared_ptr<CredentialsProvider> credentials;  // required
  // Optional shared HTTP client (one connection pool for several clients); when null, Create()
  // makes one from http_options.
  std::shared_ptr<HttpClient> http;
  HttpClientOptions http_options;
  // Client-level retries; max_attempts = 1 turns them off for callers that retry themselves.
  // A shared policy, when set, is used instead (and with it its retry quota).
  RetryOptions retry;
  std::shared_ptr<RetryPolicy> retry_policy;
  // Check x-amz-crc32 on responses that carry it, as the AWS SDKs do for DynamoDB.
  bool verify_crc32 = true;
};

class DynamoDbClient {
 public:
  template <typename T>
  using Callback = std::function<void(DynamoDbResult<T>)>;

  // Validates the options (region, endpoint URL, credentials present).
  static Result<std::unique_ptr<DynamoDbClient>> Create(DynamoDbClientOptions options);
  ~DynamoDbClient();
  DynamoDbClient(const DynamoDbClient&) = delete;
  DynamoDbClient& operator=(const DynamoDbClient&) = delete;

  // Asynchronous calls.
  void DescribeTableAsync(std::string_view table_name, Callback<TableDescription> done);
  void CreateTableAsync(const CreateTableRequest& request, Callback<TableDescription> done);
  void DeleteTableAsync(std::string_view table_name, Callback<TableDescription> done);
  void ListTablesAsync(const ListTablesRequest& request, Callback<ListTablesResponse> done);
  void BatchWriteItemAsync(const BatchWriteItemRequest& request,
                           Callback<BatchWriteItemResponse> done);
  // BatchWriteItem with a body the caller encoded: a complete request, {"RequestItems":{...}}.
  // The DynamoDB sink writes each item's JSON once, straight from its rows, and reuses the text
  // for retries and split batches, so it never builds a BatchWriteItemRequest.
  void BatchWriteItemJsonAsync(std::string body, Callback<BatchWriteItemResponse> done);
  void PutItemAsync(const PutItemRequest& request, Callback<PutItemResponse> done);
  void DeleteItemAsync(const DeleteItemRequest& request, Callback<DeleteItemResponse> done);
  void GetItemAsync(const GetItemRequest& request, Callback<GetItemResponse> done);
  void ScanAsync(const ScanRequest& request, Callback<ScanResponse> done);

  // Blocking forms of the same calls.
  DynamoDbResult<TableDescription> DescribeTable(std::string_view table_name);
  DynamoDbResult<TableDescription> CreateTable(const CreateTableRequest& request);
  DynamoDbResult<TableDescription> DeleteTable(std::string_view table_name);
  DynamoDbResult<ListTablesResponse> ListTables(const ListTablesRequest& request = {});
  DynamoDbResult<BatchWriteItemResponse> BatchWriteItem(const BatchWriteItemRequest& request);
  DynamoDbResult<PutItemResponse> PutItem(const PutItemRequest& request);
  DynamoDbResult<DeleteItemResponse> DeleteItem(const DeleteItemRequest& request);
  DynamoDbResult<GetItemResponse> GetItem(const GetItemRequest& request);
  DynamoDbResult<ScanResponse> Scan(const ScanRequest& request);

  // Every table name, following LastEvaluatedTableName.
  DynamoDbResult<std::vector<std::string>> ListAllTables();
  // Every item, following LastEvaluatedKey from request.exclusive_start_key; request.limit
  // sets the page size. The result's count and scanned_count are totals over the pages, and
  // last_evaluated_key is empty.
  DynamoDbResult<ScanResponse> ScanAll(ScanRequest request);
  // Polls DescribeTable until the table is ACTIVE (or, with `gone`, until it no longer exists),
  // for at most `timeout`. Timeout error (kTimeout) when it does not happen in time.
  DynamoDbResult<TableDescription> WaitForTableActive(std::string_view table_name,
                                                      std::chrono::milliseconds timeout);
  DynamoDbResult<bool> WaitForTableGone(std::string_view table_name,
                                        std::chrono::milliseconds timeout);

  const Endpoint& endpoint() const { return endpoint_; }
  const std::string& region() const { return region_; }
  RetryPolicy& retry_policy() { return *retry_policy_; }

  // Requests waiting for the HTTP client's I/O thread (HttpClient::queued_requests).
  size_t queued_requests() const { return http_->queued_requests(); }

 private:
  struct Call;
  using RawCallback = std::function<void(DynamoDbResult<HttpResponse>)>;

  explicit DynamoDbClient(DynamoDbClientOptions options, Endpoint endpoint);
  // Sends `body` as `operation` with retries; `done` gets the 2xx response or the final error.
  void Execute(const char* operation, std::string body, RawCallback done);
  void Attempt(std::shared_ptr<Call> call);
  void OnResponse(const std::shared_ptr<Call>& call, Result<HttpResponse> result);
  void Finish(const std::shared_ptr<Call>& call, DynamoDbResult<HttpResponse> outcome);

  std::string region_;
  Endpoint endpoint_;
  std::shared_ptr<CredentialsProvider> credentials_;
  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<RetryPolicy> retry_policy_;
  SigV4Signer signer_;
  bool verify_crc32_;
  std::string user_agent_;

  // Calls started and not yet finished; the destructor waits for zero.
  std::mutex mu_;
  std::condition_variable idle_;
  int64_t calls_in_progress_ = 0;
  std::atomic<bool> shutting_down_{false};
  std::unique_ptr<RetryTimer> timer_;  // last: destroyed first
};

}  // namespace dynasink::aws
