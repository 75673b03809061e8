// One description of each entity's fields, from which equality, the state
// hash, the world diff, the snapshot codec and the SQL rows are derived, so a
// new field is one line here plus its rule (docs/ARCHITECTURE.md, "How to
// add a field").
//
// Each description is a tuple of Field values: the field's name (as diffs and
// tests say it), its SQL column, a pointer to the member, how the column
// stores it, and for fields added after schema version 2 the member whose
// being set says when the field counts. The ORDER of a description is a contract:
//  - it is the order the state hash folds the fields in (changing it changes
//    every hash, and saves made before no longer replay);
//  - it is the order of the snapshot's varints (persistence/snapshot_codec.h);
//  - it is the order of the SQL parameters ?1..?N and of the columns a reader
//    selects (persistence/row_codec.h).
// So a new field goes at the END of its entity's list, wrapped in
// counts_while() with a gate that is unset in every older save (usually the
// field itself), or the hash of older saves changes.
//
// The consumers walk a description with for_each_field<E>(f): the tuple is
// constexpr and every call is inlined, so the code is what the hand-written
// field lists were (no virtual call, no std::function, no lookup by name).
#pragma once

#include <cstdint>
#include <tuple>
#include <utility>

#include "state/change_set.h"
#include "state/entities.h"
#include "state/event.h"
#include "state/game_meta.h"

namespace hegemon {

// How a field's SQL column holds it (persistence/row_codec.h binds and reads
// each kind).
enum class Sql {
  integer,  // INTEGER as is (a bool as 0 or 1)
  id,       // an id; 0 ("nobody", "none") is NULL
  tick,     // a tick; -1 ("never", "still active") is NULL
  path,     // a list of province ids as a JSON array: '[3,4,9]'
  text,     // TEXT as is
};

// G: the type of the member that gates the field (see `gate`).
template <class E, class T, class G = bool>
struct Field {
  using Entity = E;
  using Type = T;
  const char* name;    // the member's name: what diffs and tests call it
  const char* column;  // its column in the save (an external name: never renamed)
  T E::*member;
  Sql sql;
  bool key;  // the entity's identity (an id, the game row's tick): diffs name it, not compare it
  // Null for fields that always count. Otherwise a field added after schema
  // version 2: it is folded into the state hash, and written to its SQL
  // column, only while the member `gate` points to is set (differs from its
  // default; else the column gets the field's own default), so that entities
  // of older saves, where it is never set, hash as they did. A member
  // pointer rather than a function, so that the test is inlined.
  G E::*gate;
  // Shown in the JSON views and deltas under its column's name
  // (net/json_views.cc, docs/PROTOCOL.md); false: the protocol leaves it out.
  bool in_views = true;

  constexpr const T& of(const E& e) const { return e.*member; }
  constexpr T& of(E& e) const { return e.*member; }
  bool counts_in(const E& e) const { return gate == nullptr || !(e.*gate == G{}); }
};

template <class E, class T>
constexpr Field<E, T> field(const char* name, const char* column, T E::*member,
                            Sql sql = Sql::integer) {
  return {name, column, member, sql, false, nullptr, true};
}
template <class E, class T>
constexpr Field<E, T> key(const char* name, const char* column, T E::*member) {
  return {name, column, member, Sql::integer, true, nullptr, true};
}
// A field that counts only while `gate` is set (Field::gate says why).
template <class E, class T, class G>
constexpr Field<E, T, G> counts_while(Field<E, T> f, G E::*gate) {
  return {f.name, f.column, f.member, f.sql, f.key, gate, f.in_views};
}
// A field the JSON views do not show (by that name, or at all).
template <class E, class T, class G>
constexpr Field<E, T, G> not_in_views(Field<E, T, G> f) {
  f.in_views = false;
  return f;
}

// Specialised for each entity below: `kHashTag` keeps entity kinds apart in
// the state hash, `list` is the description.
template <class E>
struct EntityFields;

template <>
struct EntityFields<Province> {
  static constexpr uint64_t kHashTag = 1;
  static constexpr auto list = std::make_tuple(
      key("id", "id", &Province::id), field("owner", "owner_id", &Province::owner, Sql::id),
      field("controller", "controller_id", &Province::controller, Sql::id),
      field("development", "development", &Province::development),
      field("unrest", "unrest", &Province::unrest),
      field("siege_progress", "siege_progress", &Province::siege_progress));
};

template <>
struct EntityFields<Nation> {
  static constexpr uint64_t kHashTag = 2;
  static constexpr auto list =
      std::make_tuple(key("id", "id", &Nation::id), field("alive", "alive", &Nation::alive),
                      field("capital", "capital_id", &Nation::capital, Sql::id),
                      field("treasury", "treasury", &Nation::treasury),
                      field("stability", "stability", &Nation::stability),
                      field("manpower", "manpower", &Nation::manpower),
                      field("tax_level", "tax_level", &Nation::tax_level),
                      field("war", "war_id", &Nation::war, Sql::id),
                      not_in_views(field("last_peace_tick", "last_peace_tick",
                                         &Nation::last_peace_tick, Sql::tick)),
                      // Schema 3: hashed only for a player's nation (as 1).
                      counts_while(field("player", "player", &Nation::player), &Nation::player));
};

template <>
struct EntityFields<Army> {
  static constexpr uint64_t kHashTag = 3;
  static constexpr auto list = std::make_tuple(
      key("id", "id", &Army::id), field("owner", "nation_id", &Army::owner, Sql::id),
      field("location", "province_id", &Army::location),
      field("strength", "strength", &Army::strength), field("morale", "morale", &Army::morale),
      not_in_views(field("move_progress", "move_progress", &Army::move_progress)),
      field("path", "path", &Army::path, Sql::path));
};

template <>
struct EntityFields<War> {
  static constexpr uint64_t kHashTag = 4;
  static constexpr auto list = std::make_tuple(
      key("id", "id", &War::id), field("attacker", "attacker_id", &War::attacker, Sql::id),
      field("defender", "defender_id", &War::defender, Sql::id),
      field("start_tick", "start_tick", &War::start_tick),
      field("end_tick", "end_tick", &War::end_tick, Sql::tick),
      field("war_score", "war_score", &War::war_score),
      not_in_views(field("battle_score", "battle_score", &War::battle_score)),
      // Schema 4: a standing peace offer (War::has_peace_offer), hashed only
      // while there is one. Views show it as one object, "peace_offer"
      // (net/json_views.cc).
      not_in_views(
          counts_while(field("peace_offer_by", "peace_offer_by", &War::peace_offer_by, Sql::id),
                       &War::peace_offer_by)),
      not_in_views(counts_while(
          field("peace_offer_winner", "peace_offer_winner", &War::peace_offer_winner, Sql::id),
          &War::peace_offer_by)),
      not_in_views(counts_while(
          field("peace_offer_tick", "peace_offer_tick", &War::peace_offer_tick, Sql::tick),
          &War::peace_offer_by)));
};

// The game row's bookkeeping. The state hash itself (GameMeta::state_hash) is
// not described: it is computed from the rest, never an input to it.
template <>
struct EntityFields<GameMeta> {
  static constexpr uint64_t kHashTag = 5;
  static constexpr auto list =
      std::make_tuple(key("tick", "tick", &GameMeta::tick),
                      field("next_army_id", "next_army_id", &GameMeta::next_army_id),
                      field("next_war_id", "next_war_id", &GameMeta::next_war_id));
};

// A row of event_log. Not hashed (events follow from the state).
template <>
struct EntityFields<Event> {
  static constexpr uint64_t kHashTag = 6;
  static constexpr auto list = std::make_tuple(
      key("tick", "tick", &Event::tick), field("type", "event_type", &Event::type, Sql::text),
      field("data", "event_data", &Event::data, Sql::text));
};

// A row of province_history: what a province was after a tick that changed
// its owner, controller or development. Not hashed (it follows from the
// state); its key is (tick, province).
template <>
struct EntityFields<ProvinceHistoryRow> {
  static constexpr uint64_t kHashTag = 7;
  static constexpr auto list = std::make_tuple(
      key("tick", "tick", &ProvinceHistoryRow::tick),
      field("province", "province_id", &ProvinceHistoryRow::province),
      field("owner", "owner_id", &ProvinceHistoryRow::owner, Sql::id),
      field("controller", "controller_id", &ProvinceHistoryRow::controller, Sql::id),
      field("development", "development", &ProvinceHistoryRow::development));
};

// Calls f(field) for each field of E's description, in order.
template <class E, class F>
constexpr void for_each_field(F&& f) {
  std::apply([&f](const auto&... each) { (f(each), ...); }, EntityFields<E>::list);
}

template <class E>
constexpr size_t field_count() {
  return std::tuple_size<decltype(EntityFields<E>::list)>::value;
}

// Every described field of `a` equals that of `b`.
template <class E>
bool fields_equal(const E& a, const E& b) {
  bool equal = true;
  for_each_field<E>([&](const auto& f) { equal = equal && f.of(a) == f.of(b); });
  return equal;
}

}  // namespace hegemon
