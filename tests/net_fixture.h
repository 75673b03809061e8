// The gateway tests' fixtures (net_test, sessions_test): a blocking test
// client on a real socket to 127.0.0.1 and a paused game with a gateway on a
// free port.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>
#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "actors/game.h"
#include "net/frame_codec.h"
#include "net/gateway.h"
#include "net/protocol.h"
#include "persistence/save_reader.h"
#include "test_support.h"
#include "tools/replay.h"

// In an unnamed namespace, as the suites' own helpers were: each suite is
// one translation unit, and `Client` stays apart from hegemon::net::Client.
namespace {

using nlohmann::json;
using namespace hegemon;
using namespace hegemon::net;

// CAF_CHECK_* may evaluate its arguments more than once, so every request is
// made outside the macro and its reply checked from a local.

// A blocking test client with a receive timeout, so a broken server fails
// the test instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0)  // before connect, so the window stays small
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }

  void send_raw(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  ssize_t recv_raw(char* buf, size_t size) { return ::recv(fd_, buf, size, 0); }
  void send(const json& request) { send_raw(encode_frame(request.dump())); }

  // The next frame's payload; empty on timeout or when the server closed.
  std::string receive_frame() {
    std::vector<std::string> frames;
    while (pending_.empty()) {
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return "";
      decoder_.feed(buf, static_cast<size_t>(n), frames);
      for (auto& f : frames) pending_.push_back(std::move(f));
      frames.clear();
    }
    std::string out = std::move(pending_.front());
    pending_.erase(pending_.begin());
    return out;
  }

  // The next frame as JSON; null on timeout or when the server closed.
  json receive() {
    const std::string frame = receive_frame();
    return frame.empty() ? json(nullptr) : json::parse(frame);
  }

  json call(json request) {
    request["id"] = ++next_id_;
    send(request);
    return receive();
  }

  // True once the server has closed the connection (after any pending frames).
  bool closed_by_server() {
    char buf[256];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return false;  // timeout: still open
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  FrameDecoder decoder_;
  std::vector<std::string> pending_;
  int next_id_ = 0;
};

std::string error_code(const json& reply) {
  if (!reply.is_object() || !reply.contains("error")) return "";
  return reply["error"]["code"].get<std::string>();
}

struct net_config : caf::actor_system_config {
  net_config() { load<caf::io::middleman>(); }
};

// A paused game on a temporary save with a gateway on a free port.
struct live_server {
  test::TempDir dir;
  net_config cfg;
  caf::actor_system sys{cfg};
  Game game;
  Gateway gateway;

  explicit live_server(size_t max_outbox_bytes = 4 << 20, size_t max_connections = 256,
                       std::chrono::milliseconds idle = std::chrono::minutes(5))
      : live_server([&](GatewayOptions& gw) {
          gw.max_outbox_bytes = max_outbox_bytes;
          gw.max_connections = max_connections;
          gw.idle_timeout = idle;
        }) {}

  // `configure` changes the gateway's options after the fixture's own.
  explicit live_server(const std::function<void(GatewayOptions&)>& configure,
                       WorldParams world = test::small_world()) {
    GameOptions options;
    options.save_path = dir.file("game.db");
    options.new_world = world;
    options.coordinator.speed = kPausedSpeed;
    options.rebuild_state = state_at;  // live rollbacks, as the server does
    auto started = start_game(sys, options);
    CAF_REQUIRE(started.ok());
    game = *started;
    GatewayOptions gw;
    gw.port = 0;
    gw.admin_token = "sesame";
    gw.max_frame_bytes = 4096;
    gw.content = game.content;  // as `hegemon serve` does
    configure(gw);
    auto tokens = SaveReader::open(dir.file("game.db"));
    CAF_REQUIRE(tokens.ok());
    auto opened = start_gateway(sys, game.root, game.world, *tokens, gw);
    CAF_REQUIRE(opened.ok());
    gateway = *opened;
  }
  ~live_server() {
    caf::anon_send_exit(gateway.acceptor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(game.root, caf::exit_reason::user_shutdown);
  }
};

json greet(Client& c) { return c.call({{"type", "hello"}, {"version", kProtocolVersion}}); }

// Greets, then logs in as live_server's admin (its admin token); the reply.
json login_admin(Client& c) {
  greet(c);
  return c.call({{"type", "login"}, {"role", "admin"}, {"token", "sesame"}});
}

// Greets, logs in as a spectator and starts watching; watch's reply.
json login_watcher(Client& c) {
  greet(c);
  c.call({{"type", "login"}, {"role", "spectator"}});
  return c.call({{"type", "watch"}});
}

}  // namespace
