#include "api/json_body.h"

namespace hotline::api {

using json = nlohmann::json;

Result<Body> Body::Parse(std::string_view text, bool allow_empty) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (allow_empty) return Body(json::object());
    return Error::InvalidArgument("the request needs a JSON object body", "body");
  }
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) {
    // Find where: the non-throwing parse does not say, the throwing one does.
    std::string where;
    try {
      auto ignored = nlohmann::json::parse(text);
      (void)ignored;
    } catch (const json::parse_error& e) {
      where = " (at byte " + std::to_string(e.byte) + ")";
    }
    return Error::InvalidArgument("the body is not valid JSON" + where, "body");
  }
  if (!parsed.is_object()) return Error::InvalidArgument("the body must be a JSON object", "body");
  return Body(std::move(parsed));
}

Result<std::optional<std::string>> Body::String(const std::string& key, bool required,
                                                size_t max_bytes) {
  read_.insert(key);
  auto it = json_.find(key);
  if (it == json_.end() || it->is_null()) {
    if (required) return Error::InvalidArgument("'" + key + "' is required", key);
    return std::optional<std::string>();
  }
  if (!it->is_string()) return Error::InvalidArgument("'" + key + "' must be a string", key);
  const std::string& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    return Error::InvalidArgument(
        "'" + key + "' is longer than " + std::to_string(max_bytes) + " bytes", key);
  }
  if (required && s.empty()) return Error::InvalidArgument("'" + key + "' must not be empty", key);
  return std::optional<std::string>(s);
}

Result<std::optional<int64_t>> Body::Int(const std::string& key, bool required, int64_t min,
                                         int64_t max) {
  read_.insert(key);
  auto it = json_.find(key);
  if (it == json_.end() || it->is_null()) {
    if (required) return Error::InvalidArgument("'" + key + "' is required", key);
    return std::optional<int64_t>();
  }
  if (!it->is_number_integer()) {
    return Error::InvalidArgument("'" + key + "' must be an integer", key);
  }
  int64_t v = it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)
                  ? INT64_MAX
                  : it->get<int64_t>();
  if (v < min || v > max) {
    return Error::InvalidArgument(
        "'" + key + "' must be between " + std::to_string(min) + " and " + std::to_string(max),
        key);
  }
  return std::optional<int64_t>(v);
}

Result<std::optional<uint64_t>> Body::Id(const std::string& key, bool required) {
  auto v = Int(key, required, 1, INT64_MAX);
  if (!v.ok()) return v.error();
  if (!*v) return std::optional<uint64_t>();
  return std::optional<uint64_t>(static_cast<uint64_t>(**v));
}

Result<std::optional<json>> Body::Object(const std::string& key, bool required) {
  read_.insert(key);
  auto it = json_.find(key);
  if (it == json_.end() || it->is_null()) {
    if (required) return Error::InvalidArgument("'" + key + "' is required", key);
    return std::optional<json>();
  }
  if (!it->is_object()) return Error::InvalidArgument("'" + key + "' must be an object", key);
  return std::optional<json>(*it);
}

Result<std::optional<std::vector<std::string>>> Body::StringList(const std::string& key,
                                                                 bool required) {
  read_.insert(key);
  auto it = json_.find(key);
  if (it == json_.end() || it->is_null()) {
    if (required) return Error::InvalidArgument("'" + key + "' is required", key);
    return std::optional<std::vector<std::string>>();
  }
  if (!it->is_array()) return Error::InvalidArgument("'" + key + "' must be a list", key);
  std::vector<std::string> out;
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return Error::InvalidArgument("'" + key + "' must hold strings",
                                    key + "[" + std::to_string(i) + "]");
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

std::optional<json> Body::Raw(const std::string& key) {
  read_.insert(key);
  auto it = json_.find(key);
  if (it == json_.end()) return std::nullopt;
  return *it;
}

Status Body::Finish() const {
  for (const auto& [key, value] : json_.items()) {
    if (!read_.count(key)) return Error::InvalidArgument("unknown field '" + key + "'", key);
  }
  return Status();
}

}  // namespace hotline::api
