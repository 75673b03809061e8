// docs/queries.sql against a real save: every named query in the file is run
// on a save of 1000 simulated ticks (with a few player commands) and its
// answer compared with a record kept on the side from the in-memory World and
// the change sets the rules returned, never from the save itself. A query in
// the file without a check here (or a check for a query that is gone) fails.
#define CAF_SUITE queries
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_builders.h"
#include "persistence/readonly_query.h"
#include "persistence/save_file.h"
#include "rules/events.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/command_json.h"
#include "state/game_date.h"
#include "state/world.h"
#include "test_support.h"

using namespace hegemon;

namespace {

// ---- the queries file ---------------------------------------------------------

const std::string kQueriesPath = std::string(HEGEMON_SOURCE_DIR) + "/docs/queries.sql";

struct NamedQuery {
  std::string name;
  std::string sql;  // from the line after `-- name:` up to the next one
};

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Splits the file at its `-- name: X` lines. Returns an error message (and no
// queries) if the file is missing or malformed.
std::pair<std::vector<NamedQuery>, std::string> read_queries() {
  std::ifstream in(kQueriesPath);
  if (!in) return {{}, "cannot read " + kQueriesPath};
  const std::string marker = "-- name:";
  std::vector<NamedQuery> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, marker.size(), marker) == 0) {
      out.push_back(NamedQuery{trim(line.substr(marker.size())), ""});
    } else if (!out.empty()) {
      out.back().sql += line + "\n";
    }
  }
  std::set<std::string> seen;
  for (NamedQuery& q : out) {
    q.sql = trim(q.sql);
    if (q.name.empty() || !std::all_of(q.name.begin(), q.name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        }))
      return {{}, "bad query name `" + q.name + "`"};
    if (!seen.insert(q.name).second) return {{}, "query name used twice: " + q.name};
    if (q.sql.empty() || q.sql.back() != ';')
      return {{}, "query " + q.name + " does not end with ';' (before the next `-- name:`)"};
  }
  if (out.empty()) return {{}, "no `-- name:` lines in " + kQueriesPath};
  return {out, ""};
}

// ---- running a query ------------------------------------------------------------

struct Param {
  std::string name;  // ":tick"
  bool is_text;
  int64_t number;
  std::string text;
};
Param p(std::string name, int64_t v) { return Param{std::move(name), false, v, ""}; }
Param p(std::string name, std::string v) { return Param{std::move(name), true, 0, std::move(v)}; }

using Row = std::vector<std::string>;  // every cell as text; NULL is "NULL"
using Rows = std::vector<Row>;

std::string cell(int64_t v) { return std::to_string(v); }
std::string nation_cell(NationId n) { return n == kNoNation ? "NULL" : std::to_string(n); }

std::string show(const Row& r) {
  std::string s;
  for (size_t i = 0; i < r.size(); ++i) s += (i ? "|" : "") + r[i];
  return s;
}

// A read-only connection to the save (WAL: it may be open while the save is
// written) that runs the file's queries by name, binding named parameters.
// It remembers how often each query ran, so that a check that forgets to run
// its query is caught.
class QueryRunner {
 public:
  QueryRunner(const std::string& path, std::vector<NamedQuery> queries)
      : queries_(std::move(queries)), path_(path) {
    auto db = test::RawDatabase::open(path, test::RawMode::read_only);
    if (db.ok()) {
      db_.emplace(std::move(*db));
    } else {
      error_ = "cannot open " + path;
    }
  }
  QueryRunner(const QueryRunner&) = delete;
  QueryRunner& operator=(const QueryRunner&) = delete;

  const std::vector<NamedQuery>& queries() const { return queries_; }
  int runs(const std::string& name) const {
    auto it = runs_.find(name);
    return it == runs_.end() ? 0 : it->second;
  }

  // The rows of SQL that is not in the file (to show what a wrong query gives).
  Rows run_unlisted(const std::string& sql) { return execute("(unlisted)", sql, {}); }

  // The rows of query `name` with `params` bound. Every parameter the query
  // names must be given and every one given must be used; anything wrong
  // fails the test with SQLite's message.
  Rows run(const std::string& name, const std::vector<Param>& params) {
    if (!error_.empty()) CAF_FAIL(error_);
    const NamedQuery* q = nullptr;
    for (const NamedQuery& candidate : queries_)
      if (candidate.name == name) q = &candidate;
    if (q == nullptr) CAF_FAIL("docs/queries.sql has no query named " << name);
    Rows rows = execute(name, q->sql, params);
    ++runs_[name];
    return rows;
  }

 private:
  // Every way the SQL can be wrong (it does not compile, holds two
  // statements, takes other parameters than those given, fails) fails the
  // test with SQLite's message (test::RawDatabase::query).
  Rows execute(const std::string& name, const std::string& sql, const std::vector<Param>& params) {
    if (!db_) CAF_FAIL(error_);
    std::vector<test::RawParam> raw;
    for (const Param& param : params) {
      raw.push_back(param.is_text ? test::RawParam{param.name, param.text}
                                  : test::RawParam{param.name, param.number});
    }
    auto result = db_->query(sql, raw);
    if (!result.ok()) CAF_FAIL("query " << name << " " << result.status().message());
    Rows rows;
    for (const test::RawRow& raw_row : *result) {
      Row row;
      for (const test::RawCell& c : raw_row) row.push_back(c ? *c : std::string("NULL"));
      rows.push_back(std::move(row));
    }
    same_as_remote(name, sql, params, rows);
    return rows;
  }

  // The same query as an operator asks it over the network (`hegemon client
  // sql`, persistence/readonly_query.h) must run unchanged and give the same
  // rows: the file's promise that its queries work there too.
  void same_as_remote(const std::string& name, const std::string& sql,
                      const std::vector<Param>& params, const Rows& rows) {
    QueryParams bound;
    for (const Param& param : params) {
      const std::string key = param.name.substr(1);
      if (param.is_text) {
        bound[key] = param.text;
      } else {
        bound[key] = param.number;
      }
    }
    QueryLimits generous;
    generous.time = std::chrono::seconds(60);
    generous.max_rows = 1'000'000;
    generous.max_bytes = 256 << 20;
    auto remote = run_readonly_query(path_, sql, bound, generous);
    if (!remote.ok()) CAF_FAIL("query " << name << " refused remotely: " << remote.status().message());
    CAF_CHECK_EQUAL(remote->stopped, "");
    CAF_REQUIRE_EQUAL(remote->rows.size(), rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
      CAF_REQUIRE_EQUAL(remote->rows[r].size(), rows[r].size());
      for (size_t c = 0; c < rows[r].size(); ++c) {
        const QueryValue& v = remote->rows[r][c];
        std::string text;
        if (std::holds_alternative<int64_t>(v)) text = std::to_string(std::get<int64_t>(v));
        else if (std::holds_alternative<std::string>(v)) text = std::get<std::string>(v);
        else if (std::holds_alternative<std::monostate>(v)) text = "NULL";
        else continue;  // a real's text form is SQLite's; a blob's is its size
        if (text != rows[r][c]) {
          CAF_FAIL("query " << name << " row " << r << " column " << c << ": remotely " << text
                            << ", locally " << rows[r][c]);
        }
      }
    }
  }

  std::vector<NamedQuery> queries_;
  std::string path_;
  std::optional<test::RawDatabase> db_;
  std::string error_;
  std::map<std::string, int> runs_;
};

// Compares a query's rows with the expected ones; reports the first few
// differences and returns whether all matched.
bool same_rows(const std::string& what, const Rows& got, const Rows& want) {
  const size_t got_size = got.size();
  const size_t want_size = want.size();
  CAF_CHECK_EQUAL(got_size, want_size);
  int reported = 0;
  bool ok = got_size == want_size;
  for (size_t i = 0; i < std::max(got_size, want_size); ++i) {
    const std::string g = i < got_size ? show(got[i]) : "(none)";
    const std::string w = i < want_size ? show(want[i]) : "(none)";
    if (g == w) continue;
    ok = false;
    if (reported++ < 5)
      CAF_CHECK_EQUAL(what + " row " + std::to_string(i) + ": " + g,
                      what + " row " + std::to_string(i) + ": " + w);
  }
  if (ok) CAF_CHECK(true);
  return ok;
}

// ---- the save and the record kept beside it -----------------------------------

// Seed and length chosen so that wars are declared, won, lost and still
// going at the end, provinces change hands, and at some ticks (not all) a war
// is stagnant (see the stagnant_wars check).
constexpr uint64_t kSeed = 10;
constexpr int kTicks = 1000;
constexpr Tick kStagnantAge = 365;

struct PeaceRecord {
  Tick tick = 0;
  int64_t winner = 0;
  int64_t provinces = 0;
};

struct StagnantCheckpoint {
  Tick tick = 0;
  Rows got;           // stagnant_wars on the save right after `tick` was committed
  Rows want;          // computed from the World at that moment
  size_t active = 0;  // active wars at that moment, stagnant or not
};

struct Played {
  test::TempDir dir;
  std::string path;
  WorldMapPtr map;
  std::unique_ptr<QueryRunner> runner;
  Tick last_tick = 0;
  // provinces_at[t][id - 1]: the province after tick t (from the World).
  std::vector<std::vector<Province>> provinces_at;
  std::map<WarId, War> wars;              // every war's latest value
  std::map<WarId, PeaceRecord> peace;     // from the rules' peace events
  std::vector<Event> events;              // every event, in order
  std::vector<Command> commands;          // the commands given, in application order
  std::map<int64_t, std::string> failed;  // seq -> reason, from command_failed events
  std::vector<StagnantCheckpoint> stagnant;

  const Province& at(Tick t, ProvinceId id) const {
    const size_t i = static_cast<size_t>(std::min<Tick>(t, last_tick));
    return provinces_at[i][static_cast<size_t>(id - 1)];
  }
};

std::vector<Province> provinces_of(const World& w) {
  std::vector<Province> out;
  for (ProvinceId id = 1; id <= w.map().province_count(); ++id) out.push_back(*w.province(id));
  return out;
}

Rows expected_stagnant(const World& w) {
  const Tick now = w.meta().tick;
  Rows rows;
  for (WarId id : w.active_wars()) {
    const War war = *w.war(id);
    if (now - war.start_tick > kStagnantAge && war.war_score >= -10 && war.war_score <= 10)
      rows.push_back({cell(war.id), cell(war.attacker), cell(war.defender), cell(war.start_tick),
                      cell(now - war.start_tick), cell(war.war_score), cell(war.battle_score)});
  }
  return rows;
}

// The player commands that apply at `tick` (numbered by the caller). Some are
// meant to fail at their tick (bad tax level, war on oneself, recruiting in a
// province the nation does not own), the others to apply.
std::vector<Command> commands_for(const World& w, Tick tick) {
  std::vector<Command> out;
  switch (tick) {
    case 20: out.push_back(test::set_tax(1, 4)); break;
    case 40: out.push_back(test::set_tax(1, 9)); break;
    case 60: out.push_back(test::declare_war(1, 1)); break;
    case 80: {
      // A province nation 1 does not own.
      for (ProvinceId id = 1; id <= w.map().province_count(); ++id)
        if (w.province(id)->owner != 1) {
          out.push_back(test::recruit(1, id));
          break;
        }
      break;
    }
    case 100:
      out.push_back(test::set_tax(2, 0));
      out.push_back(test::set_tax(1, 3));
      out.push_back(test::set_tax(1, 2));
      break;
    case 120: {
      const IdList armies = w.armies_of(1);
      if (!armies->empty()) {
        const Army a = *w.army(armies->front());
        const ProvinceId next = w.map().province(a.location).neighbors.front();
        out.push_back(test::move_army(1, a.id, {a.location, next}));
      }
      break;
    }
    default: break;
  }
  return out;
}

const Played& played() {
  static std::unique_ptr<Played> instance;
  if (instance) return *instance;
  auto pl = std::make_unique<Played>();
  pl->path = pl->dir.file("queries.hgm");
  auto [queries, error] = read_queries();
  if (!error.empty()) CAF_FAIL(error);

  Result<std::unique_ptr<SaveFile>> opened = SaveFile::open(pl->path);
  const std::string open_status = opened.status().message();
  CAF_REQUIRE_EQUAL(open_status, std::string("ok"));
  std::unique_ptr<SaveFile> save = std::move(*opened);
  const WorldSnapshot initial = generate_world(test::small_world(kSeed));
  const std::string create_status = save->create_world(initial).message();
  CAF_REQUIRE_EQUAL(create_status, std::string("ok"));
  pl->runner = std::make_unique<QueryRunner>(pl->path, queries);

  World world(initial);
  pl->map = world.map_ptr();
  pl->provinces_at.push_back(provinces_of(world));
  for (const War& w : initial.wars) pl->wars[w.id] = w;
  int64_t seq = 1;
  for (Tick t = 1; t <= kTicks; ++t) {
    std::vector<Command> commands = commands_for(world, t);
    for (Command& c : commands) {
      c.tick = t;
      c.seq = seq++;
    }
    std::sort(commands.begin(), commands.end(), command_order);
    const ChangeSet cs = run_tick_sequential(world, commands);
    CAF_REQUIRE_EQUAL(cs.tick(), t);
    Result<CommitOutcome> outcome = save->commit(cs);
    const std::string commit_status = outcome.status().message();
    CAF_REQUIRE_EQUAL(commit_status, std::string("ok"));

    // The record: from the World and the change set, never from the save.
    pl->provinces_at.push_back(provinces_of(world));
    for (const Command& c : commands) pl->commands.push_back(c);
    for (const War& w : cs.wars) pl->wars[w.id] = w;
    for (WarId id : world.active_wars()) pl->wars[id] = *world.war(id);
    for (const Event& e : cs.events) {
      pl->events.push_back(e);
      const nlohmann::json data = nlohmann::json::parse(e.data);
      if (e.type == events::kPeace)
        pl->peace[data["war"].get<WarId>()] =
            PeaceRecord{e.tick, data["winner"].get<int64_t>(), data["provinces"].get<int64_t>()};
      if (e.type == events::kCommandFailed)
        pl->failed[data["seq"].get<int64_t>()] = data["reason"].get<std::string>();
    }
    // Stagnant wars are a question about "now": ask it as the save grows.
    if (t > kStagnantAge)
      pl->stagnant.push_back(StagnantCheckpoint{t, pl->runner->run("stagnant_wars", {}),
                                                expected_stagnant(world),
                                                world.active_wars().size()});
  }
  pl->last_tick = world.meta().tick;
  instance = std::move(pl);
  return *instance;
}

// Ticks worth asking about: the start, a few in between, the end, and past it.
std::vector<Tick> sample_ticks(const Played& pl) {
  return {0, 1, 137, 365, 366, 500, 711, pl.last_tick - 1, pl.last_tick, pl.last_tick + 100};
}

int64_t total_development(const Played& pl, Tick t) {
  int64_t total = 0;
  for (ProvinceId id = 1; id <= pl.map->province_count(); ++id) total += pl.at(t, id).development;
  return total;
}

bool same_history_fields(const Province& a, const Province& b) {
  return a.owner == b.owner && a.controller == b.controller && a.development == b.development;
}

// ---- the checks, one per query ---------------------------------------------------

using Check = std::function<void(const Played&, QueryRunner&)>;

void check_owner_at_tick(const Played& pl, QueryRunner& q) {
  for (Tick t : sample_ticks(pl)) {
    Rows got, want;
    for (ProvinceId id = 1; id <= pl.map->province_count(); ++id) {
      Rows rows = q.run("owner_at_tick", {p(":province", id), p(":tick", t)});
      got.insert(got.end(), rows.begin(), rows.end());
      const Province& now = pl.at(t, id);
      // Since when: the first tick of the run of ticks ending at t in which
      // owner, controller and development stayed as they are at t.
      Tick since = std::min<Tick>(t, pl.last_tick);
      while (since > 0 && same_history_fields(pl.at(since - 1, id), now)) --since;
      want.push_back({nation_cell(now.owner),
                      now.owner == kNoNation ? "NULL" : pl.map->nation(now.owner).name,
                      nation_cell(now.controller), cell(now.development), cell(since)});
    }
    same_rows("owner_at_tick @" + std::to_string(t), got, want);
  }
  // Before the world existed there is no answer.
  const Rows before = q.run("owner_at_tick", {p(":province", 1), p(":tick", -1)});
  CAF_CHECK(before.empty());
}

void check_map_at_tick(const Played& pl, QueryRunner& q) {
  for (Tick t : sample_ticks(pl)) {
    Rows want;
    for (ProvinceId id = 1; id <= pl.map->province_count(); ++id) {
      const Province& pr = pl.at(t, id);
      want.push_back(
          {cell(id), nation_cell(pr.owner), nation_cell(pr.controller), cell(pr.development)});
    }
    same_rows("map_at_tick @" + std::to_string(t), q.run("map_at_tick", {p(":tick", t)}), want);
  }
}

void check_total_development_at_tick(const Played& pl, QueryRunner& q) {
  std::vector<Tick> ticks = sample_ticks(pl);
  for (Tick t = 50; t < pl.last_tick; t += 50) ticks.push_back(t);
  for (Tick t : ticks)
    same_rows("total_development_at_tick @" + std::to_string(t),
              q.run("total_development_at_tick", {p(":tick", t)}),
              {{cell(pl.map->province_count()), cell(total_development(pl, t))}});
}

void check_total_development_over_time(const Played& pl, QueryRunner& q) {
  Rows want;
  for (Tick t = 0; t <= pl.last_tick; ++t)
    want.push_back({cell(t), cell(total_development(pl, t))});
  // The record must actually move, or the check would prove little.
  CAF_CHECK_NOT_EQUAL(want.front()[1], want.back()[1]);
  same_rows("total_development_over_time", q.run("total_development_over_time", {}), want);
  // The seed's version (a GROUP BY over history rows) sums only the provinces
  // that changed in each tick: this save tells the two apart.
  const Rows seed = q.run_unlisted(
      "SELECT tick, SUM(development) FROM province_history GROUP BY tick ORDER BY tick;");
  CAF_CHECK(seed.size() > 1 && seed[1] != want[static_cast<size_t>(std::stoll(seed[1][0]))]);
}

void check_stagnant_wars(const Played& pl, QueryRunner& q) {
  size_t non_empty = 0, some_active_not_stagnant = 0;
  for (const StagnantCheckpoint& c : pl.stagnant) {
    same_rows("stagnant_wars @" + std::to_string(c.tick), c.got, c.want);
    if (!c.want.empty()) ++non_empty;
    if (c.active > c.want.size()) ++some_active_not_stagnant;
  }
  CAF_MESSAGE(pl.stagnant.size() << " checkpoints, " << non_empty << " with stagnant wars, "
                                 << some_active_not_stagnant
                                 << " with active wars that are not stagnant");
  // The run must exercise both sides of the definition.
  CAF_CHECK_GREATER(non_empty, 0u);
  CAF_CHECK_GREATER(some_active_not_stagnant, 0u);
  // And once more on the finished save.
  same_rows("stagnant_wars at the end", q.run("stagnant_wars", {}), pl.stagnant.back().want);
}

void check_nation_at_tick(const Played& pl, QueryRunner& q) {
  for (Tick t : sample_ticks(pl)) {
    for (NationId n = 1; n <= pl.map->nation_count() + 1; ++n) {  // + one that does not exist
      int64_t owned = 0, development = 0, controlled = 0;
      for (ProvinceId id = 1; id <= pl.map->province_count(); ++id) {
        const Province& pr = pl.at(t, id);
        if (pr.owner == n) {
          ++owned;
          development += pr.development;
        }
        if (pr.controller == n) ++controlled;
      }
      same_rows("nation_at_tick " + std::to_string(n) + " @" + std::to_string(t),
                q.run("nation_at_tick", {p(":nation", n), p(":tick", t)}),
                {{cell(owned), cell(development), cell(controlled)}});
    }
  }
}

void check_nation_wars(const Played& pl, QueryRunner& q) {
  size_t ended = 0;
  for (NationId n = 1; n <= pl.map->nation_count(); ++n) {
    std::vector<War> mine;
    for (const auto& [id, w] : pl.wars)
      if (w.attacker == n || w.defender == n) mine.push_back(w);
    std::stable_sort(mine.begin(), mine.end(),
                     [](const War& a, const War& b) { return a.start_tick < b.start_tick; });
    Rows want;
    for (const War& w : mine) {
      const bool attacker = w.attacker == n;
      auto peace = pl.peace.find(w.id);
      const bool over = peace != pl.peace.end();
      CAF_CHECK_EQUAL(over, !w.active());
      std::string outcome = "ongoing";
      if (over) {
        ++ended;
        outcome = peace->second.winner == 0   ? "white peace"
                  : peace->second.winner == n ? "won"
                                              : "lost";
      }
      want.push_back({cell(w.id), attacker ? "attacker" : "defender",
                      cell(attacker ? w.defender : w.attacker), cell(w.start_tick),
                      w.active() ? "NULL" : cell(w.end_tick), cell(w.war_score),
                      over ? cell(peace->second.winner) : "NULL", outcome,
                      over ? cell(peace->second.provinces) : "NULL"});
    }
    same_rows("nation_wars " + std::to_string(n), q.run("nation_wars", {p(":nation", n)}), want);
  }
  CAF_MESSAGE(pl.wars.size() << " wars, " << pl.peace.size() << " ended");
  CAF_CHECK_GREATER(ended, 0u);
}

void check_war_events(const Played& pl, QueryRunner& q) {
  for (const auto& [id, w] : pl.wars) {
    Rows want;
    for (const Event& e : pl.events) {
      const nlohmann::json data = nlohmann::json::parse(e.data);
      if (data.contains("war") && data["war"].is_number_integer() && data["war"].get<WarId>() == id)
        want.push_back({cell(e.tick), e.type, e.data});
    }
    CAF_CHECK(!want.empty());  // at least its declaration
    same_rows("war_events " + std::to_string(id), q.run("war_events", {p(":war", id)}), want);
  }
  const Rows none = q.run("war_events", {p(":war", 1000000)});
  CAF_CHECK(none.empty());
}

void check_events_per_year(const Played& pl, QueryRunner& q) {
  const std::vector<std::string> types{events::kWarDeclared,   events::kBattle, events::kSiegeWon,
                                       events::kArmyRecruited, events::kPeace,  events::kRevolt,
                                       events::kCommand,       "no_such_event"};
  for (const std::string& type : types) {
    std::map<int, int64_t> per_year;
    for (const Event& e : pl.events)
      if (e.type == type) ++per_year[date_of_tick(e.tick).year];
    Rows want;
    for (const auto& [year, count] : per_year) want.push_back({cell(year), cell(count)});
    same_rows("events_per_year " + type, q.run("events_per_year", {p(":event_type", type)}), want);
  }
}

void check_player_commands(const Played& pl, QueryRunner& q) {
  size_t failures = 0;
  for (NationId n = 1; n <= 3; ++n) {  // 1 and 2 were given commands, 3 none
    Rows want;
    for (const Command& c : pl.commands) {
      if (c.nation != n) continue;
      auto failed = pl.failed.find(c.seq);
      if (failed != pl.failed.end()) ++failures;
      want.push_back({cell(c.tick), cell(c.seq), command_kind_name(c.kind),
                      command_to_json(c).dump(),
                      failed == pl.failed.end() ? "NULL" : failed->second});
    }
    same_rows("player_commands " + std::to_string(n), q.run("player_commands", {p(":nation", n)}),
              want);
  }
  // The run gave commands that fail (tax 9, war on oneself, recruiting abroad)
  // and commands that apply.
  CAF_CHECK_GREATER_OR_EQUAL(failures, 3u);
  CAF_CHECK_GREATER(pl.commands.size(), failures);
}

void check_province_owner_changes(const Played& pl, QueryRunner& q) {
  size_t changes = 0;
  for (ProvinceId id = 1; id <= pl.map->province_count(); ++id) {
    Rows want;
    for (Tick t = 1; t <= pl.last_tick; ++t) {
      const NationId before = pl.at(t - 1, id).owner, after = pl.at(t, id).owner;
      if (before != after) want.push_back({cell(t), nation_cell(before), nation_cell(after)});
    }
    changes += want.size();
    same_rows("province_owner_changes " + std::to_string(id),
              q.run("province_owner_changes", {p(":province", id)}), want);
  }
  CAF_MESSAGE(changes << " changes of owner");
  CAF_CHECK_GREATER(changes, 0u);
}

void check_nation_territory_changes(const Played& pl, QueryRunner& q) {
  for (NationId n = 1; n <= pl.map->nation_count(); ++n) {
    Rows want;
    for (Tick t = 1; t <= pl.last_tick; ++t)
      for (ProvinceId id = 1; id <= pl.map->province_count(); ++id) {
        const NationId before = pl.at(t - 1, id).owner, after = pl.at(t, id).owner;
        if (before == after) continue;
        if (after == n)
          want.push_back({cell(t), cell(id), "gained", nation_cell(before)});
        else if (before == n)
          want.push_back({cell(t), cell(id), "lost", nation_cell(after)});
      }
    same_rows("nation_territory_changes " + std::to_string(n),
              q.run("nation_territory_changes", {p(":nation", n)}), want);
  }
}

const std::map<std::string, Check>& checks() {
  static const std::map<std::string, Check> all{
      {"owner_at_tick", check_owner_at_tick},
      {"map_at_tick", check_map_at_tick},
      {"total_development_at_tick", check_total_development_at_tick},
      {"total_development_over_time", check_total_development_over_time},
      {"stagnant_wars", check_stagnant_wars},
      {"nation_at_tick", check_nation_at_tick},
      {"nation_wars", check_nation_wars},
      {"war_events", check_war_events},
      {"events_per_year", check_events_per_year},
      {"player_commands", check_player_commands},
      {"province_owner_changes", check_province_owner_changes},
      {"nation_territory_changes", check_nation_territory_changes},
  };
  return all;
}

}  // namespace

CAF_TEST(docs / queries.sql is a list of named single statements) {
  auto [queries, error] = read_queries();
  CAF_CHECK_EQUAL(error, std::string());
  CAF_CHECK_GREATER_OR_EQUAL(queries.size(), 3u);
  // The seed's three questions are there.
  std::set<std::string> names;
  for (const NamedQuery& q : queries) names.insert(q.name);
  for (const char* seed : {"owner_at_tick", "total_development_over_time", "stagnant_wars"})
    CAF_CHECK(names.count(seed) == 1);
}

CAF_TEST(every query in docs / queries.sql answers its question on a real save) {
  const Played& pl = played();
  QueryRunner& q = *pl.runner;
  std::set<std::string> in_file;
  for (const NamedQuery& query : q.queries()) {
    in_file.insert(query.name);
    auto check = checks().find(query.name);
    const bool has_check = check != checks().end();
    CAF_CHECK_EQUAL(query.name + (has_check ? " has a check" : " has NO check in queries_test.cc"),
                    query.name + " has a check");
    if (!has_check) continue;
    CAF_MESSAGE("checking " << query.name);
    const int before = q.runs(query.name);
    check->second(pl, q);
    const int ran = q.runs(query.name) - before;
    // stagnant_wars also ran while the save was being played.
    CAF_CHECK_EQUAL(query.name + " ran " + (ran > 0 ? "at least once" : "zero times"),
                    query.name + " ran at least once");
  }
  for (const auto& [name, check] : checks()) {
    const bool present = in_file.count(name) == 1;
    CAF_CHECK_EQUAL(name + (present ? " is in the file" : " is checked but not in the file"),
                    name + " is in the file");
  }
}
