// FaultProxy: an HTTP proxy on 127.0.0.1 between a DynamoDB client and DynamoDB Local that
// injects the failures a sink must survive, by configurable probabilities or an explicit script:
//
//   kUnprocessed  part of a BatchWriteItem is answered as UnprocessedItems without being
//                 forwarded (the rest is forwarded, and DynamoDB's own answer merged in)
//   kThrottle     400 with ProvisionedThroughputExceededException, ThrottlingException or
//                 RequestLimitExceeded (in turn), nothing forwarded
//   kServerError  500 InternalServerError, nothing forwarded
//   kDropBefore   the connection is closed without forwarding or answering
//   kDropAfter    the request is forwarded (the write happens) and the connection is then closed
//                 without the answer: the acknowledgement is lost
//   kDelay        forwarded normally after a random delay up to max_delay
//
//   FaultProxy proxy(ddb->endpoint(), {.unprocessed = 0.1, .throttle = 0.05});
//   sink options: aws.endpoint_url = proxy.url()
//   ... proxy.counts().throttles ...
//
// Faults apply to BatchWriteItem only unless `all_operations` is set, so that DescribeTable at
// validation is not disturbed. RequireSignature() makes the proxy check every request's SigV4
// signature as DynamoDB does (which DynamoDB Local does not): a request signed with other keys is
// refused with DynamoDB's error (UnrecognizedClientException for an unknown key id,
// InvalidSignatureException for a wrong secret) and not forwarded. Requests are forwarded with
// their headers (DynamoDB Local does not check signatures, so a body the proxy shortened is
// accepted). Thread-safe; each connection is served on its own thread by LocalHttpServer.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "aws/http_client.h"
#include "support/local_http_server.h"
#include "support/sigv4_check.h"

namespace dynasink::test {

enum class Fault { kNone, kUnprocessed, kThrottle, kServerError, kDropBefore, kDropAfter, kDelay };

struct FaultOptions {
  double unprocessed = 0;  // probability per BatchWriteItem of each fault
  double throttle = 0;
  double server_error = 0;
  double drop_before = 0;
  double drop_after = 0;
  double delay = 0;
  std::chrono::milliseconds max_delay{50};
  // For kUnprocessed: the chance that each item of the call is held back (at least one is).
  double unprocessed_item_share = 0.5;
  bool all_operations = false;
  uint64_t seed = 1;
};

struct FaultCounts {
  uint64_t requests = 0;
  uint64_t forwarded = 0;
  uint64_t unprocessed_calls = 0;
  uint64_t unprocessed_items = 0;
  uint64_t throttles = 0;
  uint64_t server_errors = 0;
  uint64_t drops_before = 0;
  uint64_t drops_after = 0;
  uint64_t delays = 0;
  uint64_t upstream_failures = 0;   // DynamoDB Local did not answer: the client sees a drop
  uint64_t signature_refusals = 0;  // refused by RequireSignature()

  uint64_t injected() const {
    return unprocessed_calls + throttles + server_errors + drops_before + drops_after;
  }
};

class FaultProxy {
 public:
  explicit FaultProxy(std::string upstream_url, FaultOptions options = {});
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // "http://127.0.0.1:<port>"
  std::string url() const { return server_->url(); }

  // Replaces the probabilities (the script is kept).
  void SetOptions(FaultOptions options);
  // The next `times` eligible requests get `fault`, before any probability is drawn.
  void Script(Fault fault, int times = 1);
  // From now on, only requests signed as `expected` says are forwarded (nullopt: no check).
  void RequireSignature(std::optional<SigV4Expectation> expected);

  FaultCounts counts() const;

 private:
  ServerResponse Handle(const ServerRequest& request);
  Fault Choose(bool eligible);
  ServerResponse Forward(const ServerRequest& request, const std::string& body);
  ServerResponse InjectUnprocessed(const ServerRequest& request);

  std::string upstream_;
  std::shared_ptr<aws::HttpClient> http_;
  mutable std::mutex mu_;  // guards options_, rng_, script_, throttle_turn_
  FaultOptions options_;
  std::mt19937_64 rng_;
  std::deque<Fault> script_;
  int throttle_turn_ = 0;
  std::optional<SigV4Expectation> signature_;

  std::atomic<uint64_t> requests_{0}, forwarded_{0}, unprocessed_calls_{0}, unprocessed_items_{0},
      throttles_{0}, server_errors_{0}, drops_before_{0}, drops_after_{0}, delays_{0},
      upstream_failures_{0}, signature_refusals_{0};
  std::unique_ptr<LocalHttpServer> server_;  // last: stopped first
};

}  // namespace dynasink::test
