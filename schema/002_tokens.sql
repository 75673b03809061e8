-- Schema version 2: access tokens for the client gateway.
-- A token itself is never stored, only its SHA-256 (hex), so a copied save
-- does not give away logins. Tokens are issued and revoked by admins; the
-- first admin token is generated when a server first opens the save.
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
  role TEXT NOT NULL CHECK (role IN ('admin', 'player')),
  nation_id INTEGER,                      -- the nation a player token commands; NULL for admins
  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
  revoked_at INTEGER,                     -- NULL while valid
  CHECK ((role = 'player') = (nation_id IS NOT NULL))
) STRICT;
