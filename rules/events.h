// The catalogue of game events the rules emit (state/event.h: a type name and
// a flat JSON object of integer fields). Rules and tests name types through
// these constants so a typo is a compile error, not a silently missing row.
//
//   type                      fields                                      emitted by
//   war_declared              war, attacker, defender                     nation merge
//   war_declaration_refused   nation, target                              nation merge
//   army_recruited            army, nation, province                      nation merge
//   revolt                    province, nation                            nation phase (monthly)
//   bankruptcy                nation                                      nation phase (monthly)
//   battle                    war, province, attacker_losses,             war phase
//                             defender_losses, winner (a nation id)
//   army_destroyed            army, nation                                war phase
//   siege_won                 war, province, nation (the new controller)  war phase
//   province_transferred      province, from, to, war                     war phase (peace)
//   capital_moved             nation, province                            war phase (peace)
//   peace                     war, winner (0 = white peace), provinces    war phase, end of tick
//                             (how many changed hands)
//   nation_eliminated         nation, by (0 = unknown)                    end of tick
//   command                   the whole command: seq, nation, kind and    start of tick
//                             its fields (state/command_json.h)
//   command_failed            seq, nation, kind, reason (a sentence)      nation or war phase
//   peace_offered             war, by, winner (0 = white peace)           war phase
//   peace_refused             war, by, winner (an AI said no)             war phase
//   peace_offer_expired       war, by                                     war phase
// Only `command` and `command_failed` carry non-integer fields.
#pragma once

#include <string_view>

namespace hegemon::events {

constexpr const char* kWarDeclared = "war_declared";
constexpr const char* kWarDeclarationRefused = "war_declaration_refused";
constexpr const char* kArmyRecruited = "army_recruited";
constexpr const char* kRevolt = "revolt";
constexpr const char* kBankruptcy = "bankruptcy";
constexpr const char* kBattle = "battle";
constexpr const char* kArmyDestroyed = "army_destroyed";
constexpr const char* kSiegeWon = "siege_won";
constexpr const char* kProvinceTransferred = "province_transferred";
constexpr const char* kCapitalMoved = "capital_moved";
constexpr const char* kPeace = "peace";
constexpr const char* kNationEliminated = "nation_eliminated";
constexpr const char* kCommand = "command";
constexpr const char* kCommandFailed = "command_failed";
constexpr const char* kPeaceOffered = "peace_offered";
constexpr const char* kPeaceRefused = "peace_refused";
constexpr const char* kPeaceOfferExpired = "peace_offer_expired";

// Whether `type` is one of the above: an event the rules emit as part of a
// tick (as opposed to an operational incident such as actor_crashed, which
// goes to audit_log). Replays compare exactly these. docs/EVENTS.md
// documents each (checked by audit_log_test).
inline constexpr const char* kGameEvents[] = {kWarDeclared,
                                              kWarDeclarationRefused,
                                              kArmyRecruited,
                                              kRevolt,
                                              kBankruptcy,
                                              kBattle,
                                              kArmyDestroyed,
                                              kSiegeWon,
                                              kProvinceTransferred,
                                              kCapitalMoved,
                                              kPeace,
                                              kNationEliminated,
                                              kCommand,
                                              kCommandFailed,
                                              kPeaceOffered,
                                              kPeaceRefused,
                                              kPeaceOfferExpired};
inline bool is_game_event(std::string_view type) {
  for (const char* t : kGameEvents)
    if (type == t) return true;
  return false;
}

// The operational incidents the actors write to audit_log outside any tick
// (actors/incident.h; schema/009_audit_log.sql). Saves before schema 9 kept
// them in event_log, and the migration moved them; replay still skips them
// there, and reports any type that is neither one of these nor a game event
// as damage: a new incident type must be listed here and in docs/EVENTS.md.
inline constexpr const char* kIncidents[] = {
    "actor_crashed", "actor_restarted", "supervisor_escalated", "game_paused",
    "game_resumed",  "save_restored",   "rolled_back"};
// Operators' actions, which the gateway records in audit_log beside the
// incidents (net/session_audit.cc): who (role, stored token id, client, peer;
// never a token) and what. docs/EVENTS.md documents each.
inline constexpr const char* kOperatorActions[] = {"login_refused",   "token_issued",
                                                   "token_revoked",   "client_kicked",
                                                   "save_downloaded", "sql_queried"};
inline bool is_operator_action(std::string_view type) {
  for (const char* t : kOperatorActions)
    if (type == t) return true;
  return false;
}

inline bool is_incident(std::string_view type) {
  for (const char* t : kIncidents)
    if (type == t) return true;
  return false;
}

}  // namespace hegemon::events
