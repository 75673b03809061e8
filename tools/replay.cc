#include "tools/replay.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "state/hash_hex.h"
#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "rules/events.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/state_hash.h"
#include "tools/world_diff.h"

namespace hegemon {
namespace {

// Ticks whose records are read from the save in one go.
constexpr Tick kChunk = 512;

// Unknown event types named per tick in a report.
constexpr int64_t kUnknownShown = 3;

// A type name from the save as it may be shown on a terminal: at most 64
// characters, anything but printable ASCII as '?'.
std::string printable(const std::string& text) {
  std::string out = text.substr(0, 64);
  for (char& c : out)
    if (c < 0x20 || c > 0x7e) c = '?';
  return out;
}

// What the save recorded for a range of ticks, grouped by tick.
struct Recorded {
  std::map<Tick, uint64_t> hashes;
  std::map<Tick, std::vector<Command>> commands;
  std::map<Tick, std::vector<ProvinceHistoryRow>> history;
  std::map<Tick, std::vector<Event>> events;  // game events only
  // Rows the game did not write: neither a game event nor an incident
  // (rules/events.h). Only the first few per tick are kept, for the report.
  std::map<Tick, std::vector<std::string>> unknown;
  std::map<Tick, int64_t> unknown_count;

  static Result<Recorded> read(SaveReader& save, Tick from, Tick to) {
    Recorded r;
    auto hashes = save.tick_hashes(from, to);
    if (!hashes) return hashes.status();
    for (const auto& [tick, hash] : *hashes) r.hashes[tick] = hash;
    auto commands = save.commands_between(from, to);
    if (!commands) return commands.status();
    for (Command& c : *commands) r.commands[c.tick].push_back(std::move(c));
    auto history = save.history_between(from, to);
    if (!history) return history.status();
    for (const auto& h : *history) r.history[h.tick].push_back(h);
    auto events = save.events_between(from, to);
    if (!events) return events.status();
    for (Event& e : *events) {
      if (events::is_game_event(e.type)) {
        r.events[e.tick].push_back(std::move(e));
      } else if (!events::is_incident(e.type)) {
        if (++r.unknown_count[e.tick] <= kUnknownShown)
          r.unknown[e.tick].push_back(printable(e.type));
      }
    }
    return r;
  }

  template <class T>
  static const std::vector<T>& at(const std::map<Tick, std::vector<T>>& m, Tick t) {
    static const std::vector<T> kNone;
    auto it = m.find(t);
    return it == m.end() ? kNone : it->second;
  }
};

// Where a replay starts: tick 0; the latest snapshot before its end tick
// (`--from-snapshot`: the end tick itself is always re-simulated, also when
// a snapshot was taken there); or at or before it (state_at: the snapshot of
// the tick asked for is the answer, nothing to re-run).
enum class Start { tick0, before_end, at_or_before_end };

Start start_of(bool from_snapshot) { return from_snapshot ? Start::before_end : Start::tick0; }

// The world to start from and the tick it is at.
Result<WorldSnapshot> starting_world(SaveReader& save, const WorldSnapshot& last, Tick end,
                                     Start from) {
  Tick bound = from == Start::tick0        ? 0
               : from == Start::before_end ? std::max<Tick>(end - 1, 0)
                                           : end;
  // A scenario's world may start after tick 0 (rules/scenario.h): its game
  // starts at its first snapshot, the one create_world wrote.
  if (from == Start::tick0) {
    auto ticks = save.snapshot_ticks();
    if (!ticks) return ticks.status();
    if (!ticks->empty() && ticks->front() > 0) bound = ticks->front();
  }
  auto snap = save.snapshot_at_or_before(bound, last.map);
  if (!snap) return snap.status();
  if (*snap) return std::move(**snap);
  // A save written before snapshots existed: regenerate tick 0 from its
  // parameters and balance (world generation is deterministic), on the
  // save's own map.
  WorldSnapshot start = generate_world(last.map->params(), last.map->tuning());
  start.map = last.map;
  start.meta.state_hash = full_state_hash(start);
  return start;
}

// How many event_log rows are neither a game event nor an incident.
Result<int64_t> foreign_events(SaveReader& save) {
  auto total = save.count_events();
  if (!total) return total.status();
  int64_t known = 0;
  auto count = [&](const char* type) -> Status {
    auto n = save.count_events(type);
    if (!n) return n.status();
    known += *n;
    return Status();
  };
  for (const char* type : events::kGameEvents)
    if (Status ok = count(type); !ok.ok()) return ok;
  for (const char* type : events::kIncidents)
    if (Status ok = count(type); !ok.ok()) return ok;
  return *total - known;
}

void append(std::vector<std::string>& to, std::vector<std::string> lines,
            const std::string& prefix = "") {
  for (auto& l : lines) to.push_back(prefix + l);
}

// What differs between the records of one tick: the hash line, history rows
// and events; empty if they agree.
std::vector<std::string> tick_differences(Tick t, const Recorded& recorded, uint64_t replayed_hash,
                                          const std::vector<ProvinceHistoryRow>& replayed_history,
                                          const std::vector<Event>& replayed_events) {
  std::vector<std::string> why;
  auto hash = recorded.hashes.find(t);
  if (hash == recorded.hashes.end() || hash->second != replayed_hash)
    why.push_back(
        "state hash: recorded " +
        (hash == recorded.hashes.end() ? std::string("nothing") : hash_to_hex(hash->second)) +
        ", replayed " + hash_to_hex(replayed_hash));
  append(why, diff_history(Recorded::at(recorded.history, t), replayed_history));
  append(why, diff_events(Recorded::at(recorded.events, t), replayed_events));
  // A replay reproduces every row the game writes; one of a type it never
  // writes was put there by something else.
  if (auto n = recorded.unknown_count.find(t); n != recorded.unknown_count.end()) {
    std::string types;
    for (const std::string& type : Recorded::at(recorded.unknown, t))
      types += (types.empty() ? "'" : ", '") + type + "'";
    why.push_back("event_log holds " + std::to_string(n->second) +
                  " event(s) of a type the game does not write: " + types +
                  (n->second > kUnknownShown ? ", ..." : ""));
  }
  return why;
}

Result<ReplayReport> replay_from(const std::string& path, const ReplayOptions& options,
                                 Start from) {
  const auto began = std::chrono::steady_clock::now();
  auto opened = SaveReader::open(path);
  if (!opened) return opened.status();
  SaveReader& save = **opened;
  // The tables are compared with the replay below, not trusted up front.
  auto last = save.load_world(/*verify_hash=*/false);
  if (!last) return last.status();
  const Tick last_tick = last->meta.tick;
  const Tick end = options.to_tick < 0 ? last_tick : options.to_tick;
  if (end > last_tick)
    return Status::error(path + " ends at tick " + std::to_string(last_tick) +
                         "; cannot replay to " + std::to_string(end));

  auto start = starting_world(save, *last, end, from);
  if (!start) return start.status();
  // The mods it was made with: their values are already the save's map and
  // tuning; a mod whose bytes no longer hash to the sha256 recorded with it
  // means the save was altered, and the replay stops here.
  auto mods = save.embedded_mods();
  if (!mods) return mods.status();
  ReplayReport report;
  for (const ModFileContent& m : *mods) report.mod_sha256.push_back(m.sha256_hex);
  report.start_tick = start->meta.tick;
  report.end_tick = report.start_tick;

  std::unique_ptr<SaveFile> out;
  if (!options.out_path.empty()) {
    if (std::filesystem::exists(options.out_path))
      return Status::error(options.out_path + " exists; replay writes only to a new save");
    auto created = SaveFile::open(options.out_path, SaveOptions{});
    if (!created) return created.status();
    out = std::move(*created);
    if (Status ok = out->create_world(*start, *mods); !ok.ok()) return ok;
  }

  World world(*start);
  // The start itself must be what the save recorded.
  auto first = save.tick_hashes(report.start_tick, report.start_tick);
  if (!first) return first.status();
  if (first->empty() || first->front().second != start->meta.state_hash) {
    Divergence d{report.start_tick,
                 {"the starting world (tick " + std::to_string(report.start_tick) + ") hashes to " +
                  hash_to_hex(start->meta.state_hash) + ", the save recorded " +
                  (first->empty() ? std::string("nothing") : hash_to_hex(first->front().second))}};
    report.divergence = std::move(d);
  }

  for (Tick from = report.start_tick + 1; from <= end && !report.divergence; from += kChunk) {
    const Tick to = std::min(end, from + kChunk - 1);
    auto recorded = Recorded::read(save, from, to);
    if (!recorded) return recorded.status();
    for (Tick t = from; t <= to; ++t) {
      ChangeSet cs = run_tick_sequential(world, Recorded::at(recorded->commands, t));
      report.end_tick = t;
      std::vector<Event> game_events;
      for (const Event& e : cs.events)
        if (events::is_game_event(e.type)) game_events.push_back(e);
      std::vector<std::string> why =
          tick_differences(t, *recorded, cs.meta.state_hash, cs.history, game_events);
      if (!why.empty()) {
        report.divergence = Divergence{t, std::move(why)};
        break;
      }
      if (out) {
        if (snapshot_due(t, options.snapshot_every))
          cs.snapshot = std::make_shared<const WorldSnapshot>(world.snapshot());
        auto committed = out->commit(cs);
        if (!committed) return committed.status();
      }
      if (options.progress) options.progress(t, end);
    }
  }

  // Rows of a type the game never writes outside the ticks compared above
  // (at the starting tick, past the end): counted with the type index, so
  // ten million of them cost no memory.
  if (!report.divergence) {
    auto foreign = foreign_events(save);
    if (!foreign) return foreign.status();
    if (*foreign > 0)
      report.divergence = Divergence{report.start_tick,
                                     {"event_log holds " + std::to_string(*foreign) +
                                      " event(s) of a type the game does not write"}};
  }

  // Every tick matched up to the last: the tables must hold that world too
  // (a row changed by hand shows here and nowhere else).
  if (!report.divergence && report.end_tick == last_tick &&
      full_state_hash(*last) != last->meta.state_hash) {
    // Not the hash they have: that is what a hand-edited save would need.
    Divergence d{last_tick,
                 {"the save's tables do not hold the world its last tick recorded "
                  "(hash " +
                  hash_to_hex(last->meta.state_hash) +
                  "); they differ from "
                  "the replay in:"}};
    append(d.differences, diff_worlds(*last, world.snapshot()), "  ");
    report.divergence = std::move(d);
  }

  // Only the hash disagreed: compare whole worlds where the save has one.
  if (report.divergence && report.divergence->differences.size() == 1 &&
      report.divergence->differences.front().rfind("state hash", 0) == 0) {
    const Tick t = report.divergence->tick;
    auto& lines = report.divergence->differences;
    auto snap = save.snapshot_at_or_before(t, last->map);
    if (t == last_tick) {
      append(lines, diff_worlds(*last, world.snapshot()));
    } else if (snap && *snap && (*snap)->meta.tick == t) {
      append(lines, diff_worlds(**snap, world.snapshot()));
    } else {
      // Run on to the next snapshot (or the last tick) and compare there.
      auto ticks = save.snapshot_ticks();
      Tick next = last_tick;
      if (ticks)
        for (Tick s : *ticks)
          if (s > t) {
            next = s;
            break;
          }
      auto rest = save.commands_between(t + 1, next);
      std::map<Tick, std::vector<Command>> by_tick;
      if (rest)
        for (Command& c : *rest) by_tick[c.tick].push_back(std::move(c));
      for (Tick u = t + 1; u <= next; ++u) run_tick_sequential(world, Recorded::at(by_tick, u));
      WorldSnapshot recorded_then = *last;
      if (next != last_tick) {
        auto at_next = save.snapshot_at_or_before(next, last->map);
        if (at_next && *at_next) recorded_then = std::move(**at_next);
      }
      std::vector<std::string> then = diff_worlds(recorded_then, world.snapshot());
      if (then.empty()) {
        lines.push_back("the world at tick " + std::to_string(next) +
                        " (the next the save keeps whole) matches the replay: the hash recorded"
                        " for tick " +
                        std::to_string(t) + " itself looks wrong");
      } else {
        lines.push_back("the save keeps no whole world at tick " + std::to_string(t) +
                        "; at tick " + std::to_string(next) + " (the next it keeps) these differ:");
        append(lines, std::move(then), "  ");
      }
    }
  }

  report.final_state = world.snapshot();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return report;
}

}  // namespace

Result<ReplayReport> replay_save(const std::string& path, const ReplayOptions& options) {
  return replay_from(path, options, start_of(options.from_snapshot));
}

Result<ReplayPlan> plan_replay(const std::string& path, Tick to_tick, bool from_snapshot) {
  auto opened = SaveReader::open(path);
  if (!opened) return opened.status();
  SaveReader& save = **opened;
  auto last = save.load_world(/*verify_hash=*/false);
  if (!last) return last.status();
  ReplayPlan plan;
  plan.end = to_tick < 0 ? last->meta.tick : to_tick;
  if (plan.end > last->meta.tick)
    return Status::error(path + " ends at tick " + std::to_string(last->meta.tick));
  auto start = starting_world(save, *last, plan.end, start_of(from_snapshot));
  if (!start) return start.status();
  plan.start = std::move(*start);
  const Tick from = plan.start.meta.tick;
  auto recorded = save.tick_hashes(from, from);
  if (!recorded) return recorded.status();
  if (recorded->empty() || recorded->front().second != plan.start.meta.state_hash)
    return Status::error(path + ": the starting world of tick " + std::to_string(from) +
                         " does not match the hash the save recorded for it");
  auto commands = save.commands_between(from + 1, plan.end);
  if (!commands) return commands.status();
  plan.commands = std::move(*commands);
  auto mods = save.embedded_mods();
  if (!mods) return mods.status();
  plan.mods = std::move(*mods);
  return plan;
}

Result<std::optional<Divergence>> compare_saves(const std::string& recorded_path,
                                                const std::string& replayed_path, Tick from,
                                                Tick to) {
  auto a = SaveReader::open(recorded_path);
  if (!a) return a.status();
  auto b = SaveReader::open(replayed_path);
  if (!b) return b.status();
  for (Tick chunk = from; chunk <= to; chunk += kChunk) {
    const Tick until = std::min(to, chunk + kChunk - 1);
    auto recorded = Recorded::read(**a, chunk, until);
    if (!recorded) return recorded.status();
    auto replayed = Recorded::read(**b, chunk, until);
    if (!replayed) return replayed.status();
    for (Tick t = chunk; t <= until; ++t) {
      auto hash = replayed->hashes.find(t);
      std::vector<std::string> why =
          tick_differences(t, *recorded, hash == replayed->hashes.end() ? 0 : hash->second,
                           Recorded::at(replayed->history, t), Recorded::at(replayed->events, t));
      if (!why.empty()) return std::optional<Divergence>(Divergence{t, std::move(why)});
    }
  }
  return std::optional<Divergence>();
}

Result<WorldSnapshot> state_at(const std::string& path, Tick tick) {
  ReplayOptions options;
  options.to_tick = tick;
  auto report = replay_from(path, options, Start::at_or_before_end);
  if (!report) return report.status();
  if (report->divergence) {
    std::string why =
        path + " diverges from its own history at tick " + std::to_string(report->divergence->tick);
    if (!report->divergence->differences.empty())
      why += ": " + report->divergence->differences.front();
    return Status::error(why);
  }
  return std::move(report->final_state);
}

}  // namespace hegemon
