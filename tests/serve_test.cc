// `hegemon serve` as an operator runs it: a real process on a real save file,
// checked afterwards with SQL.
#define CAF_SUITE serve
#include <caf/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "persistence/save_file.h"
#include "test_support.h"

using namespace hegemon;
using hegemon::test::poll_tick;
using test::query_int;
using test::query_text;
using test::read_file;

namespace {

// Runs `hegemon <args>` with output in a log file; returns the exit code
// (128 + signal when killed).
int run_hegemon(const std::string& args, const std::string& log) {
  const std::string cmd = std::string(HEGEMON_BINARY) + " " + args + " >" + log + " 2>&1";
  const int status = std::system(cmd.c_str());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// Starts `hegemon serve ARGS...` in the background with output to `log`.
pid_t spawn_server(const std::vector<std::string>& args, const std::string& log) {
  return test::spawn_serve(HEGEMON_BINARY, args, log);
}

// The gateway port from the server's log, waiting (bounded) for it; 0 if never.
int gateway_port(const std::string& log) {
  const std::string marker = "gateway listening on 127.0.0.1:";
  for (int i = 0; i < 600; ++i) {
    const std::string text = read_file(log);
    const auto at = text.find(marker);
    if (at != std::string::npos) return std::atoi(text.c_str() + at + marker.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

// Runs a shell command; returns its exit code and puts its stdout in `out`.
int run_capture(const std::string& cmd, const std::string& out_file, std::string& out) {
  const int status = std::system((cmd + " >" + out_file + " 2>&1").c_str());
  out = read_file(out_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

const std::string kSmallWorld = "--provinces 300 --nations 20 --seed 5 --speed max --port 0";

// The save's tables must hash to the hash recorded for its last tick.
void check_consistent(const std::string& path) {
  auto save = SaveFile::open(path, SaveOptions{});
  CAF_REQUIRE(save.ok());
  auto world = (*save)->load_world();
  if (!world.ok()) CAF_FAIL("inconsistent save: " << world.status().message());
}

}  // namespace

CAF_TEST(serve runs N ticks then commits them and resumes) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  CAF_REQUIRE_EQUAL(
      run_hegemon("serve --save " + save + " --ticks 400 " + kSmallWorld, dir.file("run1.log")), 0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 400);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM ticks"), 401);
  CAF_CHECK_EQUAL(query_text(save, "SELECT date FROM game"), "1445-12-16");
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA integrity_check"), "ok");
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA journal_mode"), "wal");
  CAF_CHECK_GREATER(query_int(save, "SELECT count(*) FROM event_log"), 0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM provinces"), 300);
  const std::string hash400 = query_text(save, "SELECT state_hash FROM ticks WHERE tick = 400");
  CAF_CHECK_EQUAL(query_text(save, "SELECT state_hash FROM game"), hash400);
  check_consistent(save);

  // Resume: world options are ignored for an existing save; ticks continue.
  CAF_REQUIRE_EQUAL(
      run_hegemon("serve --save " + save + " --ticks 100 --speed max --seed 999 --port 0",
                  dir.file("run2.log")),
      0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 500);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(DISTINCT tick) FROM ticks"), 501);
  CAF_CHECK_EQUAL(query_text(save, "SELECT state_hash FROM ticks WHERE tick = 400"), hash400);
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA integrity_check"), "ok");
  check_consistent(save);
}

CAF_TEST(a termination signal finishes the tick in flight then commits and exits 0) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string log = dir.file("serve.log");
  const pid_t pid = fork();
  CAF_REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(HEGEMON_BINARY, "hegemon", "serve", "--save", save.c_str(), "--provinces", "300",
          "--nations", "20", "--speed", "max", "--port", "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait (bounded) until some ticks are committed, then ask it to stop.
  bool ticking = false;
  for (int i = 0; i < 600 && !ticking; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ticking = poll_tick(save) > 20;
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  CAF_REQUIRE(ticking);
  CAF_REQUIRE(WIFEXITED(status));
  CAF_CHECK_EQUAL(WEXITSTATUS(status), 0);
  const int64_t tick = query_int(save, "SELECT tick FROM game");
  CAF_CHECK_EQUAL(query_int(save, "SELECT max(tick) FROM ticks"), tick);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM ticks"), tick + 1);
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA integrity_check"), "ok");
  check_consistent(save);
}

CAF_TEST(options come from a config file and the command line overrides it) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string ini = dir.file("hegemon.ini");
  {
    FILE* f = fopen(ini.c_str(), "w");
    CAF_REQUIRE(f != nullptr);
    fprintf(f, "save=\"%s\"\nprovinces=240\nnations=12\nseed=77\nspeed=\"max\"\nticks=500\n",
            save.c_str());
    fclose(f);
  }
  CAF_REQUIRE_EQUAL(
      run_hegemon("serve --config-file=" + ini + " --ticks 30 --port 0", dir.file("run.log")), 0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM provinces"), 240);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM nations"), 12);
  CAF_CHECK_EQUAL(query_int(save, "SELECT seed FROM game"), 77);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 30);  // --ticks beat ticks=500
}

CAF_TEST(bad arguments are refused with exit code 2 and no save is touched) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + save + " --speed 9", dir.file("a.log")), 2);
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + save + " --bogus 1", dir.file("b.log")), 2);
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + save + " --provinces 10", dir.file("c.log")), 2);
  CAF_CHECK_EQUAL(run_hegemon("frobnicate", dir.file("d.log")), 2);
  CAF_CHECK_EQUAL(access(save.c_str(), F_OK), -1);
  CAF_CHECK_EQUAL(run_hegemon("serve --help", dir.file("e.log")), 0);
}

CAF_TEST(a file that is not a save is refused and not overwritten) {
  test::TempDir dir;
  const std::string path = dir.file("notes.db");
  {
    FILE* f = fopen(path.c_str(), "wb");
    CAF_REQUIRE(f != nullptr);
    fputs("these are my notes, not a database\n", f);
    fclose(f);
  }
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + path + " --ticks 5 --port 0", dir.file("x.log")),
                  1);
  FILE* f = fopen(path.c_str(), "rb");
  char buf[64] = {0};
  CAF_REQUIRE(fgets(buf, sizeof buf, f) != nullptr);
  fclose(f);
  CAF_CHECK_EQUAL(std::string(buf), "these are my notes, not a database\n");
}

CAF_TEST(the C++and Python clients talk to a running server) {
  test::TempDir dir;
  const std::string log = dir.file("serve.log");
  const pid_t pid =
      spawn_server({"--save", dir.file("game.db"), "--provinces", "300", "--nations", "20",
                    "--speed", "0", "--port", "0", "--admin-token", "open-sesame-0123456789"},
                   log);
  const int port = gateway_port(log);
  CAF_REQUIRE(port > 0);
  const std::string cpp = std::string(HEGEMON_BINARY) + " client --port " + std::to_string(port);
  const std::string py = "python3 " + std::string(HEGEMON_SOURCE_DIR) +
                         "/clients/python/hegemon_client.py --port " + std::to_string(port);
  const std::string out_file = dir.file("out.txt");
  std::string out;

  CAF_CHECK_EQUAL(run_capture(cpp + " --json status", out_file, out), 0);
  auto status = nlohmann::json::parse(out, nullptr, false);
  CAF_REQUIRE(status.is_object());
  CAF_CHECK_EQUAL(status["tick"], nlohmann::json(0));
  CAF_CHECK_EQUAL(status["speed"], nlohmann::json("paused"));

  CAF_CHECK_EQUAL(run_capture(py + " --json province 7", out_file, out), 0);
  auto province = nlohmann::json::parse(out, nullptr, false);
  CAF_REQUIRE(province.is_object());
  CAF_CHECK_EQUAL(province["id"], nlohmann::json(7));

  // Spectators may not command; a wrong token is refused; nobody listens on port 1.
  CAF_CHECK_EQUAL(run_capture(cpp + " speed max", out_file, out), 1);
  CAF_CHECK(out.find("forbidden") != std::string::npos);
  CAF_CHECK_EQUAL(run_capture(py + " --token wrong status", out_file, out), 1);
  CAF_CHECK_EQUAL(
      run_capture(std::string(HEGEMON_BINARY) + " client --port 1 status", out_file, out), 3);

  // A player token for nation 3; the player commands through either client.
  CAF_CHECK_EQUAL(run_capture(cpp + " --token open-sesame-0123456789 --json token issue player 3",
                              out_file, out),
                  0);
  auto issued = nlohmann::json::parse(out, nullptr, false);
  CAF_REQUIRE(issued.is_object() && issued.contains("token"));
  const std::string as_player = " --role player --token " + issued["token"].get<std::string>();
  CAF_CHECK_EQUAL(run_capture(py + as_player + " set-tax 1", out_file, out), 0);
  CAF_CHECK(out.find("applies at tick 1") != std::string::npos);
  CAF_CHECK_EQUAL(run_capture(cpp + as_player + " --json offer-peace white", out_file, out), 1);
  CAF_CHECK(out.find("not at war") != std::string::npos);
  CAF_CHECK_EQUAL(run_capture(py + as_player + " --nation 4 set-tax 1", out_file, out), 1);
  CAF_CHECK(out.find("own nation") != std::string::npos);
  CAF_CHECK_EQUAL(run_capture(cpp + as_player + " move-army 1", out_file, out), 2);  // no path

  // The admin starts the clock; both clients see the game move.
  CAF_CHECK_EQUAL(run_capture(cpp + " --token open-sesame-0123456789 speed max", out_file, out), 0);
  int64_t tick = 0;
  for (int i = 0; i < 200 && tick < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (run_capture(py + " --json status", out_file, out) == 0) {
      auto s = nlohmann::json::parse(out, nullptr, false);
      if (s.is_object()) tick = s["tick"].get<int64_t>();
    }
  }
  CAF_CHECK_GREATER_OR_EQUAL(tick, 20);
  CAF_CHECK_EQUAL(run_capture(py + " --token open-sesame-0123456789 actors", out_file, out), 0);
  CAF_CHECK(out.find("coordinator") != std::string::npos);
  CAF_CHECK_EQUAL(run_capture(cpp + " map", out_file, out), 0);
  CAF_CHECK_EQUAL(std::count(out.begin(), out.end(), '\n'), 300);  // one line per province
  CAF_CHECK_EQUAL(run_capture(cpp + " --json events 0 20", out_file, out), 0);
  CAF_CHECK(out.front() == '[');
  CAF_CHECK_EQUAL(run_capture(cpp + " province-at 1 0", out_file, out), 0);
  CAF_CHECK(out.find("owner_id") != std::string::npos);
  CAF_CHECK_EQUAL(run_capture(cpp + " events 5", out_file, out), 2);  // FROM without TO
  // watch: one line per committed tick, in both clients.
  CAF_CHECK_EQUAL(run_capture(cpp + " watch 5", out_file, out), 0);
  CAF_CHECK_EQUAL(std::count(out.begin(), out.end(), '\n'), 5);
  CAF_CHECK_EQUAL(run_capture(py + " --json watch 3", out_file, out), 0);
  CAF_CHECK(out.find("\"push\": \"delta\"") != std::string::npos);
  CAF_CHECK_EQUAL(run_capture(cpp + " --token open-sesame-0123456789 pause", out_file, out), 0);

  // An admin shuts the server down: everything committed, exit 0.
  CAF_CHECK_EQUAL(
      run_capture(cpp + " --token open-sesame-0123456789 --json shutdown", out_file, out), 0);
  CAF_CHECK(out.find("committed_tick") != std::string::npos);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  CAF_REQUIRE(WIFEXITED(wstatus));
  CAF_CHECK_EQUAL(WEXITSTATUS(wstatus), 0);
  // The player's command is in the log at the tick it applied at.
  CAF_CHECK_EQUAL(
      query_int(dir.file("game.db"),
                "SELECT count(*) FROM event_log WHERE event_type = 'command' AND tick = 1"
                " AND json_extract(event_data, '$.kind') = 'set_tax'"
                " AND json_extract(event_data, '$.nation') = 3"),
      1);
}

CAF_TEST(the first start creates an admin token that later starts accept) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string marker = "shown this once: ";
  CAF_REQUIRE_EQUAL(
      run_hegemon("serve --save " + save + " --ticks 2 " + kSmallWorld, dir.file("1.log")), 0);
  const std::string first = read_file(dir.file("1.log"));
  const auto at = first.find(marker);
  CAF_REQUIRE(at != std::string::npos);
  const std::string token = first.substr(at + marker.size(), 32);
  CAF_CHECK_EQUAL(test::query_int(save, "SELECT count(*) FROM tokens WHERE role = 'admin'"), 1);
  CAF_REQUIRE_EQUAL(
      run_hegemon("serve --save " + save + " --ticks 2 " + kSmallWorld, dir.file("2.log")), 0);
  CAF_CHECK(read_file(dir.file("2.log")).find(marker) == std::string::npos);  // printed once only

  const std::string log = dir.file("serve.log");
  const pid_t pid = spawn_server({"--save", save, "--speed", "0", "--port", "0"}, log);
  const int port = gateway_port(log);
  CAF_REQUIRE(port > 0);
  const std::string cpp = std::string(HEGEMON_BINARY) + " client --port " + std::to_string(port);
  std::string out;
  CAF_CHECK_EQUAL(run_capture(cpp + " --token " + token + " actors", dir.file("out"), out), 0);
  CAF_CHECK_EQUAL(run_capture(cpp + " --token not-the-token actors", dir.file("out"), out), 1);
  CAF_CHECK_EQUAL(run_capture(cpp + " --token " + token + " shutdown", dir.file("out"), out), 0);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  CAF_CHECK(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
}

CAF_TEST(damaged saves are refused with exit code 1 and left as they were) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  CAF_REQUIRE_EQUAL(
      run_hegemon("serve --save " + save + " --ticks 20 " + kSmallWorld, dir.file("0.log")), 0);
  auto copy_with = [&](const std::string& name,
                       const std::function<void(const std::string&)>& damage) {
    const std::string path = dir.file(name);
    std::filesystem::copy_file(save, path);
    damage(path);
    return path;
  };
  const std::string truncated = copy_with("truncated.db", [](const std::string& p) {
    std::filesystem::resize_file(p, std::filesystem::file_size(p) / 3);
  });
  const std::string no_armies = copy_with(
      "no-armies.db", [](const std::string& p) { test::exec_sql(p, "DROP TABLE armies"); });
  const std::string no_snapshots = copy_with(
      "no-snapshots.db", [](const std::string& p) { test::exec_sql(p, "DROP TABLE snapshots"); });
  for (const auto& [path, why] : std::vector<std::pair<std::string, std::string>>{
           {truncated, "malformed"},
           {no_armies, "lacks a table 'armies'"},
           {no_snapshots, "lacks a table 'snapshots'"}}) {
    const std::string before = read_file(path);
    const std::string log = path + ".log";
    CAF_CHECK_EQUAL(run_hegemon("serve --save " + path + " --ticks 5 --port 0", log), 1);
    CAF_CHECK(read_file(log).find(why) != std::string::npos);
    CAF_CHECK(read_file(path) == before);  // never repaired, never a new world
  }
}
