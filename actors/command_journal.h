// Player commands between acceptance and their tick's commit, in two parts.
//
// CommandSchedule (the coordinator's): an accepted command applies at the
// next tick to start (the one after the tick in flight); take(tick) hands a
// tick its commands in the order they apply (command_order: by nation, then
// by number), whatever order they arrived in.
//
// CommandJournal (the game supervisor's, which outlives coordinators): numbers
// commands (unique per game, on from the save's highest) and keeps every
// scheduled one until its tick is committed, so a new coordinator, after a
// crash, gets the uncommitted ones to apply each at the tick it was given.
//
// Plain values, no actors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "state/command.h"

namespace hegemon {

class CommandSchedule {
 public:
  // Commands a former incarnation accepted: those for ticks after `committed`
  // apply at their own tick; the others are in the save already.
  void restore(const std::vector<Command>& pending, Tick committed);
  // Schedules `command` for the next tick to start: `current` + 1, or + 2
  // while tick `current` + 1 is in flight. Sets and returns its tick.
  Tick schedule(Command& command, Tick current, bool in_tick);
  // The commands of `tick`, in command_order; they leave the schedule.
  std::vector<Command> take(Tick tick);
  size_t size() const;

 private:
  std::map<Tick, std::vector<Command>> by_tick_;
};

class CommandJournal {
 public:
  // `pending`: commands accepted before (a rolled-back game continuing with
  // the commands it had); numbering goes on after them and `last_seq`.
  CommandJournal(std::vector<Command> pending, int64_t last_seq);
  // Gives `command` the next number.
  void number(Command& command) { command.seq = next_seq_++; }
  // A command the coordinator scheduled (its tick set).
  void record(const Command& scheduled) { commands_.push_back(scheduled); }
  // Commands whose ticks are committed are in the save: let go of them.
  void forget_committed(Tick committed);
  // Every tick was undone (a rollback).
  void clear() { commands_.clear(); }
  const std::vector<Command>& uncommitted() const { return commands_; }
  int64_t next_seq() const { return next_seq_; }

 private:
  std::vector<Command> commands_;  // in the order scheduled
  int64_t next_seq_ = 1;
};

}  // namespace hegemon
