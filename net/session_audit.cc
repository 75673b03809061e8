// Operators' actions in the save's audit trail (audit_log, docs/EVENTS.md):
// the session says who (its role, the stored token it logged in with, its
// client id and peer; never a token) and the game supervisor writes the row
// at the current tick, as it writes incidents.
#include <spdlog/spdlog.h>

#include "actors/atoms.h"
#include "net/log_throttle.h"
#include "net/session.h"

namespace hegemon::net {

void Session::audit(const char* type, json what) {
  what["by_role"] = role_name(session_.role);
  // null: no stored token (the server's --admin-token, or not logged in).
  what["by_token"] = session_.token_id != 0 ? json(session_.token_id) : json(nullptr);
  what["client"] = id_;
  what["peer"] = peer();
  self_->send(ctx_->game, incident_atom::value, std::string(type),
              what.dump(-1, ' ', false, json::error_handler_t::replace));
}

void Session::audit_refused_login(const std::string& role, const std::string& why) {
  // Refused logins come from outside at the rate limit's pace, on every
  // connection: recorded every one, a flood would be a flood of writes to
  // the save. At most 6 rows a minute, all connections together; each says
  // how many refusals since the last row were not recorded.
  static LogThrottle recorded(6, std::chrono::minutes(1));
  uint64_t held_back = 0;
  if (!recorded.allow(held_back)) return;
  audit("login_refused", {{"role", role}, {"reason", why}, {"not_recorded", held_back}});
}

}  // namespace hegemon::net
