// An optional HTTP endpoint serving the game's metrics in Prometheus' text
// format (GET /metrics), for scraping by Prometheus or reading with curl.
// Built on the same CAF brokers as the gateway; one short-lived broker per
// request, at most `max_connections` at a time (more are answered 503 and
// closed at once). Listens on 127.0.0.1 unless told otherwise. A scraper that
// asks for OpenMetrics (Accept: application/openmetrics-text, as Prometheus
// does) gets OpenMetrics 1.0; anyone else the text format 0.0.4.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/game_status.h"
#include "net/broker.h"
#include "net/gateway.h"
#include "state/status.h"

namespace hegemon::net {

// Scrapers connect one at a time; 16 leaves room for a few tools besides
// Prometheus and keeps a flood of connections from taking the I/O thread and
// the file descriptors the gateway needs.
constexpr size_t kDefaultMetricsConnections = 16;

enum class MetricsFormat { text_0_0_4, openmetrics };

struct MetricsEndpoint {
  caf::actor acceptor;
  uint16_t port = 0;
};

// `gateway` (its acceptor; may be null) is asked for the connected clients.
Result<MetricsEndpoint> start_metrics(caf::actor_system& sys, caf::actor game, caf::actor gateway,
                                      const std::string& host, uint16_t port,
                                      size_t max_connections = kDefaultMetricsConnections);

// The exposition text for one status and the gateway's clients (exposed for
// tests). The two formats differ in a counter's family name: the text format
// names it with its sample (`# TYPE x_total counter`), OpenMetrics without the
// suffix (`# TYPE x counter`, sample `x_total`), and OpenMetrics ends with
// `# EOF`; each format's own parser refuses the other's.
std::string prometheus_text(const GameStatus& s, const std::vector<ClientSummary>& clients,
                            MetricsFormat format = MetricsFormat::text_0_0_4);
// The format a request's headers ask for.
MetricsFormat metrics_format_for(const std::string& request_headers);

// Answers one complete `GET /metrics` request (its head in `request_headers`)
// on `hdl` from the game's status and `gateway`'s clients (may be null), then
// closes the connection and quits `self`. The metrics port's brokers and the
// --http-port's (net/websocket_broker.cc) both answer through it.
void answer_metrics(Broker* self, caf::io::connection_handle hdl, caf::actor game,
                    caf::actor gateway, const std::string& request_headers);

}  // namespace hegemon::net
