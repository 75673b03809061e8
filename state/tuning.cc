#include "state/tuning.h"

#include <sstream>
#include <type_traits>

#include "state/world_limits.h"

namespace hegemon {
namespace {

// One accessor pair per member, made from the member pointer at compile time,
// so the table below names each field once and cannot pair a name with the
// wrong member's getter.
template <auto Member>
int64_t get_member(const Tuning& t) {
  return static_cast<int64_t>(t.*Member);
}
template <auto Member>
void set_member(Tuning& t, int64_t v) {
  using T = std::remove_reference_t<decltype(t.*Member)>;
  t.*Member = static_cast<T>(v);
}
template <auto Member, int Index>
int64_t get_element(const Tuning& t) {
  return static_cast<int64_t>((t.*Member)[Index]);
}
template <auto Member, int Index>
void set_element(Tuning& t, int64_t v) {
  (t.*Member)[Index] = static_cast<int32_t>(v);
}

template <auto Member>
TuningField field(const char* name, int64_t min, int64_t max, const char* doc) {
  return TuningField{name, min, max, doc, &get_member<Member>, &set_member<Member>};
}

template <auto Member>
void add_terrain_fields(std::vector<TuningField>& out, const char* prefix, int64_t min, int64_t max,
                        const char* doc) {
  auto add = [&](auto index_constant) {
    constexpr int kIndex = decltype(index_constant)::value;
    std::string name = std::string(prefix) + "_" + terrain_name(static_cast<Terrain>(kIndex));
    out.push_back(TuningField{
        name, min, max, std::string(doc) + " (" + terrain_name(static_cast<Terrain>(kIndex)) + ")",
        &get_element<Member, kIndex>, &set_element<Member, kIndex>});
  };
  static_assert(kTerrainCount == 6, "one accessor per terrain below");
  add(std::integral_constant<int, 0>{});
  add(std::integral_constant<int, 1>{});
  add(std::integral_constant<int, 2>{});
  add(std::integral_constant<int, 3>{});
  add(std::integral_constant<int, 4>{});
  add(std::integral_constant<int, 5>{});
}

// The ranges keep every product the rules form within its type (see the
// entity ranges in world_limits.h), every divisor and period at least 1, and
// every chance a per mille or a percent.
std::vector<TuningField> make_fields() {
  using T = Tuning;
  std::vector<TuningField> f;
  // provinces
  f.push_back(field<&T::dev_growth_base_per_mille>(
      "dev_growth_base_per_mille", 0, 1000,
      "monthly chance (per mille) that a calm, controlled province develops"));
  f.push_back(field<&T::dev_growth_per_stability_per_mille>(
      "dev_growth_per_stability_per_mille", 0, 300,
      "added chance per point of positive stability"));
  f.push_back(field<&T::unrest_per_tax_level>("unrest_per_tax_level", 0, kMaxUnrest,
                                              "unrest target per tax level"));
  f.push_back(
      field<&T::unrest_per_negative_stability>("unrest_per_negative_stability", 0, kMaxUnrest,
                                               "unrest target per point of negative stability"));
  f.push_back(field<&T::unrest_occupied>("unrest_occupied", 0, kMaxUnrest,
                                         "unrest target added while occupied"));
  f.push_back(field<&T::unrest_at_war>("unrest_at_war", 0, kMaxUnrest,
                                       "unrest target added while the owner is at war"));
  f.push_back(field<&T::unrest_step>("unrest_step", 1, kMaxUnrest,
                                     "most unrest moves toward its target in a month"));
  f.push_back(field<&T::revolt_threshold>("revolt_threshold", 0, kMaxUnrest,
                                          "unrest above which a province may revolt"));
  f.push_back(field<&T::revolt_per_mille_per_point>(
      "revolt_per_mille_per_point", 0, 1000,
      "monthly revolt chance (per mille) per point above it"));
  // economy
  f.push_back(field<&T::income_divisor>("income_divisor", 1, 1000,
                                        "income = sum of development * (tax level + 1) / this"));
  f.push_back(field<&T::upkeep_per_thousand_men>("upkeep_per_thousand_men", 0, 1000,
                                                 "monthly ducats per 1000 men under arms"));
  f.push_back(field<&T::peace_tax_level>("peace_tax_level", kMinTaxLevel, kMaxTaxLevel,
                                         "tax level the AI sets at peace"));
  f.push_back(field<&T::war_tax_level>("war_tax_level", kMinTaxLevel, kMaxTaxLevel,
                                       "tax level the AI sets at war"));
  f.push_back(field<&T::unstable_tax_level>("unstable_tax_level", kMinTaxLevel, kMaxTaxLevel,
                                            "tax level the AI sets when stability is negative"));
  f.push_back(field<&T::stability_cost_base>(
      "stability_cost_base", 0, 1'000'000, "a point of stability costs this + total development"));
  // manpower and armies
  f.push_back(field<&T::manpower_cap_per_dev>("manpower_cap_per_dev", 0, 1000,
                                              "manpower pool per point of development"));
  f.push_back(field<&T::manpower_regen_per_dev>(
      "manpower_regen_per_dev", 0, 1000, "monthly manpower regained per point of development"));
  f.push_back(field<&T::force_limit_per_dev>(
      "force_limit_per_dev", 0, 1000, "men under arms a nation keeps per point of development"));
  f.push_back(field<&T::recruit_strength>("recruit_strength", 1, kMaxArmyStrength,
                                          "men in a newly recruited army"));
  f.push_back(field<&T::recruit_cost>("recruit_cost", 0, 1'000'000, "ducats per recruitment"));
  f.push_back(field<&T::reinforce_per_army>("reinforce_per_army", 0, kMaxArmyStrength,
                                            "men an army regains per month at most"));
  f.push_back(field<&T::start_army_cap>("start_army_cap", 0, kMaxArmyStrength,
                                        "largest starting army of a generated nation"));
  f.push_back(field<&T::morale_recovery_per_day>("morale_recovery_per_day", 0, kMaxMorale,
                                                 "morale an army regains per day"));
  f.push_back(field<&T::bankruptcy_desertion_pct>("bankruptcy_desertion_pct", 0, 100,
                                                  "percent of every army deserting at bankruptcy"));
  f.push_back(field<&T::min_army_strength>("min_army_strength", 1, kMaxArmyStrength,
                                           "armies smaller than this are destroyed"));
  // AI
  f.push_back(field<&T::attack_min_morale>("attack_min_morale", 0, kMaxMorale,
                                           "morale an army needs to attack"));
  f.push_back(field<&T::max_search_visits>("max_search_visits", 1, kMaxArmyPath,
                                           "provinces an army's search visits at most"));
  f.push_back(field<&T::idle_search_period>("idle_search_period", 1, 365,
                                            "days between an idle army's searches for a target"));
  f.push_back(field<&T::threat_review_months>(
      "threat_review_months", 1, 120, "months between a nation's reviews of its neighbours"));
  f.push_back(field<&T::war_chance_per_aggression>(
      "war_chance_per_aggression", 0, 10,
      "monthly war chance (per mille) per point of aggression"));
  f.push_back(field<&T::min_days_between_wars>("min_days_between_wars", 0, 36500,
                                               "days a nation waits between its wars"));
  f.push_back(field<&T::weaker_num>("weaker_num", 0, 1000,
                                    "a target must be weaker than ours by weaker_num/weaker_den"));
  f.push_back(field<&T::weaker_den>("weaker_den", 1, 1000, "see weaker_num"));
  // terrain
  add_terrain_fields<&T::move_days>(f, "move_days", 1, 365, "days to enter a province");
  add_terrain_fields<&T::defence_pct>(f, "defence_pct", 1, 1000,
                                      "battle power (percent) of the side owning the province");
  add_terrain_fields<&T::siege_pct>(f, "siege_pct", 1, 1000, "siege duration (percent)");
  // battle
  f.push_back(field<&T::dice_sides>("dice_sides", 1, 100, "sides of a battle die"));
  f.push_back(field<&T::dice_bonus>("dice_bonus", 0, 100, "added to every battle roll"));
  f.push_back(field<&T::casualty_divisor>("casualty_divisor", 1, 100000,
                                          "casualties inflicted = power * terrain * roll / this"));
  f.push_back(field<&T::loser_morale_divisor>("loser_morale_divisor", 1, 100,
                                              "the loser keeps morale / this"));
  f.push_back(field<&T::winner_morale_loss>("winner_morale_loss", 0, kMaxMorale,
                                            "morale the winner of a battle loses"));
  f.push_back(field<&T::battle_score_min_shift>("battle_score_min_shift", 0, kBattleScoreMax,
                                                "least battle score a won battle moves"));
  f.push_back(field<&T::battle_score_max_shift>("battle_score_max_shift", 0, kBattleScoreMax,
                                                "most battle score a won battle moves"));
  // siege
  f.push_back(field<&T::min_siege_strength>("min_siege_strength", 1, kMaxArmyStrength,
                                            "men an army needs to besiege"));
  f.push_back(
      field<&T::siege_base_days>("siege_base_days", 1, 3650, "days a siege takes at least"));
  f.push_back(field<&T::siege_days_per_two_dev>("siege_days_per_two_dev", 0, 365,
                                                "siege days added per two points of development"));
  f.push_back(field<&T::siege_luck_per_mille>(
      "siege_luck_per_mille", 0, 1000, "daily chance (per mille) of an extra day's progress"));
  f.push_back(field<&T::siege_decay_per_survey>(
      "siege_decay_per_survey", 0, 3650, "progress an abandoned siege loses per front survey"));
  // war score and peace
  f.push_back(field<&T::front_survey_period>("front_survey_period", 1, 365,
                                             "days between a war's surveys of its front"));
  f.push_back(field<&T::occupation_score_max>("occupation_score_max", 0, kWarScoreMax,
                                              "most war score occupation gives"));
  f.push_back(field<&T::forced_peace_score>("forced_peace_score", 1, kWarScoreMax,
                                            "war score at which peace is forced"));
  f.push_back(field<&T::peace_offer_score>("peace_offer_score", 0, kWarScoreMax,
                                           "war score at which the winner may offer peace"));
  f.push_back(field<&T::peace_offer_per_mille>("peace_offer_per_mille", 0, 1000,
                                               "daily chance (per mille) of that offer"));
  f.push_back(
      field<&T::max_war_days>("max_war_days", 1, 36500, "days after which a war times out"));
  f.push_back(field<&T::white_peace_below>("white_peace_below", 0, kWarScoreMax,
                                           "a timed-out war this close is a draw"));
  f.push_back(field<&T::peace_offer_days>("peace_offer_days", 1, 3650,
                                          "days a player's peace offer stands"));
  f.push_back(field<&T::ai_refuses_white_peace_at>(
      "ai_refuses_white_peace_at", 0, kWarScoreMax,
      "the AI refuses a white peace when its war score is at least this"));
  // fog of war
  f.push_back(field<&T::sight_radius>("sight_radius", 0, kMaxSightRadius,
                                      "steps beyond its provinces and armies a player sees"));
  return f;
}

}  // namespace

bool operator==(const Tuning& a, const Tuning& b) {
  for (const TuningField& f : tuning_fields()) {
    if (f.get(a) != f.get(b)) return false;
  }
  return true;
}

const std::vector<TuningField>& tuning_fields() {
  static const std::vector<TuningField> fields = make_fields();
  return fields;
}

const TuningField* find_tuning_field(std::string_view name) {
  for (const TuningField& f : tuning_fields()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<std::string> set_tuning_value(Tuning& tuning, std::string_view name, int64_t value) {
  const TuningField* f = find_tuning_field(name);
  if (!f) return "unknown tuning value '" + std::string(name) + "'";
  if (value < f->min || value > f->max) {
    return "tuning value " + f->name + " = " + std::to_string(value) + " is outside " +
           std::to_string(f->min) + ".." + std::to_string(f->max);
  }
  f->set(tuning, value);
  return std::nullopt;
}

std::optional<std::string> check_tuning(const Tuning& tuning) {
  for (const TuningField& f : tuning_fields()) {
    int64_t v = f.get(tuning);
    if (v < f.min || v > f.max) {
      return "tuning value " + f.name + " = " + std::to_string(v) + " is outside " +
             std::to_string(f.min) + ".." + std::to_string(f.max);
    }
  }
  if (tuning.battle_score_min_shift > tuning.battle_score_max_shift) {
    return std::string("battle_score_min_shift must not exceed battle_score_max_shift");
  }
  if (tuning.peace_offer_score > tuning.forced_peace_score) {
    return std::string("peace_offer_score must not exceed forced_peace_score");
  }
  if (tuning.weaker_num > tuning.weaker_den) {
    return std::string("weaker_num must not exceed weaker_den");
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, int64_t>> tuning_values(const Tuning& tuning) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const TuningField& f : tuning_fields()) out.emplace_back(f.name, f.get(tuning));
  return out;
}

std::vector<std::pair<std::string, int64_t>> tuning_overrides(const Tuning& tuning) {
  const Tuning defaults;
  std::vector<std::pair<std::string, int64_t>> out;
  for (const TuningField& f : tuning_fields()) {
    if (f.get(tuning) != f.get(defaults)) out.emplace_back(f.name, f.get(tuning));
  }
  return out;
}

std::string tuning_markdown_table() {
  const Tuning defaults;
  std::ostringstream out;
  out << "| name | default | min | max | meaning |\n|---|---:|---:|---:|---|\n";
  for (const TuningField& f : tuning_fields()) {
    out << "| `" << f.name << "` | " << f.get(defaults) << " | " << f.min << " | " << f.max << " | "
        << f.doc << " |\n";
  }
  return out.str();
}

}  // namespace hegemon
