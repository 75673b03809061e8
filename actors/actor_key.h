// Names for the supervised actors of a game ("nation 12", "persistence") and
// what the admin API reports about each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include <caf/meta/type_name.hpp>

#include "state/ids.h"

namespace hegemon {

enum class ActorKind : uint8_t {
  persistence = 0,
  coordinator = 1,
  nation = 2,
  war = 3,
  supervisor = 4
};

const char* kind_name(ActorKind kind);
std::optional<ActorKind> kind_from_name(const std::string& name);

struct ActorKey {
  ActorKind kind = ActorKind::nation;
  int32_t id = 0;                 // nation or war id; 0 for singletons
  std::string to_string() const;  // "nation 12", "persistence"
};

inline bool operator<(const ActorKey& a, const ActorKey& b) {
  return std::tie(a.kind, a.id) < std::tie(b.kind, b.id);
}
inline bool operator==(const ActorKey& a, const ActorKey& b) {
  return a.kind == b.kind && a.id == b.id;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ActorKey& x) {
  return f(caf::meta::type_name("actor_key"), x.kind, x.id);
}

// One supervised actor as the admin API lists it.
struct ActorInfo {
  std::string kind;  // kind_name()
  int32_t id = 0;
  std::string supervisor;   // "game", "nations", "wars"
  uint64_t generation = 0;  // 1 for the first incarnation, +1 per restart
  int32_t restarts = 0;
  bool running = false;    // false while given up on (after an escalation)
  std::string last_crash;  // reason of the last crash, empty if none
  Tick last_crash_tick = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ActorInfo& x) {
  return f(caf::meta::type_name("actor_info"), x.kind, x.id, x.supervisor, x.generation, x.restarts,
           x.running, x.last_crash, x.last_crash_tick);
}

}  // namespace hegemon
