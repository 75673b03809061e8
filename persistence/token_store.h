// Gateway access tokens in the save (schema/002_tokens.sql), by hash only.
// The writer side (issue, revoke) runs on the persistence actor's connection;
// lookups run on a read-only connection (SaveReader).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/sqlite.h"
#include "state/ids.h"
#include "state/status.h"
#include "state/token_record.h"

namespace hegemon {

// SHA-256 of `token`, 64 lowercase hex digits.
std::string token_hash(const std::string& token);
// 32 hex digits from the kernel's random source.
std::string random_token();

Result<int64_t> insert_token(Database& db, const std::string& role, NationId nation,
                             const std::string& hash);
Status revoke_token(Database& db, int64_t id);  // error if no such valid token
Result<std::vector<TokenRecord>> list_tokens(const Database& db);
// A valid (not revoked) token with this hash.
Result<std::optional<TokenRecord>> find_token(const Database& db, const std::string& hash);
Result<bool> has_admin_token(const Database& db);

}  // namespace hegemon
