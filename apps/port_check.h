// Whether a listening port can be had, asked before `hegemon serve` creates
// anything: a busy port found only after a new save was written left that
// save behind. Covered by tests/cli_test.cc.
#pragma once

#include <cstdint>
#include <string>

#include "state/status.h"

namespace hegemon {

// Binds host:port as a listener would (SO_REUSEADDR, as CAF's acceptors) and
// lets go at once. Port 0 always succeeds. `what` names the listener in the
// error ("--port 4242 on 127.0.0.1 is not free: Address already in use").
Status check_port_free(const std::string& host, uint16_t port, const std::string& what);

}  // namespace hegemon
