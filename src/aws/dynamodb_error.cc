#include "aws/dynamodb_error.h"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "common/redact.h"

namespace dynasink::aws {
namespace {

using K = DynamoDbErrorKind;

struct TypeKind {
  std::string_view type;
  DynamoDbErrorKind kind;
};

// Short error type names as DynamoDB and the AWS front end send them.
constexpr std::array<TypeKind, 25> kTypes = {{
    {"ValidationException", K::kValidation},
    {"SerializationException", K::kSerialization},
    {"UnknownOperationException", K::kUnknownOperation},
    {"ResourceNotFoundException", K::kResourceNotFound},
    {"ResourceInUseException", K::kResourceInUse},
    {"ConditionalCheckFailedException", K::kConditionalCheckFailed},
    {"ItemCollectionSizeLimitExceededException", K::kItemCollectionSizeLimitExceeded},
    {"TransactionCanceledException", K::kTransactionCanceled},
    {"ProvisionedThroughputExceededException", K::kProvisionedThroughputExceeded},
    {"ThrottlingException", K::kThrottling},
    {"Throttling", K::kThrottling},
    {"RequestLimitExceeded", K::kRequestLimitExceeded},
    {"LimitExceededException", K::kLimitExceeded},
    {"TransactionConflictException", K::kTransactionConflict},
    {"TransactionInProgressException", K::kTransactionConflict},
    {"InternalServerError", K::kInternalServerError},
    {"InternalFailure", K::kInternalServerError},
    {"ServiceUnavailable", K::kServiceUnavailable},
    {"ServiceUnavailableException", K::kServiceUnavailable},
    {"UnrecognizedClientException", K::kUnrecognizedClient},
    {"InvalidSignatureException", K::kInvalidSignature},
    {"IncompleteSignatureException", K::kIncompleteSignature},
    {"MissingAuthenticationTokenException", K::kMissingAuthenticationToken},
    {"AccessDeniedException", K::kAccessDenied},
    {"ExpiredTokenException", K::kExpiredToken},
}};

// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" -> "ResourceNotFoundException";
// the x-amzn-ErrorType header may also carry ":http://..." after the name.
std::string_view ShortType(std::string_view type) {
  if (size_t hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (size_t colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  return type;
}

StatusCode CodeFor(DynamoDbErrorKind kind) {
  switch (kind) {
    case K::kValidation:
    case K::kSerialization:
    case K::kUnknownOperation:
    case K::kClientError:
      return StatusCode::kInvalidArgument;
    case K::kResourceNotFound:
      return StatusCode::kNotFound;
    case K::kResourceInUse:
    case K::kConditionalCheckFailed:
    case K::kItemCollectionSizeLimitExceeded:
    case K::kTransactionCanceled:
      return StatusCode::kFailedPrecondition;
    case K::kProvisionedThroughputExceeded:
    case K::kThrottling:
    case K::kRequestLimitExceeded:
    case K::kLimitExceeded:
    case K::kTransactionConflict:
    case K::kInternalServerError:
    case K::kServiceUnavailable:
    case K::kServerError:
    case K::kNetwork:
    case K::kChecksumMismatch:
      return StatusCode::kUnavailable;
    case K::kTimeout:
      return StatusCode::kTimeout;
    case K::kUnrecognizedClient:
    case K::kInvalidSignature:
    case K::kIncompleteSignature:
    case K::kMissingAuthenticationToken:
    case K::kAccessDenied:
    case K::kExpiredToken:
    case K::kCredentials:
      return StatusCode::kPermissionDenied;
    case K::kBadResponse:
      return StatusCode::kCorruption;
    case K::kAborted:
      return StatusCode::kAborted;
  }
  return StatusCode::kInternal;
}

}  // namespace

std::string_view DynamoDbErrorKindName(DynamoDbErrorKind kind) {
  switch (kind) {
    case K::kValidation:
      return "Validation";
    case K::kSerialization:
      return "Serialization";
    case K::kUnknownOperation:
      return "UnknownOperation";
    case K::kResourceNotFound:
      return "ResourceNotFound";
    case K::kResourceInUse:
      return "ResourceInUse";
    case K::kConditionalCheckFailed:
      return "ConditionalCheckFailed";
    case K::kItemCollectionSizeLimitExceeded:
      return "ItemCollectionSizeLimitExceeded";
    case K::kTransactionCanceled:
      return "TransactionCanceled";
    case K::kProvisionedThroughputExceeded:
      return "ProvisionedThroughputExceeded";
    case K::kThrottling:
      return "Throttling";
    case K::kRequestLimitExceeded:
      return "RequestLimitExceeded";
    case K::kLimitExceeded:
      return "LimitExceeded";
    case K::kTransactionConflict:
      return "TransactionConflict";
    case K::kInternalServerError:
      return "InternalServerError";
    case K::kServiceUnavailable:
      return "ServiceUnavailable";
    case K::kServerError:
      return "ServerError";
    case K::kNetwork:
      return "Network";
    case K::kTimeout:
      return "Timeout";
    case K::kChecksumMismatch:
      return "ChecksumMismatch";
    case K::kUnrecognizedClient:
      return "UnrecognizedClient";
    case K::kInvalidSignature:
      return "InvalidSignature";
    case K::kIncompleteSignature:
      return "IncompleteSignature";
    case K::kMissingAuthenticationToken:
      return "MissingAuthenticationToken";
    case K::kAccessDenied:
      return "AccessDenied";
    case K::kExpiredToken:
      return "ExpiredToken";
    case K::kCredentials:
      return "Credentials";
    case K::kClientError:
      return "ClientError";
    case K::kBadResponse:
      return "BadResponse";
    case K::kAborted:
      return "Aborted";
  }
  return "Unknown";
}

bool IsThrottling(DynamoDbErrorKind kind) {
  return kind == K::kProvisionedThroughputExceeded || kind == K::kThrottling ||
         kind == K::kRequestLimitExceeded || kind == K::kLimitExceeded;
}

bool IsRetryable(DynamoDbErrorKind kind) {
  if (IsThrottling(kind)) return true;
  switch (kind) {
    case K::kTransactionConflict:
    case K::kInternalServerError:
    case K::kServiceUnavailable:
    case K::kServerError:
    case K::kNetwork:
    case K::kTimeout:
    case K::kChecksumMismatch:
      return true;
    default:
      return false;
  }
}

bool IsAuthFailure(DynamoDbErrorKind kind) {
  switch (kind) {
    case K::kUnrecognizedClient:
    case K::kInvalidSignature:
    case K::kIncompleteSignature:
    case K::kMissingAuthenticationToken:
    case K::kAccessDenied:
    case K::kExpiredToken:
    case K::kCredentials:
      return true;
    default:
      return false;
  }
}

DynamoDbErrorKind DynamoDbErrorKindFromType(std::string_view type, int http_status) {
  for (const TypeKind& t : kTypes) {
    if (t.type == type) return t.kind;
  }
  if (http_status == 500) return K::kInternalServerError;
  if (http_status == 503) return K::kServiceUnavailable;
  if (http_status >= 500) return K::kServerError;
  return K::kClientError;
}

Status DynamoDbError::ToStatus() const {
  std::string text;
  if (http_status != 0) {
    text = fmt::format("DynamoDB {}: {} (HTTP {}{}{}): {}", operation,
                       type.empty() ? std::string(DynamoDbErrorKindName(kind)) : type, http_status,
                       request_id.empty() ? "" : ", request id ", request_id,
                       message.empty() ? "no message" : message);
  } else {
    text = fmt::format("DynamoDB {}: {}", operation, message);
  }
  return Status(CodeFor(kind), std::move(text));
}

DynamoDbError ErrorFromResponse(std::string_view operation, const HttpResponse& response) {
  DynamoDbError e;
  e.operation = std::string(operation);
  e.http_status = response.status;
  e.request_id = std::string(response.header("x-amzn-requestid"));
  if (!response.body.empty()) {
    rapidjson::Document doc;
    doc.Parse(response.body.data(), response.body.size());
    if (!doc.HasParseError() && doc.IsObject()) {
      auto it = doc.FindMember("__type");
      if (it != doc.MemberEnd() && it->value.IsString()) {
        e.type = std::string(ShortType({it->value.GetString(), it->value.GetStringLength()}));
      }
      for (const char* key : {"message", "Message"}) {
        auto m = doc.FindMember(key);
        if (m != doc.MemberEnd() && m->value.IsString()) {
          e.message = Redact({m->value.GetString(), m->value.GetStringLength()});
          break;
        }
      }
    } else {
      // Not JSON (a proxy or load balancer page): keep a short, redacted excerpt.
      constexpr size_t kExcerpt = 200;
      e.message = Redact(std::string_view(response.body).substr(0, kExcerpt));
    }
  }
  if (e.type.empty()) e.type = std::string(ShortType(response.header("x-amzn-errortype")));
  e.kind = DynamoDbErrorKindFromType(e.type, response.status);
  if (e.message.empty() && e.type.empty()) {
    e.message = fmt::format("HTTP {} without an error body", response.status);
  }
  return e;
}

DynamoDbError ErrorFromStatus(std::string_view operation, DynamoDbErrorKind kind,
                              const Status& status) {
  DynamoDbError e;
  e.kind = kind;
  e.operation = std::string(operation);
  e.message = Redact(status.message());
  return e;
}

DynamoDbError ErrorFromHttpStatus(std::string_view operation, const Status& status) {
  DynamoDbErrorKind kind = K::kNetwork;
  if (status.IsTimeout()) kind = K::kTimeout;
  if (status.IsAborted()) kind = K::kAborted;
  return ErrorFromStatus(operation, kind, status);
}

void DieOnDynamoDbError(const DynamoDbError& error) {
  std::fprintf(stderr, "fatal: DynamoDbResult::value() on error: %s\n", error.ToString().c_str());
  std::abort();
}

}  // namespace dynasink::aws
