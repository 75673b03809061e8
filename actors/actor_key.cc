#include "actors/actor_key.h"

namespace hegemon {
namespace {
const char* const kNames[] = {"persistence", "coordinator", "nation", "war", "supervisor"};
}

const char* kind_name(ActorKind kind) { return kNames[static_cast<int>(kind)]; }

std::optional<ActorKind> kind_from_name(const std::string& name) {
  for (int i = 0; i < 5; ++i)
    if (name == kNames[i]) return static_cast<ActorKind>(i);
  return std::nullopt;
}

std::string ActorKey::to_string() const {
  std::string out = kind_name(kind);
  if (kind == ActorKind::nation || kind == ActorKind::war) out += " " + std::to_string(id);
  return out;
}

}  // namespace hegemon
