#include "actors/publisher.h"

#include <algorithm>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/system_messages.hpp>

#include "actors/atoms.h"
#include "actors/messages.h"

namespace hegemon {

namespace {

using Subscribers = std::shared_ptr<std::vector<caf::actor>>;

// Takes its (empty) subscriber list as an argument: see supervisor.cc on
// argument-less spawns in CAF 0.17.
caf::behavior publisher_actor(caf::event_based_actor* self, Subscribers subscribers) {
  self->set_down_handler([subscribers](caf::down_msg& dm) {
    subscribers->erase(
        std::remove_if(subscribers->begin(), subscribers->end(),
                       [&](const caf::actor& a) { return a.address() == dm.source; }),
        subscribers->end());
  });
  return {
      [self, subscribers](subscribe_atom, const caf::actor& who) {
        self->monitor(who);
        subscribers->push_back(who);
      },
      [self, subscribers](delta_atom atom, const ChangeSetPtr& changes) {
        for (const auto& who : *subscribers) self->send(who, atom, changes);
      },
      [self, subscribers](rewound_atom atom, Tick tick) {
        for (const auto& who : *subscribers) self->send(who, atom, tick);
      },
  };
}

}  // namespace

caf::actor spawn_publisher(caf::local_actor* parent) {
  return parent->spawn(publisher_actor, std::make_shared<std::vector<caf::actor>>());
}

}  // namespace hegemon
