#include "apps/replay_command.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/actor_replay.h"
#include "apps/cli.h"
#include "apps/logging.h"
#include "net/json_views.h"
#include "persistence/sha256.h"
#include "state/hash_hex.h"
#include "state/game_date.h"
#include "tools/replay.h"
#include "tools/rollback.h"

namespace hegemon {
namespace {

const char* const kReplayUsage =
    "Usage: hegemon replay SAVE [--to-tick N] [--from-snapshot] [--out NEW_SAVE] [--actors]\n"
    "                      [--json]\n"
    "\n"
    "Re-simulates a saved game with the commands it recorded, without touching the save,\n"
    "and checks every tick against it: its state hash, its province_history rows and its\n"
    "events. Reports success, or the first tick that differs and what differs there.\n"
    "Exit codes: 0 every tick matches, 4 the replay diverges, 3 nothing was checked (no tick\n"
    "to re-simulate: a save at tick 0, or --to-tick 0), 1 the save cannot be read,\n"
    "2 bad usage.";

const char* const kStateUsage =
    "Usage: hegemon state SAVE --tick N [--province ID | --nation ID | --army ID | --war ID]\n"
    "                     [--json]\n"
    "\n"
    "Prints the world of a save as it was after tick N (or one entity of it), rebuilt from\n"
    "the nearest stored snapshot and verified against the save on the way.\n"
    "Exit codes: 0 ok, 1 the save cannot be read or does not replay cleanly to N, 2 bad usage.";

const char* const kRollbackUsage =
    "Usage: hegemon rollback SAVE --to-tick N [--no-backup]\n"
    "\n"
    "Restores a save to exactly its state after tick N: the tables, history, snapshots and\n"
    "event_log after N are removed, so a server started on it continues from N. The state at\n"
    "N is rebuilt by replay and checked against the hash the save recorded for N. A copy of\n"
    "the save before the rollback is kept as SAVE.before-rollback-<last tick>.db unless\n"
    "--no-backup is given. Stop the server on the save first (a live game rolls back with\n"
    "the admin request instead).\n"
    "Exit codes: 0 ok, 1 failed (the save is unchanged), 2 bad usage.";

// A progress bar on stderr, only when it is a terminal, redrawn per percent.
class ProgressBar {
 public:
  ProgressBar() : on_(isatty(STDERR_FILENO) == 1) {}
  void operator()(Tick done, Tick last) {
    if (!on_) return;
    const int pct = last > 0 ? static_cast<int>(100 * done / last) : 100;
    if (pct == shown_) return;
    shown_ = pct;
    const int filled = pct * 40 / 100;
    std::fprintf(stderr, "\r[%s%s] %3d%%  tick %lld/%lld", std::string(filled, '#').c_str(),
                 std::string(40 - filled, '.').c_str(), pct, static_cast<long long>(done),
                 static_cast<long long>(last));
    std::fflush(stderr);
  }
  ~ProgressBar() {
    if (on_ && shown_ >= 0) std::fprintf(stderr, "\n");
  }

 private:
  bool on_;
  int shown_ = -1;
};

nlohmann::json summary_json(const WorldSnapshot& s) {
  int living = 0;
  for (const Nation& n : s.nations) living += n.alive;
  nlohmann::json wars = nlohmann::json::array();
  for (const War& w : s.wars)
    wars.push_back({{"id", w.id},
                    {"attacker_id", w.attacker},
                    {"defender_id", w.defender},
                    {"start_tick", w.start_tick},
                    {"war_score", w.war_score}});
  return {{"tick", s.meta.tick},
          {"date", date_of_tick(s.meta.tick).to_string()},
          {"state_hash", hash_to_hex(s.meta.state_hash)},
          {"living_nations", living},
          {"armies", s.armies.size()},
          {"active_wars", wars}};
}

// Names come from the save: bytes that are not UTF-8 are replaced rather than
// thrown at, and all beyond ASCII is written \uXXXX, so no control character
// reaches the terminal (as `hegemon inspect --json`).
std::string dumped(const nlohmann::json& j) {
  return j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

void print(const nlohmann::json& j, bool as_json) {
  if (as_json || !j.is_object()) {
    std::cout << dumped(j) << "\n";
    return;
  }
  for (const auto& [key, value] : j.items()) std::cout << key << ": " << dumped(value) << "\n";
}

}  // namespace

int run_replay(const std::vector<std::string>& args) {
  std::string save;
  int64_t to_tick = 0;
  bool from_snapshot = false, as_json = false, on_actors = false;
  ReplayOptions options;
  auto app = cli::make_app("replay", kReplayUsage);
  app->add_option("SAVE", save, "the save file")->required();
  auto* to_opt =
      app->add_option("--to-tick", to_tick,
                      "stop after tick N and print the state there (default: the last tick)")
          ->check(cli::whole_number(0, INT64_MAX / 2));
  app->add_flag("--from-snapshot", from_snapshot,
                "start from the latest stored snapshot before the end, not tick 0 (the end tick "
                "itself is always re-simulated)");
  app->add_option("--out", options.out_path, "write the replayed game to a new save");
  app->add_flag("--actors", on_actors,
                "run the replay on the server's own actors (coordinator, nation and war actors, "
                "persistence) rather than the sequential tick driver, committing every tick, then "
                "compare the saves tick by tick");
  app->add_flag("--json", as_json, "print the report as JSON");
  if (auto code = cli::parse(*app, args)) return *code;
  options.to_tick = to_opt->count() ? to_tick : -1;
  options.from_snapshot = from_snapshot;
  (void)init_logging("warn", "");  // the game --actors runs reports only trouble
  Result<ReplayReport> report = Status();
  {
    ProgressBar bar;
    if (!as_json) options.progress = [&bar](Tick done, Tick last) { bar(done, last); };
    report = on_actors ? replay_on_actors(save, options) : replay_save(save, options);
  }
  if (!report) {
    std::cerr << "hegemon replay: " << report.status().message() << "\n";
    return 1;
  }
  const ReplayReport& r = *report;
  const Tick ticks = r.ticks_replayed();
  // No tick re-simulated is not "ok": a script must not take it for a check.
  const bool nothing_checked = ticks == 0 && !r.divergence;
  const double rate = r.seconds > 0 ? static_cast<double>(ticks) / r.seconds : 0;
  nlohmann::json out{{"save", save},
                     {"start_tick", r.start_tick},
                     {"end_tick", r.end_tick},
                     {"seconds", r.seconds},
                     {"ticks_per_second", rate},
                     {"ticks_replayed", ticks},
                     {"ok", !r.divergence && !nothing_checked},
                     {"mods", r.mod_sha256},
                     {"content", content_checksum_hex(r.mod_sha256)}};
  if (r.divergence) {
    out["divergence"] = {{"tick", r.divergence->tick},
                         {"date", date_of_tick(r.divergence->tick).to_string()},
                         {"differences", r.divergence->differences}};
  }
  if (options.to_tick >= 0 && !r.divergence) out["state"] = summary_json(r.final_state);
  if (as_json) {
    std::cout << dumped(out) << "\n";
  } else if (r.divergence) {
    std::cout << fmt::format("DIVERGED at tick {} ({}), replaying {} from tick {}:\n",
                             r.divergence->tick, date_of_tick(r.divergence->tick).to_string(), save,
                             r.start_tick);
    for (const auto& line : r.divergence->differences) std::cout << "  " << line << "\n";
  } else if (nothing_checked) {
    std::cout << fmt::format(
        "nothing checked: replaying {} from tick {} to tick {} re-simulates no tick (only the "
        "world at tick {} was checked: it hashes to what the save recorded)\n",
        save, r.start_tick, r.end_tick, r.start_tick);
  } else {
    std::cout << fmt::format(
        "ok: ticks {}..{} of {} replay exactly (hash, history and events of every tick); "
        "{} ticks in {:.2f} s ({:.0f} ticks/s)\n",
        r.start_tick + 1, r.end_tick, save, ticks, r.seconds, rate);
    if (!r.mod_sha256.empty()) {
      std::cout << fmt::format("with the {} mod(s) embedded in the save, content {}\n",
                               r.mod_sha256.size(), content_checksum_hex(r.mod_sha256));
    }
    if (options.to_tick >= 0) print(summary_json(r.final_state), false);
    if (!options.out_path.empty()) std::cout << "written to " << options.out_path << "\n";
  }
  return r.divergence ? 4 : nothing_checked ? 3 : 0;
}

int run_state(const std::vector<std::string>& args) {
  std::string save;
  int64_t tick = 0;
  bool as_json = false;
  // --province, --nation, --army, --war: at most one, by id.
  const char* const kinds[] = {"province", "nation", "army", "war"};
  int64_t ids[4] = {0, 0, 0, 0};
  CLI::Option* id_opts[4] = {};
  auto app = cli::make_app("state", kStateUsage);
  app->add_option("SAVE", save, "the save file")->required();
  app->add_option("--tick", tick, "the tick after which to show the world")
      ->required()
      ->check(cli::whole_number(0, INT64_MAX / 2));
  for (int i = 0; i < 4; ++i)
    id_opts[i] =
        app->add_option(std::string("--") + kinds[i], ids[i], std::string("only this ") + kinds[i])
            ->check(cli::whole_number(0, INT32_MAX));
  app->add_flag("--json", as_json, "print as JSON");
  if (auto code = cli::parse(*app, args)) return *code;
  int chosen = 0;
  for (auto* opt : id_opts) chosen += opt->count() > 0;
  if (chosen > 1)
    return cli::usage_error(*app, "name at most one of --province, --nation, --army, --war");
  auto state = state_at(save, tick);
  if (!state) {
    std::cerr << "hegemon state: " << state.status().message() << "\n";
    return 1;
  }
  const World world(*state);
  nlohmann::json out = summary_json(*state);
  for (int i = 0; i < 4; ++i) {
    if (id_opts[i]->count() == 0) continue;
    const auto v = static_cast<int32_t>(ids[i]);
    const std::string kind = kinds[i];
    out = kind == "province" ? net::province_json(world, v)
          : kind == "nation" ? net::nation_json(world, v)
          : kind == "army"   ? net::army_json(world, v)
                             : net::war_json(world, v);
    if (out.is_null()) {
      std::cerr << "hegemon state: no " << kind << " " << v << " at tick " << tick << "\n";
      return 1;
    }
  }
  print(out, as_json);
  return 0;
}

int run_rollback(const std::vector<std::string>& args) {
  std::string save;
  int64_t to_tick = 0;
  bool no_backup = false;
  auto app = cli::make_app("rollback", kRollbackUsage);
  app->add_option("SAVE", save, "the save file")->required();
  app->add_option("--to-tick", to_tick, "the tick to go back to")
      ->required()
      ->check(cli::whole_number(0, INT64_MAX / 2));
  app->add_flag("--no-backup", no_backup, "keep no copy of the save as it was");
  if (auto code = cli::parse(*app, args)) return *code;
  auto report = rollback_save(save, to_tick, !no_backup);
  if (!report) {
    std::cerr << "hegemon rollback: " << report.status().message() << "\n";
    return 1;
  }
  std::cout << fmt::format("rolled {} back from tick {} to tick {} ({})\n", save, report->from_tick,
                           report->to_tick, date_of_tick(report->to_tick).to_string());
  if (!report->backup_path.empty())
    std::cout << "the save as it was: " << report->backup_path << "\n";
  return 0;
}

}  // namespace hegemon
