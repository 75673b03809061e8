#include "web/assets.h"

namespace hegemon::web {

const Asset* find_asset(std::string_view path) {
  if (auto query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);
  if (path == "/") path = "/index.html";
  if (path == "/admin") path = "/admin.html";
  for (const Asset& a : assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

std::string_view security_headers() {
  // connect-src 'self' covers ws:/wss: to this origin (CSP Level 3).
  return "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; "
         "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
         "frame-ancestors 'none'\r\n"
         "X-Content-Type-Options: nosniff\r\n"
         "X-Frame-Options: DENY\r\n"
         "Referrer-Policy: no-referrer\r\n"
         "Cache-Control: no-store\r\n";
}

}  // namespace hegemon::web
