// Sessions and tokens on real sockets on 127.0.0.1 (issue #13, items 11 and
// 14): revoking a token ends the sessions that used it, `clients` names each
// session's token, a nation handed back to the AI takes command from its
// player, failed logins are limited per address and in total (and logged
// with the peer's address), and the C++ client takes the server's own large
// replies.
#define CAF_SUITE sessions
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <memory>
#include <sstream>
#include <thread>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "net/client.h"
#include "net/frame_codec.h"
#include "net_fixture.h"

using namespace hegemon;
using TestClient = ::Client;  // the fixture's (net_fixture.h), not hegemon::net::Client
using nlohmann::json;

namespace {

// Logs in as the fixture's admin (its --admin-token).
void admin_login(TestClient& c) {
  const json reply = login_admin(c);
  CAF_REQUIRE_EQUAL(reply["result"]["role"], json("admin"));
}

struct IssuedToken {
  std::string token;
  int64_t id = 0;
};

IssuedToken issue(TestClient& admin, json fields) {
  fields["type"] = "token_issue";
  const json reply = admin.call(fields);
  CAF_REQUIRE(reply.contains("result"));
  return {reply["result"]["token"].get<std::string>(), reply["result"]["token_id"].get<int64_t>()};
}

json login(TestClient& c, const std::string& role, const std::string& token) {
  greet(c);
  return c.call({{"type", "login"}, {"role", role}, {"token", token}});
}

// Has `admin` issue a player token for `nation` and logs `player` in with it,
// which must give command of that nation; returns the token.
std::string login_player(TestClient& admin, TestClient& player, int nation) {
  const IssuedToken token = issue(admin, {{"role", "player"}, {"nation", nation}});
  const json logged = login(player, "player", token.token);
  const json expected(nation);
  CAF_REQUIRE_EQUAL(logged["result"]["nation"], expected);
  return token.token;
}

// The `clients` entry of the session whose peer port is unknown here, by role
// and token: how many sessions show `token_id`.
size_t sessions_with_token(const json& clients, const json& token_id) {
  size_t n = 0;
  for (const auto& c : clients)
    if (c["token_id"] == token_id) ++n;
  return n;
}

// Captures what the server logs while it lives.
struct LogCapture {
  std::ostringstream text;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink =
      std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
  LogCapture() { spdlog::default_logger()->sinks().push_back(sink); }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
  }
};

}  // namespace

CAF_TEST(revoking a token ends every session that logged in with it) {
  live_server server;
  TestClient admin(server.gateway.port);
  admin_login(admin);
  const IssuedToken second_admin = issue(admin, {{"role", "admin"}});
  const IssuedToken player_token = issue(admin, {{"role", "player"}, {"nation", 2}});

  TestClient revoked_a(server.gateway.port);
  TestClient revoked_b(server.gateway.port);
  TestClient player(server.gateway.port);
  const json logged1 = login(revoked_a, "admin", second_admin.token);
  CAF_REQUIRE_EQUAL(logged1["result"]["role"], json("admin"));
  const json logged2 = login(revoked_b, "admin", second_admin.token);
  CAF_REQUIRE_EQUAL(logged2["result"]["role"], json("admin"));
  const json logged3 = login(player, "player", player_token.token);
  CAF_REQUIRE_EQUAL(logged3["result"]["role"], json("player"));

  // `clients` names the token of every session: null for the server's own
  // admin token, the stored token's id otherwise.
  const json clients = admin.call({{"type", "clients"}})["result"];
  CAF_REQUIRE(clients.is_array());
  CAF_CHECK_EQUAL(clients.size(), 4u);
  CAF_CHECK_EQUAL(sessions_with_token(clients, json(second_admin.id)), 2u);
  CAF_CHECK_EQUAL(sessions_with_token(clients, json(player_token.id)), 1u);
  CAF_CHECK_EQUAL(sessions_with_token(clients, json(nullptr)), 1u);

  {
    const json got = admin.call({{"type", "token_revoke"}, {"token_id", second_admin.id}});
    CAF_CHECK_EQUAL(got["result"]["ok"], json(true));
  }
  // Both sessions of the revoked token are told why, then closed: a revoked
  // admin cannot go on to mint itself a new token.
  for (TestClient* c : {&revoked_a, &revoked_b}) {
    const json told = c->receive();
    CAF_CHECK_EQUAL(error_code(told), errc::kUnauthorized);
    CAF_CHECK(told.dump().find("revoked") != std::string::npos);
    c->send({{"id", 99}, {"type", "token_issue"}, {"role", "admin"}});
    const bool closed = c->closed_by_server();  // before the reply would come
    CAF_CHECK(closed);
  }
  // Other sessions go on.
  {
    const json got = player.call({{"type", "status"}});
    CAF_CHECK(got.contains("result"));
  }
  const json after = admin.call({{"type", "clients"}})["result"];
  CAF_CHECK_EQUAL(after.size(), 2u);
  CAF_CHECK_EQUAL(sessions_with_token(after, json(second_admin.id)), 0u);
}

CAF_TEST(a player whose nation is handed back to the AI loses command) {
  live_server server;
  TestClient admin(server.gateway.port);
  admin_login(admin);
  TestClient player(server.gateway.port);
  const std::string token = login_player(admin, player, 2);
  {
    const json got = player.call({{"type", "set_tax"}, {"level", 2}});
    CAF_CHECK(got.contains("result"));
  }
  {
    const json got = admin.call({{"type", "set_player"}, {"nation", 2}, {"player", false}});
    CAF_CHECK(got.contains("result"));
  }
  // Told at once (a push), then every command is refused with the reason.
  const json pushed = player.receive();
  CAF_CHECK_EQUAL(pushed["push"], json("demoted"));
  CAF_CHECK_EQUAL(pushed["role"], json("spectator"));
  const json refused = player.call({{"type", "set_tax"}, {"level", 1}});
  CAF_CHECK_EQUAL(error_code(refused), errc::kForbidden);
  CAF_CHECK(refused.dump().find("handed back to the AI") != std::string::npos);
  {  // it may still watch
    const json got = player.call({{"type", "status"}});
    CAF_CHECK(got.contains("result"));
  }
  const json clients = admin.call({{"type", "clients"}})["result"];
  size_t players = 0;
  for (const auto& c : clients) players += c["role"] == json("player") ? 1 : 0;
  CAF_CHECK_EQUAL(players, 0u);
  {  // logging in again with the same (still valid) token gives no command back
    TestClient again(server.gateway.port);
    const json got = login(again, "player", token);
    CAF_CHECK_EQUAL(error_code(got), errc::kForbidden);
    CAF_CHECK(got.dump().find("handed back to the AI") != std::string::npos);
  }
  {  // until an admin hands the nation to its player again
    const json got = admin.call({{"type", "set_player"}, {"nation", 2}, {"player", true}});
    CAF_CHECK(got.contains("result"));
    TestClient again(server.gateway.port);
    const json relogged = login(again, "player", token);
    CAF_CHECK_EQUAL(relogged["result"]["nation"], json(2));
  }
}

CAF_TEST(without spectators a player handed back to the AI is disconnected) {
  live_server server([](GatewayOptions& gw) { gw.allow_spectators = false; });
  TestClient admin(server.gateway.port);
  admin_login(admin);
  TestClient player(server.gateway.port);
  login_player(admin, player, 3);
  admin.call({{"type", "set_player"}, {"nation", 3}, {"player", false}});
  const json told = player.receive();
  CAF_CHECK_EQUAL(error_code(told), errc::kForbidden);
  const bool closed = player.closed_by_server();
  CAF_CHECK(closed);
}

CAF_TEST(failed logins are limited per address and logged with it) {
  LogCapture log;
  live_server server([](GatewayOptions& gw) {
    gw.login_limits.per_address = {0.001, 3};  // 3 failures, then (nearly) none
    gw.login_limits.global = {1000, 1000};
  });
  TestClient c(server.gateway.port);
  greet(c);
  for (int i = 0; i < 3; ++i) {
    const json got =
        c.call({{"type", "login"}, {"role", "admin"}, {"token", "guess" + std::to_string(i)}});
    CAF_CHECK_EQUAL(error_code(got), errc::kUnauthorized);
  }
  // Past the limit the right token is refused too: it is not even checked.
  const json refused = c.call({{"type", "login"}, {"role", "admin"}, {"token", "sesame"}});
  CAF_CHECK_EQUAL(error_code(refused), errc::kRateLimited);
  CAF_CHECK(refused.dump().find("too many failed logins from 127.0.0.1") != std::string::npos);
  {  // from another connection of the same address as well
    TestClient other(server.gateway.port);
    const json got = login(other, "admin", "sesame");
    CAF_CHECK_EQUAL(error_code(got), errc::kRateLimited);
  }
  {  // spectators need no token and are not limited
    const json got = c.call({{"type", "login"}, {"role", "spectator"}});
    CAF_CHECK_EQUAL(got["result"]["role"], json("spectator"));
  }
  spdlog::default_logger()->flush();
  CAF_CHECK(log.text.str().find("failed admin login from 127.0.0.1:") != std::string::npos);
}

CAF_TEST(failed logins are limited for the whole gateway) {
  live_server server([](GatewayOptions& gw) {
    gw.login_limits.per_address = {1000, 1000};
    gw.login_limits.global = {0.001, 2};
  });
  for (int i = 0; i < 2; ++i) {
    TestClient c(server.gateway.port);
    const json got = login(c, "player", "guess" + std::to_string(i));
    CAF_CHECK_EQUAL(error_code(got), errc::kUnauthorized);
  }
  TestClient c(server.gateway.port);
  const json refused = login(c, "admin", "sesame");
  CAF_CHECK_EQUAL(error_code(refused), errc::kRateLimited);
  CAF_CHECK(refused.dump().find("on this server") != std::string::npos);
}

CAF_TEST(the C++ client takes the replies of a 100000 - province world) {
  WorldParams big;
  big.seed = 5;
  big.provinces = 100000;
  big.nations = 400;
  live_server server([](GatewayOptions&) {}, big);
  auto client = hegemon::net::Client::connect("127.0.0.1", server.gateway.port);
  CAF_REQUIRE(client.ok());
  auto& c = **client;
  CAF_REQUIRE(c.request("login", {{"role", "spectator"}}).ok());
  // Each is well over the 1 MiB a request may be, and was refused by the
  // client when replies had the requests' limit.
  auto map = c.request("map");
  CAF_REQUIRE(map.ok());
  CAF_CHECK_EQUAL((*map)["provinces"].size(), 100000u);
  const size_t map_bytes = map->dump().size();
  CAF_CHECK_GREATER(map_bytes, size_t{kDefaultMaxFrameBytes});
  auto snapshot = c.request("watch");
  CAF_REQUIRE(snapshot.ok());
  CAF_CHECK_EQUAL((*snapshot)["provinces"].size(), 100000u);
}

CAF_TEST(the C++ client refuses a frame larger than any reply) {
  // A hostile "server": accepts, reads the hello, answers with a length prefix
  // of 4 GiB - 1.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  const int bound = ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  CAF_REQUIRE_EQUAL(bound, 0);
  const int listening = ::listen(listener, 1);
  CAF_REQUIRE_EQUAL(listening, 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::thread hostile([listener] {
    const int fd = ::accept(listener, nullptr, nullptr);
    char buf[256];
    (void)::recv(fd, buf, sizeof buf, 0);
    const unsigned char header[] = {0xff, 0xff, 0xff, 0xff, '{'};
    (void)::send(fd, header, sizeof header, MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    (void)::recv(fd, buf, sizeof buf, 0);  // until the client closes
    ::close(fd);
  });
  auto client =
      hegemon::net::Client::connect("127.0.0.1", ntohs(addr.sin_port), std::chrono::seconds(5));
  CAF_CHECK(!client.ok());
  if (!client.ok())
    CAF_CHECK(client.status().message().find("announced a frame of 4294967295 bytes") !=
              std::string::npos);
  hostile.join();
  ::close(listener);
}
