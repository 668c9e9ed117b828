// HTTP/1.1 and WebSocket server on Boost.Beast: the transport under the API. It knows nothing of
// routes, JSON or auth: it parses requests (with size limits), hands them to Handlers, and writes
// the responses back, keeping connections alive. Beast lives only in this folder's .cc files.
//
// Threading: everything runs on the io_context given to the constructor, which the caller runs on
// one thread (the shard's loop). Handlers are called on that thread; a Respond may be called later
// (e.g. once a write is durable) but must be called on that thread, exactly once; a Respond called
// again, or after its connection or the Server is gone, does nothing. Drop the last reference to a
// WebSocketPeer on that thread too. The io_context must outlive the Server.
//
// Limits: a body over max_body_bytes gets 413, a header block over max_header_bytes 431, a
// malformed request 400, beyond max_connections new connections get 503; idle connections close
// after idle_timeout. These responses are made here, with the API's error body:
// {"error":{"code":"...","message":"..."}}.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace boost::asio {
class io_context;
}

namespace hotline::api::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent: "/api/v1/events?after=3"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;  // "127.0.0.1"

  // The first header of that (lower-case) name; empty when absent.
  std::string_view header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Retry-After, ...)
};

using Respond = std::function<void(Response)>;

// A connected WebSocket client. Text frames only.
class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Queues a text message. Beyond ServerOptions::ws_max_queued_bytes the peer is too slow: it is
  // closed (policy violation) and the message dropped.
  virtual void Send(std::string text) = 0;
  // Closes with a normal close frame carrying `reason`.
  virtual void Close(std::string reason) = 0;
  virtual size_t queued_bytes() const = 0;
  virtual bool open() const = 0;
};

struct Handlers {
  // Every plain HTTP request.
  std::function<void(Request, Respond)> on_request;
  // A WebSocket upgrade request: return a Response to refuse it (401, 404...), nullopt to accept.
  std::function<std::optional<Response>(const Request&)> on_upgrade;
  // After the handshake of an accepted upgrade. Keep the peer to send to it.
  std::function<void(std::shared_ptr<WebSocketPeer>, const Request&)> on_open;
  // A text message from the peer (the API mostly ignores them).
  std::function<void(WebSocketPeer*, std::string)> on_message;
  // The peer is gone (closed by either side or failed). Called once per opened peer.
  std::function<void(WebSocketPeer*)> on_close;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see Server::port())
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  size_t max_connections = 10000;
  Duration idle_timeout = Seconds(60);
  size_t ws_max_queued_bytes = 8 << 20;
};

struct ServerCounters {
  uint64_t connections_accepted = 0;
  uint64_t connections_open = 0;
  uint64_t requests = 0;
  uint64_t websocket_open = 0;
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, Handlers handlers);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting. Error (kUnavailable) names the address when it cannot bind.
  Status Start();
  // The bound port (after Start).
  uint16_t port() const;
  // Stops accepting; open connections finish their current response and close; WebSocket peers
  // get a close frame ("shutting down"). Connections still open 5 s later are cut, so the
  // io_context runs out of work. Call on the io thread.
  void Stop();

  // Safe from any thread.
  ServerCounters counters() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::api::http
