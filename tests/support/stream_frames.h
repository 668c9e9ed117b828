// Reads the frames of GET /api/v1/stream off a WebSocketClient. Each text frame is one page of
// events, shaped like a GET /events page: {"events":[{"seq","type","at","actor","data"}...],
// "next":SEQ}, with at least one event and `next` the seq of its last one. StreamFrames checks
// that shape on every frame it reads, so a test that reads through it checks the format too.
//
//   WebSocketClient ws;
//   ASSERT_EQ(ws.Open(port, "/api/v1/stream?after=0", token).status, 101);
//   StreamFrames stream(ws);
//   std::vector<nlohmann::json> events = stream.Events(10);  // 10 or more, in order
//
// Errors: nothing throws. A frame of another shape, a close frame, the end of the connection or
// the deadline end a read early; error() says which.
// Thread-safety: none; the thread that uses the client.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "support/websocket_client.h"

namespace hotline::itest {

class StreamFrames {
 public:
  explicit StreamFrames(WebSocketClient& ws) : ws_(ws) {}

  // The next frame, checked; nullopt at the deadline, on a close or a malformed frame.
  std::optional<nlohmann::json> Next(Millis timeout = kDefaultDeadline);
  // The events of frames read until at least `count` have arrived (or the read ended early):
  // every event of the frames read, in order, so a frame carrying more than asked shows.
  std::vector<nlohmann::json> Events(size_t count, Millis timeout = kDefaultDeadline);

  // Frames read so far.
  size_t frames() const { return frames_; }
  // Why the last read ended early ("" when it did not).
  std::string error() const;

 private:
  WebSocketClient& ws_;
  size_t frames_ = 0;
  std::string error_;
};

}  // namespace hotline::itest
