// The save-reading tools: `hegemon map` (tools/map_svg.h) and `hegemon
// inspect` (tools/save_summary.h), checked against a save played here with
// the sequential rules, whose every tick's state the test remembers.
#define CAF_SUITE tools
#include <sys/wait.h>

#include <algorithm>
#include <caf/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/row_codec.h"
#include "persistence/save_file.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/game_date.h"
#include "state/world.h"
#include "test_support.h"
#include "tools/map_svg.h"
#include "tools/save_summary.h"

using namespace hegemon;
using test::read_file;

namespace {

#define REQUIRE_OK(expr)                                                         \
  do {                                                                           \
    const auto& require_ok_result = (expr);                                      \
    if (!require_ok_result.ok()) CAF_FAIL(require_ok_result.status().message()); \
  } while (false)

using hegemon::test::contains;

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int run_hegemon(const std::string& args, const std::string& log) {
  const std::string cmd = std::string(HEGEMON_BINARY) + " " + args + " >" + log + " 2>&1";
  return exit_code(std::system(cmd.c_str()));
}

// What a real XML parser (python3's xml.etree) makes of an SVG: one line per
// fact, so the checks below never parse XML by hand. Exits 1 if the document
// is not well-formed XML, or its root is not an SVG element.
//   P <id> <fill>                    a province polygon id="p<id>"
//   O <id> <pattern id> <stroke>     an occupation overlay id="p<id>-occupied"
//   S <pattern id> <stripe fill>     a stripe pattern
//   L <nation id> <name>             a legend entry, in order
//   T <title text>
const char kSvgFacts[] = R"(import re, sys
import xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
if root.tag != NS + 'svg':
    sys.exit('root is ' + root.tag)
out = open(sys.argv[2], 'w', encoding='utf-8')
out.write('T ' + root.find(NS + 'title').text + '\n')
for e in root.iter(NS + 'pattern'):
    out.write('S %s %s\n' % (e.get('id'), e.find(NS + 'rect').get('fill')))
for e in root.iter(NS + 'polygon'):
    m = re.fullmatch(r'p(\d+)(-occupied)?', e.get('id', ''))
    if not m:
        continue
    if m.group(2):
        fill = re.fullmatch(r'url\(#(.*)\)', e.get('fill')).group(1)
        out.write('O %s %s %s\n' % (m.group(1), fill, e.get('stroke')))
    else:
        out.write('P %s %s\n' % (m.group(1), e.get('fill')))
for g in root.iter(NS + 'g'):
    if g.get('class') == 'legend-entry':
        out.write('L %s %s\n' % (g.get('id')[len('legend-'):], g.findall(NS + 'text')[0].text))
)";

struct SvgFacts {
  std::string title;
  std::map<ProvinceId, std::string> fill;                              // P
  std::map<ProvinceId, std::pair<std::string, std::string>> occupied;  // O: pattern, stroke
  std::map<std::string, std::string> stripes;                          // S
  std::vector<std::pair<NationId, std::string>> legend;                // L
};

// Parses `svg` with python3; CAF_FAILs when it is not well-formed.
SvgFacts svg_facts(const test::TempDir& dir, const std::string& svg_path) {
  const std::string script = dir.file("svg_facts.py");
  const std::string facts_path = svg_path + ".facts";
  write_file(script, kSvgFacts);
  const std::string cmd =
      "python3 " + script + " " + svg_path + " " + facts_path + " 2>" + facts_path + ".err";
  const int rc = exit_code(std::system(cmd.c_str()));
  if (rc != 0)
    CAF_FAIL("not well-formed SVG: " << svg_path << ": " << read_file(facts_path + ".err"));
  SvgFacts facts;
  std::istringstream in(read_file(facts_path));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    if (kind == "T") {
      facts.title = line.substr(2);
    } else if (kind == "P") {
      ProvinceId id = 0;
      std::string fill;
      words >> id >> fill;
      facts.fill[id] = fill;
    } else if (kind == "O") {
      ProvinceId id = 0;
      std::string pattern, stroke;
      words >> id >> pattern >> stroke;
      facts.occupied[id] = {pattern, stroke};
    } else if (kind == "S") {
      std::string id, fill;
      words >> id >> fill;
      facts.stripes[id] = fill;
    } else if (kind == "L") {
      NationId id = 0;
      words >> id;
      facts.legend.emplace_back(id, line.substr(line.find(' ', 2) + 1));
    }
  }
  return facts;
}

SvgFacts facts_of_svg_text(const test::TempDir& dir, const std::string& name,
                           const std::string& svg) {
  const std::string path = dir.file(name);
  write_file(path, svg);
  return svg_facts(dir, path);
}

// ---- a played save ----

// 200 provinces and 12 nations over 400 ticks: wars are declared, provinces
// besieged (occupied) and ceded at peace. Built once and shared by the tests,
// which only read it.
struct PlayedGame {
  test::TempDir dir;
  std::string path;
  WorldMapPtr map;
  Tick last_tick = 0;
  std::vector<std::vector<Province>> provinces_at;  // [tick][id - 1]
  WorldSnapshot final_state;
  int64_t events = 0;
  int64_t history_rows = 0;
};

constexpr Tick kTicks = 400;

const PlayedGame& played_game() {
  static const std::unique_ptr<PlayedGame> game = [] {
    auto g = std::make_unique<PlayedGame>();
    g->path = g->dir.file("played.db");
    Result<std::unique_ptr<SaveFile>> save = SaveFile::open(g->path);
    if (!save.ok()) CAF_FAIL(save.status().message());
    World world(generate_world(test::small_world()));
    Status created = (*save)->create_world(world.snapshot());
    if (!created.ok()) CAF_FAIL(created.message());
    g->map = world.map_ptr();
    g->history_rows = world.map().province_count();
    g->provinces_at.push_back(world.snapshot().provinces);
    for (Tick t = 1; t <= kTicks; ++t) {
      const ChangeSet cs = run_tick_sequential(world);
      g->events += static_cast<int64_t>(cs.events.size());
      g->history_rows += static_cast<int64_t>(cs.history.size());
      Result<CommitOutcome> committed = (*save)->commit(cs);
      if (!committed.ok()) CAF_FAIL(committed.status().message());
      g->provinces_at.push_back(world.snapshot().provinces);
    }
    g->last_tick = kTicks;
    g->final_state = world.snapshot();
    return g;
  }();
  return *game;
}

bool occupied(const Province& p) { return p.controller != p.owner; }

// The ticks at which some province is occupied.
std::vector<Tick> occupied_ticks(const PlayedGame& g) {
  std::vector<Tick> out;
  for (Tick t = 0; t <= g.last_tick; ++t) {
    const auto& ps = g.provinces_at[static_cast<size_t>(t)];
    if (std::any_of(ps.begin(), ps.end(), occupied)) out.push_back(t);
  }
  return out;
}

std::string nation_color(const PlayedGame& g, NationId id) {
  if (id == kNoNation) return color_to_hex(kUnownedColor);
  return color_to_hex(g.map->nation(id).color);
}

// Checks the facts of a map of the played save at `tick` against the state
// the simulation had then.
void check_map_matches(const PlayedGame& g, Tick tick, const SvgFacts& facts) {
  const auto& ps = g.provinces_at[static_cast<size_t>(tick)];
  const size_t fills = facts.fill.size();
  CAF_CHECK_EQUAL(fills, ps.size());
  size_t wrong_fill = 0, wrong_overlay = 0, occupied_count = 0;
  for (const Province& p : ps) {
    auto it = facts.fill.find(p.id);
    if (it == facts.fill.end() || it->second != nation_color(g, p.owner)) ++wrong_fill;
    auto ov = facts.occupied.find(p.id);
    if (occupied(p)) {
      ++occupied_count;
      const std::string pattern = "occupied-by-" + std::to_string(p.controller);
      if (ov == facts.occupied.end() || ov->second.first != pattern ||
          ov->second.second != nation_color(g, p.controller) || facts.stripes.count(pattern) == 0 ||
          facts.stripes.at(pattern) != nation_color(g, p.controller))
        ++wrong_overlay;
    } else if (ov != facts.occupied.end()) {
      ++wrong_overlay;
    }
  }
  CAF_CHECK_EQUAL(wrong_fill, 0u);
  CAF_CHECK_EQUAL(wrong_overlay, 0u);
  const size_t overlays = facts.occupied.size();
  CAF_CHECK_EQUAL(overlays, occupied_count);
  const std::string date = date_of_tick(tick).to_string();
  CAF_CHECK(contains(facts.title, date));
  CAF_CHECK(contains(facts.title, "tick " + std::to_string(tick)));
}

MapPicture hand_made_picture() {
  MapPicture pic;
  pic.tick = 12;
  pic.date = date_of_tick(12).to_string();
  // A 3 x 2 grid: nation 1 owns 1, 2, 4 (4 occupied by nation 2), nation 2
  // owns 3 and 5, province 6 is unowned.
  pic.provinces = {{1, "Alpha", 0, 0, 1, 1, 3},   {2, "Beta", 1, 0, 1, 1, 4},
                   {3, "Gamma", 2, 0, 2, 2, 5},   {4, "Delta & <Co>", 0, 1, 1, 2, 2},
                   {5, "Epsilon", 1, 1, 2, 2, 1}, {6, "Zeta", 2, 1, kNoNation, kNoNation, 1}};
  pic.nations = {{1, "Tom & \"Jerry\" <Kingdom>", 0x12ab34},
                 {2,
                  "L'\x01"
                  "Empire \xC3\xA9t\xFF",
                  0xff0000}};
  pic.legend = rank_nations(pic.provinces);
  return pic;
}

}  // namespace

// ---- rendering, without a save ----

CAF_TEST(rank_nations orders by provinces then development then id) {
  std::vector<MapProvince> ps = {{1, "", 0, 0, 3, 3, 1},
                                 {2, "", 0, 0, 3, 3, 1},
                                 {3, "", 0, 0, 1, 1, 5},
                                 {4, "", 0, 0, 2, 2, 5},
                                 {5, "", 0, 0, kNoNation, kNoNation, 9},
                                 {6, "", 0, 0, 4, 1, 1}};
  const std::vector<LegendEntry> ranked = rank_nations(ps);
  CAF_REQUIRE_EQUAL(ranked.size(), 4u);
  CAF_CHECK_EQUAL(ranked[0].nation, 3);  // two provinces
  CAF_CHECK_EQUAL(ranked[0].provinces, 2);
  CAF_CHECK_EQUAL(ranked[1].nation, 1);  // one province, development 5, lower id than 2
  CAF_CHECK_EQUAL(ranked[2].nation, 2);
  CAF_CHECK_EQUAL(ranked[3].nation, 4);  // owner counts, not controller
  const std::vector<LegendEntry> top2 = rank_nations(ps, 2);
  CAF_CHECK_EQUAL(top2.size(), 2u);
}

CAF_TEST(a rendered map is well - formed SVG with owner fills and hatched occupations) {
  test::TempDir dir;
  const MapPicture pic = hand_made_picture();
  const std::string svg = render_map_svg(pic);
  CAF_CHECK_EQUAL(render_map_svg(pic), svg);  // deterministic
  const SvgFacts facts = facts_of_svg_text(dir, "hand.svg", svg);
  CAF_CHECK_EQUAL(facts.title, "Hegemon map, 1444-11-23 (tick 12)");
  CAF_REQUIRE_EQUAL(facts.fill.size(), 6u);
  CAF_CHECK_EQUAL(facts.fill.at(1), "#12ab34");
  CAF_CHECK_EQUAL(facts.fill.at(3), "#ff0000");
  CAF_CHECK_EQUAL(facts.fill.at(4), "#12ab34");  // the owner's colour under the stripes
  CAF_CHECK_EQUAL(facts.fill.at(6), "#9e9e9e");  // unowned
  CAF_REQUIRE_EQUAL(facts.occupied.size(), 1u);
  CAF_REQUIRE_EQUAL(facts.occupied.count(4), 1u);
  CAF_CHECK_EQUAL(facts.occupied.at(4).first, "occupied-by-2");
  CAF_CHECK_EQUAL(facts.occupied.at(4).second, "#ff0000");
  CAF_REQUIRE_EQUAL(facts.stripes.count("occupied-by-2"), 1u);
  CAF_CHECK_EQUAL(facts.stripes.at("occupied-by-2"), "#ff0000");
  // Legend: nation 1 (3 provinces) then nation 2 (2); names escaped and
  // read back intact, a control character and a stray byte replaced.
  CAF_REQUIRE_EQUAL(facts.legend.size(), 2u);
  CAF_CHECK_EQUAL(facts.legend[0].first, 1);
  CAF_CHECK_EQUAL(facts.legend[0].second, "Tom & \"Jerry\" <Kingdom>");
  CAF_CHECK_EQUAL(facts.legend[1].first, 2);
  CAF_CHECK_EQUAL(facts.legend[1].second,
                  "L'\xEF\xBF\xBD"
                  "Empire \xC3\xA9t\xEF\xBF\xBD");
  CAF_CHECK(contains(svg, "Tom &amp; &quot;Jerry&quot; &lt;Kingdom&gt;"));
  CAF_CHECK(!contains(svg, "<Kingdom>"));
}

CAF_TEST(neighbouring hexes share edges on the odd - r grid) {
  // Province 1 at (0, 0) and province 4 at (0, 1): row 1 is shifted right by
  // half a cell, so the lower-right edge of 1 is the upper-left edge of 4:
  // two corners in common.
  const std::string svg = render_map_svg(hand_made_picture());
  auto points_of = [&](const std::string& id) {
    const size_t at = svg.find("id=\"" + id + "\" points=\"");
    CAF_REQUIRE(at != std::string::npos);
    const size_t from = svg.find("points=\"", at) + 8;
    std::set<std::string> corners;
    std::istringstream in(svg.substr(from, svg.find('"', from) - from));
    std::string corner;
    while (in >> corner) corners.insert(corner);
    return corners;
  };
  const std::set<std::string> a = points_of("p1"), b = points_of("p4"), c = points_of("p2");
  std::vector<std::string> ab, ac;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(ab));
  std::set_intersection(a.begin(), a.end(), c.begin(), c.end(), std::back_inserter(ac));
  CAF_CHECK_EQUAL(ab.size(), 2u);  // 1 and 4 are neighbours (odd-r)
  CAF_CHECK_EQUAL(ac.size(), 2u);  // 1 and 2 are neighbours in a row
}

// ---- maps of a played save ----

CAF_TEST(the played save has conquests and occupations) {
  const PlayedGame& g = played_game();
  size_t changed_hands = 0;
  for (size_t i = 0; i < g.final_state.provinces.size(); ++i)
    if (g.final_state.provinces[i].owner != g.provinces_at[0][i].owner) ++changed_hands;
  CAF_CHECK_GREATER(changed_hands, 0u);
  const size_t ticks_with_occupation = occupied_ticks(g).size();
  CAF_CHECK_GREATER(ticks_with_occupation, 0u);
}

CAF_TEST(the map at a tick shows each province in its owner colour then) {
  const PlayedGame& g = played_game();
  const std::vector<Tick> occ = occupied_ticks(g);
  CAF_REQUIRE(!occ.empty());
  test::TempDir dir;
  // A tick with occupations, the start, and one in between with none if any.
  std::vector<Tick> ticks = {occ[occ.size() / 2], 0, g.last_tick / 2};
  for (Tick t : ticks) {
    Result<MapPicture> pic = read_map_picture(g.path, t);
    REQUIRE_OK(pic);
    CAF_CHECK_EQUAL(pic->tick, t);
    CAF_CHECK_EQUAL(pic->date, date_of_tick(t).to_string());
    const SvgFacts facts =
        facts_of_svg_text(dir, "tick" + std::to_string(t) + ".svg", render_map_svg(*pic));
    check_map_matches(g, t, facts);
    // The legend: the largest nations at that tick, by provinces owned.
    std::map<NationId, int> owned;
    for (const Province& p : g.provinces_at[static_cast<size_t>(t)])
      if (p.owner != kNoNation) ++owned[p.owner];
    CAF_REQUIRE(!facts.legend.empty());
    const size_t expected_entries = std::min<size_t>(owned.size(), kLegendSize);
    CAF_CHECK_EQUAL(facts.legend.size(), expected_entries);
    int most = 0;
    for (const auto& [id, n] : owned) most = std::max(most, n);
    const int top_owned = owned[facts.legend[0].first];
    CAF_CHECK_EQUAL(top_owned, most);
    CAF_CHECK_EQUAL(facts.legend[0].second, g.map->nation(facts.legend[0].first).name);
  }
}

CAF_TEST(the default tick is the last and a later tick is an error) {
  const PlayedGame& g = played_game();
  Result<MapPicture> last = read_map_picture(g.path);
  REQUIRE_OK(last);
  CAF_CHECK_EQUAL(last->tick, g.last_tick);
  const Result<MapPicture> beyond = read_map_picture(g.path, g.last_tick + 1);
  CAF_REQUIRE(!beyond.ok());
  const std::string message = beyond.status().message();
  CAF_CHECK(contains(message, "beyond the last tick"));
  CAF_CHECK(contains(message, std::to_string(g.last_tick)));
  const bool negative_refused = !read_map_picture(g.path, -1).ok();
  CAF_CHECK(negative_refused);
}

CAF_TEST(a timelapse has one frame per K ticks equal to the single maps) {
  const PlayedGame& g = played_game();
  test::TempDir dir;
  const std::string frames_dir = dir.file("frames/nested");
  Result<int64_t> frames = write_map_series(g.path, 50, frames_dir);
  REQUIRE_OK(frames);
  CAF_CHECK_EQUAL(*frames, g.last_tick / 50 + 1);  // 0, 50, ..., 400
  for (Tick t = 0; t <= g.last_tick; t += 50) {
    const std::string frame = frames_dir + "/" + frame_file_name(t);
    Result<MapPicture> single = read_map_picture(g.path, t);
    REQUIRE_OK(single);
    // Deltas applied frame by frame give exactly the as-of query's picture.
    const bool same = read_file(frame) == render_map_svg(*single);
    CAF_CHECK(same);
  }
  CAF_CHECK_EQUAL(frame_file_name(50), "map-000050.svg");
  // Every occupied tick in a series of step 1 near one, as a denser check.
  const std::vector<Tick> occ = occupied_ticks(g);
  Result<std::unique_ptr<MapSeries>> series = MapSeries::open(g.path);
  REQUIRE_OK(series);
  const Tick from = std::max<Tick>(0, occ.front() - 3);
  for (Tick t = from; t <= std::min(g.last_tick, from + 10); ++t) {
    Result<MapPicture> pic = (*series)->at(t);
    REQUIRE_OK(pic);
    size_t wrong = 0;
    for (const MapProvince& p : pic->provinces) {
      const Province& truth = g.provinces_at[static_cast<size_t>(t)][static_cast<size_t>(p.id - 1)];
      if (p.owner != truth.owner || p.controller != truth.controller ||
          p.development != truth.development)
        ++wrong;
    }
    CAF_CHECK_EQUAL(wrong, 0u);
  }
  // Frames only go forward.
  const bool backwards_refused = !(*series)->at(from).ok();
  CAF_CHECK(backwards_refused);
  const bool zero_step_refused = !write_map_series(g.path, 0, dir.file("zero")).ok();
  CAF_CHECK(zero_step_refused);
}

CAF_TEST(saves that cannot be read are clear errors) {
  test::TempDir dir;
  const std::string missing = dir.file("missing.db");
  const std::string missing_error = read_map_picture(missing).status().message();
  CAF_CHECK(contains(missing_error, "no such save"));
  const std::string text = dir.file("notes.txt");
  write_file(text, "these are not the saves you are looking for\n");
  const std::string text_error = read_save_summary(text).status().message();
  CAF_CHECK(contains(text_error, "not a Hegemon save"));
  const std::string foreign = dir.file("foreign.db");
  test::exec_sql(foreign, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
  const std::string foreign_error = read_map_picture(foreign).status().message();
  CAF_CHECK(contains(foreign_error, "not a Hegemon save"));
  const std::string empty = dir.file("empty.db");
  {
    Result<std::unique_ptr<SaveFile>> save = SaveFile::open(empty);  // schema, no world
    REQUIRE_OK(save);
  }
  const std::string empty_error = read_save_summary(empty).status().message();
  CAF_CHECK(contains(empty_error, "no world"));
  const std::string dir_error = read_save_summary(dir.path()).status().message();
  CAF_CHECK(contains(dir_error, "directory"));
  const std::string unwritable = write_text_file(dir.file("no/such/dir/map.svg"), "x").message();
  CAF_CHECK(contains(unwritable, "cannot write"));
}

// ---- inspect ----

CAF_TEST(inspect reports what the simulation computed) {
  const PlayedGame& g = played_game();
  Result<SaveSummary> summary = read_save_summary(g.path);
  REQUIRE_OK(summary);
  const SaveSummary& s = *summary;
  const WorldSnapshot& w = g.final_state;
  CAF_CHECK_EQUAL(s.path, g.path);
  CAF_CHECK_GREATER(s.file_bytes, 0u);
  CAF_CHECK_EQUAL(s.schema_version, test::query_int(g.path, "PRAGMA user_version"));
  CAF_CHECK_EQUAL(s.params.seed, test::small_world().seed);
  CAF_CHECK_EQUAL(s.params.provinces, 200);
  CAF_CHECK_EQUAL(s.params.nations, 12);
  CAF_CHECK_EQUAL(s.tick, g.last_tick);
  CAF_CHECK_EQUAL(s.date, date_of_tick(g.last_tick).to_string());
  CAF_CHECK_EQUAL(s.nations, 12);
  const auto living =
      std::count_if(w.nations.begin(), w.nations.end(), [](const Nation& n) { return n.alive; });
  CAF_CHECK_EQUAL(s.living_nations, living);
  const auto active =
      std::count_if(w.wars.begin(), w.wars.end(), [](const War& x) { return x.active(); });
  CAF_CHECK_EQUAL(s.active_wars, active);
  CAF_REQUIRE(s.first_recorded_tick.has_value());
  CAF_CHECK_EQUAL(*s.first_recorded_tick, 0);
  CAF_CHECK_EQUAL(*s.last_recorded_tick, g.last_tick);

  // Top by treasury and by development: the living nations' own numbers.
  const Nation* richest = nullptr;
  std::map<NationId, int64_t> development;
  for (const Nation& n : w.nations) {
    if (!n.alive) continue;
    if (richest == nullptr || n.treasury > richest->treasury) richest = &n;
  }
  for (const Province& p : w.provinces)
    if (p.owner != kNoNation && w.nations[static_cast<size_t>(p.owner - 1)].alive)
      development[p.owner] += p.development;
  CAF_REQUIRE(richest != nullptr);
  CAF_REQUIRE(!s.top_treasury.empty());
  CAF_CHECK_EQUAL(s.top_treasury[0].id, richest->id);
  CAF_CHECK_EQUAL(s.top_treasury[0].value, richest->treasury);
  CAF_CHECK_EQUAL(s.top_treasury[0].name, g.map->nation(richest->id).name);
  const size_t treasury_entries = s.top_treasury.size();
  const size_t expected_treasury_entries =
      std::min<size_t>(kSummaryTop, static_cast<size_t>(living));
  CAF_CHECK_EQUAL(treasury_entries, expected_treasury_entries);
  for (size_t i = 1; i < s.top_treasury.size(); ++i)
    CAF_CHECK_GREATER_OR_EQUAL(s.top_treasury[i - 1].value, s.top_treasury[i].value);
  CAF_REQUIRE(!s.top_development.empty());
  int64_t most_developed = 0;
  for (const auto& [id, total] : development) most_developed = std::max(most_developed, total);
  CAF_CHECK_EQUAL(s.top_development[0].value, most_developed);
  const int64_t top_dev_of_its_nation = development[s.top_development[0].id];
  CAF_CHECK_EQUAL(top_dev_of_its_nation, most_developed);

  // Wars: the longest-running active ones, oldest first.
  const size_t war_entries = s.longest_wars.size();
  const size_t expected_war_entries = std::min<size_t>(kSummaryTop, static_cast<size_t>(active));
  CAF_CHECK_EQUAL(war_entries, expected_war_entries);
  for (size_t i = 0; i < s.longest_wars.size(); ++i) {
    const WarSummary& ws = s.longest_wars[i];
    auto it =
        std::find_if(w.wars.begin(), w.wars.end(), [&](const War& x) { return x.id == ws.id; });
    CAF_REQUIRE(it != w.wars.end());
    CAF_CHECK_EQUAL(ws.attacker, it->attacker);
    CAF_CHECK_EQUAL(ws.defender, it->defender);
    CAF_CHECK_EQUAL(ws.attacker_name, g.map->nation(it->attacker).name);
    CAF_CHECK_EQUAL(ws.start_tick, it->start_tick);
    CAF_CHECK_EQUAL(ws.war_score, it->war_score);
    if (i > 0) CAF_CHECK_LESS_OR_EQUAL(s.longest_wars[i - 1].start_tick, ws.start_tick);
  }

  // Row counts: what the simulation wrote, and every table there is.
  std::map<std::string, int64_t> rows(s.table_rows.begin(), s.table_rows.end());
  CAF_CHECK_EQUAL(rows.at("provinces"), 200);
  CAF_CHECK_EQUAL(rows.at("nations"), 12);
  CAF_CHECK_EQUAL(rows.at("adjacency"), test::query_int(g.path, "SELECT count(*) FROM adjacency"));
  int64_t adjacency = 0;
  for (const auto& p : g.map->provinces()) adjacency += static_cast<int64_t>(p.neighbors.size());
  CAF_CHECK_EQUAL(rows.at("adjacency"), adjacency);
  CAF_CHECK_EQUAL(rows.at("ticks"), g.last_tick + 1);
  CAF_CHECK_EQUAL(rows.at("armies"), static_cast<int64_t>(w.armies.size()));
  CAF_CHECK_EQUAL(rows.at("wars"), static_cast<int64_t>(w.meta.next_war_id - 1));
  CAF_CHECK_EQUAL(rows.at("event_log"), g.events);
  CAF_CHECK_EQUAL(rows.at("province_history"), g.history_rows);
  CAF_CHECK_EQUAL(rows.at("game"), 1);
  const int64_t tables =
      test::query_int(g.path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
  CAF_CHECK_EQUAL(static_cast<int64_t>(rows.size()), tables);
  for (const auto& [name, count] : rows)
    CAF_CHECK_EQUAL(count, test::query_int(g.path, "SELECT count(*) FROM \"" + name + "\""));

  // Both presentations carry the same facts.
  const std::string text = format_summary_text(s);
  CAF_CHECK(contains(text, "tick " + std::to_string(g.last_tick)));
  CAF_CHECK(contains(text, g.map->nation(richest->id).name));
  const nlohmann::json j = nlohmann::json::parse(summary_to_json(s));
  CAF_CHECK_EQUAL(j.at("tick").get<int64_t>(), g.last_tick);
  CAF_CHECK_EQUAL(j.at("living_nations").get<int64_t>(), living);
  CAF_CHECK_EQUAL(j.at("tables").at("ticks").get<int64_t>(), g.last_tick + 1);
  CAF_CHECK_EQUAL(j.at("top_treasury").at(0).at("id").get<int>(), richest->id);
  CAF_CHECK_EQUAL(j.at("params").at("seed").get<uint64_t>(), test::small_world().seed);
  CAF_CHECK_EQUAL(j.at("first_tick").get<int64_t>(), 0);
}

// ---- the hegemon binary ----

CAF_TEST(hegemon map and inspect run on a save) {
  const PlayedGame& g = played_game();
  test::TempDir dir;
  const std::string svg = dir.file("map.svg");
  const std::vector<Tick> occ = occupied_ticks(g);
  CAF_REQUIRE(!occ.empty());
  const Tick t = occ.back();
  CAF_CHECK_EQUAL(run_hegemon("map " + g.path + " --tick " + std::to_string(t) + " --out " + svg,
                              dir.file("map.log")),
                  0);
  check_map_matches(g, t, svg_facts(dir, svg));

  CAF_CHECK_EQUAL(run_hegemon("map " + g.path + " --every 100 --out-dir " + dir.file("frames"),
                              dir.file("frames.log")),
                  0);
  for (Tick f = 0; f <= g.last_tick; f += 100) {
    const std::string frame = dir.file("frames/" + frame_file_name(f));
    check_map_matches(g, f, svg_facts(dir, frame));
  }

  const std::string json_path = dir.file("inspect.json");
  CAF_CHECK_EQUAL(run_hegemon("inspect " + g.path + " --json", json_path), 0);
  const nlohmann::json j = nlohmann::json::parse(read_file(json_path));
  CAF_CHECK_EQUAL(j.at("tick").get<int64_t>(), g.last_tick);
  CAF_CHECK_EQUAL(j.at("tables").at("provinces").get<int64_t>(), 200);
  CAF_CHECK_EQUAL(run_hegemon("inspect " + g.path, dir.file("inspect.txt")), 0);
  CAF_CHECK(contains(read_file(dir.file("inspect.txt")), "living of 12"));

  // Errors exit 1 with a message; bad usage exits 2.
  const std::string log = dir.file("errors.log");
  CAF_CHECK_EQUAL(run_hegemon("map " + g.path + " --tick " + std::to_string(g.last_tick + 1) +
                                  " --out " + dir.file("late.svg"),
                              log),
                  1);
  CAF_CHECK(contains(read_file(log), "beyond the last tick"));
  CAF_CHECK_EQUAL(run_hegemon("map " + dir.file("nope.db") + " --out " + svg, log), 1);
  CAF_CHECK(contains(read_file(log), "no such save"));
  CAF_CHECK_EQUAL(run_hegemon("map " + g.path + " --out " + dir.file("no/dir/x.svg"), log), 1);
  CAF_CHECK(contains(read_file(log), "cannot write"));
  CAF_CHECK_EQUAL(run_hegemon("inspect " + dir.file("nope.db"), log), 1);
  CAF_CHECK_EQUAL(run_hegemon("map " + g.path, log), 2);  // no --out
  CAF_CHECK_EQUAL(run_hegemon("map " + g.path + " --tick x --out " + svg, log), 2);
  CAF_CHECK_EQUAL(run_hegemon("map " + g.path + " --every 0 --out-dir " + dir.path(), log), 2);
  CAF_CHECK_EQUAL(run_hegemon("map " + g.path + " --tick 3 --every 5 --out-dir " + dir.path(), log),
                  2);
  CAF_CHECK_EQUAL(run_hegemon("inspect", log), 2);
  CAF_CHECK_EQUAL(run_hegemon("inspect " + g.path + " --yaml", log), 2);
  CAF_CHECK_EQUAL(run_hegemon("map --help", log), 0);
  CAF_CHECK(contains(read_file(log), "--every K"));
}
