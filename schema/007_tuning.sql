-- Schema version 7: the balance the game runs with (state/tuning.h, issue
-- #15). One row per Tuning field, every field, written with the world
-- (SaveFile::create_world) and never changed after: a game's balance is fixed
-- for its life. Every field rather than only the overrides, so the save keeps
-- its numbers even if a later build changes a compiled default. A save from
-- before this version has no rows and runs with the compiled defaults; a
-- field missing from the rows (one added by a later build) takes its default.
-- Read back by persistence/tuning_rows.cc, which refuses an unknown name, a
-- value of another type, a value outside the field's range and a Tuning that
-- fails check_tuning.
CREATE TABLE tuning (
  name  TEXT    PRIMARY KEY,  -- a field name of docs/TUNING.md
  value INTEGER NOT NULL
) STRICT;
