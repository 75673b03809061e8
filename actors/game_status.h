// What the coordinator reports about the running game (status line, admin API).
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

#include "state/ids.h"

namespace hegemon {

struct GameStatus {
  Tick tick = 0;            // last completed tick (in the cache)
  Tick committed_tick = 0;  // last tick acknowledged by persistence
  std::string date;         // in-game date of `tick`
  int32_t speed = 0;        // see game_speed.h; kPausedSpeed when paused
  int32_t living_nations = 0;
  int32_t active_wars = 0;
  int32_t armies = 0;
  int32_t uncommitted = 0;      // change sets handed to persistence, not yet acknowledged
  double ticks_per_second = 0;  // completed ticks in the last second
  double commit_ms = 0;         // duration of the last commit transaction
  uint64_t state_hash = 0;      // hash after `tick`
  int32_t restarts = 0;         // actor incarnations started after a crash or on request, since
                                // the game started (never goes down; set by the game supervisor)
  std::string last_error;       // why the game paused, empty if it did not
  bool finished = false;        // reached --ticks and everything is committed
  bool stopping = false;        // a stop was requested (signal or admin "shutdown")
  // Wall time of the last tick's phases: nation (plans and merge), war
  // (spawning new war actors, resolutions and merge), finish (end of tick,
  // sealing the change set, handing it to persistence).
  double nation_phase_ms = 0;
  double war_phase_ms = 0;
  double finish_phase_ms = 0;
  // Sums since this coordinator started, for averages (hegemon bench).
  int64_t ticks_run = 0;
  double total_nation_ms = 0;
  double total_war_ms = 0;
  double total_finish_ms = 0;
  int64_t commits = 0;
  double total_commit_ms = 0;
  int64_t total_nations_asked = 0;  // nation-phase requests (idle nations are not asked)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, GameStatus& x) {
  return f(caf::meta::type_name("game_status"), x.tick, x.committed_tick, x.date, x.speed,
           x.living_nations, x.active_wars, x.armies, x.uncommitted, x.ticks_per_second,
           x.commit_ms, x.state_hash, x.restarts, x.last_error, x.finished, x.stopping,
           x.nation_phase_ms, x.war_phase_ms, x.finish_phase_ms, x.ticks_run, x.total_nation_ms,
           x.total_war_ms, x.total_finish_ms, x.commits, x.total_commit_ms, x.total_nations_asked);
}

}  // namespace hegemon
