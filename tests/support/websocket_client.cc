#include "support/websocket_client.h"

#include <openssl/evp.h>

#include <array>
#include <random>

namespace hotline::itest {
namespace {

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// RFC 6455 section 4.2.2: base64(SHA-1(key + GUID)).
std::string AcceptFor(const std::string& key) {
  std::string text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha1(), nullptr);
  return Base64(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

}  // namespace

HttpResponse WebSocketClient::Open(uint16_t port, const std::string& target,
                                   const std::string& bearer, Millis deadline) {
  Close();
  error_.clear();
  if (!connection_.Connect(port)) {
    error_ = connection_.error();
    return {};
  }
  std::random_device random;
  std::string nonce;
  for (int i = 0; i < 16; ++i) nonce += static_cast<char>(random() & 0xff);
  std::string key = Base64(nonce);
  std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
      "\r\nSec-WebSocket-Version: 13\r\n";
  if (!bearer.empty()) request += "Authorization: Bearer " + bearer + "\r\n";
  request += "\r\n";
  if (!connection_.SendAll(request)) {
    error_ = connection_.error();
    Close();
    return {};
  }
  auto response = connection_.ReadResponse(Clock::now() + deadline);
  if (!response) {
    error_ = connection_.error();
    Close();
    return {};
  }
  if (response->status != 101) {
    Close();
    return std::move(*response);
  }
  if (response->Header("sec-websocket-accept") != AcceptFor(key)) {
    error_ = "wrong Sec-WebSocket-Accept: '" + response->Header("sec-websocket-accept") + "'";
    Close();
    return {};
  }
  open_ = true;
  return std::move(*response);
}

std::optional<WebSocketMessage> WebSocketClient::Receive(Millis timeout) {
  auto deadline = Clock::now() + timeout;
  WebSocketMessage message;
  bool started = false;
  std::string& buffer = connection_.buffered();
  while (true) {
    if (!connection_.FillTo(2, deadline)) break;
    const auto b0 = static_cast<unsigned char>(buffer[0]);
    const auto b1 = static_cast<unsigned char>(buffer[1]);
    size_t header = 2;
    uint64_t length = b1 & 0x7f;
    if (length == 126) {
      header = 4;
      if (!connection_.FillTo(header, deadline)) break;
      length = (uint64_t(uint8_t(buffer[2])) << 8) | uint8_t(buffer[3]);
    } else if (length == 127) {
      header = 10;
      if (!connection_.FillTo(header, deadline)) break;
      length = 0;
      for (size_t i = 2; i < 10; ++i) length = (length << 8) | uint8_t(buffer[i]);
    }
    if (b1 & 0x80) {
      error_ = "the server masked a frame (RFC 6455 section 5.1 forbids it)";
      return std::nullopt;
    }
    if (!connection_.FillTo(header + length, deadline)) break;
    std::string payload = buffer.substr(header, length);
    buffer.erase(0, header + length);
    const int opcode = b0 & 0x0f;
    if (opcode == 9) {  // ping: answer with the same payload
      SendFrame(10, payload);
      continue;
    }
    if (opcode == 10) continue;  // an unsolicited pong
    if (opcode == 8) {
      WebSocketMessage close;
      close.kind = WebSocketMessage::Kind::kClose;
      if (payload.size() >= 2) {
        close.close_code = (uint8_t(payload[0]) << 8) | uint8_t(payload[1]);
        close.payload = payload.substr(2);
      }
      open_ = false;
      return close;
    }
    if (!started) {
      message.kind = opcode == 2 ? WebSocketMessage::Kind::kBinary : WebSocketMessage::Kind::kText;
      started = true;
    }
    message.payload += payload;
    if (b0 & 0x80) return message;
  }
  error_ = connection_.error();
  if (!connection_.connected() || error_ != "no data before the deadline") open_ = false;
  return std::nullopt;
}

std::vector<std::string> WebSocketClient::ReceiveTexts(size_t count, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  std::vector<std::string> texts;
  while (texts.size() < count) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    if (left <= Millis(0)) break;
    auto message = Receive(left);
    if (!message || message->is_close()) break;
    if (message->kind == WebSocketMessage::Kind::kText) texts.push_back(message->payload);
  }
  return texts;
}

bool WebSocketClient::SendFrame(int opcode, std::string_view payload) {
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
      frame += static_cast<char>((uint64_t(payload.size()) >> shift) & 0xff);
    }
  }
  std::random_device random;
  char mask[4];
  for (char& m : mask) m = static_cast<char>(random() & 0xff);
  frame.append(mask, 4);
  for (size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  if (!connection_.SendAll(frame)) {
    error_ = connection_.error();
    return false;
  }
  return true;
}

bool WebSocketClient::SendText(std::string_view text) { return open_ && SendFrame(1, text); }

bool WebSocketClient::SendClose(int code, std::string_view reason) {
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xff);
  payload += reason;
  return SendFrame(8, payload);
}

void WebSocketClient::Close() {
  connection_.Close();
  open_ = false;
}

}  // namespace hotline::itest
