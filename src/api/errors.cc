#include "api/errors.h"

#include <nlohmann/json.hpp>

namespace hotline::api {

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorBody(const Error& error) {
  nlohmann::json e = {{"code", ErrorCodeName(error.code)}, {"message", error.message}};
  if (!error.field.empty()) e["field"] = error.field;
  return nlohmann::json{{"error", std::move(e)}}.dump();
}

http::Response ErrorResponse(const Error& error) {
  http::Response r;
  r.status = HttpStatus(error.code);
  r.body = ErrorBody(error);
  return r;
}

http::Response RetryLater(const Error& error, int retry_after_s) {
  http::Response r = ErrorResponse(error);
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s < 1 ? 1 : retry_after_s));
  return r;
}

}  // namespace hotline::api
