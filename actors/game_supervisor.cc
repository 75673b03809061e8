#include "actors/game_supervisor.h"

#include <tuple>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "actors/incident.h"
#include "actors/nation_actor.h"
#include "actors/war_actor.h"

namespace hegemon {
namespace {

struct game_state {
  caf::actor core;     // supervises persistence
  caf::actor nations;  // supervises nation actors
  caf::actor wars;     // supervises war actors
  caf::actor coordinator;
  std::shared_ptr<const World> world;

  // Incidents go to the current persistence incarnation; while it is down
  // they wait here.
  caf::actor persistence;
  std::vector<std::tuple<Tick, std::string, std::string>> pending_incidents;

  static const char* name;
};

const char* game_state::name = "game";

using game_ptr = caf::stateful_actor<game_state>*;

void flush_incidents(game_ptr self) {
  auto& st = self->state;
  if (!st.persistence) return;
  for (auto& [tick, type, data] : st.pending_incidents)
    self->send(st.persistence, incident_atom::value, tick, std::move(type), std::move(data));
  st.pending_incidents.clear();
}

void log_incident(game_ptr self, Tick tick, std::string type, std::string data) {
  self->state.pending_incidents.emplace_back(tick, std::move(type), std::move(data));
  flush_incidents(self);
}

const caf::actor& supervisor_for(game_ptr self, ActorKind kind) {
  auto& st = self->state;
  return kind == ActorKind::nation ? st.nations : kind == ActorKind::war ? st.wars : st.core;
}

ChildFactory nation_factory(std::shared_ptr<const World> world, FaultPlanPtr faults) {
  return [=](caf::local_actor* self, const ActorKey& key, uint64_t) {
    return caf::actor_cast<caf::actor>(self->spawn(nation_actor_impl, key.id, world, faults));
  };
}

ChildFactory war_factory(std::shared_ptr<const World> world, FaultPlanPtr faults) {
  return [=](caf::local_actor* self, const ActorKey& key, uint64_t) {
    return caf::actor_cast<caf::actor>(self->spawn(war_actor_impl, key.id, world, faults));
  };
}

ChildFactory persistence_factory(PersistenceConfig config, bool detached) {
  return [=](caf::local_actor* self, const ActorKey&, uint64_t) {
    if (detached)
      return caf::actor_cast<caf::actor>(self->spawn<caf::detached>(persistence_actor_impl, config));
    return caf::actor_cast<caf::actor>(self->spawn(persistence_actor_impl, config));
  };
}

caf::behavior game_supervisor(game_ptr self, GameSupervisorConfig config) {
  auto& st = self->state;
  st.world = config.world;
  auto sup = [&](std::string name, ChildFactory factory) {
    SupervisorConfig c{std::move(name), config.intensity, std::move(factory), config.world};
    auto h = spawn_supervisor(self, std::move(c));
    self->monitor(h);
    return h;
  };
  st.core = sup("game", persistence_factory(config.persistence, config.detached_persistence));
  st.nations = sup("nations", nation_factory(config.world, config.faults));
  st.wars = sup("wars", war_factory(config.world, config.faults));
  st.coordinator = caf::actor_cast<caf::actor>(spawn_coordinator(
      self, config.world, CoordinatorLinks{st.core, st.nations, st.wars}, config.coordinator));
  self->monitor(st.coordinator);

  // The tree goes down as a whole; a part that dies on its own takes the game
  // with it (supervisors do not crash; a crashed coordinator cannot yet be
  // restarted with its cache rebuilt from the save).
  self->set_down_handler([=](caf::down_msg& dm) {
    spdlog::critical("game: a core actor stopped ({}); shutting the game down",
                     describe(dm.reason));
    self->quit(dm.reason ? dm.reason : caf::error(caf::exit_reason::user_shutdown));
  });
  // Handles captured now: the state is gone by the time this runs.
  const std::vector<caf::actor> parts{st.coordinator, st.nations, st.wars, st.core};
  self->attach_functor([parts](const caf::error&) {
    for (const auto& h : parts) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  });

  return {
      // ---- from the supervisors ----
      [=](kid_started_atom, const ActorKey& key, uint64_t generation, const caf::actor& handle,
          const std::string& reason) {
        auto& st = self->state;
        if (key.kind == ActorKind::persistence) st.persistence = handle;
        self->send(st.coordinator, kid_started_atom::value, key, generation, handle, reason);
        if (!reason.empty()) {
          log_incident(self, st.world->meta().tick + 1, "actor_restarted",
                       incident_json({{"id", key.id}, {"generation", static_cast<int64_t>(generation)}},
                                     {{"kind", kind_name(key.kind)}}));
        } else {
          flush_incidents(self);
        }
      },
      [=](kid_crashed_atom, const ActorKey& key, uint64_t generation, const std::string& reason,
          Tick tick) {
        auto& st = self->state;
        if (key.kind == ActorKind::persistence) st.persistence = nullptr;
        log_incident(self, tick, "actor_crashed",
                     incident_json({{"id", key.id},
                                    {"generation", static_cast<int64_t>(generation)},
                                    {"tick", tick}},
                                   {{"kind", kind_name(key.kind)}, {"reason", reason}}));
      },
      [=](escalate_atom, const ActorKey& key, const std::string& reason, Tick tick) {
        log_incident(self, tick, "supervisor_escalated",
                     incident_json({{"id", key.id}, {"tick", tick}},
                                   {{"kind", kind_name(key.kind)}, {"reason", reason}}));
        self->send(self->state.coordinator, escalate_atom::value, key, reason, tick);
      },
      // ---- admin API ----
      [=](list_atom) {
        auto rp = self->make_response_promise<std::vector<ActorInfo>>();
        auto all = std::make_shared<std::vector<ActorInfo>>();
        ActorInfo coordinator;
        coordinator.kind = kind_name(ActorKind::coordinator);
        coordinator.supervisor = "game";
        coordinator.generation = 1;
        coordinator.running = true;
        all->push_back(coordinator);
        auto remaining = std::make_shared<int>(3);
        for (const auto& h : {self->state.core, self->state.nations, self->state.wars}) {
          self->request(h, caf::infinite, list_atom::value)
              .then(
                  [=](std::vector<ActorInfo>& part) mutable {
                    all->insert(all->end(), part.begin(), part.end());
                    if (--*remaining == 0) rp.deliver(*all);
                  },
                  [=](caf::error& err) mutable {
                    if (--*remaining >= 0) rp.deliver(err);
                    *remaining = -1;
                  });
        }
        return rp;
      },
      [=](kill_atom atom, const ActorKey& key, const std::string& reason) {
        spdlog::warn("admin: kill {} ({})", key.to_string(), reason);
        return self->delegate(supervisor_for(self, key.kind), atom, key, reason);
      },
      [=](restart_atom atom, const ActorKey& key) {
        return self->delegate(supervisor_for(self, key.kind), atom, key);
      },
      [=](status_atom atom) { return self->delegate(self->state.coordinator, atom); },
      [=](pause_atom atom) { return self->delegate(self->state.coordinator, atom); },
      [=](resume_atom atom) { return self->delegate(self->state.coordinator, atom); },
      [=](speed_atom atom, int32_t speed) {
        return self->delegate(self->state.coordinator, atom, speed);
      },
      [=](checkpt_atom atom) { return self->delegate(self->state.coordinator, atom); },
      [=](save_as_atom atom, const std::string& path) {
        return self->delegate(self->state.coordinator, atom, path);
      },
      [=](stop_atom atom) { return self->delegate(self->state.coordinator, atom); },
      // The current incarnation of an actor (tests and debugging tools).
      [=](caf::get_atom, const ActorKey& key) -> caf::result<caf::actor> {
        if (key.kind == ActorKind::coordinator) return self->state.coordinator;
        if (key.kind == ActorKind::supervisor)  // 0: core, 1: nations, 2: wars
          return key.id == 1 ? self->state.nations : key.id == 2 ? self->state.wars : self->state.core;
        auto rp = self->make_response_promise<caf::actor>();
        self->request(supervisor_for(self, key.kind), caf::infinite, spawn_kid_atom::value, key)
            .then([=](caf::actor& h, uint64_t) mutable { rp.deliver(h); },
                  [=](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_game_supervisor(caf::actor_system& sys, GameSupervisorConfig config) {
  return sys.spawn(game_supervisor, std::move(config));
}

}  // namespace hegemon
