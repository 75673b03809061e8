// An optional HTTP endpoint serving the game's metrics in Prometheus' text
// format (GET /metrics), for scraping by Prometheus or reading with curl.
// Built on the same CAF brokers as the gateway; one short-lived broker per
// request. Listens on 127.0.0.1 unless told otherwise.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/game_status.h"
#include "net/gateway.h"
#include "state/status.h"

namespace hegemon::net {

struct MetricsEndpoint {
  caf::actor acceptor;
  uint16_t port = 0;
};

// `gateway` (its acceptor; may be null) is asked for the connected clients.
Result<MetricsEndpoint> start_metrics(caf::actor_system& sys, caf::actor game, caf::actor gateway,
                                      const std::string& host, uint16_t port);

// The exposition text for one status and the gateway's clients (exposed for tests).
std::string prometheus_text(const GameStatus& s, const std::vector<ClientSummary>& clients);

}  // namespace hegemon::net
