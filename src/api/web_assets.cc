#include "api/web_assets.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "api/errors.h"

namespace hotline::api {
namespace {

// connect-src 'self' covers the same origin's ws:// and wss:// (CSP level 3), so the event stream
// needs nothing more. Inline styles are allowed for the chart library's tooltips.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

constexpr std::string_view kNotBuilt =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Hotline</title></head><body>"
    "<h1>Hotline</h1><p>This program was built without its web UI. Build it with "
    "<code>bash scripts/build.sh</code> (it runs <code>npm ci</code> and <code>npm run "
    "build</code> "
    "in <code>web/</code>, then compiles <code>web/dist</code> in), and start the server again.</p>"
    "<p>The API is at <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>"
    "</body></html>\n";

void AddSecurityHeaders(http::Response& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
}

http::Response NotFound(std::string_view path) {
  http::Response r =
      ErrorResponse(Error::NotFound("no such file: " + std::string(path.substr(0, 64))));
  AddSecurityHeaders(r);
  return r;
}

bool Unsafe(std::string_view path) {
  return !path.starts_with('/') || path.find("..") != std::string_view::npos ||
         path.find('%') != std::string_view::npos || path.find('\\') != std::string_view::npos ||
         path.find("//") != std::string_view::npos || path.find('\0') != std::string_view::npos;
}

std::string_view Extension(std::string_view path) {
  std::string_view name = path.substr(path.rfind('/') + 1);
  size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
}

// Accept-Encoding names gzip (or *) without q=0.
bool AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    std::string text(item);
    text.erase(
        std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }),
        text.end());
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string coding = text.substr(0, text.find(';'));
    if (coding != "gzip" && coding != "*") continue;
    size_t q = text.find(";q=");
    if (q == std::string::npos) return true;
    std::string value = text.substr(q + 3);
    return value.find_first_not_of("0.") != std::string::npos;  // q=0, q=0.0, q=0.000: refused
  }
  return false;
}

const WebFile* Find(std::span<const WebFile> files, std::string_view path) {
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const WebFile& f, std::string_view p) { return f.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

}  // namespace

bool IsWebRequest(std::string_view method, std::string_view path) {
  return (method == "GET" || method == "HEAD") && path != "/api" && !path.starts_with("/api/");
}

std::string_view ContentTypeFor(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
  };
  std::string_view ext = Extension(path);
  for (const auto& [name, type] : kTypes) {
    if (name == ext) return type;
  }
  return "application/octet-stream";
}

http::Response WebAssetResponse(const http::Request& request, std::string_view path,
                                std::span<const WebFile> files) {
  if (Unsafe(path)) return NotFound(path);
  const bool page = path == "/" || (!path.starts_with("/assets/") && Extension(path).empty());
  std::string_view name = page ? "/index.html" : path;
  const WebFile* file = Find(files, name);
  if (!file) {
    if (!page || !files.empty()) return NotFound(path);
    http::Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = kNotBuilt;
    r.headers.emplace_back("Cache-Control", "no-cache");
    AddSecurityHeaders(r);
    return r;
  }
  http::Response r;
  r.content_type = ContentTypeFor(name);
  r.headers.emplace_back("Cache-Control",
                         name.starts_with("/assets/") ? kImmutable : std::string_view("no-cache"));
  const bool gzip = !file->gzip.empty() && AcceptsGzip(request.header("accept-encoding"));
  if (!file->gzip.empty()) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  r.body = gzip ? file->gzip : file->body;
  AddSecurityHeaders(r);
  return r;
}

}  // namespace hotline::api
