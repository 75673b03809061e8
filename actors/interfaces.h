// Typed interfaces of Hegemon's actors: what each accepts and replies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/actor_key.h"
#include "actors/atoms.h"
#include "actors/game_status.h"
#include "actors/messages.h"

namespace hegemon {

// One per living nation: computes its nation's proposal for a tick, given
// the nation's commands for that tick.
using nation_actor =
    caf::typed_actor<caf::replies_to<plan_atom, Tick, std::vector<Command>>::with<NationProposal>>;

// One per active war: resolves battles, sieges, war score and peace for a
// tick, given its belligerents' peace commands for that tick.
using war_actor =
    caf::typed_actor<caf::replies_to<resolve_atom, Tick, std::vector<Command>>::with<WarProposal>>;

// Sole owner of the save's write connection. Replies to a commit with the
// committed tick and its share of the transaction's duration in microseconds
// (a transaction may hold several ticks), or with
// Errc::io_fault (the disk refused: worth retrying) or
// Errc::persistence_failed. An incident (tick, type, JSON data) goes to
// event_log at once, outside any tick (or once the disk takes writes again).
// `load` reads the world back as committed (after every commit received
// before it).
using persistence_actor = caf::typed_actor<
    caf::replies_to<commit_atom, ChangeSetPtr>::with<Tick, int64_t>,
    caf::reacts_to<flush_atom>,  // internal: writes the commits waiting (group commit)
    caf::replies_to<load_atom>::with<WorldSnapshotPtr>,
    caf::replies_to<token_atom, std::string, NationId, std::string>::with<int64_t>,
    caf::replies_to<revoke_atom, int64_t>::with<caf::ok_atom>,
    caf::replies_to<tokens_atom>::with<std::vector<TokenRecord>>,
    caf::replies_to<checkpt_atom>::with<caf::ok_atom>,
    caf::replies_to<save_as_atom, std::string>::with<caf::ok_atom>,
    caf::reacts_to<incident_atom, Tick, std::string, std::string>,
    // Rolls the save back to an earlier tick (tools/rollback.h) and replies
    // with the world as it was then. Only while no commit is in flight.
    caf::replies_to<rollback_atom, Tick>::with<WorldSnapshotPtr>>;

// Runs the tick loop; the game's control surface.
using coordinator_actor = caf::typed_actor<
    caf::reacts_to<next_atom, uint64_t>,  // internal: timer for the next tick (epoch)
    caf::reacts_to<retry_atom,
                   uint64_t>,  // internal: timer to retry commits after an I/O fault (epoch)
    // From the game supervisor: a child (nation, war, persistence) incarnation
    // is running, or its supervisor gave up on it (the game pauses).
    caf::reacts_to<kid_started_atom, ActorKey, uint64_t, caf::actor, std::string>,
    caf::reacts_to<escalate_atom, ActorKey, std::string, Tick>,
    caf::replies_to<status_atom>::with<GameStatus>,
    // A player command (seq and nation set): checked against the world now,
    // then scheduled for the next tick to start. Replies with the command as
    // scheduled (its tick set), or Errc::command_refused saying why not.
    caf::replies_to<command_atom, Command>::with<Command>,
    caf::replies_to<pause_atom>::with<caf::ok_atom>,
    caf::replies_to<resume_atom>::with<caf::ok_atom>,
    caf::replies_to<speed_atom, int32_t>::with<caf::ok_atom>,
    caf::replies_to<checkpt_atom>::with<caf::ok_atom>,
    caf::replies_to<save_as_atom, std::string>::with<caf::ok_atom>,
    // Stops ticking, lets the tick in flight finish, waits for every commit,
    // checkpoints, and replies with the last committed tick.
    caf::replies_to<stop_atom>::with<Tick>>;

}  // namespace hegemon
