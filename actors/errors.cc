#include "actors/errors.h"

#include <caf/deep_to_string.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace hegemon {
namespace {
constexpr caf::atom_value kCategory = caf::atom("hegemon");

const char* code_name(uint8_t code) {
  switch (static_cast<Errc>(code)) {
    case Errc::persistence_failed: return "persistence failed";
    case Errc::phase_failed: return "phase failed";
    case Errc::invalid_request: return "invalid request";
    case Errc::cannot_stop_cleanly: return "cannot stop cleanly";
    case Errc::killed: return "killed";
    case Errc::crashed: return "crashed";
    case Errc::command_refused: return "command refused";
    case Errc::io_fault: return "I/O fault";
  }
  return "error";
}
}  // namespace

caf::error make_error(Errc code, std::string context) {
  return caf::error(static_cast<uint8_t>(code), kCategory, caf::make_message(std::move(context)));
}

caf::error exception_to_error(std::exception_ptr& eptr) {
  try {
    std::rethrow_exception(eptr);
  } catch (const std::exception& e) {
    return make_error(Errc::crashed, e.what());
  } catch (...) {
    return make_error(Errc::crashed, "unknown exception");
  }
}

std::string describe(const caf::error& err) {
  if (!err) return "no error";
  if (err.category() == kCategory) {
    std::string out = code_name(err.code());
    if (err.context().match_elements<std::string>())
      out += ": " + err.context().get_as<std::string>(0);
    return out;
  }
  if (err.category() == caf::atom("system")) {
    std::string out = caf::to_string(static_cast<caf::sec>(err.code()));
    if (!err.context().empty()) out += " " + caf::deep_to_string(err.context());
    return out;
  }
  return caf::to_string(err);
}

}  // namespace hegemon
