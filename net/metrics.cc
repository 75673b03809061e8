#include "net/metrics.h"

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/io/system_messages.hpp>
#include <fmt/format.h>

#include "actors/atoms.h"
#include "actors/errors.h"
#include "actors/game_speed.h"
#include "net/broker.h"
#include "net/listen_socket.h"

namespace hegemon::net {
namespace {

constexpr size_t kMaxRequestBytes = 8192;
using expire_atom = caf::atom_constant<caf::atom("expire")>;

void metric(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

// A metric with one label and a sample per label value.
void labelled_metric(std::string& out, const char* name, const char* type, const char* help,
                     const char* label, const std::vector<std::pair<std::string, double>>& samples) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  for (const auto& [value, sample] : samples)
    out += fmt::format("{}{{{}=\"{}\"}} {}\n", name, label, value, sample);
}

void respond(Broker* self, caf::io::connection_handle hdl, const char* status,
             const std::string& body) {
  const std::string response = fmt::format(
      "HTTP/1.0 {}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      status, body.size(), body);
  self->write(hdl, response.size(), response.data());
  self->flush(hdl);
  self->close(hdl);
  self->quit();
}

caf::behavior request_broker(Broker* self, caf::io::connection_handle hdl,
                             caf::actor game, caf::actor gateway) {
  self->configure_read(hdl, caf::io::receive_policy::at_most(kMaxRequestBytes));
  // A scraper that never finishes its request does not keep a broker alive.
  self->delayed_send(self, std::chrono::seconds(10), expire_atom::value);
  auto request = std::make_shared<std::string>();
  return {
      [=](expire_atom) { respond(self, hdl, "408 Request Timeout", ""); },
      [=](const caf::io::new_data_msg& msg) {
        request->append(msg.buf.begin(), msg.buf.end());
        if (request->size() > kMaxRequestBytes) return respond(self, hdl, "413 Payload Too Large", "");
        if (request->find("\r\n\r\n") == std::string::npos) return;  // headers incomplete
        if (request->rfind("GET /metrics ", 0) != 0 && request->rfind("GET /metrics?", 0) != 0)
          return respond(self, hdl, "404 Not Found", "try GET /metrics\n");
        auto unavailable = [=](caf::error& err) {
          respond(self, hdl, "503 Service Unavailable", describe(err) + "\n");
        };
        self->request(game, std::chrono::seconds(10), status_atom::value)
            .then(
                [=](GameStatus& s) {
                  if (!gateway) return respond(self, hdl, "200 OK", prometheus_text(s, {}));
                  self->request(gateway, std::chrono::seconds(10), clients_atom::value)
                      .then(
                          [=](std::vector<ClientSummary>& clients) {
                            respond(self, hdl, "200 OK", prometheus_text(s, clients));
                          },
                          unavailable);
                },
                unavailable);
      },
      [=](const caf::io::connection_closed_msg&) { self->quit(); },
  };
}

caf::behavior metrics_acceptor(Broker* self, caf::io::doorman_ptr door, caf::actor game,
                               caf::actor gateway) {
  self->add_doorman(std::move(door));
  return {
      [=](const caf::io::new_connection_msg& msg) {
        self->fork(request_broker, msg.handle, game, gateway);
      },
      [=](const caf::io::acceptor_closed_msg&) { self->quit(); },
  };
}

}  // namespace

std::string prometheus_text(const GameStatus& s, const std::vector<ClientSummary>& clients) {
  std::string out;
  metric(out, "hegemon_tick", "gauge", "Last completed tick (in the hot cache).", s.tick);
  metric(out, "hegemon_committed_tick", "gauge", "Last tick committed to the save.", s.committed_tick);
  metric(out, "hegemon_uncommitted_ticks", "gauge", "Change sets awaiting their commit.", s.uncommitted);
  metric(out, "hegemon_ticks_per_second", "gauge", "Ticks completed in the last second.",
         s.ticks_per_second);
  metric(out, "hegemon_commit_seconds", "gauge", "Duration of the last commit transaction.",
         s.commit_ms / 1000.0);
  metric(out, "hegemon_speed", "gauge", "Game speed: 0 paused, 1..5, 6 unthrottled.", s.speed);
  metric(out, "hegemon_paused_on_error", "gauge", "1 while the game is paused by a failure.",
         s.last_error.empty() ? 0 : 1);
  metric(out, "hegemon_living_nations", "gauge", "Nations alive (nation actors).", s.living_nations);
  metric(out, "hegemon_active_wars", "gauge", "Wars being fought (war actors).", s.active_wars);
  metric(out, "hegemon_armies", "gauge", "Armies in the hot cache.", s.armies);
  metric(out, "hegemon_actor_restarts_total", "counter",
         "Actor incarnations started after a crash or on request.", s.restarts);
  labelled_metric(out, "hegemon_phase_seconds", "gauge", "Wall time of each phase of the last tick.",
                  "phase",
                  {{"nation", s.nation_phase_ms / 1000.0},
                   {"war", s.war_phase_ms / 1000.0},
                   {"finish", s.finish_phase_ms / 1000.0}});
  std::vector<std::pair<std::string, double>> by_role{
      {"admin", 0}, {"player", 0}, {"spectator", 0}, {"none", 0}};
  for (const auto& c : clients)
    for (auto& [role, count] : by_role)
      if (role == c.role) ++count;
  labelled_metric(out, "hegemon_clients", "gauge",
                  "Clients connected to the gateway, by role (none: not logged in).", "role", by_role);
  return out;
}

Result<MetricsEndpoint> start_metrics(caf::actor_system& sys, caf::actor game, caf::actor gateway,
                                      const std::string& host, uint16_t port) {
  auto listening = open_listen_socket(host, port);
  if (!listening) return listening.status();
  auto& mm = sys.middleman();
  MetricsEndpoint m;
  m.port = listening->second;
  m.acceptor = mm.spawn_broker(metrics_acceptor, mm.backend().new_doorman(listening->first),
                               std::move(game), std::move(gateway));
  return m;
}

}  // namespace hegemon::net
