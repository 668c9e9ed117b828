// Strict reading of JSON request bodies: malformed JSON, a non-object body, unknown fields, wrong
// types and out-of-range values are each an InvalidArgument error naming the field. Handlers read
// every field they accept through a Body and call Finish() to reject the rest.
//
// Thread-safety: a value; one per request.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hotline::api {

inline constexpr size_t kMaxStringBytes = 4096;

class Body {
 public:
  // Parses `text` as a JSON object (an empty text is an empty object when `allow_empty`).
  static Result<Body> Parse(std::string_view text, bool allow_empty = false);
  explicit Body(nlohmann::json object) : json_(std::move(object)) {}

  bool Has(const std::string& key) const { return json_.contains(key); }
  // Each returns nullopt when the key is absent and not required; an error when it is missing but
  // required, or present with the wrong type or out of range.
  Result<std::optional<std::string>> String(const std::string& key, bool required,
                                            size_t max_bytes = kMaxStringBytes);
  Result<std::optional<int64_t>> Int(const std::string& key, bool required, int64_t min,
                                     int64_t max);
  Result<std::optional<uint64_t>> Id(const std::string& key, bool required);
  Result<std::optional<nlohmann::json>> Object(const std::string& key, bool required);
  Result<std::optional<std::vector<std::string>>> StringList(const std::string& key, bool required);
  // Any JSON value (for sub-documents checked elsewhere).
  std::optional<nlohmann::json> Raw(const std::string& key);
  // Every key not read so far is an error ("unknown field 'x'").
  Status Finish() const;

  const nlohmann::json& object() const { return json_; }

 private:
  nlohmann::json json_;
  std::set<std::string> read_;
};

}  // namespace hotline::api
