// The host's token key: a secret that never goes into a save, with which the
// writer authenticates a save's `tokens` table (token_origin.h). A save is
// untrusted input whose every byte its author chooses; only a value computed
// with a secret the author never saw tells the host's own token rows from
// rows copied, edited or made up. The secret is per host (per state
// directory), so one key file covers every save the host writes.
//
// Where: $HEGEMON_STATE_DIR/token.key, else $XDG_STATE_HOME/hegemon/token.key,
// else $HOME/.local/state/hegemon/token.key (the host's environment is
// trusted, like its flags). Made on first use: 32 bytes from RAND_bytes, mode
// 0600, in a directory made 0700 if missing, written under a temporary name
// and linked into place, so two servers starting at once agree on one key.
// A key file that is not a regular file, not 0600, not owned by this user or
// not exactly 32 bytes is refused with an error naming it and saying what to
// do; it is never replaced (replacing it would silently disown every token).
#pragma once

#include <array>
#include <string>

#include "state/status.h"

namespace hegemon {

struct TokenKey {
  std::array<unsigned char, 32> bytes{};
};

// The key file's path from the environment as above; an error if none of
// HEGEMON_STATE_DIR, XDG_STATE_HOME, HOME is set.
Result<std::string> default_token_key_path();

// Reads the key at `path`, creating it (and its directory) if missing.
Result<TokenKey> load_or_create_token_key(const std::string& path);

// HMAC-SHA256 of `message` under `key`: 64 lowercase hex digits.
std::string token_mac(const TokenKey& key, const std::string& message);

// Whether two MACs are equal, in time independent of where they differ.
bool same_mac(const std::string& a, const std::string& b);

}  // namespace hegemon
