#include "actors/persistence_actor.h"

#include <chrono>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "persistence/save_file.h"

namespace hegemon {

const char* persistence_state::name = "persistence";

persistence_actor::behavior_type persistence_actor_impl(
    persistence_actor::stateful_pointer<persistence_state> self, std::shared_ptr<SaveFile> save) {
  self->state.save = std::move(save);
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
  };
}

}  // namespace hegemon
