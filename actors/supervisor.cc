#include "actors/supervisor.h"

#include <map>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"

namespace hegemon {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Child {
  caf::actor handle;  // null while down (given up on)
  uint64_t generation = 0;
  int32_t restarts = 0;
  RestartBudget budget;  // restarts within the intensity window
  std::string last_crash;
  Tick last_crash_tick = -1;
};

struct SupervisorState {
  SupervisorConfig config;
  SupervisorListener listener;
  std::map<ActorKey, Child> children;

  Tick tick_in_flight() const { return config.world ? config.world->meta().tick + 1 : -1; }
};

void start_child(caf::event_based_actor* self, SupervisorState& st, const ActorKey& key,
                 Child& child, const std::string& crash_reason) {
  ++child.generation;
  child.handle = st.config.factory(self, key, child.generation);
  self->monitor(child.handle);
  if (st.listener.started) st.listener.started(key, child.generation, child.handle, crash_reason);
}

void on_down(caf::event_based_actor* self, SupervisorState& st, const caf::down_msg& dm) {
  auto it = st.children.begin();
  while (it != st.children.end() && it->second.handle.address() != dm.source) ++it;
  if (it == st.children.end()) return;  // a former incarnation, or retired: stale
  const ActorKey key = it->first;
  Child& child = it->second;
  child.handle = nullptr;
  if (dm.reason == caf::exit_reason::normal) {  // finished its job (e.g. peace)
    st.children.erase(it);
    return;
  }
  const Tick tick = st.tick_in_flight();
  child.last_crash = describe(dm.reason);
  child.last_crash_tick = tick;
  if (st.listener.crashed) st.listener.crashed(key, child.generation, child.last_crash, tick);
  if (!child.budget.admit(st.config.intensity, SteadyClock::now())) {
    spdlog::error("{}: {} crashed {} times within {} ms, giving up (last: {})", st.config.name,
                  key.to_string(), st.config.intensity.max_restarts + 1,
                  st.config.intensity.window.count(), child.last_crash);
    if (st.listener.escalated) st.listener.escalated(key, child.last_crash, tick);
    return;
  }
  ++child.restarts;
  spdlog::warn("{} (generation {}) crashed at tick {}: {}; restarting", key.to_string(),
               child.generation, tick, child.last_crash);
  start_child(self, st, key, child, child.last_crash);
}

ActorInfo info_of(const SupervisorState& st, const ActorKey& key, const Child& child) {
  ActorInfo info;
  info.kind = kind_name(key.kind);
  info.id = key.id;
  info.supervisor = st.config.name;
  info.generation = child.generation;
  info.restarts = child.restarts;
  info.running = static_cast<bool>(child.handle);
  info.last_crash = child.last_crash;
  info.last_crash_tick = child.last_crash_tick;
  return info;
}

caf::error unknown(const SupervisorState& st, const ActorKey& key) {
  return make_error(Errc::invalid_request, st.config.name + " supervises no " + key.to_string());
}

caf::result<caf::actor, uint64_t> spawn_kid(caf::event_based_actor* self, SupervisorState& st,
                                            const ActorKey& key) {
  Child& child = st.children[key];
  if (!child.handle) start_child(self, st, key, child, "");
  return {child.handle, child.generation};
}

// Stops a child that is not to come back (retired); its down is not a crash.
void stop_for_good(caf::event_based_actor* self, Child& child) {
  if (!child.handle) return;
  self->demonitor(child.handle.address());
  self->send_exit(child.handle, caf::exit_reason::user_shutdown);
}

caf::result<caf::ok_atom> kill(caf::event_based_actor* self, SupervisorState& st,
                               const ActorKey& key, const std::string& reason) {
  auto it = st.children.find(key);
  if (it == st.children.end() || !it->second.handle) return unknown(st, key);
  self->send_exit(it->second.handle, make_error(Errc::killed, reason));
  return caf::ok_atom::value;
}

caf::result<caf::actor, uint64_t> restart(caf::event_based_actor* self, SupervisorState& st,
                                          const ActorKey& key) {
  auto it = st.children.find(key);
  if (it == st.children.end()) return unknown(st, key);
  Child& child = it->second;
  if (child.handle) {  // replace a running incarnation: its down is now stale
    self->demonitor(child.handle.address());
    self->send_exit(child.handle, caf::exit_reason::kill);
  }
  child.budget.reset();
  ++child.restarts;
  spdlog::info("{}: restarting {} on request", st.config.name, key.to_string());
  start_child(self, st, key, child, "restart requested");
  return {child.handle, child.generation};
}

}  // namespace

caf::behavior supervisor_behavior(caf::event_based_actor* self, SupervisorConfig config,
                                  SupervisorListener listener) {
  auto st = std::make_shared<SupervisorState>();
  st->config = std::move(config);
  st->listener = std::move(listener);
  self->set_down_handler([self, st](caf::down_msg& dm) { on_down(self, *st, dm); });
  // Children go down with their supervisor.
  self->attach_functor([st](const caf::error& reason) {
    for (auto& [key, child] : st->children)
      if (child.handle) caf::anon_send_exit(child.handle, caf::exit_reason::user_shutdown);
  });
  return {
      [self, st](spawn_kid_atom, const ActorKey& key) { return spawn_kid(self, *st, key); },
      [self, st](retire_atom, const ActorKey& key) {
        auto it = st->children.find(key);
        if (it != st->children.end()) {
          stop_for_good(self, it->second);
          st->children.erase(it);
        }
        return caf::ok_atom::value;
      },
      [self, st](retire_atom) {  // every child, e.g. before the world is reloaded
        for (auto& [key, child] : st->children) stop_for_good(self, child);
        st->children.clear();
        return caf::ok_atom::value;
      },
      [self, st](kill_atom, const ActorKey& key, const std::string& reason) {
        return kill(self, *st, key, reason);
      },
      [self, st](restart_atom, const ActorKey& key) { return restart(self, *st, key); },
      [st](list_atom) {
        std::vector<ActorInfo> out;
        for (const auto& [key, child] : st->children) out.push_back(info_of(*st, key, child));
        return out;
      },
  };
}

// Spawned with its arguments rather than as a capturing lambda: CAF 0.17
// binds a reference through a null pointer for functions spawned without
// arguments (UBSan reports it), so no actor here is spawned that way.
caf::behavior supervisor_actor(caf::event_based_actor* self, SupervisorConfig config,
                               caf::actor parent_handle) {
  SupervisorListener listener;
  listener.started = [self, parent_handle](const ActorKey& key, uint64_t generation,
                                           const caf::actor& handle, const std::string& reason) {
    self->send(parent_handle, kid_started_atom::value, key, generation, handle, reason);
  };
  listener.crashed = [self, parent_handle](const ActorKey& key, uint64_t generation,
                                           const std::string& reason, Tick tick) {
    self->send(parent_handle, kid_crashed_atom::value, key, generation, reason, tick);
  };
  listener.escalated = [self, parent_handle](const ActorKey& key, const std::string& reason,
                                             Tick tick) {
    self->send(parent_handle, escalate_atom::value, key, reason, tick);
  };
  return supervisor_behavior(self, config, std::move(listener));
}

caf::actor spawn_supervisor(caf::local_actor* parent, SupervisorConfig config) {
  return parent->spawn(supervisor_actor, std::move(config), caf::actor_cast<caf::actor>(parent));
}

}  // namespace hegemon
