// The web UI's built files (web/dist, made by `npm run build` in web/), compiled into the program
// by embed_web_dist.cmake, each with a gzip copy made at build time. The table is generated; this
// header is its interface. Empty when the program was built without a web/dist.
//
// Thread-safety: the table is constant; read it from any thread.
#pragma once

#include <span>
#include <string_view>

namespace hotline::api {

struct WebFile {
  std::string_view path;  // "/index.html", "/assets/index-3f2a1b.js"
  std::string_view body;
  std::string_view gzip;  // the body gzip-compressed; empty when that saves too little
};

// Every file of web/dist, sorted by path.
std::span<const WebFile> WebDistFiles();

}  // namespace hotline::api
