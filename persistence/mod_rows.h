// The save's `mods` table (schema/008_mods.sql): the mods a game was created
// with, byte-exact, in load order. Internal to persistence; shared by the
// writer (create_world), SaveFile and SaveView.
#pragma once

#include <string>
#include <vector>

#include "persistence/sqlite.h"
#include "state/mod_content.h"
#include "state/status.h"

namespace hegemon {

// Inserts one row per mod, position 1..n in the order given, each mod's bytes
// as its content. Inside the caller's transaction. Refuses more than kMaxMods
// mods, a mod over kMaxModBytes, and a mod whose bytes do not hash to its
// sha256_hex (a caller's bug: the checksum would lie).
Status write_mod_rows(Database& db, const std::vector<ModFileContent>& mods);

// The save's mods and their content checksum. No table (a save from before
// schema version 8) or no rows: no mods. A save is hostile input: refused,
// with an error prefixed by `what` naming the row, are more than kMaxMods
// rows, positions other than 1..n, a name, version or sha256 that is not
// text, a sha256 that is not 64 lowercase hex digits, content that is not a
// blob, over kMaxModBytes or not hashing to its sha256. Reads each content
// once to hash it (about a millisecond per megabyte).
Result<GameContent> read_mod_rows(const Database& db, const std::string& what);

// The mods' files themselves, in load order, for `hegemon mod export` and
// tests: as read_mod_rows checks them, with name, version, sha256_hex and
// bytes set (the rest of ModFileContent is left empty).
Result<std::vector<ModFileContent>> read_embedded_mods(const Database& db, const std::string& what);

}  // namespace hegemon
