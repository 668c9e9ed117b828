// Server tests: a real Server on port 0, its io_context run by a background thread, and the
// blocking clients of tests/support on POSIX sockets (no Beast here, so this file compiles quickly
// and the server is checked against an independent HTTP/WebSocket implementation). Every wait has
// a deadline: socket reads time out after kDeadline, futures are waited for with wait_for.
#include "api/http/server.h"

#include <gtest/gtest.h>

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

#include "support/connection.h"
#include "support/websocket_client.h"

namespace hotline::api::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using itest::HttpResponse;
using itest::WebSocketClient;
using itest::WebSocketMessage;

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

// One raw HTTP/1.1 connection (tests/support's Connection): requests written as text, so a test
// can send malformed or unusual ones; responses read with kDeadline.
class Client {
 public:
  explicit Client(uint16_t port) { connection_.Connect(port); }

  bool connected() const { return connection_.connected(); }
  void Close() { connection_.Close(); }
  bool Send(std::string_view bytes) { return connection_.SendAll(bytes); }
  // One response; `head_only`: the answer to a HEAD request, whose Content-Length has no body.
  std::optional<HttpResponse> ReadResponse(bool head_only = false) {
    return connection_.ReadResponse(itest::Clock::now() + kDeadline, head_only);
  }
  std::optional<HttpResponse> Get(const std::string& target) {
    if (!Send("GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n")) return std::nullopt;
    return ReadResponse();
  }
  // A WebSocket upgrade request and its answer, on this connection (WebSocketClient closes a
  // refused one itself; this one stays, to see what the server does).
  std::optional<HttpResponse> Upgrade(const std::string& target) {
    if (!Send("GET " + target +
              " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")) {
      return std::nullopt;
    }
    return ReadResponse();
  }
  // True when the server closed the connection (end of stream or reset) before the deadline;
  // any bytes still arriving are discarded.
  bool ReadUntilClosed() { return connection_.ReadUntilClosed(itest::Clock::now() + kDeadline); }

 private:
  itest::Connection connection_;
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
  EXPECT_EQ(reply->Header("content-type"), "application/json");
  EXPECT_EQ(reply->Header("content-length"), "11");
  EXPECT_EQ(reply->Header("x-request-id"), "r-1");
  EXPECT_EQ(reply->Header("connection"), "");  // HTTP/1.1: keep-alive is the default
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
  EXPECT_EQ(reply->Header("connection"), "close");
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
  EXPECT_EQ(reply->Header("content-type"), "application/json");
  EXPECT_EQ(reply->Header("connection"), "close");
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
  EXPECT_EQ(head->Header("content-length"), "5");
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
  std::shared_ptr<WebSocketPeer> Open(WebSocketClient& client,
                                      const std::string& target = "/stream") {
    HttpResponse reply = client.Open(port_, target);
    EXPECT_EQ(reply.status, 101) << client.error();
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
  auto reply = client.Upgrade("/api/v1/stream");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->body, R"({"error":{"code":"unauthenticated","message":"no token"}})");
  EXPECT_TRUE(client.ReadUntilClosed());
  EXPECT_EQ(peers_.size(), 0u);
  EXPECT_EQ(server_->counters().websocket_open, 0u);
}

TEST_F(WebSocketTest, PeerReceivesSentMessagesInOrder) {
  StartServer();
  WebSocketClient client;
  auto peer = Open(client, "/api/v1/stream?after=3");
  ASSERT_TRUE(peer);
  EXPECT_EQ(targets_.Take(), "/api/v1/stream?after=3");
  EXPECT_EQ(server_->counters().websocket_open, 1u);
  const std::string big(100000, 'b');  // far over Beast's 4 KiB write buffer, still one message
  OnIo([&] {
    EXPECT_TRUE(peer->open());
    peer->Send("one");
    peer->Send(big);
    peer->Send("three");
    return 0;
  });
  for (const std::string& expected : {std::string("one"), big, std::string("three")}) {
    auto message = client.Receive();
    ASSERT_TRUE(message);
    EXPECT_EQ(message->kind, WebSocketMessage::Kind::kText);
    EXPECT_EQ(message->payload, expected);
  }
  // The last write's completion may run just after the client has read its bytes.
  EXPECT_TRUE(WaitUntil([&] { return peer->queued_bytes() == 0; }))
      << OnIo([&] { return peer->queued_bytes(); });
}

TEST_F(WebSocketTest, ClientTextMessagesReachOnMessage) {
  StartServer();
  WebSocketClient client;
  ASSERT_TRUE(Open(client));
  ASSERT_TRUE(client.SendText("hello"));
  ASSERT_TRUE(client.SendText("again"));
  EXPECT_EQ(messages_.Take(), "hello");
  EXPECT_EQ(messages_.Take(), "again");
}

TEST_F(WebSocketTest, ClientCloseCallsOnCloseOnce) {
  StartServer();
  WebSocketClient client;
  auto peer = Open(client);
  ASSERT_TRUE(peer);
  ASSERT_TRUE(client.SendClose(1000, "bye"));
  auto reply = client.Receive();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->is_close());
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
  WebSocketClient client;
  auto peer = Open(client);
  ASSERT_TRUE(peer);
  OnIo([&] {
    peer->Send("last words");
    peer->Close("done");
    EXPECT_FALSE(peer->open());
    return 0;
  });
  auto message = client.Receive();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->payload, "last words");
  auto close = client.Receive();
  ASSERT_TRUE(close);
  EXPECT_TRUE(close->is_close());
  EXPECT_EQ(close->close_code, 1000);
  EXPECT_EQ(close->payload, "done");
  ASSERT_TRUE(client.SendClose(1000));
  EXPECT_TRUE(client.ReadUntilClosed());
  client.Close();
  EXPECT_TRUE(closed_.Take());
  EXPECT_EQ(closes_.load(), 1);
  Release(peer);
}

TEST_F(WebSocketTest, MessageOver64KiBClosesPeer) {
  StartServer();
  WebSocketClient client;
  ASSERT_TRUE(Open(client));
  ASSERT_TRUE(client.SendText(std::string((64 << 10) + 1, 'x')));
  auto close = client.Receive();
  ASSERT_TRUE(close);
  EXPECT_TRUE(close->is_close());
  EXPECT_EQ(close->close_code, 1009);  // message too big
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
  WebSocketClient client;
  auto peer = Open(client);
  ASSERT_TRUE(peer);
  client.connection().SetReceiveBuffer(4096);
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
  WebSocketClient ws;
  ASSERT_TRUE(Open(ws));
  // The WebSocket client answers the server's close frame, as browsers do.
  auto close_frame = std::async(std::launch::async, [&ws] {
    auto close = ws.Receive();
    if (close && close->is_close() && ws.SendClose(1000) && ws.ReadUntilClosed()) ws.Close();
    return close;
  });
  EXPECT_TRUE(StopAndWaitForRunToReturn());
  auto close = close_frame.get();
  ASSERT_TRUE(close);
  EXPECT_TRUE(close->is_close());
  EXPECT_EQ(close->close_code, 1001);  // going away
  EXPECT_EQ(close->payload, "shutting down");
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
  EXPECT_EQ(reply->Header("connection"), "close");
  EXPECT_EQ(reply->body, R"({"done":true})");
  EXPECT_TRUE(client.ReadUntilClosed());
  client.Close();  // or the server lingers, waiting for it
  EXPECT_EQ(ran_.wait_for(kDeadline), std::future_status::ready);
}

}  // namespace
}  // namespace hotline::api::http
