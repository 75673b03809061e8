-- Italy, 11 November 1444: a hand-made scenario (issue #15) of 49 provinces and 12
-- nations of the peninsula, ten years before the Peace of Lodi (1454).
-- Build it with `sqlite3 italy_1444.db < mods/italy_1444.sql` (or `hegemon mod build`).
-- Positions are hex cells (x: column west to east, y: row north to south, odd rows
-- shifted right by half a cell); each border is listed once.

-- schema: mods/schema.sql (kept identical; tests/scenario_test.cc compares them)
-- The schema of a Hegemon mod (issue #15; documented in docs/MODDING.md).
-- A mod is a SQLite database holding these tables. Every table but `manifest`
-- is optional: a mod that only changes balance numbers holds `manifest` and
-- `tuning`. Start a new mod with
--     sqlite3 my_mod.db < mods/schema.sql
-- or write a .sql file that begins with this schema and turn it into a
-- database with `hegemon mod build my_mod.sql my_mod.db`.
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

-- ---- content ----
INSERT INTO manifest (name, version, description, target_schema) VALUES
  ('Italy 1444', '1.0.0', 'The Italian peninsula on 11 November 1444: Milan, Venice, Florence, the Papal States, Naples and their neighbours.', 9);

INSERT INTO scenario (start_date) VALUES ('1444-11-11');

INSERT INTO provinces (id, name, terrain, x, y, development) VALUES
  (1, 'Chambéry', 'mountains', 0, 1, 6),
  (2, 'Como', 'mountains', 3, 0, 6),
  (3, 'Trento', 'mountains', 6, 0, 5),
  (4, 'Udine', 'hills', 8, 0, 6),
  (5, 'Torino', 'plains', 1, 1, 8),
  (6, 'Novara', 'plains', 2, 1, 7),
  (7, 'Milano', 'plains', 3, 1, 16),
  (8, 'Bergamo', 'hills', 4, 1, 8),
  (9, 'Brescia', 'hills', 5, 1, 9),
  (10, 'Verona', 'plains', 6, 1, 10),
  (11, 'Treviso', 'plains', 8, 1, 7),
  (12, 'Casale', 'plains', 2, 2, 6),
  (13, 'Pavia', 'plains', 3, 2, 9),
  (14, 'Cremona', 'plains', 4, 2, 9),
  (15, 'Mantova', 'marsh', 5, 2, 10),
  (16, 'Padova', 'plains', 7, 2, 11),
  (17, 'Venezia', 'marsh', 8, 2, 20),
  (18, 'Nizza', 'hills', 0, 3, 6),
  (19, 'Alessandria', 'plains', 2, 3, 7),
  (20, 'Piacenza', 'plains', 3, 3, 8),
  (21, 'Parma', 'plains', 4, 3, 9),
  (22, 'Modena', 'plains', 5, 3, 8),
  (23, 'Ferrara', 'marsh', 6, 3, 11),
  (24, 'Savona', 'hills', 1, 4, 6),
  (25, 'Genova', 'hills', 2, 4, 15),
  (26, 'La Spezia', 'hills', 3, 4, 6),
  (27, 'Reggio', 'plains', 4, 4, 7),
  (28, 'Bologna', 'plains', 5, 4, 12),
  (29, 'Rimini', 'plains', 7, 4, 7),
  (30, 'Lucca', 'hills', 3, 5, 9),
  (31, 'Pistoia', 'hills', 4, 5, 6),
  (32, 'Firenze', 'hills', 5, 5, 17),
  (33, 'Arezzo', 'hills', 6, 5, 7),
  (34, 'Urbino', 'hills', 7, 5, 6),
  (35, 'Ancona', 'hills', 8, 5, 8),
  (36, 'Pisa', 'plains', 3, 6, 9),
  (37, 'Siena', 'hills', 5, 6, 11),
  (38, 'Perugia', 'hills', 6, 6, 9),
  (39, 'Grosseto', 'marsh', 4, 7, 4),
  (40, 'Orvieto', 'hills', 6, 7, 5),
  (41, 'L''Aquila', 'mountains', 7, 7, 6),
  (42, 'Viterbo', 'hills', 6, 8, 6),
  (43, 'Roma', 'plains', 6, 9, 18),
  (44, 'Pescara', 'hills', 8, 8, 6),
  (45, 'Foggia', 'plains', 9, 8, 7),
  (46, 'Capua', 'plains', 7, 9, 9),
  (47, 'Bari', 'plains', 9, 9, 10),
  (48, 'Napoli', 'plains', 7, 10, 20),
  (49, 'Salerno', 'hills', 8, 10, 9);

INSERT INTO adjacency (a, b) VALUES
  (1, 5),
  (2, 6),
  (2, 7),
  (3, 9),
  (3, 10),
  (4, 11),
  (5, 6),
  (5, 12),
  (6, 7),
  (6, 12),
  (6, 13),
  (7, 8),
  (7, 13),
  (7, 14),
  (8, 9),
  (8, 14),
  (8, 15),
  (9, 10),
  (9, 15),
  (10, 16),
  (11, 17),
  (12, 13),
  (12, 19),
  (13, 14),
  (13, 19),
  (13, 20),
  (14, 15),
  (14, 20),
  (14, 21),
  (15, 21),
  (15, 22),
  (16, 17),
  (16, 23),
  (18, 24),
  (19, 20),
  (19, 25),
  (19, 26),
  (20, 21),
  (20, 26),
  (20, 27),
  (21, 22),
  (21, 27),
  (21, 28),
  (22, 23),
  (22, 28),
  (23, 29),
  (24, 25),
  (25, 26),
  (26, 27),
  (26, 30),
  (27, 28),
  (27, 30),
  (27, 31),
  (28, 31),
  (28, 32),
  (29, 33),
  (29, 34),
  (30, 31),
  (30, 36),
  (31, 32),
  (31, 37),
  (32, 33),
  (32, 37),
  (32, 38),
  (33, 34),
  (33, 38),
  (34, 35),
  (37, 38),
  (37, 39),
  (38, 40),
  (40, 41),
  (40, 42),
  (41, 44),
  (42, 43),
  (43, 46),
  (43, 48),
  (44, 45),
  (44, 46),
  (45, 47),
  (46, 48),
  (46, 49),
  (48, 49);

INSERT INTO nations (id, name, colour, aggression, capital) VALUES
  (1, 'Savoy', '#b01c2e', 55, 1),
  (2, 'Milan', '#3c7dc4', 80, 7),
  (3, 'Venice', '#1f8a70', 70, 17),
  (4, 'Genoa', '#a8a8a8', 45, 25),
  (5, 'Florence', '#7a2e8c', 50, 32),
  (6, 'Siena', '#c9a66b', 35, 37),
  (7, 'Papal States', '#f2d43d', 60, 43),
  (8, 'Naples', '#5b6fd8', 70, 48),
  (9, 'Ferrara', '#c8642a', 40, 23),
  (10, 'Mantua', '#6f9e5b', 30, 15),
  (11, 'Montferrat', '#8b4a2b', 35, 12),
  (12, 'Lucca', '#e07a5f', 20, 30);

INSERT INTO owners (province, nation) VALUES
  (1, 1),
  (2, 2),
  (3, 3),
  (4, 3),
  (5, 1),
  (6, 2),
  (7, 2),
  (8, 3),
  (9, 3),
  (10, 3),
  (11, 3),
  (12, 11),
  (13, 2),
  (14, 2),
  (15, 10),
  (16, 3),
  (17, 3),
  (18, 1),
  (19, 2),
  (20, 2),
  (21, 2),
  (22, 9),
  (23, 9),
  (24, 4),
  (25, 4),
  (26, 4),
  (27, 9),
  (28, 7),
  (29, 7),
  (30, 12),
  (31, 5),
  (32, 5),
  (33, 5),
  (34, 7),
  (35, 7),
  (36, 5),
  (37, 6),
  (38, 7),
  (39, 6),
  (40, 7),
  (41, 8),
  (42, 7),
  (43, 7),
  (44, 8),
  (45, 8),
  (46, 8),
  (47, 8),
  (48, 8),
  (49, 8);

INSERT INTO armies (nation, province, strength) VALUES
  (1, 1, 5000),
  (2, 7, 9000),
  (3, 17, 9000),
  (4, 25, 4000),
  (5, 32, 6000),
  (6, 37, 3000),
  (7, 43, 7000),
  (8, 48, 9000),
  (9, 23, 3000),
  (10, 15, 2000),
  (11, 12, 2000),
  (12, 30, 1000);
