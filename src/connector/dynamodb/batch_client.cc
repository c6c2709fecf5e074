#include "connector/dynamodb/batch_client.h"

namespace dynasink::connector::dynamodb {

namespace {

class DynamoDbBatchWriteClient final : public BatchWriteClient {
 public:
  explicit DynamoDbBatchWriteClient(std::shared_ptr<aws::DynamoDbClient> client)
      : client_(std::move(client)) {}

  void BatchWriteItem(std::string body, Callback done) override {
    client_->BatchWriteItemJsonAsync(std::move(body), std::move(done));
  }

  size_t queued_calls() const override { return client_->queued_requests(); }

 private:
  std::shared_ptr<aws::DynamoDbClient> client_;
};

}  // namespace

std::unique_ptr<BatchWriteClient> MakeDynamoDbBatchWriteClient(
    std::shared_ptr<aws::DynamoDbClient> client) {
  return std::make_unique<DynamoDbBatchWriteClient>(std::move(client));
}

}  // namespace dynasink::connector::dynamodb
