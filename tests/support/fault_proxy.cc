#include "support/fault_proxy.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <thread>

namespace dynasink::test {

namespace {

constexpr std::string_view kBatchWriteTarget = "DynamoDB_20120810.BatchWriteItem";

ServerResponse AwsError(int status, std::string_view type, std::string_view message) {
  ServerResponse r = ServerResponse::Json(
      status, fmt::format(R"({{"__type":"{}","message":"{}"}})", type, message));
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
  r.headers.emplace_back("x-amzn-RequestId", "fault-proxy");
  return r;
}

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

FaultProxy::FaultProxy(std::string upstream_url, FaultOptions options)
    : upstream_(std::move(upstream_url)), options_(options), rng_(options.seed) {
  aws::HttpClientOptions http_options;
  http_options.request_timeout = std::chrono::seconds(30);
  http_ = aws::HttpClient::Create(http_options);
  server_ = std::make_unique<LocalHttpServer>(
      [this](const ServerRequest& request) { return Handle(request); });
}

FaultProxy::~FaultProxy() {
  server_->Stop();
  server_.reset();
  http_.reset();
}

void FaultProxy::SetOptions(FaultOptions options) {
  std::lock_guard<std::mutex> lock(mu_);
  options_ = options;
}

void FaultProxy::Script(Fault fault, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < times; ++i)
    script_.push_back(fault);
}

void FaultProxy::RequireSignature(std::optional<SigV4Expectation> expected) {
  std::lock_guard<std::mutex> lock(mu_);
  signature_ = std::move(expected);
}

FaultCounts FaultProxy::counts() const {
  FaultCounts c;
  c.signature_refusals = signature_refusals_.load();
  c.requests = requests_.load();
  c.forwarded = forwarded_.load();
  c.unprocessed_calls = unprocessed_calls_.load();
  c.unprocessed_items = unprocessed_items_.load();
  c.throttles = throttles_.load();
  c.server_errors = server_errors_.load();
  c.drops_before = drops_before_.load();
  c.drops_after = drops_after_.load();
  c.delays = delays_.load();
  c.upstream_failures = upstream_failures_.load();
  return c;
}

Fault FaultProxy::Choose(bool eligible) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!eligible) return Fault::kNone;
  if (!script_.empty()) {
    Fault f = script_.front();
    script_.pop_front();
    return f;
  }
  // One uniform draw over the cumulative probabilities, so that they add up as written.
  double x = std::uniform_real_distribution<double>(0, 1)(rng_);
  const std::pair<double, Fault> table[] = {
      {options_.unprocessed, Fault::kUnprocessed},  {options_.throttle, Fault::kThrottle},
      {options_.server_error, Fault::kServerError}, {options_.drop_before, Fault::kDropBefore},
      {options_.drop_after, Fault::kDropAfter},     {options_.delay, Fault::kDelay}};
  double acc = 0;
  for (const auto& [p, fault] : table) {
    acc += p;
    if (x < acc) return fault;
  }
  return Fault::kNone;
}

ServerResponse FaultProxy::Forward(const ServerRequest& request, const std::string& body) {
  aws::HttpRequest out;
  out.method = request.method;
  out.url = upstream_ + request.target;
  for (const auto& [name, value] : request.headers) {
    // Hop-by-hop and length headers are the HTTP client's to set.
    if (name == "content-length" || name == "connection" || name == "transfer-encoding" ||
        name == "expect" || name == "keep-alive") {
      continue;
    }
    out.headers.emplace_back(name, value);
  }
  out.body = body;
  auto response = http_->SendSync(std::move(out));
  if (!response.ok()) {
    ++upstream_failures_;
    ServerResponse r;
    r.action = ServerResponse::Action::kClose;
    return r;
  }
  ++forwarded_;
  ServerResponse r;
  r.status = response->status;
  for (const auto& [name, value] : response->headers) {
    if (name == "content-length" || name == "connection" || name == "transfer-encoding" ||
        name == "keep-alive") {
      continue;
    }
    r.headers.emplace_back(name, value);
  }
  r.body = std::move(response->body);
  return r;
}

ServerResponse FaultProxy::InjectUnprocessed(const ServerRequest& request) {
  rapidjson::Document doc;
  doc.Parse(request.body.data(), request.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("RequestItems")) {
    return Forward(request, request.body);
  }
  rapidjson::Document forward(rapidjson::kObjectType);
  rapidjson::Document held(rapidjson::kObjectType);
  auto& fa = forward.GetAllocator();
  auto& ha = held.GetAllocator();
  rapidjson::Value forward_items(rapidjson::kObjectType), held_items(rapidjson::kObjectType);
  size_t forwarded = 0, held_count = 0;
  double share;
  {
    std::lock_guard<std::mutex> lock(mu_);
    share = options_.unprocessed_item_share;
  }
  for (auto& table : doc["RequestItems"].GetObject()) {
    rapidjson::Value f(rapidjson::kArrayType), h(rapidjson::kArrayType);
    for (auto& item : table.value.GetArray()) {
      bool hold;
      {
        std::lock_guard<std::mutex> lock(mu_);
        hold = std::uniform_real_distribution<double>(0, 1)(rng_) < share;
      }
      // At least one item is held back, or this would not be an injection.
      if (!hold && held_count == 0 && &item == &table.value.GetArray()[table.value.Size() - 1]) {
        hold = true;
      }
      if (hold) {
        h.PushBack(rapidjson::Value(item, ha), ha);
        ++held_count;
      } else {
        f.PushBack(rapidjson::Value(item, fa), fa);
        ++forwarded;
      }
    }
    if (!f.Empty()) forward_items.AddMember(rapidjson::Value(table.name, fa), f, fa);
    if (!h.Empty()) held_items.AddMember(rapidjson::Value(table.name, ha), h, ha);
  }
  ++unprocessed_calls_;
  unprocessed_items_ += held_count;

  rapidjson::Document answer(rapidjson::kObjectType);
  auto& aa = answer.GetAllocator();
  rapidjson::Value unprocessed(held_items, aa);
  if (forwarded > 0) {
    forward.AddMember("RequestItems", forward_items, fa);
    ServerResponse upstream = Forward(request, ToJson(forward));
    if (upstream.action != ServerResponse::Action::kRespond || upstream.status != 200) {
      return upstream;  // DynamoDB Local's own error, passed on as it is
    }
    rapidjson::Document got;
    got.Parse(upstream.body.data(), upstream.body.size());
    if (!got.HasParseError() && got.IsObject() && got.HasMember("UnprocessedItems") &&
        got["UnprocessedItems"].IsObject()) {
      for (auto& table : got["UnprocessedItems"].GetObject()) {
        auto existing = unprocessed.FindMember(table.name);
        if (existing == unprocessed.MemberEnd()) {
          unprocessed.AddMember(rapidjson::Value(table.name, aa), rapidjson::Value(table.value, aa),
                                aa);
        } else {
          for (auto& item : table.value.GetArray()) {
            existing->value.PushBack(rapidjson::Value(item, aa), aa);
          }
        }
      }
    }
  }
  answer.AddMember("UnprocessedItems", unprocessed, aa);
  // The body changed, so DynamoDB's x-amz-crc32 would no longer match: none is sent.
  ServerResponse r = ServerResponse::Json(200, ToJson(answer));
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
  return r;
}

ServerResponse FaultProxy::Handle(const ServerRequest& request) {
  ++requests_;
  bool batch_write = request.header("x-amz-target") == kBatchWriteTarget;
  bool eligible;
  std::optional<SigV4Expectation> signature;
  {
    std::lock_guard<std::mutex> lock(mu_);
    eligible = batch_write || options_.all_operations;
    signature = signature_;
  }
  if (signature.has_value()) {
    Status checked = VerifySigV4(request, *signature);
    if (!checked.ok()) {
      ++signature_refusals_;
      // DynamoDB's two answers: the key id is unknown, or the signature does not match.
      const std::string_view auth = request.header("authorization");
      const bool known_key =
          auth.find("Credential=" + signature->access_key_id + "/") != std::string_view::npos;
      if (!known_key) {
        return AwsError(400, "com.amazon.coral.service#UnrecognizedClientException",
                        "The security token included in the request is invalid.");
      }
      return AwsError(400, "com.amazon.coral.service#InvalidSignatureException",
                      "The request signature we calculated does not match the signature you "
                      "provided. Check your AWS Secret Access Key and signing method.");
    }
  }
  Fault fault = Choose(eligible);
  switch (fault) {
    case Fault::kNone:
      return Forward(request, request.body);
    case Fault::kUnprocessed:
      if (batch_write) return InjectUnprocessed(request);
      return Forward(request, request.body);
    case Fault::kThrottle: {
      ++throttles_;
      int turn;
      {
        std::lock_guard<std::mutex> lock(mu_);
        turn = throttle_turn_++ % 3;
      }
      if (turn == 0) {
        return AwsError(400,
                        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                        "The level of configured provisioned throughput for the table was "
                        "exceeded. Consider increasing your provisioning level with the "
                        "UpdateTable API.");
      }
      if (turn == 1) {
        return AwsError(400, "com.amazon.coral.availability#ThrottlingException",
                        "Rate of requests exceeds the allowed throughput.");
      }
      return AwsError(400, "com.amazonaws.dynamodb.v20120810#RequestLimitExceeded",
                      "Throughput exceeds the current throughput limit for your account.");
    }
    case Fault::kServerError:
      ++server_errors_;
      return AwsError(500, "com.amazonaws.dynamodb.v20120810#InternalServerError",
                      "Internal server error (injected by the fault proxy)");
    case Fault::kDropBefore: {
      ++drops_before_;
      ServerResponse r;
      r.action = ServerResponse::Action::kClose;
      return r;
    }
    case Fault::kDropAfter: {
      (void)Forward(request, request.body);  // the write happens; its answer is lost
      ++drops_after_;
      ServerResponse r;
      r.action = ServerResponse::Action::kClose;
      return r;
    }
    case Fault::kDelay: {
      std::chrono::milliseconds max;
      int64_t ms;
      {
        std::lock_guard<std::mutex> lock(mu_);
        max = options_.max_delay;
        ms = std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(0, max.count()))(rng_);
      }
      ++delays_;
      ServerResponse r = Forward(request, request.body);
      r.delay = std::chrono::milliseconds(ms);
      return r;
    }
  }
  return Forward(request, request.body);
}

}  // namespace dynasink::test
