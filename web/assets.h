// The pages served on --http-port, embedded at build time from web/*.{html,
// css,js} (web/CMakeLists.txt). Static and public: nothing here depends on the
// game or on who asks; what a page may do is decided by the WebSocket
// session it opens, like any other client's.
#pragma once

#include <string_view>
#include <vector>

namespace hegemon::web {

struct Asset {
  std::string_view path;          // "/map.js"
  std::string_view content_type;  // for the Content-Type header
  std::string_view body;
};

// Every embedded file, at "/" + its file name.
const std::vector<Asset>& assets();

// The asset a GET of `path` serves, or nullptr: "/" is index.html and
// "/admin" admin.html; a query string is ignored; nothing else is mapped
// (no directory walking: the set of paths is fixed at build time).
const Asset* find_asset(std::string_view path);

// The headers every page response carries (after Content-Type and
// Content-Length), one "Name: value\r\n" each: a Content-Security-Policy that
// allows only this origin's scripts, styles and WebSocket (no inline script,
// no eval, nothing from elsewhere), no framing, no MIME sniffing, no referrer,
// and no caching of the console.
std::string_view security_headers();

}  // namespace hegemon::web
