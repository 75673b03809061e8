-- Schema version 8: the mods a game was created with (issue #15), each kept
-- whole and byte-exact so the save plays and replays with the mod files
-- deleted, in load order. The world the mods made (map, balance) is already in
-- the save's own tables (provinces, adjacency, nations, tuning, the tick-0
-- snapshot); these rows are the record of where it came from: `hegemon
-- inspect` lists them, the content checksum (docs/MODDING.md) is computed
-- from their sha256 in order, and `hegemon mod export` or sqlite3's
-- `writefile()` gets a mod back out. Written once with the world
-- (SaveFile::create_world), never changed after. Read back by
-- persistence/mod_rows.cc, which refuses a row whose content does not hash to
-- its sha256, and bounds counts and sizes (a save is untrusted input).
CREATE TABLE mods (
  position INTEGER PRIMARY KEY,  -- 1..n, the load order
  name     TEXT    NOT NULL,     -- from the mod's manifest
  version  TEXT    NOT NULL,
  sha256   TEXT    NOT NULL,     -- 64 lowercase hex digits over content
  content  BLOB    NOT NULL      -- the mod's database file, byte for byte
) STRICT;
