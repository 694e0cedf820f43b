#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace stedi {

/// Classifies a failure so callers can react (and the CLI can pick an exit code)
/// without parsing messages.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  ///< The user's input is wrong (bad flag, bad SQL, unknown table).
  kNotFound,         ///< A named file, table or column does not exist.
  kAlreadyExists,    ///< Creating something that is already there.
  kIOError,          ///< The operating system refused a read or write.
  kCorruption,       ///< Bytes on disk do not follow their format.
  kConflict,         ///< A concurrent writer won a compare-and-swap commit.
  kNotImplemented,   ///< A valid request outside what we support yet.
  kInternal,         ///< A bug: an invariant of our own code does not hold.
};

/// Returns a short lower-case name for CODE, e.g. "I/O error".
std::string_view StatusCodeName(StatusCode code);

/// Carries success, or a failure with its code and a message that names the values involved
/// (file, offset, column, SQL position). Cheap to copy when OK.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return Status(); }
  static Status Invalid(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status NotImplemented(std::string msg) {
    return {StatusCode::kNotImplemented, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return ok() ? StatusCode::kOk : state_->code; }
  /// Returns the message alone ("" when OK).
  const std::string& message() const;
  /// Returns "code name: message", or "OK".
  std::string ToString() const;
  /// Returns a copy whose message is "CONTEXT: message"; OK stays OK.
  Status WithContext(std::string_view context) const;

  bool IsInvalid() const { return code() == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsIOError() const { return code() == StatusCode::kIOError; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }
  bool IsConflict() const { return code() == StatusCode::kConflict; }
  bool IsNotImplemented() const { return code() == StatusCode::kNotImplemented; }

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  // Null when OK, so the success path allocates nothing.
  std::shared_ptr<const State> state_;
};

}  // namespace stedi

/// Returns the Status of EXPR from the enclosing function when it is not OK.
#define STEDI_RETURN_NOT_OK(expr)                  \
  do {                                             \
    ::stedi::Status stedi_status_ = (expr);        \
    if (!stedi_status_.ok()) return stedi_status_; \
  } while (false)
