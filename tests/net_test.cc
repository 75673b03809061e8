// The client gateway on real sockets on 127.0.0.1: framing, the protocol's
// handshake and roles, queries, admin commands, garbage, and many clients.
#define CAF_SUITE net
#include <caf/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <nlohmann/json.hpp>

#include "actors/errors.h"
#include "actors/game.h"
#include "net/client.h"
#include "net/frame_codec.h"
#include "net/gateway.h"
#include "net/metrics.h"
#include "net/protocol.h"
#include "persistence/save_reader.h"
#include "persistence/sha256.h"
#include "persistence/token_store.h"
#include "net_fixture.h"
#include "test_support.h"

using namespace hegemon;
using namespace hegemon::net;
using nlohmann::json;

CAF_TEST(frames are reassembled from any split and oversize is refused) {
  const std::string stream = encode_frame("{\"a\":1}") + encode_frame("") + encode_frame("xyz");
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    FrameDecoder d(100);
    std::vector<std::string> out;
    for (size_t i = 0; i < stream.size(); i += chunk)
      CAF_REQUIRE(d.feed(stream.data() + i, std::min(chunk, stream.size() - i), out));
    CAF_REQUIRE_EQUAL(out.size(), 3u);
    CAF_CHECK_EQUAL(out[0], "{\"a\":1}");
    CAF_CHECK_EQUAL(out[1], "");
    CAF_CHECK_EQUAL(out[2], "xyz");
    CAF_CHECK_EQUAL(d.buffered(), 0u);
  }
  FrameDecoder d(100);
  std::vector<std::string> out;
  const std::string big = encode_frame(std::string(101, 'x'));
  CAF_CHECK(!d.feed(big.data(), 4, out));  // refused on the header alone
  CAF_CHECK_EQUAL(d.announced_size(), 101u);
  CAF_CHECK(d.failed());
  CAF_CHECK(!d.feed("more", 4, out));
  CAF_CHECK(out.empty());
}

CAF_TEST(malformed requests get the right error codes) {
  ParseFailure f;
  CAF_CHECK(!parse_request("not json", f).ok());
  CAF_CHECK_EQUAL(std::string(f.code), errc::kBadFrame);
  CAF_CHECK(!parse_request("[1,2]", f).ok());
  CAF_CHECK_EQUAL(std::string(f.code), errc::kBadFrame);
  CAF_CHECK(!parse_request("{\"type\":\"status\"}", f).ok());
  CAF_CHECK_EQUAL(std::string(f.code), errc::kBadRequest);
  CAF_CHECK(!parse_request("{\"id\":7,\"type\":3}", f).ok());
  CAF_CHECK_EQUAL(std::string(f.code), errc::kBadRequest);
  CAF_CHECK_EQUAL(f.id, json(7));  // the id is echoed when it could be read
  auto ok = parse_request("{\"id\":\"a\",\"type\":\"status\"}", f);
  CAF_REQUIRE(ok.ok());
  CAF_CHECK_EQUAL(ok->type, "status");
}

CAF_TEST(handshake roles queries and admin commands over a real socket) {
  live_server server;
  Client c(server.gateway.port);
  CAF_REQUIRE(c.connected());
  {
    const auto got = error_code(c.call({{"type", "status"}}));
    CAF_CHECK_EQUAL(got, errc::kHelloFirst);
  }
  {
    const auto got = error_code(c.call({{"type", "hello"}, {"version", 99}}));
    CAF_CHECK_EQUAL(got, errc::kVersionMismatch);
  }
  const json hello = greet(c);
  CAF_CHECK_EQUAL(hello["result"]["version"], json(kProtocolVersion));
  CAF_CHECK_EQUAL(hello["id"], json(3));  // replies echo the request id
  // The content checksum, so a client can refuse other content: this game
  // has no mods, so it is the checksum of an empty load order.
  const std::string no_mods = content_checksum_hex({});
  CAF_CHECK_EQUAL(hello["result"]["content"], json(no_mods));
  {
    const auto got = error_code(c.call({{"type", "status"}}));
    CAF_CHECK_EQUAL(got, errc::kUnauthorized);
  }
  {
    const auto got = error_code(c.call({{"type", "login"}, {"role", "admin"}, {"token", "wrong"}}));
    CAF_CHECK_EQUAL(got, errc::kUnauthorized);
  }
  {
    const auto got = c.call({{"type", "login"}, {"role", "spectator"}})["result"]["role"];
    CAF_CHECK_EQUAL(got, json("spectator"));
  }
  const json status = c.call({{"type", "status"}});
  CAF_CHECK_EQUAL(status["result"]["tick"], json(0));
  CAF_CHECK_EQUAL(status["result"]["speed"], json("paused"));
  CAF_CHECK_EQUAL(status["result"]["clients"], json(1));
  CAF_CHECK(status["result"]["phase_ms"].contains("nation"));
  CAF_CHECK_EQUAL(status["result"]["content"]["checksum"], json(no_mods));
  CAF_CHECK_EQUAL(status["result"]["content"]["mods"], json::array());
  {
    const auto got = error_code(c.call({{"type", "speed"}, {"speed", "max"}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }
  {
    const auto got = error_code(c.call({{"type", "actors"}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }
  const json p1 = c.call({{"type", "province"}, {"province", 1}});
  CAF_CHECK_EQUAL(p1["result"]["id"], json(1));
  CAF_CHECK(p1["result"]["name"].is_string());
  {
    const auto got = error_code(c.call({{"type", "province"}, {"province", 99999}}));
    CAF_CHECK_EQUAL(got, errc::kNotFound);
  }
  {
    const auto got = error_code(c.call({{"type", "province"}, {"province", "one"}}));
    CAF_CHECK_EQUAL(got, errc::kBadRequest);
  }
  {
    const auto got = c.call({{"type", "nation"}, {"nation", 2}})["result"]["id"];
    CAF_CHECK_EQUAL(got, json(2));
  }
  {
    const auto got = error_code(c.call({{"type", "frobnicate"}}));
    CAF_CHECK_EQUAL(got, errc::kUnknownType);
  }
  // The spectator's refused command changed nothing.
  {
    const auto got = c.call({{"type", "status"}})["result"]["tick"];
    CAF_CHECK_EQUAL(got, json(0));
  }

  Client admin(server.gateway.port);
  greet(admin);
  {
    const auto got =
        admin.call({{"type", "login"}, {"role", "admin"}, {"token", "sesame"}})["result"]["role"];
    CAF_CHECK_EQUAL(got, json("admin"));
  }
  {
    const auto got = error_code(admin.call({{"type", "speed"}, {"speed", "9"}}));
    CAF_CHECK_EQUAL(got, errc::kBadRequest);
  }
  {
    const auto got = admin.call({{"type", "speed"}, {"speed", "max"}})["result"]["ok"];
    CAF_CHECK_EQUAL(got, json(true));
  }
  int64_t tick = 0;
  for (int i = 0; i < 200 && tick < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    tick = c.call({{"type", "status"}})["result"]["tick"].get<int64_t>();
  }
  CAF_CHECK_GREATER_OR_EQUAL(tick, 5);
  {
    const auto got = admin.call({{"type", "pause"}})["result"]["ok"];
    CAF_CHECK_EQUAL(got, json(true));
  }
  const json actors = admin.call({{"type", "actors"}});
  CAF_REQUIRE(actors["result"].is_array());
  CAF_CHECK_GREATER(actors["result"].size(), 12u);
  {
    const auto got = error_code(c.call({{"type", "kill"}, {"kind", "nation"}, {"actor", 3}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }
  {
    const auto got =
        admin.call({{"type", "kill"}, {"kind", "nation"}, {"actor", 3}})["result"]["ok"];
    CAF_CHECK_EQUAL(got, json(true));
  }
  {
    const auto got =
        admin.call({{"type", "restart"}, {"kind", "nation"}, {"actor", 4}})["result"]["generation"];
    CAF_CHECK_EQUAL(got, json(2));
  }
  {
    const auto got = error_code(admin.call({{"type", "kill"}, {"kind", "emperor"}}));
    CAF_CHECK_EQUAL(got, errc::kBadRequest);
  }
  {
    const auto got = error_code(admin.call({{"type", "kill"}, {"kind", "nation"}, {"actor", 999}}));
    CAF_CHECK_EQUAL(got, errc::kFailed);
  }
  {
    const std::string copy = server.dir.file("copy.db");
    const auto got = admin.call({{"type", "save_as"}, {"path", copy}})["result"]["ok"];
    CAF_CHECK_EQUAL(got, json(true));
    CAF_CHECK_EQUAL(access(copy.c_str(), F_OK), 0);
  }
  {
    bool nation3_restarted = false;
    const json listed = admin.call({{"type", "actors"}});
    for (const auto& a : listed["result"])
      if (a["kind"] == "nation" && a["id"] == 3) nation3_restarted = a["generation"] == 2;
    CAF_CHECK(nation3_restarted);
  }
  {
    const auto got = admin.call({{"type", "save"}})["result"]["ok"];
    CAF_CHECK_EQUAL(got, json(true));
  }
}

CAF_TEST(garbage and oversized frames cost only their own connection) {
  live_server server;
  Client good(server.gateway.port);
  greet(good);
  good.call({{"type", "login"}, {"role", "spectator"}});

  Client garbage(server.gateway.port);
  garbage.send_raw(encode_frame("\x01\x02 definitely not json"));
  {
    const auto got = error_code(garbage.receive());  // answered; the connection stays open
    CAF_CHECK_EQUAL(got, errc::kBadFrame);
  }
  {
    const auto got = error_code(garbage.call({{"type", "hello"}, {"version", "one"}}));
    CAF_CHECK_EQUAL(got, errc::kBadRequest);
  }

  Client oversized(server.gateway.port);
  oversized.send_raw(std::string("\x7f\xff\xff\xff", 4));  // announces ~2 GiB
  {
    const auto got = error_code(oversized.receive());
    CAF_CHECK_EQUAL(got, errc::kBadFrame);
  }
  CAF_CHECK(oversized.closed_by_server());

  Client noise(server.gateway.port);
  std::string bytes;
  uint64_t x = 12345;
  for (int i = 0; i < 3000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    bytes.push_back(static_cast<char>(x >> 56));
  }
  noise.send_raw(bytes);
  // The well-behaved client is still served, and the game is untouched.
  const json s = good.call({{"type", "status"}});
  CAF_CHECK_EQUAL(s["result"]["tick"], json(0));
  CAF_CHECK_EQUAL(s["result"]["last_error"], json(""));
}

CAF_TEST(fifty concurrent clients are all answered) {
  live_server server;
  constexpr int kClients = 50;
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      Client c(server.gateway.port);
      if (!c.connected()) return;
      greet(c);
      c.call({{"type", "login"}, {"role", "spectator"}});
      bool all = true;
      for (int k = 0; k < 10; ++k) {
        const json r = k % 2 ? c.call({{"type", "status"}})
                             : c.call({{"type", "province"}, {"province", 1 + (i + k) % 200}});
        all = all && r.is_object() && r.contains("result");
      }
      if (all) ++answered;
    });
  }
  for (auto& t : threads) t.join();
  CAF_CHECK_EQUAL(answered.load(), kClients);
}

namespace {

void start_clock(uint16_t port) {
  Client admin(port);
  login_admin(admin);
  const json ok = admin.call({{"type", "speed"}, {"speed", "max"}});
  CAF_REQUIRE(ok.contains("result"));
}

}  // namespace

CAF_TEST(watch sends a snapshot then one delta per committed tick) {
  live_server server;
  Client watcher(server.gateway.port);
  const json snapshot = login_watcher(watcher);
  CAF_REQUIRE(snapshot.contains("result"));
  const size_t provinces = snapshot["result"]["provinces"].size();
  CAF_CHECK_EQUAL(provinces, 200u);
  int64_t last = snapshot["result"]["tick"].get<int64_t>();
  start_clock(server.gateway.port);
  int consecutive = 0;
  for (int i = 0; i < 40; ++i) {
    const json push = watcher.receive();
    CAF_REQUIRE(push.is_object());
    const std::string kind = push.value("push", "");
    CAF_REQUIRE_EQUAL(kind, "delta");
    const int64_t tick = push["tick"].get<int64_t>();
    if (tick == last + 1) ++consecutive;
    last = tick;
    CAF_CHECK_EQUAL(push["state_hash"].get<std::string>().size(), 16u);
  }
  CAF_CHECK_EQUAL(consecutive, 40);
}

CAF_TEST(a slow watcher gets a resync snapshot instead of unbounded memory) {
  live_server server(16 * 1024);
  Client slow(server.gateway.port, 4096);
  const json snapshot = login_watcher(slow);
  CAF_REQUIRE(snapshot.contains("result"));
  start_clock(server.gateway.port);
  std::this_thread::sleep_for(std::chrono::seconds(3));  // not reading: the outbox fills
  bool resynced = false;
  int64_t last = -1;
  bool consecutive_after = true;
  for (int i = 0; i < 20000 && !(resynced && last > 0 && i > 50); ++i) {
    const json push = slow.receive();
    if (!push.is_object()) break;
    const std::string kind = push.value("push", "");
    const int64_t tick = push["tick"].get<int64_t>();
    if (kind == "snapshot") {
      CAF_CHECK_EQUAL(push.value("reason", ""), "resync");
      resynced = true;
    } else if (resynced && last >= 0 && tick != last + 1) {
      consecutive_after = false;
    }
    last = tick;
  }
  CAF_CHECK(resynced);
  CAF_CHECK(consecutive_after);  // after the snapshot, deltas follow without a gap
}

CAF_TEST(admins issue and revoke player tokens stored only as hashes) {
  live_server server;
  Client admin(server.gateway.port);
  login_admin(admin);
  const json issued = admin.call({{"type", "token_issue"}, {"role", "player"}, {"nation", 2}});
  CAF_REQUIRE(issued.contains("result"));
  const std::string token = issued["result"]["token"].get<std::string>();
  const int64_t token_id = issued["result"]["token_id"].get<int64_t>();
  CAF_CHECK_EQUAL(token.size(), 32u);
  {
    const auto got =
        error_code(admin.call({{"type", "token_issue"}, {"role", "player"}, {"nation", 999}}));
    CAF_CHECK_EQUAL(got, errc::kNotFound);
  }
  // Only the hash is in the save.
  const std::string save = server.dir.file("game.db");
  CAF_CHECK_EQUAL(test::query_int(save, "SELECT count(*) FROM tokens WHERE hash = '" + token + "'"),
                  0);
  CAF_CHECK_EQUAL(
      test::query_int(save, "SELECT count(*) FROM tokens WHERE hash = '" + token_hash(token) + "'"),
      1);

  Client player(server.gateway.port);
  greet(player);
  const json login = player.call({{"type", "login"}, {"role", "player"}, {"token", token}});
  CAF_CHECK_EQUAL(login["result"]["role"], json("player"));
  CAF_CHECK_EQUAL(login["result"]["nation"], json(2));
  {
    const auto got = player.call({{"type", "status"}})["result"]["tick"];
    CAF_CHECK_EQUAL(got, json(0));
  }
  {
    const auto got = error_code(player.call({{"type", "pause"}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }
  {  // a player token is not an admin token
    Client c(server.gateway.port);
    greet(c);
    const auto got = error_code(c.call({{"type", "login"}, {"role", "admin"}, {"token", token}}));
    CAF_CHECK_EQUAL(got, errc::kUnauthorized);
  }
  const json listed = admin.call({{"type", "tokens"}});
  CAF_REQUIRE(listed["result"].is_array());
  CAF_CHECK_EQUAL(listed["result"].size(), 1u);
  CAF_CHECK(listed["result"][0].dump().find(token) == std::string::npos);  // never shown again
  {
    const auto got = admin.call({{"type", "token_revoke"}, {"token_id", token_id}})["result"]["ok"];
    CAF_CHECK_EQUAL(got, json(true));
  }
  {
    const auto got = error_code(admin.call({{"type", "token_revoke"}, {"token_id", token_id}}));
    CAF_CHECK_EQUAL(got, errc::kFailed);
  }
  Client again(server.gateway.port);
  greet(again);
  {
    const auto got =
        error_code(again.call({{"type", "login"}, {"role", "player"}, {"token", token}}));
    CAF_CHECK_EQUAL(got, errc::kUnauthorized);
  }
}

CAF_TEST(the metrics endpoint serves Prometheus text over HTTP) {
  live_server server;
  auto endpoint =
      start_metrics(server.sys, server.game.root, server.gateway.acceptor, "127.0.0.1", 0);
  CAF_REQUIRE(endpoint.ok());
  Client spectator(server.gateway.port);
  greet(spectator);
  spectator.call({{"type", "login"}, {"role", "spectator"}});
  auto http_get = [&](const std::string& path) {
    Client c(endpoint->port);
    c.send_raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    std::string response;
    char buf[4096];
    for (;;) {
      // Client wraps a plain socket; read raw bytes until the server closes.
      const ssize_t n = c.recv_raw(buf, sizeof buf);
      if (n <= 0) break;
      response.append(buf, static_cast<size_t>(n));
    }
    return response;
  };
  const std::string ok = http_get("/metrics");
  CAF_CHECK(ok.rfind("HTTP/1.0 200 OK", 0) == 0);
  CAF_CHECK(ok.find("\nhegemon_tick 0\n") != std::string::npos);
  CAF_CHECK(ok.find("# TYPE hegemon_actor_restarts_total counter") != std::string::npos);
  CAF_CHECK(ok.find("hegemon_living_nations 12") != std::string::npos);
  CAF_CHECK(ok.find("\nhegemon_clients{role=\"spectator\"} 1\n") != std::string::npos);
  CAF_CHECK(ok.find("\nhegemon_clients{role=\"admin\"} 0\n") != std::string::npos);
  CAF_CHECK(ok.find("\nhegemon_phase_seconds{phase=\"nation\"} ") != std::string::npos);
  const std::string missing = http_get("/secrets");
  CAF_CHECK(missing.rfind("HTTP/1.0 404", 0) == 0);
  caf::anon_send_exit(endpoint->acceptor, caf::exit_reason::user_shutdown);
}

CAF_TEST(connection limit and idle timeout are enforced) {
  live_server server(4 << 20, 2, std::chrono::milliseconds(300));
  Client a(server.gateway.port);
  Client b(server.gateway.port);
  {
    const auto got = greet(a).contains("result");
    CAF_CHECK(got);
  }
  {
    const auto got = greet(b).contains("result");
    CAF_CHECK(got);
  }
  Client third(server.gateway.port);  // one too many: an error frame, then closed
  {
    const auto got = error_code(third.receive());
    CAF_CHECK_EQUAL(got, errc::kFailed);
  }
  CAF_CHECK(third.closed_by_server());
  // An idle client is told and disconnected; its slot is free again.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  {
    const auto got = error_code(a.receive());
    CAF_CHECK_EQUAL(got, errc::kFailed);
  }
  CAF_CHECK(a.closed_by_server());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Client fourth(server.gateway.port);
  {
    const auto got = greet(fourth).contains("result");
    CAF_CHECK(got);
  }
}

CAF_TEST(lists and history come from the cache and the save) {
  live_server server;
  Client c(server.gateway.port);
  greet(c);
  c.call({{"type", "login"}, {"role", "spectator"}});
  const json start = c.call({{"type", "province"}, {"province", 1}});
  const NationId first_owner = start["result"]["owner_id"].get<NationId>();
  start_clock(server.gateway.port);
  int64_t committed = 0;
  for (int i = 0; i < 400 && committed < 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    committed = c.call({{"type", "status"}})["result"]["committed_tick"].get<int64_t>();
  }
  CAF_REQUIRE_GREATER_OR_EQUAL(committed, 300);

  const json map = c.call({{"type", "map"}});
  CAF_REQUIRE(map["result"]["provinces"].is_array());
  const size_t rows = map["result"]["provinces"].size();
  CAF_CHECK_EQUAL(rows, 200u);
  const json mine = c.call({{"type", "provinces_of"}, {"nation", 1}});
  CAF_REQUIRE(mine["result"].is_array());
  {
    const auto got = error_code(c.call({{"type", "provinces_of"}, {"nation", 500}}));
    CAF_CHECK_EQUAL(got, errc::kNotFound);
  }
  const json at0 = c.call({{"type", "province_at"}, {"province", 1}, {"tick", 0}});
  {
    const auto got = at0["result"]["owner_id"];
    CAF_CHECK_EQUAL(got, json(first_owner));
  }
  const json events = c.call({{"type", "events"}, {"from", 1}, {"to", 300}});
  CAF_REQUIRE(events["result"].is_array());
  CAF_CHECK_GREATER(events["result"].size(), 0u);
  bool in_range = true;
  for (const auto& e : events["result"]) in_range = in_range && e["tick"] >= 1 && e["tick"] <= 300;
  CAF_CHECK(in_range);
  {
    const auto got = error_code(c.call({{"type", "events"}, {"from", 10}, {"to", 5}}));
    CAF_CHECK_EQUAL(got, errc::kBadRequest);
  }
  // Every war listed for a nation involves it.
  bool involved = true;
  size_t wars = 0;
  for (int n = 1; n <= 12; ++n) {
    const json listed = c.call({{"type", "wars_of"}, {"nation", n}});
    for (const auto& w : listed["result"]) {
      ++wars;
      involved = involved && (w["attacker_id"] == n || w["defender_id"] == n);
    }
  }
  CAF_CHECK(involved);
  CAF_MESSAGE("wars listed: " << wars);
}

CAF_TEST(a player commands its own nation and nothing else) {
  live_server server;
  Client admin(server.gateway.port);
  login_admin(admin);
  const json issued = admin.call({{"type", "token_issue"}, {"role", "player"}, {"nation", 2}});
  CAF_REQUIRE(issued.contains("result"));
  Client player(server.gateway.port);
  greet(player);
  player.call({{"type", "login"}, {"role", "player"}, {"token", issued["result"]["token"]}});
  const json nation = player.call({{"type", "nation"}, {"nation", 2}});
  CAF_REQUIRE(nation.contains("result"));
  const int64_t capital = nation["result"]["capital_id"].get<int64_t>();

  // Refusals change nothing: another nation, an admin-only command, a bad
  // field, a province it does not hold, and any command from a spectator.
  {
    const auto got = error_code(player.call({{"type", "set_tax"}, {"nation", 3}, {"level", 1}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }
  {
    const auto got = error_code(player.call({{"type", "set_player"}, {"player", false}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }
  {
    const auto got = error_code(player.call({{"type", "move_army"}, {"army", "x"}, {"path", {1}}}));
    CAF_CHECK_EQUAL(got, errc::kBadRequest);
  }
  const json foreign = player.call({{"type", "nation"}, {"nation", 3}});
  const int64_t foreign_capital = foreign["result"]["capital_id"].get<int64_t>();
  const json refused = player.call({{"type", "recruit"}, {"province", foreign_capital}});
  CAF_CHECK_EQUAL(error_code(refused), errc::kRefused);
  CAF_CHECK(refused.dump().find("not held by nation 2") != std::string::npos);
  {
    Client spectator(server.gateway.port);
    greet(spectator);
    spectator.call({{"type", "login"}, {"role", "spectator"}});
    const auto got = error_code(spectator.call({{"type", "set_tax"}, {"level", 1}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }

  // Accepted: scheduled for the next tick, applied there, and logged.
  const json accepted = player.call({{"type", "recruit"}, {"province", capital}});
  CAF_REQUIRE(accepted.contains("result"));
  const int64_t tick = accepted["result"]["tick"].get<int64_t>();
  CAF_CHECK_EQUAL(tick, 1);
  CAF_CHECK_EQUAL(accepted["result"]["kind"], json("recruit"));
  CAF_CHECK_EQUAL(accepted["result"]["nation"], json(2));
  const json watching = player.call({{"type", "watch"}});
  CAF_REQUIRE(watching.contains("result"));
  start_clock(server.gateway.port);
  json delta;
  for (int i = 0; i < 10 && !(delta.is_object() && delta.value("tick", 0) >= tick); ++i)
    delta = player.receive();
  CAF_REQUIRE(delta.is_object());
  CAF_REQUIRE_EQUAL(delta.value("tick", 0), tick);
  int commands = 0, recruited = 0;
  for (const json& e : delta["events"]) {
    commands += e["type"] == "command" && e["data"]["kind"] == "recruit";
    recruited += e["type"] == "army_recruited" && e["data"]["nation"] == 2;
  }
  CAF_CHECK_EQUAL(commands, 1);
  CAF_CHECK_EQUAL(recruited, 1);
  const std::string save = server.dir.file("game.db");
  CAF_CHECK_EQUAL(test::query_int(save,
                                  "SELECT count(*) FROM event_log WHERE event_type = 'command'"
                                  " AND tick = 1 AND json_extract(event_data, '$.kind') = 'recruit'"
                                  " AND json_extract(event_data, '$.province') = " +
                                      std::to_string(capital)),
                  1);
  // The token handed nation 2 to its player; the AI stands aside.
  CAF_CHECK_EQUAL(test::query_int(save, "SELECT player FROM nations WHERE id = 2"), 1);
  CAF_CHECK_EQUAL(test::query_int(save,
                                  "SELECT count(*) FROM event_log WHERE event_type = 'command'"
                                  " AND json_extract(event_data, '$.kind') = 'recruit'"),
                  1);
}

CAF_TEST(a client may speak MessagePack after a JSON hello) {
  live_server server;
  Client raw(server.gateway.port);
  const json hello =
      raw.call({{"type", "hello"}, {"version", kProtocolVersion}, {"encoding", "msgpack"}});
  CAF_CHECK_EQUAL(hello["result"]["encoding"], json("msgpack"));
  // From now on every frame is MessagePack, both ways.
  auto call_msgpack = [&](const json& request) {
    std::string payload;
    json::to_msgpack(request, payload);
    raw.send_raw(encode_frame(payload));
    const std::string reply = raw.receive_frame();
    return json::from_msgpack(reply, true, false);
  };
  const json login = call_msgpack({{"id", 1}, {"type", "login"}, {"role", "spectator"}});
  CAF_CHECK_EQUAL(login["result"]["role"], json("spectator"));
  const json status = call_msgpack({{"id", 2}, {"type", "status"}});
  CAF_CHECK_EQUAL(status["id"], json(2));
  CAF_CHECK_EQUAL(status["result"]["tick"], json(0));
  // JSON text is no longer a request on this connection.
  raw.send(json{{"id", 3}, {"type", "status"}});
  const json refused = json::from_msgpack(raw.receive_frame(), true, false);
  CAF_CHECK_EQUAL(error_code(refused), errc::kBadFrame);
  // A second hello cannot switch encodings mid-stream.
  const json again = call_msgpack({{"id", 4}, {"type", "hello"}, {"version", kProtocolVersion}});
  CAF_CHECK_EQUAL(error_code(again), errc::kBadRequest);
  {
    Client other(server.gateway.port);
    const auto got = error_code(
        other.call({{"type", "hello"}, {"version", kProtocolVersion}, {"encoding", "xml"}}));
    CAF_CHECK_EQUAL(got, errc::kBadRequest);
  }

  // The C++ client library speaks it too, watch pushes included.
  auto client = hegemon::net::Client::connect("127.0.0.1", server.gateway.port,
                                              std::chrono::seconds(10), Encoding::msgpack);
  CAF_REQUIRE(client.ok());
  auto logged_in = (*client)->request("login", {{"role", "admin"}, {"token", "sesame"}});
  CAF_REQUIRE(logged_in.ok());
  auto snapshot = (*client)->request("watch");
  CAF_REQUIRE(snapshot.ok());
  CAF_CHECK_EQUAL((*snapshot)["provinces"].size(), 200u);
  auto sped = (*client)->request("speed", {{"speed", "max"}});
  CAF_REQUIRE(sped.ok());
  Tick last = 0;
  for (int i = 0; i < 5; ++i) {
    auto push = (*client)->next_push();
    CAF_REQUIRE(push.ok());
    const Tick tick = (*push)["tick"].get<Tick>();
    CAF_CHECK_EQUAL(tick, last + 1);
    last = tick;
  }
}

CAF_TEST(an admin lists the connected clients and kicks one) {
  live_server server;
  Client admin(server.gateway.port);
  login_admin(admin);
  Client watcher(server.gateway.port);
  login_watcher(watcher);
  {
    const auto got = error_code(watcher.call({{"type", "clients"}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }
  const json listed = admin.call({{"type", "clients"}});
  CAF_REQUIRE(listed["result"].is_array());
  CAF_REQUIRE_EQUAL(listed["result"].size(), 2u);
  const json& second = listed["result"][1];
  CAF_CHECK_EQUAL(second["role"], json("spectator"));
  CAF_CHECK(second["peer"].get<std::string>().rfind("127.0.0.1:", 0) == 0);
  const int64_t victim = second["client"].get<int64_t>();

  const json kicked = admin.call({{"type", "kick"}, {"client", victim}});
  CAF_CHECK_EQUAL(kicked["result"]["ok"], json(true));
  json last = watcher.receive();  // perhaps a delta first; then the reason
  while (last.is_object() && last.contains("push")) last = watcher.receive();
  CAF_CHECK(last.dump().find("disconnected by an admin") != std::string::npos);
  CAF_CHECK(watcher.closed_by_server());
  {
    const auto got = error_code(admin.call({{"type", "kick"}, {"client", victim}}));
    CAF_CHECK_EQUAL(got, errc::kNotFound);
  }
  json after;
  for (int i = 0; i < 50; ++i) {  // the acceptor hears of the closed connection shortly
    after = admin.call({{"type", "clients"}});
    if (after["result"].size() == 1u) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CAF_CHECK_EQUAL(after["result"].size(), 1u);
  // The game never noticed.
  const json status = admin.call({{"type", "status"}});
  CAF_CHECK(status["result"]["last_error"].get<std::string>().empty());
}

CAF_TEST(a crashed or vanished connection costs only itself) {
  live_server server;
  Client admin(server.gateway.port);
  login_admin(admin);
  auto watcher = std::make_unique<Client>(server.gateway.port);
  greet(*watcher);
  watcher->call({{"type", "login"}, {"role", "spectator"}});
  watcher->call({{"type", "watch"}});
  Client doomed(server.gateway.port);
  greet(doomed);
  doomed.call({{"type", "login"}, {"role", "spectator"}});
  start_clock(server.gateway.port);
  auto client_count = [&](size_t want) {
    size_t n = 0;
    for (int i = 0; i < 100; ++i) {  // the acceptor hears of it shortly
      n = admin.call({{"type", "clients"}})["result"].size();
      if (n == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return n;
  };
  CAF_CHECK_EQUAL(client_count(3), 3u);

  // A connection actor dies abnormally: only its client loses the connection.
  caf::scoped_actor self{server.sys};
  caf::actor broker;
  self->request(server.gateway.acceptor, std::chrono::seconds(10), caf::get_atom::value,
                uint64_t{3})
      .receive([&](caf::actor& a) { broker = a; },
               [&](caf::error& err) { CAF_FAIL(describe(err)); });
  CAF_REQUIRE(broker != nullptr);
  self->send_exit(broker, caf::exit_reason::kill);
  CAF_CHECK(doomed.closed_by_server());
  CAF_CHECK_EQUAL(client_count(2), 2u);

  // A watcher that just goes away is cleaned up too.
  watcher.reset();
  CAF_CHECK_EQUAL(client_count(1), 1u);
  const json s1 = admin.call({{"type", "status"}});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const json s2 = admin.call({{"type", "status"}});
  CAF_CHECK_GREATER(s2["result"]["tick"].get<int64_t>(), s1["result"]["tick"].get<int64_t>());
  CAF_CHECK_EQUAL(s2["result"]["last_error"], json(""));
}

CAF_TEST(a live rollback sends watchers a fresh snapshot) {
  live_server server;
  Client admin(server.gateway.port);
  login_admin(admin);
  Client watcher(server.gateway.port);
  login_watcher(watcher);
  admin.call({{"type", "speed"}, {"speed", "max"}});
  json push;
  for (int i = 0; i < 30; ++i) push = watcher.receive();
  CAF_REQUIRE(push.is_object());
  CAF_REQUIRE_GREATER_OR_EQUAL(push.value("tick", 0), 30);
  {
    Client spectator(server.gateway.port);
    greet(spectator);
    spectator.call({{"type", "login"}, {"role", "spectator"}});
    const auto got = error_code(spectator.call({{"type", "rollback"}, {"tick", 5}}));
    CAF_CHECK_EQUAL(got, errc::kForbidden);
  }
  const json back = admin.call({{"type", "rollback"}, {"tick", 10}});
  CAF_REQUIRE(back.contains("result"));
  CAF_CHECK_EQUAL(back["result"]["tick"], json(10));
  // Deltas already on their way come first, as many as the game made at
  // speed max until the rollback paused it (over 200 under the sanitizers),
  // and a "resync" snapshot if the watcher fell behind meanwhile; then the
  // snapshot of tick 10. Each receive() waits up to 10 s.
  json snapshot;
  int skipped = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    snapshot = watcher.receive();
    if (!snapshot.is_object() || std::chrono::steady_clock::now() > give_up) break;
    if (snapshot.value("push", "") == "snapshot" && snapshot.value("reason", "") == "rollback")
      break;
    ++skipped;
  }
  CAF_MESSAGE(skipped << " pushes before the rollback's snapshot");
  CAF_REQUIRE(snapshot.is_object());
  CAF_CHECK_EQUAL(snapshot.value("reason", ""), "rollback");
  CAF_CHECK_EQUAL(snapshot.value("tick", 0), 10);
  const json status = admin.call({{"type", "status"}});
  CAF_CHECK_EQUAL(status["result"]["tick"], json(10));
  CAF_CHECK_EQUAL(status["result"]["speed"], json("paused"));
}

CAF_TEST(deeply nested MessagePack is refused without harm) {
  // 100,000 nested one-element arrays: a recursive decoder would overflow its stack.
  std::string bomb(100000, '\x91');
  bomb.push_back('\xc0');
  CAF_CHECK(!decode_payload(bomb, Encoding::msgpack).has_value());
  std::string fine;
  json::to_msgpack(json{{"id", 1}, {"type", "status"}, {"list", {{1, 2}, {3, {4, 5}}}}}, fine);
  auto decoded = decode_payload(fine, Encoding::msgpack);
  CAF_REQUIRE(decoded.has_value());
  CAF_CHECK_EQUAL((*decoded)["list"][1][1][1], json(5));

  live_server server;
  Client raw(server.gateway.port);
  raw.call({{"type", "hello"}, {"version", kProtocolVersion}, {"encoding", "msgpack"}});
  raw.send_raw(encode_frame(bomb));
  const json refused = json::from_msgpack(raw.receive_frame(), true, false);
  CAF_CHECK_EQUAL(error_code(refused), errc::kBadFrame);
  Client other(server.gateway.port);
  const json hello = other.call({{"type", "hello"}, {"version", kProtocolVersion}});
  CAF_CHECK(hello.contains("result"));  // the server is still there
}

CAF_TEST(a gateway shutting down closes every connection before it ends) {
  live_server server;
  Client watcher(server.gateway.port);
  const json watching = login_watcher(watcher);
  CAF_REQUIRE(watching.contains("result"));
  Client quiet(server.gateway.port);
  greet(quiet);
  caf::scoped_actor self{server.sys};
  std::vector<caf::actor> connections;
  for (uint64_t id : {uint64_t{1}, uint64_t{2}}) {
    self->request(server.gateway.acceptor, std::chrono::seconds(10), caf::get_atom::value, id)
        .receive([&](caf::actor& a) { connections.push_back(a); },
                 [&](caf::error& err) { CAF_FAIL(describe(err)); });
  }
  for (auto& c : connections) self->monitor(c);
  self->monitor(server.gateway.acceptor);
  caf::anon_send_exit(server.gateway.acceptor, caf::exit_reason::user_shutdown);
  // Every client is told, then sees the end of the stream.
  for (Client* c : {&watcher, &quiet}) {
    json last = c->receive();
    while (last.is_object() && last.contains("push")) last = c->receive();
    CAF_CHECK(last.dump().find("server shutting down") != std::string::npos);
    CAF_CHECK(c->closed_by_server());
  }
  // The acceptor ends last, once every connection is down.
  std::vector<caf::actor_addr> downs;
  for (int i = 0; i < 3; ++i) {
    self->receive([&](caf::down_msg& dm) { downs.push_back(dm.source); },
                  caf::after(std::chrono::seconds(10)) >> [&] { CAF_FAIL("no down message"); });
  }
  CAF_REQUIRE_EQUAL(downs.size(), 3u);
  CAF_CHECK(downs.back() == server.gateway.acceptor.address());
  // And it no longer listens.
  Client late(server.gateway.port);
  const bool refused = !late.connected() || late.closed_by_server();
  CAF_CHECK(refused);
}
