#include "aws/http_client.h"

#include <future>
#include <mutex>

namespace dynasink::aws {

std::string_view HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < n.size() && same; ++i) {
      char a = n[i], b = name[i];
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
      same = a == b;
    }
    if (same) return v;
  }
  return {};
}

Result<HttpResponse> HttpClient::SendSync(HttpRequest request) {
  if (OnIoThread()) {
    return Status::Internal("HttpClient::SendSync called from an HTTP callback; it would deadlock");
  }
  // Shared, so the promise outlives set_value even if the waiter returns at once.
  auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
  std::future<Result<HttpResponse>> future = promise->get_future();
  Send(std::move(request),
       [promise](Result<HttpResponse> result) { promise->set_value(std::move(result)); });
  return future.get();
}

std::shared_ptr<HttpClient> SharedControlPlaneHttpClient() {
  static std::mutex mu;
  static std::weak_ptr<HttpClient> shared;
  std::lock_guard<std::mutex> lock(mu);
  std::shared_ptr<HttpClient> client = shared.lock();
  if (!client) {
    client = HttpClient::Create();
    shared = client;
  }
  return client;
}

}  // namespace dynasink::aws
