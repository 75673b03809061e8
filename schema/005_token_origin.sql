-- Schema version 5: which machine the tokens in this save were issued on.
-- A save travels (people send saves to friends) and its `tokens` table with
-- it: the author's admin token must not work on the host's server. The writer
-- drops every token of a save whose recorded machine is not its own and then
-- records its own (persistence/token_origin.h). No row: origin unknown (a
-- save from before this version), treated as another machine's.
CREATE TABLE token_origin (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  machine TEXT NOT NULL CHECK (length(machine) = 64)  -- salted SHA-256 (hex) of the machine id
) STRICT;
