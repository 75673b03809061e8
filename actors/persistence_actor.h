// The persistence actor: the only owner of the save's write connection. It
// opens the save itself, so a restarted incarnation starts from what SQLite
// committed (a transaction its predecessor left open was rolled back). It
// commits each tick's change set as one transaction in the order received,
// answers checkpoint ("save") and online-backup ("save as") requests, and
// writes incidents to event_log. Spawn it detached: SQLite calls block and must
// not stall a scheduler thread that nation and war actors need.
#pragma once

#include <memory>
#include <string>

#include "actors/fault_plan.h"
#include "actors/interfaces.h"
#include "persistence/save_file.h"

namespace hegemon {

struct PersistenceConfig {
  std::string path;
  SaveOptions options;
  FaultPlanPtr faults;  // may be null
};

struct persistence_state {
  std::unique_ptr<SaveFile> save;
  static const char* name;
};

persistence_actor::behavior_type persistence_actor_impl(
    persistence_actor::stateful_pointer<persistence_state> self, PersistenceConfig config);

}  // namespace hegemon
