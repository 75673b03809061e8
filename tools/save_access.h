// Opening a save for the tools that only look at it (map, inspect): a
// read-only connection, so a tool can never change a save, not even by
// migrating it, and may run beside a server that is writing it (WAL mode: a
// reader sees the last committed tick and never blocks the writer).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "persistence/sqlite.h"
#include "state/ids.h"
#include "state/status.h"

namespace hegemon {

struct OpenedSave {
  Database db;
  int64_t schema_version = 0;  // PRAGMA user_version
  Tick last_tick = -1;         // game.tick when the save was opened
};

// Opens `path` read-only and checks that it is a Hegemon save holding a world.
// Unlike SaveReader it accepts any schema version this build knows (1 up to
// the latest), since the tools read only columns every version has; an older
// save is read as it is, not migrated. Errors name the path and say which of
// these it is: no such file, not a Hegemon save (not SQLite at all, or a
// foreign database), written by a newer Hegemon, or no world in it yet.
Result<OpenedSave> open_save_read_only(const std::string& path);

// A read transaction (BEGIN ... COMMIT) on a read-only connection, so that
// several queries see the same committed tick even while a server keeps
// committing. Ended by the destructor on every path. (Transaction in
// persistence/sqlite.h is BEGIN IMMEDIATE, which a read-only connection
// cannot take.)
class ReadSnapshot {
 public:
  static Result<ReadSnapshot> begin(const Database& db);
  ReadSnapshot(ReadSnapshot&& other) noexcept;
  ReadSnapshot& operator=(ReadSnapshot&&) = delete;
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ~ReadSnapshot();

 private:
  ReadSnapshot(const Database* db, Statement end) : db_(db), end_(std::move(end)) {}
  const Database* db_;  // null once moved from
  Statement end_;       // COMMIT
};

}  // namespace hegemon
