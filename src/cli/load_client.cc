#include "cli/load_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

namespace hotline::cli {
namespace {

constexpr int64_t kDrainGraceNs = 30'000'000'000;
constexpr size_t kReadChunk = 64 * 1024;

Error Unavailable(std::string message) {
  return Error{ErrorCode::kUnavailable, std::move(message), ""};
}

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A blocking TCP connection with Nagle off. -1 and errno on failure.
Result<int> Connect(const Endpoint& endpoint) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(endpoint.port);
  if (::inet_pton(AF_INET, endpoint.host.c_str(), &address.sin_addr) != 1) {
    return Error::InvalidArgument("'" + endpoint.host + "' is not a numeric IPv4 address", "url");
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Unavailable(fmt::format("socket: {}", std::strerror(errno)));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    int e = errno;
    ::close(fd);
    return Unavailable(
        fmt::format("cannot connect to {}:{}: {}", endpoint.host, endpoint.port, std::strerror(e)));
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<Endpoint> ParseEndpoint(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  while (rest.ends_with("/")) rest.remove_suffix(1);
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return Error::InvalidArgument("'" + std::string(text) + "' is not http://HOST:PORT", "url");
  }
  Endpoint endpoint;
  endpoint.host = std::string(rest.substr(0, colon));
  if (endpoint.host == "localhost") endpoint.host = "127.0.0.1";
  unsigned port = 0;
  for (char c : rest.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return Error::InvalidArgument("'" + std::string(text) + "' has a bad port", "url");
    }
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port == 0 || port > 65535) {
    return Error::InvalidArgument("'" + std::string(text) + "' has a bad port", "url");
  }
  endpoint.port = static_cast<uint16_t>(port);
  return endpoint;
}

std::string RequestText(std::string_view method, std::string_view target, const Endpoint& endpoint,
                        std::string_view token, std::string_view body) {
  std::string text = fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\n", method, target, endpoint.host,
                                 endpoint.port);
  if (!token.empty()) text += fmt::format("Authorization: Bearer {}\r\n", token);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    text += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
  }
  text += "\r\n";
  text += body;
  return text;
}

// ---- ResponseReader ----

Status ResponseReader::Feed(std::string_view bytes) {
  buffer_.append(bytes);
  if (complete_) return Status::Ok();
  return Parse();
}

Status ResponseReader::Next() {
  buffer_.erase(0, consumed_);
  consumed_ = 0;
  scanned_ = 0;
  complete_ = false;
  status_ = 0;
  body_.clear();
  return Parse();
}

Status ResponseReader::Parse() {
  size_t from = scanned_ > 3 ? scanned_ - 3 : 0;
  size_t header_end = buffer_.find("\r\n\r\n", from);
  if (header_end == std::string::npos) {
    scanned_ = buffer_.size();
    if (buffer_.size() > (1 << 20)) return Error::InvalidArgument("response headers over 1 MiB");
    return Status::Ok();
  }
  std::string_view head(buffer_.data(), header_end);
  if (!head.starts_with("HTTP/1.") || head.size() < 12) {
    return Error::InvalidArgument(fmt::format("not an HTTP/1.x response: '{}'",
                                              head.substr(0, std::min<size_t>(40, head.size()))));
  }
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (head[i] < '0' || head[i] > '9') return Error::InvalidArgument("bad HTTP status line");
    status = status * 10 + (head[i] - '0');
  }
  std::optional<size_t> length;
  bool chunked = false;
  size_t line_start = head.find("\r\n");
  while (line_start != std::string_view::npos && line_start + 2 <= head.size()) {
    size_t begin = line_start + 2;
    size_t end = head.find("\r\n", begin);
    std::string_view line = head.substr(begin, end == std::string_view::npos ? end : end - begin);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = Trim(line.substr(0, colon));
      std::string_view value = Trim(line.substr(colon + 1));
      if (EqualsLower(name, "content-length")) {
        size_t n = 0;
        for (char c : value) {
          if (c < '0' || c > '9') return Error::InvalidArgument("bad Content-Length");
          n = n * 10 + static_cast<size_t>(c - '0');
        }
        length = n;
      } else if (EqualsLower(name, "transfer-encoding") &&
                 value.find("chunked") != std::string_view::npos) {
        chunked = true;
      }
    }
    line_start = end;
  }
  size_t body_start = header_end + 4;
  if (chunked) {
    std::string body;
    size_t at = body_start;
    for (;;) {
      size_t eol = buffer_.find("\r\n", at);
      if (eol == std::string::npos) return Status::Ok();
      size_t size = 0;
      for (size_t i = at; i < eol && buffer_[i] != ';'; ++i) {
        char c = buffer_[i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0) return Error::InvalidArgument("bad chunk size");
        size = size * 16 + static_cast<size_t>(digit);
      }
      if (size == 0) {
        size_t trailer_end = buffer_.find("\r\n", eol + 2);
        if (trailer_end == std::string::npos) return Status::Ok();
        // Trailers are not used by the server; an empty line ends the body.
        consumed_ = trailer_end + 2;
        break;
      }
      if (buffer_.size() < eol + 2 + size + 2) return Status::Ok();
      body.append(buffer_, eol + 2, size);
      at = eol + 2 + size + 2;
    }
    body_ = std::move(body);
  } else {
    size_t n = length.value_or(0);
    if (buffer_.size() < body_start + n) return Status::Ok();
    body_.assign(buffer_, body_start, n);
    consumed_ = body_start + n;
  }
  status_ = status;
  complete_ = true;
  return Status::Ok();
}

// ---- HttpConnection ----

Result<HttpConnection> HttpConnection::Open(const Endpoint& endpoint) {
  auto fd = Connect(endpoint);
  if (!fd.ok()) return fd.error();
  return HttpConnection(*fd, endpoint);
}

HttpConnection::HttpConnection(HttpConnection&& other) noexcept
    : fd_(other.fd_), endpoint_(std::move(other.endpoint_)), reader_(std::move(other.reader_)) {
  other.fd_ = -1;
}

HttpConnection& HttpConnection::operator=(HttpConnection&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    endpoint_ = std::move(other.endpoint_);
    reader_ = std::move(other.reader_);
    other.fd_ = -1;
  }
  return *this;
}

HttpConnection::~HttpConnection() { Close(); }

void HttpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<HttpReply> HttpConnection::Send(std::string_view method, std::string_view target,
                                       std::string_view token, std::string_view body) {
  if (fd_ < 0) return Unavailable("the connection is closed");
  if (!WriteAll(fd_, RequestText(method, target, endpoint_, token, body))) {
    Close();
    return Unavailable(
        fmt::format("sending {} {} failed: {}", method, target, std::strerror(errno)));
  }
  char chunk[kReadChunk];
  while (!reader_.complete()) {
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Close();
      return Unavailable(fmt::format("{} {}: the server closed the connection", method, target));
    }
    if (Status s = reader_.Feed(std::string_view(chunk, static_cast<size_t>(n))); !s.ok()) {
      Close();
      return s.error();
    }
  }
  HttpReply reply{reader_.status(), std::string(reader_.body())};
  if (Status s = reader_.Next(); !s.ok()) {
    Close();
    return s.error();
  }
  return reply;
}

// ---- RunLoad ----

namespace {

struct LoadConnection {
  int fd = -1;
  ResponseReader reader;
  std::string out;
  size_t out_done = 0;
  int64_t sent_ns = 0;
  bool in_flight = false;
  bool finished = false;  // next() said no more
  bool want_write = false;
};

class LoadLoop {
 public:
  LoadLoop(const Endpoint& endpoint, int64_t deadline_ns,
           const std::function<std::optional<std::string>(int)>& next,
           const std::function<void(const LoadReply&)>& on_reply)
      : endpoint_(endpoint), deadline_ns_(deadline_ns), next_(next), on_reply_(on_reply) {}

  ~LoadLoop() {
    for (auto& c : connections_) {
      if (c.fd >= 0) ::close(c.fd);
    }
    if (epoll_ >= 0) ::close(epoll_);
  }

  Result<LoadCounters> Run(int connections) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) return Unavailable(fmt::format("epoll: {}", std::strerror(errno)));
    connections_.resize(static_cast<size_t>(connections));
    for (int i = 0; i < connections; ++i) {
      if (Status s = Open(i); !s.ok()) return s.error();
    }
    for (int i = 0; i < connections; ++i) Start(i);
    std::vector<epoll_event> events(static_cast<size_t>(connections));
    char chunk[kReadChunk];
    for (;;) {
      // A live connection always has a request in flight until the deadline or until next()
      // ends it, so none in flight means the run is over.
      bool busy = false;
      for (const auto& c : connections_) busy = busy || c.in_flight;
      if (!busy || MonotonicNs() >= deadline_ns_ + kDrainGraceNs) break;
      int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 20);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Unavailable(fmt::format("epoll_wait: {}", std::strerror(errno)));
      for (int e = 0; e < n; ++e) {
        int i = static_cast<int>(events[e].data.u32);
        LoadConnection& c = connections_[i];
        if (c.fd < 0) continue;
        if (events[e].events & (EPOLLERR | EPOLLHUP)) {
          Broken(i);
          continue;
        }
        if (events[e].events & EPOLLOUT) Flush(i);
        if (c.fd >= 0 && (events[e].events & EPOLLIN)) Read(i, chunk, sizeof chunk);
      }
    }
    return counters_;
  }

 private:
  Status Open(int i) {
    auto fd = Connect(endpoint_);
    if (!fd.ok()) return fd.error();
    int flags = ::fcntl(*fd, F_GETFL, 0);
    ::fcntl(*fd, F_SETFL, flags | O_NONBLOCK);
    LoadConnection& c = connections_[i];
    c.fd = *fd;
    c.reader = ResponseReader();
    c.want_write = false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    return Status::Ok();
  }

  void Start(int i) {
    LoadConnection& c = connections_[i];
    if (c.finished || c.fd < 0 || MonotonicNs() >= deadline_ns_) return;
    std::optional<std::string> request = next_(i);
    if (!request) {
      c.finished = true;
      return;
    }
    c.out = std::move(*request);
    c.out_done = 0;
    c.in_flight = true;
    c.sent_ns = MonotonicNs();
    Flush(i);
  }

  void Flush(int i) {
    LoadConnection& c = connections_[i];
    while (c.out_done < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.out_done, c.out.size() - c.out_done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0) {
        Broken(i);
        return;
      }
      c.out_done += static_cast<size_t>(n);
    }
    bool want = c.out_done < c.out.size();
    if (want != c.want_write) {
      epoll_event ev{};
      ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
      ev.data.u32 = static_cast<uint32_t>(i);
      ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
      c.want_write = want;
    }
  }

  void Read(int i, char* chunk, size_t size) {
    LoadConnection& c = connections_[i];
    for (;;) {
      ssize_t n = ::recv(c.fd, chunk, size, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {
        Broken(i);
        return;
      }
      int64_t received = MonotonicNs();
      if (!c.reader.Feed(std::string_view(chunk, static_cast<size_t>(n))).ok()) {
        Broken(i);
        return;
      }
      while (c.reader.complete()) {
        if (c.in_flight) {
          c.in_flight = false;
          ++counters_.replies;
          on_reply_(LoadReply{i, c.reader.status(), c.reader.body(), c.sent_ns, received});
        }
        if (!c.reader.Next().ok()) {
          Broken(i);
          return;
        }
        Start(i);
        if (c.fd < 0) return;
      }
      if (static_cast<size_t>(n) < size) return;
    }
  }

  void Broken(int i) {
    LoadConnection& c = connections_[i];
    ++counters_.connection_errors;
    if (c.in_flight) {
      c.in_flight = false;
      on_reply_(LoadReply{i, 0, {}, c.sent_ns, MonotonicNs()});
    }
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    if (MonotonicNs() < deadline_ns_ && Open(i).ok()) Start(i);
  }

  const Endpoint& endpoint_;
  int64_t deadline_ns_;
  const std::function<std::optional<std::string>(int)>& next_;
  const std::function<void(const LoadReply&)>& on_reply_;
  int epoll_ = -1;
  std::vector<LoadConnection> connections_;
  LoadCounters counters_;
};

}  // namespace

Result<LoadCounters> RunLoad(const Endpoint& endpoint, int connections, int64_t deadline_ns,
                             const std::function<std::optional<std::string>(int)>& next,
                             const std::function<void(const LoadReply&)>& on_reply) {
  LoadLoop loop(endpoint, deadline_ns, next, on_reply);
  return loop.Run(connections);
}

// ---- EventStream ----

std::vector<std::string_view> FrameEvents(std::string_view frame) {
  constexpr std::string_view kStart = R"({"events":[)";
  std::vector<std::string_view> events;
  if (frame.substr(0, kStart.size()) != kStart) return events;
  int depth = 0;  // of the objects inside the array
  size_t event_start = 0;
  for (size_t i = kStart.size(); i < frame.size(); ++i) {
    char c = frame[i];
    if (c == '"') {  // skip the string, escapes included
      for (++i; i < frame.size() && frame[i] != '"'; ++i) {
        if (frame[i] == '\\') ++i;
      }
    } else if (c == '{' || c == '[') {
      if (depth++ == 0) event_start = i;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return events;  // the end of the array
      if (--depth == 0) events.push_back(frame.substr(event_start, i + 1 - event_start));
    }
  }
  return {};  // cut short
}

Result<std::unique_ptr<EventStream>> EventStream::Open(const Endpoint& endpoint,
                                                       const std::string& target,
                                                       OnMessage on_message) {
  auto fd = Connect(endpoint);
  if (!fd.ok()) return fd.error();
  // The key is fixed: the bench does not need to prove the server speaks WebSocket (RFC 6455
  // section 4.1 asks for a random one against caching intermediaries; there are none here).
  std::string handshake = fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}:{}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      target, endpoint.host, endpoint.port);
  if (!WriteAll(*fd, handshake)) {
    ::close(*fd);
    return Unavailable("sending the WebSocket handshake failed");
  }
  std::string got;
  char chunk[4096];
  size_t end = std::string::npos;
  while ((end = got.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(*fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || got.size() > (64 << 10)) {
      ::close(*fd);
      return Unavailable("the server closed the connection during the WebSocket handshake");
    }
    got.append(chunk, static_cast<size_t>(n));
  }
  if (!got.starts_with("HTTP/1.1 101")) {
    ::close(*fd);
    return Unavailable("WebSocket handshake refused: " + got.substr(0, got.find("\r\n")));
  }
  std::unique_ptr<EventStream> stream(new EventStream(*fd, std::move(on_message)));
  std::string rest = got.substr(end + 4);
  EventStream* raw = stream.get();
  stream->thread_ =
      std::thread([raw, rest = std::move(rest)]() mutable { raw->ReadLoop(std::move(rest)); });
  return stream;
}

EventStream::~EventStream() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

std::string EventStream::error() const { return failed_.load() ? error_ : std::string(); }

void EventStream::Fail(std::string why) {
  if (failed_.load()) return;
  error_ = std::move(why);
  failed_ = true;
}

void EventStream::ReadLoop(std::string pending) {
  std::string message;
  size_t at = 0;  // parsed up to here in `pending`
  int64_t received = MonotonicNs();
  std::vector<char> chunk(kReadChunk);
  for (;;) {
    // Frames (RFC 6455 section 5.2): the server's are unmasked.
    for (;;) {
      size_t avail = pending.size() - at;
      if (avail < 2) break;
      const auto* p = reinterpret_cast<const unsigned char*>(pending.data() + at);
      bool fin = (p[0] & 0x80) != 0;
      int opcode = p[0] & 0x0f;
      bool masked = (p[1] & 0x80) != 0;
      uint64_t length = p[1] & 0x7f;
      size_t header = 2;
      if (length == 126) {
        if (avail < 4) break;
        length = (uint64_t{p[2]} << 8) | p[3];
        header = 4;
      } else if (length == 127) {
        if (avail < 10) break;
        length = 0;
        for (int i = 0; i < 8; ++i) length = (length << 8) | p[2 + i];
        header = 10;
      }
      size_t mask_at = header;
      if (masked) header += 4;
      if (avail < header + length) break;
      std::string payload(pending.data() + at + header, length);
      if (masked) {
        for (size_t i = 0; i < payload.size(); ++i)
          payload[i] ^= static_cast<char>(p[mask_at + i % 4]);
      }
      at += header + length;
      if (opcode == 0x8) {
        Fail("closed by the server: " + (payload.size() > 2 ? payload.substr(2) : std::string()));
        return;
      }
      if (opcode == 0x9) {  // ping: answer with a masked pong carrying the same payload
        std::string pong;
        pong += static_cast<char>(0x8a);
        pong += static_cast<char>(0x80 | static_cast<int>(std::min<size_t>(payload.size(), 125)));
        const char mask[4] = {0x1b, 0x2c, 0x3d, 0x4e};
        pong.append(mask, 4);
        for (size_t i = 0; i < payload.size() && i < 125; ++i) pong += payload[i] ^ mask[i % 4];
        WriteAll(fd_, pong);
        continue;
      }
      if (opcode == 0xa) continue;
      message += payload;
      if (fin) {
        ++messages_;
        on_message_(message, received);
        message.clear();
      }
    }
    if (at > 0 && at == pending.size()) {
      pending.clear();
      at = 0;
    } else if (at > (1 << 20)) {
      pending.erase(0, at);
      at = 0;
    }
    if (stop_) return;
    pollfd pfd{fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 50);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Fail("the server closed the stream connection");
      return;
    }
    received = MonotonicNs();
    ++reads_;
    bytes_ += static_cast<uint64_t>(n);
    pending.append(chunk.data(), static_cast<size_t>(n));
  }
}

}  // namespace hotline::cli
