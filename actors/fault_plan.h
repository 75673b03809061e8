// Injected crashes, for tests and demonstrations of supervision: "nation 12
// throws when computing tick 500", once or every time (a poison tick).
// Parsed from `--inject-crash KIND[:ID]@TICK[:poison]`, e.g. nation:12@500,
// war:3@800:poison, persistence@250 (persistence crashes inside the
// transaction of that tick, before COMMIT), coordinator@300 (the coordinator
// crashes as it starts that tick).
#pragma once

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/actor_key.h"
#include "state/status.h"

namespace hegemon {

struct InjectedCrash : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class FaultPlan {
 public:
  struct Fault {
    ActorKey target;
    Tick tick = 0;
    bool poison = false;  // every time, not just once
  };

  // Parses one spec; the error says what is wrong with it.
  static Result<Fault> parse(const std::string& spec);

  void add(const Fault& fault);
  bool empty() const { return faults_.empty(); }

  // Throws InjectedCrash if a fault matches (target, tick) and has not fired
  // yet (or is poison). Thread-safe; a "once" fault fires exactly once across
  // every incarnation of the actor.
  void maybe_crash(const ActorKey& target, Tick tick) const;
  // Whether a fault (fired or not) names (target, tick): the coordinator asks
  // such a nation even on a day it is idle, so that the crash happens.
  bool targets(const ActorKey& target, Tick tick) const;

 private:
  struct Entry {
    Fault fault;
    std::unique_ptr<std::atomic<bool>> fired;
  };
  std::vector<Entry> faults_;
};

using FaultPlanPtr = std::shared_ptr<const FaultPlan>;

}  // namespace hegemon
