// Which machine the tokens of a save belong to (schema/005_token_origin.sql).
// The `tokens` table travels with a save: opened on another machine, the
// author's admin token would work on the host's server. So the writer drops
// every token of a save whose recorded origin is not this machine, and
// records this machine; `hegemon serve` then finds no admin token and issues
// (and prints) a fresh one, as for a new save. Read-only connections never
// change it. Covered by tests/hostile_save_test.cc.
#pragma once

#include <cstdint>
#include <string>

#include "persistence/sqlite.h"
#include "state/status.h"

namespace hegemon {

// This machine, as recorded in saves: a salted SHA-256 (64 hex digits) of
// /etc/machine-id, or /var/lib/dbus/machine-id, or, where neither exists
// (some containers), the host name. Salted, so a save does not give away the
// machine id. Computed once per process.
const std::string& this_machine_origin();

// On the writer's connection, at the latest schema version: if the save's
// recorded origin is not this machine (or none is recorded), deletes every
// token and records this machine, in one transaction. Returns how many
// tokens were dropped (0 when the origin was already this machine).
Result<int64_t> adopt_tokens(Database& db);

}  // namespace hegemon
