// BatchWriteClient: the one call the sink's writer makes, behind an interface so that tests can
// put a fake destination in place of DynamoDB (to check the in-flight rule, inject
// UnprocessedItems, errors and delays deterministically).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "aws/dynamodb_client.h"
#include "aws/dynamodb_error.h"
#include "aws/dynamodb_model.h"

namespace dynasink::connector::dynamodb {

class BatchWriteClient {
 public:
  using Callback = std::function<void(aws::DynamoDbResult<aws::BatchWriteItemResponse>)>;
  virtual ~BatchWriteClient() = default;

  // Sends a BatchWriteItem whose complete JSON body is `body`. `done` runs exactly once, on any
  // thread (possibly before this returns); it must be quick. The destructor cancels calls in
  // flight (their callbacks run with an error) and returns only when no callback is running.
  virtual void BatchWriteItem(std::string body, Callback done) = 0;

  // Calls sent that have not yet been taken up by the client's I/O thread (a snapshot, from
  // HttpClient::queued_requests). The writer sends no more while several wait (writer.h).
  virtual size_t queued_calls() const { return 0; }
};

// The real client. `client` should be configured without retries of its own (the sink retries
// with its own schedule and keeps per-key order); this object should hold its only reference, so
// that destroying it aborts the calls in flight.
std::unique_ptr<BatchWriteClient> MakeDynamoDbBatchWriteClient(
    std::shared_ptr<aws::DynamoDbClient> client);

}  // namespace dynasink::connector::dynamodb
