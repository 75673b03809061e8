#include "net/metrics.h"

#include <cctype>
#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/io/system_messages.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "actors/atoms.h"
#include "actors/errors.h"
#include "actors/game_speed.h"
#include "net/accept_guard.h"
#include "net/broker.h"
#include "net/listen_socket.h"
#include "net/log_throttle.h"

namespace hegemon::net {
namespace {

constexpr size_t kMaxRequestBytes = 8192;
using expire_atom = caf::atom_constant<caf::atom("expire")>;

// Writes the exposition in one format. A counter's family is `name` without
// its `_total` suffix in OpenMetrics, with it in the text format; its sample
// is always `name` (ending in `_total`).
class Exposition {
 public:
  explicit Exposition(MetricsFormat format) : format_(format) {}

  void metric(const char* name, const char* type, const char* help, double value) {
    header(name, type, help);
    out_ += fmt::format("{} {}\n", name, value);
  }

  // A metric with one label and a sample per label value.
  void labelled(const char* name, const char* type, const char* help, const char* label,
                const std::vector<std::pair<std::string, double>>& samples) {
    header(name, type, help);
    for (const auto& [value, sample] : samples)
      out_ += fmt::format("{}{{{}=\"{}\"}} {}\n", name, label, value, sample);
  }

  std::string finish() {
    if (format_ == MetricsFormat::openmetrics) out_ += "# EOF\n";
    return std::move(out_);
  }

 private:
  void header(const std::string& name, const char* type, const char* help) {
    std::string family = name;
    const std::string suffix = "_total";
    if (format_ == MetricsFormat::openmetrics && std::string(type) == "counter" &&
        family.size() > suffix.size() &&
        family.compare(family.size() - suffix.size(), suffix.size(), suffix) == 0)
      family.resize(family.size() - suffix.size());
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family, help, family, type);
  }

  MetricsFormat format_;
  std::string out_;
};

const char* content_type(MetricsFormat format) {
  return format == MetricsFormat::openmetrics
             ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
             : "text/plain; version=0.0.4";
}

void write_response(Broker* self, caf::io::connection_handle hdl, const char* status,
                    const std::string& body, MetricsFormat format = MetricsFormat::text_0_0_4) {
  const std::string response = fmt::format(
      "HTTP/1.0 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      status, content_type(format), body.size(), body);
  self->write(hdl, response.size(), response.data());
  self->flush(hdl);
  self->close(hdl);
}

void respond(Broker* self, caf::io::connection_handle hdl, const char* status,
             const std::string& body, MetricsFormat format = MetricsFormat::text_0_0_4) {
  write_response(self, hdl, status, body, format);
  self->quit();
}

}  // namespace

void answer_metrics(Broker* self, caf::io::connection_handle hdl, caf::actor game,
                    caf::actor gateway, const std::string& request_headers) {
  auto unavailable = [=](caf::error& err) {
    respond(self, hdl, "503 Service Unavailable", describe(err) + "\n");
  };
  const MetricsFormat format = metrics_format_for(request_headers);
  self->request(game, std::chrono::seconds(10), status_atom::value)
      .then(
          [=](GameStatus& s) {
            if (!gateway)
              return respond(self, hdl, "200 OK", prometheus_text(s, {}, format), format);
            self->request(gateway, std::chrono::seconds(10), clients_atom::value)
                .then(
                    [=](std::vector<ClientSummary>& clients) {
                      respond(self, hdl, "200 OK", prometheus_text(s, clients, format), format);
                    },
                    unavailable);
          },
          unavailable);
}

namespace {

caf::behavior request_broker(Broker* self, caf::io::connection_handle hdl, caf::actor game,
                             caf::actor gateway) {
  self->configure_read(hdl, caf::io::receive_policy::at_most(kMaxRequestBytes));
  // A scraper that never finishes its request does not keep a broker alive.
  self->delayed_send(self, std::chrono::seconds(10), expire_atom::value);
  auto request = std::make_shared<std::string>();
  return {
      [=](expire_atom) { respond(self, hdl, "408 Request Timeout", ""); },
      [=](const caf::io::new_data_msg& msg) {
        request->append(msg.buf.begin(), msg.buf.end());
        if (request->size() > kMaxRequestBytes)
          return respond(self, hdl, "413 Payload Too Large", "");
        if (request->find("\r\n\r\n") == std::string::npos) return;  // headers incomplete
        if (request->rfind("GET /metrics ", 0) != 0 && request->rfind("GET /metrics?", 0) != 0)
          return respond(self, hdl, "404 Not Found", "try GET /metrics\n");
        answer_metrics(self, hdl, game, gateway, *request);
      },
      [=](const caf::io::connection_closed_msg&) { self->quit(); },
  };
}

caf::behavior metrics_acceptor(Broker* self, caf::io::doorman_ptr door, caf::actor game,
                               caf::actor gateway, size_t max_connections) {
  self->add_doorman(std::move(door));
  // Request brokers alive: each ends within 10 s (expire_atom), but a flood of
  // connections could still hold thousands at once, each a descriptor the
  // gateway may need.
  auto open = std::make_shared<size_t>(0);
  self->set_down_handler([open](caf::down_msg&) { --*open; });
  return {
      [=](const caf::io::new_connection_msg& msg) {
        if (*open >= max_connections) {
          static LogThrottle refused(1);
          uint64_t held_back = 0;
          if (refused.allow(held_back))
            spdlog::warn(
                "metrics: {} connections open already; refusing more ({} refused since "
                "the last warning)",
                max_connections, held_back + 1);
          return write_response(self, msg.handle, "503 Service Unavailable",
                                "too many connections; try again later\n");
        }
        ++*open;
        self->monitor(self->fork(request_broker, msg.handle, game, gateway));
      },
      [=](resume_accept_atom, caf::io::accept_handle listener) { self->trigger(listener); },
      [=](const caf::io::acceptor_closed_msg&) { self->quit(); },
  };
}

}  // namespace

MetricsFormat metrics_format_for(const std::string& request_headers) {
  // Header names are case-insensitive; the media type is matched as sent
  // (Prometheus sends it in lower case).
  std::string lower = request_headers;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t accept = lower.find("\r\naccept:");
  if (accept == std::string::npos) return MetricsFormat::text_0_0_4;
  const size_t end = lower.find("\r\n", accept + 2);
  const std::string value = lower.substr(accept, end - accept);
  return value.find("application/openmetrics-text") != std::string::npos
             ? MetricsFormat::openmetrics
             : MetricsFormat::text_0_0_4;
}

std::string prometheus_text(const GameStatus& s, const std::vector<ClientSummary>& clients,
                            MetricsFormat format) {
  Exposition out(format);
  out.metric("hegemon_tick", "gauge", "Last completed tick (in the hot cache).", s.tick);
  out.metric("hegemon_committed_tick", "gauge", "Last tick committed to the save.",
             s.committed_tick);
  out.metric("hegemon_uncommitted_ticks", "gauge", "Change sets awaiting their commit.",
             s.uncommitted);
  out.metric("hegemon_ticks_per_second", "gauge", "Ticks completed in the last second.",
             s.ticks_per_second);
  out.metric("hegemon_commit_seconds", "gauge", "Duration of the last commit transaction.",
             s.commit_ms / 1000.0);
  out.metric("hegemon_speed", "gauge", "Game speed: 0 paused, 1..5, 6 unthrottled.", s.speed);
  out.metric("hegemon_paused_on_error", "gauge", "1 while the game is paused by a failure.",
             s.last_error.empty() ? 0 : 1);
  out.metric("hegemon_living_nations", "gauge", "Nations alive (nation actors).", s.living_nations);
  out.metric("hegemon_active_wars", "gauge", "Wars being fought (war actors).", s.active_wars);
  out.metric("hegemon_armies", "gauge", "Armies in the hot cache.", s.armies);
  out.metric("hegemon_actor_restarts_total", "counter",
             "Actor incarnations started after a crash or on request, since the server started.",
             s.restarts);
  out.labelled("hegemon_phase_seconds", "gauge", "Wall time of each phase of the last tick.",
               "phase",
               {{"nation", s.nation_phase_ms / 1000.0},
                {"war", s.war_phase_ms / 1000.0},
                {"finish", s.finish_phase_ms / 1000.0}});
  std::vector<std::pair<std::string, double>> by_role{
      {"admin", 0}, {"player", 0}, {"spectator", 0}, {"none", 0}};
  for (const auto& c : clients)
    for (auto& [role, count] : by_role)
      if (role == c.role) ++count;
  out.labelled("hegemon_clients", "gauge",
               "Clients connected to the gateway, by role (none: not logged in).", "role", by_role);
  return out.finish();
}

Result<MetricsEndpoint> start_metrics(caf::actor_system& sys, caf::actor game, caf::actor gateway,
                                      const std::string& host, uint16_t port,
                                      size_t max_connections) {
  auto listening = open_listen_socket(host, port);
  if (!listening) return listening.status();
  auto& mm = sys.middleman();
  MetricsEndpoint m;
  m.port = listening->second;
  m.acceptor = mm.spawn_broker(metrics_acceptor, guarded_doorman(sys, listening->first, "metrics"),
                               std::move(game), std::move(gateway), max_connections);
  return m;
}

}  // namespace hegemon::net
