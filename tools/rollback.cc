#include "tools/rollback.h"

#include <filesystem>

#include "persistence/rollback.h"
#include "persistence/save_file.h"
#include "persistence/save_lock.h"
#include "persistence/save_reader.h"
#include "tools/replay.h"

namespace hegemon {

Result<RollbackReport> rollback_save(const std::string& path, Tick tick, bool backup) {
  if (!std::filesystem::exists(path)) return Status::error("no save at " + path);
  // Before the replay below: a save a server is writing is refused at once,
  // not after minutes of work (and no backup of it is made).
  auto lock = SaveLock::acquire(path);
  if (!lock) return lock.status();
  auto state = state_at(path, tick);  // verifies the history up to `tick`
  if (!state) return state.status().with_context("cannot roll back");
  auto opened = SaveFile::open(path, SaveOptions{});
  if (!opened) return opened.status();
  SaveFile& save = **opened;
  RollbackReport report;
  report.from_tick = save.last_tick();
  report.to_tick = tick;
  if (backup) {
    report.backup_path = path + ".before-rollback-" + std::to_string(report.from_tick) + ".db";
    if (std::filesystem::exists(report.backup_path))
      return Status::error(report.backup_path + " exists already; move it away first");
    if (Status ok = save.backup_to(report.backup_path); !ok.ok()) return ok;
  }
  auto rolled = roll_back(save, *state);
  if (!rolled) return rolled.status();
  if (!rolled->checkpoint.ok()) return rolled->checkpoint;
  return report;
}

}  // namespace hegemon
