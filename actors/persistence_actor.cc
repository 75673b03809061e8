#include "actors/persistence_actor.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "actors/incident.h"
#include "persistence/rollback.h"

namespace hegemon {

const char* persistence_state::name = "persistence";

namespace {

using self_ptr = persistence_actor::stateful_pointer<persistence_state>;

// What a failed operation tells its requester: an I/O fault is worth retrying.
caf::error failure(const Status& status) {
  return make_error(status.is_io_error() ? Errc::io_fault : Errc::persistence_failed,
                    status.message());
}

SaveOptions open_options(const PersistenceConfig& config) {
  SaveOptions options = config.options;
  options.create_if_missing = false;  // a vanished save must not silently become a new one
  return options;
}

void adopt(self_ptr self, std::unique_ptr<SaveFile> save) {
  auto& st = self->state;
  st.save = std::move(save);
  st.restores_seen = 0;
  if (auto faults = st.config.faults) {
    st.save->set_commit_hook([faults](const ChangeSet& cs) {
      faults->maybe_crash({ActorKind::persistence, 0}, cs.tick());
    });
  }
}

// The save, opened now if an I/O fault kept it closed so far.
Status ensure_open(self_ptr self) {
  auto& st = self->state;
  if (st.save) return Status();
  auto opened = SaveFile::open(st.config.path, open_options(st.config));
  if (!opened) return opened.status();
  spdlog::info("persistence: {} is open again", st.config.path);
  adopt(self, std::move(*opened));
  return Status();
}

// SaveFile wrote a deleted (or moved) save back to its path: worth an error
// line, as someone or something removed the save under a running server, and
// an incident.
void note_restores(self_ptr self) {
  auto& st = self->state;
  if (!st.save || st.save->restores() == st.restores_seen) return;
  st.restores_seen = st.save->restores();
  spdlog::error("persistence: {}", st.save->last_restore());
  st.pending_incidents.push_back({Event{st.save->last_tick(), "save_restored",
                                        incident_json({{"tick", st.save->last_tick()}},
                                                      {{"reason", st.save->last_restore()}})},
                                  false});
}

// Writes the incidents the disk refused so far, oldest first, stopping at the
// first that it refuses again.
void flush_incidents(self_ptr self) {
  auto& st = self->state;
  while (!st.pending_incidents.empty() && ensure_open(self).ok()) {
    auto& pending = st.pending_incidents.front();
    const Status status = st.save->log_incident(pending.event);
    if (status.is_io_error()) {
      if (!pending.warned) {
        spdlog::warn("persistence: {} kept for event_log until the save is writable again: {}",
                     pending.event.type, status.message());
        pending.warned = true;
      }
      note_restores(self);
      return;
    }
    if (!status.ok()) {  // dropped: trying again would fail the same way
      spdlog::error("persistence: cannot write {} to event_log: {}", pending.event.type,
                    status.message());
    }
    st.pending_incidents.pop_front();
    note_restores(self);  // may queue a save_restored incident
  }
}

// After an operation on the save: log a write-back, then catch up on incidents.
void settle(self_ptr self) {
  note_restores(self);
  flush_incidents(self);
}

// Group commit. A commit request is not written when it arrives: it waits,
// and a flush message the actor sends itself, queued behind everything
// already in its mailbox, writes every waiting tick in one transaction. While
// the disk keeps up that is one tick per transaction, as before; when ticks
// queue up behind a slow commit (FULL sync, a big monthly tick, a
// checkpoint), the next transaction takes them all, and the cost of a
// transaction is paid once for the group. Every other request first writes
// what is waiting, so that a load, a checkpoint or an incident still comes
// after every commit received before it.
void commit_waiting(self_ptr self) {
  auto& st = self->state;
  if (st.waiting_commits.empty()) return;
  std::vector<persistence_state::WaitingCommit> group;
  group.swap(st.waiting_commits);
  // Resends after a fault may repeat ticks or arrive behind newer ones;
  // SaveFile skips what it has and wants the rest in order.
  std::stable_sort(group.begin(), group.end(), [](const auto& a, const auto& b) {
    return a.changes->tick() < b.changes->tick();
  });
  size_t answered = 0;  // group[0, answered) have their reply
  auto fail_rest = [&](const caf::error& err) {
    for (; answered < group.size(); ++answered) group[answered].promise.deliver(err);
  };
  auto commit_range = [&](size_t from, size_t to) {
    std::vector<const ChangeSet*> ticks;
    for (size_t i = from; i < to; ++i) ticks.push_back(group[i].changes.get());
    try {
      return st.save->commit(ticks);
    } catch (...) {
      // An injected crash. The requesters hear what CAF tells them of an actor
      // that died with their request (not a commit failure: the coordinator
      // waits for the next incarnation and resends); then the actor dies.
      fail_rest(caf::make_error(caf::sec::request_receiver_down));
      throw;
    }
  };
  auto succeed = [&](size_t to, const Result<CommitOutcome>& outcome, int64_t micros) {
    if (*outcome == CommitOutcome::already_committed)
      spdlog::debug("ticks up to {} were already committed; resend ignored",
                    group[to - 1].changes->tick());
    const int64_t share = micros / static_cast<int64_t>(to - answered);
    for (; answered < to; ++answered)
      group[answered].promise.deliver(group[answered].changes->tick(), share);
  };
  if (Status ready = ensure_open(self); !ready.ok()) {
    return fail_rest(failure(
        ready.with_context("commit tick " + std::to_string(group.front().changes->tick()))));
  }
  auto start = std::chrono::steady_clock::now();
  auto micros_since = [&start] {
    const auto now = std::chrono::steady_clock::now();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - start).count();
    start = now;
    return static_cast<int64_t>(micros);
  };
  Result<CommitOutcome> outcome = commit_range(0, group.size());
  if (outcome) {
    succeed(group.size(), outcome, micros_since());
  } else if (!outcome.status().is_io_error() && group.size() > 1) {
    // The save refused one tick of the group (a constraint, a trigger: not
    // the disk, which would refuse any write alike). Grouping is only a
    // speed-up, so it must not take the good ticks before that one down with
    // it: write them one by one, up to the tick that fails, so the save ends
    // where it would have without grouping.
    spdlog::debug("group commit of ticks {}..{} failed: {}; committing them one by one",
                  group.front().changes->tick(), group.back().changes->tick(),
                  outcome.status().message());
    micros_since();
    for (size_t i = 0; i < group.size(); ++i) {
      outcome = commit_range(i, i + 1);
      if (!outcome) break;
      succeed(i + 1, outcome, micros_since());
    }
  }
  settle(self);
  if (!outcome) fail_rest(failure(outcome.status()));
}

}  // namespace

persistence_actor::behavior_type persistence_actor_impl(
    persistence_actor::stateful_pointer<persistence_state> self, PersistenceConfig config) {
  self->set_exception_handler(exception_to_error);
  self->state.config = config;
  auto opened = SaveFile::open(config.path, open_options(config));
  if (opened) {
    adopt(self, std::move(*opened));
  } else if (opened.status().is_io_error()) {
    // The disk, not the save: stay up, answer io_fault, and open it again at
    // every request (the coordinator retries with backoff).
    spdlog::warn("persistence: cannot open {} now: {}; trying again at every request", config.path,
                 opened.status().message());
  } else {
    // Counts as a crash: the supervisor retries within its restart intensity.
    self->quit(make_error(Errc::persistence_failed, opened.status().message()));
  }
  return {
      [=](commit_atom, const ChangeSetPtr& changes) -> caf::result<Tick, int64_t> {
        auto& waiting = self->state.waiting_commits;
        // The first commit to wait queues the flush behind whatever else is
        // in the mailbox already; commits received until then join its group.
        if (waiting.empty()) self->send(self, flush_atom::value);
        waiting.push_back({changes, self->make_response_promise<Tick, int64_t>()});
        return waiting.back().promise;
      },
      [=](flush_atom) { commit_waiting(self); },
      [=](load_atom) -> caf::result<WorldSnapshotPtr> {
        commit_waiting(self);
        if (Status ready = ensure_open(self); !ready.ok()) return failure(ready);
        auto world = self->state.save->load_world();
        if (!world) return failure(world.status());
        return WorldSnapshotPtr(std::make_shared<WorldSnapshot>(std::move(*world)));
      },
      [=](token_atom, const std::string& role, NationId nation,
          const std::string& hash) -> caf::result<int64_t> {
        commit_waiting(self);
        if (Status ready = ensure_open(self); !ready.ok()) return failure(ready);
        auto id = self->state.save->issue_token(role, nation, hash);
        settle(self);
        if (!id) return failure(id.status());
        return *id;
      },
      [=](revoke_atom, int64_t id) -> caf::result<caf::ok_atom> {
        commit_waiting(self);
        if (Status ready = ensure_open(self); !ready.ok()) return failure(ready);
        const Status st = self->state.save->revoke_token(id);
        settle(self);
        if (st.is_io_error()) return failure(st);
        if (!st.ok()) return make_error(Errc::invalid_request, st.message());
        return caf::ok_atom::value;
      },
      [=](tokens_atom) -> caf::result<std::vector<TokenRecord>> {
        commit_waiting(self);
        if (Status ready = ensure_open(self); !ready.ok()) return failure(ready);
        auto list = self->state.save->tokens();
        if (!list) return failure(list.status());
        return *list;
      },
      [=](checkpt_atom) -> caf::result<caf::ok_atom> {
        commit_waiting(self);
        if (Status ready = ensure_open(self); !ready.ok()) return failure(ready);
        const Status st = self->state.save->checkpoint();
        settle(self);
        if (!st.ok()) return failure(st);
        return caf::ok_atom::value;
      },
      [=](save_as_atom, const std::string& path) -> caf::result<caf::ok_atom> {
        commit_waiting(self);
        if (Status ready = ensure_open(self); !ready.ok()) return failure(ready);
        if (auto st = self->state.save->backup_to(path); !st.ok()) return failure(st);
        return caf::ok_atom::value;
      },
      [=](rollback_atom, Tick tick) -> caf::result<WorldSnapshotPtr> {
        commit_waiting(self);
        if (Status ready = ensure_open(self); !ready.ok()) return failure(ready);
        // The state at `tick`, rebuilt from the nearest snapshot and checked
        // against the save's own hashes on the way, then written back whole.
        if (!config.rebuild_state)
          return make_error(Errc::invalid_request, "this game cannot roll back (no replay)");
        auto state = config.rebuild_state(config.path, tick);
        if (!state) return make_error(Errc::invalid_request, state.status().message());
        auto rolled = roll_back(*self->state.save, *state);
        settle(self);
        if (!rolled) return failure(rolled.status());
        if (!rolled->checkpoint.ok())
          spdlog::warn("after the rollback: {}", rolled->checkpoint.message());
        return WorldSnapshotPtr(std::make_shared<WorldSnapshot>(std::move(rolled->world)));
      },
      [=](incident_atom, Tick tick, const std::string& type, const std::string& data) {
        // Queued behind any the disk refused before, so they stay in order.
        self->state.pending_incidents.push_back({Event{tick, type, data}, false});
        flush_incidents(self);
      },
  };
}

}  // namespace hegemon
