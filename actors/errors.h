// Hegemon's error category for caf::error: a code plus a context string that
// says what failed and why ("commit tick 12: disk I/O error").
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include <caf/error.hpp>

namespace hegemon {

enum class Errc : uint8_t {
  persistence_failed = 1,   // SQLite refused a commit, checkpoint or copy
  phase_failed = 2,         // a nation or war actor failed to compute its phase
  invalid_request = 3,      // a request with bad arguments; nothing changed
  cannot_stop_cleanly = 4,  // stop requested while ticks cannot be committed
  killed = 5,               // an actor crashed on purpose (admin kill, fault injection)
  crashed = 6,              // an actor died of an exception
  command_refused = 7,      // a player command that cannot apply; the message says why
  io_fault = 8,             // the disk refused (I/O error, disk full, file gone): retried
};

caf::error make_error(Errc code, std::string context);

// For set_exception_handler: an exception escaping a handler becomes the
// actor's exit reason (Errc::crashed with what()), one clear line for the
// supervisor to log instead of CAF's default stack of noise.
caf::error exception_to_error(std::exception_ptr& eptr);

// A one-line, human-readable description of any caf::error (ours or CAF's).
std::string describe(const caf::error& err);

}  // namespace hegemon
