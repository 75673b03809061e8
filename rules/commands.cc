#include "rules/commands.h"

#include <algorithm>
#include <string>

#include "rules/events.h"
#include "rules/world_queries.h"
#include "state/command_json.h"

namespace hegemon {
namespace {

using nlohmann::json;

std::string nation_name(NationId id) { return "nation " + std::to_string(id); }
std::string province_name(ProvinceId id) { return "province " + std::to_string(id); }

Event failure_event(Tick tick, const Command& c, const std::string& reason) {
  const json data{{"seq", c.seq},
                  {"nation", c.nation},
                  {"kind", command_kind_name(c.kind)},
                  {"reason", reason}};
  return Event{tick, events::kCommandFailed, data.dump()};
}

// ---- nation-phase commands ---------------------------------------------------

Status check_declare_war(const NationPlan& plan, NationId target) {
  if (target == plan.id()) return Status::error("a nation cannot declare war on itself");
  const std::optional<Nation> t = plan.world.nation(target);
  if (!t) return Status::error("there is no " + nation_name(target));
  if (!t->alive) return Status::error(nation_name(target) + " no longer exists");
  if (plan.nation.war != 0) return Status::error(nation_name(plan.id()) + " is already at war");
  if (plan.declare_war_on != kNoNation)
    return Status::error(nation_name(plan.id()) + " already declares war on " +
                         nation_name(plan.declare_war_on) + " today");
  if (t->war != 0) return Status::error(nation_name(target) + " is already at war");
  return Status();
}

Status check_recruit(const NationPlan& plan, ProvinceId province) {
  if (!plan.world.map().has_province(province))
    return Status::error("there is no " + province_name(province));
  if (!holds(plan.provinces.get(province), plan.id()))
    return Status::error(province_name(province) + " is not held by " + nation_name(plan.id()));
  if (static_cast<int64_t>(plan.recruitments.size()) >= kMaxRecruitmentsPerDay)
    return Status::error(nation_name(plan.id()) + " already recruits " +
                         std::to_string(kMaxRecruitmentsPerDay) +
                         " armies today, the most a nation can in a day");
  if (plan.nation.treasury < plan.tuning.recruit_cost)
    return Status::error("recruiting costs " + std::to_string(plan.tuning.recruit_cost) +
                         " ducats; the treasury holds " + std::to_string(plan.nation.treasury));
  if (plan.nation.manpower < plan.tuning.recruit_strength)
    return Status::error("recruiting takes " + std::to_string(plan.tuning.recruit_strength) +
                         " men; the manpower pool holds " + std::to_string(plan.nation.manpower));
  return Status();
}

const ArmyRoster::Entry* find_army(const NationPlan& plan, ArmyId id) {
  for (const auto& e : plan.armies.entries())
    if (e.now.id == id && !e.destroyed) return &e;
  return nullptr;
}

// The path as the army will march it: a leading entry naming where the army
// already stands is dropped (clients may include the start).
std::vector<ProvinceId> march_of(const Army& army, const std::vector<ProvinceId>& path) {
  if (!path.empty() && path.front() == army.location) return {path.begin() + 1, path.end()};
  return path;
}

Status check_move(const NationPlan& plan, const Command& c) {
  const ArmyRoster::Entry* e = find_army(plan, c.army);
  if (!e)
    return Status::error("army " + std::to_string(c.army) + " is not an army of " +
                         nation_name(plan.id()));
  const WorldMap& map = plan.world.map();
  const std::vector<ProvinceId> march = march_of(e->now, c.path);
  if (march.empty()) return Status::error("the path names no province to march to");
  ProvinceId from = e->now.location;
  for (ProvinceId p : march) {
    if (!map.has_province(p)) return Status::error("there is no " + province_name(p));
    if (!map.adjacent(from, p))
      return Status::error(province_name(p) + " is not adjacent to " + province_name(from));
    from = p;
  }
  return Status();
}

Status check_nation_command(const NationPlan& plan, const Command& c) {
  switch (c.kind) {
    case CommandKind::declare_war: return check_declare_war(plan, c.target);
    case CommandKind::recruit: return check_recruit(plan, c.province);
    case CommandKind::move_army: return check_move(plan, c);
    case CommandKind::set_tax:
      if (c.level < kMinTaxLevel || c.level > kMaxTaxLevel)
        return Status::error("the tax level must be " + std::to_string(kMinTaxLevel) + ".." +
                             std::to_string(kMaxTaxLevel));
      return Status();
    case CommandKind::set_player: return Status();
    case CommandKind::offer_peace:
    case CommandKind::accept_peace:
      if (!plan.at_war()) return Status::error(nation_name(plan.id()) + " is not at war");
      return Status();
  }
  return Status::error("unknown command");
}

// Precondition: check_nation_command(plan, c) is ok and c is no peace command.
void apply_checked(NationPlan& plan, const Command& c) {
  switch (c.kind) {
    case CommandKind::declare_war: plan.declare_war_on = c.target; break;
    case CommandKind::recruit:
      plan.nation.treasury -= plan.tuning.recruit_cost;
      plan.nation.manpower -= plan.tuning.recruit_strength;
      plan.recruitments.push_back(Recruitment{c.province, plan.tuning.recruit_strength});
      break;
    case CommandKind::move_army:
      for (auto& e : plan.armies.entries()) {
        if (e.now.id != c.army) continue;
        std::vector<ProvinceId> march = march_of(e.now, c.path);
        // Days already marched count only if it keeps heading the same way.
        if (e.now.path.empty() || e.now.path.front() != march.front()) e.now.move_progress = 0;
        e.now.path = std::move(march);
      }
      break;
    case CommandKind::set_tax: plan.nation.tax_level = c.level; break;
    case CommandKind::set_player: plan.nation.player = c.player; break;
    case CommandKind::offer_peace:
    case CommandKind::accept_peace: break;  // the war phase's
  }
}

// ---- peace commands ------------------------------------------------------------

bool offer_expired(const Tuning& tuning, const War& war, Tick tick) {
  return war.has_peace_offer() && tick - war.peace_offer_tick >= tuning.peace_offer_days;
}

Status check_peace_command(const Tuning& tuning, const War& war, const Command& c, Tick tick) {
  if (c.kind != CommandKind::accept_peace) return Status();
  if (!war.has_peace_offer() || war.peace_offer_by == c.nation || offer_expired(tuning, war, tick))
    return Status::error("the enemy has made no peace offer to accept");
  return Status();
}

NationId proposed_winner(const War& war, const Command& offer) {
  const NationId enemy = offer.nation == war.attacker ? war.defender : war.attacker;
  switch (offer.terms) {
    case PeaceTerms::win: return offer.nation;
    case PeaceTerms::concede: return enemy;
    case PeaceTerms::white: break;
  }
  return kNoNation;
}

// An AI side's answer to a player's offer: it takes any peace it wins, a white
// peace unless it is winning clearly, and defeat only when beaten as badly as
// it would be to offer defeat itself.
bool ai_accepts(const WarPlan& plan, NationId ai, NationId winner) {
  const int32_t own_score = ai == plan.attacker() ? plan.war.war_score : -plan.war.war_score;
  if (winner == ai) return true;
  if (winner == kNoNation) return own_score < plan.tuning.ai_refuses_white_peace_at;
  return own_score <= -plan.tuning.peace_offer_score;
}

}  // namespace

Status check_command(const World& world, const Command& c) {
  const std::optional<Nation> nation = world.nation(c.nation);
  if (!nation) return Status::error("there is no " + nation_name(c.nation));
  if (!nation->alive) return Status::error(nation_name(c.nation) + " no longer exists");
  const Tick tick = world.meta().tick + 1;
  if (is_peace_command(c.kind)) {
    const std::optional<War> war = nation->war != 0 ? world.war(nation->war) : std::nullopt;
    if (!war || !war->active()) return Status::error(nation_name(c.nation) + " is not at war");
    return check_peace_command(world.map().tuning(), *war, c, tick);
  }
  const NationPlan plan(world, *nation, tick);
  return check_nation_command(plan, c);
}

void record_commands(ChangeRecorder& rec, const std::vector<Command>& commands) {
  for (const Command& c : commands) {
    rec.add(Event{rec.tick(), events::kCommand, command_to_json(c).dump()});
    // A nation that died since is not planned, so its commands fail here.
    const std::optional<Nation> n = rec.world().nation(c.nation);
    if (!n || !n->alive)
      rec.add(failure_event(rec.tick(), c, nation_name(c.nation) + " no longer exists"));
  }
}

std::vector<Command> commands_of_nation(const std::vector<Command>& commands, NationId nation) {
  std::vector<Command> out;
  for (const Command& c : commands)
    if (c.nation == nation) out.push_back(c);
  return out;
}

std::vector<Command> commands_of_war(const World& world, const std::vector<Command>& commands,
                                     const War& war) {
  std::vector<Command> out;
  for (const Command& c : commands) {
    if (!is_peace_command(c.kind) || (c.nation != war.attacker && c.nation != war.defender))
      continue;
    // A war declared today did not exist when the command was given; the
    // nation phase already failed it (its nation was not at war).
    if (war.start_tick >= c.tick) continue;
    const std::optional<Nation> n = world.nation(c.nation);
    if (n && n->war == war.id) out.push_back(c);
  }
  return out;
}

void apply_nation_commands(NationPlan& plan, const std::vector<Command>& commands) {
  for (const Command& c : commands) {
    if (c.nation != plan.id()) continue;
    const Status ok = check_nation_command(plan, c);
    if (!ok.ok()) {
      plan.events.push_back(failure_event(plan.tick, c, ok.message()));
    } else {
      apply_checked(plan, c);
    }
  }
}

std::optional<NationId> apply_peace_commands(WarPlan& plan, const std::vector<Command>& commands) {
  War& war = plan.war;
  if (offer_expired(plan.tuning, war, plan.tick)) {
    plan.events.push_back(make_event(plan.tick, events::kPeaceOfferExpired,
                                     {{"war", war.id}, {"by", war.peace_offer_by}}));
    war.clear_peace_offer();
  }
  // Once peace is made, the day's later peace commands of this war have no
  // war left to act on; each still gets its command_failed event, as every
  // command that does not apply does (docs/PROTOCOL.md).
  auto make_peace = [&](size_t agreed, NationId winner) {
    for (size_t i = agreed + 1; i < commands.size(); ++i)
      plan.events.push_back(failure_event(plan.tick, commands[i], "peace was made earlier today"));
    return std::optional<NationId>(winner);
  };
  for (size_t i = 0; i < commands.size(); ++i) {
    const Command& c = commands[i];
    const Status ok = check_peace_command(plan.tuning, war, c, plan.tick);
    if (!ok.ok()) {
      plan.events.push_back(failure_event(plan.tick, c, ok.message()));
      continue;
    }
    if (c.kind == CommandKind::accept_peace) {
      const NationId winner = war.peace_offer_winner;
      war.clear_peace_offer();
      return make_peace(i, winner);
    }
    const NationId winner = proposed_winner(war, c);
    const NationId enemy = plan.enemy_of(c.nation);
    const std::optional<Nation> other = plan.world.nation(enemy);
    if (other && other->player) {  // a player answers for itself
      war.peace_offer_by = c.nation;
      war.peace_offer_winner = winner;
      war.peace_offer_tick = plan.tick;
      plan.events.push_back(make_event(plan.tick, events::kPeaceOffered,
                                       {{"war", war.id}, {"by", c.nation}, {"winner", winner}}));
      continue;
    }
    if (ai_accepts(plan, enemy, winner)) {
      war.clear_peace_offer();
      return make_peace(i, winner);
    }
    plan.events.push_back(make_event(plan.tick, events::kPeaceRefused,
                                     {{"war", war.id}, {"by", c.nation}, {"winner", winner}}));
  }
  return std::nullopt;
}

}  // namespace hegemon
