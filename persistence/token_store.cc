#include "persistence/token_store.h"

#include "persistence/row_codec.h"
#include "persistence/sha256.h"
#include "state/hash_hex.h"

#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace hegemon {
namespace {

TokenRecord read_record(const Statement& s) {
  TokenRecord t;
  t.id = s.column_int64(0);
  t.role = s.column_text(1);
  t.nation = column_id(s, 2);
  t.created_at = s.column_int64(3);
  t.revoked_at = s.column_is_null(4) ? 0 : s.column_int64(4);
  return t;
}

constexpr const char* kColumns = "SELECT id, role, nation_id, created_at, revoked_at FROM tokens";

}  // namespace

std::string token_hash(const std::string& token) { return sha256_hex(token); }

std::string random_token() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  unsigned char bytes[16];
  if (!urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes))
    throw std::runtime_error("cannot read /dev/urandom");
  return bytes_to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

Result<int64_t> insert_token(Database& db, const std::string& role, NationId nation,
                             const std::string& hash) {
  auto s = db.prepare("INSERT INTO tokens (hash, role, nation_id) VALUES (?, ?, ?)");
  if (!s) return s.status().with_context("issue token");
  s->bind_text(1, hash);
  s->bind_text(2, role);
  if (role == "player") {
    s->bind_int64(3, nation);
  } else {
    s->bind_null(3);
  }
  if (auto st = s->run(); !st.ok()) return st.with_context("issue " + role + " token");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db.handle()));
}

Status revoke_token(Database& db, int64_t id) {
  auto s =
      db.prepare("UPDATE tokens SET revoked_at = unixepoch() WHERE id = ? AND revoked_at IS NULL");
  if (!s) return s.status().with_context("revoke token");
  s->bind_int64(1, id);
  if (auto st = s->run(); !st.ok()) return st.with_context("revoke token " + std::to_string(id));
  if (db.changes() != 1) return Status::error("no valid token " + std::to_string(id));
  return Status();
}

Result<std::vector<TokenRecord>> list_tokens(const Database& db) {
  auto s = db.prepare(std::string(kColumns) + " ORDER BY id");
  if (!s) return s.status().with_context("list tokens");
  std::vector<TokenRecord> out;
  for (;;) {
    auto row = s->step();
    if (!row) return row.status().with_context("list tokens");
    if (!*row) break;
    out.push_back(read_record(*s));
  }
  return out;
}

Result<std::optional<TokenRecord>> find_token(const Database& db, const std::string& hash) {
  auto s = db.prepare(std::string(kColumns) + " WHERE hash = ? AND revoked_at IS NULL");
  if (!s) return s.status().with_context("find token");
  s->bind_text(1, hash);
  auto row = s->step();
  if (!row) return row.status().with_context("find token");
  if (!*row) return std::optional<TokenRecord>();
  return std::optional<TokenRecord>(read_record(*s));
}

Result<bool> has_admin_token(const Database& db) {
  auto n =
      db.query_int64("SELECT count(*) FROM tokens WHERE role = 'admin' AND revoked_at IS NULL");
  if (!n) return n.status().with_context("count admin tokens");
  return *n > 0;
}

}  // namespace hegemon
