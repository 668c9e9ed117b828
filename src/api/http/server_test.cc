// Server tests: a real Server on port 0, its io_context run by a background thread, and a small
// blocking client written on POSIX sockets (no Beast here, so this file compiles quickly and the
// server is checked against an independent HTTP/WebSocket implementation). Every wait has a
// deadline: socket reads time out after kDeadline, futures are waited for with wait_for.
#include "api/http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hotline::api::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kDeadline = 10s;

// A thread-safe queue the io thread puts into and the test takes from, with a deadline.
template <typename T>
class Mailbox {
 public:
  void Put(T value) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(value));
    cv_.notify_all();
  }
  std::optional<T> Take() {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, kDeadline, [&] { return !items_.empty(); })) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    return value;
  }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<T> items_;
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct WsMessage {
  int opcode = 0;  // 1 text, 2 binary, 8 close
  std::string payload;

  int close_code() const {
    if (payload.size() < 2) return 0;
    return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
  }
  std::string close_reason() const { return payload.size() < 2 ? "" : payload.substr(2); }
};

// A blocking HTTP/1.1 + WebSocket client on one TCP connection. Reads give up after kDeadline.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{std::chrono::seconds(kDeadline).count(), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { Close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Only a small receive buffer: a client that stops reading blocks the server early.
  void ShrinkReceiveBuffer() {
    int size = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response; `head_only`: the answer to a HEAD request, whose Content-Length has no body.
  std::optional<HttpReply> ReadResponse(bool head_only = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    HttpReply reply;
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return std::nullopt;
    reply.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string line =
          head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      reply.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
    }
    if (head_only || reply.status == 100 || reply.status == 101) return reply;
    size_t length =
        std::stoul(reply.header("content-length").empty() ? "0" : reply.header("content-length"));
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }

  std::optional<HttpReply> Get(const std::string& target) {
    if (!Send("GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n")) return std::nullopt;
    return ReadResponse();
  }

  // True when the server closed the connection (end of stream or reset) before the deadline;
  // any bytes still arriving are discarded.
  bool ReadUntilClosed() {
    buffer_.clear();
    char chunk[4096];
    while (true) {
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

  std::optional<HttpReply> Handshake(const std::string& target) {
    std::string request = "GET " + target +
                          " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
    if (!Send(request)) return std::nullopt;
    return ReadResponse();
  }

  // RFC 6455 section 5.2: client frames are masked.
  bool SendFrame(int opcode, std::string_view payload) {
    std::string frame;
    frame += static_cast<char>(0x80 | opcode);
    if (payload.size() < 126) {
      frame += static_cast<char>(0x80 | payload.size());
    } else if (payload.size() <= 0xffff) {
      frame += static_cast<char>(0x80 | 126);
      frame += static_cast<char>(payload.size() >> 8);
      frame += static_cast<char>(payload.size() & 0xff);
    } else {
      frame += static_cast<char>(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame += static_cast<char>((static_cast<uint64_t>(payload.size()) >> shift) & 0xff);
      }
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(mask, 4);
    for (size_t i = 0; i < payload.size(); ++i)
      frame += static_cast<char>(payload[i] ^ mask[i % 4]);
    return Send(frame);
  }
  bool SendText(std::string_view text) { return SendFrame(1, text); }
  bool SendClose(int code, std::string_view reason = {}) {
    std::string payload;
    payload += static_cast<char>(code >> 8);
    payload += static_cast<char>(code & 0xff);
    payload += reason;
    return SendFrame(8, payload);
  }

  // The next data message (continuation frames joined) or close frame; pings are skipped.
  std::optional<WsMessage> ReadMessage() {
    WsMessage message;
    while (true) {
      if (!FillTo(2)) return std::nullopt;
      const auto b0 = static_cast<unsigned char>(buffer_[0]);
      const auto b1 = static_cast<unsigned char>(buffer_[1]);
      size_t header = 2;
      uint64_t length = b1 & 0x7f;
      if (length == 126) {
        header = 4;
        if (!FillTo(header)) return std::nullopt;
        length =
            (static_cast<unsigned char>(buffer_[2]) << 8) | static_cast<unsigned char>(buffer_[3]);
      } else if (length == 127) {
        header = 10;
        if (!FillTo(header)) return std::nullopt;
        length = 0;
        for (int i = 2; i < 10; ++i)
          length = (length << 8) | static_cast<unsigned char>(buffer_[i]);
      }
      if (!FillTo(header + length)) return std::nullopt;
      std::string payload = buffer_.substr(header, length);
      buffer_.erase(0, header + length);
      const int opcode = b0 & 0x0f;
      if (opcode == 9 || opcode == 10) continue;  // ping, pong
      if (opcode != 0) message.opcode = opcode;
      message.payload += payload;
      if (b0 & 0x80) return message;
    }
  }

 private:
  bool Fill() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  bool FillTo(size_t size) {
    while (buffer_.size() < size) {
      if (!Fill()) return false;
    }
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<Server>(io_, options, handlers_);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    port_ = server_->port();
    ASSERT_NE(port_, 0);
    ran_ = std::async(std::launch::async, [this] { io_.run(); });
  }

  void TearDown() override {
    if (!ran_.valid()) return;
    if (!stopped_) asio::post(io_, [this] { server_->Stop(); });
    if (ran_.wait_for(kDeadline) != std::future_status::ready) {
      ADD_FAILURE() << "io_context did not finish after Stop";
      io_.stop();
    }
    ran_.get();
  }

  // Calls Stop on the io thread; true when io.run() then returns before the deadline.
  bool StopAndWaitForRunToReturn() {
    stopped_ = true;
    asio::post(io_, [this] { server_->Stop(); });
    return ran_.wait_for(kDeadline) == std::future_status::ready;
  }

  // Runs `f` on the io thread and returns its result.
  template <typename F>
  auto OnIo(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    if (result.wait_for(kDeadline) != std::future_status::ready) {
      ADD_FAILURE() << "the io thread did not run a posted task";
      std::abort();  // `task` lives on this stack frame
    }
    return result.get();
  }

  // Waits until `condition` (read on the io thread) holds, or the deadline passes.
  bool WaitUntil(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (std::chrono::steady_clock::now() < deadline) {
      if (OnIo(condition)) return true;
      std::this_thread::yield();
    }
    return false;
  }

  asio::io_context io_;
  Handlers handlers_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::future<void> ran_;
  bool stopped_ = false;
};

Response Json(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

TEST_F(ServerTest, GetRoundTripCarriesRequestAndResponseHeadersAndBody) {
  Mailbox<Request> requests;
  handlers_.on_request = [&](Request request, Respond respond) {
    requests.Put(request);
    Response response = Json(200, R"({"ok":true})");
    response.headers.emplace_back("X-Request-Id", "r-1");
    respond(std::move(response));
  };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(
      client.Send("GET /api/v1/events?after=3 HTTP/1.1\r\nHost: test\r\nX-Trace: abc\r\n\r\n"));
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(reply->header("content-length"), "11");
  EXPECT_EQ(reply->header("x-request-id"), "r-1");
  EXPECT_EQ(reply->header("connection"), "");  // HTTP/1.1: keep-alive is the default
  EXPECT_EQ(reply->body, R"({"ok":true})");

  auto request = requests.Take();
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, "GET");
  EXPECT_EQ(request->target, "/api/v1/events?after=3");
  EXPECT_EQ(request->header("x-trace"), "abc");
  EXPECT_EQ(request->header("host"), "test");
  EXPECT_EQ(request->header("absent"), "");
  EXPECT_EQ(request->remote_address, "127.0.0.1");
}

TEST_F(ServerTest, PostBodyReachesHandler) {
  Mailbox<std::string> bodies;
  handlers_.on_request = [&](Request request, Respond respond) {
    bodies.Put(request.body);
    respond(Json(201, "{}"));
  };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(
      client.Send("POST /api/v1/queues HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  "Content-Length: 15\r\n\r\n{\"id\":\"sales\"}\n"));
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 201);
  EXPECT_EQ(bodies.Take(), "{\"id\":\"sales\"}\n");
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponseBeforeBody) {
  handlers_.on_request = [&](Request request, Respond respond) {
    respond(Json(200, request.body));
  };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(
      "POST /x HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = client.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("ping"));
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "ping");
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  handlers_.on_request = [&](Request request, Respond respond) {
    respond(Json(200, request.target));
  };
  StartServer();
  Client client(port_);
  auto first = client.Get("/one");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "/one");
  auto second = client.Get("/two");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "/two");
  ServerCounters counters = server_->counters();
  EXPECT_EQ(counters.connections_accepted, 1u);
  EXPECT_EQ(counters.connections_open, 1u);
  EXPECT_EQ(counters.requests, 2u);
}

TEST_F(ServerTest, ConnectionCloseRequestGetsResponseThenClose) {
  handlers_.on_request = [&](Request, Respond respond) { respond(Json(200, "{}")); };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"));
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(client.ReadUntilClosed());
}

TEST_F(ServerTest, DelayedRespondIsWrittenWhenCalledLater) {
  Mailbox<Respond> pending;
  handlers_.on_request = [&](Request, Respond respond) { pending.Put(std::move(respond)); };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto respond = pending.Take();
  ASSERT_TRUE(respond);
  asio::post(io_, [respond = std::move(*respond)] {
    respond(Json(200, R"({"late":true})"));
    respond(Json(500, "{}"));  // a second Respond is ignored
  });
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"late":true})");
  // The connection is still usable: the ignored second Respond wrote nothing.
  handlers_.on_request = nullptr;
  ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto again = pending.Take();
  ASSERT_TRUE(again);
  asio::post(io_, [respond = std::move(*again)] { respond(Json(200, "{}")); });
  auto second = client.ReadResponse();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
}

TEST_F(ServerTest, LateRespondOnClosedConnectionDoesNothing) {
  Mailbox<Respond> pending;
  handlers_.on_request = [&](Request, Respond respond) { pending.Put(std::move(respond)); };
  StartServer();
  std::optional<Respond> respond;
  {
    Client client(port_);
    ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"));
    respond = pending.Take();
    ASSERT_TRUE(respond);
  }
  OnIo([&] {
    (*respond)(Json(200, "{}"));
    return 0;
  });
  // The write fails or lands in a closed socket; either way the connection ends.
  EXPECT_TRUE(WaitUntil([&] { return server_->counters().connections_open == 0; }));
}

TEST_F(ServerTest, RespondAfterServerDestroyedIsIgnored) {
  Mailbox<Respond> pending;
  handlers_.on_request = [&](Request, Respond respond) { pending.Put(std::move(respond)); };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto respond = pending.Take();
  ASSERT_TRUE(respond);
  stopped_ = true;
  asio::post(io_, [this] { server_.reset(); });
  ASSERT_EQ(ran_.wait_for(kDeadline), std::future_status::ready);
  (*respond)(Json(200, "{}"));  // io is not running: this thread is the io thread now
  EXPECT_TRUE(client.ReadUntilClosed());
}

TEST_F(ServerTest, BodyOverLimitGets413WithoutCallingHandler) {
  std::atomic<int> calls{0};
  handlers_.on_request = [&](Request, Respond respond) {
    ++calls;
    respond(Json(200, "{}"));
  };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 2000000\r\n\r\n" +
                          std::string(1000, 'x')));
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_EQ(reply->body,
            R"({"error":{"code":"resource_exhausted","message":"request body over 1048576 bytes",)"
            R"("field":"body"}})");
  EXPECT_TRUE(client.ReadUntilClosed());
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(ServerTest, ChunkedBodyOverLimitGets413) {
  std::atomic<int> calls{0};
  handlers_.on_request = [&](Request, Respond respond) {
    ++calls;
    respond(Json(200, "{}"));
  };
  ServerOptions options;
  options.max_body_bytes = 16;
  StartServer(options);
  Client client(port_);
  ASSERT_TRUE(
      client.Send("POST /x HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"));
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_NE(reply->body.find("request body over 16 bytes"), std::string::npos);
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(ServerTest, HeaderOverLimitGets431) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  StartServer(options);
  Client client(port_);
  ASSERT_TRUE(
      client.Send("GET / HTTP/1.1\r\nHost: test\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n"));
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_NE(reply->body.find(R"("code":"resource_exhausted")"), std::string::npos);
  EXPECT_TRUE(client.ReadUntilClosed());
}

TEST_F(ServerTest, MalformedRequestLineGets400AndClose) {
  std::atomic<int> calls{0};
  handlers_.on_request = [&](Request, Respond respond) {
    ++calls;
    respond(Json(200, "{}"));
  };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("this is not http\r\n\r\n"));
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_NE(reply->body.find(R"("code":"invalid_argument")"), std::string::npos);
  EXPECT_NE(reply->body.find("malformed HTTP request"), std::string::npos);
  EXPECT_TRUE(client.ReadUntilClosed());
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(ServerTest, MissingRequestHandlerAnswers404) {
  StartServer();
  Client client(port_);
  auto reply = client.Get("/anything");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
}

TEST_F(ServerTest, HandlerStatusOutOfRangeBecomes500) {
  handlers_.on_request = [&](Request, Respond respond) { respond(Json(1000, "{}")); };
  StartServer();
  Client client(port_);
  auto reply = client.Get("/");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
}

TEST_F(ServerTest, ThrowingHandlerGets500) {
  handlers_.on_request = [&](Request, Respond) { throw std::runtime_error("bug"); };
  StartServer();
  Client client(port_);
  auto reply = client.Get("/");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_NE(reply->body.find(R"("code":"internal")"), std::string::npos);
}

TEST_F(ServerTest, HeadResponseHasLengthButNoBody) {
  handlers_.on_request = [&](Request, Respond respond) { respond(Json(200, "12345")); };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("HEAD / HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto head = client.ReadResponse(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header("content-length"), "5");
  // Had a body followed the head, it would now be read in place of the next status line.
  auto next = client.Get("/");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "12345");
}

TEST_F(ServerTest, ConnectionsOverLimitGet503) {
  handlers_.on_request = [&](Request, Respond respond) { respond(Json(200, "{}")); };
  ServerOptions options;
  options.max_connections = 1;
  StartServer(options);
  Client first(port_);
  ASSERT_TRUE(first.Get("/"));  // accepted and counted
  Client second(port_);
  auto reply = second.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
  EXPECT_NE(reply->body.find(R"("code":"unavailable")"), std::string::npos);
  EXPECT_TRUE(second.ReadUntilClosed());
  auto again = first.Get("/");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(server_->counters().connections_accepted, 2u);
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = Seconds(0.2);
  StartServer(options);
  Client client(port_);
  EXPECT_TRUE(client.ReadUntilClosed());
  EXPECT_TRUE(WaitUntil([&] { return server_->counters().connections_open == 0; }));
}

TEST_F(ServerTest, BindFailureNamesTheAddress) {
  StartServer();
  ServerOptions options;
  options.port = port_;
  Status status = OnIo([&] {
    Server second(io_, options, {});
    return second.Start();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(status.error().message,
            "cannot listen on 127.0.0.1:" + std::to_string(port_) + ": Address already in use");
}

TEST_F(ServerTest, BadListenAddressIsInvalidArgument) {
  ServerOptions options;
  options.address = "localhost:80";
  Server server(io_, options, {});
  Status status = server.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().field, "address");
}

// --- WebSocket ---

class WebSocketTest : public ServerTest {
 protected:
  void SetUp() override {
    handlers_.on_open = [this](std::shared_ptr<WebSocketPeer> peer, const Request& request) {
      targets_.Put(request.target);
      peers_.Put(std::move(peer));
    };
    handlers_.on_message = [this](WebSocketPeer*, std::string text) {
      messages_.Put(std::move(text));
    };
    handlers_.on_close = [this](WebSocketPeer*) {
      ++closes_;
      closed_.Put(1);
    };
  }

  // Connects a client and returns the server's peer for it.
  std::shared_ptr<WebSocketPeer> Open(Client& client, const std::string& target = "/stream") {
    auto reply = client.Handshake(target);
    EXPECT_TRUE(reply && reply->status == 101);
    auto peer = peers_.Take();
    EXPECT_TRUE(peer);
    return peer ? *peer : nullptr;
  }

  // The last reference to a peer must go on the io thread, like every other use of it.
  void Release(std::shared_ptr<WebSocketPeer>& peer) {
    OnIo([&] {
      peer.reset();
      return 0;
    });
  }

  Mailbox<std::string> targets_;
  Mailbox<std::shared_ptr<WebSocketPeer>> peers_;
  Mailbox<std::string> messages_;
  Mailbox<int> closed_;
  std::atomic<int> closes_{0};
};

TEST_F(WebSocketTest, UpgradeRefusedByHandlerGetsItsResponse) {
  handlers_.on_upgrade = [](const Request& request) -> std::optional<Response> {
    if (request.header("authorization").empty()) {
      return Json(401, R"({"error":{"code":"unauthenticated","message":"no token"}})");
    }
    return std::nullopt;
  };
  StartServer();
  Client client(port_);
  auto reply = client.Handshake("/api/v1/stream");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->body, R"({"error":{"code":"unauthenticated","message":"no token"}})");
  EXPECT_TRUE(client.ReadUntilClosed());
  EXPECT_EQ(peers_.size(), 0u);
  EXPECT_EQ(server_->counters().websocket_open, 0u);
}

TEST_F(WebSocketTest, PeerReceivesSentMessagesInOrder) {
  StartServer();
  Client client(port_);
  auto peer = Open(client, "/api/v1/stream?after=3");
  ASSERT_TRUE(peer);
  EXPECT_EQ(targets_.Take(), "/api/v1/stream?after=3");
  EXPECT_EQ(server_->counters().websocket_open, 1u);
  const std::string big(100000, 'b');  // several frames' worth, still one message
  OnIo([&] {
    EXPECT_TRUE(peer->open());
    peer->Send("one");
    peer->Send(big);
    peer->Send("three");
    return 0;
  });
  for (const std::string& expected : {std::string("one"), big, std::string("three")}) {
    auto message = client.ReadMessage();
    ASSERT_TRUE(message);
    EXPECT_EQ(message->opcode, 1);
    EXPECT_EQ(message->payload, expected);
  }
  EXPECT_EQ(OnIo([&] { return peer->queued_bytes(); }), 0u);
}

TEST_F(WebSocketTest, ClientTextMessagesReachOnMessage) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(Open(client));
  ASSERT_TRUE(client.SendText("hello"));
  ASSERT_TRUE(client.SendText("again"));
  EXPECT_EQ(messages_.Take(), "hello");
  EXPECT_EQ(messages_.Take(), "again");
}

TEST_F(WebSocketTest, ClientCloseCallsOnCloseOnce) {
  StartServer();
  Client client(port_);
  auto peer = Open(client);
  ASSERT_TRUE(peer);
  ASSERT_TRUE(client.SendClose(1000, "bye"));
  auto reply = client.ReadMessage();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->opcode, 8);
  // The server ends TCP after the close handshake; the client then closes its side.
  EXPECT_TRUE(client.ReadUntilClosed());
  client.Close();
  EXPECT_TRUE(closed_.Take());
  EXPECT_TRUE(WaitUntil([&] { return server_->counters().connections_open == 0; }));
  EXPECT_EQ(closes_.load(), 1);
  EXPECT_EQ(server_->counters().websocket_open, 0u);
  OnIo([&] {
    EXPECT_FALSE(peer->open());
    peer->Send("dropped");  // a closed peer ignores sends
    peer->Close("again");
    return 0;
  });
  EXPECT_EQ(closes_.load(), 1);
  Release(peer);
}

TEST_F(WebSocketTest, ServerCloseSendsQueuedMessagesThenCloseFrame) {
  StartServer();
  Client client(port_);
  auto peer = Open(client);
  ASSERT_TRUE(peer);
  OnIo([&] {
    peer->Send("last words");
    peer->Close("done");
    EXPECT_FALSE(peer->open());
    return 0;
  });
  auto message = client.ReadMessage();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->payload, "last words");
  auto close = client.ReadMessage();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 8);
  EXPECT_EQ(close->close_code(), 1000);
  EXPECT_EQ(close->close_reason(), "done");
  ASSERT_TRUE(client.SendClose(1000));
  EXPECT_TRUE(client.ReadUntilClosed());
  client.Close();
  EXPECT_TRUE(closed_.Take());
  EXPECT_EQ(closes_.load(), 1);
  Release(peer);
}

TEST_F(WebSocketTest, MessageOver64KiBClosesPeer) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(Open(client));
  ASSERT_TRUE(client.SendText(std::string((64 << 10) + 1, 'x')));
  auto close = client.ReadMessage();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 8);
  EXPECT_EQ(close->close_code(), 1009);  // message too big
  client.Close();
  EXPECT_TRUE(closed_.Take());
  EXPECT_EQ(messages_.size(), 0u);
}

// Sends 16 KiB messages to `peer` from the io thread, one per turn of the io loop so that writes
// to a reading client would keep up, until the peer is closed (or 1 GiB, far beyond any socket
// buffer, has been queued).
struct Pump {
  std::shared_ptr<WebSocketPeer> peer;
  std::string chunk = std::string(16 << 10, 'm');
  size_t sent = 0;
  std::promise<size_t> done;
};

void PumpUntilClosed(asio::io_context& io, std::shared_ptr<Pump> pump) {
  pump->peer->Send(pump->chunk);
  pump->sent += pump->chunk.size();
  if (!pump->peer->open() || pump->sent > (size_t{1} << 30)) {
    pump->done.set_value(pump->sent);
    pump->peer.reset();
    return;
  }
  asio::post(io, [&io, pump] { PumpUntilClosed(io, pump); });
}

TEST_F(WebSocketTest, SlowClientOverQueueLimitIsClosed) {
  ServerOptions options;
  options.ws_max_queued_bytes = 256 << 10;
  StartServer(options);
  Client client(port_);
  client.ShrinkReceiveBuffer();
  auto peer = Open(client);
  ASSERT_TRUE(peer);
  // The client never reads: once the socket buffers are full, the queue grows to the limit.
  auto pump = std::make_shared<Pump>();
  pump->peer = peer;
  auto sent_before_close = pump->done.get_future();
  asio::post(io_, [this, pump] { PumpUntilClosed(io_, pump); });
  ASSERT_EQ(sent_before_close.wait_for(kDeadline), std::future_status::ready);
  const size_t sent = sent_before_close.get();
  EXPECT_LT(sent, size_t{1} << 30);
  EXPECT_GT(sent, options.ws_max_queued_bytes);
  EXPECT_TRUE(closed_.Take());
  EXPECT_EQ(closes_.load(), 1);
  EXPECT_TRUE(WaitUntil([&] { return server_->counters().connections_open == 0; }));
  Release(peer);
}

TEST_F(WebSocketTest, StopClosesPeersAndIdleConnectionsAndRunReturns) {
  handlers_.on_request = [&](Request, Respond respond) { respond(Json(200, "{}")); };
  StartServer();
  Client idle(port_);
  ASSERT_TRUE(idle.Get("/"));
  Client ws(port_);
  ASSERT_TRUE(Open(ws));
  // The WebSocket client answers the server's close frame, as browsers do.
  auto close_frame = std::async(std::launch::async, [&ws] {
    auto close = ws.ReadMessage();
    if (close && close->opcode == 8 && ws.SendClose(1000) && ws.ReadUntilClosed()) ws.Close();
    return close;
  });
  EXPECT_TRUE(StopAndWaitForRunToReturn());
  auto close = close_frame.get();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 8);
  EXPECT_EQ(close->close_code(), 1001);  // going away
  EXPECT_EQ(close->close_reason(), "shutting down");
  EXPECT_TRUE(idle.ReadUntilClosed());
  EXPECT_EQ(closes_.load(), 1);
  EXPECT_EQ(server_->counters().connections_open, 0u);
  Client late(port_);  // no longer accepting
  EXPECT_FALSE(late.connected() && late.Get("/"));
}

TEST_F(ServerTest, StopLetsInFlightResponseFinish) {
  Mailbox<Respond> pending;
  handlers_.on_request = [&](Request, Respond respond) { pending.Put(std::move(respond)); };
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto respond = pending.Take();
  ASSERT_TRUE(respond);
  stopped_ = true;
  asio::post(io_, [this, respond = std::move(*respond)] {
    server_->Stop();
    respond(Json(200, R"({"done":true})"));
  });
  auto reply = client.ReadResponse();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_EQ(reply->body, R"({"done":true})");
  EXPECT_TRUE(client.ReadUntilClosed());
  client.Close();  // or the server lingers, waiting for it
  EXPECT_EQ(ran_.wait_for(kDeadline), std::future_status::ready);
}

}  // namespace
}  // namespace hotline::api::http
