#include "actors/command_journal.h"

#include <algorithm>

namespace hegemon {

void CommandSchedule::restore(const std::vector<Command>& pending, Tick committed) {
  for (const Command& c : pending)
    if (c.tick > committed) by_tick_[c.tick].push_back(c);
}

Tick CommandSchedule::schedule(Command& command, Tick current, bool in_tick) {
  command.tick = current + (in_tick ? 2 : 1);
  by_tick_[command.tick].push_back(command);
  return command.tick;
}

std::vector<Command> CommandSchedule::take(Tick tick) {
  std::vector<Command> out;
  if (auto due = by_tick_.find(tick); due != by_tick_.end()) {
    out = std::move(due->second);
    by_tick_.erase(due);
    std::sort(out.begin(), out.end(), command_order);
  }
  return out;
}

size_t CommandSchedule::size() const {
  size_t n = 0;
  for (const auto& [tick, commands] : by_tick_) n += commands.size();
  return n;
}

CommandJournal::CommandJournal(std::vector<Command> pending, int64_t last_seq)
    : commands_(std::move(pending)), next_seq_(last_seq + 1) {
  for (const Command& c : commands_) next_seq_ = std::max(next_seq_, c.seq + 1);
}

void CommandJournal::forget_committed(Tick committed) {
  commands_.erase(std::remove_if(commands_.begin(), commands_.end(),
                                 [&](const Command& c) { return c.tick <= committed; }),
                  commands_.end());
}

}  // namespace hegemon
