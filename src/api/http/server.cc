// The only translation unit that includes Beast (each one costs about a minute and 1.8 GB to
// compile), so HTTP and WebSocket sessions live together here.
//
// Lifetimes: a Core (options, handlers, acceptor, registry of sessions) is shared by the Server
// and by every session; a session is kept alive by its pending asynchronous operation, or, while
// a handler works on its request, by Core::handling_. A Respond holds only a weak_ptr and the
// request's sequence number, so a late or repeated Respond finds nothing and does nothing.
#include "api/http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <chrono>
#include <deque>
#include <exception>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "base/log.h"

namespace hotline::api::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string_view Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

namespace {

// RFC 6455 allows any size; the API's clients send only small control messages.
constexpr size_t kWebSocketMessageMax = 64 << 10;
// After Stop, connections still open this long are closed without ceremony.
constexpr std::chrono::seconds kStopGrace(5);
// A connection closed after a final response is drained this long (or this many bytes) so that
// the client reads the response instead of a reset caused by its own unread upload.
constexpr std::chrono::seconds kLingerTimeout(2);
constexpr size_t kLingerMaxBytes = 8 << 20;
// accept() failing (EMFILE...) is retried after this pause instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetry(100);
// RFC 6455 section 5.5: control frame payload <= 125 bytes, 2 of them the close code.
constexpr size_t kCloseReasonMax = 123;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::chrono::steady_clock::duration ToSteady(Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view field = {}) {
  Response response;
  response.status = status;
  response.body = R"({"error":{"code":)";
  AppendJsonString(response.body, code);
  response.body += R"(,"message":)";
  AppendJsonString(response.body, message);
  if (!field.empty()) {
    response.body += R"(,"field":)";
    AppendJsonString(response.body, field);
  }
  response.body += "}}";
  return response;
}

std::string FormatEndpoint(const asio::ip::address& address, uint16_t port) {
  if (address.is_v6()) return fmt::format("[{}]:{}", address.to_string(), port);
  return fmt::format("{}:{}", address.to_string(), port);
}

// Runs a user callback; an exception is a bug in the handler, logged and reported as false.
template <typename F>
bool Guarded(std::string_view what, F&& f) {
  try {
    f();
    return true;
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "http", "{} handler threw: {}", what, e.what());
  } catch (...) {
    Log(LogLevel::kError, "http", "{} handler threw a non-exception", what);
  }
  return false;
}

class HttpSession;
class WsSession;

class Core : public std::enable_shared_from_this<Core> {
 public:
  Core(asio::io_context& io, ServerOptions options, Handlers handlers)
      : options_(std::move(options)),
        handlers_(std::move(handlers)),
        acceptor_(io),
        retry_timer_(io),
        stop_timer_(io) {}

  Status Start();
  void Stop();
  // ~Server: Stop, close everything now, and never call a handler again.
  void Detach();
  void CloseAll();

  void ConnectionOpened() { open_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() {
    if (open_.fetch_sub(1, std::memory_order_relaxed) == 1 && stopping_) stop_timer_.cancel();
  }

  ServerCounters counters() const {
    return {accepted_.load(std::memory_order_relaxed), open_.load(std::memory_order_relaxed),
            requests_.load(std::memory_order_relaxed),
            websocket_open_.load(std::memory_order_relaxed)};
  }

  const ServerOptions& options() const { return options_; }
  const Handlers& handlers() const { return handlers_; }
  bool stopping() const { return stopping_; }
  bool detached() const { return detached_; }
  uint16_t port() const { return port_; }
  std::array<char, 16384>& discard_buffer() { return discard_; }

  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> websocket_open_{0};
  std::unordered_set<HttpSession*> http_sessions_;
  std::unordered_set<WsSession*> ws_sessions_;
  // Sessions whose request is with a handler: nothing else keeps them alive meanwhile.
  std::unordered_map<HttpSession*, std::shared_ptr<HttpSession>> handling_;

 private:
  void Accept();
  void OnAccept(error_code ec, tcp::socket socket);

  const ServerOptions options_;
  Handlers handlers_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  asio::steady_timer stop_timer_;
  bool started_ = false;
  bool stopping_ = false;
  bool detached_ = false;
  uint16_t port_ = 0;
  std::array<char, 16384> discard_{};  // lingering reads land here; the content is ignored
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> open_{0};
};

// Counts one open connection in ServerCounters::connections_open and max_connections; moves from
// the HTTP session to the WebSocket session on upgrade.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::shared_ptr<Core> core) : core_(std::move(core)) {
    core_->ConnectionOpened();
  }
  ConnectionSlot(ConnectionSlot&& other) noexcept : core_(std::move(other.core_)) {}
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot() {
    if (core_) core_->ConnectionClosed();
  }

 private:
  std::shared_ptr<Core> core_;
};

// One WebSocket connection after a successful upgrade. States: kHandshake (101 not yet sent),
// kOpen (Send accepted), kClosing (close frame queued or sent; reading until the peer's close),
// kClosed (socket closed or close handshake done).
class WsSession final : public WebSocketPeer, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<Core> core, beast::tcp_stream stream, ConnectionSlot slot,
            Request request)
      : core_(std::move(core)),
        ws_(std::move(stream)),
        slot_(std::move(slot)),
        request_(std::move(request)) {
    core_->ws_sessions_.insert(this);
  }
  ~WsSession() override { core_->ws_sessions_.erase(this); }

  void Accept(bhttp::request<bhttp::string_body> upgrade) {
    const Duration idle = core_->options().idle_timeout;
    websocket::stream_base::timeout timeout;
    timeout.handshake_timeout = ToSteady(std::min(idle, Seconds(30)));
    timeout.idle_timeout = ToSteady(idle);  // a ping at half of it; closed when unanswered
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.read_message_max(kWebSocketMessageMax);
    ws_.text(true);
    // One message, one frame, one socket write. Beast's default splits a message into frames of
    // its 4 KiB write buffer, each its own write whose completion waits for a turn of the loop: a
    // 30 KiB stream frame took 8 turns under load (p50 4 ms at 64 connections).
    ws_.auto_fragment(false);
    upgrade_ = std::move(upgrade);
    ws_.async_accept(*upgrade_, [self = shared_from_this()](error_code ec) { self->OnAccept(ec); });
  }

  void Send(std::string text) override {
    if (state_ != State::kOpen) return;
    if (queued_bytes_ + text.size() > core_->options().ws_max_queued_bytes) {
      CloseTooSlow();
      return;
    }
    queued_bytes_ += text.size();
    queue_.push_back(std::move(text));
    if (!writing_) Write();
  }

  void Close(std::string reason) override {
    CloseWith(websocket::close_code::normal, std::move(reason), /*flush=*/true);
  }

  size_t queued_bytes() const override { return queued_bytes_; }
  bool open() const override { return state_ == State::kOpen; }

  // Server::Stop: a close frame now, without the messages still queued.
  void Shutdown() {
    if (state_ == State::kHandshake) {
      HardClose();
      return;
    }
    CloseWith(websocket::close_code::going_away, "shutting down", /*flush=*/false);
  }

  void HardClose() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    DropQueued();
    beast::get_lowest_layer(ws_).close();
  }

 private:
  enum class State { kHandshake, kOpen, kClosing, kClosed };

  void OnAccept(error_code ec) {
    upgrade_.reset();
    if (ec || state_ != State::kHandshake) {  // never opened: no on_open, no on_close
      HardClose();
      return;
    }
    state_ = State::kOpen;
    opened_ = true;
    core_->websocket_open_.fetch_add(1, std::memory_order_relaxed);
    const auto& handlers = core_->handlers();
    if (!core_->detached() && handlers.on_open) {
      std::shared_ptr<WebSocketPeer> peer = shared_from_this();
      if (!Guarded("on_open", [&] { handlers.on_open(peer, request_); })) {
        CloseWith(websocket::close_code::internal_error, "internal error", false);
      }
    }
    Read();
  }

  void Read() {
    ws_.async_read(read_buffer_,
                   [self = shared_from_this()](error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(error_code ec) {
    if (ec) {
      Finish(ec);
      return;
    }
    if (!ws_.got_text()) {
      read_buffer_.clear();
      CloseWith(websocket::close_code::unknown_data, "text frames only", /*flush=*/false);
    } else if (state_ == State::kOpen) {
      std::string text = beast::buffers_to_string(read_buffer_.data());
      read_buffer_.clear();
      const auto& handlers = core_->handlers();
      if (!core_->detached() && handlers.on_message) {
        if (!Guarded("on_message", [&] { handlers.on_message(this, std::move(text)); })) {
          CloseWith(websocket::close_code::internal_error, "internal error", false);
        }
      }
    } else {
      read_buffer_.clear();  // closing: late messages are ignored
    }
    Read();
  }

  void Write() {
    writing_ = true;
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(error_code ec) {
    writing_ = false;
    queued_bytes_ -= queue_.front().size();
    queue_.pop_front();
    if (ec) {
      HardClose();  // the pending read fails too, and Finish reports the close
      return;
    }
    if (!queue_.empty()) {
      Write();
    } else if (pending_close_) {
      SendClose();
    }
  }

  void CloseWith(websocket::close_code code, std::string reason, bool flush) {
    if (state_ != State::kOpen) return;
    state_ = State::kClosing;
    if (reason.size() > kCloseReasonMax) reason.resize(kCloseReasonMax);
    pending_close_.emplace(code, reason);
    if (!flush) DropQueued();
    if (!writing_) SendClose();
  }

  // Too slow to keep up: its queue is dropped. When a write is stuck in the socket the close frame
  // could not go out either, so the connection is cut instead.
  void CloseTooSlow() {
    Log(LogLevel::kWarn, "http", "websocket peer {} over {} queued bytes: closed",
        request_.remote_address, core_->options().ws_max_queued_bytes);
    if (writing_) {
      HardClose();
      return;
    }
    CloseWith(websocket::close_code::policy_error, "too slow", /*flush=*/false);
  }

  void SendClose() {
    websocket::close_reason reason = *pending_close_;
    pending_close_.reset();
    ws_.async_close(reason, [self = shared_from_this()](error_code ec) {
      if (ec) self->HardClose();
    });
  }

  // Drops the messages not yet started; the one being written stays until its write completes.
  void DropQueued() {
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= queue_.back().size();
      queue_.pop_back();
    }
  }

  // The read loop ended: the peer is gone, once.
  void Finish(error_code ec) {
    if (finished_) return;
    finished_ = true;
    if (ec != websocket::error::closed) HardClose();
    state_ = State::kClosed;
    DropQueued();
    slot_.reset();  // the connection is over even while the application still holds the peer
    if (!opened_) return;
    core_->websocket_open_.fetch_sub(1, std::memory_order_relaxed);
    const auto& handlers = core_->handlers();
    if (!core_->detached() && handlers.on_close) {
      Guarded("on_close", [&] { handlers.on_close(this); });
    }
  }

  std::shared_ptr<Core> core_;
  websocket::stream<beast::tcp_stream> ws_;
  std::optional<ConnectionSlot> slot_;
  Request request_;
  std::optional<bhttp::request<bhttp::string_body>> upgrade_;  // until the handshake is done
  beast::flat_buffer read_buffer_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  std::optional<websocket::close_reason> pending_close_;  // sent once the current write is done
  State state_ = State::kHandshake;
  bool opened_ = false;
  bool finished_ = false;
};

// One HTTP/1.1 connection. States: kReading (waiting for or reading a request; idle), kHandling
// (a handler has the request), kWriting (response going out), kLingering (response sent, send
// side shut, draining the peer's leftovers), kDone (closed or handed to a WsSession).
class HttpSession final : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<Core> core, tcp::socket socket, std::optional<ConnectionSlot> slot)
      : core_(std::move(core)), stream_(std::move(socket)), slot_(std::move(slot)) {
    core_->http_sessions_.insert(this);
    error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_address_ = endpoint.address().to_string();
  }
  ~HttpSession() { core_->http_sessions_.erase(this); }

  void Start() { ReadHeader(); }

  // Over max_connections: 503 and close, without reading a request.
  void Reject() {
    WriteResponse(ErrorResponse(503, "unavailable", "too many connections"), /*keep_alive=*/false);
  }

  // Server::Stop: idle connections close now; a request in progress gets its response first.
  void OnStop() {
    if (state_ == State::kReading || state_ == State::kLingering) Close();
  }

  void HardClose() { Close(); }

  // A handler's Respond. Ignored unless this connection still waits for request `seq`.
  void Deliver(uint64_t seq, Response response) {
    if (state_ != State::kHandling || seq != seq_) return;
    auto self = shared_from_this();
    core_->handling_.erase(this);
    WriteResponse(std::move(response), keep_alive_ && !core_->stopping());
  }

 private:
  enum class State { kReading, kHandling, kWriting, kLingering, kDone };

  void ReadHeader() {
    if (core_->stopping()) {
      Close();
      return;
    }
    state_ = State::kReading;
    const ServerOptions& options = core_->options();
    parser_.emplace();
    parser_->body_limit(options.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(
        std::min<size_t>(options.max_header_bytes, std::numeric_limits<uint32_t>::max())));
    stream_.expires_after(ToSteady(options.idle_timeout));  // covers header and body
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(error_code ec) {
    if (ec) {
      OnReadError(ec);
      return;
    }
    const auto& header = parser_->get();
    if (!parser_->is_done() && beast::iequals(header[bhttp::field::expect], "100-continue")) {
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](error_code ec, size_t) {
                          if (ec) {
                            self->Close();
                            return;
                          }
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) {
      OnRequest();
      return;
    }
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](error_code ec, size_t) {
                        if (ec) {
                          self->OnReadError(ec);
                          return;
                        }
                        self->OnRequest();
                      });
  }

  void OnReadError(error_code ec) {
    const ServerOptions& options = core_->options();
    head_ = false;
    version_ = 11;
    if (ec == bhttp::error::body_limit) {
      WriteResponse(
          ErrorResponse(413, "resource_exhausted",
                        fmt::format("request body over {} bytes", options.max_body_bytes), "body"),
          false);
    } else if (ec == bhttp::error::header_limit) {
      WriteResponse(
          ErrorResponse(431, "resource_exhausted",
                        fmt::format("request header over {} bytes", options.max_header_bytes),
                        "headers"),
          false);
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      WriteResponse(ErrorResponse(400, "invalid_argument",
                                  fmt::format("malformed HTTP request: {}", ec.message())),
                    false);
    } else {
      Close();  // end of stream, timeout, reset, Stop: nobody to answer
    }
  }

  void OnRequest() {
    core_->requests_.fetch_add(1, std::memory_order_relaxed);
    bhttp::request<bhttp::string_body> message = parser_->release();
    parser_.reset();
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    head_ = message.method() == bhttp::verb::head;

    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.remote_address = remote_address_;

    if (websocket::is_upgrade(message)) {
      Upgrade(std::move(message), std::move(request));
      return;
    }
    request.body = std::move(message.body());

    state_ = State::kHandling;
    const uint64_t seq = ++seq_;
    core_->handling_[this] = shared_from_this();
    const auto& handlers = core_->handlers();
    if (!handlers.on_request) {
      Deliver(seq, ErrorResponse(404, "not_found", "no such resource"));
      return;
    }
    Respond respond = [weak = weak_from_this(), seq](Response response) {
      if (auto self = weak.lock()) self->Deliver(seq, std::move(response));
    };
    if (!Guarded("on_request", [&] { handlers.on_request(std::move(request), respond); })) {
      Deliver(seq, ErrorResponse(500, "internal", "internal error"));
    }
  }

  void Upgrade(bhttp::request<bhttp::string_body> message, Request request) {
    const auto& handlers = core_->handlers();
    std::optional<Response> refusal;
    if (!handlers.on_open) {
      refusal = ErrorResponse(404, "not_found", "no WebSocket endpoint here");
    } else if (handlers.on_upgrade &&
               !Guarded("on_upgrade", [&] { refusal = handlers.on_upgrade(request); })) {
      refusal = ErrorResponse(500, "internal", "internal error");
    }
    if (refusal || core_->stopping() || !slot_) {
      if (!refusal) refusal = ErrorResponse(503, "unavailable", "shutting down");
      WriteResponse(std::move(*refusal), /*keep_alive=*/false);
      return;
    }
    stream_.expires_never();  // the WebSocket stream keeps its own timeouts
    state_ = State::kDone;
    auto session = std::make_shared<WsSession>(core_, std::move(stream_), std::move(*slot_),
                                               std::move(request));
    slot_.reset();
    session->Accept(std::move(message));
  }

  void WriteResponse(Response response, bool keep_alive) {
    state_ = State::kWriting;
    close_after_write_ = !keep_alive;
    int status = response.status;
    if (status < 200 || status > 599) {
      Log(LogLevel::kError, "http", "handler answered status {}: sent 500", status);
      response = ErrorResponse(500, "internal", "internal error");
      status = 500;
    }
    if (status == 204 || status == 304) response.body.clear();
    message_ = {};
    try {
      message_.version(version_);
      message_.result(static_cast<unsigned>(status));
      if (!response.content_type.empty()) {
        message_.set(bhttp::field::content_type, response.content_type);
      }
      for (const auto& [name, value] : response.headers) message_.insert(name, value);
      message_.keep_alive(keep_alive);
      if (head_) {
        message_.content_length(response.body.size());
      } else {
        message_.body() = std::move(response.body);
        message_.prepare_payload();
      }
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "http", "cannot build a response: {}", e.what());
      message_ = {};
      message_.version(version_);
      message_.result(bhttp::status::internal_server_error);
      close_after_write_ = true;
      message_.keep_alive(false);
      message_.prepare_payload();
    }
    stream_.expires_after(ToSteady(core_->options().idle_timeout));
    bhttp::async_write(stream_, message_,
                       [self = shared_from_this()](error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(error_code ec) {
    message_ = {};
    if (ec) {
      Close();
    } else if (close_after_write_ || core_->stopping()) {
      Linger();
    } else {
      ReadHeader();
    }
  }

  // Closes gracefully: shut our side, then read and discard until the peer closes its side, so
  // the last response is not lost to a reset.
  void Linger() {
    state_ = State::kLingering;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
      Close();
      return;
    }
    stream_.expires_after(ToSteady(std::min(core_->options().idle_timeout,
                                            std::chrono::duration_cast<Duration>(kLingerTimeout))));
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(core_->discard_buffer()),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kLingerMaxBytes) {
                                self->Close();
                                return;
                              }
                              self->Drain();
                            });
  }

  void Close() {
    if (state_ == State::kDone) return;
    state_ = State::kDone;
    stream_.close();
    auto self = shared_from_this();  // handling_ may hold the last reference
    core_->handling_.erase(this);
  }

  std::shared_ptr<Core> core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> message_;
  std::optional<ConnectionSlot> slot_;  // empty for a rejected connection
  std::string remote_address_;
  State state_ = State::kReading;
  uint64_t seq_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool close_after_write_ = false;
  size_t lingered_ = 0;
};

Status Core::Start() {
  if (started_) return Error::FailedPrecondition("the server was already started");
  started_ = true;
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return Error::InvalidArgument(
        fmt::format("cannot listen on '{}': not an IP address", options_.address), "address");
  }
  const tcp::endpoint endpoint(address, options_.port);
  auto fail = [&](error_code error) -> Status {
    error_code ignored;
    acceptor_.close(ignored);
    return Error{ErrorCode::kUnavailable,
                 fmt::format("cannot listen on {}: {}", FormatEndpoint(address, options_.port),
                             error.message()),
                 ""};
  };
  if (acceptor_.open(endpoint.protocol(), ec)) return fail(ec);
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec)) return fail(ec);
  if (acceptor_.bind(endpoint, ec)) return fail(ec);
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec)) return fail(ec);
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return fail(ec);
  Accept();
  return Status::Ok();
}

void Core::Accept() {
  acceptor_.async_accept([self = shared_from_this()](error_code ec, tcp::socket socket) {
    self->OnAccept(ec, std::move(socket));
  });
}

void Core::OnAccept(error_code ec, tcp::socket socket) {
  if (stopping_ || !acceptor_.is_open()) return;
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    Log(LogLevel::kWarn, "http", "accept failed: {}; retrying", ec.message());
    retry_timer_.expires_after(kAcceptRetry);
    retry_timer_.async_wait([self = shared_from_this()](error_code wait_error) {
      if (!wait_error && !self->stopping_) self->Accept();
    });
    return;
  }
  accepted_.fetch_add(1, std::memory_order_relaxed);
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (open_.load(std::memory_order_relaxed) >= options_.max_connections) {
    std::make_shared<HttpSession>(shared_from_this(), std::move(socket), std::nullopt)->Reject();
  } else {
    std::make_shared<HttpSession>(shared_from_this(), std::move(socket),
                                  ConnectionSlot(shared_from_this()))
        ->Start();
  }
  Accept();
}

void Core::Stop() {
  if (stopping_) return;
  stopping_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  // Copies first: closing a session may destroy it, which edits the registries.
  std::vector<std::weak_ptr<HttpSession>> http;
  for (HttpSession* session : http_sessions_) http.push_back(session->weak_from_this());
  std::vector<std::weak_ptr<WsSession>> ws;
  for (WsSession* session : ws_sessions_) ws.push_back(session->weak_from_this());
  for (const auto& weak : http) {
    if (auto session = weak.lock()) session->OnStop();
  }
  for (const auto& weak : ws) {
    if (auto session = weak.lock()) session->Shutdown();
  }
  if (open_.load(std::memory_order_relaxed) > 0) {
    stop_timer_.expires_after(kStopGrace);
    stop_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->CloseAll();
    });
  }
}

void Core::CloseAll() {
  std::vector<std::weak_ptr<HttpSession>> http;
  for (HttpSession* session : http_sessions_) http.push_back(session->weak_from_this());
  std::vector<std::weak_ptr<WsSession>> ws;
  for (WsSession* session : ws_sessions_) ws.push_back(session->weak_from_this());
  for (const auto& weak : http) {
    if (auto session = weak.lock()) session->HardClose();
  }
  for (const auto& weak : ws) {
    if (auto session = weak.lock()) session->HardClose();
  }
  handling_.clear();
}

void Core::Detach() {
  Stop();
  CloseAll();
  stop_timer_.cancel();
  detached_ = true;
}

}  // namespace

struct Server::Impl {
  std::shared_ptr<Core> core;
};

Server::Server(asio::io_context& io, ServerOptions options, Handlers handlers)
    : impl_(std::make_unique<Impl>(
          Impl{std::make_shared<Core>(io, std::move(options), std::move(handlers))})) {}

Server::~Server() { impl_->core->Detach(); }

Status Server::Start() { return impl_->core->Start(); }

uint16_t Server::port() const { return impl_->core->port(); }

void Server::Stop() { impl_->core->Stop(); }

ServerCounters Server::counters() const { return impl_->core->counters(); }

}  // namespace hotline::api::http
