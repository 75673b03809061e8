-- Schema version 9: the server's own record, apart from the game's (issue
-- #17). Incidents (actor_crashed, actor_restarted, supervisor_escalated,
-- game_paused, game_resumed, save_restored, rolled_back) and operators'
-- actions were rows of event_log, and a live rollback, which deletes the
-- event_log rows after its tick, deleted the record of what happened to the
-- server with the game ticks it undid, its own crash reports included. Here
-- they are append-only: no rollback, replay or migration deletes a row, so
-- the trail outlives every undo. event_log stays the game's own history,
-- which replays compare tick by tick. Same columns as event_log, so a query
-- moves from one to the other by its table name. The types are listed, with
-- their fields, in docs/EVENTS.md.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,  -- the order of insertion
  tick       INTEGER NOT NULL,     -- the game's tick when it happened
  event_type TEXT    NOT NULL,     -- e.g. 'actor_crashed'
  event_data TEXT    NOT NULL CHECK (json_valid(event_data)),
  timestamp  INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- A save from before keeps its incidents, now in their own table, in order.
INSERT INTO audit_log (tick, event_type, event_data, timestamp)
  SELECT tick, event_type, event_data, timestamp FROM event_log
  WHERE event_type IN ('actor_crashed', 'actor_restarted', 'supervisor_escalated',
                       'game_paused', 'game_resumed', 'save_restored', 'rolled_back')
  ORDER BY id;
DELETE FROM event_log
  WHERE event_type IN ('actor_crashed', 'actor_restarted', 'supervisor_escalated',
                       'game_paused', 'game_resumed', 'save_restored', 'rolled_back');

-- The `events` request reads an admin's range of ticks from both logs.
CREATE INDEX idx_audit_tick ON audit_log (tick);
