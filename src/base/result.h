// Result<T>: the value of an operation that can fail in an expected way, or the Error that says
// why. Expected failures (bad input, unknown reference, state conflict) travel as Result; broken
// invariants are HOTLINE_CHECK failures instead (see check.h).
//
// Thread-safety: plain value types; no shared state.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "base/check.h"

namespace hotline {

// Stable error codes. The API maps them to HTTP statuses in one table, voice to SIP responses.
enum class ErrorCode {
  kInvalidArgument,     // malformed or out-of-range input; names the field
  kNotFound,            // a referenced object does not exist
  kAlreadyExists,       // creating something whose id is taken
  kFailedPrecondition,  // state conflict: accepting an offer that timed out, ending a queued call
  kPermissionDenied,    // role not allowed
  kUnauthenticated,     // no or bad credentials
  kResourceExhausted,   // over a limit: queue full, too many requests
  kUnavailable,         // closed, shutting down
  kDataLoss,            // stored data is corrupt or missing: a torn log tail, a broken chain
  kInternal,            // a bug or an I/O failure
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // one sentence for a person, naming the bad thing
  std::string field;    // the offending field, key or argument; empty when not about one

  static Error InvalidArgument(std::string message, std::string field = {}) {
    return {ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
  }
  static Error NotFound(std::string message, std::string field = {}) {
    return {ErrorCode::kNotFound, std::move(message), std::move(field)};
  }
  static Error FailedPrecondition(std::string message, std::string field = {}) {
    return {ErrorCode::kFailedPrecondition, std::move(message), std::move(field)};
  }
  static Error ResourceExhausted(std::string message, std::string field = {}) {
    return {ErrorCode::kResourceExhausted, std::move(message), std::move(field)};
  }
};

// A value of type T, or an Error. Check ok() before value(); value() on an error is fatal.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT(runtime/explicit)
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(runtime/explicit)

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    HOTLINE_CHECK(ok(), "value() of an error Result");
    return std::get<0>(data_);
  }
  const T& value() const& {
    HOTLINE_CHECK(ok(), "value() of an error Result");
    return std::get<0>(data_);
  }
  T&& value() && {
    HOTLINE_CHECK(ok(), "value() of an error Result");
    return std::get<0>(std::move(data_));
  }
  const Error& error() const {
    HOTLINE_CHECK(!ok(), "error() of an ok Result");
    return std::get<1>(data_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> data_;
};

// Result of an operation with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(runtime/explicit)
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    HOTLINE_CHECK(!ok_, "error() of an ok Status");
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace hotline
