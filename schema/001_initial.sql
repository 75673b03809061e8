-- Hegemon save, schema version 1: the generated world and everything that has
-- happened to it since.
--
-- Conventions (they hold in every table):
--   * A tick is one game day; tick 0 is the generated world on 1444-11-11.
--   * Ids are the game's dense ids (provinces and nations 1..N; armies and wars
--     allocated from game.next_army_id / game.next_war_id and never reused).
--   * "Nobody" is NULL, never 0: an unowned province has owner_id NULL, a nation
--     at peace has war_id NULL, an active war has end_tick NULL.
--   * Hashes are 16 lowercase hex digits of the unsigned 64-bit state hash.
--   * Timestamps are wall-clock Unix seconds (unixepoch()), for operators only;
--     nothing in the game depends on them.
--   * Every `data` column is a JSON object reserved for fields added later
--     without a migration; this version always writes '{}'.
-- Tables are STRICT so that a value of the wrong type is an error, not a silent
-- conversion.

-- The one row of bookkeeping: where the world stands.
CREATE TABLE game (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  tick         INTEGER NOT NULL,  -- the last committed tick
  date         TEXT    NOT NULL,  -- in-game date of `tick`, 'YYYY-MM-DD'
  seed         INTEGER NOT NULL,  -- world seed (a uint64 stored as its two's-complement int64)
  params       TEXT    NOT NULL CHECK (json_valid(params)),
                                  -- generator input {"seed":..,"provinces":..,"nations":..}
  state_hash   TEXT    NOT NULL CHECK (length(state_hash) = 16),  -- hash after `tick`
  next_army_id INTEGER NOT NULL,  -- next id to allocate to a new army
  next_war_id  INTEGER NOT NULL,  -- next id to allocate to a new war
  created_at   INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at   INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- One row per committed tick, tick 0 (the generated world) included: the
-- audit trail that lets two runs be compared tick by tick.
CREATE TABLE ticks (
  tick         INTEGER PRIMARY KEY,
  date         TEXT    NOT NULL,  -- 'YYYY-MM-DD'
  state_hash   TEXT    NOT NULL CHECK (length(state_hash) = 16),  -- hash after this tick
  committed_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- Static columns (name, color, aggression) are written once at world creation;
-- the rest is rewritten whenever a tick changes the nation. Dead nations stay.
CREATE TABLE nations (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL,
  color           TEXT    NOT NULL,  -- map colour '#rrggbb'
  aggression      INTEGER NOT NULL,  -- 0..100, AI appetite for war
  alive           INTEGER NOT NULL CHECK (alive IN (0, 1)),
  capital_id      INTEGER,           -- province id; NULL if it has none
  treasury        INTEGER NOT NULL,  -- ducats
  stability       INTEGER NOT NULL,  -- -3..3
  manpower        INTEGER NOT NULL,  -- men available to recruit
  tax_level       INTEGER NOT NULL,  -- 0..4
  war_id          INTEGER,           -- the war it fights; NULL at peace
  last_peace_tick INTEGER,           -- tick of its last peace; NULL if never
  data            TEXT    NOT NULL DEFAULT '{}'
) STRICT;

-- Static columns (name, terrain, x, y) are written once; the rest per tick.
CREATE TABLE provinces (
  id             INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL,
  terrain        TEXT    NOT NULL
                 CHECK (terrain IN ('plains', 'forest', 'hills', 'mountains', 'desert', 'marsh')),
  x              INTEGER NOT NULL,  -- hex-grid column (odd rows shifted right by half a cell)
  y              INTEGER NOT NULL,  -- hex-grid row
  owner_id       INTEGER,           -- owning nation; NULL when unowned
  controller_id  INTEGER,           -- nation holding it; differs from owner while occupied
  development    INTEGER NOT NULL,  -- 1..max; drives tax and manpower
  unrest         INTEGER NOT NULL,  -- 0..100
  siege_progress INTEGER NOT NULL,  -- days an occupier has besieged it; 0 when none
  data           TEXT    NOT NULL DEFAULT '{}'
) STRICT;

-- The province graph. Both directions are stored, so "neighbours of P" is one
-- range scan of the primary key.
CREATE TABLE adjacency (
  province_id INTEGER NOT NULL,
  neighbor_id INTEGER NOT NULL,
  PRIMARY KEY (province_id, neighbor_id)
) STRICT, WITHOUT ROWID;

-- Living armies only: a destroyed or disbanded army's row is deleted.
CREATE TABLE armies (
  id            INTEGER PRIMARY KEY,
  nation_id     INTEGER,           -- owner; NULL for nobody
  province_id   INTEGER NOT NULL,  -- where it stands
  strength      INTEGER NOT NULL,  -- men
  morale        INTEGER NOT NULL,  -- 0..100
  move_progress INTEGER NOT NULL,  -- days marched towards the first province of `path`
  path          TEXT    NOT NULL DEFAULT '[]',
                                   -- JSON array of province ids still to enter, next first
  data          TEXT    NOT NULL DEFAULT '{}'
) STRICT;

-- Every war ever declared. Ended wars stay forever (history, peace terms).
CREATE TABLE wars (
  id           INTEGER PRIMARY KEY,
  attacker_id  INTEGER NOT NULL,
  defender_id  INTEGER NOT NULL,
  start_tick   INTEGER NOT NULL,
  end_tick     INTEGER,           -- NULL while the war is active
  war_score    INTEGER NOT NULL,  -- -100..100, positive favours the attacker
  battle_score INTEGER NOT NULL,  -- the battles' share of war_score, -40..40
  data         TEXT    NOT NULL DEFAULT '{}'
) STRICT;

-- Everything notable that happened, in order (id is the order of insertion).
-- event_data is a flat JSON object of integers, so json_extract() works on it.
CREATE TABLE event_log (
  id         INTEGER PRIMARY KEY,
  tick       INTEGER NOT NULL,
  event_type TEXT    NOT NULL,  -- e.g. 'war_declared'
  event_data TEXT    NOT NULL CHECK (json_valid(event_data)),
  timestamp  INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- One row per province at world creation plus one per tick in which its owner,
-- controller or development changed. The state of province P at tick T is the
-- row of P with the greatest tick <= T:
--   SELECT * FROM province_history WHERE province_id = ? AND tick <= ?
--   ORDER BY tick DESC LIMIT 1;
CREATE TABLE province_history (
  tick          INTEGER NOT NULL,
  province_id   INTEGER NOT NULL,
  owner_id      INTEGER,           -- NULL when unowned
  controller_id INTEGER,           -- NULL when uncontrolled
  development   INTEGER NOT NULL,
  PRIMARY KEY (province_id, tick)
) STRICT, WITHOUT ROWID;

CREATE INDEX idx_provinces_owner ON provinces(owner_id);
CREATE INDEX idx_armies_nation   ON armies(nation_id);
-- Loading a save reads the active wars: WHERE end_tick IS NULL.
CREATE INDEX idx_wars_active     ON wars(end_tick);
CREATE INDEX idx_events_tick     ON event_log(tick);
CREATE INDEX idx_events_type     ON event_log(event_type, tick);
-- "The whole map at tick T" and pruning scan history by tick.
CREATE INDEX idx_history_tick    ON province_history(tick);
