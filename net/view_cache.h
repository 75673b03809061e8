// The two whole-world replies, `map` and `watch`'s snapshot, encoded once per
// state of the world rather than once per request. Every connection broker
// runs on the middleman's one I/O thread, and these replies are the largest
// it builds (the whole world; nlohmann's construction and dump dominated the
// thread's time with a dozen spectators looping them). The rate limit prices
// them by size (net/request_budget.h); this makes the price mostly the
// copying.
//
// An entry is keyed by the world it came from and that world's GameMeta
// (tick, id counters, state hash), so a new tick, a rollback or another
// server in the same process never gets another state's reply. A reply built
// while a tick is being computed mixes that tick's entities with the last
// one's, as building it per request did; it is replaced at the next tick.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "net/protocol.h"
#include "state/world.h"

namespace hegemon::net {

struct EncodedView {
  Tick tick = 0;        // of the state it shows
  std::string payload;  // the result alone, in its encoding
};

// {"tick", "provinces": [[id, owner, controller], ...]}, the `map` result.
const EncodedView& map_view(const std::shared_ptr<const World>& world, Encoding encoding);
// snapshot_json(world), the `watch` result.
const EncodedView& snapshot_view(const std::shared_ptr<const World>& world, Encoding encoding);

// The payload of {"id": id, "result": <result>} with `result` already encoded:
// spliced in, byte for byte what encode_payload(reply_result(...)) gives.
std::string reply_payload(const nlohmann::json& id, const std::string& encoded_result,
                          Encoding encoding);

}  // namespace hegemon::net
