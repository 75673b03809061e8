#include "persistence/token_origin.h"

#include "persistence/world_reader.h"

namespace hegemon {
namespace {

// Appends every row of `sql` to `out`, one line per row, its columns as
// quote() made them: SQL literals, so no value can pass for another, of any
// type or content a hostile save stores.
Status append_rows(const Database& db, const std::string& label, const std::string& sql,
                   std::string& out) {
  Result<Statement> s = db.prepare(sql);
  if (!s.ok()) return s.status();
  const int columns = s->column_count();
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status();
    out += label;
    for (int i = 0; i < columns; ++i) {
      out += i == 0 ? " " : ",";
      out += s->column_text(i);
    }
    out += "\n";
  }
}

Result<std::string> stored_seal(const Database& db) {
  Result<Statement> s = db.prepare("SELECT machine FROM token_origin WHERE id = 1");
  if (!s.ok()) return s.status();
  Result<bool> row = s->step();
  if (!row.ok()) return row.status();
  return *row ? s->column_text(0) : std::string();
}

}  // namespace

Result<std::string> compute_token_seal(const Database& db, const TokenKey& key) {
  std::string message = "hegemon token seal v1\n";
  const size_t before_game = message.size();
  Status status =
      append_rows(db, "game",
                  "SELECT quote(save_id), quote(seed), quote(params), quote(created_at) FROM game"
                  " WHERE id = 1",
                  message);
  if (!status.ok()) return status.with_context("read the game row");
  if (message.size() == before_game) message += "game none\n";
  status = append_rows(db, "token",
                       "SELECT quote(id), quote(hash), quote(role), quote(nation_id),"
                       " quote(created_at), quote(revoked_at) FROM tokens ORDER BY id",
                       message);
  if (!status.ok()) return status.with_context("read the tokens");
  return token_mac(key, message);
}

Status seal_tokens(Database& db, const TokenKey& key) {
  const std::string what = "seal the tokens of " + db.path();
  Result<std::string> seal = compute_token_seal(db, key);
  if (!seal.ok()) return seal.status().with_context(what);
  Result<Statement> record =
      db.prepare("INSERT OR REPLACE INTO token_origin (id, machine) VALUES (1, ?1)");
  if (!record.ok()) return record.status().with_context(what);
  record->bind_text(1, *seal);
  return record->run().with_context(what);
}

namespace {

Result<bool> seal_matches(const Database& db, const TokenKey& key) {
  Result<std::string> stored = stored_seal(db);
  if (!stored.ok()) return stored.status();
  Result<std::string> computed = compute_token_seal(db, key);
  if (!computed.ok()) return computed.status();
  return same_mac(*stored, *computed);
}

}  // namespace

Result<int64_t> authenticate_tokens(Database& db, const TokenKey& key) {
  const std::string what = "check that the tokens of " + db.path() + " are this host's";
  // The usual case (our own save) reads only, without taking the write lock.
  Result<bool> ours = seal_matches(db, key);
  if (!ours.ok()) return ours.status().with_context(what);
  if (*ours) return int64_t{0};
  Result<Transaction> txn = Transaction::begin(db);
  if (!txn.ok()) return txn.status().with_context(what);
  ours = seal_matches(db, key);  // again under the write lock
  if (!ours.ok()) return ours.status().with_context(what);
  if (*ours) return int64_t{0};
  // This is the first write to a save from elsewhere: a save refused later
  // (its world does not load) would be left changed, and with the admin
  // token the host was never shown. So its world must load first. Only here:
  // a whole load is not free, and the host's own saves skip it.
  Status status = check_world_loads(db);
  if (!status.ok()) return status;
  status = db.exec("DELETE FROM tokens");
  if (!status.ok()) return status.with_context(what);
  const int64_t dropped = db.changes();
  status = seal_tokens(db, key);
  if (!status.ok()) return status;
  status = txn->commit();
  if (!status.ok()) return status.with_context(what);
  return dropped;
}

}  // namespace hegemon
