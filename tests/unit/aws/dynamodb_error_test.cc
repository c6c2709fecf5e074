#include "aws/dynamodb_error.h"

#include <gtest/gtest.h>

#include "common/redact.h"

namespace dynasink::aws {
namespace {

using K = DynamoDbErrorKind;

HttpResponse Response(int status, std::string body, Headers headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(DynamoDbErrorTest, ParsesTypeAndMessage) {
  auto e = ErrorFromResponse(
      "DescribeTable",
      Response(400,
               R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",)"
               R"("message":"Requested resource not found: Table: Movies not found"})",
               {{"x-amzn-requestid", "REQ123"}}));
  EXPECT_EQ(e.kind, K::kResourceNotFound);
  EXPECT_EQ(e.type, "ResourceNotFoundException");
  EXPECT_EQ(e.message, "Requested resource not found: Table: Movies not found");
  EXPECT_EQ(e.request_id, "REQ123");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_FALSE(e.retryable());
  Status s = e.ToStatus();
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(),
            "DynamoDB DescribeTable: ResourceNotFoundException (HTTP 400, request id REQ123): "
            "Requested resource not found: Table: Movies not found");
}

TEST(DynamoDbErrorTest, CapitalisedMessageAndCoralPrefixes) {
  auto e = ErrorFromResponse(
      "PutItem", Response(400, R"({"__type":"com.amazon.coral.validate#ValidationException",)"
                               R"("Message":"One or more parameter values were invalid"})"));
  EXPECT_EQ(e.kind, K::kValidation);
  EXPECT_EQ(e.message, "One or more parameter values were invalid");
  EXPECT_EQ(e.ToStatus().code(), StatusCode::kInvalidArgument);

  auto auth = ErrorFromResponse(
      "ListTables",
      Response(400, R"({"__type":"com.amazon.coral.service#UnrecognizedClientException",)"
                    R"("message":"The security token included in the request is invalid."})"));
  EXPECT_EQ(auth.kind, K::kUnrecognizedClient);
  EXPECT_TRUE(auth.auth_failure());
  EXPECT_FALSE(auth.retryable());
  EXPECT_EQ(auth.ToStatus().code(), StatusCode::kPermissionDenied);
}

TEST(DynamoDbErrorTest, EveryKnownTypeMapsAndIsClassified) {
  struct Case {
    const char* type;
    K kind;
    bool retryable;
    bool throttling;
    StatusCode code;
  };
  const Case cases[] = {
      {"ValidationException", K::kValidation, false, false, StatusCode::kInvalidArgument},
      {"ResourceNotFoundException", K::kResourceNotFound, false, false, StatusCode::kNotFound},
      {"ResourceInUseException", K::kResourceInUse, false, false, StatusCode::kFailedPrecondition},
      {"ConditionalCheckFailedException", K::kConditionalCheckFailed, false, false,
       StatusCode::kFailedPrecondition},
      {"ItemCollectionSizeLimitExceededException", K::kItemCollectionSizeLimitExceeded, false,
       false, StatusCode::kFailedPrecondition},
      {"ProvisionedThroughputExceededException", K::kProvisionedThroughputExceeded, true, true,
       StatusCode::kUnavailable},
      {"ThrottlingException", K::kThrottling, true, true, StatusCode::kUnavailable},
      {"RequestLimitExceeded", K::kRequestLimitExceeded, true, true, StatusCode::kUnavailable},
      {"LimitExceededException", K::kLimitExceeded, true, true, StatusCode::kUnavailable},
      {"TransactionConflictException", K::kTransactionConflict, true, false,
       StatusCode::kUnavailable},
      {"InternalServerError", K::kInternalServerError, true, false, StatusCode::kUnavailable},
      {"ServiceUnavailable", K::kServiceUnavailable, true, false, StatusCode::kUnavailable},
      {"UnrecognizedClientException", K::kUnrecognizedClient, false, false,
       StatusCode::kPermissionDenied},
      {"InvalidSignatureException", K::kInvalidSignature, false, false,
       StatusCode::kPermissionDenied},
      {"IncompleteSignatureException", K::kIncompleteSignature, false, false,
       StatusCode::kPermissionDenied},
      {"MissingAuthenticationTokenException", K::kMissingAuthenticationToken, false, false,
       StatusCode::kPermissionDenied},
      {"AccessDeniedException", K::kAccessDenied, false, false, StatusCode::kPermissionDenied},
      {"ExpiredTokenException", K::kExpiredToken, false, false, StatusCode::kPermissionDenied},
      {"SerializationException", K::kSerialization, false, false, StatusCode::kInvalidArgument},
      {"SomethingNewException", K::kClientError, false, false, StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    std::string body = std::string(R"({"__type":"com.amazonaws.dynamodb.v20120810#)") + c.type +
                       R"(","message":"m"})";
    int status = c.kind == K::kInternalServerError  ? 500
                 : c.kind == K::kServiceUnavailable ? 503
                                                    : 400;
    auto e = ErrorFromResponse("BatchWriteItem", Response(status, body));
    EXPECT_EQ(e.kind, c.kind) << c.type;
    EXPECT_EQ(e.type, c.type);
    EXPECT_EQ(e.retryable(), c.retryable) << c.type;
    EXPECT_EQ(e.throttling(), c.throttling) << c.type;
    EXPECT_EQ(e.ToStatus().code(), c.code) << c.type;
    EXPECT_FALSE(DynamoDbErrorKindName(e.kind).empty());
  }
}

TEST(DynamoDbErrorTest, ServerErrorsWithoutBodyAreRetryable) {
  auto e500 = ErrorFromResponse("BatchWriteItem", Response(500, ""));
  EXPECT_EQ(e500.kind, K::kInternalServerError);
  EXPECT_TRUE(e500.retryable());
  EXPECT_EQ(e500.message, "HTTP 500 without an error body");
  auto e502 = ErrorFromResponse("BatchWriteItem", Response(502, "<html>Bad Gateway</html>"));
  EXPECT_EQ(e502.kind, K::kServerError);
  EXPECT_TRUE(e502.retryable());
  EXPECT_EQ(e502.message, "<html>Bad Gateway</html>");
  EXPECT_EQ(ErrorFromResponse("X", Response(503, "")).kind, K::kServiceUnavailable);
  EXPECT_EQ(ErrorFromResponse("X", Response(504, "")).kind, K::kServerError);
  auto e413 = ErrorFromResponse("X", Response(413, ""));
  EXPECT_EQ(e413.kind, K::kClientError);
  EXPECT_FALSE(e413.retryable());
}

TEST(DynamoDbErrorTest, FallsBackToTheErrorTypeHeader) {
  auto e = ErrorFromResponse(
      "PutItem", Response(400, "", {{"x-amzn-errortype", "ThrottlingException:http://internal/"}}));
  EXPECT_EQ(e.kind, K::kThrottling);
  EXPECT_EQ(e.type, "ThrottlingException");
  EXPECT_TRUE(e.retryable());
}

TEST(DynamoDbErrorTest, ErrorsWithoutResponse) {
  auto net = ErrorFromHttpStatus("Scan", Status::Unavailable("connection refused to 127.0.0.1:1"));
  EXPECT_EQ(net.kind, K::kNetwork);
  EXPECT_TRUE(net.retryable());
  EXPECT_EQ(net.http_status, 0);
  EXPECT_EQ(net.ToStatus().message(), "DynamoDB Scan: connection refused to 127.0.0.1:1");
  auto timeout = ErrorFromHttpStatus("Scan", Status::Timeout("no answer in 30000 ms"));
  EXPECT_EQ(timeout.kind, K::kTimeout);
  EXPECT_TRUE(timeout.retryable());
  EXPECT_TRUE(timeout.ToStatus().IsTimeout());
  auto aborted = ErrorFromHttpStatus("Scan", Status::Aborted("client destroyed"));
  EXPECT_EQ(aborted.kind, K::kAborted);
  EXPECT_FALSE(aborted.retryable());
}

TEST(DynamoDbErrorTest, MessagesAreRedacted) {
  const std::string token = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE1234567890";
  RegisterSecret(token);
  auto e = ErrorFromResponse(
      "BatchWriteItem",
      Response(400, R"({"__type":"com.amazon.coral.service#InvalidSignatureException",)"
                    R"("message":"The request signature we calculated does not match.\n)"
                    R"(x-amz-security-token:)" +
                        token + R"(\n"})"));
  EXPECT_EQ(e.kind, K::kInvalidSignature);
  EXPECT_EQ(e.message.find(token), std::string::npos) << e.message;
  EXPECT_EQ(e.ToString().find(token), std::string::npos);
}

TEST(DynamoDbErrorTest, ResultHoldsValueOrError) {
  DynamoDbResult<int> ok(5);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  EXPECT_TRUE(ok.status().ok());
  DynamoDbError e;
  e.kind = K::kThrottling;
  e.operation = "BatchWriteItem";
  e.http_status = 400;
  e.type = "ThrottlingException";
  DynamoDbResult<int> bad(e);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, K::kThrottling);
  EXPECT_TRUE(bad.status().IsUnavailable());
  EXPECT_DEATH((void)bad.value(), "ThrottlingException");
}

}  // namespace
}  // namespace dynasink::aws
