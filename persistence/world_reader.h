// Reading a whole world back from a save's tables: the map (provinces,
// adjacency, nations) and the dynamic state as of the last committed tick,
// checked against the hash recorded for that tick. Shared by the writer
// (SaveFile::load_world) and the reader (SaveReader::load_world), so a save
// is read one way only. Internal to persistence.
#pragma once

#include <string>

#include "persistence/sqlite.h"
#include "state/status.h"
#include "state/world_snapshot.h"

namespace hegemon {

// Reads in one read transaction, so every table is read at the same tick
// (the caller's, if one is open).
// `what` prefixes errors ("load world from saves/x.db: ..."). With
// `verify_hash`, tables that do not hash to game.state_hash are an error;
// without, meta.state_hash is the recorded hash and the caller compares.
Result<WorldSnapshot> read_world(const Database& db, const std::string& what,
                                 bool verify_hash = true);

// Ok iff `db` holds no world yet (no game row) or its world reads back as
// above, hash verified: what a save must pass before the writer changes it
// on its own account (migrations, dropping tokens).
Status check_world_loads(const Database& db);

}  // namespace hegemon
