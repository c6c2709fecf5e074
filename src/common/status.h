// Status: the outcome of an operation that can fail, in LevelDB's style.
//
// A Status is either OK or carries a Code, a human-readable message, and, for errors that reach
// a SQL client, a PostgreSQL SQLSTATE and an optional 1-based character position in the query.
// An OK status allocates nothing, so returning Status::OK() on hot paths is free.
//
// Messages are shown to users verbatim: they must name the object and, where possible, the fix,
// and they must never contain a secret (see common/redact.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace dynasink {

enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidArgument,   // bad input from the user: SQL, options, values
  kNotFound,          // a named object does not exist
  kAlreadyExists,     // a named object exists already
  kFailedPrecondition,// the system is not in a state that allows the operation
  kNotSupported,      // valid, but not implemented or not allowed by the dialect
  kOutOfRange,        // a value outside the range of its type
  kIOError,           // local disk or OS failure
  kCorruption,        // stored data cannot be decoded
  kUnavailable,       // a remote peer cannot be reached; usually retryable
  kTimeout,           // a deadline passed
  kPermissionDenied,  // authentication or authorization failure
  kAborted,           // cancelled by the user or by shutdown
  kInternal,          // a bug: an invariant did not hold
};

// Returns a stable name such as "InvalidArgument".
std::string_view StatusCodeName(StatusCode code);

class Status {
 public:
  Status() noexcept = default;  // OK
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) { return {StatusCode::kFailedPrecondition, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {StatusCode::kNotSupported, std::move(msg)}; }
  static Status OutOfRange(std::string msg) { return {StatusCode::kOutOfRange, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {StatusCode::kTimeout, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status Aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  // An error for a SQL client with an explicit SQLSTATE (5 characters, e.g. "42P01").
  // position is the 1-based character offset in the query text, 0 when unknown.
  static Status Sql(std::string_view sqlstate, std::string msg, int position = 0);

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // The message alone, without the code name. Empty for OK.
  const std::string& message() const;
  // SQLSTATE for this error. When none was set explicitly, one is derived from the code
  // (e.g. kNotFound -> "42704", kInvalidArgument -> "22023", kInternal -> "XX000").
  std::string sqlstate() const;
  int position() const { return rep_ ? rep_->position : 0; }

  // Returns a copy with the SQLSTATE (and optionally position) replaced.
  Status WithSqlState(std::string_view sqlstate, int position = 0) const;
  // Returns a copy whose message is "<prefix>: <message>", keeping code and SQLSTATE.
  Status WithContext(std::string_view prefix) const;

  // "OK" or "<CodeName>: <message>".
  std::string ToString() const;

  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }
  bool IsUnavailable() const { return code() == StatusCode::kUnavailable; }
  bool IsTimeout() const { return code() == StatusCode::kTimeout; }
  bool IsAborted() const { return code() == StatusCode::kAborted; }

 private:
  struct Rep {
    StatusCode code;
    int position = 0;
    char sqlstate[6] = {0};  // empty string: derive from code
    std::string message;
  };
  std::unique_ptr<Rep> rep_;
};

}  // namespace dynasink

// Propagates a non-OK Status from an expression that yields a Status.
#define DS_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::dynasink::Status _ds_status = (expr);      \
    if (!_ds_status.ok()) return _ds_status;     \
  } while (0)
