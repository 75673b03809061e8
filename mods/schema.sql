-- The schema of a Hegemon mod (issue #15; documented in docs/MODDING.md).
-- A mod is a SQLite database holding these tables. Every table but `manifest`
-- is optional: a mod that only changes balance numbers holds `manifest` and
-- `tuning`. Start a new mod with
--     sqlite3 my_mod.db < mods/schema.sql
-- or write a .sql file of rows (INSERTs) and turn it into a database with
-- `hegemon mod build my_mod.sql my_mod.db`, which creates these tables first.
--
-- A mod is untrusted input: Hegemon reads it read-only with SQLite's defensive
-- settings, refuses any table, column, view or trigger not named here, and
-- checks every value's type and range itself (STRICT below helps the author;
-- the reader does not rely on it).

-- Exactly one row.
CREATE TABLE manifest (
  name          TEXT    NOT NULL,  -- shown by `mod check`, `inspect`, `status`
  version       TEXT    NOT NULL,  -- free text, e.g. "1.2.0"
  description   TEXT    NOT NULL DEFAULT '',
  target_schema INTEGER NOT NULL   -- the Hegemon save schema it was written for
) STRICT;

-- Balance overrides by name: every name and range is in docs/TUNING.md.
CREATE TABLE tuning (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;

-- A scenario (a hand-made map). A mod that has a `provinces` table has a
-- scenario and then needs `scenario`, `nations`, `owners` and `adjacency` too;
-- `armies` is optional. Ids are 1..n with no gaps.
-- Exactly one row: the date of tick 0's world (not before 1444-11-11).
CREATE TABLE scenario (
  start_date TEXT NOT NULL  -- 'YYYY-MM-DD'
) STRICT;

CREATE TABLE provinces (
  id          INTEGER PRIMARY KEY,  -- 1..n
  name        TEXT    NOT NULL,
  terrain     TEXT    NOT NULL,     -- plains, forest, hills, mountains, desert, marsh
  x           INTEGER NOT NULL,     -- hex column, for drawing
  y           INTEGER NOT NULL,     -- hex row
  development INTEGER NOT NULL DEFAULT 1  -- 1..30
) STRICT;

-- Each border once, either order; every province must be reachable.
CREATE TABLE adjacency (
  a INTEGER NOT NULL,
  b INTEGER NOT NULL,
  PRIMARY KEY (a, b)
) STRICT;

CREATE TABLE nations (
  id         INTEGER PRIMARY KEY,  -- 1..n
  name       TEXT    NOT NULL,     -- distinct
  colour     TEXT    NOT NULL,     -- '#rrggbb'
  aggression INTEGER NOT NULL DEFAULT 50,  -- 0..100, the AI's appetite for war
  capital    INTEGER NOT NULL      -- a province this nation owns in `owners`
) STRICT;

-- Starting owners; a province not listed starts without owner.
CREATE TABLE owners (
  province INTEGER PRIMARY KEY,
  nation   INTEGER NOT NULL
) STRICT;

-- Starting armies (a nation without one starts with none).
CREATE TABLE armies (
  nation   INTEGER NOT NULL,
  province INTEGER NOT NULL,  -- a province the nation owns
  strength INTEGER NOT NULL   -- 1..30000 men
) STRICT;

-- Name lists for the generator: a generated world takes its nation and
-- province names from these (in order, repeating as needed) instead of the
-- invented syllables. Ignored when a scenario is loaded.
CREATE TABLE nation_names (
  name TEXT NOT NULL
) STRICT;

CREATE TABLE province_names (
  name TEXT NOT NULL
) STRICT;
