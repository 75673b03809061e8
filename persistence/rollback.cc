#include "persistence/rollback.h"

#include <string>
#include <utility>

#include "state/hash_hex.h"

namespace hegemon {

Result<RolledBack> roll_back(SaveFile& save, const WorldSnapshot& state) {
  if (Status ok = save.rollback_to(state); !ok.ok()) return ok;
  Result<WorldSnapshot> reloaded = save.load_world();
  if (!reloaded) return reloaded.status().with_context("after the rollback");
  if (reloaded->meta.tick != state.meta.tick || reloaded->meta.state_hash != state.meta.state_hash)
    return Status::error("after the rollback the save is at tick " +
                         std::to_string(reloaded->meta.tick) + " with hash " +
                         hash_to_hex(reloaded->meta.state_hash));
  RolledBack done{std::move(*reloaded), save.checkpoint()};
  return done;
}

}  // namespace hegemon
