// Typed DynamoDB errors, and DynamoDbResult<T>: a response or the error that replaced it.
//
// DynamoDB answers a failed call with an HTTP status and a JSON body such as
//   {"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"..."}
// (some errors spell it "Message"). ErrorFromResponse() turns that into a DynamoDbError with a
// kind, the HTTP status, the short type name, the message and the request id. Failures without a
// response (network, timeout, credentials) become errors too, so one type covers every outcome.
//
// Each kind is marked retryable or not, following the AWS SDKs' standard retry mode: throttling,
// transient server errors, 5xx, network errors and timeouts are retried; validation, missing
// resources and authentication failures are not, since repeating them cannot succeed.
//
// Messages are passed through Redact(): an InvalidSignatureException echoes the canonical request,
// which can contain a session token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "aws/http_client.h"
#include "common/status.h"

namespace dynasink::aws {

enum class DynamoDbErrorKind : uint8_t {
  // The request is wrong: not retryable.
  kValidation,              // ValidationException
  kSerialization,           // SerializationException: the body was not understood
  kUnknownOperation,        // UnknownOperationException
  kResourceNotFound,        // ResourceNotFoundException
  kResourceInUse,           // ResourceInUseException (e.g. the table exists)
  kConditionalCheckFailed,  // ConditionalCheckFailedException
  kItemCollectionSizeLimitExceeded,
  kTransactionCanceled,  // TransactionCanceledException
  // Throttling: retryable, with the larger throttling backoff.
  kProvisionedThroughputExceeded,
  kThrottling,  // ThrottlingException
  kRequestLimitExceeded,
  kLimitExceeded,  // LimitExceededException: too many control-plane calls
  // Transient: retryable.
  kTransactionConflict,
  kInternalServerError,  // InternalServerError (HTTP 500)
  kServiceUnavailable,   // ServiceUnavailable (HTTP 503)
  kServerError,          // any other 5xx, with or without a body
  kNetwork,              // no response: refused, reset, DNS, TLS
  kTimeout,              // no response in time
  kChecksumMismatch,     // the body does not match x-amz-crc32: damaged in transit
  // Authentication and authorization: not retryable.
  kUnrecognizedClient,  // UnrecognizedClientException: unknown access key id
  kInvalidSignature,    // InvalidSignatureException
  kIncompleteSignature,
  kMissingAuthenticationToken,
  kAccessDenied,  // AccessDeniedException
  kExpiredToken,  // ExpiredTokenException
  kCredentials,   // our credentials provider failed before sending
  // Anything else.
  kClientError,  // another 4xx: an error type we do not know
  kBadResponse,  // a 2xx whose body cannot be parsed
  kAborted,      // the client shut down before the call completed
};

// A stable name such as "ProvisionedThroughputExceeded".
std::string_view DynamoDbErrorKindName(DynamoDbErrorKind kind);
bool IsRetryable(DynamoDbErrorKind kind);
// Throttling errors are retried with a larger base delay (RetryPolicy).
bool IsThrottling(DynamoDbErrorKind kind);
bool IsAuthFailure(DynamoDbErrorKind kind);
// Maps a short error type ("ThrottlingException", prefix already stripped) to a kind; unknown
// types give kServerError for 5xx statuses and kClientError otherwise.
DynamoDbErrorKind DynamoDbErrorKindFromType(std::string_view type, int http_status);

struct DynamoDbError {
  DynamoDbErrorKind kind = DynamoDbErrorKind::kClientError;
  int http_status = 0;     // 0 when no response came back
  std::string type;        // "ValidationException", as DynamoDB named it; empty without a body
  std::string message;     // DynamoDB's message, or ours; redacted
  std::string request_id;  // x-amzn-RequestId, for AWS support; may be empty
  std::string operation;   // "BatchWriteItem", ...

  bool retryable() const { return IsRetryable(kind); }
  bool throttling() const { return IsThrottling(kind); }
  bool auth_failure() const { return IsAuthFailure(kind); }

  // A Status whose code fits the kind (validation -> InvalidArgument, not found -> NotFound,
  // throttling and 5xx -> Unavailable, auth -> PermissionDenied, ...) and whose message reads
  //   DynamoDB BatchWriteItem: ValidationException (HTTP 400, request id X): <message>
  Status ToStatus() const;
  std::string ToString() const { return ToStatus().ToString(); }
};

// Builds the error for a non-2xx response. `response.body` may be empty or not JSON.
DynamoDbError ErrorFromResponse(std::string_view operation, const HttpResponse& response);
// Builds the error for a call that got no response: `status` from the HttpClient
// (Unavailable -> kNetwork, Timeout -> kTimeout, Aborted -> kAborted) or the credentials provider.
DynamoDbError ErrorFromStatus(std::string_view operation, DynamoDbErrorKind kind,
                              const Status& status);
DynamoDbError ErrorFromHttpStatus(std::string_view operation, const Status& status);

// The outcome of a DynamoDB call: a T, or the DynamoDbError that explains why there is none.
// Accessing value() of an error aborts, as with Result<T>.
template <typename T>
class [[nodiscard]] DynamoDbResult {
 public:
  DynamoDbResult(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  DynamoDbResult(DynamoDbError error)                                        // NOLINT
      : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  const T& value() const& {
    Check();
    return std::get<0>(v_);
  }
  T& value() & {
    Check();
    return std::get<0>(v_);
  }
  T&& value() && {
    Check();
    return std::get<0>(std::move(v_));
  }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  // The error; only valid when !ok().
  const DynamoDbError& error() const { return std::get<1>(v_); }
  // OK, or error().ToStatus().
  Status status() const { return ok() ? Status::OK() : error().ToStatus(); }

 private:
  void Check() const {
    if (!ok()) DieOnError(error());
  }
  std::variant<T, DynamoDbError> v_;

  template <typename>
  friend class DynamoDbResult;
  [[noreturn]] static void DieOnError(const DynamoDbError& e);
};

[[noreturn]] void DieOnDynamoDbError(const DynamoDbError& error);
template <typename T>
void DynamoDbResult<T>::DieOnError(const DynamoDbError& e) {
  DieOnDynamoDbError(e);
}

}  // namespace dynasink::aws
