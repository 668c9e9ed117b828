// A blocking HTTP/1.1 client for integration tests against a real `hotline serve` on 127.0.0.1.
//
// One keep-alive connection, opened on the first request and opened again when the server has
// closed it (after a 413, an idle timeout, a restart). A request is never sent twice: a request
// whose response does not arrive returns status 0, and error() says why.
//
//   HttpClient http(server.port());
//   HttpResponse r = http.Post("/api/v1/login", R"({"username":"admin","password":"..."})");
//   std::string token = r.Json()["token"];
//   HttpResponse me = http.Get("/api/v1/me", token);
//
// Thread-safety: none; one thread per client (make one client per thread).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/connection.h"

namespace hotline::itest {

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query
  std::string body;
  std::string bearer;  // sent as "Authorization: Bearer ..." when not empty
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string content_type = "application/json";             // sent when there is a body
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, Millis deadline = kDefaultDeadline)
      : port_(port), deadline_(deadline) {}

  // Sends the request and reads its response (status 0 when none came before the deadline).
  HttpResponse Send(const HttpRequest& request);

  HttpResponse Get(std::string target, std::string bearer = {});
  HttpResponse Post(std::string target, std::string body, std::string bearer = {});
  HttpResponse Put(std::string target, std::string body, std::string bearer = {});
  HttpResponse Patch(std::string target, std::string body, std::string bearer = {});
  HttpResponse Delete(std::string target, std::string bearer = {});

  // Points the client at another port (a restarted server); drops the connection.
  void SetPort(uint16_t port);
  uint16_t port() const { return port_; }
  const std::string& error() const { return error_; }

 private:
  uint16_t port_;
  Millis deadline_;
  Connection connection_;
  std::string error_;
};

}  // namespace hotline::itest
