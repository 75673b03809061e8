// What an operator meets with the tools and the admin API (issue #13, item
// 14): names from a save escaped before they reach a terminal, a replay that
// checked nothing saying so, and a live rollback that leaves the game where
// an admin expects it (the speed before, its record at the tick it is about).
#define CAF_SUITE operator
#include "game_fixture.h"

#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "persistence/save_file.h"
#include "rules/world_gen.h"
#include "tools/map_svg.h"
#include "tools/printable.h"
#include "tools/save_summary.h"
#include "tools/world_diff.h"

using namespace hegemon;
using test::exec_sql;
using test::query_int;
using test::query_text;
using test::read_file;

namespace {

using hegemon::test::contains;

// Runs `hegemon <args>`, stdout to `out` and stderr to `err`; the exit code.
int run_hegemon(const std::string& args, const std::string& out, const std::string& err) {
  const std::string cmd = std::string(HEGEMON_BINARY) + " " + args + " >" + out + " 2>" + err;
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A new save holding a small world at tick 0.
void create_save(const std::string& path) {
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  CAF_REQUIRE((*save)->create_world(generate_world(test::small_world())).ok());
}

// What a terminal would act on: ESC, BEL, CSI (U+009B) and the right-to-left
// override (U+202E).
bool has_terminal_controls(const std::string& text) {
  return contains(text, "\x1b") || contains(text, "\x07") || contains(text, "\xC2\x9B") ||
         contains(text, "\xE2\x80\xAE");
}

// Every nation renamed to carry escape sequences: clear the screen, set the
// window title, a C1 CSI, a right-to-left override, a byte that is not UTF-8.
const char kHostileNames[] =
    "UPDATE nations SET name = char(27) || '[2J' || char(27) || ']0;owned' || char(7) ||"
    " name || char(155) || char(8238) || 'evil' || CAST(X'FF' AS TEXT) || '\\'";

}  // namespace

CAF_TEST(printable escapes controls invisible characters and bytes that are not UTF - 8) {
  CAF_CHECK_EQUAL(printable("Kingdom of Åland, 東京"), "Kingdom of Åland, 東京");
  CAF_CHECK_EQUAL(printable("\x1b[2J"), "\\x1b[2J");
  CAF_CHECK_EQUAL(printable(std::string("a\0b", 3)), "a\\x00b");
  CAF_CHECK_EQUAL(printable("tab\there\x7f"), "tab\\x09here\\x7f");
  CAF_CHECK_EQUAL(printable("\xC2\x9B"
                            "31m"),
                  "\\u{009b}31m");  // C1 CSI
  CAF_CHECK_EQUAL(printable("abc\xE2\x80\xAE"
                            "def"),
                  "abc\\u{202e}def");  // RTL override
  CAF_CHECK_EQUAL(printable("zero\xE2\x80\x8Bwidth"), "zero\\u{200b}width");
  CAF_CHECK_EQUAL(printable("\xFF\xC0\xAF"), "\\xff\\xc0\\xaf");  // not UTF-8, overlong
  CAF_CHECK_EQUAL(printable("\xE2\x80"), "\\xe2\\x80");           // cut off
  CAF_CHECK_EQUAL(printable("back\\slash"), "back\\\\slash");     // escapes stay unambiguous
}

CAF_TEST(inspect and map never print a saves escape sequences) {
  test::TempDir dir;
  const std::string save = dir.file("hostile.db");
  create_save(save);
  exec_sql(save, kHostileNames);

  auto summary = read_save_summary(save);
  CAF_REQUIRE(summary.ok());
  const std::string text = format_summary_text(*summary);
  CAF_CHECK(!has_terminal_controls(text));
  CAF_CHECK(!contains(text, "\xFF"));
  CAF_CHECK(contains(text, "\\x1b[2J\\x1b]0;owned\\x07"));
  CAF_CHECK(contains(text, "\\u{009b}\\u{202e}evil\\xff\\\\"));

  // The binary, as an operator runs it: text and JSON.
  CAF_CHECK_EQUAL(run_hegemon("inspect " + save, dir.file("out"), dir.file("err")), 0);
  CAF_CHECK(!has_terminal_controls(read_file(dir.file("out"))));
  CAF_CHECK(contains(read_file(dir.file("out")), "\\x1b[2J"));
  CAF_CHECK_EQUAL(run_hegemon("inspect --json " + save, dir.file("json"), dir.file("err")), 0);
  CAF_CHECK(!has_terminal_controls(read_file(dir.file("json"))));

  // `state` prints a nation's name in JSON (a byte that is not UTF-8 made
  // the JSON library throw: abort, exit 134).
  CAF_CHECK_EQUAL(
      run_hegemon("state " + save + " --tick 0 --nation 1", dir.file("state"), dir.file("err")), 0);
  CAF_CHECK(!has_terminal_controls(read_file(dir.file("state"))));
  CAF_CHECK(contains(read_file(dir.file("state")), "\\u001b[2J"));

  // The SVG: markup escaped, controls XML forbids replaced.
  auto picture = read_map_picture(save);
  CAF_REQUIRE(picture.ok());
  picture->nations.front().name = "<script>alert(1)</script>&\x1b[2J";
  const std::string svg = render_map_svg(*picture);
  CAF_CHECK(!contains(svg, "\x1b"));
  CAF_CHECK(!contains(svg, "<script>"));
  CAF_CHECK(contains(svg, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;"));
}

CAF_TEST(replay prints a saves events escaped) {
  Event recorded{7, "battle", "{\"note\":\"\x1b]0;owned\x07\"}"};
  Event replayed{7, "battle", "{\"note\":\"fine\"}"};
  const auto lines = diff_events({recorded}, {replayed});
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  CAF_CHECK(!has_terminal_controls(lines.front()));
  CAF_CHECK(contains(lines.front(), "\\x1b]0;owned\\x07"));
}

CAF_TEST(a replay that re - simulates no tick says nothing was checked) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  CAF_REQUIRE_EQUAL(run_hegemon("serve --save " + save +
                                    " --ticks 20 --snapshot-every 10 --provinces 300 --nations 20"
                                    " --seed 5 --speed max --port 0",
                                dir.file("serve.out"), dir.file("serve.err")),
                    0);
  CAF_REQUIRE_EQUAL(query_int(save, "SELECT max(tick) FROM snapshots"), 20);  // one at the end

  // Up to tick 0: nothing to re-simulate. Not "ok", exit 3.
  CAF_CHECK_EQUAL(run_hegemon("replay " + save + " --to-tick 0", dir.file("out"), dir.file("err")),
                  3);
  CAF_CHECK(contains(read_file(dir.file("out")), "nothing checked"));
  CAF_CHECK(!contains(read_file(dir.file("out")), "ok"));
  CAF_CHECK_EQUAL(
      run_hegemon("replay " + save + " --to-tick 0 --json", dir.file("out"), dir.file("err")), 3);
  const auto none = nlohmann::json::parse(read_file(dir.file("out")));
  CAF_CHECK_EQUAL(none.at("ok"), false);
  CAF_CHECK_EQUAL(none.at("ticks_replayed"), 0);

  // --from-snapshot on a save whose last tick has a snapshot: it starts at
  // the one before, so the last ten ticks are re-simulated and checked.
  CAF_CHECK_EQUAL(
      run_hegemon("replay " + save + " --from-snapshot --json", dir.file("out"), dir.file("err")),
      0);
  const auto some = nlohmann::json::parse(read_file(dir.file("out")));
  CAF_CHECK_EQUAL(some.at("ok"), true);
  CAF_CHECK_EQUAL(some.at("start_tick"), 10);
  CAF_CHECK_EQUAL(some.at("end_tick"), 20);
  CAF_CHECK_EQUAL(some.at("ticks_replayed"), 10);
}

CAF_TEST_FIXTURE_SCOPE(live_rollback, test::game_fixture)

CAF_TEST(after a live rollback resume returns to the speed before and the record is at its tick) {
  start(200);
  set_speed(kMaxSpeed);
  run();
  CAF_REQUIRE_EQUAL(status().committed_tick, 200);
  // An incident after the tick the game goes back to: the rollback undoes
  // the game's ticks, not the server's record of what happened meanwhile.
  self->send(game.root, kill_atom::value, ActorKey{ActorKind::nation, 3},
             std::string("before the rollback"));
  run();
  const int64_t crashes = query_int(
      save_path, "SELECT count(*) FROM audit_log WHERE event_type = 'actor_crashed' AND tick > 120");
  CAF_REQUIRE_EQUAL(crashes, 1);
  set_speed(5);  // the speed the admin chose last
  run();
  CAF_REQUIRE_EQUAL(status().speed, 5);

  CAF_REQUIRE_EQUAL(request<Tick>(game.root, rollback_atom::value, Tick{120}), 120);
  CAF_CHECK_EQUAL(status().speed, kPausedSpeed);  // a rollback pauses
  self->send(game.root, resume_atom::value);
  run();
  CAF_CHECK_EQUAL(status().speed, 5);  // not kDefaultSpeed

  // The record of the rollback is at the tick the game went back to, not
  // after it: nothing in event_log lies beyond the save's last tick.
  CAF_CHECK_EQUAL(
      query_int(save_path, "SELECT tick FROM audit_log WHERE event_type = 'rolled_back'"), 120);
  CAF_CHECK_EQUAL(
      query_text(save_path, "SELECT event_data FROM audit_log WHERE event_type = 'rolled_back'"),
      "{\"from\":200,\"to\":120}");
  CAF_CHECK_LESS_OR_EQUAL(query_int(save_path, "SELECT max(tick) FROM event_log"),
                          query_int(save_path, "SELECT tick FROM game"));
  // The incident after tick 120 outlived the rollback, with its restart.
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM audit_log WHERE event_type = "
                                       "'actor_crashed' AND tick > 120"),
                  crashes);
  CAF_CHECK_GREATER_OR_EQUAL(
      query_int(save_path,
                "SELECT count(*) FROM audit_log WHERE event_type = 'actor_restarted' AND tick > 120"),
      1);
}

CAF_TEST_FIXTURE_SCOPE_END()
