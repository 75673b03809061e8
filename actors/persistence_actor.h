// The persistence actor: the only owner of the save's write connection. It
// commits each tick's change set as one transaction, in the order received,
// and answers checkpoint ("save") and online-backup ("save as") requests.
// Spawn it detached: SQLite calls block, and must not stall a scheduler thread
// that nation and war actors need.
#pragma once

#include <memory>

#include "actors/interfaces.h"

namespace hegemon {

class SaveFile;

struct persistence_state {
  std::shared_ptr<SaveFile> save;
  static const char* name;
};

persistence_actor::behavior_type persistence_actor_impl(
    persistence_actor::stateful_pointer<persistence_state> self, std::shared_ptr<SaveFile> save);

}  // namespace hegemon
