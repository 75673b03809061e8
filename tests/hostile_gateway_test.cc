// A hostile save against a live gateway (issue #13, item 1): an event_log
// row nested 400,000 deep, which overflowed the stack of CAF's I/O thread
// (SIGSEGV) when a spectator asked for the events of its tick, is now a
// clear error reply, and the server goes on answering. Real sockets on
// 127.0.0.1; the hostile row is written with SQL on the real save file.
#include <caf/test/unit_test.hpp>

#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>

#include "actors/game.h"
#include "net/client.h"
#include "net/gateway.h"
#include "persistence/save_reader.h"
#include "test_support.h"

using namespace hegemon;

namespace {

struct net_config : caf::actor_system_config {
  net_config() { load<caf::io::middleman>(); }
};

}  // namespace

CAF_TEST(a spectator asking for a nested event gets an error and the server lives on) {
  test::TempDir dir;
  const std::string save_path = dir.file("game.db");
  net_config cfg;
  caf::actor_system sys{cfg};
  GameOptions options;
  options.save_path = save_path;
  options.new_world = test::small_world();
  options.coordinator.speed = kPausedSpeed;
  auto game = start_game(sys, options);
  CAF_REQUIRE(game.ok());
  auto reader = SaveReader::open(save_path);
  CAF_REQUIRE(reader.ok());
  net::GatewayOptions gw;
  gw.port = 0;
  gw.admin_token = "a-long-enough-admin-token";
  auto gateway = net::start_gateway(sys, game->root, game->world, *reader, gw);
  CAF_REQUIRE(gateway.ok());

  // The game is paused at tick 0: the hostile row sits where a spectator's
  // default range (the last 30 days) finds it.
  const std::string nested = std::string(400000, '[') + std::string(400000, ']');
  test::exec_sql(save_path,
                 "PRAGMA ignore_check_constraints = ON;"
                 " INSERT INTO event_log (tick, event_type, event_data) VALUES (0, 'battle', '" +
                     nested + "')");

  auto client = net::Client::connect("127.0.0.1", gateway->port);
  CAF_REQUIRE(client.ok());
  auto login = (*client)->request("login", {{"role", "spectator"}});
  CAF_REQUIRE(login.ok());
  auto events = (*client)->request("events", {{"from", 0}, {"to", 0}});
  CAF_CHECK(!events.ok());
  CAF_CHECK((*client)->server_error());
  CAF_CHECK(events.status().message().find("damaged event_log row at tick 0") != std::string::npos);
  auto status = (*client)->request("status");
  CAF_CHECK(status.ok());

  caf::anon_send_exit(gateway->acceptor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(game->root, caf::exit_reason::user_shutdown);
}
