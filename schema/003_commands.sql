-- Schema version 3: player commands.
-- A nation a player holds is marked, because its AI stands aside (and a replay
-- must know from which tick on). A war keeps a player's standing peace offer
-- until the other side answers it or it expires. Commands themselves need no
-- table: each applied command is an event_log row of type 'command' whose
-- event_data is the whole command ({"seq", "nation", "kind", ...}), so
--   SELECT tick, event_data FROM event_log WHERE event_type = 'command'
-- lists every command in the order it was applied.
ALTER TABLE nations ADD COLUMN player INTEGER NOT NULL DEFAULT 0 CHECK (player IN (0, 1));
ALTER TABLE wars ADD COLUMN peace_offer_by INTEGER;      -- offering nation; NULL: no offer
ALTER TABLE wars ADD COLUMN peace_offer_winner INTEGER;  -- proposed winner; NULL: white peace
ALTER TABLE wars ADD COLUMN peace_offer_tick INTEGER;    -- when offered; NULL: no offer
