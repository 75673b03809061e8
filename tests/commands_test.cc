#define CAF_SUITE commands
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <string>

#include "command_builders.h"
#include "line_world.h"
#include "rules/commands.h"
#include "rules/events.h"
#include "rules/tick.h"
#include "state/tuning.h"
#include "rules/world_gen.h"
#include "state/command_json.h"
#include "test_support.h"

using namespace hegemon;
using hegemon::test::accept_peace;
using hegemon::test::add_army;
using hegemon::test::add_war;
using hegemon::test::count_events;
using hegemon::test::declare_war;
using hegemon::test::line_world;
using hegemon::test::move_army;
using hegemon::test::offer_peace;
using hegemon::test::recruit;
using hegemon::test::set_player;
using hegemon::test::set_tax;

namespace {

// The compiled balance, which every test world here runs with.
const Tuning kTuning{};

// One whole tick with these commands, as the coordinator would schedule them:
// numbered in the order listed (unless numbered already).
int64_t next_seq = 1;
ChangeSet tick_with(World& w, std::vector<Command> commands = {}) {
  for (Command& c : commands) {
    c.tick = w.meta().tick + 1;
    if (c.seq == 0) c.seq = next_seq++;
  }
  std::sort(commands.begin(), commands.end(), command_order);
  return run_tick_sequential(w, commands);
}

std::string refusal(const World& w, const Command& c) {
  const Status s = check_command(w, c);
  return s.ok() ? std::string("accepted") : s.message();
}

using hegemon::test::contains;

const Event* find_event(const ChangeSet& cs, const char* type) {
  for (const Event& e : cs.events)
    if (e.type == type) return &e;
  return nullptr;
}

}  // namespace

CAF_TEST(every command kind survives its JSON form) {
  int64_t seq = 40;
  for (Command c :
       {move_army(3, 7, {4, 5, 6}), offer_peace(3, PeaceTerms::concede), set_player(9, true),
        set_tax(2, 4), recruit(1, 12), declare_war(1, 2), accept_peace(5)}) {
    c.seq = ++seq;
    auto back = command_from_event_data(command_to_json(c).dump());
    CAF_REQUIRE(back.ok());
    CAF_CHECK_EQUAL(command_to_json(*back).dump(), command_to_json(c).dump());
    CAF_CHECK(*back == c);
  }
}

CAF_TEST(malformed command fields are errors that name the field) {
  using nlohmann::json;
  auto error_of = [](CommandKind kind, const json& fields) {
    auto r = command_from_json(kind, fields);
    return r.ok() ? std::string("parsed") : r.status().message();
  };
  CAF_CHECK(contains(error_of(CommandKind::move_army, {{"army", 1}, {"path", 3}}), "\"path\""));
  CAF_CHECK(contains(error_of(CommandKind::move_army, {{"army", 1}, {"path", json::array()}}),
                     "\"path\""));
  CAF_CHECK(contains(error_of(CommandKind::move_army, {{"army", "x"}, {"path", {2}}}), "\"army\""));
  CAF_CHECK(
      contains(error_of(CommandKind::move_army, {{"army", 1}, {"path", {2, 1.5}}}), "\"path\""));
  CAF_CHECK(contains(error_of(CommandKind::offer_peace, {{"terms", "maybe"}}), "\"terms\""));
  CAF_CHECK(contains(error_of(CommandKind::declare_war, json::object()), "\"target\""));
  CAF_CHECK(contains(error_of(CommandKind::set_tax, {{"level", 5000000000LL}}), "\"level\""));
  CAF_CHECK(contains(error_of(CommandKind::set_player, {{"player", 1}}), "\"player\""));
  CAF_CHECK(!command_from_event_data("{\"kind\":\"fly\"}").ok());
  CAF_CHECK(!command_from_event_data("not json").ok());
}

CAF_TEST(commands are checked against the world when received) {
  WorldSnapshot s = line_world({1, 1, 1, 2, 2});
  add_army(s, Army{1, 1, 1, 2000, 100, 0, {}});
  add_army(s, Army{2, 2, 5, 2000, 100, 0, {}});
  World w(s);
  CAF_CHECK(contains(refusal(w, move_army(1, 2, {4})), "not an army of nation 1"));
  CAF_CHECK(contains(refusal(w, move_army(1, 1, {3})), "not adjacent"));
  CAF_CHECK(contains(refusal(w, move_army(1, 1, {2, 9})), "no province 9"));
  CAF_CHECK_EQUAL(refusal(w, move_army(1, 1, {2, 3, 4})), "accepted");
  CAF_CHECK_EQUAL(refusal(w, move_army(1, 1, {1, 2})), "accepted");  // may name its start
  CAF_CHECK(contains(refusal(w, recruit(1, 4)), "not held by nation 1"));
  CAF_CHECK_EQUAL(refusal(w, recruit(1, 2)), "accepted");
  CAF_CHECK(contains(refusal(w, set_tax(1, kMaxTaxLevel + 1)), "tax level"));
  CAF_CHECK(contains(refusal(w, declare_war(1, 1)), "itself"));
  CAF_CHECK(contains(refusal(w, declare_war(1, 3)), "no nation 3"));
  CAF_CHECK_EQUAL(refusal(w, declare_war(1, 2)), "accepted");
  CAF_CHECK(contains(refusal(w, offer_peace(1, PeaceTerms::white)), "not at war"));
  CAF_CHECK(contains(refusal(w, set_tax(7, 1)), "no nation 7"));

  Nation poor = *w.nation(1);
  poor.treasury = kTuning.recruit_cost - 1;
  w.put_nation(poor);
  CAF_CHECK(contains(refusal(w, recruit(1, 2)), "ducats"));
}

CAF_TEST(a command is recorded first in its tick and a move is marched) {
  WorldSnapshot s = line_world({1, 1, 1, 1});
  add_army(s, Army{1, 1, 1, 2000, 100, 0, {}});
  World w(s);
  const Command hand_over = set_player(1);
  Command order = move_army(1, 1, {2, 3});
  order.seq = 1000;  // numbered after hand_over, though listed first: applied after it
  ChangeSet first = tick_with(w, {order, hand_over});
  CAF_REQUIRE(first.events.size() >= 2u);
  CAF_CHECK_EQUAL(first.events[0].type, events::kCommand);
  auto recorded = command_from_event_data(first.events[1].data);
  CAF_REQUIRE(recorded.ok());
  Command expected = order;  // the tick is the event's own, not in its data
  CAF_CHECK(*recorded == expected);
  CAF_CHECK(w.nation(1)->player);
  const std::vector<ProvinceId> path = w.army(1)->path;
  CAF_CHECK_EQUAL(path, std::vector<ProvinceId>({2, 3}));
  for (int day = 0; day < 40; ++day) tick_with(w);
  // Arrived, and stays: a player's army gets no orders from the AI.
  const Army there = *w.army(1);
  CAF_CHECK_EQUAL(there.location, 3);
  CAF_CHECK(there.path.empty());
}

CAF_TEST(a command that no longer holds at its tick fails and changes nothing) {
  WorldSnapshot s = line_world({1, 1, 2});
  s.nations[0].treasury = kTuning.recruit_cost;  // enough for one regiment
  World w(s);
  const ChangeSet cs = tick_with(w, {recruit(1, 1), recruit(1, 2)});
  CAF_CHECK_EQUAL(count_events(cs.events, events::kArmyRecruited), 1u);
  CAF_CHECK_EQUAL(count_events(cs.events, events::kCommandFailed), 1u);
  const Event* failed = find_event(cs, events::kCommandFailed);
  CAF_REQUIRE(failed != nullptr);
  CAF_CHECK(contains(failed->data, "ducats"));
  const Nation n = *w.nation(1);
  CAF_CHECK_EQUAL(n.treasury, 0);
  CAF_CHECK_EQUAL(w.armies_of(1)->size(), 1u);
}

CAF_TEST(a nation recruits at most kMaxRecruitmentsPerDay armies a day) {
  // The cap bounds the army ids one tick can take, so the coordinator can
  // stop a game before its id counter passes what a load accepts.
  WorldSnapshot s = line_world({1, 1, 2});
  s.nations[0].treasury = kTuning.recruit_cost * (kMaxRecruitmentsPerDay + 5);
  s.nations[0].manpower = kTuning.recruit_strength * (kMaxRecruitmentsPerDay + 5);
  World w(s);
  std::vector<Command> many;
  for (int i = 0; i < kMaxRecruitmentsPerDay + 2; ++i) many.push_back(recruit(1, 1 + i % 2));
  const ChangeSet cs = tick_with(w, many);
  CAF_CHECK_EQUAL(count_events(cs.events, events::kArmyRecruited),
                  static_cast<size_t>(kMaxRecruitmentsPerDay));
  CAF_CHECK_EQUAL(count_events(cs.events, events::kCommandFailed), 2u);
  const Event* failed = find_event(cs, events::kCommandFailed);
  CAF_REQUIRE(failed != nullptr);
  CAF_CHECK(contains(failed->data, "the most a nation can in a day"));
  // The next day the nation may recruit again.
  const ChangeSet next = tick_with(w, {recruit(1, 1)});
  CAF_CHECK_EQUAL(count_events(next.events, events::kArmyRecruited), 1u);
}

CAF_TEST(the AI stands aside for a nation a player holds) {
  // At war, rich and big enough to recruit: the AI side raises regiments on
  // the first of the month and picks its taxes; the player's side does not.
  WorldSnapshot s = line_world({1, 1, 1, 2, 2, 2});
  for (auto& p : s.provinces) p.development = 20;
  add_war(s, 1, 2);
  World w(s);
  tick_with(w, {set_player(1), set_tax(1, 4), set_tax(2, 4)});
  while (w.meta().tick < 21) tick_with(w);  // past 1444-12-01
  const Nation human = *w.nation(1), ai = *w.nation(2);
  CAF_CHECK_EQUAL(human.tax_level, 4);
  CAF_CHECK_EQUAL(ai.tax_level, kTuning.war_tax_level);
  CAF_CHECK_EQUAL(w.armies_of(1)->size(), 0u);
  CAF_CHECK_GREATER(w.armies_of(2)->size(), 0u);
}

CAF_TEST(an AI accepts a player 's surrender and refuses a player' s demands) {
  WorldSnapshot s = line_world({1, 1, 2, 2});
  add_war(s, 1, 2);
  World w(s);
  tick_with(w, {set_player(1)});
  ChangeSet refused = tick_with(w, {offer_peace(1, PeaceTerms::win)});
  CAF_CHECK_EQUAL(count_events(refused.events, events::kPeaceRefused), 1u);
  CAF_CHECK(w.war(1)->active());
  ChangeSet conceded = tick_with(w, {offer_peace(1, PeaceTerms::concede)});
  const Event* peace = find_event(conceded, events::kPeace);
  CAF_REQUIRE(peace != nullptr);
  CAF_CHECK(contains(peace->data, "\"winner\":2"));
  CAF_CHECK(!w.war(1)->active());
  const Nation n1 = *w.nation(1);
  CAF_CHECK_EQUAL(n1.war, 0);
}

CAF_TEST(peace commands after a peace made that day fail with an event) {
  WorldSnapshot s = line_world({1, 1, 2, 2});
  add_war(s, 1, 2);
  World w(s);
  tick_with(w, {set_player(1)});
  // The AI accepts the concession; the demand after it finds the war over.
  ChangeSet day =
      tick_with(w, {offer_peace(1, PeaceTerms::concede), offer_peace(1, PeaceTerms::win)});
  CAF_CHECK_EQUAL(count_events(day.events, events::kPeace), 1u);
  CAF_REQUIRE_EQUAL(count_events(day.events, events::kCommandFailed), 1u);
  const Event* failed = find_event(day, events::kCommandFailed);
  CAF_CHECK(contains(failed->data, "peace was made earlier today"));
  CAF_CHECK(!w.war(1)->active());
}

CAF_TEST(between two players an offer stands until accepted or expired) {
  WorldSnapshot s = line_world({1, 1, 2, 2});
  add_war(s, 1, 2);
  World w(s);
  tick_with(w, {set_player(1), set_player(2)});
  ChangeSet early = tick_with(w, {accept_peace(2)});  // nothing to accept yet
  CAF_CHECK_EQUAL(count_events(early.events, events::kCommandFailed), 1u);

  ChangeSet offered = tick_with(w, {offer_peace(1, PeaceTerms::white)});
  CAF_CHECK_EQUAL(count_events(offered.events, events::kPeaceOffered), 1u);
  const War pending = *w.war(1);
  CAF_CHECK_EQUAL(pending.peace_offer_by, 1);
  CAF_CHECK_EQUAL(pending.peace_offer_winner, kNoNation);
  CAF_CHECK_EQUAL(refusal(w, accept_peace(2)), "accepted");
  CAF_CHECK(contains(refusal(w, accept_peace(1)), "no peace offer"));  // its own offer

  for (Tick d = 0; d < kTuning.peace_offer_days; ++d) tick_with(w);
  CAF_CHECK(!w.war(1)->has_peace_offer());
  CAF_CHECK(contains(refusal(w, accept_peace(2)), "no peace offer"));

  tick_with(w, {offer_peace(2, PeaceTerms::white)});
  ChangeSet accepted = tick_with(w, {accept_peace(1)});
  const Event* peace = find_event(accepted, events::kPeace);
  CAF_REQUIRE(peace != nullptr);
  CAF_CHECK(contains(peace->data, "\"winner\":0"));
  CAF_CHECK(!w.war(1)->active());
}

CAF_TEST(the same commands give the same game and other commands another) {
  auto play = [](bool with_commands) {
    World w(generate_world(test::small_world(11)));
    std::vector<uint64_t> hashes;
    for (Tick t = 1; t <= 60; ++t) {
      std::vector<Command> commands;
      if (with_commands && t == 5) commands = {set_player(3), set_tax(3, 0)};
      if (with_commands && t == 6) commands = {recruit(3, w.nation(3)->capital)};
      hashes.push_back(tick_with(w, commands).meta.state_hash);
    }
    return hashes;
  };
  const auto a = play(true), b = play(true), c = play(false);
  CAF_CHECK(a == b);
  CAF_CHECK(a != c);
  CAF_CHECK(std::equal(a.begin(), a.begin() + 4, c.begin()));  // nothing differs before tick 5
}

CAF_TEST(a peace command fails once and a war declared the same day ignores it) {
  WorldSnapshot s = line_world({1, 1, 2, 2});
  World w(s);
  tick_with(w, {set_player(1)});
  const ChangeSet cs = tick_with(w, {declare_war(1, 2), offer_peace(1, PeaceTerms::concede)});
  CAF_CHECK_EQUAL(count_events(cs.events, events::kWarDeclared), 1u);
  CAF_CHECK_EQUAL(count_events(cs.events, events::kCommandFailed), 1u);
  CAF_CHECK_EQUAL(count_events(cs.events, events::kPeace), 0u);
  const Nation n1 = *w.nation(1);
  CAF_REQUIRE(n1.war != 0);
  CAF_CHECK(w.war(n1.war)->active());
}

CAF_TEST(commands of a nation that died before their tick fail) {
  WorldSnapshot s = line_world({1, 1, 2, 2, 3});
  s.nations[2].alive = false;
  World w(s);
  const ChangeSet cs = tick_with(w, {set_tax(3, 1)});
  const Event* failed = find_event(cs, events::kCommandFailed);
  CAF_REQUIRE(failed != nullptr);
  CAF_CHECK(contains(failed->data, "no longer exists"));
}
