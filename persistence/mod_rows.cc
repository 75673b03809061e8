#include "persistence/mod_rows.h"

#include "persistence/sha256.h"

namespace hegemon {

Status write_mod_rows(Database& db, const std::vector<ModFileContent>& mods) {
  if (mods.size() > static_cast<size_t>(kMaxMods)) {
    return Status::error("more than " + std::to_string(kMaxMods) + " mods");
  }
  Result<Statement> insert = db.prepare(
      "INSERT INTO mods (position, name, version, sha256, content) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  int64_t position = 0;
  for (const ModFileContent& mod : mods) {
    ++position;
    const std::string row = "mod " + std::to_string(position) + " ('" + mod.name + "')";
    if (static_cast<int64_t>(mod.bytes.size()) > kMaxModBytes)
      return Status::error(row + ": larger than " + std::to_string(kMaxModBytes) + " bytes");
    if (sha256_hex(mod.bytes) != mod.sha256_hex)
      return Status::error(row + ": its bytes do not hash to its sha256");
    insert->bind_int64(1, position);
    insert->bind_text(2, mod.name);
    insert->bind_text(3, mod.version);
    insert->bind_text(4, mod.sha256_hex);
    insert->bind_blob(5, mod.bytes);
    Status status = insert->run();
    if (!status.ok()) return status.with_context("insert " + row);
  }
  return Status();
}

namespace {

// Walks the rows, checking each, and hands every checked one to `take`
// (position, name, version, sha256, content).
template <class Take>
Status walk_mod_rows(const Database& db, const std::string& what, Take&& take) {
  Result<int64_t> has_table =
      db.query_int64("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'mods'");
  if (!has_table.ok()) return has_table.status().with_context(what);
  if (*has_table == 0) return Status();  // schema version 7 or older: no mods

  auto fail = [&](const std::string& message) {
    return Status::error(what + ": table mods: " + message);
  };
  // typeof() rather than trusting STRICT: the save's author may have
  // rewritten the table's declaration. length() before reading the content,
  // so an oversized blob is refused without being loaded.
  Result<Statement> s = db.prepare(
      "SELECT position, typeof(name), name, typeof(version), version, typeof(sha256), sha256,"
      " typeof(content), length(content), content FROM mods ORDER BY position");
  if (!s.ok()) return s.status().with_context(what);
  int64_t expected = 0;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status().with_context(what + ": read table mods");
    if (!*row) break;
    ++expected;
    const int64_t position = s->column_int64(0);
    const std::string name = "row " + std::to_string(position);
    if (expected > kMaxMods) return fail("more than " + std::to_string(kMaxMods) + " mods");
    if (position != expected) {
      return fail(name + ": positions must be 1..n in order, expected " + std::to_string(expected));
    }
    if (s->column_text(1) != "text" || s->column_text(3) != "text" || s->column_text(5) != "text")
      return fail(name + ": name, version and sha256 must be text");
    const std::string sha = s->column_text(6);
    if (!is_sha256_hex(sha)) return fail(name + ": sha256 is not 64 lowercase hex digits");
    if (s->column_text(7) != "blob") return fail(name + ": content is not a blob");
    if (s->column_int64(8) > kMaxModBytes) {
      return fail(name + ": content is larger than " + std::to_string(kMaxModBytes) + " bytes");
    }
    std::string content = s->column_blob(9);
    if (sha256_hex(content) != sha) return fail(name + ": content does not hash to its sha256");
    take(static_cast<int32_t>(position), s->column_text(2), s->column_text(4), sha,
         std::move(content));
  }
  return Status();
}

}  // namespace

Result<GameContent> read_mod_rows(const Database& db, const std::string& what) {
  GameContent content;
  std::vector<std::string> hashes;
  Status status = walk_mod_rows(
      db, what,
      [&](int32_t position, std::string name, std::string version, std::string sha,
          std::string bytes) {
        hashes.push_back(sha);
        content.mods.push_back(SavedMod{position, std::move(name), std::move(version),
                                        std::move(sha), static_cast<int64_t>(bytes.size())});
      });
  if (!status.ok()) return status;
  content.checksum_hex = content_checksum_hex(hashes);
  return content;
}

Result<std::vector<ModFileContent>> read_embedded_mods(const Database& db,
                                                       const std::string& what) {
  std::vector<ModFileContent> mods;
  Status status = walk_mod_rows(
      db, what,
      [&](int32_t, std::string name, std::string version, std::string sha, std::string bytes) {
        ModFileContent mod;
        mod.name = std::move(name);
        mod.version = std::move(version);
        mod.sha256_hex = std::move(sha);
        mod.bytes = std::move(bytes);
        mods.push_back(std::move(mod));
      });
  if (!status.ok()) return status;
  return mods;
}

}  // namespace hegemon
