// The coordinator's side of committing ticks: which sealed change sets are in
// flight to persistence, and what to do when a commit fails.
//
// Pipelining: a sealed tick is handed to persistence without waiting, and
// kept here until acknowledged; at most `max_uncommitted` are in flight
// (has_room()). Group commit: persistence may commit several in one
// transaction and acknowledge only the last; acknowledge(tick) lets go of
// every change set up to it, oldest first, for publishing.
//
// Failures: a send belongs to an epoch. resend() starts a new epoch and hands
// back every uncommitted change set, in order, to send again: after a
// persistence restart, a retry, a resume. Errors of an older epoch are stale.
// Of the failures of one round only the first counts (fail()): the later
// ticks fail because the first did ("ticks would be missing"), and no tick is
// sent until the next resend().
//
// I/O faults (the disk refuses: I/O error, disk full, save file gone) pause
// the game and are retried by themselves: after `retry_initial`, then after
// twice as long each time, at most `retry_max`, until a commit goes through;
// then the game resumes at the speed it had when the fault came (an admin's
// pause meanwhile keeps it paused). A retry timer carries its epoch; one from
// before a recovery or a manual resume is stale.
//
// Plain values: the caller sends, arms timers and passes `now`.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "actors/game_speed.h"
#include "state/change_set.h"

namespace hegemon {

// As in messages.h (the same alias may be declared twice), without CAF.
using ChangeSetPtr = std::shared_ptr<const ChangeSet>;

class CommitPipeline {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Millis = std::chrono::milliseconds;

  CommitPipeline(int32_t max_uncommitted, Millis retry_initial, Millis retry_max,
                 Tick committed_tick);

  // ---- pipelining ----
  bool has_room() const { return static_cast<int32_t>(uncommitted_.size()) < max_uncommitted_; }
  bool empty() const { return uncommitted_.empty(); }
  size_t size() const { return uncommitted_.size(); }
  const std::deque<ChangeSetPtr>& uncommitted() const { return uncommitted_; }
  Tick committed_tick() const { return committed_tick_; }
  // Keeps a sealed tick until acknowledged. True: send it now; false: a
  // failure is pending and it goes with the next resend().
  bool push(ChangeSetPtr changes);
  // Persistence committed every tick up to `tick`: those change sets, oldest first.
  std::vector<ChangeSetPtr> acknowledge(Tick tick);
  // A tick that is not persisted at all (benchmarks): it counts as committed.
  void skip(Tick tick) { committed_tick_ = tick; }

  // ---- failures ----
  uint64_t epoch() const { return epoch_; }
  bool stale(uint64_t epoch) const { return epoch != epoch_; }
  bool failed() const { return failed_; }
  // A commit was refused. True if it is the round's first failure (to report).
  bool fail();
  // Every uncommitted change set, in order, to send again in a new epoch.
  const std::deque<ChangeSetPtr>& resend();

  // ---- I/O faults: retry with backoff ----
  struct Retry {
    Millis delay;        // arm the retry timer this far ahead
    uint64_t epoch = 0;  // with this epoch
    bool first = false;  // the fault just began (the game pauses now)
  };
  // The disk refused a commit while the game ran at `speed`.
  Retry io_fault(int32_t speed, TimePoint now);
  bool io_paused() const { return io_paused_; }
  int32_t retries() const { return retries_; }
  Millis retry_delay() const { return retry_delay_; }
  // The speed to resume at once the disk works; kPausedSpeed: stay paused.
  int32_t io_resume_speed() const { return io_resume_speed_; }
  // An admin paused: the pause outlasts the I/O fault.
  void stay_paused() { io_resume_speed_ = kPausedSpeed; }
  // Whether a retry timer of `epoch` should resend now.
  bool retry_due(uint64_t epoch) const { return epoch == retry_epoch_ && io_paused_ && failed_; }
  // A pending retry timer is not needed (resent by hand).
  void cancel_retry() { ++retry_epoch_; }

  struct Recovery {
    int32_t retries = 0;  // failed retries since the fault
    Millis paused{0};
    int32_t resume_speed = kPausedSpeed;
  };
  // A commit went through while io_paused(): the fault is over.
  Recovery recover(TimePoint now);

 private:
  int32_t max_uncommitted_;
  Millis retry_initial_, retry_max_;
  std::deque<ChangeSetPtr> uncommitted_;  // oldest first
  Tick committed_tick_;
  uint64_t epoch_ = 0;
  bool failed_ = false;

  bool io_paused_ = false;
  int32_t io_resume_speed_ = kPausedSpeed;
  int32_t retries_ = 0;
  Millis retry_delay_{0};
  uint64_t retry_epoch_ = 0;
  TimePoint io_paused_since_;
};

}  // namespace hegemon
