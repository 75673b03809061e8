#include "persistence/token_origin.h"

#include <unistd.h>

#include <climits>
#include <fstream>

#include "persistence/token_store.h"
#include "persistence/world_reader.h"

namespace hegemon {
namespace {

// The first line of `path`, or "" if it cannot be read.
std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ' || line.back() == '\r'))
    line.pop_back();
  return line;
}

std::string machine_id() {
  for (const char* path : {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
    std::string id = first_line(path);
    if (!id.empty()) return id;
  }
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return std::string("host:") + host;
  // Nothing identifies this machine: every such machine looks alike, which
  // still tells them from any machine that has an id.
  return "unknown";
}

}  // namespace

const std::string& this_machine_origin() {
  static const std::string origin = token_hash("hegemon token origin v1\n" + machine_id());
  return origin;
}

namespace {

// Whether the save records this machine as its tokens' origin.
Result<bool> is_ours(const Database& db) {
  Result<Statement> origin = db.prepare("SELECT machine FROM token_origin WHERE id = 1");
  if (!origin.ok()) return origin.status();
  Result<bool> row = origin->step();
  if (!row.ok()) return row.status();
  return *row && origin->column_text(0) == this_machine_origin();
}

}  // namespace

Result<int64_t> adopt_tokens(Database& db) {
  const std::string what = "check which machine the tokens of " + db.path() + " belong to";
  // The usual case (our own save) reads only, without taking the write lock.
  Result<bool> ours = is_ours(db);
  if (!ours.ok()) return ours.status().with_context(what);
  if (*ours) return int64_t{0};
  Result<Transaction> txn = Transaction::begin(db);
  if (!txn.ok()) return txn.status().with_context(what);
  ours = is_ours(db);  // again under the write lock
  if (!ours.ok()) return ours.status().with_context(what);
  if (*ours) return int64_t{0};
  // This is the first write to a save from elsewhere: a save refused later
  // (its world does not load) would be left changed, and with the admin
  // token the host was never shown. So its world must load first. Only here:
  // a whole load is not free, and saves of this machine skip it.
  Result<int64_t> worlds = db.query_int64("SELECT count(*) FROM game");
  if (!worlds.ok()) return worlds.status().with_context(what);
  if (*worlds > 0) {
    Result<WorldSnapshot> world = read_world(db, "load world from " + db.path());
    if (!world.ok()) return world.status();
  }
  Status status = db.exec("DELETE FROM tokens");
  if (!status.ok()) return status.with_context(what);
  const int64_t dropped = db.changes();
  Result<Statement> record =
      db.prepare("INSERT OR REPLACE INTO token_origin (id, machine) VALUES (1, ?1)");
  if (!record.ok()) return record.status().with_context(what);
  record->bind_text(1, this_machine_origin());
  status = record->run();
  if (!status.ok()) return status.with_context(what);
  status = txn->commit();
  if (!status.ok()) return status.with_context(what);
  return dropped;
}

}  // namespace hegemon
