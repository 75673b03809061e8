// The embedded pages (web/): the paths a browser may GET, and the rules that
// keep them working under their Content-Security-Policy.
#define CAF_SUITE web_assets
#include <caf/test/unit_test.hpp>

#include <regex>
#include <string>

#include "web/assets.h"

using namespace hegemon;

namespace {

std::string text(std::string_view s) { return std::string(s); }

}  // namespace

CAF_TEST(the two pages and every embedded file are found) {
  CAF_REQUIRE(web::find_asset("/") != nullptr);
  CAF_CHECK_EQUAL(text(web::find_asset("/")->path), "/index.html");
  CAF_REQUIRE(web::find_asset("/admin") != nullptr);
  CAF_CHECK_EQUAL(text(web::find_asset("/admin")->path), "/admin.html");
  CAF_CHECK_EQUAL(text(web::find_asset("/?tick=3")->path), "/index.html");
  CAF_CHECK(web::assets().size() >= 6u);
  for (const web::Asset& a : web::assets()) {
    CAF_CHECK_EQUAL(web::find_asset(a.path), &a);
    CAF_CHECK(!a.body.empty());
    CAF_CHECK(a.content_type.find("charset=utf-8") != std::string_view::npos);
  }
}

CAF_TEST(nothing outside the embedded set is served) {
  for (const char* path :
       {"", "/ws", "/index.html/", "/../CMakeLists.txt", "/web/index.html", "//index.html",
        "/admin/", "/ADMIN", "/index.html%00.js", "/etc/passwd", "/metrics.js"}) {
    CAF_CHECK_EQUAL(web::find_asset(path), nullptr);
    if (web::find_asset(path) != nullptr) CAF_MESSAGE("served: " << path);
  }
}

CAF_TEST(pages hold no inline script or style so the CSP can forbid them) {
  // A <script> without src, an on... handler attribute, a style attribute or
  // a javascript: URL would be blocked by the policy: the page would break.
  const std::regex inline_script(R"(<script(?![^>]*\bsrc=)[^>]*>)", std::regex::icase);
  const std::regex handler(R"(<[^>]+\son[a-z]+\s*=)", std::regex::icase);
  const std::regex style_attribute(R"(<[^>]+\sstyle\s*=)", std::regex::icase);
  int pages = 0;
  for (const web::Asset& a : web::assets()) {
    if (a.content_type.rfind("text/html", 0) != 0) continue;
    ++pages;
    const std::string body(a.body);
    CAF_CHECK(!std::regex_search(body, inline_script));
    CAF_CHECK(!std::regex_search(body, handler));
    CAF_CHECK(!std::regex_search(body, style_attribute));
    CAF_CHECK(body.find("javascript:") == std::string::npos);
    // Every script and stylesheet a page names is embedded.
    const std::regex reference(R"((?:src|href)="(/[^"]*\.(?:js|css))\")");
    for (std::sregex_iterator it(body.begin(), body.end(), reference), end; it != end; ++it) {
      CAF_CHECK(web::find_asset((*it)[1].str()) != nullptr);
    }
  }
  CAF_CHECK_EQUAL(pages, 2);
  const std::string headers(web::security_headers());
  CAF_CHECK(headers.find("script-src 'self'") != std::string::npos);
  CAF_CHECK(headers.find("unsafe-inline") == std::string::npos);
  CAF_CHECK(headers.find("unsafe-eval") == std::string::npos);
  CAF_CHECK(headers.find("frame-ancestors 'none'") != std::string::npos);
}
