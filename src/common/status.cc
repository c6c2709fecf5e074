#include "common/status.h"

#include <cstring>

namespace dynasink {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kFailedPrecondition: return "FailedPrecondition";
    case StatusCode::kNotSupported: return "NotSupported";
    case StatusCode::kOutOfRange: return "OutOfRange";
    case StatusCode::kIOError: return "IOError";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kTimeout: return "Timeout";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
    case StatusCode::kAborted: return "Aborted";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

namespace {
// SQLSTATE used when an error carries none of its own: the closest PostgreSQL class.
const char* DefaultSqlState(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "00000";
    case StatusCode::kInvalidArgument: return "22023";     // invalid_parameter_value
    case StatusCode::kNotFound: return "42704";            // undefined_object
    case StatusCode::kAlreadyExists: return "42710";       // duplicate_object
    case StatusCode::kFailedPrecondition: return "55000";  // object_not_in_prerequisite_state
    case StatusCode::kNotSupported: return "0A000";        // feature_not_supported
    case StatusCode::kOutOfRange: return "22003";          // numeric_value_out_of_range
    case StatusCode::kIOError: return "58030";             // io_error
    case StatusCode::kCorruption: return "XX001";          // data_corrupted
    case StatusCode::kUnavailable: return "08006";         // connection_failure
    case StatusCode::kTimeout: return "57014";             // query_canceled (statement timeout)
    case StatusCode::kPermissionDenied: return "28000";    // invalid_authorization_specification
    case StatusCode::kAborted: return "57014";             // query_canceled
    case StatusCode::kInternal: return "XX000";            // internal_error
  }
  return "XX000";
}

const std::string& EmptyString() {
  static const std::string kEmpty;
  return kEmpty;
}
}  // namespace

Status::Status(StatusCode code, std::string message) {
  if (code == StatusCode::kOk) return;
  rep_ = std::make_unique<Rep>();
  rep_->code = code;
  rep_->message = std::move(message);
}

Status::Status(const Status& other) {
  if (other.rep_) rep_ = std::make_unique<Rep>(*other.rep_);
}

Status& Status::operator=(const Status& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

Status Status::Sql(std::string_view sqlstate, std::string msg, int position) {
  StatusCode code = StatusCode::kInvalidArgument;
  if (sqlstate.starts_with("42P01") || sqlstate.starts_with("42704")) code = StatusCode::kNotFound;
  else if (sqlstate.starts_with("42P07") || sqlstate.starts_with("42710")) code = StatusCode::kAlreadyExists;
  else if (sqlstate.starts_with("22003")) code = StatusCode::kOutOfRange;
  else if (sqlstate.starts_with("0A")) code = StatusCode::kNotSupported;
  else if (sqlstate.starts_with("XX")) code = StatusCode::kInternal;
  else if (sqlstate.starts_with("57014")) code = StatusCode::kAborted;
  else if (sqlstate.starts_with("28")) code = StatusCode::kPermissionDenied;
  else if (sqlstate.starts_with("08")) code = StatusCode::kUnavailable;
  else if (sqlstate.starts_with("55")) code = StatusCode::kFailedPrecondition;
  Status s(code, std::move(msg));
  return s.WithSqlState(sqlstate, position);
}

const std::string& Status::message() const { return rep_ ? rep_->message : EmptyString(); }

std::string Status::sqlstate() const {
  if (!rep_) return "00000";
  if (rep_->sqlstate[0] != '\0') return rep_->sqlstate;
  return DefaultSqlState(rep_->code);
}

Status Status::WithSqlState(std::string_view sqlstate, int position) const {
  Status s(*this);
  if (!s.rep_) return s;
  std::memset(s.rep_->sqlstate, 0, sizeof(s.rep_->sqlstate));
  std::memcpy(s.rep_->sqlstate, sqlstate.data(), std::min<size_t>(sqlstate.size(), 5));
  if (position > 0) s.rep_->position = position;
  return s;
}

Status Status::WithContext(std::string_view prefix) const {
  Status s(*this);
  if (!s.rep_) return s;
  s.rep_->message = std::string(prefix) + ": " + s.rep_->message;
  return s;
}

std::string Status::ToString() const {
  if (!rep_) return "OK";
  std::string out(StatusCodeName(rep_->code));
  out += ": ";
  out += rep_->message;
  return out;
}

}  // namespace dynasink
