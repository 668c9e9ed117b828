// A minimal blocking WebSocket client (RFC 6455) for integration tests: opening handshake, text
// messages both ways, close. Pings are answered with pongs while reading.
//
//   WebSocketClient ws;
//   HttpResponse handshake = ws.Open(port, "/api/v1/stream?after=0", token);
//   ASSERT_EQ(handshake.status, 101);
//   std::optional<WebSocketMessage> m = ws.Receive(std::chrono::seconds(5));
//
// A refused upgrade (401, 404...) comes back from Open as that HTTP response, body included; the
// client is then closed.
//
// Errors: nothing throws; Receive returns nullopt at the deadline or when the connection ends
// without a close frame (error() says which).
// Thread-safety: none; one thread per client.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/connection.h"

namespace hotline::itest {

struct WebSocketMessage {
  enum class Kind { kText, kBinary, kClose };
  Kind kind = Kind::kText;
  std::string payload;  // text or binary data; for kClose the reason (without the code)
  int close_code = 0;   // kClose: the status code (1000 normal, 1001 going away...), 0 if none

  bool is_close() const { return kind == Kind::kClose; }
};

class WebSocketClient {
 public:
  // Connects to 127.0.0.1:port and asks to upgrade `target`. `bearer`, when given, is sent as
  // "Authorization: Bearer ..."; the API also takes ?token= in the target. Returns the server's
  // handshake response; on 101 the Sec-WebSocket-Accept header has been checked (a wrong one
  // makes the status 0) and the client is open.
  HttpResponse Open(uint16_t port, const std::string& target, const std::string& bearer = {},
                    Millis deadline = kDefaultDeadline);
  bool open() const { return open_; }

  // The next text, binary or close message (fragments joined) within `timeout`.
  std::optional<WebSocketMessage> Receive(Millis timeout = kDefaultDeadline);
  // Text messages until `count` have arrived or the deadline passes (a close frame ends it too).
  std::vector<std::string> ReceiveTexts(size_t count, Millis timeout = kDefaultDeadline);

  // True when the server ends the TCP connection within `timeout` (whatever arrives is dropped).
  bool ReadUntilClosed(Millis timeout = kDefaultDeadline) {
    return connection_.ReadUntilClosed(Clock::now() + timeout);
  }
  // The connection under the client (e.g. to shrink its receive buffer once open).
  Connection& connection() { return connection_; }

  bool SendText(std::string_view text);
  // Sends a close frame; does not wait for the server's.
  bool SendClose(int code = 1000, std::string_view reason = {});
  void Close();

  const std::string& error() const { return error_; }

 private:
  // RFC 6455 section 5.2: a client masks every frame it sends.
  bool SendFrame(int opcode, std::string_view payload);

  Connection connection_;
  bool open_ = false;
  std::string error_;
};

}  // namespace hotline::itest
