// The web UI over HTTP: GET and HEAD of every path outside /api/ answered from the files compiled
// in (api/web_dist). `/` is index.html; a path with no file extension outside /assets/ is one of
// the UI's own pages and gets index.html too. Hashed /assets/ files are cached for a year
// (immutable), everything else revalidates (no-cache). A gzip copy is sent to a client that
// accepts it. Every answer carries the security headers (CSP 'self', nosniff, no framing, no
// referrer across origins). Paths are looked up exactly in the table: nothing is read from disk,
// and a path with "..", "%", "\" or "//" is refused with 404 before any lookup.
//
// Thread-safety: pure functions over constant data.
#pragma once

#include <span>
#include <string_view>

#include "api/http/server.h"
#include "api/web_dist/web_dist.h"

namespace hotline::api {

// Whether `method` on `path` (no query) is the web UI's: GET or HEAD outside /api/.
bool IsWebRequest(std::string_view method, std::string_view path);

// The answer to GET or HEAD of `path` from `files` (the compiled-in table by default). Without
// any file, `/` is a page saying how to build the UI.
http::Response WebAssetResponse(const http::Request& request, std::string_view path,
                                std::span<const WebFile> files = WebDistFiles());

// "text/javascript; charset=utf-8", ... by the file's extension; application/octet-stream when
// unknown.
std::string_view ContentTypeFor(std::string_view path);

}  // namespace hotline::api
