// The publisher: fans every committed tick's change set out to subscribers
// (the game supervisor, and the gateway's acceptor, which relays it to the
// watching connections). The coordinator hands it a change set
// once persistence has acknowledged it, so subscribers only ever see ticks that
// are in the save. Subscribers are monitored and forgotten when they stop.
//
//   (subscribe, actor)       the actor gets (delta, ChangeSetPtr) from now on
//   (delta, ChangeSetPtr)    from the coordinator: forwarded to every subscriber
//   (rewound, Tick)          the game went back to that tick: forwarded, so that
//                            watchers start again from a fresh snapshot
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace hegemon {

caf::actor spawn_publisher(caf::local_actor* parent);

}  // namespace hegemon
