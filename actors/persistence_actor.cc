#include "actors/persistence_actor.h"

#include <chrono>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "tools/replay.h"

namespace hegemon {

const char* persistence_state::name = "persistence";

persistence_actor::behavior_type persistence_actor_impl(
    persistence_actor::stateful_pointer<persistence_state> self, PersistenceConfig config) {
  self->set_exception_handler(exception_to_error);
  SaveOptions options = config.options;
  options.create_if_missing = false;  // a vanished save must not silently become a new one
  auto opened = SaveFile::open(config.path, options);
  if (!opened) {
    // Counts as a crash: the supervisor retries within its restart intensity.
    self->quit(make_error(Errc::persistence_failed, opened.status().message()));
  } else {
    self->state.save = std::move(*opened);
    if (auto faults = config.faults) {
      self->state.save->set_commit_hook([faults](const ChangeSet& cs) {
        faults->maybe_crash({ActorKind::persistence, 0}, cs.tick());
      });
    }
  }
  return {
      [=](commit_atom, const ChangeSetPtr& changes) -> caf::result<Tick, int64_t> {
        const auto start = std::chrono::steady_clock::now();
        auto outcome = self->state.save->commit(*changes);
        if (!outcome) return make_error(Errc::persistence_failed, outcome.status().message());
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
        if (*outcome == CommitOutcome::already_committed) {
          spdlog::debug("tick {} was already committed; resend ignored", changes->tick());
        }
        return {changes->tick(), static_cast<int64_t>(micros)};
      },
      [=](load_atom) -> caf::result<WorldSnapshotPtr> {
        auto world = self->state.save->load_world();
        if (!world) return make_error(Errc::persistence_failed, world.status().message());
        return WorldSnapshotPtr(std::make_shared<WorldSnapshot>(std::move(*world)));
      },
      [=](token_atom, const std::string& role, NationId nation,
          const std::string& hash) -> caf::result<int64_t> {
        auto id = self->state.save->issue_token(role, nation, hash);
        if (!id) return make_error(Errc::persistence_failed, id.status().message());
        return *id;
      },
      [=](revoke_atom, int64_t id) -> caf::result<caf::ok_atom> {
        if (auto st = self->state.save->revoke_token(id); !st.ok())
          return make_error(Errc::invalid_request, st.message());
        return caf::ok_atom::value;
      },
      [=](tokens_atom) -> caf::result<std::vector<TokenRecord>> {
        auto list = self->state.save->tokens();
        if (!list) return make_error(Errc::persistence_failed, list.status().message());
        return *list;
      },
      [=](checkpt_atom) -> caf::result<caf::ok_atom> {
        if (auto st = self->state.save->checkpoint(); !st.ok())
          return make_error(Errc::persistence_failed, st.message());
        return caf::ok_atom::value;
      },
      [=](save_as_atom, const std::string& path) -> caf::result<caf::ok_atom> {
        if (auto st = self->state.save->backup_to(path); !st.ok())
          return make_error(Errc::persistence_failed, st.message());
        return caf::ok_atom::value;
      },
      [=](rollback_atom, Tick tick) -> caf::result<WorldSnapshotPtr> {
        // The state at `tick`, rebuilt from the nearest snapshot and checked
        // against the save's own hashes on the way, then written back whole.
        auto state = state_at(config.path, tick);
        if (!state) return make_error(Errc::invalid_request, state.status().message());
        SaveFile& save = *self->state.save;
        if (auto st = save.rollback_to(*state); !st.ok())
          return make_error(Errc::persistence_failed, st.message());
        auto world = save.load_world();
        if (!world) return make_error(Errc::persistence_failed, world.status().message());
        if (auto st = save.checkpoint(); !st.ok()) spdlog::warn("after the rollback: {}", st.message());
        return WorldSnapshotPtr(std::make_shared<WorldSnapshot>(std::move(*world)));
      },
      [=](incident_atom, Tick tick, const std::string& type, const std::string& data) {
        if (auto st = self->state.save->log_incident(Event{tick, type, data}); !st.ok())
          spdlog::error("cannot write {} to event_log: {}", type, st.message());
      },
  };
}

}  // namespace hegemon
