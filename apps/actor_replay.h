// `hegemon replay --actors`: the replay run on the live server's own actors
// (coordinator, nation and war actors under their supervisors, persistence)
// instead of the sequential tick driver, writing the replayed game to a new
// save and then comparing the two saves tick by tick. Slower than the
// default replay (every tick is committed), and the proof that the server as
// deployed reproduces a game.
#pragma once

#include "tools/replay.h"

namespace hegemon {

// As replay_save(); options.out_path empty: a temporary save, removed after.
Result<ReplayReport> replay_on_actors(const std::string& save_path, const ReplayOptions& options);

}  // namespace hegemon
