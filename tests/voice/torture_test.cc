// Bad SIP input never crashes the server nor leaks a call (RFC 4475-style torture messages).
//
// Each file in tests/voice/torture/ is one message of our own, modelled on RFC 4475's categories;
// its first line says what it tests and what the server must do:
//
//   # expect: 400 | over: udp+tcp | INVITE without Call-ID (mandatory): 400, no call
//
// expect: a final status, or `none` (nothing comes back: an OPTIONS sent after it on the same
// socket is answered first). over: udp, tcp, both, or tcp-cut (the connection is closed after the
// first third of the bytes). The rest of the file is the message (LF written as CRLF) with
// placeholders: @HOST@ @PORT@ (the server), @LOCAL@ (our socket), @TRANSPORT@, @CALL_ID@,
// @BRANCH@, @TAG@ (unique per message), @DEAD_PORT@ (nobody listens), @NUL@ (a NUL byte), @LONG@
// (4,000 characters), @LEN@ (the body's length), @FILL:N@ (filler in the headers making the
// message N bytes).
//
// Every message is sent from a raw POSIX socket; an INVITE answered 200 gets our ACK and BYE (the
// BYE must get 200). After each message the server answers OPTIONS; after all of them every call
// slot is free again (max_calls 3: three calls at once are answered), a sipp caller still goes
// through the menu into a queue and hangs up, every interaction ended, the log has no error line
// and the server stops cleanly.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/wait.h"
#include "voice/sipp_process.h"
#include "voice/voice_server.h"

namespace hotline::itest {
namespace {

using std::chrono::milliseconds;

constexpr const char* kHost = "127.0.0.1";

struct TortureCase {
  std::string file;
  std::string expect;  // "200", "400"... or "none"
  std::vector<std::string> over;
  std::string description;
  std::string text;  // the message template, CRLF line ends
};

TortureCase ReadCase(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), {});
  TortureCase c;
  c.file = path.filename().string();
  std::string head = raw.substr(0, raw.find('\n'));
  std::smatch m;
  if (std::regex_search(head, m, std::regex(R"(expect: (\S+) \| over: (\S+) \| (.*))"))) {
    c.expect = m[1];
    c.description = m[3];
    std::istringstream over(m[2].str());
    for (std::string t; std::getline(over, t, '+');) c.over.push_back(t);
  }
  for (size_t i = head.size() + 1; i < raw.size(); ++i) {
    if (raw[i] == '\n') c.text += '\r';
    c.text += raw[i];
  }
  return c;
}

// The cases whose file names start with `prefix`, in name order.
std::vector<TortureCase> Cases(const std::string& prefix) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kVoiceTests / "torture")) {
    auto name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".sip")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<TortureCase> out;
  for (const auto& f : files) out.push_back(ReadCase(f));
  return out;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// A SIP message that came back; only responses are kept.
struct Reply {
  int status = 0;
  std::string text;

  std::string StatusLine() const { return text.substr(0, text.find("\r\n")); }
  // The first value of the header `name` (or its compact form), trimmed; empty when absent.
  std::string Header(std::string_view name, std::string_view compact) const {
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line) && line != "\r") {
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string key = line.substr(0, colon);
      key.erase(key.find_last_not_of(" \t") + 1);
      auto same = [&](std::string_view want) {
        return std::equal(key.begin(), key.end(), want.begin(), want.end(),
                          [](char a, char b) { return std::tolower(a) == std::tolower(b); });
      };
      if (!same(name) && !same(compact)) continue;
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t\r") + 1);
      return value;
    }
    return {};
  }
  std::string CSeqMethod() const {
    auto cseq = Header("CSeq", "CSeq");
    return cseq.substr(cseq.find(' ') + 1);
  }
};

// One raw UDP or TCP socket to the server: sends bytes, collects responses.
class SipSocket {
 public:
  SipSocket(bool tcp, uint16_t server_port) : tcp_(tcp) {
    fd_ = ::socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    addr.sin_port = htons(server_port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    local_port_ = ntohs(addr.sin_port);
  }
  ~SipSocket() { Close(); }
  SipSocket(const SipSocket&) = delete;
  SipSocket& operator=(const SipSocket&) = delete;

  bool ok() const { return local_port_ != 0; }
  std::string local() const { return std::string(kHost) + ":" + std::to_string(local_port_); }
  const char* transport() const { return tcp_ ? "TCP" : "UDP"; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // The next response (any status) for `call_id` (or one without a Call-ID), within `deadline`.
  std::optional<Reply> Next(const std::string& call_id, milliseconds deadline) {
    std::optional<Reply> found;
    auto take = [&] {
      Pump();
      while (!replies_.empty() && !found) {
        Reply r = std::move(replies_.front());
        replies_.pop_front();
        auto id = r.Header("Call-ID", "i");  // a test may add to @CALL_ID@
        if (id.empty() || id.starts_with(call_id)) found = std::move(r);
      }
      return found.has_value();
    };
    (void)WaitUntil(take, deadline);
    return found;
  }
  // The final response (200-699) to `method` for `call_id`; provisional ones are passed over.
  std::optional<Reply> Final(const std::string& call_id, const std::string& method,
                             milliseconds deadline = milliseconds(15'000)) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      auto left =
          std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
      auto r = Next(call_id, left);
      if (!r) return r;
      auto got = r->CSeqMethod();
      if (r->status >= 200 && (got.empty() || method.empty() || got == method)) return r;
    }
    return std::nullopt;
  }
  // Every response read so far that nobody took.
  std::vector<Reply> Drain() {
    Pump();
    std::vector<Reply> out(replies_.begin(), replies_.end());
    replies_.clear();
    return out;
  }

 private:
  // Reads what is there without blocking and splits it into messages.
  void Pump() {
    char buffer[70'000];
    while (fd_ >= 0) {
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n <= 0) break;
      if (tcp_) {
        stream_.append(buffer, static_cast<size_t>(n));
      } else {
        Keep(std::string(buffer, static_cast<size_t>(n)));
      }
    }
    while (tcp_) {  // framing: headers, then Content-Length bytes
      stream_.erase(0, stream_.find_first_not_of("\r\n"));
      auto end = stream_.find("\r\n\r\n");
      if (end == std::string::npos) break;
      Reply probe{0, stream_.substr(0, end + 2)};
      size_t body = std::strtoul(probe.Header("Content-Length", "l").c_str(), nullptr, 10);
      if (stream_.size() < end + 4 + body) break;
      Keep(stream_.substr(0, end + 4 + body));
      stream_.erase(0, end + 4 + body);
    }
  }
  void Keep(std::string message) {
    if (!message.starts_with("SIP/2.0 ")) return;  // requests from the server are not ours
    replies_.push_back(Reply{std::atoi(message.c_str() + 8), std::move(message)});
  }

  bool tcp_;
  int fd_ = -1;
  uint16_t local_port_ = 0;
  std::string stream_;
  std::deque<Reply> replies_;
};

class TortureTest : public ::testing::Test {
 protected:
  static constexpr int kMaxCalls = 3;

  void SetUp() override {
    dead_port_ = FreePort();
    ASSERT_TRUE(server_.Start({{"MAX_CALLS", std::to_string(kMaxCalls)}}));
    sip_port_ = server_.sip_port();
  }

  std::string ServerLog() { return server_.Log(); }

  // The message of `c` for `socket`, placeholders filled; `call_id` gets its Call-ID.
  std::string Message(const TortureCase& c, const SipSocket& socket, std::string* call_id) {
    ++serial_;
    std::string n = std::to_string(serial_);
    *call_id = "torture-" + n + "-" + std::to_string(::getpid());
    std::string text = c.text;
    for (const auto& [key, value] :
         std::map<std::string, std::string>{{"@HOST@", kHost},
                                            {"@PORT@", std::to_string(sip_port_)},
                                            {"@LOCAL@", socket.local()},
                                            {"@TRANSPORT@", socket.transport()},
                                            {"@CALL_ID@", *call_id},
                                            {"@BRANCH@", "z9hG4bK-torture-" + n},
                                            {"@TAG@", "torture-tag-" + n},
                                            {"@DEAD_PORT@", std::to_string(dead_port_)},
                                            {"@NUL@", std::string(1, '\0')},
                                            {"@LONG@", std::string(4000, 'L')}}) {
      ReplaceAll(text, key, value);
    }
    auto body = text.find("\r\n\r\n");
    size_t len = body == std::string::npos ? 0 : text.size() - body - 4;
    ReplaceAll(text, "@LEN@", std::to_string(len));
    std::smatch fill;  // in the headers: the body's length does not change
    if (std::regex_search(text, fill, std::regex("@FILL:([0-9]+)@"))) {
      size_t want = std::stoul(fill[1]);
      size_t rest = text.size() - static_cast<size_t>(fill.length(0));
      text.replace(static_cast<size_t>(fill.position(0)), static_cast<size_t>(fill.length(0)),
                   std::string(want > rest ? want - rest : 0, 'x'));
    }
    return text;
  }

  // ACK (and for a 2xx, BYE) for the final response `r` to our INVITE.
  void EndInvite(SipSocket& socket, const Reply& r) {
    std::string call_id = r.Header("Call-ID", "i");
    std::string cseq = r.Header("CSeq", "CSeq");
    if (call_id.empty() || cseq.empty()) return;  // nothing to build an ACK from
    long number = std::atol(cseq.c_str());
    std::string contact = r.Header("Contact", "m");
    auto open = contact.find('<');
    std::string uri = open == std::string::npos
                          ? "sip:" + std::string(kHost) + ":" + std::to_string(sip_port_)
                          : contact.substr(open + 1, contact.find('>') - open - 1);
    auto request = [&](const std::string& method, long seq) {
      return method + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/" + socket.transport() + " " +
             socket.local() + ";branch=z9hG4bK-torture-" + method + std::to_string(++serial_) +
             "\r\nFrom: " + r.Header("From", "f") + "\r\nTo: " + r.Header("To", "t") +
             "\r\nCall-ID: " + call_id + "\r\nCSeq: " + std::to_string(seq) + " " + method +
             "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    };
    ASSERT_TRUE(socket.Send(request("ACK", number)));
    if (r.status < 200 || r.status >= 300) return;
    ASSERT_TRUE(socket.Send(request("BYE", number + 1)));
    auto bye = socket.Final(call_id, "BYE");
    ASSERT_TRUE(bye) << "no answer to our BYE\n" << ServerLog();
    EXPECT_EQ(bye->status, 200) << bye->StatusLine();
  }

  // OPTIONS on `socket` is answered 200; the responses that came before it are returned.
  std::vector<Reply> ExpectOptionsAnswered(SipSocket& socket) {
    std::string n = std::to_string(++serial_);
    std::string call_id = "torture-probe-" + n;
    std::string options = "OPTIONS sip:" + std::string(kHost) + ":" + std::to_string(sip_port_) +
                          " SIP/2.0\r\nVia: SIP/2.0/" + socket.transport() + " " + socket.local() +
                          ";branch=z9hG4bK-probe-" + n + "\r\nFrom: <sip:probe@" + socket.local() +
                          ">;tag=p" + n + "\r\nTo: <sip:" + std::string(kHost) + ":" +
                          std::to_string(sip_port_) + ">\r\nCall-ID: " + call_id +
                          "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    EXPECT_TRUE(socket.Send(options));
    std::vector<Reply> before;
    std::optional<Reply> answer;
    EXPECT_TRUE(WaitUntil(
        [&] {
          for (auto& r : socket.Drain()) {
            if (r.Header("Call-ID", "i") == call_id) {
              answer = r;
            } else if (!answer) {
              before.push_back(r);
            }
          }
          return answer.has_value();
        },
        milliseconds(10'000)))
        << "the server no longer answers OPTIONS\n"
        << ServerLog();
    if (answer) {
      EXPECT_EQ(answer->status, 200) << answer->StatusLine();
    }
    return before;
  }

  void Run(const TortureCase& c, const std::string& over) {
    SCOPED_TRACE(c.file + " over " + over + ": " + c.description);
    ASSERT_FALSE(c.expect.empty()) << "no '# expect: ... | over: ... | ...' line";
    SipSocket socket(over != "udp", sip_port_);
    ASSERT_TRUE(socket.ok()) << std::strerror(errno);
    std::string call_id;
    std::string message = Message(c, socket, &call_id);
    if (over == "tcp-cut") {
      ASSERT_TRUE(socket.Send(std::string_view(message).substr(0, message.size() / 3)));
      socket.Close();
    } else {
      ASSERT_TRUE(socket.Send(message)) << std::strerror(errno);
    }
    if (c.expect != "none") {
      auto reply = socket.Final(call_id, "");
      ASSERT_TRUE(reply) << "no final response\n" << ServerLog();
      EXPECT_EQ(std::to_string(reply->status), c.expect) << reply->StatusLine();
      // The reason phrase is text (it once came out of freed memory).
      EXPECT_TRUE(std::regex_match(reply->StatusLine(), std::regex("SIP/2\\.0 [0-9]{3} [ -~]*")))
          << reply->StatusLine();
      if (message.starts_with("INVITE")) EndInvite(socket, *reply);
    }
    SipSocket udp(false, sip_port_);
    SipSocket& probe = over == "udp" ? socket : udp;  // on UDP the probe's answer comes last
    auto before = ExpectOptionsAnswered(probe);
    if (c.expect == "none") {
      if (over != "udp") before = socket.Drain();
      for (const auto& r : before) {
        if (auto id = r.Header("Call-ID", "i"); id.empty() || id.starts_with(call_id)) {
          ADD_FAILURE() << "expected no response, got " << r.StatusLine();
        }
      }
    }
  }

  void RunAll(const std::string& prefix) {
    auto cases = Cases(prefix);
    ASSERT_GE(cases.size(), 10u);
    for (const auto& c : cases) {
      for (const auto& over : c.over) Run(c, over);
    }
  }

  // Three calls at once are answered: no call slot was leaked. Each round calls three times and
  // ends what it got; a call of an earlier message that is still ending makes a 503 and a retry.
  void ExpectEveryCallSlotFree() {
    auto normal = ReadCase(kVoiceTests / "torture" / "normal_call.sip");
    int answered = 0;
    bool all = WaitUntil(
        [&] {
          std::vector<std::pair<std::unique_ptr<SipSocket>, Reply>> calls;
          for (int i = 0; i < kMaxCalls; ++i) {
            auto socket = std::make_unique<SipSocket>(false, sip_port_);
            std::string call_id;
            if (!socket->Send(Message(normal, *socket, &call_id))) break;
            auto r = socket->Final(call_id, "INVITE");
            if (!r) break;
            calls.emplace_back(std::move(socket), *r);
            if (r->status != 200) break;
          }
          answered = static_cast<int>(std::count_if(
              calls.begin(), calls.end(), [](const auto& c) { return c.second.status == 200; }));
          for (auto& [socket, reply] : calls) EndInvite(*socket, reply);
          return answered == kMaxCalls;
        },
        milliseconds(90'000));
    EXPECT_TRUE(all) << answered << " of " << kMaxCalls << " calls at once answered\n"
                     << ServerLog();
  }

  // A sipp caller presses 2 (sales queue) and hangs up after 3 s of waiting: abandoned.
  void ExpectNormalCallWorks() {
    auto scenario = dir_.path() / "caller.xml";
    const std::string press_two =
        R"(<pause milliseconds="1500"/><nop><action><exec )"
        R"(play_pcap_audio="/usr/share/sip-tester/dtmf_2833_2.pcap"/></action></nop>)";
    std::ifstream hang_up(kVoiceTests / "baresip" /
                          "hangup.xml");  // the caller's BYE after @HOLD_MS@
    Fill(kVoiceTests / "scenarios" / "caller.xml", scenario,
         {{"ACTIONS", press_two},
          {"END_BLOCK", std::string((std::istreambuf_iterator<char>(hang_up)), {})}});
    Fill(scenario, scenario, {{"HOLD_MS", "3000"}});
    SippProcess caller(
        "caller",
        {std::string(kHost) + ":" + std::to_string(sip_port_), "-sf", scenario.string(), "-s",
         "2000", "-i", kHost, "-p", std::to_string(FreePort()), "-mp",
         std::to_string(FreePort(true)), "-m", "1"},
        dir_.path());
    ASSERT_TRUE(caller.Start());
    EXPECT_EQ(caller.Wait(milliseconds(60'000)), 0) << caller.Output() << ServerLog();
  }

  // Every interaction created ended (abandoned or completed), and at least one was created.
  void ExpectNoInteractionLeft() {
    HttpClient& http = server_.http();
    const std::string& token = server_.token();
    std::set<uint64_t> created, ended;
    uint64_t after = 0;  // the event log is read page by page, once
    bool settled = WaitUntil(
        [&] {
          for (bool more = true; more;) {
            auto r = http.Get("/api/v1/events?limit=1000&after=" + std::to_string(after), token);
            if (r.status != 200) return false;
            auto page = r.Json()["events"];
            more = !page.empty();
            for (const auto& e : page) {
              after = e.at("seq").get<uint64_t>();
              std::string type = e.at("type");
              bool start = type == "interaction.created";
              if (start || type == "interaction.abandoned" || type == "interaction.completed") {
                (start ? created : ended).insert(e.at("data").at("interaction").get<uint64_t>());
              }
            }
          }
          return !created.empty() &&
                 std::includes(ended.begin(), ended.end(), created.begin(), created.end());
        },
        milliseconds(30'000));
    EXPECT_TRUE(settled) << created.size() << " interactions created, " << ended.size()
                         << " ended\n"
                         << ServerLog();
  }

  // What must hold after any amount of bad input.
  void ExpectServerUnharmed() {
    SipSocket udp(false, sip_port_);
    ExpectOptionsAnswered(udp);
    ExpectEveryCallSlotFree();
    ExpectNormalCallWorks();
    ExpectNoInteractionLeft();
    std::string log = server_.process().Log(1 << 20);
    EXPECT_FALSE(std::regex_search(log, std::regex("(^|\n)error"))) << log;
    EXPECT_EQ(server_.process().Stop(), 0) << "the server did not stop cleanly\n" << ServerLog();
  }

  TempDir dir_{"hotline-torture-"};
  VoiceServer server_{dir_.path()};
  uint16_t sip_port_ = 0;
  uint16_t dead_port_ = 0;
  int serial_ = 0;
};

// Whitespace and folding, compact forms, escapes, unknown headers and schemes, several values,
// long values, unusual Content-Length, stray ACK and response, keep-alives: all handled.
TEST_F(TortureTest, ValidButOddMessagesAreHandled) {
  RunAll("valid_");
  ExpectServerUnharmed();
}

// Missing headers, bad Content-Length, CSeq, version, quotes, Request-URIs, NUL bytes, oversized
// and cut messages, garbage, a Via pointing nowhere: refused or dropped, never a crash or a leak.
TEST_F(TortureTest, InvalidMessagesAreRefusedOrDropped) {
  RunAll("invalid_");
  ExpectServerUnharmed();
}

}  // namespace
}  // namespace hotline::itest
