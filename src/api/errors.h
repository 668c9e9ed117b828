// The one table from error codes to HTTP statuses, and the API's error body:
// {"error":{"code":"invalid_argument","message":"queue 'x' does not exist","field":"queue"}}.
#pragma once

#include <string>

#include "api/http/server.h"
#include "base/result.h"

namespace hotline::api {

int HttpStatus(ErrorCode code);
std::string ErrorBody(const Error& error);
http::Response ErrorResponse(const Error& error);
// 429 or 503 with Retry-After.
http::Response RetryLater(const Error& error, int retry_after_s);

}  // namespace hotline::api
