#include "support/http_client.h"

namespace hotline::itest {

HttpResponse HttpClient::Send(const HttpRequest& request) {
  error_.clear();
  // A connection the server closed (after an error response, or idle) is replaced before the
  // request goes out, so nothing is sent twice.
  if (!connection_.connected() || connection_.PeerClosed()) {
    if (!connection_.Connect(port_)) {
      error_ = connection_.error();
      return {};
    }
  }
  std::string text = request.method + " " + request.target +
                     " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  if (!request.bearer.empty()) text += "Authorization: Bearer " + request.bearer + "\r\n";
  for (const auto& [name, value] : request.headers) text += name + ": " + value + "\r\n";
  if (!request.body.empty()) text += "Content-Type: " + request.content_type + "\r\n";
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    text += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  text += "\r\n";
  text += request.body;
  auto deadline = Clock::now() + deadline_;
  // The server may answer (413) and stop reading before the whole body is sent: the response
  // can still be read.
  bool sent = connection_.SendAll(text);
  auto response = connection_.ReadResponse(deadline, request.method == "HEAD");
  if (!response) {
    error_ = sent ? connection_.error() : "send failed, then: " + connection_.error();
    connection_.Close();
    return {};
  }
  if (response->Header("connection") == "close") connection_.Close();
  return std::move(*response);
}

namespace {

HttpRequest Make(std::string method, std::string target, std::string body, std::string bearer) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  request.bearer = std::move(bearer);
  return request;
}

}  // namespace

HttpResponse HttpClient::Get(std::string target, std::string bearer) {
  return Send(Make("GET", std::move(target), {}, std::move(bearer)));
}

HttpResponse HttpClient::Post(std::string target, std::string body, std::string bearer) {
  return Send(Make("POST", std::move(target), std::move(body), std::move(bearer)));
}

HttpResponse HttpClient::Put(std::string target, std::string body, std::string bearer) {
  return Send(Make("PUT", std::move(target), std::move(body), std::move(bearer)));
}

HttpResponse HttpClient::Patch(std::string target, std::string body, std::string bearer) {
  return Send(Make("PATCH", std::move(target), std::move(body), std::move(bearer)));
}

HttpResponse HttpClient::Delete(std::string target, std::string bearer) {
  return Send(Make("DELETE", std::move(target), {}, std::move(bearer)));
}

void HttpClient::SetPort(uint16_t port) {
  port_ = port;
  connection_.Close();
}

}  // namespace hotline::itest
