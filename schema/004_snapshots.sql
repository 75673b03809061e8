-- Schema version 4: full snapshots of the world every N ticks (`hegemon serve
-- --snapshot-every`, and at world creation), committed in the same
-- transaction as their tick, so that replay, `hegemon state` and rollback
-- start from the nearest snapshot instead of re-simulating from tick 0.
CREATE TABLE snapshots (
  tick       INTEGER PRIMARY KEY,
  state_hash TEXT    NOT NULL CHECK (length(state_hash) = 16),  -- hash after `tick`
  format     INTEGER NOT NULL,  -- encoding of `data`: 1 = persistence/snapshot_codec.h
  data       BLOB    NOT NULL,  -- provinces, nations, armies, active wars, id counters
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
