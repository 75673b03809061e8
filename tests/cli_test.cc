// The command line and config files of `hegemon` (issue #13, items 9, 10, 11
// and 14): one parser for every subcommand, config files read only when
// named and checked strictly, admin tokens kept out of `ps` and log files,
// and a serve that creates nothing it cannot use. Every case runs the real
// binary on real files and sockets.
#define CAF_SUITE cli
#include <caf/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

using hegemon::test::read_file;
using hegemon::test::TempDir;

namespace {

const std::string kBinary = HEGEMON_BINARY;
// Quick to create: a tiny world, any free port.
const std::string kSmall = " --provinces 300 --nations 20 --seed 5 --speed max --port 0";
const std::string kAdminToken = "cli-test-admin-token-0123456789";

struct Run {
  int code = -1;
  std::string out, err;
};

// `[ENV...] hegemon ARGS` through the shell in `cwd` (the test's own working
// directory when empty), stdout and stderr kept apart.
Run run(const TempDir& dir, const std::string& args, const std::string& env = "",
        const std::string& cwd = "") {
  const std::string out = dir.file("stdout"), err = dir.file("stderr");
  std::string cmd = (cwd.empty() ? "" : "cd '" + cwd + "' && ") + env + " " + kBinary + " " + args +
                    " >" + out + " 2>" + err;
  const int status = std::system(cmd.c_str());
  Run r;
  r.code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

using hegemon::test::contains;

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Waits (bounded) for `marker` in the file; the text after it up to the end
// of its line, or "" if it never came.
std::string wait_for(const std::string& log, const std::string& marker) {
  for (int i = 0; i < 600; ++i) {
    const std::string text = read_file(log);
    const auto at = text.find(marker);
    if (at != std::string::npos) {
      const auto end = text.find('\n', at);
      if (end != std::string::npos)
        return text.substr(at + marker.size(), end - at - marker.size());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status)
                           : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// A save of 10 ticks for the tools to read.
std::string make_save(const TempDir& dir) {
  const std::string save = dir.file("game.db");
  const Run r = run(dir, "serve --save " + save + " --ticks 10 --snapshot-every 5 --admin-token " +
                             kAdminToken + kSmall);
  CAF_REQUIRE_EQUAL(r.code, 0);
  return save;
}

}  // namespace

CAF_TEST(every subcommand takes-- name value and --name = value alike) {
  TempDir dir;
  const std::string save = make_save(dir);
  for (const char* eq : {" ", "="}) {
    const std::string e = eq;
    CAF_MESSAGE("spelling '--name" << e << "value'");
    Run r = run(dir, "inspect " + save + " --json");
    CAF_CHECK_EQUAL(r.code, 0);
    CAF_CHECK(contains(r.out, "\"tick\""));
    r = run(dir, "map " + save + " --tick" + e + "5 --out" + e + dir.file("m.svg"));
    CAF_CHECK_EQUAL(r.code, 0);
    CAF_CHECK(contains(r.out, "(tick 5)"));
    r = run(dir, "state " + save + " --tick" + e + "7 --province" + e + "3 --json");
    CAF_CHECK_EQUAL(r.code, 0);
    CAF_CHECK(contains(r.out, "\"id\":3"));
    r = run(dir, "replay " + save + " --to-tick" + e + "6 --json");
    CAF_CHECK_EQUAL(r.code, 0);
    CAF_CHECK(contains(r.out, "\"end_tick\":6"));
    // The same bad value, either spelling, the same plain message.
    r = run(dir, "bench --size" + e + "big");
    CAF_CHECK_EQUAL(r.code, 2);
    CAF_CHECK(contains(r.err, "hegemon bench: --size: 'big' is not one of default, eu4, huge"));
    r = run(dir, "rollback " + save + " --to-tick" + e + "x");
    CAF_CHECK_EQUAL(r.code, 2);
    CAF_CHECK(contains(r.err, "hegemon rollback: --to-tick: 'x' is not a whole number"));
    r = run(dir, "client --port" + e + "1 --json status");  // nobody listens on port 1
    CAF_CHECK_EQUAL(r.code, 3);
    r = run(dir, "client --port" + e + "0 status");
    CAF_CHECK_EQUAL(r.code, 2);
    CAF_CHECK(contains(r.err, "hegemon client: --port: '0' is not a whole number, 1..65535"));
  }
  const std::string copy = dir.file("copy.db");
  std::filesystem::copy_file(save, copy);
  Run r = run(dir, "rollback " + copy + " --to-tick=5 --no-backup");
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK_EQUAL(hegemon::test::query_int(copy, "SELECT tick FROM game"), 5);
  r = run(dir,
          "serve --save=" + copy + " --ticks=2 --provinces=300 --nations=20 --speed=max --port=0");
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK_EQUAL(hegemon::test::query_int(copy, "SELECT tick FROM game"), 7);
}

CAF_TEST(help and version print on stdout with exit code 0) {
  TempDir dir;
  for (const char* command :
       {"serve", "client", "map", "inspect", "replay", "state", "rollback", "bench"}) {
    Run r = run(dir, std::string(command) + " --help");
    CAF_CHECK_EQUAL(r.code, 0);
    CAF_CHECK(contains(r.out, std::string("Usage: hegemon ") + command));
    CAF_CHECK_EQUAL(r.err, "");
    r = run(dir, std::string(command) + " --version");
    CAF_CHECK_EQUAL(r.code, 0);
    CAF_CHECK(contains(r.out, "hegemon 0."));
  }
  Run r = run(dir, "--version");
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK(contains(r.out, "hegemon 0."));
  // serve's help shows defaults and says no config file is read by default.
  r = run(dir, "serve --help");
  CAF_CHECK(contains(r.out, "--port INT:0..65535=4242"));
  CAF_CHECK(contains(r.out, "--config-file"));
  CAF_CHECK(contains(r.out, "default: none"));
  CAF_CHECK(!contains(r.out, "./hegemon.ini when present"));
}

CAF_TEST(usage errors are one plain line and exit code 2) {
  TempDir dir;
  const std::string save = dir.file("game.db");
  struct Case {
    std::string args, error;
  };
  const Case cases[] = {
      {"serve --save " + save + " --speed 7", "hegemon serve: --speed: '7' is not 0..5 or max"},
      {"serve --save " + save + " --bogus 1", "hegemon serve: unknown option --bogus"},
      {"serve --save " + save + " --port", "--port needs a value"},
      // `--log-file=` is an empty value, not a request to take the next argument.
      {"serve --log-file= --save=" + save + " --speed 9", "--speed: '9'"},
      {"client --bogus status", "hegemon client: unknown option --bogus"},
      {"inspect " + save + " --yaml", "hegemon inspect: unknown option --yaml"},
      {"inspect a.db b.db", "unexpected argument 'b.db'"},
  };
  for (const Case& c : cases) {
    CAF_MESSAGE("hegemon " << c.args);
    const Run r = run(dir, c.args);
    CAF_CHECK_EQUAL(r.code, 2);
    CAF_CHECK(contains(r.err, c.error));
  }
  CAF_CHECK(!exists(save));
}

CAF_TEST(a hegemon.ini in the working directory is not read) {
  TempDir dir;
  // What a planted file in a shared-save folder would set.
  write_file(dir.file("hegemon.ini"),
             "save = \"planted.db\"\nadmin-token = \"planted-admin-token-123\"\n"
             "host = \"0.0.0.0\"\nticks = 1000000\n");
  std::filesystem::create_directory(dir.file("saves"));
  const Run r = run(dir, "serve --ticks 2" + kSmall, "", dir.path());
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK(!exists(dir.file("planted.db")));
  CAF_CHECK(exists(dir.file("saves/default.db")));
  CAF_CHECK(!contains(r.err + r.out, "0.0.0.0"));
}

CAF_TEST(a named config file with a bad entry is refused naming file line and key) {
  TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string ini = dir.file("bad.ini");
  struct Case {
    std::string text, message;
  };
  const Case cases[] = {
      {"# comment\nport = 4242\nadmin-tokn = \"abcdefghijklmnopq\"\n",
       ini + ":3: unknown key 'admin-tokn'"},
      {"port = \"abc\"\n", ini + ":1: key 'port': 'abc' is not a whole number, 0..65535"},
      {"speed = 7\n", ini + ":1: key 'speed': '7' is not 0..5 or max"},
      {"admin-token = 12345\n", ini + ":1: key 'admin-token': an admin token needs at least 16"},
      {"scheduler.profiling-output-file = \"" + dir.file("owned") + "\"\n",
       ini + ":1: unknown key 'scheduler.profiling-output-file'"},
      {"config-file = \"other.ini\"\n", ini + ":1: unknown key 'config-file'"},
      {"[global]\nport = 1\n", ini + ":1: sections are not used"},
      {"port = 1\nport = 2\n", ini + ":2: key 'port' is set twice (first on line 1)"},
      {"just words\n", ini + ":1: expected 'key = value'"},
  };
  for (const Case& c : cases) {
    write_file(ini, c.text);
    const Run r =
        run(dir, "serve --config-file " + ini + " --save " + save + " --ticks 1" + kSmall);
    CAF_CHECK_EQUAL(r.code, 2);
    if (!contains(r.err, c.message)) CAF_FAIL("expected '" << c.message << "', got: " << r.err);
  }
  CAF_CHECK(!exists(save));
  CAF_CHECK(!exists(dir.file("owned")));
  const Run r = run(dir, "serve --config-file " + dir.file("missing.ini") + " --save " + save);
  CAF_CHECK_EQUAL(r.code, 2);
  CAF_CHECK(contains(r.err, "cannot read config file " + dir.file("missing.ini")));
  CAF_CHECK(!exists(save));
}

CAF_TEST(the shipped example config parses and the command line overrides it) {
  TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string ini = std::string(HEGEMON_SOURCE_DIR) + "/config/hegemon.ini";
  const Run r = run(dir, "serve --config-file " + ini + " --save " + save +
                             " --ticks 3 --log-level info" + kSmall);
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK(contains(r.out, "options read from config file " + ini));
  CAF_CHECK_EQUAL(hegemon::test::query_int(save, "SELECT tick FROM game"), 3);
  CAF_CHECK_EQUAL(hegemon::test::query_int(save, "SELECT count(*) FROM provinces"), 300);
}

CAF_TEST(short admin tokens are refused from every source) {
  TempDir dir;
  const std::string save = dir.file("game.db");
  write_file(dir.file("short.txt"), "sesame\n");
  // --ticks 1: a binary without the check would run and exit, not serve forever.
  Run r = run(dir, "serve --save " + save + " --ticks 1 --admin-token sesame" + kSmall);
  CAF_CHECK_EQUAL(r.code, 2);
  CAF_CHECK(contains(r.err, "at least 16 characters (this one has 6)"));
  r = run(dir, "serve --save " + save + " --ticks 1 --admin-token-file " + dir.file("short.txt") +
                   kSmall);
  CAF_CHECK_EQUAL(r.code, 2);
  CAF_CHECK(
      contains(r.err, "--admin-token-file " + dir.file("short.txt") + ": an admin token needs"));
  r = run(dir, "serve --save " + save + " --ticks 1" + kSmall, "HEGEMON_ADMIN_TOKEN=sesame");
  CAF_CHECK_EQUAL(r.code, 2);
  CAF_CHECK(contains(r.err, "$HEGEMON_ADMIN_TOKEN: an admin token needs"));
  CAF_CHECK(!exists(save));
}

CAF_TEST(admin tokens from a file and from the environment log in through the client) {
  TempDir dir;
  const std::string token_file = dir.file("admin.token");
  write_file(token_file, kAdminToken + "\n");
  const std::string wrong_file = dir.file("wrong.token");
  write_file(wrong_file, "not-the-admin-token-at-all\n");
  // Server 1: the token from a file; the client's from the environment.
  {
    const std::string log = dir.file("serve1.log");
    const pid_t pid = hegemon::test::spawn_serve(
        kBinary,
        {"--save", dir.file("a.db"), "--provinces", "300", "--nations", "20", "--speed", "0",
         "--port", "0", "--admin-token-file", token_file},
        log);
    const std::string port = wait_for(log, "gateway listening on 127.0.0.1:");
    CAF_REQUIRE(!port.empty());
    const std::string client = "client --port " + port;
    CAF_CHECK_EQUAL(run(dir, client + " actors", "HEGEMON_TOKEN=" + kAdminToken).code, 0);
    CAF_CHECK_EQUAL(run(dir, client + " actors", "HEGEMON_TOKEN=not-the-admin-token-at-all").code,
                    1);
    CAF_CHECK_EQUAL(run(dir, client + " --token-file " + wrong_file + " actors").code, 1);
    CAF_CHECK_EQUAL(run(dir, client + " status").code, 0);  // spectators are on by default
    CAF_CHECK_EQUAL(run(dir, client + " --token-file=" + token_file + " shutdown").code, 0);
    CAF_CHECK_EQUAL(wait_exit(pid), 0);
    // Given a token, the save needed none of its own, and none was printed.
    CAF_CHECK(!contains(read_file(log), "shown this once"));
  }
  // Server 2: the token from the environment; spectators off.
  {
    const std::string log = dir.file("serve2.log");
    const pid_t pid = hegemon::test::spawn_serve(
        kBinary,
        {"--save", dir.file("b.db"), "--provinces", "300", "--nations", "20", "--speed", "0",
         "--port", "0", "--spectators", "off"},
        log, [] { setenv("HEGEMON_ADMIN_TOKEN", kAdminToken.c_str(), 1); });
    const std::string port = wait_for(log, "gateway listening on 127.0.0.1:");
    CAF_REQUIRE(!port.empty());
    const std::string client = "client --port " + port;
    const Run spectator = run(dir, client + " status");
    CAF_CHECK_EQUAL(spectator.code, 1);
    CAF_MESSAGE("spectator: " << spectator.err);
    CAF_CHECK_EQUAL(run(dir, client + " --token-file " + token_file + " status").code, 0);
    CAF_CHECK_EQUAL(run(dir, client + " --token-file " + token_file + " shutdown").code, 0);
    CAF_CHECK_EQUAL(wait_exit(pid), 0);
  }
}

CAF_TEST(a generated admin token goes to the terminal and never to the log file) {
  TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string log = dir.file("serve.log");
  const Run r =
      run(dir, "serve --save " + save + " --ticks 2 --log-level error --log-file " + log + kSmall);
  CAF_REQUIRE_EQUAL(r.code, 0);
  std::smatch m;
  CAF_REQUIRE(std::regex_search(r.err, m, std::regex("shown this once: ([0-9a-f]{32})")));
  const std::string token = m[1];
  CAF_CHECK(!contains(read_file(log), token));
  CAF_CHECK(!contains(r.out, token));
  struct stat st {};
  CAF_REQUIRE_EQUAL(stat(log.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0600u);
  // An existing log file that others could read is narrowed too.
  const std::string open_log = dir.file("open.log");
  write_file(open_log, "old lines\n");
  chmod(open_log.c_str(), 0644);
  CAF_CHECK_EQUAL(
      run(dir, "serve --save " + save + " --ticks 1 --log-file " + open_log + kSmall).code, 0);
  CAF_REQUIRE_EQUAL(stat(open_log.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0600u);
  CAF_CHECK(contains(read_file(open_log), "old lines"));  // appended to, not truncated
}

CAF_TEST(a busy port is found before any save is created) {
  TempDir dir;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  CAF_REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CAF_REQUIRE_EQUAL(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  CAF_REQUIRE_EQUAL(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  const std::string save = dir.file("game.db");
  Run r =
      run(dir, "serve --save " + save + " --provinces 300 --nations 20 --ticks 1 --port " + port);
  CAF_CHECK_EQUAL(r.code, 1);
  CAF_CHECK(contains(r.out + r.err, "--port " + port + " on 127.0.0.1 is not free"));
  CAF_CHECK(!exists(save));
  r = run(dir, "serve --save " + save + " --ticks 1 --metrics-port " + port + kSmall);
  CAF_CHECK_EQUAL(r.code, 1);
  CAF_CHECK(contains(r.out + r.err, "--metrics-port " + port));
  CAF_CHECK(!exists(save));
  close(fd);
}

CAF_TEST(a save in a missing directory is an error and creates nothing) {
  TempDir dir;
  const std::string save = dir.file("no/such/dir/game.db");
  const Run r = run(dir, "serve --save " + save + " --ticks 1" + kSmall);
  CAF_CHECK_EQUAL(r.code, 2);
  CAF_CHECK(contains(r.err, "the directory " + dir.file("no/such/dir") + " does not exist"));
  CAF_CHECK(!exists(dir.file("no")));
}

CAF_TEST(a host other than loopback is warned about on stderr and in the log) {
  TempDir dir;
  const Run r =
      run(dir, "serve --save " + dir.file("game.db") + " --ticks 1 --host 0.0.0.0" + kSmall);
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK(contains(r.err, "hegemon serve: WARNING: --host 0.0.0.0 is not a loopback address"));
  CAF_CHECK(contains(r.out, "warning --host 0.0.0.0 is not a loopback address"));
  const Run local =
      run(dir, "serve --save " + dir.file("game.db") + " --ticks 1 --host 127.0.0.1" + kSmall);
  CAF_CHECK(!contains(local.out + local.err, "loopback"));
}

CAF_TEST(a signal while paused on a crashing actor stops cleanly with exit code 0) {
  TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string log = dir.file("serve.log");
  const pid_t pid = hegemon::test::spawn_serve(
      kBinary,
      {"--save", save, "--provinces", "300", "--nations", "20", "--speed", "max", "--port", "0",
       "--inject-crash", "nation:3@5:poison", "--max-restarts", "0"},
      log);
  CAF_REQUIRE(!wait_for(log, "PAUSED: ").empty());
  kill(pid, SIGINT);
  CAF_CHECK_EQUAL(wait_exit(pid), 0);
  const std::string text = read_file(log);
  CAF_CHECK(contains(text, "received SIGINT"));
  CAF_CHECK(contains(text, "every completed tick committed, save checkpointed"));
  CAF_CHECK_EQUAL(hegemon::test::query_int(save, "SELECT tick FROM game"), 4);
  CAF_CHECK_EQUAL(hegemon::test::query_text(save, "PRAGMA integrity_check"), "ok");
}

CAF_TEST(a save whose tokens came from another machine is served with a fresh admin token) {
  TempDir dir;
  const std::string save = dir.file("game.db");
  // A first run on this machine: its generated admin token is in the save.
  Run r = run(dir, "serve --save " + save + " --ticks 2" + kSmall);
  CAF_REQUIRE_EQUAL(r.code, 0);
  CAF_REQUIRE(contains(r.err, "shown this once"));
  CAF_REQUIRE_EQUAL(hegemon::test::query_int(save, "SELECT count(*) FROM tokens"), 1);
  // The same save as a stranger sends it: tokens issued on another machine.
  hegemon::test::exec_sql(save, "UPDATE token_origin SET machine = '" + std::string(64, 'a') + "'");
  r = run(dir, "serve --save " + save + " --ticks 1" + kSmall);
  CAF_REQUIRE_EQUAL(r.code, 0);
  CAF_CHECK(
      contains(r.err, "1 access token(s) in the save were not issued by this host for this save"));
  CAF_CHECK(contains(r.err, "shown this once"));  // the host's own admin token
  CAF_CHECK_EQUAL(hegemon::test::query_int(save, "SELECT count(*) FROM tokens"), 1);
  // Back on its own machine, a save keeps its tokens and nothing is said.
  r = run(dir, "serve --save " + save + " --ticks 1" + kSmall);
  CAF_REQUIRE_EQUAL(r.code, 0);
  CAF_CHECK(!contains(r.err, "not issued by this host"));
  CAF_CHECK(!contains(r.err, "shown this once"));
}

CAF_TEST(serve refuses a token key file others can read and makes a missing one) {
  TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string state = dir.file("state");
  const std::string env = "HEGEMON_STATE_DIR='" + state + "'";
  // No key yet: made 0600, and the save's admin token sealed with it.
  Run r = run(dir, "serve --save " + save + " --ticks 1" + kSmall, env);
  CAF_REQUIRE_EQUAL(r.code, 0);
  CAF_CHECK(contains(r.err, "shown this once"));
  const std::string key = state + "/token.key";
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat(key.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 07777, 0600u);
  // Readable by others: refused before the save is touched, exit 1.
  ::chmod(key.c_str(), 0644);
  const std::string before = read_file(save);
  r = run(dir, "serve --save " + save + " --ticks 1" + kSmall, env);
  CAF_CHECK_EQUAL(r.code, 1);
  CAF_CHECK(contains(r.out + r.err, "token key file " + key + " has mode 0644, not 0600"));
  CAF_CHECK(read_file(save) == before);
  // Put right: the same key, so the save keeps its token and nothing is said.
  ::chmod(key.c_str(), 0600);
  r = run(dir, "serve --save " + save + " --ticks 1" + kSmall, env);
  CAF_REQUIRE_EQUAL(r.code, 0);
  CAF_CHECK(!contains(r.err, "not issued by this host"));
  CAF_CHECK(!contains(r.err, "shown this once"));
}
