// A listener that survives running out of file descriptors, for the
// gateway's and the metrics endpoint's acceptor brokers.
//
// CAF 0.17's doorman accepts with policy::tcp::try_accept, which ignores a
// failed accept(2) (EMFILE, ENFILE, ENOBUFS, ENOMEM); the connection stays in
// the listen queue, epoll (level-triggered) reports the socket readable again
// at once, and the middleman's one I/O thread spins at 100 % CPU retrying,
// so every connected client's replies wait behind it (5 s `status` replies
// were measured). This doorman accepts the same way but, when descriptors run
// out, does what libuv and nginx do:
// - it keeps one reserve descriptor (/dev/null) open from the start; on
//   EMFILE/ENFILE it closes the reserve, accepts the waiting connection,
//   closes that at once (its client sees the connection end instead of
//   hanging in the queue) and opens the reserve again. Each readiness event
//   then removes one connection from the queue: no busy loop.
// - if the reserve cannot be had back (another thread took the descriptor)
//   or accept fails for lack of memory, it stops listening for a while
//   (10 ms, doubling to at most 1 s while the failures go on) and tells its
//   broker to listen again then (`resume_accept_atom`).
// Refused connections are logged, at most one line a second.
#pragma once

#include <string>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/io/accept_handle.hpp>
#include <caf/io/doorman.hpp>

namespace hegemon::net {

// Sent by the doorman to its broker, delayed: (resume_accept_atom, handle).
// The broker answers with `self->trigger(handle)` (listen again).
using resume_accept_atom = caf::atom_constant<caf::atom("acceptgo")>;

// A doorman for the listening socket `fd` (its owner from now on) on `sys`'s
// middleman. `what` names the listener in logs ("gateway", "metrics"). With a
// multiplexer other than CAF's default one (none is used by Hegemon), CAF's
// own doorman.
caf::io::doorman_ptr guarded_doorman(caf::actor_system& sys, int fd, std::string what);

}  // namespace hegemon::net
