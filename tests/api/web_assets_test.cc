// The web UI served by `hotline serve` (src/api/web_assets.h): index.html at "/" and at the UI's
// own pages, hashed assets with their type and a year's immutable cache, gzip when accepted, HEAD,
// 404 for unknown files and for every way out of the table, and the security headers on each.
// The files served are compared with the web/dist the program was built from (HOTLINE_WEB_DIST);
// a program built without one answers "/" with how to build the UI.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "api/api_test_env.h"

namespace hotline::itest {
namespace {

namespace fs = std::filesystem;

const fs::path kDist = HOTLINE_WEB_DIST;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The largest file under dist/assets with that extension ("" when there is none): the one whose
// gzip copy is surely worth sending.
std::string AssetWithExtension(const std::string& extension) {
  std::error_code ec;
  std::string path;
  uintmax_t largest = 0;
  for (const auto& entry : fs::directory_iterator(kDist / "assets", ec)) {
    if (entry.path().extension() != extension || entry.file_size() < largest) continue;
    largest = entry.file_size();
    path = "/assets/" + entry.path().filename().string();
  }
  return path;
}

// `gzip -dc` of `compressed` (an independent decoder: the tests have no zlib).
std::string Gunzip(const std::string& compressed) {
  fs::path file = fs::temp_directory_path() / ("hotline-web-" + std::to_string(::getpid()) + ".gz");
  std::ofstream(file, std::ios::binary) << compressed;
  std::string out;
  if (FILE* pipe = ::popen(("gzip -dc " + file.string()).c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    ::pclose(pipe);
  }
  fs::remove(file);
  return out;
}

class WebAssets : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!fs::exists(kDist / "index.html"))
      GTEST_SKIP() << "built without a web UI (" << kDist << ")";
  }

  static HttpResponse Fetch(const std::string& target, const std::string& accept_encoding = "",
                            const std::string& method = "GET") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    if (!accept_encoding.empty()) request.headers.emplace_back("Accept-Encoding", accept_encoding);
    return http().Send(request);
  }

  static void ExpectSecurityHeaders(const HttpResponse& r) {
    EXPECT_NE(r.Header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_NE(r.Header("content-security-policy").find("frame-ancestors 'none'"),
              std::string::npos);
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.Header("x-frame-options"), "DENY");
    EXPECT_FALSE(r.Header("referrer-policy").empty());
  }
};

TEST_F(WebAssets, RootIsIndexHtmlRevalidatedEveryTime) {
  HttpResponse r = Fetch("/");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, ReadFile(kDist / "index.html"));
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.Header("cache-control"), "no-cache");
  ExpectSecurityHeaders(r);
}

TEST_F(WebAssets, TheUisOwnPagesAreIndexHtml) {
  for (const char* page : {"/agent", "/admin/users", "/wallboard"}) {
    HttpResponse r = Fetch(page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.body, ReadFile(kDist / "index.html")) << page;
  }
}

TEST_F(WebAssets, HashedAssetHasItsTypeAndAnImmutableYearLongCache) {
  std::string js = AssetWithExtension(".js");
  ASSERT_FALSE(js.empty()) << "no .js under " << kDist / "assets";
  HttpResponse r = Fetch(js);
  ASSERT_EQ(r.status, 200) << js;
  EXPECT_EQ(r.body, ReadFile(kDist.string() + js));
  EXPECT_EQ(r.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r.Header("content-encoding"), "");
  ExpectSecurityHeaders(r);
  if (std::string css = AssetWithExtension(".css"); !css.empty()) {
    EXPECT_EQ(Fetch(css).Header("content-type"), "text/css; charset=utf-8") << css;
  }
}

TEST_F(WebAssets, GzipIsSentOnlyToAClientThatAcceptsIt) {
  std::string js = AssetWithExtension(".js");
  ASSERT_FALSE(js.empty());
  std::string plain = ReadFile(kDist.string() + js);

  HttpResponse gz = Fetch(js, "br, gzip, deflate");
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.Header("content-encoding"), "gzip");
  EXPECT_EQ(gz.Header("vary"), "Accept-Encoding");
  EXPECT_LT(gz.body.size(), plain.size());
  EXPECT_EQ(Gunzip(gz.body), plain);

  HttpResponse refused = Fetch(js, "gzip;q=0, identity");
  EXPECT_EQ(refused.Header("content-encoding"), "");
  EXPECT_EQ(refused.body, plain);
  EXPECT_EQ(Fetch(js, "deflate").body, plain);
}

TEST_F(WebAssets, HeadAnswersTheHeadersWithoutTheBody) {
  HttpResponse r = Fetch("/", "", "HEAD");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), std::to_string(ReadFile(kDist / "index.html").size()));
  EXPECT_TRUE(r.body.empty());
  // The connection is still in step: the next response is read as such.
  EXPECT_EQ(Fetch("/").status, 200);
}

TEST_F(WebAssets, UnknownFileIsNotFound) {
  for (const char* path : {"/assets/index-00000000.js", "/nothing.png", "/assets/new-page"}) {
    HttpResponse r = Fetch(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.ErrorCode(), "not_found") << path;
  }
}

TEST_F(WebAssets, NoPathLeadsOutOfTheUi) {
  std::string source = ReadFile("CMakeLists.txt");
  ASSERT_FALSE(source.empty()) << "tests run from the repository";
  for (const char* path :
       {"/../CMakeLists.txt", "/assets/../../../CMakeLists.txt", "/%2e%2e/CMakeLists.txt",
        "/assets/%2e%2e%2f%2e%2e%2fCMakeLists.txt", "/..%2fCMakeLists.txt", "//etc/passwd",
        "/assets/..\\..\\CMakeLists.txt", "/../../../../etc/passwd"}) {
    HttpResponse r = Fetch(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("project(hotline"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
  }
}

TEST_F(WebAssets, ApiPathsStayTheApis) {
  HttpResponse r = Fetch("/api/v1/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.ErrorCode(), "not_found");
}

// A program built without web/dist (cmake alone, no npm) still serves the API, and "/" tells how
// to build the UI.
class WebUiNotBuilt : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (fs::exists(kDist / "index.html")) GTEST_SKIP() << "built with a web UI (" << kDist << ")";
  }
};

TEST_F(WebUiNotBuilt, RootSaysHowToBuildTheUi) {
  HttpResponse r = Get("/", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("scripts/build.sh"), std::string::npos) << r.body;
  EXPECT_EQ(Get("/assets/index.js", "").status, 404);
  EXPECT_EQ(Get("/healthz", "").status, 200);
}

}  // namespace
}  // namespace hotline::itest
