#include "test_support.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <stdexcept>

#include <sqlite3.h>

namespace hegemon::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/hegemon-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

WorldParams small_world(uint64_t seed) {
  WorldParams p;
  p.seed = seed;
  p.provinces = 200;
  p.nations = 12;
  return p;
}

namespace {

// One connection for one statement; closed on every path.
class Connection {
 public:
  explicit Connection(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(db_));
  }
  ~Connection() { sqlite3_close(db_); }
  sqlite3* get() const { return db_; }
  [[noreturn]] void fail(const std::string& sql) const {
    throw std::runtime_error("sql failed: " + sql + ": " + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

void exec_sql(const std::string& path, const std::string& sql) {
  Connection db(path);
  if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) db.fail(sql);
}

std::string query_text(const std::string& path, const std::string& sql) {
  Connection db(path);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) db.fail(sql);
  std::string out;
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr)
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) db.fail(sql);
  return out;
}

int64_t poll_tick(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t tick = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT tick FROM game", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
      tick = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return tick;
}

int64_t query_int(const std::string& path, const std::string& sql) {
  const std::string text = query_text(path, sql);
  if (text.empty()) throw std::runtime_error("no value from: " + sql);
  return std::stoll(text);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t spawn_serve(const std::string& binary, const std::vector<std::string>& args,
                  const std::string& log, const std::function<void()>& in_child) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    if (in_child) in_child();
    std::vector<char*> argv{const_cast<char*>("hegemon"), const_cast<char*>("serve")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace hegemon::test
