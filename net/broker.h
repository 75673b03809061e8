// The base of the gateway's and the metrics endpoint's CAF io brokers.
#pragma once

#include <caf/error.hpp>
#include <caf/execution_unit.hpp>
#include <caf/io/broker.hpp>
#include <caf/scheduled_actor.hpp>

namespace hegemon::net {

// A `caf::io::broker` that, like every other CAF actor, closes its mailbox
// when it terminates. CAF 0.17's `abstract_broker::cleanup`
// (libcaf_io/src/io/abstract_broker.cpp:62-69) closes the broker's scribes
// and doormen and then calls `local_actor::cleanup`, skipping
// `scheduled_actor::cleanup` (libcaf_core/src/scheduled_actor.cpp:222-251),
// which is where an actor's mailbox is closed and emptied. A terminated
// broker therefore keeps what was left in its mailbox, and takes in every
// message sent to it later, until it is destroyed; and each of those
// messages holds its sender strongly. So when a connection ended (its client
// went away) while the acceptor still relayed deltas to it (each holds the
// acceptor) and the acceptor quit before the connection's down message
// reached it (that message holds the connection), the two brokers held each
// other through their mailboxes for good, with every delta's change set; a
// `delayed_send` to self arriving after quit (CAF's clock delivers it
// anyway) did the same on its own. Here the servants are closed as before,
// then `scheduled_actor::cleanup` runs: it closes and empties the mailbox
// (requests in it are answered with an error, later messages are turned
// away) and goes on to `local_actor::cleanup` as the broker's own did. (Its
// code stays in libcaf_core: closing the mailbox from a header here trips
// UBSan on a downcast inside CAF's intrusive queue, task_queue.hpp:67.)
//
// Function-based brokers use it as `caf::behavior f(Broker* self, ...)`
// with `spawn_broker` and `fork`.
class Broker : public caf::io::broker {
 public:
  using caf::io::broker::broker;

  bool cleanup(caf::error&& reason, caf::execution_unit* host) override {
    close_all();  // what abstract_broker::cleanup does before local_actor's
    return caf::scheduled_actor::cleanup(std::move(reason), host);
  }
};

}  // namespace hegemon::net
