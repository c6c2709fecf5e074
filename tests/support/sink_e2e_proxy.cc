// RecordingProxy of sink_e2e.h: forwards every request to the upstream unchanged and records the
// BatchWriteItem calls, with the exact JSON of each request item.
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "aws/dynamodb_json.h"
#include "support/sink_e2e.h"

namespace dynasink::test {
namespace {

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool IsHopByHop(const std::string& name) {
  return name == "content-length" || name == "connection" || name == "transfer-encoding" ||
         name == "expect" || name == "keep-alive";
}

// The number of requests in the UnprocessedItems of a BatchWriteItem answer.
size_t CountUnprocessed(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return 0;
  auto it = doc.FindMember("UnprocessedItems");
  if (it == doc.MemberEnd() || !it->value.IsObject()) return 0;
  size_t n = 0;
  for (const auto& table : it->value.GetObject()) {
    if (table.value.IsArray()) n += table.value.Size();
  }
  return n;
}

}  // namespace

Result<std::vector<RecordedWrite>> ParseBatchWriteRequest(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::Corruption("a BatchWriteItem body is not a JSON object");
  }
  auto items = doc.FindMember("RequestItems");
  if (items == doc.MemberEnd() || !items->value.IsObject()) {
    return Status::Corruption("a BatchWriteItem body has no RequestItems object");
  }
  std::vector<RecordedWrite> out;
  for (const auto& table : items->value.GetObject()) {
    if (!table.value.IsArray()) return Status::Corruption("RequestItems of a table is no array");
    for (const auto& request : table.value.GetArray()) {
      RecordedWrite w;
      w.table = table.name.GetString();
      const rapidjson::Value* body_value = nullptr;
      if (request.HasMember("PutRequest") && request["PutRequest"].HasMember("Item")) {
        body_value = &request["PutRequest"]["Item"];
      } else if (request.HasMember("DeleteRequest") && request["DeleteRequest"].HasMember("Key")) {
        w.is_delete = true;
        body_value = &request["DeleteRequest"]["Key"];
      } else {
        return Status::Corruption("a write request is neither a PutRequest nor a DeleteRequest: " +
                                  ToJson(request));
      }
      DS_ASSIGN_OR_RETURN(w.item, aws::ParseItem(*body_value));
      w.json = ToJson(*body_value);
      out.push_back(std::move(w));
    }
  }
  return out;
}

RecordingProxy::RecordingProxy(std::string upstream_url)
    : upstream_(std::move(upstream_url)), http_(aws::HttpClient::Create()) {
  server_ = std::make_unique<LocalHttpServer>(
      [this](const ServerRequest& request) { return Handle(request); });
}

RecordingProxy::~RecordingProxy() {
  server_->Stop();
}

std::vector<RecordedBatch> RecordingProxy::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_;
}

void RecordingProxy::set_keep_batches(bool keep) {
  std::lock_guard<std::mutex> lock(mu_);
  keep_ = keep;
}

void RecordingProxy::set_observer(std::function<void(const RecordedBatch&)> observer) {
  std::lock_guard<std::mutex> lock(mu_);
  observer_ = std::move(observer);
}

void RecordingProxy::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  batches_.clear();
}

ServerResponse RecordingProxy::Handle(const ServerRequest& request) {
  RecordedBatch batch;
  batch.received = std::chrono::steady_clock::now();
  bool is_batch_write = request.header("x-amz-target").ends_with(".BatchWriteItem");

  aws::HttpRequest out;
  out.method = request.method;
  out.url = upstream_ + request.target;
  for (const auto& [name, value] : request.headers) {
    if (!IsHopByHop(name)) out.headers.emplace_back(name, value);
  }
  out.body = request.body;
  auto response = http_->SendSync(std::move(out));
  ServerResponse r;
  if (!response.ok()) {
    // The upstream is down: the sink sees what it would see without the proxy, a lost
    // connection.
    r.action = ServerResponse::Action::kClose;
  } else {
    r.status = response->status;
    for (const auto& [name, value] : response->headers) {
      if (!IsHopByHop(name)) r.headers.emplace_back(name, value);
    }
    r.body = std::move(response->body);
  }
  if (!is_batch_write) return r;

  batch.status = response.ok() ? r.status : 0;
  if (batch.status == 200) batch.unprocessed = CountUnprocessed(r.body);
  auto writes = ParseBatchWriteRequest(request.body);
  if (writes.ok()) batch.writes = std::move(writes).value();
  batch.answered = std::chrono::steady_clock::now();
  std::function<void(const RecordedBatch&)> observer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    observer = observer_;
  }
  if (observer) observer(batch);
  std::lock_guard<std::mutex> lock(mu_);
  if (keep_) batches_.push_back(std::move(batch));
  return r;
}

}  // namespace dynasink::test
