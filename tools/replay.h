// Replay: re-simulate a saved game from its start (or from a stored
// snapshot) with the commands it recorded, and check every tick against what
// the save says happened: the state hash of the tick, its province_history
// rows and its game events. The save is opened read-only and never changed.
//
// The ticks are run by run_tick_sequential (rules/tick.h): the same phase
// functions and merges, in the same order, that the coordinator and the
// nation and war actors run in the live server (determinism_test holds the
// two to the same hash at every tick). Replay needs no actors, no network and
// no commits, so it runs unthrottled.
//
// At the first tick that disagrees, replay stops and reports what differs
// there: history rows and events entity by entity; for a difference only the
// hash shows (a field province_history does not keep, such as a treasury),
// the whole world against the recorded one where the save has it (a snapshot
// of that tick, or the save's last tick), else at the next snapshot after it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "state/change_set.h"
#include "state/command.h"
#include "state/mod_content.h"
#include "state/status.h"
#include "state/world_snapshot.h"

namespace hegemon {

struct ReplayOptions {
  Tick to_tick = -1;  // stop after this tick; -1: the save's last tick
  // Start at the latest snapshot before to_tick, not tick 0: to_tick itself is
  // always re-simulated (when it is above 0), even if a snapshot was taken there.
  bool from_snapshot = false;
  std::string out_path;  // non-empty: write the replayed game to this new save
  Tick snapshot_every = kDefaultSnapshotEvery;         // snapshots in the out save
  std::function<void(Tick done, Tick last)> progress;  // after each tick; may be empty
};

struct Divergence {
  Tick tick = 0;                         // the first tick that disagrees
  std::vector<std::string> differences;  // in words, most telling first
};

struct ReplayReport {
  Tick start_tick = 0;  // the replay began from the state after this tick
  Tick end_tick = 0;    // the last tick replayed
  // How many ticks were re-simulated and checked. 0 (a save at tick 0, or
  // to_tick 0) checked only the starting world's hash: `hegemon replay` says
  // "nothing checked" and exits 3, not "ok".
  Tick ticks_replayed() const { return end_tick - start_tick; }
  double seconds = 0;
  std::optional<Divergence> divergence;  // none: every tick matched
  WorldSnapshot final_state;             // the replayed world after end_tick
  // The sha256 of each mod the game was created with, in load order, each
  // checked against the mod's bytes in the save (persistence/mod_rows.h).
  std::vector<std::string> mod_sha256;
};

// Errors: the save cannot be read, or to_tick lies beyond its last tick. A
// divergence is not an error: it is the report.
Result<ReplayReport> replay_save(const std::string& save_path, const ReplayOptions& options);

// What a replay of a save starts from: the world after `start.meta.tick`
// (verified against its recorded hash), the last tick to replay, and every
// command the save applied in between, in order. For replays that run
// elsewhere (`hegemon replay --actors` runs them on the live server's actors).
struct ReplayPlan {
  WorldSnapshot start;
  Tick end = 0;
  std::vector<Command> commands;
  std::vector<ModFileContent> mods;  // as ReplayReport::mod_sha256 describes
};
Result<ReplayPlan> plan_replay(const std::string& save_path, Tick to_tick, bool from_snapshot);

// Compares what two saves of the same game recorded for ticks from..to: the
// state hash, province_history rows and game events of every tick. The
// first tick that differs, with what differs; nullopt if none does.
Result<std::optional<Divergence>> compare_saves(const std::string& recorded,
                                                const std::string& replayed, Tick from, Tick to);

// The world of a save as it was after `tick`: from the nearest stored
// snapshot, re-simulated and verified up to `tick`. An error if the save
// diverges on the way (its history cannot be trusted there).
Result<WorldSnapshot> state_at(const std::string& save_path, Tick tick);

}  // namespace hegemon
