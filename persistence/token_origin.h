// Whose tokens a save holds: the `tokens` table sealed with the host's token
// key (token_key.h), in the one row of table `token_origin`
// (schema/005_token_origin.sql; its column `machine`, named for what it held
// before, now holds the seal).
//
// The `tokens` table travels with a save, and a save is untrusted input: its
// author controls every byte, so any value in it that says "these tokens are
// the host's" can be copied from another save the host once shared. The seal
// is an HMAC-SHA256, under a key that never leaves the host, over
//  - the save's identity: its game row's random save_id
//    (schema/006_save_id.sql), seed, generator params and created_at (a save
//    without a world yet: "none"; create_world reseals),
//    so rows copied from another save of the same host do not match, and
//  - every token row, ordered by id: id, hash, role, nation, created_at and
//    revoked_at, so an edited role or nation, an un-revoked token, an added
//    or removed row do not match.
// On open, the writer recomputes it; on a mismatch (a save from elsewhere, a
// save edited, a save from before this build, a host whose key changed) it
// drops every token and reseals, and `hegemon serve` then finds no admin
// token and issues (and prints) a fresh one, as for a new save. The writer
// reseals in the same transaction as every token it issues or revokes.
// Read-only connections never check or change it: a server reads tokens only
// after its writer opened the save. Covered by tests/hostile_save_test.cc.
#pragma once

#include <cstdint>
#include <string>

#include "persistence/sqlite.h"
#include "persistence/token_key.h"
#include "state/status.h"

namespace hegemon {

// The seal of the save's tokens as they are now (64 hex digits).
Result<std::string> compute_token_seal(const Database& db, const TokenKey& key);

// Writes the seal of the tokens as they are now. Inside the caller's
// transaction: the one that changed the tokens or the game row.
Status seal_tokens(Database& db, const TokenKey& key);

// On the writer's connection, at the latest schema version: if the stored
// seal is not that of the save's tokens under `key`, deletes every token and
// reseals, in one transaction, after checking that the save's world loads (a
// save refused later must not have been changed). Returns how many tokens
// were dropped (0 when the seal matched, or there were none).
Result<int64_t> authenticate_tokens(Database& db, const TokenKey& key);

}  // namespace hegemon
