// The base of the gateway's and the metrics endpoint's CAF io brokers.
#pragma once

#include <caf/detail/sync_request_bouncer.hpp>
#include <caf/error.hpp>
#include <caf/execution_unit.hpp>
#include <caf/io/broker.hpp>

namespace hegemon::net {

// A `caf::io::broker` that, like every other CAF actor, closes its mailbox
// when it terminates. CAF 0.17's `abstract_broker::cleanup`
// (libcaf_io/src/io/abstract_broker.cpp:62-69) closes the broker's scribes
// and doormen and then calls `local_actor::cleanup`, skipping
// `scheduled_actor::cleanup` (libcaf_core/src/scheduled_actor.cpp:222-250),
// which is where an actor's mailbox is closed and emptied. A terminated
// broker therefore keeps what was left in its mailbox, and takes in every
// message sent to it later, until it is destroyed; and each of those
// messages holds its sender strongly. A message from the broker to itself
// (a `delayed_send` to self: CAF's clock delivers it even after its sender
// has quit, `cancel_timeouts` does not cover it), a connection's `down_msg`
// reaching an acceptor that has quit (its sender is the connection) while
// that connection holds a delta from the acceptor (sender: the acceptor),
// ... are then reference cycles that nothing breaks: the brokers, their
// scribe tables and every message in their mailboxes leak. Closing the
// mailbox drops what it holds (requests in it are answered with an error, as
// CAF does for other actors) and turns later messages away.
//
// Function-based brokers use it as `caf::behavior f(Broker* self, ...)`
// with `spawn_broker` and `fork`.
class Broker : public caf::io::broker {
 public:
  using caf::io::broker::broker;

  bool cleanup(caf::error&& reason, caf::execution_unit* host) override {
    if (!mailbox().closed()) {  // as scheduled_actor::cleanup does
      mailbox().close();
      get_normal_queue().flush_cache();
      get_urgent_queue().flush_cache();
      caf::detail::sync_request_bouncer bounce{reason};
      while (mailbox().queue().new_round(1000, bounce).consumed_items) {
      }
    }
    return caf::io::broker::cleanup(std::move(reason), host);
  }
};

}  // namespace hegemon::net
