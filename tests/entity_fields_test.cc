// The field descriptions (state/entity_fields.h) and what is derived from
// them. Each test walks a description, so a field added to it is covered
// here without a new line: changing any one field must be noticed by
// equality, the state hash and the world diff, and must survive the snapshot
// codec and a commit to and load from a real save. The state hash is also
// held to the hand-written hash it replaced, for entities with and without
// the fields that count only sometimes.
#define CAF_SUITE entity_fields
#include <caf/test/dsl.hpp>

#include <type_traits>

#include "line_world.h"
#include "persistence/save_file.h"
#include "net/json_views.h"
#include "persistence/row_codec.h"
#include "persistence/save_reader.h"
#include "persistence/snapshot_codec.h"
#include "state/entity_fields.h"
#include "state/game_date.h"
#include "state/rng.h"
#include "state/state_hash.h"
#include "state/world_check.h"
#include "test_support.h"
#include "tools/world_diff.h"

using namespace hegemon;

namespace {

// ---- the hash as it was written by hand before the descriptions ----
class LegacyHasher {
 public:
  explicit LegacyHasher(uint64_t tag) : h_(mix64(tag)) {}
  LegacyHasher& add(int64_t v) {
    h_ = mix64(h_ ^ static_cast<uint64_t>(v));
    return *this;
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_;
};
uint64_t legacy_hash(const Province& p) {
  return LegacyHasher(1)
      .add(p.id)
      .add(p.owner)
      .add(p.controller)
      .add(p.development)
      .add(p.unrest)
      .add(p.siege_progress)
      .value();
}
uint64_t legacy_hash(const Nation& n) {
  LegacyHasher h(2);
  h.add(n.id)
      .add(n.alive)
      .add(n.capital)
      .add(n.treasury)
      .add(n.stability)
      .add(n.manpower)
      .add(n.tax_level)
      .add(n.war)
      .add(n.last_peace_tick);
  if (n.player) h.add(1);
  return h.value();
}
uint64_t legacy_hash(const Army& a) {
  LegacyHasher h(3);
  h.add(a.id).add(a.owner).add(a.location).add(a.strength).add(a.morale).add(a.move_progress);
  h.add(static_cast<int64_t>(a.path.size()));
  for (ProvinceId p : a.path) h.add(p);
  return h.value();
}
uint64_t legacy_hash(const War& w) {
  LegacyHasher h(4);
  h.add(w.id)
      .add(w.attacker)
      .add(w.defender)
      .add(w.start_tick)
      .add(w.end_tick)
      .add(w.war_score)
      .add(w.battle_score);
  if (w.has_peace_offer())
    h.add(w.peace_offer_by).add(w.peace_offer_winner).add(w.peace_offer_tick);
  return h.value();
}
uint64_t legacy_combine(uint64_t sum, const GameMeta& m) {
  return LegacyHasher(5)
      .add(static_cast<int64_t>(sum))
      .add(m.tick)
      .add(m.next_army_id)
      .add(m.next_war_id)
      .value();
}

// ---- a world where every field counts ----

// Six provinces in a row, nations 1 and 2 (of 4) at war with a standing
// peace offer, nation 1 a player's, an army of nation 1 on the march.
WorldSnapshot full_world() {
  WorldSnapshot w = test::line_world({1, 1, 2, 2, 3, 4});
  w.meta.tick = 50;
  test::add_war(w, 1, 2, 10);
  War& war = w.wars.front();
  war.war_score = 12;
  war.battle_score = 5;
  war.peace_offer_by = 1;
  war.peace_offer_winner = 1;
  war.peace_offer_tick = 40;
  w.nations[0].player = true;
  w.nations[0].last_peace_tick = 3;
  w.provinces[2].controller = 1;
  w.provinces[2].siege_progress = 7;
  w.provinces[1].unrest = 20;
  test::add_army(w, Army{1, 1, 2, 3000, 80, 2, {3}});
  w.meta.state_hash = full_state_hash(w);
  return w;
}

// The same without the offer and with no nation naming the war, so that the
// war's sides can change and the world stay valid.
WorldSnapshot quiet_world() {
  WorldSnapshot w = full_world();
  w.wars[0].clear_peace_offer();
  for (Nation& n : w.nations) n.war = 0;
  w.meta.state_hash = full_state_hash(w);
  return w;
}

// Fields whose other values no loadable world holds: a snapshot, and a
// world loaded from a save, hold active wars only (end_tick is -1). The
// ended-war test below covers it through the wars table.
bool only_one_valid_value(const std::string& name) { return name == "end_tick"; }

template <class E>
std::vector<E>& entities(WorldSnapshot& w);
template <>
std::vector<Province>& entities(WorldSnapshot& w) {
  return w.provinces;
}
template <>
std::vector<Nation>& entities(WorldSnapshot& w) {
  return w.nations;
}
template <>
std::vector<Army>& entities(WorldSnapshot& w) {
  return w.armies;
}
template <>
std::vector<War>& entities(WorldSnapshot& w) {
  return w.wars;
}

// Other values for a field, nearest first: the first that keeps the world
// valid is used for the round trips.
template <class T>
std::vector<T> other_values(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return {!v};
  } else if constexpr (std::is_integral_v<T>) {
    return {static_cast<T>(v + 1), static_cast<T>(v - 1), static_cast<T>(v + 2),
            static_cast<T>(v - 2)};
  } else {
    T longer = v;
    longer.push_back(1);
    T shorter = v;
    if (!shorter.empty()) shorter.pop_back();
    return {longer, shorter};
  }
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// The base world at the next tick, with `changed`, committed to a fresh
// save on top of the base world and loaded back.
Result<WorldSnapshot> through_a_save(const WorldSnapshot& base, const WorldSnapshot& changed) {
  test::TempDir dir;
  auto save = SaveFile::open(dir.file("fields.db"), {});
  if (!save.ok()) return save.status();
  if (Status s = (*save)->create_world(base); !s.ok()) return s;
  ChangeSet cs;
  cs.meta = changed.meta;
  cs.date = date_of_tick(cs.meta.tick).to_string();
  cs.provinces = changed.provinces;
  cs.nations = changed.nations;
  cs.armies = changed.armies;
  cs.wars = changed.wars;
  auto committed = (*save)->commit(cs);
  if (!committed.ok()) return committed.status();
  return (*save)->load_world();
}

// Changes each described field of the first entity of kind E in turn and
// checks that every consumer notices and keeps the change. Returns how many
// fields were changed.
template <class E>
size_t check_every_field(const char* kind) {
  const WorldSnapshot full = full_world();
  size_t changed_fields = 0;
  for_each_field<E>([&](const auto& f) {
    CAF_MESSAGE(kind << " field " << f.name);
    bool round_tripped = false;
    for (int variant = 0; variant < 2; ++variant) {
      const WorldSnapshot base = variant == 0 ? full : quiet_world();
      WorldSnapshot probe = base;
      for (const auto& value : other_values(f.of(entities<E>(probe)[0]))) {
        WorldSnapshot w = base;
        E& e = entities<E>(w)[0];
        const E before = e;
        f.of(e) = value;
        // Equality, hash and diff see every change, valid or not (in the
        // world where every field counts).
        if (variant == 0) {
          CAF_CHECK(!(e == before));
          CAF_CHECK_NOT_EQUAL(entity_hash(e), entity_hash(before));
          const std::vector<std::string> diff = diff_worlds(base, w, 100);
          CAF_CHECK(!diff.empty());
          if (!f.key) CAF_CHECK(joined(diff).find(f.name) != std::string::npos);
        }
        // The round trips need a world the game can run.
        if (f.key || round_tripped || !check_world_state(w, *w.map).ok()) continue;
        round_tripped = true;
        ++changed_fields;
        w.meta.state_hash = full_state_hash(w);
        WorldSnapshot decoded;
        Status s = decode_snapshot(encode_snapshot(w), *w.map, decoded);
        CAF_REQUIRE(s.ok());
        CAF_CHECK(entities<E>(decoded)[0] == e);
        CAF_CHECK_EQUAL(full_state_hash(decoded), w.meta.state_hash);
        w.meta.tick += 1;
        w.meta.state_hash = full_state_hash(w);
        Result<WorldSnapshot> loaded = through_a_save(base, w);
        if (!loaded.ok()) CAF_FAIL(loaded.status().message());
        CAF_CHECK(entities<E>(*loaded)[0] == e);
        CAF_CHECK_EQUAL(loaded->meta.state_hash, w.meta.state_hash);
      }
    }
    // Every non-key field has some valid other value in one of the worlds.
    if (!f.key && !only_one_valid_value(f.name)) CAF_CHECK(round_tripped);
  });
  return changed_fields;
}

}  // namespace

CAF_TEST(the described hash is the hand - written hash it replaced) {
  WorldSnapshot w = full_world();
  for (int round = 0; round < 2; ++round) {
    uint64_t sum = 0;
    for (const auto& p : w.provinces) {
      CAF_CHECK_EQUAL(entity_hash(p), legacy_hash(p));
      sum += legacy_hash(p);
    }
    for (const auto& n : w.nations) {
      CAF_CHECK_EQUAL(entity_hash(n), legacy_hash(n));
      sum += legacy_hash(n);
    }
    for (const auto& a : w.armies) {
      CAF_CHECK_EQUAL(entity_hash(a), legacy_hash(a));
      sum += legacy_hash(a);
    }
    for (const auto& x : w.wars) {
      CAF_CHECK_EQUAL(entity_hash(x), legacy_hash(x));
      sum += legacy_hash(x);
    }
    CAF_CHECK_EQUAL(full_state_hash(w), legacy_combine(sum, w.meta));
    // Again without the fields that count only sometimes, and with white peace.
    w.nations[0].player = false;
    w.wars[0].clear_peace_offer();
    w.wars[0].peace_offer_winner = 2;  // left over: counts only with an offer
  }
  War white = full_world().wars[0];
  white.peace_offer_winner = kNoNation;
  CAF_CHECK_EQUAL(entity_hash(white), legacy_hash(white));
}

CAF_TEST(every province field is compared hashed diffed encoded and saved) {
  CAF_CHECK_EQUAL(check_every_field<Province>("province"), field_count<Province>() - 1);
}

CAF_TEST(every nation field is compared hashed diffed encoded and saved) {
  CAF_CHECK_EQUAL(check_every_field<Nation>("nation"), field_count<Nation>() - 1);
}

CAF_TEST(every army field is compared hashed diffed encoded and saved) {
  CAF_CHECK_EQUAL(check_every_field<Army>("army"), field_count<Army>() - 1);
}

CAF_TEST(every war field is compared hashed diffed encoded and saved) {
  CAF_CHECK_EQUAL(check_every_field<War>("war"), field_count<War>() - 2);  // not end_tick
}

CAF_TEST(an ended war keeps every field through the wars table) {
  const WorldSnapshot base = full_world();
  test::TempDir dir;
  auto save = SaveFile::open(dir.file("ended.db"), {});
  CAF_REQUIRE(save.ok());
  CAF_REQUIRE((*save)->create_world(base).ok());
  War ended = base.wars[0];
  ended.end_tick = base.meta.tick + 1;
  ChangeSet cs;
  cs.meta = base.meta;
  cs.meta.tick += 1;
  cs.date = date_of_tick(cs.meta.tick).to_string();
  cs.wars = {ended};
  CAF_REQUIRE((*save)->commit(cs).ok());
  auto reader = SaveReader::open(dir.file("ended.db"));
  CAF_REQUIRE(reader.ok());
  auto found = (*reader)->find_war(ended.id);
  CAF_REQUIRE(found.ok() && found->has_value());
  CAF_CHECK(**found == ended);
}

CAF_TEST(the game row fields are hashed and diffed) {
  const WorldSnapshot base = full_world();
  size_t seen = 0;
  for_each_field<GameMeta>([&](const auto& f) {
    WorldSnapshot w = base;
    f.of(w.meta) += 1;
    ++seen;
    CAF_CHECK_NOT_EQUAL(full_state_hash(w), full_state_hash(base));
    CAF_CHECK(!(w.meta == base.meta));
    if (!f.key) CAF_CHECK(joined(diff_worlds(base, w, 100)).find(f.name) != std::string::npos);
    WorldSnapshot decoded;
    CAF_REQUIRE(decode_snapshot(encode_snapshot(w), *w.map, decoded).ok());
    CAF_CHECK_EQUAL(f.of(decoded.meta), f.of(w.meta));
  });
  CAF_CHECK_EQUAL(seen, field_count<GameMeta>());
}

CAF_TEST(the readers select the described columns) {
  CAF_CHECK_EQUAL(std::string(kWarColumns), field_columns<War>());
  CAF_CHECK_EQUAL(std::string(kArmyColumns), field_columns<Army>());
  CAF_CHECK_EQUAL(field_columns<Province>(),
                  "id, owner_id, controller_id, development, unrest, siege_progress");
  // SaveReader's kSelectHistory and kSelectProvinceAt select these.
  CAF_CHECK_EQUAL(field_columns<ProvinceHistoryRow>(),
                  "tick, province_id, owner_id, controller_id, development");
  CAF_CHECK_EQUAL(insert_row_sql("province_history", {}, described_columns<ProvinceHistoryRow>()),
                  "INSERT INTO province_history (tick, province_id, owner_id, controller_id,"
                  " development) VALUES (?1, ?2, ?3, ?4, ?5)");
}

// The statements made from the descriptions are the ones written by hand
// before them.
CAF_TEST(the row SQL made from the descriptions is the hand - written SQL) {
  CAF_CHECK_EQUAL(update_row_sql("provinces", described_columns<Province>()),
                  "UPDATE provinces SET owner_id = ?2, controller_id = ?3, development = ?4,"
                  " unrest = ?5, siege_progress = ?6 WHERE id = ?1");
  CAF_CHECK_EQUAL(update_row_sql("provinces", described_columns<Province>(), "owner_id"),
                  "UPDATE provinces SET controller_id = ?3, development = ?4, unrest = ?5,"
                  " siege_progress = ?6 WHERE id = ?1");
  CAF_CHECK_EQUAL(update_row_sql("nations", described_columns<Nation>()),
                  "UPDATE nations SET alive = ?2, capital_id = ?3, treasury = ?4, stability = ?5,"
                  " manpower = ?6, tax_level = ?7, war_id = ?8, last_peace_tick = ?9,"
                  " player = ?10 WHERE id = ?1");
  CAF_CHECK_EQUAL(upsert_row_sql("armies", described_columns<Army>()),
                  "INSERT INTO armies (id, nation_id, province_id, strength, morale,"
                  " move_progress, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                  " ON CONFLICT (id) DO UPDATE SET nation_id = excluded.nation_id,"
                  " province_id = excluded.province_id, strength = excluded.strength,"
                  " morale = excluded.morale, move_progress = excluded.move_progress,"
                  " path = excluded.path");
  CAF_CHECK_EQUAL(update_row_sql("armies", described_columns<Army>(), "nation_id"),
                  "UPDATE armies SET province_id = ?3, strength = ?4, morale = ?5,"
                  " move_progress = ?6, path = ?7 WHERE id = ?1");
  CAF_CHECK_EQUAL(upsert_row_sql("wars", described_columns<War>()),
                  "INSERT INTO wars (id, attacker_id, defender_id, start_tick, end_tick,"
                  " war_score, battle_score, peace_offer_by, peace_offer_winner,"
                  " peace_offer_tick) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                  " ON CONFLICT (id) DO UPDATE SET attacker_id = excluded.attacker_id,"
                  " defender_id = excluded.defender_id, start_tick = excluded.start_tick,"
                  " end_tick = excluded.end_tick, war_score = excluded.war_score,"
                  " battle_score = excluded.battle_score,"
                  " peace_offer_by = excluded.peace_offer_by,"
                  " peace_offer_winner = excluded.peace_offer_winner,"
                  " peace_offer_tick = excluded.peace_offer_tick");
  CAF_CHECK_EQUAL(
      insert_row_sql("nations", {"name", "color", "aggression"}, described_columns<Nation>()),
      "INSERT INTO nations (id, name, color, aggression, alive, capital_id, treasury,"
      " stability, manpower, tax_level, war_id, last_peace_tick, player)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
}

// The views show the fields the protocol documents (docs/PROTOCOL.md), by
// their column names, and nothing else: a field added to a description is
// shown only once it is documented or marked not_in_views.
CAF_TEST(views and deltas show the documented fields) {
  const WorldSnapshot w = full_world();
  ChangeSet cs;
  cs.meta = w.meta;
  cs.provinces = {w.provinces[2]};
  cs.nations = {w.nations[0]};
  cs.armies = {w.armies[0]};
  cs.wars = {w.wars[0]};
  const nlohmann::json delta = net::delta_json(cs);
  auto keys = [](const nlohmann::json& object) {
    std::string out;
    for (const auto& item : object.items()) out += item.key() + " ";
    return out;
  };
  CAF_CHECK_EQUAL(keys(delta["provinces"][0]),
                  "controller_id development id owner_id siege_progress unrest ");
  CAF_CHECK_EQUAL(keys(delta["nations"][0]),
                  "alive capital_id id manpower player stability tax_level treasury war_id ");
  CAF_CHECK_EQUAL(keys(delta["armies"][0]), "id morale nation_id path province_id strength ");
  CAF_CHECK_EQUAL(keys(delta["wars"][0]),
                  "attacker_id defender_id end_tick id peace_offer start_tick war_score ");
  CAF_CHECK_EQUAL(delta["wars"][0].dump(),
                  R"({"attacker_id":1,"defender_id":2,"end_tick":null,"id":1,)"
                  R"("peace_offer":{"by":1,"tick":40,"winner":1},"start_tick":10,"war_score":12})");
  CAF_CHECK_EQUAL(delta["nations"][0]["player"], true);
  CAF_CHECK_EQUAL(delta["armies"][0]["path"].dump(), "[3]");
}

CAF_TEST(events keep every described field through the event log) {
  const WorldSnapshot base = full_world();
  test::TempDir dir;
  auto save = SaveFile::open(dir.file("events.db"), {});
  CAF_REQUIRE(save.ok());
  CAF_REQUIRE((*save)->create_world(base).ok());
  ChangeSet cs;
  cs.meta = base.meta;
  cs.meta.tick += 1;
  cs.meta.state_hash = full_state_hash(
      WorldSnapshot{base.map, cs.meta, base.provinces, base.nations, base.armies, base.wars});
  cs.date = date_of_tick(cs.meta.tick).to_string();
  cs.events = {make_event(cs.meta.tick, "battle", {{"war", 1}, {"attacker", 1}}),
               make_event(cs.meta.tick, "siege_won", {{"province", 3}})};
  CAF_REQUIRE((*save)->commit(cs).ok());
  CAF_CHECK_EQUAL(insert_row_sql("event_log", {}, described_columns<Event>()),
                  "INSERT INTO event_log (tick, event_type, event_data) VALUES (?1, ?2, ?3)");
  auto reader = SaveReader::open(dir.file("events.db"));
  CAF_REQUIRE(reader.ok());
  auto events = (*reader)->events_between(cs.meta.tick, cs.meta.tick);
  CAF_REQUIRE(events.ok());
  CAF_REQUIRE_EQUAL(events->size(), 2u);
  size_t fields = 0;
  for (size_t i = 0; i < 2; ++i) {
    for_each_field<Event>([&](const auto& f) {
      ++fields;
      CAF_CHECK(f.of((*events)[i]) == f.of(cs.events[i]));
    });
  }
  CAF_CHECK_EQUAL(fields, 2 * field_count<Event>());
}
