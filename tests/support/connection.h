// One blocking TCP connection to 127.0.0.1 with a deadline on every read, and the HTTP/1.1
// response reader that HttpClient and WebSocketClient share. POSIX sockets only: no Beast in the
// tests (it costs a minute of compile time per file, and an independent client checks the server
// better than the server's own library would).
//
// Errors: nothing throws. A failed connect, a send to a closed peer, a read past the deadline or
// a malformed response make the call return false / nullopt; `error()` says what happened.
// Thread-safety: none; one thread uses a connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hotline::itest {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// The deadline every read waits for at most, unless told otherwise.
inline constexpr Millis kDefaultDeadline{10'000};

// One HTTP response as received. `status` 0: none came (see the client's error()).
struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; a repeated header: the last
  std::string body;

  // The header's value; empty when absent. `name` in lower case.
  std::string Header(const std::string& name) const;
  // The body as JSON; a discarded value (is_discarded()) when it is not JSON.
  nlohmann::json Json() const;
  // The API's error code ({"error":{"code":...}}), or "" when the body has none.
  std::string ErrorCode() const;
  // The API's error field ({"error":{"field":...}}), or "".
  std::string ErrorField() const;
};

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects to 127.0.0.1:port (closing any earlier socket).
  bool Connect(uint16_t port);
  void Close();
  bool connected() const { return fd_ >= 0; }
  // True when the peer has closed its side (checked without blocking); false while it is open.
  bool PeerClosed() const;
  // Reads and drops whatever arrives until the peer ends the connection (end of stream or reset):
  // true when that happens before the deadline.
  bool ReadUntilClosed(Clock::time_point deadline);
  // Sets the kernel's receive buffer (SO_RCVBUF): a small one makes a client that stops reading
  // hold the server back early.
  void SetReceiveBuffer(int bytes);

  // Writes every byte (blocking; the kernel's send timeout is the deadline).
  bool SendAll(std::string_view bytes);
  // Reads one HTTP response: status line, headers, then a Content-Length body (or, for a
  // response without one, nothing; the API always sends it). `head_only`: the response to a HEAD
  // request or a 101, whose body is not sent.
  std::optional<HttpResponse> ReadResponse(Clock::time_point deadline, bool head_only = false);
  // Makes `buffered()` hold at least `size` bytes; false at the deadline or end of stream.
  bool FillTo(size_t size, Clock::time_point deadline);
  // Bytes received and not yet consumed.
  std::string& buffered() { return buffer_; }

  const std::string& error() const { return error_; }

 private:
  // Receives once (waiting up to the deadline); false at end of stream, error or deadline.
  bool Fill(Clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  std::string error_;
};

}  // namespace hotline::itest
