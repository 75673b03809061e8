// Nations an admin handed back to the AI while their player tokens stay
// valid. A player session of such a nation loses command at once (the
// acceptor demotes it); this set also keeps the player from simply logging
// in again with the same token and commanding the AI's nation. Handing the
// nation to a player again (set_player on, or a new player token for it)
// takes it off the set. In memory, for the server's life: at start-up the
// game hands every nation with a valid player token to its player anyway
// (game_supervisor.cc, restore_players), so after a restart the token rules;
// an admin who wants a player out for good revokes the token.
#pragma once

#include <mutex>
#include <set>

#include "state/ids.h"

namespace hegemon::net {

class HandedBack {
 public:
  void hand_back(NationId n) {
    std::lock_guard<std::mutex> lock(mutex_);
    nations_.insert(n);
  }
  void hand_over(NationId n) {
    std::lock_guard<std::mutex> lock(mutex_);
    nations_.erase(n);
  }
  bool contains(NationId n) {
    std::lock_guard<std::mutex> lock(mutex_);
    return nations_.count(n) != 0;
  }

 private:
  std::mutex mutex_;  // connections may run on more than one thread
  std::set<NationId> nations_;
};

}  // namespace hegemon::net
