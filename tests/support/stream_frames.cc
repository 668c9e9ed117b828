#include "support/stream_frames.h"

#include <chrono>
#include <utility>

namespace hotline::itest {

using nlohmann::json;

std::optional<json> StreamFrames::Next(Millis timeout) {
  error_.clear();
  std::optional<WebSocketMessage> message = ws_.Receive(timeout);
  if (!message) {
    error_ = "no frame before the deadline";
    return std::nullopt;
  }
  if (message->kind != WebSocketMessage::Kind::kText) {
    error_ = message->is_close() ? "closed: " + message->payload : "a binary frame";
    return std::nullopt;
  }
  json frame = json::parse(message->payload, nullptr, false);
  const char* wrong = nullptr;
  if (!frame.is_object() || frame.size() != 2) {
    wrong = "not an object of two fields";
  } else if (!frame.contains("events") || !frame["events"].is_array() || frame["events"].empty()) {
    wrong = "no events array, or an empty one";
  } else if (!frame.contains("next") || !frame["next"].is_number_unsigned()) {
    wrong = "no numeric next";
  } else if (frame["events"].back().value("seq", uint64_t{0}) != frame["next"]) {
    wrong = "next is not the seq of its last event";
  }
  if (wrong) {
    error_ = std::string("malformed frame (") + wrong + "): " + message->payload.substr(0, 300);
    return std::nullopt;
  }
  ++frames_;
  return frame;
}

std::vector<json> StreamFrames::Events(size_t count, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  std::vector<json> events;
  while (events.size() < count) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    std::optional<json> frame = left > Millis(0) ? Next(left) : std::nullopt;
    if (!frame) {
      if (left <= Millis(0)) error_ = "no frame before the deadline";
      break;
    }
    for (json& e : (*frame)["events"]) events.push_back(std::move(e));
  }
  return events;
}

std::string StreamFrames::error() const {
  if (error_.empty() || ws_.error().empty()) return error_;
  return error_ + "; " + ws_.error();
}

}  // namespace hotline::itest
