-- Schema version 6: a random identity for each save, to which the host's seal
-- on the tokens is bound (persistence/token_origin.h). Seed, params and
-- created_at do not tell apart two saves one host made from the same seed in
-- the same second; token rows copied from one into the other must not be the
-- host's there. A save gets its identity with its world (SaveFile::
-- create_world); saves from before this version get one now. Copies of a save
-- (backups, save-as) keep it: they are the same game.
ALTER TABLE game ADD COLUMN save_id TEXT NOT NULL DEFAULT '';
UPDATE game SET save_id = lower(hex(randomblob(16)));
