// The persistence actor: the only owner of the save's write connection. It
// opens the save itself, so a restarted incarnation starts from what SQLite
// committed (a transaction its predecessor left open was rolled back). It
// commits the change sets in the order received, each tick whole, several
// ticks in one transaction when they queue up (group commit),
// answers checkpoint ("save") and online-backup ("save as") requests, and
// writes incidents to event_log. Spawn it detached: SQLite calls block and must
// not stall a scheduler thread that nation and war actors need.
//
// I/O faults (the disk refuses: SaveFile's Status::is_io_error) are answered
// with Errc::io_fault, and the actor stays up for the retry: a save it cannot
// open at all is opened again by every request; incidents the disk refused are
// kept and written, in order, as soon as something reaches the save again.
// Other errors are Errc::persistence_failed; a save that is not a good save
// when the actor starts makes it exit (a crash, for its supervisor).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "actors/fault_plan.h"
#include "actors/interfaces.h"
#include "persistence/save_file.h"

namespace hegemon {

// The world of the save at `path` as it was after `tick`, rebuilt and
// verified: the first half of a live rollback. The server passes
// tools/replay.h's state_at; actors do not link tools (which re-run the
// rules over a save), so it comes in from outside.
using RebuildState = std::function<Result<WorldSnapshot>(const std::string& path, Tick tick)>;

struct PersistenceConfig {
  std::string path;
  SaveOptions options;
  FaultPlanPtr faults;         // may be null
  RebuildState rebuild_state;  // empty: a live rollback is refused
};

struct persistence_state {
  PersistenceConfig config;
  std::unique_ptr<SaveFile> save;  // null while an I/O fault keeps it from opening
  int64_t restores_seen = 0;       // of save->restores(), already logged
  struct PendingIncident {
    Event event;
    bool warned = false;  // "kept for later" was logged
  };
  std::deque<PendingIncident> pending_incidents;  // refused by the disk, oldest first
  // Commit requests received and not yet written (group commit, see the .cc).
  struct WaitingCommit {
    ChangeSetPtr changes;
    caf::typed_response_promise<Tick, int64_t> promise;
  };
  std::vector<WaitingCommit> waiting_commits;
  static const char* name;
};

persistence_actor::behavior_type persistence_actor_impl(
    persistence_actor::stateful_pointer<persistence_state> self, PersistenceConfig config);

}  // namespace hegemon
