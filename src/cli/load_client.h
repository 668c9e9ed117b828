// The client side of `hotline bench api`: HTTP/1.1 and WebSocket over plain POSIX sockets. It
// shares no code with the server it measures (no Beast, no asio), so a cost found in the server
// is the server's.
//
//  - HttpConnection: one blocking keep-alive connection, for setup and polling.
//  - RunLoad: many non-blocking keep-alive connections on one epoll loop, one request in flight
//    on each, until a deadline.
//  - EventStream: a WebSocket client reading on a thread of its own, timestamping each message
//    (a frame of events) when its bytes were read; FrameEvents splits a frame into its events.
//
// Only what the bench needs: http:// (no TLS), Content-Length or chunked bodies, no pipelining,
// no redirects, text frames. Errors come back as Result/Status naming the step that failed.
// Times are nanoseconds of std::chrono::steady_clock (MonotonicNs), comparable across threads.
//
// Thread-safety: an HttpConnection and a RunLoad call belong to the calling thread. An
// EventStream's callback runs on the stream's thread; its other methods are for the thread that
// opened it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/result.h"

namespace hotline::cli {

// steady_clock now, in nanoseconds.
int64_t MonotonicNs();

struct Endpoint {
  std::string host;  // numeric IPv4 ("127.0.0.1")
  uint16_t port = 0;
};

// "http://127.0.0.1:8080" (a trailing "/" allowed) or "127.0.0.1:8080".
Result<Endpoint> ParseEndpoint(std::string_view text);

// The text of one HTTP/1.1 request (keep-alive). `token` empty: no Authorization header.
std::string RequestText(std::string_view method, std::string_view target, const Endpoint& endpoint,
                        std::string_view token, std::string_view body = {});

struct HttpReply {
  int status = 0;
  std::string body;
};

// Reads one response out of a byte stream. Feed() takes bytes as they arrive; once complete()
// the response is in status()/body() and the bytes after it stay in the buffer for the next one.
class ResponseReader {
 public:
  // Appends bytes. Error: the stream is not HTTP/1.1 (names what was wrong).
  Status Feed(std::string_view bytes);
  bool complete() const { return complete_; }
  int status() const { return status_; }
  std::string_view body() const { return body_; }
  // Drops the completed response, keeping any bytes after it; parses them.
  Status Next();

 private:
  Status Parse();

  std::string buffer_;
  size_t scanned_ = 0;  // where to resume looking for the header end
  bool complete_ = false;
  int status_ = 0;
  std::string body_;
  size_t consumed_ = 0;  // bytes of buffer_ the complete response used
};

class HttpConnection {
 public:
  // Connects (blocking) with TCP_NODELAY. Error: kUnavailable naming the address.
  static Result<HttpConnection> Open(const Endpoint& endpoint);
  HttpConnection(HttpConnection&& other) noexcept;
  HttpConnection& operator=(HttpConnection&& other) noexcept;
  ~HttpConnection();

  // Sends a request and reads its response. After an error the connection is closed.
  Result<HttpReply> Send(std::string_view method, std::string_view target, std::string_view token,
                         std::string_view body = {});

 private:
  explicit HttpConnection(int fd, Endpoint endpoint) : fd_(fd), endpoint_(std::move(endpoint)) {}
  void Close();

  int fd_ = -1;
  Endpoint endpoint_;
  ResponseReader reader_;
};

// One request of a load run and what came back.
struct LoadReply {
  int connection = 0;
  int status = 0;  // 0: the connection failed before a response
  std::string_view body;
  int64_t sent_ns = 0;      // the request's first byte handed to the kernel
  int64_t received_ns = 0;  // the response's last byte read
};

struct LoadCounters {
  uint64_t replies = 0;
  uint64_t connection_errors = 0;  // reconnected after
};

// Runs `connections` keep-alive connections against `endpoint`. Each asks `next(connection)` for
// the text of its next request (nullopt: that connection is done) and sends it once the previous
// response is in; `on_reply` sees every response. No request starts after `deadline_ns`; those in
// flight are waited for (at most 30 s more). A connection that fails is counted and reopened.
// Error: kUnavailable when connections cannot be opened at the start.
Result<LoadCounters> RunLoad(const Endpoint& endpoint, int connections, int64_t deadline_ns,
                             const std::function<std::optional<std::string>(int)>& next,
                             const std::function<void(const LoadReply&)>& on_reply);

// The events of one stream frame ({"events":[{...},{...}],"next":SEQ}), each its JSON text, found
// by bracket depth (string contents skipped) without parsing, so the reader stays cheap next to
// the server it measures. Empty when the text is not that shape.
std::vector<std::string_view> FrameEvents(std::string_view frame);

// A WebSocket client of /api/v1/stream.
class EventStream {
 public:
  using OnMessage = std::function<void(std::string_view text, int64_t received_ns)>;
  // Connects to `target` ("/api/v1/stream?token=..."), completes the handshake (101), then reads
  // on its own thread, calling `on_message` for each text message. Error: the connection or the
  // handshake failed (names the status the server answered).
  static Result<std::unique_ptr<EventStream>> Open(const Endpoint& endpoint,
                                                   const std::string& target, OnMessage on_message);
  ~EventStream();  // stops the thread and closes
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  uint64_t messages() const { return messages_.load(); }
  // recv() calls that returned data, and their bytes: many messages per read means the reader
  // (this client) is behind; about one per read means it keeps up and waits on the server.
  uint64_t reads() const { return reads_.load(); }
  uint64_t bytes() const { return bytes_.load(); }
  // Empty while the stream is healthy; why it ended otherwise ("closed by the server: ...").
  std::string error() const;

 private:
  EventStream(int fd, OnMessage on_message) : fd_(fd), on_message_(std::move(on_message)) {}
  void ReadLoop(std::string pending);
  void Fail(std::string why);

  int fd_ = -1;
  OnMessage on_message_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> messages_{0};
  std::atomic<uint64_t> reads_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<bool> failed_{false};
  std::string error_;  // written once before failed_ is set
  std::thread thread_;
};

}  // namespace hotline::cli
