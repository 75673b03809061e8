// A gateway access token as the save records it (schema/002_tokens.sql), by
// hash only: a plain value, so the actors that pass it around and the gateway
// that checks it need not know where it is stored (persistence/token_store.h
// stores it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "state/ids.h"

namespace hegemon {

// The roles a token grants (tokens.role).
constexpr std::string_view kAdminRole = "admin";
constexpr std::string_view kPlayerRole = "player";

inline bool is_token_role(std::string_view role) {
  return role == kAdminRole || role == kPlayerRole;
}

struct TokenRecord {
  int64_t id = 0;
  std::string role;             // kAdminRole or kPlayerRole
  NationId nation = kNoNation;  // players only
  int64_t created_at = 0;       // unix seconds
  int64_t revoked_at = 0;       // 0 while valid
};

}  // namespace hegemon
