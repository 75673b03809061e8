// Replay, time travel and rollback (tools/): a game played by the real actors,
// with player commands through the in-process API and injected crashes,
// replays from its save tick for tick; tampering with the save is found at the
// right tick; a rolled-back save continues exactly as the original did.
#define CAF_SUITE replay
#include "game_fixture.h"  // includes caf/test/dsl.hpp

#include <algorithm>
#include <filesystem>

#include "actors/fault_plan.h"
#include "command_builders.h"
#include "state/hash_hex.h"
#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "persistence/snapshot_codec.h"
#include "rules/world_gen.h"
#include "rules/world_queries.h"
#include "state/state_hash.h"
#include "tools/replay.h"
#include "tools/rollback.h"

using namespace hegemon;
using test::exec_sql;
using test::faults;
using test::query_int;

namespace {

constexpr Tick kTicks = 2000;
constexpr NationId kPlayer = 2;

using hegemon::test::contains;

// A consistent copy of a save that a game may still be writing (the WAL
// included), as an operator would take one.
void copy_save(const std::string& from, const std::string& to) {
  exec_sql(from, "VACUUM INTO '" + to + "'");
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// The commands a player of nation kPlayer gives at a moment of the game:
// whatever makes sense in the world as it is then.
std::vector<Command> orders_for(const World& world, int moment) {
  std::vector<Command> out;
  const std::optional<Nation> me = world.nation(kPlayer);
  if (!me || !me->alive) return out;
  switch (moment % 4) {
    case 0: out.push_back(test::set_tax(kPlayer, 1 + moment % 3)); break;
    case 1: out.push_back(test::recruit(kPlayer, me->capital)); break;
    case 2: {
      const IdList armies = world.armies_of(kPlayer);
      if (armies->empty()) break;
      const Army a = *world.army(armies->front());
      const auto& next = world.map().province(a.location).neighbors;
      if (!next.empty()) out.push_back(test::move_army(kPlayer, a.id, {next.front()}));
      break;
    }
    case 3:
      if (me->war != 0) {
        out.push_back(test::offer_peace(kPlayer, PeaceTerms::concede));
      } else {
        for (NationId other : bordering_nations(world, kPlayer))
          if (world.nation(other)->war == 0) {
            out.push_back(test::declare_war(kPlayer, other));
            break;
          }
      }
      break;
  }
  return out;
}

struct replay_fixture : test::game_fixture {
  // Plays kTicks ticks on the actors with crashes, giving orders every 150
  // ticks; returns how many commands the game accepted.
  int play_with_orders() {
    start(kTicks, faults({"nation:3@400", "persistence@900", "coordinator@1300", "nation:5@1600"}));
    self->send(game.root, command_atom::value, test::set_player(kPlayer));
    set_speed(kMaxSpeed);
    int accepted = 0, moment = 0;
    for (Tick next = 150; next < kTicks; next += 150, ++moment) {
      while (game.world->meta().tick < next && sched.try_run_once()) {}
      for (const Command& c : orders_for(*game.world, moment)) {
        self->send(game.root, command_atom::value, c);
        ++accepted;  // refused ones are counted off below, from the log
      }
    }
    run();
    return accepted;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(replay_tests, replay_fixture)

CAF_TEST(a game with commands and crashes replays with every tick matching) {
  play_with_orders();
  CAF_REQUIRE_EQUAL(status().committed_tick, kTicks);
  const int64_t commands =
      query_int(save_path, "SELECT count(*) FROM event_log WHERE event_type = 'command'");
  const int64_t crashes =
      query_int(save_path, "SELECT count(*) FROM audit_log WHERE event_type = 'actor_crashed'");
  CAF_CHECK_GREATER_OR_EQUAL(commands, 6);
  CAF_CHECK_GREATER_OR_EQUAL(crashes, 4);
  CAF_CHECK_GREATER(query_int(save_path, "SELECT count(*) FROM snapshots"), 5);

  auto report = replay_save(save_path, {});
  CAF_REQUIRE(report.ok());
  if (report->divergence) CAF_FAIL("diverged: " << joined(report->divergence->differences));
  CAF_CHECK_EQUAL(report->start_tick, 0);
  CAF_CHECK_EQUAL(report->end_tick, kTicks);
  CAF_CHECK_EQUAL(report->final_state.meta.state_hash, game.world->meta().state_hash);

  // From a snapshot, and to a tick in the middle: the same world as the
  // full replay had there (the recorded hash of that tick).
  ReplayOptions mid;
  mid.to_tick = 1234;
  mid.from_snapshot = true;
  auto part = replay_save(save_path, mid);
  CAF_REQUIRE(part.ok());
  CAF_CHECK(!part->divergence);
  CAF_CHECK_GREATER(part->start_tick, 0);
  CAF_CHECK_EQUAL(hash_to_hex(part->final_state.meta.state_hash),
                  test::query_text(save_path, "SELECT state_hash FROM ticks WHERE tick = 1234"));

  // --out: the replayed game as a new save, with the same hashes.
  ReplayOptions copy;
  copy.out_path = dir.file("replayed.db");
  auto written = replay_save(save_path, copy);
  CAF_REQUIRE(written.ok());
  CAF_CHECK(!written->divergence);
  CAF_CHECK_EQUAL(test::query_text(copy.out_path, "SELECT group_concat(state_hash) FROM ticks"),
                  test::query_text(save_path, "SELECT group_concat(state_hash) FROM ticks"));
  auto again = replay_save(copy.out_path, {});
  CAF_REQUIRE(again.ok());
  CAF_CHECK(!again->divergence);
}

CAF_TEST(tampering with the save is found at the right tick and named) {
  play_with_orders();
  const std::string copy = dir.file("tampered.db");
  copy_save(save_path, copy);
  // A history row in the middle of the game gets another owner.
  const int64_t tick = query_int(copy, "SELECT min(tick) FROM province_history WHERE tick > 700");
  const int64_t province = query_int(
      copy, "SELECT min(province_id) FROM province_history WHERE tick = " + std::to_string(tick));
  exec_sql(copy, "UPDATE province_history SET owner_id = owner_id % 12 + 1 WHERE tick = " +
                     std::to_string(tick) + " AND province_id = " + std::to_string(province));
  auto report = replay_save(copy, {});
  CAF_REQUIRE(report.ok());
  CAF_REQUIRE(report->divergence.has_value());
  CAF_CHECK_EQUAL(report->divergence->tick, tick);
  const std::string why = joined(report->divergence->differences);
  CAF_CHECK(contains(why, "province " + std::to_string(province) + " history row"));

  // An event that never happened, later on.
  const std::string copy2 = dir.file("tampered2.db");
  copy_save(save_path, copy2);
  exec_sql(copy2,
           "INSERT INTO event_log (tick, event_type, event_data) VALUES (1500, 'revolt', "
           "'{\"province\":1,\"nation\":1}')");
  auto second = replay_save(copy2, {});
  CAF_REQUIRE(second.ok());
  CAF_REQUIRE(second->divergence.has_value());
  CAF_CHECK_EQUAL(second->divergence->tick, 1500);
  CAF_CHECK(contains(joined(second->divergence->differences), "revolt"));

  // A value changed in the tables: only the last tick's world can show it.
  const std::string copy3 = dir.file("tampered3.db");
  copy_save(save_path, copy3);
  exec_sql(copy3, "UPDATE nations SET treasury = treasury + 7 WHERE id = 4");
  auto third = replay_save(copy3, {});
  CAF_REQUIRE(third.ok());
  CAF_REQUIRE(third->divergence.has_value());
  CAF_CHECK_EQUAL(third->divergence->tick, kTicks);
  CAF_CHECK(contains(joined(third->divergence->differences), "nation 4 treasury"));
}

CAF_TEST(a rolled back save continues exactly as the original did) {
  play_with_orders();
  const std::string original = dir.file("original.db");
  caf::anon_send_exit(game.root, caf::exit_reason::user_shutdown);
  run();
  copy_save(save_path, original);

  constexpr Tick kBack = 1000;
  auto rolled = rollback_save(save_path, kBack);
  CAF_REQUIRE(rolled.ok());
  CAF_CHECK_EQUAL(rolled->from_tick, kTicks);
  CAF_CHECK(std::filesystem::exists(rolled->backup_path));
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), kBack);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT max(tick) FROM ticks"), kBack);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM event_log WHERE tick > 1000"), 0);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM province_history WHERE tick > 1000"),
                  0);
  CAF_CHECK_EQUAL(test::query_text(save_path, "SELECT state_hash FROM game"),
                  test::query_text(original, "SELECT state_hash FROM ticks WHERE tick = 1000"));
  CAF_CHECK_EQUAL(test::query_text(save_path, "PRAGMA integrity_check"), "ok");

  // Continue from 1000 with the commands the original applied after it.
  auto reader = SaveReader::open(original);
  CAF_REQUIRE(reader.ok());
  auto later = (*reader)->commands_between(kBack + 1, kTicks);
  CAF_REQUIRE(later.ok());
  CAF_CHECK(!later->empty());
  GameOptions options;
  options.save_path = save_path;
  options.coordinator.speed = kMaxSpeed;
  options.coordinator.pending_commands = *later;
  options.run_ticks = kTicks - kBack;
  options.detached_persistence = false;
  auto resumed = start_game(sys, options);
  CAF_REQUIRE(resumed.ok());
  game = *resumed;
  run();
  const std::string all =
      "SELECT group_concat(state_hash, ' ') FROM (SELECT state_hash FROM ticks ORDER BY tick)";
  const std::string continued = test::query_text(save_path, all);
  const std::string recorded = test::query_text(original, all);
  const auto differ =
      std::mismatch(continued.begin(), continued.end(), recorded.begin(), recorded.end());
  const auto first_difference =
      (differ.first - continued.begin()) / 17;  // 16 hex digits and a space
  if (continued != recorded) {
    CAF_FAIL("the continued game differs from tick " << first_difference);
  }
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), kTicks);
}

CAF_TEST(the state at any tick comes from the nearest snapshot) {
  play_with_orders();
  auto at = state_at(save_path, 777);
  CAF_REQUIRE(at.ok());
  CAF_CHECK_EQUAL(at->meta.tick, 777);
  CAF_CHECK_EQUAL(hash_to_hex(full_state_hash(*at)),
                  test::query_text(save_path, "SELECT state_hash FROM ticks WHERE tick = 777"));
  // Province owners agree with province_history as of that tick.
  const int64_t owner = query_int(save_path,
                                  "SELECT owner_id FROM province_history WHERE province_id = 5"
                                  " AND tick <= 777 ORDER BY tick DESC LIMIT 1");
  CAF_CHECK_EQUAL(at->provinces[4].owner, owner);
  CAF_CHECK(!state_at(save_path, kTicks + 1).ok());
}

CAF_TEST(the replay state and rollback commands report in exit codes) {
  play_with_orders();
  caf::anon_send_exit(game.root, caf::exit_reason::user_shutdown);
  run();
  game.save_lock.reset();  // the game is over: the binary below may write the save
  const std::string bin = HEGEMON_BINARY;
  auto run_cmd = [&](const std::string& args) {
    const int status =
        std::system((bin + " " + args + " > " + dir.file("out.txt") + " 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  CAF_CHECK_EQUAL(run_cmd("replay " + save_path), 0);
  CAF_CHECK_EQUAL(run_cmd("replay " + save_path + " --to-tick 900 --from-snapshot --json"), 0);
  // On the server's own actors, committing every tick to a new save.
  const std::string on_actors = dir.file("on-actors.db");
  CAF_CHECK_EQUAL(run_cmd("replay " + save_path + " --actors --out " + on_actors), 0);
  CAF_CHECK_EQUAL(test::query_text(on_actors, "SELECT state_hash FROM game"),
                  test::query_text(save_path, "SELECT state_hash FROM game"));
  CAF_CHECK_EQUAL(run_cmd("state " + save_path + " --tick 500 --nation 2 --json"), 0);
  CAF_CHECK_EQUAL(run_cmd("state " + save_path + " --tick 99999"), 1);
  CAF_CHECK_EQUAL(run_cmd("state " + save_path), 2);
  CAF_CHECK_EQUAL(run_cmd("replay " + save_path + " --bogus"), 2);
  // Tampering after the snapshot of tick 1460, before 1600.
  const int64_t tampered =
      query_int(save_path, "SELECT min(tick) FROM province_history WHERE tick > 1460");
  CAF_REQUIRE_LESS(tampered, 1600);
  exec_sql(save_path, "UPDATE province_history SET development = development + 1 WHERE tick = " +
                          std::to_string(tampered));
  CAF_CHECK_EQUAL(run_cmd("replay " + save_path), 4);
  // Its history does not replay cleanly to 1600: refused, the save unchanged.
  CAF_CHECK_EQUAL(run_cmd("rollback " + save_path + " --to-tick 1600 --no-backup"), 1);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), kTicks);
  CAF_CHECK_EQUAL(run_cmd("rollback " + save_path + " --to-tick 1000 --no-backup"), 0);
  CAF_CHECK_EQUAL(run_cmd("replay " + save_path), 0);
}

CAF_TEST(an admin rolls a live game back and it replays the same future) {
  start(600);
  set_speed(kMaxSpeed);
  run();
  CAF_REQUIRE_EQUAL(status().committed_tick, 600);
  const std::string all =
      "SELECT group_concat(state_hash, ' ') FROM (SELECT state_hash FROM ticks ORDER BY tick)";
  const std::string before = test::query_text(save_path, all);

  {  // Not forward, not below zero.
    auto rh = self->request(game.root, caf::infinite, rollback_atom::value, Tick{601});
    run();
    bool refused = false;
    rh.receive([](Tick) {}, [&](caf::error&) { refused = true; });
    CAF_CHECK(refused);
  }
  const Tick back = request<Tick>(game.root, rollback_atom::value, Tick{300});
  CAF_CHECK_EQUAL(back, 300);
  const GameStatus paused = status();
  CAF_CHECK_EQUAL(paused.tick, 300);
  CAF_CHECK_EQUAL(paused.speed, kPausedSpeed);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), 300);
  CAF_CHECK_EQUAL(game.world->recompute_hash(), game.world->meta().state_hash);
  CAF_CHECK_EQUAL(
      query_int(save_path, "SELECT count(*) FROM audit_log WHERE event_type = 'rolled_back'"), 1);

  set_speed(kMaxSpeed);  // resume: the same 300 ticks again
  run();
  CAF_CHECK_EQUAL(status().committed_tick, 600);
  CAF_CHECK_EQUAL(test::query_text(save_path, all), before);
  auto report = replay_save(save_path, {});
  CAF_REQUIRE(report.ok());
  CAF_CHECK(!report->divergence);
}

CAF_TEST(after a rollback a nation with a player token is still its players) {
  start(20);
  const std::string hash(64, 'a');
  request<int64_t>(game.root, token_atom::value, std::string("player"), NationId{3}, hash);
  set_speed(kMaxSpeed);
  run();
  CAF_REQUIRE(game.world->nation(3)->player);  // set_player applied at tick 1
  CAF_REQUIRE_EQUAL(request<Tick>(game.root, rollback_atom::value, Tick{0}), 0);
  CAF_CHECK(!game.world->nation(3)->player);  // tick 0 was before the command
  set_speed(kMaxSpeed);
  run();
  CAF_CHECK(game.world->nation(3)->player);  // handed back to its player
  CAF_CHECK_EQUAL(status().committed_tick, 20);
}

CAF_TEST(a player token whose hand - over never committed is honoured at the next start) {
  // A server killed after storing a player token and before the tick of its
  // set_player command (found by tests/reliability/crash_loop.py): the save
  // holds the token, and the nation is still the AI's.
  start(0);
  const std::string hash(64, 'b');
  request<int64_t>(game.root, token_atom::value, std::string("player"), NationId{3}, hash);
  CAF_REQUIRE(!game.world->nation(3)->player);  // paused: its tick never comes
  caf::anon_send_exit(game.root, caf::exit_reason::user_shutdown);
  run();
  CAF_REQUIRE_EQUAL(query_int(save_path, "SELECT player FROM nations WHERE id = 3"), 0);
  start(20);  // the next server on the save
  set_speed(kMaxSpeed);
  run();
  CAF_CHECK_EQUAL(status().committed_tick, 20);
  CAF_CHECK(game.world->nation(3)->player);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT player FROM nations WHERE id = 3"), 1);
  CAF_CHECK_EQUAL(query_int(save_path,
                            "SELECT count(*) FROM event_log WHERE event_type = 'command'"
                            " AND json_extract(event_data, '$.kind') = 'set_player'"),
                  1);
}

CAF_TEST(a rollback that cannot start leaves the game able to go on) {
  start(8);
  exec_sql(save_path,
           "CREATE TRIGGER fail_tick BEFORE INSERT ON ticks WHEN NEW.tick = 5 "
           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  set_speed(kMaxSpeed);
  run();
  CAF_REQUIRE_EQUAL(status().committed_tick, 4);  // paused: tick 5 cannot commit
  // Uncommitted ticks: the coordinator cannot stop cleanly, so no rollback.
  auto first = self->request(game.root, caf::infinite, rollback_atom::value, Tick{2});
  auto second = self->request(game.root, caf::infinite, rollback_atom::value, Tick{3});
  run();
  std::string why_first, why_second;
  first.receive([](Tick) {}, [&](caf::error& err) { why_first = describe(err); });
  second.receive([](Tick) {}, [&](caf::error& err) { why_second = describe(err); });
  CAF_CHECK(contains(why_first, "not committed"));
  CAF_CHECK(contains(why_second, "under way"));  // one rollback at a time
  exec_sql(save_path, "DROP TRIGGER fail_tick;");
  self->send(game.root, resume_atom::value);
  run();
  const GameStatus s = status();
  CAF_CHECK_EQUAL(s.committed_tick, 8);
  CAF_CHECK(s.last_error.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(snapshots round trip and corruption is refused) {
  WorldSnapshot world = generate_world(test::small_world(3));
  world.armies.push_back(Army{world.meta.next_army_id++, 1, 1, 1500, 80, 2, {2, 3}});
  world.wars.push_back(War{world.meta.next_war_id++, 1, 2, 0, -1, 12, 4, 1, kNoNation, 0});
  const std::string blob = encode_snapshot(world);
  WorldSnapshot back;
  CAF_REQUIRE(decode_snapshot(blob, *world.map, back).ok());
  back.map = world.map;
  CAF_CHECK(back.provinces == world.provinces);
  CAF_CHECK(back.nations == world.nations);
  CAF_CHECK(back.armies == world.armies);
  CAF_CHECK(back.wars == world.wars);
  CAF_CHECK_EQUAL(full_state_hash(back), full_state_hash(world));

  std::string flipped = blob;
  flipped[flipped.size() / 2] ^= 0x5a;
  WorldSnapshot junk;
  CAF_CHECK(!decode_snapshot(flipped, *world.map, junk).ok());
  CAF_CHECK(!decode_snapshot(blob.substr(0, blob.size() - 3), *world.map, junk).ok());
  CAF_CHECK(!decode_snapshot("HGS1", *world.map, junk).ok());
  // A header claiming 2^60 bytes is refused before anything is allocated.
  CAF_CHECK(!decode_snapshot(std::string("HGS1\0\0\0\0\0\0\0\x10xxxx", 16), *world.map, junk).ok());
  const WorldSnapshot other = generate_world(WorldParams{3, 150, 10});
  CAF_CHECK(!decode_snapshot(blob, *other.map, junk).ok());
}
