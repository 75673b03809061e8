// The tick's two phases: the nation phase asks every nation with work for
// its proposal and merges them in ascending nation id; the war phase spawns
// actors for wars declared in that merge, asks every war actor and merges in
// ascending war id; then the tick is finished (coordinator.cc).
#include <spdlog/spdlog.h>

#include "actors/coordinator_state.h"
#include "actors/errors.h"
#include "rules/commands.h"
#include "rules/phases.h"
#include "state/world_check.h"

namespace hegemon {
namespace coordinator_detail {
namespace {

void start_war_phase(self_ptr self);
void request_nation(self_ptr self, size_t slot);
void request_war(self_ptr self, size_t slot);

// The living nations the nation phase must ask: an idle one would propose
// nothing (nation_idle_today), and at about 5 us a round trip, asking every
// nation every day cost more than the rules themselves. A nation an injected
// fault names for this tick is asked anyway, or the crash would not happen.
std::vector<int32_t> nations_with_work(const World& world, Tick tick,
                                       const std::vector<Command>& commands,
                                       const FaultPlan* faults) {
  std::vector<int32_t> ids;
  // One read per nation: living_nations() and then nation() would read each twice.
  for (NationId id = 1; id <= world.map().nation_count(); ++id) {
    const std::optional<Nation> nation = world.nation(id);
    if (!nation || !nation->alive) continue;
    if (!nation_idle_today(world, *nation, tick, commands) ||
        (faults && faults->targets({ActorKind::nation, id}, tick)))
      ids.push_back(id);
  }
  return ids;
}

void on_phase_reply(self_ptr self, Tick tick, size_t slot, NationProposal proposal);
void on_phase_reply(self_ptr self, Tick tick, size_t slot, WarProposal proposal);

// A phase request failed: its actor crashed. Its supervisor either restarts it
// (on_new_incarnation asks the new one) or gives up (the game pauses), so there
// is nothing to do here but wait.
void on_phase_error(self_ptr self, Tick tick, const ActorKey& key, const caf::error& err) {
  spdlog::debug("{} failed tick {}: {}; awaiting its supervisor", key.to_string(), tick,
                describe(err));
}

// Asks the current incarnation of the actor behind `slot` of a phase for its
// proposal. A reply counts only if that incarnation is still the current one.
template <class Handle, class Proposal, class Atom>
void request_slot(self_ptr self, PhaseCollector<Proposal> coordinator_state::*phase, ActorKind kind,
                  Atom atom, size_t slot, std::vector<Command> commands) {
  auto& st = self->state;
  const Tick tick = st.recorder->tick();
  const ActorKey key{kind, (st.*phase).ids()[slot]};
  const auto handle = caf::actor_cast<Handle>(st.children.handle(key));
  if (!handle) return;  // down: asked again when a new incarnation starts
  const uint64_t generation = st.children.generation(key);
  self->request(handle, caf::infinite, atom, tick, std::move(commands))
      .then(
          [=](Proposal& p) {
            if (!self->state.children.current(key, generation)) return;  // stale
            on_phase_reply(self, tick, slot, std::move(p));
          },
          [=](caf::error& err) { on_phase_error(self, tick, key, err); });
}

void request_nation(self_ptr self, size_t slot) {
  auto& st = self->state;
  const NationId id = st.nation_phase.ids()[slot];
  request_slot<nation_actor>(self, &coordinator_state::nation_phase, ActorKind::nation,
                             plan_atom::value, slot, commands_of_nation(st.tick_commands, id));
}

void request_war(self_ptr self, size_t slot) {
  auto& st = self->state;
  const WarId id = st.war_phase.ids()[slot];
  const std::optional<War> war = st.world->war(id);
  request_slot<war_actor>(
      self, &coordinator_state::war_phase, ActorKind::war, resolve_atom::value, slot,
      war ? commands_of_war(*st.world, st.tick_commands, *war) : std::vector<Command>{});
}

void start_war_phase(self_ptr self) {
  auto& st = self->state;
  // Wars declared in the nation merge need their actors first.
  const auto wars = st.world->active_wars();
  bool spawning = false;
  for (WarId id : wars) {
    if (!st.children.known({ActorKind::war, id})) {
      spawning = true;
      request_spawn(self, {ActorKind::war, id}, [self] { start_war_phase(self); });
    }
  }
  if (spawning || st.children.spawning()) return;
  st.war_phase.start(wars);
  if (st.war_phase.complete()) return finish_tick(self);
  for (size_t i = 0; i < st.war_phase.ids().size(); ++i) request_war(self, i);
}

void on_phase_reply(self_ptr self, Tick tick, size_t slot, NationProposal proposal) {
  auto& st = self->state;
  if (!st.in_tick || st.recorder->tick() != tick) return;
  if (!st.nation_phase.store(slot, std::move(proposal)) || !st.nation_phase.complete()) return;
  merge_nation_phase(*st.recorder, st.nation_phase.take());
  st.stats.nation_phase_done(wall_now());
  start_war_phase(self);
}

void on_phase_reply(self_ptr self, Tick tick, size_t slot, WarProposal proposal) {
  auto& st = self->state;
  if (!st.in_tick || st.recorder->tick() != tick) return;
  if (!st.war_phase.store(slot, std::move(proposal)) || !st.war_phase.complete()) return;
  merge_war_phase(*st.recorder, st.war_phase.take());
  finish_tick(self);
}

}  // namespace

void start_tick(self_ptr self) {
  auto& st = self->state;
  // A tick that could carry the tick or an id counter past what a load
  // accepts is not started: the save stays one that opens (issue #13).
  if (Status room = check_room_for_next_tick(st.world->meta(), st.world->map().nation_count());
      !room.ok())
    return pause_with_error(self, room.message());
  if (st.faults) st.faults->maybe_crash({ActorKind::coordinator, 0}, st.world->meta().tick + 1);
  st.in_tick = true;
  st.stats.tick_started(wall_now());
  st.recorder = std::make_unique<ChangeRecorder>(*st.world, st.world->meta().tick + 1);
  st.tick_commands = st.scheduled.take(st.recorder->tick());
  record_commands(*st.recorder, st.tick_commands);
  st.nation_phase.start(
      nations_with_work(*st.world, st.recorder->tick(), st.tick_commands, st.faults.get()));
  st.stats.nations_asked(static_cast<int64_t>(st.nation_phase.ids().size()));
  st.war_phase.start({});
  if (st.nation_phase.complete()) {  // no nation left: nothing to plan
    merge_nation_phase(*st.recorder, st.nation_phase.take());
    st.stats.nation_phase_done(wall_now());
    return start_war_phase(self);
  }
  for (size_t i = 0; i < st.nation_phase.ids().size(); ++i) request_nation(self, i);
}

// A new incarnation of `key` runs: ask it for whatever the tick in flight
// still misses from it.
void ask_again(self_ptr self, const ActorKey& key) {
  auto& st = self->state;
  if (!st.in_tick) return;
  auto& nations = st.nation_phase;
  for (size_t i = 0; i < nations.ids().size(); ++i)
    if (key.kind == ActorKind::nation && nations.ids()[i] == key.id && !nations.filled(i))
      request_nation(self, i);
  auto& wars = st.war_phase;
  for (size_t i = 0; i < wars.ids().size(); ++i)
    if (key.kind == ActorKind::war && wars.ids()[i] == key.id && !wars.filled(i))
      request_war(self, i);
}

}  // namespace coordinator_detail
}  // namespace hegemon
