// A connection on the WebSocket port: the HTTP/1.1 upgrade on /ws, then the
// same session as on the TCP port over net/websocket.h; or one of the
// embedded pages (web/assets.h). The HTTP head is bounded (8 KiB, 10 s).
// A page, GET /metrics (net/metrics.h), or anything that is neither a page
// nor a WebSocket upgrade of /ws (404, 400; 403 for a browser WebSocket from
// another origin) is answered, and the connection closes.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <string>

#include <caf/io/receive_policy.hpp>
#include <caf/io/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "net/gateway_parts.h"
#include "net/metrics.h"
#include "net/session.h"
#include "net/websocket.h"
#include "web/assets.h"

namespace hegemon::net {
namespace {

constexpr size_t kMaxHeadBytes = 8 * 1024;
constexpr auto kHeadTimeout = std::chrono::seconds(10);

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The response to an HTTP head: a 101 with the accept key, or an error.
struct Upgrade {
  bool ok = false;
  std::string response;
};

std::string http_error(const char* status, const std::string& why) {
  return std::string("HTTP/1.1 ") + status +
         "\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " +
         std::to_string(why.size() + 1) + "\r\n\r\n" + why + "\n";
}

// A page from web/ (GET / and /admin, their scripts and styles), with the
// headers that confine it (web::security_headers()); the connection closes
// after it, as a page is one request.
std::string page_response(const web::Asset& page) {
  return std::string("HTTP/1.1 200 OK\r\nContent-Type: ") + std::string(page.content_type) +
         "\r\nContent-Length: " + std::to_string(page.body.size()) + "\r\n" +
         std::string(web::security_headers()) + "Connection: close\r\n\r\n" +
         std::string(page.body);
}

// Whether a browser page from `origin` may open a WebSocket here: the
// configured origin, or by default the origin the Host header names (the
// pages' own, whatever scheme a TLS proxy in front adds). No Origin header:
// not a page in a browser (browsers always send it on a WebSocket), so no
// other site can be acting through a visitor's browser and its tokens.
bool origin_allowed(const std::string& origin, const std::string& host,
                    const std::string& configured) {
  if (origin.empty()) return true;
  if (!configured.empty()) return origin == configured;
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

Upgrade upgrade(const std::string& head, const std::string& allowed_origin) {
  const auto line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  if (request_line.rfind("GET ", 0) != 0 || request_line.size() < 13 ||
      request_line.compare(request_line.size() - 9, 9, " HTTP/1.1") != 0)
    return {false, http_error("400 Bad Request", "expected GET ... HTTP/1.1")};
  const std::string target = request_line.substr(4, request_line.size() - 13);
  if (target != "/ws") {
    if (const web::Asset* page = web::find_asset(target)) return {false, page_response(*page)};
    return {false, http_error("404 Not Found", "the map is /, the console /admin, clients /ws")};
  }
  std::string key, version, upgrade_header, connection, origin, host;
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(pos, end - pos);
    pos = end + 2;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string value = trim(line.substr(colon + 1));
    if (name == "sec-websocket-key") key = value;
    if (name == "sec-websocket-version") version = value;
    if (name == "upgrade") upgrade_header = lower(value);
    if (name == "connection") connection = lower(value);
    if (name == "origin") origin = value;
    if (name == "host") host = value;
  }
  if (upgrade_header != "websocket" || connection.find("upgrade") == std::string::npos ||
      key.size() != 24 || version != "13")
    return {false, http_error("400 Bad Request",
                              "a WebSocket upgrade needs Upgrade: websocket, Connection: "
                              "Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13")};
  if (!origin_allowed(origin, host, allowed_origin))
    return {false, http_error("403 Forbidden", "WebSocket from another origin refused")};
  return {true,
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
          "Upgrade\r\nSec-WebSocket-Accept: " +
              websocket_accept(key) + "\r\n\r\n"};
}

}  // namespace

caf::behavior websocket_broker(Broker* self, caf::io::connection_handle hdl, ContextPtr ctx,
                               caf::actor acceptor, uint64_t id) {
  auto head = std::make_shared<std::string>();
  self->configure_read(hdl, caf::io::receive_policy::at_most(kMaxHeadBytes));
  self->delayed_send(self, kHeadTimeout, head_timeout_atom::value);
  auto refuse = [self, hdl](const std::string& response) {
    self->write(hdl, response.size(), response.data());
    self->flush(hdl);
    self->close(hdl);
    self->quit();
  };
  self->set_exit_handler([self, hdl](caf::exit_msg&) {
    self->close(hdl);
    self->quit();
  });
  return {
      [=](const caf::io::new_data_msg& msg) {
        head->append(msg.buf.begin(), msg.buf.end());
        const auto end = head->find("\r\n\r\n");
        if (end == std::string::npos) {
          if (head->size() >= kMaxHeadBytes)
            refuse(http_error("431 Request Header Fields Too Large", "the head is over 8 KiB"));
          return;
        }
        if (head->rfind("GET /metrics ", 0) == 0 || head->rfind("GET /metrics?", 0) == 0) {
          // The metrics port's answer, for a scraper pointed at this port.
          return answer_metrics(self, hdl, ctx->game, acceptor, head->substr(0, end));
        }
        const Upgrade u = upgrade(head->substr(0, end), ctx->options.http_origin);
        if (!u.ok) return refuse(u.response);
        self->write(hdl, u.response.size(), u.response.data());
        self->flush(hdl);
        auto conn = std::make_shared<Session>(
            self, hdl, ctx, acceptor, id,
            std::make_unique<WebSocketTransport>(ctx->options.max_frame_bytes));
        const std::string rest = head->substr(end + 4);
        head->clear();
        self->become(session_behavior(self, conn, hdl));
        if (!rest.empty()) conn->on_data(std::vector<char>(rest.begin(), rest.end()));
      },
      [self](const caf::io::connection_closed_msg&) { self->quit(); },
      [=](head_timeout_atom) {
        refuse(http_error("408 Request Timeout", "no complete HTTP head within 10 s"));
      },
  };
}

}  // namespace hegemon::net
